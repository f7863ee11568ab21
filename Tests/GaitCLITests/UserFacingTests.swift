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

/// Conventions shared by every command.
@Suite struct CommandConventions {
  static let commands: [[String]] = [["inspect"], ["analyze"], ["convert"], ["evaluate"], ["compare"], ["trend"], ["stream"], ["simulate"],
                                     ["cohort", "plan"], ["cohort", "slurm"], ["cohort", "status"], ["cohort", "merge"]]

  @Test func everyCommandHasQuietAndVerbose() throws {
    for command in Self.commands {
      let help = try gaitline(command + ["--help"]).stdout
      #expect(help.contains("-q, --quiet"), "\(command.joined(separator: " "))")
      #expect(help.contains("-v, --verbose"), "\(command.joined(separator: " "))")
    }
    let both = try gaitline(["inspect", sampleData("alcantara-sacrum-run/sample_test_raw.csv"), "-q", "-v"])
    #expect(both.status == 64)
  }

  @Test func quietSaysNothingAndVerboseSaysHowTheInputWasRead() throws {
    let xsens = repositoryRoot.appendingPathComponent("Tests/Fixtures/xsens/pyshoe_foot_run_mtmanager.txt").path
    let quiet = try gaitline(["inspect", xsens, "--quiet"])
    #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty)
    let bad = try gaitline(["inspect", "/nonexistent.csv", "-q"])
    #expect(bad.status == 66 && bad.stderr.contains("error["), "errors still show")
    let verbose = try gaitline(["analyze", xsens, "--verbose"])
    #expect(verbose.status == 0)
    #expect(verbose.stderr.contains("200 Hz (from preamble line 7: Acquisition frequency: 200 Hz)"))
    #expect(verbose.stdout.contains("foot sensor"))
    let dir = temporaryDirectory().path
    let converted = try gaitline(["convert", xsens, dir + "/x.glb", "-v"])
    #expect(converted.status == 0 && converted.stderr.contains("timestamps counter"))
  }

  /// `--speed` meant m/s in analyze and playback speed in simulate: the
  /// playback option is now --playback-speed, and --speed still works there.
  @Test func noOptionWithTwoMeanings() throws {
    let help = try gaitline(["simulate", "--help"]).stdout
    #expect(help.contains("--playback-speed, --speed <playback-speed>"))
    #expect(help.contains("old spelling"))
    let stallFor = help.components(separatedBy: "--stall-for <stall-for>").last?.components(separatedBy: "--sent").first ?? ""
    #expect(stallFor.components(separatedBy: "(default").count == 2, "the default is printed once: \(stallFor)")
    let analyzeHelp = try gaitline(["analyze", "--help"]).stdout
    #expect(analyzeHelp.contains("--speed <speed>") && !analyzeHelp.contains("playback"))
  }

  @Test func inspectHelpListsEveryFormat() throws {
    let help = try gaitline(["inspect", "--help"]).stdout
    for format in [".csv", ".tsv", ".txt", ".glb", ".cwa", ".gt3x", "--protocol", "Xsens"] {
      #expect(help.contains(format), "\(format)")
    }
  }

  /// An --out-dir that cannot be made says why in words, never a Foundation
  /// domain and code.
  @Test func noFoundationErrorCodes() throws {
    let file = temporaryFile("not a folder", name: "plain.txt")
    let inputs = [sampleData("alcantara-sacrum-run/trial_00.csv"), sampleData("alcantara-sacrum-run/trial_01.csv")]
    let r = try gaitline(["analyze"] + inputs + ["--out-dir", file + "/reports"])
    #expect(r.status == 74)
    #expect(r.stderr.contains("not a directory: a part of the path is a file, not a folder"), "\(r.stderr)")
    #expect(!r.stderr.contains("NSCocoaErrorDomain") && !r.stderr.contains("error 512"))
    let missing = try gaitline(["analyze"] + inputs + ["--out-dir", "/proc/nonexistent/reports"])
    #expect(missing.status == 74)
    #expect(!missing.stderr.contains("Domain") && missing.stderr.contains("does not exist"), "\(missing.stderr)")
  }
}
