import Foundation
import GaitTestSupport
import Testing

/// Sensor dropouts (issue 13's messy runs): samples missing, the time column
/// jumps, as when a Bluetooth or belt logger drops packets. `simulate
/// --dropout-every` writes such a run with the generator's exact truth.
@Suite(.serialized) struct DropoutTests {
  /// A 300-s run losing 2 s every 30 s: no step is placed inside a hole,
  /// the steps outside the holes are found (recall ≥ 0.99 within 20 ms),
  /// and the report's input section lists each hole.
  ///
  /// Known failure: the step whose stance runs into a hole (contact starts
  /// ~0.2 s before the samples stop) is lost, one per hole: recall 0.989
  /// (795 of 804, the 9 misses exactly those steps). Every step whose
  /// stance ends before a hole or starts after it is found. Cause: the
  /// sacrum detector (EventDetectors.swift, "a stance cut by the start or
  /// end of the data") leaves out a stance with no toe-off before the data
  /// ends, rather than guess its contact time, so its measurable IC goes
  /// too. The 0.99 bound is kept as a known issue: fixing it makes it report.
  @Test func stepsAroundSensorDropouts() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let csv = dir.appendingPathComponent("run.csv").path, truth = dir.appendingPathComponent("truth.csv").path
    let json = dir.appendingPathComponent("r.json").path
    var r = try gaitline(["simulate", "--out", csv, "--truth", truth, "--seconds", "300", "--rate", "100",
                          "--dropout-every", "30", "--dropout-for", "2", "--noise-g", "0.03", "--step-variability", "0.02"])
    #expect(r.status == 0, "\(r.stderr)")
    // The holes as written: last time before, first time after.
    let times = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst()
      .map { Double($0.prefix { $0 != "," })! }
    let holes = zip(times, times.dropFirst()).filter { $1 - $0 > 0.015 }
    #expect(holes.count == 9)
    for (k, h) in holes.enumerated() {
      let start = 30 * Double(k + 1)
      #expect(abs(h.0 - (start - 0.01)) < 1e-6 && abs(h.1 - (start + 2)) < 1e-6, "hole \(k): \(h)")
    }
    func inHole(_ t: Double) -> Bool { holes.contains { t > $0.0 && t < $0.1 } }

    r = try gaitline(["analyze", csv, "--json", json, "-q"])
    #expect(r.status == 0, "\(r.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
    let gaps = try #require((report["input"] as? [String: Any])?["gaps"] as? [[String: Any]])
    #expect(gaps.count == holes.count)
    for (g, h) in zip(gaps, holes) {
      let start = try #require(g["start_s"] as? Double), duration = try #require(g["duration_s"] as? Double)
      #expect(abs(start - h.0) <= 0.011 && abs(duration - (h.1 - h.0)) <= 0.011, "\(g) vs \(h)")
    }
    let found = try #require(report["steps"] as? [[String: Any]]).compactMap { $0["ic_s"] as? Double }
    let inside = found.filter(inHole)
    #expect(inside.isEmpty, "steps inside a hole at \(inside)")

    let truthRows = try String(contentsOfFile: truth, encoding: .utf8).split(separator: "\n").dropFirst()
    // (ic, tc) of each true contact; walking steps have no tc (none here).
    let trueSteps = truthRows.filter { !$0.contains("landing") }.map { row in
      let f = row.split(separator: ",", omittingEmptySubsequences: false)
      return (ic: Double(f[0])!, tc: Double(f[1]) ?? Double(f[0])!)
    }
    let trueICs = trueSteps.map(\.ic)
    let outside = trueICs.filter { !inHole($0) }
    #expect(outside.count > 800)
    func missed(_ ics: [Double]) -> [Double] { ics.filter { t in !found.contains { abs($0 - t) <= 0.02 } } }
    let extra = found.filter { f in !trueICs.contains { abs($0 - f) <= 0.02 } }
    #expect(extra.isEmpty, "steps matching no true contact at \(extra.prefix(20))")
    // Stances wholly outside the holes: all found.
    let whole = trueSteps.filter { s in !holes.contains { s.tc > $0.0 && s.ic < $0.1 } }.map(\.ic)
    let missedWhole = missed(whole)
    #expect(Double(missedWhole.count) <= 0.01 * Double(whole.count), "missed \(missedWhole.count) of \(whole.count) at \(missedWhole.prefix(20))")
    // Every IC outside a hole, stances cut by one included: the target.
    let missedOutside = missed(outside)
    let recall = Double(outside.count - missedOutside.count) / Double(outside.count)
    withKnownIssue("the step whose stance runs into a dropout is lost (one per hole)") {
      #expect(recall >= 0.99, "recall \(recall): missed \(missedOutside.count) of \(outside.count) at \(missedOutside.prefix(20))")
    }
  }

  /// Dropouts need a time column, so not .glb, and must be shorter than
  /// their period.
  @Test func dropoutOptionsAreChecked() throws {
    let dir = temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var r = try gaitline(["simulate", "--out", dir.appendingPathComponent("x.glb").path, "--dropout-every", "30"])
    #expect(r.status == 64 && r.stderr.contains("--dropout-every"), "\(r.status) \(r.stderr)")
    r = try gaitline(["simulate", "--out", dir.appendingPathComponent("x.csv").path, "--dropout-every", "2", "--dropout-for", "3"])
    #expect(r.status == 64 && r.stderr.contains("--dropout-for"), "\(r.status) \(r.stderr)")
  }
}
