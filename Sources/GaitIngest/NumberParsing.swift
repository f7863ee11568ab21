//===--- NumberParsing.swift ----------------------------------------------===//
// Byte-level number and date parsing for the text readers (hot path).
//===----------------------------------------------------------------------===//

/// The outcome of reading one numeric field.
enum ParsedNumber {
  case value(Double)
  case empty
  case notANumber
  case nonFinite
}

/// Powers of ten that are exact in binary64.
let exactPowersOfTen: [Double] = (0...22).map { p in
  var v = 1.0
  for _ in 0..<p { v *= 10 }
  return v
}

/// Parses a decimal number from `bytes[start..<end]` without allocating.
///
/// Accepts surrounding spaces and double quotes, a sign, digits, one decimal
/// separator (`.`, or `,` when `decimalComma`), and an exponent. Up to 19
/// significant digits are kept exactly; the result is correctly rounded for
/// the 6–15 digit values that sensor exports write.
@inline(__always)
func parseNumber(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                 decimalComma: Bool = false) -> ParsedNumber {
  var i = start
  var e = end
  while i < e, bytes[i] == 0x20 || bytes[i] == 0x22 || bytes[i] == 0x09 { i += 1 }
  while e > i, bytes[e - 1] == 0x20 || bytes[e - 1] == 0x22 || bytes[e - 1] == 0x09 || bytes[e - 1] == 0x0D {
    e -= 1
  }
  if i == e { return .empty }
  var negative = false
  if bytes[i] == 0x2D { negative = true; i += 1 } else if bytes[i] == 0x2B { i += 1 }
  let separator: UInt8 = decimalComma ? 0x2C : 0x2E
  var mantissa: UInt64 = 0
  var digits = 0
  var exponent = 0
  var sawDigit = false
  readDigits(bytes, &i, e, fraction: false, &mantissa, &digits, &exponent, &sawDigit)
  if i < e, bytes[i] == separator || (decimalComma && bytes[i] == 0x2E) {
    i += 1
    readDigits(bytes, &i, e, fraction: true, &mantissa, &digits, &exponent, &sawDigit)
  }
  if !sawDigit { return classifyWord(bytes, i, e) }
  if i < e, bytes[i] == 0x65 || bytes[i] == 0x45 {
    i += 1
    var expNegative = false
    if i < e, bytes[i] == 0x2D { expNegative = true; i += 1 } else if i < e, bytes[i] == 0x2B { i += 1 }
    var expValue = 0
    var expDigits = 0
    while i < e {
      let d = bytes[i] &- 0x30
      if d < 10 { expValue = min(expValue * 10 + Int(d), 100_000); expDigits += 1; i += 1 } else { break }
    }
    if expDigits == 0 { return .notANumber }
    exponent += expNegative ? -expValue : expValue
  }
  if i != e { return .notANumber }
  var value = Double(mantissa)
  if exponent != 0 {
    if exponent > 0 {
      if exponent <= 22 { value *= exactPowersOfTen[exponent] } else { value *= pow10(exponent) }
    } else {
      if -exponent <= 22 { value /= exactPowersOfTen[-exponent] } else { value /= pow10(-exponent) }
    }
  }
  if !value.isFinite { return .nonFinite }
  return .value(negative ? -value : value)
}

/// Reads the run of digits at `bytes[i..<e]` into a mantissa of up to 19
/// significant digits (leading zeros do not count). A digit of the integer
/// part past the 19th is dropped and scales the value (`exponent` + 1); a
/// kept digit of the fraction (`fraction`) divides it (`exponent` - 1), a
/// dropped one is lost. `i` is left at the first byte that is not a digit.
@inline(__always)
private func readDigits(_ bytes: UnsafeBufferPointer<UInt8>, _ i: inout Int, _ e: Int, fraction: Bool,
                        _ mantissa: inout UInt64, _ digits: inout Int, _ exponent: inout Int, _ sawDigit: inout Bool) {
  while i < e {
    let d = bytes[i] &- 0x30
    guard d < 10 else { break }
    sawDigit = true
    if digits < 19 {
      if mantissa != 0 || d != 0 { digits += 1 }
      mantissa = mantissa &* 10 &+ UInt64(d)
      if fraction { exponent -= 1 }
    } else if !fraction {
      exponent += 1
    }
    i += 1
  }
}

private func pow10(_ p: Int) -> Double {
  var result = 1.0
  var base = 10.0
  var n = p
  while n > 0 {
    if n & 1 == 1 { result *= base }
    base *= base
    n >>= 1
  }
  return result
}

