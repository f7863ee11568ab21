//===--- AnalysisIdentityTests.swift --------------------------------------===//
// Speed work on the analysis must not change a single bit of its results:
// the steps and segments of every bundled recording and of synthetic runs
// are hashed and compared with the hashes recorded before the change
// (Tests/Fixtures/analysis-identity/hashes.txt). A change that is meant to
// alter results re-records them deliberately:
//   GAITLINE_RECORD_ANALYSIS_HASHES=1 swift test --filter AnalysisIdentity
// and says so in its commit. The concurrent analysis is compared with the
// serial one directly (any segment count, seams included).
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
import GaitIngest
import GaitPipeline
import GaitReport
import GaitTestSupport
import Testing

@testable import GaitDSP

/// FNV-1a, 64 bit: deterministic across processes (Swift's `Hasher` is seeded).
struct FNV1a {
  var value: UInt64 = 0xcbf2_9ce4_8422_2325
  mutating func add(_ x: UInt64) {
    withUnsafeBytes(of: x.littleEndian) { for b in $0 { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 } }
  }
  mutating func add(_ d: Double?) { if let d { add(1); add(d.bitPattern) } else { add(0) } }
  mutating func add(_ b: Bool?) { add(b.map { $0 ? 2 : 1 } ?? 0) }
  mutating func add(_ s: Side?) { add(s.map { $0 == .left ? 2 : 1 } ?? 0) }
}

/// Every field of every step and segment, bit for bit.
func analysisHash(steps: [Step], segments: [SegmentResult], placement: Placement?) -> String {
  var h = FNV1a()
  h.add(UInt64(steps.count))
  for s in steps {
    h.add(s.icS); h.add(s.tcS); h.add(s.side); h.add(s.stepTimeMs); h.add(s.groundContactMs)
    h.add(s.flightMs); h.add(s.dutyFactor); h.add(s.verticalOscillationCm); h.add(s.brakingMps)
    h.add(s.impactG); h.add(s.lateralSwayCm); h.add(s.footFlatS); h.add(s.running)
    h.add(s.tibialShockG); h.add(s.tibialShockRateGps); h.add(s.tibialShockClipped)
  }
  h.add(UInt64(segments.count))
  for g in segments {
    h.add(g.startS); h.add(g.endS); h.add(g.cadenceSpectralSpm); h.add(UInt64(g.steps)); h.add(UInt64(g.runningSteps))
    h.add(g.trunkLeanDeg); h.add(g.mountingTiltDeg); h.add(UInt64(g.placement.hashValueStable)); h.add(g.still)
    for x in g.standingUp ?? [] { h.add(x) }
    h.add(UInt64(g.standingUp?.count ?? 99))
    for x in g.leanForwardAxis ?? [] { h.add(x) }
    h.add(UInt64(g.leanForwardAxis?.count ?? 99))
  }
  h.add(UInt64(placement?.hashValueStable ?? 99))
  return String(h.value, radix: 16)
}

extension Placement {
  fileprivate var hashValueStable: Int {
    switch self {
    case .hip: 1
    case .foot: 2
    case .shank: 3
    }
  }
}

