//===--- LiveSource.swift -------------------------------------------------===//
// A serial device as a SampleSource: the same pipeline as `analyze` runs on
// it. Every raw byte is recorded as it arrives.
//===----------------------------------------------------------------------===//
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GaitCore
import GaitIngest
import Synchronization

/// Process-wide stop request, set from the SIGINT/SIGTERM handler.
public enum StreamControl {
  /// Set to `true` to make every live source finish at its next read (a signal handler does it).
  public static let stopRequested = Atomic<Bool>(false)

  /// Installs SIGINT and SIGTERM handlers that ask the live source to finish
  /// cleanly (the final report is still written).
  public static func installSignalHandlers() {
    unblockTerminationSignals()
    signal(SIGINT) { _ in StreamControl.stopRequested.store(true, ordering: .relaxed) }
    signal(SIGTERM) { _ in StreamControl.stopRequested.store(true, ordering: .relaxed) }
  }
}

/// Unblocks SIGINT, SIGTERM and SIGHUP for this thread. A process started
/// from a thread that blocks them (test runners, some supervisors) inherits
/// the mask, and Ctrl-C or `kill` would then do nothing.
public func unblockTerminationSignals() {
  var set = sigset_t()
  sigemptyset(&set)
  sigaddset(&set, SIGINT)
  sigaddset(&set, SIGTERM)
  sigaddset(&set, SIGHUP)
  pthread_sigmask(SIG_UNBLOCK, &set, nil)
}

/// Why a live stream ended.
public enum StreamEnd: String, Sendable {
  /// `interrupted`: Ctrl-C or SIGTERM; `hang-up`: the device went away (without `--reconnect`);
  /// `duration`: `--duration` elapsed; `end-of-stream`: the input ended (a pseudo-terminal or file closed).
  case interrupted, hangUp = "hang-up", duration, endOfStream = "end-of-stream"
}

/// Reads a serial device, decodes it with a protocol decoder, records every
/// raw byte to `recordPath` (written as it arrives, fsync'd at least twice a
/// second) and the decoded samples to a `.glb`, and hands blocks to the
/// analysis as soon as they decode.
///
/// On hang-up it reports it and, with `reconnect`, waits for the device to
/// come back (re-opening every 0.5 s); the time lost becomes a gap, so no
/// step is measured across it.
public final class SerialSource: SampleSource {
  /// The stream's description: the rate given and what the decoder learnt.
  public private(set) var info: RecordingInfo
  /// What was received: rates, units, gaps, decoder counters.
  public private(set) var report: IngestReport
  /// Why the stream ended; `nil` while it runs.
  public private(set) var end: StreamEnd?
  /// Raw bytes received (and recorded) so far.
  public private(set) var bytesReceived = 0
  /// Times the device came back after a hang-up.
  public private(set) var reconnects = 0
  /// The decoder's counts of frames decoded and bytes discarded.
  public var counters: StreamCounters { decoder.counters }
  /// Called with a status line for the person watching (hang-up, reconnect).
  public var onEvent: ((String) -> Void)?

  private let path: String
  private let baud: Int
  private var port: SerialPort?
  private var decoder: any StreamDecoder
  /// Whether `decoder` has had its `decodeLast` (a hang-up, the end).
  private var decoderFlushed = false
  private let makeDecoder: () throws -> any StreamDecoder
  private let reconnect: Bool
  private let deadline: ContinuousClock.Instant?
  private var recordFD: Int32 = -1
  private var glb: GLBWriter?
  private var glbPath: String?
  private var lastSync = ContinuousClock.now
  private var queue: [SampleBlock] = []
  private var queueNext = 0
  private var buffer = [UInt8](repeating: 0, count: 1 << 16)
  private var indexOffset = 0
  private var nextIndex = 0
  private var lastDataTime = ContinuousClock.now
  private var recordError: String?
  private var recordErrors: [String] = []

