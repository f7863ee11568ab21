//===--- ShankContactDetector.swift ---------------------------------------===//
// The shank (tibia) placement: contacts of one leg from the tibial impact,
// toe-off from the push-off pattern, walking told from running, tibial
// shock, and the shank-versus-shoe placement test.
//===----------------------------------------------------------------------===//
import GaitCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Walking or running of one shank segment, never from the shank's duty
/// factor: running when the step rate (2 × stride rate) is at least
/// ``runningMinimumSpm`` and the stance after each impact is loaded.
///
/// The load is the mean |a| over ``stanceWindowStrides`` of the stride after
/// each initial contact (median over the segment's contacts). That window
/// lies in walking's single support (12–50 % of the gait cycle, Perry &
/// Burnfield 2010), where the body rests on one leg at about body weight and
/// the tibia reads ≈ 1 g; and in running's mid-to-late stance (toe-off at
/// about 39 % of the cycle running, 22 % sprinting; Novacheck 1998), where
/// the vertical force is 2–3 body weights (Cavanagh & Lafortune 1980) and
/// the tibia reads 2–3 g. ``runningStanceLoadMinG`` sits between the two,
/// fixed from those ranges, not fitted to the recordings below.
///
/// The longest quiet 1-g stretch of the whole stride (the earlier rule)
/// depended on where the sensor sits: near the knee's axis the swing's
/// centripetal (r·θ̇²) and tangential (r·θ̈) acceleration vanish, the swing
/// reads a quiet 1 g, and a run at 0–0.05 m below the knee was called a
/// walk; with the stance rotating the sensor about the knee, a fast walk at
/// 0.3–0.4 m lost its quiet stretch and was called a run. The stance window
/// holds no swing for any running duty factor of 0.35 or more, and only the
/// start of swing below that (sprinting).
///
/// Measured (median per recording, g): bundled shank walking 1.02–1.03,
/// running 2.51–2.54; synthetic walking 1.00–1.17 and running 1.89–5.3 over
/// knee-to-sensor radii 0–0.4 m (`ShankMountingRadius` tests).
struct ShankGaitClassifier: Sendable {
  /// Step rate from which a stride may be running, steps/min (walking is
  /// typically 100–125, running 150–190; fast walks and slow jogs overlap
  /// here, so the stance load decides).
  var runningMinimumSpm = 130.0
  /// The stance window after each initial contact, fractions of the stride.
  var stanceWindowStrides = 0.15...0.35
  /// Running: the stance window's mean |a| at least this, g (halfway
  /// between walking's 1 g and running's 2 g and more).
  var runningStanceLoadMinG = 1.5

  struct Gait: Sendable {
    var cadenceSpm: Double
    /// Median over contacts of the stance window's mean |a|, g; `nil` when
    /// no contact has its whole window in the segment.
    var stanceLoadG: Double?
    var running: Bool
  }

  /// The gait of `segment` from its initial contacts `ics` (sample indices).
  func classify(_ segment: SegmentWorkspace, strideSamples: Double, ics: [Int]) -> Gait {
    let cadence = 120 * segment.rateHz / strideSamples
    let n = segment.magnitude.count
    let lo = Int((stanceWindowStrides.lowerBound * strideSamples).rounded())
    let hi = max(lo + 1, Int((stanceWindowStrides.upperBound * strideSamples).rounded()))
    var loads: [Float] = []
    loads.reserveCapacity(ics.count)
    for ic in ics where ic >= 0 && ic + hi <= n {
      var sum: Float = 0
      for i in (ic + lo)..<(ic + hi) { sum += segment.magnitude[i] }
      loads.append(sum / Float(hi - lo) / standardGravity)
    }
    let load = loads.isEmpty ? nil : Double(Statistics.quantile(loads, 0.5))
    return Gait(cadenceSpm: cadence, stanceLoadG: load,
                running: cadence >= runningMinimumSpm && (load ?? 0) >= runningStanceLoadMinG)
  }
}

