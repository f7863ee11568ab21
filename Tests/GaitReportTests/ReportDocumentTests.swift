//===--- ReportDocumentTests.swift ----------------------------------------===//
// The typed report read back: the streaming writer's text decodes into
// ReportDocument with the AnalysisResult's values (as rounded in the
// report) for every bundled placement and with a track; every key the
// writer writes is in the model; a broken report fails naming its file; a
// report without the keys added since still reads.
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

/// A value as the report rounds it.
func reported(_ v: Double?, _ digits: Int) -> Double? { JSONValue.num(v, digits).double }

/// Where the JSON trees `written` (nulls dropped) and `decoded` differ, as
/// key paths; empty when they are the same.
func differences(_ written: Any, _ decoded: Any, _ path: String = "") -> [String] {
  switch (written, decoded) {
  case let (x as [String: Any], y as [String: Any]):
    let keys = Set(x.keys.filter { !(x[$0] is NSNull) }).union(y.keys)
    return keys.sorted().flatMap { k -> [String] in
      guard let a = x[k], !(a is NSNull) else { return ["\(path).\(k): decoded but not written"] }
      guard let b = y[k] else { return ["\(path).\(k): written but not decoded"] }
      return differences(a, b, "\(path).\(k)")
    }
  case let (x as [Any], y as [Any]):
    guard x.count == y.count else { return ["\(path): \(x.count) written, \(y.count) decoded"] }
    return zip(x, y).enumerated().flatMap { differences($1.0, $1.1, "\(path)[\($0)]") }
  case let (x as String, y as String):
    return x == y ? [] : ["\(path): '\(x)' ≠ '\(y)'"]
  case let (x as NSNumber, y as NSNumber):
    return x.doubleValue == y.doubleValue ? [] : ["\(path): \(x) ≠ \(y)"]
  default:
    return ["\(path): \(written) ≠ \(decoded)"]
  }
}

/// The model holds every key of `text` with its value: the decoded report
/// encoded again is the written one without its nulls.
func expectEveryKeyDecoded(_ text: String, _ doc: ReportDocument) throws {
  let written = try JSONSerialization.jsonObject(with: Data(text.utf8))
  let again = try JSONSerialization.jsonObject(with: JSONEncoder().encode(doc))
  let diff = differences(written, again)
  #expect(diff.isEmpty, "\(diff.prefix(10))")
}

func expectSame(_ d: ReportDistribution?, _ e: Distribution?, _ digits: Int, _ what: String) {
  #expect(d?.median == reported(e?.median, digits), "\(what) median")
  #expect(d?.p10 == reported(e?.p10, digits), "\(what) p10")
  #expect(d?.p90 == reported(e?.p90, digits), "\(what) p90")
  #expect(d?.mean == reported(e?.mean, digits), "\(what) mean")
  #expect(d?.n == e?.count, "\(what) n")
}

