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
}
