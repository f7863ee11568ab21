//===--- StepMetrics.swift ------------------------------------------------===//
// Per-step metrics from contacts: one calculator per kind of signal.
//===----------------------------------------------------------------------===//
import GaitCore

/// Turns the contacts of a trunk (sacrum, lower back, waist) sensor into
/// steps: step, contact and flight times, duty factor, vertical oscillation,
/// lateral sway, braking, impact and side.
///
/// A contact is `running` when the detector timed its toe-off (a flight
/// phase exists). A step ends at the next contact when it follows within
/// ``minStepPeriods``…``maxStepPeriods`` step periods; else (a pause, a
/// missed contact) the step has no interval metrics.
struct TrunkStepMetrics: Sendable {
  /// Shortest accepted step, in step periods of the spectrum.
  var minStepPeriods = 0.6
  /// Longest accepted step, in step periods of the spectrum.
  var maxStepPeriods = 1.6
  /// Impact: the peak vertical specific force in this first part of stance.
  var impactStanceFraction = 0.5

  /// `velocity` is scratch for ``peakToPeakDisplacement(_:_:rateHz:velocity:)``
  /// (the workspace's, so that no step allocates).
  func steps(from contacts: [Contact], in segment: SegmentWorkspace, stepPeriodSamples period: Double,
             coreRange: Range<Int>, offsetIndex: Int, velocity: inout [Double]) -> [Step] {
    let rate = segment.rateHz
    let v = segment.vertical
    let n = v.count
    let g = standardGravity
    var steps: [Step] = []
    steps.reserveCapacity(contacts.count)
    let laterality = TrunkLaterality()
    var stanceMeans = TrunkLaterality.StanceMeans()
    for (k, c) in contacts.enumerated() where coreRange.contains(c.anchorIndex) {
      // The segment's period, or the local one where the cadence changes.
      let local = segment.stepPeriod(near: c.anchorIndex, segmentPeriod: period)
      let maxStep = maxStepPeriods * local
      var s = Step(icS: (Double(offsetIndex) + c.icIndex) / rate, running: c.tcIndex != nil)
      if let tc = c.tcIndex { s.tcS = (Double(offsetIndex) + tc) / rate; s.groundContactMs = (tc - c.icIndex) / rate * 1000 }
      let icIndex = roundedIndex(c.icIndex)
      if k + 1 < contacts.count, contacts[k + 1].icIndex - c.icIndex <= maxStep,
         contacts[k + 1].icIndex - c.icIndex >= minStepPeriods * local {
        let next = contacts[k + 1]
        let stepSamples = next.icIndex - c.icIndex
        s.stepTimeMs = stepSamples / rate * 1000
        if let tc = c.tcIndex { s.flightMs = max(0, next.icIndex - tc) / rate * 1000 }
        var stride = 2 * stepSamples
        let strideKnown = k + 2 < contacts.count && contacts[k + 2].icIndex - c.icIndex <= 2 * maxStep
        if strideKnown { stride = contacts[k + 2].icIndex - c.icIndex }
        if let tc = c.tcIndex { s.dutyFactor = (tc - c.icIndex) / stride }
        let range = icIndex..<roundedIndex(next.icIndex)
        // Side-to-side motion repeats every stride, not every step: integrate
        // over the stride that starts here (Drozda 2024 lateral CoG
        // displacement, 1.2–1.4 cm in runners). Both integrations at once
        // (the same values as one call each, in less time).
        if segment.hasMediolateral, strideKnown {
          let strideRange = icIndex..<roundedIndex(contacts[k + 2].icIndex)
          let (vertical, lateral) = peakToPeakDisplacements(v, range, segment.mediolateral, strideRange, rateHz: rate,
                                                            velocity: &velocity)
          s.verticalOscillationCm = vertical.map { $0 * 100 }
          s.lateralSwayCm = lateral.map { $0 * 100 }
        } else {
          s.verticalOscillationCm = peakToPeakDisplacement(v, range, rateHz: rate, velocity: &velocity).map { $0 * 100 }
        }
        if let tc = c.tcIndex {
          // Forward velocity over the step (zero-mean acceleration), loss in stance.
          let ap = segment.anteroposterior
          var mean = 0.0
          for i in range { mean += Double(ap[i]) }
          mean /= Double(max(range.count, 1))
          var vel = 0.0, minVel = 0.0
          let tcIndex = min(roundedIndex(tc), range.upperBound)
          for i in range.lowerBound..<tcIndex {
            vel += (Double(ap[i]) - mean) / rate
            minVel = min(minVel, vel)
          }
          s.brakingMps = -minVel
        }
      }
      if let tc = c.tcIndex {
        let hi = min(n, roundedIndex(c.icIndex + impactStanceFraction * (tc - c.icIndex)) + 1)
        var peak: Float = 0
        // The samples max(0, icIndex)..<max(icIndex + 1, hi) below n, read
        // in place (the same samples in the same order as filtering the
        // range by i < n, without a check per sample).
        let end = min(max(icIndex + 1, hi), n)
        v.withUnsafeBufferPointer { v in
          var i = max(0, icIndex)
          while i < end { peak = max(peak, v[i] / g); i &+= 1 }
        }
        s.impactG = Double(peak)
      }
      if segment.hasMediolateral, c.tcIndex != nil {
        s.side = laterality.side(ofContact: k, in: contacts, mediolateral: segment.mediolateral, carrying: &stanceMeans)
      }
      steps.append(s)
    }
    return steps
  }
}