/// The inputs: every bundled CSV recording, and synthetic runs (hip in
/// several orientations and rates with walking, standing and running
/// phases; a shank) long enough to cross many segment seams.
enum IdentityInputs {
  static let sampleFiles: [String] = {
    let root = URL(fileURLWithPath: sampleData(""))
    var out: [String] = []
    for dir in ["alcantara-sacrum-run", "bach-shank-subject-b", "mobgap-lowerback-walk", "pyshoe-foot-run"] {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(dir).path)) ?? []
      for n in names.sorted() where n.hasSuffix(".csv") && !n.hasPrefix("ground_truth") { out.append("\(dir)/\(n)") }
    }
    return out
  }()

  static func synthetic() -> [(String, Recording)] {
    var out: [(String, Recording)] = []
    var a = SyntheticRun(rateHz: 100, seconds: 300, cadenceSpm: 172, contactS: 0.24)
    a.rotation = SyntheticRun.rotation(yawDeg: 30, pitchDeg: 12, rollDeg: -8)
    out.append(("hip-100Hz-rotated-300s", a.recording()))
    var b = SyntheticRun(rateHz: 200, phases: [
      .standing(seconds: 12), .walking(seconds: 40, cadenceSpm: 112), .running(seconds: 90, cadenceSpm: 164, contactS: 0.30),
      .standing(seconds: 7), .running(seconds: 45, cadenceSpm: 178, contactS: 0.22), .walking(seconds: 25, cadenceSpm: 118),
    ])
    b.nearFarPeakRatio = 1.5
    b.impactSpike = 1
    b.rotation = SyntheticRun.rotation(yawDeg: -60, pitchDeg: 5, rollDeg: 20)
    out.append(("hip-200Hz-phases", b.recording()))
    var c = SyntheticRun(rateHz: 500, seconds: 60, cadenceSpm: 150, contactS: 0.32)
    c.leanDeg = 6
    out.append(("hip-500Hz-lean", c.recording()))
    out.append(("shank-running", SyntheticShank(rateHz: 200, running: true, seconds: 60).recording()))
    out.append(("shank-walking", SyntheticShank(rateHz: 100, running: false, seconds: 60).recording()))
    return out
  }
}

@Suite struct AnalysisIdentity {
  static let fixture = repositoryRoot.appendingPathComponent("Tests/Fixtures/analysis-identity/hashes.txt")

  static func current() throws -> [(String, String)] {
    var out: [(String, String)] = []
    for f in IdentityInputs.sampleFiles {
      let path = sampleData(f)
      let r = try analyze(source: try CSVReader(path: path), path: path, options: AnalysisOptions())
      out.append((f, analysisHash(steps: r.steps, segments: r.segments, placement: r.placement)))
    }
    for (name, rec) in IdentityInputs.synthetic() {
      let r = GaitAnalyzer.analyze(rec)
      out.append(("synthetic/\(name)", analysisHash(steps: r.steps, segments: r.segments, placement: r.placement)))
    }
    return out
  }

  /// Steps and segments equal, to the last bit, the recorded reference.
  @Test func resultsAreBitIdenticalToTheReference() throws {
    let now = try Self.current()
    #expect(now.count >= 45, "\(now.count) inputs")
    if ProcessInfo.processInfo.environment["GAITLINE_RECORD_ANALYSIS_HASHES"] == "1" {
      let text = now.map { "\($0.0) \($0.1)\n" }.joined()
      try FileManager.default.createDirectory(at: Self.fixture.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: Self.fixture, options: .atomic)
      return
    }
    let text = try String(contentsOf: Self.fixture, encoding: .utf8)
    var reference: [String: String] = [:]
    for line in text.split(separator: "\n") {
      let f = line.split(separator: " ")
      reference[String(f[0])] = String(f[1])
    }
    #expect(reference.count == now.count, "reference has \(reference.count) inputs, now \(now.count)")
    for (name, hash) in now {
      #expect(reference[name] == hash, "\(name): \(hash), reference \(reference[name] ?? "none")")
    }
  }
}

/// The concurrent analysis (``AnalysisOptions/concurrency``) equals the
/// serial one: whole recordings and streams cut into blocks of odd sizes (so
/// batches end mid-core and at every kind of seam), with gaps.
@Suite struct ConcurrentAnalysisIdentity {
  /// `rec` re-cut into blocks of `size` samples; `gapAfter` drops one sample
  /// after that many, so the run restarts there.
  static func stream(_ rec: Recording, options: AnalysisOptions, blockSize size: Int, gapAfter: Int? = nil)
    -> (steps: [Step], segments: [SegmentResult], placement: Placement?)
  {
    var analyzer = GaitAnalyzer(info: rec.info, options: options)
    var steps: [Step] = []
    for b in rec.blocks {
      var i = 0
      while i < b.count {
        var j = min(b.count, i + size)
        if let g = gapAfter, i < g, j > g { j = g }
        func cut(_ x: [Float]) -> [Float] { x.isEmpty ? [] : Array(x[i..<j]) }
        let block = SampleBlock(startIndex: b.startIndex + i + (gapAfter.map { i >= $0 ? 1 : 0 } ?? 0),
                                ax: cut(b.ax), ay: cut(b.ay), az: cut(b.az), gx: cut(b.gx), gy: cut(b.gy), gz: cut(b.gz))
        analyzer.process(block) { steps.append($0) }
        i = j
      }
    }
    analyzer.finish { steps.append($0) }
    return (steps, analyzer.segments, analyzer.placement)
  }

