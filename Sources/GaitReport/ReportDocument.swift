//===--- ReportDocument.swift ---------------------------------------------===//
// The JSON report read back: a typed model of `gaitline.report/1`
// (docs/REPORT.md), decoded with JSONDecoder. Writing stays the streaming
// writer (ReportWriter.swift, ReportStream.swift); the round-trip tests
// hold the two together. The `cohort` block of a shard's report and the
// error record are GaitCohort's (CohortRecords.swift).
//
// Keys that reports of earlier versions lack are optional here, so every
// report gaitline ever wrote under this schema still reads.
// Every key is its property's name in snake_case (`SnakeCaseCodingKey`,
// GaitCore), so each type lists its keys once, by name.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
import GaitDSP
import GaitIngest
import GaitScoring

/// A `gaitline.report/1` JSON report, as written by `analyze --json`,
/// a batch, a cohort shard or `stream --json`.
public struct ReportDocument: Codable, Sendable, Equatable {
  /// Always ``reportSchema``.
  public var schema: String
  /// `gaitline_version`: the version of gaitline that wrote the report
  /// (``gaitlineVersion`` of that build).
  public var gaitlineVersion: String
  /// `input`: what was read and how (format, placement, rate, units, gaps).
  public var input: ReportInput
  /// `options`: the analysis options the report was made with.
  public var options: ReportOptions
  /// `summary`: the whole run in numbers (step counts and metric distributions).
  public var summary: ReportSummary
  /// Only with `--track`.
  public var track: ReportTrack?
  /// `running_stretches`: the stretches of consecutive analysis segments in
  /// which most steps are in running bouts, in time order; empty when none.
  public var runningStretches: [ReportStretch]
  /// Absent from reports written before bouts were added.
  public var bouts: [ReportBout]?
  /// `cadence_over_time`: one entry per analysis segment (`options.segment_s`
  /// long), in time order.
  public var cadenceOverTime: [ReportSegment]
  /// `nil` when the report was read with `steps: false`
  /// (``ReportDocument/load(path:steps:)``).
  public var steps: [ReportStep]?
  /// Only with `--baseline`.
  public var baseline: ReportBaseline?
  /// `flags`: the evidence-based flags, most severe first (docs/POLICY.md);
  /// empty when none was raised.
  public var flags: [ReportFlag]

  enum CodingKeys: String, SnakeCaseCodingKey {
    case schema, input, options, summary, track, bouts, steps, baseline, flags, gaitlineVersion, runningStretches
    case cadenceOverTime
  }

  /// Set to `false` in a decoder's `userInfo` to leave the steps out
  /// (they are most of a long report, and history, trend and merge do
  /// not need them).
  package static let readsSteps = CodingUserInfoKey(rawValue: "gaitline.report.steps")!

  /// Decodes a report; throws a `DecodingError` when `schema` is not
  /// ``reportSchema`` or a key does not read. `steps` stays `nil` when the decoder's
  /// `userInfo` says not to read them (`readsSteps` is `false`).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    schema = try c.decode(String.self, forKey: .schema)
    guard schema == reportSchema else {
      throw DecodingError.dataCorruptedError(forKey: .schema, in: c, debugDescription: "'\(schema)' is not \(reportSchema)")
    }
    gaitlineVersion = try c.decode(String.self, forKey: .gaitlineVersion)
    input = try c.decode(ReportInput.self, forKey: .input)
    options = try c.decode(ReportOptions.self, forKey: .options)
    summary = try c.decode(ReportSummary.self, forKey: .summary)
    track = try c.decodeIfPresent(ReportTrack.self, forKey: .track)
    runningStretches = try c.decode([ReportStretch].self, forKey: .runningStretches)
    bouts = try c.decodeIfPresent([ReportBout].self, forKey: .bouts)
    cadenceOverTime = try c.decode([ReportSegment].self, forKey: .cadenceOverTime)
    steps = decoder.userInfo[Self.readsSteps] as? Bool == false ? nil : try c.decodeIfPresent([ReportStep].self, forKey: .steps)
    baseline = try c.decodeIfPresent(ReportBaseline.self, forKey: .baseline)
    flags = try c.decode([ReportFlag].self, forKey: .flags)
  }

  /// Decodes a report from `data`; a failure is a `ReportError`
  /// (`corrupt`) naming `path` and the key that did not read.
  public static func decode(_ data: Data, path: String, steps: Bool = true) throws -> ReportDocument {
    try decodeReportJSON(ReportDocument.self, from: data, path: path, userInfo: [readsSteps: steps],
                         what: "not a gaitline report (schema \(reportSchema)); pass reports written by `gaitline analyze --json`")
  }

  /// Reads and decodes the report at `path` (``decode(_:path:steps:)``).
  public static func load(path: String, steps: Bool = true) throws -> ReportDocument {
    try decode(readReportFile(path, what: "cannot read the report"), path: path, steps: steps)
  }
}

