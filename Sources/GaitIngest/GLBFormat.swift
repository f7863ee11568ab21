//===--- GLBFormat.swift --------------------------------------------------===//
// gaitline binary format (.glb), version 1. Specified in docs/FORMAT.md.
//===----------------------------------------------------------------------===//
import GaitCore
import Foundation
import SystemPackage

/// Constants and layout of the `.glb` format (docs/FORMAT.md).
public enum GLB {
  /// File magic, bytes 0–3: "GLB1"... spelled `G L B F`.
  public static let fileMagic: [UInt8] = Array("GLBF".utf8)
  /// Block magic: every block starts with these bytes, so a stream reader
  /// can find the next block after damage.
  public static let blockMagic: [UInt8] = Array("GLBK".utf8)
  /// The version this code writes and reads.
  public static let version: UInt16 = 1
  /// Header length in bytes.
  public static let headerSize = 64
  /// Bytes before the samples in a block.
  public static let blockHeaderSize = 20
  /// Default samples per block.
  public static let defaultSamplesPerBlock = 128
  /// Default accelerometer range written, in g (±32 g covers foot impacts).
  public static let defaultRangeG: Float = 32
  /// Default gyroscope range written, rad/s (±2000 deg/s).
  public static let defaultGyroRangeRadS: Float = 2000 * .pi / 180

  /// Bytes in one block with `samplesPerBlock` samples of `channels` int16.
  public static func blockSize(samplesPerBlock: Int, channels: Int) -> Int {
    blockHeaderSize + samplesPerBlock * channels * 2 + 4
  }
}

/// The fixed header of a `.glb` file.
public struct GLBHeader: Sendable, Hashable {
  /// The recording's description (rate, placement, side, axes, range) stored in the header.
  public var info: RecordingInfo
  /// m/s² per int16 count.
  public var accelScale: Float
  /// rad/s per int16 count; 0 without gyroscope.
  public var gyroScale: Float
  /// Samples in each fixed-size block.
  public var samplesPerBlock: Int
  /// Int16 channels per sample: 3 (acceleration) or 6 (with gyroscope).
  public var channels: Int { info.hasGyroscope ? 6 : 3 }
  /// Bytes in each block: header, samples and CRC-32.
  public var blockSize: Int { GLB.blockSize(samplesPerBlock: samplesPerBlock, channels: channels) }

  /// A header for `info`, its range defaulting to `rangeG` (±g full scale) and its blocks to
  /// `samplesPerBlock` samples.
  public init(info: RecordingInfo, rangeG: Float = GLB.defaultRangeG, samplesPerBlock: Int = GLB.defaultSamplesPerBlock) {
    var info = info
    info.accelerometerRangeG = info.accelerometerRangeG ?? rangeG
    self.info = info
    accelScale = (info.accelerometerRangeG ?? rangeG) * standardGravity / 32767
    gyroScale = info.hasGyroscope ? GLB.defaultGyroRangeRadS / 32767 : 0
    self.samplesPerBlock = samplesPerBlock
  }

  /// The 64 header bytes.
  public func encoded() -> [UInt8] {
    var w = ByteWriter()
    w.bytes(GLB.fileMagic)
    w.u16(GLB.version)
    w.u16(UInt16(GLB.headerSize))
    w.f64(info.sampleRateHz)
    w.f32(accelScale)
    w.f32(gyroScale)
    w.u8(info.placement == .hip ? 1 : info.placement == .foot ? 2 : info.placement == .shank ? 3 : 0)
    w.u8(info.side == .left ? 1 : info.side == .right ? 2 : 0)
    w.u8(UInt8(channels))
    w.u8((info.frame == .body ? 1 : 0) | (info.hasMediolateral ? 0 : 2))
    w.u16(UInt16(samplesPerBlock))
    w.u16(0)
    w.i64(info.startTimeUnixS.map { Int64(($0 * 1e6).rounded()) } ?? Int64.min)
    w.f32(info.accelerometerRangeG ?? GLB.defaultRangeG)
    w.bytes([UInt8](repeating: 0, count: 16))
    w.u32(CRC32.checksum(w.data))
    return w.data
  }

