import Foundation
import GaitTestSupport
import Testing

/// Runs the built `gaitline` binary (this target depends on it, so
/// `swift test` builds it next to the test bundle).
struct Run {
  var status: Int32
  var stdout: String
  var stderr: String
}

let binary: String = {
  if let env = ProcessInfo.processInfo.environment["GAITLINE_BIN"] { return env }
  // The test bundle lives in the products directory next to the executable.
  var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  for _ in 0..<4 {
    let candidate = dir.appendingPathComponent("gaitline").path
    if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    dir = dir.deletingLastPathComponent()
  }
  return repositoryRoot.appendingPathComponent(".build/debug/gaitline").path
}()

func gaitline(_ args: [String], environment: [String: String] = [:], shell: Bool = false) throws -> Run {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: shell ? "/bin/sh" : binary)
  p.arguments = args
  if !environment.isEmpty {
    p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  }
  let out = Pipe(), err = Pipe()
  p.standardOutput = out
  p.standardError = err
  try p.run()
  let o = out.fileHandleForReading.readDataToEndOfFile()
  let e = err.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

@Suite(.serialized) struct CommandLineTests {
  @Test func inspectReportsRateUnitsAndDuration() throws {
    let r = try gaitline(["inspect", sampleData("mobgap-lowerback-walk/HA_001_Test5_Trial1_lowerback.csv"), "--json"])
    #expect(r.status == 0)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    #expect(json["sample_rate_hz"] as? Double == 100)
    #expect(json["units_detected"] as? String == "g")
    #expect(json["duration_s"] as? Double == 12.46)
    #expect(json["gyro_units"] as? String == "deg/s")
  }

