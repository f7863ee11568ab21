import GaitCore
import GaitReport
import Testing

@testable import GaitDSP

/// Walking initial contact at the lower back under sensor noise (issue 13).
///
/// Walking IC is the onset of the loading rise, measured over 20 ms of the
/// unfiltered vertical projection (`HipContactDetector.walkingOnset`), so
/// white sensor noise moves it. On a 60-s synthetic walk at 105 steps/min
/// and 100 Hz the steps are all counted, but contacts within 20 ms of the
/// truth are 0.98 at ±0.01 g, 0.88 at ±0.03 g and 0.81 at ±0.05 g
/// (docs/EVIDENCE.md, "Synthetic outdoor mess"). Real MEMS noise is a few
/// mg RMS (±0.01 g uniform is 6 mg RMS); ±0.03 g (17 mg RMS) is a loose or
/// vibrating mount.
@Suite struct WalkingNoiseTests {
  static func walk(noiseG: Double) -> (recall: Double, precision: Double, steps: Int, truth: Int) {
    var run = SyntheticRun(rateHz: 100, phases: [.walking(seconds: 60, cadenceSpm: 105)])
    run.noiseG = noiseG
    let r = analyse(run)
    return (r.evaluation.recall, r.evaluation.precision, r.steps.count, run.trueSteps.count)
  }

  /// Low noise: the walking contacts are on time and every step is counted.
  @Test func lowNoiseWalkingContactsAreOnTime() {
    let r = Self.walk(noiseG: 0.01)
    #expect(r.recall >= 0.95 && r.precision >= 0.95, "recall \(r.recall), precision \(r.precision)")
    #expect(abs(r.steps - r.truth) <= 2, "\(r.steps) steps of \(r.truth)")
  }

  /// More noise: the steps are still counted (asserted); their contacts
  /// within 20 ms are the known gap (target ≥ 0.95, today 0.88 / 0.81).
  /// When the walking onset is made robust to noise, the known issue stops
  /// being recorded and this test reports it: then drop `withKnownIssue`.
  @Test(arguments: [0.03, 0.05])
  func noisyWalkingContacts(noiseG: Double) {
    let r = Self.walk(noiseG: noiseG)
    #expect(abs(r.steps - r.truth) <= 2, "\(r.steps) steps of \(r.truth)")
    withKnownIssue("walking IC is the onset of the loading rise on the unfiltered signal; noise moves it") {
      #expect(r.recall >= 0.95, "±\(noiseG) g: recall \(r.recall) within 20 ms")
    }
  }
}
