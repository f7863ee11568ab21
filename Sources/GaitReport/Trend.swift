//===--- Trend.swift ------------------------------------------------------===//
// A runner's metrics and flags across runs, from their JSON reports.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
import GaitIngest
import GaitScoring

/// One run of a trend: its report's date, per-run medians and flags.
public struct TrendRun: Sendable, Hashable {
  /// The report file.
  public var reportPath: String
  /// The recording the report describes.
  public var recordingPath: String
  /// Start of the run (the recording's clock, a date in its name, or the
  /// report file's modification time), Unix seconds.
  public var dateUnixS: Double?
  /// Median per metric, by report key (`cadence_spm`, …).
  public var medians: [String: Double]
  /// Flags of the run: (id, severity).
  public var flags: [(id: String, severity: Severity)]
  /// The numbers the training-load checks use.
  public var past: PastRun

  /// The same run: the same report and date.
  public static func == (a: TrendRun, b: TrendRun) -> Bool { a.reportPath == b.reportPath && a.dateUnixS == b.dateUnixS }
  /// Hashes the report path.
  public func hash(into h: inout Hasher) { h.combine(reportPath) }
}

/// The metrics a trend shows: report key, label, unit, digits, and the
/// distribution in the report's summary whose median is shown.
public let trendMetrics: [(key: String, label: String, unit: String, digits: Int, value: @Sendable (ReportSummary) -> ReportDistribution?)] = [
  ("cadence_spm", "Cadence", "steps/min", 0, \.cadenceSpm), ("ground_contact_ms", "Ground contact", "ms", 0, \.groundContactMs),
  ("vertical_oscillation_cm", "Vertical oscillation", "cm", 1, \.verticalOscillationCm),
  ("trunk_lean_deg", "Trunk lean", "°", 1, \.trunkLeanDeg), ("lateral_sway_cm", "Lateral sway", "cm", 1, \.lateralSwayCm),
  ("braking_mps", "Braking", "m/s", 2, \.brakingMps), ("impact_g", "Impact", "g", 1, \.impactG),
]

/// Reads one `gaitline.report/1` JSON report for a trend.
public func loadTrendRun(path: String) throws -> TrendRun {
  let report = try ReportDocument.decode(readReportFile(path, what: "cannot read the earlier report"), path: path, steps: false)
  let past = PastRun(report, reportPath: path)
  var medians: [String: Double] = [:]
  for m in trendMetrics {
    if let d = m.value(report.summary)?.median { medians[m.key] = d }
  }
  let flags = report.flags.map { (id: $0.id, severity: $0.severity) }
  return TrendRun(reportPath: path, recordingPath: past.path, dateUnixS: past.dateUnixS, medians: medians, flags: flags, past: past)
}

/// Runs in date order (undated last, by name).
public func sortedByDate(_ runs: [TrendRun]) -> [TrendRun] {
  runs.sorted { a, b in
    switch (a.dateUnixS, b.dateUnixS) {
    case let (x?, y?): return x != y ? x < y : a.reportPath < b.reportPath
    case (_?, nil): return true
    case (nil, _?): return false
    default: return a.reportPath < b.reportPath
    }
  }
}

/// `YYYY-MM-DD HH:MM` (UTC) or `undated`.
public func trendDate(_ t: Double?) -> String {
  guard let t else { return "undated" }
  let f = DateFormatter()
  f.locale = Locale(identifier: "en_US_POSIX")
  f.timeZone = TimeZone(identifier: "UTC")
  f.dateFormat = "yyyy-MM-dd HH:mm"
  return f.string(from: Date(timeIntervalSince1970: t))
}

