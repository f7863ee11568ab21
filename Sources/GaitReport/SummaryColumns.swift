//===--- SummaryColumns.swift ---------------------------------------------===//
// The metric columns of summary.csv and of the merged cohort table: one
// table, in the style of `stepColumns`. Adding a column is one line here.
//===----------------------------------------------------------------------===//
import Foundation
import GaitDSP

/// One metric column of `analyze`'s summary.csv and `cohort merge`'s table.
public struct MetricColumn: Sendable {
  /// The column's name, with its unit; also the key of the metric in the
  /// JSON report's `summary` (and each bout), which the merge reads.
  public var name: String
  /// Digits after the decimal point in the tables. The value is first
  /// rounded as the JSON report rounds it (to the same digits), so the
  /// table `analyze` writes equals the one the merge builds from reports.
  public var digits: Int
  /// Whether the report holds a distribution (`{"median": …}`) whose
  /// median is the column, rather than a plain number.
  public var isMedian: Bool
  /// The value of a run's summary.
  public var value: @Sendable (RunSummary) -> Double?
  /// The same value read back from a report's summary or bout (the merge).
  public var reported: @Sendable (any ReportMetrics) -> Double?

  /// A column of the median of a distribution: `path` into the summary,
  /// `reported` into a report read back.
  public static func median(_ name: String, _ path: any KeyPath<RunSummary, Distribution?> & Sendable,
                            _ reported: any KeyPath<any ReportMetrics, ReportDistribution?> & Sendable, digits: Int) -> MetricColumn {
    MetricColumn(name: name, digits: digits, isMedian: true, value: { $0[keyPath: path]?.median },
                 reported: { $0[keyPath: reported]?.median })
  }

  /// A column of a plain number.
  public static func number(_ name: String, _ path: any KeyPath<RunSummary, Double?> & Sendable,
                            _ reported: any KeyPath<any ReportMetrics, Double?> & Sendable, digits: Int) -> MetricColumn {
    MetricColumn(name: name, digits: digits, isMedian: false, value: { $0[keyPath: path] }, reported: { $0[keyPath: reported] })
  }
}

/// The metric columns of summary.csv and the merged cohort table, in order.
public let metricColumns: [MetricColumn] = [
  .median("cadence_spm", \.cadenceSpm, \.cadenceSpm, digits: 1),
  .median("ground_contact_ms", \.groundContactMs, \.groundContactMs, digits: 1),
  .median("flight_ms", \.flightMs, \.flightMs, digits: 1),
  .median("duty_factor", \.dutyFactor, \.dutyFactor, digits: 3),
  .median("vertical_oscillation_cm", \.verticalOscillationCm, \.verticalOscillationCm, digits: 2),
  .median("trunk_lean_deg", \.trunkLeanDeg, \.trunkLeanDeg, digits: 1),
  .median("lateral_sway_cm", \.lateralSwayCm, \.lateralSwayCm, digits: 2),
  .median("braking_mps", \.brakingMps, \.brakingMps, digits: 3),
  .number("gct_balance_left_pct", \.gctBalanceLeftPct, \.gctBalanceLeftPct, digits: 1),
  .number("ground_contact_uncertainty_ms", \.groundContactUncertaintyMs, \.groundContactUncertaintyMs, digits: 0),
]

/// The header names of the metric columns, comma-separated.
public var metricColumnsHeader: String { metricColumns.map(\.name).joined(separator: ",") }

/// The speed columns summary.csv ends with (`analyze --track` or `--speed`;
/// empty cells without either): speed, distance covered, median step length
/// and vertical ratio. They come from the whole result, not the summary
/// alone, so they follow the metric columns rather than joining them; the
/// cohort merge does not carry them.
public let speedColumnNames = ["speed_mps", "distance_m", "step_length_m", "vertical_ratio_pct"]

/// The cells of ``speedColumnNames`` for one result: medians over the
/// track's steps with `--track`; with `--speed`, that speed and the step
/// length speed × median step time; empty cells without either.
public func speedColumnCells(_ r: AnalysisResult) -> [String] {
  if let t = r.track {
    return [tableCell(t.speedMps?.median, digits: 3), tableCell(t.distanceCoveredM, digits: 1),
            tableCell(t.stepLengthM?.median, digits: 3), tableCell(r.summary.verticalRatioPct, digits: 2)]
  }
  let length = r.options.speedMps.flatMap { v in r.summary.stepTimeMs.map { v * $0.median / 1000 } }
  return [tableCell(r.options.speedMps, digits: 3), "", tableCell(length, digits: 3), tableCell(r.summary.verticalRatioPct, digits: 2)]
}

/// One number cell of summary.csv: first rounded as the JSON report rounds
/// it (to `jsonDigits`, by default `digits`), so that the table `analyze`
/// writes equals the one `cohort merge` builds from the reports; empty for
/// `nil` or a value the report leaves out.
public func tableCell(_ v: Double?, digits: Int, jsonDigits: Int? = nil) -> String {
  guard case .number(let x) = JSONValue.num(v, jsonDigits ?? digits) else { return "" }
  return String(format: "%.\(digits)f", x)
}
