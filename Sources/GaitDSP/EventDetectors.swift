//===--- EventDetectors.swift ---------------------------------------------===//
// Contact detectors for hip and foot sensors, and the signal helpers they
// and the step metrics share.
//===----------------------------------------------------------------------===//
import GaitCore

/// Greedy peak picking: local maxima above `minimum`, tallest first, none
/// closer than `distance` samples to a taller one (the rule of
/// `scipy.signal.find_peaks(distance=)`). Returns ascending indices.
func pickPeaks(_ x: [Float], minimum: Float, distance: Int) -> [Int] {
  var candidates: [Int] = []
  let n = x.count
  guard n >= 3 else { return [] }
  for i in 1..<(n - 1) where x[i] > minimum && x[i] > x[i - 1] && x[i] >= x[i + 1] { candidates.append(i) }
  candidates.sort { x[$0] > x[$1] || (x[$0] == x[$1] && $0 < $1) }
  var taken: [Int] = []
  for c in candidates where !taken.contains(where: { abs($0 - c) < distance }) { taken.append(c) }
  return taken.sorted()
}

/// Peak-to-peak displacement over `range` by double integration of the
/// acceleration with drift removal: the mean acceleration over the step is
/// removed (no net velocity change over a periodic step), then the linear
/// trend of the velocity (no net displacement), as GaitPy and skdh do per
/// step (docs/EVIDENCE.md, methods). Returns metres.
func peakToPeakDisplacement(_ a: [Float], _ range: Range<Int>, rateHz: Double, velocity: inout [Double]) -> Double? {
  let n = range.count
  guard n >= 4, range.lowerBound >= 0, range.upperBound <= a.count else { return nil }
  let dt = 1 / rateHz
  return a.withUnsafeBufferPointer { p -> Double in
    var mean = 0.0
    for i in range { mean += Double(p[i]) }
    mean /= Double(n)
    // Pass 1: the velocity's least-squares line, from running sums.
    var v = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
    var k = 0.0
    for i in range {
      v += (Double(p[i]) - mean) * dt
      sx += k; sy += v; sxx += k * k; sxy += k * v
      k += 1
    }
    let dn = Double(n)
    let slope = (dn * sxy - sx * sy) / max(dn * sxx - sx * sx, 1e-12)
    let intercept = (sy - slope * sx) / dn
    // Pass 2: integrate the detrended velocity.
    v = 0
    k = 0
    var d = 0.0, lo = 0.0, hi = 0.0
    for i in range {
      v += (Double(p[i]) - mean) * dt
      d += (v - (intercept + slope * k)) * dt
      lo = min(lo, d); hi = max(hi, d)
      k += 1
    }
    return hi - lo
  }
}

/// Contacts from a sacrum / lower-back / waist sensor.
///
/// Running (a flight phase exists): the vertical specific force at the
/// sacrum approximates the ground reaction force in body weights, so contact
/// is where it stays above ``thresholdG`` around each stance peak: initial
/// contact is its last upward crossing before the peak, toe-off the first
/// downward crossing after it, both interpolated between samples (a
/// force-threshold analogue of Patoz 2022's sacral threshold method). Stance
/// peaks are local maxima of vertical specific force above
/// median + ``peakThresholdFraction`` · (p99 − median) (and at least
/// ``minimumPeakG``), at most one per ``peakSpacingPeriods`` step periods.
/// Walking (no flight): initial contact is the steepest rise of vertical
/// acceleration in the ``walkingOnsetPeriods`` step periods before the peak;
/// toe-off is not reported.
struct HipContactDetector: ContactDetector {
  /// Vertical specific force below which the trunk is taken to be in
  /// flight, g (``AnalysisOptions/contactThresholdG``).
  var thresholdG: Float = 0.3
  /// Stance-peak threshold as a fraction of the way from the median to the
  /// 99th percentile of vertical specific force.
  var peakThresholdFraction: Float = 0.35
  /// The stance-peak threshold is at least this, g (above standing's 1 g).
  var minimumPeakG: Float = 1.02
  /// Smallest distance between stance peaks, step periods.
  var peakSpacingPeriods = 0.6
  /// How far from a peak IC and TC are searched for, step periods.
  var crossingSearchPeriods = 0.7
  /// Walking IC: the steepest rise within this many step periods before
  /// the peak.
  var walkingOnsetPeriods = 0.4

