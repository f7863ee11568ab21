//===--- FFT.swift --------------------------------------------------------===//
// The one place gaitline talks to FFTW.
//===----------------------------------------------------------------------===//
internal import CFFTW
import Synchronization

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
      guard let i = fftwf_alloc_real(count), let o = fftwf_alloc_complex(count / 2 + 1),
            let raw = fftwf_plan_dft_r2c_1d(Int32(count), i, o, UInt32(FFTW_ESTIMATE)) else {
        fatalError("FFTW could not plan n=\(count)")
      }
      fftwf_free(i)
      fftwf_free(o)
      let p = Plan(raw: raw)
      cache[count] = p
      return p
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
