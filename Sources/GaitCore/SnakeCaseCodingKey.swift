//===--- SnakeCaseCodingKey.swift -----------------------------------------===//
// One rule for the keys of gaitline's JSON: a property `groundContactMs` is
// the key `ground_contact_ms`. Types whose keys follow it list their coding
// keys once, by property name, instead of a hand-written table per type.
//===----------------------------------------------------------------------===//

/// A `CodingKey` enum whose cases are property names (`startS`,
/// `gctBalanceLeftPct`) and whose keys are those names in snake_case
/// (`start_s`, `gct_balance_left_pct`): each capital letter starts a new
/// lower-case word. Declare `enum CodingKeys: String, SnakeCaseCodingKey`
/// and list the cases without raw values.
public protocol SnakeCaseCodingKey: CodingKey, RawRepresentable<String> {}

extension SnakeCaseCodingKey {
  /// The key in the JSON: ``rawValue`` (the property name) in snake_case.
  public var stringValue: String { snakeCased(rawValue) }

  /// The case whose snake_case key is `stringValue`, or `nil`.
  public init?(stringValue: String) {
    var name = ""
    var upper = false
    for scalar in stringValue.unicodeScalars {
      if scalar == "_" {
        upper = true
      } else {
        name += upper ? String(scalar).uppercased() : String(scalar)
        upper = false
      }
    }
    guard let key = Self(rawValue: name), key.stringValue == stringValue else { return nil }
    self = key
  }
}

/// `name` with each capital letter replaced by `_` and its lower case
/// (`gctBalanceLeftPct` → `gct_balance_left_pct`).
public func snakeCased(_ name: String) -> String {
  var text = ""
  text.reserveCapacity(name.utf8.count + 4)
  for scalar in name.unicodeScalars {
    if scalar.properties.isUppercase {
      text += "_"
      text += scalar.properties.lowercaseMapping
    } else {
      text.unicodeScalars.append(scalar)
    }
  }
  return text
}
