//===--- CRC32.swift ------------------------------------------------------===//
// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), slice-by-8.
//===----------------------------------------------------------------------===//

/// CRC-32 as used by zlib, PNG and Ethernet; `crc32("123456789") == 0xCBF43926`.
public enum CRC32 {
  private static let tables: [[UInt32]] = {
    var t = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
    for i in 0..<256 {
      var c = UInt32(i)
      for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
      t[0][i] = c
    }
    for i in 0..<256 {
      for k in 1..<8 { t[k][i] = (t[k - 1][i] >> 8) ^ t[0][Int(t[k - 1][i] & 0xFF)] }
    }
    return t
  }()

  private static let flat: [UInt32] = tables.flatMap { $0 }

  /// The CRC-32 of `bytes`, continuing from `crc` (0 to start).
  public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
    var c = ~crc
    var i = 0
    let n = bytes.count
    // One flat table of 8 × 256 entries: slice-by-8, eight bytes per step.
    flat.withUnsafeBufferPointer { t in
      while i + 8 <= n {
        let lo = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
        let hi = UInt32(bytes[i + 4]) | UInt32(bytes[i + 5]) << 8 | UInt32(bytes[i + 6]) << 16 | UInt32(bytes[i + 7]) << 24
        let x = c ^ lo
        c = t[7 * 256 + Int(x & 0xFF)] ^ t[6 * 256 + Int((x >> 8) & 0xFF)]
          ^ t[5 * 256 + Int((x >> 16) & 0xFF)] ^ t[4 * 256 + Int(x >> 24)]
          ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
          ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
        i += 8
      }
      while i < n {
        c = t[Int((c ^ UInt32(bytes[i])) & 0xFF)] ^ (c >> 8)
        i += 1
      }
    }
    return ~c
  }

  /// The CRC-32 of a byte array.
  public static func checksum(_ bytes: [UInt8]) -> UInt32 {
    bytes.withUnsafeBytes { checksum($0) }
  }
}
