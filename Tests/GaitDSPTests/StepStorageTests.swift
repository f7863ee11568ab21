import Foundation
import GaitCore
import GaitDSP
import Testing

/// `Step` keeps its optional numbers as plain doubles with a sentinel for
/// `nil`: what goes in comes out, NaN and -0 included, and equality,
/// hashing and Codable behave as the optionals did.
@Suite struct StepStorage {
  static var numbers: [WritableKeyPath<Step, Double?>] { [
    \.tcS, \.stepTimeMs, \.groundContactMs, \.flightMs, \.dutyFactor, \.verticalOscillationCm, \.brakingMps,
    \.impactG, \.lateralSwayCm, \.footFlatS, \.tibialShockG, \.tibialShockRateGps,
  ] }

  @Test func compactLayout() {
    #expect(MemoryLayout<Step>.stride <= 112, "\(MemoryLayout<Step>.stride) bytes")
  }

  @Test func valuesRoundTrip() {
    let values: [Double?] = [nil, 0, -0.0, 1.5, -273.25, .nan, -.nan, .infinity, -.infinity, .leastNonzeroMagnitude,
                             .greatestFiniteMagnitude, Double(bitPattern: 0x7FF8_0000_0000_0001)]
    for (k, path) in Self.numbers.enumerated() {
      for v in values {
        var s = Step(icS: 2, running: true)
        #expect(s[keyPath: path] == nil)
        s[keyPath: path] = v
        let got = s[keyPath: path]
        #expect((got == nil) == (v == nil), "field \(k): \(String(describing: v))")
        if let got, let v { #expect(got.bitPattern == v.bitPattern, "field \(k): \(v)") }
        // The other fields stay nil.
        for other in Self.numbers where other != path { #expect(s[keyPath: other] == nil) }
        s[keyPath: path] = nil
        #expect(s[keyPath: path] == nil)
      }
    }
  }

  @Test func equalityHashingAndCoding() throws {
    var a = Step(icS: 1.25, running: false)
    a.tcS = 1.5; a.side = .left; a.groundContactMs = 250; a.tibialShockClipped = true; a.impactG = -0.0
    var b = a
    #expect(a == b && a.hashValue == b.hashValue)
    b.impactG = 0  // -0 == 0, as for Double?
    #expect(a == b && a.hashValue == b.hashValue)
    b.flightMs = 0
    #expect(a != b)
    b.flightMs = nil
    b.footFlatS = .nan
    #expect(a != b)
    var c = a
    c.verticalOscillationCm = .nan
    #expect(c != c)  // NaN is not equal to itself, as before
    let data = try JSONEncoder().encode(a)
    let keys = Set((try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]).keys)
    #expect(keys == ["icS", "tcS", "side", "groundContactMs", "impactG", "running", "tibialShockClipped"])
    #expect(try JSONDecoder().decode(Step.self, from: data) == a)
  }
}
