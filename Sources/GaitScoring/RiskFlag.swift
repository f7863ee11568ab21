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
public struct RiskFlag: Sendable, Hashable, Codable {
  /// Stable identifier, e.g. `overstriding`, `trunk-lean-high`.
  public var id: String
  /// `info`, `warning` or `alert`; flags are listed most severe first.
  public var severity: Severity
  /// The report metric the flag is about (`cadence_spm`, `trunk_lean_deg`, …).
  public var metric: String
  /// The measured value (median over the stretch, or the change).
  public var value: Double?
  /// The threshold it crossed.
  public var threshold: Double?
  /// The unit of `value` and `threshold`.
  public var unit: String
  /// The stretch of the run the flag applies to, seconds from the start.
  public var startS: Double?
  /// End of the stretch the flag applies to, seconds from the start.
  public var endS: Double?
  /// One sentence on what was found.
  public var message: String
  /// The study or reference behind the threshold (references: docs/EVIDENCE.md).
  public var evidence: String
  /// What the runner can do.
  public var advice: String

  /// A flag; see each property.
  public init(id: String, severity: Severity, metric: String, value: Double?, threshold: Double?, unit: String,
              startS: Double? = nil, endS: Double? = nil, message: String, evidence: String, advice: String) {
    self.id = id
    self.severity = severity
    self.metric = metric
    self.value = value
    self.threshold = threshold
    self.unit = unit
    self.startS = startS
    self.endS = endS
    self.message = message
    self.evidence = evidence
    self.advice = advice
  }
}
