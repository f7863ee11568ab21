//===--- CSVReader.swift --------------------------------------------------===//
// Streaming reader for delimited text exports of accelerometers.
//===----------------------------------------------------------------------===//
import GaitCore
import Foundation
import SystemPackage

/// How to read a text recording. Everything left `nil` is detected.
public struct CSVOptions: Sendable {
  /// Sample rate in Hz. When set, timestamps are not used for timing.
  public var rateHz: Double?
  /// Acceleration unit; `nil` = from the header, else from gravity.
  public var units: AccelerationUnit?
  /// Gyroscope unit; `nil` = from the header, else from magnitude.
  public var gyroUnits: GyroUnit?
  /// Explicit mapping: canonical channel → header name or 1-based column number.
  public var columns: [Channel: String]
  /// Samples per emitted block.
  public var blockSize: Int
  /// Rows read before the format is decided (delimiter, units, rate).
  public var sniffRows: Int
  /// Whether rows of the common layouts may take the fast path (tests turn
  /// it off to compare it with the general one).
  var fastPath = true

  /// Options for reading a CSV; every `nil` or empty one is inferred from the file (see each
  /// property).
  public init(rateHz: Double? = nil, units: AccelerationUnit? = nil, gyroUnits: GyroUnit? = nil,
              columns: [Channel: String] = [:], blockSize: Int = 4096, sniffRows: Int = 2000) {
    self.rateHz = rateHz
    self.units = units
    self.gyroUnits = gyroUnits
    self.columns = columns
    self.blockSize = blockSize
    self.sniffRows = sniffRows
  }

  /// Parses a `--columns` value: `time=ts,ax=AccX,ay=AccY,az=AccZ` (names or
  /// 1-based numbers; `v`, `ap`, `ml` for body-frame files).
  public static func parseColumns(_ text: String) throws -> [Channel: String] {
    var result: [Channel: String] = [:]
    for part in text.split(separator: ",") {
      let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard kv.count == 2, let channel = Channel(rawValue: kv[0].lowercased()), !kv[1].isEmpty else {
        throw IngestError(.invalidArgument,
          "--columns takes CHANNEL=COLUMN pairs separated by commas, e.g. time=ts,ax=AccX,ay=AccY,az=AccZ; "
          + "channels are \(Channel.allCases.map(\.rawValue).joined(separator: ", ")); '\(part)' is not one")
      }
      result[channel] = kv[1]
    }
    return result
  }
}

/// Reads a delimited text recording block by block.
///
/// Accepts comma, semicolon, tab or space delimiters (decimal commas with `;`
/// or tab), preamble lines before the header, a UTF-8 byte-order mark, CRLF
/// line ends, header names with unit suffixes, timestamps in s, ms, µs, ns,
/// Unix epoch or ISO-8601, and two-axis body-frame files. The first
/// ``CSVOptions/sniffRows`` rows decide delimiter, columns, units and rate;
/// after that the file is read in 256 KiB chunks, so memory does not grow
/// with the file.
///
/// Irregular timestamps are put on a uniform grid by linear interpolation;
/// holes longer than ``gapFactor`` sample periods are recorded as gaps (`Gap`)
/// and not filled.
public final class CSVReader: SampleSource {
  /// A hole longer than this many sample periods is a gap.
  public static let gapFactor = 4.0
  /// The longest a recording may span, in seconds (400 days): a row whose
  /// time lies further from the first row's is corrupt, not a gap.
  public static let maxRecordingS = 400.0 * 86_400

  /// The recording's description: rate (measured or given), axes, gyroscope, placement from the file.
  public private(set) var info: RecordingInfo
  /// What reading found so far: layout, units, rates, gaps, clipping, warnings.
  public private(set) var report: IngestReport
  /// The file being read.
  public let path: String

  private let options: CSVOptions
  private var lines: LineReader
  private var delimiter: UInt8 = 0x2C
  private var whitespaceDelimited = false
  private var decimalComma = false
  private var slotOfColumn: [Int] = []  // column index → slot (0 time, 1-3 acc, 4-6 gyro), -1 unused
  private var maxColumn = 0
  private var neededColumns = 0
  private var headerNames: [String] = []
  private var timeIsISO = false
  private var useTimestamps = false
  private var timeScale = 1.0  // raw → seconds
  private var firstRawTime: Double?
  private var lastRawTime = 0.0
  private var accScale: Float = 1
  private var gyroScale: Float = 1
  private var hasGyro = false
  private var bodyFrameTwoAxis = false
  /// The sniffed data rows, while the layout is decided (then read again
  /// from the line reader).
  private var pendingLines: [(number: Int, bytes: [UInt8])] = []
  private var resampler: Resampler
  private var clip = ClipCounter()
  private var finished = false
  /// A sample or packet counter used as the time base: its modulus (65536
  /// for a 16-bit counter, 0 when it does not wrap) and what wrapping added.
  private var counterModulus = 0.0
  private var counterOffset = 0.0
  private var jitterMax = 0.0
  private var intervals = 0
  private var intervalSeconds = 0.0
  /// Rows are time + 3 or time + 6 plain numbers in that column order, with
  /// a single-byte delimiter and LF line ends: ``readSimpleRows(_:)`` reads
  /// them; any row it does not recognise goes through the general path.
  private var simpleLayout = false
  /// The simple layout has unused columns after the used ones (the general
  /// path does not read them either).
  private var simpleTrailingColumns = false
  /// Rows the fast path read (tests check that it ran).
  private(set) var fastRows = 0
  /// The fast path's batch of parsed rows, made on its first use.
  private var rowBatch: SimpleRowBatch?

  /// Opens `path` and decides its layout from the first rows.
  public convenience init(path: String, options: CSVOptions = CSVOptions()) throws {
    try self.init(path: path, descriptor: nil, options: options)
  }

  /// Reads `path` through `descriptor`, already open on it (and now the
  /// reader's to close, also when this throws), or opens it when `nil`.
  init(path: String, descriptor: FileDescriptor?, options: CSVOptions) throws {
    self.path = path
    self.options = options
    lines = try LineReader(path: path, descriptor: descriptor)
    report = IngestReport(format: "csv")
    info = RecordingInfo(sampleRateHz: 1)
    resampler = Resampler(blockSize: options.blockSize)
    do {
      try sniff()
    } catch let error as IngestError {
      lines.close()
      throw error.at(path: path)
    }
  }

  // The file descriptor is closed with the reader (found by the csv fuzz
  // target: it leaked one per file, so a batch of more files than the
  // descriptor limit, 1024 on many systems, failed with "cannot open").
  deinit { lines.close() }

  // MARK: - Layout detection

