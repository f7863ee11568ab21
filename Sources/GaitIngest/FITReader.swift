//===--- FITReader.swift --------------------------------------------------===//
// Garmin/Stryd FIT activities: the running dynamics a watch or pod measured,
// for comparison with gaitline's own metrics (Garmin FIT SDK profile: record and
// session messages, running-dynamics fields).
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore

/// Running dynamics of one FIT `record` (message 20) or the session
/// averages (message 18). `nil` where the device did not record a field.
public struct FITDynamics: Sendable, Hashable {
  /// Seconds since 1970 (FIT time + 631 065 600).
  public var timestampUnixS: Double?
  /// Steps per minute, both feet: FIT stores strides/min (cadence +
  /// fractional_cadence / 128), so this is 2 × that.
  public var cadenceSpm: Double?
  /// Vertical oscillation, mm (record field 39, session 89).
  public var verticalOscillationMm: Double?
  /// Ground contact (stance) time, ms.
  public var stanceTimeMs: Double?
  /// Stance time as a share of the stride time, %.
  public var stanceTimePercent: Double?
  /// Left share of stance time, % (Garmin "GCT balance").
  public var stanceTimeBalanceLeftPct: Double?
  /// Step length, mm (one footfall to the next, despite Garmin's "stride" wording elsewhere).
  public var stepLengthMm: Double?
  /// Vertical oscillation / step length × 100, %.
  public var verticalRatioPct: Double?
  /// Speed, m/s (enhanced speed when present, else speed).
  public var speedMps: Double?
  /// Distance from the start of the activity, m (record field 5).
  public var distanceM: Double?
  /// Position, degrees (record fields 0 and 1, semicircles).
  public var latitudeDeg: Double?
  /// Longitude, degrees (record field 1).
  public var longitudeDeg: Double?
}

/// What a FIT activity says about running form.
public struct FITActivity: Sendable {
  /// At most this many `record` messages are kept (5.8 days at one a
  /// second, 72 MB); the rest are counted in a warning. Without a cap, a
  /// file of one-byte empty record messages would take 144 bytes of memory
  /// per byte of input.
  public static let maxRecords = 500_000
  /// The `record` messages in file order, at most ``maxRecords``.
  public var records: [FITDynamics] = []
  /// The `session` message's averages, when the file has one.
  public var session: FITDynamics?
  /// Warnings such as a CRC mismatch.
  public var warnings: [String] = []

  /// Median of a field over the records (`Statistics.median(_:)`).
  public func median(_ key: KeyPath<FITDynamics, Double?>) -> Double? {
    Statistics.median(records.compactMap { $0[keyPath: key] })
  }
}

