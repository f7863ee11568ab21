//===--- TrackReader.swift ------------------------------------------------===//
// Reads a watch track (GPX 1.1 `trkpt`, Garmin TCX `Trackpoint`, FIT
// `record` messages) into a ``Track``: time, distance and speed per point.
// GPX and TCX go through a small XML scanner (elements, attributes, text;
// comments, CDATA, processing instructions and DOCTYPE skipped) that counts
// lines for its errors; FIT through ``readFIT(path:)``.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore

/// At most this many track points are read (23 days at one a second, 580 MB
/// of input): memory stays bounded by the input, 24 bytes per point kept.
public let maxTrackPoints = 2_000_000

/// Reads a GPX, TCX or FIT track, chosen by the extension (`.gpx`, `.tcx`,
/// `.fit`) or, for other names, by the content.
public func readTrack(path: String) throws -> Track {
  var isDir: ObjCBool = false
  guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
    throw IngestError(.fileNotFound, "no such track file; check the path (--track takes the GPX, TCX or FIT file of the run)", path: path)
  }
  guard !isDir.boolValue else {
    throw IngestError(.unreadable, "is a folder; --track takes one GPX, TCX or FIT file", path: path)
  }
  let ext = (path as NSString).pathExtension.lowercased()
  if ext == "fit" { return try fitTrack(path: path) }
  guard let data = FileManager.default.contents(atPath: path) else {
    throw IngestError(.unreadable, "cannot read the track file; check its permissions", path: path)
  }
  if ext != "gpx" && ext != "tcx", data.count >= 12, data[8] == 0x2E, data[9] == 0x46, data[10] == 0x49, data[11] == 0x54 {
    return try fitTrack(path: path)
  }
  return try xmlTrack(bytes: [UInt8](data), path: path)
}

/// Parses an ISO-8601 date-time (`2026-05-03T07:00:00Z`, fractional
/// seconds, `±HH:MM` offsets; none = UTC) into Unix seconds.
public func parseISO8601Time(_ text: String) -> Double? {
  var s = text
  return s.withUTF8 { parseISO8601($0, 0, $0.count) }
}

/// Great-circle distance between two latitude/longitude points, m: the
/// haversine formula on a sphere of the Earth's mean radius (6 371 008.8 m).
public func haversineM(lat1: Double, lon1: Double, lat2: Double, lon2: Double) -> Double {
  let r = 6_371_008.8
  let rad = Double.pi / 180
  let s1 = sin((lat2 - lat1) * rad / 2), s2 = sin((lon2 - lon1) * rad / 2)
  let h = s1 * s1 + cos(lat1 * rad) * cos(lat2 * rad) * s2 * s2
  return 2 * r * asin(min(1, h.squareRoot()))
}

/// A point as a file gives it, before distances and speeds are settled.
struct RawTrackPoint {
  var time: Double?
  var latitude: Double?
  var longitude: Double?
  var distance: Double?
  var speed: Double?
  var line: Int = 0
}