  /// `recordPath` is created only after the port is open (a missing port
  /// or a bad baud rate touches no file), with O_EXCL: an existing file is
  /// an error (exit 64) unless `force`, and even then it is not truncated
  /// while another process holds its lock (a second stream on the same
  /// record). The decoded `.glb` beside it is written atomically at the end.
  public init(path: String, baud: Int, makeDecoder: @escaping () throws -> any StreamDecoder,
              recordPath: String?, reconnect: Bool, durationS: Double?, force: Bool = false,
              protecting: ProtectedPaths = .none) throws {
    self.path = path
    self.baud = baud
    self.makeDecoder = makeDecoder
    decoder = try makeDecoder()
    info = decoder.info
    report = IngestReport(format: "serial")
    report.unitsSource = "protocol"
    report.timestampUnit = "none"
    report.sampleRateHz = info.sampleRateHz
    self.reconnect = reconnect
    deadline = durationS.map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
    var guarded = protecting
    guarded.add(path)
    if let recordPath {
      let glb = (recordPath as NSString).deletingPathExtension + ".glb"
      try Self.checkRecordPaths(raw: recordPath, glb: glb, force: force, protecting: guarded)
      glbPath = glb
    } else {
      glbPath = nil
    }
    port = try SerialPort(path: path, baud: baud)
    if let recordPath {
      recordFD = try Self.openRecord(recordPath, force: force)
    }
    self.protecting = guarded
    takeUnits()  // `--units` is known from the start
  }

  private var protecting: ProtectedPaths = .none

  /// Refuses, before anything is opened, a record that would replace its
  /// own .glb, an input, a device or FIFO, or (without `force`) an
  /// existing file.
  static func checkRecordPaths(raw: String, glb: String, force: Bool, protecting: ProtectedPaths) throws {
    if absolute(raw) == absolute(glb) {
      throw StreamError(.invalidArgument, "the raw record and its decoded .glb would be the same file; name the record .raw (the .glb is written beside it)", path: raw)
    }
    try protecting.check(output: raw, what: "the --record file")
    try protecting.check(output: glb, what: "the decoded .glb of --record")
    if !force {
      for p in [raw, glb] where FileManager.default.fileExists(atPath: p) {
        throw StreamError(.invalidArgument, "already exists; gaitline does not replace a recording: choose another --record name, or add --force to replace it", path: p)
      }
    }
  }

  private static func absolute(_ p: String) -> String {
    let full = p.hasPrefix("/") ? p : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(p)
    return (full as NSString).standardizingPath
  }

