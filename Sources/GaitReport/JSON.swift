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
    var out = ""
    write(into: &out, level: indent, pretty: pretty)
    return out
  }

  private func write(into out: inout String, level: Int, pretty: Bool) {
    // The indentation, only for containers (most values are scalars).
    var pad: String { pretty ? String(repeating: "  ", count: level + 1) : "" }
    var closePad: String { pretty ? String(repeating: "  ", count: level) : "" }
    let nl = pretty ? "\n" : ""
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .number(let d):
      if d == d.rounded(), abs(d) < 1e15 { out += String(Int64(d)) } else { out += "\(d)" }
    case .string(let s): out += JSONValue.quote(s)
    case .array(let items):
      if items.isEmpty { out += "[]"; return }
      let simple = items.allSatisfy { if case .object = $0 { return false }; if case .array = $0 { return false }; return true }
      if simple {
        out += "[" + items.map { $0.serialized(pretty: false) }.joined(separator: pretty ? ", " : ",") + "]"
        return
      }
      out += "[" + nl
      let indent = pad
      for (k, item) in items.enumerated() {
        out += indent
        item.write(into: &out, level: level + 1, pretty: pretty)
        out += k + 1 < items.count ? "," + nl : nl
      }
      out += closePad + "]"
    case .object(let pairs):
      if pairs.isEmpty { out += "{}"; return }
      out += "{" + nl
      let indent = pad
      for (k, (key, value)) in pairs.enumerated() {
        out += indent + JSONValue.quote(key) + (pretty ? ": " : ":")
        value.write(into: &out, level: level + 1, pretty: pretty)
        out += k + 1 < pairs.count ? "," + nl : nl
      }
      out += closePad + "}"
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
        if u.value < 0x20 { r += String(format: "\\u%04x", u.value) } else { r.unicodeScalars.append(u) }
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
