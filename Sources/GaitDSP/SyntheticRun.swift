//===--- SyntheticRun.swift -----------------------------------------------===//
// Signals with exactly known events, for tests, benchmarks, the validation
// suite and the sensor emulator.
//===----------------------------------------------------------------------===//
import GaitCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A synthetic recording of a trunk (sacrum) sensor with exactly known
/// contacts, vertical oscillation, gait kind, standing and trunk lean.
///
/// ## Frame convention (shared by `gaitline simulate`, the analyzer and docs/FRAMES.md)
/// Body (trunk) frame, right-handed: **x up** (against gravity), **y forward**
/// (direction of running), **z left** (x × y... y × z = x). The analyzer
/// reports mediolateral as **right +** (= −z). A sensor's mounting is the
/// rotation R from the body to the sensor, built intrinsically in the order
/// **yaw, then pitch, then roll**: yaw about the body's up axis (x, positive
/// turns the sensor's forward axis to the left), pitch about the resulting
/// left axis (positive tilts the sensor's up axis forward, as a forward
/// lean does), roll about the resulting forward axis (positive drops the
/// sensor's left side). ``rotation`` holds the rows of Rᵀ: each row is a
/// sensor axis expressed in body coordinates, so a sensor reads
/// `a_sensor[i] = rotation[i] · a_body`. Yaw, pitch, roll = 0, 0, 0 is the
/// body frame; 0, 0, 180 is upside down.
///
/// ## Signal model
/// Vertical specific force (world up, in g): during a running stance
/// A·s(τ) with τ = 0…1 over the contact and s(τ) = sin(πτ)^0.6 plus, for a
/// double-humped stance, an impact spike k·exp(−((τ − 0.12)/0.045)²); 0 g in
/// flight. A is either ``peakG`` (legacy runs without ``phases``) or set so
/// that each step's vertical impulse equals body weight × step time (a
/// steady-state run: the centre of mass returns to the same height and
/// speed every step). The near side (``nearSide``) gets a larger impact spike
/// so that its peak is ``nearFarPeakRatio`` × the far side's at the same
/// impulse (a belt clip worn on one side of the hip). Anteroposterior
/// −0.5·sin(2πτ) g (braking, then propulsion); mediolateral ±0.25·sin(πτ) g
/// alternating with the side (+ = right, the push during a left stance).
/// Walking steps: 1 g + 0.6·(b(u) − b̄) with b(u) = sin(π·u/0.3T) for u < 0.3T
/// (a loading bump starting at initial contact; T = step time, b̄ its mean),
/// AP −0.15·sin(2πu/T), ML ±0.08·sin(πu/T). Standing: 1 g. During gait the
/// trunk leans forward by ``leanDeg`` (pitch about the left axis); standing
/// is upright. A running phase starts with a flight and ends with one. Noise is uniform ±``noiseG`` per axis; ``clipG`` saturates
/// each sensor axis.
public struct SyntheticRun: Sendable {
  /// Sample rate, Hz.
  public var rateHz: Double
  /// Length of the signal, s (for legacy runs without ``phases``).
  public var seconds: Double
  /// Steps per minute (both feet) of legacy runs.
  public var cadenceSpm: Double
  /// Ground contact time of legacy runs, s.
  public var contactS: Double
  /// Stance peak of legacy runs (no ``phases``), g.
  public var peakG: Double = 2.6
  /// Sensor-from-body rotation: rows are the sensor axes in body
  /// coordinates (x up, y forward, z left); see ``rotation(yawDeg:pitchDeg:rollDeg:)``.
  public var rotation: [SIMD3<Double>] = [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)]
  /// Half-width of the uniform noise per axis, g.
  public var noiseG: Double = 0.01
  /// Seed of the noise generator (another seed, another draw of the same noise).
  public var noiseSeed: UInt64 = 0x9E37_79B9_7F4A_7C15
  /// What happens when; `nil` = one run at ``cadenceSpm`` from 0.5 s to
  /// the end with stance peak ``peakG`` (the legacy signal).
  public var phases: [Phase]?
  /// Impact spike of every running stance (0 = a single hump).
  public var impactSpike: Double = 0
  /// The side whose contacts the sensor sees stronger, and by how much
  /// (peak ratio at equal impulse).
  public var nearSide: Side = .left
  /// Peak ratio of the near side's contacts to the far side's (1 = symmetric).
  public var nearFarPeakRatio: Double = 1
  /// Step-time asymmetry: the step that starts with a near-side contact
  /// lasts (1 + a) × the mean step, the other (1 − a) × (a limp; the step-lag
  /// autocorrelation drops while the stride lag stays regular).
  public var stepAsymmetry: Double = 0
  /// Every n-th running step has no flight phase (its contact lasts the
  /// whole step), as in a tired or "terrestrial" runner; `nil` = none.
  public var groundedEvery: Int?
  /// True forward trunk lean during gait, degrees (standing is upright).
  public var leanDeg: Double = 0
  /// Step-to-step variability of step time (runs and walks built from
  /// ``phases``): each step lasts (1 + v·r) × its nominal time, r a fixed
  /// pseudo-random sequence with mean 0 and SD 1 (uniform), so v is the
  /// coefficient of variation. Outdoor runners vary their step time by
  /// 1–4 % from step to step; 0 = metronomic.
  public var stepVariability: Double = 0
  /// Sensor range, g (`nil` = no clipping).
  public var clipG: Double?
  /// Gradual pace change: the cadence of every running phase drifts
  /// linearly by this many steps/min from its start to its end (contact
  /// times scale with the step, so the duty factor stays); 0 = steady.
  public var cadenceDriftSpm: Double = 0
  /// Belt bounce / soft-tissue resonance: each running contact starts a
  /// damped vertical oscillation of this amplitude, g (0 = none), at
  /// ``resonanceHz`` with damping ratio 0.15 (it is part of the vertical
  /// force, so the true vertical oscillation includes it).
  public var resonanceG: Double = 0
  /// Frequency of the belt's resonance, Hz.
  public var resonanceHz: Double = 20
  /// Slow mounting drift: the sensor pitches forward by this many degrees,
  /// linearly from 0 at the start of the recording to the end (a belt that
  /// rotates while running); 0 = fixed mounting.
  public var orientationDriftDeg: Double = 0

  /// One part of a synthetic recording.
  public enum Phase: Sendable, Hashable {
    /// Standing still (upright, no steps) for `seconds`.
    case standing(seconds: Double)
    /// Running at `cadenceSpm` steps/min with contacts of `contactS` seconds and a flight phase.
    case running(seconds: Double, cadenceSpm: Double, contactS: Double)
    /// Walking at `cadenceSpm` steps/min (double support, no flight).
    case walking(seconds: Double, cadenceSpm: Double)
  }

  /// Gait kind of a true step.
  public enum Kind: String, Sendable, Hashable {
    /// Running (a flight phase) or walking.
    case running, walking
    /// Landing from a run's last flight into standing: a contact that
    /// does not end (no toe-off, no step).
    case landing
  }

  /// A true step: contact, side, kind, and the exact per-step vertical
  /// oscillation (peak-to-peak vertical displacement of the trunk from this
  /// contact to the next, cm).
  public struct TrueStep: Sendable, Hashable {
    /// True initial contact, s.
    public var icS: Double
    /// True terminal contact (toe-off), s.
    public var tcS: Double
    /// Duration of this step (to the next contact of either foot), s.
    public var stepS: Double
    /// The foot of this contact.
    public var side: Side
    /// Standing, walking or running.
    public var kind: Kind
    /// Peak-to-peak vertical displacement of the trunk from this contact to the next, cm.
    public var verticalOscillationCm: Double
    var amplitude: Double
    var spike: Double
    var resonanceG = 0.0
    var resonanceHz = 20.0
  }

  /// A legacy run: one running phase at `cadenceSpm` with `contactS` contacts from 0.5 s to
  /// `seconds`.
  public init(rateHz: Double, seconds: Double = 30, cadenceSpm: Double = 172, contactS: Double = 0.24) {
    self.rateHz = rateHz
    self.seconds = seconds
    self.cadenceSpm = cadenceSpm
    self.contactS = contactS
  }

  /// A run built from `phases`; its length is theirs.
  public init(rateHz: Double, phases: [Phase]) {
    self.init(rateHz: rateHz)
    self.phases = phases
    seconds = phases.reduce(0) { s, p in
      switch p {
      case .standing(let t), .running(let t, _, _), .walking(let t, _): s + t
      }
    }
  }

  /// The true contacts: (ic, tc, side) in seconds.
  public var contacts: [(ic: Double, tc: Double, side: Side)] { trueSteps.map { ($0.icS, $0.tcS, $0.side) } }

  /// Intervals of standing still, s.
  public var standingIntervals: [ClosedRange<Double>] {
    guard let phases else { return [] }
    var t = 0.0
    var out: [ClosedRange<Double>] = []
    for p in phases {
      switch p {
      case .standing(let s): out.append(t...(t + s)); t += s
      case .running(let s, _, _), .walking(let s, _): t += s
      }
    }
    return out
  }

  /// Every true step, in time order.
  public var trueSteps: [TrueStep] {
    // Steps of one phase and side are alike: their oscillation is computed once.
    var cache: [[Double]: Double] = [:]
    func vo(_ st: TrueStep) -> Double {
      let key = [st.tcS - st.icS, st.stepS, st.amplitude, st.spike, st.kind == .walking ? 1 : 0, st.resonanceG, st.resonanceHz]
      if let v = cache[key] { return v }
      let v = Self.verticalOscillationCm(st)
      cache[key] = v
      return v
    }
    let farSpike = impactSpike
    let nearSpike = nearFarPeakRatio == 1 ? impactSpike : Self.spike(forPeakRatio: nearFarPeakRatio, base: impactSpike)
    // Every step has one of the two spikes: their integrals (4 000 shape
    // evaluations each) are computed once, not once per step.
    let farIntegral = Self.integral(spike: farSpike), nearIntegral = Self.integral(spike: nearSpike)
    let shapeIntegral = { (k: Double) in
      k == nearSpike ? nearIntegral : k == farSpike ? farIntegral : Self.integral(spike: k)
    }
    var out: [TrueStep] = []
    var k = 0
    func side() -> Side { k % 2 == 0 ? .left : .right }
    // The k-th step's variation: uniform on ±√3 (SD 1), from a fixed hash of k.
    func varied(_ step: Double) -> Double {
      guard stepVariability != 0 else { return step }
      var z = UInt64(k) &+ 0x9E37_79B9_7F4A_7C15
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      z ^= z >> 31
      let r = (Double(z >> 11) / Double(1 << 53) * 2 - 1) * 3.0.squareRoot()
      return step * (1 + stepVariability * r)
    }
    guard let phases else {
      let farPeak = Self.peak(spike: farSpike), nearPeak = Self.peak(spike: nearSpike)
      let step = 60 / cadenceSpm
      var t = 0.5
      while t + contactS < seconds {
        let s = side()
        let spike = s == nearSide ? nearSpike : farSpike
        var st = TrueStep(icS: t, tcS: t + contactS, stepS: step, side: s, kind: .running, verticalOscillationCm: 0,
                          amplitude: peakG / (s == nearSide ? nearPeak : farPeak), spike: spike)
        st.verticalOscillationCm = vo(st)
        out.append(st)
        t += step
        k += 1
      }
      return out
    }
    var t0 = 0.0
    for p in phases {
      switch p {
      case .standing(let s):
        t0 += s
      case .running(let s, let cadence, let contact0):
        // A run starts with a flight (the take-off from standing or walking).
        var t = t0 + (60 / cadence - contact0)
        while true {
          let sd = side()
          // Every `groundedEvery`-th step has no flight (contact = step).
          let grounded = groundedEvery.map { k % $0 == $0 - 1 } ?? false
          // The cadence at this step's start (a drifting pace keeps its duty factor).
          let now = cadence + cadenceDriftSpm * min(1, max(0, (t - t0) / s))
          let mean = 60 / now
          let step = varied(mean * (1 + (sd == nearSide ? stepAsymmetry : -stepAsymmetry)))
          guard t + step <= t0 + s + 1e-9 else { break }
          let contact = grounded ? step : contact0 * cadence / now
          let spike = sd == nearSide ? nearSpike : farSpike
          // Impulse balance: A·contact·∫s = step (in g·s).
          let a = step / (contact * shapeIntegral(spike))
          var st = TrueStep(icS: t, tcS: t + contact, stepS: step, side: sd, kind: .running, verticalOscillationCm: 0,
                            amplitude: a, spike: spike, resonanceG: resonanceG, resonanceHz: resonanceHz)
          st.verticalOscillationCm = vo(st)
          out.append(st)
          t += step
          k += 1
        }
        // The last flight lasts to the end of the phase; standing after it
        // starts with a landing.
        if let i = phases.firstIndex(of: p), i + 1 < phases.count, case .standing = phases[i + 1] {
          out.append(TrueStep(icS: t0 + s, tcS: t0 + s, stepS: 0, side: side(), kind: .landing,
                              verticalOscillationCm: 0, amplitude: 0, spike: 0))
          k += 1
        }
        t0 += s
      case .walking(let s, let cadence):
        var t = t0
        while true {
          let step = varied(60 / cadence)
          guard t + step <= t0 + s + 1e-9 else { break }
          var st = TrueStep(icS: t, tcS: t + 1.24 * step, stepS: step, side: side(), kind: .walking,
                            verticalOscillationCm: 0, amplitude: 0.6, spike: 0)
          st.verticalOscillationCm = vo(st)
          out.append(st)
          t += step
          k += 1
        }
        t0 += s
      }
    }
    return out
  }

  /// Stance shape s(τ).
  static func shape(_ tau: Double, spike: Double) -> Double {
    let tau = min(1, max(0, tau))
    return pow(max(0, sin(.pi * tau)), 0.6) + spike * exp(-pow((tau - 0.12) / 0.045, 2)) * min(1, tau / 0.02)
  }

  static func integral(spike: Double) -> Double {
    let n = 4000
    var s = 0.0
    for i in 0..<n { s += shape((Double(i) + 0.5) / Double(n), spike: spike) }
    return s / Double(n)
  }

  static func peak(spike: Double) -> Double {
    var m = 0.0
    for i in 0...2000 { m = max(m, shape(Double(i) / 2000, spike: spike)) }
    return m
  }

  /// The spike that makes a stance's peak `ratio` × a `base` stance's at equal impulse.
  static func spike(forPeakRatio ratio: Double, base: Double) -> Double {
    let target = ratio * peak(spike: base) / integral(spike: base)
    var lo = base, hi = base + 50
    for _ in 0..<60 {
      let mid = (lo + hi) / 2
      if peak(spike: mid) / integral(spike: mid) < target { lo = mid } else { hi = mid }
    }
    return (lo + hi) / 2
  }

  /// Vertical specific force, g, of step `s` at `u` s after its contact.
  static func verticalG(_ s: TrueStep, _ u: Double) -> Double {
    switch s.kind {
    case .running:
      let stance = u < s.tcS - s.icS ? s.amplitude * shape(u / (s.tcS - s.icS), spike: s.spike) : 0
      guard s.resonanceG != 0 else { return stance }
      // A damped oscillation (damping ratio 0.15) started by the impact.
      let w = 2 * .pi * s.resonanceHz
      return stance + s.resonanceG * exp(-0.15 * w * u) * sin(w * u)
    case .landing:
      return 1
    case .walking:
      let rise = 0.3 * s.stepS
      let bump = u < rise ? sin(.pi * u / rise) : 0
      return 1 + s.amplitude * (bump - 0.6 / .pi)
    }
  }

  /// The exact peak-to-peak vertical displacement over the step: the step
  /// is periodic (same height and vertical speed at both contacts), so the
  /// displacement is the double integral of (specific force − mean) with the
  /// velocity's mean removed, here on a 5 000-point grid (converged to < 0.01 %).
  static func verticalOscillationCm(_ s: TrueStep) -> Double {
    let n = 5_000
    let dt = s.stepS / Double(n)
    var a = [Double](repeating: 0, count: n)
    var mean = 0.0
    for i in 0..<n { a[i] = verticalG(s, (Double(i) + 0.5) * dt); mean += a[i] }
    mean /= Double(n)
    var v = [Double](repeating: 0, count: n)
    var acc = 0.0, vmean = 0.0
    for i in 0..<n { acc += (a[i] - mean) * 9.80665 * dt; v[i] = acc; vmean += acc }
    vmean /= Double(n)
    var d = 0.0, lo = 0.0, hi = 0.0
    for i in 0..<n { d += (v[i] - vmean) * dt; lo = min(lo, d); hi = max(hi, d) }
    return (hi - lo) * 100
  }

  /// The mounting rotation for `yawDeg`, `pitchDeg`, `rollDeg` in the
  /// documented convention (intrinsic yaw about up, pitch about left, roll
  /// about forward; see the type's documentation). Rows: sensor axes in body
  /// coordinates (x up, y forward, z left).
  public static func rotation(yawDeg: Double, pitchDeg: Double, rollDeg: Double) -> [SIMD3<Double>] {
    let (a, b, c) = (yawDeg * .pi / 180, pitchDeg * .pi / 180, rollDeg * .pi / 180)
    // Columns of each matrix are the rotated axes in body coordinates.
    // Yaw about x (up): forward (y) turns towards left (z).
    let ry = [SIMD3(1, 0, 0), SIMD3(0, cos(a), -sin(a)), SIMD3(0, sin(a), cos(a))]
    // Pitch about z (left): up (x) tilts towards forward (y).
    let rp = [SIMD3(cos(b), -sin(b), 0), SIMD3(sin(b), cos(b), 0), SIMD3(0, 0, 1)]
    // Roll about y (forward): left (z) drops towards down (−x).
    let rr = [SIMD3(cos(c), 0, sin(c)), SIMD3(0, 1, 0), SIMD3(-sin(c), 0, cos(c))]
    func mul(_ p: [SIMD3<Double>], _ q: [SIMD3<Double>]) -> [SIMD3<Double>] {
      (0..<3).map { i in SIMD3((0..<3).map { j in (0..<3).reduce(0.0) { $0 + p[i][$1] * q[$1][j] } }) }
    }
    let r = mul(mul(ry, rp), rr)
    // Rows of Rᵀ = columns of R.
    return (0..<3).map { j in SIMD3(r[0][j], r[1][j], r[2][j]) }
  }

  /// The recording in the sensor frame, m/s².
  public func recording() -> Recording {
    let n = Int(seconds * rateHz)
    let g = Double(standardGravity)
    var ax = [Float](repeating: 0, count: n), ay = ax, az = ax
    let steps = trueSteps
    var seed = noiseSeed
    func noise() -> Double {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (Double(seed >> 11) / Double(1 << 53) - 0.5) * 2
    }
    let legacy = phases == nil
    var runningSpans: [Range<Double>] = []
    var t0 = 0.0
    for p in phases ?? [] {
      switch p {
      case .standing(let s), .walking(let s, _): t0 += s
      case .running(let s, _, _): runningSpans.append(t0..<(t0 + s)); t0 += s
      }
    }
    let lean = leanDeg * .pi / 180
    let (cl, sl) = (cos(lean), sin(lean))
    var c = 0
    var rotation = rotation
    for i in 0..<n {
      let t = Double(i) / rateHz
      if orientationDriftDeg != 0 && i % 10 == 0 {
        // The mounting pitches forward slowly: a pitch (about the body's
        // left axis) before the fixed mounting rotation.
        let d = orientationDriftDeg * .pi / 180 * t / seconds
        let (cd, sd) = (cos(d), sin(d))
        rotation = self.rotation.map { r in SIMD3(cd * r.x - sd * r.y, sd * r.x + cd * r.y, r.z) }
      }
      var up = 0.0, fwd = 0.0, right = 0.0
      var moving = false
      if legacy {
        while c < steps.count, steps[c].tcS < t { c += 1 }
        moving = true
        if c < steps.count, t >= steps[c].icS {
          // Clamped: t == tc can give τ a hair above 1 in floating point, and
          // a negative sine to the power 0.6 is NaN.
          let tau = min(1, max(0, (t - steps[c].icS) / contactS))
          up = steps[c].amplitude * Self.shape(tau, spike: steps[c].spike)
          fwd = -0.5 * sin(2 * .pi * tau)
          right = (steps[c].side == .left ? 1 : -1) * 0.25 * sin(.pi * tau)
        }
      } else {
        while c < steps.count, steps[c].icS + steps[c].stepS <= t { c += 1 }
        if c < steps.count, t >= steps[c].icS {
          moving = true
          let s = steps[c]
          let u = t - s.icS
          up = Self.verticalG(s, u)
          let sign: Double = s.side == .left ? 1 : -1
          switch s.kind {
          case .running:
            let contact = s.tcS - s.icS
            if u < contact {
              let tau = u / contact
              fwd = -0.5 * sin(2 * .pi * tau)
              right = sign * 0.25 * sin(.pi * tau)
            }
          case .walking:
            fwd = -0.15 * sin(2 * .pi * u / s.stepS)
            right = sign * 0.08 * sin(.pi * u / s.stepS)
          case .landing:
            break
          }
        } else {
          // Between the steps of a running phase (its first and last
          // flights) the trunk is airborne; elsewhere it stands.
          up = runningSpans.contains { $0.contains(t) } ? 0 : 1
          moving = up == 0
        }
      }
      // World frame (up, forward, left) → trunk frame (leaning forward by
      // `lean` during gait: the trunk's up axis tilts towards forward).
      var wu = up, wf = fwd
      if moving && lean != 0 { (wu, wf) = (cl * up + sl * fwd, -sl * up + cl * fwd) }
      let body = SIMD3(wu + noiseG * noise(), wf + noiseG * noise(), -right + noiseG * noise()) * g
      var x = (rotation[0] * body).sum(), y = (rotation[1] * body).sum(), z = (rotation[2] * body).sum()
      if let clipG {
        let m = clipG * g
        x = max(-m, min(m, x)); y = max(-m, min(m, y)); z = max(-m, min(m, z))
      }
      ax[i] = Float(x)
      ay[i] = Float(y)
      az[i] = Float(z)
    }
    return Recording(info: RecordingInfo(sampleRateHz: rateHz), blocks: [SampleBlock(startIndex: 0, ax: ax, ay: ay, az: az)])
  }
}

/// Sensor dropouts of a synthetic recording, as a Bluetooth or belt logger
/// loses packets: from `everyS` seconds on, every `everyS` seconds the next
/// `forS` seconds of samples are missing, so the time column jumps. Whole
/// samples: a dropout starts at sample k·round(everyS·rate) (k ≥ 1) and
/// lasts round(forS·rate) samples. The motion goes on during a dropout (the
/// truth keeps its steps); only the samples are lost.
public struct SyntheticDropouts: Sendable, Hashable {
  /// Samples from one dropout's start to the next's (round(everyS·rate), at least 1).
  public let periodSamples: Int
  /// Samples lost in each dropout (round(forS·rate)).
  public let lostSamples: Int

  /// Dropouts every `everyS` seconds lasting `forS` seconds, in whole
  /// samples at `rateHz`; the counts are fixed here, once, not per sample.
  public init(everyS: Double, forS: Double, rateHz: Double) {
    periodSamples = max(1, Int((everyS * rateHz).rounded()))
    lostSamples = Int((forS * rateHz).rounded())
  }

  /// Whether sample `i` (time i / rate) is lost.
  public func drops(sample i: Int) -> Bool { i >= periodSamples && i % periodSamples < lostSamples }
}
