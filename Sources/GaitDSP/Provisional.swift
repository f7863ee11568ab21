//===--- Provisional.swift ------------------------------------------------===//
// Low-latency provisional steps for the live view.
//===----------------------------------------------------------------------===//
import GaitCore

/// Provisional steps within about half a second of toe-off, for the live
/// view. The exact analysis waits for a whole segment plus look-ahead (so
/// that live and batch agree); this keeps the last few seconds and, every
/// quarter second, runs the same detector on them alone, emitting contacts
/// whose toe-off is at least 0.1 s old and not yet emitted. A step's time and
/// vertical oscillation run from its contact to the next one, so a step is
/// held until the next contact is in the window (about one step, ~0.35 s) or
/// until ``holdSeconds`` after its toe-off (the runner stopped). Values near
/// the window's end see less context than the final ones; they are labelled
/// provisional and the final report does not use them.
public struct ProvisionalSteps {
  let info: RecordingInfo
  let options: AnalysisOptions
  let windowLength: Int
  let hop: Int
  private var ax: [Float] = [], ay: [Float] = [], az: [Float] = []
  private var endIndex = 0
  private var sinceRun = 0
  private var lastEmittedIC = -Double.infinity
  /// How long after toe-off a step without its next contact is held before
  /// it is emitted without step time, s.
  public static let holdSeconds = 0.7

  /// Provisional steps of a stream described by `info`: every quarter second the detector of
  /// `options` (placement defaulting to the file's, else hip) runs on the last `windowSeconds`.
  public init(info: RecordingInfo, options: AnalysisOptions, windowSeconds: Double = 4) {
    self.info = info
    var o = options
    o.placement = options.placement ?? info.placement ?? .hip
    o.segmentSeconds = windowSeconds
    o.marginSeconds = 0.5
    self.options = o
    windowLength = Int(windowSeconds * info.sampleRateHz)
    hop = max(1, Int(0.25 * info.sampleRateHz))
  }

  /// Adds a block; calls `emit` with each new provisional step and the
  /// stream time (s) of the newest sample when it was found.
  public mutating func add(_ block: SampleBlock, emit: (Step, Double) -> Void) {
    if block.startIndex != endIndex {
      ax.removeAll(); ay.removeAll(); az.removeAll()
    }
    ax += block.ax; ay += block.ay; az += block.az
    endIndex = block.endIndex
    if ax.count > windowLength {
      let drop = ax.count - windowLength
      ax.removeFirst(drop); ay.removeFirst(drop); az.removeFirst(drop)
    }
    sinceRun += block.count
    guard sinceRun >= hop, ax.count >= Int(2 * info.sampleRateHz) else { return }
    sinceRun = 0
    let start = endIndex - ax.count
    let window = Recording(info: info, blocks: [SampleBlock(startIndex: start, ax: ax, ay: ay, az: az)])
    let now = Double(endIndex) / info.sampleRateHz
    for s in GaitAnalyzer.analyze(window, options: options).steps {
      guard s.icS > lastEmittedIC + 0.05, let tc = s.tcS, tc <= now - 0.1 else { continue }
      // Emitted at toe-off the step would never carry its step time (the
      // next contact has not happened yet): the live view's cadence and
      // oscillation went blank once the stream arrived in real time.
      if s.stepTimeMs == nil, tc > now - Self.holdSeconds { break }
      lastEmittedIC = s.icS
      emit(s, now)
    }
  }
}
