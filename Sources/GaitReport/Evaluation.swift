//===--- Evaluation.swift -------------------------------------------------===//
// Accuracy of detected steps against a lab reference, as a feature.
//===----------------------------------------------------------------------===//
import GaitCore
import GaitDSP
import GaitIngest
import Foundation

/// One reference contact (force plate, instrumented treadmill, insoles).
public struct TruthContact: Sendable, Hashable {
  /// Reference initial contact (foot strike), seconds on the recording's clock.
  public var icS: Double
  /// Reference terminal contact (toe-off), s; `nil` when the reference has no toe-off.
  public var tcS: Double?
  /// The step's true vertical oscillation (from this contact to the next),
  /// cm, when the reference knows it (a `vo_cm` column, or force).
  public var verticalOscillationCm: Double?
  /// A reference contact; only the initial contact is required.
  public init(icS: Double, tcS: Double? = nil, verticalOscillationCm: Double? = nil) {
    self.icS = icS
    self.tcS = tcS
    self.verticalOscillationCm = verticalOscillationCm
  }
}

/// How detected steps compare with reference contacts.
public struct Evaluation: Sendable {
  /// The matching tolerance: a detection within this many ms of a reference initial contact may match it.
  public var toleranceMs: Double
  /// Reference contacts given.
  public var truthContacts: Int
  /// Detections inside the reference's time span (± tolerance).
  public var detections: Int
  /// Reference contacts matched one-to-one by a detection.
  public var matched: Int
  /// Matched / reference contacts (0–1).
  public var recall: Double
  /// Matched / detections inside the reference's span (0–1).
  public var precision: Double
  /// Detected minus reference initial contact, ms.
  public var icBiasMs: Double?
  /// Standard deviation of the initial-contact errors, ms (`nil` without matches, 0 with one).
  public var icSdMs: Double?
  /// Detected minus reference contact time, ms, with 95 % limits of agreement.
  public var contactBiasMs: Double?
  /// Standard deviation of the contact-time errors, ms.
  public var contactSdMs: Double?
  /// Root-mean-square contact-time error, ms.
  public var contactRmseMs: Double?
  /// Matched pairs that have a contact time on both sides.
  public var contactPairs: Int
  /// Steps/min from the mean interval between contacts.
  public var cadenceReferenceSpm: Double?
  /// Contacts per minute of the detections in the reference's span, from the first to the last.
  public var cadenceDetectedSpm: Double?
  /// Detected minus reference cadence, % of the reference; `nil` when either is unknown.
  public var cadenceErrorPct: Double?
  /// Each matched pair: the reference contact (index into the reference
  /// sorted by time) and the detected step.
  public var matches: [(truthIndex: Int, step: Step)] = []
  /// Detected minus reference initial contact of every match, ms.
  public var icErrorsMs: [Double] = []
  /// Detected minus reference contact time of every pair that has both, ms.
  public var contactErrorsMs: [Double] = []

  /// 95 % limits of agreement of the contact time (bias ± 1.96 SD), ms; `nil` without pairs.
  public var limitsOfAgreementMs: (Double, Double)? {
    guard let b = contactBiasMs, let s = contactSdMs else { return nil }
    return (b - 1.96 * s, b + 1.96 * s)
  }
}

