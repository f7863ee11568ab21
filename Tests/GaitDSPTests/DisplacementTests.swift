import Foundation
import Testing

@testable import GaitDSP

@Suite struct DisplacementTests {
  /// The three-pass double integration that `peakToPeakDisplacement` replaced
  /// (kept here as the reference): the velocity is computed twice, once for
  /// its mean and once to integrate it.
  static func reference(_ a: [Float], _ range: Range<Int>, rateHz: Double) -> Double? {
    let n = range.count
    guard n >= 4, range.lowerBound >= 0, range.upperBound <= a.count else { return nil }
    let dt = 1 / rateHz
    var mean = 0.0
    for i in range { mean += Double(a[i]) }
    mean /= Double(n)
    var v = 0.0, vMean = 0.0
    var previous = Double(a[range.lowerBound]) - mean
    for i in range {
      let x = Double(a[i]) - mean
      v += 0.5 * (previous + x) * dt
      previous = x
      vMean += v
    }
    vMean /= Double(n)
    v = 0
    previous = Double(a[range.lowerBound]) - mean
    var d = 0.0, lo = 0.0, hi = 0.0
    for i in range {
      let x = Double(a[i]) - mean
      v += 0.5 * (previous + x) * dt
      previous = x
      d += (v - vMean) * dt
      lo = min(lo, d); hi = max(hi, d)
    }
    return hi - lo
  }

  /// The same bits as the reference (or both `nil`) on random signals and
  /// ranges, at 50, 100 and 1000 Hz, with one scratch buffer reused across
  /// calls of growing and shrinking lengths (stale contents must not leak),
  /// ranges out of bounds and shorter than four samples included.
  @Test func sameBitsAsTwoVelocityPassReference() {
    var g = PickPeaksTests.Generator(state: 0xd15b)
    var velocity: [Double] = []
    var compared = 0
    for trial in 0..<2_000 {
      let n = 1 + g.below(3_000)
      let period = 20 + g.below(200)
      let a: [Float] = (0..<n).map { i in
        9.81 + 12 * sin(Float(i) * 2 * .pi / Float(period)) + Float(g.below(2_001)) / 1_000 - 1
      }
      let lower = g.below(n + 2) - 1
      let upper = min(n + 1, lower + g.below(1_500))
      let range = lower..<max(lower, upper)
      let rate = [50.0, 100, 1_000][trial % 3]
      let fast = peakToPeakDisplacement(a, range, rateHz: rate, velocity: &velocity)
      let slow = Self.reference(a, range, rateHz: rate)
      #expect(fast?.bitPattern == slow?.bitPattern, "trial \(trial): range \(range) of \(n) at \(rate) Hz")
      if slow != nil { compared += 1 }
    }
    #expect(compared > 500, "many trials have a displacement to compare (875 with this seed)")
  }

  /// A pure sinusoid of amplitude A at angular frequency ω over whole
  /// periods moves 2A/ω² peak to peak.
  @Test func sinusoidDisplacement() {
    let rate = 1_000.0, f = 2.5, amplitude = 10.0
    let w = 2 * Double.pi * f
    let a = (0..<4_000).map { i in Float(amplitude * sin(w * Double(i) / rate)) }
    var velocity: [Double] = []
    let d = peakToPeakDisplacement(a, 0..<400, rateHz: rate, velocity: &velocity)!
    #expect(abs(d - 2 * amplitude / (w * w)) < 1e-3 * d)
  }

  /// The side with stance means carried between calls equals the side
  /// computed afresh, for runs of consecutive contacts, skipped contacts
  /// (outside the core, without toe-off) and repeated calls; contacts
  /// without toe-off, out of range or empty stances included.
  @Test func carriedStanceMeansGiveSameSides() {
    var g = PickPeaksTests.Generator(state: 0x51de)
    var compared = 0, sided = 0
    for _ in 0..<300 {
      let n = 200 + g.below(2_000)
      let ml: [Float] = (0..<n).map { _ in Float(g.below(2_001)) / 500 - 2 }
      var contacts: [Contact] = []
      var ic = Double(g.below(20)) - 5
      while ic < Double(n) + 20 {
        let tc: Double? = g.below(5) == 0 ? nil : ic + Double(g.below(40)) - 3
        contacts.append(Contact(icIndex: ic, tcIndex: tc, anchorIndex: Int(ic)))
        ic += Double(10 + g.below(60)) + Double(g.below(100)) / 100
      }
      let laterality = TrunkLaterality()
      var means = TrunkLaterality.StanceMeans()
      var k = 0
      while k < contacts.count {
        let fresh = laterality.side(ofContact: k, in: contacts, mediolateral: ml)
        let carried = laterality.side(ofContact: k, in: contacts, mediolateral: ml, carrying: &means)
        #expect(fresh == carried, "contact \(k) of \(contacts.count)")
        compared += 1
        if fresh != nil { sided += 1 }
        k += [0, 1, 1, 1, 2, 3][g.below(6)]
        if g.below(50) == 0 { k += 1 }
      }
    }
    #expect(compared > 5_000 && sided > 2_000, "most contacts compared have a side")
  }
}
