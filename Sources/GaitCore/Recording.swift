//===--- Recording.swift --------------------------------------------------===//
// The canonical in-memory model of an accelerometer recording.
//===----------------------------------------------------------------------===//

/// Standard gravity, in m/s² (CGPM 1901; the value every accelerometer
/// vendor uses to convert g to m/s²).
public let standardGravity: Float = 9.80665

/// Where the sensor is worn.
///
/// - `hip`: sacrum, lower back or waist clip. Trunk metrics (vertical
///   oscillation, lean, sway) are measurable here.
/// - `foot`: shoe or ankle. Contacts of that one foot are measured;
///   trunk metrics (oscillation, lean, sway) need a torso or sacrum sensor.
/// - `shank`: tibia (lower leg). Contacts of that one leg from the tibial
///   impact, and tibial shock; trunk metrics are not measurable.
public enum Placement: String, Sendable, Hashable, Codable, CaseIterable {
  /// On the trunk: hip, sacrum or lower back (waistband). Sees both feet.
  case hip
  /// On the shoe (instep or heel). Sees one foot.
  case foot
  /// On the shank (tibia, lower leg). Sees one leg.
  case shank
}

/// Which body side a foot sensor is on, or which foot a step belongs to.
public enum Side: String, Sendable, Hashable, Codable, CaseIterable {
  /// The left foot or side.
  case left
  /// The right foot or side.
  case right
}

/// The frame of the three acceleration axes of a ``Recording``.
public enum AxisFrame: String, Sendable, Hashable, Codable {
  /// Raw sensor axes x, y, z in any mounting orientation.
  case sensor
  /// Body frame: x = vertical (up), y = anteroposterior (forward),
  /// z = mediolateral (right). Two-axis exports (`acc_v`, `acc_ap`) use this
  /// frame with ``RecordingInfo/hasMediolateral`` false.
  case body
}

/// A stretch of time with no samples: the source skipped it (a logger pause,
/// a dropped packet run) and gaitline does not invent data to fill it.
public struct Gap: Sendable, Hashable, Codable {
  /// Index (on the uniform grid) of the first sample after the gap.
  public var resumeIndex: Int
  /// Time of the last sample before the gap, seconds from the first sample.
  public var startS: Double
  /// Length of the hole, seconds.
  public var durationS: Double
  /// Grid samples that are missing.
  public var missingSamples: Int

  /// A gap; see each property.
  public init(resumeIndex: Int, startS: Double, durationS: Double, missingSamples: Int) {
    self.resumeIndex = resumeIndex
    self.startS = startS
    self.durationS = durationS
    self.missingSamples = missingSamples
  }
}

/// Consecutive samples on a uniform grid, in structure-of-arrays form.
///
/// Acceleration is in m/s², angular velocity in rad/s. `startIndex` counts grid
/// samples from the first sample of the input, so `startIndex / rate` is the
/// time of `ax[0]` in seconds. Blocks following a ``Gap`` start later than the
/// previous block's end.
public struct SampleBlock: Sendable, Hashable {
  /// Grid index of the first sample.
  public var startIndex: Int
  /// Acceleration on axis x (or vertical in the body frame), m/s².
  public var ax: [Float]
  /// Acceleration on axis y (or anteroposterior), m/s².
  public var ay: [Float]
  /// Acceleration on axis z (or mediolateral), m/s².
  public var az: [Float]
  /// Angular velocity, rad/s; empty when the source has no gyroscope.
  public var gx: [Float]
  /// Angular velocity about y, rad/s; empty without gyroscope.
  public var gy: [Float]
  /// Angular velocity about z, rad/s; empty without gyroscope.
  public var gz: [Float]

  /// A block of samples starting at grid index `startIndex`; the arrays must have equal lengths
  /// (the gyroscope ones all empty or all as long).
  public init(startIndex: Int, ax: [Float] = [], ay: [Float] = [], az: [Float] = [],
              gx: [Float] = [], gy: [Float] = [], gz: [Float] = []) {
    self.startIndex = startIndex
    self.ax = ax; self.ay = ay; self.az = az
    self.gx = gx; self.gy = gy; self.gz = gz
  }

