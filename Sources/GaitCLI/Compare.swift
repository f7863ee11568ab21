//===--- Compare.swift ----------------------------------------------------===//
import ArgumentParser
import Foundation
import GaitIngest
import GaitReport

struct Compare: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Show a Garmin/Stryd FIT activity's running dynamics beside gaitline's report of the same run.",
    discussion: """
      FIT stores cadence in strides/min; it is shown here in steps/min (both feet), as gaitline \
      reports it. Device values are the session averages when present, else medians of the records. \
      Placement changes the numbers: a chest strap and a waist pod measure different oscillation.
      """)

  @Argument(help: "The FIT activity (.fit).")
  var fit: String

  @Argument(help: "gaitline's JSON report of the same run (analyze --json).")
  var report: String

  @Flag(help: "Print JSON.")
  var json = false

  @OptionGroup var output: OutputOptions

  func run() throws {
    silenceStandardOutputIfQuiet()
    do {
      let activity = try readFIT(path: fit)
      let summary = try ReportDocument.load(path: report, steps: false).summary
      let s = activity.session
      func device(_ k: KeyPath<FITDynamics, Double?>) -> Double? { s?[keyPath: k] ?? activity.median(k) }
      let rows: [(String, String, Double?, Double?)] = [
        ("cadence", "steps/min", device(\.cadenceSpm), summary.cadenceSpm?.median),
        ("ground contact", "ms", device(\.stanceTimeMs), summary.groundContactMs?.median),
        ("vertical oscillation", "cm", device(\.verticalOscillationMm).map { $0 / 10 }, summary.verticalOscillationCm?.median),
        ("vertical ratio", "%", device(\.verticalRatioPct), summary.verticalRatioPct),
        ("GCT balance (left)", "%", device(\.stanceTimeBalanceLeftPct), summary.gctBalanceLeftPct),
        ("step length", "m", device(\.stepLengthMm).map { $0 / 1000 }, nil),
      ]
      if json {
        print(JSONValue.object(rows.map { r in
          (r.0, .object([("unit", .string(r.1)), ("device", .num(r.2, 3)), ("gaitline", .num(r.3, 3))]))
        } + [("records", .number(Double(activity.records.count))), ("warnings", .array(activity.warnings.map(JSONValue.string)))]).serialized())
        return
      }
      func f(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "–" }
      print("metric                 unit        device (FIT)   gaitline")
      for r in rows {
        print(r.0.padding(toLength: 23, withPad: " ", startingAt: 0) + r.1.padding(toLength: 12, withPad: " ", startingAt: 0)
              + f(r.2).padding(toLength: 15, withPad: " ", startingAt: 0) + f(r.3))
      }
      print("(\(activity.records.count) FIT records; device values are \(s != nil ? "session averages" : "medians of the records"))")
      for w in activity.warnings { print("warning: \(w)") }
    } catch {
      throw fail(error)
    }
  }
}