  /// Decodes and validates the 64 header bytes.
  public static func decode(_ bytes: [UInt8]) throws -> GLBHeader {
    guard bytes.count >= GLB.headerSize else {
      throw IngestError(.truncated, "the file ends inside the \(GLB.headerSize)-byte header (\(bytes.count) bytes); it was cut short", byteOffset: bytes.count)
    }
    guard Array(bytes[0..<4]) == GLB.fileMagic else {
      throw IngestError(.badMagic, "not a gaitline .glb file (magic is not 'GLBF'); check the file type", byteOffset: 0)
    }
    var r = ByteReader(bytes)
    r.skip(4)
    let version = r.u16()
    guard version == GLB.version else {
      throw IngestError(.unsupportedVersion, "format version \(version); this gaitline reads version \(GLB.version): update gaitline", byteOffset: 4)
    }
    let headerSize = Int(r.u16())
    let stored = UInt32(bytes[60]) | UInt32(bytes[61]) << 8 | UInt32(bytes[62]) << 16 | UInt32(bytes[63]) << 24
    guard headerSize == GLB.headerSize, CRC32.checksum(Array(bytes[0..<60])) == stored else {
      throw IngestError(.corrupt, "the header is damaged (CRC-32 mismatch); the file cannot be trusted", byteOffset: 0)
    }
    let rate = r.f64()
    let accelScale = r.f32()
    let gyroScale = r.f32()
    let placementCode = r.u8()
    let sideCode = r.u8()
    let channels = Int(r.u8())
    let frameBits = r.u8()
    let spb = Int(r.u16())
    _ = r.u16()
    let start = r.i64()
    let range = r.f32()
    guard rate.isFinite, rate > 0, rate < 100_000 else {
      throw IngestError(.corrupt, "the header gives an impossible sample rate (\(rate) Hz)", byteOffset: 8)
    }
    guard channels == 3 || channels == 6, spb > 0, spb <= 4096, accelScale.isFinite, accelScale > 0 else {
      throw IngestError(.corrupt, "the header gives an impossible layout (channels \(channels), \(spb) samples per block)", byteOffset: 24)
    }
    let info = RecordingInfo(
      sampleRateHz: rate, startTimeUnixS: start == Int64.min ? nil : Double(start) / 1e6,
      placement: placementCode == 1 ? .hip : placementCode == 2 ? .foot : placementCode == 3 ? .shank : nil,
      side: sideCode == 1 ? .left : sideCode == 2 ? .right : nil,
      frame: frameBits & 1 == 1 ? .body : .sensor, hasMediolateral: frameBits & 2 == 0,
      hasGyroscope: channels == 6, accelerometerRangeG: range)
    var header = GLBHeader(info: info, samplesPerBlock: spb)
    header.accelScale = accelScale
    header.gyroScale = gyroScale
    return header
  }
}

/// Encodes sample blocks as `.glb` blocks.
public struct GLBEncoder: Sendable {
  /// The header every encoded block follows (sample layout and scales).
  public let header: GLBHeader
  /// Sequence number of the next block.
  public private(set) var sequence: UInt32 = 0
  /// Samples that did not fit the int16 range and were clamped.
  public private(set) var clampedSamples = 0

  /// An encoder for blocks of `header`'s layout; write `header.encoded()` first.
  public init(header: GLBHeader) { self.header = header }

