//===--- CWAReader.swift --------------------------------------------------===//
// Axivity AX3/AX6 .cwa files (layout: Open Movement cwa.h, digitalinteraction/openmovement).
//===----------------------------------------------------------------------===//
import GaitCore
import Foundation

/// One decoded data sector of a `.cwa` file: raw samples with their times.
public struct CWASector: Sendable {
  /// Byte offset of the sector in the file.
  public var offset: Int
  /// The sector's sequence number; a break in it is a gap.
  public var sequenceId: UInt32
  /// Acceleration in g, per sample (x, y, z).
  public var accelG: [SIMD3<Float>]
  /// Angular velocity in deg/s (AX6), per sample.
  public var gyroDps: [SIMD3<Float>]
  /// Time anchor: sample `anchorIndex` of this sector is at `anchorTime` (Unix s, device clock).
  public var anchorIndex: Double
  /// Time of sample ``anchorIndex``, Unix s on the device clock.
  public var anchorTime: Double
}

/// Reads `.cwa` sectors one at a time (a week-long file is never loaded
/// whole). A sector is valid when it starts with "AX", declares 508 bytes,
/// its 256 little-endian 16-bit words sum to 0 mod 2¹⁶, and it has the same
/// layout and rate code as the first valid sector; invalid sectors are
/// skipped, counted and their offsets kept, and reading goes on.
public struct CWASectorReader {
  /// The file being read.
  public let path: String
  /// The rate code of the file header (cwa.h: low nibble the rate, 3200 / 2^(15 − n) Hz; top
  /// two bits the range).
  public let sampleRateCode: UInt8
  /// The nominal sample rate from the rate code, Hz.
  public let nominalRateHz: Double
  /// The accelerometer range from the rate code's top two bits, ± g.
  public let rangeG: Float
  /// Whether the sectors hold a gyroscope (AX6, six axes).
  public let hasGyroscope: Bool
  /// The metadata text of the file header (study, subject annotations).
  public let metadata: String
  /// The device identifier from the file header.
  public let deviceId: UInt32
  /// Byte offsets of the sectors skipped as invalid so far.
  public private(set) var skippedOffsets: [Int] = []
  private let handle: FileHandle
  private var offset: Int
  private var buffer: [UInt8] = []
  private var bufferStart = 0
  private var layout: (UInt8, UInt8)?  // (rate code, numAxesBPS) of the first valid sector
  private var firstSector: Int

  /// Opens `path` and reads its header; throws ``IngestError`` when it is missing or not a
  /// `.cwa` file.
  public init(path: String) throws {
    self.path = path
    guard let h = FileHandle(forReadingAtPath: path) else {
      throw IngestError(.fileNotFound, "no such file; check the path", path: path)
    }
    handle = h
    let head = [UInt8]((try? h.read(upToCount: 1024)) ?? Data())
    guard head.count >= 2 else { throw IngestError(.emptyFile, "the file is empty", path: path) }
    guard head[0] == 0x4D, head[1] == 0x44 else {
      throw IngestError(.badMagic, "not an Axivity .cwa file (no 'MD' header)", path: path, byteOffset: 0)
    }
    guard head.count >= 512 else {
      throw IngestError(.truncated, "the file ends inside the 1024-byte header (\(head.count) bytes)", path: path, byteOffset: head.count)
    }
    func u16(_ o: Int) -> Int { Int(head[o]) | Int(head[o + 1]) << 8 }
    let packetLength = u16(2)
    firstSector = ((packetLength + 4 + 511) / 512) * 512
    guard head.count >= min(firstSector, 1024) else {
      throw IngestError(.truncated, "the file ends inside the \(min(firstSector, 1024))-byte header (\(head.count) bytes)",
                        path: path, byteOffset: head.count)
    }
    let code = head[36]
    sampleRateCode = code
    nominalRateHz = 3200 / Double(1 << (15 - Int(code & 0x0F)))
    rangeG = Float(16 >> Int(code >> 6))
    let sensorConfig = head[35]
    hasGyroscope = sensorConfig != 0 && sensorConfig != 0xFF
    var upper = UInt32(u16(11))
    if upper == 0xFFFF { upper = 0 }
    deviceId = UInt32(u16(5)) | upper << 16
    let annotation = head.count >= 512 ? Array(head[64..<512]) : []
    var text = String(decoding: annotation, as: UTF8.self)
    while let last = text.last, last == " " || last == "\u{0}" || last == "\u{FF}" || last == "\u{FFFD}" { text.removeLast() }
    metadata = text
    offset = firstSector
    try h.seek(toOffset: UInt64(firstSector))
  }

