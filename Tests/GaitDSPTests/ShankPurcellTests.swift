import Foundation
import GaitCore
import GaitReport
import GaitTestSupport
import Testing

@testable import GaitDSP

/// Purcell et al. 2006's shank IC event as its own detector
/// (``ShankPurcellContactDetector``, `--shank-ic purcell`), with Kiernan et
/// al. 2023's published latency (+17.4 ms) subtracted.
///
/// Exact truth: ``SyntheticShank/posteriorSpikeDelayS`` puts the feature the
/// event keys on (the forward axis's posterior spike at the resultant's
/// impact peak) a known delay after each true contact.
@Suite struct ShankPurcellDetection {
  typealias Pooled = ShankInitialContactComparison.Pooled

  static func run(rate: Double, running: Bool, spikeDelayS: Double) -> Pooled {
    var gen = SyntheticShank(rateHz: rate, running: running)
    gen.rotation = SyntheticRun.rotation(yawDeg: 30, pitchDeg: 15, rollDeg: -10)
    if running { gen.rangeG = 8 }
    gen.posteriorSpikeDelayS = spikeDelayS
    let truth = gen.contacts.map { TruthContact(icS: $0.ic, tcS: $0.tc) }
    var p = Pooled()
    p.add(evaluate(steps: ShankInitialContactComparison.steps(gen, .purcell), truth: truth, toleranceS: 0.020))
    return p
  }

  /// With the spike at the published latency, the detector's contacts are
  /// the true ones (100–500 Hz, walking and running, tilted, running clipped
  /// at ±8 g). Measured: |bias| ≤ 0.4 ms, SD ≤ 5.2 ms.
  @Test(arguments: [100, 142.857, 200, 500])
  func exactContacts(rate: Double) {
    for running in [false, true] {
      let p = Self.run(rate: rate, running: running, spikeDelayS: ShankPurcellContactDetector().icLatencyS)
      #expect(p.recall >= 0.99 && p.precision >= 0.99, "\(rate) Hz running \(running): \(p)")
      #expect(abs(p.bias) <= 3, "\(rate) Hz running \(running): \(p)")
    }
  }

  /// The event follows the spike and the latency is subtracted: a spike
  /// 30 ms after contact puts the contacts 30 − 17.4 = 12.6 ms late.
  @Test func followsTheSpike() {
    for running in [false, true] {
      let p = Self.run(rate: 200, running: running, spikeDelayS: 0.030)
      #expect(p.recall >= 0.99, "running \(running): \(p)")
      #expect(abs(p.bias - (30 - 17.4)) <= 3, "running \(running): \(p)")
    }
  }

  /// 50 Hz: a 6-ms spike is narrower than a sample, and the nearest
  /// forward minimum to the resultant's peak is often another sample
  /// (measured recall within 20 ms: running 0.33, walking 0.92).
  @Test func fiftyHertz() {
    withKnownIssue("Purcell's event at 50 Hz: the spike is narrower than a sample") {
      for running in [false, true] {
        let p = Self.run(rate: 50, running: running, spikeDelayS: ShankPurcellContactDetector().icLatencyS)
        #expect(p.recall >= 0.99, "running \(running): \(p)")
      }
    }
  }

  /// The bundled force-belt participant (not used to set anything):
  /// running 93 contacts within 40 ms, walking 62 within 60 ms. Measured:
  /// running recall / precision 1.000 / 1.000, IC bias +17.7 ms (SD 4.0),
  /// walking 1.000 / 1.000, +13.8 ms. Kiernan et al.'s mean latency leaves
  /// this participant's contacts 17.7 ms after the force contact on average,
  /// 2.3 ms nearer than the impact onset (+20.0 ms), still outside issue
  /// 14's 15 ms.
  @Test func bundledParticipant() throws {
    let running = try ShankInitialContactComparison.bach(.purcell, walking: false)
    let walking = try ShankInitialContactComparison.bach(.purcell, walking: true)
    let onset = try ShankInitialContactComparison.bach(.impactOnset, walking: false)
    #expect(running.recall >= 0.98 && running.precision >= 0.98, "\(running)")
    #expect(walking.recall >= 0.95, "\(walking)")
    #expect(abs(running.bias) < abs(onset.bias), "purcell \(running) onset \(onset)")
    withKnownIssue("bundled running IC bias +17.7 ms with Kiernan et al. 2023's mean latency") {
      #expect(abs(running.bias) <= 15, "\(running)")
    }
  }

  /// Walking trials stay walking with Purcell's contacts: no running step.
  @Test func walkingHasNoRunningSteps() throws {
    var options = AnalysisOptions()
    options.shankInitialContact = .purcell
    for k in 5...6 {
      let r = try analyzeFile(String(format: "bach-shank-subject-b/trial_%02d.csv", k), options: options)
      #expect(r.summary.runningSteps == 0, "trial \(k)")
      #expect(!r.steps.isEmpty, "trial \(k)")
    }
  }
}
