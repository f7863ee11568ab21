//===--- FuzzChecks.swift -------------------------------------------------===//
// What every decoder must do with any bytes at all, as functions that return
// the invariants a given input broke. The libFuzzer targets (Fuzz/) crash on
// a non-empty answer; the regression tests (GaitIngestTests.FuzzRegression)
// replay saved inputs through the same functions.
//
// Invariants, beyond "no crash, no hang, no huge allocation" (libFuzzer's
// -malloc_limit_mb and -rss_limit_mb catch a decoder that believes a
// declared length):
//  - chunking does not change the result: a file read in blocks of 7 or
//    4096 samples, a stream fed whole or in pieces of any size, give the
//    same samples (bit for bit) and the same error;
//  - a decoder never reports more samples than the bytes can hold;
//  - after garbage, a stream decoder recovers the valid frames that follow;
//  - memory: what a decoder holds while reading is at most a fixed amount
//    plus a few bytes per input byte (``memoryBound(_:inputBytes:)``),
//    measured with the sanitizer's allocator in the fuzz builds.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
import GaitIngest
import ZIPFoundation

/// A decoded input, compared bit for bit.
public struct Decoded: Equatable {
  public var indices: [Int] = []
  public var bits: [UInt32] = []
  /// The x acceleration of each sample (m/s²).
  public var ax: [Float] = []
  public var error: String?
  public var count: Int { indices.count }

  /// Equal, or — when both stopped at the same error — one is a prefix of
  /// the other: a reader that fails at line N may have handed out the
  /// samples before N in smaller or larger blocks.
  public func agrees(with o: Decoded) -> Bool {
    guard error == o.error else { return false }
    if error == nil { return self == o }
    let n = min(count, o.count)
    return indices.prefix(n) == o.indices.prefix(n) && ax.prefix(n).map(\.bitPattern) == o.ax.prefix(n).map(\.bitPattern)
  }

  mutating func add(_ b: SampleBlock) {
    for i in 0..<b.count {
      indices.append(b.startIndex + i)
      ax.append(b.ax[i])
      bits.append(b.ax[i].bitPattern); bits.append(b.ay[i].bitPattern); bits.append(b.az[i].bitPattern)
      if b.hasGyroscope {
        bits.append(b.gx[i].bitPattern); bits.append(b.gy[i].bitPattern); bits.append(b.gz[i].bitPattern)
      }
    }
  }
}

/// Runs `body` with `bytes` in a temporary file named `*.ext`.
public func withTemporaryFile<T>(_ bytes: UnsafeRawBufferPointer, ext: String, _ body: (String) throws -> T) rethrows -> T {
  let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
  let path = (dir as NSString).appendingPathComponent("gaitline-fuzz-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).\(ext)")
  _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
  defer { unlink(path) }
  return try body(path)
}

/// Reads every block of a source (at most `limit` samples: a bound that a
/// check reports, not a hang).
func drain(_ open: () throws -> any SampleSource, limit: Int) -> Decoded {
  var d = Decoded()
  do {
    let s = try open()
    while let b = try s.nextBlock() {
      d.add(b)
      if d.count > limit { d.error = "more than \(limit) samples"; return d }
    }
  } catch let e as IngestError {
    d.error = "\(e.code)|\(e.line.map(String.init) ?? "")|\(e.byteOffset.map(String.init) ?? "")"
  } catch {
    d.error = "unexpected error type: \(error)"
  }
  return d
}

/// CSV: blocks of 7 and of 4096 samples agree; no more samples than 5 per
/// line (the reader bridges holes of at most 4 periods, never more).
public func checkCSV(_ bytes: UnsafeRawBufferPointer) -> [String] {
  let lines = bytes.reduce(1) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
  let bound = 5 * lines + 5
  return withTemporaryFile(bytes, ext: "csv") { path in
    var small = CSVOptions(); small.blockSize = 7
    let a = drain({ try CSVReader(path: path, options: small) }, limit: bound)
    let b = drain({ try CSVReader(path: path) }, limit: bound)
    var v: [String] = []
    if !a.agrees(with: b) { v.append("CSV: blocks of 7 and 4096 differ (\(a.count) vs \(b.count) samples, \(a.error ?? "ok") vs \(b.error ?? "ok"))") }
    if b.count > bound { v.append("CSV: \(b.count) samples from \(lines) lines") }
    if b.error?.hasPrefix("unexpected") == true { v.append("CSV: \(b.error!)") }
    return v
  }
}