  /// Decodes a packed RTC timestamp (cwa.h: 6 bits year−2000, 4 month, 5 day,
  /// 5 hours, 6 minutes, 6 seconds) to Unix seconds.
  static func unixTime(_ v: UInt32) -> Double {
    var c = DateComponents()
    c.year = 2000 + Int(v >> 26); c.month = Int((v >> 22) & 0xF); c.day = Int((v >> 17) & 0x1F)
    c.hour = Int((v >> 12) & 0x1F); c.minute = Int((v >> 6) & 0x3F); c.second = Int(v & 0x3F)
    c.timeZone = TimeZone(identifier: "UTC")
    return Calendar(identifier: .gregorian).date(from: c)?.timeIntervalSince1970 ?? 0
  }

  /// The next valid sector, or `nil` at the end of the file.
  public mutating func next() throws -> CWASector? {
    while true {
      if buffer.count - bufferStart < 512 {
        let more = [UInt8]((try handle.read(upToCount: 512 * 256)) ?? Data())
        buffer = Array(buffer[bufferStart...]) + more
        bufferStart = 0
        if buffer.count < 512 {
          if !buffer.isEmpty { skippedOffsets.append(offset) }
          return nil
        }
      }
      let s = bufferStart
      let sectorOffset = offset
      bufferStart += 512
      offset += 512
      if let sector = decode(at: s, offset: sectorOffset) { return sector }
      skippedOffsets.append(sectorOffset)
    }
  }

  private mutating func decode(at s: Int, offset: Int) -> CWASector? {
    buffer.withUnsafeBytes { raw -> CWASector? in
      let p = UnsafeRawBufferPointer(rebasing: raw[s..<(s + 512)])
      func u8(_ o: Int) -> UInt8 { p[o] }
      func u16(_ o: Int) -> UInt16 { p.loadUnaligned(fromByteOffset: o, as: UInt16.self).littleEndian }
      func u32(_ o: Int) -> UInt32 { p.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian }
      guard u8(0) == 0x41, u8(1) == 0x58, u16(2) == 508 else { return nil }
      var sum: UInt16 = 0
      for k in 0..<256 { sum &+= u16(2 * k) }
      guard sum == 0 else { return nil }
      let rate = u8(24), axes = u8(25)
      if let layout, layout != (rate, axes) { return nil }
      let channels = Int(axes >> 4), bps = Int(axes & 0x0F)
      guard channels == 3 || channels == 6 || channels == 9, bps == 0 || bps == 2 else { return nil }
      if bps == 0 && channels != 3 { return nil }
      let count = Int(u16(28))
      let perSample = bps == 0 ? 4 : 2 * channels
      guard count * perSample <= 480 else { return nil }
      if layout == nil { layout = (rate, axes) }
      let lightScale = u16(18)
      let accelShift = bps == 0 ? 0 : Int(lightScale >> 13)
      let accelScale = 1 / Float(1 << (8 + accelShift))
      let gyroCode = Int((lightScale >> 10) & 0x7)
      let gyroScale = Float(8000 >> (gyroCode == 0 ? 2 : gyroCode)) / 32768
      var accel: [SIMD3<Float>] = []
      var gyro: [SIMD3<Float>] = []
      accel.reserveCapacity(count)
      for i in 0..<count {
        if bps == 0 {
          let v = u32(30 + 4 * i)
          let e = Int32(v >> 30)
          func sext(_ u: UInt32) -> Int32 { (Int32(u & 0x3FF) ^ 0x200) - 0x200 }
          let x = sext(v) << e, y = sext(v >> 10) << e, z = sext(v >> 20) << e
          accel.append(SIMD3(Float(x), Float(y), Float(z)) / 256)
        } else {
          let base = 30 + i * perSample
          func w(_ k: Int) -> Float { Float(Int16(bitPattern: u16(base + 2 * k))) }
          if channels >= 6 {
            gyro.append(SIMD3(w(0), w(1), w(2)) * gyroScale)
            accel.append(SIMD3(w(3), w(4), w(5)) * accelScale)
          } else {
            accel.append(SIMD3(w(0), w(1), w(2)) * accelScale)
          }
        }
      }
      // Time anchor (cwa_load.py `_parse_times`).
      let fs = 3200 / Double(1 << (15 - Int(rate & 0x0F)))
      let fractional = u16(4)
      let ts = Self.unixTime(u32(14))
      let tsOffset = Double(Int16(bitPattern: u16(26)))
      var anchorTime = ts, anchorIndex = tsOffset
      if fractional & 0x8000 != 0 {
        let f = Int(fractional & 0x7FFF) << 1
        anchorTime = ts + Double(f) / 65536
        anchorIndex = tsOffset + Double((f * Int(fs)) >> 16)
      }
      return CWASector(offset: offset, sequenceId: u32(10), accelG: accel, gyroDps: gyro,
                       anchorIndex: anchorIndex, anchorTime: anchorTime)
    }
  }
}

