//===--- TrackReportTests.swift -------------------------------------------===//
// `analyze --track` without the CLI: the committed fixtures are what the
// test-support builders make; steps on a track get speed, distance, step
// length and vertical ratio as computed by hand; splits per km; the track
// in every output; a clear error when the clocks do not meet.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
import GaitDSP
import GaitIngest
import GaitPipeline
import GaitReport
import GaitScoring
import GaitTestSupport
import Testing

func trackFixture(_ name: String) -> String {
  repositoryRoot.appendingPathComponent("Tests/Fixtures/track").appendingPathComponent(name).path
}

/// The fixture recording analysed, with the given track attached.
func trackedRun(_ trackFile: String?, offsetS: Double = 0, startTime: Double? = nil) throws -> AnalysisResult {
  let path = trackFixture("trial_06_clock.csv")
  var r = try analyze(source: openRecording(path: path), path: path, options: AnalysisOptions())
  if let trackFile { try attachTrack(readTrack(path: trackFixture(trackFile)), to: &r, startTimeUnixS: startTime, offsetS: offsetS) }
  return r
}

@Suite struct TrackFixtureFiles {
  /// The committed files are the builders' output (README.md: how they were
  /// made); GAITLINE_REGENERATE_TRACK_FIXTURES=1 writes them.
  @Test func committedFixturesAreTheBuildersOutput() throws {
    let files: [(String, [UInt8])] = [
      ("trial_06_clock.csv", Array(try TrackFixture.recordingCSV(trial: sampleData("alcantara-sacrum-run/trial_06.csv")).utf8)),
      ("trial_06.gpx", Array(TrackFixture.gpx().utf8)),
      ("trial_06.tcx", Array(TrackFixture.tcx().utf8)),
      ("trial_06.fit", TrackFixture.fit()),
    ]
    for (name, bytes) in files {
      if ProcessInfo.processInfo.environment["GAITLINE_REGENERATE_TRACK_FIXTURES"] == "1" {
        try Data(bytes).write(to: URL(fileURLWithPath: trackFixture(name)))
      }
      let committed = try [UInt8](Data(contentsOf: URL(fileURLWithPath: trackFixture(name))))
      #expect(committed == bytes, "\(name) differs from what TrackFixture makes")
    }
  }

  /// The test encoder's bit-by-bit CRC equals the reader's table CRC, and the
  /// reader finds no CRC mismatch in the fixture.
  @Test func fitFixtureDecodes() throws {
    let a = try readFIT(path: trackFixture("trial_06.fit"))
    #expect(a.warnings.isEmpty, "\(a.warnings)")
    #expect(a.records.count == TrackFixture.pointCount)
    let r = a.records[100]
    #expect(r.timestampUnixS == TrackFixture.trackStartUnixS + 100)
    #expect(r.distanceM == 417.0)
    #expect(r.speedMps == 4.17)
    #expect(abs(r.latitudeDeg! - 47.00375) < 1e-4, "100 × 4.17 m north of 47° N is 47.00375° N")
    #expect(abs(r.longitudeDeg! - 8.0) < 1e-6)
  }
}

