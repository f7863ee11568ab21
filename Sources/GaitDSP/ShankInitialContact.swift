//===--- ShankInitialContact.swift ----------------------------------------===//
// Published rules for timing initial contact on a shank accelerometer,
// selectable beside the default impact onset so that they can be compared
// on the same impacts (docs/REPORT.md, "Shank (tibia) sensors").
//===----------------------------------------------------------------------===//
import GaitCore

/// How the shank detector (accelerometer only) times initial contact within
/// each impact. Every rule starts from the same impact (the stride's largest
/// jerk burst), so strides are found identically and only the timing of
/// the contact differs. The rules are written from the methods' published
/// descriptions (and the re-implementations compared by Kiernan et al.
/// 2023 and Lubrano et al. 2026); none is tuned to any data here.
public enum ShankInitialContactMethod: String, Sendable, Hashable, CaseIterable {
  /// The onset of the impact's jerk burst: the knee of the cumulative jerk
  /// in the 75 ms before its largest sample (the default).
  case impactOnset = "onset"
  /// Purcell et al. 2006, its own detector (``ShankPurcellContactDetector``):
  /// strides from the resultant's peaks, IC at the anteroposterior
  /// acceleration's local minimum nearest each peak (the impact's posterior
  /// spike) minus Kiernan et al. 2023's published latency to the force
  /// plate (17.4 ms). Unlike the other rules it does not start from the jerk
  /// burst. Toe-off from this detector's own rules (as for every rule).
  case purcell = "purcell"
  /// ``purcell`` with Purcell's toe-off too: the largest posterior peak 20–60 %
  /// of the way to the next IC event, minus Kiernan et al. 2023's +3.5 ms
  /// (limits of agreement about ±147 ms).
  case purcellToeOff = "purcell-tc"
  /// Sinclair et al. 2013: from the peak of the axial acceleration (60 Hz
  /// low-pass), back to its last upward zero crossing that is followed by
  /// 20 ms of positive values (axial acceleration without its segment mean:
  /// gravity removed).
  case sinclair = "sinclair"
  /// Mercer et al. 2003: the minimum of the 15 Hz low-passed axial
  /// acceleration before its impact peak.
  case mercer = "mercer"
  /// Aubol & Milner 2020: the minimum of the (70 Hz low-passed) resultant
  /// acceleration in the 75 ms before the resultant's largest jerk, found
  /// in the 150 ms before the resultant's impact peak.
  case aubol = "aubol"
  /// The earliest departure of the jerk from the late swing (issue 14's
  /// onset search, comparison only): the swing's jerk level is the median +
  /// 3 SD of the jerk over the 50 ms before the onset search window; from
  /// the impact onset (the knee) the search moves back while the jerk stays
  /// above that level, or forward to its first sample above it, and the
  /// crossing is interpolated linearly between the two samples around it.
  /// On exact synthetic impacts it is within a few ms of contact even for a
  /// gradual rise; on the bundled participant's noisy late swing (jerk
  /// 25–310 g/s) the level lies above the knee's jerk, so it is later than
  /// the knee (docs/REPORT.md).
  case departure = "departure"
}

/// The signals one rule needs over a segment, and the rule itself.
struct ShankInitialContactRule {
  let method: ShankInitialContactMethod
  let rate: Double
  /// The rule's working signal, g (axial or resultant).
  var signal: [Float] = []
  /// The unfiltered axial acceleration, g (Mercer's peak).
  var axialRaw: [Float] = []

  /// Prepares `method`'s signals for `segment`.
  init(method: ShankInitialContactMethod, segment: SegmentWorkspace) {
    self.method = method
    rate = segment.rateHz
    let g = standardGravity
    let n = segment.rawX.count
    func project(_ v: SIMD3<Float>) -> [Float] {
      (0..<n).map { (segment.rawX[$0] * v.x + segment.rawY[$0] * v.y + segment.rawZ[$0] * v.z) / g }
    }
    switch method {
    case .impactOnset, .departure, .purcell, .purcellToeOff:
      break
    case .sinclair:
      var axial = project(segment.up)
      let mean = axial.reduce(0, +) / Float(max(1, n))
      axial = axial.map { $0 - mean }
      signal = Self.lowPassed(axial, cutoffHz: 60, rateHz: rate)
    case .mercer:
      axialRaw = project(segment.up)
      signal = Self.lowPassed(axialRaw, cutoffHz: 15, rateHz: rate)
    case .aubol:
      signal = Self.lowPassed(Self.resultant(segment), cutoffHz: 70, rateHz: rate)
    }
  }

