import Foundation
import GaitTestSupport
import Testing

/// The bad-input corpus (issue #8): named cases across every format, each
/// asserting the exact error code, a fragment of the message, the position
/// (line or byte offset) and the exit status — run through the `gaitline`
/// binary under a 1 GiB address-space limit, so a reader that believes a
/// declared length and tries to allocate it fails the test instead of the
/// machine. Inputs are built here from real sample files and small byte
/// patterns; nothing generated is committed.
struct BadInput: Sendable, CustomStringConvertible {
  var name: String
  /// File extension of the input.
  var ext: String
  /// The command, with `IN` for the input (default: inspect IN).
  var args: [String] = ["inspect", "IN"]
  var exit: Int32
  /// `error[code]` expected on stderr (nil: success).
  var code: String?
  /// Text the message must contain.
  var message: String
  /// `FILE:LINE` or `(byte N)` position expected, when the error has one.
  var position: String? = nil
  /// Text that must not appear in stdout or stderr (a raw escape sequence).
  var forbidden: [String] = []
  var make: @Sendable (String) throws -> Void
  var description: String { name }
}

func bytesOf(_ s: String) -> [UInt8] { Array(s.utf8) }
func write(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
func sample(_ rel: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: sampleData(rel))!) }
func fixture(_ rel: String) -> [UInt8] {
  [UInt8](FileManager.default.contents(atPath: repositoryRoot.appendingPathComponent("Tests/Fixtures/" + rel).path)!)
}

/// A valid 3-axis CSV of `rows` rows at 100 Hz, in g.
func goodCSV(rows: Int = 1200) -> String {
  var s = "time_s,ax,ay,az\n"
  for i in 0..<rows { s += String(format: "%.2f,0.01,0.02,%.3f\n", Double(i) / 100, 1 + 0.5 * sin(Double(i) * 0.3)) }
  return s
}

/// The bytes of a small valid .glb (built by `gaitline convert`).
func goodGLB() throws -> [UInt8] {
  let dir = temporaryDirectory()
  let csv = dir.appendingPathComponent("in.csv").path, glb = dir.appendingPathComponent("out.glb").path
  try write(bytesOf(goodCSV(rows: 600)), csv)
  _ = try gaitline(["convert", csv, glb])
  return [UInt8](FileManager.default.contents(atPath: glb)!)
}

