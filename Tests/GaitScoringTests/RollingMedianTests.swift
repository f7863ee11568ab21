import Testing

@testable import GaitReport

@Suite struct RollingMedianTests {
  /// The sliding window gives exactly the medians of sorting every window,
  /// for odd and even windows, ties, short inputs and windows longer than
  /// the input; NaN and -0 take the sorting path.
  @Test func slidingEqualsSortingEachWindow() {
    var state: UInt64 = 5
    func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(Int(state >> 40) % 400 - 100) / 8
    }
    for count in [0, 1, 2, 3, 10, 57, 1_000] {
      let points = (0..<count).map { (Double($0) * 0.35, next()) }
      for window in [2, 3, 4, 5, 15, 100, 2_001] {
        let fast = rollingMedian(points, window: window)
        let slow = rollingMedianBySorting(points, half: window / 2)
        #expect(fast.map(\.0) == slow.map(\.0))
        #expect(fast.map { $0.1.bitPattern } == slow.map { $0.1.bitPattern }, "count \(count), window \(window)")
      }
    }
    let odd: [(Double, Double)] = [(0, 1), (1, -0.0), (2, 0), (3, .nan), (4, 2)]
    #expect(rollingMedian(odd, window: 3).map { $0.1.bitPattern } == rollingMedianBySorting(odd, half: 1).map { $0.1.bitPattern })
  }

  /// The medians at a few points (a chart's thinned line) found by
  /// selection equal those of the sliding window, to the bit: odd and even
  /// windows, windows cut at both ends, many ties, sorted and reversed
  /// inputs (selection's worst orders); NaN and -0 take the sorting path.
  @Test func selectedEqualsSliding() {
    var state: UInt64 = 11
    func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 33
    }
    for count in [1, 2, 3, 10, 801, 2_500] {
      let shapes: [[Double]] = [
        (0..<count).map { _ in Double(Int(next() % 400) - 100) / 8 },  // many ties
        (0..<count).map { _ in Double(next()) / 7_919 - 1_000 },
        (0..<count).map { Double($0) },
        (0..<count).map { -Double($0) / 3 },
        (0..<count).map { _ in 2.5 },
      ]
      for values in shapes {
        let points = values.enumerated().map { (Double($0.offset) * 0.35, $0.element) }
        let indices = Array(stride(from: 0, to: count, by: max(1, count / 37))) + [count - 1]
        for window in [2, 3, 4, 15, 16, 101, 3_001] {
          let all = rollingMedian(points, window: window)
          let picked = rollingMedian(points, window: window, at: indices)
          #expect(picked.map(\.0) == indices.map { all[$0].0 })
          #expect(picked.map { $0.1.bitPattern } == indices.map { all[$0].1.bitPattern }, "count \(count), window \(window)")
        }
      }
    }
    let odd: [(Double, Double)] = [(0, 1), (1, -0.0), (2, 0), (3, .nan), (4, 2)]
    #expect(rollingMedian(odd, window: 3, at: [0, 2, 4]).map { $0.1.bitPattern }
      == [0, 2, 4].map { rollingMedianBySorting(odd, half: 1)[$0].1.bitPattern })
  }
}
