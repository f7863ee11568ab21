//===--- GT3XReader.swift -------------------------------------------------===//
// ActiGraph .gt3x files (GT3X+, wGT3X-BT, GT9X Link): a zip with info.txt and
// log.bin (or, from firmware ≤ 2.5.0, activity.bin). Layout: ActiGraph's published GT3X file format
// (actigraph/GT3X-File-Format).
//===----------------------------------------------------------------------===//
import GaitCore
import Foundation
import ZIPFoundation

/// `info.txt` of a .gt3x: `Key: Value` lines.
struct GT3XInfo {
  var values: [String: String] = [:]

  init(_ text: String) {
    var t = text
    if t.hasPrefix("\u{FEFF}") { t.removeFirst() }
    for line in t.split(whereSeparator: \.isNewline) {
      guard let r = line.range(of: ": ") else { continue }
      values[String(line[..<r.lowerBound]).trimmingCharacters(in: .whitespaces)] =
        String(line[r.upperBound...]).trimmingCharacters(in: .whitespaces)
    }
  }

  func number(_ key: String) -> Double? {
    values[key].flatMap { Double($0.replacingOccurrences(of: ",", with: ".")) }
  }

  /// A .NET ticks date as Unix seconds (device local wall-clock).
  func date(_ key: String) -> Double? {
    values[key].flatMap { Double($0) }.map { ($0 - 621_355_968_000_000_000) / 1e7 }
  }
}

/// Reads a `.gt3x`: samples of ACTIVITY (12-bit, Y-X-Z), ACTIVITY2 (int16
/// X-Y-Z) and ACTIVITY3 (12-bit, X-Y-Z) records of log.bin, or the packed
/// activity.bin of NHANES-era files, scaled by the file's acceleration
/// scale. Each record is one second at the info.txt rate, stamped with the
/// device's local wall-clock; seconds without a record (idle sleep, USB
/// connection) are gaps, not filled. Records whose checksum fails are
/// skipped and counted; the reader resynchronises on the next separator.
/// log.bin is decompressed in chunks, never loaded whole.
public final class GT3XReader: SampleSource {
  /// The largest info.txt inflated (documented in docs/HARDENING.md).
  public static let maxInfoBytes = 64 * 1024
  /// Offsets of bad records kept for the report (the rest are counted): a
  /// log.bin of separators with bad checksums would otherwise keep 8 bytes
  /// per inflated byte.
  public static let maxBadOffsets = 100
  /// The recording's description: rate and range from info.txt.
  public private(set) var info: RecordingInfo
  /// What was read so far: rates, units, bad records, gaps.
  public private(set) var report: IngestReport
  /// The file being read.
  public let path: String
  private var scale: Double
  private let rate: Double
  private var startTime: Double
  private var anchored = false
  private var resampler: Resampler
  private var done = false
  private var pending: [UInt8] = []
  private var lastSampleTime = -Double.infinity
  private var badRecords = 0
  private var badOffsets: [Int] = []
  private var consumed = 0
  private let archive: Archive
  private let entry: Entry
  private let nhanes: Bool
  private var extracted = false
  private var activityIndex = 0
  /// Inflated bytes per chunk handed from the extracting thread.
  static let chunkBytes = 1 << 16
  private let pipe = ChunkPipe(capacity: 8)