/// .glb file: the reader equals the incremental decoder fed in uneven
/// pieces; at least 6 bytes per sample (three int16).
public func checkGLB(_ bytes: UnsafeRawBufferPointer) -> [String] {
  let file = withTemporaryFile(bytes, ext: "glb") { path in drain({ try GLBReader(path: path) }, limit: bytes.count) }
  var v: [String] = []
  if file.count * 6 > bytes.count { v.append("GLB: \(file.count) samples from \(bytes.count) bytes") }
  if file.error?.hasPrefix("unexpected") == true { v.append("GLB: \(file.error!)") }
  // The same bytes through GLBDecoder in pieces of 1, 5, 13, … bytes.
  var whole = GLBDecoder(), pieces = GLBDecoder()
  var a = Decoded(), b = Decoded()
  let all = Array(bytes)
  do { for blk in try whole.feed(all) { a.add(blk) } } catch { a.error = "\(error)" }
  var i = 0, step = 1
  do {
    while i < all.count {
      let j = min(all.count, i + step)
      for blk in try pieces.feed(Array(all[i..<j])) { b.add(blk) }
      i = j
      step = step * 7 % 61 + 1
    }
  } catch { b.error = "\(error)" }
  // A header error can only come once enough bytes are in; compare samples
  // when both decoded, and the error when either failed.
  if (a.error == nil) == (b.error == nil), a != b {
    v.append("GLB: whole and piecewise decoding differ (\(a.count) vs \(b.count) samples)")
  }
  return v
}

/// Serial framing: fed whole or in uneven pieces, the same samples; bounded
/// by the frame size; after the fuzz bytes, valid frames are recovered.
public func checkStream(_ proto: StreamProtocol, _ bytes: UnsafeRawBufferPointer) -> [String] {
  func make() -> any StreamDecoder {
    switch proto {
    case .text: return TextLineDecoder(rateHz: 100)
    case .glb: return GLBStreamDecoder(rateHz: 100)
    case .witmotion: return WitMotionDecoder(rateHz: 100)
    }
  }
  func run(_ chunks: [ArraySlice<UInt8>]) -> Decoded {
    var dec = make()
    var d = Decoded()
    var out: [SampleBlock] = []
    do {
      for c in chunks {
        try c.withUnsafeBytes { try dec.decode($0, emit: &out) }
        for b in out { d.add(b) }
        out.removeAll(keepingCapacity: true)
      }
      try dec.decodeLast(emit: &out)
      for b in out { d.add(b) }
    } catch let e as IngestError {
      d.error = "\(e.code)"
    } catch {
      d.error = "unexpected error type: \(error)"
    }
    return d
  }
  let all = Array(bytes)
  var chunks: [ArraySlice<UInt8>] = []
  var i = 0, step = 3
  while i < all.count {
    let j = min(all.count, i + step)
    chunks.append(all[i..<j])
    i = j
    step = (step * 5 + Int(all[j - 1])) % 97 + 1
  }
  let whole = run([all[...]])
  let pieces = run(chunks)
  var v: [String] = []
  if !whole.agrees(with: pieces) {
    v.append("\(proto): whole and piecewise decoding differ (\(whole.count) vs \(pieces.count) samples, \(whole.error ?? "ok") vs \(pieces.error ?? "ok"))")
  }
  let minFrame: Int
  switch proto {
  case .witmotion: minFrame = 11
  case .glb: minFrame = 6
  case .text: minFrame = 1
  }
  // Text: a line of 2+ bytes, plus up to 3 bridged samples per line.
  let bound = proto == .text ? 4 * (all.count / 2 + 1) : all.count / minFrame
  if whole.count > bound { v.append("\(proto): \(whole.count) samples from \(all.count) bytes") }
  if whole.error?.hasPrefix("unexpected") == true { v.append("\(proto): \(whole.error!)") }

  // Resynchronisation: the fuzz bytes, then valid frames.
  switch proto {
  case .witmotion:
    var tail: [UInt8] = []
    let values: [Float] = [1.5, -2.25, 3.0, 0.5]
    for x in values { tail += StreamEncoder.witMotion(ax: x, ay: 0.25, az: -1) }
    let d = run([all[...], tail[...]])
    let got = d.ax
    // A false header in the garbage can swallow at most the first valid
    // frame; the last three must come through, in order, at the end.
    let want = values.suffix(3).map { quantizeWitMotion($0) }
    if d.error == nil, !zip(got.suffix(3), want).allSatisfy({ abs($0 - $1) < 1e-4 }) || got.count < 3 {
      v.append("witmotion: valid frames after garbage were not recovered (got \(got.suffix(3)), want \(want))")
    }
  case .text:
    // A stream that has settled (3 columns, in g), then the fuzz bytes,
    // then a newline and five more lines: those five are the last samples.
    let head = Array(String(repeating: "0.01,0.02,1.00\n", count: 30).utf8)
    let tailValues: [Float] = [1.5, 2.5, 3.5, 4.5, 5.5]
    let tail = Array(("\n" + tailValues.map { "\($0),0.25,-1\n" }.joined()).utf8)
    let d = run([head[...], all[...], tail[...]])
    let got = d.ax
    let want = tailValues.map { $0 * standardGravity }
    if d.error == nil, got.count < 5 || !zip(got.suffix(5), want).allSatisfy({ abs($0 - $1) < 1e-3 }) {
      v.append("text: valid lines after garbage were not recovered (last samples \(got.suffix(5)), want \(want))")
    }
  case .glb:
    break  // the block stream needs its header first; covered by the whole/pieces check
  }
  return v
}