/// The decoded report says what the analysis found, rounded as written.
func expectMatches(_ doc: ReportDocument, _ r: AnalysisResult) {
  #expect(doc.schema == reportSchema)
  #expect(doc.gaitlineVersion == gaitlineVersion)
  #expect(doc.input.path == r.path)
  #expect(doc.input.placement == r.placement)
  #expect(doc.input.placementSource.rawValue == r.placementSource)
  #expect(doc.input.frame == r.info.frame)
  #expect(doc.input.samples == r.ingest.samples)
  #expect(doc.input.sampleRateHz == reported(r.ingest.sampleRateHz, 4))
  #expect(doc.input.durationS == reported(r.ingest.durationS, 3))
  #expect(doc.input.gaps.map(\.missingSamples) == r.ingest.gaps.map(\.missingSamples))
  #expect(doc.input.warnings == r.ingest.warnings + r.warnings)
  let s = doc.summary, e = r.summary
  #expect(s.steps == e.steps)
  #expect(s.runningSteps == e.runningSteps)
  #expect(s.basis == e.basis)
  #expect(s.trunkLeanReference == e.trunkLeanReference)
  #expect(s.runningS == reported(e.runningSeconds, 1))
  #expect(s.gctBalanceLeftPct == reported(e.gctBalanceLeftPct, 1))
  #expect(s.groundContactUncertaintyMs == reported(e.groundContactUncertaintyMs, 0))
  #expect((s.groundContactUncertaintyMs != nil) == (r.placement == .shank))
  #expect(s.verticalRatioPct == reported(e.verticalRatioPct, 2))
  expectSame(s.cadenceSpm, e.cadenceSpm, 1, "cadence")
  expectSame(s.stepTimeMs, e.stepTimeMs, 1, "step time")
  expectSame(s.groundContactMs, e.groundContactMs, 1, "ground contact")
  expectSame(s.flightMs, e.flightMs, 1, "flight")
  expectSame(s.dutyFactor, e.dutyFactor, 3, "duty factor")
  expectSame(s.verticalOscillationCm, e.verticalOscillationCm, 2, "vertical oscillation")
  expectSame(s.trunkLeanDeg, e.trunkLeanDeg, 1, "trunk lean")
  expectSame(s.lateralSwayCm, e.lateralSwayCm, 2, "lateral sway")
  expectSame(s.brakingMps, e.brakingMps, 3, "braking")
  expectSame(s.impactG, e.impactG, 2, "impact")
  expectSame(s.tibialShockG, e.tibialShockG, 2, "tibial shock")
  expectSame(s.tibialShockRateGps, e.tibialShockRateGps, 0, "tibial shock rate")
  // The merge's key paths into a report read the columns analyze writes.
  for c in metricColumns {
    #expect(c.reported(s) == reported(c.value(e), c.digits), "\(c.name)")
  }
  #expect(doc.flags.map(\.id) == r.flags.map(\.id))
  #expect(doc.flags.map(\.severity) == r.flags.map(\.severity))
  #expect(doc.flags.map(\.value) == r.flags.map { reported($0.value, 3) })
  #expect(doc.flags.map { $0.span?.startS } == r.flags.map { reported($0.startS, 2) })
  let bouts = gaitBouts(r.steps, segments: r.segments, speedMps: r.options.speedMps)
  #expect(doc.bouts?.map(\.kind.rawValue) == bouts.map(\.kind))
  #expect(doc.bouts?.map(\.steps) == bouts.map(\.summary.steps))
  #expect(doc.cadenceOverTime.map(\.steps) == r.segments.map(\.steps))
  #expect(doc.runningStretches.map(\.startS) == e.runningStretches.map { reported($0.startS, 2) })
  let steps = doc.steps ?? []
  #expect(steps.count == r.steps.count)
  for (d, step) in zip(steps, r.steps) {
    #expect(d.icS == reported(step.icS, 4))
    #expect(d.tcS == reported(step.tcS, 4))
    #expect(d.side == step.side)
    #expect(d.running == step.running)
    #expect(d.groundContactMs == reported(step.groundContactMs, 1))
    #expect(d.verticalOscillationCm == reported(step.verticalOscillationCm, 2))
    #expect(d.tibialShockG == reported(step.tibialShockG, 2))
    #expect(d.tibialShockClipped == step.tibialShockClipped)
  }
}

@Suite struct ReportDocumentTests {
  /// Hip running, hip walking, foot, shank (bundled recordings).
  static let recordings = [
    "alcantara-sacrum-run/trial_01.csv", "mobgap-lowerback-walk/HA_001_Test5_Trial1_lowerback.csv",
    "pyshoe-foot-run/2017-11-27-11-11-24_imu.csv", "bach-shank-subject-b/trial_07.csv",
  ]

  @Test(arguments: recordings) func writerToDecoderRoundTrip(_ relative: String) throws {
    let path = sampleData(relative)
    let r = try analyze(source: openRecording(path: path), path: path, options: AnalysisOptions())
    let text = reportText(r)
    let doc = try ReportDocument.decode(Data(text.utf8), path: path)
    #expect(doc.steps?.count ?? 0 > 0)
    expectMatches(doc, r)
    try expectEveryKeyDecoded(text, doc)
  }

  /// Each placement of the list above is covered (a placement added later
  /// needs a recording here).
  @Test func everyPlacementIsRoundTripped() throws {
    var seen = Set<Placement>()
    for relative in Self.recordings {
      let path = sampleData(relative)
      seen.insert(try analyze(source: openRecording(path: path), path: path, options: AnalysisOptions()).placement)
    }
    #expect(seen == Set(Placement.allCases))
  }

  @Test func roundTripWithTrackAndBaseline() throws {
    var r = try trackedRun("trial_06.gpx")
    r.baseline = PersonalBaseline(runs: 3, cadenceSpm: 171.25, groundContactMs: 240, brakingMps: nil, trunkLeanDeg: 12.5, lateralSwayCm: nil)
    let text = reportText(r)
    let doc = try ReportDocument.decode(Data(text.utf8), path: "trial_06_clock.csv")
    expectMatches(doc, r)
    try expectEveryKeyDecoded(text, doc)
    let t = try #require(r.track)
    let dt = try #require(doc.track)
    #expect(dt.splits.map(\.km) == t.splits.map(\.km))
    #expect(dt.splits.map(\.paceSPerKm) == t.splits.map { reported($0.paceSPerKm, 1) })
    #expect(dt.speedMps?.median == reported(t.speedMps?.median, 3))
    #expect(dt.distanceM == reported(t.distanceCoveredM, 1))
    #expect(dt.stepsOutside == t.stepsOutside)
    #expect(doc.steps?.map(\.speedMps) == t.steps.map { reported($0.speedMps, 3) })
    #expect(doc.steps?.map(\.stepLengthM) == t.steps.map { reported($0.stepLengthM, 3) })
    #expect(doc.baseline?.runs == 3)
    #expect(doc.baseline?.cadenceSpm == 171.3)
    #expect(doc.baseline?.brakingMps == nil)
    // History reads the track's median speed when there is no --speed.
    let file = temporaryFile(text, name: "tracked.json")
    #expect(try loadPastRun(path: file).speedMps == dt.speedMps?.median)
  }

