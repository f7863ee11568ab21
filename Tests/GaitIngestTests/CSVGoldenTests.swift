//===--- CSVGoldenTests.swift ---------------------------------------------===//
// Speed work on the CSV reader must not change a single bit of what it
// reads: the samples (every block, bit for bit), the report and the info of
// every bundled CSV and text export, and of synthetic files in every layout
// the reader has a path for (on-grid, jittered, gaps, drift, epoch times,
// gyroscope, CRLF, semicolons, tabs, trailing columns, counters, clipping,
// --rate, small blocks, bad rows), are hashed and compared with the hashes
// recorded before the change (Tests/Fixtures/csv-golden/hashes.txt). The
// fast/general comparison (CSVFastPathTests) cannot see a change to the code
// both paths share (the resampler, the clip counter); this can. A change that
// is meant to alter what is read re-records them deliberately:
//   GAITLINE_RECORD_CSV_HASHES=1 swift test --filter CSVGolden
// and says so in its commit.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
import GaitTestSupport
import Testing

@testable import GaitIngest

/// FNV-1a, 64 bit (deterministic across processes, unlike `Hasher`).
private struct Digest {
  var value: UInt64 = 0xcbf2_9ce4_8422_2325
  mutating func add(_ x: UInt64) {
    withUnsafeBytes(of: x.littleEndian) { for b in $0 { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 } }
  }
  mutating func add(_ floats: [Float]) {
    add(UInt64(floats.count))
    for f in floats { add(UInt64(f.bitPattern)) }
  }
  mutating func add(_ text: String) {
    add(UInt64(text.utf8.count))
    for b in text.utf8 { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 }
  }
}

