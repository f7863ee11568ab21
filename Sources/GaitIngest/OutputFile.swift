//===--- OutputFile.swift -------------------------------------------------===//
// The one way gaitline writes a file: never over an input of the same run,
// never over something that is not a regular file, and atomically (a temp
// file in the same folder, fsync, rename, fsync of the folder).
// Files are opened, written, closed and inspected with swift-system's
// `FileDescriptor`, `FilePath.stat()` and `Errno`; fsync, fchmod, rename,
// unlink, flock and realpath, which it does not have, stay POSIX calls.
//===----------------------------------------------------------------------===//
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import Synchronization
import SystemPackage

/// The files a run reads, by device and inode (and by resolved path), so no
/// output of the run can replace one of them, whatever path names it (a
/// relative path, a symlink, a hard link).
public struct ProtectedPaths: Sendable {
  struct FileID: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64

    /// The file `path` names (following symlinks), or `nil` when there is none.
    init?(_ path: String) {
      guard let st = try? FilePath(path).stat() else { return nil }
      device = UInt64(st.deviceID.rawValue)
      inode = UInt64(st.inode.rawValue)
    }
  }

  private var ids: [FileID: String] = [:]
  private var resolved: [String: String] = [:]

  /// Nothing protected: only the non-regular-file check applies.
  public static let none = ProtectedPaths()

  /// Nothing protected (the same as ``none``).
  public init() {}

  /// The inputs of a run (files; a directory protects itself, not its files).
  public init(inputs: [String]) {
    for p in inputs { add(p) }
  }

  /// Protects one more input path. A path that does not exist is ignored.
  public mutating func add(_ path: String) {
    guard path != "-" else { return }
    if let id = FileID(path) { ids[id] = path }
    if let r = realPath(path) { resolved[r] = path }
  }

  /// Whether `path` names one of the inputs.
  public func isInput(_ path: String) -> Bool { input(named: path) != nil }

  private func input(named path: String) -> String? {
    if let id = FileID(path), let p = ids[id] { return p }
    if let r = realPath(path), let p = resolved[r] { return p }
    return nil
  }

  /// Throws `invalidArgument` (exit status 64) when `path` must not be
  /// written: it is an input of this run, it exists and is a directory,
  /// device, FIFO or socket, or it lies under /dev, /proc or /sys or is a
  /// symlink that leads there (``systemEntry(_:)``). `what` names the
  /// output in the message (e.g. "the --json report").
  public func check(output path: String, what: String = "the output") throws {
    if let input = input(named: path) {
      let same = input == path ? "" : " (\(input))"
      throw IngestError(
        .invalidArgument,
        "\(what) would overwrite an input of this run\(same); gaitline never writes over an input: choose another output path",
        path: path)
    }
    try checkKind(output: path, what: what)
    // Checked after the kind, so a device or a folder there keeps its own
    // message; this catches what does not exist yet and links to open files.
    if let (entry, linked) = systemEntry(path) {
      throw IngestError(
        .invalidArgument,
        "\(what) \(linked ? "is a symlink that leads to" : "would replace") \(entry), an entry of the system's devices, processes or kernel (/dev, /proc, /sys); "
          + "gaitline writes only regular files outside them: give a file name elsewhere (or '-' for standard output where the option allows it)",
        path: path)
    }
  }

  /// Refuses an existing directory, device, FIFO or socket at `path` (or a
  /// symlink to one).
  private func checkKind(output path: String, what: String) throws {
    guard var type = try? FilePath(path).stat(followTargetSymlink: false).type else { return }
    if type == .symbolicLink {
      // A symlink is replaced by the rename; what it points to is not
      // touched. Still refuse one that points at a special file.
      guard let target = try? FilePath(path).stat().type else { return }
      type = target
    }
    let kind: String?
    switch type {
    case .regular: kind = nil
    case .directory: kind = "a directory"
    case .characterSpecial, .blockSpecial: kind = "a device"
    case .fifo: kind = "a FIFO (named pipe)"
    case .socket: kind = "a socket"
    default: kind = "not a regular file"
    }
    if let kind {
      let hint = type == .directory
        ? "give a file name inside it"
        : "gaitline only replaces regular files: give a file name (or '-' for standard output where the option allows it, or leave the option out)"
      throw IngestError(.invalidArgument, "\(what) is \(kind); \(hint)", path: path)
    }
  }
}

