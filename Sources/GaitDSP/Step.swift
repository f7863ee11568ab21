//===--- Step.swift -------------------------------------------------------===//
// The per-step and per-segment results of the analysis.
//===----------------------------------------------------------------------===//
import GaitCore

/// One step: a foot contact and what follows it until the next contact.
///
/// Times are seconds from the first sample of the input. Fields that the
/// placement cannot measure are `nil` (a foot sensor has no trunk oscillation;
/// a two-axis file has no mediolateral axis).
///
/// Stored compactly (112 bytes, was 200): each optional number is a plain
/// `Double` (``CompactOptional``) in which one NaN bit pattern, never
/// produced by arithmetic and never handed out, stands for `nil`; the public properties, equality,
/// hashing and the Codable form are those of the optionals.
public struct Step: Sendable, Hashable, Codable {
  /// Initial contact (foot strike), s.
  public var icS: Double
  /// Terminal contact (toe-off), s.
  @CompactOptional public var tcS: Double?
  /// From this contact to the next one of either foot (hip) or to the next
  /// of the same foot divided by two (foot), ms.
  @CompactOptional public var stepTimeMs: Double?
  /// Ground contact time, ms (tc − ic).
  @CompactOptional public var groundContactMs: Double?
  /// Flight time, ms (next ic − tc); 0 when the feet overlap.
  @CompactOptional public var flightMs: Double?
  /// Ground contact / stride time.
  @CompactOptional public var dutyFactor: Double?
  /// Peak-to-peak vertical displacement of the trunk over the step, cm.
  @CompactOptional public var verticalOscillationCm: Double?
  /// Forward velocity lost during stance (braking), m/s.
  @CompactOptional public var brakingMps: Double?
  /// Peak vertical acceleration in the first half of stance, g.
  @CompactOptional public var impactG: Double?
  /// Peak-to-peak mediolateral displacement of the trunk over the step, cm.
  @CompactOptional public var lateralSwayCm: Double?
  /// Foot-flat (the quietest instant of stance) of a foot sensor, s.
  @CompactOptional public var footFlatS: Double?
  /// Shank sensor: peak axial (tibial) acceleration after contact, gravity
  /// included, g. A lower bound when ``tibialShockClipped``.
  @CompactOptional public var tibialShockG: Double?
  /// Shank sensor: mean rate of rise of the axial acceleration from contact
  /// to its peak, g/s.
  @CompactOptional public var tibialShockRateGps: Double?
  // The three one-byte fields last, side by side, so that they share one
  // 8-byte slot after the twelve numbers (112 bytes in all).
  /// Which foot, when it can be told.
  public var side: Side?
  /// Whether the step belongs to a running bout (``GaitKindLabeller``:
  /// flight phases, with hysteresis) or a walking one. The step metrics set
  /// it per step (a flight phase seen); the analyzer then labels per bout.
  public var running: Bool
  /// Shank sensor: the shock window holds a sample at the sensor's range.
  public var tibialShockClipped: Bool?

  /// A step at `icS` with every optional field `nil`.
  public init(icS: Double, running: Bool) {
    self.icS = icS
    self.running = running
  }

  // Equality, hashing and coding as the synthesized ones of the optional
  // fields did (same keys, absent values left out).
  /// Equal when every field is equal, as the optionals compare (NaN is not equal to itself).
  public static func == (a: Step, b: Step) -> Bool {
    a.icS == b.icS && a.tcS == b.tcS && a.side == b.side && a.stepTimeMs == b.stepTimeMs
      && a.groundContactMs == b.groundContactMs && a.flightMs == b.flightMs && a.dutyFactor == b.dutyFactor
      && a.verticalOscillationCm == b.verticalOscillationCm && a.brakingMps == b.brakingMps && a.impactG == b.impactG
      && a.lateralSwayCm == b.lateralSwayCm && a.footFlatS == b.footFlatS && a.running == b.running
      && a.tibialShockG == b.tibialShockG && a.tibialShockRateGps == b.tibialShockRateGps
      && a.tibialShockClipped == b.tibialShockClipped
  }

  /// Hashes every field as its optional.
  public func hash(into h: inout Hasher) {
    h.combine(icS); h.combine(tcS); h.combine(side); h.combine(stepTimeMs); h.combine(groundContactMs)
    h.combine(flightMs); h.combine(dutyFactor); h.combine(verticalOscillationCm); h.combine(brakingMps)
    h.combine(impactG); h.combine(lateralSwayCm); h.combine(footFlatS); h.combine(running)
    h.combine(tibialShockG); h.combine(tibialShockRateGps); h.combine(tibialShockClipped)
  }

