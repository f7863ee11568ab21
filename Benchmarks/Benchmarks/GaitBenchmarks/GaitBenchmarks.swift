//===--- GaitBenchmarks.swift ---------------------------------------------===//
// The hot path, stage by stage and end to end. Names are shell-safe.
//
// Custom metrics print throughput a person can read: `MBps` (input bytes per
// second) and `kSamplesPerS` (thousands of samples per second). CI gates on
// allocation counts (Thresholds/), which are exact on any machine; wall
// clock is printed, not gated.
//===----------------------------------------------------------------------===//
import Benchmark
import Foundation
import GaitCore
import GaitCohort
import GaitDSP
import GaitIngest
import GaitPipeline
import GaitReport
import ZIPFoundation

/// A synthetic run with known steps, `seconds` long at `rateHz`.
func recording(seconds: Double, rateHz: Double) -> Recording {
  var run = SyntheticRun(rateHz: rateHz, seconds: seconds, cadenceSpm: 172, contactS: 0.24)
  run.rotation = SyntheticRun.rotation(yawDeg: 30, pitchDeg: 12, rollDeg: -8)
  return run.recording()
}

/// Writes `rec` as a CSV (time_s, ax, ay, az in m/s²) and returns its path and size.
func csvFile(_ rec: Recording, name: String) -> (String, Int) {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("gaitline-bench-\(name).csv").path
  if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 0 { return (path, size) }
  var text = "time_s,ax,ay,az\n"
  let b = rec.blocks[0]
  for i in 0..<b.count {
    text += String(format: "%.4f,%.4f,%.4f,%.4f\n", Double(i) / rec.info.sampleRateHz, b.ax[i], b.ay[i], b.az[i])
  }
  try? Data(text.utf8).write(to: URL(fileURLWithPath: path))
  return (path, text.utf8.count)
}

func glbFile(_ rec: Recording, name: String) -> (String, Int) {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("gaitline-bench-\(name).glb").path
  let w = try! GLBWriter(path: path, info: rec.info)
  for b in rec.blocks { try! w.write(b) }
  try! w.close()
  let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
  return (path, size)
}

/// `count` steps of one continuous run that switches between running and
/// walking every 1–7 steps (a deterministic pattern): every switch is short,
/// so all of it folds into one bout, the case that was quadratic.
func alternatingSteps(count: Int) -> ([Step], [SegmentResult]) {
  var steps: [Step] = []
  steps.reserveCapacity(count)
  var t = 0.0, running = true, left = 0, k = 0
  while steps.count < count {
    if left == 0 { running.toggle(); k += 1; left = 1 + (k * 5) % 7 }
    left -= 1
    var s = Step(icS: t, running: running)
    let st = running ? 340.0 + Double(steps.count % 13) : 540.0 + Double(steps.count % 17)
    s.stepTimeMs = st
    s.groundContactMs = running ? 240 : 330
    s.flightMs = running ? st - 240 : 0
    s.dutyFactor = s.groundContactMs! / 2 / st
    s.side = steps.count % 2 == 0 ? .left : .right
    steps.append(s)
    t += st / 1000
  }
  let segments = stride(from: 0.0, to: t + 10, by: 10).map {
    SegmentResult(startS: $0, endS: $0 + 10, cadenceSpectralSpm: 170, steps: 20, runningSteps: 10,
                  trunkLeanDeg: 5, mountingTiltDeg: 3, placement: .hip)
  }
  return (steps, segments)
}

let megabytesPerSecond = BenchmarkMetric.custom("MBps", polarity: .prefersLarger, useScalingFactor: false)
let kilosamplesPerSecond = BenchmarkMetric.custom("kSamplesPerS", polarity: .prefersLarger, useScalingFactor: false)

/// Records throughput from the time of the last iteration.
func report(_ benchmark: Benchmark, start: ContinuousClock.Instant, bytes: Int? = nil, samples: Int) {
  let d = ContinuousClock.now - start
  let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  guard seconds > 0 else { return }
  if let bytes { benchmark.measurement(megabytesPerSecond, Int(Double(bytes) / seconds / 1e6)) }
  benchmark.measurement(kilosamplesPerSecond, Int(Double(samples) / seconds / 1e3))
}

