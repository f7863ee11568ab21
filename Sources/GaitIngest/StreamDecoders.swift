//===--- StreamDecoders.swift ---------------------------------------------===//
// Incremental decoders for live byte streams: text lines, gaitline binary
// frames and WitMotion packets. Each takes bytes in any chunking, emits
// samples, resynchronises after damage, counts what it discarded, and
// flushes what it still holds at the end of the stream.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a stream decoder threw away, for the live view and the report.
public struct StreamCounters: Sendable, Hashable {
  /// Frames or lines decoded into samples.
  public var frames = 0
  /// Bytes that belonged to no valid frame (garbage, partial frames).
  public var discardedBytes = 0
  /// Frames with a bad checksum or CRC.
  public var badFrames = 0
  /// Text lines that were not samples (boot banners, partial lines, headers).
  public var skippedLines = 0
  /// Samples bridged by linear interpolation across a hole of at most three
  /// samples (a lost line); longer holes are gaps.
  public var interpolatedSamples = 0
  /// All counters at zero.
  public init() {}
}

/// A decoder of one `--protocol`, in the single-step shape of swift-nio's
/// `NIOSingleStepByteToMessageDecoder`: ``decode(_:emit:)`` for every chunk
/// of bytes as it arrives, then ``decodeLast(emit:)`` once at the end of the
/// stream, so that a decoder holding samples back (the text decoder waits
/// for enough lines to judge the unit) can still emit them. The samples do
/// not depend on how the bytes were chunked (the tests feed every decoder
/// byte by byte, whole and in random splits).
///
/// Samples are emitted by appending to `emit` (m/s², rad/s): a sample that
/// continues the last block extends it; a gap starts a new block at its
/// `startIndex`. An array sink rather than a closure keeps the per-sample
/// path free of calls and allocations.
public protocol StreamDecoder {
  /// What the samples are (rate, gyroscope, frame).
  var info: RecordingInfo { get }
  /// What was decoded and what was thrown away so far.
  var counters: StreamCounters { get }
  /// Decodes received bytes, in any chunking; appends samples to `emit`.
  mutating func decode(_ bytes: UnsafeRawBufferPointer, emit: inout [SampleBlock]) throws
  /// End of stream: emits what is still held back and counts a partial
  /// frame or line as discarded. Call once; the decoder is spent after it.
  mutating func decodeLast(emit: inout [SampleBlock]) throws
}

/// Appends one sample to the last block of `out`, or starts a new block at
/// `index` when it does not continue the last one.
@inline(__always)
func append(_ a: SIMD3<Float>, _ g: SIMD3<Float>?, at index: Int, to out: inout [SampleBlock]) {
  // A block has gyroscope samples for all of its samples or for none: when
  // the first gyroscope frame arrives after some acceleration-only ones (a
  // WitMotion stream joined midway), a new block starts (found by the
  // stream-witmotion fuzz target: ragged blocks crashed the analyzer).
  if out.isEmpty || out[out.count - 1].endIndex != index
    || (out[out.count - 1].count > 0 && out[out.count - 1].hasGyroscope != (g != nil))
  {
    out.append(SampleBlock(startIndex: index))
  }
  let k = out.count - 1
  out[k].ax.append(a.x); out[k].ay.append(a.y); out[k].az.append(a.z)
  if let g { out[k].gx.append(g.x); out[k].gy.append(g.y); out[k].gz.append(g.z) }
}

// MARK: - WitMotion

/// WitMotion WT901/JY901-family serial packets (WitMotion WT901 protocol manual): 11-byte
/// frames `55 TT d0…d7 SUM`, SUM = low byte of the sum of the first ten.
/// 0x51 acceleration (±16 g: raw / 32768 · 16 g), 0x52 angular velocity
/// (±2000 °/s). A sample is emitted per 0x51 frame with the latest 0x52.
/// The protocol has no sample counter, so samples are indexed by arrival at
/// the configured rate. Resync as the vendor SDK does: on a bad frame drop
/// one byte and rescan (0x55 also occurs inside payloads).
public struct WitMotionDecoder: StreamDecoder {
  /// A sensor at the configured rate, acceleration only until a 0x52 frame arrives, ±16 g range.
  public private(set) var info: RecordingInfo
  /// What was decoded and discarded so far.
  public private(set) var counters = StreamCounters()
  private var buffer: [UInt8] = []
  private var gyro: SIMD3<Float>?
  private var next = 0
  static let accelScale = 16 * standardGravity / 32768
  static let gyroScale = Float(2000.0 * Double.pi / 180 / 32768)

