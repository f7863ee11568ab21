//===--- RiskFlag.swift -------------------------------------------------------===//
// Evidence-based flags on running form.
//===----------------------------------------------------------------------===//

/// How much a flag matters.
public enum Severity: String, Sendable, Hashable, Codable, Comparable {
  /// `info`: worth knowing, no action suggested; `warning`: a pattern associated with injury or
  /// fatigue; `alert`: a strong form of it (several signs together, or far beyond the threshold).
  case info, warning, alert
  private var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
  /// `info` < `warning` < `alert`.
  public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One finding about a run: the measured value, the threshold it crossed,
/// the stretch of the run, the published evidence and plain advice.
///
/// Flags say what a pattern is *associated with*; they never diagnose.
/// Its JSON form is an entry of the report's `flags` (docs/REPORT.md), the
/// keys of the properties.
public struct RiskFlag: Sendable, Hashable, Codable {
  /// The stretch of the run a flag applies to.
  public struct Span: Sendable, Hashable, Codable {
    /// `start_s`: start of the stretch, s from the input's first sample.
    public var startS: Double
    /// `end_s`: end of the stretch, s from the input's first sample; `nil`
    /// when the flag gives none.
    public var endS: Double?

    /// A stretch from `startS` to `endS`.
    public init(startS: Double, endS: Double?) {
      self.startS = startS
      self.endS = endS
    }

    enum CodingKeys: String, CodingKey {
      case startS = "start_s", endS = "end_s"
    }
  }

  /// `id`: stable identifier, e.g. `overstriding`, `trunk-lean-high`.
  public var id: String
  /// `severity`: `info`, `warning` or `alert`; flags are listed most severe
  /// first.
  public var severity: Severity
  /// `metric`: the report metric the flag is about (`cadence_spm`,
  /// `trunk_lean_deg`, …).
  public var metric: String
  /// `value`: the measured value (median over the stretch, or the change),
  /// in ``unit``; `nil` when the flag has none.
  public var value: Double?
  /// `threshold`: the threshold the value crossed, in ``unit``; `nil` when
  /// the flag has none.
  public var threshold: Double?
  /// `unit`: the unit of ``value`` and ``threshold`` (`spm`, `ms`, `deg`, …).
  public var unit: String
  /// `span`: the stretch of the run the flag applies to; `nil` for a flag
  /// about the whole recording.
  public var span: Span?
  /// `message`: one sentence on what was found.
  public var message: String
  /// `evidence`: the study or reference behind the threshold (references:
  /// docs/EVIDENCE.md).
  public var evidence: String
  /// `advice`: what the runner can do.
  public var advice: String

  /// Start of the stretch the flag applies to, seconds from the start
  /// (``span``); `nil` for the whole recording.
  public var startS: Double? { span?.startS }
  /// End of the stretch the flag applies to, seconds from the start
  /// (``span``).
  public var endS: Double? { span?.endS }

  /// A flag; see each property. The stretch is `startS` to `endS` (none
  /// without `startS`).
  public init(id: String, severity: Severity, metric: String, value: Double?, threshold: Double?, unit: String,
              startS: Double? = nil, endS: Double? = nil, message: String, evidence: String, advice: String) {
    self.id = id
    self.severity = severity
    self.metric = metric
    self.value = value
    self.threshold = threshold
    self.unit = unit
    self.span = startS.map { Span(startS: $0, endS: endS) }
    self.message = message
    self.evidence = evidence
    self.advice = advice
  }
}
