import Foundation
import Testing

@testable import GaitDSP

@Suite struct PickPeaksTests {
  /// The all-pairs greedy peak picking that `pickPeaks` replaced (kept here
  /// as the reference): every candidate, tallest first, is compared with
  /// every peak taken so far.
  static func reference(_ x: [Float], minimum: Float, distanceAt distance: (Int) -> Int, separatedBelow: Float?) -> [Int] {
    var candidates: [Int] = []
    let n = x.count
    guard n >= 3 else { return [] }
    for i in 1..<(n - 1) where x[i] > minimum && x[i] > x[i - 1] && x[i] >= x[i + 1] { candidates.append(i) }
    candidates.sort { x[$0] > x[$1] || (x[$0] == x[$1] && $0 < $1) }
    var taken: [Int] = []
    func separated(_ a: Int, _ b: Int) -> Bool {
      guard let level = separatedBelow else { return false }
      for i in min(a, b)...max(a, b) where x[i] <= level { return true }
      return false
    }
    for c in candidates where !taken.contains(where: { abs($0 - c) < min(distance($0), distance(c)) && !separated($0, c) }) {
      taken.append(c)
    }
    return taken.sorted()
  }

  /// The integer sort keys order candidates as the comparison they
  /// replaced (taller first, −0 = +0, then the earlier index), written out
  /// here: signed heights around zero with both zeros, subnormals,
  /// infinities and many ties, every pair compared.
  @Test func peakOrderKeyOrdersAsHeightThenIndex() {
    var g = Generator(state: 0x0dd5)
    let special: [Float] = [0, -0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1, 0.5, -0.5]
    var pairs = 0, ties = 0
    for trial in 0..<40 {
      let n = 2 + g.below(120)
      let x: [Float] = (0..<n).map { _ in
        g.below(3) == 0 ? special[g.below(special.count)] : Float(g.below(9) - 4) / 3
      }
      let index = (0..<n).map { _ in trial == 0 ? g.below(n) : g.below(Int(UInt32.max)) }
      for a in 0..<n {
        for b in 0..<n where index[a] != index[b] {
          let before = x[a] > x[b] || (x[a] == x[b] && index[a] < index[b])
          #expect((peakOrderKey(x[a], index: index[a]) < peakOrderKey(x[b], index: index[b])) == before,
                  "\(x[a]) at \(index[a]) vs \(x[b]) at \(index[b])")
          pairs += 1
          if x[a] == x[b] { ties += 1 }
        }
      }
    }
    #expect(pairs > 10_000)
    #expect(ties > 1_000)
  }

  struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 11
    }
    mutating func below(_ k: Int) -> Int { Int(next() % UInt64(k)) }
  }

  /// Same indices as the reference on random signals: coarse levels (many
  /// ties and plateaus), smooth oscillations with noise, constant and
  /// varying distances (zero and one included), with and without the
  /// separation level, lengths from 0 to 3 000.
  @Test func sameIndicesAsAllPairsReference() {
    var g = Generator(state: 0x5eed)
    var compared = 0, peaksSeen = 0
    for trial in 0..<600 {
      let n = trial < 10 ? trial : g.below(3_000)
      let levels = 1 + g.below(12)
      let period = 5 + g.below(60)
      let x: [Float] = (0..<n).map { i in
        switch trial % 3 {
        case 0:  // coarse: ties everywhere, both zeros and negative levels on odd trials
          return trial % 2 == 1 ? [Float(0), -0, -1, 1, -2][g.below(5)] : Float(g.below(levels))
        case 1: return sin(Float(i) * 2 * .pi / Float(period)) + Float(g.below(1_000)) / 2_000
        default: return Float(g.below(levels)) / 4 + (i % period < period / 3 ? 1 : 0)
        }
      }
      let minimum: Float = [-1, 0, 0.5, 1][g.below(4)]
      let base = g.below(40)
      let varying = trial % 2 == 0
      let scale = 1 + g.below(200)
      let distance: (Int) -> Int = { i in varying ? (base + (i / scale) % 17 - 3) : base }
      let below: Float? = g.below(2) == 0 ? nil : [Float(0), 0.2, 1][g.below(3)]
      let expected = Self.reference(x, minimum: minimum, distanceAt: distance, separatedBelow: below)
      #expect(pickPeaks(x, minimum: minimum, distanceAt: distance, separatedBelow: below) == expected,
              "trial \(trial)")
      if below == nil {
        #expect(pickPeaks(x, minimum: minimum, distanceAt: distance) == expected, "trial \(trial)")
        if !varying {
          #expect(pickPeaks(x, minimum: minimum, distance: base) == expected, "trial \(trial)")
        }
      }
      compared += 1
      peaksSeen += expected.count
    }
    #expect(compared == 600)
    #expect(peaksSeen > 10_000)  // the signals do have peaks to pick
  }
}
