import Foundation
import GaitCore
import GaitIngest
import GaitReport
import GaitTestSupport
import Testing

@testable import GaitDSP

@Suite struct SyntheticRuns {
  struct Case: Sendable, CustomStringConvertible {
    var rateHz: Double
    var rotation: [SIMD3<Double>]
    var name: String
    var description: String { "\(name) @ \(rateHz) Hz" }
  }

  static let cases: [Case] = {
    var out: [Case] = []
    for rate in [50.0, 100, 200, 500] {
      out.append(Case(rateHz: rate, rotation: SyntheticRun.rotation(yawDeg: 0, pitchDeg: 0, rollDeg: 0), name: "upright"))
      out.append(Case(rateHz: rate, rotation: SyntheticRun.rotation(yawDeg: 37, pitchDeg: 20, rollDeg: -15), name: "rotated"))
      out.append(Case(rateHz: rate, rotation: SyntheticRun.rotation(yawDeg: 90, pitchDeg: 0, rollDeg: 180), name: "upside down"))
    }
    return out
  }()

  /// Regression: at 200 Hz and 168 spm a sample fell exactly on a toe-off,
  /// τ came out a hair above 1 and sin(πτ)^0.6 was NaN (found by the Slurm
  /// cohort test, whose long simulated runs then failed to read).
  @Test func everySampleIsFinite() {
    for (rate, cadence) in [(200.0, 168.0), (200, 164), (100, 172), (1000, 180)] {
      let b = SyntheticRun(rateHz: rate, seconds: 120, cadenceSpm: cadence, contactS: 0.24).recording().blocks[0]
      let bad = (0..<b.count).first { !(b.ax[$0].isFinite && b.ay[$0].isFinite && b.az[$0].isFinite) }
      #expect(bad == nil, "\(rate) Hz, \(cadence) spm: sample \(bad ?? -1)")
    }
  }

  @Test(arguments: cases)
  func knownEventsAreFound(_ c: Case) throws {
    var run = SyntheticRun(rateHz: c.rateHz, seconds: 30, cadenceSpm: 172, contactS: 0.24)
    run.rotation = c.rotation
    let result = GaitAnalyzer.analyze(run.recording(), options: AnalysisOptions())
    #expect(result.placement == .hip)
    let truth = run.contacts.map { TruthContact(icS: $0.ic, tcS: $0.tc) }
    let e = evaluate(steps: result.steps, truth: truth, toleranceS: 0.03)
    #expect(e.recall >= 0.99, "recall \(e.recall)")
    #expect(e.precision >= 0.99, "precision \(e.precision)")
    let sample = 1000 / c.rateHz
    #expect(abs(e.icBiasMs!) <= 5 + sample / 2, "IC bias \(e.icBiasMs!) ms")
    #expect(abs(e.contactBiasMs!) <= 10 + sample, "contact bias \(e.contactBiasMs!) ms")
    #expect(abs(e.cadenceErrorPct!) < 0.5)
    let summary = RunSummary(steps: result.steps, segments: result.segments, speedMps: nil)
    let spectral = try #require(summary.cadenceSpectralSpm)
    #expect(abs(spectral - 172) < 1.5, "spectral cadence \(spectral)")
    // Left/right from the mediolateral signal, alternating as generated.
    var sideHits = 0, sided = 0
    for s in result.steps {
      guard let side = s.side, let t = run.contacts.min(by: { abs($0.ic - s.icS) < abs($1.ic - s.icS) }) else { continue }
      sided += 1
      if side == t.side { sideHits += 1 }
    }
    #expect(sided > 0 && Double(sideHits) / Double(sided) > 0.95, "side \(sideHits)/\(sided)")
  }

  @Test(arguments: [1, 7, 64, 1000, 4096])
  func chunkingDoesNotChangeSteps(chunk: Int) {
    let rec = SyntheticRun(rateHz: 200, seconds: 40).recording()
    let whole = GaitAnalyzer.analyze(rec)
    var analyzer = GaitAnalyzer(info: rec.info)
    var steps: [Step] = []
    for block in rec.blocks[0].split(every: chunk) { analyzer.process(block) { steps.append($0) } }
    analyzer.finish { steps.append($0) }
    #expect(steps == whole.steps)
    #expect(analyzer.segments == whole.segments)
  }

  @Test func realRecordingChunkedGivesIdenticalSteps() throws {
    let rec = try CSVReader(path: sampleData("alcantara-sacrum-run/sample_test_raw.csv")).readAll()
    let whole = GaitAnalyzer.analyze(rec)
    var analyzer = GaitAnalyzer(info: rec.info)
    var steps: [Step] = []
    for block in rec.blocks[0].split(every: 333) { analyzer.process(block) { steps.append($0) } }
    analyzer.finish { steps.append($0) }
    #expect(!steps.isEmpty)
    #expect(steps == whole.steps)
  }