@Suite struct TrackReaders {
  @Test(arguments: ["trial_06.gpx", "trial_06.tcx", "trial_06.fit"])
  func fixtureTracks(file: String) throws {
    let t = try readTrack(path: trackFixture(file))
    #expect(t.points.count == TrackFixture.pointCount)
    #expect(t.startUnixS == TrackFixture.trackStartUnixS)
    #expect(t.endUnixS == TrackFixture.recordingStartUnixS + TrackFixture.tailS)
    // 4.17 m every second: from positions (GPX) or the file's distance.
    let last = t.points[t.points.count - 1]
    #expect(abs(last.distanceM - 4.17 * Double(TrackFixture.pointCount - 1)) < 0.01, "\(last.distanceM)")
    for p in t.points { #expect(abs(p.speedMps - 4.17) < 1e-3) }
    #expect(t.distanceSource == (file.hasSuffix("gpx") ? "positions" : "file"))
    #expect(t.speedSource == (file.hasSuffix("gpx") ? "distance" : "file"))
  }

  /// One degree of latitude on the mean-radius sphere: 2πR/360 = 111 195.08 m.
  @Test func haversine() {
    #expect(abs(haversineM(lat1: 0, lon1: 0, lat2: 1, lon2: 0) - 111_195.08) < 0.01)
    #expect(abs(haversineM(lat1: 60, lon1: 0, lat2: 60, lon2: 1) - 55_596.7) < 1, "a degree of longitude at 60° is about half")
  }

  /// A real watch file (Garmin fēnix 2, Tests/Fixtures/fit): a track with
  /// the watch's distance and speed, in time order.
  @Test func realFITActivity() throws {
    let t = try readTrack(path: repositoryRoot.appendingPathComponent("Tests/Fixtures/fit/activity-small-fenix2-run.fit").path)
    #expect(t.format == "fit")
    #expect(t.points.count > 1000)
    #expect(zip(t.points, t.points.dropFirst()).allSatisfy { $0.timeUnixS < $1.timeUnixS && $0.distanceM <= $1.distanceM })
    #expect(t.points.last!.distanceM > 1000)
  }

  /// Cut or damaged track files fail with an IngestError (never a crash, never
  /// another error type): every 97th cut and a byte flipped every 89 bytes.
  @Test(arguments: ["trial_06.gpx", "trial_06.tcx", "trial_06.fit"])
  func damagedTracksFailCleanly(file: String) throws {
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: trackFixture(file))))
    let ext = (file as NSString).pathExtension
    var failures = 0
    for cut in Swift.stride(from: 0, to: bytes.count, by: 97) {
      var damaged = Array(bytes[0..<cut])
      if cut % 2 == 1, !damaged.isEmpty { damaged[cut / 3] ^= 0x5A }
      do { _ = try readTrack(path: temporaryFile(bytes: damaged, name: "d.\(ext)")) } catch is IngestError { failures += 1 }
    }
    #expect(failures > 0)
    for k in Swift.stride(from: 0, to: bytes.count, by: 89) {
      var flipped = bytes
      flipped[k] ^= 0xFF
      do { _ = try readTrack(path: temporaryFile(bytes: flipped, name: "f.\(ext)")) } catch is IngestError {}
    }
  }

  @Test func gpxWithoutTrackPointsOrCutShort() throws {
    let routeOnly = temporaryFile("<?xml version=\"1.0\"?>\n<gpx version=\"1.1\">\n<rte><rtept lat=\"47\" lon=\"8\"/></rte>\n</gpx>\n", name: "route.gpx")
    do { _ = try readTrack(path: routeOnly); Issue.record("expected an error") } catch let e as IngestError {
      #expect(e.message.contains("no track points"))
    }
    let full = TrackFixture.gpx()
    let cut = temporaryFile(String(full.prefix(full.count / 2)), name: "cut.gpx")
    do { _ = try readTrack(path: cut); Issue.record("expected an error") } catch let e as IngestError {
      #expect(e.code == .truncated || e.message.contains("ends inside"), "\(e)")
    }
    let badTime = temporaryFile("<gpx>\n<trk><trkseg>\n<trkpt lat=\"47\" lon=\"8\"><time>yesterday</time></trkpt>\n</trkseg></trk></gpx>\n", name: "t.gpx")
    do { _ = try readTrack(path: badTime); Issue.record("expected an error") } catch let e as IngestError {
      #expect(e.line == 3, "the error names the line of the bad time")
      #expect(e.message.contains("ISO-8601"))
    }
    let notXML = temporaryFile("time,lat,lon\n1,2,3\n", name: "x.gpx")
    #expect(throws: IngestError.self) { try readTrack(path: notXML) }
  }
}