/// The folder entry under /dev, /proc or /sys (a tmpfs under /dev/shm
/// excepted) that writing `path` would replace (`linked` false) or that a
/// symlink at `path` leads to (`linked` true), or `nil`. Their entries are devices, processes' open files and
/// kernel settings, and some are links to open files (`/dev/stdout` is
/// `/proc/self/fd/1`, which stat reports as the regular file standard
/// output goes to): a report renamed over `/dev/stdout` replaced it for
/// every process on the machine. A chain of symlinks is followed link by
/// link (at most 40, the kernel's limit), each link's target checked.
func systemEntry(_ path: String) -> (entry: String, linked: Bool)? {
  func system(_ entry: String) -> Bool {
    for root in ["/dev", "/proc", "/sys"] where entry == root || entry.hasPrefix(root + "/") {
      return !(root == "/dev" && entry.hasPrefix("/dev/shm/"))
    }
    return false
  }
  var current = path
  for hop in 0..<40 {
    guard let entry = folderEntry(current) else { return nil }
    if system(entry) { return (entry, hop > 0) }
    guard (try? FilePath(current).stat(followTargetSymlink: false).type) == .symbolicLink,
          let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current)
    else { return nil }
    current = target.hasPrefix("/") ? target : ((entry as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
  }
  return nil
}

/// The canonical absolute path of an existing file, or of the folder of a
/// file that does not exist yet joined with its name.
func realPath(_ path: String) -> String? {
  if let r = realpath(path, nil) {
    defer { free(r) }
    return String(cString: r)
  }
  return folderEntry(path)
}

/// The folder entry `path` names: its folder's canonical path (symlinks
/// resolved) joined with its last component, a final symlink not followed
/// (the entry an atomic rename to `path` replaces); `nil` when the folder
/// does not resolve or there is no last component.
public func folderEntry(_ path: String) -> String? {
  let dir = (path as NSString).deletingLastPathComponent
  let name = (path as NSString).lastPathComponent
  guard !name.isEmpty, let r = realpath(dir.isEmpty ? "." : dir, nil) else { return nil }
  defer { free(r) }
  return (String(cString: r) as NSString).appendingPathComponent(name)
}

/// A file written atomically: bytes go to a temporary file in the target's
/// folder (a short name, `.gl-<16 hex>.tmp`, whatever the target's length),
/// and `commit()` flushes it to disk, renames it over the target and flushes
/// the folder. Readers see the old file or the whole new one; a failure or a
/// writer dropped without `commit()` removes the temporary file, and the old
/// file stays as it was. A process killed midway leaves at most a hidden
/// `.gl-*.tmp` file; after ``removeTemporaryFilesOnTermination()`` (as the
/// `gaitline` commands that write files call it) Ctrl-C, SIGTERM or SIGHUP
/// remove the temporary files still open before the process ends.
public final class AtomicOutputFile {
  /// The file written on `commit()`.
  public let path: String
  /// The temporary file (in the same folder).
  public let temporaryPath: String
  private let protected: ProtectedPaths
  private let what: String
  private var fd: FileDescriptor?
  private var buffer: UnsafeMutableRawBufferPointer
  private var buffered = 0
  private var finished = false
  /// Bytes written so far.
  public private(set) var bytesWritten = 0
  /// Bytes after which what has been written is flushed to disk in the
  /// background (an fdatasync on a helper thread while the writer goes on),
  /// so that `commit()`'s fsync waits only for the rest: a large report's
  /// disk writes overlap its encoding instead of all following it.
  public static let backgroundSyncBytes = 8 << 20
  private var syncRequestedAt = 0
  /// This writer's slot in ``LiveTemporaryFiles`` (`nil`: not registered).
  private var liveSlot: Int?
  private var syncing: DispatchGroup?
  private let syncState = BackgroundSyncState()

  /// Checks `path` against `protecting` (an input of the run, or not a
  /// regular file: `invalidArgument`, exit status 64) and creates the
  /// temporary file (`writeFailed`, exit 74, when it cannot).
  public init(path: String, protecting: ProtectedPaths = .none, what: String = "the output", bufferSize: Int = 1 << 16) throws {
    try protecting.check(output: path, what: what)
    self.path = path
    self.protected = protecting
    self.what = what
    let dir = (path as NSString).deletingLastPathComponent
    if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
    var created: FileDescriptor?
    var why = Errno.fileExists
    var tmp = ""
    var slot: Int?
    for _ in 0..<8 {
      let name = ".gl-" + String(UInt64.random(in: 0...UInt64.max), radix: 16) + ".tmp"
      tmp = dir.isEmpty ? name : (dir as NSString).appendingPathComponent(name)
      // Registered before it exists, so a signal that arrives right after
      // the file is created still finds it (registered after, a SIGTERM in
      // between left it behind; another thread may take the signal, so
      // blocking it here would not close that window). Before the file
      // exists the handler's unlink finds nothing; a name taken by another
      // file (64 random bits, exclusive create) is forgotten at once.
      slot = LiveTemporaryFiles.add(tmp)
      do {
        created = try FileDescriptor.open(
          FilePath(tmp), .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec], permissions: FilePermissions(rawValue: 0o644))
        break
      } catch {
        if let s = slot { LiveTemporaryFiles.remove(s); slot = nil }
        why = error as? Errno ?? .ioError
        if why != .fileExists { break }
      }
    }
    guard let fd = created else {
      throw IngestError(.writeFailed, "cannot create a temporary file in the output folder: \(why); check the folder exists, is writable and has space", path: path)
    }
    // A replaced file keeps its permissions (a private 0600 report stays private).
    if let st = try? FilePath(path).stat(), st.type == .regular { _ = fchmod(fd.rawValue, st.permissions.rawValue) }
    self.fd = fd
    self.temporaryPath = tmp
    buffer = .allocate(byteCount: max(bufferSize, 1), alignment: 16)
    liveSlot = slot
  }

  deinit {
    if !finished { discard() }
    buffer.deallocate()
  }

  private func failure(_ what: String, _ err: Errno) -> IngestError {
    let why = err == .noSpace ? "no space left on device" : err.description
    return IngestError(.writeFailed, "\(what): \(why); the existing file (if any) is unchanged", path: path)
  }

  /// Appends bytes (buffered). A failed write (a full disk) throws
  /// `writeFailed`; the writer is then discarded.
  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    guard !finished else { throw IngestError(.writeFailed, "write after commit or abort", path: path) }
    guard bytes.count > 0 else { return }
    // A writer's own full buffer (a report's 64 KiB pieces) goes straight
    // to the file when nothing is waiting here, without a copy.
    if buffered == 0, bytes.count >= buffer.count / 2 { return try writeAll(bytes) }
    if buffered + bytes.count > buffer.count {
      try flushBuffer()
      if bytes.count >= buffer.count { return try writeAll(bytes) }
    }
    UnsafeMutableRawBufferPointer(rebasing: buffer[buffered..<(buffered + bytes.count)]).copyMemory(from: bytes)
    buffered += bytes.count
  }

  /// Appends the UTF-8 of `text` (without copying a native string).
  public func write(_ text: String) throws {
    var text = text
    try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
  }

  /// Appends bytes.
  public func write(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try write($0) }
  }

  private func flushBuffer() throws {
    guard buffered > 0 else { return }
    let n = buffered
    buffered = 0
    try writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
  }

  private func writeAll(_ raw: UnsafeRawBufferPointer) throws {
    var offset = 0
    while offset < raw.count, let fd {
      do {
        let n = try fd.write(UnsafeRawBufferPointer(rebasing: raw[offset...]))  // retries on EINTR
        offset += n
        bytesWritten += n
      } catch {
        let e = failure("cannot write", error as? Errno ?? .ioError)
        discard()
        throw e
      }
    }
    startBackgroundSync()
  }

  /// Starts an fdatasync of what is written so far on a helper thread, one
  /// at a time, every ``backgroundSyncBytes``. Its error is kept for
  /// `commit()`: the kernel reports a write-back error to one sync call
  /// only, so it must not be lost here.
  private func startBackgroundSync() {
    guard let fd, bytesWritten - syncRequestedAt >= Self.backgroundSyncBytes else { return }
    if let syncing, syncing.wait(timeout: .now()) == .timedOut { return }
    syncRequestedAt = bytesWritten
    let group = DispatchGroup()
    let raw = fd.rawValue, state = syncState
    DispatchQueue.global(qos: .utility).async(group: group) {
      if fdatasync(raw) != 0 { state.failed(errno) }
    }
    syncing = group
  }

  /// Waits for a background sync; its error, if it had one.
  private func finishBackgroundSync() -> Errno? {
    syncing?.wait()
    syncing = nil
    return syncState.error
  }

  /// Flushes the data to disk, renames the temporary file over `path` and
  /// flushes the folder. After a failure the temporary file is removed and
  /// the target is unchanged.
  public func commit() throws {
    guard !finished else { throw IngestError(.writeFailed, "commit after commit or abort", path: path) }
    try flushBuffer()
    guard let fd else { throw IngestError(.writeFailed, "commit after commit or abort", path: path) }
    if let err = finishBackgroundSync() {
      let e = failure("cannot flush to disk", err)
      discard()
      throw e
    }
    if fsync(fd.rawValue) != 0 {
      let e = failure("cannot flush to disk", Errno(rawValue: errno))
      discard()
      throw e
    }
    self.fd = nil
    do { try fd.close() } catch {
      let e = failure("cannot close", error as? Errno ?? .ioError)
      discard()
      throw e
    }
    // The target may have changed since init (a FIFO made meanwhile).
    do { try protected.check(output: path, what: what) } catch {
      discard()
      throw error
    }
    if rename(temporaryPath, path) != 0 {
      let e = failure("cannot rename the temporary file into place", Errno(rawValue: errno))
      discard()
      throw e
    }
    finished = true
    if let liveSlot { LiveTemporaryFiles.remove(liveSlot); self.liveSlot = nil }
    let dir = (path as NSString).deletingLastPathComponent
    if let folder = try? FileDescriptor.open(FilePath(dir.isEmpty ? "." : dir), .readOnly, options: [.directory, .closeOnExec]) {
      _ = fsync(folder.rawValue)
      try? folder.close()
    }
  }

  /// Drops what was written: the temporary file is removed, the target is
  /// unchanged. Safe to call more than once.
  public func abort() { if !finished { discard() } }

  private func discard() {
    _ = finishBackgroundSync()  // the helper thread is done with the descriptor
    try? fd?.close()
    fd = nil
    if !finished { unlink(temporaryPath) }
    if let liveSlot { LiveTemporaryFiles.remove(liveSlot); self.liveSlot = nil }
    finished = true
    buffered = 0
  }

  /// Installs handlers for SIGINT, SIGTERM and SIGHUP that remove the
  /// temporary files of the writers still open, then end the process as the
  /// signal would have (its default action, so the exit status still says
  /// which signal). For command-line programs: a library user who handles
  /// these signals should not call it. The targets are untouched either way.
  public static func removeTemporaryFilesOnTermination() {
    // A process started from a thread that blocks these signals (a test
    // runner, some supervisors) inherits the mask: unblock them, or `kill`
    // would only take effect once the process is done.
    var set = sigset_t()
    sigemptyset(&set)
    for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
    for sig in [SIGINT, SIGTERM, SIGHUP] {
      signal(sig) { received in
        LiveTemporaryFiles.unlinkAll()
        signal(received, SIG_DFL)
        raise(received)
      }
    }
  }
}

