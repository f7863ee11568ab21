import Foundation
import GaitTestSupport
import Testing

/// The shank placement through the CLI: the `tibia` alias, tibial shock in
/// every output, and one-leg cadence in `evaluate`.
@Suite struct ShankCLITests {
  @Test func tibiaAliasWritesTibialShockEverywhere() throws {
    let dir = temporaryDirectory()
    let json = dir.appendingPathComponent("r.json").path, csv = dir.appendingPathComponent("steps.csv").path
    let html = dir.appendingPathComponent("r.html").path
    let r = try gaitline(["analyze", sampleData("bach-shank-subject-b/trial_08.csv"), "--placement", "tibia",
                          "--json", json, "--steps-csv", csv, "--html", html])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("shank sensor (option)"))
    #expect(r.stdout.contains("tibial shock"))
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
    #expect((report["input"] as! [String: Any])["placement"] as? String == "shank")
    let summary = report["summary"] as! [String: Any]
    let shock = summary["tibial_shock_g"] as! [String: Any]
    #expect((shock["median"] as! Double) > 4)
    #expect((summary["tibial_shock_clipped_steps"] as! Double) > 0)
    let table = try String(contentsOfFile: csv, encoding: .utf8)
    #expect(table.hasPrefix("ic_s,") && table.split(separator: "\n")[0].hasSuffix("tibial_shock_g,tibial_shock_rate_gps,tibial_shock_clipped"))
    #expect(try String(contentsOfFile: html, encoding: .utf8).contains("plot-tibial-shock"))
  }

  @Test func lowerLegAliasAndBadPlacementMessage() throws {
    let ok = try gaitline(["analyze", sampleData("bach-shank-subject-b/trial_05.csv"), "--placement", "lower-leg"])
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stdout.contains("shank sensor (option)"))
    let bad = try gaitline(["analyze", sampleData("bach-shank-subject-b/trial_05.csv"), "--placement", "knee"])
    #expect(bad.status != 0)
    #expect(bad.stderr.contains("shank"))
  }

  /// `simulate --shank walk` writes a shank walk and its contacts; gaitline
  /// finds them, calls it a shank and counts no running step.
  @Test func simulatedShankWalkRoundTrip() throws {
    let dir = temporaryDirectory()
    let csv = dir.appendingPathComponent("shank.csv").path, truth = dir.appendingPathComponent("truth.csv").path
    let sim = try gaitline(["simulate", "--shank", "walk", "--out", csv, "--truth", truth, "--rate", "200", "--seconds", "40"])
    #expect(sim.status == 0, "\(sim.stderr)")
    let e = try gaitline(["evaluate", csv, "--truth", truth, "--tolerance-ms", "20", "--json"])
    #expect(e.status == 0, "\(e.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as! [String: Any]
    #expect((json["recall"] as! Double) >= 0.99)
    #expect((json["precision"] as! Double) >= 0.99)
    let a = try gaitline(["analyze", csv])
    #expect(a.stdout.contains("shank sensor (detected)"))
    #expect(a.stdout.contains("(0 running)"))
    let bad = try gaitline(["simulate", "--shank", "hop", "--out", dir.appendingPathComponent("x.csv").path])
    #expect(bad.status != 0)
  }

  /// `--cadence` and `--contact-ms` shape the shank run too (new-user
  /// review: they were ignored with --shank): the truth's strides and
  /// contacts follow them, and gaitline's cadence matches.
  @Test func simulatedShankTakesCadenceAndContact() throws {
    let dir = temporaryDirectory()
    let csv = dir.appendingPathComponent("shank.csv").path, truth = dir.appendingPathComponent("truth.csv").path
    let sim = try gaitline(["simulate", "--shank", "run", "--cadence", "180", "--contact-ms", "200", "--out", csv,
                            "--truth", truth, "--rate", "200", "--seconds", "60"])
    #expect(sim.status == 0, "\(sim.stderr)")
    let rows = try String(contentsOfFile: truth, encoding: .utf8).split(separator: "\n").dropFirst()
      .map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(2).compactMap { Double($0) } }
      .filter { $0.count == 2 }
    #expect(rows.count > 40)
    let contacts: [Double] = rows.map { $0[1] - $0[0] }
    let meanContact: Double = contacts.reduce(0, +) / Double(contacts.count)
    #expect(abs(meanContact - 0.200) < 0.002)
    let strides: [Double] = zip(rows.dropFirst(), rows).map { $0[0] - $1[0] }
    let cadence: Double = 120 / (strides.reduce(0, +) / Double(strides.count))
    #expect(abs(cadence - 180) < 2)
    let e = try gaitline(["evaluate", csv, "--truth", truth, "--tolerance-ms", "30", "--json"])
    #expect(e.status == 0, "\(e.stderr)")
    let ev = try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as! [String: Any]
    #expect((ev["recall"] as! Double) >= 0.95)
    // Out of range for a shank run, and a contact longer than the stride allows.
    let slow = try gaitline(["simulate", "--shank", "run", "--cadence", "100", "--out", dir.appendingPathComponent("x.csv").path])
    #expect(slow.status != 0 && slow.stderr.contains("120–240"))
    let long = try gaitline(["simulate", "--shank", "run", "--cadence", "200", "--contact-ms", "550",
                             "--out", dir.appendingPathComponent("y.csv").path])
    #expect(long.status != 0 && long.stderr.contains("stride"))
    let serial = try gaitline(["simulate", "--shank", "run", "--serial"])
    #expect(serial.status != 0 && serial.stderr.contains("--out"))
  }

  /// `simulate --shank walk --gyro` writes gx, gy, gz; `analyze` detects a
  /// shank, times contacts from the gyroscope (its note says so), counts
  /// no running step and writes contact time and tibial shock to JSON, CSV
  /// and HTML; `evaluate` finds every contact with contact time close.
  @Test func simulatedShankWalkWithGyroscope() throws {
    let dir = temporaryDirectory()
    let csv = dir.appendingPathComponent("shank.csv").path, truth = dir.appendingPathComponent("truth.csv").path
    let sim = try gaitline(["simulate", "--shank", "walk", "--gyro", "--out", csv, "--truth", truth, "--rate", "200",
                            "--seconds", "40", "--rotate", "30,12,-8"])
    #expect(sim.status == 0, "\(sim.stderr)")
    #expect(try String(contentsOfFile: csv, encoding: .utf8).hasPrefix("time_s,ax,ay,az,gx,gy,gz\n"))
    let e = try gaitline(["evaluate", csv, "--truth", truth, "--tolerance-ms", "20", "--json"])
    #expect(e.status == 0, "\(e.stderr)")
    let ev = try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as! [String: Any]
    #expect((ev["recall"] as! Double) >= 0.99 && (ev["precision"] as! Double) >= 0.99)
    #expect((ev["contact_rmse_ms"] as! Double) <= 12)
    let json = dir.appendingPathComponent("r.json").path, steps = dir.appendingPathComponent("s.csv").path
    let html = dir.appendingPathComponent("r.html").path
    let a = try gaitline(["analyze", csv, "--json", json, "--steps-csv", steps, "--html", html])
    #expect(a.status == 0, "\(a.stderr)")
    #expect(a.stdout.contains("shank sensor (detected)"))
    #expect(a.stdout.contains("(0 running)"))
    #expect(a.stdout.contains("sagittal angular velocity"))
    #expect(!a.stdout.contains("[warning]"))
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
    let summary = report["summary"] as! [String: Any]
    #expect(summary["ground_contact_ms"] is [String: Any])
    // The shank's stated contact-time uncertainty, as a number, in every output.
    #expect(summary["ground_contact_uncertainty_ms"] as? Double == 150)
    #expect(a.stdout.contains("uncertainty          ±150 ms"))
    #expect(try String(contentsOfFile: html, encoding: .utf8).contains("<th>ground contact uncertainty</th><td>±150 ms</td>"))
    #expect(summary["tibial_shock_g"] is [String: Any])
    let rows = try String(contentsOfFile: steps, encoding: .utf8).split(separator: "\n")
    #expect(rows.count > 30 && rows[1].split(separator: ",", omittingEmptySubsequences: false)[5] != "")
    #expect(try String(contentsOfFile: html, encoding: .utf8).contains("plot-tibial-shock"))
    let bad = try gaitline(["simulate", "--gyro", "--out", dir.appendingPathComponent("x.csv").path])
    #expect(bad.status != 0)
  }

  /// summary.csv carries `ground_contact_uncertainty_ms` (the last metric
  /// column): 150 for a shank recording, empty for a hip one.
  @Test func summaryCSVHoldsContactUncertainty() throws {
    let out = temporaryDirectory().appendingPathComponent("out").path
    let r = try gaitline(["analyze", sampleData("bach-shank-subject-b/trial_05.csv"),
                          sampleData("alcantara-sacrum-run/trial_00.csv"), "--out-dir", out])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 3)
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false)
    let column = try #require(header.firstIndex(of: "ground_contact_uncertainty_ms"))
    #expect(header[column - 1] == "gct_balance_left_pct" && header[column + 1] == "speed_mps")
    let placement = try #require(header.firstIndex(of: "placement"))
    let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    #expect(rows.allSatisfy { $0.count == header.count })
    let cells = Dictionary(uniqueKeysWithValues: rows.map { (String($0[placement]), String($0[column])) })
    #expect(cells == ["shank": "150", "hip": ""])
  }

  @Test func evaluateDoublesOneLegCadence() throws {
    let r = try gaitline(["evaluate", sampleData("bach-shank-subject-b/trial_07.csv"),
                          "--truth", sampleData("bach-shank-subject-b/ground_truth_contacts.csv"),
                          "--truth-where", "trial=7", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    #expect(json["recall"] as? Double == 1)
    let cadence = json["cadence_reference_spm"] as! Double
    #expect(cadence > 140 && cadence < 160)
    #expect(json["cadence_basis"] as? String == "2 x stride rate of the sensor leg")
  }
}