/// WitMotion stores acceleration (m/s² here) as int16 of ±16 g.
func quantizeWitMotion(_ mps2: Float) -> Float {
  let scale = 16 * standardGravity / 32768
  return (mps2 / scale).rounded() * scale
}

/// .cwa: at most 120 samples per 512-byte sector (packed 10-bit triaxial).
public func checkCWA(_ bytes: UnsafeRawBufferPointer) -> [String] {
  let bound = (bytes.count / 512 + 1) * 120
  let d = withTemporaryFile(bytes, ext: "cwa") { path in drain({ try CWAReader(path: path) }, limit: bound) }
  var v: [String] = []
  if d.count > bound { v.append("CWA: \(d.count) samples from \(bytes.count) bytes") }
  if d.error?.hasPrefix("unexpected") == true { v.append("CWA: \(d.error!)") }
  return v
}

/// .gt3x: the fuzz bytes as the archive itself (first byte even) or as the
/// log.bin of a well-formed archive (odd): no more samples than log bytes.
public func checkGT3X(_ bytes: UnsafeRawBufferPointer) -> [String] {
  guard let first = bytes.first else { return [] }
  let body = UnsafeRawBufferPointer(rebasing: bytes[1...])
  var v: [String] = []
  let d: Decoded
  if first % 2 == 0 {
    d = withTemporaryFile(body, ext: "gt3x") { path in drain({ try GT3XReader(path: path) }, limit: 8 * body.count + 8) }
  } else {
    let log = Data(body)
    guard let zipped = gt3xArchive(log: log) else { return ["GT3X: cannot build an archive"] }
    d = zipped.withUnsafeBytes { z in
      withTemporaryFile(z, ext: "gt3x") { path in drain({ try GT3XReader(path: path) }, limit: 8 * log.count + 8) }
    }
    // ACTIVITY2 packs 12 bits per axis: 4.5 bytes per sample at best.
    if Double(d.count) * 4.5 > Double(log.count) + 8 { v.append("GT3X: \(d.count) samples from \(log.count) log bytes") }
  }
  if d.error?.hasPrefix("unexpected") == true { v.append("GT3X: \(d.error!)") }
  return v
}

/// The bytes the allocator holds now: AddressSanitizer's count in the fuzz
/// builds; nil in other builds (a test process allocates on many threads at
/// once, so a count there would not be the decoder's).
let allocatedBytes: (@convention(c) () -> Int)? = {
  guard let handle = dlopen(nil, RTLD_NOW), let f = dlsym(handle, "__sanitizer_get_current_allocated_bytes") else { return nil }
  return unsafeBitCast(f, to: (@convention(c) () -> Int).self)
}()

/// The most a decoder may hold while reading `n` input bytes (docs/HARDENING.md):
/// fixed buffers plus a bound per input byte. FIT keeps one 144-byte
/// record per `record` message (the smallest is one byte; at most
/// 500 000 are kept) and a copy of the file; .gt3x inflates log.bin in
/// 64 KiB chunks (at most 8 queued) and keeps 100 bad-record offsets,
/// whatever the inflated size.
public func memoryBound(_ name: String, inputBytes n: Int) -> Int {
  switch name {
  case "fit": return (4 << 20) + 300 * n
  case "gt3x": return (8 << 20) + 16 * n
  default: return (4 << 20) + 16 * n
  }
}

