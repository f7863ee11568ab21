//===--- TerminalText.swift -----------------------------------------------===//
// Text from a recording (a CSV cell, a file name, .cwa metadata) made safe
// to print: control characters would otherwise reach the terminal as
// escape sequences (move the cursor, set the title, hide text).
//===----------------------------------------------------------------------===//

/// `text` with every control character (C0 but tab, DEL, C1; newline too
/// unless `keepNewlines`) shown as `\xHH` / `\u{HHHH}`, so it prints as
/// what it is.
public func sanitizedForTerminal(_ text: String, keepNewlines: Bool = false) -> String {
  func isControl(_ v: UInt32) -> Bool {
    if v == 0x09 { return false }
    if v == 0x0A { return !keepNewlines }
    return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v)
  }
  guard text.unicodeScalars.contains(where: { isControl($0.value) }) else { return text }
  var out = ""
  out.reserveCapacity(text.utf8.count + 8)
  for u in text.unicodeScalars {
    if isControl(u.value) {
      out += u.value < 0x80 ? "\\x" + hex2(u.value) : "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
    } else {
      out.unicodeScalars.append(u)
    }
  }
  return out
}

private func hex2(_ v: UInt32) -> String {
  let s = String(v, radix: 16, uppercase: true)
  return s.count == 1 ? "0" + s : s
}
