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
