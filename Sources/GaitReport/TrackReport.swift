//===--- TrackReport.swift ------------------------------------------------===//
// `analyze --track`: an analysed run placed on the runner's watch track
// (GPX, TCX or FIT), and how the track's numbers appear in each output: the
// JSON `track` block and step columns, the steps CSV, the terminal summary
// and the HTML report (docs/REPORT.md).
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
import GaitDSP
import GaitIngest

/// Places the steps of `r` on `track` and keeps the result in `r.track`.
/// The recording's first sample is at `startTimeUnixS` (given by the user;
/// else the recording's own start time) plus `offsetS` on the track's clock.
/// Without a `--speed`, the summary's vertical ratio becomes the median of
/// the per-step ratios.
///
/// Throws a `ReportError` naming both time spans when the recording has
/// no start time or the spans do not overlap.
public func attachTrack(_ track: Track, to r: inout AnalysisResult, startTimeUnixS: Double? = nil, offsetS: Double = 0) throws {
  guard let start = startTimeUnixS ?? r.info.startTimeUnixS else {
    throw ReportError(.badTimestamps,
      "the recording has no start time (its \(r.ingest.format) data has no clock time), so its steps cannot be placed on the track "
      + "\(track.startUnixS.flatMap { a in track.endUnixS.map { formatSpan(a, $0) } } ?? ""). "
      + "Give the time of its first sample with --start-time 2026-05-03T07:00:00Z (ISO 8601)",
      path: r.path)
  }
  let source = startTimeUnixS != nil ? "option" : "file"
  do {
    r.track = try alignSteps(r.steps, durationS: r.ingest.durationS, on: track, recordingStartUnixS: start + offsetS,
                             startTimeSource: source, offsetS: offsetS)
  } catch TrackAlignmentError.noOverlap(let a, let b, let c, let d) {
    let gap = a > d ? a - d : c - b
    // A whole number of hours that makes the spans meet is a time-zone
    // mistake: suggest it; else the shift that puts the starts together.
    let hours = (((c + d) - (a + b)) / 2 / 3600).rounded() * 3600
    let zone = hours != 0 && a + hours <= d && b + hours >= c
    let shift = zone ? hours : c - a
    throw ReportError(.badTimestamps,
      "the recording (\(formatSpan(a, b))\(offsetS != 0 ? String(format: ", with --track-offset %g s", offsetS) : "")) and the track "
      + "\(track.path) (\(formatSpan(c, d))) do not overlap in time: they are \(durationText(gap)) apart. "
      + "Check that the track is of the same run; if a clock was wrong (or the recording's start time is local time), "
      + "shift the recording with --track-offset SECONDS (e.g. --track-offset \(String(format: "%.0f", shift + offsetS))\(zone ? ", a whole number of hours: a time-zone difference" : " puts its start at the track's")) "
      + "or give its start with --start-time ISO8601",
      path: r.path)
  }
  if r.options.speedMps == nil { r.summary.verticalRatioPct = r.track?.verticalRatioPct?.median }
  r.warnings += r.track?.warnings ?? []
}

/// `3 h 12 min`, `4 min 10 s`, `12 s`.
func durationText(_ s: Double) -> String {
  let v = abs(s)
  if v >= 86_400 { return String(format: "%.1f days", v / 86_400) }
  if v >= 3600 { return "\(Int(v / 3600)) h \(Int(v.truncatingRemainder(dividingBy: 3600) / 60)) min" }
  if v >= 60 { return "\(Int(v / 60)) min \(Int(v.truncatingRemainder(dividingBy: 60))) s" }
  return String(format: "%.0f s", v)
}

/// The step columns a track adds (after ``stepColumns``): `speed_mps`,
/// `distance_m`, `step_length_m`, `vertical_ratio_pct`.
public func trackStepColumns(_ t: TrackAnalysis) -> [StepColumn] {
  let steps = t.steps
  return [
    StepColumn("speed_mps", .indexed({ steps[$0].speedMps }, digits: 3)),
    StepColumn("distance_m", .indexed({ steps[$0].distanceM }, digits: 1)),
    StepColumn("step_length_m", .indexed({ steps[$0].stepLengthM }, digits: 3)),
    StepColumn("vertical_ratio_pct", .indexed({ steps[$0].verticalRatioPct }, digits: 2)),
  ]
}

