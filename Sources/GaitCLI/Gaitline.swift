//===--- Gaitline.swift ---------------------------------------------------===//
// The `gaitline` command.
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import GaitCohort
import GaitCore
import GaitDSP
import GaitIngest
import GaitPipeline
import GaitReport
import GaitStream

// Every command names itself (`commandName:`): deriving the name from the
// type (`String(describing:)`) scans the runtime's protocol conformances,
// ~1.3 M instructions per command at every start.
@main
struct Gaitline: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gaitline",
    abstract: "Running-form metrics and evidence-based flags from a wearable accelerometer.",
    discussion: """
      Exit status: 0 success; 1 some inputs of a batch failed; 64 bad option; \
      65 bad input data; 66 missing or unreadable input; 69 the scheduler (sbatch) is missing or \
      refused the job; 74 cannot write output.
      """,
    version: gaitlineVersion,
    subcommands: [Inspect.self, Analyze.self, Convert.self, Evaluate.self, Compare.self, Trend.self, Stream.self, Simulate.self, Cohort.self]
  )

  /// `gaitline analyze …` is parsed by ArgumentParser as `analyze …` with
  /// `Analyze` as the root; anything else, and any `analyze` command line
  /// that this parse does not turn into an `Analyze` (an error, help, or a
  /// built-in request such as `--version` or `--generate-completion-script`),
  /// goes through the library's `main()` from the start, as before.
  ///
  /// Why: the root parse builds `Analyze`'s argument set (reflection over
  /// every property and option group) twice more than parsing `Analyze`
  /// alone, only to learn that `analyze` takes no pass-through arguments
  /// (`LenientParser.parse` asks `includesPassthroughArguments` of a
  /// subcommand named on the command line, twice), ~8 M of the parser's
  /// 25 M instructions per run.
  ///
  /// Why it is the same: the root `gaitline` has no arguments of its own, no
  /// default subcommand and `Analyze` has no subcommands, so a successful
  /// root parse of `analyze ARGS` is the root's (empty) parse followed by
  /// `Analyze`'s parse of ARGS, which is what `Analyze.parseAsRoot(ARGS)`
  /// does, with the same completion-script check first. The root alone
  /// adds built-in flags (`--version`, the `help` subcommand); with those in
  /// ARGS the `Analyze`-rooted parse fails or returns help, never an
  /// `Analyze`, and the full parse runs. Errors thrown by `run()` go to the
  /// same `exit(withError:)` of this root type as in `main()`.
  /// AnalyzeFastPathTests compares the two parses.
  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "analyze", let command = parsedAnalyze(Array(arguments.dropFirst())) {
      do {
        try command.run()
      } catch {
        exit(withError: error)
      }
      return
    }
    main(nil)
  }

  /// `Analyze` parsed from the arguments after `analyze`, or nil when that
  /// parse throws or gives anything else (help); nil means "use main()".
  static func parsedAnalyze(_ arguments: [String]) -> Analyze? {
    (try? Analyze.parseAsRoot(arguments)) as? Analyze
  }
}

/// Options for reading inputs, shared by every command.
struct InputOptions: ParsableArguments {
  @Option(help: "Sample rate in Hz; timestamps are then not used for timing.")
  var rate: Double?

  @Option(help: "Acceleration unit: g, m/s2, mg or auto.")
  var units: String = "auto"

  @Option(name: .customLong("gyro-units"), help: "Gyroscope unit: rad/s, deg/s or auto.")
  var gyroUnits: String = "auto"

  @Option(help: "Column mapping, e.g. time=ts,ax=AccX,ay=AccY,az=AccZ (names or 1-based numbers; v,ap,ml for body frame).")
  var columns: String?

  @Option(name: .customLong("protocol"), help: "Read the input as a captured serial stream: text, glb or witmotion (e.g. a `stream --record` .raw file).")
  var streamProtocol: StreamProtocol?

  /// These options as values (shared with cohort manifests).
  var settings: InputSettings {
    InputSettings(rateHz: rate, units: units.lowercased() == "auto" ? nil : units,
                  gyroUnits: gyroUnits.lowercased() == "auto" ? nil : gyroUnits, columns: columns,
                  streamProtocol: streamProtocol?.rawValue)
  }

  /// Opens `path` as a recording, or as a captured stream with --protocol.
  func open(_ path: String) throws -> any SampleSource {
    try settings.open(path)
  }

  func csvOptions() throws -> CSVOptions {
    do { return try settings.csvOptions() } catch let e as any GaitlineError { throw ValidationError(e.message) }
  }
}

/// Options of the analysis.
struct AnalysisArguments: ParsableArguments {
  @Option(help: "Sensor placement: hip (sacrum, lower back, waist), foot (shoe, ankle), shank (tibia, lower-leg) or auto.")
  var placement: String = "auto"