  /// Encodes up to `samplesPerBlock` samples starting at `offset` of `block`
  /// into one fixed-size block appended to `out`.
  public mutating func encodeBlock(_ block: SampleBlock, from offset: Int, into out: inout [UInt8]) -> Int {
    let n = min(header.samplesPerBlock, block.count - offset)
    let base = out.count
    out.append(contentsOf: GLB.blockMagic)
    appendLE(&out, sequence)
    appendLE(&out, UInt64(block.startIndex + offset))
    appendLE(&out, UInt16(n))
    appendLE(&out, UInt16(0))
    let inverseAccel = 1 / header.accelScale
    let inverseGyro = header.gyroScale > 0 ? 1 / header.gyroScale : 0
    func q(_ v: Float, _ inv: Float) -> Int16 {
      let x = (v * inv).rounded()
      if x > 32767 { clampedSamples += 1; return 32767 }
      if x < -32767 { clampedSamples += 1; return -32767 }
      return Int16(x)
    }
    for k in 0..<header.samplesPerBlock {
      if k < n {
        let i = offset + k
        appendLE(&out, q(block.ax[i], inverseAccel))
        appendLE(&out, q(block.ay[i], inverseAccel))
        appendLE(&out, q(block.az[i], inverseAccel))
        if header.info.hasGyroscope {
          // A block without gyroscope data in a file that has them (a live
          // stream whose gyroscope started late) is written as zeros.
          let has = block.gx.count > i
          appendLE(&out, q(has ? block.gx[i] : 0, inverseGyro))
          appendLE(&out, q(has ? block.gy[i] : 0, inverseGyro))
          appendLE(&out, q(has ? block.gz[i] : 0, inverseGyro))
        }
      } else {
        out.append(contentsOf: [UInt8](repeating: 0, count: header.channels * 2))
      }
    }
    let crc = out.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[base..<out.count])) }
    appendLE(&out, crc)
    sequence &+= 1
    return n
  }
}

/// Writes a `.glb` file from blocks as they come, atomically: the blocks go
/// to a temporary file beside `path` (``AtomicOutputFile``) and `close()`
/// renames it into place, so a failure or a kill half way leaves the old
/// file (or none), never a clean-looking partial.
public final class GLBWriter {
  private let file: AtomicOutputFile
  private var encoder: GLBEncoder
  private var buffer: [UInt8] = []
  /// The file being written (created at ``close()``).
  public let path: String
  /// Samples that did not fit the int16 range and were clamped, so far.
  public var clampedSamples: Int { encoder.clampedSamples }

  /// Refuses (exit 64) a `path` that is an input in `protecting` or not a
  /// regular file.
  public init(path: String, info: RecordingInfo, protecting: ProtectedPaths = .none) throws {
    self.path = path
    file = try AtomicOutputFile(path: path, protecting: protecting, what: "the .glb file")
    let header = GLBHeader(info: info)
    encoder = GLBEncoder(header: header)
    buffer = header.encoded()
  }

  /// Appends a block of samples.
  public func write(_ block: SampleBlock) throws {
    var offset = 0
    while offset < block.count {
      offset += encoder.encodeBlock(block, from: offset, into: &buffer)
    }
    if buffer.count > 1 << 20 { try flush() }
  }

  /// Hands what is buffered to the temporary file.
  public func flush() throws {
    try file.write(buffer)
    buffer.removeAll(keepingCapacity: true)
  }

  /// Flushes, and puts the file in place (fsync, rename).
  public func close() throws {
    try flush()
    try file.commit()
  }

  /// Drops the file: the temporary is removed, an existing file is kept.
  public func abort() { file.abort() }
}

/// Decodes `.glb` bytes incrementally: feed any chunks, take blocks. Damaged
/// blocks (bad CRC, bad magic) are skipped and counted with their offsets;
/// the decoder re-synchronises on the next block magic.
public struct GLBDecoder: Sendable {
  /// The file header, once its bytes have been fed (`nil` before).
  public private(set) var header: GLBHeader?
  private var pending: [UInt8] = []
  private var consumed = 0  // bytes of the stream before `pending`
  /// Blocks dropped as damaged (bad CRC or magic).
  public private(set) var skippedBlocks = 0
  /// Byte offsets of the dropped blocks in the stream.
  public private(set) var skippedOffsets: [Int] = []
  /// Bytes skipped while re-synchronising on a block magic.
  public private(set) var discardedBytes = 0
  /// Sequence number of the last good block.
  public private(set) var lastSequence: UInt32?
  /// Samples decoded so far.
  public private(set) var decodedSamples = 0
  /// Blocks dropped because their samples were not after the previous block's.
  public private(set) var duplicateBlocks = 0
  private var nextSampleIndex = 0

