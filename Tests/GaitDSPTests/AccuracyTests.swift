import Foundation
import GaitCore
import GaitIngest
import GaitPipeline
import GaitReport
import GaitScoring
import GaitTestSupport
import Testing

@testable import GaitDSP

func analyzeFile(_ relative: String, options: AnalysisOptions = AnalysisOptions()) throws -> AnalysisResult {
  let path = sampleData(relative)
  return try analyze(source: try CSVReader(path: path), path: path, options: options)
}

/// Validation against force-treadmill contacts (Alcantara 2022, sacrum, 31
/// trials of treadmill running at 2.5–4.17 m/s, slopes −10…+10°).
@Suite struct SacrumRunningVsForcePlate {
  static let truth: [Int: [TruthContact]] = {
    let all = try! String(contentsOfFile: sampleData("alcantara-sacrum-run/ground_truth_contacts.csv"), encoding: .utf8)
    var out: [Int: [TruthContact]] = [:]
    for line in all.split(whereSeparator: \.isNewline).dropFirst() {
      let f = line.split(separator: ",")
      out[Int(f[0])!, default: []].append(TruthContact(icS: Double(f[3])!, tcS: Double(f[4])!))
    }
    return out
  }()

  static let evaluations: [Evaluation] = (0...30).map { k in
    let r = try! analyzeFile(String(format: "alcantara-sacrum-run/trial_%02d.csv", k))
    return evaluate(steps: r.steps, truth: truth[k]!, toleranceS: 0.040)
  }

  @Test(arguments: 0...30)
  func cadenceWithinOnePercentOnEveryTrial(trial: Int) throws {
    let e = Self.evaluations[trial]
    #expect(abs(e.cadenceErrorPct!) < 1.0, "trial \(trial): \(e.cadenceErrorPct!) %")
  }

  @Test func initialContactRecallAndPrecisionWithin40ms() {
    let matched = Self.evaluations.reduce(0) { $0 + $1.matched }
    let truth = Self.evaluations.reduce(0) { $0 + $1.truthContacts }
    let detections = Self.evaluations.reduce(0) { $0 + $1.detections }
    let recall = Double(matched) / Double(truth)
    let precision = Double(matched) / Double(detections)
    #expect(truth == 466)
    #expect(recall >= 0.99, "recall \(recall)")
    #expect(precision >= 0.99, "precision \(precision)")
  }

  /// Target: bias ≤ 5 ms, RMSE ≤ 15 ms. Measured: bias −2.6 ms, RMSE 17.6
  /// ms over 463 pairs, as in docs/VALIDATION.md (published sacrum methods:
  /// RMSE 20 ms, Patoz 2022). The RMSE bound
  /// below is what this method achieves, so a regression fails; the 15 ms
  /// target is not met yet.
  @Test func contactTimeBiasAndRMSE() {
    var errors: [Double] = []
    for k in 0...30 {
      let r = try! analyzeFile(String(format: "alcantara-sacrum-run/trial_%02d.csv", k))
      for t in Self.truth[k]! {
        guard let s = r.steps.min(by: { abs($0.icS - t.icS) < abs($1.icS - t.icS) }), abs(s.icS - t.icS) <= 0.04,
              let tc = s.tcS, let ttc = t.tcS else { continue }
        errors.append(((tc - s.icS) - (ttc - t.icS)) * 1000)
      }
    }
    let bias = errors.reduce(0, +) / Double(errors.count)
    let rmse = (errors.reduce(0) { $0 + $1 * $1 } / Double(errors.count)).squareRoot()
    #expect(errors.count >= 455)
    #expect(abs(bias) <= 5, "bias \(bias) ms")
    #expect(rmse <= 18.5, "RMSE \(rmse) ms")
  }

  /// Vertical oscillation against the centre of mass's from the force plate
  /// (double integration of F/m − g over each reference step, mean removed)
  /// — the "sacrum force-plate" rows of docs/VALIDATION.md. Targets (issue
  /// 13): |bias| ≤ 0.3 cm, RMSE ≤ 0.4 cm. Measured: bias +0.16 cm, RMSE
  /// 0.48 cm (0.41 cm with the reference's own contacts as step bounds: the
  /// sensor-vs-force limit of the method); the RMSE bound below is what is
  /// achieved, so a regression fails; 0.4 cm is not met. Before mean-only
  /// removal: bias −0.18 cm, RMSE 0.66 cm.
  @Test func verticalOscillationAgainstForcePlateCentreOfMass() throws {
    var differences: [Double] = []
    for k in 0...30 {
      let path = sampleData(String(format: "alcantara-sacrum-run/trial_%02d.csv", k))
      let force = try loadForce(path: path, column: "vgrf_bw")
      let reference = forceVerticalOscillation(timeS: force.timeS, forceBW: force.force, contacts: Self.truth[k]!)
      let r = try analyzeFile(String(format: "alcantara-sacrum-run/trial_%02d.csv", k))
      let e = evaluate(steps: r.steps, truth: reference, toleranceS: 0.040)
      differences += verticalOscillationDifferences(e, truth: reference)
    }
    let a = try #require(Agreement(differences))
    #expect(a.n >= 420, "pairs \(a.n)")
    #expect(abs(a.bias) <= 0.3, "VO bias \(a.bias) cm")
    #expect(a.rmse <= 0.5, "VO RMSE \(a.rmse) cm")
  }

