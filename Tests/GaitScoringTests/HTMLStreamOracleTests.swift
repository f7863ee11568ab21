import Foundation
import GaitCore
import GaitDSP
import GaitIngest
import GaitPipeline
import GaitScoring
import GaitTestSupport
import Testing

@testable import GaitReport

// The HTML report is streamed through a fixed buffer (`writeHTMLReport`);
// it must write the bytes the whole-string builder wrote. That builder is
// kept here, in the tests only, as the oracle (the charts and tables it
// calls are the product's own).

/// The HTML report as one string, as it was built before streaming.
private func oracleHTMLReport(_ r: AnalysisResult) -> String {
  let s = r.summary
  let name = escapeHTML((r.path as NSString).lastPathComponent)
  func row(_ label: String, _ d: Distribution?, _ unit: String, _ digits: Int) -> String {
    guard let d else { return "<tr><th>\(label)</th><td colspan=\"3\" class=\"na\">not measured</td></tr>" }
    let f = "%.\(digits)f"
    let range = d.p10 < 0 ? "\(String(format: f, d.p10)) to \(String(format: f, d.p90))" : "\(String(format: f, d.p10))–\(String(format: f, d.p90))"
    return "<tr><th>\(label)</th><td>\(String(format: f, d.median)) \(unit)</td><td>\(range)</td><td>\(d.count)</td></tr>"
  }
  let run = r.steps.filter { s.basis == .all || $0.running }
  let cadencePts = run.compactMap { st in st.stepTimeMs.map { (st.icS, 60_000 / $0) } }
  let contactPts = run.compactMap { st in st.groundContactMs.map { (st.icS, $0) } }
  let voPts = run.compactMap { st in st.verticalOscillationCm.map { (st.icS, $0) } }
  let leanPts = r.segments.filter { $0.steps > 0 }.compactMap { seg in seg.trunkLeanDeg.map { ((seg.startS + seg.endS) / 2, $0) } }
  func sideMean(_ side: Side) -> Double? {
    let v = run.filter { $0.side == side }.compactMap(\.groundContactMs)
    return v.count >= 2 ? v.reduce(0, +) / Double(v.count) : nil
  }
  var html = """
  <!DOCTYPE html>
  <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
  <title>gaitline report: \(name)</title>
  <style>
  body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1000px;padding:18px;color:#1d2329;background:#fbfbfa}
  h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #ddd;padding-bottom:3px}
  .meta{color:#555;font-size:13px}table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee}
  td.na{color:#999}.flag{border-left:5px solid #999;background:#fff;padding:8px 12px;margin:8px 0;border-radius:3px;box-shadow:0 1px 2px #0001}
  .flag.alert{border-color:#c62828}.flag.warning{border-color:#ef8f00}.flag.info{border-color:#1e6fb8}
  .sev{font-weight:600;text-transform:uppercase;font-size:12px;letter-spacing:.04em}.alert .sev{color:#c62828}.warning .sev{color:#b86e00}.info .sev{color:#1e6fb8}
  .evidence{color:#555;font-size:13px}.advice{margin-top:4px}.charts{display:flex;flex-wrap:wrap;gap:8px}
  figure.chart{margin:0;background:#fff;border:1px solid #e3e3e3;border-radius:4px;padding:4px;flex:1 1 440px}figure.small{flex:1 1 300px}
  svg.plot{width:100%;height:auto}.title{font-size:13px;font-weight:600;fill:#333}.tick{font-size:11px;fill:#555}.grid{stroke:#ececec}
  .axis{stroke:#999}.axislabel{font-size:11px;fill:#444}.legend{font-size:11px;fill:#444}
  .dot{fill:#1e6fb8;opacity:.6}.dot.faint{opacity:.3}.dot.strong{opacity:1}.line{fill:none;stroke:#0d4f8b;stroke-width:2}.band{fill:#2e7d32;opacity:.13}.bar{fill:#1e6fb8}.bar.right{fill:#ef8f00}
  .empty{color:#999;font-size:13px;margin:8px}.notes li{color:#444}footer{margin-top:28px;color:#777;font-size:12px}
  </style></head><body>
  <h1>Running form: \(name)</h1>
  <p class="meta">\(r.placement.rawValue) sensor (\(r.placementSource)) · \(String(format: "%.4g", r.ingest.sampleRateHz)) Hz · \(String(format: "%.1f", r.ingest.durationS)) s · \(s.steps) steps, \(s.runningSteps) running · gaitline \(gaitlineVersion)</p>
  <h2>Flags</h2>
  """
  if r.flags.isEmpty {
    html += "<p id=\"no-flags\">No flags: nothing in this run crossed a threshold of the policy.</p>"
  }
  for f in r.flags {
    var measured = ""
    if let v = f.value {
      let unit = humanUnit(f.unit)
      // One more digit where three would make value and threshold look equal.
      let digits = f.threshold.map { String(format: "%.3g", v) == String(format: "%.3g", $0) && v != $0 } == true ? "%.4g" : "%.3g"
      measured = " · \(escapeHTML(humanMetric(f.metric))) \(String(format: digits, v))\(escapeHTML(unit))"
      if let t = f.threshold { measured += " (threshold \(String(format: "%.3g", t))\(escapeHTML(unit)))" }
    }
    html += """
    <div class="flag \(f.severity.rawValue)" data-flag="\(escapeHTML(f.id))"><span class="sev">\(f.severity.rawValue)</span> <b>\(escapeHTML(humanFlagTitle(f.id)))</b>\(measured)
    <div>\(escapeHTML(f.message))</div><div class="advice"><b>What to try:</b> \(escapeHTML(f.advice))</div><div class="evidence">Evidence: \(escapeHTML(f.evidence))</div></div>
    """
  }
  html += "<p class=\"meta\">Flags describe patterns associated with injury or back pain in studies of runners; they are not a diagnosis.</p>"
  html += "<h2>Summary</h2><table><tr><th>metric</th><th>median</th><th>p10–p90</th><th>steps</th></tr>"
  html += row("cadence", s.cadenceSpm, "spm", 0) + row("ground contact", s.groundContactMs, "ms", 0)
  // Added with summary.ground_contact_uncertainty_ms (issue 14; shank only).
  if let u = s.groundContactUncertaintyMs {
    html += "<tr><th>ground contact uncertainty</th><td>±\(String(format: "%.0f", u)) ms</td><td colspan=\"2\">per step: toe-off from the shank's acceleration (literature)</td></tr>"
  }
  html += row("flight", s.flightMs, "ms", 0)
  html += row("duty factor", s.dutyFactor, "", 2) + row("vertical oscillation", s.verticalOscillationCm, "cm", 1)
  html += row(s.trunkLeanReference == .standing ? "trunk lean (from standing)" : "trunk lean (sensor axis, not calibrated)", s.trunkLeanDeg, "°", 1) + row("lateral sway", s.lateralSwayCm, "cm", 1)
  html += row("braking", s.brakingMps, "m/s", 2) + row("impact", s.impactG, "g", 1)
  if r.placement == .shank {
    html += row("tibial shock\(s.tibialShockClippedSteps > 0 ? " (lower bound: \(s.tibialShockClippedSteps) clipped steps)" : "")", s.tibialShockG, "g", 1)
    html += row("tibial shock rise", s.tibialShockRateGps, "g/s", 0)
  }
  if let b = s.gctBalanceLeftPct { html += "<tr><th>GCT balance</th><td>\(String(format: "%.1f", b)) % left</td><td></td><td></td></tr>" }
  html += "</table>"
  html += "<h2>Over the run</h2><div class=\"charts\">"
  html += svgSeries(id: "plot-cadence", title: "Cadence", unit: "steps/min", points: cadencePts)
  html += svgSeries(id: "plot-contact", title: "Ground contact time", unit: "ms", points: contactPts)
  if r.placement == .shank {
    html += svgSeries(id: "plot-tibial-shock", title: "Tibial shock (peak axial acceleration)", unit: "g",
                      points: run.compactMap { st in st.tibialShockG.map { (st.icS, $0) } })
  }
  html += svgSeries(id: "plot-vo", title: "Vertical oscillation", unit: "cm", points: voPts)
  html += svgSeries(id: "plot-lean", title: "Trunk forward lean", unit: "degrees", points: leanPts,
                    band: (3, 11, "typical 3–11° (Teng & Powers)"), perSegment: true)
  html += "</div><h2>Per-step distributions and left vs right</h2><div class=\"charts\">"
  html += svgHistogram(id: "hist-cadence", title: "Cadence", unit: "steps/min", values: cadencePts.map(\.1))
  html += svgHistogram(id: "hist-contact", title: "Ground contact time", unit: "ms", values: contactPts.map(\.1))
  html += svgLeftRight(id: "plot-left-right", title: "Ground contact by side", unit: "ms", left: sideMean(.left), right: sideMean(.right))
  html += "</div><h2>Data quality</h2><ul class=\"notes\">"
  let notes = r.ingest.warnings + r.warnings
  html += "<li>Columns: \(escapeHTML(r.ingest.columns.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))); units \(escapeHTML(r.ingest.unitsDetected)) (\(escapeHTML(r.ingest.unitsSource))); timestamps \(escapeHTML(r.ingest.timestampUnit)).</li>"
  html += "<li>Gaps: \(r.ingest.gaps.count); clipped samples: \(r.ingest.clippedSamples).</li>"
  for n in notes { html += "<li>\(escapeHTML(n))</li>" }
  html += "</ul><footer>Generated by gaitline \(gaitlineVersion) from \(escapeHTML(r.path)). Self-contained: no scripts, no network.</footer></body></html>\n"
  return html
}

