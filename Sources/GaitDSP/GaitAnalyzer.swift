//===--- GaitAnalyzer.swift -----------------------------------------------===//
// The single incremental core: blocks in, steps out. Batch analysis is a
// finite stream through the same code.
//===----------------------------------------------------------------------===//
import Dispatch
import GaitCore
import Synchronization

/// Parameters of ``GaitAnalyzer``. Creating one does no work.
public struct AnalysisOptions: Sendable, Hashable {
  /// Sensor placement; `nil` = detect from the signal.
  public var placement: Placement?
  /// Side of a foot sensor.
  public var side: Side?
  /// Running speed, m/s, when known (for the vertical ratio).
  public var speedMps: Double?
  /// Length of the core of each analysis segment, s. Results are reported
  /// for steps whose contact lies in the core.
  public var segmentSeconds: Double
  /// Signal added on each side of the core so that zero-phase filtering and
  /// steps crossing the core's edges see their whole context, s. Must exceed
  /// the longest stride; it is also the live latency.
  public var marginSeconds: Double
  /// Low-pass cut-off for trunk and foot acceleration, Hz (20 Hz: skdh and
  /// GaitPy; docs/EVIDENCE.md).
  public var lowPassHz: Double
  /// Vertical specific force below which a hip sensor is taken to be in
  /// flight, in g. The sacrum's vertical reading approximates ground reaction
  /// force in body weights, so contact starts and ends where it crosses a
  /// fraction of 1 g (cf. Patoz 2022, threshold on sacral acceleration).
  public var contactThresholdG: Double
  /// Segments analysed at once (threads). Segments are independent, so the
  /// results are identical for every value; above 1, a stream's cores are
  /// held back until ``concurrencyBatchCores`` per thread are ready (more
  /// latency, so live analysis keeps 1).
  public var concurrency: Int
  /// How a shank accelerometer's initial contacts are timed within each
  /// impact (default: the impact onset; the others are published rules kept
  /// for comparison, docs/REPORT.md).
  public var shankInitialContact = ShankInitialContactMethod.impactOnset

  /// Options with the given values; the defaults are those of `gaitline analyze`.
  public init(placement: Placement? = nil, side: Side? = nil, speedMps: Double? = nil,
              segmentSeconds: Double = 10, marginSeconds: Double = 2.5, lowPassHz: Double = 20,
              contactThresholdG: Double = 0.3, concurrency: Int = 1) {
    self.placement = placement
    self.side = side
    self.speedMps = speedMps
    self.segmentSeconds = segmentSeconds
    self.marginSeconds = marginSeconds
    self.lowPassHz = lowPassHz
    self.contactThresholdG = contactThresholdG
    self.concurrency = concurrency
  }

  /// Cores per thread handed out at once by a concurrent analysis: each
  /// batch ends in a wait for its slowest thread, so fewer, larger batches
  /// keep the threads busy (16 cores of 10 s of 3 axes at 100 Hz buffer
  /// 192 kB of samples per thread).
  public static let concurrencyBatchCores = 16
}

/// Shares the cores of a concurrent analysis with other work for the same
/// input (the pipeline's reader thread, which parses ahead): each analysis
/// thread takes a turn with ``enter()`` before its first core, offers it
/// with ``pass()`` after each core, and gives it back with ``leave()`` when
/// the batch has no core left, so the threads that run at once never
/// outnumber the cores the caller asked for. Only the timing depends on it,
/// never the results.
public protocol CoreTurns: AnyObject, Sendable {
  /// Waits for a free core.
  func enter()
  /// Between two cores: when other work waits for a turn, gives this one
  /// to it and waits for the next free one; otherwise returns at once.
  func pass()
  /// Gives the core back.
  func leave()
}