  @Option(help: "Body side of a foot sensor: left or right.")
  var side: Side?

  @Option(help: "Running speed in m/s, for the vertical ratio.")
  var speed: Double?

  @Option(name: .customLong("shank-ic"),
          help: "Shank (accelerometer) initial-contact method: onset (default), purcell (Purcell 2006's event minus Kiernan 2023's published 17.4 ms), purcell-tc (also Purcell's toe-off minus 3.5 ms), sinclair, mercer, aubol or departure (comparison).")
  var shankIC: String = ShankInitialContactMethod.impactOnset.rawValue

  var settings: InputSettings {
    InputSettings(placement: placement.lowercased() == "auto" ? nil : placement, side: side?.rawValue, speedMps: speed)
  }

  func analysisOptions() throws -> AnalysisOptions {
    guard let method = ShankInitialContactMethod(rawValue: shankIC.lowercased()) else {
      let names = ShankInitialContactMethod.allCases.map(\.rawValue).joined(separator: ", ")
      throw ValidationError("--shank-ic takes one of \(names), not '\(shankIC)'")
    }
    do {
      var options = try settings.analysisOptions()
      options.shankInitialContact = method
      return options
    } catch let e as any GaitlineError { throw ValidationError(e.message) }
  }
}

extension Side: ExpressibleByArgument {}
extension StreamProtocol: ExpressibleByArgument {}

/// Prints an error the way compilers do and exits with its status: the one
/// place where each module's error type meets a sysexits status.
func fail(_ error: any Error) -> ExitCode {
  // IngestError, ReportError, PipelineError, StreamError: each code's own status.
  if let e = error as? any GaitlineError {
    FileHandle.standardError.write(Data("gaitline: \(sanitizedForTerminal(e.description))\n".utf8))
    return ExitCode(e.exitStatus)
  }
  if let e = error as? SchedulerError {
    FileHandle.standardError.write(Data("gaitline: \(sanitizedForTerminal(e.description))\n".utf8))
    return ExitCode(69)  // EX_UNAVAILABLE: the options were fine, the service was not
  }
  // Foundation's errors print as "DOMAIN error N": say what the system said.
  let ns = error as NSError
  let text = ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain ? systemErrorText(error) : "\(error)"
  FileHandle.standardError.write(Data("gaitline: error: \(sanitizedForTerminal(text))\n".utf8))
  return ExitCode(65)
}

/// Writes an output ('-': standard output) atomically, refusing an input of
/// the run (`protecting`) or a path that is not a regular file (exit 64).
func writeOutput(_ text: String, to path: String, protecting: ProtectedPaths, what: String = "the output") throws {
  if path == "-" {
    FileHandle.standardOutput.write(Data(text.utf8))
    return
  }
  // Written from the string's own UTF-8 storage (no copy: a day-long
  // report is ~100 MB), to a temporary file renamed over the target.
  try atomicWrite(text, to: path, protecting: protecting, what: what)
}

/// Streams an output that `write` produces piece by piece (a report: its
/// steps are never one string) into an ``AtomicOutputFile``, or to standard
/// output for '-'.
func writeOutput(to path: String, protecting: ProtectedPaths, what: String = "the output",
                 _ write: (ByteSink) throws -> Void) throws {
  if path == "-" {
    try write { FileHandle.standardOutput.write(Data($0)) }
    return
  }
  let file = try AtomicOutputFile(path: path, protecting: protecting, what: what)
  try write { try file.write($0) }
  try file.commit()
}

/// Throws `invalidArgument` (exit status 64) when two of a run's outputs
/// would land in one place, the later replacing the earlier without a word:
/// both '-' (standard output, where they would run together), or one folder
/// entry under two spellings (`r.json` and `./r.json`, or a path through a
/// symlinked folder). A symlink or a second hard link as an output is its own
/// entry: the atomic rename replaces that entry, not the file it shares, so
/// it does not collide. `nil` paths are outputs not asked for.
func checkDistinctOutputs(_ outputs: [(path: String?, what: String)]) throws {
  let given = outputs.compactMap { o in o.path.map { (path: $0, what: o.what) } }
  for j in given.indices {
    for i in given.indices where i < j {
      let (a, b) = (given[i], given[j])
      if a.path == "-" && b.path == "-" {
        throw IngestError(.invalidArgument, "\(a.what) and \(b.what) would both go to standard output ('-'); send at most one there and give the other a file name")
      }
      if a.path != "-" && b.path != "-" && (folderEntry(a.path) ?? a.path) == (folderEntry(b.path) ?? b.path) {
        throw IngestError(.invalidArgument, "\(b.what) would replace \(a.what): both name this file; give each output its own path", path: b.path)
      }
    }
  }
}
