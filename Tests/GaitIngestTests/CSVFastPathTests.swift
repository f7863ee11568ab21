import Foundation
import GaitCore
import GaitTestSupport
import Testing

@testable import GaitIngest

/// What a reader produced: every block as emitted, the report and info, or
/// the error; and how many rows the fast path read.
private struct Outcome {
  var blocks: [SampleBlock] = []
  var report: IngestReport?
  var info: RecordingInfo?
  var error: String?
  var fastRows = 0
}

private func outcome(_ path: String, fast: Bool, _ base: CSVOptions = CSVOptions()) -> Outcome {
  var options = base
  options.fastPath = fast
  var out = Outcome()
  do {
    let reader = try CSVReader(path: path, options: options)
    while let b = try reader.nextBlock() { out.blocks.append(b) }
    out.report = reader.report
    out.info = reader.info
    out.fastRows = reader.fastRows
  } catch {
    out.error = "\(error)"
  }
  return out
}

private func bits(_ a: [Float]) -> [UInt32] { a.map(\.bitPattern) }

/// Asserts that the fast and the general path give the same samples to the
/// last bit, the same report (gaps, rate, jitter, clipping, warnings) and
/// the same error; returns the fast path's outcome.
@discardableResult
private func expectSameAsGeneralPath(_ path: String, _ options: CSVOptions = CSVOptions(),
                                     sourceLocation: SourceLocation = #_sourceLocation) -> Outcome {
  let fast = outcome(path, fast: true, options)
  let general = outcome(path, fast: false, options)
  #expect(general.fastRows == 0, sourceLocation: sourceLocation)
  #expect(fast.error == general.error, "\(path)", sourceLocation: sourceLocation)
  #expect(fast.report == general.report, "\(path)", sourceLocation: sourceLocation)
  #expect(fast.info == general.info, "\(path)", sourceLocation: sourceLocation)
  #expect(fast.blocks.count == general.blocks.count, "\(path)", sourceLocation: sourceLocation)
  for (a, b) in zip(fast.blocks, general.blocks) {
    #expect(a.startIndex == b.startIndex, sourceLocation: sourceLocation)
    let same = bits(a.ax) == bits(b.ax) && bits(a.ay) == bits(b.ay) && bits(a.az) == bits(b.az)
      && bits(a.gx) == bits(b.gx) && bits(a.gy) == bits(b.gy) && bits(a.gz) == bits(b.gz)
    #expect(same, "\(path): block at \(a.startIndex) differs", sourceLocation: sourceLocation)
    if !same { break }
  }
  return fast
}

/// A CSV of `rows` rows: time, three axes (and three gyro axes) of a
/// deterministic signal with varied digit counts and signs.
private func synthetic(rows: Int, rateHz: Double = 100, gyro: Bool = false, header: String? = nil,
                       time: (Int) -> Double = { Double($0) / 100 }, timeFormat: String = "%.4f",
                       lineEnd: String = "\n", extra: String = "") -> String {
  var text = (header ?? (gyro ? "time_s,ax,ay,az,gx,gy,gz" : "time_s,ax,ay,az")) + lineEnd
  for i in 0..<rows {
    let x = Double(i)
    var row = String(format: timeFormat, time(i))
    row += String(format: ",%.4f,%.5f,%.3f", 9.81 * sin(x * 0.21), -0.37 + 3.1 * cos(x * 0.13), 1.234567 * sin(x * 0.07) - 0.5)
    if gyro { row += String(format: ",%.6f,%.4f,%.2f", sin(x * 0.05), -cos(x * 0.11) * 2, sin(x * 0.3) * 120) }
    text += row + extra + lineEnd
  }
  return text
}

/// A random decimal text: an optional sign, 0–22 integer digits (leading
/// zeros often), an optional point with 0–22 digits, sometimes a stray byte.
private func randomDecimal(_ state: inout UInt64) -> [UInt8] {
  func next(_ n: UInt64) -> Int {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Int((state >> 33) % n)
  }
  var text: [UInt8] = []
  switch next(4) { case 0: text.append(UInt8(ascii: "-")); case 1: text.append(UInt8(ascii: "+")); default: break }
  let lengths = [0, 1, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 19, 20, 22]
  let whole = lengths[next(UInt64(lengths.count))]
  for k in 0..<whole { text.append(UInt8(ascii: "0") + UInt8(k == 0 && next(3) == 0 ? 0 : next(10))) }
  if next(4) != 0 {
    text.append(UInt8(ascii: "."))
    for _ in 0..<lengths[next(UInt64(lengths.count))] { text.append(UInt8(ascii: "0") + UInt8(next(10))) }
  }
  if next(8) == 0 { text.append([UInt8(ascii: "e"), UInt8(ascii: "x"), UInt8(ascii: "/"), UInt8(ascii: ":"), 0x7F][next(5)]) }
  return text
}