  /// A decoder for a `.glb` file: the header comes first in the bytes fed.
  public init() {}
  /// A decoder for a headerless block stream (the serial link) with a known header.
  public init(header: GLBHeader) { self.header = header }

  /// Feeds bytes; returns the blocks completed by them.
  public mutating func feed(_ bytes: [UInt8]) throws -> [SampleBlock] {
    if pending.isEmpty { pending = bytes } else { pending += bytes }
    return try decodePending()
  }

  /// Feeds up to `capacity` bytes that `read` writes straight after the
  /// bytes held back (returning how many it wrote; 0 at the end of the
  /// input); returns the blocks completed and the bytes read. A file reader
  /// uses this instead of ``feed(_:)``: no chunk array is made and then
  /// copied behind the held-back bytes (issue #16).
  mutating func feed(reading capacity: Int, _ read: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> (blocks: [SampleBlock], bytes: Int) {
    let old = pending.count
    pending.append(contentsOf: repeatElement(0, count: capacity))
    let n: Int
    do {
      n = try pending.withUnsafeMutableBytes { try read(UnsafeMutableRawBufferPointer(rebasing: $0[old...])) }
    } catch {
      pending.removeLast(capacity)
      throw error
    }
    pending.removeLast(capacity - n)
    return (n == 0 ? [] : try decodePending(), n)
  }

  /// Decodes what `pending` holds: the header first, then every complete block.
  private mutating func decodePending() throws -> [SampleBlock] {
    var out: [SampleBlock] = []
    if header == nil {
      guard pending.count >= GLB.headerSize else { return [] }
      header = try GLBHeader.decode(Array(pending[0..<GLB.headerSize]))
      drop(GLB.headerSize)
    }
    guard let header else { return [] }
    let size = header.blockSize
    var start = 0
    // The good blocks of the current run of contiguous sample indices
    // (byte offset in `pending`, samples), decoded into one output block
    // when the run ends: each channel array is made once at its final size
    // and filled in place (issue #16: growing it block by block and a
    // separate pass for each channel cost ~16 instructions per value).
    var run: [(offset: Int, count: Int)] = []
    var runFirst = -1
    var runEnd = -1
    var runSamples = 0
    while pending.count - start >= size {
      if pending[start] == 0x47, pending[start + 1] == 0x4C, pending[start + 2] == 0x42, pending[start + 3] == 0x4B,
         let (first, n) = checkedBlock(at: start, header: header)
      {
        if first < nextSampleIndex {
          // A repeated or out-of-order block: its samples are already
          // placed; taking it would run time backwards.
          duplicateBlocks += 1
        } else {
          // Contiguous blocks are decoded into one output block.
          if runFirst < 0 || runEnd != first {
            if runSamples > 0 { out.append(decodeRun(run, first: runFirst, samples: runSamples, header: header)) }
            run.removeAll(keepingCapacity: true)
            runFirst = first
            runSamples = 0
          }
          run.append((start, n))
          runSamples += n
          runEnd = first + n
          decodedSamples += n
          nextSampleIndex = first + n
        }
        start += size
      } else if pending.count - start >= GLB.headerSize, pending[start] == 0x47, pending[start + 1] == 0x4C,
                pending[start + 2] == 0x42, pending[start + 3] == 0x46,
                (try? GLBHeader.decode(Array(pending[start..<(start + GLB.headerSize)]))) != nil
      {
        // A repeated header (live streams resend it so late readers sync).
        start += GLB.headerSize
      } else {
        // Damaged: find the next magic after this position.
        let bad = consumed + start
        var next = start + 1
        while next + 4 <= pending.count,
              !(pending[next] == 0x47 && pending[next + 1] == 0x4C && pending[next + 2] == 0x42 && pending[next + 3] == 0x4B) {
          next += 1
        }
        if pending[start] == 0x47 && pending[start + 1] == 0x4C && pending[start + 2] == 0x42 && pending[start + 3] == 0x4B {
          skippedBlocks += 1
          skippedOffsets.append(bad)
        }
        if next + 4 > pending.count { next = max(start + 1, pending.count - 3) }
        discardedBytes += next - start
        start = next
      }
    }
    if runSamples > 0 { out.append(decodeRun(run, first: runFirst, samples: runSamples, header: header)) }
    drop(start)
    return out
  }

  /// At end of input: whatever is left is a truncated block.
  public mutating func finish() -> Int {
    let left = pending.count
    if left > 0 { discardedBytes += left }
    return left
  }

  private mutating func drop(_ n: Int) {
    guard n > 0 else { return }
    if n == pending.count { pending.removeAll(keepingCapacity: true) } else { pending.removeFirst(n) }
    consumed += n
  }

  /// The first-sample index and sample count of the block at `start`, when
  /// its CRC-32 checks.
  private func checkedBlock(at start: Int, header: GLBHeader) -> (Int, Int)? {
    let size = header.blockSize
    return pending.withUnsafeBytes { raw -> (Int, Int)? in
      let p = UnsafeRawBufferPointer(rebasing: raw[start..<(start + size)])
      let stored = p.loadUnaligned(fromByteOffset: size - 4, as: UInt32.self).littleEndian
      guard CRC32.checksum(UnsafeRawBufferPointer(rebasing: p[0..<(size - 4)])) == stored else { return nil }
      // The grid index is a u64: one with the top bit set would trap as an
      // Int, and a jump of more than a year past the last block is damage
      // (with a valid CRC), not a pause: such a block is skipped rather
      // than taken, which would have dropped every later block as "going
      // backwards".
      guard let first = Int(exactly: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian) else { return nil }
      let n = Int(p.loadUnaligned(fromByteOffset: 16, as: UInt16.self).littleEndian)
      let maxJump = Int(366 * 86_400 * header.info.sampleRateHz)
      guard n <= header.samplesPerBlock, first >= 0, first - nextSampleIndex <= maxJump else { return nil }
      return (first, n)
    }
  }

  /// The samples of the checked blocks `run` (byte offsets in `pending`,
  /// samples each; contiguous from grid index `first`, `samples` in all),
  /// scaled to m/s² and rad/s, as one block.
  private func decodeRun(_ run: [(offset: Int, count: Int)], first: Int, samples: Int, header: GLBHeader) -> SampleBlock {
    let stride = header.channels * 2
    return pending.withUnsafeBytes { raw -> SampleBlock in
      let base = raw.baseAddress!
      // Three channels from byte `offset` of each sample, scaled, written
      // straight into arrays of their final size: one pass, pointers only.
      func triple(_ offset: Int, _ scale: Float) -> ([Float], [Float], [Float]) {
        var y: [Float] = [], z: [Float] = []
        let x = [Float](unsafeUninitializedCapacity: samples) { bx, cx in
          y = [Float](unsafeUninitializedCapacity: samples) { by, cy in
            z = [Float](unsafeUninitializedCapacity: samples) { bz, cz in
              var ox = bx.baseAddress!, oy = by.baseAddress!, oz = bz.baseAddress!
              for (start, n) in run {
                var p = base + (start + GLB.blockHeaderSize + offset)
                for _ in 0..<n {
                  ox.pointee = Float(Int16(littleEndian: p.loadUnaligned(as: Int16.self))) * scale
                  oy.pointee = Float(Int16(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: Int16.self))) * scale
                  oz.pointee = Float(Int16(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: Int16.self))) * scale
                  p += stride
                  ox += 1; oy += 1; oz += 1
                }
              }
              cz = samples
            }
            cy = samples
          }
          cx = samples
        }
        return (x, y, z)
      }
      let (ax, ay, az) = triple(0, header.accelScale)
      var block = SampleBlock(startIndex: first, ax: ax, ay: ay, az: az)
      if header.channels == 6 {
        (block.gx, block.gy, block.gz) = triple(6, header.gyroScale)
      }
      return block
    }
  }
}

