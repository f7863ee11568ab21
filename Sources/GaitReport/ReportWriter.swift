//===--- ReportWriter.swift -----------------------------------------------===//
// The JSON report (schema gaitline.report/1, docs/REPORT.md), the per-step
// CSV and the terminal summary.
//===----------------------------------------------------------------------===//
import GaitCore
import GaitDSP
import GaitIngest
import GaitScoring
import Foundation

/// gaitline's version, written into every report.
public let gaitlineVersion = "0.1.0"

/// The report schema identifier.
public let reportSchema = "gaitline.report/1"

extension Distribution {
  /// `{"mean", "median", "sd", "p10", "p90", "n"}`.
  func json(_ digits: Int = 2) -> JSONValue {
    .object([("mean", .num(mean, digits)), ("median", .num(median, digits)), ("sd", .num(sd, digits)),
             ("p10", .num(p10, digits)), ("p90", .num(p90, digits)), ("n", .number(Double(count)))])
  }
}

func dist(_ d: Distribution?, _ digits: Int = 2) -> JSONValue { d?.json(digits) ?? .null }

/// Builds the JSON report of one analysed input.
public func reportJSON(_ r: AnalysisResult, includeSteps: Bool = true) -> JSONValue {
  let ing = r.ingest
  let input: JSONValue = .object([
    ("path", .string(r.path)),
    ("format", .string(ing.format)),
    ("placement", .string(r.placement.rawValue)),
    ("placement_source", .string(r.placementSource)),
    ("placement_feature_deg", .num(r.placementFeatureDeg, 1)),
    ("side", .str(r.options.side?.rawValue ?? r.info.side?.rawValue)),
    ("frame", .string(r.info.frame.rawValue)),
    ("sample_rate_hz", .num(ing.sampleRateHz, 4)),
    ("measured_rate_hz", .num(ing.measuredRateHz, 4)),
    ("nominal_rate_hz", .num(ing.nominalRateHz, 4)),
    ("duration_s", .num(ing.durationS, 3)),
    ("samples", .number(Double(ing.samples))),
    ("start_time_unix_s", .num(r.info.startTimeUnixS, 3)),
    ("units_detected", .string(ing.unitsDetected)),
    ("units_source", .string(ing.unitsSource)),
    ("gyro_units", .str(ing.gyroUnits)),
    ("timestamp_unit", .string(ing.timestampUnit)),
    ("columns", .object(ing.columns.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
    ("resampled", .bool(ing.resampled)),
    ("gaps", .array(ing.gaps.map {
      .object([("start_s", .num($0.startS, 3)), ("duration_s", .num($0.durationS, 3)),
               ("missing_samples", .number(Double($0.missingSamples)))])
    })),
    ("clipped_samples", .number(Double(ing.clippedSamples))),
    ("skipped_blocks", .number(Double(ing.skippedBlocks))),
    ("warnings", .array((ing.warnings + r.warnings).map(JSONValue.string))),
  ])
  let s = r.summary
  let summary: JSONValue = .object([
    ("steps", .number(Double(s.steps))),
    ("running_steps", .number(Double(s.runningSteps))),
    ("basis", .string(s.basis.rawValue)),
    ("cadence_spm", dist(s.cadenceSpm, 1)),
    ("cadence_spectral_spm", .num(s.cadenceSpectralSpm, 1)),
    ("step_time_ms", dist(s.stepTimeMs, 1)),
    ("ground_contact_ms", dist(s.groundContactMs, 1)),
    ("ground_contact_uncertainty_ms", .num(s.groundContactUncertaintyMs, 0)),
    ("flight_ms", dist(s.flightMs, 1)),
    ("duty_factor", dist(s.dutyFactor, 3)),
    ("vertical_oscillation_cm", dist(s.verticalOscillationCm, 2)),
    ("vertical_ratio_pct", .num(s.verticalRatioPct, 2)),
    ("trunk_lean_deg", dist(s.trunkLeanDeg, 1)),
    ("trunk_lean_reference", .string(s.trunkLeanReference.rawValue)),
    ("lateral_sway_cm", dist(s.lateralSwayCm, 2)),
    ("braking_mps", dist(s.brakingMps, 3)),
    ("impact_g", dist(s.impactG, 2)),
    ("tibial_shock_g", dist(s.tibialShockG, 2)),
    ("tibial_shock_rate_gps", dist(s.tibialShockRateGps, 0)),
    ("tibial_shock_clipped_steps", .number(Double(s.tibialShockClippedSteps))),
    ("gct_balance_left_pct", .num(s.gctBalanceLeftPct, 1)),
    ("mounting_tilt_deg", .num(s.mountingTiltDeg, 1)),
    ("running_s", .num(s.runningSeconds, 1)),
  ])
  var pairs: [(String, JSONValue)] = [
    ("schema", .string(reportSchema)),
    ("gaitline_version", .string(gaitlineVersion)),
    ("input", input),
    ("options", .object([
      ("placement", .str(r.options.placement?.rawValue)),
      ("side", .str(r.options.side?.rawValue)),
      ("speed_mps", .num(r.options.speedMps, 3)),
      ("segment_s", .num(r.options.segmentSeconds, 3)),
      ("low_pass_hz", .num(r.options.lowPassHz, 2)),
      ("contact_threshold_g", .num(r.options.contactThresholdG, 3)),
    ])),
    ("summary", summary),
    ("running_stretches", .array(s.runningStretches.map { .object([("start_s", .num($0.startS, 2)), ("end_s", .num($0.endS, 2))]) })),
    ("bouts", .array(gaitBouts(r.steps, segments: r.segments, speedMps: r.options.speedMps, whole: r.summarised).map { b in
      .object([("start_s", .num(b.startS, 2)), ("end_s", .num(b.endS, 2)), ("kind", .string(b.kind)),
               ("steps", .number(Double(b.summary.steps))), ("running_steps", .number(Double(b.summary.runningSteps))),
               ("cadence_spm", dist(b.summary.cadenceSpm, 1)),
               ("ground_contact_ms", dist(b.summary.groundContactMs, 1)), ("flight_ms", dist(b.summary.flightMs, 1)),
               ("duty_factor", dist(b.summary.dutyFactor, 3)),
               ("vertical_oscillation_cm", dist(b.summary.verticalOscillationCm, 2)),
               ("trunk_lean_deg", dist(b.summary.trunkLeanDeg, 1)),
               ("lateral_sway_cm", dist(b.summary.lateralSwayCm, 2)), ("braking_mps", dist(b.summary.brakingMps, 3)),
               ("gct_balance_left_pct", .num(b.summary.gctBalanceLeftPct, 1)),
               ("ground_contact_uncertainty_ms", .num(s.groundContactUncertaintyMs, 0))])
    })),
    ("cadence_over_time", .array(r.segments.map { seg in
      .object([("start_s", .num(seg.startS, 2)), ("end_s", .num(seg.endS, 2)),
               ("cadence_spm", .num(seg.cadenceSpectralSpm, 1)), ("steps", .number(Double(seg.steps))),
               ("running_steps", .number(Double(seg.runningSteps))), ("trunk_lean_deg", .num(seg.trunkLeanDeg, 1))])
    })),
  ]
  // The track block follows the summary; present only with a track.
  if let t = r.track { pairs.insert(("track", trackJSON(t)), at: (pairs.firstIndex { $0.0 == "summary" } ?? pairs.count - 1) + 1) }
  if includeSteps {
    let columns = r.track.map { stepColumns + trackStepColumns($0) } ?? stepColumns
    pairs.append(("steps", .array(r.steps.enumerated().map { stepJSON($1, index: $0, columns: columns) })))
  } else { pairs.append(("steps", .string(stepsPlaceholder))) }
  if let b = r.baseline {
    pairs.append(("baseline", .object([
      ("runs", .number(Double(b.runs))), ("cadence_spm", .num(b.cadenceSpm, 1)),
      ("ground_contact_ms", .num(b.groundContactMs, 1)), ("braking_mps", .num(b.brakingMps, 3)),
      ("trunk_lean_deg", .num(b.trunkLeanDeg, 1)), ("lateral_sway_cm", .num(b.lateralSwayCm, 2)),
    ])))
  }
  pairs.append(("flags", .array(r.flags.map(flagJSON))))
  return .object(pairs)
}

/// Stands in for the steps array in ``reportText(_:inserting:at:)``.
let stepsPlaceholder = "\u{1}gaitline-steps\u{1}"

/// The JSON report as text (with a final newline), the same text as
/// `reportJSON(r).serialized()`: ``writeReport(_:inserting:at:to:)`` into a
/// string. `inserting` adds members at position `at` (the cohort block).
public func reportText(_ r: AnalysisResult, inserting extra: [(String, JSONValue)] = [], at position: Int = 2) -> String {
  collectText { try writeReport(r, inserting: extra, at: position, to: $0) }
}

func flagJSON(_ f: RiskFlag) -> JSONValue {
  .object([
    ("id", .string(f.id)), ("severity", .string(f.severity.rawValue)), ("metric", .string(f.metric)),
    ("value", .num(f.value, 3)), ("threshold", .num(f.threshold, 3)), ("unit", .string(f.unit)),
    ("span", f.startS.map { start in .object([("start_s", .num(start, 2)), ("end_s", .num(f.endS, 2))]) } ?? .null),
    ("message", .string(f.message)), ("evidence", .string(f.evidence)), ("advice", .string(f.advice)),
  ])
}

/// A text CSV cell (RFC 4180): quoted, with quotes doubled, when it holds a
/// comma, a quote, a line feed or a carriage return. Text that a
/// spreadsheet would run as a formula (a cell starting with `=`, `+`, `-`,
/// `@`, tab or CR; OWASP "CSV injection") gets a leading `'` and is quoted;
/// a number such as `-1.2` stays as it is. Numbers written by gaitline do
/// not go through here.
public func csvField(_ s: String) -> String {
  var s = s
  if let c = s.utf8.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D].contains(c),
     !(Double(s)?.isFinite == true && s.allSatisfy({ "0123456789.+-eE".contains($0) }))
  {
    s = "'" + s
  }
  let special = s.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
  return special || s.hasPrefix("'") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

/// The per-step table (``stepColumns``); column names carry their units.
public func stepsCSV(_ steps: [Step]) -> String {
  collectText { try writeStepsCSV(steps, to: $0) }
}

/// `String(format: "%.<digits>f", v)`, through ``formatFixed(_:digits:into:)``
/// (`String(format:)` only where that declines: near a tie, large values).
/// The terminal summary's ~30 numbers cost ~1.4 M instructions through
/// Foundation's varargs (issue #16).
func fixedText(_ v: Double, _ digits: Int) -> String {
  withUnsafeTemporaryAllocation(of: UInt8.self, capacity: fixedTextCapacity) { buffer in
    guard let n = formatFixed(v, digits: digits, into: buffer.baseAddress!) else { return String(format: "%.\(digits)f", v) }
    return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<n]), as: UTF8.self)
  }
}

