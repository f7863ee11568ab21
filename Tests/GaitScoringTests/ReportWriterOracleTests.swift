import Foundation
import GaitCore
import GaitDSP
import GaitIngest
import GaitPipeline
import GaitTestSupport
import Testing

@testable import GaitReport

// The streamed report writer must write the bytes the tree-based writer
// wrote. That writer is kept here, in the tests only, as the oracle: whatever
// the analysis finds (it changes as the detectors improve), both write it
// the same way.

/// One step as a JSON tree, as the report wrote it before the step table.
private func oracleStepJSON(_ s: Step) -> JSONValue {
  .object([
    ("ic_s", .num(s.icS, 4)), ("tc_s", .num(s.tcS, 4)), ("side", .str(s.side?.rawValue)),
    ("running", .bool(s.running)),
    ("step_time_ms", .num(s.stepTimeMs, 1)), ("ground_contact_ms", .num(s.groundContactMs, 1)),
    ("flight_ms", .num(s.flightMs, 1)), ("duty_factor", .num(s.dutyFactor, 3)),
    ("vertical_oscillation_cm", .num(s.verticalOscillationCm, 2)), ("lateral_sway_cm", .num(s.lateralSwayCm, 2)),
    ("braking_mps", .num(s.brakingMps, 3)), ("impact_g", .num(s.impactG, 2)),
    ("tibial_shock_g", .num(s.tibialShockG, 2)), ("tibial_shock_rate_gps", .num(s.tibialShockRateGps, 0)),
    ("tibial_shock_clipped", s.tibialShockClipped.map { .bool($0) } ?? .null),
  ])
}

/// The whole report as one tree, serialised.
private func oracleReportText(_ r: AnalysisResult, inserting extra: [(String, JSONValue)] = [], at position: Int = 2) -> String {
  guard case .object(var pairs) = reportJSON(r, includeSteps: false) else { return "" }
  for k in pairs.indices where pairs[k].0 == "steps" { pairs[k].1 = .array(r.steps.map(oracleStepJSON)) }
  pairs.insert(contentsOf: extra, at: min(position, pairs.count))
  return JSONValue.object(pairs).serialized() + "\n"
}

/// The per-step CSV as it was written with `String(format:)` per cell.
private func oracleStepsCSV(_ steps: [Step]) -> String {
  var out = "ic_s,tc_s,side,running,step_time_ms,ground_contact_ms,flight_ms,duty_factor,vertical_oscillation_cm,lateral_sway_cm,braking_mps,impact_g,tibial_shock_g,tibial_shock_rate_gps,tibial_shock_clipped\n"
  func f(_ v: Double?, _ d: Int) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "" }
  for s in steps {
    out += [f(s.icS, 4), f(s.tcS, 4), s.side?.rawValue ?? "", s.running ? "1" : "0", f(s.stepTimeMs, 1),
            f(s.groundContactMs, 1), f(s.flightMs, 1), f(s.dutyFactor, 3), f(s.verticalOscillationCm, 2),
            f(s.lateralSwayCm, 2), f(s.brakingMps, 3), f(s.impactG, 2), f(s.tibialShockG, 2),
            f(s.tibialShockRateGps, 0), s.tibialShockClipped.map { $0 ? "1" : "0" } ?? ""].joined(separator: ",") + "\n"
  }
  return out
}

private struct Rng {
  var state: UInt64
  mutating func next() -> UInt64 {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return state >> 11
  }
  mutating func unit() -> Double { Double(next() % 1_000_000_007) / 1_000_000_007 }
}

/// A value of a kind a step can hold, and kinds it should not but might:
/// halves at every decimal (ties), negatives, -0, tiny and huge values, NaN.
private func awkward(_ rng: inout Rng) -> Double? {
  switch rng.next() % 16 {
  case 0: return nil
  case 1: return Double(Int64(rng.next() % 2_000_001) - 1_000_000) / 2_000  // ties at 3 decimals
  case 2: return Double(Int64(rng.next() % 200_001) - 100_000) / 200  // ties at 2 decimals
  case 3: return Double(Int64(rng.next() % 20_001) - 10_000) / 20  // ties at 1 decimal
  case 4: return Double(Int64(rng.next() % 2_000_001) - 1_000_000) / 20_000  // ties at 4 decimals
  case 5: return -rng.unit() * 0.001
  case 6: return -0.0
  case 7: return rng.unit() * 1e-6
  case 8: return rng.unit() * 1e12
  case 9: return -rng.unit() * 1e17
  case 10: return [Double.nan, .infinity, -.infinity][Int(rng.next() % 3)]
  case 11: return Double(rng.next() % 100_000)
  default: return (rng.unit() - 0.3) * pow(10, Double(rng.next() % 6))
  }
}

