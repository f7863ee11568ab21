//===--- ReportStream.swift -----------------------------------------------===//
// The report's steps, streamed: one table of step columns (name with unit,
// value, decimals) gives both the `steps[]` of the JSON report and the
// per-step CSV, written through a fixed buffer into a sink (the output file)
// without a whole-report string. A field added to `Step` is reported by
// adding one line to ``stepColumns``.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
import GaitDSP

/// One column of the per-step table.
public struct StepColumn: Sendable {
  /// How a column's cell is computed from a step.
  public enum Value: Sendable {
    /// A number rounded to `digits` decimals; `nil` is JSON `null` and an
    /// empty CSV cell.
    case number(@Sendable (Step) -> Double?, digits: Int)
    /// A string; `nil` is JSON `null` and an empty CSV cell.
    case text(@Sendable (Step) -> String?)
    /// JSON `true`/`false`, CSV `1`/`0`; `nil` is JSON `null` and an empty
    /// CSV cell.
    case flag(@Sendable (Step) -> Bool?)
    /// A number kept beside the steps rather than in them (the track's
    /// speed and distance), looked up by the step's index in the analysis,
    /// rounded to `digits` decimals.
    case indexed(@Sendable (Int) -> Double?, digits: Int)
  }

  /// The JSON key and CSV header, with the unit (`ground_contact_ms`).
  public let name: String
  /// How the cell is computed.
  public let value: Value

  /// A column named `name` (with its unit) computed by `value`.
  public init(_ name: String, _ value: Value) {
    self.name = name
    self.value = value
  }
}

/// The per-step table of the report, in report order.
public let stepColumns: [StepColumn] = [
  StepColumn("ic_s", .number({ $0.icS }, digits: 4)),
  StepColumn("tc_s", .number({ $0.tcS }, digits: 4)),
  StepColumn("side", .text({ $0.side?.rawValue })),
  StepColumn("running", .flag({ $0.running })),
  StepColumn("step_time_ms", .number({ $0.stepTimeMs }, digits: 1)),
  StepColumn("ground_contact_ms", .number({ $0.groundContactMs }, digits: 1)),
  StepColumn("flight_ms", .number({ $0.flightMs }, digits: 1)),
  StepColumn("duty_factor", .number({ $0.dutyFactor }, digits: 3)),
  StepColumn("vertical_oscillation_cm", .number({ $0.verticalOscillationCm }, digits: 2)),
  StepColumn("lateral_sway_cm", .number({ $0.lateralSwayCm }, digits: 2)),
  StepColumn("braking_mps", .number({ $0.brakingMps }, digits: 3)),
  StepColumn("impact_g", .number({ $0.impactG }, digits: 2)),
  StepColumn("tibial_shock_g", .number({ $0.tibialShockG }, digits: 2)),
  StepColumn("tibial_shock_rate_gps", .number({ $0.tibialShockRateGps }, digits: 0)),
  StepColumn("tibial_shock_clipped", .flag({ $0.tibialShockClipped })),
]

/// One step as a JSON object (the `steps[]` entries of the report), from
/// ``stepColumns`` (or `columns`; `index` is the step's index for
/// ``StepColumn/Value/indexed(_:digits:)`` columns).
public func stepJSON(_ s: Step, index: Int? = nil, columns: [StepColumn] = stepColumns) -> JSONValue {
  .object(columns.map { c in
    switch c.value {
    case .number(let f, let digits): return (c.name, .num(f(s), digits))
    case .text(let f): return (c.name, .str(f(s)))
    case .flag(let f): return (c.name, f(s).map { .bool($0) } ?? .null)
    case .indexed(let f, let digits): return (c.name, .num(index.flatMap(f), digits))
    }
  })
}

/// Where report bytes go: a file, or an array for a string.
public typealias ByteSink = (UnsafeRawBufferPointer) throws -> Void

/// A fixed buffer in front of a sink: bytes are appended, and handed to the
/// sink in 64 KiB pieces.
struct ByteWriter: ~Copyable {
  private let base: UnsafeMutableRawPointer
  private let capacity: Int
  private var count = 0
  private let sink: ByteSink

