//===--- Evaluate.swift ---------------------------------------------------===//
import ArgumentParser
import Foundation
import GaitCore
import GaitDSP
import GaitIngest
import GaitReport

struct Evaluate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare detected steps with a lab reference (force plate, insoles, motion capture).",
    discussion: """
      --truth is a CSV with ic_time_s (and optionally tc_time_s) in seconds from the recording's \
      first sample. Prints initial-contact recall and precision within the tolerance, bias and \
      limits of agreement of contact time, and cadence error. With --strides the reference rows \
      are stride boundaries of the sensor's foot and stride time is compared.
      """)

  @Argument(help: "The recording.")
  var recording: String

  @Option(help: "Reference CSV.")
  var truth: String

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

  func run() throws {
    do {
      var conditions: [String: String] = [:]
      for w in truthWhere {
        let kv = w.split(separator: "=", maxSplits: 1).map(String.init)
        guard kv.count == 2 else { throw ValidationError("--truth-where takes COLUMN=VALUE, not '\(w)'") }
        conditions[kv[0]] = kv[1]
      }
      let reference = try loadTruth(path: truth, where: conditions)
      guard !reference.isEmpty else {
        throw IngestError(.emptyFile, "no reference rows (check --truth-where)", path: truth)
      }
      silenceStandardOutputIfQuiet()
      let source = try input.open(recording)
      let result = try GaitReport.analyze(source: source, path: recording, options: try analysis.analysisOptions())
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
      let e = GaitReport.evaluate(steps: result.steps, truth: reference, toleranceS: toleranceMs / 1000)
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
        print(String(format: "cadence: reference %.1f spm, gaitline %.1f spm, error %+.2f %%", r, d, p))
      }
    } catch let e as ValidationError {
      throw e
    } catch {
      throw fail(error)
    }
  }
}