/// Reads a `.glb` file block by block.
public final class GLBReader: SampleSource {
  /// The recording's description from the file header.
  public private(set) var info: RecordingInfo
  /// What was read so far: rate, units, skipped blocks.
  public private(set) var report: IngestReport
  /// The file being read.
  public let path: String
  private let handle: FileHandle
  private var decoder = GLBDecoder()
  private var queue: [SampleBlock] = []
  private var queueNext = 0
  private var done = false
  private var nextIndex = 0
  private var clipLimit: Float

  /// Opens `path` and reads its header; throws ``IngestError`` (missing file, bad magic, truncated
  /// header).
  public init(path: String) throws {
    self.path = path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
      throw IngestError(.fileNotFound, "no such file; check the path", path: path)
    }
    guard let h = FileHandle(forReadingAtPath: path) else {
      throw IngestError(.unreadable, "cannot open; check its permissions", path: path)
    }
    handle = h
    report = IngestReport(format: "glb")
    let head = [UInt8]((try? h.read(upToCount: GLB.headerSize)) ?? Data())
    if head.isEmpty { throw IngestError(.emptyFile, "the file is empty", path: path) }
    do {
      _ = try decoder.feed(head)
    } catch let e as IngestError { throw e.at(path: path) }
    guard let header = decoder.header else {
      throw IngestError(.truncated, "the file ends inside the \(GLB.headerSize)-byte header (\(head.count) bytes)", path: path, byteOffset: head.count)
    }
    info = header.info
    clipLimit = (header.info.accelerometerRangeG ?? GLB.defaultRangeG) * standardGravity * 0.999
    report.sampleRateHz = info.sampleRateHz
    report.nominalRateHz = nominalRate(near: info.sampleRateHz)
    report.timestampUnit = "none"
    report.unitsDetected = "m/s2"
    report.unitsSource = "format"
    report.gyroUnits = info.hasGyroscope ? "rad/s" : nil
    report.columns = ["ax": "int16 ch0", "ay": "int16 ch1", "az": "int16 ch2"]
  }

  /// The next block of samples in m/s² and rad/s, or `nil` at the end of the file. Damaged blocks
  /// are skipped and counted in ``report``.
  public func nextBlock() throws -> SampleBlock? {
    while queueNext >= queue.count && !done {
      let (blocks, bytes) = try decoder.feed(reading: Self.readSize) { try read(into: $0) }
      if bytes == 0 {
        done = true
        let left = decoder.finish()
        if left > 0 {
          report.warnings.append("the file ends with \(left) bytes of a truncated block; they were dropped")
        }
        finishReport()
        break
      }
      queue = blocks
      queueNext = 0
    }
    guard queueNext < queue.count else { return nil }
    let block = queue[queueNext]
    queueNext += 1
    if block.startIndex > nextIndex {
      let missing = block.startIndex - nextIndex
      report.gaps.append(Gap(resumeIndex: block.startIndex, startS: Double(nextIndex) / info.sampleRateHz,
                             durationS: Double(missing) / info.sampleRateHz, missingSamples: missing))
    }
    report.clippedSamples += clippedCount(block)
    nextIndex = block.endIndex
    report.samples += block.count
    report.records += 1
    return block
  }

  /// Bytes read at a time: 64 KiB hold ~80 blocks (~10 000 samples of
  /// three channels), so a block's channel arrays (~40 KB each) come from
  /// the heap and are reused. With 1 MiB reads each array was a fresh
  /// ~680 KB mapping: ~1 750 more page faults for an hour (issue #16).
  static let readSize = 1 << 16

  /// Reads until `buffer` is full or the file ends (``readSize`` at a time,
  /// into the decoder's own buffer); returns the bytes read, 0 at the end.
  private func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
    let fd = FileDescriptor(rawValue: handle.fileDescriptor)
    var count = 0
    while count < buffer.count {
      let n: Int
      do {
        n = try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...]))  // retries on EINTR
      } catch {
        throw IngestError(.unreadable, "read failed: \(error)", path: path)
      }
      if n == 0 { break }
      count += n
    }
    return count
  }

  /// Samples of `block` at the accelerometer's limit on any axis.
  private func clippedCount(_ block: SampleBlock) -> Int {
    let limit = clipLimit
    // Eight samples at a time, branch-free: the largest magnitude of the
    // three axes compared as bit patterns (the order of non-negative
    // floats; decoded values are never NaN). A limit of zero or below
    // counts every sample and a NaN none, as `abs(x) >= limit` did.
    let bound = SIMD8<UInt32>(repeating: limit > 0 ? limit.bitPattern : limit.isNaN ? UInt32.max : 0)
    let magnitude = SIMD8<UInt32>(repeating: 0x7FFF_FFFF)
    let count = min(block.ax.count, block.ay.count, block.az.count)
    var n = 0
    block.ax.withUnsafeBytes { ax in
      block.ay.withUnsafeBytes { ay in
        block.az.withUnsafeBytes { az in
          var hits = SIMD8<UInt32>()
          var i = 0
          while i + 8 <= count {
            let m = pointwiseMax(ax.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<UInt32>.self) & magnitude,
                                 pointwiseMax(ay.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<UInt32>.self) & magnitude,
                                              az.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<UInt32>.self) & magnitude))
            hits &+= SIMD8<UInt32>(repeating: 1).replacing(with: 0, where: m .< bound)
            i += 8
          }
          n = Int(hits.wrappedSum())
          while i < count {
            let m = Swift.max(ax.load(fromByteOffset: i * 4, as: UInt32.self) & 0x7FFF_FFFF,
                              Swift.max(ay.load(fromByteOffset: i * 4, as: UInt32.self) & 0x7FFF_FFFF,
                                        az.load(fromByteOffset: i * 4, as: UInt32.self) & 0x7FFF_FFFF))
            n += m >= bound[0] ? 1 : 0
            i += 1
          }
        }
      }
    }
    return n
  }

  private func finishReport() {
    report.durationS = Double(nextIndex) / info.sampleRateHz
    report.skippedBlocks = decoder.skippedBlocks
    report.skippedBlockOffsets = decoder.skippedOffsets
    if decoder.duplicateBlocks > 0 {
      report.warnings.append("\(decoder.duplicateBlocks) block(s) repeated earlier samples (time going backwards) and were dropped")
    }
    if decoder.skippedBlocks > 0 {
      report.warnings.append("\(decoder.skippedBlocks) damaged block(s) skipped at byte offsets \(decoder.skippedOffsets.prefix(10).map(String.init).joined(separator: ", ")); the rest was recovered")
    } else if decoder.discardedBytes > 0 {
      report.warnings.append("\(decoder.discardedBytes) bytes that belong to no valid block were skipped")
    }
    if !report.gaps.isEmpty {
      report.warnings.append("\(report.gaps.count) gap(s) in the sample sequence; analysis restarts after each")
    }
  }
}

