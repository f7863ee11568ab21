import Foundation
import GaitCore
import GaitTestSupport
import Testing

@testable import GaitIngest

/// Xsens MT Manager text exports: the rate is in a preamble line, a 16-bit
/// `PacketCounter` is the only time base. The fixture is a bundled PyShoe
/// foot run (200 Hz) written in that layout, its counter starting at 64000 so
/// that it wraps after 1536 samples.
@Suite struct XsensExportTests {
  static let fixture = repositoryRoot.appendingPathComponent("Tests/Fixtures/xsens/pyshoe_foot_run_mtmanager.txt").path
  static let original = sampleData("pyshoe-foot-run/2017-11-27-11-11-24_imu.csv")

  static func lines() throws -> [String] {
    try String(contentsOfFile: fixture, encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
  }

  @Test func rateFromThePreambleAndTimeFromTheCounter() throws {
    let (rec, report) = try read(Self.fixture)
    #expect(rec.info.sampleRateHz == 200)
    #expect(report.rateSource == "preamble line 7: Acquisition frequency: 200 Hz")
    #expect(report.timestampUnit == "counter")
    #expect(report.columns["counter"] == "PacketCounter")
    #expect(report.columns["ax"] == "Acc_X" && report.columns["gz"] == "Gyr_Z")
    // Across the wrap from 65535 to 0 nothing is lost or invented.
    #expect(rec.sampleCount == 4203)
    #expect(report.gaps.isEmpty)
    #expect(abs(rec.durationS - 4203.0 / 200) < 1e-9)
    // The samples are the original file's values, in order.
    let (orig, _) = try read(Self.original)
    let a = rec.blocks.flatMap(\.ax)
    let b = orig.blocks.flatMap(\.ax)
    #expect(abs(a[0] - b[0]) < 1e-4)
    #expect(a.count == 4203 && b.count >= 4200)
  }

  @Test func droppedPacketsAfterTheWrapAreAGap() throws {
    var lines = try Self.lines()
    // Counter 64000 is on line 11 (index 10); counters 100…139 follow the wrap.
    let first = 10 + (65_536 - 64_000) + 100
    #expect(lines[first].hasPrefix("100\t"))
    lines.removeSubrange(first..<(first + 40))
    let path = temporaryFile(lines.joined(separator: "\r\n") + "\r\n", name: "dropped.txt")
    let (rec, report) = try read(path)
    #expect(report.gaps.count == 1)
    let gap = try #require(report.gaps.first)
    #expect(gap.missingSamples == 40)
    #expect(abs(gap.startS - Double(65_536 - 64_000 + 100) / 200) < 0.01)
    #expect(rec.sampleCount == 4203 - 40)
  }

  @Test func aCounterWithoutAStatedRateAsksForOne() throws {
    let lines = try Self.lines().filter { !$0.contains("Acquisition frequency") }
    let path = temporaryFile(lines.joined(separator: "\n") + "\n", name: "norate.txt")
    let error = try #require(readError(path))
    #expect(error.code == .badTimestamps)
    #expect(error.message.contains("sample counter 'PacketCounter'") && error.message.contains("--rate"))
    // With --rate the counter is still the time base (dropped packets stay gaps).
    let (rec, report) = try read(path, CSVOptions(rateHz: 200))
    #expect(report.rateSource == "--rate" && report.timestampUnit == "counter")
    #expect(rec.sampleCount == 4203)
  }

  @Test func otherWaysOfStatingTheRate() throws {
    for (line, hz) in [("// Update Rate: 100.0Hz", 100.0), ("# sampling frequency = 512 Hz", 512), ("Sample rate: 60 Hz", 60)] {
      let rows = (0..<300).map { k in "\(k),0.01,0.02,1.0" }
      let path = temporaryFile(([line, "SampleCounter,ax_g,ay_g,az_g"] + rows).joined(separator: "\n") + "\n", name: "stated.csv")
      let (rec, report) = try read(path)
      #expect(rec.info.sampleRateHz == hz, "\(line)")
      #expect(report.rateSource?.hasPrefix("preamble line 1:") == true)
    }
    // A stated rate that the timestamps contradict: timing follows the timestamps, with a warning.
    let rows = (0..<300).map { k in String(format: "%.3f,0.01,0.02,1.0", Double(k) / 100) }
    let path = temporaryFile((["Acquisition frequency: 200 Hz", "time_s,ax_g,ay_g,az_g"] + rows).joined(separator: "\n") + "\n", name: "contradict.csv")
    let (rec, report) = try read(path)
    #expect(rec.info.sampleRateHz == 100)
    #expect(report.rateSource == "timestamps")
    #expect(report.warnings.contains { $0.contains("preamble line 1 says Acquisition frequency: 200 Hz") })
  }
}
