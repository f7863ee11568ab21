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

func gaitline(_ args: [String]) throws -> Run {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: binary)
  p.arguments = args
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
}