  init(thresholdG: Float = 0.3) { self.thresholdG = thresholdG }

  func detectContacts(in segment: SegmentWorkspace, stepPeriodSamples period: Double, coreRange: Range<Int>) -> [Contact] {
    let g = standardGravity
    let n = segment.vertical.count
    let vg = segment.vertical.map { $0 / g }
    // The peak threshold needs only coarse levels: quantiles of every
    // second sample.
    let coarse = stride(from: 0, to: n, by: 2).map { vg[$0] }
    let median = Statistics.quantile(coarse, 0.5), p99 = Statistics.quantile(coarse, 0.99)
    let peaks = pickPeaks(vg, minimum: max(median + peakThresholdFraction * (p99 - median), minimumPeakG),
                          distance: Int(peakSpacingPeriods * period))
    var contacts: [Contact] = []
    let thr = thresholdG
    let reach = Int(crossingSearchPeriods * period)
    for p in peaks {
      var ic: Double?
      var i = p
      while i > max(0, p - reach) {
        if vg[i - 1] <= thr && vg[i] > thr { ic = Double(i - 1) + Double((thr - vg[i - 1]) / (vg[i] - vg[i - 1])); break }
        i -= 1
      }
      var tc: Double?
      var j = p + 1
      while j < min(n, p + reach) {
        if vg[j - 1] >= thr && vg[j] < thr { tc = Double(j - 1) + Double((vg[j - 1] - thr) / (vg[j - 1] - vg[j])); break }
        j += 1
      }
      // A stance cut by the start or end of the data (the start of the
      // recording, or a gap) cannot be timed: leave it out rather than
      // guess its contact from a partial rise.
      let cutAtStart = ic == nil && p - reach <= 0 && vg[0] > thr
      let cutAtEnd = tc == nil && p + reach >= n && vg[n - 1] > thr
      if cutAtStart || cutAtEnd { continue }
      if let ic, let tc {
        contacts.append(Contact(icIndex: ic, tcIndex: tc, anchorIndex: p))
      } else {
        // Walking: steepest rise before the peak.
        let lo = max(1, p - Int(walkingOnsetPeriods * period))
        var best = p
        var bestSlope = -Float.infinity
        for k in lo...p where vg[k] - vg[k - 1] > bestSlope { bestSlope = vg[k] - vg[k - 1]; best = k }
        contacts.append(Contact(icIndex: Double(best), tcIndex: nil, anchorIndex: p))
      }
    }
    // Two peaks inside one stance (double-humped force) are one contact.
    var merged: [Contact] = []
    for c in contacts {
      if var last = merged.last, let ltc = last.tcIndex, let ctc = c.tcIndex, abs(c.icIndex - last.icIndex) < 1 {
        last.tcIndex = max(ltc, ctc)
        merged[merged.count - 1] = last
      } else {
        merged.append(c)
      }
    }
    return merged
  }
}