/// Finds every step in a stream of sample blocks and measures it.
///
/// The stream is cut into segments whose positions depend only on sample
/// indices (a core of ``AnalysisOptions/segmentSeconds`` plus a margin on both
/// sides), so the results are identical whether the input arrives whole or in
/// chunks of any size. A gap in the indices ends the continuous run: the run
/// is finished and analysis restarts after the gap.
///
/// Per segment: gravity direction → vertical; the horizontal principal axis →
/// anteroposterior (sign from braking); zero-phase 4th-order Butterworth
/// low-pass; the step frequency from a Hann-windowed FFTW spectrum with
/// harmonic check by autocorrelation; then the placement's
/// profile (`PlacementProfile`): its contact detector constrained by that step
/// period, and its step-metrics and trunk-lean calculators.
public struct GaitAnalyzer {
  /// The sample rate of the grid being analysed, Hz.
  public let rateHz: Double
  /// The recording's description the analyzer was made for.
  public let info: RecordingInfo
  /// The options it runs with.
  public let options: AnalysisOptions
  /// The placement in use: the option, else what the first segment showed.
  public private(set) var placement: Placement?
  /// With the placement given (``AnalysisOptions/placement``): what the
  /// signal itself showed on the first cores that gave a decision (tried on
  /// at most the first 60 s), so a wrong option can be pointed out; `nil`
  /// when no core decided, or when the placement was not given.
  public private(set) var placementShownBySignal: Placement?
  private var placementChecks = 0
  /// The 90th-percentile tilt of the step-averaged gravity direction that
  /// decided the placement, degrees (`nil` when given or not yet decided).
  public private(set) var placementFeatureDeg: Double?
  /// Whether no segment allowed a decision and `hip` was assumed.
  public private(set) var placementDefaulted = false
  /// One entry per analysed segment, in order.
  public private(set) var segments: [SegmentResult] = []

  private let coreLength: Int
  private let marginLength: Int
  // Buffered samples of the current continuous run: index bufferStart…
  private var bufferStart = 0
  private var ax: [Float] = []
  private var ay: [Float] = []
  private var az: [Float] = []
  private var gyroMagnitude: [Float] = []
  private var gyroAxes: [SIMD3<Float>] = []
  private var runStart: Int?
  private var nextCore = 0  // start index of the next core to analyse
  private var detectCore = 0  // start index of the next core to try placement on
  private var expectedIndex: Int?
  private var work = SegmentWorkspace()
  /// One workspace per extra thread of a concurrent analysis.
  private var workers: [SegmentWorkspace] = []
  private var gaitKind = GaitKindLabeller()
  private var profileCache: (any PlacementProfile)?
  /// With ``AnalysisOptions/concurrency`` above 1: the turns the analysis
  /// threads take (one per thread and batch, passed on between cores;
  /// `nil`: each runs whenever it has a core to analyse).
  public var coreTurns: (any CoreTurns)?

  /// An analyzer for samples described by `info`; feed blocks with ``process(_:emit:)`` and end
  /// with ``finish(emit:)``.
  public init(info: RecordingInfo, options: AnalysisOptions = AnalysisOptions()) {
    self.info = info
    rateHz = info.sampleRateHz
    self.options = options
    placement = options.placement ?? info.placement
    coreLength = max(1, Int((options.segmentSeconds * info.sampleRateHz).rounded()))
    marginLength = max(1, Int((options.marginSeconds * info.sampleRateHz).rounded()))
  }

  /// Feeds a block; calls `emit` for every step completed by it.
  public mutating func process(_ block: SampleBlock, emit: (Step) -> Void) {
    guard block.count > 0 else { return }
    if let expected = expectedIndex, block.startIndex != expected {
      finishRun(emit: emit)
    }
    if runStart == nil {
      runStart = block.startIndex
      bufferStart = block.startIndex
      nextCore = block.startIndex
      detectCore = block.startIndex
    }
    ax += block.ax
    ay += block.ay
    az += block.az
    // Gyroscope magnitude stays aligned with the acceleration buffer: a
    // stream whose gyroscope starts late (or stops) gets zeros where it had
    // none, so slices by sample index never run past it.
    if block.hasGyroscope, block.gx.count == block.count, block.gy.count == block.count, block.gz.count == block.count {
      let before = ax.count - block.count
      if gyroMagnitude.count < before { gyroMagnitude.append(contentsOf: repeatElement(0, count: before - gyroMagnitude.count)) }
      if gyroAxes.count < before { gyroAxes.append(contentsOf: repeatElement(.zero, count: before - gyroAxes.count)) }
      for i in 0..<block.count {
        let g = SIMD3(block.gx[i], block.gy[i], block.gz[i])
        gyroMagnitude.append((g * g).sum().squareRoot())
        gyroAxes.append(g)
      }
    } else if !gyroMagnitude.isEmpty {
      gyroMagnitude.append(contentsOf: repeatElement(0, count: ax.count - gyroMagnitude.count))
      gyroAxes.append(contentsOf: repeatElement(.zero, count: ax.count - gyroAxes.count))
    }
    expectedIndex = block.endIndex
    let available = bufferStart + ax.count
    // Placement first: cores wait (up to `maxPendingCores`) until a
    // segment shows which placement this is, so no core is analysed as the
    // wrong one.
    while placement == nil, detectCore + coreLength + marginLength <= available {
      detectPlacement(core: detectCore, dataEnd: available)
      detectCore += coreLength
      if placement == nil, detectCore - nextCore >= maxPendingCores * coreLength {
        placement = .hip
        placementDefaulted = true
      }
    }
    guard placement != nil else { return }
    let threads = max(1, options.concurrency)
    if threads > 1 {
      // Whole batches of ready cores, analysed at once.
      let batch = threads * AnalysisOptions.concurrencyBatchCores
      let ready = max(0, (available - marginLength - nextCore) / coreLength)
      guard ready >= batch else { return }
      var cores: [Range<Int>] = []
      cores.reserveCapacity(ready)
      for k in 0..<ready { cores.append((nextCore + k * coreLength)..<(nextCore + (k + 1) * coreLength)) }
      analyseCores(cores, dataEnd: available, emit: emit)
      nextCore += ready * coreLength
      trimBuffer()
      return
    }
    while nextCore + coreLength + marginLength <= available {
      analyseCore(from: nextCore, to: nextCore + coreLength, dataEnd: available, emit: emit)
      nextCore += coreLength
      trimBuffer()
    }
  }

