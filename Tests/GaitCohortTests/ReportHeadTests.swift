import Foundation
import Testing

@testable import GaitCohort

/// The partial parser that reads a report's head (through its "cohort"
/// member) for cohort status without parsing the steps.
@Suite struct ReportHeadTests {
  func head(_ json: String, _ key: String = "cohort") -> String? {
    topLevelPrefix(Data(json.utf8), through: key).map { String(decoding: $0, as: UTF8.self) }
  }

  @Test func cutsAfterTheMemberAndCloses() throws {
    let report = #"{"version": 2, "cohort": {"key": "a,b}", "n": [1, 2]}, "steps": [{"ic_s": 1.0}"#
    let h = try #require(head(report))
    #expect(h == #"{"version": 2, "cohort": {"key": "a,b}", "n": [1, 2]}}"#)
    // What it returns is valid JSON with the member in full.
    let o = try #require(try JSONSerialization.jsonObject(with: Data(h.utf8)) as? [String: Any])
    #expect((o["cohort"] as? [String: Any])?["key"] as? String == "a,b}")
  }

  @Test func scalarMembersAndEscapes() {
    #expect(head(#"{"a": "say \"cohort\"", "cohort": 3, "b": 4}"#) == #"{"a": "say \"cohort\"", "cohort": 3}"#)
    // A nested member named like the key is not the top-level one.
    #expect(head(#"{"x": {"cohort": 1}, "y": 2"#) == nil)
  }

  @Test func incompleteOrMissing() {
    #expect(head(#"{"version": 2, "cohort": {"key": "a""#) == nil)  // cut inside the member
    #expect(head(#"{"version": 2, "steps": []}"#) == nil)
    #expect(head("") == nil)
    #expect(head(#"{"cohort": "unterminated"#) == nil)
  }
}