  @Test func analyzeWritesTheReportContract() throws {
    let dir = temporaryDirectory()
    let json = dir.appendingPathComponent("r.json").path
    let steps = dir.appendingPathComponent("steps.csv").path
    let r = try gaitline(["analyze", sampleData("alcantara-sacrum-run/trial_03.csv"), "--json", json, "--steps-csv", steps])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("cadence"))
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
    #expect(report["schema"] as? String == "gaitline.report/1")
    let input = report["input"] as! [String: Any]
    for key in ["path", "format", "placement", "sample_rate_hz", "duration_s", "samples", "units_detected", "gaps", "clipped_samples", "warnings"] {
      #expect(input[key] != nil, "input.\(key)")
    }
    #expect(input["placement"] as? String == "hip")
    let summary = report["summary"] as! [String: Any]
    for key in ["steps", "cadence_spm", "ground_contact_ms", "flight_ms", "duty_factor", "vertical_oscillation_cm", "trunk_lean_deg", "gct_balance_left_pct"] {
      #expect(summary.keys.contains(key), "summary.\(key)")
    }
    #expect(summary["gct_balance_left_pct"] is NSNull, "two-axis file: no side, so null")
    #expect(summary["ground_contact_uncertainty_ms"] is NSNull, "no stated uncertainty for a hip sensor")
    #expect(!r.stdout.contains("uncertainty"))
    let cadence = summary["cadence_spm"] as! [String: Any]
    #expect(abs((cadence["median"] as! Double) - 192.6) < 4)
    let stepList = report["steps"] as! [[String: Any]]
    #expect(stepList.count >= 14)
    #expect(stepList[0]["ic_s"] is Double)
    let csv = try String(contentsOfFile: steps, encoding: .utf8)
    #expect(csv.hasPrefix("ic_s,tc_s,side,running,step_time_ms,ground_contact_ms,flight_ms,duty_factor,vertical_oscillation_cm"))
  }

  @Test func batchAnalysisContinuesPastABadFile() throws {
    let inDir = temporaryDirectory()
    for k in [0, 1] {
      let name = String(format: "trial_%02d.csv", k)
      try FileManager.default.copyItem(atPath: sampleData("alcantara-sacrum-run/\(name)"), toPath: inDir.appendingPathComponent(name).path)
    }
    try Data("time_s,ax,ay,az\n0,0,0,nan\n".utf8).write(to: inDir.appendingPathComponent("broken.csv"))
    let outDir = temporaryDirectory().appendingPathComponent("out").path
    let r = try gaitline(["analyze", inDir.path, "--out-dir", outDir])
    #expect(r.status == 1)
    #expect(r.stderr.contains("broken.csv"))
    let summary = try String(contentsOfFile: outDir + "/summary.csv", encoding: .utf8)
    let lines = summary.split(whereSeparator: \.isNewline)
    #expect(lines.count == 4)
    #expect(lines.filter { $0.contains(",ok,") }.count == 2)
    #expect(lines.filter { $0.contains(",failed,") }.count == 1)
    #expect(FileManager.default.fileExists(atPath: outDir + "/trial_00.json"))
  }

  @Test func convertRoundTripsThroughGLB() throws {
    let dir = temporaryDirectory()
    let glb = dir.appendingPathComponent("run.glb").path
    let csv = dir.appendingPathComponent("back.csv").path
    #expect(try gaitline(["convert", sampleData("alcantara-sacrum-run/sample_test_raw.csv"), glb, "--placement", "hip"]).status == 0)
    #expect(try gaitline(["convert", glb, csv]).status == 0)
    let i = try gaitline(["inspect", glb, "--json"])
    let json = try JSONSerialization.jsonObject(with: Data(i.stdout.utf8)) as! [String: Any]
    #expect(json["format"] as? String == "glb")
    #expect(json["samples"] as? Int == 2963)
    let text = try String(contentsOfFile: csv, encoding: .utf8)
    #expect(text.hasPrefix("time_s,ax,ay,az\n"))
    #expect(text.split(whereSeparator: \.isNewline).count == 2964)
  }

  @Test func badInputsGiveOneClearErrorAndTheirExitCode() throws {
    let empty = temporaryFile("", name: "empty.csv")
    var r = try gaitline(["analyze", empty])
    #expect(r.status == 65)
    #expect(r.stderr.contains("empty.csv: error[emptyFile]"))
    r = try gaitline(["analyze", "/no/such/file.csv"])
    #expect(r.status == 66)
    #expect(r.stderr.contains("error[fileNotFound]"))
    var slow = "time_s,ax,ay,az\n"
    for i in 0..<300 { slow += String(format: "%.3f,0,0,1\n", Double(i) / 25) }
    r = try gaitline(["analyze", temporaryFile(slow, name: "slow.csv")])
    #expect(r.status == 65)
    #expect(r.stderr.contains("error[sampleRateTooLow]"))
    #expect(r.stderr.contains("25 Hz"))
    var backwards = "time_s,ax,ay,az\n"
    for i in 0..<300 { backwards += String(format: "%.3f,0,0,1\n", Double(i == 150 ? 100 : i) / 100) }
    r = try gaitline(["inspect", temporaryFile(backwards, name: "back.csv")])
    #expect(r.status == 65)
    #expect(r.stderr.contains("back.csv:152"))
    #expect(r.stderr.contains("error[nonMonotonicTimestamp]"))
    r = try gaitline(["analyze", sampleData("alcantara-sacrum-run/trial_00.csv"), "--units", "furlongs"])
    #expect(r.status == 64)
    var glb = [UInt8](repeating: 0, count: 100)
    glb[0] = 0x47
    r = try gaitline(["inspect", temporaryFile(bytes: glb, name: "bad.glb")])
    #expect(r.status == 65)
    #expect(r.stderr.contains("error[badMagic]"))
  }

  @Test func evaluateAgainstForcePlate() throws {
    let r = try gaitline(["evaluate", sampleData("alcantara-sacrum-run/trial_04.csv"),
                          "--truth", sampleData("alcantara-sacrum-run/ground_truth_contacts.csv"),
                          "--truth-where", "trial=4", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    #expect(json["recall"] as? Double == 1)
    #expect(json["precision"] as? Double == 1)
    #expect(abs(json["cadence_error_pct"] as! Double) < 1)
  }

  /// A reference file of many trials without --truth-where: one recording
  /// compared with all of them scored recall 0.03 and a reference cadence of
  /// 5922 spm with exit status 0; it is refused, naming the column.
  @Test func evaluateRefusesAReferenceOfSeveralRecordings() throws {
    let truth = sampleData("alcantara-sacrum-run/ground_truth_contacts.csv")
    let r = try gaitline(["evaluate", sampleData("alcantara-sacrum-run/trial_04.csv"), "--truth", truth])
    #expect(r.status == 64, "\(r.stderr)")
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.contains("error[invalidArgument]: the reference rows belong to 31 recordings (column 'trial': 0, 1, 2, …); "
                              + "choose this recording's rows with --truth-where trial=VALUE"), "\(r.stderr)")
    // A misspelt selector column is named as such, not reported as a file of several recordings.
    let typo = try gaitline(["evaluate", sampleData("alcantara-sacrum-run/trial_04.csv"), "--truth", truth, "--truth-where", "tria=4"])
    #expect(typo.status == 64, "\(typo.stderr)")
    #expect(typo.stderr.contains("--truth-where names column 'tria', which the reference file does not have"), "\(typo.stderr)")
    // The walking set needs both its trial and its reference system.
    let walks = sampleData("mobgap-lowerback-walk/ground_truth_initial_contacts.csv")
    let walk = sampleData("mobgap-lowerback-walk/HA_001_Test5_Trial1_lowerback.csv")
    var where_ = ["--truth-where", "cohort=HA", "--truth-where", "id=001", "--truth-where", "test=Test5", "--truth-where", "trial=Trial1"]
    let both = try gaitline(["evaluate", walk, "--truth", walks] + where_)
    #expect(both.status == 64, "\(both.stderr)")
    #expect(both.stderr.contains("(column 'reference': Stereophoto, INDIP)"), "\(both.stderr)")
    where_ += ["--truth-where", "reference=INDIP"]
    let one = try gaitline(["evaluate", walk, "--truth", walks] + where_)
    #expect(one.status == 0, "\(one.stderr)")
  }

  /// A wrong --placement is followed (the user may know better) but no
  /// longer silently: a 3.33 m/s sacrum run forced to `foot` read as a walk
  /// with no hint. The note names what the signal showed; a right option,
  /// or none, gets no such note.
  @Test func aPlacementTheSignalContradictsIsPointedOut() throws {
    let sacrum = sampleData("alcantara-sacrum-run/trial_04.csv")
    let wrong = try gaitline(["analyze", sacrum, "--placement", "foot"])
    #expect(wrong.status == 0, "\(wrong.stderr)")
    #expect(wrong.stdout.contains("the signal looks like a hip sensor, but --placement foot was given: analysed as foot"), "\(wrong.stdout)")
    for options in [["--placement", "hip"], []] {
      let r = try gaitline(["analyze", sacrum] + options)
      #expect(r.status == 0)
      #expect(!r.stdout.contains("the signal looks like"), "\(options): \(r.stdout)")
    }
    let shank = sampleData("bach-shank-subject-b/trial_07.csv")
    let right = try gaitline(["analyze", shank, "--placement", "shank"])
    #expect(!right.stdout.contains("the signal looks like"), "\(right.stdout)")
    let wrongShank = try gaitline(["analyze", shank, "--placement", "hip"])
    #expect(wrongShank.stdout.contains("the signal looks like a shank sensor, but --placement hip was given"), "\(wrongShank.stdout)")
  }

  /// A baseline given the run's own earlier report leaves that report out
  /// (the run was partly judged against itself), and says when the reports
  /// carry no speed to keep to runs at a similar one. A two-axis file's
  /// missing mediolateral axis is noted once, not twice.
  @Test func baselineLeavesOutTheRunItself() throws {
    let dir = temporaryDirectory().path
    let S = "alcantara-sacrum-run/"
    for t in ["04", "05", "06"] {
      #expect(try gaitline(["analyze", sampleData(S + "trial_\(t).csv"), "--json", "\(dir)/t\(t).json", "-q"]).status == 0)
    }
    let r = try gaitline(["analyze", sampleData(S + "trial_05.csv"), "--baseline", "\(dir)/t04.json", "\(dir)/t05.json", "\(dir)/t06.json",
                          "--speed", "3.3", "--json", "\(dir)/o.json"])
    #expect(r.status == 0, "\(r.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(bytes("\(dir)/o.json"))) as? [String: Any])
    #expect((report["baseline"] as? [String: Any])?["runs"] as? Int == 2)
    #expect(r.stderr.contains("none of the 3 earlier reports records a speed"), "\(r.stderr)")
    let notes = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  note:") && $0.contains("no mediolateral axis") }
    #expect(notes.count == 1, "\(r.stdout)")
  }

  /// New-user review: `--speed` computed the vertical ratio into the JSON
  /// only; the terminal summary and the HTML page now show the same value,
  /// and a run without a speed shows none.
  @Test func verticalRatioWithASpeedIsShown() throws {
    let dir = temporaryDirectory().path
    let run = sampleData("alcantara-sacrum-run/trial_04.csv")
    let r = try gaitline(["analyze", run, "--speed", "3.3", "--json", "\(dir)/o.json", "--html", "\(dir)/o.html"])
    #expect(r.status == 0, "\(r.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(bytes("\(dir)/o.json"))) as? [String: Any])
    let ratio = try #require((report["summary"] as? [String: Any])?["vertical_ratio_pct"] as? Double)
    let shown = String(format: "%.2f", ratio)
    let line = r.stdout.split(separator: "\n").first { $0.hasPrefix("  vertical ratio") }
    #expect(line?.contains(" \(shown) %") == true, "\(r.stdout)")
    #expect(String(decoding: bytes("\(dir)/o.html"), as: UTF8.self).contains("<th>vertical ratio</th><td>\(shown) %</td>"))
    let none = try gaitline(["analyze", run])
    #expect(none.status == 0 && !none.stdout.contains("vertical ratio"), "\(none.stdout)")
  }

  /// A misspelt policy key is an error naming it (it silently kept the
  /// default threshold before), with the nearest real key.
  @Test func policyWithAnUnknownKeyIsRefused() throws {
    let policy = temporaryFile("{\"sway_hig_cm\": 3.0}", name: "policy.json")
    let r = try gaitline(["analyze", sampleData("alcantara-sacrum-run/trial_04.csv"), "--policy", policy, "-q"])
    #expect(r.status == 64, "\(r.stderr)")
    #expect(r.stderr == "gaitline: \(policy): error[invalidArgument]: unknown key 'sway_hig_cm' (did you mean 'sway_high_cm'?) in the policy; the keys are listed in docs/POLICY.md\n")
    let good = temporaryFile("{\"sway_high_cm\": 3.0}", name: "policy.json")
    #expect(try gaitline(["analyze", sampleData("alcantara-sacrum-run/trial_04.csv"), "--policy", good, "-q"]).status == 0)
  }

  /// A validation plan with a true trunk lean reports the lean error per
  /// data set (docs/VALIDATION.md shows it for every synthetic run that
  /// starts standing): a pitched and rolled mount still reads the true 6°.
  @Test func validationPlanReportsTrunkLean() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let csv = dir.appendingPathComponent("run.csv").path, truth = dir.appendingPathComponent("truth.csv").path
    var r = try gaitline(["simulate", "--out", csv, "--truth", truth, "--rate", "100", "--phases", "stand:6,run:30:172:240",
                          "--rotate=-45,20,-20", "--lean-deg", "6"])
    #expect(r.status == 0, "\(r.stderr)")
    let plan = dir.appendingPathComponent("plan.csv").path
    try "dataset,recording,truth,truth_where,force_column,mode,standing,tolerance_ms,lean_deg\nmount,\(csv),\(truth),,,contacts,0-6,20,6\n"
      .write(toFile: plan, atomically: true, encoding: .utf8)
    r = try gaitline(["evaluate", "--plan", plan])
    #expect(r.status == 0, "\(r.stderr)")
    let row = try #require(r.stdout.split(separator: "\n").first { $0.contains("trunk lean per recording") })
    let bias = try #require(Double(row.split(separator: "|")[4].trimmingCharacters(in: .whitespaces)))
    #expect(abs(bias) <= 1, "\(row)")
  }
}