/// Decodes the running-dynamics messages of a FIT file: definition and data
/// messages (either byte order), developer fields skipped, compressed
/// timestamp headers, invalid (all-ones) values as missing, and the header
/// and file CRC-16 checked (a mismatch is a warning; a truncated file is an
/// error naming the byte offset).
public func readFIT(path: String) throws -> FITActivity {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw IngestError(.fileNotFound, "no such file; check the path", path: path)
  }
  let b = [UInt8](data)
  guard b.count >= 12, b.count >= Int(b[0]) else {
    throw IngestError(.truncated, "too short for a FIT header", path: path, byteOffset: b.count)
  }
  let headerSize = Int(b[0])
  guard headerSize == 12 || headerSize == 14, b[8] == 0x2E, b[9] == 0x46, b[10] == 0x49, b[11] == 0x54 else {
    throw IngestError(.badMagic, "not a FIT file (no '.FIT' in the header)", path: path, byteOffset: 8)
  }
  let dataSize = Int(UInt32(b[4]) | UInt32(b[5]) << 8 | UInt32(b[6]) << 16 | UInt32(b[7]) << 24)
  let end = headerSize + dataSize
  guard end <= b.count else {
    throw IngestError(.truncated, "the header declares \(dataSize) data bytes but the file ends at byte \(b.count)", path: path, byteOffset: b.count)
  }
  var activity = FITActivity()
  if headerSize == 14 {
    let stored = UInt16(b[12]) | UInt16(b[13]) << 8
    if stored != 0 && stored != fitCRC(b[0..<12]) { activity.warnings.append("header CRC mismatch") }
  }
  if end + 2 <= b.count {
    let stored = UInt16(b[end]) | UInt16(b[end + 1]) << 8
    if stored != fitCRC(b[0..<end]) { activity.warnings.append("file CRC mismatch: the file may be damaged") }
  }
  struct Field { var number: UInt8; var size: Int }
  struct Definition { var global: UInt16; var bigEndian: Bool; var fields: [Field]; var developerBytes: Int }
  var definitions: [UInt8: Definition] = [:]
  var lastTimestamp: UInt32 = 0
  var droppedRecords = 0
  var i = headerSize
  while i < end {
    let h = b[i]
    i += 1
    if h & 0x80 != 0 {
      // Compressed timestamp header.
      let local = (h >> 5) & 0x3
      let offset = UInt32(h & 0x1F)
      var ts = (lastTimestamp & ~0x1F) | offset
      if offset < (lastTimestamp & 0x1F) { ts &+= 0x20 }
      lastTimestamp = ts
      guard let def = definitions[local] else {
        throw IngestError(.corrupt, "data message for undefined local type \(local)", path: path, byteOffset: i - 1)
      }
      try decodeData(def: def, timestamp: ts)
      continue
    }
    let local = h & 0x0F
    if h & 0x40 != 0 {
      guard i + 5 <= end else { throw IngestError(.truncated, "definition cut short", path: path, byteOffset: i) }
      let bigEndian = b[i + 1] == 1
      let global = bigEndian ? UInt16(b[i + 2]) << 8 | UInt16(b[i + 3]) : UInt16(b[i + 2]) | UInt16(b[i + 3]) << 8
      let n = Int(b[i + 4])
      i += 5
      guard i + 3 * n <= end else { throw IngestError(.truncated, "definition cut short", path: path, byteOffset: i) }
      var fields: [Field] = []
      for k in 0..<n { fields.append(Field(number: b[i + 3 * k], size: Int(b[i + 3 * k + 1]))) }
      i += 3 * n
      var dev = 0
      if h & 0x20 != 0 {
        guard i < end else { throw IngestError(.truncated, "definition cut short", path: path, byteOffset: i) }
        let nd = Int(b[i])
        i += 1
        guard i + 3 * nd <= end else { throw IngestError(.truncated, "definition cut short", path: path, byteOffset: i) }
        for k in 0..<nd { dev += Int(b[i + 3 * k + 1]) }
        i += 3 * nd
      }
      definitions[local] = Definition(global: global, bigEndian: bigEndian, fields: fields, developerBytes: dev)
    } else {
      guard let def = definitions[local] else {
        throw IngestError(.corrupt, "data message for undefined local type \(local)", path: path, byteOffset: i - 1)
      }
      try decodeData(def: def, timestamp: nil)
    }
  }
  if droppedRecords > 0 {
    activity.warnings.append("\(droppedRecords) record messages after the first \(FITActivity.maxRecords) were not kept (a bound on memory); medians use the first \(FITActivity.maxRecords)")
  }

  func decodeData(def: Definition, timestamp: UInt32?) throws {
    let size = def.fields.reduce(0) { $0 + $1.size } + def.developerBytes
    guard i + size <= end else {
      throw IngestError(.truncated, "data message cut short", path: path, byteOffset: i)
    }
    var values: [UInt8: UInt64] = [:]
    var o = i
    for f in def.fields {
      if f.size == 1 || f.size == 2 || f.size == 4 {
        var v: UInt64 = 0
        for k in 0..<f.size {
          let byte = UInt64(b[o + (def.bigEndian ? f.size - 1 - k : k)])
          v |= byte << (8 * UInt64(k))
        }
        let invalid: UInt64 = f.size == 1 ? 0xFF : f.size == 2 ? 0xFFFF : 0xFFFF_FFFF
        if v != invalid { values[f.number] = v }
      }
      o += f.size
    }
    i += size
    if let ts = values[253] { lastTimestamp = UInt32(ts) }
    guard def.global == 20 || def.global == 18 else { return }
    func scaled(_ n: UInt8, _ s: Double) -> Double? { values[n].map { Double($0) / s } }
    let f = def.global == 20 ? FITFieldNumbers.record : FITFieldNumbers.session
    var d = FITDynamics()
    let ts = values[253].map { UInt32($0) } ?? timestamp
    d.timestampUnixS = ts.map { Double($0) + 631_065_600 }
    if let c = scaled(f.cadence, 1) { d.cadenceSpm = 2 * (c + (scaled(f.fractionalCadence, 128) ?? 0)) }
    d.verticalOscillationMm = scaled(f.verticalOscillation, 10)
    d.stanceTimePercent = scaled(f.stanceTimePercent, 100)
    d.stanceTimeMs = scaled(f.stanceTime, 10)
    d.verticalRatioPct = scaled(f.verticalRatio, 100)
    d.stanceTimeBalanceLeftPct = scaled(f.stanceTimeBalance, 100)
    d.stepLengthMm = scaled(f.stepLength, 10)
    d.speedMps = scaled(f.enhancedSpeed, 1000) ?? scaled(f.speed, 1000)
    if def.global == 20 {
      d.distanceM = scaled(5, 100)
      // sint32 semicircles; 0x7FFFFFFF is FIT's invalid value for sint32.
      func semicircles(_ n: UInt8) -> Double? {
        guard let v = values[n], v != 0x7FFF_FFFF else { return nil }
        return Double(Int32(truncatingIfNeeded: UInt32(truncatingIfNeeded: v))) * (180 / 2_147_483_648)
      }
      d.latitudeDeg = semicircles(0)
      d.longitudeDeg = semicircles(1)
      if activity.records.count < FITActivity.maxRecords { activity.records.append(d) } else { droppedRecords += 1 }
    } else {
      activity.session = d
    }
  }
  return activity
}