/// The trend as a text table, one run a line, then the training-load findings.
public func trendText(_ runs: [TrendRun], findings: [TrainingFinding]) -> String {
  var header = "date              run                       "
  let short = ["cadence_spm": "cadence spm", "ground_contact_ms": "contact ms", "vertical_oscillation_cm": "VO cm",
               "trunk_lean_deg": "lean °", "lateral_sway_cm": "sway cm", "braking_mps": "braking m/s", "impact_g": "impact g"]
  for m in trendMetrics { header += (short[m.key] ?? m.label).padding(toLength: 13, withPad: " ", startingAt: 0) }
  var lines = [header + "flags"]
  for r in runs {
    var line = trendDate(r.dateUnixS).padding(toLength: 18, withPad: " ", startingAt: 0)
    line += String((r.recordingPath as NSString).lastPathComponent.prefix(25)).padding(toLength: 26, withPad: " ", startingAt: 0)
    for m in trendMetrics {
      let v = r.medians[m.key].map { String(format: "%.\(m.digits)f", $0) } ?? "–"
      line += v.padding(toLength: 13, withPad: " ", startingAt: 0)
    }
    line += r.flags.filter { $0.severity != .info }.map(\.id).joined(separator: ", ")
    lines.append(line)
  }
  lines.append("")
  if findings.isEmpty {
    lines.append("training load: no findings across \(runs.count) run\(runs.count == 1 ? "" : "s")")
  } else {
    lines.append("training load across \(runs.count) run\(runs.count == 1 ? "" : "s") (associations, not a diagnosis):")
    for f in findings { lines.append("  [\(f.severity.rawValue)] \(f.week): \(f.message)") }
  }
  return lines.joined(separator: "\n") + "\n"
}

/// A chart of one metric over the runs: a point per run on a date axis.
func svgTrend(id: String, title: String, unit: String, digits: Int, points: [(Double, Double)]) -> String {
  let w = 480.0, h = 220.0, left = 54.0, right = 16.0, top = 30.0, bottom = 40.0
  guard !points.isEmpty else {
    return "<figure class=\"chart\" id=\"\(id)\"><figcaption>\(escapeHTML(title))</figcaption><p class=\"empty\">not measured in these runs</p></figure>"
  }
  var ymin = points.map(\.1).min()!, ymax = points.map(\.1).max()!
  // At least 4 % of the level (or a few units of the last digit) top to
  // bottom, so that noise in the last digit does not fill the chart.
  let level = abs(points.map(\.1).reduce(0, +) / Double(points.count))
  let least = max(level * 0.04, 4 * pow(10, -Double(digits)))
  if ymax - ymin < least { let mid = (ymax + ymin) / 2; ymin = mid - least / 2; ymax = mid + least / 2 }
  let pad = (ymax - ymin) * 0.1
  let step = niceTicks(ymin - pad, ymax + pad).step
  ymin = ((ymin - pad) / step).rounded(.down) * step
  ymax = ((ymax + pad) / step).rounded(.up) * step
  var xmin = points.map(\.0).min()!, xmax = points.map(\.0).max()!
  if xmax - xmin < 86_400 { xmin -= 43_200; xmax += 43_200 }
  func X(_ x: Double) -> Double { left + (x - xmin) / (xmax - xmin) * (w - left - right) }
  func Y(_ y: Double) -> Double { top + (1 - (y - ymin) / (ymax - ymin)) * (h - top - bottom) }
  var svg = "<svg class=\"plot\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-label=\"\(escapeHTML(title)) over runs\">"
  svg += "<text x=\"\(left)\" y=\"16\" class=\"title\">\(escapeHTML(title))</text>"
  for v in niceTicks(ymin, ymax).values where abs((v / step).rounded() * step - v) < step * 1e-6 {
    svg += String(format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%@</text>",
                  left, w - right, Y(v), Y(v), left - 6, Y(v) + 4, niceLabel(v, step: step))
  }
  // Date ticks: whole days, at most six.
  let days = max(1, Int(((xmax - xmin) / 86_400 / 6).rounded(.up)))
  var t = (xmin / 86_400).rounded(.up) * 86_400
  while t <= xmax {
    let x = X(t)
    svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">%@</text>", x, h - bottom + 16, String(trendDate(t).prefix(10)))
    t += Double(days) * 86_400
  }
  svg += String(format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>", left, w - right, h - bottom, h - bottom)
  svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" class=\"axislabel\" text-anchor=\"middle\">date of the run (UTC)</text>", (left + w - right) / 2, h - 6)
  svg += String(format: "<text transform=\"translate(14,%.1f) rotate(-90)\" class=\"axislabel\" text-anchor=\"middle\">%@</text>", (top + h - bottom) / 2, escapeHTML(unit))
  if points.count > 1 {
    svg += "<polyline class=\"line\" points=\"" + points.map { String(format: "%.1f,%.1f", X($0.0), Y($0.1)) }.joined(separator: " ") + "\"/>"
  }
  for p in points { svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" class=\"dot strong\"><title>%@</title></circle>", X(p.0), Y(p.1), trendDate(p.0)) }
  svg += "</svg>"
  return "<figure class=\"chart\" id=\"\(id)\">\(svg)</figure>"
}

