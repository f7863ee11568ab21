import Foundation
import GaitCore
import GaitTestSupport
import Testing

@testable import GaitIngest

@Suite struct GLBFormatTests {
  @Test func crc32CheckValue() {
    #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    #expect(CRC32.checksum([]) == 0)
  }

  func writeSample(_ path: String) throws -> Recording {
    let (rec, _) = try read(sampleData("pyshoe-foot-run/2017-11-27-11-11-24_imu.csv"))
    var info = rec.info
    info.placement = .foot
    info.side = .right
    let w = try GLBWriter(path: path, info: info)
    for b in rec.blocks { try w.write(b) }
    try w.close()
    return rec
  }

  @Test func roundTripToTheInt16Scale() throws {
    let path = temporaryDirectory().appendingPathComponent("run.glb").path
    let original = try writeSample(path)
    let reader = try GLBReader(path: path)
    let back = try reader.readAll()
    #expect(back.info.sampleRateHz == original.info.sampleRateHz)
    #expect(back.info.placement == .foot)
    #expect(back.info.side == .right)
    #expect(back.info.hasGyroscope)
    #expect(back.sampleCount == original.sampleCount)
    let scale = GLBHeader(info: original.info).accelScale
    let gyroScale = GLB.defaultGyroRangeRadS / 32767
    let a = original.blocks[0], b = back.blocks[0]
    for i in 0..<a.count {
      #expect(abs(a.ax[i] - b.ax[i]) <= scale / 2 + 1e-5)
      #expect(abs(a.az[i] - b.az[i]) <= scale / 2 + 1e-5)
      #expect(abs(a.gx[i] - b.gx[i]) <= gyroScale / 2 + 1e-6)
    }
    #expect(reader.report.skippedBlocks == 0)
  }

  @Test func damagedBlocksAreSkippedAndTheRestRecovered() throws {
    let path = temporaryDirectory().appendingPathComponent("run.glb").path
    let original = try writeSample(path)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let header = try GLBHeader.decode(Array(bytes[0..<64]))
    let size = header.blockSize
    let damaged = [2, 5]
    for k in damaged { bytes[64 + k * size + 40] ^= 0xFF }
    let bad = temporaryFile(bytes: bytes, name: "bad.glb")
    let reader = try GLBReader(path: bad)
    let back = try reader.readAll()
    #expect(reader.report.skippedBlocks == 2)
    #expect(reader.report.skippedBlockOffsets == damaged.map { 64 + $0 * size })
    #expect(back.sampleCount == original.sampleCount - 2 * header.samplesPerBlock)
    #expect(reader.report.gaps.count == 2)
    #expect(reader.report.gaps[0].resumeIndex == 3 * header.samplesPerBlock)
  }

  @Test func truncatedFile() throws {
    let path = temporaryDirectory().appendingPathComponent("run.glb").path
    _ = try writeSample(path)
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let cut = temporaryFile(bytes: Array(bytes[0..<(64 + 1000)]), name: "cut.glb")
    let reader = try GLBReader(path: cut)
    _ = try reader.readAll()
    #expect(reader.report.warnings.contains { $0.contains("truncated block") })
    let headerOnly = temporaryFile(bytes: Array(bytes[0..<30]), name: "head.glb")
    #expect(throws: IngestError.self) { try GLBReader(path: headerOnly) }
  }

  @Test func wrongMagicAndVersion() throws {
    let path = temporaryDirectory().appendingPathComponent("run.glb").path
    _ = try writeSample(path)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var magic = bytes
    magic[0] = 0x58
    do {
      _ = try GLBReader(path: temporaryFile(bytes: magic, name: "m.glb"))
      Issue.record("expected an error")
    } catch let e as IngestError {
      #expect(e.code == .badMagic)
      #expect(e.byteOffset == 0)
    }
    bytes[4] = 9
    do {
      _ = try GLBReader(path: temporaryFile(bytes: bytes, name: "v.glb"))
      Issue.record("expected an error")
    } catch let e as IngestError {
      #expect(e.code == .unsupportedVersion)
      #expect(e.byteOffset == 4)
    }
  }

