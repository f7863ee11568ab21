import Foundation
import GaitCore
import GaitDSP
import GaitIngest
import GaitPipeline
import GaitReport
import GaitTestSupport
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

/// Status reads a report's or error record's head, decoded as ReportHead;
/// the merge decodes the whole record (without steps).
@Suite struct ProvenanceTests {
  static let cohort: JSONValue = .object([
    ("manifest_index", .number(3)), ("input_sha256", .string("ab12")), ("input_bytes", .number(10)),
    ("options_key", .string("key,with}brace")), ("options", .object([("placement", .null), ("protocol", .string("text"))])),
  ])

  func analysed() throws -> AnalysisResult {
    let path = sampleData("alcantara-sacrum-run/trial_01.csv")
    return try analyze(source: openRecording(path: path), path: path, options: AnalysisOptions())
  }

  @Test func headAndWholeReport() throws {
    let r = try analysed()
    let file = temporaryFile(reportText(r, inserting: [("cohort", Self.cohort)]), name: "report.json")
    let head = try #require(Provenance.read(file))
    #expect(head.version == gaitlineVersion)
    #expect(head.sha256 == "ab12")
    #expect(head.optionsKey == "key,with}brace")
    #expect(head.content == nil)
    let whole = try #require(Provenance.read(file, error: false))
    guard case .report(let shard)? = whole.content else { Issue.record("no report"); return }
    #expect(shard.cohort?.manifestIndex == 3)
    #expect(shard.cohort?.options == InputSettings(streamProtocol: "text"))
    let doc = shard.report
    #expect(doc.steps == nil)
    #expect(doc.summary.steps == r.summary.steps)
    // Not an error record.
    #expect(Provenance.read(file, error: true) == nil)
  }

  /// A head beyond the first 64 KiB is read from the whole file.
  @Test func headPastTheFirstBlock() throws {
    var r = try analysed()
    r.warnings.append(String(repeating: "long note ", count: 8_000))
    let file = temporaryFile(reportText(r, inserting: [("cohort", Self.cohort)], at: 4), name: "late-head.json")
    #expect(try Data(contentsOf: URL(fileURLWithPath: file)).prefix(1 << 16).range(of: Data("input_sha256".utf8)) == nil)
    #expect(Provenance.read(file)?.sha256 == "ab12")
  }

  @Test func errorRecordAndBrokenFiles() throws {
    let record = JSONValue.object([
      ("schema", .string("gaitline.error/1")), ("gaitline_version", .string(gaitlineVersion)), ("cohort", Self.cohort),
      ("input", .string("/data/x.glb")), ("code", .string("badMagic")), ("exit_status", .number(65)),
      ("message", .string("not a gaitline .glb file")), ("line", .null), ("byte_offset", .number(0)),
      ("error", .string("/data/x.glb (byte 0): error[badMagic]: not a gaitline .glb file")),
    ]).serialized() + "\n"
    let file = temporaryFile(record, name: "error.json")
    #expect(Provenance.read(file)?.sha256 == "ab12")
    let whole = try #require(Provenance.read(file, error: true))
    guard case .error(let e)? = whole.content else { Issue.record("no error record"); return }
    #expect(e.exitStatus == 65)
    #expect(e.byteOffset == 0)
    #expect(e.line == nil)
    #expect(e.error.hasPrefix("/data/x.glb (byte 0)"))
    #expect(Provenance.read(file, error: false) == nil)
    // A report cut inside its cohort block, or not JSON: no provenance
    // (the input is stale, not done).
    let text = reportText(try analysed(), inserting: [("cohort", Self.cohort)])
    let cut = temporaryFile(String(text[..<text.range(of: "options_key")!.lowerBound]), name: "cut.json")
    #expect(Provenance.read(cut) == nil)
    #expect(Provenance.read(temporaryFile("not json", name: "x.json")) == nil)
  }
}