/// Recomputes the header CRC of a .glb after a field was changed.
func resealGLBHeader(_ b: inout [UInt8]) {
  let crc = crc32(Array(b[0..<60]))
  for k in 0..<4 { b[60 + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
}

func resealGLBBlock(_ b: inout [UInt8], at offset: Int, size: Int) {
  let crc = crc32(Array(b[offset..<(offset + size - 4)]))
  for k in 0..<4 { b[offset + size - 4 + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
}

/// CRC-32 (IEEE, as zlib), bit by bit: an independent check of the reader's.
func crc32(_ bytes: [UInt8]) -> UInt32 {
  var c: UInt32 = 0xFFFF_FFFF
  for b in bytes {
    c ^= UInt32(b)
    for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
  }
  return ~c
}

func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
func leDouble(_ v: Double) -> [UInt8] { le64(v.bitPattern) }

let glbBlockSize = 20 + 2 * 3 * 128 + 4

let badInputs: [BadInput] = {
  var c: [BadInput] = []
  func csv(_ name: String, exit: Int32, code: String?, message: String, position: String? = nil,
           args: [String] = ["inspect", "IN"], _ text: @escaping @Sendable () -> String) {
    c.append(BadInput(name: name, ext: "csv", args: args, exit: exit, code: code, message: message, position: position) { try write(bytesOf(text()), $0) })
  }
  // MARK: CSV and text
  csv("csv-empty", exit: 65, code: "emptyFile", message: "empty") { "" }
  csv("csv-only-blank-lines", exit: 65, code: "emptyFile", message: "empty") { "\n\n  \n\t\n" }
  csv("csv-header-only", exit: 65, code: "malformedRecord", message: "no numeric data rows", position: ":1") { "time_s,ax,ay,az\n" }
  // A short file: the damaged row is named, not the header (new-user review).
  csv("csv-short-damaged-row", exit: 65, code: "malformedRecord", message: "line 3 reads '0.01,0.1,abc,1.0', which is not a row of numbers like line 2", position: ":3") {
    "time_s,ax,ay,az\n0.00,0.1,0.2,1.0\n0.01,0.1,abc,1.0\n"
  }
  csv("csv-no-acceleration-columns", exit: 65, code: "noAccelerationColumns", message: "the header has: trial, speed", position: ":1") {
    "trial,speed,slope\n1,2,3\n2,3,4\n"
  }
  csv("csv-non-numeric-cell", exit: 65, code: "malformedRecord", message: "'abc' is not a number", position: ":503 column 'ay'") {
    var s = goodCSV(); var lines = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[502] = "5.01,0.01,abc,1.0"; s = lines.joined(separator: "\n"); return s
  }
  csv("csv-nan", exit: 65, code: "nonFiniteValue", message: "NaN or infinite", position: ":701") {
    var lines = goodCSV().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[700] = "6.99,NaN,0.02,1.0"; return lines.joined(separator: "\n")
  }
  csv("csv-inf", exit: 65, code: "nonFiniteValue", message: "NaN or infinite", position: ":12") {
    var lines = goodCSV().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[11] = "0.10,0.01,inf,1.0"; return lines.joined(separator: "\n")
  }
  csv("csv-minus-inf", exit: 65, code: "nonFiniteValue", message: "NaN or infinite", position: ":900") {
    var lines = goodCSV().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[899] = "8.98,0.01,0.02,-Infinity"; return lines.joined(separator: "\n")
  }
  csv("csv-timestamps-backwards", exit: 65, code: "nonMonotonicTimestamp", message: "goes backwards (7.98 on the row before)", position: ":801 column 'time_s'") {
    var lines = goodCSV().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[800] = "1.00,0.01,0.02,1.0"; return lines.joined(separator: "\n")
  }
  csv("csv-timestamps-repeat", exit: 65, code: "nonMonotonicTimestamp", message: "repeats the previous timestamp", position: ":401") {
    var lines = goodCSV().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[400] = lines[399]; return lines.joined(separator: "\n")
  }
  // Found by the CSV golden test: a 61-digit time field trapped converting
  // the grid index to Int (both the fast row loop and the general path).
  csv("csv-timestamp-beyond-int-range", exit: 65, code: "badTimestamps", message: "after the first row's (more than 400 days)", position: ":701 column 'time_s'") {
    var lines = goodCSV().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[700] = String(repeating: "9", count: 61) + ".00,0.01,0.02,1.0"; return lines.joined(separator: "\n")
  }
  csv("csv-timestamp-thousands-of-years-on", exit: 65, code: "badTimestamps", message: "lies 1000000000000.0 s after the first row's", position: ":301", args: ["analyze", "IN"]) {
    var lines = goodCSV().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[300] = "1e12,0.01,0.02,1.0"; return lines.joined(separator: "\n")
  }
  csv("csv-timestamps-jump-hours", exit: 0, code: nil, message: "gaps:            7194.010 s at 5.990 s") {
    var s = "time_s,ax,ay,az\n"
    for i in 0..<600 { s += String(format: "%.2f,0.01,0.02,1.0\n", Double(i) / 100) }
    for i in 0..<600 { s += String(format: "%.2f,0.01,0.02,1.0\n", 7200 + Double(i) / 100) }
    return s
  }
  csv("csv-short-row", exit: 65, code: "malformedRecord", message: "the row has 2 fields", position: ":300") {
    var lines = goodCSV().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[299] = "2.98,0.01"; return lines.joined(separator: "\n")
  }
  csv("csv-extra-cells-ignored", exit: 0, code: nil, message: "1200 samples from 1200 records") {
    var lines = goodCSV().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[299] = "2.98,0.01,0.02,1.0,5,6,7"; return lines.joined(separator: "\n")
  }
  c.append(BadInput(name: "csv-utf16le-bom", ext: "csv", exit: 65, code: "unsupportedEncoding", message: "UTF-16") {
    var b: [UInt8] = [0xFF, 0xFE]; for u in goodCSV(rows: 50).utf16 { b += [UInt8(u & 0xFF), UInt8(u >> 8)] }; try write(b, $0)
  })
  c.append(BadInput(name: "csv-utf16be-bom", ext: "csv", exit: 65, code: "unsupportedEncoding", message: "UTF-16") {
    var b: [UInt8] = [0xFE, 0xFF]; for u in goodCSV(rows: 50).utf16 { b += [UInt8(u >> 8), UInt8(u & 0xFF)] }; try write(b, $0)
  })
  c.append(BadInput(name: "csv-utf16le-no-bom", ext: "csv", exit: 65, code: "unsupportedEncoding", message: "UTF-16") {
    var b: [UInt8] = []; for u in goodCSV(rows: 50).utf16 { b += [UInt8(u & 0xFF), UInt8(u >> 8)] }; try write(b, $0)
  })
  csv("csv-utf8-bom-is-fine", exit: 0, code: nil, message: "1200 samples from 1200 records") { "\u{FEFF}" + goodCSV() }
  csv("csv-crlf-is-fine", exit: 0, code: nil, message: "1200 samples from 1200 records") { goodCSV().replacingOccurrences(of: "\n", with: "\r\n") }
  csv("csv-mixed-line-endings", exit: 0, code: nil, message: "1200 samples from 1200 records") {
    var out = ""; for (k, l) in goodCSV().split(separator: "\n").enumerated() { out += l + (k % 3 == 0 ? "\r\n" : "\n") }; return out
  }
  csv("csv-old-mac-cr-only", exit: 0, code: nil, message: "1200 samples from 1200 records") { goodCSV().replacingOccurrences(of: "\n", with: "\r") }
  csv("csv-1mib-line", exit: 65, code: "badTimestamps", message: "not a number", position: ":3 column 'time_s'") {
    var lines = goodCSV().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[2] = String(repeating: "1", count: 1 << 20 + 10); return lines.joined(separator: "\n")
  }
  c.append(BadInput(name: "csv-2gb-line", ext: "csv", exit: 65, code: "malformedRecord", message: "line 2 is longer than 1024 KiB", position: ":2") { path in
    // 2 GiB without a newline after the header: the reader must give up at
    // its line limit, not buffer the line.
    _ = FileManager.default.createFile(atPath: path, contents: Data("time_s,ax,ay,az\n".utf8))
    let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try h.seekToEnd()
    let chunk = Data(repeating: UInt8(ascii: "7"), count: 64 << 20)
    for _ in 0..<32 { try h.write(contentsOf: chunk) }
    try h.close()
  })
  csv("csv-rate-below-50hz", exit: 65, code: "sampleRateTooLow", message: "50 Hz", args: ["analyze", "IN"]) {
    var s = "time_s,ax,ay,az\n"; for i in 0..<300 { s += String(format: "%.2f,0.01,0.02,1.0\n", Double(i) / 20) }; return s
  }
  csv("csv-absurd-rate-1ghz", exit: 65, code: "badTimestamps", message: "impossible sample rate", args: ["analyze", "IN"]) {
    var s = "time_s,ax,ay,az\n"; for i in 0..<300 { s += String(format: "%.9f,0.01,0.02,1.0\n", Double(i) * 1e-9) }; return s
  }
  // New-user review: a --rate that cannot be blamed the timestamps (they are not used).
  csv("csv-rate-option-absurd", exit: 64, code: "invalidArgument", message: "--rate 1000000000.0 is not a usable sample rate; give the rate in Hz", args: ["analyze", "IN", "--rate", "1e9"]) {
    var s = "time_s,ax,ay,az\n"; for i in 0..<300 { s += String(format: "%.2f,0.01,0.02,1.0\n", Double(i) / 100) }; return s
  }
  // New-user review: --units g on m/s² data was followed without a word (VO 85 cm, impact 25 g).
  csv("csv-units-option-contradicts-gravity", exit: 0, code: nil, message: "--units says g but the mean |a| of 9.81 looks like m/s2; check --units", args: ["inspect", "IN", "--units", "g"]) {
    var s = "time_s,ax,ay,az\n"; for i in 0..<1200 { s += String(format: "%.2f,0.1,0.2,9.81\n", Double(i) / 100) }; return s
  }
  csv("csv-clipped-sensor", exit: 0, code: nil, message: "300 samples look clipped", args: ["inspect", "IN"]) {
    var s = "time_s,ax,ay,az\n"; for i in 0..<1200 { s += String(format: "%.2f,0.01,0.02,%.3f\n", Double(i) / 100, i % 20 < 5 ? 16.0 : 1.0) }; return s
  }
  csv("csv-ambiguous-units", exit: 65, code: "ambiguousUnits", message: "mean |a| over the first 600 rows is 30", position: ":2") {
    var s = "time_s,ax,ay,az\n"; for i in 0..<600 { s += String(format: "%.2f,0.01,0.02,%.3f\n", Double(i) / 100, 30.0) }; return s
  }
  c.append(BadInput(name: "csv-binary-garbage", ext: "csv", exit: 65, code: "unsupportedEncoding", message: "binary data, not text") {
    var seed: UInt64 = 7; var b: [UInt8] = []
    for _ in 0..<20000 { seed = seed &* 6364136223846793005 &+ 1; b.append(UInt8(truncatingIfNeeded: seed >> 33)) }
    try write(b, $0)
  })
  csv("csv-bad-columns-option", exit: 64, code: "invalidArgument", message: "names 'nosuch' for ax", args: ["inspect", "IN", "--columns", "ax=nosuch,ay=ay,az=az"]) { goodCSV() }
  csv("csv-headerless-numbers", exit: 0, code: nil, message: "no header line: read the 3 columns as ax,ay,az", args: ["inspect", "IN", "--rate", "100"]) {
    var s = ""; for i in 0..<600 { s += String(format: "0.01,0.02,%.3f\n", 1 + 0.1 * sin(Double(i))) }; return s
  }
  c.append(BadInput(name: "missing-file", ext: "csv", exit: 66, code: "fileNotFound", message: "no such file") { _ in })
  c.append(BadInput(name: "directory-as-input", ext: "d", exit: 66, code: "unreadable", message: "is a directory") {
    try FileManager.default.createDirectory(atPath: $0, withIntermediateDirectories: true)
  })

  // MARK: issue #15: cut-short files, escape sequences
  csv("csv-last-line-cut-short", exit: 0, code: nil, message: "the last line (1202) has no line end and cannot be read", args: ["inspect", "IN"]) {
    // Power lost while the last row was written: no line end, two fields.
    goodCSV() + "12.00,0.0"
  }
  csv("csv-last-line-cut-keeps-rows", exit: 0, code: nil, message: "1200 samples from 1200 records") { goodCSV() + "12.00,0.01,0.02," }
  csv("csv-cut-row-in-the-middle-still-fails", exit: 65, code: "malformedRecord", message: "the row has 2 fields", position: ":1202") {
    goodCSV() + "12.00,0.0\n12.01,0.01,0.02,1.0\n"
  }
  csv("csv-escape-sequence-in-cell", exit: 65, code: "malformedRecord", message: "'\\x1B]0;pwned\\x07\\x1B[2J' is not a number",
      position: ":503 column 'ay'") {
    var lines = goodCSV().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[502] = "5.01,0.01,\u{1B}]0;pwned\u{07}\u{1B}[2J,1.0"; return lines.joined(separator: "\n")
  }
  c[c.count - 1].forbidden = ["\u{1B}", "\u{07}"]
  csv("csv-escape-sequence-in-header", exit: 65, code: "noAccelerationColumns", message: "the header has: time_s, ax, \\x1B[31may, az") {
    goodCSV().replacingOccurrences(of: "time_s,ax,ay,az", with: "time_s,ax,\u{1B}[31may,az")
  }
  c[c.count - 1].forbidden = ["\u{1B}"]

  // MARK: .glb
  func glb(_ name: String, exit: Int32 = 65, code: String?, message: String, position: String? = nil,
           args: [String] = ["inspect", "IN"], _ edit: @escaping @Sendable (inout [UInt8]) -> Void) {
    c.append(BadInput(name: name, ext: "glb", args: args, exit: exit, code: code, message: message, position: position) { path in
      var b = try goodGLB(); edit(&b); try write(b, path)
    })
  }
  glb("glb-empty", code: "emptyFile", message: "the file is empty") { $0 = [] }
  glb("glb-wrong-magic", code: "badMagic", message: "magic is not 'GLBF'", position: "(byte 0)") { $0[0] = 0x58 }
  glb("glb-wrong-version", code: "unsupportedVersion", message: "format version 9", position: "(byte 4)") { $0[4] = 9; resealGLBHeader(&$0) }
  glb("glb-header-crc", code: "corrupt", message: "CRC-32 mismatch", position: "(byte 0)") { $0[50] ^= 0xFF }
  glb("glb-truncated-in-header", code: "truncated", message: "ends inside the 64-byte header", position: "(byte 40)") { $0 = Array($0[0..<40]) }
  glb("glb-truncated-mid-block", exit: 0, code: nil, message: "ends with 100 bytes of a truncated block") { $0 = Array($0[0..<(64 + glbBlockSize + 100)]) }
  glb("glb-block-crc", exit: 0, code: nil, message: "1 damaged block(s) skipped at byte offsets 856") { $0[64 + glbBlockSize + 30] ^= 0x55 }
  glb("glb-zero-samples-per-block", code: "corrupt", message: "0 samples per block", position: "(byte 24)") { $0[28] = 0; $0[29] = 0; resealGLBHeader(&$0) }
  glb("glb-huge-samples-per-block", code: "corrupt", message: "65535 samples per block", position: "(byte 24)") { $0[28] = 0xFF; $0[29] = 0xFF; resealGLBHeader(&$0) }
  glb("glb-rate-zero", code: "corrupt", message: "impossible sample rate (0.0 Hz)", position: "(byte 8)") { b in for (k, x) in leDouble(0).enumerated() { b[8 + k] = x }; resealGLBHeader(&b) }
  glb("glb-rate-nan", code: "corrupt", message: "impossible sample rate (nan Hz)", position: "(byte 8)") { b in for (k, x) in leDouble(.nan).enumerated() { b[8 + k] = x }; resealGLBHeader(&b) }
  glb("glb-rate-1e12", code: "corrupt", message: "impossible sample rate", position: "(byte 8)") { b in for (k, x) in leDouble(1e12).enumerated() { b[8 + k] = x }; resealGLBHeader(&b) }
  glb("glb-bad-channel-count", code: "corrupt", message: "channels 5", position: "(byte 24)") { $0[26] = 5; resealGLBHeader(&$0) }
  glb("glb-block-used-beyond-capacity", exit: 0, code: nil, message: "1 damaged block(s) skipped at byte offsets 856") { b in
    let off = 64 + glbBlockSize; b[off + 16] = 0xFF; b[off + 17] = 0x7F; resealGLBBlock(&b, at: off, size: glbBlockSize)
  }
  glb("glb-index-jump-hours", exit: 0, code: nil, message: "gaps:            7200.000 s at 2.560 s") { b in
    let off = 64 + 2 * glbBlockSize
    for (k, x) in le64(100 * 3600 * 2 + 256).enumerated() { b[off + 8 + k] = x }
    resealGLBBlock(&b, at: off, size: glbBlockSize)
    let off2 = 64 + 3 * glbBlockSize
    if b.count >= off2 + glbBlockSize { for (k, x) in le64(100 * 3600 * 2 + 384).enumerated() { b[off2 + 8 + k] = x }; resealGLBBlock(&b, at: off2, size: glbBlockSize) }
  }
  glb("glb-index-jump-absurd", exit: 0, code: nil, message: "1 damaged block(s) skipped at byte offsets 1648") { b in
    let off = 64 + 2 * glbBlockSize
    for (k, x) in le64(1 << 60).enumerated() { b[off + 8 + k] = x }
    resealGLBBlock(&b, at: off, size: glbBlockSize)
  }
  glb("glb-index-top-bit-set", exit: 0, code: nil, message: "1 damaged block(s) skipped at byte offsets 1648") { b in
    // A u64 grid index >= 2^63 (valid CRC) trapped converting to Int.
    let off = 64 + 2 * glbBlockSize
    for (k, x) in le64((1 << 63) + 5).enumerated() { b[off + 8 + k] = x }
    resealGLBBlock(&b, at: off, size: glbBlockSize)
  }
  glb("glb-index-backwards", exit: 0, code: nil, message: "1 block(s) repeated earlier samples") { b in
    let off = 64 + 3 * glbBlockSize
    for (k, x) in le64(0).enumerated() { b[off + 8 + k] = x }
    resealGLBBlock(&b, at: off, size: glbBlockSize)
  }
  glb("glb-header-only", code: "emptyFile", message: "no samples") { $0 = Array($0[0..<64]) }

  // MARK: .cwa (from the GGIRread AX3 test file)
  func cwa(_ name: String, exit: Int32 = 65, code: String?, message: String, position: String? = nil, _ edit: @escaping @Sendable (inout [UInt8]) -> Void) {
    c.append(BadInput(name: name, ext: "cwa", exit: exit, code: code, message: message, position: position) { path in
      var b = fixture("cwa/ggirread_ax3_testfile.cwa"); edit(&b); try write(b, path)
    })
  }
  cwa("cwa-wrong-magic", code: "badMagic", message: "MD", position: "(byte 0)") { $0[0] = 0x4E }
  cwa("cwa-truncated-header", code: "truncated", message: "header", position: "(byte 700)") { $0 = Array($0[0..<700]) }
  cwa("cwa-header-only", code: "emptyFile", message: "no samples") { $0 = Array($0[0..<1024]) }
  cwa("cwa-truncated-mid-sector", exit: 0, code: nil, message: "1 damaged sector(s) skipped at byte offsets 6144") { $0 = Array($0[0..<(1024 + 512 * 10 + 200)]) }
  cwa("cwa-bad-sector-checksum", exit: 0, code: nil, message: "1 damaged sector(s) skipped at byte offsets 3584") { $0[1024 + 512 * 5 + 100] ^= 0x40 }
  cwa("cwa-absurd-sample-count", exit: 0, code: nil, message: "1 damaged sector(s) skipped at byte offsets 2560") { b in
    // sampleCount (u16 at 28) of sector 3 = 60000, checksum made valid.
    let off = 1024 + 512 * 3; b[off + 28] = 0x60; b[off + 29] = 0xEA
    var sum: UInt16 = 0
    b[off + 510] = 0; b[off + 511] = 0
    for k in stride(from: 0, to: 510, by: 2) { sum &+= UInt16(b[off + k]) | UInt16(b[off + k + 1]) << 8 }
    let fix = 0 &- sum; b[off + 510] = UInt8(fix & 0xFF); b[off + 511] = UInt8(fix >> 8)
  }
  cwa("cwa-all-sectors-garbage", code: "emptyFile", message: "145 damaged block(s) or sector(s) were skipped, the first at byte 1024") { b in for k in 1024..<b.count { b[k] = UInt8(truncatingIfNeeded: k &* 31) } }

  cwa("cwa-escape-sequence-in-metadata", exit: 0, code: nil, message: "metadata=\\x1B]2;owned\\x07\\x1B[2J") { b in
    // The header's annotation (bytes 64-511) is printed by inspect.
    let m = Array("\u{1B}]2;owned\u{07}\u{1B}[2J".utf8)
    for (k, x) in m.enumerated() { b[64 + k] = x }
    for k in (64 + m.count)..<512 { b[k] = 0x20 }
  }
  c[c.count - 1].forbidden = ["\u{1B}", "\u{07}"]

  // MARK: .gt3x
  c.append(BadInput(name: "gt3x-not-a-zip", ext: "gt3x", exit: 65, code: "badMagic", message: "zip", position: "(byte 0)") {
    try write(bytesOf("this is not an archive"), $0)
  })
  c.append(BadInput(name: "gt3x-empty", ext: "gt3x", exit: 65, code: "badMagic", message: "not a zip archive", position: "(byte 0)") { try write([], $0) })
  c.append(BadInput(name: "gt3x-zip-without-info", ext: "gt3x", exit: 65, code: "corrupt", message: "info.txt") { path in
    try makeZip(path, ["log.bin": [0, 0, 0]])
  })
  c.append(BadInput(name: "gt3x-rate-zero", ext: "gt3x", exit: 65, code: "corrupt", message: "Sample Rate") { path in
    try makeZip(path, ["info.txt": bytesOf("Serial Number: MOS2E00000000\nSample Rate: 0\nStart Date: 637000000000000000\n"), "log.bin": [0]])
  })
  c.append(BadInput(name: "gt3x-no-log", ext: "gt3x", exit: 65, code: "corrupt", message: "neither log.bin nor activity.bin") { path in
    try makeZip(path, ["info.txt": bytesOf("Serial Number: MOS2E00000000\nSample Rate: 30\nStart Date: 637000000000000000\nAcceleration Scale: 256.0\n")])
  })
  c.append(BadInput(name: "gt3x-record-declares-64k", ext: "gt3x", exit: 65, code: "emptyFile", message: "108 bytes at the end of log.bin are a truncated record") { path in
    var log: [UInt8] = [0x1E, 0x1A, 0, 0, 0, 0, 0xFF, 0xFF]; log += [UInt8](repeating: 1, count: 100)
    try makeZip(path, ["info.txt": bytesOf("Serial Number: MOS2E00000000\nSample Rate: 30\nStart Date: 637000000000000000\nAcceleration Scale: 256.0\n"), "log.bin": log])
  })

  c.append(BadInput(name: "gt3x-info-txt-over-cap", ext: "gt3x", exit: 65, code: "corrupt", message: "info.txt inflates to more than 64 KiB") { path in
    // A zip bomb inflates info.txt to gigabytes; anything over the cap is refused.
    try makeZip(path, ["info.txt": bytesOf(String(repeating: "Padding: 0000000000\n", count: 5000)), "log.bin": [0]])
  })
  c.append(BadInput(name: "gt3x-bad-records-bounded", ext: "gt3x", exit: 65, code: "emptyFile",
                    message: "600000 damaged block(s) or sector(s) were skipped, the first at byte 0") { path in
    // 600 000 records with a bad checksum: counted, 100 offsets kept (the
    // old reader kept 8 bytes per bad record of the inflated log).
    let bad: [UInt8] = [0x1E, 0x00, 0, 0, 0, 0, 0, 0, 0x00]
    var log: [UInt8] = []; log.reserveCapacity(bad.count * 600_000)
    for _ in 0..<600_000 { log += bad }
    try makeZip(path, ["info.txt": bytesOf("Serial Number: MOS2E00000000\nSample Rate: 30\nStart Date: 637000000000000000\nAcceleration Scale: 256.0\n"), "log.bin": log])
  })

  // MARK: FIT (compare reads it)
  func fit(_ name: String, exit: Int32 = 65, code: String?, message: String, position: String? = nil, _ edit: @escaping @Sendable (inout [UInt8]) -> Void) {
    c.append(BadInput(name: name, ext: "fit", args: ["compare", "IN", "REPORT"], exit: exit, code: code, message: message, position: position) { path in
      var b = fixture("fit/garmin-fenix-5-run.fit"); edit(&b); try write(b, path)
    })
  }
  fit("fit-too-short", code: "truncated", message: "FIT header", position: "(byte 5)") { $0 = Array($0[0..<5]) }
  fit("fit-no-magic", code: "badMagic", message: ".FIT", position: "(byte 8)") { $0[8] = 0x2D }
  fit("fit-declares-more-data", code: "truncated", message: "declares 2147483647 data bytes", position: "(byte 5597)") { b in
    b[4] = 0xFF; b[5] = 0xFF; b[6] = 0xFF; b[7] = 0x7F
  }
  fit("fit-truncated", code: "truncated", message: "declares 5581 data bytes but the file ends at byte 2798", position: "(byte 2798)") { $0 = Array($0[0..<($0.count / 2)]) }
  fit("fit-crc-mismatch-warns", exit: 0, code: nil, message: "file CRC mismatch") { $0[$0.count - 1] ^= 0xFF }
  c.append(BadInput(name: "fit-many-empty-record-messages", ext: "fit", args: ["compare", "IN", "REPORT"], exit: 0, code: nil,
                    message: "5999999 record messages after the first 500000 were not kept") { path in
    // A definition of `record` (20) with no fields, then 6.5 M one-byte
    // data messages: 144 bytes of memory each in the old reader (1 GiB
    // over the limit this case runs under).
    var data: [UInt8] = [0x40, 0, 0, 20, 0, 0]
    data += [UInt8](repeating: 0x00, count: 6_499_999)
    let n = UInt32(data.count)
    var b: [UInt8] = [12, 0x10, 0x64, 0x00, UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)] + Array(".FIT".utf8)
    b += data + [0, 0]
    try write(b, path)
  })

  // MARK: captured serial streams (--protocol)
  c.append(BadInput(name: "stream-witmotion-only-garbage", ext: "raw", args: ["analyze", "IN", "--protocol", "witmotion", "--rate", "100"],
                    exit: 65, code: "emptyFile", message: "no samples") {
    try write((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) & 0x7F }, $0)
  })
  c.append(BadInput(name: "stream-text-no-numbers", ext: "raw", args: ["analyze", "IN", "--protocol", "text", "--rate", "100"],
                    exit: 65, code: "emptyFile", message: "no samples") {
    try write(bytesOf(String(repeating: "booting sensor...\r\nok\r\n", count: 200)), $0)
  })
  c.append(BadInput(name: "stream-glb-bad-header", ext: "raw", args: ["analyze", "IN", "--protocol", "glb", "--rate", "100"],
                    exit: 65, code: "emptyFile", message: "no samples") {
    var b = try goodGLB(); b[0] = 0; try write(b, $0)
  })
  c.append(BadInput(name: "stream-text-without-rate", ext: "raw", args: ["analyze", "IN", "--protocol", "text"],
                    exit: 64, code: "invalidArgument", message: "pass the sensor's output rate with --rate HZ") { try write(bytesOf(goodCSV()), $0) })
  return c
}()

/// A zip archive of the named entries (stored, via the system `zip`-free
/// format: one local header per entry and a central directory).
func makeZip(_ path: String, _ entries: [String: [UInt8]]) throws {
  var out: [UInt8] = [], central: [UInt8] = []
  func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
  func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * UInt32($0))) } }
  for (name, data) in entries.sorted(by: { $0.key < $1.key }) {
    let crc = crc32(data), n = Array(name.utf8), offset = out.count
    out += u32(0x0403_4B50) + u16(20) + u16(0) + u16(0) + u16(0) + u16(0x21) + u32(crc) + u32(UInt32(data.count)) + u32(UInt32(data.count))
      + u16(n.count) + u16(0) + n + data
    central += u32(0x0201_4B50) + u16(20) + u16(20) + u16(0) + u16(0) + u16(0) + u16(0x21) + u32(crc)
      + u32(UInt32(data.count)) + u32(UInt32(data.count)) + u16(n.count) + u16(0) + u16(0) + u16(0) + u16(0) + u32(0)
      + u32(UInt32(offset)) + n
  }
  let cdOffset = out.count
  out += central + u32(0x0605_4B50) + u16(0) + u16(0) + u16(entries.count) + u16(entries.count)
    + u32(UInt32(central.count)) + u32(UInt32(cdOffset)) + u16(0)
  try write(out, path)
}