  /// A decoder for a sensor sending at `rateHz` (the packets carry no time).
  public init(rateHz: Double) {
    info = RecordingInfo(sampleRateHz: rateHz, hasGyroscope: false, accelerometerRangeG: 16)
  }

  /// Decodes 11-byte packets from `bytes`; a bad checksum drops one byte and rescans.
  public mutating func decode(_ bytes: UnsafeRawBufferPointer, emit out: inout [SampleBlock]) throws {
    buffer.append(contentsOf: bytes)
    var i = 0
    let n = buffer.count
    while n - i >= 11 {
      guard buffer[i] == 0x55 else { i += 1; counters.discardedBytes += 1; continue }
      var sum: UInt8 = 0
      for k in 0..<10 { sum &+= buffer[i + k] }
      guard sum == buffer[i + 10] else {
        counters.badFrames += 1
        counters.discardedBytes += 1
        i += 1
        continue
      }
      let type = buffer[i + 1]
      func word(_ w: Int) -> Float { Float(Int16(bitPattern: UInt16(buffer[i + 2 + 2 * w]) | UInt16(buffer[i + 3 + 2 * w]) << 8)) }
      switch type {
      case 0x51:
        let a = SIMD3(word(0), word(1), word(2)) * Self.accelScale
        append(a, gyro, at: next, to: &out)
        if gyro != nil { info.hasGyroscope = true }
        next += 1
      case 0x52:
        let g = SIMD3(word(0), word(1), word(2)) * Self.gyroScale
        gyro = g
      default:
        break  // time, angle, magnetometer …: valid frames, not used
      }
      counters.frames += 1
      i += 11
    }
    buffer.removeFirst(i)
  }

  /// End of stream: a partial packet still buffered is counted as discarded.
  public mutating func decodeLast(emit out: inout [SampleBlock]) throws {
    // A packet is emitted as soon as it is whole: what is left is partial.
    counters.discardedBytes += buffer.count
    buffer.removeAll()
  }
}

// MARK: - gaitline binary frames

/// `.glb` frames on a serial link: a 64-byte header (sent first and repeated
/// by the device, so a late reader synchronises), then fixed-size blocks with
/// magic, sequence number, first-sample index and CRC-32 (docs/FORMAT.md).
/// Damaged blocks are skipped; the sample index in each block places it, so
/// a lost block is a gap, not a shift.
public struct GLBStreamDecoder: StreamDecoder {
  /// The rate given, then the `.glb` header's description once it has been received.
  public private(set) var info: RecordingInfo
  /// What was decoded and discarded so far.
  public private(set) var counters = StreamCounters()
  private var decoder: GLBDecoder?
  private var buffer: [UInt8] = []

  /// A decoder for a link at `rateHz` until the stream's own header arrives.
  public init(rateHz: Double) {
    info = RecordingInfo(sampleRateHz: rateHz)
  }

  /// Decodes header and blocks from `bytes`; damaged blocks are skipped and counted.
  public mutating func decode(_ bytes: UnsafeRawBufferPointer, emit out: inout [SampleBlock]) throws {
    if decoder == nil {
      buffer.append(contentsOf: bytes)
      // Find a header whose CRC checks.
      var i = 0
      while i + GLB.headerSize <= buffer.count {
        if buffer[i] == 0x47, buffer[i + 1] == 0x4C, buffer[i + 2] == 0x42, buffer[i + 3] == 0x46,
           let header = try? GLBHeader.decode(Array(buffer[i..<(i + GLB.headerSize)]))
        {
          counters.discardedBytes += i
          decoder = GLBDecoder(header: header)
          info = header.info
          let rest = Array(buffer[(i + GLB.headerSize)...])
          buffer = []
          try rest.withUnsafeBytes { try decode($0, emit: &out) }
          return
        }
        i += 1
      }
      // Keep only what could still start a header.
      let keep = min(buffer.count, GLB.headerSize - 1)
      counters.discardedBytes += buffer.count - keep
      buffer.removeFirst(buffer.count - keep)
      return
    }
    let before = decoder!.skippedBlocks + decoder!.duplicateBlocks
    let discardedBefore = decoder!.discardedBytes
    let blocks = try decoder!.feed(Array(bytes))
    counters.badFrames += decoder!.skippedBlocks + decoder!.duplicateBlocks - before
    counters.discardedBytes += decoder!.discardedBytes - discardedBefore
    for b in blocks {
      counters.frames += 1
      if out.isEmpty || out[out.count - 1].endIndex != b.startIndex {
        out.append(b)
      } else {
        let k = out.count - 1
        out[k].ax += b.ax; out[k].ay += b.ay; out[k].az += b.az
        out[k].gx += b.gx; out[k].gy += b.gy; out[k].gz += b.gz
      }
    }
  }