/// Turns raw points into a ``Track``: drops points without time or out of
/// time order (with a warning), takes distance from the file when nearly all
/// points have it (else from positions), speed from the file when every
/// point has it (else from distance over ``Track/speedWindowS``).
func buildTrack(_ raw: [RawTrackPoint], format: String, path: String, what: String) throws -> Track {
  var warnings: [String] = []
  var pts = raw.filter { $0.time != nil }
  if pts.count < raw.count { warnings.append("\(raw.count - pts.count) \(what)s without a time were skipped") }
  var ordered: [RawTrackPoint] = []
  ordered.reserveCapacity(pts.count)
  var outOfOrder = 0
  for p in pts {
    if let last = ordered.last, p.time! <= last.time! { outOfOrder += 1; continue }
    ordered.append(p)
  }
  if outOfOrder > 0 { warnings.append("\(outOfOrder) \(what)s at or before the previous point's time were skipped") }
  pts = ordered
  let withDistance = pts.filter { $0.distance != nil }.count
  let withPosition = pts.filter { $0.latitude != nil && $0.longitude != nil }.count
  var distanceSource = "file"
  if pts.count >= 2, withDistance * 10 >= pts.count * 9 {
    if withDistance < pts.count { warnings.append("\(pts.count - withDistance) \(what)s without a distance were skipped") }
    pts = pts.filter { $0.distance != nil }
  } else if pts.count >= 2, withPosition >= 2 {
    distanceSource = "positions"
    if withPosition < pts.count { warnings.append("\(pts.count - withPosition) \(what)s without a position were skipped") }
    pts = pts.filter { $0.latitude != nil && $0.longitude != nil }
    var d = 0.0
    for k in pts.indices {
      if k > 0 {
        d += haversineM(lat1: pts[k - 1].latitude!, lon1: pts[k - 1].longitude!, lat2: pts[k].latitude!, lon2: pts[k].longitude!)
      }
      pts[k].distance = d
    }
  }
  guard pts.count >= 2 else {
    throw IngestError(.emptyFile,
      "the track has \(pts.count) \(what)(s) with a time and a position or distance; it needs at least 2. "
      + "Export the run's track (GPX, TCX or FIT) from the watch's app with its GPS or distance data", path: path)
  }
  // Distance never decreases (a device's distance can step back by
  // centimetres after a GPS correction).
  let times = pts.map { $0.time! }
  var distances = pts.map { $0.distance! }
  for k in 1..<distances.count where distances[k] < distances[k - 1] { distances[k] = distances[k - 1] }
  let speedSource: String
  let speeds: [Double]
  if pts.allSatisfy({ $0.speed != nil }) {
    speedSource = "file"
    speeds = pts.map { $0.speed! }
  } else {
    speedSource = "distance"
    speeds = Track.speedsFromDistance(times: times, distances: distances)
  }
  let points = (0..<pts.count).map { TrackPoint(timeUnixS: times[$0], distanceM: distances[$0] - distances[0], speedMps: speeds[$0]) }
  return Track(format: format, path: path, points: points, distanceSource: distanceSource, speedSource: speedSource, warnings: warnings)
}

/// A FIT activity's `record` messages as a track (``readFIT(path:)``).
func fitTrack(path: String) throws -> Track {
  let activity = try readFIT(path: path)
  let raw = activity.records.map {
    RawTrackPoint(time: $0.timestampUnixS, latitude: $0.latitudeDeg, longitude: $0.longitudeDeg, distance: $0.distanceM, speed: $0.speedMps)
  }
  guard !raw.isEmpty else {
    throw IngestError(.emptyFile, "the FIT file has no record messages (no track); export the activity itself from the watch", path: path)
  }
  var track = try buildTrack(raw, format: "fit", path: path, what: "record")
  track.warnings = activity.warnings + track.warnings
  return track
}

