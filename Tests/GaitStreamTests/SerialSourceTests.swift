//===--- SerialSourceTests.swift ------------------------------------------===//
// GaitStream on a kernel pseudo-terminal opened in the test: the serial
// source hands out every decoded sample, the ones a decoder holds back until
// the end of the stream included, and keeps them in the .glb record.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
import GaitIngest
import GaitStream
import GaitTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct SerialSourceTests {
  /// A text stream shorter than the 25 lines the unit inference waits for
  /// ends by the duration: its samples are handed out and recorded.
  @Test(arguments: [1, 12, 24, 60])
  func shortTextStreamKeepsItsSamples(lines: Int) throws {
    let pty = try PseudoTerminal()
    defer { pty.hangUp() }
    let dir = temporaryDirectory()
    let raw = dir.appendingPathComponent("short-\(lines).raw").path
    let source = try SerialSource(
      path: pty.slavePath, baud: 115_200, makeDecoder: { TextLineDecoder(rateHz: 100) },
      recordPath: raw, reconnect: false, durationS: 1.0)
    var bytes: [UInt8] = []
    for k in 0..<lines {
      bytes += StreamEncoder.textLine(ax: 0.1 * Float(k % 3), ay: 0, az: standardGravity)
    }
    #expect(pty.write(bytes))
    var n = 0
    var az: Float?
    while let b = try source.nextBlock() {
      n += b.count
      az = az ?? b.az.first
    }
    #expect(source.end == .duration)
    #expect(n == lines)
    #expect(abs((az ?? 0) - standardGravity) < 0.01, "judged as g: \(String(describing: az))")
    // The raw record holds the bytes sent; the .glb the decoded samples.
    #expect(FileManager.default.contents(atPath: raw).map([UInt8].init) == bytes)
    let glb = try GLBReader(path: dir.appendingPathComponent("short-\(lines).glb").path)
    var recorded = 0
    while let b = try glb.nextBlock() { recorded += b.count }
    #expect(recorded == lines)
  }

  /// The live report names the unit a text stream was read in and how it
  /// was decided, as the replay of its record does (it used to say m/s2 from
  /// the protocol for every text stream); a guess gravity does not support
  /// is a warning in the report and on the live view.
  @Test(arguments: [("g", 1.0, 0, "gravity"), ("m/s2", Double(standardGravity), 47, "gravity"), ("g", 0.0, 40, "nearest")])
  func liveReportSaysHowTheUnitWasDecided(unit: String, scale: Double, zeros: Int, how: String) throws {
    let pty = try PseudoTerminal()
    defer { pty.hangUp() }
    let source = try SerialSource(
      path: pty.slavePath, baud: 115_200, makeDecoder: { TextLineDecoder(rateHz: 100) },
      recordPath: nil, reconnect: false, durationS: 1.0)
    var events: [String] = []
    source.onEvent = { events.append($0) }
    // Near-zero lines (a sensor not ready), then 200 lines of a run-like
    // signal in `scale` units of 1 g: 12 samples of stance at 2 g, 8 of flight.
    var text = String(repeating: "0.01,-0.02,0.03\n", count: zeros)
    for k in 0..<(scale > 0 ? 200 : 0) {
      text += "\(0.03 * scale * Double(k % 3)),\(0.02 * scale),\(k % 20 < 12 ? 2 * scale : 0.005 * scale)\n"
    }
    #expect(pty.write(Array(text.utf8)))
    var n = 0
    while let b = try source.nextBlock() { n += b.count }
    #expect(n == zeros + (scale > 0 ? 200 : 0))
    #expect(source.report.unitsDetected == unit)
    #expect(source.report.unitsSource == how)
    let warned = source.report.warnings.filter { $0.contains("--units") }
    #expect(warned.count == (how == "nearest" ? 1 : 0), "\(source.report.warnings)")
    #expect(events.filter { $0.contains("--units") }.count == warned.count, "\(events)")
  }

  /// The record never replaces its own .glb or an existing file.
  @Test func recordPathsAreChecked() throws {
    let pty = try PseudoTerminal()
    defer { pty.hangUp() }
    let slave = pty.slavePath
    let existing = temporaryFile("keep me", name: "existing.raw")
    #expect(throws: StreamError.self) {
      _ = try SerialSource(path: slave, baud: 115_200, makeDecoder: { TextLineDecoder(rateHz: 100) },
                           recordPath: existing, reconnect: false, durationS: 0.1)
    }
    #expect(FileManager.default.contents(atPath: existing) == Data("keep me".utf8))
    let same = temporaryDirectory().appendingPathComponent("cap.glb").path
    #expect(throws: StreamError.self) {
      _ = try SerialSource(path: slave, baud: 115_200, makeDecoder: { TextLineDecoder(rateHz: 100) },
                           recordPath: same, reconnect: false, durationS: 0.1)
    }
  }
}
