import Foundation
import GaitCore
import GaitReport
import GaitTestSupport
import Testing

@testable import GaitDSP

/// The published shank-accelerometer initial-contact rules
/// (``ShankInitialContactMethod``) side by side on the same impacts: the
/// bundled force-belt participant (walking matched within 60 ms, running
/// within 40 ms) and synthetic shank signals with exact contacts (50–500 Hz,
/// walking and running, running clipped at ±8 g, a tilted sensor).
///
/// The default was chosen by a rule fixed before the comparison was run:
/// the smallest pooled IC RMSE on the synthetic cases, among the rules with
/// synthetic recall and precision ≥ 0.99 and a bundled walking IC RMSE no
/// worse than the impact onset's (recall ≥ 0.95); the bundled running bias
/// is reported, never used to choose. `GAITLINE_SHANK_IC_TABLE=1 swift test
/// --filter ShankInitialContactComparison` prints the table
/// (docs/REPORT.md).
@Suite struct ShankInitialContactComparison {
  struct Pooled: CustomStringConvertible {
    var errors: [Double] = []
    var truth = 0, detections = 0, matched = 0
    mutating func add(_ e: Evaluation) {
      errors += e.icErrorsMs
      truth += e.truthContacts
      detections += e.detections
      matched += e.matched
    }
    var recall: Double { Double(matched) / Double(max(1, truth)) }
    var precision: Double { Double(matched) / Double(max(1, detections)) }
    var bias: Double { errors.reduce(0, +) / Double(max(1, errors.count)) }
    var sd: Double {
      let m = bias
      return (errors.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(1, errors.count - 1))).squareRoot()
    }
    var rmse: Double { (errors.map { $0 * $0 }.reduce(0, +) / Double(max(1, errors.count))).squareRoot() }
    var description: String {
      String(format: "%.3f / %.3f | %+.1f / %.1f / %.1f", recall, precision, bias, sd, rmse)
    }
  }

  static let bachTruth: [Int: [TruthContact]] = ShankVsForceBelt.truth

  static func bach(_ method: ShankInitialContactMethod, walking: Bool) throws -> Pooled {
    var p = Pooled()
    var options = AnalysisOptions()
    options.shankInitialContact = method
    for k in walking ? Array(5...6) : Array(7...9) {
      let r = try analyzeFile(String(format: "bach-shank-subject-b/trial_%02d.csv", k), options: options)
      p.add(evaluate(steps: r.steps, truth: bachTruth[k]!, toleranceS: walking ? 0.060 : 0.040))
    }
    return p
  }

  static let rates: [Double] = [50, 100, 142.857, 200, 500]

  /// The steps found in `gen`'s recording with `method` timing the contacts.
  static func steps(_ gen: SyntheticShank, _ method: ShankInitialContactMethod) -> [Step] {
    let rec = gen.recording()
    var options = AnalysisOptions()
    options.shankInitialContact = method
    var steps: [Step] = []
    var analyzer = GaitAnalyzer(info: rec.info, options: options)
    for b in rec.blocks { analyzer.process(b) { steps.append($0) } }
    analyzer.finish { steps.append($0) }
    return steps
  }

  static func synthetic(_ method: ShankInitialContactMethod) -> (all: Pooled, worstRateRmse: Double) {
    var p = Pooled()
    var worst = 0.0
    for rate in rates {
      for running in [false, true] {
        var gen = SyntheticShank(rateHz: rate, running: running)
        gen.rotation = SyntheticRun.rotation(yawDeg: 30, pitchDeg: 15, rollDeg: -10)
        if running { gen.rangeG = 8 }
        let truth = gen.contacts.map { TruthContact(icS: $0.ic, tcS: $0.tc) }
        let e = evaluate(steps: steps(gen, method), truth: truth, toleranceS: running ? 0.040 : 0.060)
        var one = Pooled()
        one.add(e)
        worst = max(worst, one.rmse)
        p.add(e)
      }
    }
    return (p, worst)
  }

  @Test func sideBySide() throws {
    var rows: [(ShankInitialContactMethod, Pooled, Pooled, Pooled, Double)] = []
    for m in ShankInitialContactMethod.allCases {
      let s = Self.synthetic(m)
      rows.append((m, try Self.bach(m, walking: true), try Self.bach(m, walking: false), s.all, s.worstRateRmse))
    }
    if ProcessInfo.processInfo.environment["GAITLINE_SHANK_IC_TABLE"] != nil {
      print("| rule | bundled walking ±60 ms: recall / precision, bias / SD / RMSE ms | bundled running ±40 ms | synthetic 50–500 Hz (exact events) | worst synthetic case RMSE ms |")
      print("|---|---|---|---|---|")
      for (m, w, r, s, worst) in rows { print("| \(m.rawValue) | \(w) | \(r) | \(s) | \(String(format: "%.1f", worst)) |") }
    }
    // The rule stated above picks the default.
    let onsetWalking = rows.first { $0.0 == .impactOnset }!.1
    let eligible = rows.filter { row in
      row.3.recall >= 0.99 && row.3.precision >= 0.99 && row.1.recall >= 0.95 && row.1.rmse <= onsetWalking.rmse
    }
    let chosen = try #require(eligible.min { $0.3.rmse < $1.3.rmse })
    #expect(chosen.0 == AnalysisOptions().shankInitialContact, "rule picks \(chosen.0.rawValue)")
  }
}

