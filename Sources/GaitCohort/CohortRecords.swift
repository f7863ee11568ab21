//===--- CohortRecords.swift ----------------------------------------------===//
// What a cohort shard writes beside the report, read back with JSONDecoder:
// the `cohort` block of each report and error record, the error record of
// an input that failed, and a shard's report as a whole (docs/COHORTS.md).
//===----------------------------------------------------------------------===//
import Foundation
import GaitPipeline
import GaitReport

/// The `cohort` block of a shard's report or error record: what a rerun
/// compares to decide whether the result is current (docs/COHORTS.md).
public struct ReportCohort: Codable, Sendable, Equatable {
  /// `manifest_index`: the input's position in the manifest's inputs
  /// (0-based); `nil` when the block lacks it.
  public var manifestIndex: Int?
  /// `input_sha256`: the SHA-256 of the input file the report was made from;
  /// a rerun redoes the input when it differs.
  public var inputSha256: String
  /// `input_bytes`: the input file's size, bytes; `nil` when the block lacks it.
  public var inputBytes: Int?
  /// `options_key`: the input's options and the scoring policy as one key
  /// (``CohortManifest/optionsKey(_:)``); a rerun redoes the input when it
  /// differs.
  public var optionsKey: String
  /// The input's options as the manifest gave them.
  public var options: InputSettings?

  enum CodingKeys: String, CodingKey {
    case options
    case manifestIndex = "manifest_index", inputSha256 = "input_sha256", inputBytes = "input_bytes", optionsKey = "options_key"
  }
}

/// The head of a report or error record: its version and `cohort` block,
/// all that a cohort's status needs.
public struct ReportHead: Decodable, Sendable, Equatable {
  /// `gaitline_version`: the version of gaitline that wrote the record; a
  /// report of another version is not current.
  public var gaitlineVersion: String
  /// `cohort`: the cohort block; `nil` for a report not written by a cohort
  /// shard.
  public var cohort: ReportCohort?

  enum CodingKeys: String, CodingKey {
    case cohort
    case gaitlineVersion = "gaitline_version"
  }

  /// Decodes a head from `data` (a whole record, or its start closed after
  /// the `cohort` member).
  public static func decode(_ data: Data, path: String) throws -> ReportHead {
    try decodeReportJSON(ReportHead.self, from: data, path: path, userInfo: [:], what: "not a gaitline report or error record")
  }
}

/// A shard's report: the report and its `cohort` block, decoded in one pass.
public struct ShardReport: Decodable, Sendable, Equatable {
  /// `cohort`: the report's cohort block; `nil` when it has none (a report
  /// not written by a cohort shard).
  public var cohort: ReportCohort?
  /// The report itself, decoded from the same JSON object.
  public var report: ReportDocument

  enum CodingKeys: String, CodingKey {
    case cohort
  }

  /// Decodes the `cohort` member and the report from the same object.
  public init(from decoder: any Decoder) throws {
    cohort = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(ReportCohort.self, forKey: .cohort)
    report = try ReportDocument(from: decoder)
  }

  /// Reads the shard's report at `path`, without its steps unless `steps`.
  public static func load(path: String, steps: Bool = false) throws -> ShardReport {
    try decodeReportJSON(ShardReport.self, from: readReportFile(path, what: "cannot read the report"), path: path,
                         userInfo: [ReportDocument.readsSteps: steps], what: "not a gaitline report")
  }
}

/// A cohort shard's record of an input that failed (`gaitline.error/1`,
/// docs/COHORTS.md), in place of its report.
public struct ErrorRecord: Codable, Sendable, Equatable {
  /// `gaitline.error/1`.
  public var schema: String
  /// `gaitline_version`: the version of gaitline that wrote the record.
  public var gaitlineVersion: String
  /// `cohort`: the input's cohort block, the same as its report would carry
  /// (a rerun tries a failed input again).
  public var cohort: ReportCohort
  /// The input's path.
  public var input: String
  /// The `IngestError` code as text.
  public var code: String
  /// `exit_status`: the exit status `gaitline analyze` gives this error (BSD
  /// sysexits: 64 usage, 65 content, 66 missing or unreadable input, 74
  /// failed write).
  public var exitStatus: Int
  /// `message`: what went wrong and how to fix it (``error`` adds the file
  /// and the position).
  public var message: String
  /// `line`: the 1-based line in a text input; `nil` when the error has none.
  public var line: Int?
  /// `byte_offset`: the byte offset in a binary input; `nil` when the error
  /// has none.
  public var byteOffset: Int?
  /// The whole error as a person reads it (file, position, what and why).
  public var error: String

  enum CodingKeys: String, CodingKey {
    case schema, cohort, input, code, message, line, error
    case gaitlineVersion = "gaitline_version", exitStatus = "exit_status", byteOffset = "byte_offset"
  }

  /// Reads the error record at `path`.
  public static func load(path: String) throws -> ErrorRecord {
    try decodeReportJSON(ErrorRecord.self, from: readReportFile(path, what: "cannot read the error record"), path: path,
                         userInfo: [:], what: "not a gaitline error record")
  }
}
