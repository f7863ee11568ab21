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
  /// What the row loop makes of `text` followed by `tail` (the tail ends
  /// with LF, the reader's sentinel): the value when it accepts the field
  /// (the number reader's shape, then a delimiter, CR or LF), else `nil`;
  /// and where the reader stopped.
  ///
  /// The bytes after the tail's LF are the line reader's padding: eight
  /// (digits, `.` and a non-ASCII character here) the word-wise reader may
  /// load but must not use.
  private static func fastField(_ text: [UInt8], _ tail: [UInt8],
                                padding: [UInt8] = Array("9.9\u{FF}999".utf8)) -> (value: Double?, stop: Int) {
    let bytes = text + tail + padding
    return bytes.withUnsafeBufferPointer { buf in
      fieldPowersOfTen.withUnsafeBufferPointer { table in
        fieldIntegerPowersOfTen.withUnsafeBufferPointer { integers in
          var i = 0
          var ok = true
          let v = parseFieldDecimal(buf.baseAddress!, &i, powersOfTen: table.baseAddress!,
                                    integerPowersOfTen: integers.baseAddress!, &ok)
          let next = buf[i]
          let accepted = ok && (next == UInt8(ascii: ",") || next == 0x0D || next == 0x0A)
          return (accepted ? v : nil, i)
        }
      }
    }
  }

  /// The byte-at-a-time reader (the reference the word-wise one matches).
  private static func bytewiseField(_ text: [UInt8], _ tail: [UInt8]) -> (value: Double?, stop: Int) {
    let bytes = text + tail
    return bytes.withUnsafeBufferPointer { buf in
      fieldPowersOfTen.withUnsafeBufferPointer { table in
        var i = 0
        var ok = true
        let v = parseFieldDecimalBytewise(buf.baseAddress!, &i, powersOfTen: table.baseAddress!, &ok)
        let next = buf[i]
        let accepted = ok && (next == UInt8(ascii: ",") || next == 0x0D || next == 0x0A)
        return (accepted ? v : nil, i)
      }
    }
  }

  /// The general parser's value of the whole field `text`, if it is a number.
  private static func generalField(_ text: [UInt8]) -> Double? {
    text.withUnsafeBufferPointer { buf in
      if case .value(let v) = parseNumber(buf, 0, text.count) { return v }
      return nil
    }
  }

  /// Whether `text` is `[-]digits[.digits]` with 1 to 18 digits: the shape
  /// the fast number reader must accept (else the fast path is not used).
  private static func isFastShape(_ text: [UInt8]) -> Bool {
    let body = text.first == UInt8(ascii: "-") ? text.dropFirst() : text[...]
    let digits = body.filter { $0 >= 0x30 && $0 <= 0x39 }.count
    let points = body.filter { $0 == 0x2E }.count
    return digits >= 1 && digits <= 18 && points <= 1 && digits + points == body.count
  }

  /// Checks one text with every tail a row can put after a field; returns
  /// what is wrong. Accepting a field means the same bits as the general
  /// parser, and it accepts every text of the fast shape.
  private static func fieldMismatch(_ text: [UInt8]) -> String? {
    let label = String(decoding: text, as: UTF8.self)
    let tails: [[UInt8]] = [Array(",12345678\n".utf8), Array("\n".utf8), Array("\r\n".utf8), Array(" ,1\n".utf8),
                            Array("e5,1\n".utf8), Array("E-3\n".utf8), Array("\",1\n".utf8), Array(";1\n".utf8)]
    for tail in tails {
      let (fast, stop) = fastField(text, tail)
      let field = tail.first == UInt8(ascii: ",") || tail.first == 0x0D || tail.first == 0x0A
      if let fast {
        // Accepted: the field is exactly `text`, read to its end.
        guard field, stop == text.count else { return "\(label): accepted with tail \(tail), stopped at \(stop)" }
        guard let general = generalField(text) else { return "\(label): the general parser refuses it" }
        if fast.bitPattern != general.bitPattern { return "\(label): \(fast) vs \(general)" }
      } else if field, isFastShape(text) {
        return "\(label): refused before \(tail)"
      }
    }
    return nil
  }

  /// The fast number reader against the general one on random texts of up
  /// to 44 digits (leading zeros, signs, stray bytes), each followed by a
  /// delimiter, CR LF, LF, a space, an exponent, a quote: the same bits
  /// whenever the row loop accepts it, and it accepts every text of 1 to 18
  /// digits with an optional minus and point.
  @Test func fieldDecimalsMatchTheGeneralParser() {
    var state: UInt64 = 7
    var mismatches: [String] = []
    for _ in 0..<200_000 {
      if let m = Self.fieldMismatch(randomDecimal(&state)), mismatches.count < 10 { mismatches.append(m) }
    }
    #expect(mismatches.isEmpty, "\(mismatches)")
  }

  /// Texts where a wrong rounding or a wrong sign shows: 15 to 18
  /// significant digits (mantissas beyond 2^53 round when converted, then
  /// again when divided), the point anywhere, values of sensor exports
  /// written with %.17g and %.Nf, ties of the conversion, and the edge
  /// cases of the shape.
  @Test func fieldDecimalEdgeCasesAndRounding() {
    var cases = ["0", "-0", "-0.0", "-0.0000", "0.0000", ".5", "-.5", "5.", "-5.", "1.", ".", "-", "-.", "+1.5", "+0",
                 "--1", "1..2", "1.2.3", "00000000000000001.5", "000000000000000000", "0000000000000000000",
                 "123456789012345678", "1234567890123456789", "12345678901234567890", "0.000000000000000001",
                 "9.99999999999999999", "9.999999999999999999", "999999999999999999", "-999999999999999999",
                 "9007199254740993", "9007199254740993.5", "900719925474099.35", "18014398509481985",
                 "0.1", "0.2", "0.3", "2.2250738585072014", "1.7976931348623157", "4.9406564584124654",
                 "-12.3456", "9.80665", "-9.80665", "0.0001", "3599.9900", "1568745600000", "1568745600000.123",
                 "1e5", "1.5e-3", " 1.5", "1.5 ", "\"1.5\"", "nan", "inf", "-inf", "0x10"]
    var state: UInt64 = 11
    func next(_ n: UInt64) -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (state >> 11) % n
    }
    for _ in 0..<100_000 {
      // 15–18 random significant digits with the point at any place.
      let count = 15 + Int(next(4))
      var digits = (0..<count).map { _ in Character(String(next(10))) }
      if digits[0] == "0" { digits[0] = "7" }
      let point = Int(next(UInt64(count + 1)))
      var text = String(digits[..<point]) + "." + String(digits[point...])
      if next(2) == 0 { text = "-" + text }
      cases.append(text)
      // What exports write: %.17g of a double (with an exponent when large
      // or small: refused by the fast reader, read by the general path) and
      // %.Nf with 1–9 decimals.
      _ = next(2)
      let x = Double(bitPattern: state)
      if x.isFinite {
        cases.append(String(format: "%.17g", x))
        let y = (Double(next(2_000_000_000)) - 1e9) / Double(1 << next(30))
        cases.append(String(format: "%.\(1 + next(9))f", y))
      }
    }
    var mismatches: [String] = []
    for text in cases {
      if let m = Self.fieldMismatch(Array(text.utf8)), mismatches.count < 10 { mismatches.append(m) }
    }
    #expect(mismatches.isEmpty, "\(mismatches)")
    // The sign survives a zero, and a fraction of 17 digits divides by 10^17.
    // (A decimal comma is not the fast path's: those layouts never take it.)
    #expect(Self.fastField(Array("-0.000".utf8), Array("\n".utf8)).value?.bitPattern == (-0.0).bitPattern)
    #expect(Self.fastField(Array("0.00000000000000001".utf8), Array("\n".utf8)).value == 1e-17)
    // Refused: the general path reads them.
    for refused in ["+1.5", "1234567890123456789", "0.000000000000000001", "1e5", ".", "-", ""] {
      #expect(Self.fastField(Array(refused.utf8), Array(",1\n".utf8)).value == nil, "\(refused)")
    }
  }

  /// The word-wise number reader (eight bytes at a time, issue #16) against
  /// the byte loop it replaced and the general parser, on every shape that
  /// crosses its word boundaries: 0–10 integer digits and 0–10 fraction
  /// digits (with and without a point, a minus, a plus), each digit run
  /// random, zeros and nines, followed by every tail a row can put after a
  /// field (delimiter, LF, CRLF, trailing space, exponent, quote, a second
  /// point) and padding bytes that look like digits: the same value bits,
  /// the same stop, the same acceptance. A wrong shift, mask or borrow
  /// between the bytes of a word shows here.
  @Test func wordwiseReaderMatchesTheByteLoop() {
    var state: UInt64 = 3
    func next(_ n: UInt64) -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return (state >> 11) % n
    }
    // Five tails and two paddings (digits, and a mix of digits, a point and
    // bytes above 0x7F) keep every way a word can end; the full cross product
    // took minutes in a debug build.
    let tails: [[UInt8]] = [Array(",1\n".utf8), Array("\r\n".utf8), Array(" \n".utf8),
                            Array("E-3,1\n".utf8), Array(".5\n".utf8)]
    let paddings: [[UInt8]] = [Array("99999999".utf8), [0xFF, 0x39, 0xFF, 0x30, 0x2E, 0x39, 0x39, 0x39]]
    var mismatches: [String] = []
    var checked = 0
    for whole in 0...10 {
      for fraction in -1...10 {  // -1: no point
        for sign in ["", "-", "+"] {
          for style in 0..<3 {  // random, all zeros or all nines (by length), leading zeros
            func digit(_ k: Int) -> String {
              switch style {
              case 1: return (whole + fraction) % 2 == 0 ? "0" : "9"
              case 3: return k < 2 ? "0" : String(next(10))
              default: return String(next(10))
              }
            }
            var text = sign + (0..<whole).map(digit).joined()
            if fraction >= 0 { text += "." + (0..<fraction).map { digit($0 + whole) }.joined() }
            let bytes = Array(text.utf8)
            for tail in tails {
              let reference = Self.bytewiseField(bytes, tail)
              for padding in paddings {
                let fast = Self.fastField(bytes, tail, padding: padding)
                checked += 1
                if fast.stop != reference.stop || fast.value?.bitPattern != reference.value?.bitPattern {
                  if mismatches.count < 10 {
                    mismatches.append("'\(text)' + \(tail): \(String(describing: fast)) vs \(String(describing: reference))")
                  }
                }
              }
              // Accepted means the general parser's bits.
              if let v = reference.value, tail.first == UInt8(ascii: ",") || tail.first == 0x0A || tail.first == 0x0D {
                if Self.generalField(bytes)?.bitPattern != v.bitPattern, mismatches.count < 10 {
                  mismatches.append("'\(text)': the byte loop gives \(v), the general parser \(String(describing: Self.generalField(bytes)))")
                }
              }
            }
          }
        }
      }
    }
    #expect(checked == 11 * 12 * 3 * 3 * tails.count * paddings.count)
    #expect(mismatches.isEmpty, "\(mismatches)")
    // The shapes the row loop must refuse (the general path reads them) and
    // the ones it must keep exactly.
    for refused in ["+1.5", "+0", "1e5", "1.5e-3", "-", ".", "-.", "", "1234567890123456789", "0.000000000000000001"] {
      #expect(Self.fastField(Array(refused.utf8), Array(",1\n".utf8)).value == nil, "\(refused)")
    }
    for (text, value) in [("-0", -0.0), ("-0.0000", -0.0), (".5", 0.5), ("5.", 5.0), ("-.25", -0.25), ("1234.5600", 1234.56),
                          ("0.0493", 0.0493), ("-12.3456", -12.3456), ("12345678.5", 12_345_678.5), ("1.23456789", 1.23456789)] {
      for tail in [Array(",1\n".utf8), Array("\r\n".utf8)] {
        #expect(Self.fastField(Array(text.utf8), tail).value?.bitPattern == value.bitPattern, "\(text)")
      }
    }
    // A trailing space or an exponent stops the number before it: the row
    // loop sees no delimiter there and hands the row to the general path.
    #expect(Self.fastField(Array("1.5".utf8), Array(" \n".utf8)).stop == 3)
    #expect(Self.fastField(Array("1.5".utf8), Array(" \n".utf8)).value == nil)
    #expect(Self.fastField(Array("1.5".utf8), Array("e3\n".utf8)).value == nil)
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

  /// Rows of the edge cases of the number reader through the whole reader,
  /// time + 3 and time + 6: negative zeros, no leading or trailing digit,
  /// 15–18 significant digits (rounded when converted), 19 digits, a plus,
  /// exponents (handed to the general path row by row), CRLF.
  @Test func edgeCaseFieldsThroughTheReader() {
    let values = ["-0.0000", "0.0000", ".5", "-.25", "5.", "-9.", "9.80665", "-12.3456", "123456.789012345678",
                  "-0.12345678901234567", "9007199254740993", "17.999999999999999", "0.00000000000000001"]
    // Refused by the fast reader: one in every tenth row.
    let refused = ["+1.5", "1e-3", "-2.5E1", "1.234567890123456789", "0.000000000000000001", "-3.14159265358979323846"]
    for gyro in [false, true] {
      for lineEnd in ["\n", "\r\n"] {
        var text = (gyro ? "time_s,ax,ay,az,gx,gy,gz" : "time_s,ax,ay,az") + lineEnd
        let fields = gyro ? 6 : 3
        for i in 0..<8000 {
          var row = String(format: "%.4f", Double(i) / 100)
          for k in 0..<fields {
            // Plain rows until the sniffed ones are read, then edge cases.
            let value = i < 2100 ? String(format: "%.4f", 1 + sin(Double(i * (k + 1)) * 0.1))
              : i % 10 == 0 && k == i / 10 % fields ? refused[i / 10 % refused.count]
              : values[(i * 7 + k * 5) % values.count]
            row += "," + value
          }
          text += row + lineEnd
        }
        let fast = expectSameAsGeneralPath(temporaryFile(text))
        #expect(fast.error == nil)
        #expect(fast.fastRows > 4500, "gyro \(gyro)")
      }
    }
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

  /// Flat runs at the limit broken by one to nine rows below it, then flat
  /// at the same value again: the clip counter reads the rows below the
  /// limit four at a time in the fast path, and the run after them must
  /// start anew, as row by row (every alignment of the runs to the groups
  /// of four occurs).
  @Test func clipRunsBrokenByRowsBelowTheLimit() {
    var lines = synthetic(rows: 7000).split(separator: "\n").map(String.init)
    var k = 2200
    var below = 1
    while k + 12 < lines.count {
      for _ in 0..<3 {
        lines[k] = String(format: "%.4f,0.1,30.0000,0.2", Double(k - 1) / 100)
        k += 1
      }
      k += below
      below = below % 9 + 1
    }
    let fast = expectSameAsGeneralPath(temporaryFile(lines.joined(separator: "\n") + "\n"))
    #expect((fast.report?.clippedSamples ?? 0) > 1000)
    #expect(fast.fastRows > 4000)
  }

  /// Random files of the fast path's layouts against the general path, to
  /// the last bit (issue #16: the fast path parses rows in batches, then
  /// resamples, counts clipping and sums the intervals pass by pass): time +
  /// 3 or 6 columns; comma, semicolon or tab; LF or CRLF; g, m/s² or milli-g;
  /// 2 to 6 decimals; times on the grid, jittered, with dropped rows (one
  /// row spreads over up to four grid samples) and gaps; flat runs at the
  /// limit (clipping); rows the fast path hands to the general one
  /// (exponents, quotes, an unused trailing column), and now and then a
  /// timestamp that goes backwards, an empty cell or NaN (the same error
  /// and line); block sizes of 1, 2, 3, 97, 511, 512, 513 and 4096 samples
  /// (a block that fills inside a row, batches cut short by the block), and
  /// `--rate` (timestamps not used).
  @Test func randomisedFilesMatchTheGeneralPath() {
    var state: UInt64 = 0x16_C5F_A57
    func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(n))
    }
    func uniform() -> Double { Double(next(1 << 30)) / Double(1 << 30) }
    var fastRowsInAll = 0
    var errors = 0
    for trial in 0..<28 {
      let gyro = trial % 3 == 0
      let delimiter = [",", ";", "\t"][next(3)]
      let lineEnd = next(4) == 0 ? "\r\n" : "\n"
      let unit = [(1.0, "g"), (9.80665, "m/s2"), (1000.0, "mg")][next(3)]
      let decimals = 2 + next(5)
      let timeDecimals = [3, 4, 5, 6][next(4)]
      let rate = [100.0, 51.2, 12.5, 200.0, 128.0][next(5)]
      let jitter = next(3) == 0 ? 0.2 / rate : 0
      let trailing = next(5) == 0
      let rows = 2600 + next(3000)
      // Rows that break the fast path's shape, or that fail on both paths.
      let fault = next(4) == 0 ? 2300 + next(rows - 2400) : -1
      let faultKind = next(3)
      var header = ["time_s", "ax", "ay", "az"] + (gyro ? ["gx", "gy", "gz"] : []) + (trailing ? ["temp"] : [])
      if next(2) == 0 { header[0] = "time" }
      var text = header.joined(separator: delimiter) + lineEnd
      var t = 0.0
      var k = 0
      var flat = 0
      while k < rows {
        // Dropped rows (up to three: still under the gap factor), and now
        // and then a gap of 1 to 3 s.
        let step = next(40) == 0 ? 1 + next(4) : 1
        t += Double(step) / rate
        if next(1500) == 0 { t += 1 + Double(next(3)) }
        var time = t + (jitter > 0 ? (uniform() - 0.5) * jitter : 0)
        if k == fault, faultKind == 0 { time -= 2 / rate }  // goes backwards: an error on both paths
        var fields = [String(format: "%.\(timeDecimals)f", time)]
        let x = Double(k)
        if flat == 0, next(300) == 0 { flat = 3 + next(6) }
        var acc = [0.3 * sin(x * 0.21) + 0.1 * uniform(), -0.2 + 1.4 * cos(x * 0.13), 1 + 0.9 * sin(x * 0.07)]
        if flat > 0 { acc[0] = 2.5; flat -= 1 }  // flat at 2.5 g: clipped
        fields += acc.map { String(format: "%.\(decimals)f", $0 * unit.0) }
        if gyro { fields += [sin(x * 0.05), -cos(x * 0.11) * 2, sin(x * 0.3) * 3].map { String(format: "%.5f", $0) } }
        if trailing { fields.append("21.5") }
        if next(200) == 0 {
          // The general path reads these rows (the same values).
          switch next(4) {
          case 0: fields[1] = String(format: "%.3e", acc[0] * unit.0)
          case 1: fields[2] = "\"" + fields[2] + "\""
          case 2: fields[3] = "+" + fields[3]
          default: fields[1] = " " + fields[1]
          }
        }
        if k == fault, faultKind == 1 { fields[2] = "" }
        if k == fault, faultKind == 2 { fields[3] = "NaN" }
        text += fields.joined(separator: delimiter) + lineEnd
        k += 1
      }
      let path = temporaryFile(text)
      let blockSize = [1, 2, 3, 97, 511, 512, 513, 4096][next(8)]
      var options = CSVOptions(blockSize: blockSize)
      if next(6) == 0 { options.rateHz = rate }
      let fast = expectSameAsGeneralPath(path, options)
      if fast.error != nil { errors += 1 } else { #expect(fast.fastRows > rows / 4, "trial \(trial)") }
      fastRowsInAll += fast.fastRows
      if fast.error != nil, fault < 0, options.rateHz == nil {
        Issue.record("trial \(trial): \(fast.error!)")
      }
    }
    #expect(fastRowsInAll > 28_000)
    #expect(errors >= 1)
  }
}
