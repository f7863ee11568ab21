//===--- RunningOnlyTests.swift -------------------------------------------===//
// Running flags are judged on running bouts only (issue 13, failure mode 8).
//===----------------------------------------------------------------------===//
import GaitCore
import GaitDSP
import GaitTestSupport
import Testing

@testable import GaitScoring

/// The facts of a synthetic recording as the pipeline builds them.
func facts(_ run: SyntheticRun) -> RunFacts {
  let rec = run.recording()
  let r = GaitAnalyzer.analyze(rec)
  let summary = RunSummary(steps: r.steps, segments: r.segments, speedMps: nil)
  return RunFacts(placement: r.placement ?? .hip, sampleRateHz: run.rateHz, samples: rec.blocks[0].count, clippedSamples: 0,
                  gapCount: 0, gapSeconds: 0, hasMediolateral: true, speedMps: nil, steps: r.steps,
                  segments: r.segments, summary: summary)
}

/// Flags that judge running form (not data quality or placement notes).
let runningFlagIds = Scorer.runningFormFlagIds

@Suite struct RunningFlagsOnRunningOnly {
  @Test func walkingOnlyGetsNoRunningFlagsAndSaysSo() throws {
    var run = SyntheticRun(rateHz: 100, phases: [.standing(seconds: 5), .walking(seconds: 90, cadenceSpm: 110)])
    run.leanDeg = 16
    let f = facts(run)
    #expect(f.summary.steps > 100, "walking steps found: \(f.summary.steps)")
    let flags = Scorer().score(f)
    let running = flags.filter { runningFlagIds.contains($0.id) }
    #expect(running.isEmpty, "running flags on a walk: \(running.map(\.id))")
    let note = try #require(flags.first { $0.id == "not-running" })
    #expect(note.severity == .info && note.message.contains("walking"))
  }

  /// A slow jog/walk mix: the walking steps (slow, long contact) must not
  /// raise overstriding; only the running bout is judged.
  @Test func overstridingNeedsRunning() {
    let run = SyntheticRun(rateHz: 100, phases: [
      .walking(seconds: 60, cadenceSpm: 112), .running(seconds: 40, cadenceSpm: 176, contactS: 0.24),
      .walking(seconds: 60, cadenceSpm: 108),
    ])
    let f = facts(run)
    #expect(f.summary.basis == .running)
    let cadence = f.summary.cadenceSpm?.median ?? 0
    #expect(abs(cadence - 176) < 2, "cadence over the running bout: \(cadence)")
    let ids = Set(Scorer().score(f).map(\.id))
    #expect(!ids.contains("overstriding") && !ids.contains("cadence-low"), "flags \(ids)")
  }
}
