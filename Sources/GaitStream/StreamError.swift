//===--- StreamError.swift ------------------------------------------------===//
// GaitStream's own error: the serial device and the stream's records.
//===----------------------------------------------------------------------===//
import GaitCore

/// A serial device could not be used, or a `--record` file could not be
/// created. (What the device sends is decoded by GaitIngest's decoders,
/// whose errors stay `IngestError`s.) Printed in the form compilers use,
/// `path: error[code]: message`; the CLI maps ``Code/exitCode`` to the
/// process's exit status in one place.
public struct StreamError: Error, Sendable, CustomStringConvertible {
  /// The kind of failure; each maps to one documented exit status.
  public enum Code: String, Sendable, Hashable, CustomStringConvertible {
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

    /// The process exit status (BSD sysexits), as for `IngestError`.
    public var exitCode: Int32 {
      switch self {
      case .fileNotFound, .unreadable: return 66
      case .invalidArgument: return 64
      case .writeFailed: return 74
      }
    }
  }

  /// What kind of failure.
  public var code: Code
  /// What went wrong and how to fix it.
  public var message: String
  /// The device or record file.
  public var path: String?

  /// An error of kind `code` about `path`.
  public init(_ code: Code, _ message: String, path: String? = nil) {
    self.code = code
    self.message = message
    self.path = path
  }

  /// `path: error[code]: message`.
  public var description: String { "\(path ?? "<input>"): error[\(code)]: \(message)" }
}

extension StreamError: GaitlineError {
  /// The code's name.
  public var codeName: String { code.rawValue }
  /// The code's exit status (``Code/exitCode``).
  public var exitStatus: Int32 { code.exitCode }
  /// `nil`: a device has no lines.
  public var line: Int? { nil }
}
