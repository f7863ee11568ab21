//===--- Runner.swift -----------------------------------------------------===//
// One shard of a cohort: analyse its inputs on the cores allotted, skip the
// ones whose report is complete and current, write every report atomically
// and record every failure for the merge.
//===----------------------------------------------------------------------===//
import Dispatch
import Foundation
import GaitCore
import GaitDSP
import GaitIngest
import GaitPipeline
import GaitReport
import GaitScoring
import Synchronization

/// Layout of a cohort output folder.
public struct CohortLayout: Sendable {
  /// The cohort output folder (`--out-dir` of the shards).
  public var root: String
  /// The layout under `root`.
  public init(root: String) { self.root = root }
  /// The manifest copied into the folder: `ROOT/manifest.json`.
  public var manifest: String { (root as NSString).appendingPathComponent("manifest.json") }
  /// The folder of per-input JSON reports: `ROOT/reports`.
  public var reports: String { (root as NSString).appendingPathComponent("reports") }
  /// The folder of per-input error records: `ROOT/errors`.
  public var errors: String { (root as NSString).appendingPathComponent("errors") }
  /// The folder of shard logs: `ROOT/logs`.
  public var logs: String { (root as NSString).appendingPathComponent("logs") }
  /// Where `input`'s report goes: `reports/NAME.json` (``CohortInput/reportName``).
  public func report(_ input: CohortInput) -> String { (reports as NSString).appendingPathComponent(input.reportName + ".json") }
  /// Where `input`'s error record goes: `errors/NAME.json`.
  public func error(_ input: CohortInput) -> String { (errors as NSString).appendingPathComponent(input.reportName + ".json") }
}

/// What a shard did with one input.
public enum ShardOutcome: String, Sendable {
  /// `analysed`: a report was written; `skipped`: its report was already current; `failed`: an
  /// error record was written instead.
  case analysed, skipped, failed
}

/// The state of one input's result in an output folder.
public enum InputState: String, Sendable {
  /// A report made from this content with these options by this gaitline.
  case done
  /// A recorded error for this content, options and gaitline.
  case failed
  /// A report or error from other content, options or version.
  case stale
  /// Nothing yet.
  case missing
}

/// The `cohort` block of a report or error record, and (read in full) the
/// record itself.
struct Provenance {
  var version: String
  var sha256: String
  var optionsKey: String
  /// The whole report or error record, when read in full.
  var content: Content?

  enum Content {
    case report(ShardReport)
    case error(ErrorRecord)
  }

  /// Reads the version and the `cohort` block. They are near the start of
  /// the file (a report's third key): only the first 64 KiB are read, cut
  /// after the `cohort` member (``topLevelPrefix(_:through:)``) and decoded
  /// (``ReportHead``), so that the status of a cohort of long reports does
  /// not read their steps. A file whose head is not within them is decoded
  /// whole.
  static func read(_ path: String) -> Provenance? {
    guard let h = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? h.close() }
    guard let data = try? h.read(upToCount: 1 << 16) else { return nil }
    let head = topLevelPrefix(data, through: "cohort").flatMap { try? ReportHead.decode($0, path: path) }
      ?? FileManager.default.contents(atPath: path).flatMap { try? ReportHead.decode($0, path: path) }
    guard let head, let cohort = head.cohort else { return nil }
    return Provenance(version: head.gaitlineVersion, sha256: cohort.inputSha256, optionsKey: cohort.optionsKey)
  }

  /// Reads a whole report (without its steps) or error record, for the
  /// merge; `nil` when it does not decode.
  static func read(_ path: String, error: Bool) -> Provenance? {
    let content: Content
    let version: String
    let cohort: ReportCohort?
    if error {
      guard let e = try? ErrorRecord.load(path: path) else { return nil }
      (content, version, cohort) = (.error(e), e.gaitlineVersion, e.cohort)
    } else {
      guard let r = try? ShardReport.load(path: path) else { return nil }
      (content, version, cohort) = (.report(r), r.report.gaitlineVersion, r.cohort)
    }
    guard let cohort else { return nil }
    return Provenance(version: version, sha256: cohort.inputSha256, optionsKey: cohort.optionsKey, content: content)
  }

  func isCurrent(for input: CohortInput, key: String) -> Bool {
    version == gaitlineVersion && sha256 == input.sha256 && optionsKey == key
  }
}

