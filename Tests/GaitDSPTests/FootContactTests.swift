import GaitCore
import GaitDSP
import Testing

/// A ``FootContact`` is one foot on the ground; a ``Step`` record is built
/// around one, and ``Placement/recordInterval`` says whether consecutive
/// records are steps (hip) or strides (foot, shank).
@Suite struct FootContacts {
  @Test func aStepRecordCarriesItsContact() {
    var s = Step(icS: 12.5, running: true)
    s.tcS = 12.74
    s.side = .right
    s.groundContactMs = 240
    s.stepTimeMs = 350
    #expect(s.contact == FootContact(icS: 12.5, tcS: 12.74, side: .right, durationMs: 240))
    var open = Step(icS: 3, running: false)
    open.side = .left
    #expect(open.contact == FootContact(icS: 3, tcS: nil, side: .left, durationMs: nil))
  }

  @Test func recordIntervalFollowsThePlacement() {
    #expect(Placement.hip.recordInterval == .step)
    #expect(Placement.foot.recordInterval == .stride)
    #expect(Placement.shank.recordInterval == .stride)
    #expect(Placement.allCases.allSatisfy { $0.recordInterval == ($0 == .hip ? .step : .stride) })
  }

  /// The spacing of consecutive records' contacts is one step time at the
  /// hip and two (a stride) at the shank, on signals with exact truth.
  @Test func recordSpacingIsAStepAtTheHipAndAStrideAtTheShank() throws {
    let hip = GaitAnalyzer.analyze(SyntheticRun(rateHz: 200, seconds: 60, cadenceSpm: 172, contactS: 0.24).recording())
    let shankGen = SyntheticShank(rateHz: 200, running: true, seconds: 60)
    let shank = GaitAnalyzer.analyze(shankGen.recording())
    for (name, r) in [("hip", hip), ("shank", shank)] {
      let placement = try #require(r.placement, "\(name): no placement")
      let ic = r.steps.map(\.icS)
      let spacingMs = try #require(Statistics.median(zip(ic.dropFirst(), ic).map { ($0 - $1) * 1000 }))
      let stepMs = try #require(Statistics.median(r.steps.compactMap(\.stepTimeMs)))
      let perRecord = placement.recordInterval == .stride ? 2 * stepMs : stepMs
      #expect(abs(spacingMs - perRecord) / perRecord < 0.03, "\(name): contacts \(spacingMs) ms apart, \(placement.recordInterval) \(perRecord) ms")
    }
    #expect(hip.placement?.recordInterval == .step)
    #expect(shank.placement?.recordInterval == .stride)
    // Exact truth: the shank's contacts are one leg's, a stride apart.
    let strideMs = try #require(Statistics.median(zip(shankGen.contacts.dropFirst(), shankGen.contacts).map { ($0.ic - $1.ic) * 1000 }))
    let shankSpacing = try #require(Statistics.median(zip(shank.steps.dropFirst(), shank.steps).map { ($0.icS - $1.icS) * 1000 }))
    #expect(abs(shankSpacing - strideMs) < 10, "\(shankSpacing) vs true stride \(strideMs) ms")
  }
}