  /// Cores that may wait for the placement decision (60 s by default).
  private var maxPendingCores: Int { max(1, Int((60 / options.segmentSeconds).rounded())) }

  private mutating func detectPlacement(core: Int, dataEnd: Int) {
    if let p = placementShown(core: core, dataEnd: dataEnd) {
      placement = p
      placementFeatureDeg = work.placementAngleDeg
    }
  }

  /// The placement the core starting at `core` shows (its window loaded
  /// into the workspace), or `nil` when it shows none clearly.
  private mutating func placementShown(core: Int, dataEnd: Int) -> Placement? {
    guard let runStart else { return nil }
    let w0 = max(runStart, bufferStart, core - marginLength)
    let w1 = min(dataEnd, core + coreLength + marginLength)
    let lo = w0 - bufferStart, hi = w1 - bufferStart
    guard hi - lo >= Int(2 * rateHz) else { return nil }
    work.load(ax: ax[lo..<hi], ay: ay[lo..<hi], az: az[lo..<hi],
              gyro: gyroMagnitude.isEmpty ? nil : gyroMagnitude[lo..<hi],
              gyroAxes: gyroAxes.isEmpty ? nil : gyroAxes[lo..<hi], info: info, rateHz: rateHz)
    return work.detectPlacement()
  }

  /// With the placement given as an option, tries detection on the core
  /// about to be analysed, until one decides or ``maxPendingCores`` have
  /// been tried (``placementShownBySignal``). The analysis reloads the
  /// workspace afterwards, so its results do not depend on this.
  private mutating func checkGivenPlacement(core: Int, dataEnd: Int) {
    guard options.placement != nil, placementShownBySignal == nil, placementChecks < maxPendingCores else { return }
    placementChecks += 1
    placementShownBySignal = placementShown(core: core, dataEnd: dataEnd)
  }

  /// Ends the stream: analyses what is left.
  public mutating func finish(emit: (Step) -> Void) {
    finishRun(emit: emit)
  }

  private mutating func finishRun(emit: (Step) -> Void) {
    guard runStart != nil else { return }
    let available = bufferStart + ax.count
    while placement == nil, detectCore < available {
      detectPlacement(core: detectCore, dataEnd: available)
      detectCore += coreLength
    }
    if placement == nil, nextCore < available {
      placement = .hip
      placementDefaulted = true
    }
    if options.concurrency > 1 {
      var cores: [Range<Int>] = []
      while nextCore < available {
        let end = min(available, nextCore + coreLength)
        cores.append(nextCore..<end)
        nextCore = end
      }
      analyseCores(cores, dataEnd: available, emit: emit)
    }
    while nextCore < available {
      let end = min(available, nextCore + coreLength)
      analyseCore(from: nextCore, to: end, dataEnd: available, emit: emit)
      nextCore = end
    }
    runStart = nil
    gaitKind.reset()
    ax.removeAll(keepingCapacity: true)
    ay.removeAll(keepingCapacity: true)
    az.removeAll(keepingCapacity: true)
    gyroMagnitude.removeAll(keepingCapacity: true)
    gyroAxes.removeAll(keepingCapacity: true)
    expectedIndex = nil
  }

