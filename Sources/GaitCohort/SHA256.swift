//===--- SHA256.swift -----------------------------------------------------===//
// SHA-256 (FIPS 180-4) for the content hashes of a cohort manifest. A
// manifest names each input by its hash so that a rerun can tell a current
// report from one made of an older file; SHA-256 is what `sha256sum` prints,
// so a user can check a hash without gaitline.
//
// The hashing is swift-crypto's (BoringSSL on Linux, with the CPU's SHA
// extensions where it has them; CryptoKit on Apple platforms): a planned
// cohort of many terabytes is read at the speed of the disk, not of a
// hand-written compression function.
//===----------------------------------------------------------------------===//
import Crypto
import Foundation
import GaitIngest

/// An incremental SHA-256 whose digest is written as `sha256sum` writes it.
public struct SHA256 {
  private var hasher = Crypto.SHA256()

  /// An empty hash.
  public init() {}

  /// Hashes `bytes` after what came before.
  public mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }

  /// Hashes `bytes` after what came before.
  public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

  /// The digest as 64 lowercase hex digits.
  public mutating func finalize() -> String {
    let hex = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for byte in hasher.finalize() {
      out.append(hex[Int(byte >> 4)])
      out.append(hex[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// Bytes read from a file per `read`: large enough that the system calls
/// cost nothing beside the hashing.
let sha256ChunkBytes = 4 << 20

/// The SHA-256 of a file's content and its size, read in 4 MiB chunks into
/// one buffer.
public func sha256(ofFile path: String) throws -> (hex: String, bytes: Int) {
  let fd = open(path, O_RDONLY | O_CLOEXEC)
  guard fd >= 0 else {
    let missing = errno == ENOENT
    throw IngestError(missing ? .fileNotFound : .unreadable,
                      missing ? "no such file" : "cannot open for reading; check its permissions", path: path)
  }
  defer { close(fd) }
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: sha256ChunkBytes, alignment: 64)
  defer { buffer.deallocate() }
  var hasher = SHA256()
  var total = 0
  while true {
    let n = read(fd, buffer.baseAddress!, buffer.count)
    if n < 0 {
      if errno == EINTR { continue }
      throw IngestError(.unreadable, "read failed at byte \(total): \(String(cString: strerror(errno)))", path: path, byteOffset: total)
    }
    if n == 0 { break }
    hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
    total += n
  }
  return (hasher.finalize(), total)
}