/// Mean, median, standard deviation, 10th/90th percentiles and count of a
/// metric, as rounded in the report.
public struct ReportDistribution: Codable, Sendable, Equatable {
  /// Arithmetic mean, in the metric's unit.
  public var mean: Double
  /// Median (the 0.5 quantile, linear interpolation between closest ranks),
  /// in the metric's unit.
  public var median: Double
  /// Sample standard deviation (n − 1), in the metric's unit; 0 for a single value.
  public var sd: Double
  /// 10th percentile, in the metric's unit.
  public var p10: Double
  /// 90th percentile, in the metric's unit.
  public var p90: Double
  /// The number of values.
  public var n: Int
}

/// How the report's placement was decided.
public enum PlacementSource: String, Codable, Sendable {
  /// `--placement`.
  case option
  /// The file says (a `.glb` header, a column name).
  case file
  /// Detected from the signal.
  case detected
  /// Nothing decided: the default placement.
  case `default`
}

/// The report's `input`: what was read and how.
public struct ReportInput: Codable, Sendable, Equatable {
  /// `path`: the input file, as it was given.
  public var path: String
  /// `csv`, `glb`, `cwa`, `gt3x`, `fit`, …
  public var format: String
  /// `placement`: where the sensor was worn as analysed: `hip`, `foot` or
  /// `shank`.
  public var placement: Placement
  /// `placement_source`: how ``placement`` was decided.
  public var placementSource: PlacementSource
  /// Absent from reports written before placement detection reported it.
  public var placementFeatureDeg: Double?
  /// `side`: `left` or `right` (from `--side` or the file); `nil` when
  /// unknown.
  public var side: Side?
  /// `frame`: the axis frame of the samples, `sensor` or `body`.
  public var frame: AxisFrame
  /// `sample_rate_hz`: the rate of the uniform grid the samples were put on,
  /// Hz.
  public var sampleRateHz: Double
  /// `measured_rate_hz`: the rate measured from the timestamps over the
  /// whole input, Hz; `nil` when it was not measured.
  public var measuredRateHz: Double?
  /// `nominal_rate_hz`: a commonly used rate within 0.5 % of the measured
  /// one, Hz; `nil` when there is none.
  public var nominalRateHz: Double?
  /// `duration_s`: the duration of the grid, s.
  public var durationS: Double
  /// `samples`: the number of samples on the grid.
  public var samples: Int
  /// `start_time_unix_s`: wall-clock time of the first sample, Unix seconds;
  /// `nil` when the input does not have it.
  public var startTimeUnixS: Double?
  /// `g`, `m/s2` or `mg`.
  public var unitsDetected: String
  /// `units_source`: how the acceleration unit was decided: `header`,
  /// `gravity`, `option` or `format`.
  public var unitsSource: String
  /// `gyro_units`: `rad/s` or `deg/s` when the input has a gyroscope, else
  /// `nil`.
  public var gyroUnits: String?
  /// `timestamp_unit`: how the input's times were read: `s`, `ms`, `us`,
  /// `iso8601`, `unix-s`, `unix-ms` or `none`.
  public var timestampUnit: String
  /// Which input column each axis came from.
  public var columns: [String: String]
  /// `resampled`: `true` when samples with irregular timing were placed on
  /// the grid by linear interpolation between their neighbours.
  public var resampled: Bool
  /// `gaps`: holes in time larger than a few samples (not filled), in time
  /// order; empty when none.
  public var gaps: [ReportGap]
  /// `clipped_samples`: samples at the sensor's range (its limit).
  public var clippedSamples: Int
  /// `skipped_blocks`: damaged blocks skipped (binary formats); 0 otherwise.
  public var skippedBlocks: Int
  /// `warnings`: what the user should know, from reading the input and from
  /// the analysis; empty when nothing.
  public var warnings: [String]