/// The streamed report into sinks of every piece size, against the oracle.
private func expectSameHTML(_ r: AnalysisResult, _ label: String) throws {
  let old = oracleHTMLReport(r)
  #expect(htmlReport(r) == old, "\(label): the streamed HTML report differs from the string builder's")
  var pieces = 0
  var bytes: [UInt8] = []
  try writeHTMLReport(r) { pieces += 1; bytes.append(contentsOf: $0) }
  #expect(bytes.elementsEqual(old.utf8), "\(label)")
  if old.utf8.count > 1 << 16 { #expect(pieces > 1, "\(label): \(old.utf8.count) bytes in \(pieces) pieces") }
}

@Suite struct HTMLStreamOracleTests {
  /// Every bundled recording.
  @Test func everyBundledRecording() throws {
    let root = repositoryRoot.appendingPathComponent("SampleData").path
    let files = (FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? [])
      .filter { $0.hasSuffix(".csv") && !$0.contains("truth") }.sorted()
    var analysed = 0
    for name in files {
      let path = sampleData(name)
      guard let source = try? CSVReader(path: path),
            let r = try? analyze(source: source, path: path, options: AnalysisOptions()) else { continue }
      analysed += 1
      try expectSameHTML(r, name)
    }
    #expect(analysed >= 30)
  }

  /// A long simulated run (thousands of steps, thinned charts) and one with
  /// no steps at all.
  @Test func longAndEmptyRuns() throws {
    for seconds in [1800.0, 20] {
      var run = SyntheticRun(rateHz: 100, seconds: seconds, cadenceSpm: 170, contactS: 0.24)
      run.rotation = SyntheticRun.rotation(yawDeg: 20, pitchDeg: 8, rollDeg: -5)
      let rec = run.recording()
      let file = FileManager.default.temporaryDirectory.appendingPathComponent("gaitline-html-\(UUID().uuidString).glb").path
      defer { try? FileManager.default.removeItem(atPath: file) }
      let writer = try GLBWriter(path: file, info: rec.info)
      for b in rec.blocks { try writer.write(b) }
      try writer.close()
      var r = try analyze(source: try GLBReader(path: file), path: "long <run> & \"quotes\".glb", options: AnalysisOptions())
      if seconds > 1000 { #expect(r.steps.count > 4000) }
      try expectSameHTML(r, "synthetic \(seconds) s")
      r.steps = []
      try expectSameHTML(r, "no steps")
    }
  }
}
