//===--- History.swift ----------------------------------------------------===//
// Earlier reports: the personal baseline and training-load checks.
//===----------------------------------------------------------------------===//
import GaitCore
import GaitDSP
import GaitIngest
import GaitScoring
import Foundation

/// The numbers of an earlier report that baselines and training checks use.
public struct PastRun: Sendable, Hashable {
  public var path: String
  public var dateUnixS: Double?
  public var speedMps: Double?
  public var runningSeconds: Double
  public var cadenceSpm: Double?
  public var groundContactMs: Double?
  public var brakingMps: Double?
  public var trunkLeanDeg: Double?
  public var lateralSwayCm: Double?

  public init(path: String, dateUnixS: Double?, speedMps: Double?, runningSeconds: Double, cadenceSpm: Double?,
              groundContactMs: Double?, brakingMps: Double?, trunkLeanDeg: Double?, lateralSwayCm: Double?) {
    self.path = path
    self.dateUnixS = dateUnixS
    self.speedMps = speedMps
    self.runningSeconds = runningSeconds
    self.cadenceSpm = cadenceSpm
    self.groundContactMs = groundContactMs
    self.brakingMps = brakingMps
    self.trunkLeanDeg = trunkLeanDeg
    self.lateralSwayCm = lateralSwayCm
  }

  /// The numbers of a finished analysis.
  public init(_ r: AnalysisResult) {
    self.init(
      path: r.path, dateUnixS: r.info.startTimeUnixS ?? dateFromName(r.path) ?? fileDate(r.path),
      speedMps: r.options.speedMps ?? r.track?.speedMps?.median, runningSeconds: r.summary.runningSeconds,
      cadenceSpm: r.summary.cadenceSpm?.median, groundContactMs: r.summary.groundContactMs?.median,
      brakingMps: r.summary.brakingMps?.median, trunkLeanDeg: r.summary.trunkLeanDeg?.median,
      lateralSwayCm: r.summary.lateralSwayCm?.median)
  }
}

/// Reads a `gaitline.report/1` JSON file.
public func loadPastRun(path: String) throws -> PastRun {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw IngestError(.fileNotFound, "cannot read the earlier report", path: path)
  }
  guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        root["schema"] as? String == reportSchema,
        let summary = root["summary"] as? [String: Any], let input = root["input"] as? [String: Any] else {
    throw IngestError(.corrupt, "not a gaitline report (schema \(reportSchema)); pass reports written by `gaitline analyze --json`", path: path)
  }
  func median(_ key: String) -> Double? { (summary[key] as? [String: Any])?["median"] as? Double }
  let options = root["options"] as? [String: Any]
  let inputPath = input["path"] as? String ?? path
  return PastRun(
    path: inputPath,
    dateUnixS: input["start_time_unix_s"] as? Double ?? dateFromName(inputPath) ?? dateFromName(path) ?? fileDate(path),
    // --speed, else the watch track's median speed (--track).
    speedMps: options?["speed_mps"] as? Double ?? ((root["track"] as? [String: Any])?["speed_mps"] as? [String: Any])?["median"] as? Double,
    runningSeconds: summary["running_s"] as? Double ?? 0,
    cadenceSpm: median("cadence_spm"), groundContactMs: median("ground_contact_ms"), brakingMps: median("braking_mps"),
    trunkLeanDeg: median("trunk_lean_deg"), lateralSwayCm: median("lateral_sway_cm"))
}

/// The personal baseline from earlier runs at similar speed: when the
/// current run's speed is known, only runs within the policy's tolerance
/// count (runs of unknown speed are used only when none has a speed).
public func personalBaseline(from runs: [PastRun], speedMps: Double?, policy: ScoringPolicy) -> PersonalBaseline? {
  var use = runs
  if let v = speedMps {
    let matched = runs.filter { $0.speedMps.map { abs($0 - v) <= policy.baselineSpeedToleranceMps } ?? false }
    if !matched.isEmpty { use = matched } else if runs.contains(where: { $0.speedMps != nil }) { return nil }
  }
  guard !use.isEmpty else { return nil }
  func median(_ x: [Double]) -> Double? { Statistics.median(x) }
  return PersonalBaseline(
    runs: use.count, cadenceSpm: median(use.compactMap(\.cadenceSpm)),
    groundContactMs: median(use.compactMap(\.groundContactMs)), brakingMps: median(use.compactMap(\.brakingMps)),
    trunkLeanDeg: median(use.compactMap(\.trunkLeanDeg)), lateralSwayCm: median(use.compactMap(\.lateralSwayCm)))
}

/// A date written in a file name: `2024-05-01`, `20240501`, `2024_05_01`.
public func dateFromName(_ path: String) -> Double? {
  let name = (path as NSString).lastPathComponent
  let digits = Array(name.unicodeScalars)
  var i = 0
  while i + 8 <= digits.count {
    func num(_ a: Int, _ n: Int) -> Int? {
      var v = 0
      for k in a..<(a + n) {
        guard k < digits.count, let d = Int(String(digits[k])) else { return nil }
        v = v * 10 + d
      }
      return v
    }
    if let y = num(i, 4), (1990...2100).contains(y) {
      var j = i + 4
      let sep = j < digits.count && (digits[j] == "-" || digits[j] == "_" || digits[j] == ".")
      if sep { j += 1 }
      if let m = num(j, 2), (1...12).contains(m) {
        j += 2
        if sep { if j < digits.count, digits[j] == "-" || digits[j] == "_" || digits[j] == "." { j += 1 } else { i += 1; continue } }
        if let d = num(j, 2), (1...31).contains(d) {
          var c = DateComponents()
          c.year = y; c.month = m; c.day = d; c.hour = 12
          c.timeZone = TimeZone(identifier: "UTC")
          return Calendar(identifier: .gregorian).date(from: c)?.timeIntervalSince1970
        }
      }
    }
    i += 1
  }
  return nil
}