let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
  FileManager.default.isExecutableFile(atPath: $0)
}

@Suite(.serialized) struct ReportTests {
  @Test(.enabled(if: chromium != nil, "needs Debian's chromium (installed by .ci/run)"))
  func htmlReportRendersInChromiumWithItsPlots() throws {
    let dir = temporaryDirectory()
    let html = dir.appendingPathComponent("report.html").path
    let r = try gaitline(["analyze", sampleData("alcantara-sacrum-run/sample_test_raw.csv"), "--html", html, "-q"])
    #expect(r.status == 0, "\(r.stderr)")
    let source = try String(contentsOfFile: html, encoding: .utf8)
    #expect(!source.contains("<script"), "self-contained, no scripts")
    #expect(!source.contains("http://") && !source.contains("https://"), "no network")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: chromium!)
    p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                   "--user-data-dir=\(dir.appendingPathComponent("profile").path)", "--dump-dom", "file://\(html)"]
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    #expect(dom.contains("</html>"))
    #expect(!log.contains("Uncaught") && !log.contains(":CONSOLE("), "console errors: \(log.suffix(500))")
    for id in ["plot-cadence", "plot-contact", "plot-vo", "plot-lean", "hist-cadence", "hist-contact", "plot-left-right"] {
      #expect(dom.contains("id=\"\(id)\""), "\(id)")
    }
    #expect(dom.components(separatedBy: "<circle").count > 30, "the series plots have their points")
    #expect(dom.contains("data-flag=\"lateral-sway-high\""))
    #expect(dom.contains("Evidence: Drozda"))
  }

  @Test func baselineTurnsFlagsIntoChange() throws {
    let dir = temporaryDirectory()
    let base = dir.appendingPathComponent("base.json").path
    #expect(try gaitline(["analyze", sampleData("alcantara-sacrum-run/trial_04.csv"), "--json", base, "-q"]).status == 0)
    let now = dir.appendingPathComponent("now.json").path
    // Same speed and slope, step rate 14 % lower (the study's −10 % condition).
    let r = try gaitline(["analyze", sampleData("alcantara-sacrum-run/trial_05.csv"), "--baseline", base, "--json", now, "-q"])
    #expect(r.status == 0, "\(r.stderr)")
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: now))) as! [String: Any]
    let baseline = try #require(report["baseline"] as? [String: Any])
    #expect(baseline["runs"] as? Int == 1)
    let flags = report["flags"] as! [[String: Any]]
    let over = try #require(flags.first { $0["id"] as? String == "overstriding" })
    #expect((over["message"] as! String).contains("your baseline"))
    let without = try gaitline(["analyze", sampleData("alcantara-sacrum-run/trial_05.csv"), "--json", "-"])
    #expect(!without.stdout.contains("\"overstriding\""), "174 spm alone is above the population threshold")
  }

  @Test func batchWritesTrainingLoad() throws {
    let inDir = temporaryDirectory()
    // Two runs in the week before, then seven days in a row: the checks
    // speak of that change, not of how often someone runs.
    for (k, date) in [(8, "2025-12-29"), (9, "2025-12-31"), (0, "2026-01-05"), (1, "2026-01-06"), (2, "2026-01-07"),
                      (3, "2026-01-08"), (4, "2026-01-09"), (6, "2026-01-10"), (7, "2026-01-11")] {
      try FileManager.default.copyItem(atPath: sampleData(String(format: "alcantara-sacrum-run/trial_%02d.csv", k)),
                                       toPath: inDir.appendingPathComponent("\(date)-run.csv").path)
    }
    let out = temporaryDirectory().appendingPathComponent("out").path
    // The bundled trials last 5 s: by default they are not training sessions.
    let short = try gaitline(["analyze", inDir.path, "--out-dir", out])
    #expect(short.stdout.contains("training load: no findings"))
    let policy = temporaryFile("{\"minimum_session_running_s\": 1}", name: "policy.json")
    let r = try gaitline(["analyze", inDir.path, "--out-dir", out, "--policy", policy])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("runs-per-week"))
    #expect(r.stdout.contains("no-rest-day"))
    let csv = try String(contentsOfFile: out + "/training_load.csv", encoding: .utf8)
    #expect(csv.hasPrefix("id,severity,week,message\n"))
    #expect(csv.contains("runs-per-week,warning,2026-W02"))
  }
}

@Suite struct CompareCommand {
  @Test func fitBesideTheReport() throws {
    let dir = temporaryDirectory()
    let report = dir.appendingPathComponent("r.json").path
    #expect(try gaitline(["analyze", sampleData("alcantara-sacrum-run/sample_test_raw.csv"), "--json", report, "-q"]).status == 0)
    let fit = repositoryRoot.appendingPathComponent("Tests/Fixtures/fit/garmin-fenix-5-run.fit").path
    let r = try gaitline(["compare", fit, report, "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let cadence = j["cadence"] as! [String: Any]
    #expect(abs((cadence["device"] as! Double) - 167.3) < 0.5, "session average strides/min × 2")
    #expect(cadence["gaitline"] is Double)
    let gct = j["ground contact"] as! [String: Any]
    #expect(gct["device"] as? Double == 270.3)
    let bad = try gaitline(["compare", fit, fit])
    #expect(bad.status == 65)
  }
}
