//===--- Stream.swift -----------------------------------------------------===//
import ArgumentParser
import Foundation
import GaitCohort
import GaitCore
import GaitDSP
import GaitIngest
import GaitPipeline
import GaitReport
import GaitScoring
import GaitStream

struct Stream: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stream",
    abstract: "Analyse a sensor live from a serial port (USB serial, /dev/ttyUSB0, /dev/ttyACM0).",
    discussion: """
      The live path runs the same analysis as `analyze`. --record PATH.raw keeps every byte received \
      (and PATH.glb the decoded samples); `gaitline analyze PATH.raw --protocol P --rate HZ` replays it \
      to the same steps. Ctrl-C, the end of the stream or --duration finishes cleanly and writes the \
      final report. Try it without hardware: `gaitline simulate --serial` in another terminal.
      """)

  @Argument(help: "The serial device (or a pseudo-terminal from `gaitline simulate --serial`).")
  var device: String

  @Option(help: "Baud rate (ignored by USB-CDC devices and pseudo-terminals).")
  var baud: Int = 115_200

  @Option(name: .customLong("protocol"), help: "text (one sample per line), glb (gaitline frames) or witmotion (0x55 packets).")
  var streamProtocol: StreamProtocol = .text

  @Option(help: "Sample rate of the sensor, Hz (needed for text and witmotion, which carry no timestamps).")
  var rate: Double?

  @Option(help: "Acceleration unit of text lines: g, m/s2, mg or auto.")
  var units: String = "auto"

  @Option(help: "Columns of text lines, 1-based: ax=1,ay=2,az=3[,gx=4,…].")
  var columns: String?

  @OptionGroup var analysis: AnalysisArguments

  @Option(help: "Record every raw byte to this file (and the decoded samples to the same name with .glb).")
  var record: String?

  @Flag(help: "Replace an existing --record file (and its .glb). Without it, an existing file is an error.")
  var force = false

  @Flag(name: .customLong("json-lines"), help: "Print one JSON object per step and per second on stdout.")
  var jsonLines = false

  @Option(help: "Write the final JSON report here.")
  var json: String?

  @Option(help: "Write the final HTML report here.")
  var html: String?

  @Option(help: "A JSON scoring policy (see docs/POLICY.md).")
  var policy: String?

  @Flag(help: "After a hang-up, wait for the device to come back instead of finishing.")
  var reconnect = false

  @Option(help: "Stop after this many seconds.")
  var duration: Double?

  @OptionGroup var output: OutputOptions

  func run() throws {
    // The same option parsing as `analyze` (InputSettings).
    let parsed: CSVOptions
    do {
      parsed = try InputSettings(units: units.lowercased() == "auto" ? nil : units, columns: columns).csvOptions()
    } catch let e as any GaitlineError {
      throw ValidationError(e.message)
    }
    let columnMap = parsed.columns
    let unit = parsed.units
    let options = try analysis.analysisOptions()
    let proto = streamProtocol
    let rateHz = rate
    do {
      let scoring = try policy.map { try loadPolicy(path: $0) } ?? .populationDefaults
      _ = try proto.makeDecoder(rateHz: rateHz, units: unit, gyroUnits: nil, columns: columnMap)
      StreamControl.installSignalHandlers()
      // The reports may replace neither an input nor the records.
      let inputs = ProtectedPaths(inputs: [device] + (policy.map { [$0] } ?? []))
      var outputs = inputs
      if let record { outputs.add(record); outputs.add((record as NSString).deletingPathExtension + ".glb") }
      if let json, json != "-" { try outputs.check(output: json, what: "the --json report") }
      if let html, html != "-" { try outputs.check(output: html, what: "the --html report") }
      try checkDistinctOutputs([(json, "the --json report"), (html, "the --html report")])
      let source = try SerialSource(
        path: device, baud: baud,
        makeDecoder: { try proto.makeDecoder(rateHz: rateHz, units: unit, gyroUnits: nil, columns: columnMap) },
        recordPath: record, reconnect: reconnect, durationS: duration, force: force, protecting: inputs)
      let interactive = isatty(1) == 1 && !jsonLines
      let quiet = output.quiet
      source.onEvent = { message in
        guard !quiet else { return }
        FileHandle.standardError.write(Data("\(interactive ? "\r\u{1B}[K" : "")gaitline: \(message)\n".utf8))
      }
      var live = LiveView(jsonLines: jsonLines, interactive: interactive, quiet: quiet)
      note("reading \(device) (\(proto.rawValue)); Ctrl-C to finish")
      var provisional: ProvisionalSteps?
      // One input's outcome, as each input of a batch ends (GaitPipeline).
      let outcome = BatchOutcome {
        .analysed(try GaitPipeline.analyze(
          source: source, path: device, options: options, policy: scoring,
          onBlock: { block in
            if provisional == nil { provisional = ProvisionalSteps(info: source.info, options: options) }
            provisional!.add(block) { step, now in live.provisional(step, at: now, source: source) }
          },
          onStep: { step in live.step(step, source: source) }))
      }
      guard let result = outcome.value else { throw outcome.error! }
      live.close()
      if jsonLines {
        writeLine(JSONValue.object([
          ("type", .string("end")), ("reason", .string(source.end?.rawValue ?? "end-of-stream")),
          ("bytes", .number(Double(source.bytesReceived))), ("steps", .number(Double(result.steps.count))),
          ("discarded_bytes", .number(Double(source.counters.discardedBytes))),
          ("bad_frames", .number(Double(source.counters.badFrames))),
        ]).serialized(pretty: false))
      } else if !quiet {
        FileHandle.standardOutput.write(Data(textSummary(result).utf8))
      }
      describeInput(device, result.ingest, result.info)
      if let json { try writeOutput(to: json, protecting: outputs, what: "the --json report") { try writeReport(result, to: $0) } }
      if let html { try writeOutput(to: html, protecting: outputs, what: "the --html report") { try writeHTMLReport(result, to: $0) } }
      if source.recordIncomplete {
        // The report is written; the exit status says the record is not whole.
        FileHandle.standardError.write(Data("gaitline: the record is incomplete (see the report's warnings); exit status 74\n".utf8))
        throw ExitCode(74)
      }
    } catch let e as ValidationError {
      throw e
    } catch let e as ExitCode {
      throw e
    } catch {
      throw fail(error)
    }
  }
}

