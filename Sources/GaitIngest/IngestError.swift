//===--- IngestError.swift ------------------------------------------------===//
// One error type for everything that reads recordings.
//===----------------------------------------------------------------------===//

/// A recording could not be read. Carries where (file, line, column or byte
/// offset), what was expected, and what the user can do about it.
///
/// `code` is an extensible struct over a private enum (the shape of
/// swift-nio's `FileSystemError.Code`), so new codes do not break callers.
public struct IngestError: Error, Sendable, CustomStringConvertible {
  /// The kind of failure. Each code maps to one documented exit status.
  public struct Code: Hashable, Sendable, CustomStringConvertible {
    private enum Base: String, Hashable, Sendable {
      case fileNotFound, unreadable, emptyFile, unsupportedEncoding, noHeader, noAccelerationColumns
      case malformedRecord, nonFiniteValue, nonMonotonicTimestamp, ambiguousUnits, sampleRateTooLow
      case badTimestamps, badMagic, unsupportedVersion, truncated, corrupt, invalidArgument, writeFailed
      case noRawSamples
    }
    private let base: Base
    private init(_ base: Base) { self.base = base }
    public static let fileNotFound = Code(.fileNotFound)
    public static let unreadable = Code(.unreadable)
    public static let emptyFile = Code(.emptyFile)
    public static let unsupportedEncoding = Code(.unsupportedEncoding)
    public static let noHeader = Code(.noHeader)
    public static let noAccelerationColumns = Code(.noAccelerationColumns)
    public static let malformedRecord = Code(.malformedRecord)
    public static let nonFiniteValue = Code(.nonFiniteValue)
    public static let nonMonotonicTimestamp = Code(.nonMonotonicTimestamp)
    public static let ambiguousUnits = Code(.ambiguousUnits)
    public static let sampleRateTooLow = Code(.sampleRateTooLow)
    public static let badTimestamps = Code(.badTimestamps)
    public static let badMagic = Code(.badMagic)
    public static let unsupportedVersion = Code(.unsupportedVersion)
    public static let truncated = Code(.truncated)
    public static let corrupt = Code(.corrupt)
    public static let invalidArgument = Code(.invalidArgument)
    public static let writeFailed = Code(.writeFailed)
    /// A valid file of a kind that holds no raw samples (a FIT activity).
    public static let noRawSamples = Code(.noRawSamples)
    public var description: String { base.rawValue }

    /// The process exit status for this code (BSD sysexits): 66 EX_NOINPUT
    /// for a file that is missing or unreadable, 64 EX_USAGE for a bad
    /// option, 74 EX_IOERR for a failed write, 65 EX_DATAERR for content.
    public var exitCode: Int32 {
      switch base {
      case .fileNotFound, .unreadable: return 66
      case .invalidArgument: return 64
      case .writeFailed: return 74
      default: return 65
      }
    }
  }

  public var code: Code
  /// What went wrong and how to fix it.
  public var message: String
  /// The file, when the error belongs to one.
  public var path: String?
  /// 1-based line in a text input.
  public var line: Int?
  /// Column name or number in a text input.
  public var column: String?
  /// Byte offset in a binary input.
  public var byteOffset: Int?

  public init(_ code: Code, _ message: String, path: String? = nil, line: Int? = nil,
              column: String? = nil, byteOffset: Int? = nil) {
    self.code = code
    self.message = message
    self.path = path
    self.line = line
    self.column = column
    self.byteOffset = byteOffset
  }

  /// `file:line: error[code]: message`, the form compilers use, so editors
  /// can jump to the place.
  public var description: String {
    var place = path ?? "<input>"
    if let line { place += ":\(line)" }
    if let byteOffset { place += " (byte \(byteOffset))" }
    if let column { place += " column '\(column)'" }
    return "\(place): error[\(code)]: \(message)"
  }

  /// The same error with a path attached (readers that work on bytes do not
  /// know their file's name).
  public func at(path: String) -> IngestError {
    var copy = self
    if copy.path == nil { copy.path = path }
    return copy
  }
}
