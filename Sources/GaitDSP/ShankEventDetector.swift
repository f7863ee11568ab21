//===--- ShankEventDetector.swift -----------------------------------------===//
// Contacts of one leg from a shank (tibia) accelerometer: initial contact
// from the tibial impact, toe-off from the push-off pattern, tibial shock,
// walking told from running, and the shank-versus-foot placement test.
//===----------------------------------------------------------------------===//
import GaitCore

/// What the shank detector decided for one segment (for reports and tests).
struct ShankGait: Sendable {
  /// Stride period, samples.
  var strideSamples: Double
  /// Step rate = 2 × stride rate, steps/min (one leg is measured).
  var cadenceSpm: Double
  /// Median over strides of the longest stretch with |a| within 0.15 g of
  /// 1 g (40-ms mean), as a fraction of the stride.
  var quietFraction: Double
  var running: Bool
}

/// Contacts from a shank sensor, one leg only.
///
/// The tibia has no foot-flat: in running stance |a| stays at 2–3 g. Each
/// stride is anchored instead on its impact, the largest burst of jerk
/// (|Δa|·rate of the three axes, 20-ms moving mean), at most one per 0.6
/// stride periods from the spectrum, searched over the whole stride. Initial
/// contact is the onset of that burst: the knee of the cumulative jerk in
/// the 75 ms before the burst's largest jerk sample (the same 75-ms search
/// as Aubol et al. 2020, who take the resultant-acceleration minimum there).
/// No latency is added: on the bundled force-belt data the onset lags the
/// 50 N force contact by about 15–20 ms; that lag is reported, not removed.
///
/// Walking or running per segment, never from the shank's duty factor:
/// running when the step rate (2 × stride rate) is at least 130 steps/min
/// and stance has no quiet 1-g stretch (walking shows a single-support
/// stretch with |a| ≈ 1 g for about a third of the stride; a running shank
/// is loaded at 2–3 g through stance and swings in flight).
///
/// Toe-off, accelerometer only, with wide uncertainty (shank toe-off from
/// acceleration agrees with force plates within about ±150 ms in the
/// literature): running, the minimum of the axial (gravity-direction)
/// acceleration 0.2–0.6 strides after contact, where the unloaded tibia
/// swings away; walking, the first |a| peak after the largest push-off peak
/// 0.2–0.75 strides after contact.
///
/// Tibial shock: the peak axial acceleration (gravity included; the axis is
/// the principal direction of the segment's impacts) in the 80 ms after
/// contact, g, and its mean rate of rise from contact to the
/// peak, g/s (Milner et al. 2006; Crowell & Davis 2011). A peak on a
/// clipped sample is a lower bound.
struct ShankEventDetector {
  func detect(in work: inout SegmentWorkspace, stepPeriod: Double?, coreRange: Range<Int>,
              offsetIndex: Int, side: Side?, rangeG: Float?) -> (steps: [Step], gait: ShankGait?) {
    guard let period = stepPeriod else { return ([], nil) }
    let rate = work.rateHz
    let n = work.rawX.count
    guard n > 8 else { return ([], nil) }
    let stride = 2 * period
    let g = standardGravity
    // The impact signal: raw axes in g, above 150 Hz smoothed by a centred
    // 7-ms moving mean (a boxcar: its step response is a ramp, so unlike a
    // zero-phase Butterworth it does not ring ahead of the impact and pull
    // the onset early).
    let box = rate > 150 ? Int((0.007 * rate).rounded()) : 1
    let x = movingMean(work.rawX, box, scale: 1 / g), y = movingMean(work.rawY, box, scale: 1 / g)
    let z = movingMean(work.rawZ, box, scale: 1 / g)
    var jerk = [Float](repeating: 0, count: n)
    for i in 1..<n {
      let dx = x[i] - x[i - 1], dy = y[i] - y[i - 1], dz = z[i] - z[i - 1]
      jerk[i] = (dx * dx + dy * dy + dz * dz).squareRoot() * Float(rate)
    }
    let w = max(1, Int((0.02 * rate).rounded()))
    var prefix = [Float](repeating: 0, count: n + 1)
    for i in 0..<n { prefix[i + 1] = prefix[i] + jerk[i] }
    var envelope = [Float](repeating: 0, count: n)
    for i in 0..<n {
      let a = max(0, i - w / 2), b = min(n, i - w / 2 + w)
      envelope[i] = (prefix[b] - prefix[a]) / Float(max(1, b - a))
    }
    var bursts = pickPeaks(envelope, minimum: 0, distance: max(1, Int(0.6 * stride)))
    guard !bursts.isEmpty else { return ([], nil) }
    let typical = quantile(bursts.map { envelope[$0] }, 0.5)
    bursts = bursts.filter { envelope[$0] > 0.3 * typical }

    let gait = classify(work: work, strideSamples: stride)
    let reach = max(2, Int((0.075 * rate).rounded()))
    var ics: [Int] = []
    for p in bursts {
      var j = max(1, p - w)
      for k in max(1, p - w)...min(n - 1, p + w) where jerk[k] > jerk[j] { j = k }
      let s = max(0, j - reach)
      guard j > s + 1 else { ics.append(j); continue }
      // Knee of the cumulative jerk: farthest below the chord.
      let c0 = prefix[s + 1], c1 = prefix[j + 1]
      var best = s
      var bestGap: Float = -.infinity
      for k in s...j {
        let chord = c0 + (c1 - c0) * Float(k - s) / Float(j - s)
        let gap = chord - prefix[k + 1]
        if gap > bestGap { bestGap = gap; best = k }
      }
      ics.append(best)
    }

    let axial = work.vertical  // low-passed, along the segment's mean gravity direction, m/s²
    let mag = work.magnitude
    // The tibial axis: the principal direction of the acceleration change
    // over the impacts (the tibia takes the impact along its length), signed
    // to point up like gravity's reading.
    var cxx: Float = 0, cxy: Float = 0, cxz: Float = 0, cyy: Float = 0, cyz: Float = 0, czz: Float = 0
    for ic in ics {
      for i in ic..<min(n, ic + reach) {
        let dx = x[i] - x[ic], dy = y[i] - y[ic], dz = z[i] - z[ic]
        cxx += dx * dx; cxy += dx * dy; cxz += dx * dz; cyy += dy * dy; cyz += dy * dz; czz += dz * dz
      }
    }
    var up = work.up
    if cxx + cyy + czz > 0 {
      for _ in 0..<50 {
        up = normalize(SIMD3(cxx * up.x + cxy * up.y + cxz * up.z, cxy * up.x + cyy * up.y + cyz * up.z,
                             cxz * up.x + cyz * up.y + czz * up.z))
      }
      if dot(up, work.up) < 0 { up = -up }
    }
    // Saturation level per axis: the recording's stated range, else a
    // value reached by two or more samples at the segment's extreme.
    let limit: Float? = rangeG.map { $0 - 0.05 } ?? saturation([work.rawX, work.rawY, work.rawZ]).map { $0 / g - 0.01 }
    var steps: [Step] = []
    for (k, ic) in ics.enumerated() where coreRange.contains(ic) {
      var s = Step(icS: (Double(offsetIndex) + Double(ic)) / rate, running: gait.running)
      s.side = side
      let next = k + 1 < ics.count ? ics[k + 1] : nil
      if let next, Double(next - ic) >= 0.7 * stride, Double(next - ic) <= 1.4 * stride {
        s.stepTimeMs = Double(next - ic) / 2 / rate * 1000
      }
      // Toe-off.
      let lo = ic + Int(0.2 * stride)
      let hi = min(n - 1, ic + Int((gait.running ? 0.6 : 0.75) * stride), (next ?? n) - 1)
      var tc: Int?
      if hi > lo + 2 {
        if gait.running {
          var m = lo
          for i in lo..<hi where axial[i] < axial[m] { m = i }
          tc = m
        } else {
          var peaks: [Int] = []
          for i in max(lo, 1)..<hi where mag[i] > mag[i - 1] && mag[i] >= mag[i + 1] { peaks.append(i) }
          if let top = peaks.max(by: { mag[$0] < mag[$1] }) { tc = peaks.first { $0 > top } }
        }
      }
      if let tc {
        s.tcS = (Double(offsetIndex) + Double(tc)) / rate
        s.groundContactMs = Double(tc - ic) / rate * 1000
        if s.stepTimeMs != nil, let next { s.dutyFactor = Double(tc - ic) / Double(next - ic) }
      }
      // Tibial shock: raw axial acceleration after contact.
      let end = min(n, ic + max(2, Int((0.08 * rate).rounded())))
      var peak = -Float.infinity, at = ic
      var clipped = false
      for i in ic..<end {
        let v = (work.rawX[i] * up.x + work.rawY[i] * up.y + work.rawZ[i] * up.z) / g
        if v > peak { peak = v; at = i }
        if let limit, max(abs(work.rawX[i]), abs(work.rawY[i]), abs(work.rawZ[i])) / g >= limit { clipped = true }
      }
      if peak.isFinite {
        s.tibialShockG = Double(peak)
        let v0 = (work.rawX[ic] * up.x + work.rawY[ic] * up.y + work.rawZ[ic] * up.z) / g
        if at > ic { s.tibialShockRateGps = Double(peak - v0) / (Double(at - ic) / rate) }
        s.tibialShockClipped = clipped
      }
      steps.append(s)
    }
    return (steps, gait)
  }