  private enum CodingKeys: String, CodingKey {
    case icS, tcS, side, stepTimeMs, groundContactMs, flightMs, dutyFactor, verticalOscillationCm, brakingMps
    case impactG, lateralSwayCm, footFlatS, running, tibialShockG, tibialShockRateGps, tibialShockClipped
  }

  /// Decodes the keyed form; absent keys are `nil`.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    icS = try c.decode(Double.self, forKey: .icS)
    running = try c.decode(Bool.self, forKey: .running)
    side = try c.decodeIfPresent(Side.self, forKey: .side)
    tibialShockClipped = try c.decodeIfPresent(Bool.self, forKey: .tibialShockClipped)
    tcS = try c.decodeIfPresent(Double.self, forKey: .tcS)
    stepTimeMs = try c.decodeIfPresent(Double.self, forKey: .stepTimeMs)
    groundContactMs = try c.decodeIfPresent(Double.self, forKey: .groundContactMs)
    flightMs = try c.decodeIfPresent(Double.self, forKey: .flightMs)
    dutyFactor = try c.decodeIfPresent(Double.self, forKey: .dutyFactor)
    verticalOscillationCm = try c.decodeIfPresent(Double.self, forKey: .verticalOscillationCm)
    brakingMps = try c.decodeIfPresent(Double.self, forKey: .brakingMps)
    impactG = try c.decodeIfPresent(Double.self, forKey: .impactG)
    lateralSwayCm = try c.decodeIfPresent(Double.self, forKey: .lateralSwayCm)
    footFlatS = try c.decodeIfPresent(Double.self, forKey: .footFlatS)
    tibialShockG = try c.decodeIfPresent(Double.self, forKey: .tibialShockG)
    tibialShockRateGps = try c.decodeIfPresent(Double.self, forKey: .tibialShockRateGps)
  }

  /// Encodes the keyed form; `nil` fields are left out.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(icS, forKey: .icS)
    try c.encodeIfPresent(tcS, forKey: .tcS)
    try c.encodeIfPresent(side, forKey: .side)
    try c.encodeIfPresent(stepTimeMs, forKey: .stepTimeMs)
    try c.encodeIfPresent(groundContactMs, forKey: .groundContactMs)
    try c.encodeIfPresent(flightMs, forKey: .flightMs)
    try c.encodeIfPresent(dutyFactor, forKey: .dutyFactor)
    try c.encodeIfPresent(verticalOscillationCm, forKey: .verticalOscillationCm)
    try c.encodeIfPresent(brakingMps, forKey: .brakingMps)
    try c.encodeIfPresent(impactG, forKey: .impactG)
    try c.encodeIfPresent(lateralSwayCm, forKey: .lateralSwayCm)
    try c.encodeIfPresent(footFlatS, forKey: .footFlatS)
    try c.encode(running, forKey: .running)
    try c.encodeIfPresent(tibialShockG, forKey: .tibialShockG)
    try c.encodeIfPresent(tibialShockRateGps, forKey: .tibialShockRateGps)
    try c.encodeIfPresent(tibialShockClipped, forKey: .tibialShockClipped)
  }
}

/// What one analysis segment (a few seconds of signal) showed.
public struct SegmentResult: Sendable, Hashable, Codable {
  /// Start and end of the segment's core, s.
  public var startS: Double
  /// End of the segment's core, s.
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

  /// A segment's result; ``still``, ``standingUp`` and ``leanForwardAxis`` start as none.
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

/// An optional number stored as a plain `Double` (8 bytes, not 9 padded to
/// 16): `nil` is a quiet NaN with a payload ("gaitln") that no arithmetic
/// produces (a NaN result carries the default payload or one of its
/// operands'), and that bit pattern never leaves the wrapper. Any other
/// value, NaN and infinities included, round-trips unchanged.
@propertyWrapper
public struct CompactOptional: Sendable {
  @usableFromInline static let absentBits: UInt64 = 0x7FF8_6761_6974_6C6E
  @usableFromInline var stored: Double

  /// Stores `wrappedValue`; `nil` when none is given.
  @inlinable public init(wrappedValue: Double? = nil) {
    stored = wrappedValue ?? Double(bitPattern: Self.absentBits)
  }

  /// The number, or `nil` where the absent bit pattern is stored.
  @inlinable public var wrappedValue: Double? {
    get { stored.bitPattern == Self.absentBits ? nil : stored }
    set { stored = newValue ?? Double(bitPattern: Self.absentBits) }
  }
}
