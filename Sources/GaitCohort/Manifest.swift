//===--- Manifest.swift ---------------------------------------------------===//
// A cohort manifest: every input of a study, with its size, content hash and
// the options that apply to it, in a deterministic order. Shards of a Slurm
// array (or of any other scheduler) each take a byte-balanced part of it; a
// report remembers the hash and options it was made from, so a resubmitted
// task redoes only what is missing, failed or out of date. docs/COHORTS.md.
//===----------------------------------------------------------------------===//
import Dispatch
import Foundation
import GaitCore
import GaitDSP
import GaitIngest
import GaitReport
import GaitScoring
import Synchronization

/// The manifest schema identifier.
public let manifestSchema = "gaitline.manifest/1"

/// File extensions a folder scan picks up as recordings.
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
    guard recordingExtensions.contains((rel as NSString).pathExtension.lowercased()),
          !(rel as NSString).lastPathComponent.hasPrefix(".") else { continue }
    var st = stat()
    guard stat(full, &st) == 0 else { continue }
    switch st.st_mode & S_IFMT {
    case S_IFREG:
      if isGaitlineTable(full) {
        skipped.append(SkippedFile(path: full, reason: "a table gaitline wrote (summary, training load or cohort), not a recording"))
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
public let summaryHeader = "input,status,error,report,placement,sample_rate_hz,duration_s,steps,running_steps,cadence_spm,ground_contact_ms,flight_ms,duty_factor,vertical_oscillation_cm,trunk_lean_deg,lateral_sway_cm,braking_mps,gct_balance_left_pct,speed_mps,distance_m,step_length_m,vertical_ratio_pct\n"
public let trainingLoadHeader = "id,severity,week,message\n"

/// Whether the file starts with the header of a table gaitline writes.
func isGaitlineTable(_ path: String) -> Bool {
  guard let h = FileHandle(forReadingAtPath: path) else { return false }
  defer { try? h.close() }
  guard let head = try? h.read(upToCount: 1024) else { return false }
  let text = String(decoding: head, as: UTF8.self)
  return [summaryHeader, trainingLoadHeader, mergeHeader, failuresHeader].contains { text.hasPrefix($0) }
}

/// How to read and analyse one input: the command-line options of
/// `analyze`, as values. `nil` means automatic.
public struct InputSettings: Codable, Sendable, Hashable {
  public var placement: String?
  public var side: String?
  public var speedMps: Double?
  public var rateHz: Double?
  public var units: String?
  public var gyroUnits: String?
  public var columns: String?
  public var streamProtocol: String?

  enum CodingKeys: String, CodingKey {
    case placement, side, speedMps = "speed_mps", rateHz = "rate_hz", units, gyroUnits = "gyro_units"
    case columns, streamProtocol = "protocol"
  }

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
      guard rateHz.isFinite, rateHz > 0 else { throw IngestError(.invalidArgument, "--rate must be a positive number of Hz") }
      o.rateHz = rateHz
    }
    switch units?.lowercased() ?? "auto" {
    case "auto": break
    case "g": o.units = .g
    case "m/s2", "mps2", "m/s^2", "ms2": o.units = .metresPerSecondSquared
    case "mg": o.units = .milliG
    case let u: throw IngestError(.invalidArgument, "--units must be g, m/s2, mg or auto, not '\(u)'")
    }
    switch gyroUnits?.lowercased() ?? "auto" {
    case "auto": break
    case "rad/s", "rads": o.gyroUnits = .radiansPerSecond
    case "deg/s", "dps": o.gyroUnits = .degreesPerSecond
    case let u: throw IngestError(.invalidArgument, "--gyro-units must be rad/s, deg/s or auto, not '\(u)'")
    }
    if let columns { o.columns = try CSVOptions.parseColumns(columns) }
    return o
  }

  /// The stream protocol, when the input is a captured serial stream.
  public func protocolValue() throws -> StreamProtocol? {
    guard let streamProtocol else { return nil }
    guard let p = StreamProtocol(rawValue: streamProtocol.lowercased()) else {
      throw IngestError(.invalidArgument, "--protocol must be text, glb or witmotion, not '\(streamProtocol)'")
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
    case let p: throw IngestError(.invalidArgument, "--placement must be hip, foot, shank or auto, not '\(p)'")
    }
    if let side {
      guard let s = Side(rawValue: side.lowercased()) else {
        throw IngestError(.invalidArgument, "--side must be left or right, not '\(side)'")
      }
      o.side = s
    }
    if let speedMps {
      guard speedMps > 0, speedMps < 15 else { throw IngestError(.invalidArgument, "--speed is in m/s and must be between 0 and 15") }
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

/// One input of a cohort.
public struct CohortInput: Codable, Sendable, Hashable {
  /// Position in the manifest, from 0; names the report.
  public var index: Int
  /// Absolute path.
  public var path: String
  /// The format by extension (or `stream-PROTOCOL`).
  public var type: String
  public var bytes: Int
  /// Modification time when planned (Unix seconds); a quick check before rehashing.
  public var modifiedUnixS: Double
  public var sha256: String
  public var options: InputSettings

  enum CodingKeys: String, CodingKey {
    case index, path, type, bytes, modifiedUnixS = "modified_unix_s", sha256, options
  }

  public init(index: Int, path: String, type: String, bytes: Int, modifiedUnixS: Double, sha256: String,
              options: InputSettings) {
    self.index = index
    self.path = path
    self.type = type
    self.bytes = bytes
    self.modifiedUnixS = modifiedUnixS
    self.sha256 = sha256
    self.options = options
  }

  /// The report's file name without extension: the base name and a hash
  /// of the path, so that a re-planned manifest (inputs added, indices
  /// moved) still finds the reports of the inputs it kept.
  public var reportName: String {
    // At most 200 bytes of the base name: with the hash and `.json` the
    // name stays under NAME_MAX (255) however long the input's name.
    let base = shortenedName(((path as NSString).lastPathComponent as NSString).deletingPathExtension, maxBytes: 200)
    var h = SHA256()
    h.update(Array(path.utf8))
    return base + "-" + h.finalize().prefix(12)
  }
}

/// A file a folder scan passed over.
public struct SkippedFile: Codable, Sendable, Hashable {
  public var path: String
  public var reason: String
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
  guard settings.streamProtocol == nil, ["csv", "tsv", "txt"].contains((path as NSString).pathExtension.lowercased()),
        let e = error as? IngestError, isNotARecording(e) else { return nil }
  return e.message
}

/// A planned cohort.
public struct CohortManifest: Codable, Sendable, Hashable {
  public var schema: String = manifestSchema
  /// The gaitline that planned it (reports record their own version).
  public var gaitlineVersion: String = GaitReport.gaitlineVersion
  /// The scoring policy of every report; `nil` = population defaults.
  public var policy: ScoringPolicy?
  public var inputs: [CohortInput]
  /// Files found in folders that are not recordings (a README, a table of
  /// reference events), with the reason; not part of the cohort.
  public var skipped: [SkippedFile] = []

  enum CodingKeys: String, CodingKey {
    case schema, gaitlineVersion = "gaitline_version", policy, inputs, skipped
  }

  public init(policy: ScoringPolicy?, inputs: [CohortInput], skipped: [SkippedFile] = []) {
    self.policy = policy
    self.inputs = inputs
    self.skipped = skipped
  }

  /// Pretty JSON with sorted keys: the same cohort gives the same bytes.
  public func encoded() throws -> Data {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    var data = try e.encode(self)
    data.append(0x0A)
    return data
  }

  public static func load(path: String) throws -> CohortManifest {
    guard let data = FileManager.default.contents(atPath: path) else {
      let missing = !FileManager.default.fileExists(atPath: path)
      throw IngestError(missing ? .fileNotFound : .unreadable,
                        missing ? "no such manifest; make one with `gaitline cohort plan`" : "cannot read the manifest", path: path)
    }
    let m: CohortManifest
    do {
      m = try JSONDecoder().decode(CohortManifest.self, from: data)
    } catch {
      throw IngestError(.corrupt, "not a gaitline manifest (\(error)); make one with `gaitline cohort plan`", path: path)
    }
    guard m.schema == manifestSchema else {
      throw IngestError(.unsupportedVersion, "manifest schema '\(m.schema)' is not \(manifestSchema); re-plan with this gaitline", path: path)
    }
    for (i, input) in m.inputs.enumerated() where input.index != i {
      throw IngestError(.corrupt, "input \(i) has index \(input.index); the manifest was edited by hand? Re-plan it", path: path)
    }
    return m
  }

  /// What a report must have been made with to count as current for input
  /// `i`: gaitline's version, the input's options and the policy.
  public func optionsKey(_ i: Int) -> String { inputs[i].options.key + policyKey }

  /// ``optionsKey(_:)`` of every input, the policy encoded and hashed once.
  public func optionsKeys() -> [String] {
    let p = policyKey
    return inputs.map { $0.options.key + p }
  }

  var policyKey: String {
    guard let policy, let data = try? JSONEncoder.sorted.encode(policy) else { return ";policy=default" }
    var h = SHA256()
    h.update([UInt8](data))
    return ";policy=" + h.finalize()
  }

  /// The inputs of shard `shard` of `count`: each input, largest first,
  /// goes to the shard with the fewest bytes so far (ties to the lower
  /// shard), so shards are balanced by bytes, not by count. Sorted by index.
  public func shard(_ shard: Int, of count: Int) -> [Int] {
    precondition(count > 0 && shard >= 0 && shard < count)
    if count >= inputs.count {
      // One input per shard, largest first (what `assign` gives), without
      // an array per shard: `--shard 0/9223372036854775807` is valid.
      let order = inputs.indices.sorted { inputs[$0].bytes != inputs[$1].bytes ? inputs[$0].bytes > inputs[$1].bytes : $0 < $1 }
      return shard < order.count ? [order[shard]] : []
    }
    return Self.assign(sizes: inputs.map(\.bytes), shards: count)[shard]
  }

  static func assign(sizes: [Int], shards: Int) -> [[Int]] {
    let order = sizes.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
    var load = [Int](repeating: 0, count: shards)
    var out = [[Int]](repeating: [], count: shards)
    for i in order {
      var best = 0
      for s in 1..<shards where load[s] < load[best] { best = s }
      load[best] += sizes[i]
      out[best].append(i)
    }
    return out.map { $0.sorted() }
  }
}

extension JSONEncoder {
  static var sorted: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    return e
  }
}

/// Per-input option overrides from a CSV: a column `path` (or `file`,
/// `input`) naming the input by absolute or relative path or by base name,
/// and any of placement, side, speed_mps, rate_hz, units, gyro_units,
/// columns, protocol. An empty cell keeps the cohort's option.
public struct OverrideTable: Sendable {
  public var rows: [(key: String, line: Int, settings: InputSettings)] = []

  public static func load(path: String) throws -> OverrideTable {
    let csv = try CSVTable(path: path, what: "the overrides file")
    let header = csv.header
    guard let keyColumn = header.firstIndex(where: { ["path", "file", "input"].contains($0) }) else {
      throw IngestError(.noHeader, "the overrides file needs a column 'path' (or 'file', 'input') naming each input", path: path, line: 1)
    }
    let known: Set<String> = ["path", "file", "input", "placement", "side", "speed_mps", "speed", "rate_hz", "rate",
                              "units", "gyro_units", "columns", "protocol"]
    if let bad = header.first(where: { !known.contains($0) }) {
      throw IngestError(.malformedRecord, "unknown column '\(bad)'; use placement, side, speed_mps, rate_hz, units, gyro_units, columns, protocol",
                        path: path, line: 1, column: bad)
    }
    var table = OverrideTable()
    for (cells, line) in zip(csv.rows, csv.lines) {
      var s = InputSettings()
      func cell(_ names: String...) -> String? {
        for name in names { if let c = header.firstIndex(of: name) {
          let v = cells[c]
          return v.isEmpty ? nil : v
        } }
        return nil
      }
      func number(_ names: String...) throws -> Double? {
        guard let v = names.lazy.compactMap({ cell($0) }).first else { return nil }
        guard let d = Double(v) else {
          throw IngestError(.malformedRecord, "'\(v)' is not a number", path: path, line: line, column: names[0])
        }
        return d
      }
      s.placement = cell("placement")
      s.side = cell("side")
      s.speedMps = try number("speed_mps", "speed")
      s.rateHz = try number("rate_hz", "rate")
      s.units = cell("units")
      s.gyroUnits = cell("gyro_units")
      s.columns = cell("columns")
      s.streamProtocol = cell("protocol")
      do { try s.validate() } catch let e as IngestError {
        throw IngestError(e.code, e.message, path: path, line: line)
      }
      table.rows.append((cells[keyColumn], line, s))
    }
    return table
  }
}

/// Lists every input of `inputs` (files, and recordings below folders),
/// hashes them on `jobs` threads and applies `overrides`.
public func planCohort(inputs: [String], settings: InputSettings, overrides: OverrideTable?,
                       overridesPath: String? = nil, policy: ScoringPolicy?, jobs: Int) throws -> CohortManifest {
  try settings.validate()
  var files: [(path: String, root: String?)] = []
  var special: [SkippedFile] = []
  for given in inputs {
    let abs = absolutePath(given)
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: abs, isDirectory: &isDir) else {
      throw IngestError(.fileNotFound, "no such file or folder", path: given)
    }
    if isDir.boolValue {
      files += recordingFiles(in: abs, skipped: &special).map { ($0, abs) }
    } else {
      var st = stat()
      if stat(abs, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
        throw IngestError(.unreadable, "is \(specialFileKind(st.st_mode)), not a regular file: a cohort input must be a file gaitline can hash and read again", path: given)
      }
      files.append((abs, nil))
    }
  }
  // The same file named twice (a folder and a file in it) is one input.
  var seen = Set<String>()
  files = files.filter { seen.insert($0.path).inserted }
  files.sort { $0.path < $1.path }
  guard !files.isEmpty else {
    throw IngestError(.fileNotFound, "no recordings (.\(recordingExtensions.sorted().joined(separator: ", ."))) found in \(inputs.joined(separator: ", "))")
  }

  // Overrides: by absolute path, path relative to a given folder or the
  // working directory, or a base name shared by no other input.
  var perInput = [InputSettings?](repeating: nil, count: files.count)
  if let overrides {
    let cwd = FileManager.default.currentDirectoryPath
    for row in overrides.rows {
      let matches = files.indices.filter { i in
        let f = files[i]
        if f.path == row.key || f.path == absolutePath(row.key) { return true }
        if let root = f.root, f.path == (root as NSString).appendingPathComponent(row.key) { return true }
        if f.path == (cwd as NSString).appendingPathComponent(row.key) { return true }
        return !row.key.contains("/") && (f.path as NSString).lastPathComponent == row.key
      }
      guard !matches.isEmpty else {
        throw IngestError(.invalidArgument, "'\(row.key)' names no input of the cohort; give its path as listed by the plan",
                          path: overridesPath, line: row.line)
      }
      guard matches.count == 1 else {
        throw IngestError(.invalidArgument, "'\(row.key)' matches \(matches.count) inputs; give the path instead of the base name",
                          path: overridesPath, line: row.line)
      }
      perInput[matches[0]] = (perInput[matches[0]] ?? InputSettings()).overridden(by: row.settings)
    }
  }

  let paths = files.map(\.path)
  let inFolder = files.map { $0.root != nil }
  let settingsOf = perInput.map { $0.map { settings.overridden(by: $0) } ?? settings }
  let results = Mutex<[Result<(String, Int, Double), IngestError>?]>(Array(repeating: nil, count: paths.count))
  let skippedBecause = Mutex<[String?]>(Array(repeating: nil, count: paths.count))
  parallelForEach(paths.count, jobs: jobs) { i in
    let ext = (paths[i] as NSString).pathExtension.lowercased()
    if inFolder[i], settingsOf[i].streamProtocol == nil, ["csv", "tsv", "txt"].contains(ext) {
      do { _ = try settingsOf[i].open(paths[i]) } catch {
        if let why = notARecordingReason(error, path: paths[i], settings: settingsOf[i]) {
          skippedBecause.withLock { $0[i] = why }
          return
        }
      }
    }
    let r: Result<(String, Int, Double), IngestError>
    do {
      let mtime = modificationTime(paths[i]) ?? 0
      let (hex, bytes) = try sha256(ofFile: paths[i])
      r = .success((hex, bytes, mtime))
    } catch let e as IngestError {
      r = .failure(e)
    } catch {
      r = .failure(IngestError(.unreadable, "\(error)", path: paths[i]))
    }
    results.withLock { $0[i] = r }
  }
  var out: [CohortInput] = []
  var skipped: [SkippedFile] = special
  let reasons = skippedBecause.withLock { $0 }
  for (i, r) in results.withLock({ $0 }).enumerated() {
    if let why = reasons[i] {
      if perInput[i] != nil {
        throw IngestError(.invalidArgument, "the overrides name a file that is not a recording: \(why)", path: paths[i])
      }
      skipped.append(SkippedFile(path: paths[i], reason: why))
      continue
    }
    let (hex, bytes, mtime) = try r!.get()
    let options = settingsOf[i]
    let ext = (paths[i] as NSString).pathExtension.lowercased()
    let type = options.streamProtocol.map { "stream-" + $0.lowercased() } ?? (ext.isEmpty ? "unknown" : ext)
    out.append(CohortInput(index: out.count, path: paths[i], type: type, bytes: bytes, modifiedUnixS: mtime, sha256: hex, options: options))
  }
  guard !out.isEmpty else {
    throw IngestError(.fileNotFound, "no recordings among the \(skipped.count) files found in \(inputs.joined(separator: ", "))")
  }
  return CohortManifest(policy: policy, inputs: out, skipped: skipped)
}

/// Calls `body` for 0..<count on at most `jobs` threads, each taking the
/// next index as it finishes the last (inputs differ in size, so a fixed
/// split would leave threads idle).
public func parallelForEach(_ count: Int, jobs: Int, _ body: @Sendable (Int) -> Void) {
  guard count > 0 else { return }
  let next = Atomic<Int>(0)
  DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, count))) { _ in
    while true {
      let i = next.add(1, ordering: .relaxed).oldValue
      guard i < count else { return }
      body(i)
    }
  }
}

/// `path` made absolute against the working directory, `.` and `..` resolved.
public func absolutePath(_ path: String) -> String {
  let full = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
  return (full as NSString).standardizingPath
}

func modificationTime(_ path: String) -> Double? {
  var st = stat()
  guard stat(path, &st) == 0 else { return nil }
  return Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
}
