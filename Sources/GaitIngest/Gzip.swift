//===--- Gzip.swift -------------------------------------------------------===//
// gzip-compressed inputs (`run.csv.gz`, `wrist.cwa.gz`): inflated with the
// system zlib while they are read, 64 KiB of compressed input at a time, so
// memory does not grow with the file. A file is gzip when it starts with the
// magic bytes 1f 8b (RFC 1952), whatever its name; the format inside comes
// from the name without `.gz`, else from the content. Concatenated members
// (`cat a.gz b.gz`) are read as one stream, as gzip -d does.
//===----------------------------------------------------------------------===//
import CGzip
import Foundation

/// Whether the file at `path` starts with the gzip magic bytes 1f 8b.
public func isGzipFile(path: String) -> Bool {
  let fd = open(path, O_RDONLY)
  guard fd >= 0 else { return false }
  defer { _ = close(fd) }
  return startsWithGzipMagic(fd: fd)
}

/// Whether the open file `fd` starts with 1f 8b (read at offset 0, the file position kept).
func startsWithGzipMagic(fd: Int32) -> Bool {
  var magic: (UInt8, UInt8) = (0, 0)
  let n = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress!, 2, 0) }
  return n == 2 && magic.0 == 0x1F && magic.1 == 0x8B
}

/// `read(2)`, named apart from the readers' own `read` methods.
private func systemRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, p, count) }

/// The name of what a gzip file holds: `run.csv.gz` → `run.csv`, `a.cwa.gzip` → `a.cwa`;
/// other names unchanged.
public func nameInsideGzip(_ path: String) -> String {
  let lower = path.lowercased()
  for suffix in [".gz", ".gzip"] where lower.hasSuffix(suffix) && lower.count > suffix.count {
    return String(path.dropLast(suffix.count))
  }
  return path
}

/// The extension that names a recording's format, lower-cased, looking
/// through a `.gz`: `csv` for both `run.csv` and `run.csv.gz`.
public func recordingExtension(of path: String) -> String {
  (nameInsideGzip(path) as NSString).pathExtension.lowercased()
}

/// Inflates a gzip file from an open descriptor, which it reads from its
/// current position and does not close. Truncated and corrupt data are
/// ``IngestError``s naming the compressed byte offset.
final class GzipReader {
  let path: String
  private let fd: Int32
  private let stream: UnsafeMutablePointer<z_stream>
  private let input: UnsafeMutablePointer<UInt8>
  private static let inputSize = 1 << 16
  /// Compressed bytes read from the file so far.
  private var compressedRead = 0
  private var inputEOF = false
  /// The last member's trailer was read; more input must be another member.
  private var memberEnded = false
  private var finished = false
  /// Decompressed bytes handed out so far.
  private(set) var decompressed = 0

  init(fd: Int32, path: String) throws {
    self.fd = fd
    self.path = path
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    input = .allocate(capacity: Self.inputSize)
    // 15 + 16: a 32 KiB window, gzip wrapper only (zlib.h, inflateInit2).
    let r = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard r == Z_OK else {
      stream.deallocate()
      input.deallocate()
      throw IngestError(.unreadable, "cannot start gzip decompression (zlib error \(r))", path: path)
    }
  }

  deinit {
    inflateEnd(stream)
    stream.deallocate()
    input.deallocate()
  }

  /// The offset in the compressed file of the next byte zlib would read.
  var compressedOffset: Int { compressedRead - Int(stream.pointee.avail_in) }

  /// Fills up to `count` bytes at `out` with decompressed data; 0 at the end of the data.
  func read(into out: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
    guard !finished, count > 0 else { return 0 }
    let want = min(count, Int(UInt32.max))
    stream.pointee.next_out = out
    stream.pointee.avail_out = UInt32(want)
    while true {
      if stream.pointee.avail_in == 0, !inputEOF {
        let n = systemRead(fd, input, Self.inputSize)
        if n < 0 {
          throw IngestError(.unreadable, "read failed: \(String(cString: strerror(errno)))", path: path, byteOffset: compressedRead)
        }
        if n == 0 { inputEOF = true }
        compressedRead += n
        stream.pointee.next_in = input
        stream.pointee.avail_in = UInt32(n)
      }
      let produced = want - Int(stream.pointee.avail_out)
      if stream.pointee.avail_in == 0, inputEOF {
        if memberEnded {
          finished = true
          decompressed += produced
          return produced
        }
        throw IngestError(.truncated,
          "the gzip data end early, at byte \(compressedRead) of the compressed file, after \(decompressed + produced) "
          + "decompressed bytes: the file was cut short (an interrupted download or copy); fetch or compress it again",
          path: path, byteOffset: compressedRead)
      }
      if memberEnded {
        // Another member follows (concatenated .gz files), or junk.
        guard stream.pointee.next_in.pointee == 0x1F else {
          throw IngestError(.corrupt,
            "data after the end of the gzip stream (byte \(compressedOffset) is not the start of another gzip member); "
            + "the file is damaged or not a plain .gz", path: path, byteOffset: compressedOffset)
        }
        inflateReset(stream)
        memberEnded = false
      }
      let r = inflate(stream, Z_NO_FLUSH)
      switch r {
      case Z_STREAM_END:
        memberEnded = true
      case Z_OK, Z_BUF_ERROR:
        break
      case Z_MEM_ERROR:
        throw IngestError(.unreadable, "out of memory while decompressing", path: path, byteOffset: compressedOffset)
      default:
        let why = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(r)"
        throw IngestError(.corrupt,
          "the gzip data are corrupt near byte \(compressedOffset) of the compressed file (\(why)), after "
          + "\(decompressed + want - Int(stream.pointee.avail_out)) decompressed bytes; the file is damaged — fetch or compress it again",
          path: path, byteOffset: compressedOffset)
      }
      let now = want - Int(stream.pointee.avail_out)
      if now == want || (now > 0 && stream.pointee.avail_in == 0) {
        decompressed += now
        return now
      }
    }
  }
}

/// Opens a gzip-compressed recording (``openRecording(path:options:)`` calls
/// it for any file that starts with 1f 8b). Text exports (`.csv.gz`,
/// `.tsv.gz`, `.txt.gz`, or any other name) are inflated while they are
/// read; the binary device formats are refused with what to do, since their
/// readers seek or take the file whole.
func openGzipRecording(path: String, options: CSVOptions) throws -> any SampleSource {
  let inner = recordingExtension(of: path)
  switch inner {
  case "gt3x", "agdc", "cwa", "glb", "fit":
    let why = inner == "gt3x" || inner == "agdc"
      ? "a .\(inner) is a ZIP archive, read by random access, which a gzip stream does not allow"
      : "gaitline reads .\(inner) files uncompressed"
    throw IngestError(.unsupportedEncoding,
      "gzip-compressed .\(inner): \(why); decompress it first (gunzip -k FILE) and give gaitline the .\(inner) file",
      path: path)
  default:
    return try CSVReader(path: path, options: options)
  }
}