/// Contacts from a shank sensor, one leg only.
///
/// The tibia has no foot-flat: in running stance |a| stays at 2–3 g. Each
/// stride is anchored instead on its impact, the largest burst of jerk
/// (|Δa|·rate of the three axes, ``burstWindowS`` moving mean), at most one
/// per ``burstSpacingStrides`` stride periods, searched over the whole
/// stride. Initial contact is the onset of that burst: the knee of the
/// cumulative jerk in the ``onsetSearchS`` before the burst's largest jerk
/// sample (the 75-ms search of Aubol & Milner 2020, who take the
/// resultant-acceleration minimum there). No latency is added: on the
/// bundled force-belt data the onset lags the 50 N force contact by about
/// 15–21 ms; that lag is reported, not removed. Above ``boxcarAboveHz`` the
/// axes are first smoothed by a centred ``boxcarS`` moving mean (a boxcar
/// does not ring ahead of a sharp impact as a zero-phase Butterworth does).
///
/// Toe-off, accelerometer only, with wide uncertainty (shank toe-off from
/// acceleration agrees with force plates within about ±150 ms in the
/// literature): running, the minimum of the axial (gravity-direction)
/// acceleration ``runningToeOffStrides`` after contact, where the unloaded
/// tibia swings away; walking, the |a| peak that ends the push-off
/// ``walkingToeOffStrides`` after contact (``walkingToeOff(peaks:magnitude:)``).
struct ShankContactDetector: ContactDetector {
  var burstWindowS = 0.02
  var burstSpacingStrides = 0.6
  /// Bursts below this fraction of the segment's median burst are not impacts.
  var minimumBurstFraction: Float = 0.3
  var onsetSearchS = 0.075
  /// The late-swing stretch before the onset window whose jerk sets the
  /// departure rule's swing level, s (``departureOnset(jerk:knee:windowStart:peak:rate:)``).
  var departureBaselineS = 0.05
  var boxcarS = 0.007
  var boxcarAboveHz = 150.0
  var runningToeOffStrides = 0.2...0.6
  var walkingToeOffStrides = 0.2...0.75
  var classifier = ShankGaitClassifier()
  /// How initial contact is timed within each impact (``ShankInitialContactMethod``).
  var icMethod = ShankInitialContactMethod.impactOnset
  /// Purcell et al. 2006's events with Kiernan et al. 2023's latencies
  /// (``ShankInitialContactMethod/purcell``, ``ShankInitialContactMethod/purcellToeOff``):
  /// its own strides and IC (and TC).
  var purcell = ShankPurcellContactDetector()

  func detectContacts(in segment: SegmentWorkspace, stepPeriodSamples period: Double, coreRange: Range<Int>) -> [Contact] {
    contactsAndGait(in: segment, stepPeriodSamples: period).contacts
  }

  /// The contacts and the gait: initial contacts first (they do not depend
  /// on the gait), the gait from the stance after them
  /// (``ShankGaitClassifier``), then toe-off by the gait's rule.
  func contactsAndGait(in segment: SegmentWorkspace, stepPeriodSamples period: Double)
    -> (contacts: [Contact], gait: ShankGaitClassifier.Gait) {
    var contacts = detectContacts(in: segment, stepPeriodSamples: period, running: nil)
    let purcellIC = icMethod == .purcell || icMethod == .purcellToeOff
    let ics = contacts.map { purcellIC ? Int($0.icIndex.rounded()) : $0.anchorIndex }
    let gait = classifier.classify(segment, strideSamples: 2 * period, ics: ics)
    if icMethod != .purcellToeOff {
      let tcs = toeOffs(after: ics, in: segment, strideSamples: 2 * period, running: gait.running)
      for k in contacts.indices { contacts[k].tcIndex = tcs[k].map(Double.init).flatMap { $0 > contacts[k].icIndex ? $0 : nil } }
    }
    return (contacts, gait)
  }

