//===--- Scorer.swift -----------------------------------------------------===//
// Turns a run's metrics into flags.
//===----------------------------------------------------------------------===//
import GaitCore
import GaitDSP

/// What the scorer needs to know about one run.
public struct RunFacts: Sendable {
  /// Where the sensor was worn (decides which flags apply).
  public var placement: Placement
  /// Sample rate of the analysed grid, Hz (judged by `sample-rate-low`).
  public var sampleRateHz: Double
  /// Samples analysed.
  public var samples: Int
  /// Samples at the sensor's range on any axis (judged by `clipping`).
  public var clippedSamples: Int
  /// Gaps in the input (stretches without samples).
  public var gapCount: Int
  /// Total duration of the gaps, s.
  public var gapSeconds: Double
  /// Whether the input has a mediolateral axis (needed for balance and sway).
  public var hasMediolateral: Bool
  /// Running speed, m/s, when known (`--speed` or a track).
  public var speedMps: Double?
  /// Every detected step, in time order (the drift flags compare early and late steps).
  public var steps: [Step]
  /// The analysis segments (the drift of trunk lean uses theirs).
  public var segments: [SegmentResult]
  /// The run's summary, whose medians the flags judge.
  public var summary: RunSummary

  /// The facts of one run; see each property.
  public init(placement: Placement, sampleRateHz: Double, samples: Int, clippedSamples: Int, gapCount: Int,
              gapSeconds: Double, hasMediolateral: Bool, speedMps: Double?, steps: [Step],
              segments: [SegmentResult], summary: RunSummary) {
    self.placement = placement
    self.sampleRateHz = sampleRateHz
    self.samples = samples
    self.clippedSamples = clippedSamples
    self.gapCount = gapCount
    self.gapSeconds = gapSeconds
    self.hasMediolateral = hasMediolateral
    self.speedMps = speedMps
    self.steps = steps
    self.segments = segments
    self.summary = summary
  }
}

/// A runner's usual values from earlier runs at similar speed (medians of
/// the runs' medians). Its JSON form is the report's `baseline` block (the
/// keys below).
public struct PersonalBaseline: Sendable, Hashable {
  /// `runs`: the earlier runs the baseline was built from.
  public var runs: Int
  /// `cadence_spm`: the usual cadence, steps/min; `nil` when the population
  /// threshold is used instead.
  public var cadenceSpm: Double?
  /// `ground_contact_ms`: the usual ground contact time, ms; `nil` when the
  /// population threshold is used instead.
  public var groundContactMs: Double?
  /// `braking_mps`: the usual braking (forward velocity lost per step), m/s;
  /// `nil` when the population threshold is used instead.
  public var brakingMps: Double?
  /// `trunk_lean_deg`: the usual trunk forward lean, degrees; `nil` when the
  /// population threshold is used instead.
  public var trunkLeanDeg: Double?
  /// `lateral_sway_cm`: the usual peak-to-peak lateral sway, cm; `nil` when
  /// the population threshold is used instead.
  public var lateralSwayCm: Double?

  /// A baseline from its values; `nil` values are judged against the population instead.
  public init(runs: Int, cadenceSpm: Double?, groundContactMs: Double?, brakingMps: Double?,
              trunkLeanDeg: Double?, lateralSwayCm: Double?) {
    self.runs = runs
    self.cadenceSpm = cadenceSpm
    self.groundContactMs = groundContactMs
    self.brakingMps = brakingMps
    self.trunkLeanDeg = trunkLeanDeg
    self.lateralSwayCm = lateralSwayCm
  }
}

/// A baseline is coded as the report writes it (`baseline`).
extension PersonalBaseline: Codable {
  enum CodingKeys: String, CodingKey {
    case runs
    case cadenceSpm = "cadence_spm", groundContactMs = "ground_contact_ms", brakingMps = "braking_mps"
    case trunkLeanDeg = "trunk_lean_deg", lateralSwayCm = "lateral_sway_cm"
  }
}