  private mutating func trimBuffer() {
    let keepFrom = max(bufferStart, nextCore - marginLength)
    let drop = keepFrom - bufferStart
    // Compact only when the dead prefix is large relative to the buffer, so
    // a long block appended at once costs linear, not quadratic, time.
    if drop > 4 * coreLength && drop * 2 > ax.count {
      ax.removeFirst(drop); ay.removeFirst(drop); az.removeFirst(drop)
      if !gyroMagnitude.isEmpty { gyroMagnitude.removeFirst(drop) }
      if !gyroAxes.isEmpty { gyroAxes.removeFirst(drop) }
      bufferStart = keepFrom
    }
  }

  private mutating func analyseCore(from coreStart: Int, to coreEnd: Int, dataEnd: Int, emit: (Step) -> Void) {
    guard runStart != nil else { return }
    checkGivenPlacement(core: coreStart, dataEnd: dataEnd)
    let place = placement ?? .hip
    if profileCache?.placement != place { profileCache = GaitDSP.profile(for: place, options: options, rangeG: info.accelerometerRangeG) }
    let found = windowContext().analyse(core: coreStart..<coreEnd, dataEnd: dataEnd, work: &work)
    finishCore(found, emit: emit)
  }

  /// What one core gave before the run-level labelling.
  fileprivate struct CoreFound: Sendable {
    var result: SegmentResult
    var steps: [Step]
    /// Whether the window was long enough to analyse.
    var analysed: Bool
  }

  /// Analyses `cores` in order: on `options.concurrency` threads when
  /// there are several, each thread with its own workspace; the labelling
  /// that carries from segment to segment then runs in order, so the
  /// results equal the serial analysis.
  private mutating func analyseCores(_ cores: [Range<Int>], dataEnd: Int, emit: (Step) -> Void) {
    guard runStart != nil else { return }
    let threads = min(max(1, options.concurrency), cores.count)
    if threads <= 1 {
      for c in cores { analyseCore(from: c.lowerBound, to: c.upperBound, dataEnd: dataEnd, emit: emit) }
      return
    }
    for c in cores { checkGivenPlacement(core: c.lowerBound, dataEnd: dataEnd) }
    let place = placement ?? .hip
    if profileCache?.placement != place { profileCache = GaitDSP.profile(for: place, options: options, rangeG: info.accelerometerRangeG) }
    while workers.count < threads - 1 { workers.append(SegmentWorkspace()) }
    var found = [CoreFound?](repeating: nil, count: cores.count)
    let context = windowContext()  // read-only, shared (copy-on-write buffers, no copy)
    // The workspaces are moved (not copied) into the pool and back: a copy
    // would leave every buffer shared, and the first write to it in a
    // thread would copy it (once per buffer per batch).
    var pool = [SegmentWorkspace](repeating: SegmentWorkspace(), count: threads)
    swap(&pool[0], &work)
    for t in 1..<threads { swap(&pool[t], &workers[t - 1]) }
    // Cores are handed out one at a time from a shared counter, so a thread
    // that the system preempts (or that drew slower cores) does not hold
    // the batch back; each thread works in a workspace moved onto its own
    // stack (no cache line shared with another thread's workspace).
    let next = Atomic<Int>(0)
    let turns = coreTurns
    found.withUnsafeMutableBufferPointer { out in
      pool.withUnsafeMutableBufferPointer { ws in
        let shared = SharedBuffers(out: out, workspaces: ws)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
          var local = SegmentWorkspace()
          swap(&local, &shared.workspaces[t])
          // The turn first, then a core: a thread waiting for its turn
          // holds no core back from the others.
          turns?.enter()
          while true {
            let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard k < cores.count else { break }
            shared.out[k] = context.analyse(core: cores[k], dataEnd: dataEnd, work: &local)
            turns?.pass()
          }
          turns?.leave()
          swap(&local, &shared.workspaces[t])
        }
      }
    }
    swap(&pool[0], &work)
    for t in 1..<threads { swap(&pool[t], &workers[t - 1]) }
    for k in found.indices {
      let f = found[k]!
      found[k] = nil  // the steps' only reference is now `f`: labelled in place
      finishCore(f, emit: emit)
    }
  }

  /// What the analysis of one core reads, shareable between threads.
  private func windowContext() -> WindowContext {
    let place = placement ?? .hip
    let profile = profileCache?.placement == place
      ? profileCache! : GaitDSP.profile(for: place, options: options, rangeG: info.accelerometerRangeG)
    return WindowContext(ax: ax, ay: ay, az: az, gyroMagnitude: gyroMagnitude, gyroAxes: gyroAxes, bufferStart: bufferStart,
                         runStart: runStart ?? bufferStart, marginLength: marginLength, rateHz: rateHz, info: info,
                         options: options, placement: placement, profile: profile)
  }
}

