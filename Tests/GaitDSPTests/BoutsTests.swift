import GaitCore
import Testing

@testable import GaitDSP

/// The bout splitter as it was before it worked on index ranges (it copied
/// the bout so far on every merge): the oracle for the linear one.
private func quadraticBouts(_ steps: [Step], segments: [SegmentResult], speedMps: Double?,
                            maxPauseS: Double = 3, minSteps: Int = 10) -> [GaitBout] {
  guard !steps.isEmpty else { return [] }
  var groups: [[Step]] = [[steps[0]]]
  for s in steps.dropFirst() {
    let last = groups[groups.count - 1].last!
    if s.icS - last.icS > maxPauseS || s.running != last.running {
      groups.append([s])
    } else {
      groups[groups.count - 1].append(s)
    }
  }
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

/// Steps of a run that switches between running and walking in stretches of
/// random length, with random pauses; 10-s segments over it.
func alternatingSteps(count: Int, seed: UInt64, maxStretch: Int = 14, pauseChance: Double = 0.01)
  -> ([Step], [SegmentResult])
{
  var rng = BoutsRng(seed: seed)
  var steps: [Step] = []
  steps.reserveCapacity(count)
  var t = 0.0, running = true, left = 0
  while steps.count < count {
    if left == 0 { running.toggle(); left = 1 + Int(rng.next() % UInt64(maxStretch)) }
    left -= 1
    var s = Step(icS: t, running: running)
    let st = running ? 330 + Double(rng.next() % 40) : 520 + Double(rng.next() % 60)
    s.stepTimeMs = st
    s.groundContactMs = running ? 240 : 330
    s.flightMs = running ? st - 240 : 0
    s.dutyFactor = (s.groundContactMs! / 2) / st
    s.side = steps.count % 2 == 0 ? .left : .right
    steps.append(s)
    t += st / 1000
    if Double(rng.next() % 10_000) / 10_000 < pauseChance { t += 3 + Double(rng.next() % 20) }
  }
  var segments: [SegmentResult] = []
  var s0 = 0.0
  while s0 < t + 10 {
    segments.append(SegmentResult(startS: s0, endS: s0 + 10, cadenceSpectralSpm: 170, steps: 0, runningSteps: 0,
                                  trunkLeanDeg: Double(segments.count % 7), mountingTiltDeg: nil, placement: .hip))
    s0 += 10
  }
  return (steps, segments)
}

/// A deterministic generator (a 64-bit LCG's high bits), so a case replays.
struct BoutsRng {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return state >> 17
  }
}

@Suite struct BoutsTests {
  @Test(arguments: [(1 as UInt64, 14), (2, 30), (3, 4), (4, 60), (5, 11)])
  func linearEqualsQuadratic(seed: UInt64, maxStretch: Int) {
    let (steps, segments) = alternatingSteps(count: 3_000, seed: seed, maxStretch: maxStretch)
    let fast = gaitBouts(steps, segments: segments, speedMps: 3.2)
    let slow = quadraticBouts(steps, segments: segments, speedMps: 3.2)
    #expect(fast.count == slow.count)
    #expect(fast == slow)
    #expect(fast.count > 1, "the case splits into several bouts")
    // The run's own summary given: no bout holds the whole run, each is its own.
    let whole = SummarisedRun(steps: steps, segments: segments, speedMps: 3.2,
                              summary: RunSummary(steps: steps, segments: segments, speedMps: 3.2))
    #expect(gaitBouts(steps, segments: segments, speedMps: 3.2, whole: whole) == slow)
  }

  @Test func wholeRunSummaryReused() {
    let (steps, all) = alternatingSteps(count: 300, seed: 7, maxStretch: 10_000, pauseChance: 0)
    let end = steps[steps.count - 1].icS + steps[steps.count - 1].stepTimeMs! / 1000
    let segments = all.filter { $0.endS > steps[0].icS && $0.startS < end }
    let summary = RunSummary(steps: steps, segments: segments, speedMps: 3, concurrency: 2)
    let plain = gaitBouts(steps, segments: segments, speedMps: 3)
    #expect(plain == quadraticBouts(steps, segments: segments, speedMps: 3))
    #expect(plain.count == 1)
    #expect(plain.first?.summary == summary, "one bout of every step and segment: the run's summary")
    let whole = SummarisedRun(steps: steps, segments: segments, speedMps: 3, summary: summary)
    #expect(gaitBouts(steps, segments: segments, speedMps: 3, whole: whole) == plain)
    // Reused, not recomputed: a marked summary shows through for the very
    // same arrays and speed...
    var marked = summary
    marked.runningSeconds = -1
    let markedRun = SummarisedRun(steps: steps, segments: segments, speedMps: 3, summary: marked)
    #expect(gaitBouts(steps, segments: segments, speedMps: 3, whole: markedRun).first?.summary == marked)
    // ...and never for other arrays (a changed copy, even if equal again),
    // another speed, or other segments.
    var copy = steps
    copy.append(steps[0])
    copy.removeLast()
    #expect(gaitBouts(copy, segments: segments, speedMps: 3, whole: markedRun) == plain)
    var changed = steps
    changed[0].groundContactMs = 100
    #expect(gaitBouts(changed, segments: segments, speedMps: 3, whole: markedRun)
      == quadraticBouts(changed, segments: segments, speedMps: 3))
    #expect(gaitBouts(steps, segments: segments, speedMps: 2.9, whole: markedRun)
      == quadraticBouts(steps, segments: segments, speedMps: 2.9))
    #expect(gaitBouts(steps, segments: all, speedMps: 3, whole: markedRun)
      == quadraticBouts(steps, segments: all, speedMps: 3))
  }

  @Test func unorderedSegmentsStillFound() {
    let (steps, segments) = alternatingSteps(count: 500, seed: 9, maxStretch: 40)
    let shuffled = segments.reversed() as [SegmentResult]
    #expect(gaitBouts(steps, segments: shuffled, speedMps: nil) == quadraticBouts(steps, segments: shuffled, speedMps: nil))
  }

  @Test func edgeCases() {
    #expect(gaitBouts([], segments: [], speedMps: nil).isEmpty)
    let (steps, segments) = alternatingSteps(count: 9, seed: 1, maxStretch: 100)
    #expect(gaitBouts(steps, segments: segments, speedMps: nil) == quadraticBouts(steps, segments: segments, speedMps: nil))
    let (ten, seg10) = alternatingSteps(count: 10, seed: 1, maxStretch: 100, pauseChance: 0)
    #expect(gaitBouts(ten, segments: seg10, speedMps: nil).count == 1)
  }
}
