//===--- SegmentWorkspace.swift -------------------------------------------===//
// Alignment, filtering and spectra for one analysis segment.
//===----------------------------------------------------------------------===//
import GaitCore

/// Buffers and intermediate signals of one segment, reused between segments
/// so that steady-state analysis does not allocate.
struct SegmentWorkspace {
  /// Sample rate, Hz.
  var rateHz = 1.0
  /// Body-frame signals, m/s²: vertical (with gravity), anteroposterior
  /// (forward +), mediolateral (right +).
  var vertical: [Float] = []
  var anteroposterior: [Float] = []
  var mediolateral: [Float] = []
  /// |a| in m/s² and |ω| in rad/s (empty without gyroscope).
  var magnitude: [Float] = []
  var gyroMagnitude: [Float] = []
  /// Angular velocity per sample, rad/s, sensor frame (empty without
  /// gyroscope axes; zeros where the gyroscope had no sample).
  private(set) var gyroAxes: [SIMD3<Float>] = []
  var hasMediolateral = true
  /// Unit vector of gravity (up) in the sensor frame, and AP and ML axes.
  var up = SIMD3<Float>(1, 0, 0)
  var forward = SIMD3<Float>(0, 1, 0)
  var bodyFrame = false
  var mountingTiltDeg: Double?
  /// The feature `detectPlacement` decided on, degrees.
  var placementAngleDeg: Double?
  /// The 99th percentile of |a| at that decision, g.
  var placementPeakG: Double?
  private(set) var rawX: [Float] = []
  private(set) var rawY: [Float] = []
  private(set) var rawZ: [Float] = []
  private var scratch4: [SIMD4<Float>] = []
  private var filter: ZeroPhaseButterworth?
  private var filterRateHz = 0.0
  private var filterCutoffHz = 0.0
  private var spectrum: [Float] = []
  private var windowed: [Float] = []
  private var hann: [Float] = []  // the Hann window of the last length used
  private var fft: RealFFT?
  // The window and transform of the other length in use (a segment and its
  // local sub-windows alternate): reused, so
  // the local period estimate neither plans nor allocates per call.
  private var spareHann: [Float] = []
  private var spareFFT: RealFFT?
  private var levelScratch: [Float] = []
  private var intervalScratch: [Double] = []
  /// Velocity scratch of the step metrics' displacement (StepMetrics.swift).
  var velocityScratch: [Double] = []
  /// Step periods around the sub-windows' centres (LocalPeriod.swift),
  /// samples; empty = the segment's one period holds throughout.
  var localPeriods: [Double] = []
  /// Sample index of the first sub-window's centre, and their spacing.
  var localFirstCentre = 0
  var localHop = 1

  init() {}

