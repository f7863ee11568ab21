//===--- TrackFixtures.swift ----------------------------------------------===//
// Makes the watch-track fixtures of Tests/Fixtures/track (README.md there):
// a bundled treadmill trial given a clock time, and the GPX, TCX and FIT a
// watch would have recorded of it — a straight line due north at the
// treadmill's speed — plus a tiny FIT encoder (header, definition and data
// messages, CRC-16).
//===----------------------------------------------------------------------===//
import Foundation

/// The fixture run: SampleData/alcantara-sacrum-run/trial_06 (treadmill
/// 4.17 m/s, level) whose first sample is at 2026-05-03T07:00:00Z.
public enum TrackFixture {
  /// 2026-05-03T07:00:00Z.
  public static let recordingStartUnixS = 1_777_791_600.0
  public static let speedMps = 4.17
  /// The watch started this long before the recording, so the first
  /// kilometre ends 7.54 m (1.808 s) into the recording.
  public static let leadS = 238.0
  /// The track runs from `recordingStart − leadS` to `recordingStart + tailS`, one point a second.
  public static let tailS = 12.0
  public static let startLatitude = 47.0
  public static let longitude = 8.0
  /// The radius the haversine distance uses (mean Earth radius, IUGG).
  public static let earthRadiusM = 6_371_008.8

  public static var trackStartUnixS: Double { recordingStartUnixS - leadS }
  public static var pointCount: Int { Int(leadS + tailS) + 1 }
  /// Track distance at the recording's first sample: 992.46 m.
  public static var distanceAtRecordingStartM: Double { leadS * speedMps }

  static func latitude(_ k: Int) -> Double {
    startLatitude + Double(k) * speedMps / earthRadiusM * 180 / Double.pi
  }

  static func iso(_ unixS: Double) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    f.timeZone = TimeZone(identifier: "UTC")
    return f.string(from: Date(timeIntervalSince1970: unixS))
  }

  /// The recording: trial_06's vertical and AP columns, time as Unix seconds.
  public static func recordingCSV(trial: String) throws -> String {
    let text = try String(contentsOfFile: trial, encoding: .utf8)
    var out = "time_s,acc_v_g,acc_ap_g\n"
    for line in text.split(separator: "\n").dropFirst() {
      let c = line.split(separator: ",")
      guard c.count >= 3, let t = Double(c[0]) else { continue }
      out += String(format: "%.3f", recordingStartUnixS + t) + ",\(c[1]),\(c[2])\n"
    }
    return out
  }

  public static func gpx() -> String {
    var s = """
    <?xml version="1.0" encoding="UTF-8"?>
    <gpx version="1.1" creator="gaitline test fixture" xmlns="http://www.topografix.com/GPX/1/1">
      <metadata><time>\(iso(trackStartUnixS))</time></metadata>
      <trk><name>treadmill trial 06 as a straight line</name><trkseg>

    """
    for k in 0..<pointCount {
      s += String(format: "      <trkpt lat=\"%.9f\" lon=\"%.9f\"><ele>400.0</ele><time>%@</time></trkpt>\n",
                  latitude(k), longitude, iso(trackStartUnixS + Double(k)))
    }
    s += "  </trkseg></trk>\n</gpx>\n"
    return s
  }

  public static func tcx() -> String {
    var s = """
    <?xml version="1.0" encoding="UTF-8"?>
    <TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">
      <Activities><Activity Sport="Running"><Id>\(iso(trackStartUnixS))</Id>
        <Lap StartTime="\(iso(trackStartUnixS))"><TotalTimeSeconds>\(Int(leadS + tailS))</TotalTimeSeconds><DistanceMeters>\(String(format: "%.2f", (leadS + tailS) * speedMps))</DistanceMeters><Track>

    """
    for k in 0..<pointCount {
      s += String(format: """
              <Trackpoint><Time>%@</Time><Position><LatitudeDegrees>%.9f</LatitudeDegrees><LongitudeDegrees>%.9f</LongitudeDegrees></Position><DistanceMeters>%.2f</DistanceMeters><Extensions><ns3:TPX><ns3:Speed>%.2f</ns3:Speed></ns3:TPX></Extensions></Trackpoint>

      """, iso(trackStartUnixS + Double(k)), latitude(k), longitude, Double(k) * speedMps, speedMps)
    }
    s += "      </Track></Lap>\n    </Activity></Activities>\n</TrainingCenterDatabase>\n"
    return s
  }

  /// FIT activity: a file_id message and one `record` per second with
  /// timestamp (253), position_lat/long (0, 1; semicircles), distance (5;
  /// 1/100 m) and enhanced_speed (73; 1/1000 m/s).
  public static func fit() -> [UInt8] {
    var e = FITEncoder()
    // file_id (0): type (0) = 4 activity, manufacturer (1) = 255 development.
    e.define(local: 0, global: 0, fields: [(0, 1, 0x00), (1, 2, 0x84)])
    e.data(local: 0, [4, 255])
    e.define(local: 1, global: 20, fields: [(253, 4, 0x86), (0, 4, 0x85), (1, 4, 0x85), (5, 4, 0x86), (73, 4, 0x86)])
    for k in 0..<pointCount {
      let ts = UInt64(trackStartUnixS - 631_065_600) + UInt64(k)
      func semicircles(_ deg: Double) -> UInt64 { UInt64(UInt32(bitPattern: Int32((deg * 2_147_483_648 / 180).rounded()))) }
      e.data(local: 1, [ts, semicircles(latitude(k)), semicircles(longitude), UInt64((Double(k) * speedMps * 100).rounded()),
                        UInt64((speedMps * 1000).rounded())])
    }
    return e.file()
  }
}

/// The smallest FIT writer the fixtures need: a 14-byte header, definition
/// and data messages (little-endian), the file CRC.
public struct FITEncoder {
  private var fields: [UInt8: [Int]] = [:]
  private var body: [UInt8] = []

  public init() {}

  /// Defines local message `local` as global `global` with (field number,
  /// size, base type) fields.
  public mutating func define(local: UInt8, global: UInt16, fields f: [(UInt8, Int, UInt8)]) {
    body += [0x40 | local, 0, 0, UInt8(global & 0xFF), UInt8(global >> 8), UInt8(f.count)]
    for (n, size, type) in f { body += [n, UInt8(size), type] }
    fields[local] = f.map { $0.1 }
  }

  /// A data message of `local` with one value per defined field.
  public mutating func data(local: UInt8, _ values: [UInt64]) {
    body.append(local)
    for (v, size) in zip(values, fields[local]!) {
      for k in 0..<size { body.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) }
    }
  }

  /// Header + messages + CRC.
  public func file() -> [UInt8] {
    let n = UInt32(body.count)
    var header: [UInt8] = [14, 0x20, 0x08, 0x08, UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24), 0x2E, 0x46, 0x49, 0x54]
    let hc = Self.crc(header)
    header += [UInt8(hc & 0xFF), UInt8(hc >> 8)]
    var out = header + body
    let c = Self.crc(out)
    out += [UInt8(c & 0xFF), UInt8(c >> 8)]
    return out
  }

  /// CRC-16/ARC (polynomial 0xA001 reflected), bit by bit: the CRC the FIT
  /// protocol specifies (its SDK computes it with a nibble table).
  public static func crc(_ bytes: [UInt8]) -> UInt16 {
    var crc: UInt16 = 0
    for b in bytes {
      crc ^= UInt16(b)
      for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
    }
    return crc
  }
}
