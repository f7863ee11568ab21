//===--- ReportDocument.swift ---------------------------------------------===//
// The JSON report read back: a typed model of `gaitline.report/1`
// (docs/REPORT.md), decoded with JSONDecoder. Writing stays the streaming
// writer (ReportWriter.swift, ReportStream.swift); the round-trip tests
// hold the two together. The `cohort` block of a shard's report and the
// error record are GaitCohort's (CohortRecords.swift).
//
// Keys that reports of earlier versions lack are optional here, so every
// report gaitline ever wrote under this schema still reads.
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
  public var gaitlineVersion: String
  public var input: ReportInput
  public var options: ReportOptions
  public var summary: ReportSummary
  /// Only with `--track`.
  public var track: ReportTrack?
  public var runningStretches: [ReportStretch]
  /// Absent from reports written before bouts were added.
  public var bouts: [ReportBout]?
  public var cadenceOverTime: [ReportSegment]
  /// `nil` when the report was read with `steps: false`
  /// (``ReportDocument/load(path:steps:)``).
  public var steps: [ReportStep]?
  /// Only with `--baseline`.
  public var baseline: ReportBaseline?
  public var flags: [ReportFlag]

  enum CodingKeys: String, CodingKey {
    case schema, input, options, summary, track, bouts, steps, baseline, flags
    case gaitlineVersion = "gaitline_version", runningStretches = "running_stretches", cadenceOverTime = "cadence_over_time"
  }

  /// Set to `false` in a decoder's `userInfo` to leave the steps out
  /// (they are most of a long report, and history, trend and merge do
  /// not need them).
  package static let readsSteps = CodingUserInfoKey(rawValue: "gaitline.report.steps")!

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

  /// Decodes a report from `data`; a failure is an ``IngestError``
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
  public var mean: Double
  public var median: Double
  public var sd: Double
  public var p10: Double
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
  public var path: String
  /// `csv`, `glb`, `cwa`, `gt3x`, `fit`, …
  public var format: String
  public var placement: Placement
  public var placementSource: PlacementSource
  /// Absent from reports written before placement detection reported it.
  public var placementFeatureDeg: Double?
  public var side: Side?
  public var frame: AxisFrame
  public var sampleRateHz: Double
  public var measuredRateHz: Double?
  public var nominalRateHz: Double?
  public var durationS: Double
  public var samples: Int
  public var startTimeUnixS: Double?
  /// `g`, `m/s2` or `mg`.
  public var unitsDetected: String
  public var unitsSource: String
  public var gyroUnits: String?
  public var timestampUnit: String
  /// Which input column each axis came from.
  public var columns: [String: String]
  public var resampled: Bool
  public var gaps: [ReportGap]
  public var clippedSamples: Int
  public var skippedBlocks: Int
  public var warnings: [String]

  enum CodingKeys: String, CodingKey {
    case path, format, placement, side, frame, samples, columns, resampled, gaps, warnings
    case placementSource = "placement_source", placementFeatureDeg = "placement_feature_deg"
    case sampleRateHz = "sample_rate_hz", measuredRateHz = "measured_rate_hz", nominalRateHz = "nominal_rate_hz"
    case durationS = "duration_s", startTimeUnixS = "start_time_unix_s", unitsDetected = "units_detected"
    case unitsSource = "units_source", gyroUnits = "gyro_units", timestampUnit = "timestamp_unit"
    case clippedSamples = "clipped_samples", skippedBlocks = "skipped_blocks"
  }
}

/// A stretch without samples in the input.
public struct ReportGap: Codable, Sendable, Equatable {
  public var startS: Double
  public var durationS: Double
  public var missingSamples: Int

  enum CodingKeys: String, CodingKey {
    case startS = "start_s", durationS = "duration_s", missingSamples = "missing_samples"
  }
}

