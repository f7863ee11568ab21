//===--- StreamDecoderTests.swift -----------------------------------------===//
// The stream decoders' contract: every sample reaches the caller, however
// the bytes are chunked and however short the stream is.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
import GaitTestSupport
import Testing

@testable import GaitIngest

/// One decoded sample with its grid index, for comparing decoder runs whose
/// block boundaries may differ.
struct DecodedSample: Hashable {
  var index: Int
  var a: SIMD3<Float>
  var g: SIMD3<Float>?
}

/// Flattens blocks into samples.
func samples(of blocks: [SampleBlock]) -> [DecodedSample] {
  var out: [DecodedSample] = []
  for b in blocks {
    for k in 0..<b.count {
      out.append(DecodedSample(
        index: b.startIndex + k, a: SIMD3(b.ax[k], b.ay[k], b.az[k]),
        g: b.hasGyroscope ? SIMD3(b.gx[k], b.gy[k], b.gz[k]) : nil))
    }
  }
  return out
}

/// Runs a fresh decoder over `chunks` and flushes it at the end of stream.
func decodeAll(_ make: () -> any StreamDecoder, _ chunks: [ArraySlice<UInt8>]) throws -> [DecodedSample] {
  var decoder = make()
  var out: [SampleBlock] = []
  for c in chunks { try c.withUnsafeBytes { try decoder.decode($0, emit: &out) } }
  try decoder.decodeLast(emit: &out)
  return samples(of: out)
}

/// In the manner of swift-nio's `ByteToMessageDecoderVerifier`: a decoder
/// fed the same bytes one at a time, all at once and in random splits must
/// give the same samples each time. Returns the samples of the whole-buffer
/// run.
@discardableResult
func verifyChunking(_ name: String, _ bytes: [UInt8], seed: UInt64, splits: Int = 20,
                    _ make: () -> any StreamDecoder) throws -> [DecodedSample] {
  let whole = try decodeAll(make, [bytes[...]])
  let oneByOne = try decodeAll(make, bytes.indices.map { bytes[$0..<($0 + 1)] })
  #expect(oneByOne == whole, "\(name): byte-by-byte differs from whole (\(oneByOne.count) vs \(whole.count) samples)")
  var rng = SplitMix(state: seed)
  for s in 0..<splits {
    var chunks: [ArraySlice<UInt8>] = []
    var i = 0
    while i < bytes.count {
      let j = min(bytes.count, i + Int.random(in: 1...97, using: &rng))
      chunks.append(bytes[i..<j])
      i = j
    }
    let split = try decodeAll(make, chunks)
    #expect(split == whole, "\(name): random split #\(s) differs from whole (\(split.count) vs \(whole.count) samples)")
  }
  return whole
}

@Suite struct StreamDecoderContract {
  /// `count` lines `ax,ay,az` in g, as an Arduino prints them.
  static func textCapture(_ count: Int, milliseconds: Bool = false) -> [UInt8] {
    var bytes = Array("booting sensor v1.2\n".utf8)
    for k in 0..<count {
      let ax = Float(k % 5) * 0.1 * standardGravity
      bytes += StreamEncoder.textLine(milliseconds: milliseconds ? k * 10 : nil, ax: ax, ay: 0.2 * standardGravity, az: standardGravity)
    }
    return bytes
  }

  /// A short text capture without `--units` keeps every sample: gravity is
  /// judged from the lines there are when the stream ends (it used to wait
  /// for 25 lines and drop fewer at the end).
  @Test(arguments: [1, 2, 3, 10, 24, 25, 26, 200])
  func shortTextCaptureKeepsItsSamples(lines: Int) throws {
    let path = temporaryFile(bytes: Self.textCapture(lines), name: "capture-\(lines).txt")
    let source = try StreamFileSource(path: path, decoder: TextLineDecoder(rateHz: 100), protocolName: "text")
    var n = 0
    var first: SampleBlock?
    while let b = try source.nextBlock() { n += b.count; first = first ?? b }
    #expect(n == lines)
    #expect(source.report.unitsDetected == "g")
    let az = try #require(first?.az.first)
    #expect(abs(az - standardGravity) < 0.01)
  }

  @Test func textVerifier() throws {
    for lines in [1, 5, 24, 30, 300] {
      let got = try verifyChunking("text \(lines)", Self.textCapture(lines), seed: UInt64(lines)) { TextLineDecoder(rateHz: 100) }
      #expect(got.count == lines)
      let timed = try verifyChunking("text+ms \(lines)", Self.textCapture(lines, milliseconds: true), seed: UInt64(lines) + 1) {
        TextLineDecoder(rateHz: 100)
      }
      #expect(timed.count == lines)
    }
  }