/// Evidence texts shown with the flags (and in the HTML report); the full
/// references are in docs/EVIDENCE.md.
public enum Evidence {
  /// Step rate: its link with loading and with low back pain.
  public static let cadence =
    "Heiderscheit et al. 2011 (Med Sci Sports Exerc 43:296): raising step rate 5–10 % lowers hip and knee loading, braking impulse and vertical excursion. Drozda et al. 2024 (Gait Posture 113:184): runners with low back pain ran at 166 ± 10 vs 171 ± 9 steps/min."
  /// Overstriding: landing ahead of the hip, braking force and injury.
  public static let overstride =
    "Lieberman et al. 2015 (J Exp Biol 218:3406): braking force rises with the foot landing ahead of the hip, which a low step rate lengthens. Napier et al. 2018 (Scand J Med Sci Sports): the top tertile of braking force carried a 5–8× injury rate. Bramah et al. 2018 (Am J Sports Med 46:3023): injured runners landed with a more extended knee and leaned forward more."
  /// Trunk forward lean: typical and flexed values, and its link with injury.
  public static let lean =
    "Teng & Powers 2014 (JOSPT): self-selected trunk flexion 7.3 ± 3.6°, flexed 14.1 ± 4.8°; 2015: low- vs high-flexion runners 3.6° vs 10.8°. Bramah et al. 2018: injured runners showed more forward trunk lean at midstance. Hart et al. 2009 (J Athl Train 44:475): back-extensor fatigue changes trunk flexion while jogging."
  /// Lateral sway: the centre-of-mass displacement of runners with and without low back pain.
  public static let sway =
    "Drozda et al. 2024 (Gait Posture 113:184): lateral centre-of-mass displacement 1.4 ± 0.5 cm in runners with low back pain vs 1.2 ± 0.3 cm without."
  /// Ground-contact-time balance: Garmin's bands.
  public static let balance =
    "Garmin ground-contact-time balance bands: green 49.3–50.7 % (40 % of runners), red beyond 52.2 % either side (5 %). Coaches treat > 2 % left/right difference as poor symmetry."
  /// Fatigue: how form drifts late in a run.
  public static let fatigue =
    "Schütte et al. 2015 (PLOS ONE 10:e0141957): fatigue raises trunk mediolateral and anteroposterior variability; Clermont et al. 2019 (J Appl Biomech 35:401): marathon gait deviates from its early-race baseline from 20–22 km. Trunk-muscle fatigue is one of the links between running and back pain. Amounts used here are gaitline heuristics."
  /// Tibial shock: its link with tibial stress fracture, and why a clipped peak is a lower bound.
  public static let tibialShock =
    "Milner et al. 2006 (Med Sci Sports Exerc 38:323): female runners with a history of tibial stress fracture had higher peak tibial acceleration and loading rates than controls. Crowell & Davis 2011 (Clin Biomech 26:78): real-time feedback on tibial acceleration lowered peak tibial shock and impact loading in runners selected for high shock. Peak values depend on the sensor, its mounting and the surface; a clipped peak is a lower bound."
  /// Data quality: the sample rate contact times need.
  public static let quality =
    "Contact times need ≥ 100 Hz (one sample is 10 ms of a 200–300 ms contact); 200 Hz or more is recommended. Peer packages refuse input below 50 Hz (GaitPy)."
}

/// Computes the flags of one run.
///
/// Overstriding needs low cadence *and* a second sign (high braking, or long
/// ground contact); low cadence alone is only supporting evidence and gets
/// an `info` flag. With a personal baseline, cadence, contact, braking and
/// lean are judged as changes from the runner's own runs at similar speed,
/// since all of them scale with speed and person (Van Hooren 2024: weak
/// absolute links).
public struct Scorer: Sendable {
  /// The thresholds the flags use (``ScoringPolicy/populationDefaults`` unless overridden).
  public var policy: ScoringPolicy

