import Foundation
import Testing

/// Tests/Fixtures/consumer: a separate package with a path dependency on
/// this repository whose program is the README's example.
@Suite struct ConsumerPackageTests {
  static let consumer = ReadmeExampleTests.root.appendingPathComponent("Tests/Fixtures/consumer")

  @Test func consumerProgramIsTheReadmeExample() throws {
    let readme = try String(contentsOf: ReadmeExampleTests.root.appendingPathComponent("README.md"), encoding: .utf8)
    let section = try #require(readme.range(of: "## Use it as a library"))
    let fence = try #require(readme.range(of: "```swift\n", range: section.upperBound..<readme.endIndex))
    let end = try #require(readme.range(of: "```", range: fence.upperBound..<readme.endIndex))
    let main = try String(contentsOf: Self.consumer.appendingPathComponent("Sources/Consumer/main.swift"), encoding: .utf8)
    #expect(main == String(readme[fence.upperBound..<end.lowerBound]))
    let manifest = try String(contentsOf: Self.consumer.appendingPathComponent("Package.swift"), encoding: .utf8)
    #expect(manifest.contains(#".package(name: "gaitline", path: "../../..")"#))
  }

  /// Builds the consumer package (gaitline a second time, in its own
  /// .build: minutes) and runs it from the repository root.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["GAITLINE_CONSUMER_PACKAGE"] == "1",
                 "set GAITLINE_CONSUMER_PACKAGE=1: builds gaitline again"))
  func consumerPackageBuildsAndRuns() throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["swift", "run", "--package-path", Self.consumer.path, "Consumer"]
    p.currentDirectoryURL = ReadmeExampleTests.root
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    try? FileManager.default.removeItem(at: ReadmeExampleTests.root.appendingPathComponent("report.html"))
    #expect(p.terminationStatus == 0)
    #expect(text.contains("sample_test_raw.csv: hip sensor"))
    #expect(text.contains("lateral-sway-high"))
  }
}
