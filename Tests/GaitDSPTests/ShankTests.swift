import Foundation
import GaitCore
import GaitIngest
import GaitPipeline
import GaitReport
import GaitScoring
import GaitTestSupport
import Testing

@testable import GaitDSP

/// Shank (tibia) placement against force-belt contacts of the sensor leg
/// (Bach et al. 2022, one participant: trials 5–6 walking 4.5 km/h, 7–9
/// running 8.5 km/h, 142.857 Hz, ±8 g). Nothing in the detector is tuned to
/// this participant; these tests hold issue 14's targets where they are met
/// and a regression bound where they are not (said at each test).
@Suite struct ShankVsForceBelt {
  static let truth: [Int: [TruthContact]] = {
    let all = try! String(contentsOfFile: sampleData("bach-shank-subject-b/ground_truth_contacts.csv"), encoding: .utf8)
    var out: [Int: [TruthContact]] = [:]
    for line in all.split(whereSeparator: \.isNewline).dropFirst() {
      let f = line.split(separator: ",")
      out[Int(f[0])!, default: []].append(TruthContact(icS: Double(f[3])!, tcS: Double(f[4])!))
    }
    return out
  }()
  static let results: [Int: AnalysisResult] = Dictionary(uniqueKeysWithValues: (5...9).map { k in
    (k, try! analyzeFile(String(format: "bach-shank-subject-b/trial_%02d.csv", k)))
  })
  static func evaluation(_ k: Int) -> Evaluation {
    evaluate(steps: results[k]!.steps, truth: truth[k]!, toleranceS: k <= 6 ? 0.060 : 0.040)
  }

  @Test(arguments: 5...9)
  func detectedAsShank(trial: Int) {
    #expect(Self.results[trial]!.placement == .shank)
    #expect(Self.results[trial]!.placementSource == "detected")
  }

  /// Cadence = 2 × stride rate of the sensor leg, within 1 % of the force
  /// belt's on every trial (measured: ≤ 0.1 %).
  @Test(arguments: 5...9)
  func cadenceWithinOnePercent(trial: Int) throws {
    let t = Self.truth[trial]!.map(\.icS)
    let strides = zip(t.dropFirst(), t).map { $0 - $1 }.filter { $0 < 1.5 * strides_median(t) }
    let reference = 120 / (strides.reduce(0, +) / Double(strides.count))
    let detected = try #require(Self.results[trial]!.summary.cadenceSpm?.mean)
    #expect(abs(detected / reference - 1) < 0.01, "trial \(trial): \(detected) vs \(reference) spm")
    #expect(abs(Self.evaluation(trial).cadenceErrorPct!) < 1.0)
  }

  /// Running: recall and precision ≥ 0.98 within 40 ms (measured 1.000).
  /// IC bias target ≤ 15 ms is NOT met: the impact onset lags the 50 N force
  /// contact by +18 to +21 ms here (SD 5–7 ms); no latency is subtracted
  /// because none was taken from the literature. Bound: 25 ms.
  @Test func runningInitialContacts() {
    let e = (7...9).map(Self.evaluation)
    let matched = e.reduce(0) { $0 + $1.matched }, truth = e.reduce(0) { $0 + $1.truthContacts }
    let detections = e.reduce(0) { $0 + $1.detections }
    #expect(truth == 93)
    #expect(Double(matched) / Double(truth) >= 0.98)
    #expect(Double(matched) / Double(detections) >= 0.98)
    for x in e { #expect(abs(x.icBiasMs!) <= 25, "bias \(x.icBiasMs!) ms") }
  }

  /// Running contact time: aim |bias| ≤ 20 ms, RMSE ≤ 30 ms (measured bias
  /// +1 to +6 ms, RMSE 9–13 ms per trial).
  @Test func runningContactTime() {
    for k in 7...9 {
      let e = Self.evaluation(k)
      #expect(e.contactPairs >= 20)
      #expect(abs(e.contactBiasMs!) <= 20, "trial \(k): bias \(e.contactBiasMs!) ms")
      #expect(e.contactRmseMs! <= 30, "trial \(k): RMSE \(e.contactRmseMs!) ms")
    }
  }

  /// Walking: no running steps, no running-form flag, IC recall ≥ 0.95
  /// within 60 ms (measured 0.967 and 1.000).
  @Test(arguments: 5...6)
  func walking(trial: Int) {
    let r = Self.results[trial]!
    #expect(r.summary.runningSteps == 0)
    #expect(!r.flags.contains { ["overstriding", "cadence-low", "tibial-shock-high", "form-breakdown-contact"].contains($0.id) })
    #expect(Self.evaluation(trial).recall >= 0.95)
    #expect(Self.evaluation(trial).precision >= 0.95)
  }

  @Test(arguments: 7...9)
  func runningStepsAndTibialShock(trial: Int) throws {
    let r = Self.results[trial]!
    #expect(r.summary.runningSteps == r.summary.steps)
    let shock = try #require(r.summary.tibialShockG)
    #expect(shock.median > 4 && shock.median < 20)
    // The bundled runner's impacts reach the ±8 g range: lower bounds.
    #expect(r.summary.tibialShockClippedSteps > 0)
    #expect(r.flags.contains { $0.id == "placement-limits" })
  }
}

private func strides_median(_ t: [Double]) -> Double {
  let d = zip(t.dropFirst(), t).map { $0 - $1 }.sorted()
  return d[d.count / 2]
}

/// Synthetic shank signals with exact contacts: 50–500 Hz, walking and
/// running, clipped impacts (±8 g), a tilted sensor. IC within one sample
/// (or 5 ms) on average.
@Suite struct SyntheticShankSignals {
  static let rates: [Double] = [50, 100, 142.857, 200, 500]