/// The buffered run and the settings one core's analysis reads.
private struct WindowContext: Sendable {
  let ax: [Float], ay: [Float], az: [Float], gyroMagnitude: [Float], gyroAxes: [SIMD3<Float>]
  let bufferStart: Int, runStart: Int, marginLength: Int
  let rateHz: Double
  let info: RecordingInfo
  let options: AnalysisOptions
  let placement: Placement?
  let profile: any PlacementProfile

  /// Steps and segment result of the core `core`, from the window around it
  /// (`work` is the caller's scratch space).
  func analyse(core: Range<Int>, dataEnd: Int, work: inout SegmentWorkspace) -> GaitAnalyzer.CoreFound {
    let coreStart = core.lowerBound, coreEnd = core.upperBound
    let w0 = max(runStart, bufferStart, coreStart - marginLength)
    let w1 = min(dataEnd, coreEnd + marginLength)
    let lo = w0 - bufferStart, hi = w1 - bufferStart
    let minSamples = Int(2 * rateHz)
    var result = SegmentResult(
      startS: Double(coreStart) / rateHz, endS: Double(coreEnd) / rateHz, cadenceSpectralSpm: nil,
      steps: 0, runningSteps: 0, trunkLeanDeg: nil, mountingTiltDeg: nil, placement: placement ?? .hip)
    guard hi - lo >= minSamples else { return GaitAnalyzer.CoreFound(result: result, steps: [], analysed: false) }
    work.load(ax: ax[lo..<hi], ay: ay[lo..<hi], az: az[lo..<hi],
              gyro: gyroMagnitude.isEmpty ? nil : gyroMagnitude[lo..<hi],
              gyroAxes: gyroAxes.isEmpty ? nil : gyroAxes[lo..<hi], info: info, rateHz: rateHz)
    let place = placement ?? .hip
    result.placement = place
    work.prepare(lowPassHz: min(options.lowPassHz, 0.4 * rateHz))
    result.mountingTiltDeg = work.mountingTiltDeg
    let coreLo = coreStart - w0, coreHi = coreEnd - w0
    let period = work.stepPeriod(profile.periodicity)
    result.cadenceSpectralSpm = period.map { 60 * rateHz / $0 }
    let found = profile.analyse(&work, stepPeriodSamples: period, coreRange: coreLo..<coreHi, offsetIndex: w0,
                                side: options.side ?? info.side)
    result.trunkLeanDeg = found.trunkLean?.degrees
    if let still = work.stillGravity(in: coreLo..<coreHi) {
      result.still = true
      result.standingUp = [Double(still.x), Double(still.y), Double(still.z)]
    }
    result.leanForwardAxis = found.trunkLean.map { [Double($0.forwardAxis.x), Double($0.forwardAxis.y), Double($0.forwardAxis.z)] }
    return GaitAnalyzer.CoreFound(result: result, steps: found.steps, analysed: true)
  }
}

extension GaitAnalyzer {

  /// The in-order part of a core: gait-kind labelling (it carries across
  /// segments), the segment's counts, and the steps out.
  private mutating func finishCore(_ found: consuming CoreFound, emit: (Step) -> Void) {
    var found = found
    if found.analysed { gaitKind.label(&found.steps) }
    found.result.steps = found.steps.count
    found.result.runningSteps = found.steps.reduce(0) { $0 + ($1.running ? 1 : 0) }
    segments.append(found.result)
    for s in found.steps { emit(s) }
  }
}

/// The result slots and per-thread workspaces of one concurrent batch:
/// thread `t` writes only workspace `t` and the slots of the cores it drew
/// from the batch's counter, so no two threads write the same memory.
private struct SharedBuffers<Out, Work>: @unchecked Sendable {
  let out: UnsafeMutableBufferPointer<Out>
  let workspaces: UnsafeMutableBufferPointer<Work>
}

extension GaitAnalyzer {
  /// Runs a whole recording through the analyzer.
  public static func analyze(_ recording: Recording, options: AnalysisOptions = AnalysisOptions())
    -> (steps: [Step], segments: [SegmentResult], placement: Placement?)
  {
    var analyzer = GaitAnalyzer(info: recording.info, options: options)
    var steps: [Step] = []
    for block in recording.blocks { analyzer.process(block) { steps.append($0) } }
    analyzer.finish { steps.append($0) }
    return (steps, analyzer.segments, analyzer.placement)
  }
}