@Suite struct StepsOnATrack {
  /// Hand-computed: a track at 3 m/s for 100 s then 4 m/s (distance from
  /// the file), steps of 400 ms every 0.4 s from t = 90 s; VO 8 cm.
  @Test func speedStepLengthRatioAndSplitsByHand() throws {
    let t0 = 1_000_000.0
    var pts: [TrackPoint] = []
    for k in 0...400 {
      let t = Double(k)
      let d = t <= 100 ? 3 * t : 300 + 4 * (t - 100)
      pts.append(TrackPoint(timeUnixS: t0 + t, distanceM: d, speedMps: t < 100 ? 3 : 4))
    }
    let track = Track(format: "tcx", path: "x.tcx", points: pts, distanceSource: "file", speedSource: "file")
    var steps: [Step] = []
    for k in 0..<500 {
      var s = Step(icS: Double(k) * 0.4, running: true)
      s.stepTimeMs = 400
      s.verticalOscillationCm = 8
      s.groundContactMs = 200
      steps.append(s)
    }
    // The recording starts 90 s into the track.
    let a = try alignSteps(steps, durationS: 200, on: track, recordingStartUnixS: t0 + 90, startTimeSource: "file", offsetS: 0)
    #expect(a.stepsOutside == 0)
    // Step 0: at 90 s, 270 m; speed at its middle (90.2 s) 3 m/s; length 1.2 m; ratio 8 / 120 = 6.667 %.
    #expect(abs(a.steps[0].distanceM! - 270) < 1e-9)
    #expect(abs(a.steps[0].stepLengthM! - 1.2) < 1e-9)
    #expect(abs(a.steps[0].verticalRatioPct! - 100 * 8.0 / 120) < 1e-9)
    // Step 100: at 130 s, 300 + 120 = 420 m; 4 m/s; 1.6 m; 5 %.
    #expect(abs(a.steps[100].distanceM! - 420) < 1e-9)
    #expect(abs(a.steps[100].stepLengthM! - 1.6) < 1e-9)
    #expect(abs(a.steps[100].verticalRatioPct! - 5) < 1e-9)
    // Splits: km 1 holds steps at < 1000 m: 300 + 4(t − 100) < 1000 → t < 275 s → icS < 185 s → 463 steps (0…462).
    #expect(a.splits.map(\.km) == [1, 2])
    #expect(a.splits[0].steps == 463)
    #expect(a.splits[1].steps == 37)
    // Pace of km 2: steps at 185.2…199.6 s on 4 m/s: 250 s/km.
    #expect(abs(a.splits[1].paceSPerKm! - 250) < 1e-6)
    #expect(a.splits[1].verticalRatioPct == 5)
    #expect(a.splits[1].cadenceSpm == 150)
    #expect(a.splits[1].groundContactMs == 200)
    // Over the run: 25 steps of 100 in 3 m/s (90–100 s), the rest at 4 m/s.
    #expect(a.speedMps?.median == 4)
    #expect(abs(a.distanceCoveredM! - (300 + 4 * (289.6 - 100) - 270)) < 1e-9)
  }

  @Test func stepsOutsideTheTrackAndNoOverlap() throws {
    let pts = (0...10).map { TrackPoint(timeUnixS: 100 + Double($0), distanceM: 3 * Double($0), speedMps: 3) }
    let track = Track(format: "gpx", path: "x.gpx", points: pts, distanceSource: "positions", speedSource: "distance")
    var steps: [Step] = []
    for k in 0..<40 { var s = Step(icS: Double(k) * 0.5, running: true); s.stepTimeMs = 500; steps.append(s) }
    let a = try alignSteps(steps, durationS: 20, on: track, recordingStartUnixS: 95, startTimeSource: "option", offsetS: 0)
    // On the track: icS in [5, 15] → steps 10…30.
    #expect(a.stepsOutside == 19)
    #expect(a.steps[9].distanceM == nil && a.steps[10].distanceM == 0 && a.steps[30].distanceM == 30)
    #expect(a.warnings.contains { $0.contains("19 of 40 steps fall outside") })
    #expect(throws: TrackAlignmentError.self) {
      try alignSteps(steps, durationS: 20, on: track, recordingStartUnixS: 200, startTimeSource: "file", offsetS: 0)
    }
  }
}

