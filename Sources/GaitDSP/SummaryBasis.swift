//===--- SummaryBasis.swift -----------------------------------------------===//
// The two labels a run summary carries, as enums: which steps its metrics
// are over, and what its trunk lean is measured from. The report writes
// their raw values (docs/REPORT.md) and reads them back as these enums.
//===----------------------------------------------------------------------===//

/// Which steps the summary's metrics are over.
public enum SummaryBasis: String, Codable, Sendable, Hashable {
  /// Running steps (at least 8 of them).
  case running
  /// All steps: there were too few running ones.
  case all
}

/// What the trunk lean is measured from.
public enum TrunkLeanReference: String, Codable, Sendable, Hashable {
  /// The posture of a standing stretch of the recording.
  case standing
  /// The sensor's own axis (not calibrated; includes the mounting angle).
  case sensorAxis = "sensor-axis"
}