  /// Flags that judge running form against runners' values (not data
  /// quality, placement notes or `not-running`).
  public static let runningFormFlagIds: Set<String> = [
    "overstriding", "cadence-low", "trunk-lean-high", "trunk-lean-low", "trunk-lean-increase", "lateral-sway-high",
    "contact-asymmetry", "form-breakdown-cadence", "form-breakdown-contact", "form-breakdown-lean", "form-breakdown-sway",
  ]

  /// A scorer with `policy` (population defaults when omitted).
  public init(policy: ScoringPolicy = .populationDefaults) { self.policy = policy }

  /// The flags of `run`, in the order they were judged (data quality, placement notes, running form,
  /// asymmetry, drift). With `baseline`, cadence, contact, braking and lean are judged as changes
  /// from the runner's own runs; without enough running steps only data-quality, placement and
  /// `not-running` flags are given.
  public func score(_ run: RunFacts, baseline: PersonalBaseline? = nil) -> [RiskFlag] {
    var flags: [RiskFlag] = []
    let s = run.summary
    let span = runSpan(run)
    let p = policy
    // A flag over the whole run (its first to its last step).
    func add(_ id: String, _ severity: Severity, _ metric: String, value: Double?, threshold: Double?, unit: String,
             message: String, evidence: String, advice: String) {
      flags.append(RiskFlag(id: id, severity: severity, metric: metric, value: value, threshold: threshold, unit: unit,
                            startS: span?.0, endS: span?.1, message: message, evidence: evidence, advice: advice))
    }

    // Data quality first: it qualifies everything else.
    if run.sampleRateHz < p.minimumRateForContactHz {
      add("sample-rate-low", .warning, "sample_rate_hz", value: run.sampleRateHz,
          threshold: p.minimumRateForContactHz, unit: "Hz",
          message: "The recording is sampled at \(fmt(run.sampleRateHz)) Hz: contact and flight times are coarse.",
          evidence: Evidence.quality,
          advice: "Record at 100 Hz or more (200 Hz is better) to trust contact times.")
    }
    if run.samples > 0 {
      let fraction = Double(run.clippedSamples) / Double(run.samples)
      if fraction > p.clippedFractionWarning {
        flags.append(RiskFlag(
          id: "clipping", severity: .warning, metric: "clipped_samples", value: fraction * 100,
          threshold: p.clippedFractionWarning * 100, unit: "%",
          message: "\(run.clippedSamples) samples sit at the sensor's limit; impact peaks are underestimated.",
          evidence: "A saturated accelerometer flattens peaks at its range.",
          advice: "Set the sensor to a wider range (±16 g or more), especially on the foot."))
      }
    }
    if run.gapCount > 0 {
      flags.append(RiskFlag(
        id: "gaps", severity: run.gapSeconds > 5 ? .warning : .info, metric: "gaps", value: run.gapSeconds,
        threshold: 0, unit: "s",
        message: "\(run.gapCount) gap(s) in the data (\(fmt(run.gapSeconds)) s); steps across them are not measured.",
        evidence: "gaitline does not invent samples to fill holes.",
        advice: "Check the logger's storage and connection."))
    }
    if run.placement == .foot || run.placement == .shank {
      flags.append(RiskFlag(
        id: "placement-limits", severity: .info, metric: "placement", value: nil, threshold: nil, unit: "",
        message: run.placement == .foot
          ? "A foot sensor cannot measure trunk lean, vertical oscillation, lateral sway or braking."
          : "A shank sensor cannot measure trunk lean, vertical oscillation, lateral sway or braking. Only the sensor leg's contacts are measured: cadence is 2 × its stride rate. Contact time from a shank accelerometer is approximate (toe-off within about ±150 ms in validation studies).",
        evidence: "Vertical oscillation, trunk lean and sway describe the trunk: they need a sensor on the torso or sacrum.",
        advice: "Clip a second sensor at the lower back (sacrum or waistband) to check posture."))
    } else if !run.hasMediolateral {
      flags.append(RiskFlag(
        id: "placement-limits", severity: .info, metric: "placement", value: nil, threshold: nil, unit: "",
        message: "The recording has no mediolateral axis: left/right balance and lateral sway are not measured.",
        evidence: "Left/right from the trunk needs the mediolateral signal (Lee 2010).",
        advice: "Record all three axes."))
    }
    guard s.steps >= 8 else { return flags }
    // Running flags are judged on running bouts only: their thresholds come
    // from runners. Without enough running steps the summary is over
    // walking, and a walking step rate, contact time or sway says nothing
    // about running form.
    guard s.basis == .running else {
      add("not-running", .info, "running_steps", value: Double(s.runningSteps),
          threshold: Double(RunSummary.minimumRunningSteps), unit: "steps",
          message: "No running found (\(s.runningSteps) of \(s.steps) steps in running bouts): the recording is walking, so no running-form flags are judged.",
          evidence: "Running thresholds (cadence, contact time, lean, sway) come from studies of runners and do not apply to walking.",
          advice: "Record a run (with a flight phase) to get running-form feedback.")
      return flags
    }
    // Tibial shock, from a shank sensor on running bouts.
    if run.placement == .shank {
      if let shock = s.tibialShockG?.median, shock >= p.tibialShockHighG {
        let bound = s.tibialShockClippedSteps > 0 ? " \(s.tibialShockClippedSteps) step(s) reached the sensor's range, so the true peak is higher still." : ""
        add("tibial-shock-high", .warning, "tibial_shock_g", value: shock, threshold: p.tibialShockHighG, unit: "g",
            message: "Median tibial shock \(fmt(shock, 1)) g is at or above \(fmt(p.tibialShockHighG, 1)) g.\(bound) High tibial shock is associated with tibial stress fracture in runners; it is not a diagnosis.",
            evidence: Evidence.tibialShock,
            advice: "Softer, quieter landings lower tibial shock (Crowell & Davis 2011 used real-time feedback); a slightly higher step rate also helps. Change gradually.")
      } else if let shock = s.tibialShockG?.median, s.tibialShockClippedSteps * 2 > (s.tibialShockG?.count ?? 0) {
        add("tibial-shock-lower-bound", .info, "tibial_shock_g", value: shock, threshold: nil, unit: "g",
            message: "Most steps' tibial shock reached the sensor's range: the median \(fmt(shock, 1)) g is a lower bound.",
            evidence: Evidence.tibialShock,
            advice: "Record with a wider accelerometer range (±16 g or more) to measure tibial shock.")
      }
    }

    // Overstriding: low cadence plus braking or long contact.
    let cadence = s.cadenceSpm?.median
    let braking = s.brakingMps?.median
    let contact = s.groundContactMs?.median
    var lowCadence = false
    var cadenceThreshold = p.cadenceLowSpm
    var cadenceBasis = "population"
    if let b = baseline?.cadenceSpm, let c = cadence {
      cadenceThreshold = b * (1 - p.baselineCadenceDropPct / 100)
      lowCadence = c < cadenceThreshold
      cadenceBasis = "your baseline of \(fmt(b)) spm"
    } else if let c = cadence {
      lowCadence = c < p.cadenceLowSpm
    }
    var secondSigns: [String] = []
    if let b = braking {
      let limit = baseline?.brakingMps.map { $0 * (1 + p.baselineBrakingRisePct / 100) } ?? p.brakingHighMps
      if b >= limit { secondSigns.append("high braking (\(fmt(b, 2)) m/s lost per step, threshold \(fmt(limit, 2)))") }
    }
    // A shank accelerometer's contact time is approximate (toe-off within
    // about ±150 ms in validation studies): not a second sign.
    if let g = contact, run.placement != .shank {
      let limit = baseline?.groundContactMs.map { $0 * (1 + p.baselineContactRisePct / 100) } ?? p.contactLongMs
      if g >= limit { secondSigns.append("long ground contact (\(fmt(g)) ms, threshold \(fmt(limit)))") }
    }
    if let c = cadence, lowCadence {
      // 165.6 is below 166: a decimal where whole numbers would look equal.
      let cText = fmt(c, fmt(c) == fmt(cadenceThreshold) ? 1 : 0)
      if !secondSigns.isEmpty {
        let severe = c < p.cadenceVeryLowSpm || secondSigns.count >= 2
        add("overstriding", severe ? .alert : .warning, "cadence_spm", value: c, threshold: cadenceThreshold, unit: "spm",
            message: "Overstriding pattern: cadence \(cText) spm is low (below \(fmt(cadenceThreshold)), \(cadenceBasis)) together with \(secondSigns.joined(separator: " and ")). This pattern is associated with higher braking forces and with low back pain in runners; it is not a diagnosis.",
            evidence: Evidence.cadence + " " + Evidence.overstride,
            advice: "Try a 5 % higher step rate at the same speed (a metronome or music helps): shorter steps land the foot closer under the hips. Change gradually over a few weeks.")
      } else {
        add("cadence-low", .info, "cadence_spm", value: c, threshold: cadenceThreshold, unit: "spm",
            message: "Cadence \(cText) spm is below \(fmt(cadenceThreshold)) (\(cadenceBasis)); without high braking or long contact this alone does not indicate overstriding.",
            evidence: Evidence.cadence,
            advice: "If you also feel you reach forward with your foot, a 5 % higher step rate is a low-risk change to try.")
      }
    }

    // Posture: trunk forward lean and lateral sway (trunk sensor only).
    if run.placement == .hip, let lean = s.trunkLeanDeg?.median {
      let calibrated = s.trunkLeanReference == .standing
      var leanValue = lean
      var leanHigh = p.leanTypicalHighDeg
      var leanId = "trunk-lean-high"
      var basis = "the typical range \(fmt(p.leanTypicalLowDeg))–\(fmt(p.leanTypicalHighDeg))°"
      if let b = baseline?.trunkLeanDeg {
        leanValue = lean - b
        leanHigh = p.baselineLeanChangeDeg
        leanId = "trunk-lean-increase"
        basis = "your baseline of \(fmt(b, 1))°"
      }
      // Without a standing calibration the mounting angle is inside the
      // number: only a clearly flexed value is mentioned, as info.
      if !calibrated && baseline == nil {
        leanHigh = p.leanFlexedDeg
        basis = "\(fmt(p.leanFlexedDeg))°, the flexed posture of Teng & Powers 2014 (typical range \(fmt(p.leanTypicalLowDeg))–\(fmt(p.leanTypicalHighDeg))°)"
      }
      if leanValue > leanHigh {
        let severe = baseline == nil && lean > p.leanFlexedDeg
        var sev: Severity = severe ? .alert : .warning
        if !calibrated && baseline == nil { sev = .info }
        add(leanId, sev, "trunk_lean_deg", value: baseline == nil ? lean : leanValue, threshold: leanHigh, unit: "deg",
            message: (baseline == nil
            ? "Trunk forward lean \(fmt(lean, 1))° is above \(basis)."
            : "Trunk forward lean is \(fmt(leanValue, 1))° more than \(basis).")
            + " More forward lean is associated with higher back-extensor demand and was seen in injured runners."
            + (calibrated ? "" : " Measured against the sensor's own axis (no standing moment found), so a tilted clip shifts it: stand still for 5 s at the start to calibrate."),
            evidence: Evidence.lean,
            advice: "Run tall: think of a slight lean from the ankles, not a bend at the hips; core and hip-extensor strength work helps hold it when tired.")
      } else if baseline == nil, lean < p.leanTypicalLowDeg, calibrated {
        add("trunk-lean-low", .info, "trunk_lean_deg", value: lean, threshold: p.leanTypicalLowDeg, unit: "deg",
            message: "Trunk forward lean \(fmt(lean, 1))° is below the typical range: a very upright or backward-leaning trunk is associated with more knee-extensor work and patellofemoral joint stress in studies of runners.",
            evidence: Evidence.lean,
            advice: "A slight forward lean (5–10°) is typical; no change is needed if you are comfortable.")
      }
    }
    if run.placement == .hip, let sway = s.lateralSwayCm?.median, sway > p.swayHighCm {
      add("lateral-sway-high", .warning, "lateral_sway_cm", value: sway, threshold: p.swayHighCm, unit: "cm",
          message: "Side-to-side trunk motion of \(fmt(sway, 1)) cm per stride is above \(fmt(p.swayHighCm, 1)) cm, the mean of runners with low back pain (association, not a diagnosis).",
          evidence: Evidence.sway,
          advice: "Hip-abductor and trunk-stability exercises (side planks, single-leg work) reduce pelvic drop and sway.")
    }

    // Left/right asymmetry of contact time.
    if let b = s.gctBalanceLeftPct, b < p.balanceGreenLowPct || b > p.balanceGreenHighPct {
      let red = b < p.balanceRedLowPct || b > p.balanceRedHighPct
      let side = b > 50 ? "left" : "right"
      add("contact-asymmetry", red ? .warning : .info, "gct_balance_left_pct", value: b,
          threshold: b > 50 ? (red ? p.balanceRedHighPct : p.balanceGreenHighPct) : (red ? p.balanceRedLowPct : p.balanceGreenLowPct), unit: "% left",
          message: "The \(side) foot stays on the ground longer (\(fmt(b, 1)) % of contact time on the left).",
          evidence: Evidence.balance,
          advice: "A persistent asymmetry is worth a look by a physio, especially with pain on one side; compare with earlier runs before acting on one.")
    }

    flags += drift(run)
    return flags
  }