  /// The number of samples.
  public var count: Int { ax.count }
  /// Grid index one past the last sample.
  public var endIndex: Int { startIndex + ax.count }
  /// Whether angular velocity is present.
  public var hasGyroscope: Bool { !gx.isEmpty }

  /// Empties the arrays but keeps their capacity.
  public mutating func removeAll(newStartIndex: Int) {
    startIndex = newStartIndex
    ax.removeAll(keepingCapacity: true); ay.removeAll(keepingCapacity: true)
    az.removeAll(keepingCapacity: true); gx.removeAll(keepingCapacity: true)
    gy.removeAll(keepingCapacity: true); gz.removeAll(keepingCapacity: true)
  }

  /// Splits the block into consecutive pieces of at most `size` samples.
  public func split(every size: Int) -> [SampleBlock] {
    precondition(size > 0)
    var out: [SampleBlock] = []
    var i = 0
    while i < count {
      let j = Swift.min(count, i + size)
      out.append(SampleBlock(
        startIndex: startIndex + i, ax: Array(ax[i..<j]), ay: Array(ay[i..<j]), az: Array(az[i..<j]),
        gx: hasGyroscope ? Array(gx[i..<j]) : [], gy: hasGyroscope ? Array(gy[i..<j]) : [],
        gz: hasGyroscope ? Array(gz[i..<j]) : []))
      i = j
    }
    return out
  }
}

/// What is known about a recording besides its samples.
public struct RecordingInfo: Sendable, Hashable, Codable {
  /// Uniform sample rate of the grid, Hz.
  public var sampleRateHz: Double
  /// Wall-clock time of the first sample, Unix seconds, when the source has it.
  public var startTimeUnixS: Double?
  /// Placement declared by the source or the user; `nil` = detect.
  public var placement: Placement?
  /// Body side of a foot sensor, when known.
  public var side: Side?
  /// Frame of the acceleration axes.
  public var frame: AxisFrame
  /// False for two-axis body-frame sources (vertical + anteroposterior only).
  public var hasMediolateral: Bool
  /// Whether angular velocity is present.
  public var hasGyroscope: Bool
  /// Measuring range of the accelerometer in g, when the source states it.
  public var accelerometerRangeG: Float?

  /// A description; everything but the rate is optional or has a default.
  public init(sampleRateHz: Double, startTimeUnixS: Double? = nil, placement: Placement? = nil,
              side: Side? = nil, frame: AxisFrame = .sensor, hasMediolateral: Bool = true,
              hasGyroscope: Bool = false, accelerometerRangeG: Float? = nil) {
    self.sampleRateHz = sampleRateHz
    self.startTimeUnixS = startTimeUnixS
    self.placement = placement
    self.side = side
    self.frame = frame
    self.hasMediolateral = hasMediolateral
    self.hasGyroscope = hasGyroscope
    self.accelerometerRangeG = accelerometerRangeG
  }
}

/// A whole recording held in memory: metadata, one contiguous sample grid
/// (`SampleBlock` starting at 0; gaps are holes recorded in ``gaps``, their
/// samples absent from the arrays only when the source skipped them), and the
/// data-quality record.
///
/// Most of gaitline streams blocks instead of building one of these; tests,
/// `convert` and small inputs use it.
public struct Recording: Sendable, Hashable {
  /// Rate, axes, placement and start time of the samples.
  public var info: RecordingInfo
  /// The samples, as blocks in order; a new block starts after each gap.
  public var blocks: [SampleBlock]
  /// Holes in the grid.
  public var gaps: [Gap]
  /// Samples at the sensor's measuring limit (saturated).
  public var clippedSamples: Int

  /// A recording from its parts.
  public init(info: RecordingInfo, blocks: [SampleBlock], gaps: [Gap] = [], clippedSamples: Int = 0) {
    self.info = info
    self.blocks = blocks
    self.gaps = gaps
    self.clippedSamples = clippedSamples
  }

  /// Number of samples present.
  public var sampleCount: Int { blocks.reduce(0) { $0 + $1.count } }
  /// Time span from the first to one past the last sample, seconds.
  public var durationS: Double {
    guard let last = blocks.last else { return 0 }
    return Double(last.endIndex) / info.sampleRateHz
  }
}
