//===--- Evaluation.swift -------------------------------------------------===//
// Accuracy of detected steps against a lab reference, as a feature.
//===----------------------------------------------------------------------===//
import GaitCore
import GaitDSP
import GaitIngest
import Foundation

/// One reference contact (force plate, instrumented treadmill, insoles).
public struct TruthContact: Sendable, Hashable {
  public var icS: Double
  public var tcS: Double?
  public init(icS: Double, tcS: Double? = nil) { self.icS = icS; self.tcS = tcS }
}

/// How detected steps compare with reference contacts.
public struct Evaluation: Sendable {
  public var toleranceMs: Double
  public var truthContacts: Int
  /// Detections inside the reference's time span (± tolerance).
  public var detections: Int
  public var matched: Int
  public var recall: Double
  public var precision: Double
  /// Detected minus reference initial contact, ms.
  public var icBiasMs: Double?
  public var icSdMs: Double?
  /// Detected minus reference contact time, ms, with 95 % limits of agreement.
  public var contactBiasMs: Double?
  public var contactSdMs: Double?
  public var contactRmseMs: Double?
  public var contactPairs: Int
  /// Steps/min from the mean interval between contacts.
  public var cadenceReferenceSpm: Double?
  public var cadenceDetectedSpm: Double?
  public var cadenceErrorPct: Double?

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
/// sensor; for a reference of stride boundaries use ``evaluateStrides``).
public func evaluate(steps: [Step], truth: [TruthContact], toleranceS: Double) -> Evaluation {
  let t = truth.sorted { $0.icS < $1.icS }
  let lo = (t.first?.icS ?? 0) - toleranceS, hi = (t.last?.icS ?? 0) + toleranceS
  let det = steps.filter { $0.icS >= lo && $0.icS <= hi }.sorted { $0.icS < $1.icS }
  // All candidate pairs within tolerance, closest first.
  var pairs: [(Int, Int, Double)] = []
  for (i, tr) in t.enumerated() {
    for (j, d) in det.enumerated() where abs(d.icS - tr.icS) <= toleranceS { pairs.append((i, j, abs(d.icS - tr.icS))) }
  }
  pairs.sort { $0.2 < $1.2 }
  var usedT = Set<Int>(), usedD = Set<Int>()
  var icErr: [Double] = [], ctErr: [Double] = []
  for (i, j, _) in pairs where !usedT.contains(i) && !usedD.contains(j) {
    usedT.insert(i); usedD.insert(j)
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
  return e
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
  let durations = pairs.map { $0.1 - $0.0 }.sorted()
  guard durations.count >= 3 else { return nil }
  let median = durations[durations.count / 2]
  // Foot-flat is the instant such references mark; fall back to contacts.
  let ics = steps.map { $0.footFlatS ?? $0.icS }.sorted()
  func nearest(_ t: Double, within: Double) -> Double? {
    var best: Double?
    for x in ics where abs(x - t) <= within { if best == nil || abs(x - t) < abs(best! - t) { best = x } }
    return best
  }
  // The reference marks a different instant of the stride (e.g. foot-flat)
  // than initial contact: remove the median offset before matching.
  let offsets = starts.compactMap { t in nearest(t, within: 0.5 * median).map { $0 - t } }.sorted()
  let offset = offsets.isEmpty ? 0 : offsets[offsets.count / 2]
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
/// `time_s`) and optional `tc_time_s` (or `tc_s`) columns; rows can be
/// selected with `where` (column → required value).
public func loadTruth(path: String, where conditions: [String: String] = [:]) throws -> [TruthContact] {
  guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
    throw IngestError(.fileNotFound, "cannot read the reference file", path: path)
  }
  var lines = text.split(whereSeparator: \.isNewline).map(String.init)
  guard !lines.isEmpty else { throw IngestError(.emptyFile, "the reference file is empty", path: path) }
  let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map {
    $0.trimmingCharacters(in: .whitespaces).lowercased()
  }
  guard let icCol = ["ic_time_s", "ic_s", "time_s", "ic"].compactMap({ header.firstIndex(of: $0) }).first else {
    throw IngestError(.noHeader, "the reference file needs an ic_time_s column (header: \(header.joined(separator: ",")))", path: path, line: 1)
  }
  let tcCol = ["tc_time_s", "tc_s", "tc"].compactMap { header.firstIndex(of: $0) }.first
  var filters: [(Int, String)] = []
  for (k, v) in conditions {
    guard let c = header.firstIndex(of: k.lowercased()) else {
      throw IngestError(.invalidArgument, "--truth-where names column '\(k)', which the reference file does not have", path: path)
    }
    filters.append((c, v))
  }
  var out: [TruthContact] = []
  for (n, line) in lines.enumerated() {
    let f = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    guard f.count == header.count else {
      throw IngestError(.malformedRecord, "expected \(header.count) fields, found \(f.count)", path: path, line: n + 2)
    }
    if filters.contains(where: { f[$0.0] != $0.1 }) { continue }
    guard let ic = Double(f[icCol]) else {
      throw IngestError(.malformedRecord, "'\(f[icCol])' is not a time in seconds", path: path, line: n + 2)
    }
    out.append(TruthContact(icS: ic, tcS: tcCol.flatMap { Double(f[$0]) }))
  }
  return out
}