  @Test func aGapRestartsTheAnalysis() {
    let rec = SyntheticRun(rateHz: 100, seconds: 40).recording()
    let b = rec.blocks[0]
    let first = SampleBlock(startIndex: 0, ax: Array(b.ax[0..<1500]), ay: Array(b.ay[0..<1500]), az: Array(b.az[0..<1500]))
    let second = SampleBlock(startIndex: 2000, ax: Array(b.ax[2000...]), ay: Array(b.ay[2000...]), az: Array(b.az[2000...]))
    let gapped = Recording(info: rec.info, blocks: [first, second])
    let r = GaitAnalyzer.analyze(gapped)
    #expect(!r.steps.contains { $0.icS > 15.2 && $0.icS < 19.8 }, "no step inside the gap")
    // No step spans the gap.
    #expect(!r.steps.contains { s in s.icS < 15 && (s.stepTimeMs ?? 0) / 1000 + s.icS > 15.5 })
  }

  /// Step-time variability: the true steps vary with the requested
  /// coefficient of variation, each step starts where the last one ended,
  /// and the sequence is the same every time.
  @Test func stepVariabilityHasTheRequestedSpread() {
    var run = SyntheticRun(rateHz: 100, phases: [.running(seconds: 120, cadenceSpm: 170, contactS: 0.24)])
    run.stepVariability = 0.04
    let steps = run.trueSteps
    let times = steps.map(\.stepS)
    let mean = times.reduce(0, +) / Double(times.count)
    let sd = (times.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(times.count - 1)).squareRoot()
    #expect(sd / mean > 0.03 && sd / mean < 0.05, "CV \(sd / mean)")
    #expect(abs(mean - 60.0 / 170) < 0.01 * 60 / 170, "mean step \(mean) s")
    for k in 1..<steps.count { #expect(abs(steps[k].icS - steps[k - 1].icS - steps[k - 1].stepS) < 1e-9) }
    #expect(run.trueSteps == steps)
  }

  @Test func noGaitGivesNoSteps() {
    let n = 3000
    let still = SampleBlock(startIndex: 0, ax: [Float](repeating: 0, count: n), ay: [Float](repeating: 0, count: n),
                            az: [Float](repeating: standardGravity, count: n))
    let r = GaitAnalyzer.analyze(Recording(info: RecordingInfo(sampleRateHz: 100), blocks: [still]))
    #expect(r.steps.isEmpty)
  }
}

@Suite struct DSPPrimitives {
  @Test func fftPeakOfASine() {
    let fft = RealFFT(count: 1024)
    let signal = (0..<1024).map { Float(sin(2 * Double.pi * 50 * Double($0) / 1024)) }
    var power: [Float] = []
    signal.withUnsafeBufferPointer { fft.powerSpectrum(of: $0, into: &power) }
    #expect(power.count == 513)
    #expect(power.indices.max { power[$0] < power[$1] } == 50)
    // Parseval: sum |x|² = (|X0|² + 2 Σ|Xk|² + |XN/2|²) / N.
    let time = signal.reduce(0) { $0 + Double($1 * $1) }
    var freq = Double(power[0]) + Double(power[512])
    for k in 1..<512 { freq += 2 * Double(power[k]) }
    #expect(abs(freq / 1024 - time) / time < 1e-4)
  }

  @Test func zeroPhaseLowPassKeepsPeaksInPlaceAndDCGain() {
    var x = [Float](repeating: 1, count: 1000)
    for i in 480...520 { x[i] += Float(exp(-pow(Double(i - 500) / 8, 2))) }
    var scratch: [SIMD4<Float>] = []
    var negated = x.map { -$0 }, shifted = x.map { $0 + 5 }, zero = [Float](repeating: 0, count: x.count)
    ZeroPhaseButterworth.lowPass(cutoffHz: 20, sampleRateHz: 500).apply4(&x, &negated, &shifted, &zero, scratch: &scratch)
    #expect(x.indices.max { x[$0] < x[$1] } == 500)
    #expect(abs(x[10] - 1) < 1e-4)
    // Lanes are independent and the filter is linear.
    for i in x.indices { #expect(abs(negated[i] + x[i]) < 1e-5 && abs(shifted[i] - x[i] - 5) < 1e-4 && zero[i] == 0) }
  }

  @Test func distribution() throws {
    let d = try #require(Distribution([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))
    #expect(d.mean == 5.5)
    #expect(d.median == 5.5)
    #expect(abs(d.p10 - 1.9) < 1e-9)
    #expect(abs(d.p90 - 9.1) < 1e-9)
    #expect(Distribution([]) == nil)
  }
}