  /// Centred moving mean over `width` samples (shorter at the ends), times
  /// `scale`.
  private func movingMean(_ a: [Float], _ width: Int, scale: Float) -> [Float] {
    guard width > 1 else { return a.map { $0 * scale } }
    let n = a.count
    var prefix = [Float](repeating: 0, count: n + 1)
    for i in 0..<n { prefix[i + 1] = prefix[i] + a[i] }
    return (0..<n).map { i in
      let lo = max(0, i - width / 2), hi = min(n, lo + width)
      return (prefix[hi] - prefix[lo]) / Float(hi - lo) * scale
    }
  }

  /// Walking or running for the segment (see the type's documentation).
  func classify(work: SegmentWorkspace, strideSamples: Double) -> ShankGait {
    let quiet = work.quietStance(strideSamples: strideSamples)
    let cadence = 120 * work.rateHz / strideSamples
    return ShankGait(strideSamples: strideSamples, cadenceSpm: cadence, quietFraction: quiet.fraction,
                     running: cadence >= 130 && quiet.fraction < 0.15)
  }

  /// The largest |value| over `axes` when it is reached by at least two
  /// samples (a flat top at the sensor's range), else `nil`.
  private func saturation(_ axes: [[Float]]) -> Float? {
    var top: Float = 0
    for a in axes { for v in a { top = max(top, abs(v)) } }
    guard top > 2 * standardGravity else { return nil }
    var count = 0
    for a in axes { for v in a where abs(v) >= top * 0.999 { count += 1 } }
    return count >= 2 ? top : nil
  }
}

