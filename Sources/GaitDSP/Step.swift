//===--- Step.swift -------------------------------------------------------===//
// The per-step and per-segment results of the analysis.
//===----------------------------------------------------------------------===//
import GaitCore

/// One step: a foot contact and what follows it until the next contact.
///
/// Times are seconds from the first sample of the input. Fields that the
/// placement cannot measure are `nil` (a foot sensor has no trunk oscillation;
/// a two-axis file has no mediolateral axis).
public struct Step: Sendable, Hashable, Codable {
  /// Initial contact (foot strike), s.
  public var icS: Double
  /// Terminal contact (toe-off), s.
  public var tcS: Double?
  /// Which foot, when it can be told.
  public var side: Side?
  /// From this contact to the next one of either foot (hip) or to the next
  /// of the same foot divided by two (foot), ms.
  public var stepTimeMs: Double?
  /// Ground contact time, ms (tc − ic).
  public var groundContactMs: Double?
  /// Flight time, ms (next ic − tc); 0 when the feet overlap.
  public var flightMs: Double?
  /// Ground contact / stride time.
  public var dutyFactor: Double?
  /// Peak-to-peak vertical displacement of the trunk over the step, cm.
  public var verticalOscillationCm: Double?
  /// Forward velocity lost during stance (braking), m/s.
  public var brakingMps: Double?
  /// Peak vertical acceleration in the first half of stance, g.
  public var impactG: Double?
  /// Peak-to-peak mediolateral displacement of the trunk over the step, cm.
  public var lateralSwayCm: Double?
  /// Foot-flat (the quietest instant of stance) of a foot sensor, s.
  public var footFlatS: Double?
  /// Whether the step belongs to a running bout (``GaitKindLabeller``:
  /// flight phases, with hysteresis) or a walking one. The step metrics set
  /// it per step (a flight phase seen); the analyzer then labels per bout.
  public var running: Bool
  /// Shank sensor: peak axial (tibial) acceleration after contact, gravity
  /// included, g. A lower bound when ``tibialShockClipped``.
  public var tibialShockG: Double?
  /// Shank sensor: mean rate of rise of the axial acceleration from contact
  /// to its peak, g/s.
  public var tibialShockRateGps: Double?
  /// Shank sensor: the shock window holds a sample at the sensor's range.
  public var tibialShockClipped: Bool?

  public init(icS: Double, running: Bool) {
    self.icS = icS
    self.running = running
  }
}

/// What one analysis segment (a few seconds of signal) showed.
public struct SegmentResult: Sendable, Hashable, Codable {
  /// Start and end of the segment's core, s.
  public var startS: Double
  public var endS: Double
  /// Step rate from the spectrum, steps/min (both feet), `nil` when no
  /// periodic gait was found.
  public var cadenceSpectralSpm: Double?
  /// Steps whose contact lies in the segment.
  public var steps: Int
  /// Running steps in the segment.
  public var runningSteps: Int
  /// Forward trunk (sensor) inclination from the gravity direction, degrees;
  /// positive = leaning forward. Relative to the sensor's own upright axis.
  public var trunkLeanDeg: Double?
  /// Angle between gravity and the nearest sensor axis, degrees.
  public var mountingTiltDeg: Double?
  /// Placement the segment was analysed as.
  public var placement: Placement
  /// The segment holds two or more seconds of standing still.
  public var still: Bool = false
  /// Gravity direction ("up") in the sensor frame while standing still,
  /// unit vector.
  public var standingUp: [Double]?
  /// The forward axis the lean was measured along, sensor frame.
  public var leanForwardAxis: [Double]?

  public init(startS: Double, endS: Double, cadenceSpectralSpm: Double?, steps: Int, runningSteps: Int,
              trunkLeanDeg: Double?, mountingTiltDeg: Double?, placement: Placement) {
    self.startS = startS
    self.endS = endS
    self.cadenceSpectralSpm = cadenceSpectralSpm
    self.steps = steps
    self.runningSteps = runningSteps
    self.trunkLeanDeg = trunkLeanDeg
    self.mountingTiltDeg = mountingTiltDeg
    self.placement = placement
  }
}