// MARK: - Little-endian helpers

@inline(__always)
func appendLE<T: FixedWidthInteger>(_ out: inout [UInt8], _ v: T) {
  withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
}

struct ByteWriter {
  var data: [UInt8] = []
  mutating func bytes(_ b: [UInt8]) { data += b }
  mutating func u8(_ v: UInt8) { data.append(v) }
  mutating func u16(_ v: UInt16) { appendLE(&data, v) }
  mutating func u32(_ v: UInt32) { appendLE(&data, v) }
  mutating func i64(_ v: Int64) { appendLE(&data, v) }
  mutating func f32(_ v: Float) { appendLE(&data, v.bitPattern) }
  mutating func f64(_ v: Double) { appendLE(&data, v.bitPattern) }
}

struct ByteReader {
  let data: [UInt8]
  var offset = 0
  init(_ data: [UInt8]) { self.data = data }
  mutating func skip(_ n: Int) { offset += n }
  mutating func u8() -> UInt8 { defer { offset += 1 }; return data[offset] }
  mutating func u16() -> UInt16 { defer { offset += 2 }; return UInt16(data[offset]) | UInt16(data[offset + 1]) << 8 }
  mutating func u32() -> UInt32 {
    defer { offset += 4 }
    return (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[offset + $1]) << (8 * $1) }
  }
  mutating func u64() -> UInt64 {
    defer { offset += 8 }
    return (0..<8).reduce(UInt64(0)) { $0 | UInt64(data[offset + $1]) << (8 * $1) }
  }
  mutating func i64() -> Int64 { Int64(bitPattern: u64()) }
  mutating func f32() -> Float { Float(bitPattern: u32()) }
  mutating func f64() -> Double { Double(bitPattern: u64()) }
}

