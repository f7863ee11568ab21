import Foundation
import GaitCore
import GaitTestSupport
import Testing

@testable import GaitIngest

/// Flips, deletes, duplicates and truncates bytes of `bytes`.
func mutate(_ bytes: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
  var b = bytes
  for _ in 0..<Int.random(in: 1...6, using: &rng) {
    guard !b.isEmpty else { break }
    let i = Int.random(in: 0..<b.count, using: &rng)
    switch Int.random(in: 0..<5, using: &rng) {
    case 0: b[i] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
    case 1: b[i] = UInt8.random(in: 0...255, using: &rng)
    case 2: b.removeSubrange(i..<min(b.count, i + Int.random(in: 1...64, using: &rng)))
    case 3: b.insert(contentsOf: b[i..<min(b.count, i + 32)], at: i)
    default: b = Array(b[0..<i])
    }
  }
  return b
}

/// Reads a whole source; an `IngestError` is a valid outcome, a crash is not.
func drain(_ open: () throws -> any SampleSource) -> (samples: Int, error: IngestError?) {
  do {
    let s = try open()
    var n = 0
    while let b = try s.nextBlock() {
      n += b.count
      if n > 50_000_000 { break }
    }
    return (n, nil)
  } catch let e as IngestError {
    return (0, e)
  } catch {
    Issue.record("unexpected error type \(error)")
    return (0, nil)
  }
}

/// FNV-1a over the UTF-8 of `text`: a hash that is the same in every run.
func fnv1a(_ text: String) -> UInt64 {
  var h: UInt64 = 0xcbf2_9ce4_8422_2325
  for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
  return h
}

/// Every reader survives damaged input: random mutations of real files end
/// in samples or one IngestError, never a crash or a hang, and never more
/// samples than the bytes can hold.
@Suite struct DamagedInputNeverCrashes {
  static let iterations = Int(ProcessInfo.processInfo.environment["GAITLINE_MUTATIONS"] ?? "") ?? 150

  func run(_ name: String, source: String, ext: String, maxSamplesPerByte: Double,
           open: @escaping (String) throws -> any SampleSource) throws {
    let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
    // Seeded per reader from its name with a stable hash (FNV-1a; Swift's
    // `hashValue` changes from run to run), so each reader gets its own
    // mutations and a failure replays.
    var rng = SplitMix(state: fnv1a(name) &+ 0x1234_5678)
    let dir = temporaryDirectory()
    for k in 0..<Self.iterations {
      let bytes = mutate(original, &rng)
      let path = dir.appendingPathComponent("m\(k).\(ext)").path
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      let (n, error) = drain { try open(path) }
      if let error { #expect(error.path != nil || error.code == .invalidArgument, "\(name) #\(k): \(error)") }
      #expect(Double(n) <= maxSamplesPerByte * Double(bytes.count) + 10, "\(name) #\(k): \(n) samples from \(bytes.count) bytes")
    }
  }

  @Test func csv() throws {
    try run("csv", source: sampleData("mobgap-lowerback-walk/HA_002_Test5_Trial1_lowerback.csv"), ext: "csv",
            maxSamplesPerByte: 1) { try CSVReader(path: $0) }
  }

  @Test func glb() throws {
    let path = temporaryDirectory().appendingPathComponent("run.glb").path
    let rec = try CSVReader(path: sampleData("alcantara-sacrum-run/sample_test_raw.csv")).readAll()
    let w = try GLBWriter(path: path, info: rec.info)
    for b in rec.blocks { try w.write(b) }
    try w.close()
    try run("glb", source: path, ext: "glb", maxSamplesPerByte: 1.0 / 6) { try GLBReader(path: $0) }
  }

  @Test func cwa() throws {
    try run("cwa", source: repositoryRoot.appendingPathComponent("Tests/Fixtures/cwa/ggirread_ax6_testfile.cwa").path,
            ext: "cwa", maxSamplesPerByte: 1.0) { try CWAReader(path: $0) }
  }

  @Test func fit() throws {
    let original = [UInt8](try Data(contentsOf: repositoryRoot.appendingPathComponent("Tests/Fixtures/fit/garmin-fenix-5-run.fit")))
    var rng = SplitMix(state: 99)
    for k in 0..<Self.iterations {
      let path = temporaryFile(bytes: mutate(original, &rng), name: "m\(k).fit")
      do { _ = try readFIT(path: path) } catch let e as IngestError { #expect(e.path == path) }
    }
  }

  @Test func streamDecoders() throws {
    // Random bytes and mutated frames through every serial decoder.
    var rng = SplitMix(state: 7)
    var frames: [UInt8] = []
    for k in 0..<500 {
      frames += StreamEncoder.witMotion(ax: Float(k % 7), ay: 1, az: 9.8, gyro: SIMD3(0.1, 0.2, 0.3))
      frames += StreamEncoder.textLine(milliseconds: k * 10, ax: 1, ay: 2, az: 9.81)
    }
    for proto in StreamProtocol.allCases {
      for _ in 0..<Self.iterations / 3 {
        var d = try proto.makeDecoder(rateHz: 100, units: nil, gyroUnits: nil, columns: [:])
        var out: [SampleBlock] = []
        let bytes = mutate(frames, &rng)
        var i = 0
        while i < bytes.count {
          let j = min(bytes.count, i + Int.random(in: 1...700, using: &rng))
          try Array(bytes[i..<j]).withUnsafeBytes { try d.decode($0, emit: &out) }
          i = j
        }
        try d.decodeLast(emit: &out)
        let samples = out.reduce(0) { $0 + $1.count }
        #expect(samples <= bytes.count, "\(proto): \(samples) samples from \(bytes.count) bytes")
      }
    }
  }
}

@Test func mutationSeedsDifferPerReader() {
  // The seed once was `hashValue & 0`: every reader got the same mutations.
  let seeds = Set(["csv", "glb", "cwa", "fit"].map(fnv1a))
  #expect(seeds.count == 4)
  #expect(fnv1a("csv") == fnv1a("csv"))
}