/// The state of `input` in `layout` (`key`: its ``CohortManifest/optionsKey(_:)``),
/// with the current report or error record; `full` parses it whole (the
/// merge needs its content), else only its head.
func resolveState(_ input: CohortInput, key: String, in layout: CohortLayout, full: Bool = false) -> (InputState, Provenance?) {
  let report = full ? Provenance.read(layout.report(input), error: false) : Provenance.read(layout.report(input))
  // An input whose size is no longer the planned one makes its report
  // stale: its next run fails it as changed (a size check only: hashing
  // every input on each status would read the whole cohort).
  if let report, report.isCurrent(for: input, key: key) {
    return plannedSize(input) ? (.done, report) : (.stale, nil)
  }
  let error = full ? Provenance.read(layout.error(input), error: true) : Provenance.read(layout.error(input))
  if let error, error.isCurrent(for: input, key: key) { return (.failed, error) }
  if report != nil || error != nil || FileManager.default.fileExists(atPath: layout.report(input)) { return (.stale, nil) }
  return (.missing, nil)
}

/// The state of input `i` of `manifest` in `layout`.
public func inputState(_ manifest: CohortManifest, _ i: Int, in layout: CohortLayout) -> InputState {
  resolveState(manifest.inputs[i], key: manifest.optionsKey(i), in: layout).0
}

/// Counts of one shard run.
public struct ShardSummary: Sendable {
  /// Inputs in the shard.
  public var inputs = 0
  /// Bytes of those inputs.
  public var bytes = 0
  /// Inputs analysed in this run.
  public var analysed = 0
  /// Inputs skipped because their report was already current.
  public var skipped = 0
  /// Inputs that failed (an error record was written).
  public var failed = 0
  /// Wall-clock time of the shard, s.
  public var seconds = 0.0
}

/// Puts the manifest into the output folder, where status and merge read
/// it. Returns `true` when it replaced a different one: a re-planned cohort
/// (inputs added or changed) keeps the reports of the inputs that are the
/// same, because reports are named by path and judged by content hash.
@discardableResult
public func claimOutputFolder(_ layout: CohortLayout, manifest: CohortManifest) throws -> Bool {
  let data = try manifest.encoded()
  let existing = FileManager.default.contents(atPath: layout.manifest)
  if existing == data { return false }
  for dir in [layout.root, layout.reports, layout.errors] {
    do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
      throw IngestError(.writeFailed, "cannot create the folder: \(systemErrorText(error))", path: dir)
    }
  }
  try atomicWrite(data, to: layout.manifest)
  return existing != nil
}

/// Analyses the inputs `indices` of `manifest` into `layout` on `jobs`
/// threads. Inputs with a current report are skipped; every other outcome
/// is written (report or error record) before `log` hears of it. Throws
/// only when the output folder cannot be written.
public func runShard(_ manifest: CohortManifest, indices: [Int], layout: CohortLayout, jobs: Int,
                     log: @escaping @Sendable (String) -> Void) throws -> ShardSummary {
  if try claimOutputFolder(layout, manifest: manifest) {
    log("note: \(layout.manifest) held another manifest and now holds this one; reports of unchanged inputs are kept")
  }
  let start = DispatchTime.now().uptimeNanoseconds
  let writeError = Mutex<IngestError?>(nil)
  let policy = manifest.policy ?? .populationDefaults
  let keys = manifest.optionsKeys()
  // The one batch runner (GaitPipeline): each input ends analysed, skipped
  // (its report is current) or failed (its error record is written); an
  // input left alone after a write failure has no outcome (`nil`).
  let outcomes: [BatchOutcome<Int?>] = runBatch(indices.count, jobs: jobs) { k in
    // After a write failure the remaining inputs are left alone.
    guard writeError.withLock({ $0 == nil }) else { return .analysed(nil) }
    let i = indices[k]
    let input = manifest.inputs[i]
    let t0 = DispatchTime.now().uptimeNanoseconds
    do {
      let outcome = try processInput(manifest, i, key: keys[i], layout: layout, policy: policy)
      let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
      log(String(format: "%@ %@ (%.2f s)%@", outcome.0.rawValue, input.path, dt, outcome.1.map { ": " + $0 } ?? ""))
      switch outcome.0 {
      case .analysed: return .analysed(input.bytes)
      case .skipped: return .skipped("its report is current")
      case .failed: return .failed(RecordedFailure(message: outcome.1 ?? "", bytes: input.bytes))
      }
    } catch let e as IngestError {
      writeError.withLock { $0 = $0 ?? e }
    } catch {
      writeError.withLock { $0 = $0 ?? IngestError(.writeFailed, "\(error)", path: layout.root) }
    }
    return .analysed(nil)
  }
  if let e = writeError.withLock({ $0 }) { throw e }
  var s = ShardSummary()
  for (k, outcome) in outcomes.enumerated() {
    let bytes = manifest.inputs[indices[k]].bytes
    switch outcome {
    case .analysed(nil): continue
    case .analysed: s.analysed += 1
    case .skipped: s.skipped += 1
    case .failed: s.failed += 1
    }
    s.inputs += 1
    s.bytes += bytes
  }
  s.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  return s
}

