//===--- FFT.swift --------------------------------------------------------===//
// The one place gaitline talks to FFTW.
//===----------------------------------------------------------------------===//
internal import CFFTW
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serialises FFTW's planner, which is not thread-safe. FFTW manual, "Thread
/// safety": "the only thread-safe routine in FFTW is fftw_execute … All other
/// routines (e.g. the planner) should only be called from one thread at a
/// time." Every plan is made inside this one lock and never destroyed.
enum FFTWPlanner {
  /// An FFTW plan, immutable once made; `fftwf_execute_dft_r2c` on it is
  /// thread-safe with any arrays of the same alignment (FFTW manual,
  /// "New-array Execute Functions").
  struct Plan: @unchecked Sendable { let raw: fftwf_plan }

  /// Plans by length, made once per process and kept: planning an 8192-point
  /// transform costs about as much as analysing minutes of data.
  static let plans = Mutex<[Int: Plan]>([:])

  /// The r2c plan for `count` points (`fftwf_plan_dft_r2c_1d`, FFTW_ESTIMATE,
  /// made on scratch arrays from `fftwf_malloc` so their SIMD alignment
  /// matches every buffer RealFFT allocates).
  static func realForward(count: Int) -> Plan {
    plans.withLock { cache in
      if let p = cache[count] { return p }
      if cache.isEmpty { _ = importEstimateWisdom() }
      guard let raw = estimatePlan(count: count) else { fatalError("FFTW could not plan n=\(count)") }
      let p = Plan(raw: raw)
      cache[count] = p
      return p
    }
  }

  /// `fftwf_plan_dft_r2c_1d` of `count` points with FFTW_ESTIMATE, made on
  /// scratch arrays from `fftwf_malloc` (so their SIMD alignment matches
  /// every buffer RealFFT allocates) that are freed again: the plan runs on
  /// other arrays (new-array execute). The caller holds the lock.
  private static func estimatePlan(count: Int) -> fftwf_plan? {
    guard let i = fftwf_alloc_real(count) else { return nil }
    defer { fftwf_free(i) }
    guard let o = fftwf_alloc_complex(count / 2 + 1) else { return nil }
    defer { fftwf_free(o) }
    return fftwf_plan_dft_r2c_1d(Int32(count), i, o, UInt32(FFTW_ESTIMATE))
  }

  /// Imports ``fftwEstimateWisdom`` into FFTW's planner (once, before the
  /// first plan; the caller holds the lock) and says whether FFTW took it.
  ///
  /// Why the plans stay the same: FFTW keeps one table of solutions by
  /// problem, which its planner fills as it searches and consults before
  /// searching (FFTW manual, "Words of Wisdom"); exported wisdom is that
  /// table. The embedded text is the table an FFTW_ESTIMATE search of the
  /// r2c sizes 2^8…2^15 leaves behind in this FFTW (3.3.10, its solver set),
  /// so a plan read from it names the same solvers and codelets that the
  /// search would choose: `fftwf_sprint_plan` of every power of two
  /// 2…2^19 is the same with and without it (FFTWWisdomTests). FFTW rejects
  /// the whole text when its header's signature (version, precision and
  /// the registered solvers) differs from the running library, and, when a
  /// solver it names does not apply on this CPU (an AVX codelet without
  /// AVX: the SIMD codelets check the CPU when they are applied), forgets
  /// all wisdom and plans again from scratch (FFTW 3.3.10 api/apiplan.c,
  /// `mkplan`: "if the planner detected a wisdom inconsistency, forget all
  /// wisdom and plan again"), so any other FFTW or CPU plans as before. Other sizes are
  /// searched as before. What it saves: the search, ~6.9 M instructions per
  /// size (callgrind), against ~2 M to read the text.
  @discardableResult
  static func importEstimateWisdom() -> Bool {
    #if os(Linux) && arch(x86_64)
    return fftwf_import_wisdom_from_string(fftwEstimateWisdom) != 0
    #else
    return false
    #endif
  }

