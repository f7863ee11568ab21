//===--- RoundedIndexTests.swift ------------------------------------------===//
// `roundedIndex` gives `Int(x.rounded())`, the code it replaced, for every
// kind of finite double: halves either side of zero and their neighbours,
// tiny and huge magnitudes, and random values over many binades.
//===----------------------------------------------------------------------===//
import Testing

@testable import GaitDSP

@Suite struct RoundedIndexTests {
  @Test func equalsIntOfRounded() {
    var values: [Double] = [0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .ulpOfOne,
                            0x1p52, -0x1p52, 0x1p53 + 2, -0x1p53 - 2, 0x1p62, -0x1p63, 0x1p63.nextDown,
                            4_503_599_627_370_495.5, -4_503_599_627_370_495.5]
    for k in -300...300 {
      let half = Double(k) + 0.5
      values += [half, half.nextUp, half.nextDown, Double(k), Double(k).nextUp, Double(k).nextDown]
    }
    var state: UInt64 = 0x00C0_FFEE
    for _ in 0..<20_000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let mantissa = Double(state >> 11) / 0x1p53  // [0, 1)
      let exponent = Int((state >> 3) % 64) - 10
      values.append((state & 1 == 0 ? 1 : -1) * mantissa * Double(sign: .plus, exponent: exponent, significand: 1))
    }
    var differing = 0, halves = 0
    for x in values {
      if roundedIndex(x) != Int(x.rounded()) { differing += 1 }
      if x - x.rounded(.towardZero) == 0.5 || x - x.rounded(.towardZero) == -0.5 { halves += 1 }
    }
    #expect(differing == 0)
    #expect(values.count > 20_000)
    #expect(halves >= 600)  // the ties, where the rounding direction matters, were tested
  }
}