/// An input whose failure is recorded in its error file (the shard goes on).
struct RecordedFailure: Error {
  var message: String
  var bytes: Int
}

/// Analyses one input unless its report is current. Returns what happened
/// and, for a failure, the error. Throws only write failures.
func processInput(_ manifest: CohortManifest, _ i: Int, key: String, layout: CohortLayout,
                  policy: ScoringPolicy) throws -> (ShardOutcome, String?) {
  let input = manifest.inputs[i]
  // Checked once (it may hash the whole input): a current report is kept
  // only while the input is still what was planned; a changed input fails
  // below, as one without a report does (a report made from the old
  // content was skipped as current before).
  let unchanged = Result { try verifyUnchanged(input) }
  if case .success = unchanged, let p = Provenance.read(layout.report(input)), p.isCurrent(for: input, key: key) {
    return (.skipped, nil)
  }
  let cohort: JSONValue = .object([
    ("manifest_index", .number(Double(i))),
    ("input_sha256", .string(input.sha256)),
    ("input_bytes", .number(Double(input.bytes))),
    ("options_key", .string(key)),
    ("options", .object([
      ("placement", .str(input.options.placement)), ("side", .str(input.options.side)),
      ("speed_mps", .num(input.options.speedMps, 3)), ("rate_hz", .num(input.options.rateHz, 4)),
      ("units", .str(input.options.units)), ("gyro_units", .str(input.options.gyroUnits)),
      ("columns", .str(input.options.columns)), ("protocol", .str(input.options.streamProtocol)),
    ])),
  ])
  do {
    try unchanged.get()
    let options = try input.options.analysisOptions()
    let source = try input.options.open(input.path)
    let result = try analyze(source: source, path: input.path, options: options, policy: policy)
    let file = try AtomicOutputFile(path: layout.report(input))
    try writeReport(result, inserting: [("cohort", cohort)], at: 2) { try file.write($0) }
    try file.commit()
    if FileManager.default.fileExists(atPath: layout.error(input)) { unlink(layout.error(input)) }
    return (.analysed, nil)
  } catch let e as any GaitlineError where (e as? IngestError)?.code != .writeFailed || e.path == input.path {
    let line: JSONValue = e.line.map { .number(Double($0)) } ?? .null
    let byteOffset: JSONValue = e.byteOffset.map { .number(Double($0)) } ?? .null
    let record: JSONValue = .object([
      ("schema", .string("gaitline.error/1")),
      ("gaitline_version", .string(gaitlineVersion)),
      ("cohort", cohort),
      ("input", .string(input.path)),
      ("code", .string(e.codeName)),
      ("exit_status", .number(Double(e.exitStatus))),
      ("message", .string(e.message)),
      ("line", line),
      ("byte_offset", byteOffset),
      ("error", .string(e.description)),
    ])
    try atomicWrite(Data((record.serialized() + "\n").utf8), to: layout.error(input))
    if FileManager.default.fileExists(atPath: layout.report(input)) { unlink(layout.report(input)) }
    return (.failed, e.description)
  }
}

/// Whether `input` still has its planned size (or cannot be read: its run
/// reports that).
func plannedSize(_ input: CohortInput) -> Bool {
  var st = stat()
  guard stat(input.path, &st) == 0 else { return true }
  return Int(st.st_size) == input.bytes
}

