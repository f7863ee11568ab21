//===--- ActiLifeCSV.swift ------------------------------------------------===//
// ActiGraph's own CSV export (ActiLife "RAW" data): a 10-line preamble, then
// `Accelerometer X,Accelerometer Y,Accelerometer Z` in g, one row per sample
// and no time column. The preamble's first line carries the rate
// ("... date format M/d/yyyy at 30 Hz  Filter Normal ..."); `Start Time` and
// `Start Date` (in that date format) give the first sample's time on the
// device's local clock; `Epoch Period (hh:mm:ss)` is 00:00:00 for raw data
// and the epoch length for activity-count files, which hold no raw
// acceleration and are refused. CSVReader's sniffing calls
// ``ActiLifePreamble/init(_:)`` on the lines above the header.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore

/// What an ActiLife CSV preamble states.
struct ActiLifePreamble {
  /// The sample rate from the first line's "at N Hz", with that line's number and text.
  var stated: (hz: Double, line: Int, text: String)?
  /// Start Date + Start Time as Unix seconds of the device's local wall-clock (no time zone is
  /// stated); `nil` when either is missing or does not parse.
  var startTimeUnixS: Double?
  /// The device serial number, when stated.
  var serial: String?
  /// ActiLife writes acceleration in g.
  let unit = AccelerationUnit.g

  /// Reads the lines above the header; `nil` when the first is not ActiLife's
  /// banner ("Data File Created By ActiGraph"). Throws for an epoch
  /// (activity count) export.
  init?(_ lines: ArraySlice<(number: Int, bytes: [UInt8])>) throws {
    guard let first = lines.first else { return nil }
    let banner = String(decoding: first.bytes.prefix(300), as: UTF8.self)
    guard banner.range(of: "Created By ActiGraph", options: .caseInsensitive) != nil else { return nil }
    if let m = banner.firstMatch(of: #/(?i)\bat\s+([0-9]+(?:\.[0-9]+)?)\s*Hz/#), let hz = Double(m.output.1), hz > 0, hz < 100_000 {
      let shown = banner.trimmingCharacters(in: CharacterSet(charactersIn: "- \t\r"))
      stated = (hz, first.number, shown)
    }
    let dateFormat = banner.firstMatch(of: #/(?i)date format\s+(\S+)/#).map { String($0.output.1) } ?? "M/d/yyyy"
    var startTime: String?
    var startDate: String?
    for line in lines.dropFirst() {
      let text = String(decoding: line.bytes.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      if let v = Self.value(of: "Start Time", in: text) { startTime = v }
      if let v = Self.value(of: "Start Date", in: text) { startDate = v }
      if let v = Self.value(of: "Serial Number:", in: text) { serial = v }
      if let v = Self.value(of: "Epoch Period (hh:mm:ss)", in: text), !v.isEmpty,
         v.split(separator: ":").contains(where: { Int($0) != 0 })
      {
        throw IngestError(.noRawSamples,
          "an ActiLife epoch export (Epoch Period \(v.prefix(12))): it holds activity counts per epoch, not raw acceleration, "
          + "so gaitline cannot find steps in it. Export the RAW data from ActiLife (Epoch Period 00:00:00), "
          + "or give gaitline the device's .gt3x file", line: line.number)
      }
    }
    if let startDate, let startTime, let day = Self.date(startDate, format: dateFormat), let seconds = Self.timeOfDay(startTime) {
      startTimeUnixS = day + seconds
    }
  }

  /// The text after `key` when `text` starts with it.
  private static func value(of key: String, in text: String) -> String? {
    guard text.lowercased().hasPrefix(key.lowercased()) else { return nil }
    return text.dropFirst(key.count).trimmingCharacters(in: CharacterSet(charactersIn: " :\t\r"))
  }

  /// Midnight (UTC arithmetic) of `text` written in an ActiLife date format
  /// such as `M/d/yyyy`, `d/M/yyyy`, `dd.MM.yyyy` or `yyyy-MM-dd`, Unix seconds.
  static func date(_ text: String, format: String) -> Double? {
    let fields = format.split(whereSeparator: { !$0.isLetter }).map { $0.lowercased() }
    let numbers = text.split(whereSeparator: { !$0.isNumber }).map { Int($0) }
    guard fields.count == 3, numbers.count == 3 else { return nil }
    var c = DateComponents()
    for (field, number) in zip(fields, numbers) {
      guard let number else { return nil }
      switch field.first {
      case "d": c.day = number
      case "m": c.month = number
      case "y": c.year = field.count <= 2 ? 2000 + number : number
      default: return nil
      }
    }
    guard let d = c.day, let m = c.month, let y = c.year, (1...31).contains(d), (1...12).contains(m), (1990...2200).contains(y) else {
      return nil
    }
    c.timeZone = TimeZone(identifier: "UTC")
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    guard let date = calendar.date(from: c), calendar.component(.day, from: date) == d else { return nil }
    return date.timeIntervalSince1970
  }

  /// `HH:mm:ss` (or `HH:mm`) as seconds after midnight.
  static func timeOfDay(_ text: String) -> Double? {
    let parts = text.split(separator: ":").map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0 != nil }) else { return nil }
    let h = parts[0]!, m = parts[1]!, s = parts.count == 3 ? parts[2]! : 0
    guard (0..<24).contains(h), (0..<60).contains(m), (0..<61).contains(s) else { return nil }
    return h * 3600 + m * 60 + s
  }

  /// What the preamble adds to a reader's description once the time base is
  /// settled: the start time when rows are timed from the rate, units
  /// from the format, and a note that the clock is local.
  func apply(to report: inout IngestReport, info: inout RecordingInfo, usesTimestamps: Bool, unitsFromOption: Bool) {
    if !unitsFromOption { report.unitsSource = "format" }
    if !usesTimestamps, let startTimeUnixS {
      info.startTimeUnixS = startTimeUnixS
      report.warnings.append("ActiLife CSV: the start time (Start Date, Start Time) is the device's local wall-clock, not UTC")
    }
  }
}