  private func sniff() throws {
    var sniffed: [(number: Int, bytes: [UInt8])] = []
    // Where each sniffed line starts in the line reader's buffer, which
    // keeps them: the rows are read from there again after the sniff (the
    // file is read once; issue #16), not from copies on a slower path.
    var sniffedOffsets: [Int] = []
    lines.keepFromHere()
    while sniffed.count < options.sniffRows + 60, let line = try lines.nextLine() {
      if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
      sniffed.append(line)
      sniffedOffsets.append(lines.lastLineKeptOffset)
    }
    guard !sniffed.isEmpty else {
      throw IngestError(.emptyFile, "the file is empty (no rows); export the recording again")
    }
    if !lines.sawUTF16, let first = sniffed.first(where: { $0.bytes.contains(0) }) {
      // UTF-16 text of Latin letters and digits has a zero in every other
      // byte; zeros anywhere else mean binary data.
      let head = first.bytes.prefix(400)
      let zerosEven = head.indices.filter { head[$0] == 0 && ($0 - head.startIndex) % 2 == 0 }.count
      let zerosOdd = head.indices.filter { head[$0] == 0 && ($0 - head.startIndex) % 2 == 1 }.count
      if max(zerosEven, zerosOdd) < head.count * 4 / 10 || min(zerosEven, zerosOdd) > max(zerosEven, zerosOdd) / 10 {
        throw IngestError(.unsupportedEncoding,
          "binary data, not text; if this is a device file, give it its extension (.cwa, .gt3x, .glb) so gaitline reads it as one",
          line: first.number)
      }
    }
    if lines.sawUTF16 || sniffed.contains(where: { $0.bytes.contains(0) }) {
      throw IngestError(.unsupportedEncoding,
        "the file is UTF-16 encoded; convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8 IN > OUT)", line: 1)
    }
    // Delimiter: the candidate whose most common non-zero count per line
    // holds on the most of the last rows (a damaged row does not decide).
    let tail = sniffed.suffix(50)
    var best: (UInt8, Int)?
    var bestScore = 0
    for candidate: UInt8 in [0x3B, 0x09, 0x2C] {  // ';' and tab before ',' (decimal commas)
      var histogram: [Int: Int] = [:]
      for line in tail {
        let c = line.bytes.reduce(0) { $0 + ($1 == candidate ? 1 : 0) }
        if c > 0 { histogram[c, default: 0] += 1 }
      }
      guard let mode = histogram.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }) else { continue }
      if mode.value > bestScore {
        best = (candidate, mode.key)
        bestScore = mode.value
      }
    }
    if let best {
      delimiter = best.0
    } else {
      whitespaceDelimited = true
      delimiter = 0x20
    }
    // Decimal comma: semicolon or tab files whose fields hold commas.
    if delimiter != 0x2C, let last = tail.last, last.bytes.contains(0x2C) { decimalComma = true }

    let fieldsOf: ([UInt8]) -> [String] = { [self] bytes in splitFields(bytes).map { r in
      String(decoding: bytes[r], as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: " \"\r\t"))
    } }
    func isDataLine(_ bytes: [UInt8]) -> Bool {
      let ranges = splitFields(bytes)
      guard ranges.count >= 2 else { return false }
      return bytes.withUnsafeBufferPointer { buf in
        ranges.allSatisfy { r in
          switch parseNumber(buf, r.lowerBound, r.upperBound, decimalComma: decimalComma) {
          case .value, .empty, .nonFinite: return true
          case .notANumber: return parseISO8601(buf, r.lowerBound, r.upperBound) != nil
          }
        }
      }
    }
    // The header is the line just before the first run of data rows.
    var firstData: Int?
    for i in sniffed.indices where isDataLine(sniffed[i].bytes) {
      let ahead = sniffed[i..<min(sniffed.count, i + 3)]
      if ahead.allSatisfy({ isDataLine($0.bytes) }) { firstData = i; break }
    }
    guard var firstData else {
      // A short file whose numeric rows are broken by a damaged one: name
      // that row, not the header.
      if let d = sniffed.firstIndex(where: { isDataLine($0.bytes) }),
         let bad = sniffed[(d + 1)...].first(where: { !isDataLine($0.bytes) }) {
        let text = String(decoding: bad.bytes.prefix(80), as: UTF8.self)
        throw IngestError(.malformedRecord,
          "line \(bad.number) reads '\(text)', which is not a row of numbers like line \(sniffed[d].number); fix or remove the row",
          line: bad.number)
      }
      let sample = String(decoding: sniffed[min(sniffed.count - 1, 1)].bytes.prefix(80), as: UTF8.self)
      throw IngestError(.malformedRecord,
        "no numeric data rows found in the first \(sniffed.count) lines (line \(sniffed[min(sniffed.count - 1, 1)].number) "
        + "reads '\(sample)'); is this an accelerometer CSV export?", line: sniffed[min(sniffed.count - 1, 1)].number)
    }
    let fieldCount = splitFields(sniffed[firstData].bytes).count
    // Rows before that run with the same field count are data, not a
    // preamble, even when a damaged line broke the run: start at the
    // earliest of them, so the damaged line is reported (by number) rather
    // than the rows and header above it silently skipped.
    func isRow(_ k: Int) -> Bool { isDataLine(sniffed[k].bytes) && splitFields(sniffed[k].bytes).count == fieldCount }
    var k = firstData - 1
    while k >= 0 {
      if isRow(k) { firstData = k; k -= 1; continue }
      if k >= 1, isRow(k - 1) { k -= 1; continue }
      break
    }
    var headerLine: (number: Int, bytes: [UInt8])?
    if firstData > 0, splitFields(sniffed[firstData - 1].bytes).count == fieldCount {
      headerLine = sniffed[firstData - 1]
    }
    headerNames = headerLine.map { fieldsOf($0.bytes) } ?? (1...fieldCount).map { "column\($0)" }
    pendingLines = Array(sniffed[firstData...])
    let actiLife = try ActiLifePreamble(sniffed[..<(headerLine == nil ? firstData : firstData - 1)])  // ActiLifeCSV.swift

    // Column mapping.
    var mapping: [Channel: Int] = [:]
    if !options.columns.isEmpty {
      for (ch, key) in options.columns {
        if let idx = headerNames.firstIndex(where: { $0.lowercased() == key.lowercased() }) {
          mapping[ch] = idx
        } else if let n = Int(key), n >= 1, n <= fieldCount {
          mapping[ch] = n - 1
        } else {
          throw IngestError(.invalidArgument,
            "--columns names '\(key)' for \(ch.rawValue), but the header has no such column; columns are: "
            + headerNames.joined(separator: ", "), line: headerLine?.number)
        }
      }
    } else if headerLine != nil {
      for (idx, name) in headerNames.enumerated() {
        guard let ch = channel(forHeader: name) else { continue }
        if mapping[ch] == nil {
          mapping[ch] = idx
        } else {
          report.warnings.append("column '\(name)' also looks like \(ch.rawValue); using '\(headerNames[mapping[ch]!])'. Pass --columns to choose.")
        }
      }
    } else {
      switch fieldCount {
      case 3: mapping = [.ax: 0, .ay: 1, .az: 2]
      case 4: mapping = [.time: 0, .ax: 1, .ay: 2, .az: 3]
      case 7: mapping = [.time: 0, .ax: 1, .ay: 2, .az: 3, .gx: 4, .gy: 5, .gz: 6]
      default:
        throw IngestError(.noHeader,
          "the file has no header and \(fieldCount) columns; name them with --columns time=1,ax=2,ay=3,az=4",
          line: sniffed[firstData].number)
      }
      report.warnings.append("no header line: read the \(fieldCount) columns as \(mapping.sorted { $0.value < $1.value }.map(\.key.rawValue).joined(separator: ",")); pass --columns if that is wrong")
    }
    let hasSensorAxes = mapping[.ax] != nil && mapping[.ay] != nil && mapping[.az] != nil
    let hasBody = mapping[.v] != nil && mapping[.ap] != nil
    guard hasSensorAxes || hasBody else {
      throw IngestError(.noAccelerationColumns,
        "no acceleration columns found; the header has: \(headerNames.joined(separator: ", ")). "
        + "gaitline needs three axes (e.g. ax,ay,az or acc_x,acc_y,acc_z) or body-frame acc_v and acc_ap; "
        + "name them with --columns ax=COL,ay=COL,az=COL", line: headerLine?.number)
    }
    let accChannels: [Channel] = hasSensorAxes ? [.ax, .ay, .az] : [.v, .ap, .ml]
    // No time column: a sample/packet counter (Xsens `PacketCounter`) can be
    // the time base when the rate is known.
    let counterColumn = mapping[.time] == nil ? headerNames.firstIndex(where: isSampleCounter) : nil
    bodyFrameTwoAxis = !hasSensorAxes && mapping[.ml] == nil
    hasGyro = hasSensorAxes && mapping[.gx] != nil && mapping[.gy] != nil && mapping[.gz] != nil
    slotOfColumn = Array(repeating: -1, count: fieldCount)
    if let t = mapping[.time] ?? counterColumn { slotOfColumn[t] = 0 }
    for (k, ch) in accChannels.enumerated() { if let c = mapping[ch] { slotOfColumn[c] = 1 + k } }
    if hasGyro { for (k, ch) in [Channel.gx, .gy, .gz].enumerated() { slotOfColumn[mapping[ch]!] = 4 + k } }
    maxColumn = slotOfColumn.lastIndex(where: { $0 >= 0 }) ?? 0
    neededColumns = slotOfColumn.filter { $0 >= 0 }.count
    for (ch, idx) in mapping where ch == .time || accChannels.contains(ch) || (hasGyro && ch.isGyroscope) {
      report.columns[ch.rawValue] = headerNames[idx]
    }
    if let c = counterColumn { report.columns["counter"] = headerNames[c] }

    // Parse the sniffed rows once to decide units and time base.
    // A row is time, 3 acc, 3 gyro (NaN where absent) in one value, its
    // fields visited in place: no array per row (two allocations a row for
    // the 2000 sniffed rows before; issue #16).
    var rawRows: [SIMD8<Double>] = []
    rawRows.reserveCapacity(min(pendingLines.count, options.sniffRows))
    var isoSeen = false
    let slots = slotOfColumn
    for line in pendingLines.prefix(options.sniffRows) {
      var row = SIMD8<Double>(repeating: .nan)
      line.bytes.withUnsafeBufferPointer { buf in
        forEachField(buf) { c, start, end in
          guard c < slots.count, slots[c] >= 0 else { return }
          let slot = slots[c]
          if case .value(let v) = parseNumber(buf, start, end, decimalComma: decimalComma) {
            row[slot] = v
          } else if slot == 0, let v = parseISO8601(buf, start, end) {
            row[slot] = v
            isoSeen = true
          }
        }
      }
      rawRows.append(row)
    }
    timeIsISO = isoSeen

    // Acceleration units.
    let accHeaderUnits = accChannels.compactMap { mapping[$0] }.compactMap { HeaderName(headerNames[$0]).unit }
    var meanMagnitude = 0.0
    var counted = 0
    for row in rawRows where row[1].isFinite && row[2].isFinite {
      let z = bodyFrameTwoAxis ? 0 : (row[3].isFinite ? row[3] : 0)
      meanMagnitude += (row[1] * row[1] + row[2] * row[2] + z * z).squareRoot()
      counted += 1
    }
    meanMagnitude /= Double(max(counted, 1))
    let detected = AccelerationUnit.inferred(meanMagnitude: meanMagnitude)
    let headerUnit: AccelerationUnit? = accHeaderUnits.first.flatMap {
      switch $0 {
      case .g: return .g
      case .milliG: return .milliG
      case .metresPerSecondSquared: return .metresPerSecondSquared
      default: return nil
      }
    } ?? actiLife?.unit
    let unit: AccelerationUnit
    if let u = options.units {
      unit = u
      report.unitsSource = "option"
      // The option is followed, but a unit that gravity contradicts gives
      // every metric a wrong scale (10x or 1000x): say so.
      if let d = detected, d != u {
        report.warnings.append("--units says \(u.rawValue) but the mean |a| of \(String(format: "%.3g", meanMagnitude)) looks like \(d.rawValue); check --units (or leave it out: auto)")
      }
    } else if let u = headerUnit {
      unit = u
      report.unitsSource = "header"
      if let d = detected, d != u {
        report.warnings.append("the header says \(u.rawValue) but the mean |a| of \(String(format: "%.3g", meanMagnitude)) looks like \(d.rawValue); pass --units to override")
      }
    } else if let d = detected {
      unit = d
      report.unitsSource = "gravity"
    } else {
      throw IngestError(.ambiguousUnits,
        "cannot tell the acceleration unit: the mean |a| over the first \(counted) rows is "
        + "\(String(format: "%.4g", meanMagnitude)), not near 1 (g), 9.8 (m/s²) or 1000 (milli-g). "
        + "Gaitline needs acceleration including gravity; pass --units g|m/s2|mg if the data are right",
        line: pendingLines.first?.number)
    }
    accScale = unit.toMetresPerSecondSquared
    report.unitsDetected = unit.rawValue

    // Gyroscope units.
    if hasGyro {
      let headerGyro = [Channel.gx, .gy, .gz].compactMap { mapping[$0] }.compactMap { HeaderName(headerNames[$0]).unit }.first
      var peak = 0.0
      for row in rawRows { for k in 4...6 where row[k].isFinite { peak = max(peak, abs(row[k])) } }
      let g: GyroUnit
      if let u = options.gyroUnits {
        g = u
      } else if headerGyro == .degreesPerSecond {
        g = .degreesPerSecond
      } else if headerGyro == .radiansPerSecond {
        g = .radiansPerSecond
      } else {
        g = peak > 40 ? .degreesPerSecond : .radiansPerSecond
        report.warnings.append("gyroscope unit taken as \(g.rawValue) from its magnitude (peak \(String(format: "%.3g", peak)) in the first rows); pass --gyro-units if wrong")
      }
      gyroScale = g == .degreesPerSecond ? Float.pi / 180 : 1
      report.gyroUnits = g.rawValue
    }

    // Time base.
    let timeColumn = mapping[.time]
    let stated = statedRate(in: sniffed[..<(headerLine.map { _ in firstData - 1 } ?? firstData)]) ?? actiLife?.stated
    var rate: Double
    if let r = options.rateHz ?? (counterColumn != nil ? stated?.hz : nil) {
      guard r.isFinite, r > 0 else {
        throw IngestError(.invalidArgument, "--rate must be a positive number of Hz, got \(r)")
      }
      rate = r
      report.rateSource = options.rateHz != nil ? "--rate" : stated.map { "preamble line \($0.line): \($0.text)" }
      useTimestamps = false
      report.timestampUnit = "none"
      if timeColumn != nil { report.warnings.append("--rate given: the time column is not used for timing") }
      if let c = counterColumn {
        try useCounter(rawRows.map { $0[0] }, column: c, rate: r)
      }
    } else if timeColumn == nil, let stated {
      rate = stated.hz
      useTimestamps = false
      report.timestampUnit = "none"
      report.rateSource = "preamble line \(stated.line): \(stated.text)"
    } else if let timeColumn {
      let times = rawRows.map { $0[0] }
      if let bad = times.firstIndex(where: { !$0.isFinite }) {
        throw IngestError(.badTimestamps,
          "the time column '\(headerNames[timeColumn])' is not a number or ISO-8601 date here; pass --rate HZ to ignore it",
          line: pendingLines[bad].number, column: headerNames[timeColumn])
      }
      let deltas = zip(times.dropFirst(), times).map { $0 - $1 }
      let positive = deltas.filter { $0 > 0 }
      guard positive.count >= 2, let medianRaw = Statistics.median(positive) else {
        throw IngestError(.badTimestamps,
          "the time column '\(headerNames[timeColumn])' does not increase over the first rows; pass --rate HZ to ignore it",
          line: pendingLines.first?.number, column: headerNames[timeColumn])
      }
      let headerTimeUnit = HeaderName(headerNames[timeColumn]).unit
      if timeIsISO {
        timeScale = 1
        report.timestampUnit = "iso8601"
      } else {
        switch headerTimeUnit {
        case .seconds?: timeScale = 1
        case .milliseconds?: timeScale = 1e-3
        case .microseconds?: timeScale = 1e-6
        case .nanoseconds?: timeScale = 1e-9
        default:
          switch medianRaw {
          case 1e-4..<0.15: timeScale = 1
          case 0.15..<150: timeScale = 1e-3
          case 150..<150_000: timeScale = 1e-6
          case 150_000..<1.5e8: timeScale = 1e-9
          default:
            throw IngestError(.badTimestamps,
              "cannot tell the unit of time column '\(headerNames[timeColumn])' (median step \(medianRaw)); "
              + "name it time_s/time_ms/time_us or pass --rate HZ", line: pendingLines.first?.number)
          }
        }
        let first = times[0] * timeScale
        let unitName = [1: "s", 1e-3: "ms", 1e-6: "us", 1e-9: "ns"][timeScale] ?? "s"
        if first > 1e8 {
          report.timestampUnit = "unix-" + unitName
          info.startTimeUnixS = first
        } else {
          report.timestampUnit = unitName
        }
      }
      if timeIsISO { info.startTimeUnixS = times[0] }
      // Rate from the intervals that are not gaps.
      let medianS = medianRaw * timeScale
      var sum = 0.0
      var n = 0
      for d in deltas where d > 0 && d * timeScale < 1.5 * medianS {
        sum += d * timeScale
        n += 1
      }
      rate = Double(n) / sum
      if let nominal = nominalRate(near: rate), abs(nominal - rate) / rate < 0.001 { rate = nominal }
      useTimestamps = true
      report.rateSource = "timestamps"
      if let stated, abs(stated.hz - rate) / rate > 0.02 {
        report.warnings.append(String(format: "the timestamps give %.4g Hz but preamble line %d says %@; timing follows the timestamps (pass --rate to override)", rate, stated.line, stated.text))
      }
    } else if let c = counterColumn {
      throw IngestError(.badTimestamps,
        "no time column, and the sample counter '\(headerNames[c])' needs the rate, which no preamble line states "
        + "(like 'Update Rate: 100 Hz'); pass --rate HZ", line: headerLine?.number)
    } else {
      throw IngestError(.badTimestamps,
        "no time column (the header has: \(headerNames.joined(separator: ", "))); pass --rate HZ, "
        + "or name the column with --columns time=COL", line: headerLine?.number)
    }
    guard rate.isFinite, rate > 0, rate < 100_000 else {
      if options.rateHz != nil {
        throw IngestError(.invalidArgument, "--rate \(rate) is not a usable sample rate; give the rate in Hz, above 0 and below 100000")
      }
      throw IngestError(.badTimestamps, "the timestamps give an impossible sample rate of \(rate) Hz; pass --rate HZ")
    }
    info.sampleRateHz = rate
    actiLife?.apply(to: &report, info: &info, usesTimestamps: useTimestamps, unitsFromOption: options.units != nil)
    info.frame = hasSensorAxes ? .sensor : .body
    info.hasMediolateral = !bodyFrameTwoAxis
    info.hasGyroscope = hasGyro
    report.sampleRateHz = rate
    report.nominalRateHz = nominalRate(near: rate)
    resampler.rateHz = rate
    resampler.hasGyro = hasGyro
    simpleLayout = options.fastPath && !whitespaceDelimited && !decimalComma && !timeIsISO && counterModulus == 0
      && !bodyFrameTwoAxis && lines.endsLinesWithLF
      && (slotOfColumn.starts(with: [0, 1, 2, 3]) && slotOfColumn.dropFirst(4).allSatisfy { $0 < 0 }
          || hasGyro && slotOfColumn.starts(with: [0, 1, 2, 3, 4, 5, 6]) && slotOfColumn.dropFirst(7).allSatisfy { $0 < 0 })
    simpleTrailingColumns = slotOfColumn.count > (hasGyro ? 7 : 4)
    if bodyFrameTwoAxis {
      report.warnings.append(IngestReport.twoAxisBodyFrameWarning)
    }
    // Reading starts again at the first data row, still in the buffer.
    lines.rewind(toKeptOffset: sniffedOffsets[firstData], lineNumber: sniffed[firstData].number)
    pendingLines = []
  }

  /// The rate a preamble line states (`Acquisition frequency: 100 Hz`,
  /// `// Update Rate: 100.0Hz`, `# sample rate = 512 Hz`), if any.
  private func statedRate(in preamble: ArraySlice<(number: Int, bytes: [UInt8])>) -> (hz: Double, line: Int, text: String)? {
    // Most files have no preamble: no pattern to build (3 M instructions).
    guard !preamble.isEmpty, let pattern = try? Regex(
      #"(?i)(acquisition|sampl(e|ing)|update|output( data)?|recording|measurement)[ _-]*(rate|frequency|freq)[^0-9]{0,20}?([0-9]+(\.[0-9]+)?) ?hz"#)
    else { return nil }
    for line in preamble {
      let text = String(decoding: line.bytes.prefix(200), as: UTF8.self)
      if let m = text.firstMatch(of: pattern), let number = m.output[5].substring, let hz = Double(number), hz > 0, hz < 100_000 {
        let shown = text.trimmingCharacters(in: CharacterSet(charactersIn: "/#;% \t\r\""))
        return (hz, line.number, shown)
      }
    }
    return nil
  }

  /// Takes column `column`, a sample or packet counter, as the time base at
  /// `rate`: one count is one sample period, a missed count is a gap, and a
  /// 16-bit counter wraps from 65535 to 0.
  private func useCounter(_ counts: [Double], column: Int, rate: Double) throws {
    if counts.contains(where: { !$0.isFinite || $0 < 0 || $0 != $0.rounded() }) {
      throw IngestError(.badTimestamps,
        "the sample counter '\(headerNames[column])' holds values that are not whole non-negative numbers; "
        + "name the columns with --columns", line: pendingLines.first?.number, column: headerNames[column])
    }
    let peak = counts.max() ?? 0
    counterModulus = peak < 65_536 ? 65_536 : peak < 4_294_967_296 ? 4_294_967_296 : 0
    timeScale = 1 / rate
    useTimestamps = true
    report.timestampUnit = "counter"
  }

  /// A counter value made monotonic across wrap-arounds.
  @inline(__always)
  private func unwrapCounter(_ value: Double) -> Double {
    var raw = value + counterOffset
    if firstRawTime != nil, raw < lastRawTime - counterModulus / 2 {
      counterOffset += counterModulus
      raw += counterModulus
    }
    return raw
  }

  // MARK: - Rows

  /// Field ranges of one line (``forEachField(_:_:)``'s, collected).
  private func splitFields(_ bytes: [UInt8]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    bytes.withUnsafeBufferPointer { buf in forEachField(buf) { _, start, end in ranges.append(start..<end) } }
    return ranges
  }

  /// The fields of one line: `body(column, start, end)` for each in order
  /// (trailing CRs dropped; delimited by ``delimiter``, or by runs of spaces
  /// and tabs).
  @inline(__always)
  private func forEachField(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int, Int) -> Void) {
    var end = bytes.count
    while end > 0, bytes[end - 1] == 0x0D { end -= 1 }
    var column = 0
    if whitespaceDelimited {
      var i = 0
      while i < end {
        while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        if i >= end { break }
        let s = i
        while i < end, bytes[i] != 0x20, bytes[i] != 0x09 { i += 1 }
        body(column, s, i)
        column += 1
      }
      return
    }
    let delimiter = self.delimiter
    var start = 0
    for i in 0..<end where bytes[i] == delimiter {
      body(column, start, i)
      column += 1
      start = i + 1
    }
    body(column, start, end)
  }

  /// Parses one data row into `values` (time, 3 acc, 3 gyro) or throws.
  @inline(__always)
  private func parseRow(_ buf: UnsafeBufferPointer<UInt8>, lineNumber: Int, values: inout SIMD8<Double>) throws {
    var column = 0
    var start = 0
    var i = 0
    let end = buf.count
    var filled = 0
    let needed = neededColumns
    while column <= maxColumn {
      var fieldEnd: Int
      if whitespaceDelimited {
        while start < end, buf[start] == 0x20 || buf[start] == 0x09 { start += 1 }
        fieldEnd = start
        while fieldEnd < end, buf[fieldEnd] != 0x20, buf[fieldEnd] != 0x09 { fieldEnd += 1 }
      } else {
        i = start
        while i < end, buf[i] != delimiter { i += 1 }
        fieldEnd = i
      }
      let slot = column < slotOfColumn.count ? slotOfColumn[column] : -1
      if slot >= 0 {
        switch parseNumber(buf, start, fieldEnd, decimalComma: decimalComma) {
        case .value(let v):
          values[slot] = v
        case .empty:
          throw IngestError(.malformedRecord, "empty cell where a number was expected; fill or remove the row",
                            line: lineNumber, column: headerNames[column])
        case .nonFinite:
          throw IngestError(.nonFiniteValue, "NaN or infinite value; gaitline does not guess missing samples, remove the row or fix the export",
                            line: lineNumber, column: headerNames[column])
        case .notANumber:
          if slot == 0, timeIsISO, let t = parseISO8601(buf, start, fieldEnd) {
            values[slot] = t
          } else {
            let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<min(fieldEnd, start + 40)]), as: UTF8.self)
            throw IngestError(.malformedRecord, "'\(text)' is not a number; fix or remove the row",
                              line: lineNumber, column: headerNames[column])
          }
        }
        filled += 1
      }
      if fieldEnd >= end {
        if filled < needed {
          throw IngestError(.malformedRecord,
            "the row has \(column + 1) fields but column '\(headerNames[maxColumn])' is number \(maxColumn + 1); the row is cut short",
            line: lineNumber)
        }
        break
      }
      start = fieldEnd + 1
      column += 1
    }
  }

  /// The next block of samples in m/s² and rad/s on the uniform grid, or `nil` at the end of the
  /// file; throws ``IngestError`` with the line and column of a bad row.
  public func nextBlock() throws -> SampleBlock? {
    do {
      return try readBlock()
    } catch let error as IngestError {
      throw error.at(path: path)
    }
  }

  private func readBlock() throws -> SampleBlock? {
    while true {
      if let block = resampler.takeReadyBlock() { return block }
      if finished { return nil }
      // Fast path: whole buffered lines of the common layouts at once.
      if simpleLayout, try lines.withCompleteLines({ buf, _ in readSimpleRows(buf) }) { continue }
      // Hot path: parse in place in the reader's buffer, no copy per line.
      var values = SIMD8<Double>(repeating: 0)
      let got: Int?
      do {
        got = try lines.withNextLine { bytes, number -> Int in
          var blank = true
          for b in bytes where b != 0x20 && b != 0x09 && b != 0x0D { blank = false; break }
          if blank { return 0 }
          try parseRow(bytes, lineNumber: number, values: &values)
          return number
        }
      } catch let e as IngestError where isCutLastLine(e) {
        continue
      }
      guard let number = got else {
        finish()
        continue
      }
      if number > 0 { try consume(values, lineNumber: number) }
    }
  }

  /// Reads the leading rows of `buf` (complete lines, the last one's LF
  /// included) that are plain numbers in the simple layout, with the same
  /// arithmetic as ``parseRow`` and ``consume`` (so the samples are
  /// bit-identical), the state in locals instead of the object's properties.
  /// Stops at the first row it does not recognise (quotes, spaces, an
  /// exponent, an empty cell, more columns, a timestamp that does not
  /// increase...), which the general path then reads or rejects, and after
  /// a row that completes a block. Returns the bytes and lines it read.
  ///
  /// In batches of up to ``SimpleRowBatch/capacity`` rows, pass by pass
  /// (issue #16): ``parseSimpleRows(_:from:end:maxRows:_:last:into:)`` turns
  /// the text into the batch's columns (time, elapsed seconds, scaled
  /// channels); the resampler puts them on the grid and says how many rows
  /// it took (it stops after the row that completes a block); the clip
  /// counter and the interval statistics then read those rows. One loop that
  /// did all of it row by row kept some 25 values live and moved them
  /// through the stack on every row (590 instructions a row); each pass on
  /// its own keeps its state in registers. The rows a batch parsed beyond a
  /// completed block are parsed again on the next call: a batch holds at
  /// most the rows the block still has room for (one sample a row on a
  /// regular grid), so that is rare.
  private func readSimpleRows(_ buf: UnsafeBufferPointer<UInt8>) -> (bytes: Int, lines: Int) {
    // The buffer ends with LF (complete lines): the number reader's sentinel;
    // the line reader's padding after it lets the number reader load eight
    // bytes from any position in a row.
    guard let p = buf.baseAddress, buf.last == 0x0A, !useTimestamps || firstRawTime != nil else { return (0, 0) }
    let batch: SimpleRowBatch
    if let existing = rowBatch {
      batch = existing
    } else {
      batch = SimpleRowBatch()
      rowBatch = batch
    }
    let end = buf.count
    let useTimestamps = self.useTimestamps
    let timeScale = self.timeScale
    let period = 1 / info.sampleRateHz
    let gapLimit = Self.gapFactor * period
    let layout = SimpleRowLayout(delimiter: delimiter, gyro: hasGyro, trailing: simpleTrailingColumns,
                                 accScale: accScale, gyroScale: gyroScale, checksTime: useTimestamps,
                                 first: firstRawTime ?? 0, timeScale: timeScale)
    var last = lastRawTime, deviation = 0.0, count = intervals, seconds = intervalSeconds
    var clip = self.clip
    var rs = Resampler(blockSize: 0)
    swap(&rs, &resampler)
    let c = SimpleRowBatch.capacity
    let channels = UnsafePointer(batch.channels), times = UnsafePointer(batch.time)
    var i = 0, rows = 0
    while i < end {
      let maxRows = min(c, max(1, rs.blockSize - rs.pendingSamples))
      let parsed = Self.parseSimpleRows(p, from: i, end: end, maxRows: maxRows, layout, last: last, into: batch)
      if parsed == 0 { break }
      let taken = useTimestamps
        ? rs.push(count: parsed, timeS: batch.elapsed, channels: channels, stride: c, period: period, gapLimit: gapLimit)
        : rs.emit(count: parsed, channels: channels, stride: c)
      clip.observe(count: taken, channels, channels + c, channels + 2 * c)
      if useTimestamps {
        for k in 0..<taken {
          let t = times[k]
          let dt = (t - last) * timeScale
          if dt <= gapLimit {
            // max(|dt - period|) / period is max(|dt - period| / period):
            // a correctly rounded division by a positive number is monotonic.
            deviation = max(deviation, abs(dt - period))
            count &+= 1
            seconds += dt
          }
          last = t
        }
      }
      i = batch.rowEnd[taken - 1]
      rows &+= taken
      if taken < maxRows || rs.hasReadyBlock { break }
    }
    swap(&rs, &resampler)
    self.clip = clip
    lastRawTime = last
    jitterMax = max(jitterMax, deviation / period)
    intervals = count
    intervalSeconds = seconds
    report.records += rows
    fastRows += rows
    return (i, rows)
  }

  /// What ``parseSimpleRows(_:from:end:maxRows:_:last:into:)`` needs to know
  /// of the layout, as values (no access to the reader's properties).
  private struct SimpleRowLayout {
    var delimiter: UInt8
    var gyro: Bool
    var trailing: Bool
    var accScale: Float
    var gyroScale: Float
    /// Timestamps are used: a row whose time does not increase or lies
    /// beyond ``CSVReader/maxRecordingS`` stops the batch.
    var checksTime: Bool
    var first: Double
    var timeScale: Double
  }

  /// Parses the rows of the simple layout from `p[start...]` (whole lines,
  /// `p[end - 1]` is LF) into `batch`, at most `maxRows`, and returns how
  /// many: field by field into locals, one validity flag tested once per
  /// row; a delimiter is tested before it is stepped over, so no number
  /// reader passes the row's LF. Stops before the first row it does not
  /// recognise, and before a row whose time is not after `last` (the one
  /// before it) or is corrupt (beyond ``maxRecordingS``, NaN): the general
  /// path reports those. Row `k`'s raw time, elapsed seconds
  /// (`(t - first) * timeScale`), channels in m/s² and rad/s
  /// (`Float(v) * scale`, the general path's operations) and the offset
  /// after its LF go to `batch`.
  @inline(never)
  private static func parseSimpleRows(_ p: UnsafePointer<UInt8>, from start: Int, end: Int, maxRows: Int,
                                      _ layout: SimpleRowLayout, last: Double, into batch: SimpleRowBatch) -> Int {
    let delimiter = layout.delimiter, gyro = layout.gyro, trailing = layout.trailing
    let accScale = layout.accScale, gyroScale = layout.gyroScale
    let checksTime = layout.checksTime, first = layout.first, timeScale = layout.timeScale
    let powersOfTen = UnsafePointer(batch.powersOfTen), integerPowersOfTen = UnsafePointer(batch.integerPowersOfTen)
    let times = batch.time, elapsedTimes = batch.elapsed, out = batch.channels, rowEnd = batch.rowEnd
    let c = SimpleRowBatch.capacity
    var last = last
    var i = start, n = 0
    while n < maxRows, i < end {
      var j = i
      var ok = true
      let t = parseFieldDecimal(p, &j, powersOfTen: powersOfTen, integerPowersOfTen: integerPowersOfTen, &ok)
      guard p[j] == delimiter else { break }
      j &+= 1
      let x = parseFieldDecimal(p, &j, powersOfTen: powersOfTen, integerPowersOfTen: integerPowersOfTen, &ok)
      guard p[j] == delimiter else { break }
      j &+= 1
      let y = parseFieldDecimal(p, &j, powersOfTen: powersOfTen, integerPowersOfTen: integerPowersOfTen, &ok)
      guard p[j] == delimiter else { break }
      j &+= 1
      let z = parseFieldDecimal(p, &j, powersOfTen: powersOfTen, integerPowersOfTen: integerPowersOfTen, &ok)
      var u = 0.0, v = 0.0, w = 0.0
      if gyro {
        guard p[j] == delimiter else { break }
        j &+= 1
        u = parseFieldDecimal(p, &j, powersOfTen: powersOfTen, integerPowersOfTen: integerPowersOfTen, &ok)
        guard p[j] == delimiter else { break }
        j &+= 1
        v = parseFieldDecimal(p, &j, powersOfTen: powersOfTen, integerPowersOfTen: integerPowersOfTen, &ok)
        guard p[j] == delimiter else { break }
        j &+= 1
        w = parseFieldDecimal(p, &j, powersOfTen: powersOfTen, integerPowersOfTen: integerPowersOfTen, &ok)
      }
      guard ok else { break }
      if trailing, p[j] == delimiter {
        // Unused columns: the general path stops after the last used one.
        while p[j] != 0x0A { j += 1 }
      } else {
        if p[j] == 0x0D, j + 1 < end { j += 1 }
        guard p[j] == 0x0A else { break }
      }
      // Backwards, repeated or corrupt (beyond maxRecordingS, NaN): the
      // general path reports the row.
      let elapsed = (t - first) * timeScale
      if checksTime {
        if t <= last || !(elapsed <= maxRecordingS) { break }
        last = t
      }
      times[n] = t
      elapsedTimes[n] = elapsed
      // Lane by lane, the same float operations as the SIMD3 ones of
      // consume(_:lineNumber:) (bit-identical), without shuffles and spills.
      out[n] = Float(x) * accScale
      out[c &+ n] = Float(y) * accScale
      out[2 &* c &+ n] = Float(z) * accScale
      if gyro {
        out[3 &* c &+ n] = Float(u) * gyroScale
        out[4 &* c &+ n] = Float(v) * gyroScale
        out[5 &* c &+ n] = Float(w) * gyroScale
      }
      i = j &+ 1
      rowEnd[n] = i
      n &+= 1
    }
    return n
  }

  /// Whether `e` is about the file's last line, which has no line end (the
  /// file ends inside a row: power loss, an interrupted copy). Then every
  /// complete row is kept, the cut one is reported, and reading finishes.
  private func isCutLastLine(_ e: IngestError) -> Bool {
    guard lines.lastLineUnterminated, report.records > 0, let line = e.line, line == lines.lineNumber else { return false }
    report.warnings.append("the last line (\(line)) has no line end and cannot be read (\(e.message)); the file looks cut short, every complete row before it is used")
    finish()
    return true
  }

  @inline(__always)
  private func consume(_ values: SIMD8<Double>, lineNumber: Int) throws {
    report.records += 1
    var acc = SIMD3<Float>(Float(values[1]), Float(values[2]), bodyFrameTwoAxis ? 0 : Float(values[3])) * accScale
    if bodyFrameTwoAxis { acc.z = 0 }
    let gyro = hasGyro ? SIMD3<Float>(Float(values[4]), Float(values[5]), Float(values[6])) * gyroScale : .zero
    clip.observe(acc)
    if !useTimestamps {
      resampler.appendDirect(acc: acc, gyro: gyro)
      return
    }
    let raw = counterModulus > 0 ? unwrapCounter(values[0]) : values[0]
    guard let first = firstRawTime else {
      firstRawTime = raw
      lastRawTime = raw
      resampler.push(timeS: 0, acc: acc, gyro: gyro)
      return
    }
    if raw <= lastRawTime {
      let what = raw == lastRawTime ? "repeats the previous timestamp" : "goes backwards"
      throw IngestError(.nonMonotonicTimestamp,
        "the timestamp \(raw) \(what) (\(lastRawTime) on the row before); sort the file and remove duplicate rows, "
        + "or pass --rate HZ to ignore the timestamps", line: lineNumber, column: report.columns["time"])
    }
    let dt = (raw - lastRawTime) * timeScale
    let elapsedS = (raw - first) * timeScale
    // A corrupt time field (1e300, inf, a year later) must fail on its row,
    // not trap when the grid index is computed as an Int.
    guard dt.isFinite, elapsedS.isFinite, elapsedS <= Self.maxRecordingS else {
      throw IngestError(.badTimestamps,
        "the timestamp \(raw) lies \(elapsedS) s after the first row's "
        + "(more than \(Int(Self.maxRecordingS / 86_400)) days): a corrupt row? fix or delete it, or pass --rate HZ to ignore the timestamps",
        line: lineNumber, column: report.columns["time"])
    }
    let period = 1 / info.sampleRateHz
    if dt <= Self.gapFactor * period {
      jitterMax = max(jitterMax, abs(dt - period) / period)
      intervals += 1
      intervalSeconds += dt
    }
    lastRawTime = raw
    resampler.push(timeS: elapsedS, acc: acc, gyro: gyro)
  }

  private func finish() {
    finished = true
    resampler.finish(into: &report)
    report.clippedSamples = clip.clipped
    if useTimestamps, intervals > 0 {
      let measured = Double(intervals) / intervalSeconds
      report.measuredRateHz = measured
      report.nominalRateHz = nominalRate(near: measured)
      report.resampled = jitterMax > 0.05
      if abs(measured - info.sampleRateHz) / info.sampleRateHz > 0.01 {
        report.warnings.append(String(format: "the sample rate drifts: %.3f Hz over the whole file vs %.3f Hz in the first rows; timing follows the timestamps", measured, info.sampleRateHz))
      }
    }
    if report.resampled {
      report.warnings.append(String(format: "irregular timestamps (up to %.0f %% off the mean interval): samples were put on a uniform %.4g Hz grid by linear interpolation", jitterMax * 100, info.sampleRateHz))
    }
    if !report.gaps.isEmpty {
      let missing = report.gaps.reduce(0) { $0 + $1.missingSamples }
      report.warnings.append("\(report.gaps.count) gap(s) in time, \(missing) samples missing in all; they are not filled, analysis restarts after each")
    }
    if clip.clipped > 0 {
      report.warnings.append("\(clip.clipped) samples look clipped (flat at the sensor's limit); peaks there are underestimated")
    }
  }
}

