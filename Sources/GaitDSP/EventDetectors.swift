//===--- EventDetectors.swift ---------------------------------------------===//
// Contact events and per-step metrics for hip and foot sensors.
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

/// The `q`-quantile of `x` (nearest rank, rank ⌊(n−1)·q⌋), found by
/// quickselect in O(n) on a copy; `x` is not modified.
func quantile(_ x: [Float], _ q: Double) -> Float {
  guard !x.isEmpty else { return 0 }
  var a = x
  let k = min(a.count - 1, max(0, Int(Double(a.count - 1) * q)))
  return a.withUnsafeMutableBufferPointer { select($0, k) }
}

/// The `k`-th smallest element (0-based); reorders `a` (quickselect, Hoare
/// partition around a median-of-three pivot).
func select<T: Comparable>(_ a: UnsafeMutableBufferPointer<T>, _ k: Int) -> T {
  var lo = 0
  var hi = a.count - 1
  while lo < hi {
    let mid = lo + (hi - lo) / 2
    if a[mid] < a[lo] { a.swapAt(mid, lo) }
    if a[hi] < a[lo] { a.swapAt(hi, lo) }
    if a[hi] < a[mid] { a.swapAt(hi, mid) }
    let pivot = a[mid]
    var i = lo, j = hi
    while i <= j {
      while a[i] < pivot { i += 1 }
      while a[j] > pivot { j -= 1 }
      if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
    }
    if k <= j { hi = j } else if k >= i { lo = i } else { return a[k] }
  }
  return a[k]
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
/// peaks are found at most one per 0.6 step periods from the spectrum.
/// Walking (no flight): initial contact is the steepest rise of vertical
/// acceleration in the 0.4 step periods before the peak; toe-off is not
/// reported.
///
/// Side: the sign of mediolateral acceleration over stance relative to its
/// neighbours (Lee 2010: sign of the larger ML peak between IC and TC); the
/// ground pushes the trunk medially, towards the right during a left stance.
struct HipEventDetector {
  var thresholdG: Float

  func detect(in work: inout SegmentWorkspace, stepPeriod: Double?, coreRange: Range<Int>,
              offsetIndex: Int, options: AnalysisOptions) -> [Step] {
    guard let period = stepPeriod else { work.computeLean(); return [] }
    let rate = work.rateHz
    let g = standardGravity
    let v = work.vertical
    let n = v.count
    let vg = v.map { $0 / g }
    // The peak threshold needs only coarse levels: quantiles of every
    // second sample.
    let coarse = stride(from: 0, to: n, by: 2).map { vg[$0] }
    let median = quantile(coarse, 0.5), p99 = quantile(coarse, 0.99)
    let peaks = pickPeaks(vg, minimum: max(median + 0.35 * (p99 - median), 1.02), distance: Int(0.6 * period))
    struct Contact { var peak: Int; var ic: Double; var tc: Double?; var running: Bool }
    var contacts: [Contact] = []
    let thr = thresholdG
    let reach = Int(0.7 * period)
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
        contacts.append(Contact(peak: p, ic: ic, tc: tc, running: true))
      } else {
        // Walking: steepest rise before the peak.
        let lo = max(1, p - Int(0.4 * period))
        var best = p
        var bestSlope = -Float.infinity
        for k in lo...p where vg[k] - vg[k - 1] > bestSlope { bestSlope = vg[k] - vg[k - 1]; best = k }
        contacts.append(Contact(peak: p, ic: Double(best), tc: nil, running: false))
      }
    }
    // Two peaks inside one stance (double-humped force) are one contact.
    var merged: [Contact] = []
    for c in contacts {
      if var last = merged.last, let ltc = last.tc, c.running, last.running, abs(c.ic - last.ic) < 1 {
        last.tc = max(ltc, c.tc ?? ltc)
        merged[merged.count - 1] = last
      } else {
        merged.append(c)
      }
    }
    contacts = merged
    // Forward sign from braking: AP acceleration is negative early in stance.
    var early: Float = 0
    for c in contacts {
      guard let tc = c.tc else { continue }
      let a = Int(c.ic.rounded()), b = a + max(1, Int(0.4 * (tc - c.ic)))
      for k in a..<min(b, n) { early += work.anteroposterior[k] }
    }
    if early > 0 { work.flipForward() }
    work.computeLean()

    var steps: [Step] = []
    var scratch: [Double] = []
    let maxStep = 1.6 * period
    let stances = contacts.map { ($0.ic, $0.tc) }
    for (k, c) in contacts.enumerated() where coreRange.contains(c.peak) {
      var s = Step(icS: (Double(offsetIndex) + c.ic) / rate, running: c.running)
      if let tc = c.tc { s.tcS = (Double(offsetIndex) + tc) / rate; s.groundContactMs = (tc - c.ic) / rate * 1000 }
      let icIndex = Int(c.ic.rounded())
      if k + 1 < contacts.count, contacts[k + 1].ic - c.ic <= maxStep, contacts[k + 1].ic - c.ic >= 0.6 * period {
        let next = contacts[k + 1]
        let stepSamples = next.ic - c.ic
        s.stepTimeMs = stepSamples / rate * 1000
        if let tc = c.tc { s.flightMs = max(0, next.ic - tc) / rate * 1000 }
        var stride = 2 * stepSamples
        if k + 2 < contacts.count, contacts[k + 2].ic - c.ic <= 2 * maxStep { stride = contacts[k + 2].ic - c.ic }
        if let tc = c.tc { s.dutyFactor = (tc - c.ic) / stride }
        let range = icIndex..<Int(next.ic.rounded())
        s.verticalOscillationCm = peakToPeakDisplacement(v, range, rateHz: rate, velocity: &scratch).map { $0 * 100 }
        // Side-to-side motion repeats every stride, not every step: integrate
        // over the stride that starts here (Drozda 2024 lateral CoG
        // displacement, 1.2–1.4 cm in runners).
        if work.hasMediolateral, k + 2 < contacts.count, contacts[k + 2].ic - c.ic <= 2 * maxStep {
          let strideRange = icIndex..<Int(contacts[k + 2].ic.rounded())
          s.lateralSwayCm = peakToPeakDisplacement(work.mediolateral, strideRange, rateHz: rate, velocity: &scratch).map { $0 * 100 }
        }
        if let tc = c.tc {
          // Forward velocity over the step (zero-mean acceleration), loss in stance.
          let ap = work.anteroposterior
          var mean = 0.0
          for i in range { mean += Double(ap[i]) }
          mean /= Double(max(range.count, 1))
          var vel = 0.0, minVel = 0.0
          let tcIndex = min(Int(tc.rounded()), range.upperBound)
          for i in range.lowerBound..<tcIndex {
            vel += (Double(ap[i]) - mean) / rate
            minVel = min(minVel, vel)
          }
          s.brakingMps = -minVel
        }
      }
      if let tc = c.tc {
        let hi = min(n, Int((c.ic + 0.5 * (tc - c.ic)).rounded()) + 1)
        var peak: Float = 0
        for i in max(0, icIndex)..<max(icIndex + 1, hi) where i < n { peak = max(peak, vg[i]) }
        s.impactG = Double(peak)
      }
      if work.hasMediolateral, c.tc != nil {
        s.side = sideOfStance(k, contacts: stances, ml: work.mediolateral)
      }
      steps.append(s)
    }
    return steps
  }

  private func sideOfStance(_ k: Int, contacts: [(Double, Double?)], ml: [Float]) -> Side? {
    func stanceMean(_ i: Int) -> Float? {
      guard i >= 0, i < contacts.count, let tc = contacts[i].1 else { return nil }
      let a = Int(contacts[i].0.rounded()), b = Int(tc.rounded())
      guard b > a, a >= 0, b <= ml.count else { return nil }
      var s: Float = 0
      for j in a..<b { s += ml[j] }
      return s / Float(b - a)
    }
    guard let own = stanceMean(k) else { return nil }
    let neighbours = [stanceMean(k - 1), stanceMean(k + 1)].compactMap { $0 }
    let reference = neighbours.isEmpty ? 0 : neighbours.reduce(0, +) / Float(neighbours.count)
    return own > reference ? .left : .right
  }
}