/// Everything a reader gives for `path`: blocks, report, info, or the error.
private func readingHash(_ path: String, _ options: CSVOptions = CSVOptions()) -> String {
  var h = Digest()
  do {
    let reader = try CSVReader(path: path, options: options)
    while let b = try reader.nextBlock() {
      h.add(UInt64(bitPattern: Int64(b.startIndex)))
      h.add(b.ax); h.add(b.ay); h.add(b.az); h.add(b.gx); h.add(b.gy); h.add(b.gz)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    h.add(String(decoding: try encoder.encode(reader.report), as: UTF8.self))
    let info = reader.info
    h.add(info.sampleRateHz.bitPattern)
    h.add(info.startTimeUnixS?.bitPattern ?? 1)
    h.add("\(info.frame) \(info.hasMediolateral) \(info.hasGyroscope)")
  } catch {
    // Without the (temporary) path: the message, line and column.
    h.add("error: " + "\(error)".replacingOccurrences(of: path, with: "INPUT"))
  }
  return String(h.value, radix: 16)
}

/// Synthetic CSVs, one per layout; written in the temporary directory.
private enum GoldenInputs {
  static func signal(_ i: Int, gyro: Bool) -> String {
    let x = Double(i)
    var row = String(format: ",%.4f,%.5f,%.3f", 9.81 * sin(x * 0.21), -0.37 + 3.1 * cos(x * 0.13), 1.234567 * sin(x * 0.07) - 0.5)
    if gyro { row += String(format: ",%.6f,%.4f,%.2f", sin(x * 0.05), -cos(x * 0.11) * 2, sin(x * 0.3) * 120) }
    return row
  }

  static func csv(rows: Int, gyro: Bool = false, header: String? = nil, timeFormat: String = "%.4f",
                  lineEnd: String = "\n", extra: String = "", time: (Int) -> Double = { Double($0) / 100 },
                  row: ((Int) -> String?)? = nil) -> String {
    var text = (header ?? (gyro ? "time_s,ax,ay,az,gx,gy,gz" : "time_s,ax,ay,az")) + lineEnd
    for i in 0..<rows {
      if let special = row?(i) { text += special + lineEnd; continue }
      text += String(format: timeFormat, time(i)) + signal(i, gyro: gyro) + extra + lineEnd
    }
    return text
  }

  /// (name, text, options)
  static func all() -> [(String, String, CSVOptions)] {
    var out: [(String, String, CSVOptions)] = []
    out.append(("grid-100Hz", csv(rows: 20_000), CSVOptions()))
    out.append(("grid-100Hz-block97", csv(rows: 9000), CSVOptions(blockSize: 97)))
    out.append(("gyro-100Hz", csv(rows: 12_000, gyro: true), CSVOptions()))
    out.append(("jitter", csv(rows: 12_000, timeFormat: "%.5f", time: { Double($0) / 100 + Double(($0 &* 7919) % 41 - 20) * 1e-4 }), CSVOptions()))
    for rate in [51.2, 1000.0, 12.5, 128.0, 30.0] {
      out.append(("rate-\(rate)", csv(rows: 8000, timeFormat: "%.6f", time: { Double($0) / rate }), CSVOptions()))
    }
    out.append(("epoch-ms", csv(rows: 6000, header: "timestamp_ms,ax,ay,az", timeFormat: "%.0f",
                                time: { 1_568_745_600_000 + Double($0) * 10 }), CSVOptions()))
    out.append(("gaps", csv(rows: 10_000, time: { i in
      Double(i) / 100 + (i >= 4000 ? 2 : 0) + (i >= 7000 ? 0.5 : 0) + (i >= 8000 ? 0.02 : 0) + (i >= 9000 ? 0.0333 : 0)
    }), CSVOptions()))
    out.append(("drift", csv(rows: 10_000, timeFormat: "%.5f", time: { i in i < 3000 ? Double(i) / 100 : 30 + Double(i - 3000) / 102 }), CSVOptions()))
    out.append(("crlf", csv(rows: 6000, lineEnd: "\r\n"), CSVOptions()))
    out.append(("semicolon", csv(rows: 6000).replacingOccurrences(of: ",", with: ";"), CSVOptions()))
    out.append(("decimal-comma", csv(rows: 6000).replacingOccurrences(of: ",", with: ";").replacingOccurrences(of: ".", with: ","), CSVOptions()))
    out.append(("tab", csv(rows: 6000).replacingOccurrences(of: ",", with: "\t"), CSVOptions()))
    out.append(("spaces", csv(rows: 6000).replacingOccurrences(of: ",", with: " "), CSVOptions()))
    out.append(("trailing", csv(rows: 6000, header: "time_s,ax,ay,az,temp", extra: ",21.5"), CSVOptions()))
    out.append(("gyro-first", csv(rows: 6000, header: "gx,time_s,ax,ay,az", time: { Double($0) / 100 })
                  .split(separator: "\n").enumerated().map { k, l in k == 0 ? String(l) : "0.5," + l }.joined(separator: "\n"), CSVOptions()))
    out.append(("no-time-rate", csv(rows: 6000, header: "ax,ay,az").split(separator: "\n").enumerated()
                  .map { k, l in k == 0 ? String(l) : String(l.drop { $0 != "," }.dropFirst()) }.joined(separator: "\n"), CSVOptions(rateHz: 100)))
    out.append(("rate-option", csv(rows: 6000), CSVOptions(rateHz: 50)))
    out.append(("counter", "// Update Rate: 100.0Hz\nPacketCounter,Acc_X,Acc_Y,Acc_Z\n"
                  + (0..<70_000).map { i in "\((i + 65_000) % 65_536)" + signal(i, gyro: false) + "\n" }
                  .filter { !$0.hasPrefix("\(35_000)") }.joined(), CSVOptions()))
    out.append(("clipped", csv(rows: 6000, row: { i in
      (3000..<3010).contains(i) || (4000..<4003).contains(i) ? String(format: "%.4f,40.0000,-16.0,0.2", Double(i) / 100) : nil
    }), CSVOptions()))
    out.append(("odd-rows", csv(rows: 6000, row: { i in
      let t = String(format: "%.4f", Double(i) / 100)
      switch i {
      case 3000: return "\"\(t)\",\"1.5\",\"-0.25\",\"9.8\""
      case 3100: return " \(t) , 1.5 ,-0.25, 9.8"
      case 3200: return "\(t),1.5e0,-2.5E-1,0.98e1"
      case 3300: return "+\(t),+1.5,-0.25,+9.8"
      case 3400: return "\(t),1.500000000000000000001,-0.25,9.8"
      case 3500: return ""
      case 3700: return "\(t),1.5,-0.25,9.8,4"
      case 3800: return "\(t),1.,-.25,9.8\r\r"
      default: return nil
      }
    }), CSVOptions()))
    out.append(("long-numbers", csv(rows: 6000, timeFormat: "%.9f", row: { i in
      let x = Double(i)
      return String(format: "%.9f,%.12f,-%.3f,%017.10f", Double(i) / 100, 9.81 * sin(x * 0.21), 1 + cos(x * 0.13), 0.5 + sin(x * 0.07))
    }), CSVOptions()))
    out.append(("cut-last-row", csv(rows: 5000) + "50.0000,1.2,", CSVOptions()))
    out.append(("no-final-lf", String(csv(rows: 5000).dropLast()), CSVOptions()))
    for (k, bad) in ["39.9800,1.5,-0.25,9.8", "45.0000,1.5,,9.8", "46.0000,1.5,nan,9.8", "47.0000,1.5,x,9.8", "47.0000,1.5"].enumerated() {
      out.append(("bad-\(k)", csv(rows: 6000, row: { $0 == 4000 + 100 * k ? bad : nil }), CSVOptions()))
    }
    out.append(("iso", csv(rows: 5000, header: "timestamp,ax,ay,az", row: { i in
      let ms = i * 10
      return String(format: "2019-09-17T10:%02d:%02d.%03dZ", ms / 60_000, ms / 1000 % 60, ms % 1000) + signal(i, gyro: false)
    }), CSVOptions()))
    return out
  }
}

@Suite struct CSVGolden {
  static let fixture = repositoryRoot.appendingPathComponent("Tests/Fixtures/csv-golden/hashes.txt")

  /// Every CSV and text export bundled in SampleData/ and Tests/Fixtures/.
  static func bundledFiles() -> [String] {
    var out: [String] = []
    for dir in ["SampleData", "Tests/Fixtures"] {
      let root = repositoryRoot.appendingPathComponent(dir)
      // Hidden folders skipped: the consumer-package test builds into
      // Tests/Fixtures/consumer/.build, whose checkouts hold text files too.
      let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])!
        .compactMap { $0 as? URL }
        .filter { ["csv", "txt", "tsv"].contains($0.pathExtension.lowercased()) && !$0.lastPathComponent.hasPrefix("LICENSE")
                  && !$0.path.contains("csv-golden") && !$0.path.contains("analysis-identity")
                  // Stream-decoder inputs, not CSVs (timestamp-beyond-int-range.txt,
                  // which trapped the CSV reader, is a bad-input corpus case now).
                  && !$0.path.contains("fuzz/stream-") }
      out += files.map { String($0.path.dropFirst(repositoryRoot.path.count + 1)) }
    }
    return out.sorted()
  }

  static func current() -> [(String, String)] {
    var out: [(String, String)] = []
    for name in bundledFiles() {
      let path = repositoryRoot.appendingPathComponent(name).path
      out.append((name, readingHash(path)))
      out.append((name + " blockSize=97", readingHash(path, CSVOptions(blockSize: 97))))
    }
    for (name, text, options) in GoldenInputs.all() {
      out.append(("synthetic/" + name, readingHash(temporaryFile(text), options)))
    }
    return out
  }

  @Test func readingIsBitIdenticalToTheReference() throws {
    let now = Self.current()
    #expect(now.count >= 150)
    let text = now.map { "\($0.0)\t\($0.1)" }.joined(separator: "\n") + "\n"
    if ProcessInfo.processInfo.environment["GAITLINE_RECORD_CSV_HASHES"] == "1" {
      try FileManager.default.createDirectory(at: Self.fixture.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: Self.fixture, options: .atomic)
      return
    }
    let recorded = try String(contentsOf: Self.fixture, encoding: .utf8)
    var reference: [String: String] = [:]
    for line in recorded.split(separator: "\n") {
      let parts = line.split(separator: "\t")
      if parts.count == 2 { reference[String(parts[0])] = String(parts[1]) }
    }
    #expect(reference.count == now.count, "recorded \(reference.count) inputs, now \(now.count)")
    for (name, hash) in now {
      #expect(reference[name] == hash, "\(name): what the reader gives changed")
    }
  }
}
