//===--- SerialPort.swift -------------------------------------------------===//
// A Linux serial port in raw mode (termios), read with poll and a timeout.
// Opening, reading, writing and closing go through swift-system's
// `FileDescriptor` and `Errno`; termios, flock, poll, openpty and inotify,
// which it does not have, stay raw.
//===----------------------------------------------------------------------===//
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GaitCore
import GaitIngest
import SystemPackage

/// Why a read returned no data.
public enum ReadOutcome: Equatable {
  /// `n` bytes were read into the buffer.
  case data(Int)
  /// Nothing arrived within the timeout.
  case timeout
  /// The device went away (unplugged, the other end of a pty closed):
  /// POLLHUP/POLLERR, `read` returning 0, or EIO/ENXIO/ENODEV
  /// (drivers/tty/tty_io.c `hung_up_tty_read`).
  case hangUp
}

/// An open serial device: 8N1, raw, no flow control, exclusive (flock).
///
/// Opening checks that the path is a tty and that no other process holds
/// it, and names the problem when not: missing device, permission (the
/// `dialout` group), busy, not a serial device.
public final class SerialPort {
  /// The device path.
  public let path: String
  /// The baud rate set.
  public let baud: Int
  /// The open file descriptor; -1 after ``close()``.
  public private(set) var fd: Int32

  /// Baud rates and their termios constants (asm-generic/termbits.h).
  static let speeds: [Int: speed_t] = [
    1200: speed_t(B1200), 2400: speed_t(B2400), 4800: speed_t(B4800), 9600: speed_t(B9600),
    19200: speed_t(B19200), 38400: speed_t(B38400), 57600: speed_t(B57600), 115_200: speed_t(B115200),
    230_400: speed_t(B230400), 460_800: speed_t(B460800), 500_000: speed_t(B500000),
    576_000: speed_t(B576000), 921_600: speed_t(B921600),
  ]

  /// Opens `path` at `baud` (8N1, raw, exclusive); throws ``StreamError`` naming the problem
  /// (missing device, permission, busy, not a tty, an unsupported baud rate).
  public init(path: String, baud: Int) throws {
    self.path = path
    self.baud = baud
    guard let speed = Self.speeds[baud] else {
      throw StreamError(.invalidArgument,
        "unsupported baud rate \(baud); use one of \(Self.speeds.keys.sorted().map(String.init).joined(separator: ", "))", path: path)
    }
    do {
      // O_NOCTTY is a tty flag swift-system does not name: passed raw.
      let options: FileDescriptor.OpenOptions = [.nonBlocking, .closeOnExec, FileDescriptor.OpenOptions(rawValue: O_NOCTTY)]
      fd = try FileDescriptor.open(FilePath(path), .readWrite, options: options).rawValue
    } catch {
      switch error as? Errno ?? .ioError {
      case .noSuchFileOrDirectory:
        throw StreamError(.fileNotFound, "no such device; is the sensor plugged in? (ls /dev/ttyUSB* /dev/ttyACM* /dev/serial/by-id/)", path: path)
      case .permissionDenied:
        throw StreamError(.unreadable, "permission denied; add yourself to the dialout group (sudo usermod -aG dialout $USER) and log in again", path: path)
      case .resourceBusy:
        throw StreamError(.unreadable, "the port is busy; close the other program using it", path: path)
      case let e:
        throw StreamError(.unreadable, "cannot open: \(e)", path: path)
      }
    }
    guard isatty(fd) == 1 else {
      try? FileDescriptor(rawValue: fd).close()
      throw StreamError(.invalidArgument, "not a serial device (not a tty); give the sensor's port, e.g. /dev/ttyUSB0", path: path)
    }
    // Exclusive use, as pyserial's exclusive=True does: a second reader would
    // steal bytes from the first.
    if flock(fd, LOCK_EX | LOCK_NB) != 0 {
      try? FileDescriptor(rawValue: fd).close()
      throw StreamError(.unreadable, "the port is busy: another process has it open exclusively (another gaitline stream?)", path: path)
    }
    var t = termios()
    guard tcgetattr(fd, &t) == 0 else {
      let e = errno
      try? FileDescriptor(rawValue: fd).close()
      throw StreamError(.unreadable, "cannot read the port settings: \(String(cString: strerror(e)))", path: path)
    }
    cfmakeraw(&t)
    t.c_cflag |= tcflag_t(CLOCAL | CREAD)
    t.c_cflag &= ~(tcflag_t(CSTOPB) | tcflag_t(CRTSCTS) | tcflag_t(PARENB))
    t.c_iflag &= ~(tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(IXANY))
    withUnsafeMutableBytes(of: &t.c_cc) { cc in
      cc[Int(VMIN)] = 1
      cc[Int(VTIME)] = 0
    }
    cfsetispeed(&t, speed)
    cfsetospeed(&t, speed)
    guard tcsetattr(fd, TCSANOW, &t) == 0 else {
      let e = errno
      try? FileDescriptor(rawValue: fd).close()
      throw StreamError(.unreadable, "cannot configure the port (raw 8N1 at \(baud)): \(String(cString: strerror(e)))", path: path)
    }
    tcflush(fd, TCIFLUSH)
  }

