//===--- FFTWWisdomTests.swift --------------------------------------------===//
// The embedded FFTW wisdom (FFTWisdom.swift) must not change any plan: every
// power of two planned from it gets the plan that an FFTW_ESTIMATE search
// from scratch gets, and the text is what that search exports here.
//===----------------------------------------------------------------------===//
import Testing

@testable import GaitDSP

@Suite(.serialized) struct FFTWWisdomTests {
  /// Sizes 2…2^19 (the analysis plans 256…16384 on the bundled inputs), and
  /// lengths that are not powers of two, which the wisdom does not hold.
  static let sizes = (1...19).map { 1 << $0 } + [100, 1000, 3000, 4097]

  @Test func plansFromWisdomEqualPlansFromScratch() {
    let scratch = FFTWPlanner.planDescriptions(sizes: Self.sizes, withWisdom: false)
    let wise = FFTWPlanner.planDescriptions(sizes: Self.sizes, withWisdom: true)
    for (n, (a, b)) in zip(Self.sizes, zip(scratch.plans, wise.plans)) {
      #expect(a == b, "n=\(n): from scratch \(a), from wisdom \(b)")
      #expect(a.hasPrefix("(rdft2"), "n=\(n): \(a)")
    }
  }

  /// The text is FFTW's own export after planning 2^8…2^15 (compared as a
  /// set of entries: the export's order follows FFTW's hash table). Only
  /// where FFTW accepts the text (the same FFTW build); elsewhere it is
  /// ignored and the test above still holds.
  @Test func embeddedTextIsWhatTheSearchExports() {
    guard FFTWPlanner.planDescriptions(sizes: [1024], withWisdom: true).accepted else { return }
    let exported = FFTWPlanner.estimateWisdom(sizes: (8...15).map { 1 << $0 })
    let lines = { (text: String) in Set(text.split(separator: "\n").map { String($0.drop { $0 == " " }) }) }
    #expect(lines(exported) == lines(fftwEstimateWisdom), "paste this into FFTWisdom.swift:\n\(exported)")
    #expect(lines(exported).count > 10)
  }
}