/// A FIT file: ".FIT" at byte 8 of a 12- or 14-byte header.
func isFITActivity(path: String) -> Bool {
  guard let h = FileHandle(forReadingAtPath: path), let head = try? h.read(upToCount: 12) else { return false }
  try? h.close()
  return isFITHead([UInt8](head))
}

/// Whether the first bytes of a file are a FIT header.
private func isFITHead(_ b: [UInt8]) -> Bool {
  b.count >= 12 && (b[0] == 12 || b[0] == 14) && Array(b[8..<12]) == Array(".FIT".utf8)
}

/// Opens any supported recording by extension and magic bytes.
///
/// The file is opened once (issue #16: it was opened five times): the magic
/// bytes are read from that descriptor at offset 0, and a CSV is read
/// through it. A file that cannot be opened has no magic bytes and goes
/// through the same tests by name, so the reader it ends at reports why.
public func openRecording(path: String, options: CSVOptions = CSVOptions()) throws -> any SampleSource {
  var file = try? FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
  defer { try? file?.close() }
  var head = [UInt8](repeating: 0, count: 12)
  let headCount = file.map { fd in
    head.withUnsafeMutableBytes { (try? fd.read(fromAbsoluteOffset: 0, into: $0)) ?? 0 }
  } ?? 0
  head.removeSubrange(headCount...)
  if head.starts(with: [0x1F, 0x8B]) { return try openGzipRecording(path: path, options: options) }
  if path.lowercased().hasSuffix(".fit") || isFITHead(head) {
    throw IngestError(.noRawSamples,
      "this is a FIT activity (a Garmin, Coros or Stryd watch or pod file): it stores the device's own per-second "
      + "summaries (cadence, ground contact, vertical oscillation) but no raw acceleration, so gaitline cannot find steps in it. "
      + "To see the watch's running dynamics beside gaitline's report of the same run: gaitline compare \(path) REPORT.json",
      path: path)
  }
  if head.starts(with: GLB.fileMagic) { return try GLBReader(path: path) }
  if path.lowercased().hasSuffix(".glb") { return try GLBReader(path: path) }
  if head.starts(with: [0x4D, 0x44]) && (path.lowercased().hasSuffix(".cwa") || path.lowercased().hasSuffix(".cwa.part")) {
    return try CWAReader(path: path)
  }
  if path.lowercased().hasSuffix(".cwa") { return try CWAReader(path: path) }
  if path.lowercased().hasSuffix(".gt3x") || path.lowercased().hasSuffix(".agdc") { return try GT3XReader(path: path) }
  // The CSV reader takes the descriptor over.
  let descriptor = file
  file = nil
  return try CSVReader(path: path, descriptor: descriptor, options: options)
}
