//===--- PeriodEstimateSpeedTests.swift -----------------------------------===//
// The step-period estimate's faster paths give the values of the code they
// replace: the upper quantile from one scan equals definition 7 by
// selection, bit for bit, ties and short buffers included.
//===----------------------------------------------------------------------===//
import GaitCore
import Testing

@testable import GaitDSP

@Suite struct PeriodEstimateSpeedTests {
  @Test func topQuantileEqualsSelection() {
    var state: UInt64 = 0x9E37_79B9
    func next(_ range: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(state >> 33) % range
    }
    var checked = 0, declined = 0
    for n in [1, 2, 3, 5, 16, 17, 40, 100, 199, 200, 201, 750, 1_601] {
      for trial in 0..<20 {
        // Few distinct levels on odd trials (many ties), a wide spread else.
        let levels = trial % 2 == 1 ? 7 : 100_000
        let values = (0..<n).map { _ in Float(next(levels)) / 97 - 3 }
        for q in [0.99, 0.95, 0.999, 1.0, 0.9, 0.5] {
          var reference = values
          let expected = reference.withUnsafeMutableBufferPointer { Statistics.interpolatedQuantile($0, q) }
          // Also after a lower quantile put its rank in place (as the
          // period estimate calls it).
          for lower in [-1.0, 0.25] {
            var buffer = values
            let got = buffer.withUnsafeMutableBufferPointer { b -> Float? in
              var settled = -1
              if lower >= 0 { _ = Statistics.interpolatedQuantile(b, lower, settled: &settled) }
              return SegmentWorkspace.topQuantile(UnsafeBufferPointer(b), q, above: settled)
            }
            if let got {
              #expect(got.bitPattern == expected.bitPattern, "n=\(n) q=\(q) lower=\(lower)")
              checked += 1
            } else {
              declined += 1
            }
          }
        }
      }
    }
    // Both paths were exercised: the scan answered most upper quantiles,
    // selection the ranks below the 16 largest.
    #expect(checked > 500)
    #expect(declined > 100)
  }
}
