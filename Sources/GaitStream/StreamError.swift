//===--- StreamError.swift ------------------------------------------------===//
// GaitStream's own error: the serial device and the stream's records.
//===----------------------------------------------------------------------===//
import GaitCore

/// The kind of a ``StreamError``; each maps to one documented exit status.
public enum StreamErrorCode: String, ModuleErrorCode {
  /// The device does not exist (unplugged, wrong name): exit 66.
  case fileNotFound
  /// The device exists but cannot be opened or configured (permission,
  /// busy, no pseudo-terminal): exit 66.
  case unreadable
  /// A bad option: not a serial device, an unsupported baud rate, a
  /// record name that would replace a file: exit 64.
  case invalidArgument
  /// A record could not be created or emptied: exit 74.
  case writeFailed

  /// The code's name, as shown in `error[…]`.
  public var description: String { rawValue }

  /// The process exit status (BSD sysexits), as for the same code of `IngestError`.
  public var exitStatus: Int32 {
    switch self {
    case .fileNotFound, .unreadable: return 66
    case .invalidArgument: return 64
    case .writeFailed: return 74
    }
  }
}

/// A serial device could not be used, or a `--record` file could not be
/// created. (What the device sends is decoded by GaitIngest's decoders,
/// whose errors stay `IngestError`s.) Printed in the form compilers use,
/// `path: error[code]: message`; the CLI maps the code's exit status to the
/// process's in one place.
public typealias StreamError = ModuleError<StreamErrorCode>