  /// End of stream: a partial block still buffered is counted as discarded.
  public mutating func decodeLast(emit out: inout [SampleBlock]) throws {
    // Blocks have a fixed size and are emitted when whole: what is left is
    // a partial block (or a header never found).
    if var d = decoder { counters.discardedBytes += d.finish() } else { counters.discardedBytes += buffer.count }
    buffer.removeAll()
  }
}

// MARK: - Text lines

/// One sample per text line, as an Arduino or ESP32 prints it:
/// `ax,ay,az` or `t,ax,ay,az[,gx,gy,gz]`, separated by commas, semicolons,
/// spaces or tabs, CR/LF ends. Lines that are not all numbers (boot banner,
/// a header, a partial first line) are skipped and counted; so are lines
/// longer than 512 bytes and lines whose field count differs from the
/// stream's. Units come from the option, else from gravity over the first
/// 25 lines (g, m/s², milli-g); when their mean |a| fits no unit, from the
/// first two consecutive 25-line windows that agree, waiting at most 10 s,
/// and failing that the nearest unit with ``unitsWarning``. A time column is
/// not needed: samples are indexed by arrival at `--rate`.
public struct TextLineDecoder: StreamDecoder {
  /// The rate given, with a gyroscope once lines of six or seven fields are seen.
  public private(set) var info: RecordingInfo
  /// What was decoded and skipped so far.
  public private(set) var counters = StreamCounters()
  /// The acceleration unit the lines were read in (`g`, `m/s2`, `mg`): the option's, or the one
  /// judged from gravity over the first lines; `nil` until known.
  public private(set) var unitsDetected: String?
  /// How ``unitsDetected`` was decided, in the report's `units_source` words: `option` (`--units`),
  /// `gravity` (the mean |a| of the judged lines lies in one unit's band) or `nearest` (it lies in
  /// no band and the nearest unit was taken: ``unitsWarning`` says so); `nil` until known.
  public private(set) var unitsSource: String?
  /// Set when the unit is a guess that gravity does not support (`unitsSource == "nearest"`):
  /// what was seen, and to pass `--units`.
  public private(set) var unitsWarning: String?
  private var line: [UInt8] = []
  private var overflow = false
  private var fields: Int?
  private var columns: [Channel: Int]
  private var scale: Float?
  private var gyroScale: Float
  private var pending: [[Double]] = []
  private var next = 0
  /// A timestamp or counter column (4- and 7-column layouts): samples are
  /// placed by it, so a lost line is a gap, not a shift of what follows.
  private var timeColumn: Int?
  private var ticksPerSample: Double?
  private var firstTick: Double?
  private var lastSample: (SIMD3<Float>, SIMD3<Float>?)?
  /// Lines judged for the unit in one window (docs/STREAMING.md).
  static let unitWindow = 25
  /// Start, in `pending`, of the next window to judge for the unit.
  private var unitWindowStart = 0
  /// Set once a window's mean |a| lay in no unit's band (a sensor sending
  /// zeros before it is ready, a free fall, a glitch): from then on a unit
  /// is taken only when two consecutive windows agree on it, since the
  /// window after the implausible lines may straddle them.
  private var sawImplausibleWindow = false
  /// The unit of the last plausible window after an implausible one,
  /// waiting for the next window to agree.
  private var unitCandidate: AccelerationUnit?
  /// Index in `pending` just after the last window in no band (0 if none).
  private var implausibleEnd = 0
  /// The lines a stream waits for to judge its unit after implausible
  /// windows: 10 s (one analysis segment) at the rate, at least two windows.
  private let maxUnitLines: Int
  static let maxLine = 512