  /// Form breakdown: early (minutes 1–4 of running) vs the last 3 minutes.
  func drift(_ run: RunFacts) -> [RiskFlag] {
    let p = policy
    // Plain loops over the steps: a lazy filter with a key path cost about
    // 900 instructions per step (18 M for an hour).
    var firstRunning: Double?, lastRunning: Double?
    for s in run.steps where s.running {
      if firstRunning == nil { firstRunning = s.icS }
      lastRunning = s.icS
    }
    guard let first = firstRunning, let last = lastRunning, last - first >= p.driftMinimumRunS else { return [] }
    // The windows compared: minutes 1–4 of running, and the last 3 minutes.
    let isEarly = { (t: Double) in t >= first + 60 && t < first + 240 }
    let isLate = { (t: Double) in t >= last - 180 }
    var early: [Step] = [], late: [Step] = []
    for s in run.steps where s.running {
      if isEarly(s.icS) { early.append(s) }
      if isLate(s.icS) { late.append(s) }
    }
    // A metric of the steps in each window.
    func ofSteps(_ value: (Step) -> Double?) -> (early: [Double], late: [Double]) {
      (early.compactMap(value), late.compactMap(value))
    }
    // One drift: the change of the metric's median from the early to the
    // late window judged against its threshold, and the texts of the flag.
    func flag(_ id: String, _ metric: String, _ change: DriftChange, threshold: Double, _ values: (early: [Double], late: [Double]),
              message: (Double, Double) -> String, evidence: String, advice: String) -> RiskFlag? {
      guard let a = Statistics.median(values.early), let b = Statistics.median(values.late),
            change.of(a, b) > threshold else { return nil }
      return RiskFlag(
        id: id, severity: .warning, metric: metric, value: change.of(a, b), threshold: threshold, unit: change.unit,
        startS: last - 180, endS: last, message: message(a, b), evidence: evidence, advice: advice)
    }
    var flags = [
      flag("form-breakdown-cadence", "cadence_spm", .percentDrop, threshold: p.driftCadenceDropPct,
           ofSteps { $0.stepTimeMs.map { 60_000 / $0 } },
           message: { "Cadence fell from \(fmt($0)) to \(fmt($1)) spm between the start and the end of the run, a change associated with fatigue." },
           evidence: Evidence.fatigue + " " + Evidence.cadence,
           advice: "Shorten the run or add walk breaks until form holds; focus on quick, light steps when tired."),
      flag("form-breakdown-contact", "ground_contact_ms", .percentRise, threshold: p.driftContactRisePct, ofSteps(\.groundContactMs),
           message: { "Ground contact grew from \(fmt($0)) to \(fmt($1)) ms towards the end of the run." },
           evidence: Evidence.fatigue,
           advice: "Fatigue shows in longer contacts; build volume gradually and add strength work for the calves and hips."),
    ]
    if run.placement == .hip {
      // Lean is measured per segment, not per step.
      let leaning = run.segments.filter { $0.steps > 0 }
      let leans = (leaning.filter { isEarly($0.startS) }.compactMap(\.trunkLeanDeg), leaning.filter { isLate($0.startS) }.compactMap(\.trunkLeanDeg))
      flags += [
        flag("form-breakdown-lean", "trunk_lean_deg", .riseDeg, threshold: p.driftLeanRiseDeg, leans,
             message: { "The trunk leaned \(fmt($1 - $0, 1))° further forward at the end than at the start: back-muscle fatigue is associated with this change." },
             evidence: Evidence.fatigue + " " + Evidence.lean,
             advice: "Back-extensor and core endurance training helps hold posture late in runs."),
        flag("form-breakdown-sway", "lateral_sway_cm", .percentRise, threshold: p.driftSwayRisePct, ofSteps(\.lateralSwayCm),
             message: { "Side-to-side trunk motion rose from \(fmt($0, 1)) to \(fmt($1, 1)) cm by the end of the run." },
             evidence: Evidence.fatigue + " " + Evidence.sway,
             advice: "Hip-abductor endurance work (side planks, band walks) helps control sway when tired."),
      ]
    }
    return flags.compactMap { $0 }
  }