/// The most `name`'s decoder held above what was allocated before it was
/// opened, sampled after every block (nil outside a sanitizer build).
public func peakMemory(_ name: String, _ bytes: UnsafeRawBufferPointer) -> Int? {
  guard let now = allocatedBytes else { return nil }
  var base = 0, peak = 0
  func sample() { peak = max(peak, now() - base) }
  func read(_ ext: String, _ open: (String) throws -> any SampleSource) {
    withTemporaryFile(bytes, ext: ext) { path in
      base = now()
      guard let s = try? open(path) else { sample(); return }
      sample()
      while let b = try? s.nextBlock() { withExtendedLifetime(b) { sample() } }
      sample()
    }
  }
  switch name {
  case "csv": read("csv") { try CSVReader(path: $0) }
  case "glb": read("glb") { try GLBReader(path: $0) }
  case "cwa": read("cwa") { try CWAReader(path: $0) }
  case "gt3x":
    guard let first = bytes.first else { return 0 }
    let body = UnsafeRawBufferPointer(rebasing: bytes[1...])
    if first % 2 == 0 {
      withTemporaryFile(body, ext: "gt3x") { path in
        base = now()
        guard let s = try? GT3XReader(path: path) else { sample(); return }
        while let b = try? s.nextBlock() { withExtendedLifetime(b) { sample() } }
        sample()
      }
    } else {
      guard let zipped = gt3xArchive(log: Data(body)) else { return nil }
      zipped.withUnsafeBytes { z in
        withTemporaryFile(z, ext: "gt3x") { path in
          base = now()
          guard let s = try? GT3XReader(path: path) else { sample(); return }
          while let b = try? s.nextBlock() { withExtendedLifetime(b) { sample() } }
          sample()
        }
      }
    }
  case "fit":
    withTemporaryFile(bytes, ext: "fit") { path in
      base = now()
      let a = try? readFIT(path: path)
      withExtendedLifetime(a) { sample() }
    }
  case "stream-text", "stream-glb", "stream-witmotion":
    var dec: any StreamDecoder
    switch name {
    case "stream-text": dec = TextLineDecoder(rateHz: 100)
    case "stream-glb": dec = GLBStreamDecoder(rateHz: 100)
    default: dec = WitMotionDecoder(rateHz: 100)
    }
    base = now()
    var out: [SampleBlock] = []
    var i = 0
    while i < bytes.count {
      let j = min(bytes.count, i + 4096)
      do { try dec.decode(UnsafeRawBufferPointer(rebasing: bytes[i..<j]), emit: &out) } catch { break }
      sample()
      out.removeAll(keepingCapacity: true)
      i = j
    }
    try? dec.decodeLast(emit: &out)
    sample()
  default:
    return nil
  }
  return peak
}

/// A well-formed .gt3x archive (stored entries) with `log` as its log.bin.
func gt3xArchive(log: Data) -> Data? {
  guard let archive = try? Archive(data: Data(), accessMode: .create, pathEncoding: nil) else { return nil }
  let info = "Serial Number: MOS2E00000000\nDevice Type: wGT3XBT\nFirmware: 1.9.2\nSample Rate: 100\nStart Date: 637000000000000000\nAcceleration Scale: 256.0\nAcceleration Min: -8.0\nAcceleration Max: 8.0\n"
  let infoData = Data(info.utf8)
  do {
    try archive.addEntry(with: "info.txt", type: .file, uncompressedSize: Int64(infoData.count), provider: { pos, size in
      infoData.subdata(in: Int(pos)..<Int(pos) + size)
    })
    try archive.addEntry(with: "log.bin", type: .file, uncompressedSize: Int64(log.count), provider: { pos, size in
      log.subdata(in: Int(pos)..<Int(pos) + size)
    })
  } catch {
    return nil
  }
  return archive.data
}

/// FIT: no more records than bytes; never a crash.
public func checkFIT(_ bytes: UnsafeRawBufferPointer) -> [String] {
  withTemporaryFile(bytes, ext: "fit") { path in
    do {
      let a = try readFIT(path: path)
      return a.records.count > bytes.count ? ["FIT: \(a.records.count) records from \(bytes.count) bytes"] : []
    } catch is IngestError {
      return []
    } catch {
      return ["FIT: unexpected error type: \(error)"]
    }
  }
}

/// The fuzz targets' names (`scripts/fuzz.sh NAME`).
public let fuzzTargetNames = ["csv", "glb", "stream-text", "stream-glb", "stream-witmotion", "cwa", "gt3x", "fit"]

/// The check of the fuzz target `name`.
public func fuzzCheck(_ name: String, _ bytes: UnsafeRawBufferPointer) -> [String] {
  var v: [String]
  switch name {
  case "csv": v = checkCSV(bytes)
  case "glb": v = checkGLB(bytes)
  case "stream-text": v = checkStream(.text, bytes)
  case "stream-glb": v = checkStream(.glb, bytes)
  case "stream-witmotion": v = checkStream(.witmotion, bytes)
  case "cwa": v = checkCWA(bytes)
  case "gt3x": v = checkGT3X(bytes)
  case "fit": v = checkFIT(bytes)
  default: return ["no fuzz target '\(name)'"]
  }
  // Memory per input byte (in the sanitizer builds of the fuzz targets).
  if let peak = peakMemory(name, bytes), peak > memoryBound(name, inputBytes: bytes.count) {
    v.append("\(name): held \(peak) bytes while reading \(bytes.count) bytes (bound \(memoryBound(name, inputBytes: bytes.count)))")
  }
  return v
}
