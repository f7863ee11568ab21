//===--- Pipeline.swift ---------------------------------------------------===//
// Reading, analysing and summarising one input: what `analyze` runs.
//===----------------------------------------------------------------------===//
import GaitCore
import GaitIngest
import GaitDSP
import GaitScoring
import GaitReport
import Foundation

/// Below this rate gaitline refuses to analyse: contact time needs ≥ 100 Hz
/// and 50 Hz is the floor of every peer package (GaitPy needs at least 50 Hz;
/// docs/EVIDENCE.md).
public let minimumAnalysisRateHz = 50.0

/// Reads `source` to its end through the incremental analyzer. Memory is
/// bounded by the analyzer's window, not by the input's length.
public func analyze(source: any SampleSource, path: String, options: AnalysisOptions,
                    policy: ScoringPolicy = .populationDefaults, baseline: PersonalBaseline? = nil,
                    onBlock: ((SampleBlock) -> Void)? = nil,
                    onStep: ((Step) -> Void)? = nil) throws -> AnalysisResult {
  var analyzer: GaitAnalyzer?
  var steps: [Step] = []
  var first = true
  // More than one thread: a reader thread parses ahead while this one
  // analyses (the analysis itself is the same, so are its results).
  // The reader counts as one of the threads: it and the analysis threads
  // take turns on `concurrency` cores, the reader first (it is the one
  // stage that cannot be split), and it gives its turn away while it waits
  // for the analysis to take a block (its queue full).
  let turns = options.concurrency > 1 ? ReaderFirstTurns(cores: options.concurrency) : nil
  let ahead = turns.map { ReadAhead(source: source, capacity: readAheadBlocks, turns: $0) }
  defer { ahead?.stop() }
  var firstInfo: RecordingInfo?
  func nextBlock() throws -> SampleBlock? {
    guard let ahead else { return try source.nextBlock() }
    switch ahead.next() {
    case .block(let block, let info):
      if let info { firstInfo = info }
      return block
    case .end: return nil
    case .failed(let error): throw error
    }
  }
  while let block = try nextBlock() {
    if first {
      first = false
      let info = firstInfo ?? source.info
      let rate = info.sampleRateHz
      if rate < minimumAnalysisRateHz {
        throw PipelineError(.sampleRateTooLow,
          "the sample rate is \(String(format: "%.4g", rate)) Hz; gaitline needs at least 50 Hz "
          + "(contact times need 100 Hz or more). Record at a higher rate, or pass --rate if the detected rate is wrong",
          path: path)
      }
      analyzer = GaitAnalyzer(info: info, options: options)
      analyzer!.coreTurns = turns
    }
    onBlock?(block)
    analyzer!.process(block) { steps.append($0); onStep?($0) }
  }
  ahead?.stop()  // the reader has left the source: its info and report are final
  guard var analyzer else {
    throw PipelineError(.emptyFile, "the input has no samples", path: path)
  }
  analyzer.finish { steps.append($0); onStep?($0) }
  let placement = analyzer.placement ?? .hip
  let source2: String = options.placement != nil ? "option" : (source.info.placement != nil ? "file" : analyzer.placementDefaulted ? "default" : "detected")
  var warnings: [String] = []
  if source2 == "default" {
    warnings.append("placement could not be detected (less than 6 s of clear gait); analysed as hip. Pass --placement foot if the sensor was on the foot")
  }
  if let given = options.placement, let shown = analyzer.placementShownBySignal, shown != given {
    warnings.append("the signal looks like a \(shown.rawValue) sensor, but --placement \(given.rawValue) was given: analysed as \(given.rawValue); "
      + "if the sensor was on the \(shown == .hip ? "hip or lower back" : shown.rawValue), leave --placement out or give --placement \(shown.rawValue)")
  }
  let rate = source.info.sampleRateHz
  if rate < 100 {
    warnings.append(String(format: "sample rate %.4g Hz is below 100 Hz: contact and flight times are coarse (one sample is %.0f ms)", rate, 1000 / rate))
  }
  if steps.isEmpty {
    warnings.append("no steps found: the recording shows no periodic walking or running")
  }
  if placement == .shank {
    warnings.append("shank sensor: trunk metrics (vertical oscillation, lean, sway, braking) are not measurable from the shank; events are the sensor leg's only, so cadence = 2 × its stride rate")
    if source.info.hasGyroscope {
      warnings.append("shank sensor with gyroscope: contact and toe-off come from the sagittal angular velocity (the minima around each mid-swing peak; Aminian 2002, Greene 2010), validated on synthetic signals only (docs/VALIDATION.md); segments whose gyroscope shows no mid-swing peaks use the accelerometer, whose toe-off agrees with force plates within only about ±150 ms")
    } else {
      warnings.append("shank sensor: toe-off and contact time come from the accelerometer's push-off pattern; such shank estimates agree with force plates within about ±150 ms in the literature — treat contact time as approximate")
    }
  }
  if placement == .foot {
    warnings.append("foot sensor: trunk metrics (vertical oscillation, lean, sway) cannot be measured from the foot")
  }
  // Said once: the CSV reader already explains a two-axis body-frame file.
  if !source.info.hasMediolateral, !source.report.warnings.contains(IngestReport.twoAxisBodyFrameWarning) {
    warnings.append("no mediolateral axis: left/right and lateral sway are not measured")
  }
  let segments = analyzer.segments
  let plain = RunSummary(steps: steps, segments: segments, speedMps: options.speedMps, concurrency: options.concurrency)
  var summary = plain
  if placement == .shank { summary.groundContactUncertaintyMs = RunSummary.shankContactTimeUncertaintyMs }
  var result = AnalysisResult(
    path: path, info: source.info, ingest: source.report, placement: placement, placementSource: source2,
    options: options, steps: steps, segments: segments, summary: summary, warnings: warnings,
    placementFeatureDeg: analyzer.placementFeatureDeg)
  result.summarised = SummarisedRun(steps: steps, segments: segments, speedMps: options.speedMps, summary: plain)
  let ing = source.report
  let facts = RunFacts(
    placement: placement, sampleRateHz: ing.sampleRateHz, samples: ing.samples, clippedSamples: ing.clippedSamples,
    gapCount: ing.gaps.count, gapSeconds: ing.gaps.reduce(0) { $0 + $1.durationS },
    hasMediolateral: source.info.hasMediolateral, speedMps: options.speedMps, steps: steps,
    segments: analyzer.segments, summary: summary)
  result.flags = Scorer(policy: policy).score(facts, baseline: baseline).sorted { $0.severity > $1.severity }
  result.baseline = baseline
  return result
}

