//===--- HTMLReport.swift -------------------------------------------------===//
// One self-contained HTML file: inline CSS and SVG, no scripts, no network.
//===----------------------------------------------------------------------===//
import GaitCore
import GaitDSP
import GaitScoring
import GaitIngest
import Foundation

func escapeHTML(_ s: String) -> String {
  s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}

/// An SVG chart of `points` (x in seconds) with axes, ticks and an optional
/// shaded band (a typical range).
func svgSeries(id: String, title: String, unit: String, points: [(Double, Double)], band: (Double, Double)? = nil,
               connect: Bool = false) -> String {
  let w = 640.0, h = 220.0, left = 56.0, right = 12.0, top = 26.0, bottom = 34.0
  guard points.count >= 1 else {
    return "<figure class=\"chart\" id=\"\(id)\"><figcaption>\(escapeHTML(title))</figcaption><p class=\"empty\">not measured for this recording</p></figure>"
  }
  var xmin = points.map(\.0).min()!, xmax = points.map(\.0).max()!
  var ymin = points.map(\.1).min()!, ymax = points.map(\.1).max()!
  if let band { ymin = min(ymin, band.0); ymax = max(ymax, band.1) }
  if xmax - xmin < 1e-9 { xmin -= 1; xmax += 1 }
  let pad = max((ymax - ymin) * 0.1, 1e-6)
  ymin -= pad; ymax += pad
  func X(_ x: Double) -> Double { left + (x - xmin) / (xmax - xmin) * (w - left - right) }
  func Y(_ y: Double) -> Double { top + (1 - (y - ymin) / (ymax - ymin)) * (h - top - bottom) }
  var svg = "<svg class=\"plot\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(escapeHTML(title))\">"
  svg += "<text x=\"\(left)\" y=\"16\" class=\"title\">\(escapeHTML(title)) (\(escapeHTML(unit)))</text>"
  if let band {
    svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"band\"/>", left, Y(band.1), w - left - right, max(0, Y(band.0) - Y(band.1)))
  }
  for k in 0...4 {
    let y = ymin + (ymax - ymin) * Double(k) / 4
    svg += String(format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%@</text>",
                  left, w - right, Y(y), Y(y), left - 4, Y(y) + 4, tickLabel(y))
    let x = xmin + (xmax - xmin) * Double(k) / 4
    svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">%@</text>", X(x), h - 16, tickLabel(x))
  }
  svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">time (s)</text>", (left + w - right) / 2, h - 2)
  if connect, points.count > 1 {
    svg += "<polyline class=\"line\" points=\"" + points.map { String(format: "%.1f,%.1f", X($0.0), Y($0.1)) }.joined(separator: " ") + "\"/>"
  }
  for p in points { svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" class=\"dot\"/>", X(p.0), Y(p.1)) }
  svg += "</svg>"
  return "<figure class=\"chart\" id=\"\(id)\">\(svg)</figure>"
}

func tickLabel(_ v: Double) -> String {
  abs(v) >= 100 ? String(format: "%.0f", v) : abs(v) >= 10 ? String(format: "%.1f", v) : String(format: "%.2f", v)
}

/// A histogram of `values` with `bins` bars.
func svgHistogram(id: String, title: String, unit: String, values: [Double], bins: Int = 16) -> String {
  let w = 310.0, h = 180.0, left = 36.0, right = 8.0, top = 24.0, bottom = 30.0
  guard values.count >= 2, let lo = values.min(), let hi0 = values.max() else {
    return "<figure class=\"chart small\" id=\"\(id)\"><figcaption>\(escapeHTML(title))</figcaption><p class=\"empty\">not measured</p></figure>"
  }
  let hi = hi0 > lo ? hi0 : lo + 1
  var counts = [Int](repeating: 0, count: bins)
  for v in values { counts[min(bins - 1, Int((v - lo) / (hi - lo) * Double(bins)))] += 1 }
  let maxCount = Double(counts.max() ?? 1)
  let bw = (w - left - right) / Double(bins)
  var svg = "<svg class=\"plot\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(escapeHTML(title))\">"
  svg += "<text x=\"\(left)\" y=\"15\" class=\"title\">\(escapeHTML(title)) (\(escapeHTML(unit)))</text>"
  for (k, c) in counts.enumerated() {
    let bh = Double(c) / maxCount * (h - top - bottom)
    svg += String(format: "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", left + Double(k) * bw + 1, h - bottom - bh, bw - 2, bh)
  }
  svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">%@</text><text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%@</text>", left, h - 14, tickLabel(lo), w - right, h - 14, tickLabel(hi))
  svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\">n = %d</text>", left, h - 2, values.count)
  svg += "</svg>"
  return "<figure class=\"chart small\" id=\"\(id)\">\(svg)</figure>"
}