  /// The impact signal: the three axes in g (boxcar-smoothed above
  /// ``boxcarAboveHz``).
  func impactAxes(_ segment: SegmentWorkspace) -> (x: [Float], y: [Float], z: [Float]) {
    let g = standardGravity
    let box = segment.rateHz > boxcarAboveHz ? Int((boxcarS * segment.rateHz).rounded()) : 1
    return (movingMean(segment.rawX, box, scale: 1 / g), movingMean(segment.rawY, box, scale: 1 / g),
            movingMean(segment.rawZ, box, scale: 1 / g))
  }

  /// The contacts with toe-off by the `running` rule, or without toe-off
  /// when `running` is `nil` (except Purcell's own toe-off).
  func detectContacts(in segment: SegmentWorkspace, stepPeriodSamples period: Double, running: Bool?) -> [Contact] {
    if icMethod == .purcell || icMethod == .purcellToeOff {
      var contacts = purcell.detectContacts(in: segment, stepPeriodSamples: period, coreRange: 0..<0)
      if icMethod == .purcell, let running {
        // Purcell's initial contact, this detector's toe-off rules.
        let ics = contacts.map { Int($0.icIndex.rounded()) }
        let tcs = toeOffs(after: ics, in: segment, strideSamples: 2 * period, running: running)
        for k in contacts.indices { contacts[k].tcIndex = tcs[k].map(Double.init).flatMap { $0 > contacts[k].icIndex ? $0 : nil } }
      }
      return contacts
    }
    let rate = segment.rateHz
    let n = segment.rawX.count
    guard n > 8 else { return [] }
    let stride = 2 * period
    let (x, y, z) = impactAxes(segment)
    var jerk = [Float](repeating: 0, count: n)
    for i in 1..<n {
      let dx = x[i] - x[i - 1], dy = y[i] - y[i - 1], dz = z[i] - z[i - 1]
      jerk[i] = (dx * dx + dy * dy + dz * dz).squareRoot() * Float(rate)
    }
    let w = max(1, Int((burstWindowS * rate).rounded()))
    var prefix = [Float](repeating: 0, count: n + 1)
    for i in 0..<n { prefix[i + 1] = prefix[i] + jerk[i] }
    var envelope = [Float](repeating: 0, count: n)
    for i in 0..<n {
      let a = max(0, i - w / 2), b = min(n, a + w)
      envelope[i] = (prefix[b] - prefix[a]) / Float(max(1, b - a))
    }
    var bursts = pickPeaks(envelope, minimum: 0, distance: max(1, Int(burstSpacingStrides * stride)))
    guard !bursts.isEmpty else { return [] }
    let typical = Statistics.quantile(bursts.map { envelope[$0] }, 0.5)
    bursts = bursts.filter { envelope[$0] > minimumBurstFraction * typical }

    let reach = max(2, Int((onsetSearchS * rate).rounded()))
    // The largest jerk sample of each burst.
    let peaks = bursts.map { p in
      var j = max(1, p - w)
      for k in max(1, p - w)...min(n - 1, p + w) where jerk[k] > jerk[j] { j = k }
      return j
    }
    let rule = icMethod == .impactOnset || icMethod == .departure || icMethod == .purcell || icMethod == .purcellToeOff
      ? nil : ShankInitialContactRule(method: icMethod, segment: segment)
    var ics: [Int] = []
    // Contact times, fractional where the rule gives one (``ShankInitialContactMethod/departure``).
    var icAt: [Double] = []
    for j in peaks {
      if let rule {
        // A published rule times the contact; impacts where it finds no
        // feature are dropped, and contacts must stay in order.
        if let ic = rule.initialContact(jerkPeak: j, strideSamples: stride), ic > (ics.last ?? -1) {
          ics.append(ic)
          icAt.append(Double(ic))
        }
        continue
      }
      let s = max(0, j - reach)
      guard j > s + 1 else { ics.append(j); icAt.append(Double(j)); continue }
      // Knee of the cumulative jerk: farthest below the chord.
      let c0 = prefix[s + 1], c1 = prefix[j + 1]
      var best = s
      var bestGap = -Float.infinity
      for k in s...j {
        let gap = c0 + (c1 - c0) * Float(k - s) / Float(j - s) - prefix[k + 1]
        if gap > bestGap { bestGap = gap; best = k }
      }
      if icMethod == .departure {
        let at = departureOnset(jerk: jerk, knee: best, windowStart: s, peak: j, rate: rate)
        let sample = min(max(Int(at.rounded(.down)), 0), n - 1)
        if sample > (ics.last ?? -1) { ics.append(sample); icAt.append(at) }
        continue
      }
      ics.append(best)
      icAt.append(Double(best))
    }

    let tcs = running.map { toeOffs(after: ics, in: segment, strideSamples: stride, running: $0) } ?? []
    return ics.indices.map { Contact(icIndex: icAt[$0], tcIndex: tcs.isEmpty ? nil : tcs[$0].map(Double.init), anchorIndex: ics[$0]) }
  }