/// A `.cwa` file as a ``SampleSource``: samples are timed by linear
/// interpolation between the sector anchors (real rates drift from nominal:
/// a file coded 200 Hz may run at 189 Hz) and put on a uniform grid at the
/// measured rate; a skipped sector or a sequence break is a gap.
public final class CWAReader: SampleSource {
  /// The recording's description: the measured rate, range and gyroscope.
  public private(set) var info: RecordingInfo
  /// What was read so far: rates, units, skipped sectors, gaps.
  public private(set) var report: IngestReport
  /// The file being read.
  public let path: String
  private var sectors: CWASectorReader
  private var resampler: Resampler
  private var previous: CWASector?
  private var previousStartTime = 0.0
  private var t0: Double?
  private var done = false

  /// Opens `path`, reads its header and measures the real sample rate from the first two
  /// valid sectors.
  public init(path: String) throws {
    self.path = path
    sectors = try CWASectorReader(path: path)
    // The measured rate from the first and last valid sectors (two short
    // reads), so the grid follows the device's real clock.
    var probe = try CWASectorReader(path: path)
    var firstTwo: [CWASector] = []
    var samplesBefore = 0
    while firstTwo.count < 2, let s = try probe.next() {
      if firstTwo.isEmpty { samplesBefore = 0 } else { samplesBefore = firstTwo[0].accelG.count }
      firstTwo.append(s)
    }
    var rate = sectors.nominalRateHz
    if firstTwo.count == 2 {
      let span = firstTwo[1].anchorTime - firstTwo[0].anchorTime
      let samples = Double(samplesBefore) + firstTwo[1].anchorIndex - firstTwo[0].anchorIndex
      if span > 0, samples > 0 {
        let measured = samples / span
        if abs(measured - rate) / rate < 0.2 { rate = measured }
      }
    }
    info = RecordingInfo(sampleRateHz: rate, hasGyroscope: sectors.hasGyroscope, accelerometerRangeG: sectors.rangeG)
    report = IngestReport(format: "cwa")
    report.sampleRateHz = rate
    report.nominalRateHz = sectors.nominalRateHz
    report.unitsDetected = "g"
    report.unitsSource = "format"
    report.gyroUnits = sectors.hasGyroscope ? "deg/s" : nil
    report.timestampUnit = "cwa-rtc"
    report.columns = ["device": String(sectors.deviceId), "metadata": sectors.metadata]
    resampler = Resampler(blockSize: 4096)
    resampler.rateHz = rate
    resampler.hasGyro = sectors.hasGyroscope
  }

  /// The next block of resampled samples in m/s² and rad/s, or `nil` at the end of the file.
  public func nextBlock() throws -> SampleBlock? {
    while true {
      if let b = resampler.takeReadyBlock() { return b }
      if done { return nil }
      guard let s = try sectors.next() else {
        if let last = previous { emit(last, nextAnchor: nil) }
        finish()
        continue
      }
      if let prev = previous {
        let consecutive = s.sequenceId == prev.sequenceId &+ 1
        emit(prev, nextAnchor: consecutive ? s : nil)
      } else {
        info.startTimeUnixS = s.anchorTime - s.anchorIndex / info.sampleRateHz
        t0 = info.startTimeUnixS
      }
      previous = s
    }
  }

  /// Pushes a sector's samples with times interpolated towards the next
  /// sector's anchor (or extrapolated at the measured rate).
  private func emit(_ s: CWASector, nextAnchor: CWASector?) {
    let n = s.accelG.count
    var dt = 1 / info.sampleRateHz
    if let next = nextAnchor {
      let samples = Double(n) - s.anchorIndex + next.anchorIndex
      let span = next.anchorTime - s.anchorTime
      if samples > 0, span > 0, abs(span / samples - dt) / dt < 0.2 { dt = span / samples }
    }
    let g = standardGravity
    let gyroScale = Float.pi / 180
    for i in 0..<n {
      let t = s.anchorTime + (Double(i) - s.anchorIndex) * dt - (t0 ?? 0)
      let a = s.accelG[i] * g
      let w = i < s.gyroDps.count ? s.gyroDps[i] * gyroScale : .zero
      if t <= resamplerLastTime { continue }  // a clock step backwards: drop rather than reorder
      resamplerLastTime = t
      resampler.push(timeS: t, acc: a, gyro: w)
      report.records += 1
    }
  }

  private var resamplerLastTime = -Double.infinity

  private func finish() {
    done = true
    resampler.finish(into: &report)
    report.skippedBlocks = sectors.skippedOffsets.count
    report.skippedBlockOffsets = sectors.skippedOffsets
    report.measuredRateHz = info.sampleRateHz
    if !sectors.skippedOffsets.isEmpty {
      report.warnings.append("\(sectors.skippedOffsets.count) damaged sector(s) skipped at byte offsets \(sectors.skippedOffsets.prefix(10).map(String.init).joined(separator: ", ")); the rest was recovered")
    }
    if !report.gaps.isEmpty {
      report.warnings.append("\(report.gaps.count) gap(s) in time (skipped sectors, logging pauses); analysis restarts after each")
    }
  }
}
