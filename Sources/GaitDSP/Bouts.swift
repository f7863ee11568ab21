//===--- Bouts.swift ------------------------------------------------------===//
// Long recordings (a day or a week of free-living data) hold many bouts of
// gait; each is summarised on its own.
//===----------------------------------------------------------------------===//
import GaitCore

/// A continuous stretch of gait: consecutive steps no more than a few
/// seconds apart, of one kind (running or walking).
public struct GaitBout: Sendable, Hashable {
  public var startS: Double
  public var endS: Double
  /// `running` when most steps have a flight phase, else `walking`.
  public var kind: String
  public var summary: RunSummary
}

/// Splits `steps` into bouts: a new bout starts after a pause longer than
/// `maxPauseS` (a stop, a gap in the data) or when the gait changes between
/// running and walking for at least `minSteps` steps. Bouts with fewer than
/// `minSteps` steps are left out (a few stray steps are not a bout).
public func gaitBouts(_ steps: [Step], segments: [SegmentResult], speedMps: Double?,
                      maxPauseS: Double = 3, minSteps: Int = 10) -> [GaitBout] {
  guard !steps.isEmpty else { return [] }
  // Runs of equal kind, split at pauses.
  var groups: [[Step]] = [[steps[0]]]
  for s in steps.dropFirst() {
    let last = groups[groups.count - 1].last!
    if s.icS - last.icS > maxPauseS || s.running != last.running {
      groups.append([s])
    } else {
      groups[groups.count - 1].append(s)
    }
  }
  // Fold short kind switches (a few walking steps inside a run) into the
  // neighbour when no pause separates them.
  var merged: [[Step]] = []
  for g in groups {
    if var last = merged.last, let a = last.last, let b = g.first, b.icS - a.icS <= maxPauseS,
       g.count < minSteps || last.count < minSteps
    {
      last += g
      merged[merged.count - 1] = last
    } else {
      merged.append(g)
    }
  }
  return merged.filter { $0.count >= minSteps }.map { g in
    let start = g.first!.icS, end = g.last!.icS + (g.last!.stepTimeMs ?? 0) / 1000
    let running = g.reduce(0) { $0 + ($1.running ? 1 : 0) } * 2 > g.count
    let segs = segments.filter { $0.endS > start && $0.startS < end }
    return GaitBout(startS: start, endS: end, kind: running ? "running" : "walking",
                    summary: RunSummary(steps: g, segments: segs, speedMps: speedMps))
  }
}
