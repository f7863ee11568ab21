import Foundation
import GaitCohort
import GaitIngest
import GaitPipeline
import GaitTestSupport
import Testing

@Suite struct SHA256Tests {
  func hex(_ s: String) -> String {
    var h = SHA256()
    h.update(Array(s.utf8))
    return h.finalize()
  }

  /// FIPS 180-4 examples (NIST CSRC "SHA256.pdf") and the empty string.
  @Test func knownVectors() {
    #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
  }

  /// Fed in pieces of every size, the digest is the same as in one piece.
  @Test func incrementalEqualsWhole() {
    let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    var whole = SHA256()
    whole.update(bytes)
    let expected = whole.finalize()
    for piece in [1, 3, 63, 64, 65, 127, 500] {
      var h = SHA256()
      var i = 0
      while i < bytes.count {
        h.update(Array(bytes[i..<min(bytes.count, i + piece)]))
        i += piece
      }
      #expect(h.finalize() == expected, "pieces of \(piece)")
    }
    // a million 'a' (FIPS 180-2 example 3)
    var m = SHA256()
    let chunk = [UInt8](repeating: 0x61, count: 1000)
    for _ in 0..<1000 { m.update(chunk) }
    #expect(m.finalize() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  /// A file hashes to what `sha256sum` prints, across several 4 MiB read chunks
  /// and a partial last block; an empty file too.
  @Test func fileEqualsSha256sum() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gaitline-sha-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var seed: UInt64 = 7
    let big = (0..<(2 * (4 << 20) + 12_345)).map { _ -> UInt8 in
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: seed >> 33)
    }
    for (name, bytes) in [("big.bin", big), ("empty.bin", [UInt8]())] {
      let path = dir.appendingPathComponent(name).path
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      let (hex, count) = try sha256(ofFile: path)
      #expect(count == bytes.count)
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      p.arguments = ["sha256sum", path]
      let out = Pipe()
      p.standardOutput = out
      try p.run()
      p.waitUntilExit()
      let line = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      #expect(p.terminationStatus == 0)
      #expect(hex == String(line.prefix(64)), "\(name)")
      var h = SHA256()
      h.update(bytes)
      #expect(h.finalize() == hex)
    }
    #expect(throws: IngestError.self) { try sha256(ofFile: dir.appendingPathComponent("missing").path) }
  }
}

@Suite struct ShardingTests {
  func manifest(_ sizes: [Int]) -> CohortManifest {
    CohortManifest(policy: nil, inputs: sizes.enumerated().map {
      CohortInput(index: $0.offset, path: "/x/\($0.offset).csv", type: "csv", bytes: $0.element,
                  modifiedUnixS: 0, sha256: "", options: InputSettings())
    })
  }

  /// Every input is in exactly one shard, and the shards are balanced by
  /// bytes: no shard exceeds the mean by more than the largest input.
  @Test func shardsPartitionAndBalanceBytes() {
    var seed: UInt64 = 42
    let sizes = (0..<997).map { _ -> Int in
      seed = seed &* 6_364_136_223_846_793_005 &+ 1
      return 1000 + Int(seed >> 40) % 5_000_000
    }
    let m = manifest(sizes)
    for n in [1, 2, 4, 7, 64] {
      let shards = (0..<n).map { m.shard($0, of: n) }
      #expect(shards.flatMap { $0 }.sorted() == Array(0..<sizes.count))
      let loads = shards.map { $0.reduce(0) { $0 + sizes[$1] } }
      let mean = Double(sizes.reduce(0, +)) / Double(n)
      #expect(Double(loads.max()!) <= mean + Double(sizes.max()!), "n=\(n)")
      #expect(shards.allSatisfy { $0 == $0.sorted() })
    }
  }

  /// Balanced by bytes, not count: one huge file gets a shard to itself.
  @Test func oneHugeInputTakesAShardAlone() {
    let m = manifest([100, 100, 100, 10_000, 100, 100])
    #expect(m.shard(0, of: 2) == [3])
    #expect(m.shard(1, of: 2) == [0, 1, 2, 4, 5])
  }

  @Test func shardFromOptionAndSchedulers() throws {
    #expect(try resolveShard("2/5", count: nil, environment: [:])! == (2, 5))
    #expect(try resolveShard(nil, count: nil, environment: ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"])! == (3, 4))
    #expect(try resolveShard(nil, count: 8, environment: ["JOB_COMPLETION_INDEX": "7"])! == (7, 8))
    #expect(try resolveShard(nil, count: nil, environment: [:]) == nil)
    // --shard wins over the environment
    #expect(try resolveShard("0/2", count: nil, environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2"])! == (0, 2))
    for (given, env) in [("4/4", [String: String]()), ("x", [:]), ("-1/3", [:]), ("1/0", [:])] {
      #expect(throws: IngestError.self) { try resolveShard(given, count: nil, environment: env) }
    }
    // A resubmitted single task of a 0-based array: id 3 with count 1 is out of range, not shard 0.
    #expect(throws: IngestError.self) {
      try resolveShard(nil, count: nil, environment: ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "1"])
    }
    #expect(throws: IngestError.self) { try resolveShard(nil, count: nil, environment: ["JOB_COMPLETION_INDEX": "1"]) }
  }

  @Test func coresFromSlurm() {
    #expect(allottedCores(environment: ["SLURM_CPUS_PER_TASK": "6"]) == 6)
    #expect(allottedCores(environment: [:]) >= 1)
  }
}

@Suite struct AtomicWriteTests {
  @Test func replacesWholeAndLeavesNoTemporaryFile() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gaitline-atomic-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/sub/report.json"
    try atomicWrite(Data("one".utf8), to: path)
    try atomicWrite(Data("two, longer".utf8), to: path)
    #expect(String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self) == "two, longer")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/sub") == ["report.json"])
    #expect(throws: IngestError.self) { try atomicWrite(Data("x".utf8), to: "/proc/gaitline-no/such.json") }
  }
}
