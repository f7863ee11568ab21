//===--- ModuleError.swift ------------------------------------------------===//
// What every module's error has in common, so that the CLI maps them all to
// exit statuses in one place and a cohort's error records read them alike.
// Each module keeps its own error type (IngestError, ReportError,
// PipelineError, StreamError); the ones that need no more than a code, a
// message and a place are a `ModuleError` over their module's own codes.
//===----------------------------------------------------------------------===//

/// An error of one of gaitline's modules: a code with a documented exit
/// status, a message saying what to do, and the place it belongs to.
public protocol GaitlineError: Error, Sendable, CustomStringConvertible {
  /// The code's name, as printed in `error[name]`.
  var codeName: String { get }
  /// The process exit status (BSD sysexits) of this error: 66 for an input
  /// that is missing or unreadable, 64 for a bad option, 74 for a failed
  /// write, 65 for bad content.
  var exitStatus: Int32 { get }
  /// What went wrong and how to fix it.
  var message: String { get }
  /// The file, when the error belongs to one.
  var path: String? { get }
  /// 1-based line in a text file.
  var line: Int? { get }
  /// Byte offset in a binary file.
  var byteOffset: Int? { get }
}

extension GaitlineError {
  /// `nil`: only binary readers know byte offsets.
  public var byteOffset: Int? { nil }
}

/// `file:line: error[code]: message`, the form compilers use, so editors
/// can jump to the place (`<input>` when there is no file).
public func compilerStyleErrorText(path: String?, line: Int? = nil, byteOffset: Int? = nil, column: String? = nil,
                                   code: String, message: String) -> String {
  var place = path ?? "<input>"
  if let line { place += ":\(line)" }
  if let byteOffset { place += " (byte \(byteOffset))" }
  if let column { place += " column '\(column)'" }
  return "\(place): error[\(code)]: \(message)"
}

/// The codes of one module's errors; each names its exit status.
public protocol ModuleErrorCode: Hashable, Sendable, CustomStringConvertible {
  /// The process exit status (BSD sysexits) of an error with this code.
  var exitStatus: Int32 { get }
}

/// An error of the module whose codes are `Code`: what went wrong, where
/// (a file, and a line in it), printed as `file:line: error[code]: message`.
public struct ModuleError<Code: ModuleErrorCode>: GaitlineError {
  /// What kind of failure (and so the exit status).
  public var code: Code
  /// What went wrong and how to fix it.
  public var message: String
  /// The file, when the error belongs to one.
  public var path: String?
  /// 1-based line in a text file.
  public var line: Int?

  /// An error of kind `code` with a `message` saying what was expected and
  /// what to do, and as much of its place as is known.
  public init(_ code: Code, _ message: String, path: String? = nil, line: Int? = nil) {
    self.code = code
    self.message = message
    self.path = path
    self.line = line
  }

  /// The code's name.
  public var codeName: String { code.description }
  /// The code's exit status.
  public var exitStatus: Int32 { code.exitStatus }
  /// `file:line: error[code]: message`.
  public var description: String { compilerStyleErrorText(path: path, line: line, code: codeName, message: message) }
}