  static func check(_ gen: SyntheticShank) -> (Evaluation, (placement: Placement?, summary: RunSummary)) {
    let rec = gen.recording()
    var steps: [Step] = []
    var analyzer = GaitAnalyzer(info: rec.info)
    for b in rec.blocks { analyzer.process(b) { steps.append($0) } }
    analyzer.finish { steps.append($0) }
    let truth = gen.contacts.map { TruthContact(icS: $0.ic, tcS: $0.tc) }
    let tol = max(0.015, 1.5 / gen.rateHz)
    let e = evaluate(steps: steps, truth: truth, toleranceS: tol)
    let summary = RunSummary(steps: steps, segments: analyzer.segments, speedMps: nil)
    return (e, (analyzer.placement, summary))
  }

  @Test(arguments: rates, [false, true])
  func eventsAndPlacement(rate: Double, running: Bool) {
    var gen = SyntheticShank(rateHz: rate, running: running)
    gen.rotation = SyntheticRun.rotation(yawDeg: 30, pitchDeg: 15, rollDeg: -10)
    if running { gen.rangeG = 8 }
    let (e, r) = Self.check(gen)
    #expect(r.placement == .shank, "\(rate) Hz running \(running)")
    #expect(e.recall >= 0.99, "\(rate) Hz running \(running): recall \(e.recall)")
    #expect(e.precision >= 0.99, "\(rate) Hz running \(running): precision \(e.precision)")
    #expect(abs(e.icBiasMs ?? .infinity) <= max(5, 1000 / rate), "bias \(e.icBiasMs ?? .nan) ms")
    #expect(r.summary.runningSteps == (running ? r.summary.steps : 0))
  }

  /// A gradual impact, as a heel strike loads the leg through shoe and heel
  /// pad (``SyntheticShank/impactRiseS``: it builds as sin² to its peak 15,
  /// 30 or 45 ms after the exact contact): the onset rule finds where the
  /// impact begins, not where it is steep or crosses a level. Running, ±8 g,
  /// tilted sensor, matched within 40 ms, knee radius 0 (no acceleration
  /// step at contact). The bound (one sample early to 10 ms late; measured
  /// mean −4.7…+0.4, −0.1…+3.4, +2.5…+7.7 ms for the three rise times over
  /// 50–500 Hz, `GAITLINE_SHANK_IC_TABLE=1` prints them) is well below the +20 ms by
  /// which the onset follows the force-belt contact on the bundled runner,
  /// whose tibial impact peaks about 35 ms after contact: the rule accounts
  /// for a few milliseconds of that lag at most.
  @Test(arguments: rates, [0.015, 0.03, 0.045])
  func gradualImpactOnset(rate: Double, riseS: Double) {
    var gen = SyntheticShank(rateHz: rate, running: true)
    gen.rotation = SyntheticRun.rotation(yawDeg: 30, pitchDeg: 15, rollDeg: -10)
    gen.rangeG = 8
    gen.impactRiseS = riseS
    gen.radiusM = 0  // no step of the tangential acceleration at contact (see impactRiseS)
    let rec = gen.recording()
    var steps: [Step] = []
    var analyzer = GaitAnalyzer(info: rec.info)
    for b in rec.blocks { analyzer.process(b) { steps.append($0) } }
    analyzer.finish { steps.append($0) }
    let e = evaluate(steps: steps, truth: gen.contacts.map { TruthContact(icS: $0.ic, tcS: $0.tc) }, toleranceS: 0.04)
    if ProcessInfo.processInfo.environment["GAITLINE_SHANK_IC_TABLE"] != nil {
      print("gradual impact \(riseS * 1000) ms at \(rate) Hz: recall \(e.recall) bias \(e.icBiasMs ?? .nan) SD \(e.icSdMs ?? .nan)")
    }
    #expect(analyzer.placement == .shank)
    #expect(e.recall >= 0.99 && e.precision >= 0.99, "\(rate) Hz, rise \(riseS): \(e.recall) / \(e.precision)")
    let bias = e.icBiasMs ?? .infinity
    #expect(bias >= -1000 / rate - 1 && bias <= 10, "\(rate) Hz, rise \(riseS) s: IC bias \(bias) ms")
  }