@Suite(.serialized) struct BadInputCorpus {
  static let report: String = {
    let dir = temporaryDirectory()
    let path = dir.appendingPathComponent("report.json").path
    _ = try? gaitline(["analyze", sampleData("alcantara-sacrum-run/trial_00.csv"), "--json", path, "-q"])
    return path
  }()

  @Test func theCorpusHasAtLeastFiftyNamedCases() {
    #expect(badInputs.count >= 50)
    #expect(Set(badInputs.map(\.name)).count == badInputs.count)
  }

  @Test(arguments: badInputs)
  func badInput(_ c: BadInput) throws {
    let dir = temporaryDirectory()
    let input = dir.appendingPathComponent("\(c.name).\(c.ext)").path
    try c.make(input)
    defer { try? FileManager.default.removeItem(atPath: input) }
    let args = c.args.map { $0 == "IN" ? input : $0 == "REPORT" ? Self.report : $0 }
    // 1 GiB of address space: a reader that allocates a declared length fails.
    let quoted = ([binary] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
    let r = try gaitline(["-c", "ulimit -v 1048576; exec " + quoted], shell: true)
    if ProcessInfo.processInfo.environment["GAITLINE_CORPUS_PRINT"] != nil {
      print("CASE \(c.name) exit=\(r.status) stderr: \(r.stderr.prefix(400)) stdout: \(r.stdout.prefix(1500).replacingOccurrences(of: "\n", with: " | "))")
      return
    }
    #expect(r.status == c.exit, "\(c.name): exit \(r.status), stderr: \(r.stderr)")
    if let code = c.code {
      #expect(r.stderr.contains("error[\(code)]"), "\(c.name): \(r.stderr)")
      #expect(r.stderr.contains(input), "the error names the file: \(r.stderr)")
    }
    if !c.message.isEmpty {
      #expect((r.stderr + r.stdout).contains(c.message), "\(c.name): expected '\(c.message)' in \(r.stderr)\(r.stdout)")
    }
    if let p = c.position {
      #expect(r.stderr.contains(input + p) || r.stderr.contains(p), "\(c.name): expected position \(p) in \(r.stderr)")
    }
    #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Crash"), "\(c.name) crashed: \(r.stderr)")
    for f in c.forbidden { #expect(!(r.stdout + r.stderr).contains(f), "\(c.name): printed \(f.debugDescription) raw") }
  }
}
