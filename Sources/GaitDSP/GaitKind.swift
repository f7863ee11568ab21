//===--- GaitKind.swift ---------------------------------------------------===//
// Running or walking, per bout, with hysteresis.
//===----------------------------------------------------------------------===//
import GaitCore

/// Labels steps running or walking per bout rather than step by step.
///
/// Each step brings evidence: running when the placement's metrics saw a
/// flight phase (``Step/running`` as the step metrics set it) and the step
/// is not slower than ``slowestRunningStepMs``; walking otherwise. The label
/// changes only after ``switchSteps`` consecutive steps of contrary
/// evidence, and those steps take the new label too (hysteresis: a missed
/// toe-off or one double-support step does not turn a run into a walk). A
/// pause longer than ``pauseS`` starts a new bout, decided by the majority
/// of its first ``switchSteps`` steps.
///
/// The labeller carries its state from one batch of steps to the next, so
/// the incremental analyzer labels a stream the same whatever its chunking.
public struct GaitKindLabeller: Sendable, Hashable {
  /// Consecutive contrary steps that switch the label.
  public var switchSteps = 4
  /// A longer pause between contacts starts a new bout, s.
  public var pauseS = 3.0
  /// A step longer than this is walking evidence even with flight, ms
  /// (80 steps/min).
  public var slowestRunningStepMs = 750.0
  private var current: Bool?
  private var lastIcS: Double?

  /// A labeller with no steps seen.
  public init() {}

  /// Forgets the current bout (a gap in the data).
  public mutating func reset() { current = nil; lastIcS = nil }

  /// Relabels `steps` (in time order) in place.
  public mutating func label(_ steps: inout [Step]) {
    let slowest = slowestRunningStepMs
    func evidence(_ i: Int) -> Bool { steps[i].running && (steps[i].stepTimeMs ?? 0) <= slowest }
    var i = 0
    while i < steps.count {
      if let last = lastIcS, steps[i].icS - last > pauseS { current = nil }
      if current == nil {
        let end = min(steps.count, i + switchSteps)
        var runs = 0
        for j in i..<end where evidence(j) { runs += 1 }
        current = runs * 2 == end - i ? evidence(i) : runs * 2 > end - i
      }
      if evidence(i) != current {
        // How many consecutive contrary steps follow (without a pause)?
        var j = i
        while j < steps.count, evidence(j) != current, j == i || steps[j].icS - steps[j - 1].icS <= pauseS { j += 1 }
        if j - i >= switchSteps { current = evidence(i) }
      }
      steps[i].running = current!
      lastIcS = steps[i].icS
      i += 1
    }
  }
}
