//===--- Evaluate.swift ---------------------------------------------------===//
import ArgumentParser
import Foundation
import GaitCore
import GaitDSP
import GaitIngest
import GaitPipeline
import GaitReport
import GaitScoring

struct Evaluate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Compare detected steps with a lab reference (force plate, insoles, motion capture).",
    discussion: """
      --truth is a CSV with ic_time_s (and optionally tc_time_s) in seconds from the recording's \
      first sample. Prints initial-contact recall and precision within the tolerance, bias and \
      limits of agreement of contact time, and cadence error. With --strides the reference rows \
      are stride boundaries of the sensor's foot and stride time is compared.
      """)

  @Argument(help: "The recording.")
  var recording: String?

  @Option(help: "Reference CSV.")
  var truth: String?

  @Option(name: .customLong("force-column"),
          help: "A vertical ground-reaction-force column of the recording's CSV, in body weights: compares vertical oscillation with the centre of mass's, from double integration of F/m − g over each reference step.")
  var forceColumn: String?

  @Option(help: "Evaluate every row of this plan (CSV: dataset,recording,truth,truth_where,force_column,mode,standing,tolerance_ms[,lean_deg]) and pool the rows of each data set; see scripts/validate.sh.")
  var plan: String?

  @Option(help: "With --plan: write the pooled results as markdown here (docs/VALIDATION.md).")
  var markdown: String?

  @Option(name: .customLong("truth-where"), help: "Use only reference rows where COLUMN=VALUE (repeatable).")
  var truthWhere: [String] = []

  @Option(name: .customLong("tolerance-ms"), help: "Largest IC difference that counts as a match, ms.")
  var toleranceMs: Double = 40

  @Flag(help: "The reference lists stride boundaries of one foot.")
  var strides = false

  @Flag(help: "Print JSON.")
  var json = false

  @OptionGroup var input: InputOptions
  @OptionGroup var analysis: AnalysisArguments
  @OptionGroup var output: OutputOptions

  func validate() throws {
    if plan == nil && (recording == nil || truth == nil) {
      throw ValidationError("give a recording and --truth, or --plan")
    }
  }

  func run() throws {
    if let plan { return try runPlan(plan) }
    guard let recording, let truth else { throw ValidationError("give a recording and --truth, or --plan") }
    do {
      var conditions: [String: String] = [:]
      for w in truthWhere {
        let kv = w.split(separator: "=", maxSplits: 1).map(String.init)
        guard kv.count == 2 else { throw ValidationError("--truth-where takes COLUMN=VALUE, not '\(w)'") }
        conditions[kv[0]] = kv[1]
      }
      // Read once; the selected columns are checked (loadTruth) before the
      // rows are asked whether they span several recordings.
      let table = try CSVTable(path: truth)
      var reference = try loadTruth(table, path: truth, where: conditions)
      if let several = truthSpansSeveralRecordings(table, where: conditions) {
        let shown = several.values.prefix(3).joined(separator: ", ") + (several.values.count > 3 ? ", …" : "")
        throw IngestError(.invalidArgument,
          "the reference rows belong to \(several.values.count) recordings (column '\(several.column)': \(shown)); "
            + "choose this recording's rows with --truth-where \(several.column)=VALUE (repeatable)", path: truth)
      }
      guard !reference.isEmpty else {
        throw IngestError(.emptyFile, "no reference rows (check --truth-where)", path: truth)
      }
      silenceStandardOutputIfQuiet()
      let source = try input.open(recording)
      let result = try GaitPipeline.analyze(source: source, path: recording, options: try analysis.analysisOptions())
      describeInput(recording, result.ingest, result.info)
      if strides {
        guard let s = evaluateStrides(steps: result.steps, strideStartsS: reference.map(\.icS),
                                          strideEndsS: reference.allSatisfy { $0.tcS != nil } ? reference.map { $0.tcS! } : nil) else {
          throw IngestError(.malformedRecord, "too few strides to compare", path: recording)
        }
        if json {
          print(JSONValue.object([("reference_stride_s", .num(s.referenceStrideS, 4)), ("detected_stride_s", .num(s.detectedStrideS, 4)),
                                  ("stride_error_pct", .num(s.errorPct, 3)), ("strides_matched", .number(Double(s.matched))), ("strides_total", .number(Double(s.total))), ("reference_cadence_spm", .num(120 / s.referenceStrideS, 2)),
                                  ("detected_cadence_spm", .num(120 / s.detectedStrideS, 2))]).serialized())
        } else {
          print(String(format: "strides matched: %d of %d", s.matched, s.total))
          print(String(format: "mean stride:   reference %.4f s, gaitline %.4f s, error %+.2f %%", s.referenceStrideS, s.detectedStrideS, s.errorPct))
          print(String(format: "cadence:       reference %.1f spm, gaitline %.1f spm", 120 / s.referenceStrideS, 120 / s.detectedStrideS))
        }
        return
      }
      if let forceColumn {
        let force = try loadForce(path: recording, column: forceColumn)
        reference = forceVerticalOscillation(timeS: force.timeS, forceBW: force.force, contacts: reference)
      }
      var e = GaitReport.evaluate(steps: result.steps, truth: reference, toleranceS: toleranceMs / 1000)
      // A foot or shank sensor and its reference list one leg's contacts:
      // their rate is the stride rate, and cadence (both feet) twice it.
      let oneLeg = result.placement != .hip
      if oneLeg {
        e.cadenceReferenceSpm = e.cadenceReferenceSpm.map { 2 * $0 }
        e.cadenceDetectedSpm = e.cadenceDetectedSpm.map { 2 * $0 }
      }
      let vo = Agreement(verticalOscillationDifferences(e, truth: reference))
      if json {
        print(JSONValue.object([
          ("tolerance_ms", .num(e.toleranceMs, 1)), ("reference_contacts", .number(Double(e.truthContacts))),
          ("detections", .number(Double(e.detections))), ("matched", .number(Double(e.matched))),
          ("recall", .num(e.recall, 4)), ("precision", .num(e.precision, 4)),
          ("ic_bias_ms", .num(e.icBiasMs, 2)), ("ic_sd_ms", .num(e.icSdMs, 2)),
          ("contact_pairs", .number(Double(e.contactPairs))),
          ("contact_bias_ms", .num(e.contactBiasMs, 2)), ("contact_sd_ms", .num(e.contactSdMs, 2)),
          ("contact_rmse_ms", .num(e.contactRmseMs, 2)),
          ("contact_loa_ms", e.limitsOfAgreementMs.map { .array([.num($0.0, 1), .num($0.1, 1)]) } ?? .null),
          ("cadence_reference_spm", .num(e.cadenceReferenceSpm, 2)), ("cadence_detected_spm", .num(e.cadenceDetectedSpm, 2)),
          ("cadence_error_pct", .num(e.cadenceErrorPct, 3)),
          ("vo_pairs", .number(Double(vo?.n ?? 0))), ("vo_bias_cm", .num(vo?.bias, 3)), ("vo_sd_cm", .num(vo?.sd, 3)),
          ("vo_rmse_cm", .num(vo?.rmse, 3)),
          ("vo_loa_cm", vo.map { .array([.num($0.lowerLimit, 3), .num($0.upperLimit, 3)]) } ?? .null),
          ("cadence_basis", .string(oneLeg ? "2 x stride rate of the sensor leg" : "contacts of both feet")),
        ]).serialized())
        return
      }
      print(String(format: "initial contacts: %d reference, %d detected in span, %d matched within %.0f ms", e.truthContacts, e.detections, e.matched, e.toleranceMs))
      print(String(format: "recall %.3f, precision %.3f", e.recall, e.precision))
      if let b = e.icBiasMs, let s = e.icSdMs { print(String(format: "IC timing: bias %+.1f ms, SD %.1f ms", b, s)) }
      if let b = e.contactBiasMs, let r = e.contactRmseMs, let loa = e.limitsOfAgreementMs {
        print(String(format: "contact time (%d pairs): bias %+.1f ms, RMSE %.1f ms, limits of agreement %+.1f to %+.1f ms", e.contactPairs, b, r, loa.0, loa.1))
      }
      if let r = e.cadenceReferenceSpm, let d = e.cadenceDetectedSpm, let p = e.cadenceErrorPct {
        print(String(format: "cadence: reference %.1f spm, gaitline %.1f spm, error %+.2f %%%@", r, d, p,
                     oneLeg ? " (2 × stride rate of the sensor leg)" : ""))
      }
      if let vo {
        print(String(format: "vertical oscillation (%d steps): bias %+.2f cm, SD %.2f cm, RMSE %.2f cm, limits of agreement %+.2f to %+.2f cm",
                     vo.n, vo.bias, vo.sd, vo.rmse, vo.lowerLimit, vo.upperLimit))
      }
    } catch let e as ValidationError {
      throw e
    } catch {
      throw fail(error)
    }
  }
}