  /// - Parameters:
  ///   - rateHz: The sensor's sample rate, Hz (lines carry no time the decoder relies on).
  ///   - units: The acceleration unit of the lines; `nil` = judged from gravity over the first lines.
  ///   - gyroUnits: The gyroscope unit; `nil` = degrees per second.
  ///   - columns: 1-based column numbers; empty = by field count (3: ax,ay,az;
  ///     4: t,ax,ay,az; 6: ax..gz; 7: t,ax..gz).
  public init(rateHz: Double, units: AccelerationUnit? = nil, gyroUnits: GyroUnit? = nil, columns: [Channel: String] = [:]) {
    info = RecordingInfo(sampleRateHz: rateHz)
    scale = units?.toMetresPerSecondSquared
    if let units { unitsDetected = units.rawValue; unitsSource = "option" }
    maxUnitLines = max(2 * Self.unitWindow, Int(min(10 * max(rateHz, 0), 1e6).rounded()))
    gyroScale = gyroUnits == .radiansPerSecond ? 1 : Float.pi / 180
    var map: [Channel: Int] = [:]
    for (k, v) in columns { if let n = Int(v), n >= 1 { map[k] = n - 1 } }
    self.columns = map
  }

  /// Decodes the lines in `bytes`; a line is taken at its LF (a CR before it is dropped).
  public mutating func decode(_ bytes: UnsafeRawBufferPointer, emit out: inout [SampleBlock]) throws {
    for b in bytes {
      if b == 0x0A {
        if overflow { counters.skippedLines += 1; counters.discardedBytes += line.count } else { takeLine(into: &out) }
        line.removeAll(keepingCapacity: true)
        overflow = false
      } else if b != 0x0D {
        if line.count < Self.maxLine { line.append(b) } else { overflow = true }
      }
    }
  }

  private mutating func takeLine(into out: inout [SampleBlock]) {
    var values: [Double] = []
    var ok = !line.isEmpty
    line.withUnsafeBufferPointer { p in
      var i = 0
      let n = p.count
      while i < n, ok {
        while i < n, p[i] == 0x2C || p[i] == 0x3B || p[i] == 0x20 || p[i] == 0x09 { i += 1 }
        if i >= n { break }
        var j = i
        while j < n, p[j] != 0x2C, p[j] != 0x3B, p[j] != 0x20, p[j] != 0x09 { j += 1 }
        // Arduino plotter style "ax:0.01": take the part after a colon.
        var s = i
        for k in i..<j where p[k] == 0x3A { s = k + 1 }
        if case .value(let v) = parseNumber(p, s, j) { values.append(v) } else { ok = false }
        i = j
      }
    }
    // A sample needs three acceleration values (or the columns asked for):
    // a line with fewer is not one, and must not decide the layout (found by
    // the stream-text fuzz target: a stream of one-number lines settled on
    // one field and indexed past it).
    let needed = columns.isEmpty ? 3 : (columns.values.max() ?? 2) + 1
    guard ok, values.count >= needed else {
      counters.skippedLines += 1
      counters.discardedBytes += line.count + 1
      return
    }
    if fields == nil {
      // The first numeric line decides the layout, unless it is partial:
      // wait for two lines that agree.
      pending.append(values)
      let counts = pending.map(\.count)
      guard counts.count >= 2, counts[counts.count - 1] == counts[counts.count - 2] else {
        if pending.count > 5 { pending.removeFirst() }
        return
      }
      decideLayout(fieldCount: values.count)
      if scale == nil, !judgeUnits() { return }
      flushPending(into: &out)
      return
    }
    guard values.count == fields else {
      counters.skippedLines += 1
      counters.discardedBytes += line.count + 1
      return
    }
    if scale == nil {
      pending.append(values)
      if judgeUnits() { flushPending(into: &out) }
      return
    }
    emit(values, into: &out)
  }

  /// Fixes the layout from a line of `fieldCount` numbers; pending lines
  /// with another count are skipped.
  private mutating func decideLayout(fieldCount: Int) {
    fields = fieldCount
    if columns.isEmpty {
      switch fieldCount {
      case 3: columns = [.ax: 0, .ay: 1, .az: 2]
      case 4: columns = [.ax: 1, .ay: 2, .az: 3]
      case 6: columns = [.ax: 0, .ay: 1, .az: 2, .gx: 3, .gy: 4, .gz: 5]
      case 7: columns = [.ax: 1, .ay: 2, .az: 3, .gx: 4, .gy: 5, .gz: 6]
      default: columns = [.ax: 0, .ay: 1, .az: 2]
      }
    }
    info.hasGyroscope = columns[.gx] != nil && columns[.gy] != nil && columns[.gz] != nil
    if fieldCount == 4 || fieldCount == 7 || columns[.time] != nil { timeColumn = columns[.time] ?? 0 }
    let early = pending.filter { $0.count == fieldCount }
    counters.skippedLines += pending.count - early.count
    pending = early
  }