/// The analysis options a report was made with.
public struct ReportOptions: Codable, Sendable, Equatable {
  public var placement: Placement?
  public var side: Side?
  public var speedMps: Double?
  public var segmentS: Double?
  public var lowPassHz: Double?
  public var contactThresholdG: Double?

  enum CodingKeys: String, CodingKey {
    case placement, side
    case speedMps = "speed_mps", segmentS = "segment_s", lowPassHz = "low_pass_hz", contactThresholdG = "contact_threshold_g"
  }
}

/// The metrics a summary and a bout both hold, by the names of
/// ``metricColumns`` (summary.csv and the merged cohort table).
public protocol ReportMetrics: Sendable {
  var cadenceSpm: ReportDistribution? { get }
  var groundContactMs: ReportDistribution? { get }
  var flightMs: ReportDistribution? { get }
  var dutyFactor: ReportDistribution? { get }
  var verticalOscillationCm: ReportDistribution? { get }
  var trunkLeanDeg: ReportDistribution? { get }
  var lateralSwayCm: ReportDistribution? { get }
  var brakingMps: ReportDistribution? { get }
  var gctBalanceLeftPct: Double? { get }
}

/// The report's `summary`.
public struct ReportSummary: ReportMetrics, Codable, Equatable {
  public var steps: Int
  public var runningSteps: Int
  public var basis: SummaryBasis
  public var cadenceSpm: ReportDistribution?
  public var cadenceSpectralSpm: Double?
  public var stepTimeMs: ReportDistribution?
  public var groundContactMs: ReportDistribution?
  public var flightMs: ReportDistribution?
  public var dutyFactor: ReportDistribution?
  public var verticalOscillationCm: ReportDistribution?
  public var verticalRatioPct: Double?
  public var trunkLeanDeg: ReportDistribution?
  /// Absent from reports written before lean was calibrated from standing.
  public var trunkLeanReference: TrunkLeanReference?
  public var lateralSwayCm: ReportDistribution?
  public var brakingMps: ReportDistribution?
  public var impactG: ReportDistribution?
  /// Shank only; absent from reports written before shank sensors.
  public var tibialShockG: ReportDistribution?
  public var tibialShockRateGps: ReportDistribution?
  public var tibialShockClippedSteps: Int?
  public var gctBalanceLeftPct: Double?
  public var mountingTiltDeg: Double?
  public var runningS: Double?

  enum CodingKeys: String, CodingKey {
    case steps, basis
    case runningSteps = "running_steps", cadenceSpm = "cadence_spm", cadenceSpectralSpm = "cadence_spectral_spm"
    case stepTimeMs = "step_time_ms", groundContactMs = "ground_contact_ms", flightMs = "flight_ms"
    case dutyFactor = "duty_factor", verticalOscillationCm = "vertical_oscillation_cm"
    case verticalRatioPct = "vertical_ratio_pct", trunkLeanDeg = "trunk_lean_deg"
    case trunkLeanReference = "trunk_lean_reference", lateralSwayCm = "lateral_sway_cm", brakingMps = "braking_mps"
    case impactG = "impact_g", tibialShockG = "tibial_shock_g", tibialShockRateGps = "tibial_shock_rate_gps"
    case tibialShockClippedSteps = "tibial_shock_clipped_steps", gctBalanceLeftPct = "gct_balance_left_pct"
    case mountingTiltDeg = "mounting_tilt_deg", runningS = "running_s"
  }
}

/// A running stretch: `[start_s, end_s)` of the recording.
public struct ReportStretch: Codable, Sendable, Equatable {
  public var startS: Double
  public var endS: Double

  enum CodingKeys: String, CodingKey {
    case startS = "start_s", endS = "end_s"
  }
}

/// Whether a bout is running or walking.
public enum BoutKind: String, Codable, Sendable {
  case running, walking
}