/// A GPX or TCX file as a track.
func xmlTrack(bytes: [UInt8], path: String) throws -> Track {
  var format: String?
  var stack: [String] = []
  var raw: [RawTrackPoint] = []
  var current: RawTrackPoint?
  var text: [UInt8] = []
  var capture = false
  func number(_ s: String, _ what: String, line: Int) throws -> Double {
    guard let v = Double(s.trimmingCharacters(in: .whitespacesAndNewlines)), v.isFinite else {
      throw IngestError(.malformedRecord, "\(what) '\(s.prefix(40))' is not a number", path: path, line: line)
    }
    return v
  }
  try scanXML(bytes, path: path) { event, line in
    switch event {
    case .start(let name, let attributes):
      if stack.isEmpty {
        switch name {
        case "gpx": format = "gpx"
        case "TrainingCenterDatabase": format = "tcx"
        default:
          throw IngestError(.badMagic,
            "the root element is <\(name.prefix(40))>, not <gpx> (GPX) or <TrainingCenterDatabase> (TCX); --track takes a GPX, TCX or FIT file",
            path: path, line: line)
        }
      }
      stack.append(name)
      if (format == "gpx" && name == "trkpt") || (format == "tcx" && name == "Trackpoint") {
        guard raw.count < maxTrackPoints else {
          throw IngestError(.corrupt, "more than \(maxTrackPoints) track points (a bound on memory); split the track", path: path, line: line)
        }
        var p = RawTrackPoint(line: line)
        if format == "gpx" {
          for (k, v) in attributes {
            if k == "lat" { p.latitude = try number(v, "latitude", line: line) }
            if k == "lon" { p.longitude = try number(v, "longitude", line: line) }
          }
          if let lat = p.latitude, let lon = p.longitude, abs(lat) > 90 || abs(lon) > 180 {
            throw IngestError(.malformedRecord, "latitude \(lat), longitude \(lon) is not a position on Earth", path: path, line: line)
          }
        }
        current = p
      }
      capture = current != nil && trackValueElements.contains(name)
      text.removeAll(keepingCapacity: true)
    case .text(let t):
      if capture, text.count < 256 { text.append(contentsOf: t) }
    case .end(let name):
      guard stack.last == name else {
        throw IngestError(.malformedRecord, "</\(name.prefix(40))> closes <\(stack.last ?? "nothing")>; the file is not well-formed XML", path: path, line: line)
      }
      stack.removeLast()
      if current != nil {
        let value = capture ? String(decoding: text, as: UTF8.self) : ""
        switch name {
        case "time", "Time":
          guard let t = parseISO8601Time(value.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw IngestError(.badTimestamps, "time '\(value.prefix(40))' is not an ISO-8601 date-time (2026-05-03T07:00:00Z)", path: path, line: line)
          }
          current!.time = t
        case "DistanceMeters": current!.distance = try number(value, "DistanceMeters", line: line)
        case "LatitudeDegrees": current!.latitude = try number(value, "LatitudeDegrees", line: line)
        case "LongitudeDegrees": current!.longitude = try number(value, "LongitudeDegrees", line: line)
        case "Speed": current!.speed = try number(value, "Speed", line: line)
        case "trkpt", "Trackpoint":
          raw.append(current!)
          current = nil
        default: break
        }
      }
      capture = false
      text.removeAll(keepingCapacity: true)
    }
  }
  guard let format else {
    throw IngestError(.emptyFile, "no XML elements: --track takes a GPX, TCX or FIT file", path: path)
  }
  guard stack.isEmpty else {
    throw IngestError(.truncated, "the file ends inside <\(stack.last!)>; it was cut short — export it again", path: path)
  }
  guard !raw.isEmpty else {
    throw IngestError(.emptyFile,
      format == "gpx" ? "the GPX file has no track points (<trkpt>); export the run's track, not a route or waypoints"
                      : "the TCX file has no <Trackpoint>; export the activity with its track", path: path)
  }
  return try buildTrack(raw, format: format, path: path, what: format == "gpx" ? "trkpt" : "Trackpoint")
}

/// The elements inside a track point whose text gaitline reads.
private let trackValueElements: Set<String> = ["time", "Time", "DistanceMeters", "LatitudeDegrees", "LongitudeDegrees", "Speed"]

enum XMLEvent {
  /// Local name (namespace prefix removed) and attributes.
  case start(String, [(String, String)])
  case end(String)
  case text(ArraySlice<UInt8>)
}

