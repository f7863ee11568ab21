//===--- AnalysisResult.swift ---------------------------------------------===//
// What the pipeline (GaitPipeline) hands the renderers: one analysed input.
//===----------------------------------------------------------------------===//
import GaitCore
import GaitDSP
import GaitIngest
import GaitScoring

/// Everything known about one analysed input.
public struct AnalysisResult: Sendable {
  public var path: String
  public var info: RecordingInfo
  public var ingest: IngestReport
  public var placement: Placement
  /// `option`, `file` or `detected`.
  public var placementSource: String
  public var options: AnalysisOptions
  public var steps: [Step]
  public var segments: [SegmentResult]
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
