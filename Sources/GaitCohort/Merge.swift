//===--- Merge.swift ------------------------------------------------------===//
// Status of a cohort output folder, and the merged table: a row per
// recording (or per running bout of a long one) with the summary metrics and
// flags, plus a table of failures.
//===----------------------------------------------------------------------===//
import Dispatch
import Foundation
import GaitCore
import GaitIngest
import GaitPipeline
import GaitReport
import GaitScoring
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
    throw IngestError(.fileNotFound, "no manifest.json here: no shard has started in this folder yet (the first shard to run writes it; after `cohort slurm --submit`, the array's tasks may still be pending: see squeue), or it is not a cohort output folder", path: layout.root)
  }
  return try CohortManifest.load(path: layout.manifest)
}

/// Reads `DIR/manifest.json` and the state of each input.
public func cohortStatus(_ layout: CohortLayout, jobs: Int = 1) throws -> CohortStatus {
  let m = try folderManifest(layout)
  let keys = m.optionsKeys()
  let states = parallelMap(m.inputs.count, jobs: jobs) { i in resolveState(m.inputs[i], key: keys[i], in: layout).0 }
  return CohortStatus(manifest: m, states: states)
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
  let parts: [(InputState, String, String)] = parallelMap(m.inputs.count, jobs: jobs) { i in
    let input = m.inputs[i]
    let (state, provenance) = resolveState(input, key: keys[i], in: layout, full: true)
    switch (state, provenance?.content) {
    case (.done, .report(let report)?):
      return (.done, mergeRows(report.report, index: i, input: input, mode: mode), "")
    case (.failed, .error(let e)?):
      return (.failed, "", [String(i), csvField(input.path), "failed", csvField(e.code), String(e.exitStatus), csvField(e.error)].joined(separator: ",") + "\n")
    case (let state, _):
      let why = state == .stale
        ? "the report was made from other content, options or gaitline version; run the shard again"
        : "no report yet; run (or resubmit) its shard"
      return (state, "", [String(i), csvField(input.path), state.rawValue, "", "", why].joined(separator: ",") + "\n")
    }
  }
  var table = mergeHeader
  var failures = failuresHeader
  var states: [InputState] = []
  for p in parts {
    states.append(p.0)
    table += p.1
    failures += p.2
  }
  return (table, failures, CohortStatus(manifest: m, states: states))
}

func mergeRows(_ r: ReportDocument, index: Int, input: CohortInput, mode: MergeRows) -> String {
  let inp = r.input
  let running = (r.bouts ?? []).filter { $0.kind == .running }
  func flagCells(_ fs: [ReportFlag]) -> [String] {
    let ids = fs.map { "\($0.id)(\($0.severity.rawValue))" }
    return [csvField(ids.joined(separator: ";")), String(fs.filter { $0.severity == .alert }.count),
            String(fs.filter { $0.severity == .warning }.count)]
  }
  // The metric columns of summary.csv (GaitReport's `metricColumns`), read
  // from a report's summary or bout. Numbers are formatted as summary.csv
  // formats them (`tableCell`).
  func metricCells(_ o: any ReportMetrics) -> [String] {
    metricColumns.map { tableCell($0.reported(o), digits: $0.digits) }
  }
  let rate = tableCell(inp.sampleRateHz, digits: 3, jsonDigits: 4)
  let perBout = mode == .bouts || (mode == .auto && running.count > 1)
  if !perBout {
    let duration = tableCell(inp.durationS, digits: 2, jsonDigits: 3)
    return ([String(index), csvField(input.path), "recording", "", "0.00", duration,
             csvField(inp.placement.rawValue), rate, duration,
             String(r.summary.steps), String(r.summary.runningSteps)] + metricCells(r.summary)
            + flagCells(r.flags) + [csvField(input.sha256), csvField(r.gaitlineVersion)]).joined(separator: ",") + "\n"
  }
  var out = ""
  for (k, b) in running.enumerated() {
    let (start, end) = (b.startS, b.endS)
    // Flags with a span belong to the bouts they overlap; flags without one
    // concern the whole recording and go on every row.
    let mine = r.flags.filter { f in
      guard let span = f.span else { return true }
      return span.startS < end && (span.endS ?? span.startS) > start
    }
    out += ([String(index), csvField(input.path), "bout", String(k + 1), tableCell(start, digits: 2), tableCell(end, digits: 2),
             csvField(inp.placement.rawValue), rate, String(format: "%.2f", end - start),
             String(b.steps), String(b.runningSteps)] + metricCells(b)
            + flagCells(mine) + [csvField(input.sha256), csvField(r.gaitlineVersion)]).joined(separator: ",") + "\n"
  }
  return out
}