  @Test func concurrentEqualsSerialOnSyntheticRuns() {
    for (name, rec) in IdentityInputs.synthetic() {
      let serial = GaitAnalyzer.analyze(rec)
      let reference = analysisHash(steps: serial.steps, segments: serial.segments, placement: serial.placement)
      #expect(serial.steps.count > 20, "\(name)")
      for (threads, size) in [(2, 997), (3, 4_321)] {
        var o = AnalysisOptions()
        o.concurrency = threads
        let whole = GaitAnalyzer.analyze(rec, options: o)
        #expect(analysisHash(steps: whole.steps, segments: whole.segments, placement: whole.placement) == reference,
                "\(name), \(threads) threads, whole")
        #expect(whole.steps == serial.steps && whole.segments == serial.segments, "\(name), \(threads) threads")
        let s = Self.stream(rec, options: o, blockSize: size)
        #expect(analysisHash(steps: s.steps, segments: s.segments, placement: s.placement) == reference,
                "\(name), \(threads) threads, blocks of \(size)")
      }
      // A gap restarts the run: serial and concurrent streams agree there too.
      let gap = rec.sampleCount / 3 + 17
      let serialGap = Self.stream(rec, options: AnalysisOptions(), blockSize: 1_000, gapAfter: gap)
      var o = AnalysisOptions()
      o.concurrency = 2
      let concurrentGap = Self.stream(rec, options: o, blockSize: 1_000, gapAfter: gap)
      #expect(concurrentGap.steps == serialGap.steps && concurrentGap.segments == serialGap.segments, "\(name), gap")
    }
  }

  /// The run summary's distributions computed on several threads equal
  /// the serial ones, each in its own field (a long run: enough counted
  /// steps for the concurrent path).
  @Test func concurrentSummaryEqualsSerial() throws {
    let (name, rec) = try #require(IdentityInputs.synthetic().first)
    let r = GaitAnalyzer.analyze(rec)
    #expect(r.steps.count > 20, "\(name)")
    // Repeated with each copy's metrics scaled differently, so every
    // distribution has distinct values and a swapped field would show.
    var steps: [Step] = []
    var k = 0
    while steps.count < 3 * RunSummary.concurrentSummarySteps {
      let f = 1 + Double(k % 97) / 1000
      for var s in r.steps {
        s.stepTimeMs = s.stepTimeMs.map { $0 * f }
        s.groundContactMs = s.groundContactMs.map { $0 * f * f }
        s.flightMs = s.flightMs.map { $0 / f }
        s.impactG = s.impactG.map { $0 + f }
        steps.append(s)
      }
      k += 1
    }
    let serial = RunSummary(steps: steps, segments: r.segments, speedMps: 3.5)
    #expect((serial.basis == .running ? serial.runningSteps : serial.steps) >= RunSummary.concurrentSummarySteps)
    #expect(serial.stepTimeMs != nil && serial.groundContactMs != nil && serial.flightMs != nil)
    for threads in [2, 3, 16] {
      let concurrent = RunSummary(steps: steps, segments: r.segments, speedMps: 3.5, concurrency: threads)
      #expect(concurrent == serial, "\(threads) threads")
    }
  }

  /// A recording handed out in blocks of `blockSize` samples, as a file
  /// reader would; with `failAfter`, the read after that many blocks throws.
  final class BlockSource: SampleSource {
    struct Broken: Error, Equatable { let block: Int }
    let info: RecordingInfo
    var report = IngestReport(format: "test")
    private let recording: Recording
    private let blockSize: Int
    private let failAfter: Int?
    private var block = 0, offset = 0, sent = 0

    init(_ recording: Recording, blockSize: Int, failAfter: Int? = nil) {
      self.recording = recording
      info = recording.info
      self.blockSize = blockSize
      self.failAfter = failAfter
    }

    func nextBlock() throws -> SampleBlock? {
      if let failAfter, sent == failAfter { throw Broken(block: sent) }
      while block < recording.blocks.count, offset >= recording.blocks[block].count { block += 1; offset = 0 }
      guard block < recording.blocks.count else { return nil }
      let b = recording.blocks[block]
      let i = offset, j = min(b.count, offset + blockSize)
      func cut(_ x: [Float]) -> [Float] { x.isEmpty ? [] : Array(x[i..<j]) }
      offset = j
      sent += 1
      report.samples += j - i
      return SampleBlock(startIndex: b.startIndex + i, ax: cut(b.ax), ay: cut(b.ay), az: cut(b.az),
                         gx: cut(b.gx), gy: cut(b.gy), gz: cut(b.gz))
    }
  }

  /// The whole pipeline (reader thread, analysis threads taking turns with
  /// it, the summary on several threads, the JSON report) gives the serial
  /// results and report bytes for every thread count, on a run long enough
  /// for several batches of cores.
  @Test func pipelineEqualsSerialForEveryThreadCount() throws {
    let rec = SyntheticRun(rateHz: 100, seconds: 1_500, cadenceSpm: 170, contactS: 0.25).recording()
    func run(_ threads: Int) throws -> (AnalysisResult, [UInt8]) {
      var o = AnalysisOptions()
      o.concurrency = threads
      let r = try analyze(source: BlockSource(rec, blockSize: 4_096), path: "synthetic", options: o)
      var bytes: [UInt8] = []
      try writeReport(r) { bytes.append(contentsOf: $0) }
      return (r, bytes)
    }
    let (serial, serialBytes) = try run(1)
    #expect(serial.segments.count > 3 * 2 * AnalysisOptions.concurrencyBatchCores)
    for threads in [2, 3] {
      let (r, bytes) = try run(threads)
      #expect(r.steps == serial.steps && r.segments == serial.segments, "\(threads) threads")
      #expect(r.summary == serial.summary, "\(threads) threads")
      #expect(bytes == serialBytes, "\(threads) threads: the report differs")
    }
  }

  /// A reader that fails mid-run fails the analysis with its own error on
  /// every thread count (the reader thread gives its turn back; nothing
  /// waits for it forever).
  @Test func aReaderErrorMidRunFailsTheSameOnEveryThreadCount() {
    let rec = SyntheticRun(rateHz: 100, seconds: 1_200, cadenceSpm: 170, contactS: 0.25).recording()
    for threads in [1, 2, 3] {
      for failAfter in [0, 1, 37] {
        var o = AnalysisOptions()
        o.concurrency = threads
        #expect(throws: BlockSource.Broken(block: failAfter), "\(threads) threads, after \(failAfter) blocks") {
          _ = try analyze(source: BlockSource(rec, blockSize: 1_000, failAfter: failAfter), path: "synthetic", options: o)
        }
      }
    }
  }

  @Test func concurrentEqualsSerialOnBundledRecordings() throws {
    var o = AnalysisOptions()
    o.concurrency = 2
    for f in IdentityInputs.sampleFiles {
      let path = sampleData(f)
      let serial = try analyze(source: try CSVReader(path: path), path: path, options: AnalysisOptions())
      let concurrent = try analyze(source: try CSVReader(path: path), path: path, options: o)
      #expect(concurrent.steps == serial.steps && concurrent.segments == serial.segments, "\(f)")
    }
  }
}