  /// Without steps (history, trend, merge) the rest is the same.
  @Test func stepsCanBeLeftOut() throws {
    let path = sampleData(Self.recordings[0])
    let r = try analyze(source: openRecording(path: path), path: path, options: AnalysisOptions())
    let data = Data(reportText(r).utf8)
    var whole = try ReportDocument.decode(data, path: path)
    let head = try ReportDocument.decode(data, path: path, steps: false)
    #expect(head.steps == nil)
    #expect(whole.steps?.count == r.steps.count)
    whole.steps = nil
    #expect(whole == head)
  }

  /// A broken report fails with an IngestError naming the file and, where
  /// it can, the key.
  @Test func brokenReportsFailNamingTheFile() throws {
    let path = sampleData(Self.recordings[0])
    let text = reportText(try analyze(source: openRecording(path: path), path: path, options: AnalysisOptions()))
    func failure(_ broken: String, _ name: String) -> ReportError? {
      let file = temporaryFile(broken, name: name)
      do {
        _ = try ReportDocument.load(path: file)
        return nil
      } catch {
        let e = error as? ReportError
        #expect(e?.path == file)
        #expect(e?.code == .corrupt)
        #expect(e?.description.contains(file) == true)
        return e
      }
    }
    let truncated = failure(String(text.prefix(text.count / 2)), "truncated.json")
    #expect(truncated?.message.contains("not valid JSON") == true, "\(truncated?.message ?? "")")
    let badEnum = failure(text.replacingOccurrences(of: #""basis": "running""#, with: #""basis": "sometimes""#), "basis.json")
    #expect(badEnum?.message.contains("summary.basis") == true, "\(badEnum?.message ?? "")")
    let badNumber = failure(text.replacingOccurrences(of: #""samples": "#, with: #""samples": "many", "x": "#), "samples.json")
    #expect(badNumber?.message.contains("input.samples is not a number") == true, "\(badNumber?.message ?? "")")
    let otherSchema = failure(text.replacingOccurrences(of: reportSchema, with: "gaitline.report/9"), "schema.json")
    #expect(otherSchema?.message.contains("gaitline.report/9") == true, "\(otherSchema?.message ?? "")")
    let noFlags = failure(String(text[..<text.range(of: ",\n  \"flags\"")!.lowerBound]) + "\n}\n", "noflags.json")
    #expect(noFlags?.message.contains("flags is missing") == true, "\(noFlags?.message ?? "")")
    // The readers of history and trend say the same (trend skips .corrupt
    // files found in a folder).
    let file = temporaryFile(String(text.prefix(200)), name: "cut.json")
    #expect { try loadPastRun(path: file) } throws: { ($0 as? ReportError)?.path == file && ($0 as? ReportError)?.code == .corrupt }
    #expect { try loadTrendRun(path: file) } throws: { ($0 as? ReportError)?.code == .corrupt }
  }

  /// A report without the keys added since (bouts, placement feature,
  /// lean reference, tibial shock) still reads, in every reader.
  @Test func olderReportStillDecodes() throws {
    let path = repositoryRoot.appendingPathComponent("Tests/Fixtures/report/older-report.json").path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    for key in ["bouts", "trunk_lean_reference", "tibial_shock", "placement_feature_deg", "ground_contact_uncertainty"] {
      #expect(!text.contains(key))
    }
    let doc = try ReportDocument.load(path: path)
    try expectEveryKeyDecoded(text, doc)
    #expect(doc.bouts == nil)
    #expect(doc.summary.trunkLeanReference == nil)
    #expect(doc.summary.tibialShockG == nil)
    #expect(doc.summary.groundContactUncertaintyMs == nil)
    #expect(doc.input.placementFeatureDeg == nil)
    #expect(doc.steps?.count == 4)
    #expect(doc.input.placement == .hip)
    #expect(doc.summary.basis == .running)
    let past = try loadPastRun(path: path)
    #expect(past.cadenceSpm == doc.summary.cadenceSpm?.median)
    #expect(past.groundContactMs == doc.summary.groundContactMs?.median)
    #expect(past.runningSeconds == doc.summary.runningS)
    let trend = try loadTrendRun(path: path)
    #expect(trend.medians["cadence_spm"] == doc.summary.cadenceSpm?.median)
    #expect(trend.medians["impact_g"] == doc.summary.impactG?.median)
    #expect(trend.flags.map(\.severity) == doc.flags.map(\.severity))
  }
}