/// The live output: a JSON line per step, or a compact status line a person
/// can watch (cadence, contact, oscillation, lean) refreshed in place.
struct LiveView {
  let jsonLines: Bool
  let interactive: Bool
  /// --quiet: no status line (JSON lines, when asked for, still flow).
  var quiet = false
  var recent: [Step] = []
  var lastStatus = ContinuousClock.now

  init(jsonLines: Bool, interactive: Bool, quiet: Bool = false) {
    self.jsonLines = jsonLines
    self.interactive = interactive
    self.quiet = quiet
  }

  /// A final step (exactly as `analyze` will report it).
  mutating func step(_ s: Step, source: SerialSource) {
    guard jsonLines else { return }
    var obj: [(String, JSONValue)] = [("type", .string("step"))]
    if case .object(let pairs) = stepJSON(s) { obj += pairs }
    writeLine(JSONValue.object(obj).serialized(pretty: false))
  }

  /// Refreshes the status (a line a person watches, or a JSON status
  /// object) from the latest provisional steps, at most once a second.
  mutating func status(_ s: Step, source: SerialSource) {
    recent.append(s)
    if recent.count > 20 { recent.removeFirst(recent.count - 20) }
    guard !(quiet && !jsonLines), ContinuousClock.now - lastStatus >= .seconds(1) else { return }
    lastStatus = .now
    func median(_ x: [Double]) -> Double? { Statistics.median(x) }
    // Cadence from step times, else from the intervals between the recent
    // contacts (a step held past its hold time carries no step time).
    let intervals = zip(recent.dropFirst(), recent).map { ($0.icS - $1.icS) * 1000 }.filter { $0 > 150 && $0 < 1500 }
    let cadence = median(recent.compactMap { $0.stepTimeMs.map { 60_000 / $0 } })
      ?? median(intervals.map { 60_000 / $0 })
    let contact = median(recent.compactMap(\.groundContactMs))
    let vo = median(recent.compactMap(\.verticalOscillationCm))
    if jsonLines {
      writeLine(JSONValue.object([
        ("type", .string("status")), ("t_s", .num(s.icS, 2)), ("cadence_spm", .num(cadence, 1)),
        ("ground_contact_ms", .num(contact, 1)), ("vertical_oscillation_cm", .num(vo, 2)),
        ("bytes", .number(Double(source.bytesReceived))), ("discarded_bytes", .number(Double(source.counters.discardedBytes))),
      ]).serialized(pretty: false))
    } else {
      func f(_ v: Double?, _ fmt: String) -> String { v.map { String(format: fmt, $0) } ?? "–" }
      let line = "t \(String(format: "%6.1f", s.icS)) s | cadence \(f(cadence, "%3.0f")) spm | contact \(f(contact, "%3.0f")) ms | oscillation \(f(vo, "%4.1f")) cm | \(s.running ? "running" : "walking")"
      if interactive {
        FileHandle.standardOutput.write(Data("\r\u{1B}[K\(line)".utf8))
      } else {
        writeLine(line)
      }
    }
  }

  /// A provisional step (low latency; the final one follows later).
  mutating func provisional(_ s: Step, at now: Double, source: SerialSource) {
    if jsonLines {
      var obj: [(String, JSONValue)] = [("type", .string("step_provisional")), ("found_at_s", .num(now, 3))]
      if case .object(let pairs) = stepJSON(s) { obj += pairs }
      writeLine(JSONValue.object(obj).serialized(pretty: false))
    }
    status(s, source: source)
  }

  func close() {
    if interactive && !quiet { FileHandle.standardOutput.write(Data("\n".utf8)) }
  }
}

/// Writes a line to standard output unbuffered, so a pipe sees it at once.
func writeLine(_ s: String) {
  FileHandle.standardOutput.write(Data((s + "\n").utf8))
}