  init(capacity: Int = 1 << 16, sink: @escaping ByteSink) {
    base = .allocate(byteCount: capacity, alignment: 16)
    self.capacity = capacity
    self.sink = sink
  }

  deinit { base.deallocate() }

  /// Hands what is buffered to the sink.
  mutating func flush() throws {
    guard count > 0 else { return }
    let n = count
    count = 0
    try sink(UnsafeRawBufferPointer(start: base, count: n))
  }

  /// Makes room for `n` bytes (`n` ≤ capacity).
  @inline(__always) mutating func reserve(_ n: Int) throws {
    if count + n > capacity { try flush() }
  }

  /// Copies `n` bytes from `source` in 16-byte pieces, into space reserved
  /// for `n + 16` bytes; `source` must be readable up to `n` rounded up to
  /// a multiple of 16 (a padded table). Short copies without a call to
  /// `memcpy`.
  @inline(__always) mutating func copyPadded(_ source: UnsafeRawPointer, count n: Int) {
    var o = 0
    while o < n {
      (base + count + o).storeBytes(of: source.loadUnaligned(fromByteOffset: o, as: SIMD16<UInt8>.self),
                                    as: SIMD16<UInt8>.self)
      o &+= 16
    }
    count &+= n
  }

  /// The bytes of a short literal into reserved space.
  @inline(__always) mutating func copyBytes(_ s: StaticString) {
    (base + count).copyMemory(from: s.utf8Start, byteCount: s.utf8CodeUnitCount)
    count &+= s.utf8CodeUnitCount
  }

  /// One byte into reserved space.
  @inline(__always) mutating func put(_ byte: UInt8) {
    base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
    count &+= 1
  }

  mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
    if bytes.count > capacity {
      try flush()
      try sink(bytes)
      return
    }
    try reserve(bytes.count)
    if let src = bytes.baseAddress { (base + count).copyMemory(from: src, byteCount: bytes.count) }
    count += bytes.count
  }

  mutating func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

  mutating func write(literal s: StaticString) throws {
    try write(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
  }

  mutating func write(_ s: String) throws {
    var s = s
    try s.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
  }

  @inline(__always) mutating func write(byte: UInt8) throws {
    try reserve(1)
    base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
    count += 1
  }

  /// 10^digits for 0...6.
  @inline(__always) static func power(_ digits: Int) -> Double {
    switch digits {
    case 0: return 1
    case 1: return 10
    case 2: return 100
    case 3: return 1000
    case 4: return 10_000
    case 5: return 100_000
    default: return 1_000_000
    }
  }

  /// Where the next byte goes (in reserved space).
  @inline(__always) var cursor: UnsafeMutablePointer<UInt8> { (base + count).assumingMemoryBound(to: UInt8.self) }

  /// Counts `n` bytes written at ``cursor``.
  @inline(__always) mutating func advance(_ n: Int) { count &+= n }

  /// A JSON number as ``JSONValue/num(_:_:)`` serialises it (see
  /// ``formatJSONNumber(_:digits:into:)``), `null` for `nil` and
  /// non-finite values.
  @inline(__always) mutating func writeJSONNumber(_ v: Double?, digits: Int) throws {
    try reserve(jsonNumberCapacity)
    if let n = formatJSONNumber(v, digits: digits, into: cursor) { count &+= n } else { try writeJSONFallback(v!, digits) }
  }

  @inline(never) private mutating func writeJSONFallback(_ v: Double, _ digits: Int) throws {
    try write(JSONValue.num(v, digits).serialized())
  }

  /// A CSV cell as `String(format: "%.<digits>f", v)` prints it (the exact
  /// binary value rounded half to even, `-0.0` for small negatives); near a
  /// tie, or for large values, through `String(format:)` itself.
  @inline(__always) mutating func writeFixed(_ v: Double, digits: Int) throws {
    try reserve(fixedTextCapacity)
    if let n = formatFixed(v, digits: digits, into: cursor) {
      count &+= n
    } else {
      try writeFixedFallback(v, digits: digits)
    }
  }

  @inline(never) private mutating func writeFixedFallback(_ v: Double, digits: Int) throws {
    try write(String(format: "%.\(digits)f", v))
  }

  /// A JSON string with quotes and escapes.
  mutating func writeJSONString(_ s: String) throws {
    if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
      try write(byte: UInt8(ascii: "\""))
      try write(s)
      try write(byte: UInt8(ascii: "\""))
    } else {
      try write(JSONValue.quote(s))
    }
  }
}

