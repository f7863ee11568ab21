//===--- StreamFileSource.swift -------------------------------------------===//
// Replays a captured serial byte stream from a file through the same
// decoder the live path uses.
//===----------------------------------------------------------------------===//
import GaitCore
import Foundation

/// The serial protocols gaitline understands.
public enum StreamProtocol: String, Sendable, CaseIterable {
  /// One sample per text line (``TextLineDecoder``).
  case text
  /// gaitline's binary `.glb` frames (``GLBStreamDecoder``).
  case glb
  /// WitMotion 0x55 packets (``WitMotionDecoder``).
  case witmotion

  /// A fresh decoder for this protocol.
  public func makeDecoder(rateHz: Double?, units: AccelerationUnit?, gyroUnits: GyroUnit?,
                          columns: [Channel: String]) throws -> any StreamDecoder {
    switch self {
    case .glb: return GLBStreamDecoder(rateHz: rateHz ?? 100)
    case .text, .witmotion:
      guard let rateHz, rateHz > 0 else {
        throw IngestError(.invalidArgument,
          "--protocol \(rawValue) carries no timestamps: pass the sensor's output rate with --rate HZ")
      }
      return self == .text
        ? TextLineDecoder(rateHz: rateHz, units: units, gyroUnits: gyroUnits, columns: columns)
        : WitMotionDecoder(rateHz: rateHz)
    }
  }
}

/// A captured stream (e.g. `gaitline stream --record`'s `.raw` file) read
/// block by block through a ``StreamDecoder``: `gaitline analyze
/// capture.raw --protocol witmotion --rate 100` gives exactly the samples
/// the live analysis saw.
public final class StreamFileSource: SampleSource {
  /// The decoder's description of the stream (the rate given).
  public private(set) var info: RecordingInfo
  /// What was read so far: rate, decoder counters, gaps.
  public private(set) var report: IngestReport
  private var decoder: any StreamDecoder
  private let handle: FileHandle
  private var queue: [SampleBlock] = []
  private var queueNext = 0
  private var done = false
  private var nextIndex = 0

  /// Opens the capture at `path` to be read through `decoder`; `protocolName` names the format
  /// in the report (`stream-NAME`).
  public init(path: String, decoder: any StreamDecoder, protocolName: String) throws {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
          let h = FileHandle(forReadingAtPath: path) else {
      throw IngestError(.fileNotFound, "no such file; check the path", path: path)
    }
    handle = h
    self.decoder = decoder
    info = decoder.info
    report = IngestReport(format: "stream-\(protocolName)")
    report.sampleRateHz = info.sampleRateHz
    report.unitsDetected = "m/s2"
    report.unitsSource = "protocol"
    report.timestampUnit = "none"
  }

  /// The next decoded block of samples, or `nil` once the file is read and the decoder has
  /// flushed.
  public func nextBlock() throws -> SampleBlock? {
    while queueNext >= queue.count && !done {
      let data = try handle.read(upToCount: 1 << 16) ?? Data()
      queue.removeAll(keepingCapacity: true)
      queueNext = 0
      if data.isEmpty {
        try decoder.decodeLast(emit: &queue)
        info = decoder.info
        done = true
        finishReport()
        break
      }
      try data.withUnsafeBytes { try decoder.decode($0, emit: &queue) }
      info = decoder.info
      report.sampleRateHz = info.sampleRateHz
    }
    guard queueNext < queue.count else { return nil }
    let b = queue[queueNext]
    queueNext += 1
    report.account(b, rateHz: info.sampleRateHz, nextIndex: &nextIndex)
    return b
  }

  private func finishReport() {
    report.durationS = Double(nextIndex) / max(info.sampleRateHz, 1)
    let c = decoder.counters
    if c.discardedBytes > 0 || c.badFrames > 0 || c.skippedLines > 0 {
      report.warnings.append("stream decoding skipped \(c.discardedBytes) bytes, \(c.badFrames) bad frames, \(c.skippedLines) non-sample lines")
    }
    if let t = decoder as? TextLineDecoder { report.recordUnits(of: t) }
  }
}

extension IngestReport {
  /// Copies what a text-line decoder decided about the acceleration unit:
  /// the unit, how it was decided (`option`, `gravity` or `nearest`) and,
  /// for a guess gravity does not support, its warning. Returns that warning
  /// the first time it is added (the live view shows it as it happens).
  @discardableResult
  public mutating func recordUnits(of decoder: TextLineDecoder) -> String? {
    guard let unit = decoder.unitsDetected else { return nil }
    unitsDetected = unit
    unitsSource = decoder.unitsSource ?? "gravity"
    if let w = decoder.unitsWarning, !warnings.contains(w) {
      warnings.append(w)
      return w
    }
    return nil
  }
}
