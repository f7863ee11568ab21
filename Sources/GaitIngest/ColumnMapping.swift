//===--- ColumnMapping.swift ----------------------------------------------===//
// Recognises the columns of real accelerometer exports by their header names.
//===----------------------------------------------------------------------===//
import Foundation

/// A canonical channel that a source column can map to.
public enum Channel: String, Sendable, CaseIterable, Hashable {
  /// Time stamp (seconds, milliseconds, ISO-8601 or a sample counter).
  case time
  /// Acceleration on the sensor's x, y and z axes.
  case ax, ay, az
  /// Angular velocity about the sensor's x, y and z axes.
  case gx, gy, gz
  /// Body-frame acceleration: vertical, anteroposterior, mediolateral.
  case v, ap, ml

  var isAcceleration: Bool { [.ax, .ay, .az, .v, .ap, .ml].contains(self) }
  var isGyroscope: Bool { [.gx, .gy, .gz].contains(self) }
}

/// A unit written into a header name (`acc_x_g`, `Gyr_X [deg/s]`, `time_ms`).
enum HeaderUnit: Equatable {
  case g, milliG, metresPerSecondSquared, degreesPerSecond, radiansPerSecond
  case seconds, milliseconds, microseconds, nanoseconds
}

/// The parts of a header name: lower-case alphanumeric tokens and a unit.
struct HeaderName {
  var tokens: [String]
  var unit: HeaderUnit?

  init(_ raw: String) {
    var text = raw.lowercased()
    text = text.replacingOccurrences(of: "µ", with: "u").replacingOccurrences(of: "μ", with: "u")
    text = text.replacingOccurrences(of: "m/s^2", with: " mps2 ").replacingOccurrences(of: "m/s2", with: " mps2 ")
      .replacingOccurrences(of: "m/s²", with: " mps2 ").replacingOccurrences(of: "deg/s", with: " dps ")
      .replacingOccurrences(of: "rad/s", with: " rads ").replacingOccurrences(of: "°/s", with: " dps ")
    var parts: [String] = []
    var current = ""
    for ch in text {
      if ch.isLetter || ch.isNumber { current.append(ch) } else if !current.isEmpty {
        parts.append(current)
        current = ""
      }
    }
    if !current.isEmpty { parts.append(current) }
    tokens = parts
    unit = nil
    if parts.count >= 2, let last = parts.last, let u = HeaderName.unitToken(last) {
      unit = u
      tokens.removeLast()
    }
  }

  static func unitToken(_ t: String) -> HeaderUnit? {
    switch t {
    case "g": return .g
    case "mg": return .milliG
    case "mps2", "ms2", "mss", "ms2s": return .metresPerSecondSquared
    case "dps", "degs", "degps", "deg": return .degreesPerSecond
    case "rads", "radps", "rad": return .radiansPerSecond
    case "s", "sec", "secs", "seconds": return .seconds
    case "ms", "msec", "millis": return .milliseconds
    case "us", "usec", "micros": return .microseconds
    case "ns", "nsec", "nanos": return .nanoseconds
    default: return nil
    }
  }
}

/// Picks the canonical channel a header name stands for, or `nil`.
func channel(forHeader raw: String) -> Channel? {
  let name = HeaderName(raw)
  let tokens = name.tokens
  guard !tokens.isEmpty else { return nil }
  let excluded: Set<String> = [
    "mag", "magnetometer", "grf", "vgrf", "vicon", "pos", "position", "quat", "quaternion", "euler", "angle",
    "orientation", "gravity", "temp", "temperature", "pressure", "bar", "baro", "lin", "linear", "ecg", "hr",
  ]
  if tokens.contains(where: { excluded.contains($0) }) { return nil }
  let joined = tokens.joined()
  let timeWords: Set<String> = [
    "time", "timestamp", "t", "ts", "seconds", "datetime", "timestamps", "elapsed", "unixtime", "epoch",
  ]
  if tokens.contains(where: { timeWords.contains($0) }) || joined.hasPrefix("timestamp")
    || joined == "times" || joined.hasSuffix("timestamp")
  {
    return .time
  }
  let accWords: Set<String> = ["acc", "accel", "accelerometer", "acceleration", "accl", "a", "accelerations"]
  let gyroWords: Set<String> = ["gyr", "gyro", "gyroscope", "angvel", "rot", "rotation", "omega", "w"]
  let isAcc = tokens.contains(where: { accWords.contains($0) })
  let isGyro = tokens.contains(where: { gyroWords.contains($0) })
  let last = tokens.last ?? ""
  // Fused names: ax, accx, accelx, gx, gyrx, gyrox.
  for (prefixes, x, y, z) in [
    (["a", "acc", "accel", "accl", "accelerometer", "acceleration"], Channel.ax, Channel.ay, Channel.az),
    (["g", "gyr", "gyro", "gyroscope", "w"], Channel.gx, Channel.gy, Channel.gz),
  ] {
    for p in prefixes where tokens.count == 1 && joined.count == p.count + 1 && joined.hasPrefix(p) {
      switch joined.last {
      case "x": return x
      case "y": return y
      case "z": return z
      default: break
      }
    }
  }
  if isAcc || name.unit == .g || name.unit == .metresPerSecondSquared || name.unit == .milliG {
    switch last {
    case "x": return .ax
    case "y": return .ay
    case "z": return .az
    case "v", "vert", "vertical", "si", "is", "up": return .v
    case "ap", "pa", "anteroposterior", "fwd", "forward": return .ap
    case "ml", "lr", "mediolateral", "lat", "lateral": return .ml
    default: break
    }
  }
  if isGyro || name.unit == .degreesPerSecond || name.unit == .radiansPerSecond {
    switch last {
    case "x": return .gx
    case "y": return .gy
    case "z": return .gz
    default: break
    }
  }
  if tokens.count == 1 {
    switch joined {
    case "x": return .ax
    case "y": return .ay
    case "z": return .az
    default: break
    }
  }
  return nil
}