/// 10^digits for 1...4, a constant once inlined with a constant `digits`
/// (so the divisions by it are by constants).
@inline(__always) func decimalScale(_ digits: Int) -> UInt64 {
  switch digits {
  case 1: return 10
  case 2: return 100
  case 3: return 1000
  default: return 10_000
  }
}

/// Bytes ``formatJSONNumber(_:digits:into:)`` may write.
let jsonNumberCapacity = 24

/// Writes `v` as `JSONValue.num(v, digits).serialized()` prints it into
/// `out` (room for ``jsonNumberCapacity`` bytes) and returns the byte
/// count: rounded half away from zero to `digits` decimals, shortest form
/// (an integer without a point, no trailing zeros), `null` for `nil` and
/// non-finite values; `nil` (nothing written) for `digits` outside 0...4
/// and for values of 10^14 and more after scaling, which the tree's writer
/// must print.
@inline(__always) func formatJSONNumber(_ v: Double?, digits: Int, into out: UnsafeMutablePointer<UInt8>) -> Int? {
  guard let v, v.isFinite else {
    out[0] = UInt8(ascii: "n"); out[1] = UInt8(ascii: "u"); out[2] = UInt8(ascii: "l"); out[3] = UInt8(ascii: "l")
    return 4
  }
  guard digits >= 0, digits <= 4 else { return nil }
  let x = v * ByteWriter.power(digits)
  // `x.rounded()` (half away from zero) in integers: below 10^15 < 2^52
  // the fraction `x - trunc(x)` is exact. Below 10^14 the rounded value
  // has at most 14 significant digits, so its shortest round-trip form
  // (Swift's description) is exactly this decimal; larger values take
  // the general path.
  guard Swift.abs(x) < 1e15 else { return nil }
  let t = Int64(x)
  let f = x - Double(t)
  let k = f >= 0.5 ? t + 1 : f <= -0.5 ? t - 1 : t
  guard k.magnitude < 100_000_000_000_000 else { return nil }
  var n = 0
  if k < 0 { out[0] = UInt8(ascii: "-"); n = 1 }
  let m = k.magnitude
  if digits == 0 { return n + writeDecimalDigits(m, minDigits: 1, into: out + n) }
  let q = decimalScale(digits)
  n += writeDecimalDigits(m / q, minDigits: 1, into: out + n)
  let frac = m % q
  if frac == 0 { return n }
  // The fraction without trailing zeros, after a point: all `digits`
  // digits, then the zeros at the end dropped (no division per zero).
  out[n] = UInt8(ascii: ".")
  n += 1
  n += writeDecimalDigits(frac, minDigits: digits, into: out + n)
  while out[n - 1] == UInt8(ascii: "0") { n -= 1 }
  return n
}

/// Bytes ``formatFixed(_:digits:into:)`` may write.
let fixedTextCapacity = 24

/// Writes `v` as `String(format: "%.<digits>f", v)` prints it (the exact
/// binary value rounded half to even, `-0.0` for small negatives) into
/// `out` (room for ``fixedTextCapacity`` bytes) and returns the byte count;
/// `nil` (nothing written) near a tie, for large or non-finite values and
/// for `digits` outside 0...4, which `String(format:)` itself must print.
@inline(__always) func formatFixed(_ v: Double, digits: Int, into out: UnsafeMutablePointer<UInt8>) -> Int? {
  guard v.isFinite, digits >= 0, digits <= 4 else { return nil }
  let scaled = v * ByteWriter.power(digits)
  let a = abs(scaled)
  // The product is within 1.2e-7 of the exact value below 10^9: unless the
  // fraction is that close to one half, the rounding goes the same way.
  guard a < 1e9 else { return nil }
  let whole = a.rounded(.down)
  let f = a - whole
  guard abs(f - 0.5) > 1e-6 else { return nil }
  let m = UInt64(whole) + (f > 0.5 ? 1 : 0)
  var n = 0
  if v.sign == .minus { out[0] = UInt8(ascii: "-"); n = 1 }
  if digits == 0 { return n + writeDecimalDigits(m, minDigits: 1, into: out + n) }
  let q = decimalScale(digits)
  n += writeDecimalDigits(m / q, minDigits: 1, into: out + n)
  out[n] = UInt8(ascii: ".")
  n += 1
  n += writeDecimalDigits(m % q, minDigits: digits, into: out + n)
  return n
}

