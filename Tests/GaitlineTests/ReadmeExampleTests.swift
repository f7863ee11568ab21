import Foundation
import Gaitline
import Testing

/// The README's "Use it as a library" example, line for line, on the bundled
/// raw sacrum run; `readmeShowsThisExample` checks the README still says the same.
@Suite struct ReadmeExampleTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// The example, run from the repository root as the README assumes.
  static func example() throws -> (RunReport, String) {
    _ = FileManager.default.changeCurrentDirectoryPath(root.path)
    // README-BEGIN
    let recording = try RecordingFile(path: "SampleData/alcantara-sacrum-run/sample_test_raw.csv")
    let report = try recording.analyze(AnalysisOptions(speedMps: 3.3))
    print(report.text)                                 // what `gaitline analyze` prints
    print(report.summary.cadenceSpm?.median ?? .nan)   // typed values: 160.5 steps/min
    for flag in report.flags { print(flag.severity, flag.id, flag.evidence) }
    try report.writeHTML(to: "report.html")            // also writeJSON(to:), .json, .stepsCSV
    // README-END
    let html = try String(contentsOfFile: "report.html", encoding: .utf8)
    #expect(html == report.html)
    try? FileManager.default.removeItem(atPath: "report.html")
    return (report, html)
  }

  @Test func exampleAnalysesTheBundledRun() throws {
    let (report, html) = try Self.example()
    let cadence = try #require(report.summary.cadenceSpm?.median)
    // A running cadence, and the one the steps' own contact times give.
    #expect((150...185).contains(cadence))
    // The value the example's comment quotes, to one decimal (the comment
    // kept an older 166 after the analysis changed).
    let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
    let quoted = String(format: "%.1f", cadence)
    #expect(source.contains("// typed values: \(quoted) steps/min"), "the README example's comment should quote \(quoted)")
    let ics = report.steps.map(\.icS)
    let intervals = zip(ics.dropFirst(), ics).map { $0 - $1 }.sorted()
    #expect(abs(cadence - 60 / intervals[intervals.count / 2]) / cadence < 0.03)
    #expect(report.steps.count == 13)  // the last stance, cut by the end of the data, keeps its IC
    #expect(report.placement == .hip)
    #expect(report.flags.contains { $0.id == "lateral-sway-high" })
    #expect(report.text.hasPrefix("sample_test_raw.csv: hip sensor"))
    #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<svg"))
    // The JSON is JSON, with the speed given and every step.
    let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
    #expect((object["steps"] as? [Any])?.count == 13)
    #expect(report.stepsCSV.split(separator: "\n").count == 14)
  }

  @Test func readmeShowsThisExample() throws {
    let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
    let section = try #require(readme.range(of: "## Use it as a library"))
    let fence = try #require(readme.range(of: "```swift\n", range: section.upperBound..<readme.endIndex))
    let end = try #require(readme.range(of: "```", range: fence.upperBound..<readme.endIndex))
    let readmeLines = readme[fence.upperBound..<end.lowerBound].split(separator: "\n").map(String.init)
    #expect(readmeLines.first == "import Gaitline")
    #expect(readmeLines.count <= 10)
    let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
    let begin = try #require(source.range(of: "// README-BEGIN\n"))
    let stop = try #require(source.range(of: "    // README-END"))
    let testLines = source[begin.upperBound..<stop.lowerBound].split(separator: "\n")
      .map { String($0.dropFirst(4)) }
    #expect(Array(readmeLines.dropFirst().filter { !$0.isEmpty }) == testLines)
  }

  @Test func openingAMissingFileSaysSo() {
    #expect(throws: IngestError.self) { try RecordingFile(path: "/nonexistent/run.csv") }
  }
}