  /// Walking toe-off from the accelerometer alone: the push-off's two bursts
  /// vary in which is larger from stride to stride; toe-off is the one that
  /// ends the push-off. At most one stride (the last, cut by the recording's
  /// end) is off by more than 30 ms, and the others' contact-time RMSE is
  /// within 12 ms plus half a sample (taking the peak after the largest
  /// burst put one stride in ten, at 50 Hz most, 60–80 ms late).
  @Test(arguments: rates)
  func walkingContactTimeWithoutGyroscope(rate: Double) {
    var gen = SyntheticShank(rateHz: rate, running: false)
    gen.rotation = SyntheticRun.rotation(yawDeg: 30, pitchDeg: 15, rollDeg: -10)
    let (e, _) = Self.check(gen)
    #expect(e.contactPairs >= e.truthContacts - 3, "\(rate) Hz: \(e.contactPairs) of \(e.truthContacts)")
    let off = e.contactErrorsMs.filter { abs($0) > 30 }
    let rest = e.contactErrorsMs.filter { abs($0) <= 30 }
    let rmse = (rest.reduce(0) { $0 + $1 * $1 } / Double(max(rest.count, 1))).squareRoot()
    #expect(off.count <= 1, "\(rate) Hz: strides off by > 30 ms: \(off)")
    #expect(rmse <= 12 + 500 / rate, "\(rate) Hz: contact RMSE \(rmse) ms")
  }
}

/// With a gyroscope (the tibia's sagittal angular velocity) the shank is
/// still told from a shoe: it turns through its quiet stance.
@Suite struct SyntheticShankWithGyroscope {
  @Test(arguments: [100.0, 200.0], [false, true])
  func detectedAsShank(rate: Double, running: Bool) {
    var gen = SyntheticShank(rateHz: rate, running: running)
    gen.gyroscope = true
    gen.rotation = SyntheticRun.rotation(yawDeg: -20, pitchDeg: 10, rollDeg: 5)
    let (e, r) = SyntheticShankSignals.check(gen)
    #expect(r.placement == .shank, "\(rate) Hz running \(running)")
    #expect(e.recall >= 0.99 && e.precision >= 0.99)
  }

  /// Events from the sagittal angular velocity (mid-swing peak, contact and
  /// toe-off at the minima around it): every contact found at 50–500 Hz on
  /// any mounting (upside down and mirrored included: the axis and its sign
  /// come from the signal), IC within 6 ms (or a sample) on average and
  /// contact time within 12 ms RMSE, walking too (the accelerometer's
  /// walking toe-off gave 25 ms RMSE).
  @Test(arguments: [50.0, 100.0, 200.0, 500.0], [false, true])
  func eventsFromGyroscope(rate: Double, running: Bool) throws {
    for (yaw, pitch, roll) in [(30.0, 12.0, -8.0), (90.0, 0.0, 180.0), (-40.0, 20.0, 60.0)] {
      var gen = SyntheticShank(rateHz: rate, running: running)
      gen.gyroscope = true
      gen.rotation = SyntheticRun.rotation(yawDeg: yaw, pitchDeg: pitch, rollDeg: roll)
      if running { gen.rangeG = 8 }
      let (e, r) = SyntheticShankSignals.check(gen)
      let label = "\(rate) Hz running \(running) mount \(yaw),\(pitch),\(roll)"
      #expect(r.placement == .shank, "\(label)")
      #expect(e.recall >= 0.99 && e.precision >= 0.99, "\(label): \(e.recall) \(e.precision)")
      #expect(abs(e.icBiasMs ?? .infinity) <= max(6, 1000 / rate), "\(label): IC bias \(e.icBiasMs ?? .nan) ms")
      #expect(e.contactPairs >= e.truthContacts - 3, "\(label): \(e.contactPairs) contact pairs")
      #expect((e.contactRmseMs ?? .infinity) <= 12, "\(label): contact RMSE \(e.contactRmseMs ?? .nan) ms")
      #expect(r.summary.runningSteps == (running ? r.summary.steps : 0), "\(label)")
    }
  }