/// Blocks a reader thread may hold ready ahead of the analysis (each at most
/// a few thousand samples: well under a MiB in all).
let readAheadBlocks = 16

/// The blocks of a source read on a thread of its own, at most `capacity`
/// ahead of the analysis, so that reading and parsing overlap it (one input
/// analysed with ``AnalysisOptions/concurrency`` above 1). The source is
/// touched only by the reader thread until it has sent its last item (the
/// end or an error) or ``stop()`` has returned; memory is bounded by
/// `capacity` blocks.
private final class ReadAhead: @unchecked Sendable {
  enum Item {
    /// A block, with the source's `info` as it was right after the first
    /// block (what the serial loop reads there).
    case block(SampleBlock, RecordingInfo?)
    case end
    case failed(any Error)
  }
  private let source: any SampleSource
  private let capacity: Int
  private let turns: ReaderFirstTurns
  // Guarded by `condition`.
  private let condition = NSCondition()
  private var queue: [Item] = []
  private var stopping = false
  private var readerDone = false

  init(source: any SampleSource, capacity: Int, turns: ReaderFirstTurns) {
    self.source = source
    self.capacity = max(1, capacity)
    self.turns = turns
    let thread = Thread { [self] in read() }
    thread.start()
  }

  private func read() {
    var first = true
    turns.readerEnter()
    defer { turns.leave() }
    while true {
      condition.lock()
      if queue.count >= capacity && !stopping {
        // Full: the analysis may use this thread's core meanwhile.
        turns.leave()
        while queue.count >= capacity && !stopping { condition.wait() }
        condition.unlock()
        turns.readerEnter()
        condition.lock()
      }
      if stopping {
        readerDone = true
        condition.broadcast()
        condition.unlock()
        return
      }
      condition.unlock()
      let item: Item
      do {
        if let block = try source.nextBlock() {
          item = .block(block, first ? source.info : nil)
          first = false
        } else {
          item = .end
        }
      } catch {
        item = .failed(error)
      }
      condition.lock()
      queue.append(item)
      if case .block = item {} else { readerDone = true }
      let done = readerDone
      condition.broadcast()
      condition.unlock()
      if done { return }
    }
  }

  /// The next item, waiting for the reader.
  func next() -> Item {
    condition.lock()
    while queue.isEmpty { condition.wait() }
    let item = queue.removeFirst()
    condition.broadcast()
    condition.unlock()
    return item
  }

  /// Stops the reader and waits until it has left the source.
  func stop() {
    condition.lock()
    stopping = true
    condition.broadcast()
    while !readerDone { condition.wait() }
    condition.unlock()
  }
}

/// Turns on a fixed number of cores, shared by the reader thread of
/// ``ReadAhead`` and the threads of a concurrent analysis (``CoreTurns``).
/// A reader that waits for a turn gets the next one given back or passed
/// on: parsing is the one stage a single thread must do, so the analysis,
/// which can catch up on every core once the input is read, never keeps it
/// waiting longer than one core's analysis. An analysis thread keeps its
/// turn from core to core while the reader does not wait (no lock handed
/// back and forth, no thread woken for nothing).
final class ReaderFirstTurns: CoreTurns, @unchecked Sendable {
  // Guarded by `condition`.
  private let condition = NSCondition()
  private var free: Int
  private var readerWaiting = false

  init(cores: Int) { free = max(1, cores) }

  func enter() {
    condition.lock()
    takeTurnLocked()
    condition.unlock()
  }

  func pass() {
    condition.lock()
    if readerWaiting {
      free += 1
      condition.broadcast()
      takeTurnLocked()
    }
    condition.unlock()
  }

  /// An analysis thread's wait for a free core the reader does not want
  /// (`condition` held).
  private func takeTurnLocked() {
    while free == 0 || readerWaiting { condition.wait() }
    free -= 1
  }

  func leave() {
    condition.lock()
    free += 1
    condition.broadcast()
    condition.unlock()
  }

  /// Whether the reader waits for a turn now (for tests).
  var readerIsWaiting: Bool {
    condition.lock()
    defer { condition.unlock() }
    return readerWaiting
  }

  /// The reader's ``enter()``: served before any analysis thread.
  func readerEnter() {
    condition.lock()
    readerWaiting = true
    while free == 0 { condition.wait() }
    free -= 1
    readerWaiting = false
    condition.broadcast()
    condition.unlock()
  }
}
