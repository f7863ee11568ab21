//===--- ScoringPolicy.swift ----------------------------------------------===//
// Every threshold the scorer uses, in one documented, configurable place.
//===----------------------------------------------------------------------===//

/// The thresholds of the flags, with population defaults. A user passes a
/// JSON file with any subset of these keys (`gaitline analyze --policy
/// FILE`); missing keys keep their defaults. Each default names its source;
/// thresholds marked *heuristic* are gaitline's own choice, not a published
/// cut-off, and the flags that use them say so.
public struct ScoringPolicy: Sendable, Hashable, Codable {
  /// Cadence below which it counts as low, steps/min. Drozda 2024: runners
  /// with low back pain ran at 166 ± 10 vs 171 ± 9 spm.
  public var cadenceLowSpm: Double = 166
  /// Very low cadence, steps/min: Garmin's red band (< 5th percentile of users).
  public var cadenceVeryLowSpm: Double = 153
  /// Long ground contact, ms: Garmin red > 308 ms; "GCT > 300 ms room to improve".
  public var contactLongMs: Double = 300
  /// High braking (forward velocity lost in stance), m/s. *Heuristic*: no
  /// population norm exists for this trunk measure; Napier 2018 found the top
  /// tertile of braking force carried 5–8× the injury rate, and 0.45 m/s is
  /// where the top third of the bundled treadmill trials begins (31 trials,
  /// one runner, 2.5–4.2 m/s, ±10° slopes) — use a personal baseline.
  public var brakingHighMps: Double = 0.45
  /// Typical trunk forward lean while running, degrees: Teng & Powers 2014
  /// self-selected 7.3 ± 3.6°, 2015 low/high-flexion groups 3.6° and 10.8°.
  public var leanTypicalLowDeg: Double = 3
  /// Upper end of the typical trunk forward lean, degrees (see ``leanTypicalLowDeg``).
  public var leanTypicalHighDeg: Double = 11
  /// Flexed trunk, degrees: Teng & Powers 2014 "flexed" condition 14.1 ± 4.8°.
  public var leanFlexedDeg: Double = 14
  /// High lateral sway, cm: Drozda 2024 lateral CoG displacement 1.4 ± 0.5 cm
  /// in runners with low back pain vs 1.2 ± 0.3 cm.
  public var swayHighCm: Double = 1.4
  /// Ground-contact balance outside this band is asymmetric, % left:
  /// Garmin green 49.3–50.7 %, red beyond 52.2 % either side.
  public var balanceGreenLowPct: Double = 49.3
  /// Upper end of Garmin's green band of ground-contact balance, % left.
  public var balanceGreenHighPct: Double = 50.7
  /// Below this, % left, the asymmetry is in Garmin's red band (a warning, not info).
  public var balanceRedLowPct: Double = 47.8
  /// Above this, % left, the asymmetry is in Garmin's red band (a warning, not info).
  public var balanceRedHighPct: Double = 52.2
  /// Form breakdown: the run must last this long, s, and is compared between
  /// its minutes 1–4 and its last 3 minutes. *Heuristic* amounts below;
  /// Clermont 2019 saw marathon gait deviate from the early baseline after
  /// 20–22 km, Schütte 2015 fatigue raised trunk ML/AP variability.
  public var driftMinimumRunS: Double = 480
  /// Form breakdown: cadence drop from early to late that is flagged, % (heuristic).
  public var driftCadenceDropPct: Double = 3
  /// Form breakdown: ground contact time rise that is flagged, % (heuristic).
  public var driftContactRisePct: Double = 5
  /// Form breakdown: trunk lean rise that is flagged, degrees (heuristic; hip only).
  public var driftLeanRiseDeg: Double = 2
  /// Form breakdown: lateral sway rise that is flagged, % (heuristic; hip only).
  public var driftSwayRisePct: Double = 20
  /// Against a personal baseline at similar speed: Heiderscheit 2011 showed
  /// joint loading changes at ±5 % and ±10 % step rate.
  public var baselineCadenceDropPct: Double = 5
  /// Against a personal baseline: ground contact time rise that counts as long contact, %.
  public var baselineContactRisePct: Double = 5
  /// Against a personal baseline: braking rise that counts as high braking, %.
  public var baselineBrakingRisePct: Double = 15
  /// Against a personal baseline: trunk lean increase that is flagged, degrees.
  public var baselineLeanChangeDeg: Double = 3
  /// Earlier runs whose median speed is within this of the run's, m/s, form the baseline.
  public var baselineSpeedToleranceMps: Double = 0.3
  /// Data quality: contact times need this rate, Hz (docs/EVIDENCE.md: ≥ 100 Hz
  /// for GCT, 200+ recommended).
  public var minimumRateForContactHz: Double = 100
  /// Share of clipped samples that makes impacts unreliable.
  public var clippedFractionWarning: Double = 0.001
  /// High tibial shock (shank sensor: median peak axial tibial acceleration
  /// of running steps), g. Crowell & Davis 2011 retrained runners selected
  /// for high peak positive tibial acceleration (above 8 g); Milner et al.
  /// 2006 found higher tibial shock in runners with a history of tibial
  /// stress fracture. An association, not an injury threshold.
  public var tibialShockHighG: Double = 8
  /// Training load across runs: a week with more than this many runs is a
  /// finding only when it also has more runs than any of the runner's
  /// recent weeks (a steady routine is never one).
  public var maxRunsPerWeek: Int = 4
  /// Running time above the mean of the runner's recent weeks that counts
  /// as a fast rise, %. Nielsen et al. 2014 compared rises under 10 %,
  /// 10–30 % and over 30 % (docs/EVIDENCE.md).
  public var weeklyVolumeRisePct: Double = 30
  /// Mean speed above the runner's recent weeks, %, that together with a
  /// running-time rise of `weeklyVolumeRiseWithSpeedPct` flags "speed and
  /// distance raised at once". *Heuristic.*
  public var weeklySpeedRisePct: Double = 5
  /// The running-time rise, %, that counts with a speed rise. *Heuristic.*
  public var weeklyVolumeRiseWithSpeedPct: Double = 10
  /// How many calendar weeks before a week form the runner's recent
  /// history it is compared with (weeks without a run count, as rest).
  public var trainingHistoryWeeks: Int = 4
  /// Running time that makes a recording a training session for the
  /// training-load checks, s.
  public var minimumSessionRunningS: Double = 120