/// Tells "nan"/"inf" words (a non-finite value) from other text.
private func classifyWord(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> ParsedNumber {
  var word: [UInt8] = []
  var i = start
  while i < end, word.count < 9 { word.append(bytes[i] | 0x20); i += 1 }
  let text = String(decoding: word, as: UTF8.self)
  if text == "nan" || text == "inf" || text == "infinity" { return .nonFinite }
  return .notANumber
}

/// Parses an ISO-8601 date-time (`2019-09-17T10:00:00.125Z`, a space instead
/// of `T`, an optional `±HH:MM` offset; no offset is read as UTC) into Unix
/// seconds.
func parseISO8601(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
  var i = start
  var e = end
  while i < e, bytes[i] == 0x20 || bytes[i] == 0x22 { i += 1 }
  while e > i, bytes[e - 1] == 0x20 || bytes[e - 1] == 0x22 || bytes[e - 1] == 0x0D { e -= 1 }
  func number(_ count: Int) -> Int? {
    guard i + count <= e else { return nil }
    var v = 0
    for k in 0..<count {
      let d = bytes[i + k] &- 0x30
      guard d < 10 else { return nil }
      v = v * 10 + Int(d)
    }
    i += count
    return v
  }
  func expect(_ c: UInt8) -> Bool {
    guard i < e, bytes[i] == c else { return false }
    i += 1
    return true
  }
  guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2)
  else { return nil }
  guard i < e, bytes[i] == 0x54 || bytes[i] == 0x20 else { return nil }
  i += 1
  guard let hour = number(2), expect(0x3A), let minute = number(2), expect(0x3A), let second = number(2)
  else { return nil }
  guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
  var fraction = 0.0
  if i < e, bytes[i] == 0x2E || bytes[i] == 0x2C {
    i += 1
    var scale = 0.1
    while i < e, bytes[i] &- 0x30 < 10 {
      fraction += Double(bytes[i] &- 0x30) * scale
      scale *= 0.1
      i += 1
    }
  }
  var offsetSeconds = 0
  if i < e {
    if bytes[i] == 0x5A || bytes[i] == 0x7A {
      i += 1
    } else if bytes[i] == 0x2B || bytes[i] == 0x2D {
      let sign = bytes[i] == 0x2D ? -1 : 1
      i += 1
      guard let oh = number(2) else { return nil }
      _ = expect(0x3A)
      let om = number(2) ?? 0
      offsetSeconds = sign * (oh * 3600 + om * 60)
    }
  }
  guard i == e else { return nil }
  // Days from the civil calendar (H. Hinnant's algorithm).
  let y = month <= 2 ? year - 1 : year
  let era = (y >= 0 ? y : y - 399) / 400
  let yoe = y - era * 400
  let mp = (month + 9) % 12
  let doy = (153 * mp + 2) / 5 + day - 1
  let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
  let days = era * 146_097 + doe - 719_468
  let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
  return Double(seconds) + fraction
}

/// Powers of ten for ``parseFieldDecimal(_:_:powersOfTen:_:)``: 10^0...10^18
/// (exact in binary64, the same values as `exactPowersOfTen`), padded with
/// ones to 32 entries so an index masked with 31 stays inside.
let fieldPowersOfTen: [Double] = (0..<32).map { $0 <= 18 ? exactPowersOfTen[$0] : 1 }

/// 10^0...10^18 as integers, padded with ones to 32 entries like
/// ``fieldPowersOfTen``: the word-wise reader joins the integer digits to
/// the fraction's with them.
let fieldIntegerPowersOfTen: [UInt64] = (0..<32).map { p in
  var v: UInt64 = 1
  if p <= 18 { for _ in 0..<p { v *= 10 } }
  return v
}