  /// Toe-off after each initial contact `ics` (ascending samples): running,
  /// the axial minimum in ``runningToeOffStrides``; walking, the push-off
  /// peak in ``walkingToeOffStrides`` (``walkingToeOff(peaks:magnitude:)``);
  /// `nil` where the window is too short.
  func toeOffs(after ics: [Int], in segment: SegmentWorkspace, strideSamples stride: Double, running: Bool) -> [Int?] {
    let n = segment.rawX.count
    let axial = segment.vertical  // low-passed, along the mean gravity direction
    let mag = segment.magnitude
    var out: [Int?] = []
    for (k, ic) in ics.enumerated() {
      let next = k + 1 < ics.count ? ics[k + 1] : n
      let window = running ? runningToeOffStrides : walkingToeOffStrides
      let lo = ic + Int(window.lowerBound * stride)
      let hi = min(n - 1, ic + Int(window.upperBound * stride), next - 1)
      var tc: Int?
      if hi > lo + 2 {
        if running {
          var m = lo
          for i in lo..<hi where axial[i] < axial[m] { m = i }
          tc = m
        } else {
          var peaks: [Int] = []
          for i in max(lo, 1)..<hi where mag[i] > mag[i - 1] && mag[i] >= mag[i + 1] { peaks.append(i) }
          tc = walkingToeOff(peaks: peaks, magnitude: mag)
        }
      }
      out.append(tc)
    }
    return out
  }

  /// The departure rule (``ShankInitialContactMethod/departure``): the
  /// swing's jerk level is the median + 3 SD (a usual onset criterion, fixed
  /// beforehand) of the jerk over ``departureBaselineS`` before the onset
  /// window starting at `s`; from the knee the search moves back while the
  /// jerk stays above that level, or forward (up to the largest jerk `j`) to
  /// the first sample above it, and the crossing is interpolated linearly.
  /// A fractional sample index.
  func departureOnset(jerk: [Float], knee: Int, windowStart s: Int, peak j: Int, rate: Double) -> Double {
    let b0 = max(1, s - max(3, Int((departureBaselineS * rate).rounded())))
    guard s > b0 + 1, knee >= s, knee <= j else { return Double(knee) }
    let base = jerk[b0...s]
    let mean = base.reduce(0, +) / Float(base.count)
    let sd = (base.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(base.count)).squareRoot()
    let level = Statistics.quantile(Array(base), 0.5) + 3 * sd
    var i = knee
    if jerk[i] <= level {
      while i < j, jerk[i] <= level { i += 1 }
    } else {
      while i - 1 > s, jerk[i - 1] > level { i -= 1 }
    }
    let r0 = jerk[i - 1], r1 = jerk[i]
    let frac = r1 > r0 && r0 < level && level < r1 ? (level - r0) / (r1 - r0) : 0
    return Double(i - 1) + Double(frac)
  }

