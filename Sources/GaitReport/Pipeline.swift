//===--- Pipeline.swift ---------------------------------------------------===//
// Reading, analysing and summarising one input: what `analyze` runs.
//===----------------------------------------------------------------------===//
import GaitCore
import GaitIngest
import GaitDSP
import GaitScoring
import Foundation

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
}

/// Below this rate gaitline refuses to analyse: contact time needs ≥ 100 Hz
/// and 50 Hz is the floor of every peer package (GaitPy needs at least 50 Hz;
/// docs/EVIDENCE.md).
public let minimumAnalysisRateHz = 50.0

/// Reads `source` to its end through the incremental analyzer. Memory is
/// bounded by the analyzer's window, not by the input's length.
public func analyze(source: any SampleSource, path: String, options: AnalysisOptions,
                    policy: ScoringPolicy = .populationDefaults, baseline: PersonalBaseline? = nil,
                    onBlock: ((SampleBlock) -> Void)? = nil,
                    onStep: ((Step) -> Void)? = nil) throws -> AnalysisResult {
  var analyzer: GaitAnalyzer?
  var steps: [Step] = []
  var first = true
  while let block = try source.nextBlock() {
    if first {
      first = false
      let rate = source.info.sampleRateHz
      if rate < minimumAnalysisRateHz {
        throw IngestError(.sampleRateTooLow,
          "the sample rate is \(String(format: "%.4g", rate)) Hz; gaitline needs at least 50 Hz "
          + "(contact times need 100 Hz or more). Record at a higher rate, or pass --rate if the detected rate is wrong",
          path: path)
      }
      analyzer = GaitAnalyzer(info: source.info, options: options)
    }
    onBlock?(block)
    analyzer!.process(block) { steps.append($0); onStep?($0) }
  }
  guard var analyzer else {
    throw IngestError(.emptyFile, "the input has no samples", path: path)
  }
  analyzer.finish { steps.append($0); onStep?($0) }
  let placement = analyzer.placement ?? .hip
  let source2: String = options.placement != nil ? "option" : (source.info.placement != nil ? "file" : analyzer.placementDefaulted ? "default" : "detected")
  var warnings: [String] = []
  if source2 == "default" {
    warnings.append("placement could not be detected (less than 6 s of clear gait); analysed as hip. Pass --placement foot if the sensor was on the foot")
  }
  let rate = source.info.sampleRateHz
  if rate < 100 {
    warnings.append(String(format: "sample rate %.4g Hz is below 100 Hz: contact and flight times are coarse (one sample is %.0f ms)", rate, 1000 / rate))
  }
  if steps.isEmpty {
    warnings.append("no steps found: the recording shows no periodic walking or running")
  }
  if placement == .shank {
    warnings.append("shank sensor: trunk metrics (vertical oscillation, lean, sway, braking) are not measurable from the shank; events are the sensor leg's only, so cadence = 2 × its stride rate")
    warnings.append("shank sensor: toe-off and contact time come from the accelerometer's push-off pattern; such shank estimates agree with force plates within about ±150 ms in the literature — treat contact time as approximate")
  }
  if placement == .foot {
    warnings.append("foot sensor: trunk metrics (vertical oscillation, lean, sway) cannot be measured from the foot")
  }
  if !source.info.hasMediolateral {
    warnings.append("no mediolateral axis: left/right and lateral sway are not measured")
  }
  let summary = RunSummary(steps: steps, segments: analyzer.segments, speedMps: options.speedMps)
  var result = AnalysisResult(
    path: path, info: source.info, ingest: source.report, placement: placement, placementSource: source2,
    options: options, steps: steps, segments: analyzer.segments, summary: summary, warnings: warnings,
    placementFeatureDeg: analyzer.placementFeatureDeg)
  let ing = source.report
  let facts = RunFacts(
    placement: placement, sampleRateHz: ing.sampleRateHz, samples: ing.samples, clippedSamples: ing.clippedSamples,
    gapCount: ing.gaps.count, gapSeconds: ing.gaps.reduce(0) { $0 + $1.durationS },
    hasMediolateral: source.info.hasMediolateral, speedMps: options.speedMps, steps: steps,
    segments: analyzer.segments, summary: summary)
  result.flags = Scorer(policy: policy).score(facts, baseline: baseline).sorted { $0.severity > $1.severity }
  result.baseline = baseline
  return result
}