/// `4:10` (minutes:seconds per kilometre).
public func paceText(_ sPerKm: Double?) -> String {
  guard let v = sPerKm, v.isFinite, v > 0 else { return "–" }
  let whole = Int(v.rounded())
  return "\(whole / 60):\(whole % 60 < 10 ? "0" : "")\(whole % 60)"
}

/// The report's `track` block (docs/REPORT.md).
func trackJSON(_ t: TrackAnalysis) -> JSONValue {
  .object([
    ("path", .string(t.path)),
    ("format", .string(t.format)),
    ("distance_source", .string(t.distanceSource)),
    ("speed_source", .string(t.speedSource)),
    ("track_start_unix_s", .num(t.trackStartUnixS, 3)),
    ("track_end_unix_s", .num(t.trackEndUnixS, 3)),
    ("recording_start_unix_s", .num(t.recordingStartUnixS, 3)),
    ("start_time_source", .string(t.startTimeSource)),
    ("offset_s", .num(t.offsetS, 3)),
    ("steps_outside", .number(Double(t.stepsOutside))),
    ("distance_m", .num(t.distanceCoveredM, 1)),
    ("speed_mps", dist(t.speedMps, 3)),
    ("step_length_m", dist(t.stepLengthM, 3)),
    ("vertical_ratio_pct", dist(t.verticalRatioPct, 2)),
    ("splits", .array(t.splits.map { s in
      .object([
        ("km", .number(Double(s.km))), ("start_m", .num(s.startM, 1)), ("end_m", .num(s.endM, 1)),
        ("start_s", .num(s.startS, 2)), ("end_s", .num(s.endS, 2)),
        ("steps", .number(Double(s.steps))), ("running_steps", .number(Double(s.runningSteps))),
        ("cadence_spm", .num(s.cadenceSpm, 1)), ("ground_contact_ms", .num(s.groundContactMs, 1)),
        ("vertical_oscillation_cm", .num(s.verticalOscillationCm, 2)), ("step_length_m", .num(s.stepLengthM, 3)),
        ("vertical_ratio_pct", .num(s.verticalRatioPct, 2)), ("pace_s_per_km", .num(s.paceSPerKm, 1)),
      ])
    })),
  ])
}

/// The terminal summary's lines for a track.
func trackSummaryLines(_ t: TrackAnalysis) -> [String] {
  var lines: [String] = []
  func pad(_ s: String) -> String { s.padding(toLength: 22, withPad: " ", startingAt: 0) }
  func row(_ label: String, _ d: Distribution?, _ unit: String, _ digits: Int) {
    guard let d else { lines.append("  \(pad(label)) n/a"); return }
    let f = "%.\(digits)f"
    lines.append("  \(pad(label)) \(String(format: f, d.median)) \(unit)  (p10 \(String(format: f, d.p10)), p90 \(String(format: f, d.p90)))")
  }
  let name = (t.path as NSString).lastPathComponent
  lines.append("  track \(name) (\(t.format.uppercased())): \(String(format: "%.0f", t.distanceCoveredM ?? 0)) m during the recording"
               + (t.offsetS != 0 ? String(format: ", offset %g s", t.offsetS) : ""))
  row("speed", t.speedMps, "m/s", 2)
  if let v = t.speedMps?.median, v > 0 { lines.append("  \(pad("pace")) \(paceText(1000 / v)) /km") }
  row("step length", t.stepLengthM, "m", 2)
  row("vertical ratio", t.verticalRatioPct, "%", 1)
  if !t.splits.isEmpty {
    lines.append("  splits:  km  distance m    pace  cadence  contact ms  VO cm  ratio %")
    func f(_ v: Double?, _ fmt: String) -> String { v.map { String(format: fmt, $0) } ?? "–" }
    for s in t.splits {
      let span = String(format: "%.0f–%.0f", s.startM, s.endM)
      lines.append("  " + [String(repeating: " ", count: 8) + String(format: "%3d", s.km),
                           span.leftPadded(12), paceText(s.paceSPerKm).leftPadded(7), f(s.cadenceSpm, "%.0f").leftPadded(8),
                           f(s.groundContactMs, "%.0f").leftPadded(11), f(s.verticalOscillationCm, "%.1f").leftPadded(6),
                           f(s.verticalRatioPct, "%.1f").leftPadded(8)].joined())
    }
  }
  return lines
}

