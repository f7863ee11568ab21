import Foundation
import Gaitline
import Testing

/// `import Gaitline`: a run placed on its watch track, as `analyze --track` does.
@Suite struct TrackLibraryTests {
  @Test func runOnItsTrack() throws {
    let fixtures = ReadmeExampleTests.root.appendingPathComponent("Tests/Fixtures/track")
    let report = try RecordingFile(path: fixtures.appendingPathComponent("trial_06_clock.csv").path).analyze()
    #expect(report.result.track == nil && !report.stepsCSV.contains("speed_mps"))
    let tracked = try report.onTrack(fixtures.appendingPathComponent("trial_06.tcx").path)
    let track = try #require(tracked.result.track)
    #expect(track.splits.map(\.km) == [1, 2])
    #expect(tracked.stepsCSV.hasPrefix("ic_s,") && tracked.stepsCSV.contains(",vertical_ratio_pct\n"))
    #expect(tracked.json.contains("\"track\": {") && tracked.text.contains("vertical ratio"))
  }
}