/// `label.padding(toLength: width, withPad: " ", startingAt: 0)` for a
/// label of ASCII shorter than `width` (Foundation's padding cost ~0.1 M
/// instructions a call); others through `padding` itself.
func paddedLabel(_ label: String, to width: Int) -> String {
  let n = label.utf8.count
  guard n < width, label.utf8.allSatisfy({ $0 < 0x80 }) else { return label.padding(toLength: width, withPad: " ", startingAt: 0) }
  return label + String(repeating: " ", count: width - n)
}

/// A summary a person can read at a glance.
public func textSummary(_ r: AnalysisResult) -> String {
  let s = r.summary
  var lines: [String] = []
  let name = (r.path as NSString).lastPathComponent
  lines.append("\(name): \(r.placement.rawValue) sensor (\(r.placementSource)), \(String(format: "%.4g", r.ingest.sampleRateHz)) Hz, \(String(format: "%.1f", r.ingest.durationS)) s, units \(r.ingest.unitsDetected)")
  lines.append("  steps \(s.steps) (\(s.runningSteps) running), metrics over \(s.basis == .running ? "running steps" : "all steps")")
  // The metric rows: the common ones, then those of the placement.
  var rows: [(label: String, value: Distribution?, unit: String, digits: Int)] = [
    ("cadence", s.cadenceSpm, "spm", 0), ("ground contact", s.groundContactMs, "ms", 0),
    ("flight", s.flightMs, "ms", 0), ("duty factor", s.dutyFactor, "", 2),
  ]
  if r.placement == .hip {
    rows += [("vertical oscillation", s.verticalOscillationCm, "cm", 1), ("trunk lean", s.trunkLeanDeg, "deg", 1),
             ("lateral sway", s.lateralSwayCm, "cm", 1), ("braking", s.brakingMps, "m/s", 2)]
  }
  rows.append(("impact", s.impactG, "g", 1))
  if r.placement == .shank {
    rows += [("tibial shock", s.tibialShockG, "g", 1), ("tibial shock rise", s.tibialShockRateGps, "g/s", 0)]
  }
  for row in rows {
    let label = paddedLabel(row.label, to: 22)
    guard let d = row.value else { lines.append("  \(label) n/a"); continue }
    let digits = row.digits
    lines.append("  \(label) \(fixedText(d.median, digits)) \(row.unit)  (p10 \(fixedText(d.p10, digits)), p90 \(fixedText(d.p90, digits)))")
    if row.label == "ground contact", let u = s.groundContactUncertaintyMs {
      lines.append("    uncertainty          ±\(fixedText(u, 0)) ms per step (shank toe-off from acceleration; literature)")
    }
  }
  if r.placement == .shank, s.tibialShockClippedSteps > 0 {
    lines.append("  tibial shock: \(s.tibialShockClippedSteps) step(s) hit the sensor's range; their peak is a lower bound")
  }
  if let b = s.gctBalanceLeftPct { lines.append("  GCT balance            \(fixedText(b, 1)) % left") }
  // With --speed (no track: the track's lines show its own), the vertical
  // ratio the JSON has was shown nowhere else.
  if r.track == nil, let v = s.verticalRatioPct {
    lines.append("  \(paddedLabel("vertical ratio", to: 22)) \(fixedText(v, 2)) %  (vertical oscillation / step length at the given speed)")
  }
  if let t = r.track { lines += trackSummaryLines(t) }
  if r.flags.isEmpty {
    lines.append("  flags: none")
  } else {
    lines.append("  flags:")
    for f in r.flags {
      lines.append("    [\(f.severity.rawValue)] \(f.id): \(f.message)")
      lines.append("      advice: \(f.advice)")
    }
  }
  for w in r.ingest.warnings + r.warnings { lines.append("  note: \(w)") }
  return lines.joined(separator: "\n") + "\n"
}
