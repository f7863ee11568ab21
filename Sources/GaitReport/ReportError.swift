//===--- ReportError.swift ------------------------------------------------===//
// GaitReport's own error: a report, policy, track alignment or reference
// table that could not be read or used.
//===----------------------------------------------------------------------===//
import GaitCore

/// The kind of a ``ReportError``; each maps to one documented exit status.
public enum ReportErrorCode: String, ModuleErrorCode {
  /// A report or policy file that cannot be read (exit 66).
  case fileNotFound
  /// A bad option or argument value: an invalid policy, a column that is
  /// not there (exit 64).
  case invalidArgument
  /// A report that does not decode as `gaitline.report/1` (exit 65).
  case corrupt
  /// A recording and a track whose clocks cannot be put together (exit 65).
  case badTimestamps
  /// A table without a column it needs (exit 65).
  case noHeader
  /// A row of a table that does not parse (exit 65).
  case malformedRecord

  /// The code's name, as printed in `error[name]`.
  public var description: String { rawValue }

  /// The process exit status, as for the same code of `IngestError`.
  public var exitStatus: Int32 {
    switch self {
    case .fileNotFound: return 66
    case .invalidArgument: return 64
    case .corrupt, .badTimestamps, .noHeader, .malformedRecord: return 65
    }
  }
}

/// A report, policy, track alignment or reference table could not be read
/// or used; printed as `file:line: error[code]: message`.
public typealias ReportError = ModuleError<ReportErrorCode>