/// Writes the digits of `k`, at least `minDigits` of them (zero-padded),
/// into `out`; returns their count.
@inline(__always) func writeDecimalDigits(_ k: UInt64, minDigits: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
  var n = 1, limit: UInt64 = 10
  while n < 20, k >= limit { n &+= 1; limit &*= 10 }
  if n < minDigits { n = minDigits }
  // Two digits per division, from a table of the pairs 00...99.
  let pairs = digitPairs.utf8Start
  var v = k, i = n
  while i >= 2 {
    let r = Int(truncatingIfNeeded: v % 100)
    v /= 100
    i &-= 2
    (out + i).initialize(to: pairs[2 &* r])
    (out + i + 1).initialize(to: pairs[2 &* r &+ 1])
  }
  if i == 1 { out[0] = UInt8(truncatingIfNeeded: v % 10) &+ 48 }
  return n
}

/// The two-digit pairs 00, 01, ... 99, one after another.
@inline(__always) private var digitPairs: StaticString {
  """
  00010203040506070809101112131415161718192021222324252627282930313233343536373839\
  40414243444546474849505152535455565758596061626364656667686970717273747576777879\
  8081828384858687888990919293949596979899
  """
}

/// ``stepColumns`` with their JSON keys quoted and indented once.
struct StepTableEncoding: Sendable {
  let columns: [StepColumn]
  /// `      "name": ` for each column (inside a step object at depth 2),
  /// one after another, each padded with zeros to a multiple
  /// of 16 bytes (for ``ByteWriter/copyPadded(_:count:)``), and where each
  /// starts and how long it is.
  let paddedKeys: [UInt8]
  let keySpans: [(start: Int, count: Int)]
  let csvHeader: [UInt8]
  /// For the ``standardLayout`` columns of a step object: what goes before
  /// each value, `    {\n      "ic_s": ` for the first and
  /// `,\n      "name": ` for the others, padded like ``paddedKeys``
  /// (empty unless ``standardPrefix``).
  let standardChunks: [UInt8]
  let standardChunkSpans: [(start: Int, count: Int)]
  /// Whether `columns` starts with the report's own columns as
  /// ``standardLayout`` lists them (names, kinds, decimals), which
  /// ``writeStandardJSON(_:spans:keys:last:into:)`` and
  /// ``writeStandardCSV(_:into:)`` write straight from the step's fields;
  /// any further columns (the track's) go through the table.
  let standardPrefix: Bool

  /// The columns of ``stepColumns`` as the direct writers write them: name,
  /// kind (`n` number, `t` text, `f` flag) and decimals. A column changed
  /// in ``stepColumns`` no longer matches, and the table writes it.
  static let standardLayout: [(name: String, kind: Character, digits: Int)] = [
    ("ic_s", "n", 4), ("tc_s", "n", 4), ("side", "t", 0), ("running", "f", 0), ("step_time_ms", "n", 1),
    ("ground_contact_ms", "n", 1), ("flight_ms", "n", 1), ("duty_factor", "n", 3), ("vertical_oscillation_cm", "n", 2),
    ("lateral_sway_cm", "n", 2), ("braking_mps", "n", 3), ("impact_g", "n", 2), ("tibial_shock_g", "n", 2),
    ("tibial_shock_rate_gps", "n", 0), ("tibial_shock_clipped", "f", 0),
  ]