  /// For the tests (under the lock; FFTW's wisdom is left holding
  /// ``fftwEstimateWisdom`` again): FFTW's description of the r2c plan of
  /// each size (`fftwf_sprint_plan`: solvers, codelets, radices), planned from
  /// scratch (`withWisdom` false: all wisdom forgotten first) or just after
  /// importing the embedded wisdom; and whether FFTW accepted it.
  static func planDescriptions(sizes: [Int], withWisdom: Bool) -> (plans: [String], accepted: Bool) {
    plans.withLock { _ in
      defer {
        fftwf_forget_wisdom()
        importEstimateWisdom()
      }
      var accepted = false
      let described = sizes.map { n -> String in
        fftwf_forget_wisdom()
        if withWisdom { accepted = importEstimateWisdom() }
        guard let plan = estimatePlan(count: n) else { return "no plan" }
        defer { fftwf_destroy_plan(plan) }
        guard let text = fftwf_sprint_plan(plan) else { return "no description" }
        defer { free(text) }
        return String(cString: text)
      }
      return (described, accepted)
    }
  }

  /// For the tests: the wisdom FFTW exports after FFTW_ESTIMATE planning of
  /// `sizes` from scratch, in this order (what ``fftwEstimateWisdom`` holds
  /// for 2^8…2^15). Leaves the embedded wisdom imported, as
  /// ``planDescriptions(sizes:withWisdom:)`` does.
  static func estimateWisdom(sizes: [Int]) -> String {
    plans.withLock { _ in
      fftwf_forget_wisdom()
      defer {
        fftwf_forget_wisdom()
        importEstimateWisdom()
      }
      let made = sizes.compactMap { estimatePlan(count: $0) }
      defer { made.forEach(fftwf_destroy_plan) }
      guard let text = fftwf_export_wisdom_to_string() else { return "" }
      defer { free(text) }
      return String(cString: text)
    }
  }
}

/// A single-precision real-to-complex transform of a fixed length, planned
/// once and reused. Owns its FFTW plan and `fftwf_malloc` buffers and frees
/// them in `deinit`.
///
/// Not `Sendable`: one instance belongs to one analysis at a time (each
/// analyzer makes its own; `fftwf_execute` on distinct plans is thread-safe).
public final class RealFFT {
  /// Transform length (samples in).
  public let count: Int
  /// Bins out: `count / 2 + 1`.
  public var binCount: Int { count / 2 + 1 }
  private let input: UnsafeMutablePointer<Float>
  private let output: UnsafeMutablePointer<fftwf_complex>
  private let plan: FFTWPlanner.Plan

  /// An r2c transform of `count` points: the shared plan for that length
  /// (made once per process behind the planner lock) and buffers of its own
  /// from `fftwf_malloc`.
  public init(count: Int) {
    precondition(count >= 2, "an FFT needs at least 2 points")
    self.count = count
    plan = FFTWPlanner.realForward(count: count)
    guard let i = fftwf_alloc_real(count), let o = fftwf_alloc_complex(count / 2 + 1) else {
      fatalError("FFTW could not allocate \(count) points")
    }
    input = i
    output = o
  }

  deinit {
    fftwf_free(input)
    fftwf_free(output)
  }

  /// Power spectrum |X[k]|² of `signal` (zero-padded or truncated to
  /// ``count``), written into `power` (resized to ``binCount``, reusing its
  /// storage). No allocation once `power` has the capacity.
  public func powerSpectrum(of signal: UnsafeBufferPointer<Float>, into power: inout [Float]) {
    let n = min(signal.count, count)
    if n > 0, let base = signal.baseAddress { input.update(from: base, count: n) }
    if n < count { (input + n).update(repeating: 0, count: count - n) }
    fftwf_execute_dft_r2c(plan.raw, input, output)
    if power.count != binCount { power = [Float](repeating: 0, count: binCount) }
    power.withUnsafeMutableBufferPointer { p in
      for k in 0..<binCount {
        let re = output[k].0
        let im = output[k].1
        p[k] = re * re + im * im
      }
    }
  }
}