  /// The sagittal axis is the principal axis of the angular velocity and
  /// its sign puts the mid-swing peak up, whatever the mounting.
  @Test func sagittalAxisAndSign() throws {
    for rollDeg in [0.0, 180.0] {
      var gen = SyntheticShank(rateHz: 200, running: true, seconds: 12)
      gen.gyroscope = true
      gen.rotation = SyntheticRun.rotation(yawDeg: 25, pitchDeg: -35, rollDeg: rollDeg)
      let rec = gen.recording()
      let b = rec.blocks[0]
      var work = SegmentWorkspace()
      work.load(ax: b.ax[...], ay: b.ay[...], az: b.az[...], gyro: nil,
                gyroAxes: (0..<b.count).map { SIMD3(b.gx[$0], b.gy[$0], b.gz[$0]) }[...], info: rec.info, rateHz: 200)
      let s = try #require(ShankGyroContactDetector(smoothingS: 0).sagittal(work))
      // The true θ̇ at each sample, against the recovered signal.
      var worst: Float = 0
      let cs = gen.contacts
      var c = 0
      for i in 0..<b.count {
        let t = Double(i) / 200
        while c + 1 < cs.count, cs[c + 1].ic <= t { c += 1 }
        guard t >= cs[0].ic, c + 1 < cs.count else { continue }
        let truth = gen.gyroMotion(sinceIC: t - cs[c].ic, stride: cs[c + 1].ic - cs[c].ic).omega
        worst = max(worst, abs(s[i] - Float(truth)))
      }
      #expect(worst < 0.1, "roll \(rollDeg): worst error \(worst) rad/s")
    }
  }

  /// Without its gyroscope the same running recording goes through the
  /// accelerometer path (impact onset) and still finds every contact.
  @Test func accelerometerPathWithoutGyroscope() {
    var gen = SyntheticShank(rateHz: 200, running: true)
    gen.gyroscope = true
    gen.rangeG = 8
    let rec = gen.recording()
    let blocks = rec.blocks.map { SampleBlock(startIndex: $0.startIndex, ax: $0.ax, ay: $0.ay, az: $0.az) }
    var info = rec.info
    info.hasGyroscope = false
    let result = GaitAnalyzer.analyze(Recording(info: info, blocks: blocks))
    #expect(result.placement == .shank)
    let truth = gen.contacts.map { TruthContact(icS: $0.ic, tcS: $0.tc) }
    let e = evaluate(steps: result.steps, truth: truth, toleranceS: 0.015)
    #expect(e.recall >= 0.99 && e.precision >= 0.99)
  }
}

/// Shoe and trunk recordings must not be taken for a shank.
@Suite struct ShankPlacementNegatives {
  @Test(arguments: ["2017-11-22-11-44-47", "2017-11-27-11-11-24", "2017-11-27-11-11-53", "2017-11-27-11-12-18", "2017-11-27-11-13-10"])
  func shoeIsNotShank(name: String) throws {
    let r = try analyzeFile("pyshoe-foot-run/\(name)_imu.csv")
    #expect(r.placement != .shank)
  }

  /// The same shoe recordings without their gyroscope: the accelerometer
  /// test alone must not call them a shank either.
  @Test(arguments: ["2017-11-22-11-44-47", "2017-11-27-11-11-24", "2017-11-27-11-11-53", "2017-11-27-11-12-18", "2017-11-27-11-13-10"])
  func shoeWithoutGyroscopeIsNotShank(name: String) throws {
    let reader = try CSVReader(path: sampleData("pyshoe-foot-run/\(name)_imu.csv"))
    var blocks: [SampleBlock] = []
    while let b = try reader.nextBlock() { blocks.append(SampleBlock(startIndex: b.startIndex, ax: b.ax, ay: b.ay, az: b.az)) }
    var info = reader.info
    info.hasGyroscope = false
    let placement = GaitAnalyzer.analyze(Recording(info: info, blocks: blocks)).placement
    #expect(placement != .shank)
  }

  /// Every bundled lower-back walk (with its gyroscope, p99 |ω| 0.9–1.5
  /// rad/s, below the 3 rad/s that marks a limb).
  @Test(arguments: ["HA_001_Test5_Trial1", "HA_001_Test5_Trial2", "HA_002_Test5_Trial1", "HA_002_Test5_Trial2",
                    "MS_001_Test5_Trial1", "MS_001_Test5_Trial2"])
  func lowerBackIsNotShank(name: String) throws {
    let r = try analyzeFile("mobgap-lowerback-walk/\(name)_lowerback.csv")
    #expect(r.placement != .shank)
  }

