//===--- TrackCLITests.swift ----------------------------------------------===//
// `gaitline analyze RUN --track TRACK` end to end: every output shows the
// track's numbers, clocks that do not meet fail with 65 and say what to do,
// options that cannot apply fail with 64; `--quiet` (the shared -q/-v
// group) keeps its spelling.
//===----------------------------------------------------------------------===//
import Foundation
import GaitTestSupport
import Testing

private func trackFile(_ name: String) -> String {
  repositoryRoot.appendingPathComponent("Tests/Fixtures/track").appendingPathComponent(name).path
}

@Suite struct TrackCLI {
  @Test(arguments: ["trial_06.gpx", "trial_06.tcx", "trial_06.fit"])
  func everyOutputWithATrack(track: String) throws {
    let dir = temporaryDirectory()
    let json = dir.appendingPathComponent("r.json").path, csv = dir.appendingPathComponent("s.csv").path
    let html = dir.appendingPathComponent("r.html").path
    let r = try gaitline(["analyze", trackFile("trial_06_clock.csv"), "--track", trackFile(track), "--json", json, "--steps-csv", csv, "--html", html])
    #expect(r.status == 0, "\(r.stderr)")
    for needle in ["track \(track)", "vertical ratio", "step length", "pace                   4:00 /km", "splits:"] {
      #expect(r.stdout.contains(needle), "terminal: \(needle)\n\(r.stdout)")
    }
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
    let t = report["track"] as! [String: Any]
    #expect((t["splits"] as! [[String: Any]]).map { $0["km"] as! Int } == [1, 2])
    #expect(((t["speed_mps"] as! [String: Any])["median"] as! Double) == 4.17)
    let stepsCSV = try String(contentsOfFile: csv, encoding: .utf8)
    #expect(stepsCSV.hasPrefix("ic_s,") && stepsCSV.contains(",speed_mps,distance_m,step_length_m,vertical_ratio_pct\n"))
    #expect(try String(contentsOfFile: html, encoding: .utf8).contains("<table id=\"splits\">"))
  }

  /// A batch of one (--out-dir): summary.csv gets the speed columns.
  @Test func summaryCSVColumns() throws {
    let out = temporaryDirectory().appendingPathComponent("o").path
    let r = try gaitline(["analyze", trackFile("trial_06_clock.csv"), "--track", trackFile("trial_06.tcx"), "--out-dir", out, "-q"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.isEmpty && r.stderr.isEmpty, "-q prints nothing")
    let lines = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8).split(separator: "\n")
    #expect(lines[0].hasSuffix(",speed_mps,distance_m,step_length_m,vertical_ratio_pct"))
    let cells = lines[1].split(separator: ",", omittingEmptySubsequences: false)
    #expect(cells.count == lines[0].split(separator: ",").count)
    #expect(cells[cells.count - 4] == "4.170")
    // 18.3 m: contact of the first step (0.29 s) to the last (4.68 s) at 4.17 m/s.
    #expect(abs(Double(cells[cells.count - 3])! - 4.17 * 4.39) < 0.2)
  }

  @Test func clocksThatDoNotMeetExit65() throws {
    let r = try gaitline(["analyze", trackFile("trial_06_clock.csv"), "--track", trackFile("trial_06.gpx"), "--start-time", "2026-05-03T09:00:00+02:00", "--track-offset", "3600"])
    // 09:00+02:00 is 07:00Z: the offset alone moves it off the track.
    #expect(r.status == 65)
    #expect(r.stderr.contains("do not overlap") && r.stderr.contains("06:56:02–07:00:12 UTC") && r.stderr.contains("08:00:00"), "\(r.stderr)")
    #expect(try gaitline(["analyze", trackFile("trial_06_clock.csv"), "--track", trackFile("trial_06.gpx"), "--start-time", "2026-05-03T09:00:00+02:00", "-q"]).status == 0)
    let noClock = try gaitline(["analyze", sampleData("alcantara-sacrum-run/trial_06.csv"), "--track", trackFile("trial_06.fit")])
    #expect(noClock.status == 65)
    #expect(noClock.stderr.contains("no start time") && noClock.stderr.contains("--start-time"), "\(noClock.stderr)")
  }