/// The departure rule (``ShankInitialContactMethod/departure``, issue 14's
/// onset search: the first sample whose jerk leaves the late swing's level,
/// median + 3 SD, searched back from the impact and interpolated between
/// samples) on gradual synthetic impacts with exact contacts (sin² to the
/// peak 15, 30, 45 ms after contact, no tangential step at contact, running,
/// ±8 g, tilted sensor): it finds where the rise begins, at most half a
/// sample plus 2 ms early and 3 ms late, where the default knee is up to
/// +7.7 ms late on the 45-ms rise. It is not the default: on the bundled
/// participant's noisy late swing it is later than the knee (docs/REPORT.md),
/// and the selection rule fixed beforehand (``ShankInitialContactComparison``)
/// keeps the knee.
@Suite struct ShankDepartureOnset {
  static func evaluation(rate: Double, riseS: Double, method: ShankInitialContactMethod) -> Evaluation {
    var gen = SyntheticShank(rateHz: rate, running: true)
    gen.rotation = SyntheticRun.rotation(yawDeg: 30, pitchDeg: 15, rollDeg: -10)
    gen.rangeG = 8
    gen.impactRiseS = riseS
    gen.radiusM = 0
    let truth = gen.contacts.map { TruthContact(icS: $0.ic, tcS: $0.tc) }
    return evaluate(steps: ShankInitialContactComparison.steps(gen, method), truth: truth, toleranceS: 0.02)
  }

  @Test(arguments: [50, 100, 142.857, 200, 500], [0.015, 0.03, 0.045])
  func gradualImpacts(rate: Double, riseS: Double) {
    let e = Self.evaluation(rate: rate, riseS: riseS, method: .departure)
    if ProcessInfo.processInfo.environment["GAITLINE_SHANK_IC_TABLE"] != nil {
      let knee = Self.evaluation(rate: rate, riseS: riseS, method: .impactOnset)
      print("departure, gradual impact \(riseS * 1000) ms at \(rate) Hz: recall \(e.recall) bias \(e.icBiasMs ?? .nan) SD \(e.icSdMs ?? .nan) | knee: recall \(knee.recall) bias \(knee.icBiasMs ?? .nan) SD \(knee.icSdMs ?? .nan)")
    }
    #expect(e.recall >= 0.99 && e.precision >= 0.99, "\(rate) Hz, rise \(riseS): \(e.recall) / \(e.precision)")
    let bias = e.icBiasMs ?? .infinity
    #expect(bias >= -500 / rate - 2 && bias <= 3, "\(rate) Hz, rise \(riseS) s: IC bias \(bias) ms")
  }
}