// MARK: - Helpers

/// A header that names a sample or packet counter (`PacketCounter`,
/// `SampleCounter`, `sample_index`, `Packet Count`).
func isSampleCounter(_ name: String) -> Bool {
  let key = name.lowercased().filter { $0.isLetter }
  return ["packetcounter", "samplecounter", "packetcount", "samplecount", "counter", "sampleindex",
          "samplenumber", "packetnumber", "framecounter", "framenumber"].contains(key)
}

/// Counts samples that sit flat at a sensor's limit: three or more equal
/// readings in a row on one axis at |a| ≥ 1.5 g. Real accelerometers saturate
/// at exactly their full-scale code; gravity and noise never hold still there.
struct ClipCounter {
  // Per axis on scalars: runtime-indexed SIMD3 lanes (`a[k]`, `run[k]`)
  // went through the stack in a loop, for every sample of a running
  // recording above the limit (issue #16).
  private var lastX = Float.nan, lastY = Float.nan, lastZ = Float.nan
  private var runX: Int32 = 0, runY: Int32 = 0, runZ: Int32 = 0
  private(set) var clipped = 0
  private static let limit: Float = 1.5 * standardGravity

  /// ``observe(_:)`` of `SIMD3(x, y, z)`.
  @inline(__always)
  mutating func observe(_ x: Float, _ y: Float, _ z: Float) {
    // Almost every sample is below the limit on all axes: then every run
    // ends, as the per-axis steps below would find.
    if Swift.abs(x) < Self.limit, Swift.abs(y) < Self.limit, Swift.abs(z) < Self.limit {
      runX = 0; runY = 0; runZ = 0
      lastX = x; lastY = y; lastZ = z
      return
    }
    var any = Self.step(x, lastX, &runX, &clipped)
    any = Self.step(y, lastY, &runY, &clipped) || any
    any = Self.step(z, lastZ, &runZ, &clipped) || any
    if any { clipped += 1 }
    lastX = x; lastY = y; lastZ = z
  }

