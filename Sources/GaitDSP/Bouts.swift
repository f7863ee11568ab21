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

/// A run's summary together with the steps and segments it is over (the
/// same arrays, sharing their storage) and the speed it was computed with:
/// ``gaitBouts(_:segments:speedMps:maxPauseS:minSteps:whole:)`` hands it to
/// a bout that holds every step and every segment instead of computing the
/// same summary again (a continuous hour is one bout: ~14 M instructions).
public struct SummarisedRun: Sendable {
  /// The steps the summary is over.
  public let steps: [Step]
  /// The segments the summary is over.
  public let segments: [SegmentResult]
  /// The speed the summary was computed with.
  public let speedMps: Double?
  /// `RunSummary(steps: steps, segments: segments, speedMps: speedMps)`.
  public let summary: RunSummary

  /// `summary` must be `RunSummary(steps: steps, segments: segments,
  /// speedMps: speedMps)` (any `concurrency`: the values do not depend on it).
  public init(steps: [Step], segments: [SegmentResult], speedMps: Double?, summary: RunSummary) {
    self.steps = steps
    self.segments = segments
    self.speedMps = speedMps
    self.summary = summary
  }

  /// Whether ``summary`` is that of `steps` and `segments` with `speedMps`:
  /// the very same arrays (one storage, which cannot have changed, as this
  /// value holds it too), not equal copies.
  func covers(_ steps: [Step], _ segments: [SegmentResult], speedMps: Double?) -> Bool {
    guard self.speedMps == speedMps, self.steps.count == steps.count, self.segments.count == segments.count else { return false }
    let sameSteps = self.steps.withUnsafeBufferPointer { a in steps.withUnsafeBufferPointer { $0.baseAddress == a.baseAddress } }
    let sameSegments = self.segments.withUnsafeBufferPointer { a in segments.withUnsafeBufferPointer { $0.baseAddress == a.baseAddress } }
    return sameSteps && sameSegments
  }
}

/// Splits `steps` into bouts: a new bout starts after a pause longer than
/// `maxPauseS` (a stop, a gap in the data) or when the gait changes between
/// running and walking for at least `minSteps` steps. Bouts with fewer than
/// `minSteps` steps are left out (a few stray steps are not a bout).
///
/// Linear in the number of steps: groups and bouts are index ranges into
/// `steps` (an 80 000-step run that switches between walking and running
/// every few steps took 6.7 s when each merge copied the bout so far).
/// `whole`, the run's own summary of these very `steps` and `segments`, is
/// reused for a bout that holds all of them (the same values).
public func gaitBouts(_ steps: [Step], segments: [SegmentResult], speedMps: Double?,
                      maxPauseS: Double = 3, minSteps: Int = 10, whole: SummarisedRun? = nil) -> [GaitBout] {
  guard !steps.isEmpty else { return [] }
  let reusable = whole.flatMap { $0.covers(steps, segments, speedMps: speedMps) ? $0.summary : nil }
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
    // Every step and every segment (in order): the run's own summary.
    let summary = if let reusable, r == steps.indices, segs.count == segments.count { reusable }
      else { RunSummary(steps: Array(steps[r]), segments: segs, speedMps: speedMps) }
    out.append(GaitBout(startS: start, endS: end, kind: running * 2 > r.count ? "running" : "walking", summary: summary))
  }
  return out
}