/// Reads every block of a freshly opened source, recording throughput.
func readAll(_ benchmark: Benchmark, bytes: Int, open: () throws -> any SampleSource) {
  for _ in benchmark.scaledIterations {
    let t0 = ContinuousClock.now
    let source = try! open()
    var n = 0
    while let b = try! source.nextBlock() { n += b.count }
    report(benchmark, start: t0, bytes: bytes, samples: n)
    blackHole(n)
  }
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration.metrics = [.wallClock, .mallocCountTotal, megabytesPerSecond, kilosamplesPerSecond]
  Benchmark.defaultConfiguration.maxDuration = .seconds(3)
  Benchmark.defaultConfiguration.maxIterations = 15
  Benchmark.defaultConfiguration.warmupIterations = 1
  // CI gates on allocation counts: 1 % slack covers hash-seed-dependent
  // dictionary growth.
  Benchmark.defaultConfiguration.thresholds = [.mallocCountTotal: BenchmarkThresholds(relative: [.p90: 1.0])]
  // The analyses allocate about twice per 10-s core (its steps and result),
  // and that count is not exact from machine to machine: the same commit
  // counted 75 778 allocations for Analysis.hour10.100Hz here and 79 000 on
  // CI's machine (+4.2 %), and the two-thread run 76 000-78 600 depending
  // on how the cores fall to the threads. 10 % slack still fails on any
  // allocation per step (10 h: ~100 000 steps, +130 %) or per sample
  // (3.6 M, +4 700 %), which is what this gate is for.
  let analysisConfiguration = Benchmark.Configuration(
    thresholds: [.mallocCountTotal: BenchmarkThresholds(relative: [.p90: 10.0])])

  // Ingest.
  Benchmark("CSV.parse.hour1.100Hz") { benchmark in
    let rec = recording(seconds: 3600, rateHz: 100)
    let (path, size) = csvFile(rec, name: "hour100")
    benchmark.startMeasurement()
    readAll(benchmark, bytes: size) { try CSVReader(path: path) }
  }

  // The fast path of the other common layout: time + 3 acceleration + 3
  // gyroscope columns (issue #16 target: 500 MB/s with the time + 3 one).
  Benchmark("CSV.parse.gyro.hour1.100Hz") { benchmark in
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("gaitline-bench-gyro.csv").path
    if !FileManager.default.fileExists(atPath: path) {
      let b = recording(seconds: 3600, rateHz: 100).blocks[0]
      var text = "time_s,ax,ay,az,gx,gy,gz\n"
      for i in 0..<b.count {
        let x = Double(i) * 0.01
        text += String(format: "%.4f,%.4f,%.4f,%.4f,%.5f,%.5f,%.5f\n", x, b.ax[i], b.ay[i], b.az[i], sin(x * 9), cos(x * 7) * 2, sin(x * 3) * 0.5)
      }
      try! Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    benchmark.startMeasurement()
    readAll(benchmark, bytes: size) { try CSVReader(path: path) }
  }

  Benchmark("GLB.decode.hour1.100Hz") { benchmark in
    let rec = recording(seconds: 3600, rateHz: 100)
    let (path, size) = glbFile(rec, name: "hour100")
    benchmark.startMeasurement()
    readAll(benchmark, bytes: size) { try GLBReader(path: path) }
  }

  Benchmark("CWA.decode.ax3.197Hz") { benchmark in
    // The bundled lumbar AX3 file (packed 10-bit, 58 800 samples).
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let path = root.appendingPathComponent("Tests/Fixtures/cwa/skdh_ax3_sample.cwa").path
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    benchmark.startMeasurement()
    readAll(benchmark, bytes: size) { try CWAReader(path: path) }
  }

  Benchmark("GT3X.decode.hour1.30Hz") { benchmark in
    // A GT9X-style file: one hour of ACTIVITY2 records at 30 Hz, deflated.
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("gaitline-bench-hour.gt3x").path
    if !FileManager.default.fileExists(atPath: path) {
      var log: [UInt8] = []
      for s in 0..<3600 {
        var rec: [UInt8] = [0x1E, 0x1A]
        rec += withUnsafeBytes(of: UInt32(1_568_745_600 + s).littleEndian, Array.init)
        rec += withUnsafeBytes(of: UInt16(180).littleEndian, Array.init)
        for k in 0..<30 {
          for v in [Int16(k * 3 % 50), Int16(-20 + k), Int16(256 - k)] { rec += withUnsafeBytes(of: v.littleEndian, Array.init) }
        }
        rec.append(~rec.reduce(0, ^))
        log += rec
      }
      let info = Array("Sample Rate: 30\nAcceleration Scale: 256\nSerial Number: TAS1H00000000\nStart Date: 637042464000000000\n".utf8)
      let archive = try! Archive(url: URL(fileURLWithPath: path), accessMode: .create)
      for (name, bytes) in [("info.txt", info), ("log.bin", log)] {
        try! archive.addEntry(with: name, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) {
          (pos: Int64, size: Int) in Data(bytes[Int(pos)..<(Int(pos) + size)])
        }
      }
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    benchmark.startMeasurement()
    readAll(benchmark, bytes: size) { try GT3XReader(path: path) }
  }

  // DSP primitives.
  Benchmark("FFT.powerSpectrum.n4096", configuration: .init(scalingFactor: .kilo)) { benchmark in
    let fft = RealFFT(count: 4096)
    let signal = (0..<4096).map { Float(sin(Double($0) * 0.05)) }
    var power: [Float] = []
    power.reserveCapacity(2049)
    benchmark.startMeasurement()
    let t0 = ContinuousClock.now
    for _ in benchmark.scaledIterations {
      signal.withUnsafeBufferPointer { fft.powerSpectrum(of: $0, into: &power) }
      blackHole(power)
    }
    report(benchmark, start: t0, samples: 4096 * benchmark.scaledIterations.count)
  }

  // The zero-phase low-pass over an hour at 100 Hz, four signals at once
  // (one 15-s analysis window at a time, as the analyzer runs it).
  Benchmark("Filter.lowPass4.hour1.100Hz") { benchmark in
    let filter = ZeroPhaseButterworth.lowPass(cutoffHz: 20, sampleRateHz: 100)
    let window = 1500
    var a = (0..<window).map { Float(sin(Double($0) * 0.3)) }, b = a, c = a, d = a
    var scratch: [SIMD4<Float>] = []
    filter.apply4(&a, &b, &c, &d, scratch: &scratch)
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      let t0 = ContinuousClock.now
      for _ in 0..<(360_000 / window) { filter.apply4(&a, &b, &c, &d, scratch: &scratch) }
      report(benchmark, start: t0, samples: 360_000)
      blackHole(a[0])
    }
  }

  // Alignment + events + per-step metrics, after parsing, in memory.
  for (name, seconds, rate) in [("min1.100Hz", 60.0, 100.0), ("min10.100Hz", 600.0, 100.0), ("hour1.100Hz", 3600.0, 100.0),
                                ("hour10.100Hz", 36_000.0, 100.0), ("hour1.1000Hz", 3600.0, 1000.0)] {
    Benchmark("Analysis.\(name)", configuration: analysisConfiguration) { benchmark in
      let rec = recording(seconds: seconds, rateHz: rate)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        let t0 = ContinuousClock.now
        let r = GaitAnalyzer.analyze(rec)
        report(benchmark, start: t0, samples: rec.sampleCount)
        blackHole(r.steps.count)
      }
    }
  }

  // One long recording on two threads (issue #16 target: 10 h in at most
  // 0.6 x the time of Analysis.hour10.100Hz, on a machine with 2 free cores).
  Benchmark("Analysis.hour10.100Hz.threads2", configuration: analysisConfiguration) { benchmark in
    let rec = recording(seconds: 36_000, rateHz: 100)
    var options = AnalysisOptions()
    options.concurrency = 2
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      let t0 = ContinuousClock.now
      let r = GaitAnalyzer.analyze(rec, options: options)
      report(benchmark, start: t0, samples: rec.sampleCount)
      blackHole(r.steps.count)
    }
  }

  // Bout splitting of 80 000 steps that alternate walking and running
  // (issue #16 target: 50 ms).
  Benchmark("Bouts.alternating.steps80k") { benchmark in
    let (steps, segments) = alternatingSteps(count: 80_000)
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      blackHole(gaitBouts(steps, segments: segments, speedMps: 3.2))
    }
  }

  // Report writing of an analysed hour (about 10 000 steps), into a sink
  // that drops the bytes: the JSON report (issue #16 target for its steps:
  // 8 ms) and the per-step CSV.
  // The HTML report is streamed the same way.
  for name in ["json", "stepsCSV", "html"] {
    Benchmark("Report.\(name).hour1.100Hz") { benchmark in
      let rec = recording(seconds: 3600, rateHz: 100)
      let (path, _) = glbFile(rec, name: "hour100")
      let r = try! analyze(source: try GLBReader(path: path), path: path, options: AnalysisOptions())
      var bytes = 0
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations {
        switch name {
        case "stepsCSV": try! writeStepsCSV(r.steps, to: { bytes += $0.count })
        case "html": try! writeHTMLReport(r, to: { bytes += $0.count })
        default: try! writeReport(r, to: { bytes += $0.count })
        }
      }
      benchmark.stopMeasurement()
      blackHole(bytes)
    }
  }

  // Content hashing of cohort planning: 256 MiB from the page cache
  // (issue #16 target: 1 GB/s per core).
  Benchmark("SHA256.file.256MiB") { benchmark in
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("gaitline-bench-256MiB.bin").path
    let size = 256 << 20
    if ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) != size {
      var bytes = [UInt8](repeating: 0, count: size)
      var x: UInt64 = 1
      for i in stride(from: 0, to: size, by: 8) {
        x = x &* 6_364_136_223_846_793_005 &+ 1
        withUnsafeBytes(of: x) { for k in 0..<8 { bytes[i + k] = $0[k] } }
      }
      try! Data(bytes).write(to: URL(fileURLWithPath: path))
    }
    _ = try! sha256(ofFile: path)
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      let t0 = ContinuousClock.now
      blackHole(try! sha256(ofFile: path))
      report(benchmark, start: t0, bytes: size, samples: 0)
    }
  }

  // The CSV resampler: an hour at 100 Hz whose timestamps jitter by up to
  // ±2 ms around the grid, so every sample is interpolated.
  Benchmark("CSV.resample.jittered.hour1.100Hz") { benchmark in
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("gaitline-bench-jittered.csv").path
    if !FileManager.default.fileExists(atPath: path) {
      let b = recording(seconds: 3600, rateHz: 100).blocks[0]
      var text = "time_s,ax,ay,az\n"
      for i in 0..<b.count {
        let jitter = Double((i &* 7919) % 41 - 20) * 1e-4
        text += String(format: "%.5f,%.4f,%.4f,%.4f\n", Double(i) / 100 + jitter, b.ax[i], b.ay[i], b.az[i])
      }
      try! Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    benchmark.startMeasurement()
    readAll(benchmark, bytes: size) { try CSVReader(path: path) }
  }

  // The streaming core: 32-sample blocks as a serial link delivers them;
  // setup (the first minute) is outside the measurement.
  Benchmark("Streaming.process.min10.100Hz") { benchmark in
    let rec = recording(seconds: 660, rateHz: 100)
    let blocks = rec.blocks[0].split(every: 32)
    let warm = 60 * 100 / 32
    for _ in benchmark.scaledIterations {
      var analyzer = GaitAnalyzer(info: rec.info)
      var steps = 0
      for b in blocks[0..<warm] { analyzer.process(b) { _ in steps += 1 } }
      benchmark.startMeasurement()
      let t0 = ContinuousClock.now
      for b in blocks[warm...] { analyzer.process(b) { _ in steps += 1 } }
      report(benchmark, start: t0, samples: (blocks.count - warm) * 32)
      benchmark.stopMeasurement()
      blackHole(steps)
    }
  }
}
