//===--- PeriodEstimateSpeedTests.swift -----------------------------------===//
// The step-period estimate's faster paths give the values of the code they
// replace: the upper quantile from one scan equals definition 7 by
// selection, bit for bit, ties and short buffers included.
//===----------------------------------------------------------------------===//
import Foundation
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
        // Few distinct levels on odd trials (many ties), a wide spread else;
        // every fourth trial periodic instead, with a period of 16 (each lane
        // of the scan's bound sees one phase) or 23, as levels of gait are.
        let levels = trial % 2 == 1 ? 7 : 100_000
        var values = (0..<n).map { _ in Float(next(levels)) / 97 - 3 }
        if trial % 4 == 2 {
          let period = trial % 8 == 2 ? 16 : 23
          values = values.indices.map { Float(($0 % period) * ($0 % period)) + values[$0] / 100 }
        }
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
              // Declined only when the ranks are not among the 16 largest.
              #expect(n - Int(q * Double(n - 1)) > 16, "n=\(n) q=\(q) lower=\(lower)")
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

  /// The hump count's two scans (find the arming sample, then the firing
  /// one) fire on the samples of the per-sample Schmitt trigger they
  /// replaced, written out here: levels on the thresholds, plateaus, NaN.
  @Test func humpScansEqualThePerSampleTrigger() {
    var state: UInt64 = 0x5151_7A7A
    func next(_ range: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int(state >> 33) % range
    }
    var work = SegmentWorkspace()
    let model = TrunkProfile.periodicityModel
    var compared = 0, found = 0
    for n in [0, 1, 2, 5, 9, 40, 400, 1_500] {
      for trial in 0..<12 {
        // Values on a coarse grid, so many sit exactly on `low` or `high`;
        // on odd trials held for up to 30 samples (long runs on either side
        // of the levels, which the scans skip eight samples at a time).
        var x: [Float] = []
        while x.count < n {
          let value = Float(next(9))
          x += repeatElement(value, count: min(n - x.count, trial % 2 == 1 ? 1 + next(30) : 1))
        }
        if trial % 3 == 2, n > 3 { x[n / 2] = .nan; x[n / 3] = .nan }
        let low: Float = 2, top: Float = trial % 4 == 3 ? 2 : 8
        let period = Double(2 + next(5))
        // Reference: the loop over both tests per sample.
        let high = low + Float(model.humpLevel) * (top - low)
        var armed = false
        var last: Int?
        var intervals: [Double] = []
        for i in x.indices {
          if x[i] <= low { armed = true } else if armed, x[i] >= high {
            armed = false
            if let l = last, Double(i - l) <= 3 * period { intervals.append(Double(i - l)) }
            last = i
          }
        }
        var expected: Double?
        if intervals.count >= 4 { expected = intervals.withUnsafeMutableBufferPointer { Statistics.interpolatedQuantile($0, 0.5) } }
        let got = x.withUnsafeBufferPointer { work.medianHumpInterval($0, period: period, low: low, top: top, model: model) }
        #expect(got?.bitPattern == expected?.bitPattern, "n=\(n) trial=\(trial)")
        compared += 1
        if expected != nil { found += 1 }
      }
    }
    #expect(compared == 96)
    #expect(found >= compared / 6, "the median was compared, not only nil")
  }

  /// The displacement's running maximum (`d > hi ? d : hi`) gives the
  /// value of `max(hi, d)`, written out here, on steps of every length.
  @Test func displacementEqualsTheMaxReference() {
    var state: UInt64 = 0x0DD_BA11
    func noise() -> Float {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(Int64(bitPattern: state >> 11) % 20_000) / 1000 - 10
    }
    let a: [Float] = (0..<600).map { i -> Float in
      let wave = Float(sin(Double(i) * 0.2))
      return 9.81 + 6 * wave + noise()
    }
    var velocity: [Double] = []
    var compared = 0
    for start in stride(from: 0, to: 300, by: 37) {
      for length in [4, 5, 31, 70, 250] {
        let range = start..<(start + length)
        let p = Array(a[range]).map(Double.init)
        let dt = 1 / 100.0
        var mean = 0.0
        for v in p { mean += v }
        mean /= Double(length)
        var v = 0.0, vMean = 0.0, previous = p[0] - mean
        var vel: [Double] = []
        for value in p {
          let x = value - mean
          v += 0.5 * (previous + x) * dt
          previous = x
          vel.append(v)
          vMean += v
        }
        vMean /= Double(length)
        var d = 0.0, lo = 0.0, hi = 0.0
        for value in vel {
          d += (value - vMean) * dt
          lo = min(lo, d); hi = max(hi, d)
        }
        let got = peakToPeakDisplacement(a, range, rateHz: 100, velocity: &velocity)
        #expect(got?.bitPattern == (hi - lo).bitPattern, "\(range)")
        compared += 1
      }
    }
    #expect(compared == 45)
  }

  /// Two displacements computed together equal one call each, bit for bit:
  /// either range longer, equal lengths, one of the two too short or out
  /// of bounds (then `nil` where the single call gives `nil`).
  @Test func pairedDisplacementsEqualSingleCalls() {
    var state: UInt64 = 0xFEED_F00D
    func noise() -> Float {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(Int64(bitPattern: state >> 11) % 20_000) / 1000 - 10
    }
    let a: [Float] = (0..<500).map { _ in 9.81 + noise() }
    let b: [Float] = (0..<500).map { _ in noise() * 0.2 }
    var scratch: [Double] = [], single: [Double] = []
    var compared = 0, bothPresent = 0
    for start in [0, 13, 240, 490] {
      for (la, lb) in [(35, 70), (70, 35), (40, 40), (3, 60), (60, 2), (4, 4), (30, 200)] {
        let ra = start..<(start + la), rb = start..<(start + lb)
        let (pa, pb) = peakToPeakDisplacements(a, ra, b, rb, rateHz: 100, velocity: &scratch)
        let sa = peakToPeakDisplacement(a, ra, rateHz: 100, velocity: &single)
        let sb = peakToPeakDisplacement(b, rb, rateHz: 100, velocity: &single)
        #expect(pa?.bitPattern == sa?.bitPattern, "a \(ra)")
        #expect(pb?.bitPattern == sb?.bitPattern, "b \(rb)")
        compared += 1
        if pa != nil, pb != nil { bothPresent += 1 }
      }
    }
    #expect(compared == 28)
    #expect(bothPresent >= 12, "the interleaved path ran, not only the fallbacks")
  }
}
