//===--- ReportModuleTests.swift ------------------------------------------===//
// GaitReport's own rules, tested without the CLI: the personal baseline
// (one median definition) and the evaluation readers on the shared
// CSVTable.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
import GaitDSP
import GaitIngest
@testable import GaitReport
import GaitScoring
import GaitTestSupport
import Testing

@Suite struct PersonalBaselineTests {
  func run(_ cadence: Double, speed: Double? = nil) -> PastRun {
    PastRun(path: "r\(cadence).json", dateUnixS: nil, speedMps: speed, runningSeconds: 600, cadenceSpm: cadence,
            groundContactMs: cadence + 70, brakingMps: nil, trunkLeanDeg: nil, lateralSwayCm: nil)
  }

  /// The baseline is the median of past runs by the one quantile
  /// definition: an even count takes the mean of the two middle runs.
  @Test func medianOfPastRuns() throws {
    let policy = ScoringPolicy.populationDefaults
    let odd = try #require(personalBaseline(from: [run(160), run(180), run(170)], speedMps: nil, policy: policy))
    #expect(odd.runs == 3)
    #expect(odd.cadenceSpm == 170)
    let even = try #require(personalBaseline(from: [run(160), run(180), run(170), run(190)], speedMps: nil, policy: policy))
    #expect(even.cadenceSpm == 175)
    #expect(even.groundContactMs == 245)
    #expect(even.brakingMps == nil)
  }

  /// Runs at another speed are left out; none at the speed: no baseline.
  @Test func speedMatched() throws {
    let policy = ScoringPolicy.populationDefaults
    let runs = [run(160, speed: 3.0), run(170, speed: 3.1), run(190, speed: 4.5)]
    let b = try #require(personalBaseline(from: runs, speedMps: 3.05, policy: policy))
    #expect(b.runs == 2)
    #expect(b.cadenceSpm == 165)
    #expect(personalBaseline(from: runs, speedMps: 6, policy: policy) == nil)
  }
}

@Suite struct EvaluationReaderTests {
  /// Truth rows keep their file line numbers through the shared table
  /// (blank lines and a byte-order mark included), and filters select rows.
  @Test func truthFromCSVTable() throws {
    let path = temporaryFile("\u{FEFF}IC_time_s, tc_time_s ,trial\n\n1.0,1.25,a\n\"1.5\",1.75,b\n2.0,,a\n", name: "truth.csv")
    let all = try loadTruth(path: path)
    #expect(all.map(\.icS) == [1.0, 1.5, 2.0])
    #expect(all.map(\.tcS) == [1.25, 1.75, nil])
    #expect(try loadTruth(path: path, where: ["trial": "a"]).map(\.icS) == [1.0, 2.0])
    let bad = temporaryFile("ic_time_s\n1.0\n\nsoon\n", name: "bad-truth.csv")
    #expect { try loadTruth(path: bad) } throws: { ($0 as? ReportError)?.line == 4 && ($0 as? ReportError)?.code == .malformedRecord }
  }

  /// Stride evaluation against exact synthetic truth: steps 2 ms after each
  /// reference boundary match all strides, with that error in the mean.
  @Test func stridesAgainstExactTruth() throws {
    let starts = (0..<20).map { 1.0 + Double($0) * 0.7 }
    let steps = starts.map { Step(icS: $0 + 0.002, running: true) }
    let r = try #require(evaluateStrides(steps: steps, strideStartsS: starts))
    #expect(r.matched == 19 && r.total == 19)
    #expect(abs(r.referenceStrideS - 0.7) < 1e-9)
    #expect(abs(r.detectedStrideS - 0.7) < 1e-9)
  }
  /// The matching tolerance is inclusive: at 50 Hz a detection one sample
  /// (20 ms) before its contact matches within ±20 ms, although k/50 and the
  /// contact time differ from 20 ms in the last bits; 21 ms away does not.
  @Test func toleranceIsInclusiveAtOneSample() {
    let truth = (1...10).map { TruthContact(icS: Double($0) * 0.74) }
    let oneSampleEarly = truth.map { Step(icS: Double(Int(($0.icS * 50).rounded()) - 1) / 50, running: true) }
    #expect(oneSampleEarly.enumerated().contains { abs($1.icS - truth[$0].icS) > 0.02 })  // the rounding this is about
    let e = evaluate(steps: oneSampleEarly, truth: truth, toleranceS: 0.02)
    #expect(e.recall == 1 && e.precision == 1)
    let tooFar = truth.map { Step(icS: $0.icS - 0.021, running: true) }
    #expect(evaluate(steps: tooFar, truth: truth, toleranceS: 0.02).recall == 0)
  }
}

/// Control characters in a JSON string are written as `\u00XX` with
/// lowercase hex digits, as `String(format: "\\u%04x")` wrote them, and
/// read back as the same text.
@Suite struct JSONControlCharacterTests {
  @Test func everyControlCharacterIsEscapedAsBefore() throws {
    for value in UInt32(0)..<0x20 {
      let text = "a" + String(Unicode.Scalar(value)!) + "b"
      let quoted = JSONValue.quote(text)
      let escape: String
      switch value {
      case 0x0A: escape = "\\n"
      case 0x0D: escape = "\\r"
      case 0x09: escape = "\\t"
      default: escape = String(format: "\\u%04x", value)
      }
      #expect(quoted == "\"a" + escape + "b\"", "U+\(String(value, radix: 16))")
      let back = try JSONDecoder().decode(String.self, from: Data(quoted.utf8))
      #expect(back == text)
    }
  }
}