  enum CodingKeys: String, SnakeCaseCodingKey {
    case path, format, placement, side, frame, samples, columns, resampled, gaps, warnings, placementSource
    case placementFeatureDeg, sampleRateHz, measuredRateHz, nominalRateHz, durationS, startTimeUnixS, unitsDetected
    case unitsSource, gyroUnits, timestampUnit, clippedSamples, skippedBlocks
  }
}

/// A stretch without samples in the input.
public struct ReportGap: Codable, Sendable, Equatable {
  /// `start_s`: time of the last sample before the gap, s from the first
  /// sample.
  public var startS: Double
  /// `duration_s`: the length of the hole, s.
  public var durationS: Double
  /// `missing_samples`: grid samples that are missing.
  public var missingSamples: Int

  enum CodingKeys: String, SnakeCaseCodingKey {
    case startS, durationS, missingSamples
  }
}

/// The analysis options a report was made with.
public struct ReportOptions: Codable, Sendable, Equatable {
  /// `placement`: the `--placement` given; `nil` when it was detected from
  /// the signal.
  public var placement: Placement?
  /// `side`: the `--side` given (`left` or `right`, for a foot or shank
  /// sensor); `nil` when none.
  public var side: Side?
  /// `speed_mps`: the running speed given with `--speed`, m/s (for the
  /// vertical ratio); `nil` when none.
  public var speedMps: Double?
  /// `segment_s`: the length of the core of each analysis segment, s.
  public var segmentS: Double?
  /// `low_pass_hz`: the low-pass cut-off for trunk and foot acceleration, Hz.
  public var lowPassHz: Double?
  /// `contact_threshold_g`: the vertical specific force below which a hip
  /// sensor is taken to be in flight, g.
  public var contactThresholdG: Double?

  enum CodingKeys: String, SnakeCaseCodingKey {
    case placement, side, speedMps, segmentS, lowPassHz, contactThresholdG
  }
}

/// The metrics a summary and a bout both hold, by the names of
/// ``metricColumns`` (summary.csv and the merged cohort table).
public protocol ReportMetrics: Sendable {
  /// `cadence_spm`: steps of both feet per minute (60 000 / step time), spm.
  var cadenceSpm: ReportDistribution? { get }
  /// `ground_contact_ms`: initial contact to toe-off, ms.
  var groundContactMs: ReportDistribution? { get }
  /// `flight_ms`: toe-off to the next initial contact, ms.
  var flightMs: ReportDistribution? { get }
  /// `duty_factor`: ground contact / stride time (0–1).
  var dutyFactor: ReportDistribution? { get }
  /// `vertical_oscillation_cm`: peak-to-peak vertical displacement of the
  /// trunk per step, cm (hip only; `nil` otherwise).
  var verticalOscillationCm: ReportDistribution? { get }
  /// `trunk_lean_deg`: forward trunk lean, deg (hip only; `nil` otherwise).
  var trunkLeanDeg: ReportDistribution? { get }
  /// `lateral_sway_cm`: peak-to-peak mediolateral displacement of the trunk
  /// per step, cm (hip only; `nil` otherwise).
  var lateralSwayCm: ReportDistribution? { get }
  /// `braking_mps`: forward velocity lost during stance, m/s (hip only;
  /// `nil` otherwise).
  var brakingMps: ReportDistribution? { get }
  /// `gct_balance_left_pct`: the left foot's share of ground contact time
  /// (Garmin "GCT balance"), %; `nil` unless both sides' contacts are known.
  var gctBalanceLeftPct: Double? { get }
  /// `ground_contact_uncertainty_ms`: the stated uncertainty of each step's
  /// contact time, ± ms (shank only; `nil` otherwise).
  var groundContactUncertaintyMs: Double? { get }
}

