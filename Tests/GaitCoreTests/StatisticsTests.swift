//===--- StatisticsTests.swift --------------------------------------------===//
// The one quantile definition (Hyndman & Fan 1996, definition 7; numpy's and
// R's default): values worked by hand, and random samples against a
// reference that sorts and interpolates between the closest ranks.
//===----------------------------------------------------------------------===//
import GaitCore
import GaitTestSupport
import Testing

/// Definition 7 the plain way: sort, h = (n − 1)·q, interpolate.
func referenceQuantile(_ values: [Double], _ q: Double) -> Double {
  let s = values.sorted()
  let h = Double(s.count - 1) * q
  let lo = Int(h.rounded(.down))
  let hi = min(lo + 1, s.count - 1)
  return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
}

@Suite struct StatisticsTests {
  @Test func valuesWorkedByHand() {
    // numpy.quantile(..., method="linear") gives the same.
    #expect(Statistics.quantile([1.0, 2, 3, 4], 0.25) == 1.75)
    #expect(Statistics.median([4.0, 1, 3, 2]) == 2.5)
    #expect(Statistics.median([5.0, 1, 3]) == 3)
    #expect(Statistics.quantile([10.0, 20, 30, 40, 50], 0.9) == 46)
    #expect(Statistics.quantile([10.0, 20, 30, 40, 50], 0) == 10)
    #expect(Statistics.quantile([10.0, 20, 30, 40, 50], 1) == 50)
    #expect(Statistics.quantile([7.0], 0.3) == 7)
    #expect(Statistics.quantile([Float(3), 1, 2], 0.5) == 2)
  }

  @Test func emptyInput() {
    #expect(Statistics.median([Double]()) == nil)
    #expect(Statistics.quantile([Double](), 0.1) == nil)
    #expect(Statistics.quantile([Float](), 0.5) == 0)
  }

  @Test func randomSamplesMatchTheReference() {
    var rng = SplitMix(state: 18)
    for n in [2, 3, 8, 9, 100, 1001] {
      for _ in 0..<20 {
        // Repeated values too: selection must handle ties.
        let values = (0..<n).map { _ in Double(Int.random(in: -50...50, using: &rng)) / 4 }
        for q in [0.0, 0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98, 1.0] {
          let got = Statistics.quantile(values, q)!
          let want = referenceQuantile(values, q)
          #expect(abs(got - want) <= 1e-12 * max(1, abs(want)), "n=\(n) q=\(q): \(got) vs \(want)")
        }
      }
    }
  }

  @Test func severalQuantilesOfOneBufferEqualSeparateCalls() {
    var rng = SplitMix(state: 7)
    var values = (0..<257).map { _ in Double.random(in: -3...3, using: &rng) }
    let qs = [0.1, 0.5, 0.9]
    let separate = qs.map { Statistics.quantile(values, $0)! }
    var settled = -1
    let together = values.withUnsafeMutableBufferPointer { b in
      qs.map { Statistics.interpolatedQuantile(b, $0, settled: &settled) }
    }
    #expect(together == separate)
  }
}
