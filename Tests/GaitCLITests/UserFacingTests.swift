import Foundation
import GaitTestSupport
import Testing

/// What a user sees for inputs gaitline cannot analyse and for the ways the
/// rate of an input is found.
@Suite struct UserFacingInputs {
  /// A FIT activity holds a watch's summaries, not raw acceleration: the
  /// error says so and names `compare`, with or without the .fit extension.
  @Test func analyzeAFITFileSaysItHasNoRawAccelerationAndPointsToCompare() throws {
    let fit = repositoryRoot.appendingPathComponent("Tests/Fixtures/fit/garmin-fenix-5-run.fit").path
    let renamed = temporaryDirectory().appendingPathComponent("watch.dat").path
    try FileManager.default.copyItem(atPath: fit, toPath: renamed)
    for path in [fit, renamed] {
      for command in ["analyze", "inspect"] {
        let r = try gaitline([command, path])
        #expect(r.status == 65)
        #expect(r.stderr.contains("error[noRawSamples]"))
        #expect(r.stderr.contains("no raw acceleration"))
        #expect(r.stderr.contains("gaitline compare \(path) REPORT.json"))
        #expect(!r.stderr.contains("give it its extension"))
      }
    }
  }

  @Test func inspectSaysWhereTheRateCameFrom() throws {
    let xsens = repositoryRoot.appendingPathComponent("Tests/Fixtures/xsens/pyshoe_foot_run_mtmanager.txt").path
    let r = try gaitline(["inspect", xsens])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("rate from:       preamble line 7: Acquisition frequency: 200 Hz"))
    #expect(r.stdout.contains("timestamps:      counter"))
    let csv = try gaitline(["inspect", sampleData("alcantara-sacrum-run/sample_test_raw.csv")])
    #expect(csv.stdout.contains("rate from:       timestamps"))
    let analysed = try gaitline(["analyze", xsens])
    #expect(analysed.status == 0, "\(analysed.stderr)")
    #expect(analysed.stdout.contains("foot sensor (detected), 200 Hz, 21.0 s"))
  }
}
