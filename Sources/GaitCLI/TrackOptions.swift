//===--- TrackOptions.swift -----------------------------------------------===//
// `analyze --track FILE`: the runner's watch track of the same run (GPX, TCX
// or FIT) gives each step a speed and a distance (step length, vertical
// ratio, per-km splits). Its options and checks, apart from Analyze.swift.
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import GaitCore
import GaitDSP
import GaitIngest
import GaitReport

struct TrackArguments: ParsableArguments {
  @Option(help: ArgumentHelp(
    "The watch's GPX, TCX or FIT file of the same run: speed and distance per step, step length, vertical ratio and per-km splits.",
    discussion: "One input only (a batch analyses one run per input: run `analyze RUN --track TRACK` per run, with --out-dir for a batch of one)."),
    completion: .file(extensions: ["gpx", "tcx", "fit"]))
  var track: String?

  @Option(name: .customLong("track-offset"), help: ArgumentHelp(
    "With --track: seconds to add to the recording's clock to match the track's (e.g. -3600 when the recording's start time is an hour ahead).",
    valueName: "seconds"))
  var trackOffset: Double?

  @Option(name: .customLong("start-time"), help: ArgumentHelp(
    "With --track: the time of the recording's first sample (ISO 8601, e.g. 2026-05-03T07:00:00Z), for a recording without one or with a wrong one.",
    valueName: "iso8601"))
  var startTime: String?

  /// --start-time as Unix seconds.
  func startTimeUnixS() throws -> Double? {
    guard let startTime else { return nil }
    guard let t = parseISO8601Time(startTime.trimmingCharacters(in: .whitespaces)) else {
      throw ValidationError("--start-time '\(startTime)' is not an ISO-8601 date-time; give e.g. 2026-05-03T07:00:00Z (or +02:00 for local time)")
    }
    return t
  }

  /// The option combinations that cannot apply are errors (exit 64).
  func check(inputs: [String], manifest: String?, speed: Double?) throws {
    guard let track else {
      if trackOffset != nil { throw ValidationError("--track-offset applies only with --track FILE") }
      if startTime != nil { throw ValidationError("--start-time applies only with --track FILE") }
      return
    }
    if manifest != nil { throw ValidationError("--track applies to one recording, not to a --manifest; run `gaitline analyze RUN --track \(track)` per run") }
    if speed != nil { throw ValidationError("--speed and --track both give the running speed; give one (--track gives it per step)") }
    var isDir: ObjCBool = false
    if inputs.count != 1 || (FileManager.default.fileExists(atPath: inputs[0], isDirectory: &isDir) && isDir.boolValue) {
      throw ValidationError("--track is the track of one run, but \(inputs.count == 1 ? "a folder was given" : "\(inputs.count) inputs were given"): "
        + "run `gaitline analyze RUN.csv --track RUN.gpx` once per run (add --out-dir DIR to write each run's report there)")
    }
    if let trackOffset, !trackOffset.isFinite { throw ValidationError("--track-offset must be a number of seconds") }
    _ = try startTimeUnixS()
  }

  /// Reads the track (before the recording, so a bad track fails first).
  func load() throws -> Track? {
    try track.map { try readTrack(path: $0) }
  }

  /// Places the result's steps on the track.
  func apply(_ track: Track?, to result: inout AnalysisResult) throws {
    guard let track else { return }
    try attachTrack(track, to: &result, startTimeUnixS: startTimeUnixS(), offsetS: trackOffset ?? 0)
  }
}