/// One continuous stretch of gait with its own summary.
public struct ReportBout: ReportMetrics, Codable, Equatable {
  public var startS: Double
  public var endS: Double
  public var kind: BoutKind
  public var steps: Int
  public var runningSteps: Int
  public var cadenceSpm: ReportDistribution?
  public var groundContactMs: ReportDistribution?
  public var flightMs: ReportDistribution?
  public var dutyFactor: ReportDistribution?
  public var verticalOscillationCm: ReportDistribution?
  public var trunkLeanDeg: ReportDistribution?
  public var lateralSwayCm: ReportDistribution?
  public var brakingMps: ReportDistribution?
  public var gctBalanceLeftPct: Double?

  enum CodingKeys: String, CodingKey {
    case kind, steps
    case startS = "start_s", endS = "end_s", runningSteps = "running_steps", cadenceSpm = "cadence_spm"
    case groundContactMs = "ground_contact_ms", flightMs = "flight_ms", dutyFactor = "duty_factor"
    case verticalOscillationCm = "vertical_oscillation_cm", trunkLeanDeg = "trunk_lean_deg"
    case lateralSwayCm = "lateral_sway_cm", brakingMps = "braking_mps", gctBalanceLeftPct = "gct_balance_left_pct"
  }
}

/// One analysis segment of `cadence_over_time`.
public struct ReportSegment: Codable, Sendable, Equatable {
  public var startS: Double
  public var endS: Double
  /// Spectral cadence of the segment.
  public var cadenceSpm: Double?
  public var steps: Int
  public var runningSteps: Int
  public var trunkLeanDeg: Double?

  enum CodingKeys: String, CodingKey {
    case steps
    case startS = "start_s", endS = "end_s", cadenceSpm = "cadence_spm", runningSteps = "running_steps"
    case trunkLeanDeg = "trunk_lean_deg"
  }
}

/// One entry of `steps[]` (the columns of ``stepColumns``, and with a
/// track those of ``trackStepColumns(_:)``).
public struct ReportStep: Codable, Sendable, Equatable {
  public var icS: Double
  public var tcS: Double?
  public var side: Side?
  public var running: Bool
  public var stepTimeMs: Double?
  public var groundContactMs: Double?
  public var flightMs: Double?
  public var dutyFactor: Double?
  public var verticalOscillationCm: Double?
  public var lateralSwayCm: Double?
  public var brakingMps: Double?
  public var impactG: Double?
  public var tibialShockG: Double?
  public var tibialShockRateGps: Double?
  public var tibialShockClipped: Bool?
  /// With a track only.
  public var speedMps: Double?
  public var distanceM: Double?
  public var stepLengthM: Double?
  public var verticalRatioPct: Double?

  enum CodingKeys: String, CodingKey {
    case side, running
    case icS = "ic_s", tcS = "tc_s", stepTimeMs = "step_time_ms", groundContactMs = "ground_contact_ms"
    case flightMs = "flight_ms", dutyFactor = "duty_factor", verticalOscillationCm = "vertical_oscillation_cm"
    case lateralSwayCm = "lateral_sway_cm", brakingMps = "braking_mps", impactG = "impact_g"
    case tibialShockG = "tibial_shock_g", tibialShockRateGps = "tibial_shock_rate_gps"
    case tibialShockClipped = "tibial_shock_clipped", speedMps = "speed_mps", distanceM = "distance_m"
    case stepLengthM = "step_length_m", verticalRatioPct = "vertical_ratio_pct"
  }
}

/// The personal baseline a report's flags were judged against.
public struct ReportBaseline: Codable, Sendable, Equatable {
  public var runs: Int
  public var cadenceSpm: Double?
  public var groundContactMs: Double?
  public var brakingMps: Double?
  public var trunkLeanDeg: Double?
  public var lateralSwayCm: Double?

  enum CodingKeys: String, CodingKey {
    case runs
    case cadenceSpm = "cadence_spm", groundContactMs = "ground_contact_ms", brakingMps = "braking_mps"
    case trunkLeanDeg = "trunk_lean_deg", lateralSwayCm = "lateral_sway_cm"
  }
}