/// The report's `summary`.
public struct ReportSummary: ReportMetrics, Codable, Equatable {
  /// `steps`: steps detected, running and walking.
  public var steps: Int
  /// `running_steps`: steps in running bouts.
  public var runningSteps: Int
  /// `basis`: `running` when the distributions are over running steps (at
  /// least 8 of them), `all` when there were fewer.
  public var basis: SummaryBasis
  /// `cadence_spm`: steps of both feet per minute (60 000 / step time), spm;
  /// for a foot or shank sensor 2 × the stride rate.
  public var cadenceSpm: ReportDistribution?
  /// `cadence_spectral_spm`: the median of the segments' spectral step rate
  /// (both feet), spm; `nil` when no segment showed periodic gait.
  public var cadenceSpectralSpm: Double?
  /// `step_time_ms`: step time, ms (for a foot or shank sensor half the stride
  /// time).
  public var stepTimeMs: ReportDistribution?
  /// `ground_contact_ms`: ground contact time (initial contact to toe-off), ms.
  public var groundContactMs: ReportDistribution?
  /// `ground_contact_uncertainty_ms`: the stated uncertainty of each step's
  /// contact time, ± ms (shank: 150, toe-off from acceleration; `nil` for
  /// the other placements and in reports written before it).
  public var groundContactUncertaintyMs: Double?
  /// `flight_ms`: flight time (toe-off to the next initial contact), ms.
  public var flightMs: ReportDistribution?
  /// `duty_factor`: ground contact / stride time (0–1).
  public var dutyFactor: ReportDistribution?
  /// `vertical_oscillation_cm`: peak-to-peak vertical displacement of the
  /// trunk per step, cm (hip only; `nil` otherwise).
  public var verticalOscillationCm: ReportDistribution?
  /// `vertical_ratio_pct`: vertical oscillation / step length × 100, %: with
  /// `--speed` the median oscillation / (speed × median step time), with
  /// `--track` the median of the per-step ratios; `nil` otherwise.
  public var verticalRatioPct: Double?
  /// `trunk_lean_deg`: forward trunk lean per segment, deg (hip only; `nil`
  /// otherwise), relative to ``trunkLeanReference``.
  public var trunkLeanDeg: ReportDistribution?
  /// Absent from reports written before lean was calibrated from standing.
  public var trunkLeanReference: TrunkLeanReference?
  /// `lateral_sway_cm`: peak-to-peak mediolateral displacement of the trunk
  /// per step, cm (hip only; `nil` otherwise).
  public var lateralSwayCm: ReportDistribution?
  /// `braking_mps`: forward velocity lost during stance, m/s (hip only; `nil`
  /// otherwise).
  public var brakingMps: ReportDistribution?
  /// `impact_g`: peak vertical acceleration in the first half of stance, g.
  public var impactG: ReportDistribution?
  /// Shank only; absent from reports written before shank sensors.
  public var tibialShockG: ReportDistribution?
  /// `tibial_shock_rate_gps`: shank only: the mean rate of rise of the axial
  /// tibial acceleration from initial contact to its peak, g/s; absent from
  /// reports written before shank sensors.
  public var tibialShockRateGps: ReportDistribution?
  /// `tibial_shock_clipped_steps`: shank: steps whose shock window holds a
  /// sample at the sensor's range (their peak is a lower bound); 0 for other
  /// placements; absent from reports written before shank sensors.
  public var tibialShockClippedSteps: Int?
  /// `gct_balance_left_pct`: the left foot's share of ground contact time
  /// (Garmin "GCT balance"), %: 100 × mean left contact / (mean left + mean
  /// right); `nil` unless at least 4 contacts of each side are known.
  public var gctBalanceLeftPct: Double?
  /// `mounting_tilt_deg`: the median angle between gravity and the nearest
  /// sensor axis over the segments with gait, deg.
  public var mountingTiltDeg: Double?
  /// `running_s`: total time in running stretches, s.
  public var runningS: Double?

