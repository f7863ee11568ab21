//===--- OutdoorRedTeamTests.swift ----------------------------------------===//
// The step detector against what a real outdoor run adds (issue 13's
// red-team): stops at traffic lights, shuffling runners, pace drift, belt
// bounce, a belt that rotates. Synthetic runs with exact truth.
//===----------------------------------------------------------------------===//
import GaitCore
import GaitReport
import GaitTestSupport
import Testing

@testable import GaitDSP

@Suite struct OutdoorRedTeam {
  /// Stop and go: a run that ends in standing still lands once (a contact
  /// at the start of the standing), and then takes no step. Sensor noise
  /// after the landing once rose "above its local trough" because that
  /// trough was the last flight, before the landing.
  @Test func noStepAfterLandingAtATrafficLight() {
    for rate in [50.0, 100, 200] {
      var run = SyntheticRun(rateHz: rate, phases: [
        .running(seconds: 60, cadenceSpm: 172, contactS: 0.24), .standing(seconds: 25),
        .running(seconds: 60, cadenceSpm: 175, contactS: 0.235), .standing(seconds: 30),
      ])
      run.noiseG = 0.03
      run.stepVariability = 0.02
      let r = analyse(run)
      // The landing's own contact may come a sample or two early.
      let inStanding = r.steps.filter { s in run.standingIntervals.contains { $0.contains(s.icS) && s.icS > $0.lowerBound + 0.05 } }
      #expect(inStanding.isEmpty, "\(rate) Hz: steps while standing at \(inStanding.map(\.icS))")
    }
  }

  /// A shuffling runner (contact 340 ms of a 353 ms step, almost no flight)
  /// with a belt clip: the far leg's stance is a flat plateau whose tallest
  /// sample can lie just before the near leg's impact spike, closer than the
  /// peak spacing (0.6 step periods); the force still falls to the flight
  /// threshold between them, so both are contacts. 1.8 % of the steps were
  /// lost before.
  @Test func shufflingRunnerKeepsEveryStep() {
    for rate in [100.0, 200] {
      var run = SyntheticRun(rateHz: rate, phases: [.running(seconds: 120, cadenceSpm: 170, contactS: 0.34)])
      run.nearFarPeakRatio = 1.3
      run.stepVariability = 0.03
      run.noiseG = 0.05
      let r = analyse(run)
      #expect(r.evaluation.recall >= 0.99 && r.evaluation.precision >= 0.99,
              "\(rate) Hz: recall \(r.evaluation.recall), precision \(r.evaluation.precision)")
      #expect(abs(r.evaluation.detections - r.evaluation.truthContacts) * 100 <= r.evaluation.truthContacts,
              "\(rate) Hz: \(r.evaluation.detections) steps of \(r.evaluation.truthContacts)")
    }
  }

  /// Gradual pace change, belt bounce and a rotating belt: every step found.
  @Test func paceDriftBeltBounceAndMountingDrift() {
    var run = SyntheticRun(rateHz: 100, phases: [.running(seconds: 300, cadenceSpm: 160, contactS: 0.26)])
    run.cadenceDriftSpm = 25
    run.resonanceG = 0.5
    run.resonanceHz = 18
    run.orientationDriftDeg = 20
    run.nearFarPeakRatio = 1.4
    run.impactSpike = 1
    run.stepVariability = 0.03
    run.noiseG = 0.03
    // The generator's drifts are real: the last steps are ~25 spm faster.
    let steps = run.trueSteps
    let early = 60 / steps[10].stepS, late = 60 / steps[steps.count - 10].stepS
    #expect(late - early > 15, "cadence \(early) -> \(late)")
    let r = analyse(run)
    #expect(r.evaluation.recall >= 0.99 && r.evaluation.precision >= 0.99,
            "recall \(r.evaluation.recall), precision \(r.evaluation.precision)")
    let cadence = r.evaluation.cadenceErrorPct ?? 100
    #expect(abs(cadence) <= 1, "cadence error \(cadence) %")
  }
}
