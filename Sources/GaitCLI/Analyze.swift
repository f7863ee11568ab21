//===--- Analyze.swift ----------------------------------------------------===//
import ArgumentParser
import Dispatch
import Foundation
import GaitCohort
import GaitCore
import GaitDSP
import GaitIngest
import GaitPipeline
import GaitReport
import GaitScoring
import Synchronization

struct Analyze: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyze",
    abstract: "Find every step and measure running form; write a JSON report.",
    discussion: """
      One input: prints a summary and writes --json/--steps-csv/--html if asked. Several inputs, \
      a directory or --out-dir (batch): analyses them in parallel on all cores and writes one \
      report NAME.json per input plus summary.csv into --out-dir (default ./gaitline-reports); \
      --steps-csv-each and --html-each add NAME.steps.csv and NAME.html beside each report. \
      --json, --steps-csv and --html name one file and are an error in batch mode. A folder scan \
      skips files that are not recordings (licence texts, READMEs, ground-truth tables) with a \
      note; a file named on the command line is always analysed. A bad recording is reported \
      and the others go on (exit status 1).
      """)

  @Argument(help: "Recordings or directories of recordings (.csv, .tsv, .txt, also gzip-compressed as .csv.gz; .glb, .cwa, .gt3x).")
  var inputs: [String] = []

  @Option(help: "A cohort manifest (`gaitline cohort plan`): analyse its inputs, with its options, into --out-dir.")
  var manifest: String?

  @Option(help: "With --manifest: analyse only shard I of N (0-based, balanced by bytes). Default: SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT or JOB_COMPLETION_INDEX when set, else all.")
  var shard: String?

  @Option(help: "With --manifest: the number of shards, when the task index comes from the environment (Kubernetes).")
  var shards: Int?

  @Option(help: "Inputs analysed at once (default: SLURM_CPUS_PER_TASK, else the CPUs this process may use).")
  var jobs: Int?

  @Option(help: "One input: threads that analyse its segments at once (default 1; README's performance section gives the speed-up measured on a 2-core machine). The results do not depend on it.")
  var threads: Int?

  @OptionGroup var input: InputOptions
  @OptionGroup var analysis: AnalysisArguments

  @Option(help: "One input: write the JSON report here ('-' = standard output). Batch: see --out-dir.")
  var json: String?

  @Option(name: .customLong("steps-csv"), help: "One input: write the per-step table here (CSV, units in the column names). Batch: use --steps-csv-each.")
  var stepsCSV: String?

  @Option(name: .customLong("out-dir"), help: "Batch: folder for the reports (NAME.json; NAME.steps.csv and NAME.html with the -each flags), summary.csv and training_load.csv. With one input it makes a batch of one.")
  var outDir: String?

  @Option(help: "One input: write a self-contained HTML report (plots, flags with evidence and advice) here. Batch: use --html-each.")
  var html: String?

  @Flag(name: .customLong("steps-csv-each"), help: "Batch: write each input's per-step table as NAME.steps.csv beside its report in --out-dir.")
  var stepsCSVEach = false

  @Flag(name: .customLong("html-each"), help: "Batch: write each input's HTML report as NAME.html beside its report in --out-dir.")
  var htmlEach = false

  @Option(help: "A JSON scoring policy: any thresholds to override (see docs/POLICY.md).")
  var policy: String?

  @Option(parsing: .upToNextOption, help: "Earlier reports of this runner (JSON); flags then speak of change from runs at similar speed.")
  var baseline: [String] = []

  @OptionGroup var trackOptions: TrackArguments

  // -q/--quiet and -v/--verbose: the same option group as every command.
  @OptionGroup var output: OutputOptions
  var quiet: Bool { output.quiet }

  func run() throws {
    AtomicOutputFile.removeTemporaryFilesOnTermination()
    if let manifest {
      try trackOptions.check(inputs: inputs, manifest: manifest, speed: analysis.speed)
      return try runManifest(manifest)
    }
    guard !inputs.isEmpty else { throw ValidationError("give recordings to analyse, or --manifest") }
    if shard != nil || shards != nil { throw ValidationError("--shard and --shards need --manifest") }
    // Batch mode: several inputs, a folder or --out-dir. An option that
    // cannot apply is an error, never silently ignored.
    let batchMode = inputs.count > 1 || outDir != nil || inputs.contains { path in
      var isDir: ObjCBool = false
      return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
    if batchMode {
      if threads != nil { throw ValidationError("--threads applies to one input; a batch analyses several inputs at once with --jobs") }
      for (given, option, instead) in [(json != nil, "--json", "use --out-dir DIR (each report is written there as NAME.json)"),
                                       (stepsCSV != nil, "--steps-csv", "use --steps-csv-each to write NAME.steps.csv beside each report in --out-dir"),
                                       (html != nil, "--html", "use --html-each to write NAME.html beside each report in --out-dir")] where given {
        throw ValidationError("\(option) names one file, but several inputs, a folder or --out-dir make a batch: \(instead)")
      }
    } else {
      for (given, option, instead) in [(stepsCSVEach, "--steps-csv-each", "--steps-csv FILE"), (htmlEach, "--html-each", "--html FILE")] where given {
        throw ValidationError("\(option) applies to a batch (several inputs, a folder or --out-dir); with one input use \(instead)")
      }
      if jobs != nil { throw ValidationError("--jobs applies to a batch (several inputs, a folder or --out-dir) or --manifest; one input is analysed on one thread") }
    }
    try trackOptions.check(inputs: inputs, manifest: manifest, speed: analysis.speed)
    _ = try input.csvOptions()  // validate the options before any file is read
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, not \(threads)") }
    let options = try { () throws -> AnalysisOptions in
      var o = try analysis.analysisOptions()
      if !batchMode { o.concurrency = threads ?? 1 }
      return o
    }()
    let scoring: ScoringPolicy
    let past: [PastRun]
    do {
      scoring = try policy.map { try loadPolicy(path: $0) } ?? .populationDefaults
      past = try baseline.map { try loadPastRun(path: $0) }
    } catch {
      throw fail(error)
    }
    let track: Track?
    do { track = try trackOptions.load() } catch { throw fail(error) }
    let personal = past.isEmpty ? nil : personalBaseline(from: past, speedMps: options.speedMps, policy: scoring)
    if !past.isEmpty, personal == nil, !quiet {
      FileHandle.standardError.write(Data("gaitline: note: no earlier report at a similar speed; flags use population thresholds\n".utf8))
    }
    if let personal, options.speedMps != nil, past.allSatisfy({ $0.speedMps == nil }), !quiet {
      FileHandle.standardError.write(Data(("gaitline: note: none of the \(personal.runs) earlier reports records a speed (analysed without --speed or --track), "
        + "so the baseline cannot keep to runs at a similar speed and uses them all\n").utf8))
    }
    // The baseline of one input leaves out an earlier report of that very
    // recording: a run judged against a baseline holding itself is partly
    // compared with itself.
    let (pastRuns, speedMps) = (past, options.speedMps)
    let baselineFor: @Sendable (String) -> PersonalBaseline? = { input in
      guard !pastRuns.isEmpty else { return nil }
      let thisRecording = ProtectedPaths(inputs: [input])
      return personalBaseline(from: pastRuns.filter { !thisRecording.isInput($0.path) }, speedMps: speedMps, policy: scoring)
    }
    var files: [String] = []
    // Files found by a folder scan (not named on the command line): one
    // that is not a recording is skipped with a note, not an error.
    var scanned: [Bool] = []
    var notes: [SkippedFile] = []
    let isBatch = batchMode
    for path in inputs {
      var isDir: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
        let found = recordingFiles(in: path, skipped: &notes)
        files += found
        scanned += Array(repeating: true, count: found.count)
      } else {
        files.append(path)
        scanned.append(false)
      }
    }
    if !quiet {
      for n in notes { FileHandle.standardError.write(Data("gaitline: note: skipped \(sanitizedForTerminal(n.path)): \(n.reason)\n".utf8)) }
    }
    // No output of this run may replace one of its inputs.
    let protected = ProtectedPaths(inputs: files + baseline + (policy.map { [$0] } ?? []))
    if !isBatch {
      do {
        let outputs: [(path: String?, what: String)] = [(json, "the --json report"), (html, "the --html report"), (stepsCSV, "the --steps-csv table")]
        for (path, what) in outputs {
          if let path, path != "-" { try protected.check(output: path, what: what) }
        }
        try checkDistinctOutputs(outputs)
        let source = try input.open(files[0])
        var result = try GaitPipeline.analyze(source: source, path: files[0], options: options, policy: scoring, baseline: baselineFor(files[0]))
        try trackOptions.apply(track, to: &result)
        if let json { try writeOutput(to: json, protecting: protected, what: "the --json report") { try writeReport(result, to: $0) } }
        if let html { try writeOutput(to: html, protecting: protected, what: "the --html report") { try writeHTMLReport(result, to: $0) } }
        if let stepsCSV {
          try writeOutput(to: stepsCSV, protecting: protected, what: "the --steps-csv table") { try writeStepsCSV(result, to: $0) }
        }
        if !quiet && json != "-" { print(sanitizedForTerminal(textSummary(result), keepNewlines: true), terminator: "") }
        describeInput(files[0], result.ingest, result.info)
      } catch {
        throw fail(error)
      }
      return
    }
    guard !files.isEmpty else {
      let kinds = recordingExtensions.sorted().map { "." + $0 }.joined(separator: ", ")
      throw fail(IngestError(.fileNotFound, "no recordings (\(kinds), also gzip-compressed) found in \(inputs.joined(separator: ", "))",
                             path: inputs.count == 1 ? inputs[0] : nil))
    }
    let dir = outDir ?? "gaitline-reports"
    let summaryPath = (dir as NSString).appendingPathComponent("summary.csv")
    let trainingPath = (dir as NSString).appendingPathComponent("training_load.csv")
    let lock: OutputFolderLock
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } catch {
      throw fail(IngestError(.writeFailed, "cannot create the output folder: \(systemErrorText(error))", path: dir))
    }
    do {
      try protected.check(output: summaryPath, what: "summary.csv")
      try protected.check(output: trainingPath, what: "training_load.csv")
      // One batch at a time per folder: two would mix their summaries.
      lock = try OutputFolderLock(folder: dir)
    } catch {
      throw fail(error)
    }
    let names = reportNames(for: files)
    let inputFiles = files
    let inFolder = scanned
    let settings = input.settings
    let quiet = self.quiet
    let (stepsCSVEach, htmlEach) = (self.stepsCSVEach, self.htmlEach)
    let showProgress = isatty(2) == 1 && !quiet
    let total = files.count
    // The one batch runner (GaitPipeline): each input ends analysed (its
    // summary row and the numbers training load needs), skipped or failed.
    let outcomes: [BatchOutcome<(row: String, run: PastRun)>] = runBatch(
      total, jobs: jobs ?? allottedCores(environment: ProcessInfo.processInfo.environment),
      finished: { i, outcome, n in
        let clear = showProgress ? "\r\u{1B}[K" : ""
        switch outcome {
        case .skipped(let why) where !quiet:
          FileHandle.standardError.write(Data("\(clear)gaitline: note: skipped \(sanitizedForTerminal(inputFiles[i])): \(sanitizedForTerminal(why))\n".utf8))
        case .failed:
          FileHandle.standardError.write(Data("\(clear)gaitline: \(sanitizedForTerminal(outcome.failureMessage ?? ""))\n".utf8))
        default: break
        }
        if showProgress {
          let width = 30
          let filled = width * n / total
          let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
          FileHandle.standardError.write(Data("\r[\(bar)] \(n)/\(total)".utf8))
        }
      }
    ) { i in
      let path = inputFiles[i]
      let source: any SampleSource
      do {
        source = try input.open(path)
      } catch where inFolder[i] {
        // The classifier `cohort plan` uses: a note or table found
        // beside the recordings is skipped, not an error.
        guard let why = notARecordingReason(error, path: path, settings: settings) else { throw error }
        return .skipped("not a recording: " + why)
      }
      var result = try GaitPipeline.analyze(source: source, path: path, options: options, policy: scoring, baseline: baselineFor(path))
      try trackOptions.apply(track, to: &result)
      try writeOutput(to: (dir as NSString).appendingPathComponent(names[i] + ".json"), protecting: protected, what: "the report") {
        try writeReport(result, to: $0)
      }
      if stepsCSVEach {
        try writeOutput(to: (dir as NSString).appendingPathComponent(names[i] + ".steps.csv"), protecting: protected, what: "the steps table") {
          try writeStepsCSV(result, to: $0)
        }
      }
      if htmlEach {
        try writeOutput(to: (dir as NSString).appendingPathComponent(names[i] + ".html"), protecting: protected, what: "the HTML report") { try writeHTMLReport(result, to: $0) }
      }
      return .analysed((summaryRow(path: path, report: names[i] + ".json", result: result), PastRun(result)))
    }
    if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
    // Rows in input order; a skipped file has none. Failures are counted
    // from the typed outcomes, never by searching the CSV text (an input
    // may be named `x,failed,y.csv`).
    let results: [(row: String, failed: Bool)] = outcomes.enumerated().compactMap { i, outcome in
      switch outcome {
      case .analysed(let v): return (v.row, false)
      case .skipped: return nil
      case .failed: return (summaryRow(path: inputFiles[i], report: "", error: outcome.failureMessage), true)
      }
    }
    let failed = results.filter(\.failed).count
    let skippedFiles = outcomes.filter { if case .skipped = $0 { return true } else { return false } }.count
    guard !results.isEmpty else {
      lock.release()
      throw fail(IngestError(.fileNotFound, "no recordings among the \(skippedFiles) files found in \(inputs.joined(separator: ", "))"))
    }
    do {
      try writeOutput(summaryHeader + results.map(\.row).joined(), to: summaryPath, protecting: protected, what: "summary.csv")
    } catch {
      throw fail(error)
    }
    // Training load across the runs (and the earlier reports given).
    let history = past + outcomes.compactMap { $0.value?.run }
    let findings = trainingLoadFindings(history, policy: scoring)
    var training = trainingLoadHeader
    for f in findings { training += [csvField(f.id), csvField(f.severity.rawValue), csvField(f.week), csvField(f.message)].joined(separator: ",") + "\n" }
    do {
      try writeOutput(training, to: trainingPath, protecting: protected, what: "training_load.csv")
    } catch {
      throw fail(error)
    }
    lock.release()
    if !quiet {
      let skippedNote = skippedFiles > 0 ? " (\(skippedFiles) other files skipped: not recordings)" : ""
      print("analysed \(results.count - failed) of \(results.count) recordings\(skippedNote); reports, summary.csv and training_load.csv in \(sanitizedForTerminal(dir))")
      if findings.isEmpty {
        print("training load: no findings across \(history.count) run\(history.count == 1 ? "" : "s")")
      } else {
        print("training load across \(history.count) run\(history.count == 1 ? "" : "s"):")
        for f in findings { print("  [\(f.severity.rawValue)] \(f.id) (\(f.week)): \(sanitizedForTerminal(f.message))") }
      }
    }
    if failed > 0 { throw ExitCode(1) }
  }

  /// `--manifest`: one shard (or all) of a planned cohort.
  func runManifest(_ path: String) throws {
    guard inputs.isEmpty else { throw ValidationError("--manifest takes its inputs from the manifest; give no paths") }
    let stray = [input.rate != nil, input.units != "auto", input.gyroUnits != "auto", input.columns != nil,
                 input.streamProtocol != nil, analysis.placement != "auto", analysis.side != nil, analysis.speed != nil,
                 policy != nil, !baseline.isEmpty, json != nil, html != nil, stepsCSV != nil, stepsCSVEach, htmlEach]
    guard !stray.contains(true) else {
      throw ValidationError("with --manifest the options come from the manifest; set them in `gaitline cohort plan` (or its --overrides)")
    }
    guard let outDir else { throw ValidationError("--manifest needs --out-dir") }
    let env = ProcessInfo.processInfo.environment
    do {
      let m = try CohortManifest.load(path: path)
      let chosen = try resolveShard(shard, count: shards, environment: env)
      let indices = chosen.map { m.shard($0.index, of: $0.count) } ?? Array(m.inputs.indices)
      let cores = jobs ?? allottedCores(environment: env)
      guard cores > 0 else { throw ValidationError("--jobs must be at least 1") }
      let label = chosen.map { "shard \($0.index)/\($0.count)" } ?? "all"
      let bytes = indices.reduce(0) { $0 + m.inputs[$1].bytes }
      // Unbuffered: lines reach a Slurm log as they happen, in order.
      @Sendable func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
      if !quiet {
        say("gaitline \(gaitlineVersion): \(label): \(indices.count) of \(m.inputs.count) inputs, \(bytes) bytes, \(cores) at a time")
      }
      let quiet = self.quiet
      let s = try runShard(m, indices: indices, layout: CohortLayout(root: outDir), jobs: cores) { line in
        if !quiet { say(line) }
      }
      if !quiet {
        say(String(format: "%@: analysed %d, skipped %d (current), failed %d, in %.2f s", label, s.analysed, s.skipped, s.failed, s.seconds))
        if s.failed > 0 { say("failures are recorded in \(outDir)/errors; `gaitline cohort status \(outDir)` lists them") }
      }
    } catch let e as any GaitlineError {
      throw fail(e)
    }
  }
}

