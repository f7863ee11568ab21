//===--- History.swift ----------------------------------------------------===//
// Rules over a runner's own history: the personal baseline the flags are
// judged against, and the training-load checks. Both compare a runner with
// their own earlier runs, never with a population count.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore

/// The numbers of an earlier run that baselines and training checks use.
public struct PastRun: Sendable, Hashable {
  /// The recording the run was analysed from.
  public var path: String
  /// Start of the run, Unix seconds (`nil`: unknown, not a training session).
  public var dateUnixS: Double?
  /// Running speed given for the run, m/s.
  public var speedMps: Double?
  /// Seconds of running (not walking or standing).
  public var runningSeconds: Double
  /// Median cadence, steps/min.
  public var cadenceSpm: Double?
  /// Median ground contact time, ms.
  public var groundContactMs: Double?
  /// Median braking (forward speed lost per contact), m/s.
  public var brakingMps: Double?
  /// Median trunk lean, degrees.
  public var trunkLeanDeg: Double?
  /// Median lateral sway, cm.
  public var lateralSwayCm: Double?

  /// A run from its numbers.
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

/// A training-load finding across runs.
public struct TrainingFinding: Sendable, Hashable {
  /// `runs-per-week`, `no-rest-day`, `volume-rise` or `speed-and-volume-rise`.
  public var id: String
  /// How much it matters (training-load findings are warnings).
  public var severity: Severity
  /// The ISO week it concerns, `2026-W06`.
  public var week: String
  /// What changed, in the runner's terms, worded as an association.
  public var message: String
  /// The studies behind the check (docs/EVIDENCE.md).
  public var evidence: String
}

extension Evidence {
  /// Behind the training-load checks (docs/EVIDENCE.md).
  public static let trainingLoad =
    "Nielsen et al. 2014 (J Orthop Sports Phys Ther 44:739): novice runners who raised weekly distance by more than 30 % had a higher rate of distance-related injuries (hazard ratio 1.59, not significant for all injuries together); Gabbett 2016 (Br J Sports Med 50:273): load far above what an athlete did in the recent weeks goes with more injuries, load built up steadily with fewer; Nielsen et al. 2012 (Int J Sports Phys Ther 7:58) found the evidence on training errors and running injuries conflicting. Maselli et al. 2020 (BMC Musculoskelet Disord 21:343) review risk factors of back pain in runners. Associations, not a diagnosis; the amounts are gaitline's configurable defaults (docs/POLICY.md)."
}

/// One calendar week of a runner's sessions.
private struct TrainingWeek {
  var key: String
  var start: Date
  var sessions = 0
  var runningSeconds = 0.0
  var speedsMps: [Double] = []
  var meanSpeedMps: Double? { speedsMps.isEmpty ? nil : speedsMps.reduce(0, +) / Double(speedsMps.count) }
}

/// The training-load checks over a runner's history, each relative to the
/// runner's own recent weeks (up to `policy.trainingHistoryWeeks` calendar
/// weeks before, weeks without a run counted as such), so a runner who
/// keeps a steady routine gets no finding however often they run:
///
/// - `runs-per-week`: more sessions in a week than in any of the weeks
///   before, and more than `policy.maxRunsPerWeek`;
/// - `volume-rise`: running time more than `policy.weeklyVolumeRisePct` %
///   above the mean of the weeks before;
/// - `speed-and-volume-rise`: mean speed more than `policy.weeklySpeedRisePct` %
///   above the weeks before while running time rose too;
/// - `no-rest-day`: seven days in a row with a run, when the runner's recent
///   weeks had rest days (a new streak, not their routine).
///
/// A week is compared only when the history reaches back at least one
/// week before it. Weeks are ISO weeks (Monday first), dates from the
/// recording, its file name or the file's modification time. Runs with
/// under `policy.minimumSessionRunningS` of running or no date are not
/// sessions.
public func trainingLoadFindings(_ runs: [PastRun], policy: ScoringPolicy) -> [TrainingFinding] {
  var cal = Calendar(identifier: .iso8601)
  cal.timeZone = TimeZone(identifier: "UTC")!
  let dated = runs.filter { $0.runningSeconds >= policy.minimumSessionRunningS }
    .compactMap { r in r.dateUnixS.map { (Date(timeIntervalSince1970: $0), r) } }.sorted { $0.0 < $1.0 }
  guard let first = dated.first, let last = dated.last,
        let firstWeek = cal.dateInterval(of: .weekOfYear, for: first.0)?.start else { return [] }
  func weekKey(_ d: Date) -> String {
    let c = cal.dateComponents([.yearForWeekOfYear, .weekOfYear], from: d)
    return String(format: "%04d-W%02d", c.yearForWeekOfYear ?? 0, c.weekOfYear ?? 0)
  }
  // Every calendar week from the first session to the last, empty ones too.
  var weeks: [TrainingWeek] = []
  var start = firstWeek
  while start <= last.0 {
    weeks.append(TrainingWeek(key: weekKey(start), start: start))
    guard let next = cal.date(byAdding: .weekOfYear, value: 1, to: start) else { break }
    start = next
  }
  for (d, r) in dated {
    let i = weeks.lastIndex { $0.start <= d } ?? 0
    weeks[i].sessions += 1
    weeks[i].runningSeconds += r.runningSeconds
    if let v = r.speedMps { weeks[i].speedsMps.append(v) }
  }
  let window = max(1, policy.trainingHistoryWeeks)
  let evidence = Evidence.trainingLoad
  var out: [TrainingFinding] = []
  for i in weeks.indices.dropFirst() {
    let w = weeks[i]
    let recent = weeks[max(0, i - window)..<i]
    let n = recent.count
    let before = n == 1 ? "the week before" : "the \(n) weeks before"
    let usualMost = recent.map(\.sessions).max() ?? 0
    if w.sessions > policy.maxRunsPerWeek, w.sessions > usualMost {
      out.append(TrainingFinding(id: "runs-per-week", severity: .warning, week: w.key,
        message: "\(w.sessions) runs in week \(w.key), up from at most \(usualMost) a week in \(before): a sudden rise in sessions is associated with more running injuries.",
        evidence: evidence))
    }
    let usualSeconds = recent.reduce(0) { $0 + $1.runningSeconds } / Double(n)
    guard usualSeconds > 0 else { continue }
    let rise = (w.runningSeconds - usualSeconds) / usualSeconds * 100
    if rise > policy.weeklyVolumeRisePct {
      out.append(TrainingFinding(id: "volume-rise", severity: .warning, week: w.key,
        message: String(format: "Running time in week %@ was %.0f %% above the weekly mean of %@ (%.0f → %.0f min): fast rises in weekly volume are associated with more running injuries.",
                        w.key, rise, before, usualSeconds / 60, w.runningSeconds / 60),
        evidence: evidence))
    }
    let recentSpeeds = recent.flatMap(\.speedsMps)
    if let mb = w.meanSpeedMps, !recentSpeeds.isEmpty {
      let ma = recentSpeeds.reduce(0, +) / Double(recentSpeeds.count)
      let speedRise = (mb - ma) / ma * 100
      if speedRise > policy.weeklySpeedRisePct, rise > policy.weeklyVolumeRiseWithSpeedPct {
        out.append(TrainingFinding(id: "speed-and-volume-rise", severity: .warning, week: w.key,
          message: String(format: "Both speed (+%.0f %%) and running time (+%.0f %%) in week %@ were above %@: raising both at once is associated with more injuries than raising one at a time.",
                          speedRise, rise, w.key, before),
          evidence: evidence))
      }
    }
  }
  // No rest day: streaks of consecutive calendar days with a run. A streak
  // of seven or more is a finding when the runner's history reaches back
  // before it and shows no such streak in the window before it began.
  let days = Set(dated.map { cal.startOfDay(for: $0.0) }).sorted()
  var streaks: [(start: Date, end: Date, days: Int)] = []
  for d in days {
    if let s = streaks.last, cal.dateComponents([.day], from: s.end, to: d).day == 1 {
      streaks[streaks.count - 1].end = d
      streaks[streaks.count - 1].days += 1
    } else {
      streaks.append((d, d, 1))
    }
  }
  let windowS = Double(window * 7) * 86_400
  for (k, s) in streaks.enumerated() where s.days >= 7 {
    let before = streaks[..<k].filter { s.start.timeIntervalSince($0.end) <= windowS }
    guard !before.isEmpty, !before.contains(where: { $0.days >= 7 }),
          let seventh = cal.date(byAdding: .day, value: 6, to: s.start) else { continue }
    out.append(TrainingFinding(id: "no-rest-day", severity: .warning, week: weekKey(seventh),
      message: "Seven days in a row with a run, ending \(ISO8601DateFormatter().string(from: seventh).prefix(10)), after weeks with rest days: training without rest days is associated with more running injuries.",
      evidence: evidence))
  }
  return out
}
