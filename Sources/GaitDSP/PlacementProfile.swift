//===--- PlacementProfile.swift -------------------------------------------===//
// Everything that differs between sensor placements, in one type each.
//===----------------------------------------------------------------------===//
import GaitCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a placement's signal shows the gait period: which signal, in which
/// band its fundamental lies, and whether that fundamental is the step or
/// the stride rate. At the trunk the fundamental of vertical acceleration is
/// the step rate; at the foot (and shank) the fundamental of |a| is the
/// stride rate (TetraTrack, eargait: check the 2nd harmonic to resolve).
struct PeriodicityModel: Sendable {
  enum Signal: Sendable { case vertical, magnitude }
  enum Fundamental: Sendable { case step, stride }
  var signal: Signal
  var bandHz: ClosedRange<Double>
  var fundamental: Fundamental
  /// Step fundamental: halve the period when the autocorrelation at half
  /// of it exceeds this (the spectrum picked the stride).
  var halfLagCorrelation = 0.4
  /// Step fundamental: double the period when the autocorrelation at it is
  /// below ``weakStepCorrelation`` and at twice it above ``strideCorrelation``.
  var weakStepCorrelation = 0.2
  var strideCorrelation = 0.5
  /// Stride fundamental: double the period when the autocorrelation at
  /// twice it exceeds that at it by more than this.
  var strideMargin = 0.15
  /// No periodic gait when the autocorrelation at the period is at or
  /// below this.
  var minimumCorrelation = 0.2
  /// Activity gate: no periodic gait when the signal's 99th percentile
  /// exceeds its lower quartile by less than this, g (`nil` = no gate).
  var minimumSwingG: Double?
  /// Stance humps (step fundamental): a hump rises above
  /// ``humpLevel`` of the way from the ``humpLowQuantile`` to the 99th
  /// percentile after a drop to that quantile.
  var humpLowQuantile = 0.25
  var humpLevel = 0.5
  /// Halve the period when humps come closer than this many periods apart,
  /// double it when further apart than ``doubleHumpRatio``.
  var halfHumpRatio = 0.7
  var doubleHumpRatio = 1.5
  /// Cadence prior: with flight (at least ``minimumFlightFraction`` of the
  /// samples below ``flightG``), a step rate below this is a stride.
  var runningMinimumSpm = 120.0
  var flightG = 0.3
  var minimumFlightFraction = 0.1
}

/// What a profile found in one segment.
struct PlacementSteps {
  var steps: [Step]
  var trunkLean: TrunkLean?
}

/// One sensor placement: how its gait period shows, which
/// ``ContactDetector`` finds its contacts, and which calculators turn them
/// into steps (and trunk lean). A new placement is one new conforming type
/// plus one line in ``profile(for:options:)``.
protocol PlacementProfile: Sendable {
  var placement: Placement { get }
  var periodicity: PeriodicityModel { get }
  /// Steps (and lean) of the prepared `segment`; `stepPeriodSamples` is the
  /// spectral prior or `nil` without periodic gait. May settle the segment's
  /// forward sign.
  func analyse(_ segment: inout SegmentWorkspace, stepPeriodSamples: Double?, coreRange: Range<Int>,
               offsetIndex: Int, side: Side?) -> PlacementSteps
}

/// The profile of `placement` with the analysis options' parameters;
/// `rangeG` is the accelerometer's stated range, when known.
func profile(for placement: Placement, options: AnalysisOptions, rangeG: Float? = nil) -> any PlacementProfile {
  switch placement {
  case .hip: TrunkProfile(detector: HipContactDetector(thresholdG: Float(options.contactThresholdG)))
  case .foot: FootProfile()
  case .shank: ShankProfile(detector: ShankContactDetector(icMethod: options.shankInitialContact),
                            metrics: ShankStepMetrics(rangeG: rangeG))
  }
}

/// Sacrum, lower back, waist clip.
struct TrunkProfile: PlacementProfile {
  var placement: Placement { .hip }
  static let periodicityModel = PeriodicityModel(signal: .vertical, bandHz: 1.0...4.6, fundamental: .step,
                                                 minimumSwingG: 0.15)
  var periodicity = TrunkProfile.periodicityModel
  var detector: HipContactDetector
  var metrics = TrunkStepMetrics()
  var forwardSign = ForwardSignFromBraking()
  var lean = TrunkLeanCalculator()
  var localPeriod = LocalPeriodModel()

