//===--- Trend.swift ------------------------------------------------------===//
import ArgumentParser
import Foundation
import GaitCore
import GaitIngest
import GaitReport
import GaitScoring

struct Trend: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "trend",
    abstract: "A runner's metrics and flags over dates, from their JSON reports, with training-load checks.",
    discussion: """
      Give the reports of one runner (`analyze --json`, or the folder of a batch). Runs are put in \
      date order (the recording's clock, a date in the file name, else the report's modification time); \
      the table shows each run's medians and flags, and the training-load checks (many runs a week, \
      no rest day, running time or speed and time raised quickly) run over that history. \
      --html writes a self-contained page with a chart per metric.
      """)

  @Argument(help: "JSON reports, or folders of them.")
  var reports: [String] = []

  @Option(help: "Write a self-contained HTML page of the trend here.")
  var html: String?

  @Option(help: "A JSON scoring policy for the training-load thresholds (see docs/POLICY.md).")
  var policy: String?

  @OptionGroup var output: OutputOptions

  func run() throws {
    guard !reports.isEmpty else { throw ValidationError("give the JSON reports of one runner, or a folder of them") }
    var paths: [String] = []
    for r in reports {
      var isDir: ObjCBool = false
      if FileManager.default.fileExists(atPath: r, isDirectory: &isDir), isDir.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: r)) ?? []
        paths += names.filter { $0.lowercased().hasSuffix(".json") }.sorted().map { (r as NSString).appendingPathComponent($0) }
      } else {
        paths.append(r)
      }
    }
    var runs: [TrendRun] = []
    for p in paths {
      do {
        runs.append(try loadTrendRun(path: p))
      } catch let e as ReportError where reports.contains(where: { $0 != p }) && e.code == .corrupt {
        note("\(p): skipped, not a gaitline report")  // a folder's other JSON files
      } catch {
        throw fail(error)
      }
    }
    guard !runs.isEmpty else { throw fail(IngestError(.fileNotFound, "no gaitline reports in \(reports.joined(separator: ", "))")) }
    let scoring: ScoringPolicy
    do { scoring = try policy.map { try loadPolicy(path: $0) } ?? .populationDefaults } catch { throw fail(error) }
    runs = sortedByDate(runs)
    let findings = trainingLoadFindings(runs.map(\.past), policy: scoring)
    if let html {
      // The reports read (a folder's JSON files included, also those skipped
      // as not gaitline's) and the policy: the page never replaces one.
      let inputs = ProtectedPaths(inputs: paths + (policy.map { [$0] } ?? []))
      do { try writeOutput(trendHTML(runs, findings: findings), to: html, protecting: inputs, what: "the --html trend") } catch { throw fail(error) }
    }
    if !isQuiet && html != "-" { print(sanitizedForTerminal(trendText(runs, findings: findings), keepNewlines: true), terminator: "") }
  }
}