  /// The force-derived VO itself on a known signal: a sinusoidal force
  /// 1 + A·sin(2πt/T) (body weights) moves the centre of mass by
  /// 2·A·g·(T/2π)² peak to peak.
  @Test func forceVerticalOscillationOfASine() throws {
    let rate = 1000.0, period = 0.35, amplitude = 0.8
    let time = (0..<3000).map { Double($0) / rate }
    let force = time.map { 1 + amplitude * sin(2 * .pi * $0 / period) }
    let contacts = stride(from: 0.1, to: 2.8, by: period).map { TruthContact(icS: $0) }
    let vo = forceVerticalOscillation(timeS: time, forceBW: force, contacts: contacts).compactMap(\.verticalOscillationCm)
    let exact = 2 * amplitude * 9.80665 * pow(period / (2 * .pi), 2) * 100
    #expect(vo.count == contacts.count - 1)
    for v in vo { #expect(abs(v - exact) / exact < 0.01, "VO \(v) vs \(exact) cm") }
  }

  @Test func rawThreeAxisSacrumSampleIsRunning() throws {
    let r = try analyzeFile("alcantara-sacrum-run/sample_test_raw.csv")
    #expect(r.placement == .hip)
    #expect(r.summary.runningSteps >= 10)
    // ~3 m/s recreational runner: cadence 150–175 spm, contact 200–300 ms.
    let cadence = try #require(r.summary.cadenceSpm?.median)
    #expect(cadence > 150 && cadence < 175)
    let gct = try #require(r.summary.groundContactMs?.median)
    #expect(gct > 200 && gct < 300)
    let vo = try #require(r.summary.verticalOscillationCm?.median)
    #expect(vo > 5 && vo < 13)
  }
}

/// Foot IMU running against motion-capture stride boundaries (PyShoe).
@Suite struct FootRunningVsMotionCapture {
  static let running = ["2017-11-22-11-44-47", "2017-11-27-11-11-24", "2017-11-27-11-11-53",
                        "2017-11-27-11-12-18", "2017-11-27-11-13-10"]

  @Test(arguments: running)
  func strideTimeAndCadenceWithinOnePercent(trial: String) throws {
    let text = try String(contentsOfFile: sampleData("pyshoe-foot-run/ground_truth_strides.csv"), encoding: .utf8)
    var starts: [Double] = [], ends: [Double] = []
    for line in text.split(whereSeparator: \.isNewline).dropFirst() where line.hasPrefix(trial) {
      let f = line.split(separator: ",")
      starts.append(Double(f[3])!)
      ends.append(Double(f[4])!)
    }
    let r = try analyzeFile("pyshoe-foot-run/\(trial)_imu.csv")
    #expect(r.placement == .foot)
    let e = try #require(evaluateStrides(steps: r.steps, strideStartsS: starts, strideEndsS: ends))
    #expect(Double(e.matched) >= 0.85 * Double(e.total), "matched \(e.matched) of \(e.total)")
    #expect(abs(e.errorPct) < 1.0, "stride error \(e.errorPct) %")
    // Cadence from the product's own per-step numbers (IC to IC) over the
    // stretch the reference covers (before it the runner stands and turns).
    let inSpan = r.steps.filter { $0.icS >= starts.first! - 0.3 && $0.icS <= ends.last! }
    let cadence = try #require(Distribution(inSpan.compactMap { $0.stepTimeMs.map { 60_000 / $0 } })?.median)
    let reference = 120 / e.referenceStrideS
    #expect(abs(cadence - reference) / reference < 0.03, "cadence \(cadence) vs \(reference)")
  }
}

/// Lower-back walking (Mobilise-D lab data). Target recall/precision ≥ 0.95
/// within 50 ms; this walking detector does not reach it yet on all
/// participants (see the assertion), which is recorded as a known gap.
@Suite struct LowerBackWalking {
  @Test func healthyAdultStraightWalking() throws {
    let text = try String(contentsOfFile: sampleData("mobgap-lowerback-walk/ground_truth_initial_contacts.csv"), encoding: .utf8)
    var matched = 0, truthCount = 0, detections = 0
    for trial in ["HA_001_Test5_Trial1", "HA_001_Test5_Trial2"] {
      let parts = trial.split(separator: "_")
      var truth: [TruthContact] = []
      for line in text.split(whereSeparator: \.isNewline).dropFirst() {
        let f = line.split(separator: ",")
        if f[0] == parts[0], f[1] == parts[1], f[2] == parts[2], f[3] == parts[3], f[4] == "Stereophoto", f[6] == "IC" {
          truth.append(TruthContact(icS: Double(f[7])!))
        }
      }
      let r = try analyzeFile("mobgap-lowerback-walk/\(trial)_lowerback.csv")
      let e = evaluate(steps: r.steps, truth: truth, toleranceS: 0.05)
      matched += e.matched; truthCount += e.truthContacts; detections += e.detections
      #expect(r.summary.runningSteps == 0, "walking must not be called running")
    }
    let recall = Double(matched) / Double(truthCount), precision = Double(matched) / Double(detections)
    #expect(recall >= 0.9, "recall \(recall)")
    #expect(precision >= 0.9, "precision \(precision)")
  }

