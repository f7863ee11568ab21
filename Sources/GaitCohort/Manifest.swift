//===--- Manifest.swift ---------------------------------------------------===//
// A cohort manifest: every input of a study, with its size, content hash and
// the options that apply to it, in a deterministic order. Shards of a Slurm
// array (or of any other scheduler) each take a byte-balanced part of it; a
// report remembers the hash and options it was made from, so a resubmitted
// task redoes only what is missing, failed or out of date. docs/COHORTS.md.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
import GaitDSP
import GaitIngest
import GaitPipeline
import GaitReport
import GaitScoring

/// The manifest schema identifier.
public let manifestSchema = "gaitline.manifest/1"

/// One input of a cohort.
public struct CohortInput: Codable, Sendable, Hashable {
  /// Position in the manifest, from 0; names the report.
  public var index: Int
  /// Absolute path.
  public var path: String
  /// The format by extension (or `stream-PROTOCOL`).
  public var type: String
  /// File size when planned, bytes.
  public var bytes: Int
  /// Modification time when planned (Unix seconds); a quick check before rehashing.
  public var modifiedUnixS: Double
  /// SHA-256 of the file's content when planned, lowercase hex.
  public var sha256: String
  /// The options the input is analysed with (the cohort's, with any override).
  public var options: InputSettings

  enum CodingKeys: String, CodingKey {
    case index, path, type, bytes, modifiedUnixS = "modified_unix_s", sha256, options
  }

  /// An input as planned.
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
    let base = shortenedName(((nameInsideGzip(path) as NSString).lastPathComponent as NSString).deletingPathExtension, maxBytes: 200)
    var h = SHA256()
    h.update(Array(path.utf8))
    return base + "-" + h.finalize().prefix(12)
  }
}

/// A planned cohort.
public struct CohortManifest: Codable, Sendable, Hashable {
  /// The manifest format, `gaitline.manifest/1` (``manifestSchema``); a reader refuses others.
  public var schema: String = manifestSchema
  /// The gaitline that planned it (reports record their own version).
  public var gaitlineVersion: String = GaitReport.gaitlineVersion
  /// The scoring policy of every report; `nil` = population defaults.
  public var policy: ScoringPolicy?
  /// Every input, in the fixed order of ``CohortInput/index``.
  public var inputs: [CohortInput]
  /// Files found in folders that are not recordings (a README, a table of
  /// reference events), with the reason; not part of the cohort.
  public var skipped: [SkippedFile] = []

  enum CodingKeys: String, CodingKey {
    case schema, gaitlineVersion = "gaitline_version", policy, inputs, skipped
  }

  /// A manifest of `inputs` scored with `policy`.
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

  /// Reads and checks a manifest written by `cohort plan`; throws `IngestError` when it is
  /// missing, unreadable or not a manifest of a known schema.
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
  /// One row per override: the key naming the input, its line in the CSV and its settings.
  public var rows: [(key: String, line: Int, settings: InputSettings)] = []

  /// Reads an override table; throws `IngestError` for a missing file, a missing `path` column
  /// or a bad value.
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
      do { try s.validate() } catch let e as PipelineError {
        throw PipelineError(e.code, e.message, path: path, line: line)
      } catch let e as IngestError {
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
  // Each input, on the batch runner's pool: skipped (why), or hashed (or the error hashing it).
  enum Scanned: Sendable {
    case skipped(String)
    case hashed(Result<(String, Int, Double), IngestError>)
  }
  let scanned = parallelMap(paths.count, jobs: jobs) { i -> Scanned in
    let ext = recordingExtension(of: paths[i])
    if inFolder[i], settingsOf[i].streamProtocol == nil, ["csv", "tsv", "txt"].contains(ext) {
      do { _ = try settingsOf[i].open(paths[i]) } catch {
        if let why = notARecordingReason(error, path: paths[i], settings: settingsOf[i]) {
          return .skipped(why)
        }
      }
    }
    do {
      let mtime = modificationTime(paths[i]) ?? 0
      let (hex, bytes) = try sha256(ofFile: paths[i])
      return .hashed(.success((hex, bytes, mtime)))
    } catch let e as IngestError {
      return .hashed(.failure(e))
    } catch {
      return .hashed(.failure(IngestError(.unreadable, "\(error)", path: paths[i])))
    }
  }
  var out: [CohortInput] = []
  var skipped: [SkippedFile] = special
  for (i, s) in scanned.enumerated() {
    let r: Result<(String, Int, Double), IngestError>
    switch s {
    case .skipped(let why):
      if perInput[i] != nil {
        throw IngestError(.invalidArgument, "the overrides name a file that is not a recording: \(why)", path: paths[i])
      }
      skipped.append(SkippedFile(path: paths[i], reason: why))
      continue
    case .hashed(let result):
      r = result
    }
    let (hex, bytes, mtime) = try r.get()
    let options = settingsOf[i]
    let ext = (paths[i] as NSString).pathExtension.lowercased() == "gz" ? recordingExtension(of: paths[i]) + ".gz"
      : (paths[i] as NSString).pathExtension.lowercased()
    let type = options.streamProtocol.map { "stream-" + $0.lowercased() } ?? (ext.isEmpty ? "unknown" : ext)
    out.append(CohortInput(index: out.count, path: paths[i], type: type, bytes: bytes, modifiedUnixS: mtime, sha256: hex, options: options))
  }
  guard !out.isEmpty else {
    throw IngestError(.fileNotFound, "no recordings among the \(skipped.count) files found in \(inputs.joined(separator: ", "))")
  }
  return CohortManifest(policy: policy, inputs: out, skipped: skipped)
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