/// The temporary files of the ``AtomicOutputFile`` writers alive in this
/// process, where a signal handler can reach them without a lock or an
/// allocation (only atomic loads and `unlink`, which are async-signal-safe):
/// 64 slots of up to 4 KiB of path each, a mask of the slots taken and a
/// mask of those whose path is complete. A writer beyond the 64th, or with a
/// longer path, is not registered and keeps the documented behaviour (a
/// hidden `.gl-*.tmp` left by a killed process).
enum LiveTemporaryFiles {
  static let slotCount = 64
  static let slotBytes = 4096
  nonisolated(unsafe) static let paths = UnsafeMutablePointer<CChar>.allocate(capacity: slotCount * slotBytes)
  static let taken = Atomic<UInt64>(0)
  static let live = Atomic<UInt64>(0)

  /// Registers `path`; its slot, or `nil` when none is free or the path is too long.
  static func add(_ path: String) -> Int? {
    let bytes = path.utf8CString
    guard bytes.count <= slotBytes else { return nil }
    while true {
      let current = taken.load(ordering: .acquiring)
      guard current != .max else { return nil }
      let slot = (~current).trailingZeroBitCount
      let bit = UInt64(1) << UInt64(slot)
      guard taken.compareExchange(expected: current, desired: current | bit, ordering: .acquiringAndReleasing).exchanged else { continue }
      bytes.withUnsafeBufferPointer { (paths + slot * slotBytes).update(from: $0.baseAddress!, count: $0.count) }
      _ = live.bitwiseOr(bit, ordering: .releasing)
      return slot
    }
  }