/// Parses a plain decimal field, `[-]digits[.digits]` with 1 to 18 digits in
/// all, starting at `p[i]`, for the CSV row loop: `i` is left at the first
/// byte after it, and `ok` is set to `false` (never to `true`) when the text
/// is not of that shape (no digit, 19 digits or more, a leading `+`); the
/// value is then meaningless and the caller hands the row to the general
/// path. The caller also checks the byte at `i` (a delimiter or the line
/// end; an exponent, a space or a quote stops the number there).
///
/// Eight bytes at a time (issue #16): the integer digits, and the fraction's,
/// are found and converted as one 64-bit word each (a field of up to seven
/// bytes after the sign, point included, as one word), with the byte loop of
/// ``parseFieldDecimalBytewise(_:_:powersOfTen:_:)`` for a run of eight
/// digits or more. The same mantissa, fraction length and sign as the byte
/// loop, so the same bits.
///
/// Memory: the field must end (with a byte that is not a digit, a sign or a
/// point) at or before a line feed, and the 7 bytes after that line feed must
/// be readable (of any value; ``LineReader`` keeps ``LineReader/padding``
/// bytes after its data): every word is loaded from a position before the
/// field's end. The failure test is not a branch per field: the row loop
/// tests `ok` once per row.
@_transparent
func parseFieldDecimal(_ p: UnsafePointer<UInt8>, _ i: inout Int, powersOfTen: UnsafePointer<Double>,
                       integerPowersOfTen: UnsafePointer<UInt64>, _ ok: inout Bool) -> Double {
  var k = i
  let negative = p[k] == 0x2D
  k &+= negative ? 1 : 0
  // Each byte XOR "0": the digits, and only they, become 0...9 (a
  // subtraction would borrow across bytes: the point would turn the digit
  // after it into another).
  let x = loadWord(p + k) ^ 0x3030_3030_3030_3030
  let flags = nonDigitFlags(x)
  // Eight digits or more before any other byte: the byte loop.
  if flags == 0 { return bytewiseFallback(p, &i, powersOfTen: powersOfTen, &ok) }
  let intBits = UInt64(truncatingIfNeeded: flags.trailingZeroBitCount) & ~7  // 8 × integer digits, ≤ 56
  var mantissa: UInt64
  var fraction: Int
  var digits: Int
  if (x &>> intBits) & 0xFF == 0x1E {  // '.' ^ '0'
    let rest = flags & (flags &- 1)  // without the point's flag
    if rest != 0 {
      // The field ends inside the word: drop the point, convert at once.
      let endBits = UInt64(truncatingIfNeeded: rest.trailingZeroBitCount) & ~7  // 8 × (digits + point)
      let low: UInt64 = (1 &<< intBits) &- 1
      let packed = (x & low) | ((x &>> 8) & ~low)
      // digits = endBits / 8 - 1; with none ("." alone) the shift is 64,
      // masked to 0: a meaningless value that `ok` refuses.
      mantissa = eightDigits(packed &<< (72 &- endBits))
      digits = Int(truncatingIfNeeded: endBits &>> 3) &- 1
      fraction = digits &- Int(truncatingIfNeeded: intBits &>> 3)
      k &+= digits &+ 1
    } else {
      // The fraction runs past the word: its own word after the point.
      let integer = eightDigits((x &<< 8) &<< (56 &- intBits))
      let q = k &+ Int(truncatingIfNeeded: intBits &>> 3) &+ 1
      let y = loadWord(p + q) ^ 0x3030_3030_3030_3030
      let yFlags = nonDigitFlags(y)
      if yFlags == 0 { return bytewiseFallback(p, &i, powersOfTen: powersOfTen, &ok) }
      let fractionBits = UInt64(truncatingIfNeeded: yFlags.trailingZeroBitCount) & ~7
      fraction = Int(truncatingIfNeeded: fractionBits &>> 3)
      mantissa = integer &* integerPowersOfTen[fraction] &+ eightDigits((y &<< 8) &<< (56 &- fractionBits))
      digits = Int(truncatingIfNeeded: intBits &>> 3) &+ fraction
      k = q &+ fraction
    }
  } else {
    // No point: an integer (of no digits: refused).
    mantissa = eightDigits((x &<< 8) &<< (56 &- intBits))
    digits = Int(truncatingIfNeeded: intBits &>> 3)
    fraction = 0
    k &+= digits
  }
  i = k
  // 1...14 digits here: only none is refused. A conditional store, not
  // `ok = ok && ...` (a branch on the flag's old value).
  if digits == 0 { ok = false }
  let magnitude = Double(Int64(bitPattern: mantissa)) / powersOfTen[fraction & 31]
  // The quotient is +0 or positive: setting the sign bit is negation.
  return Double(bitPattern: magnitude.bitPattern | (negative ? 1 << 63 : 0))
}

