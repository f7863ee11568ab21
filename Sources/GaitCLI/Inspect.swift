//===--- Inspect.swift ----------------------------------------------------===//
import ArgumentParser
import Foundation
import GaitCore
import GaitIngest
import GaitReport

struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Show how a recording is read: format, columns, units, rate, duration, gaps, clipping.")

  @Argument(help: ArgumentHelp("A recording: a .csv/.tsv/.txt text export (also gzip-compressed, .csv.gz), .glb, Axivity .cwa, ActiGraph .gt3x, or a captured serial stream with --protocol.",
    discussion: "Text exports: comma, semicolon or tab delimited, with or without a preamble (for example Xsens MT Manager and ActiLife RAW exports). FIT activities hold no raw samples: see `gaitline compare`."))
  var file: String

  @OptionGroup var input: InputOptions

  @Flag(help: "Print JSON instead of text.")
  var json = false

  @OptionGroup var output: OutputOptions

  func run() throws {
    silenceStandardOutputIfQuiet()
    let started = ContinuousClock.now
    do {
      let source = try input.open(file)
      while try source.nextBlock() != nil {}
      let elapsed = started.duration(to: .now)
      describeInput(file, source.report, source.info, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
      let r = source.report
      let info = source.info
      guard r.samples > 0 else {
        // Nothing readable: an error (as `analyze` says), with what was skipped.
        var why = "the input has no samples"
        if r.skippedBlocks > 0 { why += "; \(r.skippedBlocks) damaged block(s) or sector(s) were skipped, the first at byte \(r.skippedBlockOffsets.first ?? 0)" }
        for w in r.warnings where !w.contains("the rest was recovered") { why += "; \(w)" }
        throw IngestError(.emptyFile, why, path: file)
      }
      if json {
        let value: JSONValue = .object([
          ("path", .string(file)), ("format", .string(r.format)),
          ("columns", .object(r.columns.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
          ("frame", .string(info.frame.rawValue)),
          ("units_detected", .string(r.unitsDetected)), ("units_source", .string(r.unitsSource)),
          ("gyro_units", .str(r.gyroUnits)), ("timestamp_unit", .string(r.timestampUnit)),
          ("sample_rate_hz", .num(r.sampleRateHz, 4)), ("measured_rate_hz", .num(r.measuredRateHz, 4)),
          ("nominal_rate_hz", .num(r.nominalRateHz, 4)), ("rate_source", .string(r.rateSource ?? "file header")), ("records", .number(Double(r.records))),
          ("samples", .number(Double(r.samples))), ("duration_s", .num(r.durationS, 3)),
          ("gaps", .array(r.gaps.map { .object([("start_s", .num($0.startS, 3)), ("duration_s", .num($0.durationS, 3)), ("missing_samples", .number(Double($0.missingSamples)))]) })),
          ("clipped_samples", .number(Double(r.clippedSamples))),
          ("skipped_blocks", .number(Double(r.skippedBlocks))),
          ("warnings", .array(r.warnings.map(JSONValue.string))),
        ])
        print(value.serialized())
        return
      }
      // Cells, column names and metadata come from the file: shown, not obeyed.
      func out(_ line: String) { print(sanitizedForTerminal(line)) }
      out("file:            \(file)")
      out("format:          \(r.format)")
      out("columns:         \(r.columns.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))")
      out("frame:           \(info.frame.rawValue)\(info.hasMediolateral ? "" : " (vertical + anteroposterior only)")")
      out("units:           \(r.unitsDetected) (from \(r.unitsSource))\(r.gyroUnits.map { ", gyroscope \($0)" } ?? "")")
      out("timestamps:      \(r.timestampUnit)")
      out(String(format: "sample rate:     %.4f Hz on the grid", r.sampleRateHz)
            + (r.measuredRateHz.map { String(format: ", measured %.4f Hz", $0) } ?? "")
            + (r.nominalRateHz.map { String(format: ", nominal %g Hz", $0) } ?? ""))
      out("rate from:       \(r.rateSource ?? "the file's header")")
      out(String(format: "duration:        %.3f s, %d samples from %d records", r.durationS, r.samples, r.records))
      out("gaps:            \(gapSummary(r.gaps))")
      out("clipped samples: \(r.clippedSamples)")
      if r.skippedBlocks > 0 { out("skipped blocks:  \(r.skippedBlocks) at byte offsets \(r.skippedBlockOffsets.map(String.init).joined(separator: ", "))" + (r.skippedBlockOffsets.count < r.skippedBlocks ? " (the first \(r.skippedBlockOffsets.count))" : "")) }
      for w in r.warnings { out("warning:         \(w)") }
    } catch let e as ValidationError {
      throw e
    } catch {
      throw fail(error)
    }
  }
}