@Suite struct TrackInReports {
  /// The bundled treadmill trial at 4.17 m/s on its fixture tracks: every
  /// step's length is 4.17 m/s × its step time, its ratio VO / length; the
  /// first kilometre ends 7.54 m = 1.808 s into the recording.
  @Test(arguments: ["trial_06.gpx", "trial_06.tcx", "trial_06.fit"])
  func treadmillTrialOnItsTrack(file: String) throws {
    let r = try trackedRun(file)
    let t = try #require(r.track)
    #expect(t.stepsOutside == 0)
    #expect(r.steps.count >= 15)
    let boundaryS = (1000 - TrackFixture.distanceAtRecordingStartM) / TrackFixture.speedMps
    for (s, st) in zip(r.steps, t.steps) {
      guard let ms = s.stepTimeMs else { continue }  // the last step has no next contact
      #expect(abs(st.speedMps! - 4.17) < 1e-3)
      #expect(abs(st.stepLengthM! - 4.17 * ms / 1000) < 2e-3)
      #expect(abs(st.distanceM! - (TrackFixture.distanceAtRecordingStartM + 4.17 * s.icS)) < 0.02)
      if let vo = s.verticalOscillationCm { #expect(abs(st.verticalRatioPct! - 100 * vo / (4.17 * ms / 10)) < 0.01) }
    }
    #expect(t.splits.map(\.km) == [1, 2])
    #expect(t.splits[0].steps == r.steps.filter { $0.icS < boundaryS }.count)
    #expect(t.splits[0].steps + t.splits[1].steps == r.steps.count)
    #expect(abs(t.splits[1].paceSPerKm! - 1000 / 4.17) < 0.5, "4:00 /km")
    // Plausible against the treadmill: step length = speed / step rate (205 spm in the ground truth: 1.22 m).
    #expect(abs(t.stepLengthM!.median - 4.17 * 60 / 205.13) < 0.1)
    #expect(r.summary.verticalRatioPct == t.verticalRatioPct?.median)
  }

  @Test func everyOutputShowsTheTrack() throws {
    let r = try trackedRun("trial_06.gpx")
    let json = reportText(r)
    let obj = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
    let track = try #require(obj["track"] as? [String: Any])
    let splits = try #require(track["splits"] as? [[String: Any]])
    #expect(splits.count == 2)
    #expect(splits[1]["pace_s_per_km"] as? Double != nil)
    #expect((obj["summary"] as! [String: Any])["vertical_ratio_pct"] as? Double != nil)
    let step0 = (obj["steps"] as! [[String: Any]])[0]
    for key in ["speed_mps", "distance_m", "step_length_m", "vertical_ratio_pct"] { #expect(step0[key] as? Double != nil, "steps[0].\(key)") }
    // The run's speed for baselines and trend (speed-matched): the track's median.
    #expect(abs(PastRun(r).speedMps! - 4.17) < 1e-5, "GPX: speed from positions")
    #expect(try loadPastRun(path: temporaryFile(json, name: "r.json")).speedMps == 4.17)
    // The streamed writer and the tree agree.
    #expect(json == reportJSON(r).serialized() + "\n")
    var csv: [UInt8] = []
    try writeStepsCSV(r) { csv += $0 }
    let lines = String(decoding: csv, as: UTF8.self).split(separator: "\n")
    #expect(lines[0].hasSuffix(",speed_mps,distance_m,step_length_m,vertical_ratio_pct"))
    #expect(lines.count == r.steps.count + 1)
    #expect(lines[1].split(separator: ",", omittingEmptySubsequences: false).suffix(4).allSatisfy { !$0.isEmpty })
    let text = textSummary(r)
    for needle in ["vertical ratio", "step length", "splits:", "4:00"] { #expect(text.contains(needle), "terminal: \(needle)") }
    let html = htmlReport(r)
    for needle in ["id=\"splits\"", "distance on the watch track (km)", "plot-ratio-distance", "Vertical ratio"] { #expect(html.contains(needle), "HTML: \(needle)") }
  }

  @Test func withoutATrackNothingChanges() throws {
    let r = try trackedRun(nil)
    #expect(!reportText(r).contains("\"track\""))
    #expect(!stepsCSV(r.steps).contains("speed_mps"))
    var csv: [UInt8] = []
    try writeStepsCSV(r) { csv += $0 }
    #expect(String(decoding: csv, as: UTF8.self) == stepsCSV(r.steps))
    #expect(!textSummary(r).contains("splits"))
  }

  @Test func clocksThatDoNotMeet() throws {
    do {
      _ = try trackedRun("trial_06.gpx", startTime: TrackFixture.recordingStartUnixS + 3600)
      Issue.record("expected an error")
    } catch let e as ReportError {
      #expect(e.code == .badTimestamps)
      #expect(e.message.contains("do not overlap"))
      #expect(e.message.contains("2026-05-03 08:00:00") && e.message.contains("2026-05-03 06:56:02–07:00:12"), "\(e.message)")
      #expect(e.message.contains("--track-offset -3600, a whole number of hours"), "tells the shift that fixes it: \(e.message)")
    }
    // --start-time puts it back; the offset is reported.
    let r = try trackedRun("trial_06.fit", offsetS: -3600, startTime: TrackFixture.recordingStartUnixS + 3600)
    #expect(r.track?.startTimeSource == "option")
    #expect(r.track?.stepsOutside == 0)
  }

  @Test func recordingWithoutAClock() throws {
    let path = sampleData("alcantara-sacrum-run/trial_06.csv")
    var r = try analyze(source: openRecording(path: path), path: path, options: AnalysisOptions())
    do {
      try attachTrack(readTrack(path: trackFixture("trial_06.tcx")), to: &r)
      Issue.record("expected an error")
    } catch let e as ReportError {
      #expect(e.message.contains("no start time") && e.message.contains("--start-time"), "\(e.message)")
    }
    try attachTrack(readTrack(path: trackFixture("trial_06.tcx")), to: &r, startTimeUnixS: TrackFixture.recordingStartUnixS)
    #expect(r.track?.splits.count == 2)
  }
}