  /// Every participant (two healthy adults, one with multiple sclerosis),
  /// against stereophotogrammetry within 40 ms as docs/VALIDATION.md reports
  /// it: the onset of the loading rise gives recall 0.93, precision 0.95 and
  /// a bias of −2.3 ms (the start of the steepest 20-ms rise gave 0.91, 0.93
  /// and +4.5 ms; the steepest low-passed slope 0.81, 0.85 and +15.4 ms).
  @Test func allParticipantsWithin40Ms() throws {
    let text = try String(contentsOfFile: sampleData("mobgap-lowerback-walk/ground_truth_initial_contacts.csv"), encoding: .utf8)
    var matched = 0, truthCount = 0, detections = 0
    var errors: [Double] = []
    for trial in ["HA_001_Test5_Trial1", "HA_001_Test5_Trial2", "HA_002_Test5_Trial1", "HA_002_Test5_Trial2",
                  "MS_001_Test5_Trial1", "MS_001_Test5_Trial2"] {
      let parts = trial.split(separator: "_")
      var truth: [TruthContact] = []
      for line in text.split(whereSeparator: \.isNewline).dropFirst() {
        let f = line.split(separator: ",")
        if f[0] == parts[0], f[1] == parts[1], f[2] == parts[2], f[3] == parts[3], f[4] == "Stereophoto", f[6] == "IC",
           let t = Double(f[7]), t.isFinite {
          truth.append(TruthContact(icS: t))
        }
      }
      guard !truth.isEmpty else { continue }
      let r = try analyzeFile("mobgap-lowerback-walk/\(trial)_lowerback.csv")
      let e = evaluate(steps: r.steps, truth: truth, toleranceS: 0.04)
      matched += e.matched; truthCount += e.truthContacts; detections += e.detections
      errors += e.icErrorsMs
    }
    let recall = Double(matched) / Double(truthCount), precision = Double(matched) / Double(detections)
    #expect(recall >= 0.9, "recall \(recall)")
    #expect(precision >= 0.9, "precision \(precision)")
    let bias = errors.reduce(0, +) / Double(max(errors.count, 1))
    #expect(abs(bias) <= 10, "IC bias \(bias) ms")
  }

  /// Walking gets no running-form flags (issue 13, failure mode 8).
  @Test(arguments: ["HA_001_Test5_Trial1", "HA_001_Test5_Trial2", "HA_002_Test5_Trial1", "HA_002_Test5_Trial2",
                    "MS_001_Test5_Trial1", "MS_001_Test5_Trial2"])
  func walkingGetsNoRunningFlags(recording: String) throws {
    let r = try analyzeFile("mobgap-lowerback-walk/\(recording)_lowerback.csv")
    let running = r.flags.filter { Scorer.runningFormFlagIds.contains($0.id) }
    #expect(running.isEmpty, "\(recording): \(running.map(\.id))")
    #expect(r.summary.runningSteps == 0, "\(recording): \(r.summary.runningSteps) running steps")
  }
}

/// An external oracle: scikit-digital-health's expected results for the
/// walking in its lumbar AX3 test file (median cadence 107 steps/min over
/// two bouts in samples 38 000–54 999, i.e. about 193–279 s).
@Suite struct AxivityLumbarWalking {
  @Test func cadenceMatchesScikitDigitalHealth() throws {
    let path = repositoryRoot.appendingPathComponent("Tests/Fixtures/cwa/skdh_ax3_sample.cwa").path
    let r = try analyze(source: try CWAReader(path: path), path: path, options: AnalysisOptions())
    #expect(r.placement == .hip)
    let walking = r.steps.filter { $0.icS > 193 && $0.icS < 279 }.compactMap { $0.stepTimeMs.map { 60_000 / $0 } }
    let cadence = try #require(Distribution(walking)?.median)
    #expect(abs(cadence - 107) / 107 < 0.05, "cadence \(cadence)")
    // The long recording is split into bouts, each summarised on its own.
    let bouts = gaitBouts(r.steps, segments: r.segments, speedMps: nil)
    let longBouts = bouts.filter { $0.kind == "walking" && $0.summary.steps >= 40 }
    #expect(longBouts.count >= 3, "three long walking bouts (about 47–84 s, 109–134 s, 206–265 s)")
    for b in longBouts {
      let c = try #require(b.summary.cadenceSpm?.median)
      #expect(abs(c - 107) / 107 < 0.05, "bout \(b.startS)–\(b.endS) s: \(c) spm")
    }
    #expect(bouts.allSatisfy { $0.kind == "walking" }, "no running in a walking recording")
  }
}