  enum CodingKeys: String, SnakeCaseCodingKey {
    case steps, basis, runningSteps, cadenceSpm, cadenceSpectralSpm, stepTimeMs, groundContactMs
    case groundContactUncertaintyMs, flightMs, dutyFactor
    case verticalOscillationCm, verticalRatioPct, trunkLeanDeg, trunkLeanReference, lateralSwayCm, brakingMps, impactG
    case tibialShockG, tibialShockRateGps, tibialShockClippedSteps, gctBalanceLeftPct, mountingTiltDeg, runningS
  }
}

/// A running stretch: `[start_s, end_s)` of the recording.
public struct ReportStretch: Codable, Sendable, Equatable {
  /// `start_s`: start of the stretch, s from the input's first sample.
  public var startS: Double
  /// `end_s`: end of the stretch (exclusive), s from the input's first sample.
  public var endS: Double

  enum CodingKeys: String, SnakeCaseCodingKey {
    case startS, endS
  }
}

/// Whether a bout is running or walking.
public enum BoutKind: String, Codable, Sendable {
  /// `running`: a running bout; `walking`: a walking bout (`bouts[].kind`;
  /// steps are labelled per bout, with hysteresis).
  case running, walking
}

/// One continuous stretch of gait with its own summary.
public struct ReportBout: ReportMetrics, Codable, Equatable {
  /// `start_s`: start of the bout, s from the input's first sample.
  public var startS: Double
  /// `end_s`: end of the bout, s from the input's first sample.
  public var endS: Double
  /// `kind`: whether the bout is running or walking. The bout's distributions
  /// are its own metrics, computed as for a whole run (``ReportSummary``).
  public var kind: BoutKind
  /// `steps`: steps in the bout.
  public var steps: Int
  /// `running_steps`: of the bout's steps, those labelled running.
  public var runningSteps: Int
  /// `cadence_spm`: the bout's cadence (both feet, 60 000 / step time), spm.
  public var cadenceSpm: ReportDistribution?
  /// `ground_contact_ms`: the bout's ground contact time, ms.
  public var groundContactMs: ReportDistribution?
  /// `flight_ms`: the bout's flight time, ms.
  public var flightMs: ReportDistribution?
  /// `duty_factor`: the bout's ground contact / stride time (0–1).
  public var dutyFactor: ReportDistribution?
  /// `vertical_oscillation_cm`: the bout's vertical oscillation of the trunk,
  /// cm (hip only; `nil` otherwise).
  public var verticalOscillationCm: ReportDistribution?
  /// `trunk_lean_deg`: the bout's forward trunk lean, deg (hip only; `nil`
  /// otherwise).
  public var trunkLeanDeg: ReportDistribution?
  /// `lateral_sway_cm`: the bout's mediolateral sway of the trunk, cm (hip
  /// only; `nil` otherwise).
  public var lateralSwayCm: ReportDistribution?
  /// `braking_mps`: the bout's forward velocity lost during stance, m/s (hip
  /// only; `nil` otherwise).
  public var brakingMps: ReportDistribution?
  /// `gct_balance_left_pct`: the left foot's share of the bout's ground
  /// contact time, %; `nil` unless both sides' contacts are known.
  public var gctBalanceLeftPct: Double?
  /// `ground_contact_uncertainty_ms`: the recording's stated uncertainty of
  /// each step's contact time, ± ms (shank only; `nil` otherwise and in
  /// reports written before it).
  public var groundContactUncertaintyMs: Double?

  enum CodingKeys: String, SnakeCaseCodingKey {
    case kind, steps, startS, endS, runningSteps, cadenceSpm, groundContactMs, flightMs, dutyFactor
    case verticalOscillationCm, trunkLeanDeg, lateralSwayCm, brakingMps, gctBalanceLeftPct
    case groundContactUncertaintyMs
  }
}

/// One analysis segment of `cadence_over_time`.
public struct ReportSegment: Codable, Sendable, Equatable {
  /// `start_s`: start of the segment's core, s from the input's first sample.
  public var startS: Double
  /// `end_s`: end of the segment's core, s from the input's first sample.
  public var endS: Double
  /// Spectral cadence of the segment.
  public var cadenceSpm: Double?
  /// `steps`: steps whose initial contact lies in the segment.
  public var steps: Int
  /// `running_steps`: of them, the steps in running bouts.
  public var runningSteps: Int
  /// `trunk_lean_deg`: forward inclination of the sensor from the gravity
  /// direction, deg, positive leaning forward, relative to the sensor's own
  /// upright axis; `nil` when not measured.
  public var trunkLeanDeg: Double?