  @inline(__always)
  mutating func observe(_ a: SIMD3<Float>) { observe(a.x, a.y, a.z) }

  /// ``observe(_:_:_:)`` of rows `0..<count` of three channel columns, in
  /// order.
  ///
  /// The state in locals for the loop (the struct's stored properties were
  /// written back on every row).
  mutating func observe(count n: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ z: UnsafePointer<Float>) {
    guard n > 0 else { return }
    var lx = lastX, ly = lastY, lz = lastZ
    var rx = runX, ry = runY, rz = runZ
    var count = clipped
    let limit = SIMD4<Float>(repeating: Self.limit), negativeLimit = -limit
    var k = 0
    while k < n {
      if k &+ 4 <= n {
        // Four rows at once when all their samples are below the limit
        // (most rows of a run): then every run ends, and the fourth row is
        // the one the next compares with, as row by row. |v| < limit as two
        // comparisons (both false for NaN, as abs(v) < limit is).
        let a = UnsafeRawPointer(x + k).loadUnaligned(as: SIMD4<Float>.self)
        let b = UnsafeRawPointer(y + k).loadUnaligned(as: SIMD4<Float>.self)
        let c = UnsafeRawPointer(z + k).loadUnaligned(as: SIMD4<Float>.self)
        let below = (a .< limit) .& (a .> negativeLimit) .& (b .< limit) .& (b .> negativeLimit)
          .& (c .< limit) .& (c .> negativeLimit)
        if all(below) {
          rx = 0; ry = 0; rz = 0
          lx = a[3]; ly = b[3]; lz = c[3]
          k &+= 4
          continue
        }
      }
      // Row by row, up to four rows (one of them at the limit).
      let stop = Swift.min(n, k &+ 4)
      while k < stop {
        let a = x[k], b = y[k], c = z[k]
        if Swift.abs(a) < Self.limit, Swift.abs(b) < Self.limit, Swift.abs(c) < Self.limit {
          rx = 0; ry = 0; rz = 0
        } else {
          var any = Self.step(a, lx, &rx, &count)
          any = Self.step(b, ly, &ry, &count) || any
          any = Self.step(c, lz, &rz, &count) || any
          if any { count += 1 }
        }
        lx = a; ly = b; lz = c
        k &+= 1
      }
    }
    lastX = lx; lastY = ly; lastZ = lz
    runX = rx; runY = ry; runZ = rz
    clipped = count
  }