  /// The encoding of `columns`; `direct: false` writes every column
  /// through the table (the tests compare both ways).
  init(_ columns: [StepColumn], direct: Bool = true) {
    self.columns = columns
    let layout = Self.standardLayout
    standardPrefix = direct && columns.count >= layout.count && zip(columns, layout).allSatisfy { c, l in
      guard c.name == l.name else { return false }
      switch c.value {
      case .number(_, let digits): return l.kind == "n" && digits == l.digits
      case .text: return l.kind == "t"
      case .flag: return l.kind == "f"
      case .indexed: return false
      }
    }
    let jsonKeys = columns.map { Array(("      " + JSONValue.quote($0.name) + ": ").utf8) }
    var padded: [UInt8] = [], spans: [(start: Int, count: Int)] = []
    for key in jsonKeys {
      spans.append((padded.count, key.count))
      padded += key
      padded += repeatElement(0, count: (16 - key.count % 16) % 16)
    }
    paddedKeys = padded
    keySpans = spans
    var chunks: [UInt8] = [], chunkSpans: [(start: Int, count: Int)] = []
    if standardPrefix {
      for i in layout.indices {
        let chunk = Array((i == 0 ? "    {\n" : ",\n").utf8) + jsonKeys[i]
        chunkSpans.append((chunks.count, chunk.count))
        chunks += chunk
        chunks += repeatElement(0, count: (16 - chunk.count % 16) % 16)
      }
    }
    standardChunks = chunks
    standardChunkSpans = chunkSpans
    csvHeader = Array((columns.map { csvField($0.name) }.joined(separator: ",") + "\n").utf8)
  }

  static let report = StepTableEncoding(stepColumns)

  /// The step table of `r`: ``report``, plus the track's columns when `r`
  /// has a track.
  static func of(_ r: AnalysisResult) -> StepTableEncoding {
    guard let t = r.track else { return .report }
    return StepTableEncoding(stepColumns + trackStepColumns(t))
  }

  /// The `steps` array of the JSON report as ``JSONValue`` writes it at
  /// depth 1: `[]`, or one object per step.
  func writeJSON(_ steps: [Step], into w: inout ByteWriter) throws {
    if steps.isEmpty { try w.write(literal: "[]"); return }
    try w.write(literal: "[\n")
    let last = columns.count - 1
    try columns.withUnsafeBufferPointer { columns in
      try keySpans.withUnsafeBufferPointer { spans in
        try paddedKeys.withUnsafeBytes { keys in
          try standardChunkSpans.withUnsafeBufferPointer { chunkSpans in
          try standardChunks.withUnsafeBytes { chunks in
          let first = standardPrefix ? Self.standardLayout.count : 0
          for (k, s) in steps.enumerated() {
            if standardPrefix {
              // `    {\n` comes with the first chunk.
              try Self.writeStandardJSON(s, spans: chunkSpans, chunks: chunks.baseAddress!, more: last >= first, into: &w)
            } else {
              try w.write(literal: columns.isEmpty ? "    {}" : "    {\n")
            }
            for i in first..<columns.count {
              let span = spans[i]
              try w.reserve(span.count + 16)
              w.copyPadded(keys.baseAddress! + span.start, count: span.count)
              switch columns[i].value {
              case .number(let f, let digits): try w.writeJSONNumber(f(s), digits: digits)
              case .text(let f):
                if let t = f(s) { try w.writeJSONString(t) } else { try w.write(literal: "null") }
              case .flag(let f):
                if let b = f(s) { try w.write(literal: b ? "true" : "false") } else { try w.write(literal: "null") }
              case .indexed(let f, let digits): try w.writeJSONNumber(f(k), digits: digits)
              }
              try w.reserve(2)
              if i < last { w.put(UInt8(ascii: ",")) }
              w.put(UInt8(ascii: "\n"))
            }
            try w.reserve(8)
            if !columns.isEmpty { w.copyBytes("    }") }
            if k + 1 < steps.count { w.put(UInt8(ascii: ",")) }
            w.put(UInt8(ascii: "\n"))
          }
          }
          }
        }
      }
    }
    try w.write(literal: "  ]")
  }

