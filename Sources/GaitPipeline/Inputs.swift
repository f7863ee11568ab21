//===--- Inputs.swift -----------------------------------------------------===//
// What a batch reads: the options of one input as values (InputSettings),
// and folder scans that tell recordings from the notes and tables beside
// them (the thread pool every batch runs on is Batch.swift's).
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
import GaitDSP
import GaitIngest
import GaitReport

/// File extensions a folder scan picks up as recordings, also gzip-compressed (`run.csv.gz`).
public let recordingExtensions: Set<String> = ["csv", "tsv", "txt", "glb", "cwa", "gt3x"]

/// Every recording below `dir` (by extension, hidden files left out), sorted
/// by path so that the order does not depend on the file system.
public func recordingFiles(in dir: String) -> [String] {
  var ignored: [SkippedFile] = []
  return recordingFiles(in: dir, skipped: &ignored)
}

/// ``recordingFiles(in:)``, listing in `skipped` what it passed over that a
/// user may have meant as a recording: FIFOs, sockets and devices (never
/// opened: a FIFO would block the scan forever) and gaitline's own tables
/// (summary.csv, training_load.csv, a merged cohort table), which a rerun
/// into the same folder would otherwise read as inputs.
public func recordingFiles(in dir: String, skipped: inout [SkippedFile]) -> [String] {
  guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
  var out: [String] = []
  while let rel = e.nextObject() as? String {
    let full = (dir as NSString).appendingPathComponent(rel)
    guard recordingExtensions.contains(recordingExtension(of: rel)),
          !(rel as NSString).lastPathComponent.hasPrefix(".") else { continue }
    var st = stat()
    guard stat(full, &st) == 0 else { continue }
    switch st.st_mode & S_IFMT {
    case S_IFREG:
      if isGaitlineTable(full) {
        skipped.append(SkippedFile(path: full, reason: "a table gaitline wrote (summary, training load, steps or cohort), not a recording"))
      } else {
        out.append(full)
      }
    case S_IFDIR: continue
    default:
      skipped.append(SkippedFile(path: full, reason: "\(specialFileKind(st.st_mode)), not a regular file; not opened"))
    }
  }
  skipped.sort { $0.path < $1.path }
  return out.sorted()
}

/// "a FIFO (named pipe)", "a socket", "a device" for a non-regular mode.
public func specialFileKind(_ mode: mode_t) -> String {
  switch mode & S_IFMT {
  case S_IFIFO: return "a FIFO (named pipe)"
  case S_IFSOCK: return "a socket"
  case S_IFCHR, S_IFBLK: return "a device"
  case S_IFDIR: return "a directory"
  default: return "not a regular file"
  }
}

/// The header lines of the tables gaitline writes.
public let summaryHeader = "input,status,error,report,placement,sample_rate_hz,duration_s,steps,running_steps," + metricColumnsHeader
  + "," + speedColumnNames.joined(separator: ",") + "\n"
/// `training_load.csv`: one row per training-load finding of a batch.
public let trainingLoadHeader = "id,severity,week,message\n"

/// The merged table's columns. The metric columns are those of
/// `analyze`'s summary.csv, with the same formatting.
public let mergeHeader = "index,input,unit,bout,start_s,end_s,placement,sample_rate_hz,duration_s,steps,running_steps,"
  + metricColumnsHeader + ",flags,alerts,warnings,input_sha256,gaitline_version\n"

/// The failures table of `cohort merge`: one row per input that is failed, stale or missing.
public let failuresHeader = "index,input,state,code,exit_status,error\n"

/// The start of every per-step table gaitline writes (`--steps-csv`,
/// `--steps-csv-each`): the report's own columns, before any track columns.
public let stepsTableHeaderPrefix = stepColumns.map(\.name).joined(separator: ",")