func fileDate(_ path: String) -> Double? {
  (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)?.timeIntervalSince1970
}

/// A training-load finding across runs.
public struct TrainingFinding: Sendable, Hashable {
  public var id: String
  public var severity: Severity
  public var week: String
  public var message: String
  public var evidence: String
}

/// The training errors that back-pain advice for runners names, checked over
/// a runner's history: too many runs a week, no rest day in seven, weekly
/// running time rising fast, speed and volume raised together. Weeks are ISO
/// weeks (Monday first), dates from the recording, its file name, or the
/// file's modification time. Runs with under `minimumSessionRunningS` of
/// running are not counted as sessions.
public func trainingLoadFindings(_ runs: [PastRun], policy: ScoringPolicy) -> [TrainingFinding] {
  var cal = Calendar(identifier: .iso8601)
  cal.timeZone = TimeZone(identifier: "UTC")!
  // A training session has at least two minutes of running; short lab
  // trials and warm-up clips are not sessions.
  let dated = runs.filter { $0.runningSeconds >= policy.minimumSessionRunningS }
    .compactMap { r in r.dateUnixS.map { (Date(timeIntervalSince1970: $0), r) } }.sorted { $0.0 < $1.0 }
  guard !dated.isEmpty else { return [] }
  func weekKey(_ d: Date) -> String {
    let c = cal.dateComponents([.yearForWeekOfYear, .weekOfYear], from: d)
    return String(format: "%04d-W%02d", c.yearForWeekOfYear ?? 0, c.weekOfYear ?? 0)
  }
  var weeks: [String: [PastRun]] = [:]
  var order: [String] = []
  for (d, r) in dated {
    let k = weekKey(d)
    if weeks[k] == nil { order.append(k) }
    weeks[k, default: []].append(r)
  }
  let evidence = "Training errors named in advice on back pain in runners: too many sessions without rest, and load (volume, speed) raised quickly or together (Maselli 2020 BMC Musculoskelet Disord 21:343 reviews running-related LBP risk factors). Thresholds are gaitline's configurable defaults."
  var out: [TrainingFinding] = []
  for k in order {
    let n = weeks[k]!.count
    if n > policy.maxRunsPerWeek {
      out.append(TrainingFinding(id: "runs-per-week", severity: .warning, week: k,
        message: "\(n) runs in week \(k) (more than \(policy.maxRunsPerWeek)).", evidence: evidence))
    }
  }
  // No rest day: seven consecutive calendar days with a run.
  let days = Set(dated.map { cal.startOfDay(for: $0.0) }).sorted()
  var streak = 1
  for i in days.indices.dropFirst() {
    streak = cal.dateComponents([.day], from: days[i - 1], to: days[i]).day == 1 ? streak + 1 : 1
    if streak == 7 {
      out.append(TrainingFinding(id: "no-rest-day", severity: .warning, week: weekKey(days[i]),
        message: "Seven days in a row with a run, ending \(ISO8601DateFormatter().string(from: days[i]).prefix(10)).", evidence: evidence))
    }
  }
  // Week over week: only calendar weeks that follow each other.
  func weekStart(_ k: String) -> Date? {
    weeks[k]?.first.flatMap { r in r.dateUnixS.flatMap { cal.dateInterval(of: .weekOfYear, for: Date(timeIntervalSince1970: $0))?.start } }
  }
  for (a, b) in zip(order, order.dropFirst()) {
    guard let wa = weekStart(a), let wb = weekStart(b), abs(wb.timeIntervalSince(wa) - 7 * 86_400) < 7200 else { continue }
    let va = weeks[a]!.reduce(0) { $0 + $1.runningSeconds }, vb = weeks[b]!.reduce(0) { $0 + $1.runningSeconds }
    guard va > 0 else { continue }
    let rise = (vb - va) / va * 100
    if rise > policy.weeklyVolumeRisePct {
      out.append(TrainingFinding(id: "volume-rise", severity: .warning, week: b,
        message: String(format: "Running time rose %.0f %% from week %@ to %@ (%.0f → %.0f min).", rise, a, b, va / 60, vb / 60), evidence: evidence))
    }
    let sa = weeks[a]!.compactMap(\.speedMps), sb = weeks[b]!.compactMap(\.speedMps)
    if !sa.isEmpty, !sb.isEmpty {
      let ma = sa.reduce(0, +) / Double(sa.count), mb = sb.reduce(0, +) / Double(sb.count)
      let speedRise = (mb - ma) / ma * 100
      if speedRise > policy.weeklySpeedRisePct, rise > 10 {
        out.append(TrainingFinding(id: "speed-and-volume-rise", severity: .warning, week: b,
          message: String(format: "Both speed (+%.0f %%) and running time (+%.0f %%) went up from week %@ to %@: raise one at a time.", speedRise, rise, a, b), evidence: evidence))
      }
    }
  }
  return out
}

/// Reads a scoring policy file: a JSON object with any of the policy's keys.
public func loadPolicy(path: String) throws -> ScoringPolicy {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw IngestError(.fileNotFound, "cannot read the policy file", path: path)
  }
  do {
    return try JSONDecoder().decode(ScoringPolicy.self, from: data)
  } catch {
    throw IngestError(.invalidArgument, "not a valid policy (a JSON object of thresholds, see docs/POLICY.md): \(error)", path: path)
  }
}
