//===--- CRC32.swift ------------------------------------------------------===//
// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), slice-by-4.
//===----------------------------------------------------------------------===//

/// CRC-32 as used by zlib, PNG and Ethernet; `crc32("123456789") == 0xCBF43926`.
public enum CRC32 {
  private static let tables: [[UInt32]] = {
    var t = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 4)
    for i in 0..<256 {
      var c = UInt32(i)
      for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
      t[0][i] = c
    }
    for i in 0..<256 {
      for k in 1..<4 { t[k][i] = (t[k - 1][i] >> 8) ^ t[0][Int(t[k - 1][i] & 0xFF)] }
    }
    return t
  }()

  /// The CRC-32 of `bytes`, continuing from `crc` (0 to start).
  public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
    var c = ~crc
    var i = 0
    let n = bytes.count
    tables[0].withUnsafeBufferPointer { t0 in
      tables[1].withUnsafeBufferPointer { t1 in
        tables[2].withUnsafeBufferPointer { t2 in
          tables[3].withUnsafeBufferPointer { t3 in
            while i + 4 <= n {
              c ^= UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
              c = t3[Int(c & 0xFF)] ^ t2[Int((c >> 8) & 0xFF)] ^ t1[Int((c >> 16) & 0xFF)] ^ t0[Int(c >> 24)]
              i += 4
            }
            while i < n {
              c = t0[Int((c ^ UInt32(bytes[i])) & 0xFF)] ^ (c >> 8)
              i += 1
            }
          }
        }
      }
    }
    return ~c
  }

  /// The CRC-32 of a byte array.
  public static func checksum(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBytes { checksum($0) }
  }
}
