//===--- ShankPurcellDetector.swift ---------------------------------------===//
// Purcell et al. 2006's shank-accelerometer contact events, with the
// latencies to the force-plate events that Kiernan et al. 2023 measured for
// them (selectable: `ShankInitialContactMethod.purcell`).
//===----------------------------------------------------------------------===//
import GaitCore

/// Contacts of one shank from Purcell et al. 2006's events, as Kiernan et
/// al. 2023 (Sensors 23:5022) re-implemented and validated them against
/// force plates (74 runners):
///
/// - **Strides**: the peaks of the resultant acceleration |a| (raw, gravity
///   included), at most one per ``peakSpacingStrides`` of the spectral stride
///   (Kiernan et al. use a fixed 2 × fs / 4.75 Hz; the stride prior is the
///   same rule scaled to the gait, so a walking stride is not cut in two).
/// - **Purcell's IC event**: the local minimum of the anteroposterior
///   acceleration (raw) nearest in time to each resultant peak. Kiernan et
///   al. note that Purcell's text names a posterior minimum but the figure
///   (and their working re-implementation) takes the minimum of the anterior
///   axis: the posterior spike of the impact, when the ground stops the
///   foot. The anteroposterior axis is the horizontal principal axis of the
///   acceleration (``SegmentWorkspace/forward``); its sign is not known from
///   the sensor, so it is set so that the impact deflects it posteriorly:
///   the mean over the resultant peaks of the value at the peak minus its
///   mean over ``signBaselineS`` before the peak is made negative.
/// - **Purcell's TC event**: the deepest local minimum of the
///   anteroposterior acceleration (the largest posterior peak) in
///   ``toeOffFraction`` of the interval to the next IC event (the nominal
///   stride after the last). Kiernan et al. average it with the nearest
///   medial peak; the medial sign needs the leg's side and the sensor's
///   mounting, which an unlabelled recording does not give, so the
///   anteroposterior peak alone is used.
/// - **Latency**: the events are timed on the tibia's response, after the
///   force contact. Kiernan et al. 2023 measured Purcell's IC at
///   +17.4 ms (LoA −96.8…+131.6) and its TC at +3.5 ms (LoA −143.9…+150.9)
///   against the force plate; those published constants
///   (``icLatencyS``, ``tcLatencyS``) are subtracted. They are never fitted
///   to any data here.
struct ShankPurcellContactDetector: ContactDetector {
  /// Resultant peaks no closer than this many spectral strides.
  var peakSpacingStrides = 0.6
  /// The IC event is the anteroposterior local minimum nearest the
  /// resultant peak within this many strides of it.
  var searchStrides = 0.5
  /// Half-width of the window around each resultant peak in which the
  /// sign is judged, s.
  var signWindowS = 0.03
  /// Purcell's TC search, as fractions of the IC-to-IC interval (Kiernan et
  /// al. 2023's re-implementation: 20–60 %).
  var toeOffFraction = 0.2...0.6
  /// Purcell's IC event after the force-plate contact (Kiernan et al. 2023), s.
  var icLatencyS = 0.0174
  /// Purcell's TC event after the force-plate toe-off (Kiernan et al. 2023), s.
  var tcLatencyS = 0.0035

  /// Purcell's raw events (sample indices, latencies not applied): the IC
  /// event of each stride and its TC event (`nil` where the window is too
  /// short), ascending.
  func events(in segment: SegmentWorkspace, stepPeriodSamples period: Double) -> [(ic: Int, tc: Int?)] {
    let n = segment.rawX.count
    guard n > 8 else { return [] }
    let stride = 2 * period
    let g = standardGravity
    let f = segment.forward
    var resultant = [Float](repeating: 0, count: n)
    var ap = [Float](repeating: 0, count: n)
    for i in 0..<n {
      let x = segment.rawX[i], y = segment.rawY[i], z = segment.rawZ[i]
      resultant[i] = (x * x + y * y + z * z).squareRoot() / g
      ap[i] = (x * f.x + y * f.y + z * f.z) / g
    }
    let peaks = pickPeaks(resultant, minimum: 0, distance: max(1, Int(peakSpacingStrides * stride)))
    guard !peaks.isEmpty else { return [] }
    // Sign: the impact deflects the anteroposterior axis posteriorly.
    let w = max(1, Int((signWindowS * segment.rateHz).rounded()))
    var deflection: Float = 0
    for p in peaks where p - w >= 0 && p + w < n {
      var lo = ap[p], hi = ap[p]
      for i in (p - w)...(p + w) { lo = min(lo, ap[i]); hi = max(hi, ap[i]) }
      deflection += (ap[p] - lo) - (hi - ap[p])
    }
    if deflection > 0 { for i in 0..<n { ap[i] = -ap[i] } }
    func isMinimum(_ i: Int) -> Bool { i > 0 && i < n - 1 && ap[i] < ap[i - 1] && ap[i] <= ap[i + 1] }
    // The IC event: the nearest local minimum (the earlier on a tie).
    let reach = max(1, Int(searchStrides * stride))
    var ics: [Int] = []
    for p in peaks {
      var found: Int?
      for d in 0...reach {
        if isMinimum(p - d) { found = p - d; break }
        if isMinimum(p + d) { found = p + d; break }
      }
      if let ic = found, ic > (ics.last ?? -1) { ics.append(ic) }
    }
    // The TC event: the deepest local minimum in the window (its minimum
    // when the window holds no local minimum).
    var out: [(ic: Int, tc: Int?)] = []
    for (k, ic) in ics.enumerated() {
      let span = k + 1 < ics.count ? Double(ics[k + 1] - ic) : stride
      let lo = ic + Int((toeOffFraction.lowerBound * span).rounded())
      let hi = min(n - 1, ic + Int((toeOffFraction.upperBound * span).rounded()))
      guard hi > lo + 1 else { out.append((ic, nil)); continue }
      var deepest: Int?, lowest = lo
      for i in lo..<hi {
        if ap[i] < ap[lowest] { lowest = i }
        if isMinimum(i), deepest == nil || ap[i] < ap[deepest!] { deepest = i }
      }
      out.append((ic, deepest ?? lowest))
    }
    return out
  }

  func detectContacts(in segment: SegmentWorkspace, stepPeriodSamples period: Double, coreRange: Range<Int>) -> [Contact] {
    let rate = segment.rateHz
    return events(in: segment, stepPeriodSamples: period).map { e in
      let ic = max(0, Double(e.ic) - icLatencyS * rate)
      let tc = e.tc.map { Double($0) - tcLatencyS * rate }.flatMap { $0 > ic ? $0 : nil }
      return Contact(icIndex: ic, tcIndex: tc, anchorIndex: e.ic)
    }
  }
}