extension String {
  func leftPadded(_ n: Int) -> String { count >= n ? " " + self : String(repeating: " ", count: n - count) + self }
}

/// The HTML report's track section: a summary, the splits table and the
/// per-step metrics against distance (four charts: two rows of two). Starts by closing the open chart row
/// and ends inside a new one.
func trackHTML(_ t: TrackAnalysis, steps: [Step], basis: SummaryBasis) -> String {
  func f(_ v: Double?, _ fmt: String) -> String { v.map { String(format: fmt, $0) } ?? "–" }
  var html = "</div><h2 id=\"track\">On the watch track</h2>"
  html += "<p class=\"meta\">\(escapeHTML((t.path as NSString).lastPathComponent)) (\(t.format.uppercased()); distance from \(t.distanceSource == "file" ? "the watch's distance" : "GPS positions"), speed from \(t.speedSource == "file" ? "the watch's speed" : "distance over 10 s")) · \(f(t.distanceCoveredM, "%.0f")) m during the recording"
  html += t.offsetS != 0 ? " · clock offset \(String(format: "%g", t.offsetS)) s" : ""
  html += "</p><table><tr><th>metric</th><th>median</th><th>p10–p90</th><th>steps</th></tr>"
  for (label, d, unit, digits) in [("speed", t.speedMps, "m/s", 2), ("step length", t.stepLengthM, "m", 2), ("vertical ratio", t.verticalRatioPct, "%", 1)] {
    let fmt = "%.\(digits)f"
    if let d {
      html += "<tr><th>\(label)</th><td>\(String(format: fmt, d.median)) \(unit)</td><td>\(String(format: fmt, d.p10))–\(String(format: fmt, d.p90))</td><td>\(d.count)</td></tr>"
    } else {
      html += "<tr><th>\(label)</th><td colspan=\"3\" class=\"na\">not measured</td></tr>"
    }
  }
  html += "</table><h2>Splits per kilometre</h2><table id=\"splits\"><tr><th>km</th><th>distance (m)</th><th>pace (/km)</th><th>cadence (spm)</th><th>contact (ms)</th><th>vertical oscillation (cm)</th><th>step length (m)</th><th>vertical ratio (%)</th><th>steps</th></tr>"
  for s in t.splits {
    html += "<tr><td>\(s.km)</td><td>\(String(format: "%.0f–%.0f", s.startM, s.endM))</td><td>\(paceText(s.paceSPerKm))</td><td>\(f(s.cadenceSpm, "%.0f"))</td><td>\(f(s.groundContactMs, "%.0f"))</td><td>\(f(s.verticalOscillationCm, "%.1f"))</td><td>\(f(s.stepLengthM, "%.2f"))</td><td>\(f(s.verticalRatioPct, "%.1f"))</td><td>\(s.steps)</td></tr>"
  }
  html += "</table><p class=\"meta\">A split holds the steps whose contact lies in that kilometre of the track; the first and last splits cover only the part of the kilometre the recording spans.</p><div class=\"charts\">"
  let use = steps.indices.filter { basis == .all || steps[$0].running }
  func pts(_ v: (Int) -> Double?) -> [(Double, Double)] {
    use.compactMap { k in t.steps[k].distanceM.flatMap { d in v(k).map { (d / 1000, $0) } } }
  }
  html += svgSeries(id: "plot-ratio-distance", title: "Vertical ratio", unit: "%", points: pts { t.steps[$0].verticalRatioPct }, distanceAxis: true)
  html += svgSeries(id: "plot-step-length-distance", title: "Step length", unit: "m", points: pts { t.steps[$0].stepLengthM }, distanceAxis: true)
  html += svgSeries(id: "plot-cadence-distance", title: "Cadence", unit: "steps/min", points: pts { steps[$0].stepTimeMs.map { 60_000 / $0 } }, distanceAxis: true)
  html += svgSeries(id: "plot-contact-distance", title: "Ground contact time", unit: "ms", points: pts { steps[$0].groundContactMs }, distanceAxis: true)
  return html
}