  /// Opens the `.gt3x` archive at `path` and reads info.txt; throws ``IngestError`` when it is
  /// missing, not a ZIP, or has no log.bin or activity data.
  public init(path: String) throws {
    self.path = path
    guard FileManager.default.fileExists(atPath: path) else {
      throw IngestError(.fileNotFound, "no such file; check the path", path: path)
    }
    let a: Archive
    do {
      a = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
    } catch {
      throw IngestError(.badMagic, "not a .gt3x file (not a zip archive): \(error)", path: path, byteOffset: 0)
    }
    archive = a
    guard let infoEntry = a["info.txt"] else {
      throw IngestError(.corrupt, "the archive has no info.txt; is this an ActiGraph .gt3x?", path: path)
    }
    // info.txt is about 1 KiB; it is inflated to at most `maxInfoBytes`
    // (a 3 MB zip bomb inflates to gigabytes), whatever its header declares.
    var infoData = Data()
    struct TooLarge: Error {}
    do {
      guard infoEntry.uncompressedSize <= UInt64(GT3XReader.maxInfoBytes) else { throw TooLarge() }
      _ = try a.extract(infoEntry, bufferSize: 1 << 14) { chunk in
        guard infoData.count + chunk.count <= GT3XReader.maxInfoBytes else { throw TooLarge() }
        infoData.append(chunk)
      }
    } catch is TooLarge {
      throw IngestError(.corrupt, "info.txt inflates to more than \(GT3XReader.maxInfoBytes / 1024) KiB (a real one is about 1 KiB); not read further", path: path)
    } catch {
      throw IngestError(.corrupt, "info.txt cannot be extracted: \(error)", path: path)
    }
    let meta = GT3XInfo(String(decoding: infoData, as: UTF8.self))
    guard let fs = meta.number("Sample Rate"), fs > 0, fs < 10_000 else {
      throw IngestError(.corrupt, "info.txt has no valid 'Sample Rate'", path: path)
    }
    rate = fs
    let serial = meta.values["Serial Number"] ?? ""
    var s = meta.number("Acceleration Scale") ?? 0
    if s <= 0 { s = serial.hasPrefix("NEO") || serial.hasPrefix("CLE") ? 341 : 256 }
    scale = s
    startTime = meta.date("Start Date") ?? 0
    if let e = a["log.bin"] {
      entry = e
      nhanes = false
    } else if let e = a["activity.bin"] {
      entry = e
      nhanes = true
    } else {
      throw IngestError(.corrupt, "the archive has neither log.bin nor activity.bin", path: path)
    }
    info = RecordingInfo(sampleRateHz: fs, startTimeUnixS: startTime, hasGyroscope: false)
    report = IngestReport(format: "gt3x")
    report.sampleRateHz = fs
    report.nominalRateHz = fs
    report.unitsDetected = "g"
    report.unitsSource = "format"
    report.timestampUnit = "device-local"
    report.columns = ["serial": serial, "device": meta.values["Device Type"] ?? "", "scale": String(s)]
    report.warnings.append("timestamps are the device's local wall-clock (TimeZone \(meta.values["TimeZone"] ?? "unknown")), not UTC")
    resampler = Resampler(blockSize: 4096)
    resampler.rateHz = fs
  }

  /// The next block of resampled samples in m/s², or `nil` at the end of the activity data.
  public func nextBlock() throws -> SampleBlock? {
    while true {
      if let b = resampler.takeReadyBlock() { return b }
      if done { return nil }
      if !extracted {
        // Why a producer thread: ZIPFoundation only pushes. `Archive.extract`
        // and `Data.decompress` both inflate in one call that hands every
        // chunk to a consumer closure; its zlib module (CZlib) is not a
        // product we can import, and a pull inflater would mean a new
        // dependency. Calling extract here would either hold the whole
        // recording's samples (a week-long log.bin: gigabytes) or need the
        // caller to stop mid-call. So one thread runs extract and hands the
        // chunks over through `ChunkPipe` (one lock, back-pressure). Bound:
        // at most `capacity` (8) chunks of `bufferSize` (64 KiB) in flight,
        // 512 KiB of inflated data, plus `pending` (under one log record)
        // and the resampler's blocks — independent of the file's size.
        extracted = true
        let box = UncheckedBox((archive, entry, pipe))
        let t = Thread {
          let (archive, entry, pipe) = box.value
          do {
            _ = try archive.extract(entry, bufferSize: Self.chunkBytes, skipCRC32: false) { try pipe.put($0) }
            pipe.close(error: nil)
          } catch {
            pipe.close(error: "\(error)")
          }
        }
        t.start()
      }
      if let chunk = pipe.take() {
        consume(chunk)
      } else {
        if let e = pipe.error {
          report.warnings.append("\(entry.path) could not be fully decompressed (\(e)); the samples before the damage are kept")
        }
        finish()
      }
    }
  }

  deinit { pipe.cancel() }