@Suite struct CSVFastPath {
  /// The fast number reader against the general one on random texts of up
  /// to 44 digits (leading zeros, signs, stray bytes), each read with a
  /// delimiter and bytes after it and again at the very end of the buffer:
  /// the same bits whenever it accepts, and it refuses exactly what has no
  /// digit or more than 19.
  @Test func plainDecimalsMatchTheGeneralParser() {
    var state: UInt64 = 7
    var mismatches: [String] = []
    for _ in 0..<300_000 {
      let text = randomDecimal(&state)
      for tail in [[UInt8](), Array(",12345678\n".utf8)] {
        let bytes = text + tail
        bytes.withUnsafeBufferPointer { buf in
          var i = 0
          let fast = parsePlainDecimal(buf.baseAddress!, &i, buf.count)
          let sign = text.first == UInt8(ascii: "-") || text.first == UInt8(ascii: "+") ? 1 : 0
          let digitCount = text.filter { $0 >= 0x30 && $0 <= 0x39 }.count
          let plain = text.dropFirst(sign).allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }
          let expectNil = digitCount == 0 || digitCount > 19
          let label = String(decoding: text, as: UTF8.self)
          if expectNil != (fast == nil), mismatches.count < 10 { mismatches.append("\(label): accepted \(fast != nil)") }
          guard let fast, plain else { return }
          if i != text.count, mismatches.count < 10 { mismatches.append("\(label): stopped at \(i)") }
          guard case .value(let general) = parseNumber(buf, 0, text.count) else {
            if mismatches.count < 10 { mismatches.append("\(label): general parser refused") }
            return
          }
          if fast.bitPattern != general.bitPattern, mismatches.count < 10 { mismatches.append("\(label): \(fast) vs \(general)") }
        }
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches)")
  }

  /// Long numbers and the last row of a buffer (fewer than eight bytes
  /// left) through the whole reader.
  @Test func longNumbersAndShortTails() {
    var text = "time_s,ax,ay,az\n"
    for i in 0..<6000 {
      let x = Double(i)
      text += String(format: "%.9f,%.12f,-%.3f,%017.10f\n", Double(i) / 100, 9.81 * sin(x * 0.21), 1 + cos(x * 0.13), 0.5 + sin(x * 0.07))
    }
    let fast = expectSameAsGeneralPath(temporaryFile(text))
    #expect(fast.fastRows > 3000)
    // The last row is short: "60,1,2,3" with and without a line end.
    #expect(expectSameAsGeneralPath(temporaryFile(text + "60,1,2,3\n")).fastRows > 3000)
    #expect(expectSameAsGeneralPath(temporaryFile(text + "60,1,2,3")).fastRows > 3000)
  }

  /// Every CSV bundled in SampleData/ reads to the same bits either way.
  @Test func bundledCSVsAreBitIdentical() throws {
    let root = URL(fileURLWithPath: sampleData(""))
    let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
      .compactMap { $0 as? URL }.filter { $0.pathExtension.lowercased() == "csv" }.map(\.path).sorted()
    #expect(files.count >= 40)
    var fastRows = 0
    for path in files {
      fastRows += expectSameAsGeneralPath(path).fastRows
      fastRows += expectSameAsGeneralPath(path, CSVOptions(blockSize: 97)).fastRows
    }
    // The foot (time + 6) and shank (time + 3 + an unused column) files take
    // it after their sniffed rows (49 000 rows of the two passes).
    #expect(fastRows > 40_000)
  }

  @Test func regularGridTakesTheFastPath() {
    let path = temporaryFile(synthetic(rows: 20_000))
    let fast = expectSameAsGeneralPath(path)
    #expect(fast.fastRows > 17_000)
    #expect(fast.report?.samples == 20_000)
  }

  @Test func gyroscopeColumns() {
    let fast = expectSameAsGeneralPath(temporaryFile(synthetic(rows: 9000, gyro: true)))
    #expect(fast.fastRows > 6000)
    #expect(fast.blocks.first?.hasGyroscope == true)
  }

  @Test func jitteredAndOddRates() {
    // ±2 ms of jitter at 100 Hz: every sample interpolated.
    let jitter = synthetic(rows: 12_000, time: { Double($0) / 100 + Double(($0 &* 7919) % 41 - 20) * 1e-4 }, timeFormat: "%.5f")
    #expect(expectSameAsGeneralPath(temporaryFile(jitter)).fastRows > 9000)
    // 51.2 Hz and 1000 Hz grids, timestamps rounded to the microsecond.
    for rate in [51.2, 1000.0, 12.5] {
      let text = synthetic(rows: 8000, time: { Double($0) / rate }, timeFormat: "%.6f")
      #expect(expectSameAsGeneralPath(temporaryFile(text)).fastRows > 5000)
    }
    // Milliseconds since the Unix epoch.
    let epoch = synthetic(rows: 6000, header: "timestamp_ms,ax,ay,az", time: { 1_568_745_600_000 + Double($0) * 10 }, timeFormat: "%.0f")
    #expect(expectSameAsGeneralPath(temporaryFile(epoch)).fastRows > 3000)
  }