/// One flag of the report (``RiskFlag`` as written).
public struct ReportFlag: Codable, Sendable, Equatable {
  /// The stretch of the run a flag applies to.
  public struct Span: Codable, Sendable, Equatable {
    public var startS: Double
    public var endS: Double?

    enum CodingKeys: String, CodingKey {
      case startS = "start_s", endS = "end_s"
    }
  }

  public var id: String
  public var severity: Severity
  public var metric: String
  public var value: Double?
  public var threshold: Double?
  public var unit: String
  /// `nil` for a flag about the whole recording.
  public var span: Span?
  public var message: String
  public var evidence: String
  public var advice: String
}

/// The report's `track` block (`analyze --track`).
public struct ReportTrack: Codable, Sendable, Equatable {
  public var path: String
  /// `gpx`, `tcx` or `fit`.
  public var format: String
  /// `file` or `positions`.
  public var distanceSource: String
  /// `file` or `distance`.
  public var speedSource: String
  public var trackStartUnixS: Double?
  public var trackEndUnixS: Double?
  public var recordingStartUnixS: Double?
  /// `file` or `option`.
  public var startTimeSource: String
  public var offsetS: Double?
  public var stepsOutside: Int
  public var distanceM: Double?
  public var speedMps: ReportDistribution?
  public var stepLengthM: ReportDistribution?
  public var verticalRatioPct: ReportDistribution?
  public var splits: [ReportSplit]

  enum CodingKeys: String, CodingKey {
    case path, format, splits
    case distanceSource = "distance_source", speedSource = "speed_source", trackStartUnixS = "track_start_unix_s"
    case trackEndUnixS = "track_end_unix_s", recordingStartUnixS = "recording_start_unix_s"
    case startTimeSource = "start_time_source", offsetS = "offset_s", stepsOutside = "steps_outside"
    case distanceM = "distance_m", speedMps = "speed_mps", stepLengthM = "step_length_m", verticalRatioPct = "vertical_ratio_pct"
  }
}

/// One kilometre of the track.
public struct ReportSplit: Codable, Sendable, Equatable {
  public var km: Int
  public var startM: Double
  public var endM: Double
  public var startS: Double
  public var endS: Double
  public var steps: Int
  public var runningSteps: Int
  public var cadenceSpm: Double?
  public var groundContactMs: Double?
  public var verticalOscillationCm: Double?
  public var stepLengthM: Double?
  public var verticalRatioPct: Double?
  public var paceSPerKm: Double?

  enum CodingKeys: String, CodingKey {
    case km, steps
    case startM = "start_m", endM = "end_m", startS = "start_s", endS = "end_s", runningSteps = "running_steps"
    case cadenceSpm = "cadence_spm", groundContactMs = "ground_contact_ms", verticalOscillationCm = "vertical_oscillation_cm"
    case stepLengthM = "step_length_m", verticalRatioPct = "vertical_ratio_pct", paceSPerKm = "pace_s_per_km"
  }
}

/// The bytes of the file at `path`, or an ``IngestError`` naming it.
package func readReportFile(_ path: String, what: String) throws -> Data {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw IngestError(.fileNotFound, what, path: path)
  }
  return data
}

/// Decodes `type` from `data`; a failure is an ``IngestError`` (`corrupt`)
/// naming `path`, saying `what` and which key (or which byte) did not read.
package func decodeReportJSON<T: Decodable>(_ type: T.Type, from data: Data, path: String, userInfo: [CodingUserInfoKey: any Sendable],
                                    what: String) throws -> T {
  let decoder = JSONDecoder()
  decoder.userInfo = userInfo
  do {
    return try decoder.decode(type, from: data)
  } catch let error as DecodingError {
    throw IngestError(.corrupt, "\(what): \(decodingErrorText(error))", path: path)
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
