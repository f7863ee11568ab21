//===--- Gzip.swift -------------------------------------------------------===//
// gzip files made in the test from generated text, with the system zlib
// (the library gaitline reads them with), so no compressed fixture is
// committed.
//===----------------------------------------------------------------------===//
import CGzip

/// `bytes` as a gzip file (RFC 1952), compressed by zlib at level 6.
public func gzipped(_ bytes: [UInt8]) -> [UInt8] {
  var stream = z_stream()
  // 15 + 16: 32 KiB window with the gzip wrapper (zlib.h, deflateInit2).
  precondition(deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
  defer { deflateEnd(&stream) }
  var input = bytes
  var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
  let produced = input.withUnsafeMutableBufferPointer { inp in
    out.withUnsafeMutableBufferPointer { o in
      stream.next_in = inp.baseAddress
      stream.avail_in = UInt32(inp.count)
      stream.next_out = o.baseAddress
      stream.avail_out = UInt32(o.count)
      precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
      return o.count - Int(stream.avail_out)
    }
  }
  return Array(out.prefix(produced))
}