/// Whether the file starts with the header of a table gaitline writes: a
/// batch summary, training load, a merged cohort table or its failures, or
/// a per-step table (a rerun into a folder it scans would otherwise take
/// the earlier run's steps tables for inputs, and then refuse to write the
/// new ones over them).
func isGaitlineTable(_ path: String) -> Bool {
  guard let h = FileHandle(forReadingAtPath: path) else { return false }
  defer { try? h.close() }
  guard let head = try? h.read(upToCount: 1024) else { return false }
  let text = String(decoding: head, as: UTF8.self)
  if text.hasPrefix(stepsTableHeaderPrefix + "\n") || text.hasPrefix(stepsTableHeaderPrefix + ",") { return true }
  return [summaryHeader, trainingLoadHeader, mergeHeader, failuresHeader].contains { text.hasPrefix($0) }
}

/// How to read and analyse one input: the command-line options of
/// `analyze`, as values. `nil` means automatic.
public struct InputSettings: Codable, Sendable, Hashable {
  /// `hip`, `foot` or `shank` (and their aliases); `nil` = detected from the signal.
  public var placement: String?
  /// `left` or `right`: the sensor's side for a foot or shank sensor.
  public var side: String?
  /// Running speed, m/s (`--speed`), for the vertical ratio.
  public var speedMps: Double?
  /// Sample rate, Hz: required for inputs without timestamps (a raw serial capture).
  public var rateHz: Double?
  /// Acceleration unit (`g`, `m/s2`, `mg`); `nil` = judged from gravity.
  public var units: String?
  /// Gyroscope unit (`deg/s` or `rad/s`); `nil` = judged from the values.
  public var gyroUnits: String?
  /// Column mapping, e.g. `ax=2,ay=3,az=4` (names or 1-based numbers).
  public var columns: String?
  /// `--protocol` of a raw serial capture: `text`, `glb` or `witmotion`.
  public var streamProtocol: String?

  enum CodingKeys: String, CodingKey {
    case placement, side, speedMps = "speed_mps", rateHz = "rate_hz", units, gyroUnits = "gyro_units"
    case columns, streamProtocol = "protocol"
  }

  /// Settings with the given options; each left out is automatic.
  public init(placement: String? = nil, side: String? = nil, speedMps: Double? = nil, rateHz: Double? = nil,
              units: String? = nil, gyroUnits: String? = nil, columns: String? = nil, streamProtocol: String? = nil) {
    self.placement = placement
    self.side = side
    self.speedMps = speedMps
    self.rateHz = rateHz
    self.units = units
    self.gyroUnits = gyroUnits
    self.columns = columns
    self.streamProtocol = streamProtocol
  }

  /// These settings with every value of `other` that is set.
  public func overridden(by other: InputSettings) -> InputSettings {
    InputSettings(placement: other.placement ?? placement, side: other.side ?? side,
                  speedMps: other.speedMps ?? speedMps, rateHz: other.rateHz ?? rateHz,
                  units: other.units ?? units, gyroUnits: other.gyroUnits ?? gyroUnits,
                  columns: other.columns ?? columns, streamProtocol: other.streamProtocol ?? streamProtocol)
  }

  /// Reading options; a bad value is an `invalidArgument` error.
  public func csvOptions() throws -> CSVOptions {
    var o = CSVOptions()
    if let rateHz {
      guard rateHz.isFinite, rateHz > 0 else { throw PipelineError(.invalidArgument, "--rate must be a positive number of Hz") }
      o.rateHz = rateHz
    }
    switch units?.lowercased() ?? "auto" {
    case "auto": break
    case "g": o.units = .g
    case "m/s2", "mps2", "m/s^2", "ms2": o.units = .metresPerSecondSquared
    case "mg": o.units = .milliG
    case let u: throw PipelineError(.invalidArgument, "--units must be g, m/s2, mg or auto, not '\(u)'")
    }
    switch gyroUnits?.lowercased() ?? "auto" {
    case "auto": break
    case "rad/s", "rads": o.gyroUnits = .radiansPerSecond
    case "deg/s", "dps": o.gyroUnits = .degreesPerSecond
    case let u: throw PipelineError(.invalidArgument, "--gyro-units must be rad/s, deg/s or auto, not '\(u)'")
    }
    if let columns { o.columns = try CSVOptions.parseColumns(columns) }
    return o
  }