  /// Opens the raw record: O_EXCL (or, with `force`, the existing file),
  /// locked so a second stream cannot write into a live record, and only
  /// then emptied.
  static func openRecord(_ recordPath: String, force: Bool) throws -> Int32 {
    var fd = open(recordPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
    if fd < 0, errno == EEXIST, force {
      fd = open(recordPath, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
    }
    guard fd >= 0 else {
      if errno == EEXIST {
        throw StreamError(.invalidArgument, "already exists; gaitline does not replace a recording: choose another --record name, or add --force to replace it", path: recordPath)
      }
      throw StreamError(.writeFailed, "cannot create the raw record: \(String(cString: strerror(errno)))", path: recordPath)
    }
    var st = stat()
    guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
      close(fd)
      throw StreamError(.invalidArgument, "the --record file is not a regular file; give a file name", path: recordPath)
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      close(fd)
      throw StreamError(.invalidArgument, "another gaitline stream is recording into this file; choose another --record name", path: recordPath)
    }
    if ftruncate(fd, 0) != 0 {
      let e = StreamError(.writeFailed, "cannot empty the record: \(String(cString: strerror(errno)))", path: recordPath)
      close(fd)
      throw e
    }
    return fd
  }

  deinit { if recordFD >= 0 { close(recordFD) } }

  /// The next decoded block, waiting for the device as long as needed; `nil` once the stream
  /// ended (interrupt, hang-up without `reconnect`, `--duration`, end of stream).
  public func nextBlock() throws -> SampleBlock? {
    while queueNext >= queue.count {
      queue.removeAll(keepingCapacity: true)
      queueNext = 0
      if end != nil { return nil }
      try pump()
    }
    let b = queue[queueNext]
    queueNext += 1
    report.account(b, rateHz: info.sampleRateHz, nextIndex: &nextIndex)
    report.sampleRateHz = info.sampleRateHz
    if glbPath != nil, !glbClosed {
      // A failed .glb write (disk full) costs the .glb, not the stream: the
      // raw record and the analysis go on, and the report says so.
      do { try keepForGLB(b) } catch { glbFailed(error) }
    }
    return b
  }

  /// Collects decoded samples into whole `.glb` blocks (a block per few
  /// samples would be mostly padding); a gap or the end writes the rest.
  private var glbPending = SampleBlock(startIndex: 0)
  /// Set when the stream ended and the .glb was completed.
  private var glbClosed = false

  private func keepForGLB(_ b: SampleBlock) throws {
    if glb == nil, let glbPath { glb = try GLBWriter(path: glbPath, info: info, protecting: protecting) }
    if glbPending.count > 0 && glbPending.endIndex != b.startIndex { try flushGLB() }
    if glbPending.count == 0 { glbPending.startIndex = b.startIndex }
    glbPending.ax += b.ax; glbPending.ay += b.ay; glbPending.az += b.az
    glbPending.gx += b.gx; glbPending.gy += b.gy; glbPending.gz += b.gz
    let whole = glbPending.count / GLB.defaultSamplesPerBlock * GLB.defaultSamplesPerBlock
    if whole > 0 {
      let parts = glbPending.split(every: whole)
      try glb?.write(parts[0])
      glbPending = parts.count > 1 ? parts[1] : SampleBlock(startIndex: glbPending.startIndex + whole)
    }
  }

  private func glbFailed(_ error: any Error) {
    let why = (error as? IngestError)?.message ?? (error as? StreamError)?.message ?? "\(error)"
    recordErrors.append("the decoded-sample record \(glbPath ?? "") could not be written (\(why)); it was not kept (the raw record replays to the same samples)")
    onEvent?(recordErrors.last!)
    glb?.abort()
    glb = nil
    glbPath = nil
  }

  /// True when the raw record or the .glb could not be written completely.
  public var recordIncomplete: Bool { recordError != nil || !recordErrors.isEmpty }

  private func flushGLB() throws {
    if glbPending.count > 0 { try glb?.write(glbPending) }
    glbPending = SampleBlock(startIndex: glbPending.endIndex)
  }

  /// One read (or timeout), decoded into `queue`.
  private func pump() throws {
    if StreamControl.stopRequested.load(ordering: .relaxed) { return finish(.interrupted) }
    if let deadline, ContinuousClock.now >= deadline { return finish(.duration) }
    guard let port else { return try waitForDevice() }
    let outcome = buffer.withUnsafeMutableBytes { port.read(into: $0, timeoutMs: 200) }
    switch outcome {
    case .timeout:
      syncRecord(force: false)
    case .data(let n):
      bytesReceived += n
      lastDataTime = .now
      buffer.withUnsafeBytes { raw in record(UnsafeRawBufferPointer(rebasing: raw[0..<n])) }
      var out: [SampleBlock] = []
      try buffer.withUnsafeBytes { raw in try decoder.decode(UnsafeRawBufferPointer(rebasing: raw[0..<n]), emit: &out) }
      enqueue(out)
      syncRecord(force: false)
    case .hangUp:
      syncRecord(force: true)
      try flushDecoder()
      port.close()
      self.port = nil
      onEvent?("device \(path) hung up (unplugged or closed) after \(bytesReceived) bytes")
      if !reconnect { return finish(.hangUp) }
      onEvent?("waiting for \(path) to come back (Ctrl-C to finish)")
    }
  }

  private func waitForDevice() throws {
    while !StreamControl.stopRequested.load(ordering: .relaxed) {
      if let deadline, ContinuousClock.now >= deadline { return finish(.duration) }
      if let p = try? SerialPort(path: path, baud: baud) {
        port = p
        reconnects += 1
        // The time the device was away is a gap: indices jump by it.
        let awayS = Double((ContinuousClock.now - lastDataTime).components.seconds)
          + Double((ContinuousClock.now - lastDataTime).components.attoseconds) * 1e-18
        decoder = try makeDecoder()
        decoderFlushed = false
        unitsTaken = false
        indexOffset = nextIndex + Int((awayS * info.sampleRateHz).rounded())
        onEvent?("device \(path) is back; resuming (gap of \(String(format: "%.1f", awayS)) s)")
        return
      }
      usleep(500_000)
    }
    finish(.interrupted)
  }

  /// Whether the current decoder's unit is in `report` (a text decoder
  /// judges it from the first lines; other protocols fix it).
  private var unitsTaken = false

  /// Copies a text decoder's unit, how it was decided and its warning into
  /// the report, as `analyze` does for a replayed record, once it is known;
  /// the warning of a guess is also shown as it happens.
  private func takeUnits() {
    guard !unitsTaken else { return }
    guard let text = decoder as? TextLineDecoder else { unitsTaken = true; return }
    guard text.unitsDetected != nil else { return }
    unitsTaken = true
    if let warning = report.recordUnits(of: text) { onEvent?("warning: \(warning)") }
  }

  /// Places decoded blocks after the samples of earlier connections.
  private func enqueue(_ blocks: [SampleBlock]) {
    info = decoder.info
    takeUnits()
    for var b in blocks {
      b.startIndex += indexOffset
      queue.append(b)
    }
  }

  /// End of this connection's byte stream: the decoder emits what it held
  /// back (a short text stream waits for lines to judge its unit).
  private func flushDecoder() throws {
    guard !decoderFlushed else { return }
    decoderFlushed = true
    var out: [SampleBlock] = []
    try decoder.decodeLast(emit: &out)
    enqueue(out)
  }

  private func finish(_ reason: StreamEnd) {
    if end == nil {
      end = reason
      // The decoder's last samples are queued before the .glb closes: what
      // is queued and not yet handed out goes into it here, and `nextBlock`
      // hands those out without writing them again.
      do { try flushDecoder() } catch { report.warnings.append("the stream's last bytes could not be decoded: \(error)") }
      if glbPath != nil {
        do { for b in queue[queueNext...] { try keepForGLB(b) } } catch { glbFailed(error) }
      }
      glbClosed = true
      syncRecord(force: true)
      if glbPath != nil {
        do { try flushGLB(); try glb?.close() } catch { glbFailed(error) }
      }
      let c = decoder.counters
      report.warnings.append("stream ended (\(reason.rawValue)) after \(bytesReceived) bytes: \(c.frames) frames, \(c.discardedBytes) bytes discarded, \(c.badFrames) bad frames, \(c.skippedLines) skipped lines, \(c.interpolatedSamples) samples bridged, \(reconnects) reconnects")
      if let recordError { report.warnings.append(recordError) }
      report.warnings += recordErrors
    }
  }

  /// Appends raw bytes to the record, straight to the kernel (no user-space
  /// buffer), so a crash loses nothing and a power cut at most the last
  /// half second (see ``syncRecord(force:)``).
  private func record(_ bytes: UnsafeRawBufferPointer) {
    guard recordFD >= 0 else { return }
    var off = 0
    while off < bytes.count {
      let n = write(recordFD, bytes.baseAddress! + off, bytes.count - off)
      if n < 0 {
        if errno == EINTR { continue }
        recordError = "the raw record could not be written (\(String(cString: strerror(errno)))): bytes after \(bytesReceived - bytes.count + off) are missing from it"
        onEvent?(recordError!)
        close(recordFD)
        recordFD = -1
        return
      }
      off += n
    }
  }

  private func syncRecord(force: Bool) {
    guard recordFD >= 0 else { return }
    if force || ContinuousClock.now - lastSync > .milliseconds(500) {
      if glbPath != nil { do { try glb?.flush() } catch { glbFailed(error) } }
      fsync(recordFD)
      lastSync = .now
    }
  }
}
