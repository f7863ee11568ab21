//===--- PipelineError.swift ----------------------------------------------===//
// GaitPipeline's own error: an input that read but cannot be analysed, or an
// analysis option that is not valid. (Reading errors stay `IngestError`s.)
//===----------------------------------------------------------------------===//
import GaitCore

/// The kind of a ``PipelineError``; each maps to one documented exit status.
public enum PipelineErrorCode: String, ModuleErrorCode {
  /// The input has no samples (exit 65).
  case emptyFile
  /// The input's sample rate is below what the analysis needs (exit 65).
  case sampleRateTooLow
  /// A bad option value: `--units`, `--placement`, `--speed`… (exit 64).
  case invalidArgument

  /// The code's name, as printed in `error[name]`.
  public var description: String { rawValue }

  /// The process exit status, as for the same code of `IngestError`.
  public var exitStatus: Int32 {
    switch self {
    case .emptyFile, .sampleRateTooLow: return 65
    case .invalidArgument: return 64
    }
  }
}

/// An input could not be analysed, or an option is not valid; printed as
/// `file: error[code]: message`.
public typealias PipelineError = ModuleError<PipelineErrorCode>