  /// The per-step CSV: a header, then one row per step.
  func writeCSV(_ steps: [Step], into w: inout ByteWriter) throws {
    try w.write(csvHeader)
    let first = standardPrefix ? Self.standardLayout.count : 0
    try columns.withUnsafeBufferPointer { columns in
      for (k, s) in steps.enumerated() {
        if standardPrefix { try Self.writeStandardCSV(s, into: &w) }
        for i in first..<columns.count {
          if i > 0 { try w.write(byte: UInt8(ascii: ",")) }
          switch columns[i].value {
          case .number(let f, let digits): if let v = f(s) { try w.writeFixed(v, digits: digits) }
          case .text(let f): if let t = f(s) { try w.write(t) }
          case .flag(let f): if let b = f(s) { try w.write(byte: b ? UInt8(ascii: "1") : UInt8(ascii: "0")) }
          case .indexed(let f, let digits): if let v = f(k) { try w.writeFixed(v, digits: digits) }
          }
        }
        try w.write(byte: UInt8(ascii: "\n"))
      }
    }
  }
}

extension StepTableEncoding {
  /// Bytes one step's ``standardLayout`` members may take: each chunk
  /// (at most 40 bytes, copied in 16-byte pieces) and value (at most
  /// ``jsonNumberCapacity``), with the line ends.
  static let standardJSONCapacity = 1280

  /// The members of ``standardLayout`` of one step object, from its `{`
  /// and line feed to the last value's `,` (when `more` columns follow) and
  /// line feed, as the table loop writes them: what goes between the
  /// values from the padded `chunks`, the values straight from the step's
  /// fields with constant decimals, all into space reserved once.
  @inline(__always)
  static func writeStandardJSON(_ s: Step, spans: UnsafeBufferPointer<(start: Int, count: Int)>, chunks: UnsafeRawPointer,
                                more: Bool, into w: inout ByteWriter) throws {
    try w.reserve(standardJSONCapacity)
    @inline(__always) func chunk(_ i: Int, _ w: inout ByteWriter) {
      let span = spans[i]
      w.copyPadded(chunks + span.start, count: span.count)
    }
    @inline(__always) func number(_ i: Int, _ v: Double?, _ digits: Int, _ w: inout ByteWriter) throws {
      chunk(i, &w)
      if let n = formatJSONNumber(v, digits: digits, into: w.cursor) {
        w.advance(n)
      } else {
        try w.writeJSONNumber(v, digits: digits)
        try w.reserve(standardJSONCapacity)
      }
    }
    @inline(__always) func flag(_ i: Int, _ b: Bool?, _ w: inout ByteWriter) {
      chunk(i, &w)
      switch b {
      case true?: w.copyBytes("true")
      case false?: w.copyBytes("false")
      case nil: w.copyBytes("null")
      }
    }
    try number(0, s.icS, 4, &w)
    try number(1, s.tcS, 4, &w)
    chunk(2, &w)
    switch s.side {
    case .left?: w.copyBytes("\"left\"")
    case .right?: w.copyBytes("\"right\"")
    case nil: w.copyBytes("null")
    }
    flag(3, s.running, &w)
    try number(4, s.stepTimeMs, 1, &w)
    try number(5, s.groundContactMs, 1, &w)
    try number(6, s.flightMs, 1, &w)
    try number(7, s.dutyFactor, 3, &w)
    try number(8, s.verticalOscillationCm, 2, &w)
    try number(9, s.lateralSwayCm, 2, &w)
    try number(10, s.brakingMps, 3, &w)
    try number(11, s.impactG, 2, &w)
    try number(12, s.tibialShockG, 2, &w)
    try number(13, s.tibialShockRateGps, 0, &w)
    flag(14, s.tibialShockClipped, &w)
    if more { w.put(UInt8(ascii: ",")) }
    w.put(UInt8(ascii: "\n"))
  }