/// Matches detections to reference contacts one-to-one (nearest first,
/// within `toleranceS`). Precision counts only detections inside the span
/// the reference covers, since references rarely cover a whole recording.
/// Cadence compares the rate of the reference contacts with the rate of the
/// detected contacts in that span (both one foot's contacts for a foot
/// or shank sensor; for a reference of stride boundaries use ``evaluateStrides(steps:strideStartsS:strideEndsS:)``).
public func evaluate(steps: [Step], truth: [TruthContact], toleranceS: Double) -> Evaluation {
  let t = truth.sorted { $0.icS < $1.icS }
  // The tolerance is inclusive to the nanosecond: a detection exactly one
  // 50 Hz sample (20 ms) from its contact is within ±20 ms even when i/rate
  // and the reference's decimal time differ in the last bits (1e-14 s).
  let within = toleranceS + 1e-9
  let lo = (t.first?.icS ?? 0) - within, hi = (t.last?.icS ?? 0) + within
  let det = steps.filter { $0.icS >= lo && $0.icS <= hi }.sorted { $0.icS < $1.icS }
  // All candidate pairs within tolerance, closest first.
  var pairs: [(Int, Int, Double)] = []
  for (i, tr) in t.enumerated() {
    for (j, d) in det.enumerated() where abs(d.icS - tr.icS) <= within { pairs.append((i, j, abs(d.icS - tr.icS))) }
  }
  pairs.sort { $0.2 < $1.2 }
  var usedT = Set<Int>(), usedD = Set<Int>()
  var icErr: [Double] = [], ctErr: [Double] = []
  var matches: [(truthIndex: Int, step: Step)] = []
  for (i, j, _) in pairs where !usedT.contains(i) && !usedD.contains(j) {
    usedT.insert(i); usedD.insert(j)
    matches.append((i, det[j]))
    icErr.append((det[j].icS - t[i].icS) * 1000)
    if let ttc = t[i].tcS, let dtc = det[j].tcS { ctErr.append(((dtc - det[j].icS) - (ttc - t[i].icS)) * 1000) }
  }
  func meanSD(_ x: [Double]) -> (Double, Double)? {
    guard !x.isEmpty else { return nil }
    let m = x.reduce(0, +) / Double(x.count)
    let sd = x.count > 1 ? (x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)).squareRoot() : 0
    return (m, sd)
  }
  func cadence(_ times: [Double]) -> Double? {
    guard times.count >= 2 else { return nil }
    let span = times.last! - times.first!
    return span > 0 ? 60 * Double(times.count - 1) / span : nil
  }
  var e = Evaluation(
    toleranceMs: toleranceS * 1000, truthContacts: t.count, detections: det.count, matched: usedT.count,
    recall: t.isEmpty ? 0 : Double(usedT.count) / Double(t.count),
    precision: det.isEmpty ? 0 : Double(usedD.count) / Double(det.count),
    icBiasMs: meanSD(icErr)?.0, icSdMs: meanSD(icErr)?.1,
    contactBiasMs: meanSD(ctErr)?.0, contactSdMs: meanSD(ctErr)?.1,
    contactRmseMs: ctErr.isEmpty ? nil : (ctErr.reduce(0) { $0 + $1 * $1 } / Double(ctErr.count)).squareRoot(),
    contactPairs: ctErr.count,
    cadenceReferenceSpm: cadence(t.map(\.icS)), cadenceDetectedSpm: cadence(det.map(\.icS)), cadenceErrorPct: nil)
  if let r = e.cadenceReferenceSpm, let d = e.cadenceDetectedSpm { e.cadenceErrorPct = 100 * (d - r) / r }
  e.matches = matches.sorted { $0.truthIndex < $1.truthIndex }
  e.icErrorsMs = icErr
  e.contactErrorsMs = ctErr
  return e
}

/// Agreement of paired measurements (Bland & Altman 1986): the differences
/// (method − reference), their mean (bias), standard deviation, 95 % limits
/// of agreement (bias ± 1.96 SD) and root-mean-square.
public struct Agreement: Sendable, Hashable {
  /// Number of paired differences.
  public var n: Int
  /// Mean difference (method − reference), in the measurement's unit.
  public var bias: Double
  /// Standard deviation of the differences (n − 1); 0 for a single pair.
  public var sd: Double
  /// Root-mean-square of the differences.
  public var rmse: Double
  /// Lower 95 % limit of agreement: bias − 1.96 SD.
  public var lowerLimit: Double { bias - 1.96 * sd }
  /// Upper 95 % limit of agreement: bias + 1.96 SD.
  public var upperLimit: Double { bias + 1.96 * sd }

