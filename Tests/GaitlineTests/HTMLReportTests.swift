import Foundation
import Gaitline
import Testing

@testable import GaitReport

/// The HTML report reads well: nice ticks, m:ss time, a rolling median
/// instead of thousands of dots, labelled axes and legends, human labels.
@Suite struct HTMLReportTests {
  @Test func ticksAreNiceValues() {
    #expect(niceTicks(1.42, 2.27).values == [1.6, 1.8, 2.0, 2.2])
    #expect(niceTicks(147, 159).values == [150, 155])
    #expect(niceTicks(0, 1000).values == [0, 200, 400, 600, 800, 1000])
    #expect(niceTicks(0, 1000, target: 2).values == [0, 500, 1000])
    #expect(niceLabel(1.6000000000000001, step: 0.2) == "1.6")
    #expect(niceLabel(150, step: 5) == "150")
    #expect(timeTicks(0, 1800) == [0, 300, 600, 900, 1200, 1500, 1800])
    #expect(timeTicks(0.4, 5.8) == [1, 2, 3, 4, 5])
    #expect(clockLabel(65) == "1:05" && clockLabel(0) == "0:00" && clockLabel(3725) == "1:02:05")
  }

  @Test func rollingMedianIgnoresAStrayStep() {
    let points = (0..<21).map { (Double($0), $0 == 10 ? 400.0 : 170.0) }
    let line = rollingMedian(points, window: 5)
    #expect(line.count == 21)
    #expect(line.allSatisfy { $0.1 == 170 })
  }

  /// A 30-minute synthetic run: each plot has a line and at most 800 dots
  /// (not 5000), axes in m:ss with labels, legends, histogram y axes.
  @Test func longRunPlotsALineNotThousandsOfDots() throws {
    let run = SyntheticRun(rateHz: 100, seconds: 1800)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gaitline-html-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("long.glb").path
    let writer = try GLBWriter(path: path, info: run.recording().info)
    for block in run.recording().blocks { try writer.write(block) }
    try writer.close()
    let report = try RecordingFile(path: path).analyze()
    #expect(report.steps.count > 5000)
    let html = report.html
    for id in ["plot-cadence", "plot-contact", "plot-vo"] {
      let figure = try #require(section(html, id: id))
      #expect(figure.components(separatedBy: "<circle").count - 1 <= 801, "\(id): dots thinned")
      #expect(figure.contains("<polyline class=\"line\""), "\(id): a median line")
      #expect(figure.contains("median of 51 steps"), "\(id): legend")
      #expect(figure.contains(">25:00<") && figure.contains(">0:00<"), "\(id): m:ss ticks")
      #expect(figure.contains("time into the recording (min:s)"))
    }
    let hist = try #require(section(html, id: "hist-cadence"))
    #expect(hist.contains(">steps</text>") && hist.contains("steps/min</text>"), "histogram axes are labelled")
    #expect(html.count < 400_000, "the page stays small: \(html.count) bytes")
  }

  /// Visible text names metrics and flags as people do; ids stay in attributes.
  @Test func humanLabelsOnlyAndTheLeanThresholdMatchesItsWords() throws {
    let sample = ReadmeExampleTests.root.appendingPathComponent("SampleData/alcantara-sacrum-run/sample_test_raw.csv").path
    let report = try RecordingFile(path: sample).analyze()
    let visible = report.html.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
      .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
    for id in ["lateral_sway_cm", "cadence_spm", "trunk_lean_deg", "gct_balance_left_pct", "lateral-sway-high", "cadence-low",
               "trunk-lean-high", "contact-asymmetry", "sensor-axis"] {
      #expect(!visible.contains(id), "\(id) shown to the reader")
    }
    #expect(visible.range(of: #"Side-to-side sway · lateral sway \d+\.\d\d cm \(threshold 1\.4 cm\)"#, options: .regularExpression) != nil)
    #expect(report.html.contains("data-flag=\"lateral-sway-high\""))
    // A value never prints the same as the threshold it is said to cross
    // ("cadence 166 spm (threshold 166 spm)" for 165.7).
    let same = try Regex(#" ([0-9]+(\.[0-9]+)?)[^(0-9]* \(threshold \1[^0-9.]"#)
    #expect(visible.firstMatch(of: same) == nil, "\(visible.firstMatch(of: same).map { String(visible[$0.range]) } ?? "")")
    #expect(!report.text.contains("Cadence 166 spm is below 166"))
    // The lean flag's threshold is the number its message names.
    let lean = try #require(report.flags.first { $0.id == "trunk-lean-high" })
    let threshold = try #require(lean.threshold)
    #expect(lean.message.contains("above \(Int(threshold))°"), "\(lean.message)")
    #expect(visible.contains("(threshold \(Int(threshold))°)"))
  }

  /// The `<figure id=…>…</figure>` of one chart.
  func section(_ html: String, id: String) -> String? {
    guard let start = html.range(of: "<figure class=\"chart") .map({ _ in html.range(of: "id=\"\(id)\"") }) ?? nil,
          let end = html.range(of: "</figure>", range: start.upperBound..<html.endIndex) else { return nil }
    return String(html[start.lowerBound..<end.upperBound])
  }
}
