//===--- RunSummary.swift -------------------------------------------------===//
// Per-run aggregation of step metrics.
//===----------------------------------------------------------------------===//
import GaitCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Mean, median, standard deviation and 10th/90th percentiles of a metric.
public struct Distribution: Sendable, Hashable, Codable {
  /// Finite values the distribution is over.
  public var count: Int
  /// Arithmetic mean.
  public var mean: Double
  /// Median (the 0.5 quantile, linear interpolation between closest ranks).
  public var median: Double
  /// Sample standard deviation (n − 1); 0 for a single value.
  public var sd: Double
  /// 10th percentile.
  public var p10: Double
  /// 90th percentile.
  public var p90: Double

  /// The distribution of `values`, or `nil` when there are none.
  public init?<S: Sequence<Double>>(_ values: S) {
    var v = values.filter(\.isFinite)
    guard !v.isEmpty else { return nil }
    count = v.count
    mean = v.reduce(0, +) / Double(v.count)
    let m = mean
    sd = v.count > 1 ? (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot() : 0
    // Percentiles by the one definition (Statistics): linear
    // interpolation between closest ranks.
    // In ascending order, each selection above the last one's rank.
    var settled = -1
    func q(_ p: Double) -> Double {
      v.withUnsafeMutableBufferPointer { Statistics.interpolatedQuantile($0, p, settled: &settled) }
    }
    p10 = q(0.1)
    median = q(0.5)
    p90 = q(0.9)
  }
}

/// A stretch of the run that is running (steps with flight), s.
public struct Stretch: Sendable, Hashable, Codable {
  /// Start of the stretch: its first running step's initial contact, s.
  public var startS: Double
  /// End of the stretch, s.
  public var endS: Double
}

/// The whole run in numbers.
public struct RunSummary: Sendable, Hashable {
  /// Steps detected (running and walking).
  public var steps: Int
  /// Steps in running bouts.
  public var runningSteps: Int
  /// `running` when the metrics below are over running steps only, `all`
  /// when the run had too few running steps.
  public var basis: SummaryBasis
  /// Steps of both feet per minute (60 000 / step time), over the ``basis`` steps.
  public var cadenceSpm: Distribution?
  /// Median of the spectral step rate over segments with gait, steps/min.
  public var cadenceSpectralSpm: Double?
  /// Step time, ms (for a foot or shank sensor half the stride time).
  public var stepTimeMs: Distribution?
  /// Ground contact time (IC to toe-off), ms.
  public var groundContactMs: Distribution?
  /// The stated uncertainty of each step's ground contact time, ± ms, when
  /// the placement's toe-off has one from the literature (shank:
  /// ``shankContactTimeUncertaintyMs``); `nil` for the other placements,
  /// whose accuracy is measured against truth in docs/VALIDATION.md rather
  /// than stated per report. Set by the pipeline, which knows the placement.
  public var groundContactUncertaintyMs: Double?
  /// Flight time (toe-off to the next IC), ms.
  public var flightMs: Distribution?
  /// Ground contact / stride time (0–1).
  public var dutyFactor: Distribution?
  /// Peak-to-peak vertical displacement of the trunk per step, cm (hip only).
  public var verticalOscillationCm: Distribution?
  /// Peak-to-peak mediolateral displacement of the trunk per step, cm (hip only).
  public var lateralSwayCm: Distribution?
  /// Forward velocity lost during stance, m/s (hip only).
  public var brakingMps: Distribution?
  /// Peak vertical acceleration in the first half of stance, g.
  public var impactG: Distribution?
  /// Shank: peak axial tibial acceleration per step, g, and its rate of
  /// rise, g/s; steps whose peak window holds a clipped sample (their peak
  /// is a lower bound).
  public var tibialShockG: Distribution?
  /// Shank: rate of rise of the axial tibial acceleration, g/s.
  public var tibialShockRateGps: Distribution?
  /// Shank: steps whose shock window holds a clipped sample.
  public var tibialShockClippedSteps = 0
  /// Forward trunk lean per segment, degrees (hip only); see ``trunkLeanReference``.
  public var trunkLeanDeg: Distribution?
  /// `standing` (relative to a still stance in the recording) or
  /// `sensor-axis` (relative to the sensor's nearest axis to vertical).
  public var trunkLeanReference: TrunkLeanReference
  /// Median angle between gravity and the nearest sensor axis, degrees.
  public var mountingTiltDeg: Double?
  /// Left foot's share of ground contact time (Garmin "GCT balance"), %.
  public var gctBalanceLeftPct: Double?
  /// Vertical oscillation / step length × 100, when speed is known.
  public var verticalRatioPct: Double?
  /// The running stretches of the run, in time order.
  public var runningStretches: [Stretch]
  /// Total time in running stretches, s.
  public var runningSeconds: Double