  private mutating func flushPending(into out: inout [SampleBlock]) {
    if let tc = timeColumn, ticksPerSample == nil {
      // Unit of the time column from its steps: a counter (1 per sample),
      // s, ms or µs at the configured rate.
      let d = zip(pending.dropFirst(), pending).map { $0[tc] - $1[tc] }.filter { $0 > 0 }
      if let step = Statistics.median(d) {
        let period = 1 / info.sampleRateHz
        let candidates = [1.0, period, period * 1e3, period * 1e6]
        ticksPerSample = candidates.min { abs(log($0 / step)) < abs(log($1 / step)) }
        if let t = ticksPerSample, abs(log(t / step)) > log(1.5) { ticksPerSample = nil; timeColumn = nil }
      } else {
        timeColumn = nil
      }
    }
    if scale == nil {
      // The end of the stream or the bound on waiting came first: judge
      // the lines after the last window that fit no unit (all of them when
      // there is none); when they fit none either, take the nearest unit to
      // the mean of all the lines, and say so.
      let rest = implausibleEnd < pending.count ? meanMagnitude(pending[implausibleEnd...]) : .nan
      if let unit = AccelerationUnit.inferred(meanMagnitude: rest) {
        decide(unit, source: "gravity")
      } else {
        let m = meanMagnitude(pending[...])
        let unit = AccelerationUnit.nearest(meanMagnitude: m)
        decide(unit, source: "nearest")
        unitsWarning = "cannot tell the acceleration unit of the text lines from gravity: the mean |a| of the first "
          + "\(pending.count) lines is \(String(format: "%.3g", m)), not near 1 (g), 9.8 (m/s²) or 1000 (milli-g) "
          + "as a sensor at rest or running reads; they were read as \(unit.rawValue), the nearest, and every "
          + "acceleration may be off by a factor of 9.8 or 1000: pass --units g|m/s2|mg"
      }
    }
    for v in pending { emit(v, into: &out) }
    pending.removeAll()
  }

  /// The mean |a| of `lines` in the units they were sent in.
  private func meanMagnitude(_ lines: ArraySlice<[Double]>) -> Double {
    guard let x = columns[.ax], let y = columns[.ay], let z = columns[.az] else { return .nan }
    var m = 0.0
    for v in lines where x < v.count && y < v.count && z < v.count {
      m += (v[x] * v[x] + v[y] * v[y] + v[z] * v[z]).squareRoot()
    }
    return m / Double(max(lines.count, 1))
  }

  private mutating func decide(_ unit: AccelerationUnit, source: String) {
    scale = unit.toMetresPerSecondSquared
    unitsDetected = unit.rawValue
    unitsSource = source
  }

  /// Judges the unit on the pending lines, a window of ``unitWindow`` at a
  /// time; true once it is decided (or once the stream has waited
  /// ``maxUnitLines`` lines: the caller then flushes with the nearest unit).
  /// The first window decides when its mean |a| lies in a unit's band (the
  /// rule `analyze` applies to files); a window in no band is no evidence
  /// for any unit and is passed over, after which two consecutive windows
  /// must agree.
  private mutating func judgeUnits() -> Bool {
    while pending.count - unitWindowStart >= Self.unitWindow {
      let window = pending[unitWindowStart..<(unitWindowStart + Self.unitWindow)]
      if let unit = AccelerationUnit.inferred(meanMagnitude: meanMagnitude(window)) {
        if !sawImplausibleWindow || unitCandidate == unit {
          decide(unit, source: "gravity")
          return true
        }
        unitCandidate = unit
      } else {
        sawImplausibleWindow = true
        unitCandidate = nil
        implausibleEnd = unitWindowStart + Self.unitWindow
      }
      unitWindowStart += Self.unitWindow
    }
    return pending.count >= maxUnitLines
  }

