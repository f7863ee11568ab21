//===--- Units.swift ------------------------------------------------------===//
// The units of a source's samples, and the one inference of the
// acceleration unit from gravity that files and streams share.
//===----------------------------------------------------------------------===//
import GaitCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The acceleration unit of a source.
public enum AccelerationUnit: String, Sendable, CaseIterable {
  /// Standard gravities (9.80665 m/s²).
  case g
  /// Metres per second squared.
  case metresPerSecondSquared = "m/s2"
  /// Thousandths of a standard gravity.
  case milliG = "mg"

  /// Multiplier to m/s².
  var toMetresPerSecondSquared: Float {
    switch self {
    case .g: return standardGravity
    case .metresPerSecondSquared: return 1
    case .milliG: return standardGravity / 1000
    }
  }
}

/// The angular-velocity unit of a source.
public enum GyroUnit: String, Sendable, CaseIterable {
  /// Radians per second.
  case radiansPerSecond = "rad/s"
  /// Degrees per second.
  case degreesPerSecond = "deg/s"
}

extension AccelerationUnit {
  /// The unit whose band holds `meanMagnitude`, the mean |a| of the first
  /// samples of a recording that includes gravity: 0.4–3 (g), 4–30 (m/s²),
  /// 400–3000 (milli-g). A sensor at rest reads 1 g; running adds at most a
  /// few g on average, so the bands do not overlap. `nil` between or
  /// outside the bands: the caller asks for `--units` (a file) or falls
  /// back to ``nearest(meanMagnitude:)`` (a live stream, which cannot stop
  /// to ask).
  public static func inferred(meanMagnitude: Double) -> AccelerationUnit? {
    switch meanMagnitude {
    case 0.4..<3: return .g
    case 4..<30: return .metresPerSecondSquared
    case 400..<3000: return .milliG
    default: return nil
    }
  }

  /// The unit in which 1 g is closest to `meanMagnitude` on a log scale;
  /// ``inferred(meanMagnitude:)`` when it matches a band.
  public static func nearest(meanMagnitude: Double) -> AccelerationUnit {
    if let u = inferred(meanMagnitude: meanMagnitude) { return u }
    guard meanMagnitude.isFinite, meanMagnitude > 0 else { return .g }
    return allCases.min {
      abs(log(meanMagnitude * Double($0.toMetresPerSecondSquared) / Double(standardGravity)))
        < abs(log(meanMagnitude * Double($1.toMetresPerSecondSquared) / Double(standardGravity)))
    } ?? .g
  }
}