  @Test func sacrumRunIsNotShank() throws {
    #expect(try analyzeFile("alcantara-sacrum-run/sample_test_raw.csv").placement != .shank)
  }

  @Test(arguments: [100.0, 200.0])
  func syntheticHipRunIsNotShank(rate: Double) {
    let rec = SyntheticRun(rateHz: rate).recording()
    #expect(GaitAnalyzer.analyze(rec).placement == .hip)
  }
}

/// The shank detector gives the same steps whatever the block size of the
/// stream (segment positions depend only on sample indices).
@Suite struct ShankStreaming {
  @Test(arguments: [1, 137, 4096], [false, true])
  func blockSizeDoesNotChangeSteps(block: Int, gyroscope: Bool) {
    // 120 s with a gyroscope: long enough for the buffers (gyroscope axes
    // included) to be trimmed mid-stream.
    var gen = SyntheticShank(rateHz: 200, running: true, seconds: gyroscope ? 120 : 40)
    gen.rangeG = 8
    gen.gyroscope = gyroscope
    let rec = gen.recording()
    let whole = GaitAnalyzer.analyze(rec).steps
    var analyzer = GaitAnalyzer(info: rec.info)
    var chunked: [Step] = []
    for b in rec.blocks { for piece in b.split(every: block) { analyzer.process(piece) { chunked.append($0) } } }
    analyzer.finish { chunked.append($0) }
    #expect(whole.count > 40)
    #expect(chunked == whole)
  }

  @Test func tooShortOrFlatGivesNoStepsAndNoCrash() {
    let flat = Recording(info: RecordingInfo(sampleRateHz: 100, placement: .shank),
                         blocks: [SampleBlock(startIndex: 0, ax: [Float](repeating: 9.8, count: 900),
                                              ay: [Float](repeating: 0, count: 900), az: [Float](repeating: 0, count: 900))])
    #expect(GaitAnalyzer.analyze(flat).steps.isEmpty)
    let short = SyntheticShank(rateHz: 100, running: true, seconds: 1.5).recording()
    var o = AnalysisOptions()
    o.placement = .shank
    _ = GaitAnalyzer.analyze(short, options: o)
  }
}

/// The margin of the shank-versus-shoe test on every bundled lower-limb
/// recording and synthetic case, per 15-s window: how far the deciding
/// features lie on the shank side of their thresholds (ratio > 1 shank).
/// Shoe windows are tested with and without their gyroscope.
@Suite struct ShankPlacementMargin {
  static func margins(_ rec: Recording, hideGyro: Bool = false) -> [Double?] {
    let blocks = rec.blocks
    let b = blocks.count == 1 ? blocks[0] : SampleBlock(
      startIndex: 0, ax: blocks.flatMap(\.ax), ay: blocks.flatMap(\.ay), az: blocks.flatMap(\.az),
      gx: blocks.flatMap(\.gx), gy: blocks.flatMap(\.gy), gz: blocks.flatMap(\.gz))
    let rate = rec.info.sampleRateHz
    let w = min(b.count, Int(15 * rate))
    var out: [Double?] = []
    var start = 0
    while start + w <= b.count, w > 0 {
      let r = start..<(start + w)
      var gyro: [Float]?
      if !hideGyro, b.hasGyroscope {
        gyro = []
        for i in r { let v = SIMD3<Float>(b.gx[i], b.gy[i], b.gz[i]); gyro!.append((v * v).sum().squareRoot()) }
      }
      var work = SegmentWorkspace()
      work.load(ax: b.ax[r], ay: b.ay[r], az: b.az[r], gyro: gyro?[...], info: rec.info, rateHz: rate)
      if let e = work.shankOrFootEvidence() { out.append(e.margin) }
      start += w
    }
    return out
  }