  /// One axis: a run of equal readings at or above the limit grows; its
  /// second repeat counts the two samples before; `true` while one lasts.
  @inline(__always)
  private static func step(_ a: Float, _ last: Float, _ run: inout Int32, _ clipped: inout Int) -> Bool {
    guard a == last, abs(a) >= limit else {
      run = 0
      return false
    }
    run += 1
    if run == 2 { clipped += 2; return true }
    return run > 2
  }
}

/// The samples of the block being filled, one row of `capacity` floats per
/// channel (ax, ay, az, gx, gy, gz), written through a pointer: no
/// uniqueness or capacity check per sample.
final class SampleScratch {
  let base: UnsafeMutablePointer<Float>
  let capacity: Int

  init(capacity: Int) {
    self.capacity = max(1, capacity)
    base = .allocate(capacity: 6 * self.capacity)
  }

  deinit { base.deallocate() }
}

/// The rows of one batch of the CSV fast path (``CSVReader``'s
/// `readSimpleRows`), parsed before they are put on the grid: raw and
/// elapsed time, six channel columns of ``capacity`` floats, and where each
/// row's text ends; with the number reader's tables. One allocation per
/// reader (25 KiB), made on the fast path's first use, not per call or row.
final class SimpleRowBatch {
  static let capacity = 512
  private let storage: UnsafeMutableRawPointer
  let time: UnsafeMutablePointer<Double>
  let elapsed: UnsafeMutablePointer<Double>
  /// The offset after row `n`'s line feed.
  let rowEnd: UnsafeMutablePointer<Int>
  /// Copies of `fieldPowersOfTen` and `fieldIntegerPowersOfTen`: a load per
  /// field instead of a global's access.
  let powersOfTen: UnsafeMutablePointer<Double>
  let integerPowersOfTen: UnsafeMutablePointer<UInt64>
  /// ax, ay, az, gx, gy, gz: channel `k` of row `n` at `k * capacity + n`.
  let channels: UnsafeMutablePointer<Float>