extension Evaluate {
  /// Runs every row of a validation plan and pools the rows of each data
  /// set (scripts/validate.sh writes docs/VALIDATION.md with it).
  ///
  /// Plan columns: `dataset` (rows with the same name are pooled; a shank
  /// data set is just more rows), `recording`, `truth`, `truth_where`
  /// (`COLUMN=VALUE;…`), `force_column` (body weights, optional), `mode`
  /// (`contacts` or `strides`), `standing` (`START-END;…` seconds in which
  /// nobody moves, optional), `tolerance_ms` (IC match tolerance, default
  /// --tolerance-ms), `lean_deg` (the true trunk lean, optional: compared
  /// with the recording's median lean).
  func runPlan(_ path: String) throws {
    do {
      let table = try CSVTable(path: path)
      func col(_ name: String) throws -> Int {
        guard let c = table.column([name]) else {
          throw IngestError(.noHeader, "the plan needs a \(name) column", path: path, line: 1)
        }
        return c
      }
      let (cd, cr, ct) = (try col("dataset"), try col("recording"), try col("truth"))
      // The plan and every recording and reference it names: the markdown
      // never replaces one (checked before the rows are evaluated, and
      // again when it is written).
      let inputs = ProtectedPaths(inputs: [path] + table.rows.flatMap { [$0[cr], $0[ct]] })
      if let markdown { try inputs.check(output: markdown, what: "the --markdown table") }
      let cw = table.column(["truth_where"]), cf = table.column(["force_column"]), cm = table.column(["mode"])
      let cs = table.column(["standing"]), ctol = table.column(["tolerance_ms"])
      let clean = table.column(["lean_deg"])
      var sets: [ValidationSet] = []
      let options = try analysis.analysisOptions()
      for row in table.rows {
        let name = row[cd]
        if !sets.contains(where: { $0.name == name }) { sets.append(ValidationSet(name: name)) }
        let k = sets.firstIndex { $0.name == name }!
        var conditions: [String: String] = [:]
        for w in (cw.map { row[$0] } ?? "").split(separator: ";") {
          let kv = w.split(separator: "=", maxSplits: 1).map(String.init)
          if kv.count == 2 { conditions[kv[0]] = kv[1] }
        }
        let result = try GaitPipeline.analyze(source: try input.open(row[cr]), path: row[cr], options: options)
        sets[k].runningFlags += result.flags.filter { Scorer.runningFormFlagIds.contains($0.id) }.count
        for span in (cs.map { row[$0] } ?? "").split(separator: ";") {
          let ab = span.split(separator: "-").compactMap { Double($0) }
          guard ab.count == 2 else { continue }
          // A run that stops lands at the span's start (one contact, timed a
          // sample or two early); anything later than 0.1 s in is a phantom.
          sets[k].stepsWhileStanding += result.steps.filter { $0.icS > ab[0] + 0.1 && $0.icS < ab[1] }.count
        }
        if let trueLean = clean.flatMap({ Double(row[$0]) }), let lean = result.summary.trunkLeanDeg?.median {
          sets[k].leanErrorsDeg.append(lean - trueLean)
        }
        var reference = try loadTruth(path: row[ct], where: conditions)
        guard !reference.isEmpty else {
          // No reference contacts (standing only, or a recording the
          // reference skips): flags and standing steps still count.
          sets[k].recordings += 1
          continue
        }
        if (cm.map { row[$0] } ?? "contacts") == "strides" {
          if let s = evaluateStrides(steps: result.steps, strideStartsS: reference.map(\.icS),
                                     strideEndsS: reference.allSatisfy { $0.tcS != nil } ? reference.map { $0.tcS! } : nil) {
            sets[k].recordings += 1
            sets[k].strideErrorsPct.append(s.errorPct)
          }
          continue
        }
        if let c = cf.map({ row[$0] }), !c.isEmpty {
          let force = try loadForce(path: row[cr], column: c)
          reference = forceVerticalOscillation(timeS: force.timeS, forceBW: force.force, contacts: reference)
        }
        let tolerance = ctol.flatMap { Double(row[$0]) } ?? toleranceMs
        let e = GaitReport.evaluate(steps: result.steps, truth: reference, toleranceS: tolerance / 1000)
        sets[k].add(e, truth: reference)
      }
      let md = validationMarkdown(sets, command: "gaitline evaluate --plan \(path)")
      if let markdown { try writeOutput(md, to: markdown, protecting: inputs, what: "the --markdown table") } else { print(md, terminator: "") }
    } catch let e as ValidationError {
      throw e
    } catch {
      throw fail(error)
    }
  }
}
