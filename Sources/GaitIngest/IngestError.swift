//===--- IngestError.swift ------------------------------------------------===//
// One error type for everything that reads recordings.
//===----------------------------------------------------------------------===//
import GaitCore

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
    /// The input does not exist (exit 66).
    public static let fileNotFound = Code(.fileNotFound)
    /// The input exists but cannot be opened or read: permissions, a folder, a device (exit 66).
    public static let unreadable = Code(.unreadable)
    /// The input holds no bytes, or none of the data asked for (no samples, no track points).
    public static let emptyFile = Code(.emptyFile)
    /// Text in an encoding the reader does not take (UTF-16, binary bytes in a text file).
    public static let unsupportedEncoding = Code(.unsupportedEncoding)
    /// A table without a header line, or without a column it needs (`time_s`, `ic_time_s`).
    public static let noHeader = Code(.noHeader)
    /// No columns that could be told apart as the three (or two) acceleration axes.
    public static let noAccelerationColumns = Code(.noAccelerationColumns)
    /// A record (line, packet, message) that does not parse: too few fields, a non-number.
    public static let malformedRecord = Code(.malformedRecord)
    /// A NaN or infinite sample value.
    public static let nonFiniteValue = Code(.nonFiniteValue)
    /// A timestamp earlier than the one before it.
    public static let nonMonotonicTimestamp = Code(.nonMonotonicTimestamp)
    /// The acceleration unit (g, m/s², mg) cannot be told from the values; give `--units`.
    public static let ambiguousUnits = Code(.ambiguousUnits)
    /// The sample rate is below the least the analysis accepts.
    public static let sampleRateTooLow = Code(.sampleRateTooLow)
    /// Timestamps that cannot be read or do not give a usable sample rate.
    public static let badTimestamps = Code(.badTimestamps)
    /// The file does not start with its format's magic bytes.
    public static let badMagic = Code(.badMagic)
    /// A format version this reader does not know.
    public static let unsupportedVersion = Code(.unsupportedVersion)
    /// The input ends inside a header, block or record.
    public static let truncated = Code(.truncated)
    /// Bytes that contradict the format: a bad checksum, an impossible length, an undefined type.
    public static let corrupt = Code(.corrupt)
    /// A bad option or argument value (exit 64).
    public static let invalidArgument = Code(.invalidArgument)
    /// An output could not be written (exit 74).
    public static let writeFailed = Code(.writeFailed)
    /// A valid file of a kind that holds no raw samples (a FIT activity).
    public static let noRawSamples = Code(.noRawSamples)
    /// The code's name, as printed in `error[name]`.
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

  /// What kind of failure (and so the exit status, ``Code/exitCode``).
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

  /// An error of kind `code` with a `message` saying what was expected and what to do, and as much
  /// of its place as is known.
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
    compilerStyleErrorText(path: path, line: line, byteOffset: byteOffset, column: column, code: code.description, message: message)
  }

  /// The same error with a path attached (readers that work on bytes do not
  /// know their file's name).
  public func at(path: String) -> IngestError {
    var copy = self
    if copy.path == nil { copy.path = path }
    return copy
  }
}

extension IngestError: GaitlineError {
  /// The code's name.
  public var codeName: String { code.description }
  /// The code's exit status (``Code/exitCode``).
  public var exitStatus: Int32 { code.exitCode }
}