  init() {
    let n = Self.capacity
    // Three columns of n 8-byte values, two tables of 32, six of n floats.
    storage = .allocate(byteCount: (3 * n + 64) * 8 + 6 * n * 4, alignment: 16)
    let words = storage.bindMemory(to: UInt64.self, capacity: 3 * n + 64)
    time = UnsafeMutableRawPointer(words).bindMemory(to: Double.self, capacity: n)
    elapsed = UnsafeMutableRawPointer(words + n).bindMemory(to: Double.self, capacity: n)
    rowEnd = UnsafeMutableRawPointer(words + 2 * n).bindMemory(to: Int.self, capacity: n)
    powersOfTen = UnsafeMutableRawPointer(words + 3 * n).bindMemory(to: Double.self, capacity: 32)
    integerPowersOfTen = words + 3 * n + 32
    channels = UnsafeMutableRawPointer(words + 3 * n + 64).bindMemory(to: Float.self, capacity: 6 * n)
    for k in 0..<32 {
      powersOfTen[k] = fieldPowersOfTen[k]
      integerPowersOfTen[k] = fieldIntegerPowersOfTen[k]
    }
  }

  deinit { storage.deallocate() }
}

/// Whether the resampler's batch loop carries gyroscope channels: a type,
/// so each loop is compiled with it as a constant.
protocol ResampledChannels {
  static var gyro: Bool { get }
}

enum WithGyroscope: ResampledChannels {
  static var gyro: Bool { true }
}

enum WithoutGyroscope: ResampledChannels {
  static var gyro: Bool { false }
}

/// Puts timestamped samples on a uniform grid (linear interpolation inside
/// gaps of up to ``CSVReader/gapFactor`` periods; a longer hole is a ``Gap``).
struct Resampler {
  var rateHz = 1.0
  var hasGyro = false
  let blockSize: Int
  private(set) var gaps: [Gap] = []
  private(set) var emitted = 0
  private(set) var nextIndex = 0
  private let scratch: SampleScratch
  /// Samples in `scratch`, and the grid index of the first.
  private var filled = 0
  private var blockStart = 0
  private var ready: [SampleBlock] = []
  private var hasPrevious = false
  private var previousT = 0.0
  private var previousAcc = SIMD3<Float>.zero
  private var previousGyro = SIMD3<Float>.zero

  init(blockSize: Int) {
    self.blockSize = blockSize
    scratch = SampleScratch(capacity: blockSize)
  }

  var hasReadyBlock: Bool { !ready.isEmpty }

  /// Samples in the block being filled.
  var pendingSamples: Int { filled }

  mutating func takeReadyBlock() -> SampleBlock? {
    ready.isEmpty ? nil : ready.removeFirst()
  }

  @inline(__always)
  private mutating func emit(_ acc: SIMD3<Float>, _ gyro: SIMD3<Float>) {
    if filled == 0 { blockStart = nextIndex }
    let p = scratch.base + filled, c = scratch.capacity
    p[0] = acc.x; p[c] = acc.y; p[2 &* c] = acc.z
    if hasGyro { p[3 &* c] = gyro.x; p[4 &* c] = gyro.y; p[5 &* c] = gyro.z }
    filled &+= 1
    nextIndex &+= 1
    emitted &+= 1
    if filled >= blockSize { cut() }
  }

  /// ``emit(_:_:)`` with the channels as scalars (the gyroscope ones are
  /// ignored without a gyroscope).
  @inline(__always)
  mutating func emit(_ ax: Float, _ ay: Float, _ az: Float, _ gx: Float, _ gy: Float, _ gz: Float) {
    if filled == 0 { blockStart = nextIndex }
    let p = scratch.base + filled, c = scratch.capacity
    p[0] = ax; p[c] = ay; p[2 &* c] = az
    if hasGyro { p[3 &* c] = gx; p[4 &* c] = gy; p[5 &* c] = gz }
    filled &+= 1
    nextIndex &+= 1
    emitted &+= 1
    if filled >= blockSize { cut() }
  }

  /// ``push(timeS:acc:gyro:)`` for the CSV fast loop: `period` and
  /// `gapLimit` computed once by the caller (`1 / rateHz` and
  /// `CSVReader.gapFactor * period`, the same values), and the interpolation
  /// lane by lane on scalars: the same float operations in the same order
  /// as the SIMD3 ones, so the samples are bit-identical. The first sample
  /// and a gap take ``push(timeS:acc:gyro:)``.
  @inline(__always)
  mutating func push(timeS t: Double, _ ax: Float, _ ay: Float, _ az: Float, _ gx: Float, _ gy: Float, _ gz: Float,
                     period: Double, gapLimit: Double) {
    let dt = t - previousT
    if !hasPrevious || dt > gapLimit {
      pushFirstOrAfterGap(timeS: t, ax, ay, az, gx, gy, gz)
      return
    }
    let tolerance = 1e-6 * period
    let prevT = previousT
    let px = previousAcc.x, py = previousAcc.y, pz = previousAcc.z
    let qx = previousGyro.x, qy = previousGyro.y, qz = previousGyro.z
    while true {
      let g = Double(nextIndex) * period
      if g > t + tolerance { break }
      if g == t {
        // On the grid (the common case): the weight (t - prevT) / dt is
        // exactly 1 (0 / 0 clamps to 1 too), and a product by 1 is exact,
        // so the sample is the same `p + (a - p)` without the division.
        if hasGyro {
          emit(px + (ax - px), py + (ay - py), pz + (az - pz), qx + (gx - qx), qy + (gy - qy), qz + (gz - qz))
        } else {
          emit(px + (ax - px), py + (ay - py), pz + (az - pz), 0, 0, 0)
        }
        continue
      }
      let w = Float(max(0, min(1, (g - prevT) / dt)))
      if hasGyro {
        emit(px + (ax - px) * w, py + (ay - py) * w, pz + (az - pz) * w,
             qx + (gx - qx) * w, qy + (gy - qy) * w, qz + (gz - qz) * w)
      } else {
        emit(px + (ax - px) * w, py + (ay - py) * w, pz + (az - pz) * w, 0, 0, 0)
      }
    }
    previousT = t
    previousAcc = SIMD3(ax, ay, az)
    previousGyro = SIMD3(gx, gy, gz)
  }