  private func consume(_ data: Data) {
    pending += data
    if nhanes { parseActivityBin() } else { parseLog() }
  }

  /// Pushes one sample (counts) at `t` seconds after the start.
  private func push(_ x: Double, _ y: Double, _ z: Double, at t: Double) {
    guard t > lastSampleTime else { return }
    lastSampleTime = t
    let g = Double(standardGravity) / scale
    resampler.push(timeS: t, acc: SIMD3(Float(x * g), Float(y * g), Float(z * g)), gyro: .zero)
    report.records += 1
  }

  /// 12-bit two's complement values packed most-significant-first, two per
  /// three bytes (`a = b0<<4 | b1>>4`, `b = (b1&0xF)<<8 | b2`).
  private static func unpack12(_ p: ArraySlice<UInt8>, count: Int) -> [Double] {
    var out: [Double] = []
    out.reserveCapacity(count)
    var i = p.startIndex
    while out.count + 2 <= count, i + 2 < p.endIndex {
      let a = Int(p[i]) << 4 | Int(p[i + 1]) >> 4
      let b = (Int(p[i + 1]) & 0xF) << 8 | Int(p[i + 2])
      out.append(Double(a >= 2048 ? a - 4096 : a))
      out.append(Double(b >= 2048 ? b - 4096 : b))
      i += 3
    }
    if out.count < count, i + 1 < p.endIndex {
      let a = Int(p[i]) << 4 | Int(p[i + 1]) >> 4
      out.append(Double(a >= 2048 ? a - 4096 : a))
    }
    return out
  }

  private func parseLog() {
    var i = 0
    let n = pending.count
    while true {
      while i < n, pending[i] != 0x1E { i += 1 }
      guard i + 8 <= n else { break }
      let type = pending[i + 1]
      let ts = UInt32(pending[i + 2]) | UInt32(pending[i + 3]) << 8 | UInt32(pending[i + 4]) << 16 | UInt32(pending[i + 5]) << 24
      let size = Int(pending[i + 6]) | Int(pending[i + 7]) << 8
      guard i + 9 + size <= n else { break }
      var x: UInt8 = 0
      for k in i..<(i + 8 + size) { x ^= pending[k] }
      guard ~x == pending[i + 8 + size] else {
        badRecords += 1
        if badOffsets.count < Self.maxBadOffsets { badOffsets.append(consumed + i) }
        i += 1  // resync on the next separator
        continue
      }
      let payload = pending[(i + 8)..<(i + 8 + size)]
      if !anchored, type == 0x00 || type == 0x1A || type == 0x1B, size > 1 {
        // Time zero is the first second with samples (the start date may be
        // hours earlier, before the device was worn).
        anchored = true
        startTime = Double(ts)
        info.startTimeUnixS = startTime
      }
      let t0 = Double(ts) - startTime
      switch type {
      case 0x15:  // PARAMETERS: (address space 0, id 55) = ACCEL_SCALE as an SSP float.
        var k = payload.startIndex
        while k + 8 <= payload.endIndex {
          let space = Int(payload[k]) | Int(payload[k + 1]) << 8
          let id = Int(payload[k + 2]) | Int(payload[k + 3]) << 8
          let v = UInt32(payload[k + 4]) | UInt32(payload[k + 5]) << 8 | UInt32(payload[k + 6]) << 16 | UInt32(payload[k + 7]) << 24
          if space == 0 && id == 55 {
            let mantissa = Double(Int32(bitPattern: (v & 0xFF_FFFF) << 8) >> 8) / Double(1 << 23)
            let exponent = Int(Int8(bitPattern: UInt8(v >> 24)))
            let value = mantissa * pow(2, Double(exponent))
            if value > 0 { scale = value }
          }
          k += 8
        }
      case 0x1A where size > 1:  // ACTIVITY2: int16 LE X, Y, Z
        let count = size / 6
        for s in 0..<count {
          let o = payload.startIndex + 6 * s
          func w(_ k: Int) -> Double { Double(Int16(bitPattern: UInt16(payload[o + k]) | UInt16(payload[o + k + 1]) << 8)) }
          push(w(0), w(2), w(4), at: t0 + Double(s) / rate)
        }
      case 0x00 where size > 1, 0x1B where size > 1:  // ACTIVITY (Y,X,Z) / ACTIVITY3 (X,Y,Z), 12-bit
        let values = Self.unpack12(payload, count: size * 2 / 3)
        let samples = values.count / 3
        for s in 0..<samples {
          let a = values[3 * s], b = values[3 * s + 1], c = values[3 * s + 2]
          if type == 0x00 { push(b, a, c, at: t0 + Double(s) / rate) } else { push(a, b, c, at: t0 + Double(s) / rate) }
        }
      default:
        break
      }
      i += 9 + size
    }
    consumed += i
    pending.removeFirst(i)
  }