/// ``parseFieldDecimalBytewise(_:_:powersOfTen:_:)`` called with `i` and
/// `ok` by value: the row loop's index and flag then stay in registers (an
/// `inout` passed on to a call that is not inlined puts them in memory, a
/// store and a load per field).
@_transparent
func bytewiseFallback(_ p: UnsafePointer<UInt8>, _ i: inout Int, powersOfTen: UnsafePointer<Double>,
                      _ ok: inout Bool) -> Double {
  let r = parseFieldDecimalBytewise(p, i, powersOfTen: powersOfTen)
  i = r.end
  if !r.valid { ok = false }
  return r.value
}

/// Eight bytes from `p`, the first in the lowest byte.
@_transparent
func loadWord(_ p: UnsafePointer<UInt8>) -> UInt64 {
  UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
}

/// The high bit of each byte of `x` (bytes XOR "0") that is not a digit:
/// set where the byte is 10 or more. Only a byte of 138 or more (a byte
/// of 128 or more before the XOR: not ASCII) carries into the next, which
/// then may be flagged wrongly; a digit or a point carries nothing, so the
/// flags up to and including the first non-digit after the point are right
/// (the only ones read).
@_transparent
func nonDigitFlags(_ x: UInt64) -> UInt64 {
  ((x &+ 0x7676_7676_7676_7676) | x) & 0x8080_8080_8080_8080
}

/// The integer written by eight digit values (0...9) in the bytes of `v`,
/// the most significant in the lowest byte (leading zeros pad it): pairs,
/// then quadruples, then the eight, by multiplication.
@_transparent
func eightDigits(_ v: UInt64) -> UInt64 {
  let pairs = v &* 10 &+ (v &>> 8)
  return ((pairs & 0x0000_00FF_0000_00FF) &* (100 &+ (1_000_000 &<< 32))
    &+ ((pairs &>> 16) & 0x0000_00FF_0000_00FF) &* (1 &+ (10_000 &<< 32))) &>> 32
}

/// ``parseFieldDecimal(_:_:powersOfTen:integerPowersOfTen:_:)`` a byte at a
/// time (numbers with a run of eight digits or more): the reference the
/// word-wise reader matches.
///
/// No end check: the bytes must end with a byte that is not a digit, a
/// sign or a point at or after `i` (the row loop's buffer ends with LF), so
/// every loop stops before it.
///
/// For every text it accepts the value is bit-identical to
/// ``parseNumber(_:_:_:decimalComma:)``: with at most 18 digits every digit
/// is kept in its 19-digit mantissa (leading zeros or not), the mantissa is
/// below 10^18 < 2^63, so the signed conversion is exact-or-correctly-rounded
/// like the unsigned one; the exponent is minus the fraction digits (at most
/// 18 ≤ 22) and the division is the same one by the same exact power of ten;
/// the sign is applied last (`-0.0` stays negative zero).
@inline(__always)
func parseFieldDecimalBytewise(_ p: UnsafePointer<UInt8>, _ i: inout Int, powersOfTen: UnsafePointer<Double>,
                               _ ok: inout Bool) -> Double {
  bytewiseFallback(p, &i, powersOfTen: powersOfTen, &ok)
}

/// ``parseFieldDecimalBytewise(_:_:powersOfTen:_:)`` by value: the value,
/// the index after the number, and whether it has 1 to 18 digits.
@inline(never)
func parseFieldDecimalBytewise(_ p: UnsafePointer<UInt8>, _ i: Int,
                               powersOfTen: UnsafePointer<Double>) -> (value: Double, end: Int, valid: Bool) {
  var k = i
  let negative = p[k] == 0x2D
  k &+= negative ? 1 : 0
  let start = k
  var mantissa: UInt64 = 0
  var d = p[k] &- 0x30
  while d < 10 {
    mantissa = mantissa &* 10 &+ UInt64(d)
    k &+= 1
    d = p[k] &- 0x30
  }
  var digits = k &- start
  var fraction = 0
  if d == 0x2E &- 0x30 {  // '.'
    k &+= 1
    let fractionStart = k
    d = p[k] &- 0x30
    while d < 10 {
      mantissa = mantissa &* 10 &+ UInt64(d)
      k &+= 1
      d = p[k] &- 0x30
    }
    fraction = k &- fractionStart
    digits &+= fraction
  }
  // 1...18 digits: one unsigned comparison.
  let valid = UInt(bitPattern: digits &- 1) < 18
  let magnitude = Double(Int64(bitPattern: mantissa)) / powersOfTen[fraction & 31]
  // The quotient is +0 or positive: setting the sign bit is negation.
  return (Double(bitPattern: magnitude.bitPattern | (negative ? 1 << 63 : 0)), k, valid)
}