  /// The population defaults (the same as ``populationDefaults``).
  public init() {}

  /// The population defaults.
  public static let populationDefaults = ScoringPolicy()

  /// The JSON keys a policy file may hold (docs/POLICY.md), in declaration order.
  public static var jsonKeys: [String] { CodingKeys.allCases.map(\.rawValue) }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case cadenceLowSpm = "cadence_low_spm", cadenceVeryLowSpm = "cadence_very_low_spm"
    case contactLongMs = "contact_long_ms", brakingHighMps = "braking_high_mps"
    case leanTypicalLowDeg = "lean_typical_low_deg", leanTypicalHighDeg = "lean_typical_high_deg"
    case leanFlexedDeg = "lean_flexed_deg", swayHighCm = "sway_high_cm"
    case balanceGreenLowPct = "balance_green_low_pct", balanceGreenHighPct = "balance_green_high_pct"
    case balanceRedLowPct = "balance_red_low_pct", balanceRedHighPct = "balance_red_high_pct"
    case driftMinimumRunS = "drift_minimum_run_s", driftCadenceDropPct = "drift_cadence_drop_pct"
    case driftContactRisePct = "drift_contact_rise_pct", driftLeanRiseDeg = "drift_lean_rise_deg"
    case driftSwayRisePct = "drift_sway_rise_pct"
    case baselineCadenceDropPct = "baseline_cadence_drop_pct", baselineContactRisePct = "baseline_contact_rise_pct"
    case baselineBrakingRisePct = "baseline_braking_rise_pct", baselineLeanChangeDeg = "baseline_lean_change_deg"
    case baselineSpeedToleranceMps = "baseline_speed_tolerance_mps"
    case minimumRateForContactHz = "minimum_rate_for_contact_hz", clippedFractionWarning = "clipped_fraction_warning"
    case tibialShockHighG = "tibial_shock_high_g"
    case maxRunsPerWeek = "max_runs_per_week", weeklyVolumeRisePct = "weekly_volume_rise_pct"
    case weeklySpeedRisePct = "weekly_speed_rise_pct", minimumSessionRunningS = "minimum_session_running_s"
    case weeklyVolumeRiseWithSpeedPct = "weekly_volume_rise_with_speed_pct", trainingHistoryWeeks = "training_history_weeks"
  }

  /// Reads a policy from JSON (snake_case keys, see docs/POLICY.md); a key left out keeps its
  /// population default.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = ScoringPolicy()
    func v(_ k: CodingKeys, _ def: Double) throws -> Double { try c.decodeIfPresent(Double.self, forKey: k) ?? def }
    cadenceLowSpm = try v(.cadenceLowSpm, d.cadenceLowSpm)
    cadenceVeryLowSpm = try v(.cadenceVeryLowSpm, d.cadenceVeryLowSpm)
    contactLongMs = try v(.contactLongMs, d.contactLongMs)
    brakingHighMps = try v(.brakingHighMps, d.brakingHighMps)
    leanTypicalLowDeg = try v(.leanTypicalLowDeg, d.leanTypicalLowDeg)
    leanTypicalHighDeg = try v(.leanTypicalHighDeg, d.leanTypicalHighDeg)
    leanFlexedDeg = try v(.leanFlexedDeg, d.leanFlexedDeg)
    swayHighCm = try v(.swayHighCm, d.swayHighCm)
    balanceGreenLowPct = try v(.balanceGreenLowPct, d.balanceGreenLowPct)
    balanceGreenHighPct = try v(.balanceGreenHighPct, d.balanceGreenHighPct)
    balanceRedLowPct = try v(.balanceRedLowPct, d.balanceRedLowPct)
    balanceRedHighPct = try v(.balanceRedHighPct, d.balanceRedHighPct)
    driftMinimumRunS = try v(.driftMinimumRunS, d.driftMinimumRunS)
    driftCadenceDropPct = try v(.driftCadenceDropPct, d.driftCadenceDropPct)
    driftContactRisePct = try v(.driftContactRisePct, d.driftContactRisePct)
    driftLeanRiseDeg = try v(.driftLeanRiseDeg, d.driftLeanRiseDeg)
    driftSwayRisePct = try v(.driftSwayRisePct, d.driftSwayRisePct)
    baselineCadenceDropPct = try v(.baselineCadenceDropPct, d.baselineCadenceDropPct)
    baselineContactRisePct = try v(.baselineContactRisePct, d.baselineContactRisePct)
    baselineBrakingRisePct = try v(.baselineBrakingRisePct, d.baselineBrakingRisePct)
    baselineLeanChangeDeg = try v(.baselineLeanChangeDeg, d.baselineLeanChangeDeg)
    baselineSpeedToleranceMps = try v(.baselineSpeedToleranceMps, d.baselineSpeedToleranceMps)
    minimumRateForContactHz = try v(.minimumRateForContactHz, d.minimumRateForContactHz)
    clippedFractionWarning = try v(.clippedFractionWarning, d.clippedFractionWarning)
    tibialShockHighG = try v(.tibialShockHighG, d.tibialShockHighG)
    maxRunsPerWeek = try c.decodeIfPresent(Int.self, forKey: .maxRunsPerWeek) ?? d.maxRunsPerWeek
    weeklyVolumeRisePct = try v(.weeklyVolumeRisePct, d.weeklyVolumeRisePct)
    weeklySpeedRisePct = try v(.weeklySpeedRisePct, d.weeklySpeedRisePct)
    minimumSessionRunningS = try v(.minimumSessionRunningS, d.minimumSessionRunningS)
    weeklyVolumeRiseWithSpeedPct = try v(.weeklyVolumeRiseWithSpeedPct, d.weeklyVolumeRiseWithSpeedPct)
    trainingHistoryWeeks = try c.decodeIfPresent(Int.self, forKey: .trainingHistoryWeeks) ?? d.trainingHistoryWeeks
  }
}