  /// Forgets the path of `slot` (renamed into place or removed).
  static func remove(_ slot: Int) {
    let bit = UInt64(1) << UInt64(slot)
    _ = live.bitwiseAnd(~bit, ordering: .releasing)
    _ = taken.bitwiseAnd(~bit, ordering: .releasing)
  }

  /// Removes every registered temporary file (from a signal handler).
  static func unlinkAll() {
    let mask = live.load(ordering: .acquiring)
    var slot = 0
    while slot < slotCount {
      if mask & (UInt64(1) << UInt64(slot)) != 0 { unlink(paths + slot * slotBytes) }
      slot += 1
    }
  }
}

/// The outcome of an ``AtomicOutputFile``'s background syncs: the first
/// error, set by the helper thread, read after waiting for it.
private final class BackgroundSyncState: Sendable {
  private let code = Atomic<Int32>(0)
  func failed(_ err: Int32) { _ = code.compareExchange(expected: 0, desired: err == 0 ? EIO : err, ordering: .relaxed) }
  var error: Errno? {
    let c = code.load(ordering: .relaxed)
    return c == 0 ? nil : Errno(rawValue: c)
  }
}

/// Writes `bytes` to `path` atomically (see ``AtomicOutputFile``), refusing
/// an input of the run or a path that is not a regular file.
public func atomicWrite(bytes: UnsafeRawBufferPointer, to path: String, protecting: ProtectedPaths = .none, what: String = "the output") throws {
  let f = try AtomicOutputFile(path: path, protecting: protecting, what: what, bufferSize: min(max(bytes.count, 1), 1 << 16))
  try f.write(bytes)
  try f.commit()
}