/// ``peakToPeakDisplacement(_:_:rateHz:velocity:)`` of `ra` in `a` and of
/// `rb` in `b`, computed together: each value by the same operations in the
/// same order as its own call (the same bits), with the two integrations'
/// additions interleaved in one loop. Each pass is a chain of dependent
/// additions, so one integration leaves the processor waiting on latency;
/// two independent chains fill those waits. `velocity` is scratch (grown,
/// never shrunk).
func peakToPeakDisplacements(_ a: [Float], _ ra: Range<Int>, _ b: [Float], _ rb: Range<Int>, rateHz: Double,
                             velocity: inout [Double]) -> (Double?, Double?) {
  let na = ra.count, nb = rb.count
  let okA = na >= 4 && ra.lowerBound >= 0 && ra.upperBound <= a.count
  let okB = nb >= 4 && rb.lowerBound >= 0 && rb.upperBound <= b.count
  guard okA, okB else {
    return (okA ? peakToPeakDisplacement(a, ra, rateHz: rateHz, velocity: &velocity) : nil,
            okB ? peakToPeakDisplacement(b, rb, rateHz: rateHz, velocity: &velocity) : nil)
  }
  let dt = 1 / rateHz
  if velocity.count < na + nb { velocity = [Double](repeating: 0, count: max(na + nb, 2 * velocity.count)) }
  return a.withUnsafeBufferPointer { allA in
    b.withUnsafeBufferPointer { allB in
      velocity.withUnsafeMutableBufferPointer { vel -> (Double?, Double?) in
        let p = UnsafeBufferPointer(rebasing: allA[ra]), q = UnsafeBufferPointer(rebasing: allB[rb])
        let velA = vel.baseAddress!, velB = vel.baseAddress! + na
        let common = min(na, nb)
        var meanA = 0.0, meanB = 0.0
        for i in 0..<common { meanA += Double(p[i]); meanB += Double(q[i]) }
        for i in common..<na { meanA += Double(p[i]) }
        for i in common..<nb { meanB += Double(q[i]) }
        meanA /= Double(na); meanB /= Double(nb)
        // Both integrations in the two lanes of one vector: each lane does
        // the scalar loop's operations in its order (the same bits), with
        // one packed instruction where the two scalar chains took two.
        let means = SIMD2(meanA, meanB)
        var v = SIMD2<Double>(), vMean = SIMD2<Double>()
        var previous = SIMD2(Double(p[0]), Double(q[0])) - means
        for i in 0..<common {
          let x = SIMD2(Double(p[i]), Double(q[i])) - means
          v += 0.5 * (previous + x) * dt
          previous = x
          velA[i] = v[0]; velB[i] = v[1]
          vMean += v
        }
        var vA = v[0], vMeanA = vMean[0], previousA = previous[0]
        var vB = v[1], vMeanB = vMean[1], previousB = previous[1]
        for i in common..<na {
          let x = Double(p[i]) - meanA
          vA += 0.5 * (previousA + x) * dt
          previousA = x
          velA[i] = vA
          vMeanA += vA
        }
        for i in common..<nb {
          let x = Double(q[i]) - meanB
          vB += 0.5 * (previousB + x) * dt
          previousB = x
          velB[i] = vB
          vMeanB += vB
        }
        vMeanA /= Double(na); vMeanB /= Double(nb)
        var dA = 0.0, loA = 0.0, hiA = 0.0, dB = 0.0, loB = 0.0, hiB = 0.0
        for i in 0..<common {
          dA += (velA[i] - vMeanA) * dt; dB += (velB[i] - vMeanB) * dt
          loA = min(loA, dA); hiA = dA > hiA ? dA : hiA
          loB = min(loB, dB); hiB = dB > hiB ? dB : hiB
        }
        for i in common..<na {
          dA += (velA[i] - vMeanA) * dt
          loA = min(loA, dA); hiA = dA > hiA ? dA : hiA
        }
        for i in common..<nb {
          dB += (velB[i] - vMeanB) * dt
          loB = min(loB, dB); hiB = dB > hiB ? dB : hiB
        }
        return (hiA - loA, hiB - loB)
      }
    }
  }
}

/// Left or right from a trunk sensor: the sign of mediolateral acceleration
/// over stance relative to its neighbours (Lee 2010: sign of the larger ML
/// peak between IC and TC); the ground pushes the trunk medially, towards
/// the right during a left stance.
struct TrunkLaterality: Sendable {
  func side(ofContact k: Int, in contacts: [Contact], mediolateral ml: [Float]) -> Side? {
    var means = StanceMeans()
    return side(ofContact: k, in: contacts, mediolateral: ml, carrying: &means)
  }