  @Test(arguments: [1, 13, 500, 100_000])
  func decoderGivesTheSameBlocksForAnyChunking(chunk: Int) throws {
    let path = temporaryDirectory().appendingPathComponent("run.glb").path
    _ = try writeSample(path)
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var whole = GLBDecoder()
    let expected = try whole.feed(bytes)
    var split = GLBDecoder()
    var got: [SampleBlock] = []
    var i = 0
    while i < bytes.count {
      got += try split.feed(Array(bytes[i..<min(bytes.count, i + chunk)]))
      i += chunk
    }
    // Block boundaries follow the chunks; the samples and their indices must not.
    func merged(_ blocks: [SampleBlock]) -> [SampleBlock] {
      blocks.reduce(into: [SampleBlock]()) { acc, b in
        if var last = acc.last, last.endIndex == b.startIndex {
          last.ax += b.ax; last.ay += b.ay; last.az += b.az; last.gx += b.gx; last.gy += b.gy; last.gz += b.gz
          acc[acc.count - 1] = last
        } else {
          acc.append(b)
        }
      }
    }
    #expect(merged(got) == merged(expected), "chunks of \(chunk) bytes")
  }
  /// The reader's samples and clipped count against a per-value reference
  /// read from the file's bytes (int16 × scale; `abs(x) >= limit` on any
  /// axis), with gyroscope channels, a gap (two runs of blocks), a
  /// duplicated block, partial blocks and clipped samples left over after
  /// every multiple of eight.
  @Test func samplesAndClippedCountMatchAScalarReference() throws {
    var info = RecordingInfo(sampleRateHz: 100, hasGyroscope: true)
    info.accelerometerRangeG = 8
    let header = GLBHeader(info: info, samplesPerBlock: 37)
    var encoder = GLBEncoder(header: header)
    var bytes = header.encoded()
    var rng = SplitMix(state: 16)
    func block(_ start: Int, _ n: Int) -> SampleBlock {
      func values(_ range: Float) -> [Float] { (0..<n).map { _ in Float.random(in: -range...range, using: &rng) } }
      // ±1.2 × the range: about a sixth of the values clip on each axis.
      let r = 8 * standardGravity * 1.2
      return SampleBlock(startIndex: start, ax: values(r), ay: values(r), az: values(r), gx: values(30), gy: values(30), gz: values(30))
    }
    for (start, n) in [(0, 37 * 3 + 5), (1000, 37 * 2), (1000 + 37, 37), (2000, 11)] {
      let b = block(start, n)
      var offset = 0
      while offset < b.count { offset += encoder.encodeBlock(b, from: offset, into: &bytes) }
    }
    let path = temporaryFile(bytes: bytes, name: "clip.glb")
    let reader = try GLBReader(path: path)
    let back = try reader.readAll()
    // The reference: every block whose first sample is not behind the last taken.
    var ax: [Float] = [], gz: [Float] = [], clipped = 0, next = 0
    let limit = 8 * standardGravity * 0.999
    var at = 64
    while at + header.blockSize <= bytes.count {
      func u64(_ o: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + o + $1]) << (8 * $1) } }
      func i16(_ o: Int) -> Float { Float(Int16(bitPattern: UInt16(bytes[at + o]) | UInt16(bytes[at + o + 1]) << 8)) }
      let first = u64(8), n = Int(bytes[at + 16]) | Int(bytes[at + 17]) << 8
      if first >= next {
        for k in 0..<n {
          let o = 20 + k * 12
          let (x, y, z) = (i16(o) * header.accelScale, i16(o + 2) * header.accelScale, i16(o + 4) * header.accelScale)
          ax.append(x)
          gz.append(i16(o + 10) * header.gyroScale)
          if abs(x) >= limit || abs(y) >= limit || abs(z) >= limit { clipped += 1 }
        }
        next = first + n
      }
      at += header.blockSize
    }
    #expect(back.blocks.flatMap(\.ax) == ax)
    #expect(back.blocks.flatMap(\.gz) == gz)
    #expect(back.blocks.map(\.startIndex) == [0, 1000, 2000])
    #expect(reader.report.clippedSamples == clipped)
    #expect(clipped > 50 && clipped < ax.count)
    #expect(reader.report.warnings.contains { $0.contains("repeated earlier samples") })
  }
  /// A file of many reads (blocks straddling every read): the reader gives
  /// the samples the decoder gives for the whole file at once.
  @Test func readerOverSeveralReadsMatchesTheWholeFileDecoded() throws {
    let info = RecordingInfo(sampleRateHz: 100)
    let header = GLBHeader(info: info)
    var encoder = GLBEncoder(header: header)
    var bytes = header.encoded()
    let n = 420_000  // 2.8 MB: over 40 reads, none ending on a block boundary
    let b = SampleBlock(startIndex: 0, ax: (0..<n).map { Float($0 % 977) * 0.01 }, ay: (0..<n).map { -Float($0 % 113) * 0.1 },
                        az: (0..<n).map { Float($0 % 31) })
    var offset = 0
    while offset < n { offset += encoder.encodeBlock(b, from: offset, into: &bytes) }
    #expect(bytes.count > 2 << 20 && (bytes.count - 64) % header.blockSize == 0 && GLBReader.readSize % header.blockSize != 0)
    var whole = GLBDecoder()
    let expected = try whole.feed(bytes)
    let reader = try GLBReader(path: temporaryFile(bytes: bytes, name: "long.glb"))
    let back = try reader.readAll()
    #expect(back.sampleCount == n)
    #expect(back.blocks.flatMap(\.ax) == expected.flatMap(\.ax))
    #expect(back.blocks.flatMap(\.az) == expected.flatMap(\.az))
    #expect(reader.report.warnings.isEmpty)
  }
}