  /// `nil` without differences.
  public init?(_ differences: [Double]) {
    guard !differences.isEmpty else { return nil }
    n = differences.count
    bias = differences.reduce(0, +) / Double(n)
    let m = bias
    sd = n > 1 ? (differences.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)).squareRoot() : 0
    rmse = (differences.reduce(0) { $0 + $1 * $1 } / Double(n)).squareRoot()
  }
}

/// Detected minus reference vertical oscillation, cm, over the matched
/// steps whose reference knows it.
public func verticalOscillationDifferences(_ e: Evaluation, truth: [TruthContact]) -> [Double] {
  let t = truth.sorted { $0.icS < $1.icS }
  return e.matches.compactMap { m in
    guard let ref = t[m.truthIndex].verticalOscillationCm, let vo = m.step.verticalOscillationCm else { return nil }
    return vo - ref
  }
}

/// The centre of mass's vertical oscillation per reference step from a
/// vertical ground-reaction force: over each step (one contact to the next)
/// the acceleration F/m − g is integrated twice with the mean removed from
/// the acceleration and then from the velocity (the step is periodic), and
/// the peak-to-peak displacement is the step's VO, cm. `forceBW` is in body
/// weights (F/(m·g)), sampled at `timeS`. Steps longer than 1.5× the median
/// step (pauses) get `nil`, as does the last contact.
public func forceVerticalOscillation(timeS: [Double], forceBW: [Double], contacts: [TruthContact]) -> [TruthContact] {
  var out = contacts.sorted { $0.icS < $1.icS }
  guard out.count >= 2, timeS.count == forceBW.count, timeS.count >= 2 else { return out }
  let steps = zip(out.dropFirst(), out).map { $0.icS - $1.icS }
  let median = Statistics.median(steps) ?? 0
  let g = 9.80665
  func index(_ t: Double) -> Int {
    var lo = 0, hi = timeS.count - 1
    while lo < hi { let mid = (lo + hi) / 2; if timeS[mid] < t { lo = mid + 1 } else { hi = mid } }
    return lo
  }
  for k in 0..<(out.count - 1) {
    out[k].verticalOscillationCm = nil
    guard steps[k] <= 1.5 * median, out[k].icS >= timeS[0], out[k + 1].icS <= timeS[timeS.count - 1] else { continue }
    let a = index(out[k].icS), b = index(out[k + 1].icS)
    guard b - a >= 4 else { continue }
    let dt = (timeS[b] - timeS[a]) / Double(b - a)
    var mean = 0.0
    for i in a..<b { mean += (forceBW[i] - 1) * g }
    mean /= Double(b - a)
    var v = 0.0, vs: [Double] = []
    for i in a..<b { v += ((forceBW[i] - 1) * g - mean) * dt; vs.append(v) }
    let vMean = vs.reduce(0, +) / Double(vs.count)
    var d = 0.0, lo = 0.0, hi = 0.0
    for x in vs { d += (x - vMean) * dt; lo = min(lo, d); hi = max(hi, d) }
    out[k].verticalOscillationCm = (hi - lo) * 100
  }
  out[out.count - 1].verticalOscillationCm = nil
  return out
}

/// A column of numbers of a recording's CSV (e.g. a force-plate column
/// beside the accelerometer's), with its time column.
public func loadForce(path: String, column: String) throws -> (timeS: [Double], force: [Double]) {
  let table = try CSVTable(path: path)
  guard let tc = table.column(["time_s", "time", "t"]) else {
    throw ReportError(.noHeader, "the recording needs a time_s column to align the force", path: path, line: 1)
  }
  guard let fc = table.column([column.lowercased()]) else {
    throw ReportError(.invalidArgument, "--force-column names '\(column)', which the recording does not have", path: path)
  }
  var time: [Double] = [], force: [Double] = []
  for row in table.rows {
    guard let t = Double(row[tc]), let f = Double(row[fc]) else { continue }
    time.append(t); force.append(f)
  }
  return (time, force)
}