/// A minimal XML scanner for track files: reports element starts (a
/// self-closing element also ends), ends and text, with the line of each;
/// skips the declaration, comments, processing instructions, DOCTYPE and
/// CDATA markers. Entities are left as they are (track values are numbers
/// and dates). Errors name the line.
func scanXML(_ b: [UInt8], path: String, _ handle: (XMLEvent, Int) throws -> Void) throws {
  var i = 0
  var line = 1
  let n = b.count
  if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
  func find(_ pattern: [UInt8], from start: Int) -> Int? {
    var k = start
    while k + pattern.count <= n {
      if b[k] == pattern[0] {
        var ok = true
        for m in 1..<pattern.count where b[k + m] != pattern[m] { ok = false; break }
        if ok { return k }
      }
      k += 1
    }
    return nil
  }
  func starts(_ pattern: StaticString, at k: Int) -> Bool {
    let count = pattern.utf8CodeUnitCount
    guard k + count <= n else { return false }
    let u = pattern.utf8Start
    for m in 0..<count where b[k + m] != u[m] { return false }
    return true
  }
  func countLines(_ from: Int, _ to: Int) { for k in from..<to where b[k] == 0x0A { line += 1 } }
  func localName(_ s: ArraySlice<UInt8>) -> String {
    let name = s.lastIndex(of: UInt8(ascii: ":")).map { s[($0 + 1)...] } ?? s
    return String(decoding: name, as: UTF8.self)
  }
  func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
  while i < n {
    if b[i] != UInt8(ascii: "<") {
      let start = i
      while i < n, b[i] != UInt8(ascii: "<") { i += 1 }
      try handle(.text(b[start..<i]), line)
      countLines(start, i)
      continue
    }
    let tagLine = line
    func skip(to end: [UInt8], what: String) throws {
      guard let e = find(end, from: i) else {
        throw IngestError(.truncated, "\(what) opened here is never closed; the file was cut short — export it again", path: path, line: tagLine)
      }
      countLines(i, e + end.count)
      i = e + end.count
    }
    if starts("<!--", at: i) { try skip(to: Array("-->".utf8), what: "a comment"); continue }
    if starts("<![CDATA[", at: i) {
      guard let e = find(Array("]]>".utf8), from: i) else {
        throw IngestError(.truncated, "CDATA opened here is never closed", path: path, line: tagLine)
      }
      try handle(.text(b[(i + 9)..<e]), line)
      countLines(i, e + 3)
      i = e + 3
      continue
    }
    if i + 1 < n, b[i + 1] == UInt8(ascii: "?") { try skip(to: Array("?>".utf8), what: "a processing instruction"); continue }
    if i + 1 < n, b[i + 1] == UInt8(ascii: "!") { try skip(to: Array(">".utf8), what: "a declaration"); continue }
    // A tag: find its end outside quoted attribute values.
    var k = i + 1
    var quote: UInt8 = 0
    while k < n {
      let c = b[k]
      if quote != 0 { if c == quote { quote = 0 } } else if c == 0x22 || c == 0x27 { quote = c } else if c == UInt8(ascii: ">") { break }
      k += 1
    }
    guard k < n else {
      throw IngestError(.truncated, "a tag opened here is never closed; the file was cut short — export it again", path: path, line: tagLine)
    }
    let closing = b[i + 1] == UInt8(ascii: "/")
    let selfClosing = !closing && b[k - 1] == UInt8(ascii: "/")
    var p = closing ? i + 2 : i + 1
    let nameStart = p
    while p < k, !isSpace(b[p]), b[p] != UInt8(ascii: "/") { p += 1 }
    guard p > nameStart else {
      throw IngestError(.malformedRecord, "a tag without a name; the file is not well-formed XML", path: path, line: tagLine)
    }
    let name = localName(b[nameStart..<p])
    if closing {
      try handle(.end(name), tagLine)
    } else {
      var attributes: [(String, String)] = []
      let end = selfClosing ? k - 1 : k
      while p < end {
        while p < end, isSpace(b[p]) { p += 1 }
        guard p < end else { break }
        let ks = p
        while p < end, b[p] != UInt8(ascii: "="), !isSpace(b[p]) { p += 1 }
        let key = localName(b[ks..<p])
        while p < end, isSpace(b[p]) || b[p] == UInt8(ascii: "=") { p += 1 }
        guard p < end, b[p] == 0x22 || b[p] == 0x27 else {
          throw IngestError(.malformedRecord, "attribute '\(key.prefix(40))' of <\(name.prefix(40))> has no quoted value", path: path, line: tagLine)
        }
        let q = b[p]
        p += 1
        let vs = p
        while p < end, b[p] != q { p += 1 }
        attributes.append((key, String(decoding: b[vs..<p], as: UTF8.self)))
        p += 1
      }
      try handle(.start(name, attributes), tagLine)
      if selfClosing { try handle(.end(name), tagLine) }
    }
    countLines(i, k + 1)
    i = k + 1
  }
}
