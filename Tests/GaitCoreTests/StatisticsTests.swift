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

  /// Arrays of `n` values of every shape selection meets: random with many
  /// ties and without, constant, sorted, reversed, organ pipe, a noisy
  /// periodic signal (like the levels of a gait signal) and a clipped one.
  static func selectionInputs(_ n: Int, _ rng: inout SplitMix) -> [[Float]] {
    var inputs: [[Float]] = []
    inputs.append((0..<n).map { _ in Float(Int.random(in: 0...3, using: &rng)) })
    inputs.append((0..<n).map { _ in Float.random(in: -5...5, using: &rng) })
    inputs.append([Float](repeating: 2.5, count: n))
    inputs.append((0..<n).map { Float($0) })
    inputs.append((0..<n).map { Float(n - $0) })
    inputs.append((0..<n).map { Float(min($0, n - 1 - $0)) })
    // A triangle wave of period 46 plus noise, and one clipped at ±10.
    var periodic: [Float] = [], clipped: [Float] = []
    for i in 0..<n {
      let phase = Float(i % 46), wave: Float = phase < 23 ? phase : 46 - phase
      periodic.append(9.8 + wave + Float.random(in: -1...1, using: &rng))
      clipped.append(min(10, max(-10, 2 * wave - 23)))
    }
    inputs.append(periodic)
    inputs.append(clipped)
    return inputs
  }

  /// The k-th smallest value, and the contract callers rely on: nothing
  /// before index k is larger, nothing after it smaller, and the buffer
  /// still holds the same values.
  static func checkSelection<T: Comparable>(_ values: [T], rank k: Int, sorted: [T]) -> Bool {
    var b = values
    let got = b.withUnsafeMutableBufferPointer { Statistics.select($0, rank: k) }
    guard got == sorted[k], b[k] == got else { return false }
    for i in 0..<k where b[i] > got { return false }
    for i in (k + 1)..<b.count where b[i] < got { return false }
    return b.sorted() == sorted
  }

  @Test func selectionAgreesWithSortingAndKeepsThePartition() {
    var rng = SplitMix(state: 16)
    var failures = 0
    // Every rank of every size up to 64, then the edge and spread ranks of
    // larger sizes (up to 2000).
    for n in 1...64 {
      for values in Self.selectionInputs(n, &rng) {
        let sorted = values.sorted()
        for k in 0..<n where !Self.checkSelection(values, rank: k, sorted: sorted) { failures += 1 }
      }
    }
    for n in [65, 100, 257, 750, 1001, 1999, 2000] {
      for values in Self.selectionInputs(n, &rng) {
        let sorted = values.sorted()
        let ranks = Set([0, 1, 2, n / 4, n / 2, (3 * n) / 4, n - 3, n - 2, n - 1] + stride(from: 0, to: n, by: 101))
        for k in ranks where !Self.checkSelection(values, rank: k, sorted: sorted) { failures += 1 }
        // Doubles and integers too (the run summary selects Doubles).
        let d = values.map { Double($0) }, ds = d.sorted()
        let i = values.map { Int($0 * 4) }, iSorted = i.sorted()
        for k in ranks where !Self.checkSelection(d, rank: k, sorted: ds) || !Self.checkSelection(i, rank: k, sorted: iSorted) {
          failures += 1
        }
      }
    }
    #expect(failures == 0)
  }

  /// Selection stays linear on orders that defeat fixed pivot positions:
  /// counted comparisons on 4096 values stay within 12 per value (an
  /// organ-pipe buffer took 450 to 770 per value, quadratic, with the
  /// first, middle and last element as the only pivot candidates).
  @Test func selectionStaysLinearOnStructuredOrders() {
    final class Counter { var count = 0 }
    struct Counted: Comparable {
      let value: Int
      let counter: Counter
      static func < (a: Counted, b: Counted) -> Bool { a.counter.count += 1; return a.value < b.value }
      static func == (a: Counted, b: Counted) -> Bool { a.value == b.value }
    }
    let n = 4096
    let orders: [(String, [Int])] = [
      ("organ pipe", (0..<n).map { min($0, n - 1 - $0) }),
      ("sorted", Array(0..<n)),
      ("reversed", (0..<n).map { n - $0 }),
      ("two values", (0..<n).map { $0 % 2 }),
      ("period 16", (0..<n).map { $0 % 16 }),
    ]
    for (name, values) in orders {
      for k in [0, n / 4, n / 2, n - 1] {
        let counter = Counter()
        var b = values.map { Counted(value: $0, counter: counter) }
        let got = b.withUnsafeMutableBufferPointer { Statistics.select($0, rank: k) }
        #expect(got.value == values.sorted()[k], "\(name) k=\(k)")
        #expect(counter.count <= 12 * n, "\(name) k=\(k): \(counter.count) comparisons")
      }
    }
  }
}