/// A self-contained HTML page of the trend: a table of runs, a chart per
/// metric over dates, and the training-load findings with their evidence.
public func trendHTML(_ runs: [TrendRun], findings: [TrainingFinding]) -> String {
  var html = """
  <!DOCTYPE html>
  <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
  <title>gaitline trend: \(runs.count) runs</title>
  <style>
  body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:18px;color:#1d2329;background:#fbfbfa}
  h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 8px;border-bottom:1px solid #ddd;padding-bottom:3px}
  .meta{color:#555;font-size:13px}table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #eee}
  td.num{text-align:right}.charts{display:flex;flex-wrap:wrap;gap:8px}
  figure.chart{margin:0;background:#fff;border:1px solid #e3e3e3;border-radius:4px;padding:4px;flex:1 1 440px;max-width:calc(50% - 14px)}
  svg.plot{width:100%;height:auto}.title{font-size:13px;font-weight:600;fill:#333}.tick{font-size:11px;fill:#555}.grid{stroke:#ececec}
  .axis{stroke:#999}.axislabel{font-size:11px;fill:#444}.dot{fill:#1e6fb8}.line{fill:none;stroke:#0d4f8b;stroke-width:2}
  .finding{border-left:5px solid #1e6fb8;background:#fff;padding:6px 10px;margin:6px 0}.finding.warning{border-color:#ef8f00}.finding.alert{border-color:#c62828}
  .evidence{color:#555;font-size:13px}.empty{color:#999;font-size:13px;margin:8px}footer{margin-top:28px;color:#777;font-size:12px}
  </style></head><body>
  <h1>Running form over \(runs.count) runs</h1>
  <p class="meta">\(escapeHTML(trendDate(runs.first?.dateUnixS))) to \(escapeHTML(trendDate(runs.last?.dateUnixS))) · medians per run · gaitline \(gaitlineVersion)</p>
  <h2>Runs</h2><table id="trend-table"><tr><th>date (UTC)</th><th>recording</th>
  """
  for m in trendMetrics { html += "<th>\(escapeHTML(m.label)) (\(escapeHTML(m.unit)))</th>" }
  html += "<th>flags</th></tr>"
  for r in runs {
    html += "<tr data-report=\"\(escapeHTML(r.reportPath))\"><td>\(escapeHTML(trendDate(r.dateUnixS)))</td><td>\(escapeHTML((r.recordingPath as NSString).lastPathComponent))</td>"
    for m in trendMetrics {
      html += "<td class=\"num\">\(r.medians[m.key].map { String(format: "%.\(m.digits)f", $0) } ?? "–")</td>"
    }
    let shown = r.flags.filter { $0.severity != .info }.map { humanFlagTitle($0.id) }
    html += "<td>\(escapeHTML(shown.isEmpty ? "none" : shown.joined(separator: "; ")))</td></tr>"
  }
  html += "</table><h2>Over the runs</h2><div class=\"charts\">"
  for m in trendMetrics {
    let pts = runs.compactMap { r in r.dateUnixS.flatMap { d in r.medians[m.key].map { (d, $0) } } }
    html += svgTrend(id: "trend-\(m.key)", title: m.label, unit: m.unit, digits: m.digits, points: pts)
  }
  html += "</div><h2>Training load</h2>"
  if findings.isEmpty {
    html += "<p id=\"no-findings\">No training-load findings across these runs.</p>"
  }
  for f in findings {
    html += "<div class=\"finding \(f.severity.rawValue)\" data-finding=\"\(escapeHTML(f.id))\"><b>\(escapeHTML(humanFlagTitle(f.id)))</b> · \(escapeHTML(f.week))<div>\(escapeHTML(f.message))</div><div class=\"evidence\">Evidence: \(escapeHTML(f.evidence))</div></div>"
  }
  html += "<p class=\"meta\">Training-load findings describe patterns associated with running-related back pain and injury; they are not a diagnosis.</p>"
  html += "<footer>Generated by gaitline \(gaitlineVersion) from \(runs.count) reports. Self-contained: no scripts, no network.</footer></body></html>\n"
  return html
}