  @Test func shankAndShoeMargins() throws {
    var shank: [Double?] = [], shoe: [Double?] = []
    for k in 5...9 {
      shank += Self.margins(try readRecording(sampleData(String(format: "bach-shank-subject-b/trial_%02d.csv", k))))
    }
    for rate in [50.0, 100, 142.857, 200, 500] {
      for running in [false, true] {
        for gyro in [false, true] {
          var g = SyntheticShank(rateHz: rate, running: running)
          g.gyroscope = gyro
          g.rotation = SyntheticRun.rotation(yawDeg: 30, pitchDeg: 15, rollDeg: -10)
          shank += Self.margins(g.recording())
        }
      }
    }
    for name in ["2017-11-22-11-44-47", "2017-11-27-11-11-24", "2017-11-27-11-11-53", "2017-11-27-11-12-18", "2017-11-27-11-13-10"] {
      let rec = try readRecording(sampleData("pyshoe-foot-run/\(name)_imu.csv"))
      shoe += Self.margins(rec) + Self.margins(rec, hideGyro: true)
    }
    // A slow shoe walk (peak below 3.5 g) is a foot by its foot-flat alone:
    // within the stricter margin that test asks for.
    var slowWalk: [Double?] = []
    for rate in [100.0, 200] { slowWalk += Self.margins(SlowShoeWalkPlacement.shoeWalk(rateHz: rate, gyroscope: true)) }
    #expect(slowWalk.count >= 4 && slowWalk.allSatisfy { ($0 ?? .infinity) <= 0.5 }, "slow shoe walk margins \(slowWalk)")
    shoe += slowWalk
    #expect(shank.count >= 40 && shoe.count >= 10)
    // A shank window without a measurable quiet stretch is a shank (nil).
    let shankMin = shank.compactMap { $0 }.min() ?? .infinity
    #expect(shankMin >= 1.4, "smallest shank margin \(shankMin)")
    // Every shoe window has a measurable quiet stretch, well on the shoe side.
    #expect(shoe.allSatisfy { $0 != nil })
    let shoeMax = shoe.compactMap { $0 }.max() ?? .infinity
    #expect(shoeMax <= 1 / 1.4, "largest shoe margin \(shoeMax)")
  }
}

private func readRecording(_ path: String) throws -> Recording {
  let reader = try CSVReader(path: path)
  var blocks: [SampleBlock] = []
  while let b = try reader.nextBlock() { blocks.append(b) }
  return Recording(info: reader.info, blocks: blocks)
}

/// Slow walking in a shoe peaks below the 3.5 g a foot otherwise needs, but
/// its foot-flat — a still 1-g stretch in every stride — marks it as a foot
/// (the PyShoe walks, 2.8–3.2 g, were taken for a hip). A synthetic shoe
/// walk with exact geometry: 1.1-s strides, heel strike peaking near 2.9 g,
/// foot-flat for 30 % of the stride, the foot pitching 50° at push-off and
/// swinging back through 65°.
@Suite struct SlowShoeWalkPlacement {
  static func shoeWalk(rateHz: Double, gyroscope: Bool, seconds: Double = 40) -> Recording {
    let n = Int(seconds * rateHz)
    let g = Double(standardGravity)
    let stride = 1.1
    var ax = [Float](), ay = [Float](), az = [Float](), gx = [Float](), gy = [Float](), gz = [Float]()
    // Foot pitch (rad) over the stride phase τ: loading 15° → 0, flat, push-off 0 → −50°, swing −50° → +15°.
    func pitch(_ tau: Double) -> Double {
      let d = Double.pi / 180
      switch tau {
      case ..<0.08: return 15 * d * (1 + cos(.pi * tau / 0.08)) / 2
      case ..<0.38: return 0
      case ..<0.62: return -50 * d * (1 - cos(.pi * (tau - 0.38) / 0.24)) / 2
      default: return (-50 + 65 * (1 - cos(.pi * (tau - 0.62) / 0.38)) / 2) * d
      }
    }
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    func noise() -> Double {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (Double(seed >> 11) / Double(1 << 53) - 0.5) * 0.02
    }
    for i in 0..<n {
      let t = Double(i) / rateHz
      let tau = (t / stride).truncatingRemainder(dividingBy: 1)
      let theta = pitch(tau)
      let h = 1e-3 / stride
      let omega = (pitch(min(1 - 1e-9, tau + h)) - pitch(max(0, tau - h))) / (2e-3)
      // Linear acceleration (g, world frame): heel-strike transient, push-off
      // thrust, swing acceleration then deceleration.
      let s = tau * stride
      var up = 1.9 * exp(-s / 0.03) * sin(2 * .pi * 12 * s) / exp(-0.0208 / 0.03)
      var fwd = 0.0
      if tau >= 0.38, tau < 0.62 { fwd += 1.2 * sin(.pi * (tau - 0.38) / 0.24); up += 0.8 * sin(.pi * (tau - 0.38) / 0.24) }
      if tau >= 0.62 { fwd += 1.2 * sin(2 * .pi * (tau - 0.62) / 0.38); up += 0.3 * sin(.pi * (tau - 0.62) / 0.38) }
      // Gravity plus motion, in the foot frame (x forward, z up, pitch about y).
      let wx = fwd, wz = 1 + up
      let fx = cos(theta) * wx - sin(theta) * wz, fz = sin(theta) * wx + cos(theta) * wz
      ax.append(Float((fx + noise()) * g)); ay.append(Float(noise() * g)); az.append(Float((fz + noise()) * g))
      if gyroscope { gx.append(Float(noise())); gy.append(Float(omega + noise())); gz.append(Float(noise())) }
    }
    return Recording(info: RecordingInfo(sampleRateHz: rateHz, hasGyroscope: gyroscope),
                     blocks: [SampleBlock(startIndex: 0, ax: ax, ay: ay, az: az, gx: gx, gy: gy, gz: gz)])
  }

