import Foundation
import GaitTestSupport
import Testing

/// `gaitline trend`: a runner's metrics and flags over dates, from reports.
@Suite(.serialized) struct TrendCommand {
  /// Reports of five bundled treadmill trials, named by date: the table is
  /// in date order, its numbers are the reports' medians, and the HTML page
  /// renders in Chromium with its table and a chart per metric.
  @Test func trendOverBundledRecordingsMatchesTheReports() throws {
    let dir = temporaryDirectory()
    let dates = ["2026-01-09", "2026-01-05", "2026-01-07", "2026-01-06", "2026-01-08"]
    for (k, date) in dates.enumerated() {
      let r = try gaitline(["analyze", sampleData("alcantara-sacrum-run/trial_0\(k).csv"), "--json",
                            dir.appendingPathComponent("\(date)-run.json").path, "-q"])
      #expect(r.status == 0, "\(r.stderr)")
    }
    let html = dir.appendingPathComponent("trend.html").path
    let r = try gaitline(["trend", dir.path, "--html", html])
    #expect(r.status == 0, "\(r.stderr)")
    let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("2026-") }
    #expect(rows.map { String($0.prefix(10)) } == dates.sorted(), "date order")
    for row in rows {
      let date = String(row.prefix(10))
      let report = try json(dir.appendingPathComponent("\(date)-run.json").path)
      let summary = report["summary"] as! [String: Any]
      let cadence = (summary["cadence_spm"] as! [String: Any])["median"] as! Double
      let contact = (summary["ground_contact_ms"] as! [String: Any])["median"] as! Double
      let fields = row.split(separator: " ", omittingEmptySubsequences: true)
      // date, time, recording, cadence, contact, …
      #expect(fields[3] == String(format: "%.0f", cadence), "\(date) cadence")
      #expect(fields[4] == String(format: "%.0f", contact), "\(date) contact")
      #expect(fields[2] == "trial_0\(dates.firstIndex(of: date)!).csv")
    }
    let page = try String(contentsOfFile: html, encoding: .utf8)
    #expect(!page.contains("<script") && !page.contains("http://") && !page.contains("https://"))
    #expect(page.components(separatedBy: "<tr data-report=").count - 1 == 5)
    guard let chromium else { return }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: chromium)
    p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(dir.appendingPathComponent("profile").path)",
                   "--dump-dom", "file://\(html)"]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    #expect(dom.contains("id=\"trend-table\"") && dom.contains("</html>"))
    for key in ["cadence_spm", "ground_contact_ms", "vertical_oscillation_cm", "trunk_lean_deg", "braking_mps", "impact_g"] {
      #expect(dom.contains("id=\"trend-\(key)\""), "\(key)")
    }
    #expect(dom.components(separatedBy: "<circle").count - 1 >= 5 * 5, "a point per run and metric")
  }

  /// Two 3-minute runs in a week, then seven on seven days in a row: the
  /// training-load checks run over that history, compare the second week
  /// with the first and are worded as associations.
  @Test func trainingLoadComesFromTheHistory() throws {
    let dir = temporaryDirectory()
    for date in ["2026-01-26", "2026-01-28"] + (2...8).map({ String(format: "2026-02-%02d", $0) }) {
      let csv = dir.appendingPathComponent("run.csv").path
      #expect(try gaitline(["simulate", "--out", csv, "--seconds", "180", "--rate", "100"]).status == 0)
      let report = dir.appendingPathComponent(date + ".json").path
      #expect(try gaitline(["analyze", csv, "--json", report, "-q"]).status == 0)
    }
    let html = dir.appendingPathComponent("trend.html").path
    let r = try gaitline(["trend", dir.path, "--html", html])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("training load across 9 runs (associations, not a diagnosis):"))
    #expect(r.stdout.contains("7 runs in week 2026-W06, up from at most 2 a week in the week before"))
    #expect(r.stdout.contains("Seven days in a row with a run, ending 2026-02-08"))
    let page = try String(contentsOfFile: html, encoding: .utf8)
    #expect(page.contains("data-finding=\"runs-per-week\"") && page.contains("data-finding=\"no-rest-day\""))
    #expect(page.contains("not a diagnosis"))
    // A file that is not a report is named, not silently taken.
    let bad = try gaitline(["trend", temporaryFile("{}", name: "x.json")])
    #expect(bad.status == 65 && bad.stderr.contains("not a gaitline report"))
  }
}
