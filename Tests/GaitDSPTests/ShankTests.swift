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

  @Test(arguments: ["HA_001_Test5_Trial1", "HA_002_Test5_Trial2", "MS_001_Test5_Trial1"])
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
  @Test(arguments: [1, 137, 4096])
  func blockSizeDoesNotChangeSteps(block: Int) {
    var gen = SyntheticShank(rateHz: 200, running: true, seconds: 40)
    gen.rangeG = 8
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