  @Test(arguments: [100.0, 200.0], [false, true])
  func slowShoeWalkIsFoot(rate: Double, gyroscope: Bool) {
    let rec = Self.shoeWalk(rateHz: rate, gyroscope: gyroscope)
    let m = rec.blocks[0].ax.indices.map { i in
      let v = SIMD3(rec.blocks[0].ax[i], rec.blocks[0].ay[i], rec.blocks[0].az[i])
      return (v * v).sum().squareRoot() / standardGravity
    }
    let p99 = Statistics.quantile(m, 0.99)
    #expect(p99 > 2.5 && p99 < 3.5, "p99 \(p99) g: not a slow-walk shoe")
    #expect(GaitAnalyzer.analyze(rec).placement == .foot, "\(rate) Hz gyroscope \(gyroscope)")
  }

  /// Every bundled lower-back walk stays a hip (trunk), never a foot.
  @Test(arguments: ["HA_001_Test5_Trial1", "HA_001_Test5_Trial2", "HA_002_Test5_Trial1", "HA_002_Test5_Trial2",
                    "MS_001_Test5_Trial1", "MS_001_Test5_Trial2"])
  func lowerBackWalkIsHip(name: String) throws {
    #expect(try analyzeFile("mobgap-lowerback-walk/\(name)_lowerback.csv").placement == .hip)
  }
}

/// Walking told from running wherever the sensor sits on the shank: 0 (at
/// the knee's axis, where the swing's centripetal and tangential
/// acceleration vanish and the swing reads a quiet 1 g) to 0.4 m below the
/// knee. Before the stance-load rule (``ShankGaitClassifier``), runs at
/// 0–0.05 m were called walks: their swing was the stride's longest quiet
/// stretch. Walks are fast (133 steps/min, above the classifier's 130 floor)
/// so that the stance, not the cadence, decides.
@Suite struct ShankMountingRadius {
  static let radii = [0.0, 0.05, 0.1, 0.2, 0.3, 0.4]

  @Test(arguments: radii, [100.0, 200.0])
  func runningAtAnyRadius(radius: Double, rate: Double) {
    var gen = SyntheticShank(rateHz: rate, running: true)
    gen.radiusM = radius
    gen.rangeG = 16
    gen.rotation = SyntheticRun.rotation(yawDeg: 30, pitchDeg: 15, rollDeg: -10)
    let (e, r) = SyntheticShankSignals.check(gen)
    let label = "radius \(radius) m, \(rate) Hz"
    #expect(r.placement == .shank, "\(label)")
    #expect(e.recall >= 0.99 && e.precision >= 0.99, "\(label): \(e.recall) / \(e.precision)")
    #expect(r.summary.steps > 0 && r.summary.runningSteps == r.summary.steps,
            "\(label): \(r.summary.runningSteps) running of \(r.summary.steps)")
    // Running toe-off rule: contact time near the truth (the walking rule
    // put it 135 ms late at radius 0).
    #expect(abs(e.contactBiasMs ?? .infinity) <= 20, "\(label): contact bias \(e.contactBiasMs ?? .nan) ms")
  }

