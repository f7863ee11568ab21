//===--- SyntheticShank.swift ---------------------------------------------===//
// A shank (tibia) accelerometer signal with exactly known contacts of the
// sensor leg, for tests and benchmarks of the shank placement.
//===----------------------------------------------------------------------===//
import GaitCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A synthetic shank recording, one leg, walking or running.
///
/// Body (tibia) frame: x along the tibia (up), y forward, z left. The
/// tibia's sagittal angle from vertical is θ = −A·cos(πτ) over stance
/// (τ = 0…1 from contact to toe-off: the shank rolls forward over the foot)
/// and θ = A·cos(πτ) over swing (τ from toe-off to the next contact); gravity
/// reads (cos θ, −sin θ, 0) g, plus the tangential (r·θ̈) and centripetal
/// (r·θ̇²) acceleration of a point `radiusM` below the knee. Stance adds
/// an axial load (running 1.5·sin(πτ) g, walking none). Each contact starts
/// with an impact transient exactly at initial contact: a damped 20 Hz
/// oscillation, mostly axial, whose first half-wave peaks at `impactG`
/// 12.5 ms after contact (below the Nyquist frequency of 50 Hz sampling).
/// Push-off: running, a 1.2 g axial release dip centred on toe-off; walking,
/// two axial push-off peaks 60 ms before and at toe-off. The vector is
/// rotated into a sensor frame by `rotation` and clipped at `rangeG`.
public struct SyntheticShank: Sendable {
  /// Sample rate, Hz.
  public var rateHz: Double
  /// Length of the signal, s.
  public var seconds: Double
  /// Running (a flight phase, tibial impact) or walking.
  public var running: Bool
  /// Mean stride time (one leg's contact to its next), s.
  public var strideS: Double
  /// Ground contact time, s.
  public var contactS: Double
  /// Peak of the impact transient at each contact, g.
  public var impactG: Double
  /// Rise time of the impact, s. 0 (the default): a damped 20 Hz
  /// oscillation at full slope from contact. Above 0: a gradual impact, as
  /// the force loads the leg through shoe and heel pad: it builds as
  /// sin²(π·s / 2T) to `impactG` at T = `impactRiseS` after contact, then
  /// decays with a 12 ms time constant, so its first milliseconds hardly
  /// show (a level or slope is crossed only well after contact; the
  /// onset rule must find where it begins). The stance load builds the
  /// same way. Set ``radiusM`` to 0 as well to remove every cue at contact:
  /// with a radius, the tangential acceleration r·θ̈ steps at contact where
  /// the swing's and the stance's half cosines meet (about 2.5 g running),
  /// an exact onset no real tibia shows.
  public var impactRiseS: Double = 0
  /// The delay from contact to the impact's posterior spike on the forward
  /// axis, s (`nil`, the default: the forward share of the impact follows
  /// the axial transient). When set, the forward axis reads the impact as a
  /// posterior (negative) Gaussian spike of ``posteriorSpikeG`` ×
  /// `impactG` and SD ``posteriorSpikeWidthS``, centred this long after
  /// contact: the feature Purcell et al. 2006's initial contact keys on (the
  /// forward minimum nearest the resultant's impact peak), so its exact
  /// time is contact + this delay. The axial transient is delayed with it so
  /// that its first peak coincides with the spike (as the posterior spike
  /// coincides with the resultant's peak in Purcell's description), i.e. by
  /// this delay minus the transient's own time to peak (12.5 ms, or
  /// ``impactRiseS``) when positive: the tibia's response then lags the
  /// contact, and rules timed on the transient's onset are late by that
  /// much. Kiernan et al. 2023 measured Purcell's event 17.4 ms after the
  /// force-plate contact on average.
  public var posteriorSpikeDelayS: Double?
  /// Depth of the posterior spike, fraction of `impactG`.
  public var posteriorSpikeG = 0.35
  /// SD of the posterior spike, s.
  public var posteriorSpikeWidthS = 0.006
  /// Sagittal rotation amplitude of the tibia, degrees.
  public var swingDeg: Double
  /// Distance from the knee to the sensor, m (the swing's centripetal and tangential acceleration).
  public var radiusM: Double = 0.3
  /// Accelerometer range, g; samples beyond it are clipped (and counted).
  public var rangeG: Double?
  /// Sensor-from-body rotation, rows = sensor axes in (up, forward, left).
  public var rotation: [SIMD3<Double>] = [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)]
  /// Half-width of the uniform noise per axis, g.
  public var noiseG: Double = 0.02
  /// Stride-to-stride variation of the stride time, fraction (deterministic).
  public var jitter: Double = 0.02
  /// Also write a gyroscope (the tibia's sagittal angular velocity θ̇ about
  /// the mediolateral axis, plus 0.02 rad/s noise per axis, rad/s) and
  /// move the tibia as a gyroscope sees it in gait: θ̇ has its minima
  /// exactly at initial contact and toe-off and its largest peak in
  /// mid-swing (Aminian et al. 2002). Swing (τ = 0…1 from toe-off):
  /// θ̇ = −m + (P + m)(1 − cos 2πτ)/2; stance (τ from contact):
  /// θ̇ = −m + b·sin πτ, with b set per stride so that the tibia turns back
  /// by what it swung (no net rotation). P = ``midSwingRadPerS``,
  /// m = ``eventRadPerS``. The accelerometer reads the same motion: gravity
  /// rotated by θ = ∫θ̇, plus r·θ̇² along the tibia and −r·θ̈ forward for a
  /// point r below the knee.
  public var gyroscope = false
  /// Mid-swing peak of θ̇, rad/s (gyroscope motion only).
  public var midSwingRadPerS: Double
  /// θ̇ at initial contact and toe-off, −rad/s (gyroscope motion only).
  public var eventRadPerS: Double

  /// Running at 150–190 steps/min or walking at 100–120 steps/min defaults.
  public init(rateHz: Double, running: Bool, seconds: Double = 30) {
    self.rateHz = rateHz
    self.seconds = seconds
    self.running = running
    strideS = running ? 0.74 : 1.08
    contactS = running ? 0.25 : 0.68
    impactG = running ? 6 : 2.5
    swingDeg = running ? 40 : 25
    midSwingRadPerS = running ? 9 : 7
    eventRadPerS = running ? 5 : 2
  }

  /// Sagittal angle, angular velocity and acceleration of the gyroscope
  /// motion at `t` s after contact `ic` of a stride `stride` s long.
  func gyroMotion(sinceIC t: Double, stride: Double) -> (theta: Double, omega: Double, alpha: Double) {
    let tc = contactS, ts = max(0.05, stride - contactS)
    let p = midSwingRadPerS, m = eventRadPerS
    let b = max(0, Double.pi / (2 * tc) * (m * (tc + ts) - ts * (p + m) / 2))
    let stanceTurn = tc * (-m + 2 * b / .pi)
    let theta0 = -stanceTurn / 2  // stance symmetric about the vertical
    if t < tc {
      let tau = t / tc
      return (theta0 + tc * (-m * tau + b * (1 - cos(.pi * tau)) / .pi), -m + b * sin(.pi * tau),
              b * .pi / tc * cos(.pi * tau))
    }
    let tau = min(1, (t - tc) / ts)
    let theta = theta0 + stanceTurn + ts * (-m * tau + (p + m) / 2 * (tau - sin(2 * .pi * tau) / (2 * .pi)))
    return (theta, -m + (p + m) * (1 - cos(2 * .pi * tau)) / 2, (p + m) * .pi / ts * sin(2 * .pi * tau))
  }

  /// The true contacts of the sensor leg: (ic, tc) in seconds.
  public var contacts: [(ic: Double, tc: Double)] {
    var out: [(Double, Double)] = []
    var t = 0.6
    var k = 0
    while t + strideS < seconds {
      out.append((t, t + contactS))
      // A fixed pseudo-random sequence in [−1, 1].
      let wobble = sin(Double(k) * 2.399_963) * sin(Double(k) * 0.618 + 1)
      t += strideS * (1 + jitter * wobble)
      k += 1
    }
    return out
  }

  /// The recording, m/s², in the sensor frame; `clippedSamples` counts
  /// samples with an axis at the range limit.
  public func recording() -> Recording {
    let n = Int(seconds * rateHz)
    let g = Double(standardGravity)
    var ax = [Float](repeating: 0, count: n), ay = ax, az = ax
    var gx: [Float] = [], gy: [Float] = [], gz: [Float] = []
    if gyroscope { gx.reserveCapacity(n); gy.reserveCapacity(n); gz.reserveCapacity(n) }
    let cs = contacts
    let amplitude = swingDeg * .pi / 180
    var seed: UInt64 = 0x2545_F491_4F6C_DD1D
    func noise() -> Double {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (Double(seed >> 11) / Double(1 << 53) - 0.5) * 2
    }
    // The tibial response's lag behind contact (``posteriorSpikeDelayS``).
    let responseLagS = posteriorSpikeDelayS.map { max(0, $0 - (impactRiseS > 0 ? impactRiseS : 0.0125)) } ?? 0
    var clipped = 0
    var c = 0
    for i in 0..<n {
      let t = Double(i) / rateHz
      while c + 1 < cs.count, cs[c + 1].ic <= t { c += 1 }
      // Stride phase: from this contact to the next (or a nominal stride).
      let ic = cs.isEmpty ? 0 : cs[c].ic
      let stride = c + 1 < cs.count ? cs[c + 1].ic - ic : strideS
      var phase = (t - ic) / stride
      if t < ic { phase = 1 + (t - ic) / strideS }  // before the first contact
      // Stance then swing, each a half cosine of its own duration.
      let inStance = phase * stride < contactS
      let span = inStance ? contactS : max(0.05, stride - contactS)
      let tau = inStance ? phase * stride / contactS : (phase * stride - contactS) / span
      let k = Double.pi / span
      let sign: Double = inStance ? -1 : 1
      var theta = sign * amplitude * cos(.pi * tau)
      var omega = -sign * amplitude * k * sin(.pi * tau)
      var alpha = -sign * amplitude * k * k * cos(.pi * tau)
      // The gyroscope's motion: from the contact before (or, before the
      // first contact, the end of a nominal stride).
      var tangential = alpha
      if gyroscope {
        let since = t >= ic ? t - ic : t - ic + strideS
        (theta, omega, alpha) = gyroMotion(sinceIC: since, stride: t >= ic ? stride : strideS)
        tangential = -alpha
      }
      // Gravity plus the motion of a point below the knee, in g.
      var up = cos(theta) + radiusM * omega * omega / g
      var fwd = -sin(theta) + radiusM * tangential / g
      var left = 0.0
      let sinceIC = t - ic
      if sinceIC >= 0, sinceIC <= contactS {
        let tau = sinceIC / contactS
        // A gradual impact loads the leg gradually too (no kink at contact).
        let onset = impactRiseS > 0 && sinceIC < impactRiseS ? pow(sin(.pi / 2 * sinceIC / impactRiseS), 2) : 1
        if running { up += 1.5 * sin(.pi * tau) * onset }
        // The impact: a damped oscillation starting at contact (or after
        // the response lag).
        let s = sinceIC - responseLagS
        let rise = impactRiseS
        let burst = s < 0 ? 0 : rise > 0
          ? (s < rise ? pow(sin(.pi / 2 * s / rise), 2) : exp(-(s - rise) / 0.012))
          : exp(-s / 0.015) * sin(2 * .pi * 20 * s) / exp(-0.0125 / 0.015)
        up += impactG * burst
        if let d = posteriorSpikeDelayS {
          fwd -= posteriorSpikeG * impactG * exp(-0.5 * pow((sinceIC - d) / posteriorSpikeWidthS, 2))
        } else {
          fwd += 0.35 * impactG * burst
        }
        left += 0.15 * impactG * burst
      }
      // Push-off around toe-off.
      let sinceTC = t - (ic + contactS)
      if running {
        up -= 1.2 * exp(-0.5 * pow(sinceTC / 0.012, 2))
      } else {
        up += 0.9 * exp(-0.5 * pow((sinceTC + 0.06) / 0.02, 2)) + 0.7 * exp(-0.5 * pow(sinceTC / 0.015, 2))
      }
      let body = SIMD3(up + noiseG * noise(), fwd + noiseG * noise(), left + noiseG * noise())
      var v = SIMD3((rotation[0] * body).sum(), (rotation[1] * body).sum(), (rotation[2] * body).sum())
      if let r = rangeG {
        let before = v
        v = SIMD3(min(r, max(-r, v.x)), min(r, max(-r, v.y)), min(r, max(-r, v.z)))
        if v != before { clipped += 1 }
      }
      ax[i] = Float(v.x * g)
      ay[i] = Float(v.y * g)
      az[i] = Float(v.z * g)
      if gyroscope {
        let w = SIMD3(0.02 * noise(), 0.02 * noise(), omega + 0.02 * noise())
        gx.append(Float((rotation[0] * w).sum()))
        gy.append(Float((rotation[1] * w).sum()))
        gz.append(Float((rotation[2] * w).sum()))
      }
    }
    var info = RecordingInfo(sampleRateHz: rateHz, hasGyroscope: gyroscope)
    if let r = rangeG { info.accelerometerRangeG = Float(r) }
    return Recording(info: info, blocks: [SampleBlock(startIndex: 0, ax: ax, ay: ay, az: az, gx: gx, gy: gy, gz: gz)],
                     clippedSamples: clipped)
  }
}