/// Compares stride times stride by stride with a reference list of stride
/// boundaries of the sensor's foot. Reference strides longer than 1.5× their
/// median (pauses, turns on the spot) are left out; each remaining one is
/// matched to the detected contacts nearest its two ends (after removing the
/// median offset between reference boundaries and contacts, within 20 % of a
/// stride). Returns the mean reference and detected stride over the matched
/// strides and the error of the detected mean, %.
public func evaluateStrides(steps: [Step], strideStartsS: [Double], strideEndsS: [Double]? = nil)
  -> (referenceStrideS: Double, detectedStrideS: Double, errorPct: Double, matched: Int, total: Int)?
{
  let starts = strideStartsS
  let ends = strideEndsS ?? Array(starts.dropFirst())
  let pairs = zip(starts, ends).map { ($0, $1) }
  let durations = pairs.map { $0.1 - $0.0 }
  guard durations.count >= 3, let median = Statistics.median(durations) else { return nil }
  // Foot-flat is the instant such references mark; fall back to contacts.
  let ics = steps.map { $0.footFlatS ?? $0.icS }.sorted()
  func nearest(_ t: Double, within: Double) -> Double? {
    var best: Double?
    for x in ics where abs(x - t) <= within { if best == nil || abs(x - t) < abs(best! - t) { best = x } }
    return best
  }
  // The reference marks a different instant of the stride (e.g. foot-flat)
  // than initial contact: remove the median offset before matching.
  let offsets = starts.compactMap { t in nearest(t, within: 0.5 * median).map { $0 - t } }
  let offset = Statistics.median(offsets) ?? 0
  func nearest(_ t: Double) -> Double? { nearest(t + offset, within: 0.2 * median) }
  var refSum = 0.0, detSum = 0.0, matched = 0, total = 0
  for (a, b) in pairs where b - a <= 1.5 * median {
    total += 1
    guard let da = nearest(a), let db = nearest(b), db > da else { continue }
    refSum += b - a
    detSum += db - da
    matched += 1
  }
  guard matched > 0 else { return nil }
  return (refSum / Double(matched), detSum / Double(matched), 100 * (detSum - refSum) / refSum, matched, total)
}

/// Reads reference contacts from a CSV with `ic_time_s` (or `ic_s`,
/// `time_s`, `start_time_s`) and optional `tc_time_s` (or `tc_s`,
/// `end_time_s`) and `vo_cm` columns; rows can be selected with `where`
/// (column → required value).
public func loadTruth(path: String, where conditions: [String: String] = [:]) throws -> [TruthContact] {
  try loadTruth(try CSVTable(path: path), path: path, where: conditions)
}

/// ``loadTruth(path:where:)`` of a table already read from `path`.
public func loadTruth(_ table: CSVTable, path: String, where conditions: [String: String] = [:]) throws -> [TruthContact] {
  guard let icCol = table.column(["ic_time_s", "ic_s", "time_s", "ic", "start_time_s"]) else {
    throw ReportError(.noHeader, "the reference file needs an ic_time_s column (header: \(table.header.joined(separator: ",")))", path: path, line: 1)
  }
  let tcCol = table.column(["tc_time_s", "tc_s", "tc", "end_time_s"])
  let voCol = table.column(["vo_cm", "vertical_oscillation_cm"])
  var filters: [(Int, String)] = []
  for (k, v) in conditions {
    guard let c = table.header.firstIndex(of: k.lowercased()) else {
      throw ReportError(.invalidArgument, "--truth-where names column '\(k)', which the reference file does not have", path: path)
    }
    filters.append((c, v))
  }
  var out: [TruthContact] = []
  for (f, line) in zip(table.rows, table.lines) {
    if filters.contains(where: { f[$0.0] != $0.1 }) { continue }
    guard let ic = Double(f[icCol]) else {
      throw ReportError(.malformedRecord, "'\(f[icCol])' is not a time in seconds", path: path, line: line)
    }
    out.append(TruthContact(icS: ic, tcS: tcCol.flatMap { Double(f[$0]) }, verticalOscillationCm: voCol.flatMap { Double(f[$0]) }))
  }
  return out
}