/// Steps that alternate running and walking with random lengths and pauses
/// (so the report has many bouts), with awkward values every few steps.
private func syntheticSteps(count: Int, seed: UInt64) -> [Step] {
  var rng = Rng(state: seed)
  var steps: [Step] = []
  var t = 0.5, running = true, left = 0
  while steps.count < count {
    if left == 0 { running.toggle(); left = 1 + Int(rng.next() % 40) }
    left -= 1
    var s = Step(icS: t, running: running)
    let st = (running ? 330 : 520) + rng.unit() * 60
    s.stepTimeMs = st
    s.tcS = t + (running ? 0.24 : 0.33) + rng.unit() * 0.01
    s.groundContactMs = (s.tcS! - t) * 1000
    s.flightMs = running ? st - s.groundContactMs! : 0
    s.dutyFactor = s.groundContactMs! / 2 / st
    s.verticalOscillationCm = 6 + rng.unit() * 4
    s.lateralSwayCm = rng.unit() * 3
    s.brakingMps = 0.2 + rng.unit() * 0.3
    s.impactG = 2 + rng.unit()
    s.side = [Side.left, .right, nil][steps.count % 3 == 2 && rng.next() % 5 == 0 ? 2 : steps.count % 2]
    if rng.next() % 4 == 0 {
      s.tcS = awkward(&rng); s.stepTimeMs = awkward(&rng); s.groundContactMs = awkward(&rng); s.flightMs = awkward(&rng)
      s.dutyFactor = awkward(&rng); s.verticalOscillationCm = awkward(&rng); s.lateralSwayCm = awkward(&rng)
      s.brakingMps = awkward(&rng); s.impactG = awkward(&rng)
    }
    steps.append(s)
    t += st / 1000
    if rng.next() % 200 == 0 { t += 4 + rng.unit() * 30 }
  }
  return steps
}

private func expectSameReports(_ r: AnalysisResult, _ label: String) {
  let new = reportText(r), old = oracleReportText(r)
  #expect(new.utf8.count == old.utf8.count, "\(label): \(new.utf8.count) vs \(old.utf8.count) bytes")
  #expect(new == old, "\(label): the JSON report differs from the tree-based writer's")
  let cohort: [(String, JSONValue)] = [("cohort", .object([("index", .number(3)), ("input_sha256", .string("ab\"c"))]))]
  #expect(reportText(r, inserting: cohort, at: 2) == oracleReportText(r, inserting: cohort, at: 2), "\(label): with a cohort block")
  #expect(stepsCSV(r.steps) == oracleStepsCSV(r.steps), "\(label): the steps CSV differs")
}

@Suite struct ReportWriterOracleTests {
  static let recordings: [String] = {
    let root = repositoryRoot.appendingPathComponent("SampleData").path
    let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
    return files.filter { $0.hasSuffix(".csv") && !$0.contains("ground_truth") && !$0.contains("truth") }.sorted()
  }()

  /// Every bundled recording: the streamed report is byte for byte the tree's.
  @Test func everyBundledRecording() throws {
    #expect(Self.recordings.count >= 30)
    var analysed = 0
    for name in Self.recordings {
      let path = sampleData(name)
      guard let source = try? CSVReader(path: path),
            let r = try? analyze(source: source, path: path, options: AnalysisOptions()) else { continue }
      analysed += 1
      expectSameReports(r, name)
    }
    #expect(analysed >= 30, "analysed \(analysed) of \(Self.recordings.count)")
  }