  /// The cells of ``standardLayout`` of one CSV row, comma-separated, as
  /// the table loop writes them (no comma before the first).
  @inline(__always)
  static func writeStandardCSV(_ s: Step, into w: inout ByteWriter) throws {
    @inline(__always) func number(_ v: Double?, _ digits: Int, _ w: inout ByteWriter) throws {
      try w.reserve(fixedTextCapacity + 1)
      if let v {
        if let n = formatFixed(v, digits: digits, into: w.cursor) {
          w.advance(n)
        } else {
          try w.writeFixed(v, digits: digits)
          try w.reserve(1)
        }
      }
      w.put(UInt8(ascii: ","))
    }
    @inline(__always) func flag(_ b: Bool?, comma: Bool, _ w: inout ByteWriter) throws {
      try w.reserve(2)
      if let b { w.put(b ? UInt8(ascii: "1") : UInt8(ascii: "0")) }
      if comma { w.put(UInt8(ascii: ",")) }
    }
    try number(s.icS, 4, &w)
    try number(s.tcS, 4, &w)
    try w.reserve(8)
    switch s.side {
    case .left?: w.copyBytes("left,")
    case .right?: w.copyBytes("right,")
    case nil: w.put(UInt8(ascii: ","))
    }
    try flag(s.running, comma: true, &w)
    try number(s.stepTimeMs, 1, &w)
    try number(s.groundContactMs, 1, &w)
    try number(s.flightMs, 1, &w)
    try number(s.dutyFactor, 3, &w)
    try number(s.verticalOscillationCm, 2, &w)
    try number(s.lateralSwayCm, 2, &w)
    try number(s.brakingMps, 3, &w)
    try number(s.impactG, 2, &w)
    try number(s.tibialShockG, 2, &w)
    try number(s.tibialShockRateGps, 0, &w)
    try flag(s.tibialShockClipped, comma: false, &w)
  }
}

/// Writes the JSON report of `r` (with a final newline) into `sink` through
/// a fixed buffer: the report's head and tail from the ``JSONValue`` tree
/// (a few kilobytes), the steps straight from the step table. `inserting`
/// adds members at position `at` (the cohort block). The bytes are those of
/// `reportJSON(r).serialized() + "\n"`.
public func writeReport(_ r: AnalysisResult, inserting extra: [(String, JSONValue)] = [], at position: Int = 2,
                        to sink: ByteSink) throws {
  try withoutActuallyEscaping(sink) { sink in
    var w = ByteWriter(sink: sink)
    guard case .object(var pairs) = reportJSON(r, includeSteps: false) else { return }
    pairs.insert(contentsOf: extra, at: min(position, pairs.count))
    var text = JSONValue.object(pairs).serializedBytes()
    text.append(UInt8(ascii: "\n"))
    let token = Array(JSONValue.quote(stepsPlaceholder).utf8)
    try text.withUnsafeBytes { bytes in
      guard let at = firstIndex(of: token, in: bytes) else { try w.write(bytes); return }
      try w.write(UnsafeRawBufferPointer(rebasing: bytes[..<at]))
      try StepTableEncoding.of(r).writeJSON(r.steps, into: &w)
      try w.write(UnsafeRawBufferPointer(rebasing: bytes[(at + token.count)...]))
    }
    try w.flush()
  }
}

/// Writes the per-step CSV of `steps` into `sink` through a fixed buffer.
public func writeStepsCSV(_ steps: [Step], to sink: ByteSink) throws {
  try withoutActuallyEscaping(sink) { sink in
    var w = ByteWriter(sink: sink)
    try StepTableEncoding.report.writeCSV(steps, into: &w)
    try w.flush()
  }
}

/// Writes the per-step CSV of `r` (with the track's columns when it has a
/// track) into `sink` through a fixed buffer.
public func writeStepsCSV(_ r: AnalysisResult, to sink: ByteSink) throws {
  try withoutActuallyEscaping(sink) { sink in
    var w = ByteWriter(sink: sink)
    try StepTableEncoding.of(r).writeCSV(r.steps, into: &w)
    try w.flush()
  }
}

/// The per-step table of `r` as a string (with the track's columns when
/// `r` has a track).
public func stepsCSV(_ r: AnalysisResult) -> String {
  collectText { try writeStepsCSV(r, to: $0) }
}

/// Collects what a writer sends to a sink into one string.
func collectText(_ write: (ByteSink) throws -> Void) -> String {
  var bytes: [UInt8] = []
  try? write { bytes.append(contentsOf: $0) }
  return String(decoding: bytes, as: UTF8.self)
}

/// Where `token` first occurs in `bytes`.
func firstIndex(of token: [UInt8], in bytes: UnsafeRawBufferPointer) -> Int? {
  guard let first = token.first, token.count <= bytes.count else { return nil }
  var i = 0
  while i + token.count <= bytes.count {
    if bytes[i] == first, token.indices.allSatisfy({ bytes[i + $0] == token[$0] }) { return i }
    i += 1
  }
  return nil
}