/// Columns that tell recordings (or reference systems) apart in a reference
/// file that holds several: the bundled force-plate and shank tables have
/// `trial`, the walking set `id`, `test`, `trial` and `reference`.
let recordingSelectorColumns = ["trial", "recording", "file", "subject", "participant", "session", "id", "test", "reference"]

/// When the reference rows that `conditions` select still belong to several
/// recordings (a column such as `trial` holds more than one value among
/// them), that column and its first values; `nil` when they belong to one.
/// Comparing one recording with all of them scores nonsense (recall 0.03, a
/// reference cadence of thousands of steps a minute) without an error.
public func truthSpansSeveralRecordings(_ table: CSVTable, where conditions: [String: String] = [:])
  -> (column: String, values: [String])? {
  let filters: [(Int, String)] = conditions.compactMap { k, v in table.header.firstIndex(of: k.lowercased()).map { ($0, v) } }
  for name in recordingSelectorColumns {
    guard let c = table.header.firstIndex(of: name) else { continue }
    var values: [String] = []
    var seen: Set<String> = []
    for f in table.rows where !filters.contains(where: { f[$0.0] != $0.1 }) {
      if seen.insert(f[c]).inserted { values.append(f[c]) }
    }
    if values.count > 1 { return (name, values) }
  }
  return nil
}

/// The pooled accuracy of one validation data set (many recordings): what
/// docs/VALIDATION.md shows per data set and metric.
public struct ValidationSet: Sendable {
  /// The data set's name, as shown in docs/VALIDATION.md.
  public var name: String
  /// Recordings added.
  public var recordings = 0
  /// Reference contacts over all recordings.
  public var referenceContacts = 0
  /// Detections inside the references' spans, over all recordings.
  public var detections = 0
  /// Reference contacts matched, over all recordings.
  public var matched = 0
  /// The matching tolerance used, ms (the last one added).
  public var toleranceMs = 0.0
  /// Detected − reference, pooled over the recordings.
  public var icErrorsMs: [Double] = []
  /// Detected − reference contact time of every pair, ms.
  public var contactErrorsMs: [Double] = []
  /// Detected − reference vertical oscillation of every step with a reference value, cm.
  public var verticalOscillationErrorsCm: [Double] = []
  /// Reference VO of the same pairs (for the relative error), cm.
  public var verticalOscillationReferenceCm: [Double] = []
  /// Per recording: cadence error, %; stride-time error, %.
  public var cadenceErrorsPct: [Double] = []
  /// Per recording: detected − reference stride time, % of the reference.
  public var strideErrorsPct: [Double] = []
  /// Per recording with a known true trunk lean: the median lean minus it, degrees.
  public var leanErrorsDeg: [Double] = []
  /// Running-form flags raised (warnings and alerts judged against runners).
  public var runningFlags = 0
  /// Steps detected while the reference says nobody moved (standing).
  public var stepsWhileStanding = 0

  /// An empty set named `name`.
  public init(name: String) { self.name = name }

  /// Pooled recall (matched / reference contacts); `nil` before any reference contact.
  public var recall: Double? { referenceContacts > 0 ? Double(matched) / Double(referenceContacts) : nil }
  /// Pooled precision (matched / detections); `nil` before any detection.
  public var precision: Double? { detections > 0 ? Double(matched) / Double(detections) : nil }