  /// ``push(timeS:_:_:_:_:_:_:period:gapLimit:)`` of rows `0..<count` of a
  /// batch, in order: elapsed times `times`, channel `k` of row `n` at
  /// `channels[k * stride + n]` (ax, ay, az, then gx, gy, gz with a
  /// gyroscope). Stops after the row whose samples complete a block (the
  /// block is then ready) and returns how many rows it took.
  ///
  /// The same operations in the same order as the one-row push, with the
  /// grid position, the fill and the previous sample in locals while no gap
  /// interrupts; the first sample and a gap take
  /// ``push(timeS:acc:gyro:)``.
  mutating func push(count n: Int, timeS times: UnsafePointer<Double>, channels: UnsafePointer<Float>, stride c: Int,
                     period: Double, gapLimit: Double) -> Int {
    var k = 0
    while k < n {
      let t = times[k]
      if !hasPrevious || t - previousT > gapLimit {
        let gyro = hasGyro
        pushFirstOrAfterGap(timeS: t, channels[k], channels[c &+ k], channels[2 &* c &+ k],
                            gyro ? channels[3 &* c &+ k] : 0, gyro ? channels[4 &* c &+ k] : 0,
                            gyro ? channels[5 &* c &+ k] : 0)
        k &+= 1
        if !ready.isEmpty { return k }
        continue
      }
      // Two copies of the loop, each with `gyro` a constant: without a
      // gyroscope its three channels take no registers.
      let full = hasGyro
        ? pushRun(WithGyroscope.self, from: &k, count: n, times, channels, c, period: period, gapLimit: gapLimit)
        : pushRun(WithoutGyroscope.self, from: &k, count: n, times, channels, c, period: period, gapLimit: gapLimit)
      if full { return k }
    }
    return k
  }

  /// The rows from `k` on while no gap interrupts them (`k` is left at the
  /// first row not taken), with the grid position, the fill and the
  /// previous sample in locals; `true` when a block was completed (after
  /// the row that completed it). Samples of one block are consecutive grid
  /// indices (a gap cuts the block), so the block starts at `next - fill`.
  /// Specialised for each `Channels` (`gyro` a constant).
  private mutating func pushRun<Channels: ResampledChannels>(
    _: Channels.Type, from k: inout Int, count n: Int, _ times: UnsafePointer<Double>,
    _ channels: UnsafePointer<Float>, _ c: Int, period: Double, gapLimit: Double
  ) -> Bool {
    let gyro = Channels.gyro
    let tolerance = 1e-6 * period
    let size = blockSize
    let out = scratch.base, oc = scratch.capacity
    var first = nextIndex
    var next = first, fill = filled
    var prevT = previousT
    var px = previousAcc.x, py = previousAcc.y, pz = previousAcc.z
    var qx: Float = 0, qy: Float = 0, qz: Float = 0
    if gyro { qx = previousGyro.x; qy = previousGyro.y; qz = previousGyro.z }
    var row = k
    var full = false
    // The grid time of `next`, carried from row to row.
    var g = Double(next) * period
    while row < n {
      let t = times[row]
      let dt = t - prevT
      if dt > gapLimit { break }
      let ax = channels[row], ay = channels[c &+ row], az = channels[2 &* c &+ row]
      var gx: Float = 0, gy: Float = 0, gz: Float = 0
      if gyro { gx = channels[3 &* c &+ row]; gy = channels[4 &* c &+ row]; gz = channels[5 &* c &+ row] }
      let latest = t + tolerance
      while g <= latest, fill < size {
        let o = out + fill
        if g == t {
          // On the grid (the common case): the weight (t - prevT) / dt is
          // exactly 1 (0 / 0 clamps to 1 too), and a product by 1 is exact,
          // so the sample is the same `p + (a - p)` without the division.
          o[0] = px + (ax - px); o[oc] = py + (ay - py); o[2 &* oc] = pz + (az - pz)
          if gyro { o[3 &* oc] = qx + (gx - qx); o[4 &* oc] = qy + (gy - qy); o[5 &* oc] = qz + (gz - qz) }
        } else {
          let w = Float(max(0, min(1, (g - prevT) / dt)))
          o[0] = px + (ax - px) * w; o[oc] = py + (ay - py) * w; o[2 &* oc] = pz + (az - pz) * w
          if gyro { o[3 &* oc] = qx + (gx - qx) * w; o[4 &* oc] = qy + (gy - qy) * w; o[5 &* oc] = qz + (gz - qz) * w }
        }
        fill &+= 1
        next &+= 1
        g = Double(next) * period
      }
      if fill >= size {
        // The block is complete (once a block): cut it as emit(_:_:) does,
        // out of the loop (a call in it made the loop keep its values on the
        // stack), and the row's further samples, if any, go on through
        // emit(_:_:_:_:_:_:).
        blockStart = next &- fill
        filled = fill
        nextIndex = next
        emitted &+= next &- first
        cut()
        if g <= latest {
          finishRow(t: t, latest: latest, prevT: prevT, dt: dt, period: period,
                    ax, ay, az, gx, gy, gz, px, py, pz, qx, qy, qz)
        }
        next = nextIndex
        fill = filled
        first = next
        g = Double(next) * period
        full = true
      }
      prevT = t
      px = ax; py = ay; pz = az
      if gyro { qx = gx; qy = gy; qz = gz }
      row &+= 1
      if full { break }
    }
    k = row
    if fill > 0 { blockStart = next &- fill }
    nextIndex = next
    filled = fill
    emitted &+= next &- first
    previousT = prevT
    previousAcc = SIMD3(px, py, pz)
    // Without a gyroscope the one-row push stores its zeros.
    previousGyro = SIMD3(qx, qy, qz)
    return full
  }

  /// The samples of a row at `t` from grid index `nextIndex` on, after
  /// ``pushRun(_:from:count:_:_:_:period:gapLimit:)`` cut a block inside the
  /// row: the same operations, through emit(_:_:_:_:_:_:) (which cuts
  /// further blocks as they fill).
  @inline(never)
  private mutating func finishRow(t: Double, latest: Double, prevT: Double, dt: Double, period: Double,
                                  _ ax: Float, _ ay: Float, _ az: Float, _ gx: Float, _ gy: Float, _ gz: Float,
                                  _ px: Float, _ py: Float, _ pz: Float, _ qx: Float, _ qy: Float, _ qz: Float) {
    while true {
      let g = Double(nextIndex) * period
      if g > latest { break }
      if g == t {
        emit(px + (ax - px), py + (ay - py), pz + (az - pz), qx + (gx - qx), qy + (gy - qy), qz + (gz - qz))
      } else {
        let w = Float(max(0, min(1, (g - prevT) / dt)))
        emit(px + (ax - px) * w, py + (ay - py) * w, pz + (az - pz) * w,
             qx + (gx - qx) * w, qy + (gy - qy) * w, qz + (gz - qz) * w)
      }
    }
  }

  /// ``emit(_:_:_:_:_:_:)`` of rows `0..<count` of a batch laid out as for
  /// ``push(count:timeS:channels:stride:period:gapLimit:)``; stops after the
  /// row that completes a block and returns how many rows it took.
  mutating func emit(count n: Int, channels: UnsafePointer<Float>, stride c: Int) -> Int {
    let gyro = hasGyro
    for k in 0..<n {
      emit(channels[k], channels[c &+ k], channels[2 &* c &+ k],
           gyro ? channels[3 &* c &+ k] : 0, gyro ? channels[4 &* c &+ k] : 0, gyro ? channels[5 &* c &+ k] : 0)
      if !ready.isEmpty { return k &+ 1 }
    }
    return n
  }

  /// The rare case of the scalar push, out of line: building its SIMD3
  /// values inline made the hot path spill registers on every row.
  @inline(never)
  private mutating func pushFirstOrAfterGap(timeS t: Double, _ ax: Float, _ ay: Float, _ az: Float,
                                            _ gx: Float, _ gy: Float, _ gz: Float) {
    push(timeS: t, acc: SIMD3(ax, ay, az), gyro: SIMD3(gx, gy, gz))
  }

  private mutating func cut() {
    guard filled > 0 else { return }
    let base = scratch.base, c = scratch.capacity, n = filled
    func channel(_ k: Int) -> [Float] { Array(UnsafeBufferPointer(start: base + k * c, count: n)) }
    ready.append(hasGyro
      ? SampleBlock(startIndex: blockStart, ax: channel(0), ay: channel(1), az: channel(2),
                    gx: channel(3), gy: channel(4), gz: channel(5))
      : SampleBlock(startIndex: blockStart, ax: channel(0), ay: channel(1), az: channel(2)))
    filled = 0
  }

  /// A sample with no timestamp: it is the next grid sample.
  @inline(__always)
  mutating func appendDirect(acc: SIMD3<Float>, gyro: SIMD3<Float>) { emit(acc, gyro) }

  /// A sample at `timeS` seconds after the first.
  @inline(__always)
  mutating func push(timeS t: Double, acc: SIMD3<Float>, gyro: SIMD3<Float>) {
    let period = 1 / rateHz
    guard hasPrevious else {
      // The grid's origin is time zero: a first sample later than that
      // starts at its own grid index.
      nextIndex = max(0, Int((t * rateHz).rounded()))
      emit(acc, gyro)
      setPrevious(t, acc, gyro)
      return
    }
    let dt = t - previousT
    if dt > CSVReader.gapFactor * period {
      gap(to: t, dt: dt)
      emit(acc, gyro)
      setPrevious(t, acc, gyro)
      return
    }
    let tolerance = 1e-6 * period
    let prevT = previousT, prevAcc = previousAcc, prevGyro = previousGyro
    while true {
      let g = Double(nextIndex) * period
      if g > t + tolerance { break }
      let w = Float(max(0, min(1, (g - prevT) / dt)))
      emit(prevAcc + (acc - prevAcc) * w, prevGyro + (gyro - prevGyro) * w)
    }
    setPrevious(t, acc, gyro)
  }

