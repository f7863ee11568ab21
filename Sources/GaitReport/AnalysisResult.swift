//===--- AnalysisResult.swift ---------------------------------------------===//
// What the pipeline (GaitPipeline) hands the renderers: one analysed input.
//===----------------------------------------------------------------------===//
import GaitCore
import GaitDSP
import GaitIngest
import GaitScoring

/// Everything known about one analysed input.
public struct AnalysisResult: Sendable {
  /// The input's path, as given.
  public var path: String
  /// The recording's description (rate, placement given, axes, start time).
  public var info: RecordingInfo
  /// What reading found: format, rates, units, gaps, clipping, warnings.
  public var ingest: IngestReport
  /// The placement analysed as (given, from the file, or detected).
  public var placement: Placement
  /// `option`, `file` or `detected`.
  public var placementSource: String
  /// The options of the analysis (placement, side, speed, threads).
  public var options: AnalysisOptions
  /// Every detected step, in time order.
  public var steps: [Step]
  /// The analysis segments, in time order.
  public var segments: [SegmentResult]
  /// The run in numbers (over running steps when there are enough).
  public var summary: RunSummary
  /// Warnings from the analysis (not from reading).
  public var warnings: [String]
  /// What placement detection decided on, degrees.
  public var placementFeatureDeg: Double?
  /// Evidence-based flags, most severe first.
  public var flags: [RiskFlag] = []
  /// The personal baseline the flags were judged against, if any.
  public var baseline: PersonalBaseline?
  /// The steps on the runner's watch track (`--track`), if one was given
  /// (``attachTrack(_:to:startTimeUnixS:offsetS:)``).
  public var track: TrackAnalysis?
  /// The summary of ``steps`` and ``segments`` as the analysis computed it,
  /// with those arrays: the report's bouts reuse it for a bout of the
  /// whole run (only while ``steps`` and ``segments`` are those arrays).
  public var summarised: SummarisedRun?

  /// An analysed input as the pipeline assembles it; flags and baseline
  /// are set after scoring.
  public init(path: String, info: RecordingInfo, ingest: IngestReport, placement: Placement, placementSource: String,
              options: AnalysisOptions, steps: [Step], segments: [SegmentResult], summary: RunSummary,
              warnings: [String], placementFeatureDeg: Double?) {
    self.path = path
    self.info = info
    self.ingest = ingest
    self.placement = placement
    self.placementSource = placementSource
    self.options = options
    self.steps = steps
    self.segments = segments
    self.summary = summary
    self.warnings = warnings
    self.placementFeatureDeg = placementFeatureDeg
  }
}