/// The field numbers of the running-dynamics fields, which the FIT profile
/// numbers differently in a `record` (message 20) and in the `session`
/// averages (message 18).
private struct FITFieldNumbers {
  var cadence: UInt8, fractionalCadence: UInt8, verticalOscillation: UInt8, stanceTimePercent: UInt8
  var stanceTime: UInt8, verticalRatio: UInt8, stanceTimeBalance: UInt8, stepLength: UInt8
  var enhancedSpeed: UInt8, speed: UInt8

  static let record = FITFieldNumbers(
    cadence: 4, fractionalCadence: 53, verticalOscillation: 39, stanceTimePercent: 40, stanceTime: 41,
    verticalRatio: 83, stanceTimeBalance: 84, stepLength: 85, enhancedSpeed: 73, speed: 6)
  static let session = FITFieldNumbers(
    cadence: 18, fractionalCadence: 92, verticalOscillation: 89, stanceTimePercent: 90, stanceTime: 91,
    verticalRatio: 132, stanceTimeBalance: 133, stepLength: 134, enhancedSpeed: 124, speed: 14)
}

/// FIT's CRC-16 (nibble table from the FIT SDK's crc_calculator).
func fitCRC(_ bytes: ArraySlice<UInt8>) -> UInt16 {
  let table: [UInt16] = [0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
                         0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400]
  var crc: UInt16 = 0
  for byte in bytes {
    var tmp = table[Int(crc & 0xF)]
    crc = (crc >> 4) & 0x0FFF
    crc = crc ^ tmp ^ table[Int(byte & 0xF)]
    tmp = table[Int(crc & 0xF)]
    crc = (crc >> 4) & 0x0FFF
    crc = crc ^ tmp ^ table[Int((byte >> 4) & 0xF)]
  }
  return crc
}