  /// The stream protocol, when the input is a captured serial stream.
  public func protocolValue() throws -> StreamProtocol? {
    guard let streamProtocol else { return nil }
    guard let p = StreamProtocol(rawValue: streamProtocol.lowercased()) else {
      throw PipelineError(.invalidArgument, "--protocol must be text, glb or witmotion, not '\(streamProtocol)'")
    }
    return p
  }

  /// Analysis options; a bad value is an `invalidArgument` error.
  public func analysisOptions() throws -> AnalysisOptions {
    var o = AnalysisOptions()
    switch placement?.lowercased() ?? "auto" {
    case "auto": o.placement = nil
    case "hip", "sacrum", "waist", "lowerback", "lower-back", "trunk": o.placement = .hip
    case "foot", "shoe", "ankle": o.placement = .foot
    case "shank", "tibia", "lower-leg", "lowerleg": o.placement = .shank
    case let p: throw PipelineError(.invalidArgument, "--placement must be hip, foot, shank or auto, not '\(p)'")
    }
    if let side {
      guard let s = Side(rawValue: side.lowercased()) else {
        throw PipelineError(.invalidArgument, "--side must be left or right, not '\(side)'")
      }
      o.side = s
    }
    if let speedMps {
      guard speedMps > 0, speedMps < 15 else { throw PipelineError(.invalidArgument, "--speed is in m/s and must be between 0 and 15") }
      o.speedMps = speedMps
    }
    return o
  }

  /// Checks every value without opening anything.
  public func validate() throws {
    _ = try csvOptions()
    _ = try analysisOptions()
    _ = try protocolValue()
  }

  /// Opens `path` as a recording, or as a captured stream with a protocol.
  public func open(_ path: String) throws -> any SampleSource {
    let o = try csvOptions()
    if let p = try protocolValue() {
      let decoder: any StreamDecoder
      do {
        decoder = try p.makeDecoder(rateHz: o.rateHz, units: o.units, gyroUnits: o.gyroUnits, columns: o.columns)
      } catch let e as IngestError {
        throw IngestError(e.code, e.message, path: path)
      }
      return try StreamFileSource(path: path, decoder: decoder, protocolName: p.rawValue)
    }
    return try openRecording(path: path, options: o)
  }

  /// A canonical one-line form, equal for equal settings.
  public var key: String {
    func d(_ v: Double?) -> String { v.map { String($0) } ?? "" }
    return "placement=\(placement ?? "");side=\(side ?? "");speed_mps=\(d(speedMps));rate_hz=\(d(rateHz));"
      + "units=\(units ?? "");gyro_units=\(gyroUnits ?? "");columns=\(columns ?? "");protocol=\(streamProtocol ?? "")"
  }
}

/// A file a folder scan passed over.
public struct SkippedFile: Codable, Sendable, Hashable {
  /// The file's path.
  public var path: String
  /// Why it is not a recording (for the note and the manifest).
  public var reason: String

  /// A skipped file and why.
  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }
}

/// A text file whose header has no acceleration columns or that has no
/// numeric rows is a table or a note, not a recording.
func isNotARecording(_ e: IngestError) -> Bool {
  e.code == .noAccelerationColumns || e.code == .noHeader
    || (e.code == .malformedRecord && e.message.hasPrefix("no numeric data rows"))
}

/// Why `path`, found by a folder scan, is not a recording but a note or a
/// table beside them (a licence text, a README, a ground-truth table), from
/// the error opening it with `settings` gave; `nil` when it may be a
/// recording and the error is a real failure. Only text files read without
/// a stream protocol are judged. `cohort plan` and `analyze FOLDER` share it.
public func notARecordingReason(_ error: any Error, path: String, settings: InputSettings) -> String? {
  guard settings.streamProtocol == nil, ["csv", "tsv", "txt"].contains(recordingExtension(of: path)),
        let e = error as? IngestError, isNotARecording(e) else { return nil }
  return e.message
}