  mutating func load(ax: ArraySlice<Float>, ay: ArraySlice<Float>, az: ArraySlice<Float>,
                     gyro: ArraySlice<Float>?, gyroAxes: ArraySlice<SIMD3<Float>>? = nil, info: RecordingInfo,
                     rateHz: Double) {
    self.rateHz = rateHz
    rawX.removeAll(keepingCapacity: true); rawX.append(contentsOf: ax)
    rawY.removeAll(keepingCapacity: true); rawY.append(contentsOf: ay)
    rawZ.removeAll(keepingCapacity: true); rawZ.append(contentsOf: az)
    gyroMagnitude.removeAll(keepingCapacity: true)
    if let gyro { gyroMagnitude.append(contentsOf: gyro) }
    self.gyroAxes.removeAll(keepingCapacity: true)
    if let gyroAxes { self.gyroAxes.append(contentsOf: gyroAxes) }
    bodyFrame = info.frame == .body
    hasMediolateral = info.hasMediolateral
    localPeriods.removeAll(keepingCapacity: true)
    let n = rawX.count
    // One pass: sums for the mean, and |a|.
    if magnitude.count != n { magnitude = [Float](repeating: 0, count: n) }
    // Four samples at a time; the sums run in the lanes of `sum` (x, y, z),
    // each in sample order, so every lane adds as the scalar loop would.
    var sum = SIMD4<Float>.zero
    withBuffers(rawX, rawY, rawZ) { x, y, z in
      magnitude.withUnsafeMutableBufferPointer { m in
        var i = 0
        if n >= 4, let px = x.baseAddress, let py = y.baseAddress, let pz = z.baseAddress, let pm = m.baseAddress {
          while i + 4 <= n {
            let a = UnsafeRawPointer(px + i).loadUnaligned(as: SIMD4<Float>.self)
            let b = UnsafeRawPointer(py + i).loadUnaligned(as: SIMD4<Float>.self)
            let c = UnsafeRawPointer(pz + i).loadUnaligned(as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(pm + i).storeBytes(of: (a * a + b * b + c * c).squareRoot(), as: SIMD4<Float>.self)
            sum += SIMD4(a[0], b[0], c[0], 0); sum += SIMD4(a[1], b[1], c[1], 0)
            sum += SIMD4(a[2], b[2], c[2], 0); sum += SIMD4(a[3], b[3], c[3], 0)
            i &+= 4
          }
        }
        while i < n {
          let a = x[i], b = y[i], c = z[i]
          sum += SIMD4(a, b, c, 0)
          m[i] = (a * a + b * b + c * c).squareRoot()
          i += 1
        }
      }
    }
    let count = Float(max(n, 1))
    var g = SIMD3<Float>(sum[0] / count, sum[1] / count, sum[2] / count)
    let norm = (g * g).sum().squareRoot()
    g = norm > 0 ? g / norm : SIMD3(1, 0, 0)
    if bodyFrame {
      up = SIMD3(1, 0, 0)
      forward = SIMD3(0, 1, 0)
      vertical = rawX
      anteroposterior = rawY
      mediolateral = rawZ
      mountingTiltDeg = Double(acos(min(1, abs(g.x)))) * 180 / .pi
      return
    }
    up = g
    // Horizontal plane basis, then its principal axis = anteroposterior.
    let helper: SIMD3<Float> = abs(g.x) < 0.9 ? SIMD3(1, 0, 0) : SIMD3(0, 1, 0)
    let e1 = normalize(cross(g, helper))
    let e2 = cross(g, e1)
    // (h1, h2) in two lanes; the sums of h1, h2, h1², h2² in the lanes of
    // `moments`, each in sample order (the scalar loop's arithmetic).
    var moments = SIMD4<Float>.zero, c12: Float = 0
    let ex = SIMD2(e1.x, e2.x), ey = SIMD2(e1.y, e2.y), ez = SIMD2(e1.z, e2.z)
    withBuffers(rawX, rawY, rawZ) { x, y, z in
      for i in 0..<n {
        let h = SIMD2(repeating: x[i]) * ex + SIMD2(repeating: y[i]) * ey + SIMD2(repeating: z[i]) * ez
        moments += SIMD4(lowHalf: h, highHalf: h * h)
        c12 += h[0] * h[1]
      }
    }
    var m1 = moments[0], m2 = moments[1]
    let c11 = moments[2], c22 = moments[3]
    m1 /= count; m2 /= count
    let v11 = Double(c11 / count - m1 * m1), v22 = Double(c22 / count - m2 * m2), v12 = Double(c12 / count - m1 * m2)
    let phi = 0.5 * atan2(2 * v12, v11 - v22)
    forward = normalize(Float(cos(phi)) * e1 + Float(sin(phi)) * e2)
    project()
    // Mounting tilt: angle between gravity and the nearest sensor axis.
    let largest = max(abs(g.x), abs(g.y), abs(g.z))
    mountingTiltDeg = Double(acos(min(1, largest))) * 180 / .pi
  }

  private mutating func project() {
    let right = cross(forward, up)
    let n = rawX.count
    if vertical.count != n {
      vertical = [Float](repeating: 0, count: n)
      anteroposterior = vertical
      mediolateral = vertical
    }
    let (u, f) = (up, forward)
    withBuffers(rawX, rawY, rawZ) { x, y, z in
      vertical.withUnsafeMutableBufferPointer { v in
        anteroposterior.withUnsafeMutableBufferPointer { a in
          mediolateral.withUnsafeMutableBufferPointer { m in
            for i in 0..<n {
              let px = x[i], py = y[i], pz = z[i]
              v[i] = px * u.x + py * u.y + pz * u.z
              a[i] = px * f.x + py * f.y + pz * f.z
              m[i] = px * right.x + py * right.y + pz * right.z
            }
          }
        }
      }
    }
  }

  /// Hip, foot or shank from the signal, or `nil` while the segment cannot tell:
  /// shorter than 6 s, |a| varying by less than 0.1 g (standing, sitting),
  /// or not clearly periodic (autocorrelation at the step or stride
  /// period ≤ 0.5: getting up, turning).
  ///
  /// Decided only on a periodic segment. A foot or shank pitches through tens of degrees every stride and takes
  /// impacts far above a trunk's. Two features, both needed for `foot`:
  /// the 90th percentile of the angle between the gravity direction averaged
  /// over 0.35 s and the segment's mean exceeds 18°, and the 99th percentile
  /// of |a| exceeds 3.5 g. On the bundled and peer recordings (PyShoe and
  /// gaitmap foot; Mobilise-D, skdh, GaitPy and Alcantara lower back) the
  /// foot gave 24–34° and 3.8–7.2 g per 10-s segment, the lower back during
  /// gait ≤ 23° with ≤ 1.9 g when walking and 5° with 2.7 g when running.
  /// A lower limb with |a| peaks above 2.5 g is then told shank or shoe by
  /// ``shankOrFoot()`` (a walking shank peaks at 3.0–3.6 g on the bundled
  /// data); a shoe still needs 3.5 g.
  /// A lower limb with a gyroscope: the 99th percentile of |ω| above this,
  /// rad/s (see ``detectPlacement()``).
  var limbGyroRadPerS: Float { 3 }

  mutating func detectPlacement() -> Placement? {
    guard !bodyFrame else { return .hip }
    let n = rawX.count
    guard n >= Int(6 * rateHz) else { return nil }
    var mean: Float = 0
    for x in magnitude { mean += x }
    mean /= Float(n)
    var v: Float = 0
    for x in magnitude { v += (x - mean) * (x - mean) }
    guard (v / Float(n)).squareRoot() / standardGravity > 0.1 else { return nil }
    // Decide only on periodic movement (gait), not on getting up or turning.
    var strength = 0.0
    for model in [TrunkProfile.periodicityModel, FootProfile.periodicityModel] {
      guard let p = stepPeriod(model) else { continue }
      strength = max(strength, periodicity(of: signal(model.signal), at: model.fundamental == .step ? p : 2 * p))
    }
    guard strength > 0.5 else { return nil }
    let p99 = Statistics.quantile(magnitude, 0.99) / standardGravity
    let k = max(1, Int(0.35 * rateHz))
    let hop = max(1, k / 2)
    var angles: [Float] = []
    var start = 0
    while start + k <= n {
      var m = SIMD3<Float>.zero
      for i in start..<(start + k) { m += SIMD3(rawX[i], rawY[i], rawZ[i]) }
      angles.append(acos(max(-1, min(1, dot(normalize(m), up)))) * 180 / .pi)
      start += hop
    }
    let p90 = Statistics.quantile(angles, 0.9)
    placementAngleDeg = Double(p90)
    placementPeakG = Double(p99)
    // With a gyroscope, a limb also shows by how fast it turns: a shank or
    // shoe swings at 5–10 rad/s (PyShoe shoe p99 8.9–10.3 rad/s; the tibia's
    // mid-swing peak, Aminian et al. 2002: 300–400°/s walking), the lower
    // back at most 1.5 rad/s (p99 of |ω| on the bundled Mobilise-D walks:
    // 0.9–1.5 rad/s). A walking tibia may tilt gravity less than 18° over
    // 0.35 s windows when its swing is quick.
    var limbTurning = false
    if gyroMagnitude.count == n, gyroMagnitude.contains(where: { $0 > 0 }) {
      limbTurning = Statistics.quantile(gyroMagnitude, 0.99) > limbGyroRadPerS
    }
    // Lower limb: shank or shoe (ShankContactDetector.swift).
    if p90 > 18 || limbTurning, p99 > 2.5, let limb = lowerLimbPlacement(peakG: p99) { return limb }
    return p90 > 18 && p99 > 3.5 ? .foot : .hip
  }

  /// The signal a periodicity model reads.
  func signal(_ which: PeriodicityModel.Signal) -> [Float] {
    switch which {
    case .vertical: vertical
    case .magnitude: magnitude
    }
  }

  /// Autocorrelation of `signal` at `lag` samples.
  func periodicity(of signal: [Float], at lag: Double) -> Double {
    var mean: Float = 0
    for x in signal { mean += x }
    mean /= Float(max(signal.count, 1))
    return signal.withUnsafeBufferPointer { Self.autocorrelation($0, mean: mean, lag: Int(lag.rounded())) }
  }

  /// Zero-phase low-pass of the body-frame signals and the magnitude.
  mutating func prepare(lowPassHz: Double) {
    guard rateHz > 2 * lowPassHz else { return }
    if filter?.padding == nil || filterRateHz != rateHz || filterCutoffHz != lowPassHz {
      filter = ZeroPhaseButterworth.lowPass(cutoffHz: lowPassHz, sampleRateHz: rateHz)
      filterRateHz = rateHz
      filterCutoffHz = lowPassHz
    }
    filter!.apply4(&vertical, &anteroposterior, &mediolateral, &magnitude, scratch: &scratch4)
  }

  /// Flips the anteroposterior direction (and so the mediolateral one).
  mutating func flipForward() {
    forward = -forward
    for i in anteroposterior.indices { anteroposterior[i] = -anteroposterior[i] }
    for i in mediolateral.indices { mediolateral[i] = -mediolateral[i] }
  }

  /// The gravity direction ("up", sensor frame) while standing still in
  /// `range`: the mean acceleration over the 1-s windows whose |a| varies by
  /// less than 0.02 g (and averages 1 g ± 0.1), when there are at least two
  /// such seconds; else `nil`.
  func stillGravity(in range: Range<Int>) -> SIMD3<Float>? {
    let window = max(1, Int(rateHz))
    var sum = SIMD3<Double>.zero
    var seconds = 0
    var start = range.lowerBound
    while start + window <= min(range.upperBound, rawX.count) {
      var mean: Float = 0
      for i in start..<(start + window) { mean += magnitude[i] }
      mean /= Float(window)
      var v: Float = 0
      for i in start..<(start + window) { v += (magnitude[i] - mean) * (magnitude[i] - mean) }
      let sd = (v / Float(window)).squareRoot() / standardGravity
      if sd < 0.02 && abs(mean / standardGravity - 1) < 0.1 {
        for i in start..<(start + window) { sum += SIMD3(Double(rawX[i]), Double(rawY[i]), Double(rawZ[i])) }
        seconds += 1
      }
      start += window
    }
    guard seconds >= 2 else { return nil }
    return normalize(SIMD3<Float>(Float(sum.x), Float(sum.y), Float(sum.z)))
  }

  /// The step period in samples from the spectrum, or `nil` when the segment
  /// (or its samples `range`) shows no periodic gait.
  ///
  /// At the trunk the fundamental of vertical acceleration is the step rate;
  /// at the foot it is the stride rate (docs/EVIDENCE.md, methods). The
  /// spectral peak is checked against the autocorrelation (step regularity,
  /// Moe-Nilssen & Helbostad 2004) to catch a half or double rate, then
  /// refined by parabolic interpolation of the log power.
  ///
  /// `unchangedFrom`: a segment period and the local model whose change
  /// ratio the caller applies, keeping the segment's period both when this
  /// one lies within the ratio of it and when there is none
  /// (``estimateLocalPeriods``); a step period within the ratio is then
  /// returned without the autocorrelation's last check, whose answer would
  /// not change what the caller does.
  mutating func stepPeriod(_ model: PeriodicityModel, in range: Range<Int>? = nil,
                           unchangedFrom: (period: Double, local: LocalPeriodModel)? = nil) -> Double? {
    // The samples are read in place (a sub-window is not copied).
    let samples = signal(model.signal)
    let range = range ?? samples.indices
    return samples.withUnsafeBufferPointer {
      stepPeriod(model, of: UnsafeBufferPointer(rebasing: $0[range]), unchangedFrom: unchangedFrom)
    }
  }

  /// ``stepPeriod(_:in:unchangedFrom:)`` of the samples `source`.
  private mutating func stepPeriod(_ model: PeriodicityModel, of source: UnsafeBufferPointer<Float>,
                                   unchangedFrom: (period: Double, local: LocalPeriodModel)? = nil) -> Double? {
    let n = source.count
    guard n >= Int(2 * rateHz) else { return nil }
    // Levels for the activity gate and the hump count, from every second
    // sample (coarse levels suffice) in a reused buffer (grown, never
    // shrunk; its first `(n + 1) / 2` elements are this call's).
    var levels: (low: Float, top: Float)?
    if model.fundamental == .step {
      let half = (n + 1) / 2
      if levelScratch.count < half { levelScratch = [Float](repeating: 0, count: half) }
      levels = levelScratch.withUnsafeMutableBufferPointer { all in
        let l = UnsafeMutableBufferPointer(rebasing: all[0..<half])
        for k in 0..<half { l[k] = source[2 * k] }
        var settled = -1  // the 99th percentile is searched above the lower level
        let low = Statistics.interpolatedQuantile(l, model.humpLowQuantile, settled: &settled)
        if let top = Self.topQuantile(UnsafeBufferPointer(l), 0.99, above: settled) { return (low, top) }
        return (low, Statistics.interpolatedQuantile(l, 0.99, settled: &settled))
      }
    }
    // Activity gate: rest (standing, sitting) has no gait period.
    if let gate = model.minimumSwingG, let levels {
      guard Double(levels.top - levels.low) / Double(standardGravity) >= gate else { return nil }
    }
    var mean: Float = 0
    for x in source { mean += x }
    mean /= Float(n)
    if hann.count != n {
      swap(&hann, &spareHann)
      if hann.count != n {
        hann = (0..<n).map { i in 0.5 - 0.5 * cos(2 * Float.pi * Float(i) / Float(n - 1)) }
      }
    }
    // The windowed samples: the first n elements of a reused buffer.
    if windowed.count < n { windowed = [Float](repeating: 0, count: n) }
    windowed.withUnsafeMutableBufferPointer { w in
      hann.withUnsafeBufferPointer { h in
        for i in 0..<n { w[i] = (source[i] - mean) * h[i] }
      }
    }
    var size = 1
    while size < n { size <<= 1 }  // next power of two; the peak is interpolated
    if fft?.count != size {
      swap(&fft, &spareFFT)
      if fft?.count != size { fft = RealFFT(count: size) }
    }
    windowed.withUnsafeBufferPointer { fft!.powerSpectrum(of: UnsafeBufferPointer(rebasing: $0[0..<n]), into: &spectrum) }
    let binHz = rateHz / Double(size)
    let band = model.bandHz
    let lo = max(1, Int(band.lowerBound / binHz)), hi = min(spectrum.count - 2, Int(band.upperBound / binHz))
    guard lo < hi else { return nil }
    var best = lo
    for k in lo...hi where spectrum[k] > spectrum[best] { best = k }
    var peakHz = Double(best) * binHz
    let l = log(Double(spectrum[best - 1]) + 1e-12), c = log(Double(spectrum[best]) + 1e-12)
    let r = log(Double(spectrum[best + 1]) + 1e-12)
    let denom = l - 2 * c + r
    if denom < 0 { peakHz += 0.5 * (l - r) / denom * binHz }
    var period = rateHz / peakHz
    // Harmonic check with the autocorrelation of the same windowed signal
    // the spectrum saw, so both weigh the segment alike (unwindowed, a fast
    // run in the margin of a walking segment outweighed the walk the
    // spectrum found, and the segment was dropped as aperiodic).
    // The same lag is asked for up to three times: each is computed once
    // (kept in registers, no allocation).
    let win = windowed  // a reference, not a copy: nothing below writes it
    var memoLags = SIMD8<Int>(repeating: -1), memoValues = SIMD8<Double>(), memoCount = 0
    func at(_ lag: Double) -> Double {
      let l = Int(lag.rounded())
      for k in 0..<memoCount where memoLags[k] == l { return memoValues[k] }
      let v = win.withUnsafeBufferPointer { Self.autocorrelation(UnsafeBufferPointer(rebasing: $0[0..<n]), mean: 0, lag: l) }
      if memoCount < 8 { memoLags[memoCount] = l; memoValues[memoCount] = v; memoCount += 1 }
      return v
    }
    switch model.fundamental {
    case .step:
      if at(period / 2) > model.halfLagCorrelation, peakHz * 2 <= band.upperBound { period /= 2 }
      else if at(period) < model.weakStepCorrelation, at(2 * period) > model.strideCorrelation,
              peakHz / 2 >= band.lowerBound { period *= 2 }
      // Step or stride? Left/right asymmetry lowers the step regularity but
      // not the stride regularity (Moe-Nilssen & Helbostad 2004), so the
      // autocorrelation alone can take a stride for a step. Count the
      // stance humps instead (one per step), and apply the cadence prior:
      // running with flight below ``PeriodicityModel/runningMinimumSpm``
      // is implausible.
      let shortest = rateHz / band.upperBound, longest = rateHz / band.lowerBound
      if let levels, let h = medianHumpInterval(source, period: period, low: levels.low, top: levels.top, model: model) {
        if h < model.halfHumpRatio * period, period / 2 >= shortest { period /= 2 }
        else if h > model.doubleHumpRatio * period, period * 2 <= longest { period *= 2 }
      }
      if 60 * rateHz / period < model.runningMinimumSpm, period / 2 >= shortest,
         flightFraction(source, model: model) >= model.minimumFlightFraction {
        period /= 2
      }
      if let u = unchangedFrom, !u.local.changes(period, from: u.period) { return period }
      guard max(at(period), at(2 * period)) > model.minimumCorrelation else { return nil }
      return period
    case .stride:
      if at(2 * period) > at(period) + model.strideMargin, peakHz / 2 >= band.lowerBound { period *= 2 }
      guard at(period) > model.minimumCorrelation else { return nil }
      return period / 2
    }
  }

  /// Definition 7's `q`-quantile of `a` (``Statistics/interpolatedQuantile(_:_:)``,
  /// the same value) from one scan that keeps its few largest values, or
  /// `nil` when the quantile's ranks are not among the 16 largest (then
  /// selection is cheaper). `above` is a rank a selection put in place
  /// (-1: none): with no smaller element after it, only the elements after
  /// it are scanned when the quantile's rank is higher.
  static func topQuantile(_ a: UnsafeBufferPointer<Float>, _ q: Double, above settled: Int) -> Float? {
    let m = a.count
    guard m > 0 else { return nil }
    let h = max(0, min(1, q)) * Double(m - 1)
    let i = Int(h)
    let f = Float(h - Double(i))
    let t = m - i  // values of rank i and above
    guard t <= 16 else { return nil }
    let start = settled >= 0 && settled < i ? settled + 1 : 0
    // A lower bound of the t-th largest value: the smallest of 16 maxima,
    // each over its own elements (every 16th, one lane of 16-wide loads),
    // so at least 16 ≥ t elements are at or above it. Only those can be
    // among the t largest, and on a periodic signal every lane sees the
    // peaks, so the bound lies near the top: most blocks below are skipped
    // without a mispredicted branch. −∞ (no bound) with fewer than 16.
    var bound = -Float.infinity
    if let base = a.baseAddress, m - start >= 16 {
      var maxima = SIMD16<Float>(repeating: -.infinity)
      var k = start
      while k + 16 <= m {
        let block = UnsafeRawPointer(base + k).loadUnaligned(as: SIMD16<Float>.self)
        maxima.replace(with: block, where: block .> maxima)
        k += 16
      }
      bound = maxima.min()
    }
    return withUnsafeTemporaryAllocation(of: Float.self, capacity: t) { top -> Float? in
      // The t largest values, descending: every value above `floor` is
      // inserted, without eviction until t are kept, then evicting the
      // smallest; an equal value is not inserted again, yet the t values
      // kept are those of the t top ranks. `floor` starts just below the
      // bound (so values at the bound are kept) and then is the smallest
      // kept, in a register, so most values cost one comparison.
      var filled = 0
      var floor = bound.nextDown
      @inline(__always) func insert(_ v: Float) {
        var j = filled < t ? filled : t - 1
        while j > 0, top[j - 1] < v { top[j] = top[j - 1]; j -= 1 }
        top[j] = v
        if filled < t { filled += 1 }
        if filled == t { floor = top[t - 1] }
      }
      var k = start
      // Four values compared at once: a block with none above `floor` (most
      // of them) is skipped; a block with one is scanned value by value as
      // below (the same insertions in the same order, so the same kept
      // values).
      if let base = a.baseAddress {
        while k + 4 <= m {
          let block = UnsafeRawPointer(base + k).loadUnaligned(as: SIMD4<Float>.self)
          if anyLane(block .> SIMD4(repeating: floor)) {
            for lane in 0..<4 where block[lane] > floor { insert(block[lane]) }
          }
          k += 4
        }
      }
      while k < m {
        let v = a[k]
        k += 1
        if v > floor { insert(v) }
      }
      // Fewer than t kept: only with unordered values (NaN), which the
      // bound cannot count on; selection answers then.
      guard filled == t else { return nil }
      let lo = floor
      guard f > 0, i + 1 < m else { return lo }
      let hi = top[t - 2]
      return lo + f * (hi - lo)
    }
  }

  /// The median interval between stance humps of `x` (m/s²), samples:
  /// rises above the midpoint between `low` (its lower quartile) and `top`
  /// (its 99th percentile) after a drop to `low` (a Schmitt trigger, so
  /// the two humps of one stance count once). Intervals over three periods
  /// (pauses) are ignored; `nil` with fewer than four intervals.
  mutating func medianHumpInterval(_ x: UnsafeBufferPointer<Float>, period: Double, low: Float, top: Float, model: PeriodicityModel) -> Double? {
    let high = low + Float(model.humpLevel) * (top - low)
    var last: Int?
    intervalScratch.removeAll(keepingCapacity: true)
    // Per sample: at or below `low` arms the trigger; else, armed, at or
    // above `high` fires it (and disarms it). Written as two scans, one
    // for the arming sample and one for the firing sample after it: the
    // same samples fire as in a loop over both tests.
    // Each scan skips eight samples at a time while none of them stops it,
    // then finds the first that does one by one.
    let n = x.count
    let lows = SIMD8(repeating: low), highs = SIMD8(repeating: high)
    let base = x.baseAddress
    var i = 0
    while true {
      // Disarmed: find the arming sample.
      if let base {
        while i + 8 <= n, !any(UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self) .<= lows) { i += 8 }
      }
      while i < n, !(x[i] <= low) { i += 1 }
      i += 1
      // Armed: find the firing one.
      if let base {
        while i + 8 <= n {
          let v = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self)
          if any(.!(v .<= lows) .& (v .>= highs)) { break }
          i += 8
        }
      }
      while i < n, x[i] <= low || !(x[i] >= high) { i += 1 }
      guard i < n else { break }
      if let l = last, Double(i - l) <= 3 * period { intervalScratch.append(Double(i - l)) }
      last = i
      i += 1
    }
    guard intervalScratch.count >= 4 else { return nil }
    return intervalScratch.withUnsafeMutableBufferPointer { Statistics.interpolatedQuantile($0, 0.5) }
  }

  /// The fraction of samples of `x` (m/s²) below the flight level.
  func flightFraction(_ x: UnsafeBufferPointer<Float>, model: PeriodicityModel) -> Double {
    let level = Float(model.flightG) * standardGravity
    var count = 0
    for v in x where v < level { count += 1 }
    return Double(count) / Double(max(1, x.count))
  }

  private static func autocorrelation(_ p: UnsafeBufferPointer<Float>, mean: Float, lag: Int) -> Double {
    let n = p.count
    guard lag > 0, lag < n / 2 else { return 0 }
    // Eight float lanes; each lane sums ≤ n/8 products of O(1) values.
    var num = SIMD8<Float>(), d0 = SIMD8<Float>(), d1 = SIMD8<Float>()
    let m = SIMD8<Float>(repeating: mean)
    let count = n - lag
    var i = 0
    // Eight samples per load (the same lanes as eight element reads).
    if let base = p.baseAddress {
      let ra = UnsafeRawPointer(base), rb = UnsafeRawPointer(base + lag)
      let stride = MemoryLayout<Float>.stride
      if mean.bitPattern == 0 {
        // A mean of +0 (the windowed signal): x − (+0) is x for every x
        // (−0 included), so the subtraction is left out.
        while i + 8 <= count {
          let a = ra.loadUnaligned(fromByteOffset: i &* stride, as: SIMD8<Float>.self)
          let b = rb.loadUnaligned(fromByteOffset: i &* stride, as: SIMD8<Float>.self)
          num += a * b; d0 += a * a; d1 += b * b
          i &+= 8
        }
      } else {
        while i + 8 <= count {
          let a = ra.loadUnaligned(fromByteOffset: i &* stride, as: SIMD8<Float>.self) - m
          let b = rb.loadUnaligned(fromByteOffset: i &* stride, as: SIMD8<Float>.self) - m
          num += a * b; d0 += a * a; d1 += b * b
          i &+= 8
        }
      }
    }
    var sn = Double(num.sum()), s0 = Double(d0.sum()), s1 = Double(d1.sum())
    while i < count {
      let a = Double(p[i] - mean), b = Double(p[i + lag] - mean)
      sn += a * b; s0 += a * a; s1 += b * b
      i += 1
    }
    return sn / max((s0 * s1).squareRoot(), 1e-12)
  }
}

/// `body` with the storage of three arrays (the raw axes), read-only.
@inline(__always)
private func withBuffers<R>(_ x: [Float], _ y: [Float], _ z: [Float],
                            _ body: (UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>) -> R) -> R {
  x.withUnsafeBufferPointer { px in y.withUnsafeBufferPointer { py in z.withUnsafeBufferPointer { pz in body(px, py, pz) } } }
}

@inline(__always) func dot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }
@inline(__always) func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
  SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
@inline(__always) func normalize(_ a: SIMD3<Float>) -> SIMD3<Float> {
  let l = (a * a).sum().squareRoot()
  return l > 0 ? a / l : a
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
