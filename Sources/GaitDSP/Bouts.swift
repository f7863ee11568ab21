//===--- Bouts.swift ------------------------------------------------------===//
// Long recordings (a day or a week of free-living data) hold many bouts of
// gait; each is summarised on its own.
//===----------------------------------------------------------------------===//
import GaitCore

/// A continuous stretch of gait: consecutive steps no more than a few
/// seconds apart, of one kind (running or walking).
public struct GaitBout: Sendable, Hashable {
  /// Initial contact of the bout's first step, s.
  public var startS: Double
  /// End of the bout's last step (its initial contact plus its step time), s.
  public var endS: Double
  /// `running` when most steps have a flight phase, else `walking`.
  public var kind: String
  /// The bout's own metrics, as for a whole run.
  public var summary: RunSummary
}

/// Splits `steps` into bouts: a new bout starts after a pause longer than
/// `maxPauseS` (a stop, a gap in the data) or when the gait changes between
/// running and walking for at least `minSteps` steps. Bouts with fewer than
/// `minSteps` steps are left out (a few stray steps are not a bout).
///
/// Linear in the number of steps: groups and bouts are index ranges into
/// `steps` (an 80 000-step run that switches between walking and running
/// every few steps took 6.7 s when each merge copied the bout so far).
public func gaitBouts(_ steps: [Step], segments: [SegmentResult], speedMps: Double?,
                      maxPauseS: Double = 3, minSteps: Int = 10) -> [GaitBout] {
  guard !steps.isEmpty else { return [] }
  // Runs of equal kind, split at pauses, folded as they are found: a short
  // kind switch (a few walking steps inside a run) joins the bout before it
  // when no pause separates them.
  var bouts: [Range<Int>] = []
  var start = 0
  func close(_ group: Range<Int>) {
    if let last = bouts.last, steps[group.lowerBound].icS - steps[last.upperBound - 1].icS <= maxPauseS,
       group.count < minSteps || last.count < minSteps
    {
      bouts[bouts.count - 1] = last.lowerBound..<group.upperBound
    } else {
      bouts.append(group)
    }
  }
  for i in 1..<steps.count {
    let s = steps[i], last = steps[i - 1]
    if s.icS - last.icS > maxPauseS || s.running != last.running {
      close(start..<i)
      start = i
    }
  }
  close(start..<steps.count)
  // Segments in time order (as the analyzer makes them): each bout's
  // segments are found from where the previous bout's began.
  let ordered = zip(segments, segments.dropFirst()).allSatisfy { $0.startS <= $1.startS && $0.endS <= $1.endS }
  var firstSegment = 0
  var out: [GaitBout] = []
  for r in bouts where r.count >= minSteps {
    let first = steps[r.lowerBound], last = steps[r.upperBound - 1]
    let start = first.icS, end = last.icS + (last.stepTimeMs ?? 0) / 1000
    var running = 0
    for i in r where steps[i].running { running += 1 }
    var segs: [SegmentResult] = []
    if ordered {
      while firstSegment < segments.count, segments[firstSegment].endS <= start { firstSegment += 1 }
      var k = firstSegment
      while k < segments.count, segments[k].startS < end {
        if segments[k].endS > start { segs.append(segments[k]) }
        k += 1
      }
    } else {
      segs = segments.filter { $0.endS > start && $0.startS < end }
    }
    out.append(GaitBout(startS: start, endS: end, kind: running * 2 > r.count ? "running" : "walking",
                        summary: RunSummary(steps: Array(steps[r]), segments: segs, speedMps: speedMps)))
  }
  return out
}
