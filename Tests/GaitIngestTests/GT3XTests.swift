import Foundation
import GaitCore
import GaitTestSupport
import Testing
import ZIPFoundation

@testable import GaitIngest

/// Builds a .gt3x (zip of info.txt and log.bin) from log records.
func makeGT3X(records: [(type: UInt8, ts: UInt32, payload: [UInt8], corrupt: Bool)], rate: Int = 10) throws -> String {
  var log: [UInt8] = [0, 0, 0]  // runs of zeros between records are allowed
  for r in records {
    var rec: [UInt8] = [0x1E, r.type]
    rec += withUnsafeBytes(of: r.ts.littleEndian, Array.init)
    rec += withUnsafeBytes(of: UInt16(r.payload.count).littleEndian, Array.init)
    rec += r.payload
    var x: UInt8 = 0
    for b in rec { x ^= b }
    rec.append(r.corrupt ? x : ~x)
    log += rec
  }
  // Start Date in .NET ticks; samples begin later, at the first record.
  let info = "Serial Number: TAS1H00000000\nDevice Type: Link\nSample Rate: \(rate)\nAcceleration Scale: 256\nStart Date: 637042464000000000\nTimeZone: -04:00:00\n"
  let url = temporaryDirectory().appendingPathComponent("test.gt3x")
  let archive = try Archive(url: url, accessMode: .create)
  for (name, bytes) in [("info.txt", Array(info.utf8)), ("log.bin", log)] {
    try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { (pos: Int64, size: Int) in
      Data(bytes[Int(pos)..<(Int(pos) + size)])
    }
  }
  return url.path
}

/// Ten int16 X,Y,Z samples.
func activity2(_ base: Int16) -> [UInt8] {
  var p: [UInt8] = []
  for k in 0..<10 {
    for v in [Int16(0) + base + Int16(k), 2, 255] { p += withUnsafeBytes(of: v.littleEndian, Array.init) }
  }
  return p
}

/// Ten 12-bit X,Y,Z samples, packed most-significant-first.
func activity3(_ values: [Int]) -> [UInt8] {
  var nibbles: [Int] = []
  for v in values { let u = v & 0xFFF; nibbles += [u >> 8, (u >> 4) & 0xF, u & 0xF] }
  if nibbles.count % 2 == 1 { nibbles.append(0) }
  return stride(from: 0, to: nibbles.count, by: 2).map { UInt8(nibbles[$0] << 4 | nibbles[$0 + 1]) }
}

@Suite struct ActiGraphGT3X {
  @Test func recordsGapsAndChecksums() throws {
    let t: UInt32 = 1_568_745_600
    let xyz = (0..<10).flatMap { k in [k * 10, -256, 512 - k] }
    let path = try makeGT3X(records: [
      (0x06, t, Array("{\"x\":1}".utf8), false),  // metadata: ignored
      (0x1A, t, activity2(0), false),
      (0x1A, t + 1, activity2(10), false),
      (0x1A, t + 2, activity2(20), true),  // bad checksum: skipped, a gap
      (0x1B, t + 3, activity3(xyz), false),
      (0x1A, t + 4, [0x01], false),  // 1-byte USB record: ignored
      (0x1A, t + 8, activity2(30), false),
    ])
    let reader = try GT3XReader(path: path)
    let rec = try reader.readAll()
    let report = reader.report
    #expect(report.records == 40)
    #expect(report.skippedBlocks == 1)
    #expect(report.gaps.count == 2, "the skipped second and the 4 s without records")
    #expect(rec.info.startTimeUnixS == Double(t), "time zero is the first second with samples")
    let g = standardGravity / 256
    let first = rec.blocks[0]
    #expect(abs(first.ax[0] - 0) < 1e-6 && abs(first.ay[0] - 2 * g) < 1e-5 && abs(first.az[0] - 255 * g) < 1e-4)
    #expect(abs(first.ax[15] - 15 * g) < 1e-5, "second record, sample 5")
    // The ACTIVITY3 second (X, Y, Z order, 12-bit signed).
    let b = try #require(rec.blocks.first { $0.startIndex == 30 })
    #expect(abs(b.ax[3] - 30 * g) < 1e-5 && abs(b.ay[3] - -256 * g) < 1e-5 && abs(b.az[3] - 509 * g) < 1e-4)
    #expect(report.warnings.contains { $0.contains("local wall-clock") })
  }

  @Test func notAGT3X() throws {
    let junk = temporaryFile("not a zip", name: "x.gt3x")
    #expect(throws: IngestError.self) { try GT3XReader(path: junk) }
    let url = temporaryDirectory().appendingPathComponent("empty.gt3x")
    let archive = try Archive(url: url, accessMode: .create)
    try archive.addEntry(with: "other.txt", type: .file, uncompressedSize: Int64(1), compressionMethod: .none) { (_: Int64, _: Int) in Data([0x41]) }
    do {
      _ = try GT3XReader(path: url.path)
      Issue.record("expected an error")
    } catch let e as IngestError {
      #expect(e.code == .corrupt)
      #expect(e.message.contains("info.txt"))
    }
  }
}

/// The pipe between the extracting thread and the reader.
@Suite struct GT3XChunkPipe {
  @Test func handsChunksOverInOrderAndReportsTheProducersError() throws {
    let pipe = ChunkPipe(capacity: 2)
    try pipe.put(Data([1]))
    try pipe.put(Data([2]))
    pipe.close(error: "damaged")
    #expect(pipe.take() == Data([1]))
    #expect(pipe.take() == Data([2]))
    #expect(pipe.take() == nil)
    #expect(pipe.error == "damaged")
  }

  @Test func aCancelledConsumerStopsTheProducer() throws {
    let pipe = ChunkPipe(capacity: 1)
    try pipe.put(Data([1]))
    pipe.cancel()
    // A full pipe would block this put; cancelled, it throws at once so the
    // extraction ends instead of inflating the rest for nobody.
    #expect(throws: ChunkPipe.Cancelled.self) { try pipe.put(Data([2])) }
  }
}