  /// Walking toe-off among the |a| peaks of the push-off window: the peak
  /// that ends the push-off. Push-off shows two bursts (heel-off, then the
  /// toe's release); toe-off is the first peak after the largest — or the
  /// largest itself when the second-largest comes before it (the release
  /// burst is then the larger). Taking "the first peak after the largest"
  /// alone put toe-off in early swing whenever the release outgrew heel-off.
  func walkingToeOff(peaks: [Int], magnitude mag: [Float]) -> Int? {
    guard let top = peaks.max(by: { mag[$0] < mag[$1] }) else { return nil }
    let second = peaks.filter { $0 != top }.max { mag[$0] < mag[$1] }
    if let second, second < top { return top }
    return peaks.first { $0 > top }
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
}

/// Steps of one shank: stride timing, contact time, and tibial shock.
///
/// Tibial shock: the peak acceleration along the tibial axis (the principal
/// direction of the acceleration change over the segment's impacts — the
/// tibia takes the impact along its length — signed to point up like
/// gravity's reading; gravity included) in the ``shockWindowS`` after
/// contact, g, and its mean rate of rise from contact to the peak, g/s
/// (Milner et al. 2006; Crowell & Davis 2011). A window holding a sample at
/// the sensor's range (the stated range, else a flat top reached by two or
/// more samples) marks the peak as a lower bound.
struct ShankStepMetrics: Sendable {
  var strideRangeStrides: ClosedRange<Double> = 0.7...1.4
  var shockWindowS = 0.08
  /// The impact axis is estimated over this long after each contact, s.
  var axisWindowS = 0.075
  /// Accelerometer range, g, when the source states it.
  var rangeG: Float?

  func steps(from contacts: [Contact], in segment: SegmentWorkspace, axes: (x: [Float], y: [Float], z: [Float]),
             stepPeriodSamples period: Double, coreRange: Range<Int>, offsetIndex: Int, side: Side?,
             running: Bool) -> [Step] {
    let rate = segment.rateHz
    let n = segment.rawX.count
    let stride = 2 * period
    let (x, y, z) = axes
    // The tibial axis by power iteration on the impacts' covariance.
    let reach = max(2, Int((axisWindowS * rate).rounded()))
    var cxx: Float = 0, cxy: Float = 0, cxz: Float = 0, cyy: Float = 0, cyz: Float = 0, czz: Float = 0
    for c in contacts {
      let ic = Int(c.icIndex)
      for i in ic..<min(n, ic + reach) {
        let dx = x[i] - x[ic], dy = y[i] - y[ic], dz = z[i] - z[ic]
        cxx += dx * dx; cxy += dx * dy; cxz += dx * dz; cyy += dy * dy; cyz += dy * dz; czz += dz * dz
      }
    }
    var axis = segment.up
    if cxx + cyy + czz > 0 {
      for _ in 0..<50 {
        axis = normalize(SIMD3(cxx * axis.x + cxy * axis.y + cxz * axis.z, cxy * axis.x + cyy * axis.y + cyz * axis.z,
                               cxz * axis.x + cyz * axis.y + czz * axis.z))
      }
      if dot(axis, segment.up) < 0 { axis = -axis }
    }
    let g = standardGravity
    let limit: Float? = rangeG.map { $0 - 0.05 } ?? saturation([segment.rawX, segment.rawY, segment.rawZ]).map { $0 / g - 0.01 }
    let shockReach = max(2, Int((shockWindowS * rate).rounded()))
    var steps: [Step] = []
    for (k, c) in contacts.enumerated() where coreRange.contains(c.anchorIndex) {
      let ic = Int(c.icIndex)
      var s = Step(icS: (Double(offsetIndex) + c.icIndex) / rate, running: running)
      s.side = side
      let nextIC = k + 1 < contacts.count ? contacts[k + 1].icIndex : nil
      if let next = nextIC, strideRangeStrides.contains((next - c.icIndex) / stride) {
        s.stepTimeMs = (next - c.icIndex) / 2 / rate * 1000
      }
      if let tc = c.tcIndex, tc > c.icIndex {
        s.tcS = (Double(offsetIndex) + tc) / rate
        s.groundContactMs = (tc - c.icIndex) / rate * 1000
        if s.stepTimeMs != nil, let next = nextIC { s.dutyFactor = (tc - c.icIndex) / (next - c.icIndex) }
      }
      let end = min(n, ic + shockReach)
      var peak = -Float.infinity, at = ic
      var clipped = false
      for i in ic..<end {
        let v = (segment.rawX[i] * axis.x + segment.rawY[i] * axis.y + segment.rawZ[i] * axis.z) / g
        if v > peak { peak = v; at = i }
        if let limit, max(abs(segment.rawX[i]), abs(segment.rawY[i]), abs(segment.rawZ[i])) / g >= limit { clipped = true }
      }
      if peak.isFinite {
        s.tibialShockG = Double(peak)
        let v0 = (segment.rawX[ic] * axis.x + segment.rawY[ic] * axis.y + segment.rawZ[ic] * axis.z) / g
        if at > ic { s.tibialShockRateGps = Double(peak - v0) / (Double(at - ic) / rate) }
        s.tibialShockClipped = clipped
      }
      steps.append(s)
    }
    return steps
  }