/// Fails when the input is no longer what was planned: size first, then
/// (if the modification time moved) the content hash.
func verifyUnchanged(_ input: CohortInput) throws {
  var st = stat()
  guard stat(input.path, &st) == 0 else {
    throw IngestError(errno == ENOENT ? .fileNotFound : .unreadable,
                      "the input is gone or unreadable since the manifest was planned (\(String(cString: strerror(errno))))", path: input.path)
  }
  let changed = "the input changed since the manifest was planned; re-run `gaitline cohort plan` (reports of unchanged inputs are kept)"
  guard Int(st.st_size) == input.bytes else { throw IngestError(.corrupt, changed, path: input.path) }
  let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
  if abs(mtime - input.modifiedUnixS) > 1e-6 {
    guard try sha256(ofFile: input.path).hex == input.sha256 else { throw IngestError(.corrupt, changed, path: input.path) }
  }
}

/// The shard index and count from `--shard I/N`, else from the scheduler's
/// environment: Slurm's SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT
/// (the array must be 0…N-1), or Kubernetes' JOB_COMPLETION_INDEX with
/// `count` (Indexed Jobs do not export their completion count). `nil` when
/// nothing says: the whole manifest.
public func resolveShard(_ given: String?, count: Int?, environment: [String: String]) throws -> (index: Int, count: Int)? {
  func check(_ i: Int, _ n: Int, _ from: String) throws -> (Int, Int) {
    guard n > 0, i >= 0, i < n else {
      throw IngestError(.invalidArgument, "shard \(i) of \(n) (\(from)) is out of range: shards are numbered 0 to N-1")
    }
    return (i, n)
  }
  if let given {
    let parts = given.split(separator: "/")
    guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
      throw IngestError(.invalidArgument, "--shard must be I/N, e.g. 0/4 (shards are numbered from 0), not '\(given)'")
    }
    return try check(i, n, "--shard")
  }
  if let id = environment["SLURM_ARRAY_TASK_ID"].flatMap({ Int($0) }) {
    guard let n = count ?? environment["SLURM_ARRAY_TASK_COUNT"].flatMap({ Int($0) }) else {
      throw IngestError(.invalidArgument, "SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT; pass --shards N")
    }
    return try check(id, n, "SLURM_ARRAY_TASK_ID")
  }
  if let id = environment["JOB_COMPLETION_INDEX"].flatMap({ Int($0) }) {
    guard let n = count else {
      throw IngestError(.invalidArgument, "JOB_COMPLETION_INDEX is set; pass --shards N with the Job's completions")
    }
    return try check(id, n, "JOB_COMPLETION_INDEX")
  }
  if let count { throw IngestError(.invalidArgument, "--shards \(count) needs --shard I/N or a scheduler's task index") }
  return nil
}

/// Cores this process may use: SLURM_CPUS_PER_TASK when Slurm allots them,
/// else the CPUs of its affinity mask (what `taskset` or a cgroup cpuset allows).
public func allottedCores(environment: [String: String]) -> Int {
  if let c = environment["SLURM_CPUS_PER_TASK"].flatMap({ Int($0) }), c > 0 { return c }
  // Foundation counts the CPUs of the affinity mask on Linux.
  return max(1, ProcessInfo.processInfo.activeProcessorCount)
}

/// The top-level JSON object of `data` cut after the member named `key`
/// and closed, e.g. `{"a": 1, "key": {…}}`, or `nil` when `key` is not among
/// the members that `data` holds in full. Strings and escapes are honoured.
func topLevelPrefix(_ data: Data, through key: String) -> Data? {
  let bytes = [UInt8](data)
  let target = Array(key.utf8)
  var depth = 0
  var i = 0
  var keyStart = -1
  var lastKey: ArraySlice<UInt8> = []
  var expectingKey = false
  while i < bytes.count {
    let c = bytes[i]
    if c == UInt8(ascii: "\"") {
      let start = i + 1
      i += 1
      while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
      guard i < bytes.count else { return nil }
      if depth == 1 && expectingKey { lastKey = bytes[start..<i]; keyStart = start; expectingKey = false }
    } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
      depth += 1
      if depth == 1 { expectingKey = true }
    } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
      depth -= 1
      if depth == 1, Array(lastKey) == target, keyStart > 0 {
        return Data(bytes[0...i] + [UInt8(ascii: "}")])
      }
      if depth <= 0 { return nil }
    } else if c == UInt8(ascii: ",") && depth == 1 {
      if Array(lastKey) == target { return Data(bytes[0..<i] + [UInt8(ascii: "}")]) }
      expectingKey = true
    }
    i += 1
  }
  return nil
}
