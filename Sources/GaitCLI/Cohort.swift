//===--- Cohort.swift -----------------------------------------------------===//
// `gaitline cohort plan | slurm | status | merge`: studies of many
// recordings, run as Slurm job arrays (docs/COHORTS.md).
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import GaitCohort
import GaitCore
import GaitIngest
import GaitPipeline
import GaitReport
import GaitScoring

struct Cohort: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cohort",
    abstract: "Analyse a cohort of many recordings as shards (Slurm job arrays); see docs/COHORTS.md.",
    discussion: """
      plan → a manifest of every input (size, SHA-256, options); `analyze --manifest M --shard I/N \
      --out-dir D` per task (or `cohort slurm` to write the sbatch array script); `cohort status D`; \
      `cohort merge D --out cohort.csv`.
      """,
    subcommands: [Plan.self, Slurm.self, Status.self, Merge.self])

  struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "plan",
      abstract: "List every input with its size, content hash and options, in a fixed order.")

    @Argument(help: "Recordings, or folders searched recursively for .csv .tsv .txt .glb .cwa .gt3x.")
    var inputs: [String]

    @Option(help: "Write the manifest here (JSON).")
    var out: String

    @Option(help: "CSV of per-input options: a column path (or file) and any of placement, side, speed_mps, rate_hz, units, gyro_units, columns, protocol.")
    var overrides: String?

    @Option(help: "A JSON scoring policy for every report (see docs/POLICY.md).")
    var policy: String?

    @Option(help: "Files hashed at once (default: the CPUs this process may use).")
    var jobs: Int?

    @OptionGroup var input: InputOptions
    @OptionGroup var analysis: AnalysisArguments

    @OptionGroup var output: OutputOptions

    func run() throws {
      if out != "-" { silenceStandardOutputIfQuiet() }
      _ = try input.csvOptions()
      _ = try analysis.analysisOptions()
      do {
        let table = try overrides.map { try OverrideTable.load(path: $0) }
        let scoring = try policy.map { try loadPolicy(path: $0) }
        let settings = input.settings.overridden(by: analysis.settings)
        let m = try planCohort(inputs: inputs, settings: settings, overrides: table, overridesPath: overrides,
                               policy: scoring, jobs: jobs ?? allottedCores(environment: ProcessInfo.processInfo.environment))
        // The manifest may not replace an input, the overrides or the policy.
        let protected = ProtectedPaths(inputs: m.inputs.map(\.path) + [overrides, policy].compactMap { $0 })
        try atomicWrite(try m.encoded(), to: out, protecting: protected, what: "the manifest (--out)")
        let bytes = m.inputs.reduce(0) { $0 + $1.bytes }
        var types: [String: Int] = [:]
        for i in m.inputs { types[i.type, default: 0] += 1 }
        print("planned \(m.inputs.count) inputs (\(types.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")); \(bytes) bytes) into \(out)"
              + (m.skipped.isEmpty ? "" : "; \(m.skipped.count) files are not recordings (listed under \"skipped\")"))
      } catch let e as any GaitlineError {
        throw fail(e)
      }
    }
  }

  struct Slurm: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "slurm",
      abstract: "Print (or submit) the sbatch script of a job array, one task per shard.",
      discussion: """
        The script pins the shard count, so `sbatch --array=3 SCRIPT` resubmits task 3 alone; a \
        resubmitted task skips inputs whose report is current. Logs go to OUT-DIR/logs.
        """)

    @Argument(help: "The manifest from `cohort plan`.")
    var manifest: String

    @Option(help: "Number of array tasks (shards).")
    var shards: Int

    @Option(name: .customLong("out-dir"), help: "Folder for reports, errors and logs (on a file system every node sees).")
    var outDir: String

    @Option(help: "Slurm partition.")
    var partition: String?

    @Option(help: "Time limit per task, e.g. 02:00:00.")
    var time: String = "01:00:00"

    @Option(help: "CPUs per task; inputs of a task are analysed this many at a time.")
    var cpus: Int = 4

    @Option(help: "Memory per task, e.g. 4G (about 100 MB per CPU suffices).")
    var mem: String = "4G"

    @Option(name: .customLong("max-running"), help: "At most this many tasks at once (%N of --array).")
    var maxRunning: Int?

    @Option(name: .customLong("sbatch-option"), help: "Any other sbatch option, written with =, e.g. --sbatch-option=--account=abc (repeatable).")
    var sbatchOptions: [String] = []

    @Option(help: "The gaitline binary the tasks run (default: this one).")
    var gaitline: String?

    @Option(help: "Write the script here instead of standard output.")
    var script: String?

    @Flag(help: "Submit with sbatch and print the job id.")
    var submit = false

    @OptionGroup var output: OutputOptions

    func run() throws {
      // --quiet: the script itself still goes to stdout when no --script is given.
      guard shards > 0 else { throw ValidationError("--shards must be at least 1") }
      guard cpus > 0 else { throw ValidationError("--cpus must be at least 1") }
      let m: CohortManifest
      do { m = try CohortManifest.load(path: manifest) } catch let e as any GaitlineError { throw fail(e) }
      if shards > m.inputs.count {
        FileHandle.standardError.write(Data("gaitline: note: \(shards) shards for \(m.inputs.count) inputs; some tasks will have nothing to do\n".utf8))
      }
      let exe = gaitline ?? ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
      let out = absolutePath(outDir)
      let layout = CohortLayout(root: out)
      // Every value goes into the script quoted; a control character (a
      // newline would end the `#SBATCH` line and start a shell command)
      // cannot be quoted safely and is refused.
      var values: [(String, String)] = [("--out-dir", out), ("the manifest path", absolutePath(manifest)), ("--gaitline", absolutePath(exe)),
                                        ("--mem", mem), ("--time", time)]
      if let partition { values.append(("--partition", partition)) }
      for o in sbatchOptions { values.append(("--sbatch-option", o)) }
      for (name, v) in values where v.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
        throw ValidationError("\(name) holds a control character (a newline or tab?): '\(sanitizedForTerminal(v))'; a generated script cannot hold it safely")
      }
      if out.contains("\\") {
        // Slurm turns off %A/%a in a --output path holding a backslash: every task would share one log.
        throw ValidationError("--out-dir holds a backslash, which Slurm's --output cannot take with %A/%a patterns; choose another folder")
      }
      func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
      // sbatch reads `#SBATCH` arguments with double quotes grouping and a
      // backslash escaping the next character (single quotes are literal).
      // A value of only safe characters is written as it is.
      func dq(_ s: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:/=,@+-%")
        if !s.isEmpty && s.allSatisfy({ safe.contains($0) }) { return s }
        return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
      }
      let logPattern = (layout.logs.replacingOccurrences(of: "%", with: "%%") as NSString).appendingPathComponent("%A_%a.out")
      var lines = [
        "#!/bin/bash",
        "# gaitline \(gaitlineVersion): \(m.inputs.count) inputs of \(absolutePath(manifest)) in \(shards) shards (balanced by bytes).",
        "# Resubmit one task: sbatch --array=I THIS_SCRIPT. Progress: gaitline cohort status \(q(out))",
        "#SBATCH --job-name=gaitline-cohort",
        "#SBATCH --array=0-\(shards - 1)" + (maxRunning.map { "%\($0)" } ?? ""),
        "#SBATCH --cpus-per-task=\(cpus)",
        "#SBATCH --mem=\(dq(mem))",
        "#SBATCH --time=\(dq(time))",
        "#SBATCH --output=\(dq(logPattern))",
        "#SBATCH --open-mode=append",
      ]
      if let partition { lines.append("#SBATCH --partition=\(dq(partition))") }
      for o in sbatchOptions { lines.append("#SBATCH \(dq(o))") }
      lines += [
        "set -euo pipefail",
        "exec \(q(absolutePath(exe))) analyze --manifest \(q(absolutePath(manifest))) --shard \"${SLURM_ARRAY_TASK_ID}/\(shards)\" --out-dir \(q(out)) --jobs \"${SLURM_CPUS_PER_TASK:-1}\"",
      ]
      let text = lines.joined(separator: "\n") + "\n"
      do {
        try FileManager.default.createDirectory(atPath: layout.logs, withIntermediateDirectories: true)
      } catch {
        throw fail(IngestError(.writeFailed, "cannot create the log folder: \(systemErrorText(error))", path: layout.logs))
      }
      guard submit else {
        if let script {
          do { try writeOutput(text, to: script, protecting: ProtectedPaths(inputs: [manifest]), what: "the --script") } catch { throw fail(error) }
        } else {
          print(text, terminator: "")
        }
        return
      }
      let path = script ?? (layout.root as NSString).appendingPathComponent("gaitline-cohort.sbatch")
      do { try writeOutput(text, to: path, protecting: ProtectedPaths(inputs: [manifest]), what: "the --script") } catch { throw fail(error) }
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      p.arguments = ["sbatch", "--parsable", path]
      let pipe = Pipe()
      p.standardOutput = pipe
      do { try p.run() } catch {
        throw fail(SchedulerError(.notInstalled, message: "cannot run sbatch (\(systemErrorText(error))); is Slurm installed here?", scriptPath: path))
      }
      let data = pipe.fileHandleForReading.readDataToEndOfFile()
      p.waitUntilExit()
      if p.terminationStatus == 127 {  // env: no sbatch on PATH
        throw fail(SchedulerError(.notInstalled, message: "cannot run sbatch (not found on PATH); is Slurm installed here?", scriptPath: path))
      }
      guard p.terminationStatus == 0 else {
        throw fail(SchedulerError(.refused(status: p.terminationStatus), message: "sbatch failed (exit \(p.terminationStatus))", scriptPath: path))
      }
      let id = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      print("submitted job array \(id) (\(shards) tasks); script \(path)")
    }
  }

  struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "status",
      abstract: "Show done, failed, stale and missing inputs of a cohort output folder.",
      discussion: "Exit status 0 when every input has a current report or a recorded error, else 1.")

    @OptionGroup var folder: CohortFolder

    @Flag(help: "List every input that is not done (default: the first 20 of each kind).")
    var all = false

    @Flag(help: "Print JSON instead of text.")
    var json = false

    @OptionGroup var output: OutputOptions

    func run() throws {
      silenceStandardOutputIfQuiet()
      let st: CohortStatus
      do { st = try cohortStatus(folder.layout, jobs: allottedCores(environment: ProcessInfo.processInfo.environment)) } catch let e as any GaitlineError { throw fail(e) }
      let m = st.manifest
      let layout = folder.layout
      if json {
        func list(_ s: InputState) -> JSONValue { .array(st.indices(s).map { .string(m.inputs[$0].path) }) }
        let v: JSONValue = .object([
          ("inputs", .number(Double(m.inputs.count))),
          ("done", .number(Double(st.indices(.done).count))), ("failed", list(.failed)),
          ("stale", list(.stale)), ("missing", list(.missing)), ("complete", .bool(st.isComplete)),
        ])
        print(v.serialized())
      } else {
        print("\(m.inputs.count) inputs: \(st.indices(.done).count) done, \(st.indices(.failed).count) failed, "
              + "\(st.indices(.stale).count) stale, \(st.indices(.missing).count) missing")
        for kind in [InputState.failed, .stale, .missing] {
          let idx = st.indices(kind)
          guard !idx.isEmpty else { continue }
          print("\(kind.rawValue):")
          for i in (all ? idx : Array(idx.prefix(20))) {
            var line = "  \(m.inputs[i].path)"
            if kind == .failed, let record = try? ErrorRecord.load(path: layout.error(m.inputs[i])) {
              line += "\n    \(record.error)"
            }
            print(line)
          }
          if !all, idx.count > 20 { print("  … and \(idx.count - 20) more (--all lists them)") }
        }
      }
      if !st.isComplete { throw ExitCode(1) }
    }
  }

  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "merge",
      abstract: "One table of every run (or running bout), plus a table of failures.",
      discussion: "Exit status 0 when the cohort is complete, 1 when inputs are missing or stale (the tables are written anyway).")

    @OptionGroup var folder: CohortFolder

    @Option(help: "The merged table (CSV).")
    var out: String

    @Option(help: "The failures table (default: OUT with -failures before .csv).")
    var failures: String?

    @Option(help: "Rows: recordings, bouts (running bouts) or auto (bouts for recordings with more than one).")
    var rows: MergeRows = .auto

    @OptionGroup var output: OutputOptions

    func run() throws {
      if out != "-" { silenceStandardOutputIfQuiet() }
      let merged: (table: String, failures: String, status: CohortStatus)
      do { merged = try mergeCohort(folder.layout, rows: rows, jobs: allottedCores(environment: ProcessInfo.processInfo.environment)) } catch let e as any GaitlineError { throw fail(e) }
      let failuresPath = failures ?? ((out as NSString).deletingPathExtension + "-failures.csv")
      // Neither table may replace the other, the manifest or an input.
      let layout = folder.layout
      var protected = ProtectedPaths(inputs: [layout.manifest] + merged.status.manifest.inputs.map(\.path))
      protected.add(failuresPath)
      if absolutePath(out) == absolutePath(failuresPath) {
        throw fail(IngestError(.invalidArgument, "--out and --failures name the same file; give two paths", path: out))
      }
      do {
        try protected.check(output: out, what: "the merged table (--out)")
        try writeOutput(merged.failures, to: failuresPath, protecting: ProtectedPaths(inputs: [layout.manifest] + merged.status.manifest.inputs.map(\.path)), what: "the failures table")
        try writeOutput(merged.table, to: out, protecting: ProtectedPaths(inputs: [layout.manifest] + merged.status.manifest.inputs.map(\.path)), what: "the merged table (--out)")
      } catch { throw fail(error) }
      let st = merged.status
      let rowsWritten = merged.table.split(separator: "\n").count - 1
      print("merged \(st.indices(.done).count) of \(st.manifest.inputs.count) inputs (\(rowsWritten) rows) into \(out); "
            + "\(st.indices(.failed).count) failed, \(st.indices(.stale).count) stale, \(st.indices(.missing).count) missing → \(failuresPath)")
      if !st.isComplete { throw ExitCode(1) }
    }
  }
}

/// The output folder of a cohort's shards, the argument of `status` and
/// `merge`.
struct CohortFolder: ParsableArguments {
  @Argument(help: "The --out-dir of the shards.")
  var dir: String

  /// Where the manifest, reports and errors lie in it.
  var layout: CohortLayout { CohortLayout(root: dir) }
}

extension MergeRows: ExpressibleByArgument {}