  private mutating func emit(_ v: [Double], into out: inout [SampleBlock]) {
    guard let scale, let ax = columns[.ax], let ay = columns[.ay], let az = columns[.az],
          ax < v.count, ay < v.count, az < v.count else { return }
    let a = SIMD3(Float(v[ax]), Float(v[ay]), Float(v[az])) * scale
    var g: SIMD3<Float>?
    if info.hasGyroscope, let gx = columns[.gx], let gy = columns[.gy], let gz = columns[.gz], gz < v.count {
      g = SIMD3(Float(v[gx]), Float(v[gy]), Float(v[gz])) * gyroScale
    }
    var index = next
    if let tc = timeColumn, let ticks = ticksPerSample, tc < v.count {
      let t0 = firstTick ?? v[tc]
      firstTick = t0
      // Compared as a Double first: a corrupt timestamp (1e300, inf) must
      // not trap converting to Int (found by the stream-text fuzz target).
      let position = ((v[tc] - t0) / ticks).rounded()
      guard position.isFinite, position >= Double(next), position <= Double(next + 600 * Int(info.sampleRateHz)) else {
        counters.skippedLines += 1
        return
      }
      index = Int(position)
      if index < next || index > next + 600 * Int(info.sampleRateHz) {
        // Backwards, repeated, or an absurd jump: not trustworthy.
        counters.skippedLines += 1
        return
      }
    }
    if let last = lastSample, index > next, index - next <= 3 {
      let missing = index - next
      for k in 1...missing {
        let w = Float(k) / Float(missing + 1)
        let gi: SIMD3<Float>? = g.flatMap { gv in last.1.map { $0 + (gv - $0) * w } }
        append(last.0 + (a - last.0) * w, gi, at: next, to: &out)
        next += 1
        counters.interpolatedSamples += 1
      }
    }
    append(a, g, at: index, to: &out)
    lastSample = (a, g)
    next = index + 1
    counters.frames += 1
  }

  /// End of stream: an unterminated last line is discarded (it may be cut mid-number), and the
  /// samples still held back to judge the unit and layout are emitted.
  public mutating func decodeLast(emit out: inout [SampleBlock]) throws {
    // An unterminated last line may have been cut mid-number: discarded.
    counters.discardedBytes += line.count
    line.removeAll()
    overflow = false
    // A stream shorter than the lines the unit and layout wait for: decide
    // them from what there is (one line, or lines that never agreed: the
    // last one), and emit it.
    if fields == nil, let last = pending.last { decideLayout(fieldCount: last.count) }
    if !pending.isEmpty { flushPending(into: &out) }
  }
}

// MARK: - Encoders (the emulator's side)

/// Encodes samples as a device would send them, for the sensor emulator
/// and tests.
public enum StreamEncoder {
  /// One WitMotion 0x51 (and 0x52 when gyroscope data are given) frame per sample.
  public static func witMotion(ax: Float, ay: Float, az: Float, gyro: SIMD3<Float>? = nil) -> [UInt8] {
    func frame(_ type: UInt8, _ v: SIMD3<Float>, _ scale: Float) -> [UInt8] {
      var f: [UInt8] = [0x55, type]
      for k in 0..<3 {
        let x = Int16(clamping: Int((v[k] / scale).rounded()))
        f.append(UInt8(truncatingIfNeeded: x)); f.append(UInt8(truncatingIfNeeded: x >> 8))
      }
      f += [0, 0]
      f.append(f.reduce(0, &+))
      return f
    }
    var out: [UInt8] = []
    if let gyro { out += frame(0x52, gyro, WitMotionDecoder.gyroScale) }
    out += frame(0x51, SIMD3(ax, ay, az), WitMotionDecoder.accelScale)
    return out
  }

  /// A text line `[ms,]ax,ay,az` in g with four decimals, as an Arduino
  /// sketch prints it (`millis()` first when `milliseconds` is given).
  public static func textLine(milliseconds: Int? = nil, ax: Float, ay: Float, az: Float) -> [UInt8] {
    func f(_ v: Float) -> String {
      let x = Double(v / standardGravity)
      let scaled = Int((x * 10_000).rounded())
      let sign = scaled < 0 ? "-" : ""
      let a = abs(scaled)
      let frac = String(a % 10_000)
      return "\(sign)\(a / 10_000).\(String(repeating: "0", count: 4 - frac.count))\(frac)"
    }
    let prefix = milliseconds.map { "\($0)," } ?? ""
    return Array("\(prefix)\(f(ax)),\(f(ay)),\(f(az))\n".utf8)
  }
}