  @inline(__always)
  private mutating func setPrevious(_ t: Double, _ acc: SIMD3<Float>, _ gyro: SIMD3<Float>) {
    hasPrevious = true
    previousT = t
    previousAcc = acc
    previousGyro = gyro
  }

  /// A hole of `dt` seconds before the sample at `t`: a ``Gap``, and the
  /// grid resumes at the sample's own index.
  private mutating func gap(to t: Double, dt: Double) {
    var resume = Int((t * rateHz).rounded())
    if resume < nextIndex { resume = nextIndex }
    gaps.append(Gap(resumeIndex: resume, startS: previousT, durationS: dt, missingSamples: resume - nextIndex))
    cut()
    nextIndex = resume
  }

  mutating func flush() { cut() }

  /// Ends the input: the last block is made ready and `report` gets the
  /// grid's gaps, sample count and duration.
  mutating func finish(into report: inout IngestReport) {
    cut()
    report.gaps = gaps
    report.samples = emitted
    report.durationS = Double(nextIndex) / rateHz
  }
}

/// Reads a file line by line in 256 KiB chunks.
struct LineReader {
  private var fd: FileDescriptor
  private var buffer: [UInt8]
  private var start = 0
  private var end = 0
  private var eof = false
  private(set) var lineNumber = 0
  /// The line last handed out is the file's last and has no line end (a
  /// file cut short by a power loss or an interrupted copy).
  private(set) var lastLineUnterminated = false
  private(set) var sawUTF16 = false
  private var checkedBOM = false
  private var checkedTerminator = false
  /// The line end: LF (CRLF lines lose their CR), or CR for CR-only files.
  private var terminator: Int32 = 0x0A
  /// Inflates the file when it is gzip (Gzip.swift).
  private var gzip: GzipReader?
  /// While set, `fill()` keeps the bytes from here on (the CSV sniff reads
  /// its lines again after deciding the layout).
  private var keep: Int?
  /// Where the line last handed out starts in `buffer`.
  private var lastLineStart = 0
  /// Bytes read at a time; the buffer holds two and grows by one when a
  /// line needs more. 256 KiB, not 1 MiB: every page of the buffer faults
  /// in once, ~380 fewer page faults per file (issue #16), and reads of
  /// 256 KiB run as fast.
  static let chunk = 1 << 18
  static let maxLine = 1 << 20
  /// Bytes kept after the data in `buffer`, never filled by a read and set
  /// to zero after each read: the CSV row loop's number reader loads eight
  /// bytes from positions up to the last line feed (NumberParsing.swift).
  static let padding = 16

  /// Closes the file; safe to call twice.
  mutating func close() {
    guard fd.rawValue >= 0 else { return }
    try? fd.close()
    fd = FileDescriptor(rawValue: -1)
  }

  /// Reads `path`, through `descriptor` when it is already open on it (the
  /// reader's to close then, also when this throws).
  init(path: String, descriptor: FileDescriptor? = nil) throws {
    if let descriptor, (try? descriptor.stat())?.type != .directory {
      fd = descriptor
    } else {
      try? descriptor?.close()
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw IngestError(.fileNotFound, "no such file; check the path", path: path)
      }
      if isDirectory.boolValue {
        throw IngestError(.unreadable, "is a directory; give a file, or pass the directory to `analyze`", path: path)
      }
      do { fd = try FileDescriptor.open(FilePath(path), .readOnly) } catch {
        throw IngestError(.unreadable, "cannot open: \(error); check its permissions", path: path)
      }
    }
    do {
      if startsWithGzipMagic(fd: fd.rawValue) { gzip = try GzipReader(fd: fd.rawValue, path: path) }
    } catch {
      try? fd.close()
      throw error
    }
    // Small files get a small buffer (a batch of many short exports, and
    // the csv fuzz target, paid 2 MiB each before); it grows when a file
    // needs it.
    let expansion = gzip == nil ? 1 : 8
    let size = (try? fd.stat()).map { Int($0.size) * expansion } ?? Self.chunk * 2
    // Not zero-filled (512 KiB of stores for a large file): only the bytes
    // after the data are ever read before a read fills them, and fill()
    // zeroes those.
    let count = min(Self.chunk * 2, max(1 << 16, size + 1)) + Self.padding
    buffer = [UInt8](unsafeUninitializedCapacity: count) { p, initialized in
      _ = memset(p.baseAddress!, 0, Self.padding)
      initialized = count
    }
  }

  private mutating func fill() throws {
    let discard = min(start, keep ?? start)
    if discard > 0 {
      let n = end - discard
      buffer.withUnsafeMutableBufferPointer { p in
        _ = memmove(p.baseAddress!, p.baseAddress! + discard, n)
      }
      end = n
      start -= discard
      lastLineStart -= discard
      keep = keep.map { $0 - discard }
    }
    if end == buffer.count - Self.padding { buffer.append(contentsOf: [UInt8](repeating: 0, count: Self.chunk)) }
    let capacity = buffer.count - Self.padding - end
    let n = try buffer.withUnsafeMutableBufferPointer { p in
      do {
        return try gzip?.read(into: p.baseAddress! + end, count: capacity)
          ?? fd.read(into: UnsafeMutableRawBufferPointer(start: p.baseAddress! + end, count: capacity))
      } catch let e as Errno { throw IngestError(.unreadable, "read failed: \(e)") }
    }
    if n == 0 { eof = true }
    end += n
    buffer.withUnsafeMutableBufferPointer { p in _ = memset(p.baseAddress! + end, 0, Self.padding) }
    if !checkedTerminator, end > 0 {
      // Classic Mac OS files end lines with CR alone: no LF in the first
      // chunk but CRs → lines end at CR.
      checkedTerminator = true
      let (hasLF, hasCR) = buffer.withUnsafeBufferPointer { p in
        (memchr(p.baseAddress!, 0x0A, end) != nil, memchr(p.baseAddress!, 0x0D, end) != nil)
      }
      if !hasLF && hasCR { terminator = 0x0D }
    }
    if !checkedBOM, end >= 2 {
      checkedBOM = true
      if buffer[0] == 0xEF, end >= 3, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
      if (buffer[0] == 0xFF && buffer[1] == 0xFE) || (buffer[0] == 0xFE && buffer[1] == 0xFF) { sawUTF16 = true }
    }
  }

  /// Calls `body` with the next line (without its line end) as a view into
  /// the reader's buffer, valid only during the call, and its 1-based
  /// number; `nil` at the end of the file.
  mutating func withNextLine<R>(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> R) throws -> R? {
    var searched = 0
    while true {
      let from = start + searched
      let terminator = self.terminator
      let found: Int? = buffer.withUnsafeBufferPointer { p in
        guard from < end, let hit = memchr(p.baseAddress! + from, terminator, end - from) else { return nil }
        return p.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
      }
      if found != nil || (eof && start < end) {
        lineNumber += 1
        lastLineUnterminated = found == nil
        var lineEnd = found ?? end
        if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        let s = start
        lastLineStart = s
        start = found.map { $0 + 1 } ?? end
        return try buffer.withUnsafeBufferPointer { p in
          try body(UnsafeBufferPointer(rebasing: p[s..<lineEnd]), lineNumber)
        }
      }
      if eof { return nil }
      if end - start > Self.maxLine {
        throw IngestError(.malformedRecord,
          "line \(lineNumber + 1) is longer than \(Self.maxLine / 1024) KiB with no line end; this is not a line-based export",
          line: lineNumber + 1)
      }
      searched = end - start
      try fill()
    }
  }

  /// Keeps every byte from the next line on in the buffer, until
  /// ``rewind(toKeptOffset:lineNumber:)``.
  mutating func keepFromHere() { keep = start }

  /// Where the line last handed out starts, counted from the place
  /// ``keepFromHere()`` kept (it does not change when the buffer moves).
  var lastLineKeptOffset: Int { lastLineStart - (keep ?? 0) }

  /// Goes back to the kept line that starts at `offset`
  /// (``lastLineKeptOffset`` when it was handed out), numbered `lineNumber`:
  /// it is the next line handed out again. Stops keeping.
  mutating func rewind(toKeptOffset offset: Int, lineNumber: Int) {
    start = (keep ?? 0) + offset
    self.lineNumber = lineNumber - 1
    lastLineUnterminated = false
    keep = nil
  }

  /// Whether lines end at LF (CRLF included), not at a lone CR.
  var endsLinesWithLF: Bool { terminator == 0x0A }

  /// Calls `body` with every complete line now buffered (reading more when
  /// none is), LF included, and the number of the first; `body` returns how
  /// many bytes (whole lines) and lines it read. `false` when it read none,
  /// or there is no complete line (end of file, a line too long): the caller
  /// then reads one line with ``withNextLine(_:)``.
  mutating func withCompleteLines(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> (bytes: Int, lines: Int)) throws -> Bool {
    guard terminator == 0x0A else { return false }
    while true {
      let s = start, e = end
      let lastLF: Int? = buffer.withUnsafeBufferPointer { p in
        var k = e
        while k > s {
          k -= 1
          if p[k] == 0x0A { return k }
        }
        return nil
      }
      if let lastLF {
        let (bytes, lines) = try buffer.withUnsafeBufferPointer { p in
          try body(UnsafeBufferPointer(rebasing: p[s...lastLF]), lineNumber + 1)
        }
        guard lines > 0 else { return false }
        start += bytes
        lineNumber += lines
        lastLineUnterminated = false
        return true
      }
      if eof || end - start > Self.maxLine { return false }
      try fill()
    }
  }

  /// The next line without its line end (a copy), with its 1-based number.
  mutating func nextLine() throws -> (number: Int, bytes: [UInt8])? {
    try withNextLine { bytes, number in (number, Array(bytes)) }
  }
}