  /// ``side(ofContact:in:mediolateral:)`` with the stance means of contacts
  /// k − 1, k and k + 1 carried over from the call for k − 1 (or k), so
  /// that consecutive steps sum each stance once instead of three times
  /// (the same sums, so the same values). `means` must be used with one
  /// `contacts` and `ml` only.
  func side(ofContact k: Int, in contacts: [Contact], mediolateral ml: [Float], carrying means: inout StanceMeans) -> Side? {
    func stanceMean(_ i: Int) -> Float? {
      guard i >= 0, i < contacts.count, let tc = contacts[i].tcIndex else { return nil }
      let a = roundedIndex(contacts[i].icIndex), b = roundedIndex(tc)
      guard b > a, a >= 0, b <= ml.count else { return nil }
      var s: Float = 0
      for j in a..<b { s += ml[j] }
      return s / Float(b - a)
    }
    if k == means.index + 1 {
      means.values = (means.values.1, means.values.2, stanceMean(k + 1))
    } else if k != means.index {
      means.values = (stanceMean(k - 1), stanceMean(k), stanceMean(k + 1))
    }
    means.index = k
    guard let own = means.values.1 else { return nil }
    var sum: Float = 0, count: Float = 0
    if let m = means.values.0 { sum += m; count += 1 }
    if let m = means.values.2 { sum += m; count += 1 }
    let reference = count > 0 ? sum / count : 0
    return own > reference ? .left : .right
  }

  /// Stance means (of ML acceleration) of contacts `index` − 1, `index`
  /// and `index` + 1; `nil` for a contact without one.
  struct StanceMeans {
    var index = Int.min / 2
    var values: (Float?, Float?, Float?) = (nil, nil, nil)
  }
}

/// The forward sign of the anteroposterior axis from braking: AP
/// acceleration is negative (backward) early in stance.
struct ForwardSignFromBraking: Sendable {
  /// The early part of stance summed, as a fraction of contact time.
  var earlyStanceFraction = 0.4

  /// Whether the segment's AP axis points backward and must be flipped.
  func pointsBackward(_ segment: SegmentWorkspace, contacts: [Contact]) -> Bool {
    let n = segment.anteroposterior.count
    var early: Float = 0
    for c in contacts {
      guard let tc = c.tcIndex else { continue }
      let a = roundedIndex(c.icIndex), b = a + max(1, Int(earlyStanceFraction * (tc - c.icIndex)))
      for k in a..<min(b, n) { early += segment.anteroposterior[k] }
    }
    return early > 0
  }
}

/// Turns the contacts of a foot sensor (one foot) into steps: stride time
/// over two, contact time, duty factor, impact; `running` when the stance
/// is shorter than ``runningDutyFactorMax`` of the stride (a flight phase
/// exists). Cadence counts both feet: 2 × stride rate.
struct FootStepMetrics: Sendable {
  /// A stride outside these multiples of the spectral stride is a pause or
  /// a mis-detection and gets no interval metrics.
  var strideRangeStrides: ClosedRange<Double> = 0.7...1.4
  /// Running: duty factor below this.
  var runningDutyFactorMax = 0.5
  /// Impact: the peak of |a| this long after initial contact, s.
  var impactWindowS = 0.06

  func steps(from contacts: [Contact], in segment: SegmentWorkspace, stepPeriodSamples period: Double,
             coreRange: Range<Int>, offsetIndex: Int, side: Side?) -> [Step] {
    let rate = segment.rateHz
    let n = segment.magnitude.count
    let stride = 2 * period
    let reach = max(1, Int(impactWindowS * rate))
    var steps: [Step] = []
    for (k, c) in contacts.enumerated() where coreRange.contains(c.anchorIndex) {
      let ic = c.icIndex
      var s = Step(icS: (Double(offsetIndex) + ic) / rate, running: false)
      s.side = side
      s.footFlatS = (Double(offsetIndex) + Double(c.anchorIndex)) / rate
      if let tc = c.tcIndex, tc > ic {
        s.tcS = (Double(offsetIndex) + tc) / rate
        s.groundContactMs = (tc - ic) / rate * 1000
      }
      if k + 1 < contacts.count, contacts[k + 1].icIndex - ic >= strideRangeStrides.lowerBound * stride,
         contacts[k + 1].icIndex - ic <= strideRangeStrides.upperBound * stride {
        let strideSamples = contacts[k + 1].icIndex - ic
        s.stepTimeMs = strideSamples / 2 / rate * 1000
        if let g = s.groundContactMs { s.dutyFactor = g / 1000 * rate / strideSamples }
      }
      s.running = (s.dutyFactor ?? 1) < runningDutyFactorMax
      let p = Int(ic.rounded())
      var peak: Float = 0
      for i in p..<min(n, p + reach + 1) where i >= 0 { peak = max(peak, segment.magnitude[i] / standardGravity) }
      s.impactG = Double(peak)
      steps.append(s)
    }
    return steps
  }
}
