//===--- ShankGyroDetector.swift ------------------------------------------===//
// Shank contacts from the tibia's sagittal angular velocity, when the
// recording has a gyroscope.
//===----------------------------------------------------------------------===//
import GaitCore

/// Contacts of one shank from its sagittal (pitch) angular velocity.
///
/// The tibia swings forward fast in mid-swing (the largest angular-velocity
/// peak of the stride), and the angular velocity has a minimum on each side
/// of that peak: toe-off before it and initial contact after it (Aminian et
/// al. 2002; Greene et al. 2010; the same events in running, Bailey & Harle
/// 2015, Mitschke et al. 2018). Steps:
/// - the sagittal axis is the principal axis of the angular velocity's
///   variance over the segment (the shank turns mostly about its
///   mediolateral axis), signed so that its largest excursion (the mid-swing
///   peak) is positive — no mounting or handedness is assumed;
/// - the signal is smoothed by a centred ``smoothingS`` moving mean;
/// - mid-swing peaks: the largest peaks at least ``peakSpacingStrides``
///   stride periods apart, above ``minimumPeakFraction`` of their median and
///   above ``minimumPeakRadPerS``;
/// - between two mid-swing peaks, initial contact is the minimum in the half
///   after the first and toe-off the minimum in the half before the second.
/// Toe-off belongs to the contact before it. Returns `nil` (use the
/// accelerometer) when the segment has no gyroscope or fewer than three
/// mid-swing peaks.
struct ShankGyroContactDetector: Sendable {
  var smoothingS = 0.015
  var peakSpacingStrides = 0.6
  var minimumPeakFraction: Float = 0.4
  /// About 57°/s: a tibia in gait swings several times faster.
  var minimumPeakRadPerS: Float = 1

  /// The sagittal angular velocity, rad/s (mid-swing positive), or `nil`.
  func sagittal(_ segment: SegmentWorkspace) -> [Float]? {
    let w = segment.gyroAxes
    let n = segment.rawX.count
    guard w.count == n, n > 8 else { return nil }
    var live = 0
    var mean = SIMD3<Float>.zero
    for v in w where v != .zero { live += 1; mean += v }
    guard live * 2 > n else { return nil }
    mean /= Float(live)
    var cxx: Float = 0, cxy: Float = 0, cxz: Float = 0, cyy: Float = 0, cyz: Float = 0, czz: Float = 0
    for v in w where v != .zero {
      let d = v - mean
      cxx += d.x * d.x; cxy += d.x * d.y; cxz += d.x * d.z; cyy += d.y * d.y; cyz += d.y * d.z; czz += d.z * d.z
    }
    guard cxx + cyy + czz > 0 else { return nil }
    // Power iteration from the axis of largest variance.
    var axis = cxx >= cyy && cxx >= czz ? SIMD3<Float>(1, 0, 0) : cyy >= czz ? SIMD3(0, 1, 0) : SIMD3(0, 0, 1)
    for _ in 0..<60 {
      axis = normalize(SIMD3(cxx * axis.x + cxy * axis.y + cxz * axis.z, cxy * axis.x + cyy * axis.y + cyz * axis.z,
                             cxz * axis.x + cyz * axis.y + czz * axis.z))
    }
    var s = w.map { dot($0, axis) }
    let hi = Statistics.quantile(s, 0.995), lo = Statistics.quantile(s, 0.005)
    if -lo > hi { for i in 0..<n { s[i] = -s[i] } }
    let width = 2 * Int((smoothingS * segment.rateHz / 2).rounded()) + 1  // odd: centred
    guard width > 1 else { return s }
    var prefix = [Float](repeating: 0, count: n + 1)
    for i in 0..<n { prefix[i + 1] = prefix[i] + s[i] }
    for i in 0..<n {
      let a = max(0, i - width / 2), b = min(n, a + width)
      s[i] = (prefix[b] - prefix[a]) / Float(b - a)
    }
    return s
  }

  func detectContacts(in segment: SegmentWorkspace, stepPeriodSamples period: Double) -> [Contact]? {
    guard let s = sagittal(segment) else { return nil }
    let n = s.count
    let stride = 2 * period
    var peaks = pickPeaks(s, minimum: minimumPeakRadPerS, distance: max(1, Int(peakSpacingStrides * stride)))
    guard peaks.count >= 3 else { return nil }
    let typical = Statistics.quantile(peaks.map { s[$0] }, 0.5)
    peaks = peaks.filter { s[$0] > minimumPeakFraction * typical }
    guard peaks.count >= 3 else { return nil }
    func argmin(_ r: Range<Int>) -> Int? {
      guard !r.isEmpty else { return nil }
      var m = r.lowerBound
      for i in r where s[i] < s[m] { m = i }
      return m
    }
    var contacts: [Contact] = []
    for k in 0..<peaks.count {
      let p = peaks[k]
      // The next peak, or one typical stride on at the segment's end.
      let next = k + 1 < peaks.count ? peaks[k + 1] : min(n, p + Int(stride))
      // Peaks further apart than 1.6 strides bound a pause, not a stride.
      guard Double(next - p) < 1.6 * stride, next - p > 4 else { continue }
      let half = p + (next - p) / 2
      guard let ic = argmin((p + 1)..<half) else { continue }
      let tc = k + 1 < peaks.count ? argmin(half..<next).flatMap { $0 > ic ? $0 : nil } : nil
      contacts.append(Contact(icIndex: Double(ic), tcIndex: tc.map(Double.init), anchorIndex: ic))
    }
    return contacts.count >= 2 ? contacts : nil
  }
}