  /// Adds one recording's contact evaluation.
  public mutating func add(_ e: Evaluation, truth: [TruthContact]) {
    recordings += 1
    referenceContacts += e.truthContacts
    detections += e.detections
    matched += e.matched
    toleranceMs = e.toleranceMs
    icErrorsMs += e.icErrorsMs
    contactErrorsMs += e.contactErrorsMs
    let t = truth.sorted { $0.icS < $1.icS }
    for m in e.matches {
      guard let ref = t[m.truthIndex].verticalOscillationCm, let vo = m.step.verticalOscillationCm else { continue }
      verticalOscillationErrorsCm.append(vo - ref)
      verticalOscillationReferenceCm.append(ref)
    }
    if let c = e.cadenceErrorPct { cadenceErrorsPct.append(c) }
  }

  /// The markdown rows of this set: one per metric it has.
  public func markdownRows() -> [String] {
    func f(_ x: Double, _ d: Int) -> String { String(format: "%.\(d)f", x) }
    func row(_ metric: String, _ a: Agreement?, _ d: Int, extra: String = "—", extra2: String = "—") -> String? {
      guard let a else { return nil }
      return "| \(name) | \(metric) | \(a.n) | \(f(a.bias, d)) | \(f(a.sd, d)) | \(f(a.lowerLimit, d)) to \(f(a.upperLimit, d)) | \(f(a.rmse, d)) | \(extra) | \(extra2) |"
    }
    var rows: [String] = []
    if referenceContacts > 0, let r = recall, let p = precision {
      rows.append(row("initial contact (ms, ±\(Int(toleranceMs)) ms)", Agreement(icErrorsMs), 1, extra: f(r, 4), extra2: f(p, 4))
        ?? "| \(name) | initial contact (ms, ±\(Int(toleranceMs)) ms) | 0 | — | — | — | — | \(f(r, 4)) | \(f(p, 4)) |")
    }
    if let r = row("contact time (ms)", Agreement(contactErrorsMs), 1) { rows.append(r) }
    if let r = row("vertical oscillation (cm)", Agreement(verticalOscillationErrorsCm), 2) { rows.append(r) }
    let relative = zip(verticalOscillationErrorsCm, verticalOscillationReferenceCm).compactMap { $1 > 0 ? 100 * $0 / $1 : nil }
    if let r = row("vertical oscillation (%)", Agreement(relative), 2) { rows.append(r) }
    if let r = row("cadence per recording (%)", Agreement(cadenceErrorsPct), 2) { rows.append(r) }
    if let r = row("stride time per recording (%)", Agreement(strideErrorsPct), 2) { rows.append(r) }
    if let r = row("trunk lean per recording (°)", Agreement(leanErrorsDeg), 2) { rows.append(r) }
    return rows
  }
}

/// docs/VALIDATION.md from the validation sets.
public func validationMarkdown(_ sets: [ValidationSet], command: String) -> String {
  var md = """
    # Validation

    Generated by `scripts/validate.sh` (`\(command)`) from the committed code; do not edit by hand.
    Every number is gaitline minus the reference (bias), its standard deviation (SD), the 95 % limits of
    agreement (bias ± 1.96 SD, Bland & Altman 1986) and the root-mean-square error (RMSE), pooled over the
    recordings of each data set, the way mobgap and gaitmap publish their validation. Recall and precision count
    initial contacts matched one-to-one within the tolerance (precision only over the span the reference covers).
    Trunk lean is the recording's median lean minus the true lean of the synthetic run, measured against the
    standing moment each of those runs starts with (the mounting's own tilt is only known from one).

    | data set | metric | n | bias | SD | 95 % limits of agreement | RMSE | recall | precision |
    |---|---|---|---|---|---|---|---|---|

    """
  for s in sets { for r in s.markdownRows() { md += r + "\n" } }
  md += "\n| data set | recordings | running-form flags raised | steps while standing |\n|---|---|---|---|\n"
  for s in sets { md += "| \(s.name) | \(s.recordings) | \(s.runningFlags) | \(s.stepsWhileStanding) |\n" }
  return md
}