  func analyse(_ segment: inout SegmentWorkspace, stepPeriodSamples: Double?, coreRange: Range<Int>,
               offsetIndex: Int, side: Side?) -> PlacementSteps {
    guard let period = stepPeriodSamples else { return PlacementSteps(steps: [], trunkLean: lean.lean(of: segment)) }
    segment.estimateLocalPeriods(periodicity, segmentPeriod: period, local: localPeriod)
    let contacts = detector.detectContacts(in: segment, stepPeriodSamples: period, coreRange: coreRange)
    if forwardSign.pointsBackward(segment, contacts: contacts) { segment.flipForward() }
    let trunkLean = lean.lean(of: segment)
    var velocity: [Double] = []
    swap(&velocity, &segment.velocityScratch)
    let steps = metrics.steps(from: contacts, in: segment, stepPeriodSamples: period, coreRange: coreRange,
                              offsetIndex: offsetIndex, velocity: &velocity)
    swap(&velocity, &segment.velocityScratch)
    return PlacementSteps(steps: steps, trunkLean: trunkLean)
  }
}

/// Shoe, foot pod, ankle.
struct FootProfile: PlacementProfile {
  var placement: Placement { .foot }
  static let periodicityModel = PeriodicityModel(signal: .magnitude, bandHz: 0.5...2.4, fundamental: .stride)
  var periodicity = FootProfile.periodicityModel
  var detector = FootContactDetector()
  var metrics = FootStepMetrics()

  func analyse(_ segment: inout SegmentWorkspace, stepPeriodSamples: Double?, coreRange: Range<Int>,
               offsetIndex: Int, side: Side?) -> PlacementSteps {
    guard let period = stepPeriodSamples else { return PlacementSteps(steps: [], trunkLean: nil) }
    let contacts = detector.detectContacts(in: segment, stepPeriodSamples: period, coreRange: coreRange)
    let steps = metrics.steps(from: contacts, in: segment, stepPeriodSamples: period, coreRange: coreRange,
                              offsetIndex: offsetIndex, side: side)
    return PlacementSteps(steps: steps, trunkLean: nil)
  }
}

/// Quasi-static forward inclination of the trunk sensor.
struct TrunkLean: Sendable {
  /// Degrees, positive = forward.
  var degrees: Double
  /// The sensor's own forward axis the lean was measured along (unit,
  /// sensor frame).
  var forwardAxis: SIMD3<Float>
}

/// Forward inclination of the sensor's upright axis from gravity (Moe-Nilssen
/// 1998: sin θ_AP = mean a_AP / g, with the sensor's nearest axis to gravity
/// as its upright axis). Needs the segment's forward sign settled.
struct TrunkLeanCalculator: Sendable {
  func lean(of segment: SegmentWorkspace) -> TrunkLean? {
    if segment.bodyFrame {
      let n = Float(max(segment.vertical.count, 1))
      let mv = segment.vertical.reduce(0, +) / n, ma = segment.anteroposterior.reduce(0, +) / n
      let mm = segment.hasMediolateral ? segment.mediolateral.reduce(0, +) / n : 0
      let norm = (mv * mv + ma * ma + mm * mm).squareRoot()
      guard norm > 0 else { return nil }
      return TrunkLean(degrees: Double(asin(max(-1, min(1, -ma / norm)))) * 180 / .pi, forwardAxis: SIMD3(0, 1, 0))
    }
    // The sensor axis nearest to gravity, signed.
    let up = segment.up, forward = segment.forward
    var s = SIMD3<Float>(0, 0, 0)
    let a = SIMD3<Float>(abs(up.x), abs(up.y), abs(up.z))
    if a.x >= a.y && a.x >= a.z { s.x = up.x > 0 ? 1 : -1 } else if a.y >= a.z { s.y = up.y > 0 ? 1 : -1 } else {
      s.z = up.z > 0 ? 1 : -1
    }
    let fs = forward - dot(forward, s) * s
    let len = (fs * fs).sum().squareRoot()
    guard len > 1e-3 else { return nil }
    return TrunkLean(degrees: Double(asin(max(-1, min(1, -dot(up, fs / len))))) * 180 / .pi, forwardAxis: fs / len)
  }
}