  /// The largest |value| over `axes` when at least two samples reach it (a
  /// flat top at the sensor's range), else `nil`.
  private func saturation(_ axes: [[Float]]) -> Float? {
    var top: Float = 0
    for a in axes { for v in a { top = max(top, abs(v)) } }
    guard top > 2 * standardGravity else { return nil }
    var count = 0
    for a in axes { for v in a where abs(v) >= top * 0.999 { count += 1 } }
    return count >= 2 ? top : nil
  }
}

/// Shank, tibia, lower leg: one leg's contacts; cadence = 2 × stride rate.
struct ShankProfile: PlacementProfile {
  var placement: Placement { .shank }
  var periodicity = FootProfile.periodicityModel
  var detector = ShankContactDetector()
  /// With a gyroscope, contacts come from the sagittal angular velocity;
  /// without one (or when it shows no mid-swing peaks) from the
  /// accelerometer.
  var gyroDetector = ShankGyroContactDetector()
  var metrics = ShankStepMetrics()

  func analyse(_ segment: inout SegmentWorkspace, stepPeriodSamples: Double?, coreRange: Range<Int>,
               offsetIndex: Int, side: Side?) -> PlacementSteps {
    guard let period = stepPeriodSamples else { return PlacementSteps(steps: [], trunkLean: nil) }
    let contacts: [Contact], gait: ShankGaitClassifier.Gait
    if let fromGyro = gyroDetector.detectContacts(in: segment, stepPeriodSamples: period) {
      contacts = fromGyro
      gait = detector.classifier.classify(segment, strideSamples: 2 * period, ics: fromGyro.map(\.anchorIndex))
    } else {
      (contacts, gait) = detector.contactsAndGait(in: segment, stepPeriodSamples: period)
    }
    let steps = metrics.steps(from: contacts, in: segment, axes: detector.impactAxes(segment), stepPeriodSamples: period,
                              coreRange: coreRange, offsetIndex: offsetIndex, side: side, running: gait.running)
    return PlacementSteps(steps: steps, trunkLean: nil)
  }
}

/// The quiet stance of a lower-limb segment (see
/// ``SegmentWorkspace/quietStance(strideSamples:)``).
struct QuietStance: Sendable {
  /// Median over strides of the longest stretch with the 40-ms mean of |a|
  /// within 0.15 g of 1 g, as a fraction of the stride.
  var fraction: Double
  /// Median rotation rate of the gravity direction across that stretch,
  /// degrees/s (accelerometer, between the stretch's first and last 40 ms);
  /// `nil` when under half the strides have a stretch longer than 40 ms.
  var rotationDegPerS: Double?
  /// Median over strides of the median |ω| over that stretch, degrees/s;
  /// `nil` without a gyroscope or when under half the strides have a
  /// stretch of 40 ms.
  var gyroDegPerS: Double?
  /// Median over strides of the longest stretch with |ω| below 1 rad/s, s
  /// (`nil` without a gyroscope).
  var gyroStillS: Double?

