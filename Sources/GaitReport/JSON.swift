//===--- JSON.swift -------------------------------------------------------===//
// A small ordered JSON value, so reports have a stable key order and explicit
// nulls.
//===----------------------------------------------------------------------===//
import Foundation

/// A JSON value whose objects keep their key order.
public indirect enum JSONValue: Sendable, Equatable {
  /// JSON `null`.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// A number: whole values below 10¹⁵ written as integers, others as Swift prints a `Double`.
  case number(Double)
  /// A string (escaped on writing).
  case string(String)
  /// An array, in order.
  case array([JSONValue])
  /// An object whose pairs keep their order (keys are not sorted or deduplicated).
  case object([(String, JSONValue)])

  /// Equal values: numbers by value, objects by their pairs in order.
  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.number(let x), .number(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.array(let x), .array(let y)): return x == y
    case (.object(let x), .object(let y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
    default: return false
    }
  }

  /// A number, or `null` for `nil` and non-finite values; rounded to
  /// `digits` decimals.
  public static func num(_ v: Double?, _ digits: Int = 4) -> JSONValue {
    guard let v, v.isFinite else { return .null }
    let scale = pow(10, Double(digits))
    return .number((v * scale).rounded() / scale)
  }

  /// A string or `null`.
  public static func str(_ v: String?) -> JSONValue { v.map(JSONValue.string) ?? .null }

  /// Serialises with two-space indentation.
  public func serialized(indent: Int = 0, pretty: Bool = true) -> String {
    String(decoding: serializedBytes(indent: indent, pretty: pretty), as: UTF8.self)
  }

  /// The UTF-8 of ``serialized(indent:pretty:)``, appended to one byte
  /// array (no string per value: the report's head is ~55 kB for an hour,
  /// and building it through `String` cost ~12 M instructions).
  func serializedBytes(indent: Int = 0, pretty: Bool = true) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(1 << 12)
    write(into: &out, level: indent, pretty: pretty)
    return out
  }

  private func write(into out: inout [UInt8], level: Int, pretty: Bool) {
    // The indentation, only for containers (most values are scalars).
    func pad(_ level: Int) { if pretty { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level)) } }
    func newline() { if pretty { out.append(UInt8(ascii: "\n")) } }
    switch self {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .number(let d):
      if d == d.rounded(), abs(d) < 1e15 { out.append(contentsOf: String(Int64(d)).utf8) } else { out.append(contentsOf: "\(d)".utf8) }
    case .string(let s): JSONValue.appendQuoted(s, to: &out)
    case .array(let items):
      if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
      let simple = items.allSatisfy { if case .object = $0 { return false }; if case .array = $0 { return false }; return true }
      if simple {
        // On one line, each item as it serialises on its own.
        out.append(UInt8(ascii: "["))
        for (k, item) in items.enumerated() {
          if k > 0 { out.append(contentsOf: (pretty ? ", " : ",").utf8) }
          item.write(into: &out, level: 0, pretty: false)
        }
        out.append(UInt8(ascii: "]"))
        return
      }
      out.append(UInt8(ascii: "["))
      newline()
      for (k, item) in items.enumerated() {
        pad(level + 1)
        item.write(into: &out, level: level + 1, pretty: pretty)
        if k + 1 < items.count { out.append(UInt8(ascii: ",")) }
        newline()
      }
      pad(level)
      out.append(UInt8(ascii: "]"))
    case .object(let pairs):
      if pairs.isEmpty { out.append(contentsOf: "{}".utf8); return }
      out.append(UInt8(ascii: "{"))
      newline()
      for (k, (key, value)) in pairs.enumerated() {
        pad(level + 1)
        JSONValue.appendQuoted(key, to: &out)
        out.append(contentsOf: (pretty ? ": " : ":").utf8)
        value.write(into: &out, level: level + 1, pretty: pretty)
        if k + 1 < pairs.count { out.append(UInt8(ascii: ",")) }
        newline()
      }
      pad(level)
      out.append(UInt8(ascii: "}"))
    }
  }

  /// The UTF-8 of ``quote(_:)`` appended to `out`.
  static func appendQuoted(_ s: String, to out: inout [UInt8]) {
    if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
      out.append(UInt8(ascii: "\""))
      out.append(contentsOf: s.utf8)
      out.append(UInt8(ascii: "\""))
    } else {
      out.append(contentsOf: quote(s).utf8)
    }
  }

  static func quote(_ s: String) -> String {
    // Most keys and values need no escape.
    if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) { return "\"" + s + "\"" }
    var r = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": r += "\\\""
      case "\\": r += "\\\\"
      case "\n": r += "\\n"
      case "\r": r += "\\r"
      case "\t": r += "\\t"
      default:
        if u.value < 0x20 {
          // "\u00" and two lowercase hex digits (`String(format:)`'s
          // varargs cost two scans of the runtime's conformances, ~0.5 M
          // instructions, the first time).
          @inline(__always) func hex(_ d: UInt32) -> Unicode.Scalar { Unicode.Scalar(UInt8(d < 10 ? 48 + d : 87 + d)) }
          r += "\\u00"
          r.unicodeScalars.append(hex(u.value >> 4))
          r.unicodeScalars.append(hex(u.value & 0xF))
        } else {
          r.unicodeScalars.append(u)
        }
      }
    }
    return r + "\""
  }

  /// Looks up a key of an object.
  public subscript(key: String) -> JSONValue? {
    if case .object(let pairs) = self { return pairs.first { $0.0 == key }?.1 }
    return nil
  }

  /// The number, if this is one.
  public var double: Double? { if case .number(let d) = self { return d }; return nil }
}
