//===--- SyntheticRun.swift -----------------------------------------------===//
// Signals with exactly known events, for tests, benchmarks and the sensor
// emulator.
//===----------------------------------------------------------------------===//
import GaitCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A synthetic run with exactly known contacts.
///
/// The vertical specific force during stance is A·sin(πτ)^0.6 (τ = 0…1 over
/// the contact; a steep rise as in a heel-strike force curve), 0 g in
/// flight; anteroposterior −0.5·sin(2πτ) g (braking, then propulsion);
/// mediolateral ±0.25·sin(πτ) g alternating with the side (+ = right, the
/// push during a left stance). The body-frame vector is rotated into a
/// sensor frame by `rotation` (rows = sensor axes in the right-handed body
/// frame x up, y forward, z left).
public struct SyntheticRun: Sendable {
  public var rateHz: Double
  public var seconds: Double
  public var cadenceSpm: Double
  public var contactS: Double
  public var peakG: Double = 2.6
  /// Sensor-from-body rotation, rows = sensor axes expressed in (up, forward, right).
  public var rotation: [SIMD3<Double>] = [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)]
  public var noiseG: Double = 0.01

  public init(rateHz: Double, seconds: Double = 30, cadenceSpm: Double = 172, contactS: Double = 0.24) {
    self.rateHz = rateHz
    self.seconds = seconds
    self.cadenceSpm = cadenceSpm
    self.contactS = contactS
  }

  /// The true contacts: (ic, tc, side) in seconds.
  public var contacts: [(ic: Double, tc: Double, side: Side)] {
    let step = 60 / cadenceSpm
    var out: [(Double, Double, Side)] = []
    var t = 0.5
    var k = 0
    while t + contactS < seconds {
      out.append((t, t + contactS, k % 2 == 0 ? .left : .right))
      t += step
      k += 1
    }
    return out
  }

  /// A rotation by `yawDeg`, `pitchDeg`, `rollDeg` (z-y-x) of the sensor.
  public static func rotation(yawDeg: Double, pitchDeg: Double, rollDeg: Double) -> [SIMD3<Double>] {
    let (a, b, c) = (yawDeg * .pi / 180, pitchDeg * .pi / 180, rollDeg * .pi / 180)
    let rz = [SIMD3(cos(a), -sin(a), 0), SIMD3(sin(a), cos(a), 0), SIMD3(0, 0, 1)]
    let ry = [SIMD3(cos(b), 0, sin(b)), SIMD3(0, 1, 0), SIMD3(-sin(b), 0, cos(b))]
    let rx = [SIMD3(1, 0, 0), SIMD3(0, cos(c), -sin(c)), SIMD3(0, sin(c), cos(c))]
    func mul(_ p: [SIMD3<Double>], _ q: [SIMD3<Double>]) -> [SIMD3<Double>] {
      (0..<3).map { i in SIMD3((0..<3).map { j in (0..<3).reduce(0.0) { $0 + p[i][$1] * q[$1][j] } }) }
    }
    return mul(mul(rz, ry), rx)
  }

  /// The recording in the sensor frame, m/s².
  public func recording() -> Recording {
    let n = Int(seconds * rateHz)
    let g = Double(standardGravity)
    var ax = [Float](repeating: 0, count: n), ay = ax, az = ax
    let cs = contacts
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    func noise() -> Double {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (Double(seed >> 11) / Double(1 << 53) - 0.5) * 2
    }
    var c = 0
    for i in 0..<n {
      let t = Double(i) / rateHz
      while c < cs.count, cs[c].tc < t { c += 1 }
      var up = 0.0, fwd = 0.0, right = 0.0
      if c < cs.count, t >= cs[c].ic {
        // Clamped: t == tc can give τ a hair above 1 in floating point, and
        // a negative sine to the power 0.6 is NaN.
        let tau = min(1, max(0, (t - cs[c].ic) / contactS))
        up = peakG * pow(max(0, sin(.pi * tau)), 0.6)
        fwd = -0.5 * sin(2 * .pi * tau)
        right = (cs[c].side == .left ? 1 : -1) * 0.25 * sin(.pi * tau)
      }
      // Right-handed body frame: x up, y forward, z = up × forward = left.
      let body = SIMD3(up + noiseG * noise(), fwd + noiseG * noise(), -right + noiseG * noise()) * g
      ax[i] = Float((rotation[0] * body).sum())
      ay[i] = Float((rotation[1] * body).sum())
      az[i] = Float((rotation[2] * body).sum())
    }
    return Recording(info: RecordingInfo(sampleRateHz: rateHz), blocks: [SampleBlock(startIndex: 0, ax: ax, ay: ay, az: az)])
  }
}
