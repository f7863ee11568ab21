import Foundation
import GaitCore
import Testing

@testable import GaitDSP

@Suite struct FilterFusionTests {
  /// The fused passes give the same bits as one pass per section, for
  /// low- and high-pass filters at several rates, on noisy signals with
  /// steps, spikes and lengths shorter than the padding.
  @Test(arguments: [(20.0, 100.0, false), (20.0, 1000.0, false), (5.0, 50.0, false), (0.5, 100.0, true), (8.0, 197.0, true)])
  func fusedIsBitIdenticalToTwoPasses(cutoffHz: Double, rateHz: Double, highPass: Bool) {
    let filter = highPass ? ZeroPhaseButterworth.highPass(cutoffHz: cutoffHz, sampleRateHz: rateHz)
                          : ZeroPhaseButterworth.lowPass(cutoffHz: cutoffHz, sampleRateHz: rateHz)
    var state: UInt64 = 0x1234_5678 &+ UInt64(rateHz)
    func noise() -> Float {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(Int64(bitPattern: state >> 11) % 20_000) / 1000 - 10
    }
    for n in [2, 3, 17, 300, 4_099] {
      let a: [Float] = (0..<n).map { i -> Float in
        let wave = Float(sin(Double(i) * 0.37))
        return 9.81 + 8 * wave + noise()
      }
      let b: [Float] = (0..<n).map { i -> Float in i % 97 == 0 ? 60 : noise() * 0.1 }
      let c: [Float] = (0..<n).map { i -> Float in i < n / 2 ? -3 : 14 }
      let d: [Float] = (0..<n).map { _ -> Float in noise() * 1e-3 }
      var (fa, fb, fc, fd) = (a, b, c, d)
      var (ta, tb, tc, td) = (a, b, c, d)
      var s1: [SIMD4<Float>] = [], s2: [SIMD4<Float>] = []
      filter.apply4(&fa, &fb, &fc, &fd, scratch: &s1, fused: true)
      filter.apply4(&ta, &tb, &tc, &td, scratch: &s2, fused: false)
      let pairs: [([Float], [Float])] = [(fa, ta), (fb, tb), (fc, tc), (fd, td)]
      for (x, y) in pairs {
        #expect(x.map { $0.bitPattern } == y.map { $0.bitPattern }, "n \(n)")
      }
      #expect(fa != a, "the filter changed the signal")
    }
  }

  /// The segment's load (|a|, the gravity direction and the horizontal
  /// principal axis, summed in SIMD lanes) gives the same bits as the
  /// scalar loops it replaced, written out here as the reference; and the
  /// low-pass after it equals the per-section reference passes.
  @Test(arguments: [100.0, 1000.0, 50.0])
  func segmentLoadIsBitIdenticalToScalarLoops(rateHz: Double) {
    var run = SyntheticRun(rateHz: rateHz, phases: [.running(seconds: 16, cadenceSpm: 172, contactS: 0.23)])
    run.stepAsymmetry = 0.1
    let rec = run.recording().blocks[0]
    let info = RecordingInfo(sampleRateHz: rateHz)
    var work = SegmentWorkspace()
    for n in [rec.count, rec.count / 3 + 1, 17, 6, 3, 2] {
      let r = (rec.count - n) / 2..<((rec.count - n) / 2 + n)
      let x = Array(rec.ax[r]), y = Array(rec.ay[r]), z = Array(rec.az[r])
      work.load(ax: rec.ax[r], ay: rec.ay[r], az: rec.az[r], gyro: nil, info: info, rateHz: rateHz)
      // Reference: the scalar loops.
      var sx: Float = 0, sy: Float = 0, sz: Float = 0
      var magnitude: [Float] = []
      for i in 0..<n {
        sx += x[i]; sy += y[i]; sz += z[i]
        magnitude.append((x[i] * x[i] + y[i] * y[i] + z[i] * z[i]).squareRoot())
      }
      let count = Float(n)
      var g = SIMD3<Float>(sx / count, sy / count, sz / count)
      g = g / (g * g).sum().squareRoot()
      let helper: SIMD3<Float> = abs(g.x) < 0.9 ? SIMD3(1, 0, 0) : SIMD3(0, 1, 0)
      let e1 = normalize(cross(g, helper)), e2 = cross(g, e1)
      var c11: Float = 0, c22: Float = 0, c12: Float = 0, m1: Float = 0, m2: Float = 0
      for i in 0..<n {
        let h1 = x[i] * e1.x + y[i] * e1.y + z[i] * e1.z
        let h2 = x[i] * e2.x + y[i] * e2.y + z[i] * e2.z
        m1 += h1; m2 += h2
        c11 += h1 * h1; c22 += h2 * h2; c12 += h1 * h2
      }
      m1 /= count; m2 /= count
      let v11 = Double(c11 / count - m1 * m1), v22 = Double(c22 / count - m2 * m2), v12 = Double(c12 / count - m1 * m2)
      let phi = 0.5 * atan2(2 * v12, v11 - v22)
      let forward = normalize(Float(cos(phi)) * e1 + Float(sin(phi)) * e2)
      #expect(work.magnitude.map { $0.bitPattern } == magnitude.map { $0.bitPattern }, "n \(n)")
      #expect(work.up == g && work.forward == forward, "n \(n)")
      // The low-pass (fused passes) against the per-section reference.
      var (a, b, c, d) = (work.vertical, work.anteroposterior, work.mediolateral, work.magnitude)
      var scratch: [SIMD4<Float>] = []
      ZeroPhaseButterworth.lowPass(cutoffHz: min(20, 0.4 * rateHz), sampleRateHz: rateHz)
        .apply4(&a, &b, &c, &d, scratch: &scratch, fused: false)
      let before = work.magnitude
      work.prepare(lowPassHz: min(20, 0.4 * rateHz))
      for (p, q) in [(work.vertical, a), (work.anteroposterior, b), (work.mediolateral, c), (work.magnitude, d)] {
        #expect(p.map { $0.bitPattern } == q.map { $0.bitPattern }, "n \(n)")
      }
      if n > 6 { #expect(work.magnitude != before, "the low-pass changed |a|, n \(n)") }
    }
  }
}