  init(fraction: Double, rotationDegPerS: Double? = nil, gyroDegPerS: Double? = nil, gyroStillS: Double? = nil) {
    self.fraction = fraction
    self.rotationDegPerS = rotationDegPerS
    self.gyroDegPerS = gyroDegPerS
    self.gyroStillS = gyroStillS
  }
}

extension SegmentWorkspace {
  /// The quiet stance of each stride: the longest stretch where the 40-ms
  /// mean of |a| stays within 0.15 g of 1 g. A shoe sensor is quiet and
  /// still there (foot-flat); a walking shank is quiet in |a| but rotates
  /// forward over the foot; a running shank has no quiet stretch.
  func quietStance(strideSamples: Double) -> QuietStance {
    let n = rawX.count
    let period = Int(strideSamples)
    let w = max(2, Int((0.04 * rateHz).rounded()))
    guard period > 2 * w, n > period else { return QuietStance(fraction: 0) }
    let g = standardGravity
    var prefix = [Float](repeating: 0, count: n + 1)
    for i in 0..<n { prefix[i + 1] = prefix[i] + magnitude[i] / g }
    let hasGyro = gyroMagnitude.count == n && gyroMagnitude.contains { $0 > 0 }
    var fractions: [Float] = [], rates: [Float] = [], gyroRates: [Float] = [], still: [Float] = []
    var stretch: [Float] = []
    var strides = 0
    var start = 0
    while start + period <= n {
      strides += 1
      var best = 0, bestEnd = start, run = 0
      for i in start..<(start + period) {
        let a = max(0, i - w / 2), b = min(n, a + w)
        let quiet = abs((prefix[b] - prefix[a]) / Float(b - a) - 1) < 0.15
        run = quiet ? run + 1 : 0
        if run > best { best = run; bestEnd = i + 1 }
      }
      fractions.append(Float(best) / Float(period))
      if best > w + 1 {
        let s = bestEnd - best
        var a0 = SIMD3<Float>.zero, a1 = SIMD3<Float>.zero
        for i in s..<(s + w) { a0 += SIMD3(rawX[i], rawY[i], rawZ[i]) }
        for i in (bestEnd - w)..<bestEnd { a1 += SIMD3(rawX[i], rawY[i], rawZ[i]) }
        let angle = acos(max(-1, min(1, dot(normalize(a0), normalize(a1))))) * 180 / .pi
        rates.append(angle / (Float(best - w) / Float(rateHz)))
      }
      if hasGyro {
        if best >= w {
          // The median, not the mean: a shoe is still for most of its quiet
          // stretch and turns only at its edges; a shank turns throughout.
          stretch.removeAll(keepingCapacity: true)
          stretch.append(contentsOf: gyroMagnitude[(bestEnd - best)..<bestEnd])
          gyroRates.append(Statistics.quantile(stretch, 0.5) * 180 / .pi)
        }
        var longest = 0, current = 0
        for i in start..<(start + period) {
          current = gyroMagnitude[i] < 1 ? current + 1 : 0
          longest = max(longest, current)
        }
        still.append(Float(longest) / Float(rateHz))
      }
      start += period
    }
    guard !fractions.isEmpty else { return QuietStance(fraction: 0) }
    return QuietStance(
      fraction: Double(Statistics.quantile(fractions, 0.5)),
      rotationDegPerS: rates.count * 2 >= strides ? Double(Statistics.quantile(rates, 0.5)) : nil,
      gyroDegPerS: gyroRates.count * 2 >= strides ? Double(Statistics.quantile(gyroRates, 0.5)) : nil,
      gyroStillS: still.isEmpty ? nil : Double(Statistics.quantile(still, 0.5)))
  }