  /// Synthetic runs: a simulated hip run as analysed, and the same result
  /// carrying long step tables that switch between walking and running
  /// (many bouts) with awkward values (ties, negatives, -0, NaN, nil, huge).
  @Test(arguments: [(UInt64(1), 0), (2, 7), (3, 1_500), (4, 12_000)])
  func syntheticRuns(seed: UInt64, steps count: Int) throws {
    var run = SyntheticRun(rateHz: 100, seconds: 60, cadenceSpm: 168, contactS: 0.25)
    run.rotation = SyntheticRun.rotation(yawDeg: 20, pitchDeg: 8, rollDeg: -5)
    let rec = run.recording()
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("gaitline-oracle-\(UUID().uuidString).glb").path
    defer { try? FileManager.default.removeItem(atPath: file) }
    let writer = try GLBWriter(path: file, info: rec.info)
    for b in rec.blocks { try writer.write(b) }
    try writer.close()
    var r = try analyze(source: try GLBReader(path: file), path: "synthetic \"run\".glb", options: AnalysisOptions())
    if seed == 1 {
      #expect(r.steps.count > 100)
      expectSameReports(r, "synthetic as analysed")
    }
    r.steps = syntheticSteps(count: count, seed: seed)
    let bouts = gaitBouts(r.steps, segments: r.segments, speedMps: nil)
    if count >= 1_500 { #expect(bouts.count > 5, "\(bouts.count) bouts") }
    expectSameReports(r, "synthetic steps \(count), seed \(seed)")
  }

  /// The number writers against `JSONValue.num` and `String(format:)` on a
  /// million awkward values, values at the edges of the integer rounding
  /// (halves, 10^14 and 10^15 after scaling, 2^52) and random bit patterns.
  @Test func numberFormatsMatch() throws {
    var rng = Rng(state: 99)
    var mismatches: [String] = []
    var edges: [Double?] = [0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 0.49999999999999994, -0.49999999999999994,
                            4_503_599_627_370_495.5, 4_503_599_627_370_496, 9_007_199_254_740_994,
                            .ulpOfOne, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
    for p in 0...4 {
      let scale = pow(10.0, Double(p))
      for base in [1e14, 1e15] {
        for delta in [-1.0, -0.5, -0.49999999999999994, 0, 0.5, 1] {
          edges.append((base + delta) / scale)
          edges.append(-(base + delta) / scale)
          edges.append((base + delta).nextUp / scale)
          edges.append((base + delta).nextDown / scale)
        }
      }
    }
    for _ in 0..<50_000 { edges.append(Double(bitPattern: rng.next() << 11 | rng.next() & 0x7FF)) }
    var values: [Double?] = edges
    for _ in 0..<250_000 { values.append(awkward(&rng)) }
    for v in values {
      for digits in 0...4 {
        var bytes: [UInt8] = []
        var w = ByteWriter(capacity: 64) { bytes.append(contentsOf: $0) }
        try w.writeJSONNumber(v, digits: digits)
        try w.write(byte: UInt8(ascii: "|"))
        if let v { try w.writeFixed(v, digits: digits) }
        try w.flush()
        let expected = JSONValue.num(v, digits).serialized() + "|" + (v.map { String(format: "%.\(digits)f", $0) } ?? "")
        let got = String(decoding: bytes, as: UTF8.self)
        if got != expected, mismatches.count < 10 { mismatches.append("\(String(describing: v)) @\(digits): \(got) vs \(expected)") }
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches)")
  }

  /// The report's own columns take the direct writers (a table whose
  /// columns differ in name, kind or decimals does not), and those write
  /// the bytes the table loop writes, for steps with awkward values.
  @Test func directWritersMatchTheTable() throws {
    #expect(StepTableEncoding.report.standardPrefix)
    var changed = stepColumns
    changed[7] = StepColumn("duty_factor", .number({ $0.dutyFactor }, digits: 2))
    #expect(!StepTableEncoding(changed).standardPrefix)
    #expect(!StepTableEncoding(Array(stepColumns.dropLast())).standardPrefix)
    for seed in [UInt64(5), 6, 7] {
      var steps = syntheticSteps(count: 3_000, seed: seed)
      // The shank's columns too (the synthetic steps leave them empty).
      var rng = Rng(state: seed)
      for k in steps.indices where k % 3 != 0 {
        steps[k].tibialShockG = awkward(&rng)
        steps[k].tibialShockRateGps = awkward(&rng)
        steps[k].tibialShockClipped = [true, false, nil][Int(rng.next() % 3)]
        steps[k].icS = awkward(&rng) ?? 0
      }
      var direct: [UInt8] = [], generic: [UInt8] = []
      var wd = ByteWriter(capacity: 4_096) { direct.append(contentsOf: $0) }
      try StepTableEncoding.report.writeJSON(steps, into: &wd)
      try StepTableEncoding.report.writeCSV(steps, into: &wd)
      try wd.flush()
      var wg = ByteWriter(capacity: 4_096) { generic.append(contentsOf: $0) }
      let loop = StepTableEncoding(stepColumns, direct: false)
      #expect(!loop.standardPrefix)
      try loop.writeJSON(steps, into: &wg)
      try loop.writeCSV(steps, into: &wg)
      try wg.flush()
      #expect(direct.count == generic.count, "seed \(seed)")
      #expect(direct == generic, "seed \(seed): the direct writers differ from the table loop")
    }
  }

  /// A field added to the table appears in both outputs, under its name.
  @Test func tableDrivesBothOutputs() throws {
    let table = StepTableEncoding(stepColumns + [StepColumn("foot_flat_s", .number({ $0.footFlatS }, digits: 3))])
    var s = Step(icS: 1.5, running: true)
    s.footFlatS = 1.5
    var json: [UInt8] = [], csv: [UInt8] = []
    var wj = ByteWriter { json.append(contentsOf: $0) }
    try table.writeJSON([s], into: &wj)
    try wj.flush()
    var wc = ByteWriter { csv.append(contentsOf: $0) }
    try table.writeCSV([s], into: &wc)
    try wc.flush()
    #expect(String(decoding: json, as: UTF8.self).contains("\"tibial_shock_clipped\": null,\n      \"foot_flat_s\": 1.5\n    }"))
    #expect(String(decoding: csv, as: UTF8.self).hasSuffix(",foot_flat_s\n1.5000,,,1,,,,,,,,,,,,1.500\n"))
  }
}