  /// The walk's gait with the placement given (`--placement shank`), and
  /// the placement as detected: shank from 0.05 m down. At the knee's axis
  /// itself this fast synthetic walk (swing ±25°) tilts gravity less than
  /// the limb test's 18° (p90 over 0.35-s windows) and is taken for a hip:
  /// a limit of the placement test, not of the gait decision.
  @Test(arguments: radii, [100.0, 200.0])
  func fastWalkingAtAnyRadius(radius: Double, rate: Double) {
    var gen = SyntheticShank(rateHz: rate, running: false)
    gen.radiusM = radius
    gen.strideS = 0.9  // 133 steps/min
    gen.contactS = 0.57  // duty factor 0.63, as at 111 steps/min
    gen.rotation = SyntheticRun.rotation(yawDeg: -20, pitchDeg: 10, rollDeg: 5)
    let rec = gen.recording()
    var steps: [Step] = []
    var analyzer = GaitAnalyzer(info: rec.info, options: AnalysisOptions(placement: .shank))
    for b in rec.blocks { analyzer.process(b) { steps.append($0) } }
    analyzer.finish { steps.append($0) }
    let e = evaluate(steps: steps, truth: gen.contacts.map { TruthContact(icS: $0.ic, tcS: $0.tc) },
                     toleranceS: max(0.015, 1.5 / rate))
    let summary = RunSummary(steps: steps, segments: analyzer.segments, speedMps: nil)
    let label = "radius \(radius) m, \(rate) Hz"
    #expect(e.recall >= 0.99 && e.precision >= 0.99, "\(label): \(e.recall) / \(e.precision)")
    let cadence = summary.cadenceSpm?.mean ?? 0
    #expect(cadence > 130, "\(label): cadence \(cadence) spm")
    #expect(summary.steps > 0 && summary.runningSteps == 0, "\(label): \(summary.runningSteps) running")
    if radius >= 0.05 {
      #expect(SyntheticShankSignals.check(gen).1.placement == .shank, "\(label)")
    }
  }
}

/// The stance load (``ShankGaitClassifier``) per 15-s window, against its
/// fixed 1.5 g: every running window at least 1.15× above it and every
/// walking window at least 1.15× below, on the bundled participant and on
/// synthetic runs and walks (default and 133 steps/min) at knee radii
/// 0–0.4 m, 50–500 Hz. Measured: smallest running load 1.89 g (1.26×,
/// synthetic near the knee's axis; bundled ≥ 2.5 g), largest walking load
/// 1.25 g (1.20×, synthetic walking far below the knee, where the model
/// turns the stance about the knee; bundled ≤ 1.03 g). The
/// `GAITLINE_SHANK_LOAD_TABLE=1` environment prints the extremes.
@Suite struct ShankStanceLoadMargin {
  static func loads(_ rec: Recording) -> [Double] {
    let b = rec.blocks[0]
    let rate = rec.info.sampleRateHz
    let w = min(b.count, Int(15 * rate))
    var out: [Double] = []
    var start = 0
    while start + w <= b.count, w > 0 {
      let r = start..<(start + w)
      var work = SegmentWorkspace()
      work.load(ax: b.ax[r], ay: b.ay[r], az: b.az[r], gyro: nil, info: rec.info, rateHz: rate)
      if let p = work.stepPeriod(FootProfile.periodicityModel),
         let load = ShankContactDetector().contactsAndGait(in: work, stepPeriodSamples: p).gait.stanceLoadG {
        out.append(load)
      }
      start += w
    }
    return out
  }

  @Test func marginsBothSides() throws {
    let threshold = ShankGaitClassifier().runningStanceLoadMinG
    var running: [Double] = [], walking: [Double] = []
    for k in 5...9 {
      let path = sampleData(String(format: "bach-shank-subject-b/trial_%02d.csv", k))
      let reader = try CSVReader(path: path)
      var blocks: [SampleBlock] = []
      while let b = try reader.nextBlock() { blocks.append(b) }
      let one = SampleBlock(startIndex: 0, ax: blocks.flatMap(\.ax), ay: blocks.flatMap(\.ay), az: blocks.flatMap(\.az))
      let l = Self.loads(Recording(info: reader.info, blocks: [one]))
      if k <= 6 { walking += l } else { running += l }
    }
    for radius in ShankMountingRadius.radii {
      for rate in [50.0, 142.857, 500] {
        var run = SyntheticShank(rateHz: rate, running: true)
        run.radiusM = radius
        running += Self.loads(run.recording())
        var walk = SyntheticShank(rateHz: rate, running: false)
        walk.radiusM = radius
        walking += Self.loads(walk.recording())
        walk.strideS = 0.9
        walk.contactS = 0.57
        walking += Self.loads(walk.recording())
      }
    }
    #expect(running.count >= 25 && walking.count >= 40, "\(running.count) running, \(walking.count) walking windows")
    let runMin = running.min() ?? 0, walkMax = walking.max() ?? .infinity
    if ProcessInfo.processInfo.environment["GAITLINE_SHANK_LOAD_TABLE"] != nil {
      print("stance load: running \(running.sorted().prefix(4)) … walking … \(walking.sorted().suffix(4))")
    }
    #expect(runMin >= 1.15 * threshold, "smallest running stance load \(runMin) g")
    #expect(walkMax <= threshold / 1.15, "largest walking stance load \(walkMax) g")
  }
}