  /// Shank or foot for a lower-limb segment.
  ///
  /// A shoe has a foot-flat in every stride: |a| near 1 g with the foot
  /// still. A walking shank has a quiet 1-g stretch too (single support),
  /// but the tibia rolls forward over the foot through it; a running shank
  /// is loaded at 2–3 g in stance and reads 1 g only in passing, in swing,
  /// while it turns fast — or never.
  /// - No quiet stretch long enough to measure in most strides: shank.
  /// - With a gyroscope: shank when the median |ω| over the quiet stretch
  ///   is above 40°/s and |ω| stays below 1 rad/s for less than 60 ms per
  ///   stride (both needed); when the stretch is too short to measure, the
  ///   still time alone decides.
  /// - Accelerometer only: the rotation of the gravity direction across the
  ///   quiet stretch; shank above 60°/s when the stretch is a fifth of the
  ///   stride or more (walking), above 250°/s when it is shorter (running).
  ///
  /// Measured per 15-s segment (quiet fraction, accelerometer °/s,
  /// gyroscope median °/s, gyroscope still time): bundled shank walking
  /// 0.33, 99–120; running 0.07–0.08, 505–736; PyShoe running shoe
  /// 0.09–0.32, 3–131, 13–32, 85–330 ms; gaitmap walking shoe 0.30, 14.
  /// Shank recordings with a gyroscope were only synthetic (72°/s walking,
  /// still 25–40 ms). Margins (ShankPlacementMargin test): every shank
  /// window ≥ 1.50× on the shank side, every shoe window ≥ 1.42× on the shoe
  /// side (gyroscope; the median |ω| alone left a shoe at 0.8 of its
  /// threshold).
  mutating func shankOrFoot() -> Placement? { shankOrFootEvidence()?.placement }

  /// ``shankOrFoot()`` with its margin: how far the deciding features lie
  /// on the shank side of their thresholds, as a ratio (the smallest over
  /// the features a shank must pass; > 1 shank, < 1 shoe); `nil` margin
  /// when no quiet stretch could be measured (shank).
  mutating func shankOrFootEvidence() -> (placement: Placement, margin: Double?, quietFraction: Double)? {
    guard let p = stepPeriod(FootProfile.periodicityModel) else { return nil }
    let quiet = quietStance(strideSamples: 2 * p)
    if let still = quiet.gyroStillS {
      // A shoe is still (|ω| < 1 rad/s) for 85 ms or more per stride at
      // foot-flat; a tibia at most for the 25–40 ms of a zero crossing.
      let stillMargin = 0.06 / max(still, 1e-3)
      let margin = quiet.gyroDegPerS.map { min($0 / 40, stillMargin) } ?? stillMargin
      return (margin > 1 ? .shank : .foot, margin, quiet.fraction)
    }
    guard let rotation = quiet.rotationDegPerS else { return (.shank, nil, quiet.fraction) }
    let margin = rotation / (quiet.fraction >= 0.2 ? 60 : 250)
    return (margin > 1 ? .shank : .foot, margin, quiet.fraction)
  }

  /// Shank or shoe for a segment that tilts or turns like a limb, peaking
  /// at `peakG` (p99 of |a|, g); `nil` when neither is clear, and the caller
  /// falls back to its foot-or-hip rule.
  ///
  /// A shoe is accepted above ``footPeakG``, or below it when its foot-flat
  /// is unmistakable: a quiet 1-g stretch of at least ``footFlatFractionMin``
  /// of every stride's median (walking foot-flat lasts about a quarter to a
  /// third of the stride) that turns at most ``footFlatMarginMax`` of the
  /// shank threshold. Slow walking in a shoe peaks below 3.5 g (PyShoe
  /// walks: 2.8–3.2 g, quiet 0.25–0.37 of the stride, margin 0.14–0.27 with
  /// and without the gyroscope); a lower back never reaches this test (it
  /// neither tilts 18° nor turns at limb rates: p90 tilt 7–10°, p99 |ω|
  /// 0.9–1.5 rad/s on the bundled Mobilise-D walks).
  mutating func lowerLimbPlacement(peakG: Float) -> Placement? {
    guard let e = shankOrFootEvidence() else { return nil }
    if e.placement == .shank || peakG > footPeakG { return e.placement }
    if let m = e.margin, m <= footFlatMarginMax, e.quietFraction >= footFlatFractionMin { return .foot }
    return nil
  }

  /// The |a| peak (p99, g) above which a lower limb that is not a shank is
  /// a foot without further evidence.
  var footPeakG: Float { 3.5 }
  var footFlatFractionMin: Double { 0.2 }
  var footFlatMarginMax: Double { 0.5 }
}