  /// |a| of the raw axes, g.
  static func resultant(_ segment: SegmentWorkspace) -> [Float] {
    let n = segment.rawX.count
    var out = [Float](repeating: 0, count: n)
    for i in 0..<n {
      let x = segment.rawX[i], y = segment.rawY[i], z = segment.rawZ[i]
      out[i] = (x * x + y * y + z * z).squareRoot() / standardGravity
    }
    return out
  }

  /// Zero-phase 4th-order Butterworth low-pass; unfiltered when the cut-off
  /// is not below 0.45 × the sample rate (the published cut-offs assume
  /// 1000 Hz sampling; at 100 Hz a 60 Hz cut-off is above Nyquist).
  static func lowPassed(_ s: [Float], cutoffHz: Double, rateHz: Double) -> [Float] {
    guard cutoffHz < 0.45 * rateHz, s.count > 8 else { return s }
    var a = s, b = s, c = s, d = s
    var scratch: [SIMD4<Float>] = []
    ZeroPhaseButterworth.lowPass(cutoffHz: cutoffHz, sampleRateHz: rateHz).apply4(&a, &b, &c, &d, scratch: &scratch)
    return a
  }

  private func argmax(_ s: [Float], _ lo: Int, _ hi: Int) -> Int {
    var m = lo
    for i in lo...hi where s[i] > s[m] { m = i }
    return m
  }

  private func argmin(_ s: [Float], _ lo: Int, _ hi: Int) -> Int {
    var m = lo
    for i in lo...hi where s[i] < s[m] { m = i }
    return m
  }

  /// Initial contact of the impact whose largest jerk sample is `jerkPeak`,
  /// or `nil` when the rule finds no such feature there. The impact peak is
  /// searched from 75 ms before to 80 ms after the largest jerk (the
  /// tibial-shock window).
  func initialContact(jerkPeak j: Int, strideSamples: Double) -> Int? {
    let n = signal.count
    guard n > 2 else { return nil }
    let before = max(2, Int((0.075 * rate).rounded())), after = max(2, Int((0.08 * rate).rounded()))
    let lo = max(0, j - before), hi = min(n - 1, j + after)
    guard hi > lo else { return nil }
    switch method {
    case .impactOnset, .departure, .purcell, .purcellToeOff:
      return nil
    case .sinclair:
      let peak = argmax(signal, lo, hi)
      let run = max(1, Int((0.02 * rate).rounded()))
      let limit = max(0, peak - Int(0.5 * strideSamples))
      var k = peak - 1
      while k >= limit {
        if signal[k] < 0, k + run < n, (k + 1...k + run).allSatisfy({ signal[$0] > 0 }) { return k + 1 }
        k -= 1
      }
      return nil
    case .mercer:
      let peakRaw = argmax(axialRaw, lo, hi)
      let w = max(1, Int((0.03 * rate).rounded()))
      var k = argmax(signal, max(0, peakRaw - w), min(n - 1, peakRaw + w))
      let limit = max(1, k - Int(0.5 * strideSamples))
      while k > limit, signal[k - 1] < signal[k] { k -= 1 }
      return k
    case .aubol:
      let peak = argmax(signal, lo, hi)
      let w150 = max(2, Int((0.15 * rate).rounded()))
      let s = max(1, peak - w150)
      guard peak > s else { return nil }
      var jr = s
      for i in s...peak where signal[i] - signal[i - 1] > signal[jr] - signal[jr - 1] { jr = i }
      return argmin(signal, max(0, jr - before), jr)
    }
  }
}