  enum CodingKeys: String, SnakeCaseCodingKey {
    case steps, startS, endS, cadenceSpm, runningSteps, trunkLeanDeg
  }
}

/// One entry of `steps[]` (the columns of ``stepColumns``, and with a
/// track those of ``trackStepColumns(_:)``).
public struct ReportStep: Codable, Sendable, Equatable {
  /// `ic_s`: initial contact (foot strike), s from the input's first sample.
  public var icS: Double
  /// `tc_s`: terminal contact (toe-off), s from the input's first sample;
  /// `nil` when it was not found.
  public var tcS: Double?
  /// `side`: which foot, `left` or `right`, when it can be told.
  public var side: Side?
  /// `running`: whether the step belongs to a running bout (else a walking
  /// one).
  public var running: Bool
  /// `step_time_ms`: to the next contact of either foot (hip), or half the
  /// time to the next contact of the same foot (foot, shank), ms.
  public var stepTimeMs: Double?
  /// `ground_contact_ms`: ground contact time (tc − ic), ms.
  public var groundContactMs: Double?
  /// `flight_ms`: flight time (next ic − tc), ms; 0 when the feet overlap.
  public var flightMs: Double?
  /// `duty_factor`: ground contact / stride time (0–1).
  public var dutyFactor: Double?
  /// `vertical_oscillation_cm`: peak-to-peak vertical displacement of the
  /// trunk over the step, cm (hip only).
  public var verticalOscillationCm: Double?
  /// `lateral_sway_cm`: peak-to-peak mediolateral displacement of the trunk
  /// over the step, cm (hip only).
  public var lateralSwayCm: Double?
  /// `braking_mps`: forward velocity lost during stance, m/s (hip only).
  public var brakingMps: Double?
  /// `impact_g`: peak vertical acceleration in the first half of stance, g.
  public var impactG: Double?
  /// `tibial_shock_g`: shank only: peak axial (tibial) acceleration after
  /// contact, gravity included, g; a lower bound when ``tibialShockClipped``.
  /// Absent from reports written before shank sensors.
  public var tibialShockG: Double?
  /// `tibial_shock_rate_gps`: shank only: mean rate of rise of the axial
  /// acceleration from contact to its peak, g/s. Absent from reports written
  /// before shank sensors.
  public var tibialShockRateGps: Double?
  /// `tibial_shock_clipped`: shank only: the shock window holds a sample at
  /// the sensor's range. Absent from reports written before shank sensors.
  public var tibialShockClipped: Bool?
  /// With a track only.
  public var speedMps: Double?
  /// `distance_m`: track distance at the step's initial contact, m; with a
  /// track only (`nil` without one, or outside the track's time span).
  public var distanceM: Double?
  /// `step_length_m`: track speed × step time, m; with a track only.
  public var stepLengthM: Double?
  /// `vertical_ratio_pct`: vertical oscillation / step length × 100, %; with
  /// a track only.
  public var verticalRatioPct: Double?

  enum CodingKeys: String, SnakeCaseCodingKey {
    case side, running, icS, tcS, stepTimeMs, groundContactMs, flightMs, dutyFactor, verticalOscillationCm
    case lateralSwayCm, brakingMps, impactG, tibialShockG, tibialShockRateGps, tibialShockClipped, speedMps, distanceM
    case stepLengthM, verticalRatioPct
  }
}

/// The personal baseline a report's flags were judged against: the
/// scorer's own `PersonalBaseline` (GaitScoring), whose coding keys are the report's.
public typealias ReportBaseline = PersonalBaseline

/// One flag of the report: the scorer's own `RiskFlag` (GaitScoring), whose coding
/// is the report's (its stretch in a `span` object).
public typealias ReportFlag = RiskFlag