/// Unique report names: the file's base name (at most 200 bytes, so the
/// name with `.json` fits any file system), with a number when two inputs
/// share one; a number never gives a name another input has (`a`, `a`,
/// `a-2` → `a`, `a-3`, `a-2`). Compared case-insensitively (macOS folders).
/// Numbers go to the inputs in the order of their paths, not of the
/// arguments, so the same inputs given in another order get the same names.
func reportNames(for files: [String]) -> [String] {
  let bases = files.map { shortenedName(((nameInsideGzip($0) as NSString).lastPathComponent as NSString).deletingPathExtension, maxBytes: 200) }
  var taken = Set(bases.map { $0.lowercased() })
  var first = Set<String>()
  var names = bases
  let order = files.indices.sorted { a, b in
    files[a].utf8.elementsEqual(files[b].utf8) ? a < b : files[a].utf8.lexicographicallyPrecedes(files[b].utf8)
  }
  for i in order {
    let base = bases[i]
    if first.insert(base.lowercased()).inserted { continue }
    var n = 2
    while taken.contains("\(base)-\(n)".lowercased()) { n += 1 }
    taken.insert("\(base)-\(n)".lowercased())
    names[i] = "\(base)-\(n)"
  }
  return names
}

func summaryRow(path: String, report: String, result: AnalysisResult? = nil, error: String? = nil) -> String {
  guard let r = result else {
    let empty = Array(repeating: "", count: 6 + metricColumns.count + speedColumnNames.count)
    return ([csvField(path), "failed", csvField(error ?? "")] + empty).joined(separator: ",") + "\n"
  }
  let s = r.summary
  return ([csvField(path), "ok", "", csvField(report), r.placement.rawValue,
           tableCell(r.ingest.sampleRateHz, digits: 3, jsonDigits: 4), tableCell(r.ingest.durationS, digits: 2, jsonDigits: 3),
           String(s.steps), String(s.runningSteps)] + metricColumns.map { tableCell($0.value(s), digits: $0.digits) }
          + speedColumnCells(r)).joined(separator: ",") + "\n"
}