  /// NHANES-era activity.bin: a continuous 12-bit Y-X-Z stream from the start date.
  private func parseActivityBin() {
    let whole = pending.count / 9 * 9  // 9 bytes = 2 samples × 3 axes × 12 bits
    guard whole > 0 else { return }
    let values = Self.unpack12(pending[0..<whole], count: whole * 2 / 3)
    for s in 0..<(values.count / 3) {
      push(values[3 * s + 1], values[3 * s], values[3 * s + 2], at: Double(activityIndex) / rate)
      activityIndex += 1
    }
    consumed += whole
    pending.removeFirst(whole)
  }

  private func finish() {
    done = true
    resampler.finish(into: &report)
    report.skippedBlocks = badRecords
    report.skippedBlockOffsets = badOffsets
    report.columns["scale"] = String(scale)
    if badRecords > 0 {
      report.warnings.append("\(badRecords) log record(s) with a bad checksum skipped (offsets in log.bin: \(badOffsets.prefix(10).map(String.init).joined(separator: ", ")))")
    }
    if !pending.isEmpty { report.warnings.append("\(pending.count) bytes at the end of \(entry.path) are a truncated record") }
    if !report.gaps.isEmpty {
      let missing = report.gaps.reduce(0) { $0 + $1.durationS }
      report.warnings.append(String(format: "%d gap(s), %.0f s without samples (idle sleep or USB connection); not filled", report.gaps.count, missing))
    }
  }
}

/// Hands values to another thread. The caller guarantees that only one
/// thread uses the value at a time (here: the producer, after the hand-over).
struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

/// A bounded producer–consumer queue of data chunks (back-pressure: `put`
/// waits while `capacity` chunks are pending). Every field is read and
/// written only under `condition`'s one lock; the consumer going away
/// (`cancel`) makes the producer's next `put` throw, which ends the
/// extraction instead of inflating the rest of the entry for nobody.
final class ChunkPipe: @unchecked Sendable {
  /// Thrown by `put` once the consumer cancelled.
  struct Cancelled: Error {}

  private let condition = NSCondition()
  private var chunks: [Data] = []
  private var closed = false
  private var cancelled = false
  private var failure: String?
  /// Why the producer stopped early, once it closed the pipe.
  var error: String? {
    condition.lock()
    defer { condition.unlock() }
    return failure
  }
  let capacity: Int

  init(capacity: Int) { self.capacity = capacity }

  func put(_ data: Data) throws {
    condition.lock()
    defer { condition.unlock() }
    while chunks.count >= capacity && !cancelled { condition.wait() }
    guard !cancelled else { throw Cancelled() }
    chunks.append(data)
    condition.broadcast()
  }

  /// The next chunk, or `nil` once the producer closed and all were taken.
  func take() -> Data? {
    condition.lock()
    defer { condition.unlock() }
    while chunks.isEmpty && !closed { condition.wait() }
    guard !chunks.isEmpty else { return nil }
    let d = chunks.removeFirst()
    condition.broadcast()
    return d
  }

  func close(error: String?) {
    condition.lock()
    closed = true
    failure = error
    condition.broadcast()
    condition.unlock()
  }

  /// The consumer is gone: the producer stops waiting.
  func cancel() {
    condition.lock()
    cancelled = true
    chunks.removeAll()
    condition.broadcast()
    condition.unlock()
  }
}