/// The report's `track` block (`analyze --track`).
public struct ReportTrack: Codable, Sendable, Equatable {
  /// `path`: the track file given with `--track`.
  public var path: String
  /// `gpx`, `tcx` or `fit`.
  public var format: String
  /// `file` or `positions`.
  public var distanceSource: String
  /// `file` or `distance`.
  public var speedSource: String
  /// `track_start_unix_s`: start of the track's time span, Unix seconds.
  public var trackStartUnixS: Double?
  /// `track_end_unix_s`: end of the track's time span, Unix seconds.
  public var trackEndUnixS: Double?
  /// `recording_start_unix_s`: the recording's first sample on the track's
  /// clock (its start time plus ``offsetS``), Unix seconds.
  public var recordingStartUnixS: Double?
  /// `file` or `option`.
  public var startTimeSource: String
  /// `offset_s`: seconds added to the recording's clock (`--track-offset`).
  public var offsetS: Double?
  /// `steps_outside`: steps outside the track's time span (they have no
  /// speed or distance).
  public var stepsOutside: Int
  /// `distance_m`: track distance from the first to the last step on the
  /// track, m; `nil` when there is none.
  public var distanceM: Double?
  /// `speed_mps`: track speed of the steps on the track, m/s (over running
  /// steps when there are at least 8, as `summary.basis`).
  public var speedMps: ReportDistribution?
  /// `step_length_m`: step length (speed × step time) of the steps on the
  /// track, m (same steps as ``speedMps``).
  public var stepLengthM: ReportDistribution?
  /// `vertical_ratio_pct`: vertical oscillation / step length × 100 of the
  /// steps on the track, % (same steps as ``speedMps``).
  public var verticalRatioPct: ReportDistribution?
  /// `splits`: one per kilometre of track distance that the recording
  /// covers, in order; the first and last cover only part of theirs.
  public var splits: [ReportSplit]

  enum CodingKeys: String, SnakeCaseCodingKey {
    case path, format, splits, distanceSource, speedSource, trackStartUnixS, trackEndUnixS, recordingStartUnixS
    case startTimeSource, offsetS, stepsOutside, distanceM, speedMps, stepLengthM, verticalRatioPct
  }
}

/// One kilometre of the track as the report holds it: the analysis's own
/// `TrackSplit` (GaitDSP), whose coding keys are the report's.
public typealias ReportSplit = TrackSplit

/// The bytes of the file at `path`, or a ``ReportError`` naming it.
package func readReportFile(_ path: String, what: String) throws -> Data {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw ReportError(.fileNotFound, what, path: path)
  }
  return data
}

/// Decodes `type` from `data`; a failure is a ``ReportError`` (`corrupt`)
/// naming `path`, saying `what` and which key (or which byte) did not read.
package func decodeReportJSON<T: Decodable>(_ type: T.Type, from data: Data, path: String, userInfo: [CodingUserInfoKey: any Sendable],
                                    what: String) throws -> T {
  let decoder = JSONDecoder()
  decoder.userInfo = userInfo
  do {
    return try decoder.decode(type, from: data)
  } catch let error as DecodingError {
    throw ReportError(.corrupt, "\(what): \(decodingErrorText(error))", path: path)
  }
}

/// A `DecodingError` as a person reads it: the key path (`summary.cadence_spm.median`)
/// and what was wrong there.
func decodingErrorText(_ error: DecodingError) -> String {
  func keys(_ path: [any CodingKey]) -> String {
    let text = path.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
    return text.hasPrefix(".") ? String(text.dropFirst()) : text
  }
  switch error {
  case .keyNotFound(let key, let context):
    return "\(keys(context.codingPath + [key])) is missing"
  case .valueNotFound(_, let context):
    return "\(keys(context.codingPath)) is null"
  case .typeMismatch(let type, let context):
    return "\(keys(context.codingPath)) is not \(type == Double.self || type == Int.self ? "a number" : type == String.self ? "a string" : "\(type)")"
  case .dataCorrupted(let context):
    let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
    let at = context.codingPath.isEmpty ? "" : "\(keys(context.codingPath)): "
    return at + (context.codingPath.isEmpty ? "not valid JSON (\(underlying ?? context.debugDescription))" : context.debugDescription)
  @unknown default:
    return "\(error)"
  }
}
