import Foundation
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
}