  @Test func witMotionVerifier() throws {
    var bytes: [UInt8] = [0x55, 0x51, 0x00]  // a partial frame from joining midway
    for k in 0..<300 {
      bytes += StreamEncoder.witMotion(ax: Float(k % 7), ay: 1, az: 9.8, gyro: k < 40 ? nil : SIMD3(0.1, 0.2, Float(k % 3)))
    }
    let got = try verifyChunking("witmotion", bytes, seed: 11) { WitMotionDecoder(rateHz: 100) }
    #expect(got.count == 300)
    #expect(got.last?.g != nil)
  }

  @Test func glbVerifier() throws {
    let path = temporaryDirectory().appendingPathComponent("verifier.glb").path
    var block = SampleBlock(startIndex: 0)
    for k in 0..<1_000 {
      block.ax.append(Float(k % 11)); block.ay.append(1); block.az.append(9.8)
      block.gx.append(0.1); block.gy.append(Float(k % 5)); block.gz.append(0.3)
    }
    let w = try GLBWriter(path: path, info: RecordingInfo(sampleRateHz: 100, hasGyroscope: true))
    try w.write(block)
    try w.close()
    let bytes = Array("noise".utf8) + [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let got = try verifyChunking("glb", bytes, seed: 5, splits: 8) { GLBStreamDecoder(rateHz: 100) }
    #expect(got.count == 1_000)
    #expect(got.map(\.index) == Array(0..<1_000))
  }
}

/// One unit inference for files and streams: the mean |a| of a still or
/// moving sensor is near 1 g in its own unit.
@Suite struct UnitInference {
  @Test func bands() {
    #expect(AccelerationUnit.inferred(meanMagnitude: 1.0) == .g)
    #expect(AccelerationUnit.inferred(meanMagnitude: 2.5) == .g)
    #expect(AccelerationUnit.inferred(meanMagnitude: 9.81) == .metresPerSecondSquared)
    #expect(AccelerationUnit.inferred(meanMagnitude: 25) == .metresPerSecondSquared)
    #expect(AccelerationUnit.inferred(meanMagnitude: 1000) == .milliG)
    // Between the bands, or far outside them: no guess.
    for m in [0.0, 0.1, 3.5, 60, 200, 5000, .nan, .infinity] {
      #expect(AccelerationUnit.inferred(meanMagnitude: m) == nil, "\(m)")
    }
  }

  /// Streams cannot refuse mid-flight: they take the nearest unit, on a log
  /// scale, when no band matches.
  @Test func nearestForStreams() {
    #expect(AccelerationUnit.nearest(meanMagnitude: 0.2) == .g)
    #expect(AccelerationUnit.nearest(meanMagnitude: 3.5) == .metresPerSecondSquared)
    #expect(AccelerationUnit.nearest(meanMagnitude: 60) == .metresPerSecondSquared)
    #expect(AccelerationUnit.nearest(meanMagnitude: 200) == .milliG)
    #expect(AccelerationUnit.nearest(meanMagnitude: 0) == .g)
    #expect(AccelerationUnit.nearest(meanMagnitude: 9.81) == .metresPerSecondSquared)
  }

  /// A CSV and the same numbers as a text stream get the same unit.
  @Test(arguments: [(1.0, "g"), (9.81, "m/s2"), (1000.0, "mg")])
  func fileAndStreamAgree(scale: Double, unit: String) throws {
    var csv = "ax,ay,az\n"
    var text: [UInt8] = []
    for k in 0..<200 {
      let line = "\(0.1 * scale * Double(k % 3)),\(0.2 * scale),\(scale)\n"
      csv += line
      text += Array(line.utf8)
    }
    let (_, fileReport) = try read(temporaryFile(csv, name: "units-\(unit.count).csv"), CSVOptions(rateHz: 100))
    #expect(fileReport.unitsDetected == unit)
    let source = try StreamFileSource(path: temporaryFile(bytes: text, name: "units-\(unit.count).txt"),
                                      decoder: TextLineDecoder(rateHz: 100), protocolName: "text")
    while try source.nextBlock() != nil {}
    #expect(source.report.unitsDetected == unit)
  }
}

/// How a text stream's unit was decided, and a clear warning when gravity
/// does not support the guess (docs/STREAMING.md).
@Suite struct TextStreamUnits {
  /// `count` lines of a run-like signal in m/s²: a stance of 12 samples at
  /// 2 g vertical then a flight of 8 near 0 g, repeating (mean |a| ≈ 1.2 g).
  static func runLines(_ count: Int, from start: Int = 0) -> String {
    var s = ""
    for k in start..<(start + count) {
      let stance = k % 20 < 12
      let v = stance ? 2.0 * Double(standardGravity) : 0.05
      s += "\(0.3 * Double(k % 3)),\(0.2),\(v)\n"
    }
    return s
  }

