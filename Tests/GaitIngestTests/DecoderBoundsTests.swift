import Foundation
import GaitCore
import GaitTestSupport
import Testing
import ZIPFoundation

@testable import GaitIngest

/// Memory bounds of the decoders (issue #15): what a hostile file can make
/// them keep is capped, however many bytes it inflates to or holds.
@Suite struct DecoderBounds {
  /// A zip bomb: info.txt deflated from 64 MiB of zeros (about 64 KB in the
  /// archive). The reader stops at its 64 KiB cap instead of inflating it.
  @Test func gt3xInfoZipBombIsRefusedAtTheCap() throws {
    let url = temporaryDirectory().appendingPathComponent("bomb.gt3x")
    let archive = try Archive(url: url, accessMode: .create)
    let size = 64 << 20
    let zeros = Data(count: 1 << 20)
    try archive.addEntry(with: "info.txt", type: .file, uncompressedSize: Int64(size), compressionMethod: .deflate) { (_: Int64, n: Int) in
      zeros.prefix(n)
    }
    try archive.addEntry(with: "log.bin", type: .file, uncompressedSize: 1, compressionMethod: .none) { (_: Int64, _: Int) in Data([0]) }
    let fileSize = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int
    #expect(fileSize < size / 100, "the archive is a bomb: \(fileSize) bytes inflating to \(size)")
    let e = #expect(throws: IngestError.self) { _ = try GT3XReader(path: url.path) }
    #expect(e?.code == .corrupt)
    #expect(e?.message == "info.txt inflates to more than 64 KiB (a real one is about 1 KiB); not read further")
  }

  @Test func gt3xKeepsAHundredBadRecordOffsets() throws {
    let bad = (0..<5000).map { k in (type: UInt8(0x1A), ts: UInt32(1_570_000_000 + k), payload: activity2(Int16(k % 50)), corrupt: true) }
    let good = [(type: UInt8(0x1A), ts: UInt32(1_570_010_000), payload: activity2(0), corrupt: false)]
    let r = try GT3XReader(path: try makeGT3X(records: bad + good))
    while try r.nextBlock() != nil {}
    #expect(r.report.skippedBlocks >= 5000)  // a 0x1E inside a bad record is one more
    #expect(r.report.skippedBlockOffsets.count == GT3XReader.maxBadOffsets)
    #expect(r.report.skippedBlockOffsets.first == 3)
    #expect(r.report.samples > 0, "the good record after them is read")
  }

  @Test func fitKeepsAtMostMaxRecords() throws {
    // A `record` definition with one 1-byte field (heart rate), then
    // maxRecords + 1000 two-byte data messages.
    var data: [UInt8] = [0x40, 0, 0, 20, 0, 1, 3, 1, 2]
    for _ in 0..<(FITActivity.maxRecords + 1000) { data += [0x00, 150] }
    let n = UInt32(data.count)
    var b: [UInt8] = [12, 0x10, 0x64, 0x00, UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)] + Array(".FIT".utf8)
    b += data + [0, 0]
    let a = try readFIT(path: temporaryFile(bytes: b, name: "many.fit"))
    #expect(a.records.count == FITActivity.maxRecords)
    #expect(a.warnings.contains("1000 record messages after the first 500000 were not kept (a bound on memory); medians use the first 500000"))
  }
}