/// Left vs right bars of one metric.
func svgLeftRight(id: String, title: String, unit: String, left lv: Double?, right rv: Double?) -> String {
  guard let lv, let rv else {
    return "<figure class=\"chart small\" id=\"\(id)\"><figcaption>\(escapeHTML(title))</figcaption><p class=\"empty\">left and right are not told apart for this recording</p></figure>"
  }
  let w = 310.0, h = 180.0
  let m = max(lv, rv) * 1.1
  var svg = "<svg class=\"plot\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(escapeHTML(title))\">"
  svg += "<text x=\"10\" y=\"15\" class=\"title\">\(escapeHTML(title)) (\(escapeHTML(unit)))</text>"
  for (k, (label, v)) in [("left", lv), ("right", rv)].enumerated() {
    let bw = (w - 120) * v / m
    let y = 40.0 + Double(k) * 60
    svg += String(format: "<text x=\"10\" y=\"%.1f\" class=\"tick\">%@</text><rect class=\"bar %@\" x=\"60\" y=\"%.1f\" width=\"%.1f\" height=\"34\"/><text x=\"%.1f\" y=\"%.1f\" class=\"tick\">%.1f</text>",
                  y + 22, label, label, y, bw, 66 + bw, y + 22, v)
  }
  svg += "</svg>"
  return "<figure class=\"chart small\" id=\"\(id)\">\(svg)</figure>"
}

/// The HTML report of one analysed run.
public func htmlReport(_ r: AnalysisResult) -> String {
  let s = r.summary
  let name = escapeHTML((r.path as NSString).lastPathComponent)
  func row(_ label: String, _ d: Distribution?, _ unit: String, _ digits: Int) -> String {
    guard let d else { return "<tr><th>\(label)</th><td colspan=\"3\" class=\"na\">not measured</td></tr>" }
    let f = "%.\(digits)f"
    return "<tr><th>\(label)</th><td>\(String(format: f, d.median)) \(unit)</td><td>\(String(format: f, d.p10))–\(String(format: f, d.p90))</td><td>\(d.count)</td></tr>"
  }
  let run = r.steps.filter { s.basis == "all" || $0.running }
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
  figure.chart{margin:0;background:#fff;border:1px solid #e3e3e3;border-radius:4px;padding:4px;flex:1 1 620px}figure.small{flex:1 1 300px}
  svg.plot{width:100%;height:auto}.title{font-size:13px;font-weight:600;fill:#333}.tick{font-size:11px;fill:#666}.grid{stroke:#eee}
  .dot{fill:#1e6fb8;opacity:.75}.line{fill:none;stroke:#1e6fb8;stroke-width:1.5}.band{fill:#2e7d32;opacity:.09}.bar{fill:#1e6fb8}.bar.right{fill:#ef8f00}
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
      measured = " · \(escapeHTML(f.metric)) \(String(format: "%.3g", v)) \(escapeHTML(f.unit))"
      if let t = f.threshold { measured += " (threshold \(String(format: "%.3g", t)))" }
    }
    html += """
    <div class="flag \(f.severity.rawValue)" data-flag="\(escapeHTML(f.id))"><span class="sev">\(f.severity.rawValue)</span> <b>\(escapeHTML(f.id))</b>\(measured)
    <div>\(escapeHTML(f.message))</div><div class="advice"><b>What to try:</b> \(escapeHTML(f.advice))</div><div class="evidence">Evidence: \(escapeHTML(f.evidence))</div></div>
    """
  }
  html += "<p class=\"meta\">Flags describe patterns associated with injury or back pain in studies of runners; they are not a diagnosis.</p>"
  html += "<h2>Summary</h2><table><tr><th>metric</th><th>median</th><th>p10–p90</th><th>steps</th></tr>"
  html += row("cadence", s.cadenceSpm, "spm", 0) + row("ground contact", s.groundContactMs, "ms", 0) + row("flight", s.flightMs, "ms", 0)
  html += row("duty factor", s.dutyFactor, "", 2) + row("vertical oscillation", s.verticalOscillationCm, "cm", 1)
  html += row("trunk lean (\(s.trunkLeanReference))", s.trunkLeanDeg, "°", 1) + row("lateral sway", s.lateralSwayCm, "cm", 1)
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
  html += svgSeries(id: "plot-lean", title: "Trunk lean", unit: "deg", points: leanPts, band: (3, 11), connect: true)
  html += "</div><h2>Per-step distributions and left vs right</h2><div class=\"charts\">"
  html += svgHistogram(id: "hist-cadence", title: "Cadence", unit: "spm", values: cadencePts.map(\.1))
  html += svgHistogram(id: "hist-contact", title: "Ground contact", unit: "ms", values: contactPts.map(\.1))
  html += svgLeftRight(id: "plot-left-right", title: "Ground contact by side", unit: "ms", left: sideMean(.left), right: sideMean(.right))
  html += "</div><h2>Data quality</h2><ul class=\"notes\">"
  let notes = r.ingest.warnings + r.warnings
  html += "<li>Columns: \(escapeHTML(r.ingest.columns.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))); units \(escapeHTML(r.ingest.unitsDetected)) (\(escapeHTML(r.ingest.unitsSource))); timestamps \(escapeHTML(r.ingest.timestampUnit)).</li>"
  html += "<li>Gaps: \(r.ingest.gaps.count); clipped samples: \(r.ingest.clippedSamples).</li>"
  for n in notes { html += "<li>\(escapeHTML(n))</li>" }
  html += "</ul><footer>Generated by gaitline \(gaitlineVersion) from \(escapeHTML(r.path)). Self-contained: no scripts, no network.</footer></body></html>\n"
  return html
}