  /// `count` lines of a sensor that sends (nearly) zeros: not ready yet, or falling.
  static func zeroLines(_ count: Int) -> String {
    String(repeating: "0.01,-0.02,0.03\n", count: count)
  }

  static func decode(_ text: String, _ decoder: TextLineDecoder = TextLineDecoder(rateHz: 100)) throws
    -> (TextLineDecoder, [DecodedSample])
  {
    var d = decoder
    var out: [SampleBlock] = []
    try Array(text.utf8).withUnsafeBytes { try d.decode($0, emit: &out) }
    try d.decodeLast(emit: &out)
    return (d, samples(of: out))
  }

  /// The unit and how it was decided reach the decoder's and the replay's report:
  /// gravity when judged, option when given (it used to say gravity for both).
  @Test func labelSaysHowTheUnitWasDecided() throws {
    let text = String(decoding: StreamDecoderContract.textCapture(200), as: UTF8.self)
    let (judged, _) = try Self.decode(text)
    #expect(judged.unitsDetected == "g")
    #expect(judged.unitsSource == "gravity")
    #expect(judged.unitsWarning == nil)
    let (given, _) = try Self.decode(text, TextLineDecoder(rateHz: 100, units: .milliG))
    #expect(given.unitsDetected == "mg")
    #expect(given.unitsSource == "option")
    let source = try StreamFileSource(path: temporaryFile(text, name: "label.txt"),
                                      decoder: TextLineDecoder(rateHz: 100, units: .g), protocolName: "text")
    while try source.nextBlock() != nil {}
    #expect(source.report.unitsDetected == "g")
    #expect(source.report.unitsSource == "option")
  }

  /// A stream in m/s² that starts with 47 lines of near-zero readings: the
  /// first window fits no unit and is passed over, the second straddles the
  /// start of the run (22 zeros, 3 stance lines: mean |a| 2.4, which looks
  /// like g), the next two agree on m/s². It used to be read as g (the
  /// nearest to a mean |a| of 0.04), 9.8× too large.
  @Test func implausibleStartWaitsForTwoAgreeingWindows() throws {
    let text = Self.zeroLines(47) + Self.runLines(400)
    let (d, got) = try Self.decode(text)
    #expect(d.unitsDetected == "m/s2")
    #expect(d.unitsSource == "gravity")
    #expect(d.unitsWarning == nil)
    #expect(got.count == 447)
    // Every sample is kept, in m/s² (scale 1): the first stance sample.
    #expect(got[47].a.z == 2 * standardGravity)
    // However the bytes are chunked.
    try verifyChunking("implausible start", Array(text.utf8), seed: 7, splits: 6) { TextLineDecoder(rateHz: 100) }
  }

  /// Lines that fit no unit for 10 s (the bound on waiting), or up to the
  /// end of a short stream: the nearest unit, labelled so, with a warning
  /// that names --units; no sample is lost.
  @Test(arguments: [10, 60, 1_000, 1_200])
  func implausibleStreamWarns(lines: Int) throws {
    let (d, got) = try Self.decode(Self.zeroLines(lines))
    #expect(got.count == lines)
    #expect(d.unitsDetected == "g")
    #expect(d.unitsSource == "nearest")
    let warning = try #require(d.unitsWarning)
    #expect(warning.contains("--units"))
    #expect(warning.contains("first \(min(lines, 1_000)) lines"))
    // The replay says it too, in the report that `analyze` and `inspect` show.
    let source = try StreamFileSource(path: temporaryFile(Self.zeroLines(lines), name: "zeros-\(lines).txt"),
                                      decoder: TextLineDecoder(rateHz: 100), protocolName: "text")
    while try source.nextBlock() != nil {}
    #expect(source.report.unitsSource == "nearest")
    #expect(source.report.warnings.contains(warning))
  }

  /// Waiting is bounded: at 100 Hz the unit is decided (and the held-back
  /// samples emitted) once 1 000 lines arrived, before the stream ends.
  @Test func waitingIsBounded() throws {
    var d = TextLineDecoder(rateHz: 100)
    var out: [SampleBlock] = []
    try Array(Self.zeroLines(999).utf8).withUnsafeBytes { try d.decode($0, emit: &out) }
    #expect(out.isEmpty && d.unitsDetected == nil)
    try Array(Self.zeroLines(1).utf8).withUnsafeBytes { try d.decode($0, emit: &out) }
    #expect(samples(of: out).count == 1_000)
    #expect(d.unitsSource == "nearest")
  }
}
