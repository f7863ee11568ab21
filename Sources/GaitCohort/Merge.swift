//===--- Merge.swift ------------------------------------------------------===//
// Status of a cohort output folder, and the merged table: a row per
// recording (or per running bout of a long one) with the summary metrics and
// flags, plus a table of failures.
//===----------------------------------------------------------------------===//
import Dispatch
import Foundation
import GaitIngest
import GaitPipeline
import GaitReport
import Synchronization

/// Where every input of a cohort stands.
public struct CohortStatus: Sendable {
  /// The manifest the states belong to.
  public var manifest: CohortManifest
  /// The state of each input, by manifest index.
  public var states: [InputState]
  /// The manifest indices of the inputs in state `s`, in order.
  public func indices(_ s: InputState) -> [Int] { states.indices.filter { states[$0] == s } }
  /// Whether every input has a current report or a recorded failure (none missing or stale).
  public var isComplete: Bool { !states.contains(.missing) && !states.contains(.stale) }
}

/// The manifest a shard run put into the output folder.
func folderManifest(_ layout: CohortLayout) throws -> CohortManifest {
  guard FileManager.default.fileExists(atPath: layout.manifest) else {
    throw IngestError(.fileNotFound, "no manifest.json here: not a cohort output folder (a shard run writes it)", path: layout.root)
  }
  return try CohortManifest.load(path: layout.manifest)
}

/// Reads `DIR/manifest.json` and the state of each input.
public func cohortStatus(_ layout: CohortLayout, jobs: Int = 1) throws -> CohortStatus {
  let m = try folderManifest(layout)
  let keys = m.optionsKeys()
  let states = Mutex<[InputState]>(Array(repeating: .missing, count: m.inputs.count))
  parallelForEach(m.inputs.count, jobs: jobs) { i in
    let s = resolveState(m.inputs[i], key: keys[i], in: layout).0
    states.withLock { $0[i] = s }
  }
  return CohortStatus(manifest: m, states: states.withLock { $0 })
}

/// Which rows the merged table has.
public enum MergeRows: String, Sendable, CaseIterable {
  /// One row per recording.
  case recordings
  /// One row per running bout of every recording.
  case bouts
  /// Per running bout for recordings with more than one, else per recording.
  case auto
}

/// Builds the merged table and the failures table of a cohort.
public func mergeCohort(_ layout: CohortLayout, rows mode: MergeRows, jobs: Int = 1) throws -> (table: String, failures: String, status: CohortStatus) {
  let m = try folderManifest(layout)
  let keys = m.optionsKeys()
  // Each report is read and parsed once, on `jobs` threads.
  let parts = Mutex<[(InputState, String, String)?]>(Array(repeating: nil, count: m.inputs.count))
  parallelForEach(m.inputs.count, jobs: jobs) { i in
    let input = m.inputs[i]
    let part: (InputState, String, String)
    switch resolveState(input, key: keys[i], in: layout, full: true) {
    case (.done, let p?):
      part = (.done, mergeRows(p.root, index: i, input: input, mode: mode), "")
    case (.failed, let p?):
      let code = p.root["code"] as? String ?? ""
      let exit = (p.root["exit_status"] as? Double).map { String(Int($0)) } ?? ""
      part = (.failed, "", [String(i), csvField(input.path), "failed", csvField(code), exit, csvField(p.root["error"] as? String ?? "")].joined(separator: ",") + "\n")
    case (let state, _):
      let why = state == .stale
        ? "the report was made from other content, options or gaitline version; run the shard again"
        : "no report yet; run (or resubmit) its shard"
      part = (state, "", [String(i), csvField(input.path), state.rawValue, "", "", why].joined(separator: ",") + "\n")
    }
    parts.withLock { $0[i] = part }
  }
  var table = mergeHeader
  var failures = failuresHeader
  var states: [InputState] = []
  for p in parts.withLock({ $0 }) {
    states.append(p!.0)
    table += p!.1
    failures += p!.2
  }
  return (table, failures, CohortStatus(manifest: m, states: states))
}


/// Formats a report number as summary.csv does.
func fmt(_ v: Any?, _ digits: Int) -> String {
  guard let d = v as? Double ?? (v as? Int).map(Double.init) else { return "" }
  return String(format: "%.\(digits)f", d)
}

func median(_ o: Any?) -> Any? { (o as? [String: Any])?["median"] }

func mergeRows(_ r: [String: Any], index: Int, input: CohortInput, mode: MergeRows) -> String {
  let inp = r["input"] as? [String: Any] ?? [:]
  let s = r["summary"] as? [String: Any] ?? [:]
  let flags = (r["flags"] as? [[String: Any]]) ?? []
  let version = r["gaitline_version"] as? String ?? ""
  let running = ((r["bouts"] as? [[String: Any]]) ?? []).filter { $0["kind"] as? String == "running" }
  func count(_ x: Any?) -> String { (x as? Double).map { String(Int($0)) } ?? (x as? Int).map(String.init) ?? "" }
  func flagCells(_ fs: [[String: Any]]) -> [String] {
    let ids = fs.map { "\($0["id"] as? String ?? "")(\($0["severity"] as? String ?? ""))" }
    return [csvField(ids.joined(separator: ";")), String(fs.filter { $0["severity"] as? String == "alert" }.count),
            String(fs.filter { $0["severity"] as? String == "warning" }.count)]
  }
  // The metric columns of summary.csv (GaitReport's `metricColumns`), read
  // from a report's summary or bout by the same names.
  func metricCells(_ o: [String: Any]) -> [String] {
    metricColumns.map { fmt($0.isMedian ? median(o[$0.name]) : o[$0.name], $0.digits) }
  }
  let perBout = mode == .bouts || (mode == .auto && running.count > 1)
  if !perBout {
    return ([String(index), csvField(input.path), "recording", "", "0.00", fmt(inp["duration_s"], 2),
             csvField(inp["placement"] as? String ?? ""), fmt(inp["sample_rate_hz"], 3), fmt(inp["duration_s"], 2),
             count(s["steps"]), count(s["running_steps"])] + metricCells(s)
            + flagCells(flags) + [csvField(input.sha256), csvField(version)]).joined(separator: ",") + "\n"
  }
  var out = ""
  for (k, b) in running.enumerated() {
    let start = b["start_s"] as? Double ?? 0
    let end = b["end_s"] as? Double ?? 0
    // Flags with a span belong to the bouts they overlap; flags without one
    // concern the whole recording and go on every row.
    let mine = flags.filter { f in
      guard let span = f["span"] as? [String: Any], let fs = span["start_s"] as? Double else { return true }
      let fe = span["end_s"] as? Double ?? fs
      return fs < end && fe > start
    }
    out += ([String(index), csvField(input.path), "bout", String(k + 1), fmt(start, 2), fmt(end, 2),
             csvField(inp["placement"] as? String ?? ""), fmt(inp["sample_rate_hz"], 3), fmt(end - start, 2),
             count(b["steps"]), count(b["running_steps"])] + metricCells(b)
            + flagCells(mine) + [csvField(input.sha256), csvField(version)]).joined(separator: ",") + "\n"
  }
  return out
}