  /// Shank contact time uncertainty, ± ms: shank toe-off from acceleration
  /// agrees with force plates within about ±150 ms (Kiernan et al. 2023,
  /// Sensors 23:5022: limits of agreement −143.9 to +150.9 ms for the
  /// recommended shank toe-off rule over 74 runners; Lubrano et al. 2026:
  /// shank toe-off from acceleration is the least accurate event). The
  /// gyroscope path (validated on synthetic signals only) falls back to the
  /// accelerometer, so no tighter figure is claimed for it.
  public static let shankContactTimeUncertaintyMs = 150.0

  /// Fewest counted steps for which ``init(steps:segments:speedMps:concurrency:)``
  /// uses more than one thread (below it, handing out the metrics costs
  /// more than it saves; a bout's summary stays on one thread).
  public static let concurrentSummarySteps = 8192

  /// Fewest steps in running bouts for the metrics to be over running
  /// steps only (``basis`` `running`); running flags need it.
  public static let minimumRunningSteps = 8

  /// Aggregates `steps` and `segments`. Steps are in running bouts when
  /// ``Step/running`` (the analyzer labels whole bouts, with hysteresis), so
  /// cadence comes from every step interval of the running bouts, not only
  /// from the steps whose toe-off was timed.
  ///
  /// With `concurrency` above 1 the per-step distributions of a long run
  /// (at least ``concurrentSummarySteps`` counted steps) are computed on
  /// that many threads, one metric per thread at a time: the same values
  /// (each distribution is computed exactly as on one thread), with one
  /// metric's array alive per thread.
  public init(steps all: [Step], segments: [SegmentResult], speedMps: Double?, concurrency: Int = 1) {
    steps = all.count
    runningSteps = all.reduce(0) { $0 + ($1.running ? 1 : 0) }
    // Metrics over running steps when there are enough, without copying the
    // steps (a 10-hour run has 100 000 of them).
    let onlyRunning = runningSteps >= Self.minimumRunningSteps
    basis = onlyRunning ? .running : .all
    // One metric at a time, straight from the steps (the same values in the
    // same order): one array alive at a time, not thirteen (13 MB for the
    // 100 000 steps of a 10-hour run, at the process's memory peak).
    let counted = all.lazy.filter { !onlyRunning || $0.running }
    let countedSteps = onlyRunning ? all.reduce(0) { $0 + ($1.running ? 1 : 0) } : all.count
    // A plain loop into one array: a lazy filter-compactMap chain through
    // key paths cost more than the quantiles themselves.
    @Sendable func distribution(_ value: (Step) -> Double?) -> Distribution? {
      var values: [Double] = []
      values.reserveCapacity(countedSteps)
      for st in all where !onlyRunning || st.running {
        if let v = value(st) { values.append(v) }
      }
      return Distribution(values)
    }
    var leftContact: [Double] = [], rightContact: [Double] = []
    var shockClipped = 0
    for st in counted {
      if let g = st.groundContactMs {
        if st.side == .left { leftContact.append(g) } else if st.side == .right { rightContact.append(g) }
      }
      if st.tibialShockClipped == true { shockClipped += 1 }
    }
    let metrics: [@Sendable (Step) -> Double?] = [
      { $0.tibialShockG }, { $0.tibialShockRateGps }, { st in st.stepTimeMs.map { 60_000 / $0 } },
      { $0.stepTimeMs }, { $0.groundContactMs }, { $0.flightMs }, { $0.dutyFactor },
      { $0.verticalOscillationCm }, { $0.lateralSwayCm }, { $0.brakingMps }, { $0.impactG },
    ]
    // Metrics handed out one at a time to the threads (GaitCore's one pool).
    let threads = countedSteps >= Self.concurrentSummarySteps ? concurrency : 1
    let found = threads > 1
      ? parallelMap(metrics.count, jobs: threads) { distribution(metrics[$0]) }
      : metrics.map { distribution($0) }
    tibialShockG = found[0]
    tibialShockRateGps = found[1]
    tibialShockClippedSteps = shockClipped
    cadenceSpm = found[2]
    cadenceSpectralSpm = Statistics.median(segments.compactMap(\.cadenceSpectralSpm))
    stepTimeMs = found[3]
    groundContactMs = found[4]
    flightMs = found[5]
    dutyFactor = found[6]
    verticalOscillationCm = found[7]
    lateralSwayCm = found[8]
    brakingMps = found[9]
    impactG = found[10]
    let gaitSegments = segments.filter { $0.steps > 0 }
    // Lean relative to standing when the recording has a still stance
    // (the mounting tilt found in standing, Moe-Nilssen 1998; docs/EVIDENCE.md);
    // else relative to the sensor's own upright axis.
    let still = segments.compactMap(\.standingUp)
    if !still.isEmpty {
      var g = [0.0, 0.0, 0.0]
      for v in still { for i in 0..<3 { g[i] += v[i] } }
      let norm = (g[0] * g[0] + g[1] * g[1] + g[2] * g[2]).squareRoot()
      let standing = g.map { $0 / norm }
      var leans: [Double] = []
      for s in gaitSegments {
        guard let lean = s.trunkLeanDeg, let f = s.leanForwardAxis else { continue }
        let standingLean = asin(max(-1, min(1, -(standing[0] * f[0] + standing[1] * f[1] + standing[2] * f[2])))) * 180 / .pi
        leans.append(lean - standingLean)
      }
      trunkLeanDeg = Distribution(leans)
      trunkLeanReference = .standing
    } else {
      trunkLeanDeg = Distribution(gaitSegments.compactMap(\.trunkLeanDeg))
      trunkLeanReference = .sensorAxis
    }
    mountingTiltDeg = Statistics.median(gaitSegments.compactMap(\.mountingTiltDeg))
    let left = leftContact, right = rightContact
    if left.count >= 4, right.count >= 4 {
      let l = left.reduce(0, +) / Double(left.count), r = right.reduce(0, +) / Double(right.count)
      gctBalanceLeftPct = 100 * l / (l + r)
    }
    if let speedMps, let vo = verticalOscillationCm?.median, let st = stepTimeMs?.median {
      let stepLengthCm = speedMps * st / 1000 * 100
      verticalRatioPct = stepLengthCm > 0 ? 100 * vo / stepLengthCm : nil
    }
    // Running stretches: consecutive segments where most steps run.
    var stretches: [Stretch] = []
    for s in segments where s.steps > 0 && s.runningSteps * 2 > s.steps {
      if var last = stretches.last, abs(last.endS - s.startS) < 1e-6 {
        last.endS = s.endS
        stretches[stretches.count - 1] = last
      } else {
        stretches.append(Stretch(startS: s.startS, endS: s.endS))
      }
    }
    runningStretches = stretches
    runningSeconds = stretches.reduce(0) { $0 + $1.endS - $1.startS }
  }
}
