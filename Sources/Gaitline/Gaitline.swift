//===--- Gaitline.swift ---------------------------------------------------===//
// The library's front door: `import Gaitline` brings in every stage (ingest,
// DSP/metrics, scoring, report) and offers a short path through them.
//===----------------------------------------------------------------------===//
@_exported import GaitCore
@_exported import GaitIngest
@_exported import GaitDSP
@_exported import GaitScoring
@_exported import GaitReport
@_exported import GaitPipeline

/// A recording on disk, ready to be analysed.
///
/// Opening checks that the file can be read and, for text files, that it
/// has a header gaitline understands; the samples are read by
/// ``analyze(_:policy:baseline:)``, which streams them (memory does not grow
/// with the recording's length).
///
/// ```swift
/// let recording = try RecordingFile(path: "run.csv")
/// let report = try recording.analyze(AnalysisOptions(speedMps: 3.3))
/// print(report.text)
/// ```
public struct RecordingFile: Sendable {
  /// The path as given.
  public let path: String
  /// How text files are read (rate, units, column names); ignored for
  /// binary formats, which describe themselves.
  public let input: CSVOptions
  /// What is known about the recording before analysis: rate, placement
  /// and axes as stated by the file or detected from its first rows.
  public let info: RecordingInfo

  /// Opens the recording at `path`: `.csv`/`.tsv`/`.txt` text exports,
  /// `.glb`, Axivity `.cwa` and ActiGraph `.gt3x`.
  ///
  /// - Parameters:
  ///   - path: the file to read.
  ///   - input: how to read a text file; everything left `nil` is detected.
  /// - Throws: `IngestError` when the file is missing, unreadable or not a
  ///   recording (its `description` says where and why).
  public init(path: String, input: CSVOptions = CSVOptions()) throws {
    self.path = path
    self.input = input
    let source = try openRecording(path: path, options: input)
    _ = try source.nextBlock()
    self.info = source.info
  }

  /// Reads the whole recording and measures every step, then scores the
  /// run against `policy` (population thresholds unless given) or, when
  /// `baseline` is given, against the runner's own earlier runs.
  ///
  /// - Parameters:
  ///   - options: placement, side, running speed and analysis settings;
  ///     everything left `nil` is detected.
  ///   - policy: the thresholds of the flags (docs/POLICY.md).
  ///   - baseline: the runner's earlier runs at a similar speed, if any.
  /// - Throws: `IngestError` for unreadable or unusable data (for example
  ///   a sample rate below 50 Hz).
  public func analyze(_ options: AnalysisOptions = AnalysisOptions(), policy: ScoringPolicy = .populationDefaults,
                      baseline: PersonalBaseline? = nil) throws -> RunReport {
    let source = try openRecording(path: path, options: input)
    return RunReport(try GaitPipeline.analyze(source: source, path: path, options: options, policy: policy, baseline: baseline))
  }
}

/// The analysis of one recording: typed values and the three renderings
/// the command line writes (text summary, JSON report, HTML report).
public struct RunReport: Sendable {
  /// Everything the analysis found, as the command line's outputs see it.
  public let result: AnalysisResult

  /// Wraps a result of GaitPipeline's `analyze(source:path:options:)`.
  public init(_ result: AnalysisResult) { self.result = result }

  /// Per-run distributions of every metric (cadence, contact time, …).
  public var summary: RunSummary { result.summary }
  /// Every step found, in time order.
  public var steps: [Step] { result.steps }
  /// Evidence-based flags, most severe first; each names what it is
  /// associated with, never a diagnosis.
  public var flags: [RiskFlag] { result.flags }
  /// The sensor placement used (given, stated by the file, or detected).
  public var placement: Placement { result.placement }

  /// The terminal summary that `gaitline analyze` prints.
  public var text: String { textSummary(result) }
  /// The JSON report (schema `gaitline.report/1`, docs/REPORT.md) that
  /// `gaitline analyze --json` writes, steps included.
  public var json: String { reportText(result) }
  /// The self-contained HTML report (inline SVG, no scripts) that
  /// `gaitline analyze --html` writes.
  public var html: String { htmlReport(result) }
  /// The per-step table that `gaitline analyze --steps-csv` writes.
  public var stepsCSV: String { GaitReport.stepsCSV(result) }

  /// This run placed on the runner's watch track (the GPX, TCX or FIT file
  /// of the same run), as `gaitline analyze --track` does: speed, distance,
  /// step length and vertical ratio per step and per-km splits in
  /// ``result`` (`track`) and every rendering.
  public func onTrack(_ trackPath: String, startTimeUnixS: Double? = nil, offsetS: Double = 0) throws -> RunReport {
    var r = result
    try attachTrack(readTrack(path: trackPath), to: &r, startTimeUnixS: startTimeUnixS, offsetS: offsetS)
    return RunReport(r)
  }

  /// Writes ``html`` to `path` atomically (a temporary file renamed into
  /// place), never over the recording it describes.
  public func writeHTML(to path: String) throws {
    try atomicWrite(html, to: path, protecting: ProtectedPaths(inputs: [result.path]), what: "the HTML report")
  }

  /// Writes ``json`` to `path` atomically, never over the recording.
  public func writeJSON(to path: String) throws {
    try atomicWrite(json, to: path, protecting: ProtectedPaths(inputs: [result.path]), what: "the JSON report")
  }
}