/// Contacts from a foot, ankle or shank sensor, one foot only.
///
/// The anchor of each stride is foot-flat, the quietest moment of the
/// stride (lowest angular speed when a gyroscope is present, else the
/// smallest departure of |a| from 1 g, averaged over ``stillnessWindowS``;
/// zero-velocity detection as in foot-mounted navigation), at most one per
/// ``quietSpacingStrides`` stride periods from the spectrum. Initial contact
/// is the onset (steepest rise) of the largest |a| peak, the impact, in the
/// ``impactSearchStrides`` of a stride before foot-flat. Toe-off is the
/// first |a| peak above ``pushOffMinimumG`` after the foot leaves the quiet
/// band (push-off).
///
/// Accelerometer foot-strike detection is delayed for forefoot strikes and
/// soft shoes (Mitschke 2017, Appl Sci 7:959); contact times from the foot are reported with
/// that caveat.
struct FootContactDetector: ContactDetector {
  /// Window of the moving mean of the stillness signal, s.
  var stillnessWindowS = 0.04
  /// Smallest distance between foot-flat anchors, strides.
  var quietSpacingStrides = 0.6
  /// The impact is searched for in this part of a stride before foot-flat.
  var impactSearchStrides = 0.35
  /// The onset of the impact is searched for this long before its peak, s.
  var onsetReachS = 0.06
  /// A push-off peak of |a| exceeds this, g.
  var pushOffMinimumG: Float = 1.8
  /// The push-off is searched for up to this part of a stride after foot-flat.
  var pushOffSearchStrides = 0.5
  /// The foot has left the quiet band when its stillness signal is this
  /// fraction of the way from the foot-flat level to the median.
  var quietBandFraction: Float = 0.5

  func detectContacts(in segment: SegmentWorkspace, stepPeriodSamples period: Double, coreRange: Range<Int>) -> [Contact] {
    let rate = segment.rateHz
    let mag = segment.magnitude.map { $0 / standardGravity }
    let n = mag.count
    let stride = 2 * period
    // Stillness: moving mean.
    let half = max(1, Int(stillnessWindowS / 2 * rate))
    var raw = [Float](repeating: 0, count: n)
    let useGyro = segment.gyroMagnitude.count == n
    for i in 0..<n { raw[i] = useGyro ? segment.gyroMagnitude[i] : abs(mag[i] - 1) }
    var energy = [Float](repeating: 0, count: n)
    var acc: Float = 0
    var prefix = [Float](repeating: 0, count: n + 1)
    for i in 0..<n { acc += raw[i]; prefix[i + 1] = acc }
    for i in 0..<n {
      let a = max(0, i - half), b = min(n, i + half + 1)
      energy[i] = (prefix[b] - prefix[a]) / Float(b - a)
    }
    let medianEnergy = Statistics.quantile(energy, 0.5)
    let quiet = pickPeaks(energy.map { -$0 }, minimum: -medianEnergy, distance: Int(quietSpacingStrides * stride))
    var contacts: [Contact] = []
    let onsetReach = max(1, Int(onsetReachS * rate))
    for q in quiet {
      let lo = max(1, q - Int(impactSearchStrides * stride))
      guard q > lo else { continue }
      var m = lo
      for k in lo..<q where mag[k] > mag[m] { m = k }
      var best = m
      var bestSlope = -Float.infinity
      for k in max(1, m - onsetReach)...m where mag[k] - mag[k - 1] > bestSlope { bestSlope = mag[k] - mag[k - 1]; best = k }
      // Interpolate the onset to a fraction of a sample (parabola through
      // the slope's neighbours).
      var icFrac = Double(best)
      if best > 1, best + 1 < n {
        let s0 = Double(mag[best - 1] - mag[best - 2]), s1 = Double(bestSlope), s2 = Double(mag[best + 1] - mag[best])
        let d = s0 - 2 * s1 + s2
        if d < 0 { icFrac += max(-0.5, min(0.5, 0.5 * (s0 - s2) / d)) }
      }
      // Leave the quiet band, then the push-off peak.
      let level = energy[q] + quietBandFraction * (medianEnergy - energy[q])
      var j = q
      while j < n - 1, energy[j] < level { j += 1 }
      var tc: Double?
      var k = j
      while k < min(n - 1, q + Int(pushOffSearchStrides * stride)) {
        if mag[k] > pushOffMinimumG, mag[k] >= mag[k - 1], mag[k] >= mag[k + 1] { tc = Double(k); break }
        k += 1
      }
      contacts.append(Contact(icIndex: icFrac, tcIndex: tc, anchorIndex: q))
    }
    return contacts
  }
}