extension SegmentWorkspace {
  /// The quiet stance of a stride: per stride, the longest stretch where the
  /// 40-ms mean of ||a| − 1 g| stays below 0.15 g, as a fraction of the
  /// stride (median over strides), and the rotation rate of the gravity
  /// direction across that stretch, degrees/s (median). A shoe sensor is
  /// quiet and still there (foot-flat); a walking shank is quiet in |a| but
  /// rotates forward over the foot; a running shank has no quiet stretch.
  func quietStance(strideSamples: Double) -> (fraction: Double, rotationDegPerS: Double) {
    let n = rawX.count
    let period = Int(strideSamples)
    let w = max(2, Int((0.04 * rateHz).rounded()))
    guard period > 2 * w, n > period else { return (0, 0) }
    let g = standardGravity
    var prefix = [Float](repeating: 0, count: n + 1)
    for i in 0..<n { prefix[i + 1] = prefix[i] + abs(magnitude[i] / g - 1) }
    var fractions: [Float] = []
    var rates: [Float] = []
    var start = 0
    while start + period <= n {
      var best = 0, bestEnd = start, run = 0
      for i in start..<(start + period) {
        let a = max(0, i - w / 2), b = min(n, a + w)
        let quiet = (prefix[b] - prefix[a]) / Float(b - a) < 0.15
        run = quiet ? run + 1 : 0
        if run > best { best = run; bestEnd = i + 1 }
      }
      fractions.append(Float(best) / Float(period))
      if best >= 2 * w {
        let s = bestEnd - best
        var a0 = SIMD3<Float>.zero, a1 = SIMD3<Float>.zero
        for i in s..<(s + w) { a0 += SIMD3(rawX[i], rawY[i], rawZ[i]) }
        for i in (bestEnd - w)..<bestEnd { a1 += SIMD3(rawX[i], rawY[i], rawZ[i]) }
        let angle = acos(max(-1, min(1, dot(normalize(a0), normalize(a1))))) * 180 / .pi
        rates.append(angle / (Float(best - w) / Float(rateHz)))
      }
      start += period
    }
    guard !fractions.isEmpty else { return (0, 0) }
    return (Double(quantile(fractions, 0.5)), rates.isEmpty ? 0 : Double(quantile(rates, 0.5)))
  }

  /// Shank or foot for a lower-limb segment.
  ///
  /// With a gyroscope: a shoe is still at foot-flat (40-ms mean |ω| below
  /// 0.5 rad/s once per stride: zero-velocity detection); a shank rotates
  /// through stance. Without: shank when stance has no quiet 1-g stretch
  /// (under 9 % of the stride) or when the quiet stretch rotates faster than
  /// 80°/s (the tibia rolling over the foot). Measured per 10-s segment:
  /// bundled shank walking 0.33 / 94–105°/s, running 0.05–0.07; PyShoe
  /// running shoe 0.11–0.31 / 1–68°/s, gaitmap walking shoe 0.32 / 14°/s.
  mutating func shankOrFoot() -> Placement? {
    guard let p = stepPeriod(placement: .foot) else { return nil }
    let stride = 2 * p
    let n = rawX.count
    if gyroMagnitude.count == n, gyroMagnitude.contains(where: { $0 > 0 }) {
      let w = max(2, Int((0.04 * rateHz).rounded()))
      var prefix = [Float](repeating: 0, count: n + 1)
      for i in 0..<n { prefix[i + 1] = prefix[i] + gyroMagnitude[i] }
      var minima: [Float] = []
      var start = 0
      let period = Int(stride)
      while start + period <= n, period > w {
        var m = Float.infinity
        for i in start..<(start + period - w) { m = min(m, (prefix[i + w] - prefix[i]) / Float(w)) }
        minima.append(m)
        start += period
      }
      guard !minima.isEmpty else { return nil }
      return quantile(minima, 0.5) < 0.5 ? .foot : .shank
    }
    let quiet = quietStance(strideSamples: stride)
    return quiet.fraction < 0.09 || quiet.rotationDegPerS > 80 ? .shank : .foot
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
