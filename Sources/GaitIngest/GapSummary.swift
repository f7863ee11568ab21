//===--- GapSummary.swift -------------------------------------------------===//
// Gaps in one human-readable line of bounded length: a week-long free-living
// .gt3x has hundreds of idle-sleep gaps, and `inspect` listed every one.
// The full list stays in the JSON (`inspect --json`, the report's `gaps`).
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore

/// `gaps` for a person: "none", every gap when there are at most
/// `listAll`, else the count, their total, the `shown` longest and the
/// `shown` first ("492 gaps, 21934.0 s in all; longest: …; first: …").
public func gapSummary(_ gaps: [Gap], listAll: Int = 5, shown: Int = 3) -> String {
  guard !gaps.isEmpty else { return "none" }
  func one(_ g: Gap) -> String { String(format: "%.3f s at %.3f s", g.durationS, g.startS) }
  if gaps.count <= listAll { return gaps.map(one).joined(separator: "; ") }
  let total = gaps.reduce(0) { $0 + $1.durationS }
  // Longest first; equal durations in time order.
  let longest = gaps.enumerated().sorted { ($0.element.durationS, $1.offset) > ($1.element.durationS, $0.offset) }.prefix(shown).map(\.element)
  return String(format: "%d gaps, %.1f s in all; ", gaps.count, total)
    + "longest: \(longest.map(one).joined(separator: "; ")); first: \(gaps.prefix(shown).map(one).joined(separator: "; ")) "
    + "(inspect --json lists all)"
}