  deinit { if fd >= 0 { try? FileDescriptor(rawValue: fd).close() } }

  /// Reads what is available into `buffer`, waiting at most `timeoutMs`.
  public func read(into buffer: UnsafeMutableRawBufferPointer, timeoutMs: Int32) -> ReadOutcome {
    var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    let r = poll(&p, 1, timeoutMs)
    if r == 0 { return .timeout }
    if r < 0 { return errno == EINTR ? .timeout : .hangUp }
    if p.revents & Int16(POLLIN) != 0 {
      do {
        let n = try FileDescriptor(rawValue: fd).read(into: buffer, retryOnInterrupt: false)
        return n > 0 ? .data(n) : .hangUp
      } catch Errno.wouldBlock, Errno.interrupted {
        return .timeout
      } catch {
        return .hangUp
      }
    }
    if p.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return .hangUp }
    return .timeout
  }

  /// Closes the device (also done on deinit).
  public func close() {
    if fd >= 0 { try? FileDescriptor(rawValue: fd).close() }
    fd = -1
  }
}

/// A pseudo-terminal pair: the emulator writes to `master`; readers open
/// `slavePath` like a real serial device.
public final class PseudoTerminal {
  /// The emulator's end: bytes written here are read from ``slavePath``.
  public let master: Int32
  /// The reader's end of the pair, set to raw mode; closed with the pair.
  public let slave: Int32
  /// The device path readers open (`/dev/pts/N`).
  public let slavePath: String

  /// Opens a new pseudo-terminal pair in raw mode.
  public init() throws {
    var m: Int32 = -1, s: Int32 = -1
    var name = [CChar](repeating: 0, count: 256)
    guard openpty(&m, &s, &name, nil, nil) == 0 else {
      throw StreamError(.unreadable, "cannot create a pseudo-terminal: \(String(cString: strerror(errno)))")
    }
    master = m
    slave = s
    slavePath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    // Raw on the slave side so every byte passes unchanged (no echo, no CR/LF mapping).
    var t = termios()
    tcgetattr(s, &t)
    cfmakeraw(&t)
    tcsetattr(s, TCSANOW, &t)
  }

  private var openWatch: Int32 = -1

  /// Starts watching for a reader opening ``slavePath`` (inotify `IN_OPEN`).
  /// Call it before the path is published, then ``waitForReader(timeout:)``;
  /// false when the kernel cannot watch the device.
  public func watchForReader() -> Bool {
    let fd = inotify_init1(Int32(IN_CLOEXEC))
    guard fd >= 0 else { return false }
    guard inotify_add_watch(fd, slavePath, UInt32(IN_OPEN)) >= 0 else { try? FileDescriptor(rawValue: fd).close(); return false }
    openWatch = fd
    return true
  }

  /// Waits until a reader has opened ``slavePath`` since
  /// ``watchForReader()``, at most `timeoutMs`: true when one did. A reader
  /// flushes its input when it opens the port (stale bytes from before), so an
  /// emulator that sends before a slow reader has opened loses the start.
  public func waitForReader(timeoutMs: Int32) -> Bool {
    guard openWatch >= 0 else { return false }
    defer { try? FileDescriptor(rawValue: openWatch).close(); openWatch = -1 }
    var p = pollfd(fd: openWatch, events: Int16(POLLIN), revents: 0)
    return poll(&p, 1, timeoutMs) > 0
  }

  /// Writes all of `bytes` to the master side; false when the reader side is gone.
  @discardableResult
  public func write(_ bytes: [UInt8]) -> Bool {
    var off = 0
    while off < bytes.count {
      do {
        off += try bytes.withUnsafeBytes { try FileDescriptor(rawValue: master).write(UnsafeRawBufferPointer(rebasing: $0[off...]), retryOnInterrupt: false) }
      } catch Errno.interrupted, Errno.wouldBlock {
        usleep(1000)
      } catch {
        return false
      }
    }
    return true
  }

  /// Hangs up: closes both ends, so a reader sees POLLHUP / EIO.
  public func hangUp() {
    try? FileDescriptor(rawValue: slave).close()
    try? FileDescriptor(rawValue: master).close()
  }
}