  private func runSpan(_ run: RunFacts) -> (Double, Double)? {
    guard let a = run.steps.first?.icS, let b = run.steps.last?.icS else { return nil }
    return (a, b)
  }
}

/// How a drift flag measures the change from the early median `a` to the
/// late median `b`, and the unit it reports it in.
enum DriftChange {
  /// (a − b) / a × 100, `% drop`.
  case percentDrop
  /// (b − a) / a × 100, `% rise`.
  case percentRise
  /// b − a in degrees, `deg rise`.
  case riseDeg

  var unit: String {
    switch self {
    case .percentDrop: "% drop"
    case .percentRise: "% rise"
    case .riseDeg: "deg rise"
    }
  }

  func of(_ a: Double, _ b: Double) -> Double {
    switch self {
    case .percentDrop: (a - b) / a * 100
    case .percentRise: (b - a) / a * 100
    case .riseDeg: b - a
    }
  }
}

/// A number for a message: `digits` decimals, no trailing noise.
func fmt(_ v: Double, _ digits: Int = 0) -> String {
  guard v.isFinite else { return "n/a" }
  var scale = 1.0
  for _ in 0..<digits { scale *= 10 }
  let r = (v * scale).rounded() / scale
  if digits == 0 { return String(Int(r)) }
  var s = String(r)
  if let dot = s.firstIndex(of: ".") {
    let decimals = s.distance(from: dot, to: s.endIndex) - 1
    if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
  }
  return s
}