  @Test func gapsAndDrift() {
    // Two holes of 2 s and 0.5 s, and a short one under the gap factor.
    let text = synthetic(rows: 10_000, time: { i in
      Double(i) / 100 + (i >= 4000 ? 2 : 0) + (i >= 7000 ? 0.5 : 0) + (i >= 8000 ? 0.02 : 0)
    })
    let fast = expectSameAsGeneralPath(temporaryFile(text))
    #expect(fast.report?.gaps.count == 2)
    #expect(fast.fastRows > 7000)
    // The rate drifts by 2 % after the sniffed rows.
    let drift = synthetic(rows: 10_000, time: { i in i < 3000 ? Double(i) / 100 : 30 + Double(i - 3000) / 102 }, timeFormat: "%.5f")
    #expect(expectSameAsGeneralPath(temporaryFile(drift)).fastRows > 6000)
  }

  @Test func lineEndsHeadersAndOddRows() {
    // CRLF.
    #expect(expectSameAsGeneralPath(temporaryFile(synthetic(rows: 6000, lineEnd: "\r\n"))).fastRows > 3000)
    // Quoted header names, semicolons, tabs.
    let quoted = synthetic(rows: 6000, header: "\"time_s\",\"ax\",\"ay\",\"az\"")
    #expect(expectSameAsGeneralPath(temporaryFile(quoted)).fastRows > 3000)
    let semicolon = synthetic(rows: 6000).replacingOccurrences(of: ",", with: ";")
    #expect(expectSameAsGeneralPath(temporaryFile(semicolon)).fastRows > 3000)
    let tab = synthetic(rows: 6000).replacingOccurrences(of: ",", with: "\t")
    #expect(expectSameAsGeneralPath(temporaryFile(tab)).fastRows > 3000)
    // An unused trailing column.
    #expect(expectSameAsGeneralPath(temporaryFile(synthetic(rows: 6000, header: "time_s,ax,ay,az,temp", extra: ",21.5"))).fastRows > 3000)
    // Rows the fast path hands to the general one, after the sniffed rows:
    // quoted numbers, spaces, exponents, a leading plus, more than 19
    // digits, blank lines, an extra field, a short row at the end.
    // Line k holds the row at (k - 1) / 100 s.
    var lines = synthetic(rows: 6000).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    func t(_ k: Int) -> String { String(format: "%.4f", Double(k - 1) / 100) }
    lines[3000] = "\"\(t(3000))\",\"1.5\",\"-0.25\",\"9.8\""
    lines[3100] = " \(t(3100)) , 1.5 ,-0.25, 9.8"
    lines[3200] = "\(t(3200)),1.5e0,-2.5E-1,0.98e1"
    lines[3300] = "+\(t(3300)),+1.5,-0.25,+9.8"
    lines[3400] = "\(t(3400)),1.500000000000000000001,-0.25,9.8"
    lines[3500] = ""
    lines[3600] = "   "
    lines[3700] = "\(t(3700)),1.5,-0.25,9.8,4"
    lines[3800] = "\(t(3800)),1.,-.25,9.8\r\r"
    lines[5900] = "\(t(5900)),1.5,-0.25"
    let fast = expectSameAsGeneralPath(temporaryFile(lines.joined(separator: "\n")))
    #expect(fast.error != nil)  // the short row is rejected either way
    lines[5900] = "\(t(5900)),1.5,-0.25,9.8"
    #expect(expectSameAsGeneralPath(temporaryFile(lines.joined(separator: "\n"))).fastRows > 2000)
    // No line end after the last row, and a last row cut short.
    let unterminated = synthetic(rows: 5000).dropLast()
    #expect(expectSameAsGeneralPath(temporaryFile(String(unterminated))).fastRows > 2000)
    #expect(expectSameAsGeneralPath(temporaryFile(synthetic(rows: 5000) + "50.0000,1.2,")).fastRows > 2000)
  }

  @Test func errorsAreTheSame() {
    var lines = synthetic(rows: 6000).split(separator: "\n").map(String.init)
    for (row, bad) in [(4000, "39.9800,1.5,-0.25,9.8"), (4500, "45.0000,1.5,,9.8"), (4600, "46.0000,1.5,nan,9.8"),
                       (4700, "47.0000,1.5,x,9.8")] {
      var copy = lines
      copy[row] = bad
      let fast = expectSameAsGeneralPath(temporaryFile(copy.joined(separator: "\n") + "\n"))
      #expect(fast.error != nil, "\(bad)")
    }
    // --rate: the time column is parsed but not used for timing.
    lines[4000] = "0.0000,1.5,-0.25,9.8"
    #expect(expectSameAsGeneralPath(temporaryFile(lines.joined(separator: "\n") + "\n"), CSVOptions(rateHz: 50)).fastRows > 3000)
  }

  @Test func clippedSamples() {
    // Ten rows flat at 40 m/s² on one axis: the clip counter sees the same rows.
    var lines = synthetic(rows: 6000).split(separator: "\n").map(String.init)
    for k in 3000..<3010 { lines[k] = String(format: "%.4f,40.0000,0.1,0.2", Double(k - 1) / 100) }
    let fast = expectSameAsGeneralPath(temporaryFile(lines.joined(separator: "\n") + "\n"))
    #expect((fast.report?.clippedSamples ?? 0) >= 10)
    #expect(fast.fastRows > 3000)
  }
}