/// Contacts from a foot, ankle or shank sensor, one foot only.
///
/// The anchor of each stride is foot-flat, the quietest moment of the
/// stride (lowest angular speed when a gyroscope is present, else the
/// smallest departure of |a| from 1 g, averaged over 40 ms; zero-velocity
/// detection as in foot-mounted navigation), at most one per 0.6 stride
/// periods from the spectrum. Initial contact is the onset (steepest rise) of
/// the largest |a| peak, the impact, in the 35 % of a stride before
/// foot-flat. Toe-off is the first |a| peak above 1.8 g after the foot leaves
/// the quiet band (push-off). Cadence counts both feet: 2 × stride rate.
///
/// Accelerometer foot-strike detection is delayed for forefoot strikes and
/// soft shoes (Mitschke 2017, Appl Sci 7:959); contact times from the foot are
/// reported with that caveat.
struct FootEventDetector {
  func detect(in work: inout SegmentWorkspace, stepPeriod: Double?, coreRange: Range<Int>,
              offsetIndex: Int, side: Side?) -> [Step] {
    guard let period = stepPeriod else { return [] }
    let rate = work.rateHz
    let mag = work.magnitude.map { $0 / standardGravity }
    let n = mag.count
    let stride = 2 * period
    // Stillness: moving mean over 40 ms.
    let half = max(1, Int(0.02 * rate))
    var raw = [Float](repeating: 0, count: n)
    let useGyro = work.gyroMagnitude.count == n
    for i in 0..<n { raw[i] = useGyro ? work.gyroMagnitude[i] : abs(mag[i] - 1) }
    var energy = [Float](repeating: 0, count: n)
    var acc: Float = 0
    var prefix = [Float](repeating: 0, count: n + 1)
    for i in 0..<n { acc += raw[i]; prefix[i + 1] = acc }
    for i in 0..<n {
      let a = max(0, i - half), b = min(n, i + half + 1)
      energy[i] = (prefix[b] - prefix[a]) / Float(b - a)
    }
    let medianEnergy = quantile(energy, 0.5)
    let quiet = pickPeaks(energy.map { -$0 }, minimum: -medianEnergy, distance: Int(0.6 * stride))
    var ics: [Double] = []
    var tcs: [Double?] = []
    var anchors: [Int] = []
    let onsetReach = max(1, Int(0.06 * rate))
    for q in quiet {
      let lo = max(1, q - Int(0.35 * stride))
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
      let level = energy[q] + 0.5 * (medianEnergy - energy[q])
      var j = q
      while j < n - 1, energy[j] < level { j += 1 }
      var tc: Double?
      var k = j
      while k < min(n - 1, q + Int(0.5 * stride)) {
        if mag[k] > 1.8, mag[k] >= mag[k - 1], mag[k] >= mag[k + 1] { tc = Double(k); break }
        k += 1
      }
      ics.append(icFrac)
      tcs.append(tc)
      anchors.append(q)
    }
    var steps: [Step] = []
    for (k, q) in anchors.enumerated() where coreRange.contains(q) {
      let ic = ics[k]
      var s = Step(icS: (Double(offsetIndex) + ic) / rate, running: false)
      s.side = side
      s.footFlatS = (Double(offsetIndex) + Double(q)) / rate
      if let tc = tcs[k], tc > ic {
        s.tcS = (Double(offsetIndex) + tc) / rate
        s.groundContactMs = (tc - ic) / rate * 1000
      }
      // A stride far from the spectral period is a pause or a mis-detection.
      if k + 1 < ics.count, ics[k + 1] - ic >= 0.7 * stride, ics[k + 1] - ic <= 1.4 * stride {
        let strideSamples = ics[k + 1] - ic
        s.stepTimeMs = strideSamples / 2 / rate * 1000
        if let g = s.groundContactMs { s.dutyFactor = g / 1000 * rate / strideSamples }
      }
      // Running: stance shorter than half the stride (a flight phase exists).
      s.running = (s.dutyFactor ?? 1) < 0.5
      let p = Int(ic.rounded())
      var peak: Float = 0
      for i in p..<min(n, p + onsetReach + 1) where i >= 0 { peak = max(peak, mag[i]) }
      s.impactG = Double(peak)
      steps.append(s)
    }
    return steps
  }
}