  @Test(arguments: [
    (["--track", "T", "A", "B"], "once per run"),
    (["--track", "T", "--speed", "3", "A"], "--speed and --track"),
    (["--track-offset", "5", "A"], "only with --track"),
    (["--start-time", "2026-05-03T07:00:00Z", "A"], "only with --track"),
    (["--track", "T", "--start-time", "yesterday", "A"], "ISO-8601"),
  ])
  func optionsThatCannotApplyExit64(args: [String], message: String) throws {
    let a = args.map { $0 == "T" ? trackFile("trial_06.gpx") : $0 == "A" ? trackFile("trial_06_clock.csv") : $0 == "B" ? sampleData("alcantara-sacrum-run/trial_00.csv") : $0 }
    let r = try gaitline(["analyze"] + a)
    #expect(r.status == 64)
    #expect(r.stderr.contains(message), "\(r.stderr)")
  }

  @Test func badTrackFileNamesTheLine() throws {
    let bad = temporaryFile("<?xml version=\"1.0\"?>\n<gpx>\n<trk><trkseg>\n<trkpt lat=\"47\" lon=\"x\"><time>2026-05-03T07:00:00Z</time></trkpt>\n</trkseg></trk></gpx>\n", name: "bad.gpx")
    let r = try gaitline(["analyze", trackFile("trial_06_clock.csv"), "--track", bad])
    #expect(r.status == 65)
    #expect(r.stderr.contains("bad.gpx:4:"), "\(r.stderr)")
    let missing = try gaitline(["analyze", trackFile("trial_06_clock.csv"), "--track", "/nonexistent/run.gpx"])
    #expect(missing.status == 66)
  }

  /// `--quiet` (public spelling) and `-q` come from the shared group; so does
  /// `--verbose`; both at once is a usage error.
  @Test func quietAndVerboseAreTheSharedGroup() throws {
    let input = trackFile("trial_06_clock.csv")
    for flag in ["--quiet", "-q"] {
      let r = try gaitline(["analyze", input, flag])
      #expect(r.status == 0 && r.stdout.isEmpty && r.stderr.isEmpty, "\(flag): \(r.stdout)\(r.stderr)")
    }
    let v = try gaitline(["analyze", input, "--verbose"])
    #expect(v.status == 0 && v.stderr.contains("500 Hz"), "\(v.stderr)")
    #expect(try gaitline(["analyze", input, "-q", "-v"]).status == 64)
    let help = try gaitline(["analyze", "--help"])
    #expect(help.stdout.contains("--track <track>") && help.stdout.contains("--track-offset <seconds>") && help.stdout.contains("-q, --quiet"))
  }

  /// `convert` to CSV keeps a two-axis body-frame file's frame and its
  /// clock: analysing the CSV gives the original's steps, summary and flags,
  /// and it still meets the track. It used to write time_s,ax,ay,az from 0
  /// with az = 0, read back as a sensor-frame file (contact 212 -> 231 ms, an
  /// invented asymmetry flag) without a start time (--track failed, 65).
  @Test func convertToCSVKeepsTheBodyFrameAndTheClock() throws {
    let dir = temporaryDirectory().path
    let csv = dir + "/c6.csv"
    #expect(try gaitline(["convert", trackFile("trial_06_clock.csv"), csv, "-q"]).status == 0)
    let header = try String(contentsOfFile: csv, encoding: .utf8).prefix { $0 != "\n" }
    #expect(header == "time_s,acc_v_mps2,acc_ap_mps2")
    var reports: [[String: Any]] = []
    for (input, name) in [(trackFile("trial_06_clock.csv"), "a"), (csv, "b")] {
      let json = dir + "/\(name).json"
      let r = try gaitline(["analyze", input, "--track", trackFile("trial_06.gpx"), "--json", json, "-q"])
      #expect(r.status == 0, "\(r.stderr)")
      reports.append(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any])
    }
    let (a, b) = (reports[0], reports[1])
    for key in ["summary", "steps", "flags", "track"] {
      #expect(NSDictionary(dictionary: ["v": a[key] as Any]) == NSDictionary(dictionary: ["v": b[key] as Any]), "\(key) differs")
    }
    let (ia, ib) = (a["input"] as! [String: Any], b["input"] as! [String: Any])
    #expect(ib["frame"] as? String == "body")
    #expect(ib["start_time_unix_s"] as? Double == ia["start_time_unix_s"] as? Double)
    #expect((a["steps"] as? [Any])?.isEmpty == false)
  }
}
