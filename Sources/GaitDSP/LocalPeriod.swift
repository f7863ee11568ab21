//===--- LocalPeriod.swift ------------------------------------------------===//
// The step period where it changes within a segment (walking into a run).
//===----------------------------------------------------------------------===//

/// How a segment's step period is re-estimated locally.
///
/// A segment has one spectral step period. When the runner breaks from a
/// walk (~100 spm) into a run (~170 spm) within a segment, that period is
/// the walk's and the run's steps come faster than the detector's peak
/// spacing (``HipContactDetector/peakSpacingPeriods`` of it) allows: a step
/// or two per transition were lost. So the same estimate (spectrum, harmonic
/// and hump checks, ``SegmentWorkspace/stepPeriod(_:in:)``) also runs on
/// overlapping sub-windows; where a sub-window's period differs from the
/// segment's by more than ``changeRatio`` the cadence has changed there, and
/// the contacts anchored nearest to that sub-window's centre are detected and
/// measured with the local period. Elsewhere the segment's period holds, so
/// steady gait is analysed exactly as before.
struct LocalPeriodModel: Sendable {
  /// Sub-window length, s: at least four steps of a slow walk (96 spm),
  /// short enough that a transition dominates the windows on its either side.
  var windowS = 4.0
  /// Sub-window spacing, s.
  var hopS = 2.0
  /// A local period counts as a change of cadence when it is below
  /// 1 / ``changeRatio`` or above ``changeRatio`` times the segment's. The
  /// peak spacing (0.6 periods) and the accepted step times (0.6–1.6
  /// periods) tolerate a cadence drift of this size; a walk-run transition
  /// changes the cadence by 1.5–1.9×.
  var changeRatio = 1.25

  /// Whether a sub-window period `q` differs from the segment's `period` by
  /// more than ``changeRatio`` either way (then it replaces the segment's).
  func changes(_ q: Double, from period: Double) -> Bool {
    q * changeRatio < period || q > changeRatio * period
  }
}

extension SegmentWorkspace {
  /// Fills ``localPeriods`` for the sub-windows of the segment where the
  /// cadence differs from `period` (samples); leaves it empty when it does
  /// nowhere (or the segment is shorter than two sub-windows).
  mutating func estimateLocalPeriods(_ model: PeriodicityModel, segmentPeriod period: Double,
                                     local: LocalPeriodModel = LocalPeriodModel()) {
    localPeriods.removeAll(keepingCapacity: true)
    let n = signal(model.signal).count
    let w = Int((local.windowS * rateHz).rounded()), hop = max(1, Int((local.hopS * rateHz).rounded()))
    guard w >= Int(2 * rateHz), n >= w + hop else { return }
    var changed = false
    var start = 0
    while start + w <= n {
      var p = period
      if let q = stepPeriod(model, in: start..<(start + w), unchangedFrom: (period, local)),
         local.changes(q, from: period) {
        p = q
        changed = true
      }
      localPeriods.append(p)
      start += hop
    }
    if !changed { localPeriods.removeAll(keepingCapacity: true); return }
    localFirstCentre = w / 2
    localHop = hop
  }

  /// The step period (samples) at sample `index`: that of the sub-window
  /// whose centre is nearest, or `period` without local estimates.
  func stepPeriod(near index: Int, segmentPeriod period: Double) -> Double {
    guard !localPeriods.isEmpty else { return period }
    let k = Int((Double(index - localFirstCentre) / Double(localHop)).rounded())
    return localPeriods[max(0, min(localPeriods.count - 1, k))]
  }
}