/// ``atomicWrite(bytes:to:protecting:what:)`` of `data`.
public func atomicWrite(_ data: Data, to path: String, protecting: ProtectedPaths = .none, what: String = "the output") throws {
  try data.withUnsafeBytes { try atomicWrite(bytes: $0, to: path, protecting: protecting, what: what) }
}

/// ``atomicWrite(bytes:to:protecting:what:)`` of a string's UTF-8, without
/// copying it (a day-long report is ~100 MB).
public func atomicWrite(_ text: String, to path: String, protecting: ProtectedPaths = .none, what: String = "the output") throws {
  var text = text
  try text.withUTF8 { try atomicWrite(bytes: UnsafeRawBufferPointer($0), to: path, protecting: protecting, what: what) }
}

/// `name` cut to at most `maxBytes` of UTF-8 on a character boundary, so a
/// file name built from an input's name (plus a suffix) stays under
/// NAME_MAX (255 bytes).
public func shortenedName(_ name: String, maxBytes: Int) -> String {
  guard name.utf8.count > maxBytes else { return name }
  var out = ""
  var bytes = 0
  for c in name {
    let n = String(c).utf8.count
    if bytes + n > maxBytes { break }
    out.append(c)
    bytes += n
  }
  return out
}

/// One writer per output folder: an exclusive `flock` on `FOLDER/.gaitline.lock`,
/// held until `release()` or the end of the process. A second writer fails
/// at once with a message naming the folder (exit status 74).
public final class OutputFolderLock {
  /// The lock file, `FOLDER/.gaitline.lock`.
  public let path: String
  private var fd: FileDescriptor?

  /// Takes the lock of `folder`; throws ``IngestError`` (`writeFailed`) when another writer
  /// holds it or the file cannot be made.
  public init(folder: String) throws {
    path = (folder as NSString).appendingPathComponent(".gaitline.lock")
    let fd: FileDescriptor
    do {
      fd = try FileDescriptor.open(
        FilePath(path), .readWrite, options: [.create, .closeOnExec, .noFollow], permissions: FilePermissions(rawValue: 0o644))
    } catch {
      throw IngestError(.writeFailed, "cannot create the lock file \(path): \(error as? Errno ?? .ioError)", path: folder)
    }
    guard (try? fd.stat().type) == .regular else {
      try? fd.close()
      throw IngestError(.writeFailed, "the lock file \(path) is not a regular file; remove it", path: folder)
    }
    if flock(fd.rawValue, LOCK_EX | LOCK_NB) != 0 {  // swift-system has no flock
      try? fd.close()
      throw IngestError(
        .writeFailed,
        "another gaitline is writing into this folder (it holds \(path)); wait for it to finish or choose another --out-dir",
        path: folder)
    }
    self.fd = fd
    _ = try? fd.resize(to: 0)
    _ = try? fd.writeAll("\(getpid())\n".utf8)
  }

  /// Lets the next writer in.
  public func release() {
    try? fd?.close()
    fd = nil
  }

  deinit { release() }
}
