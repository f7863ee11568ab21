import Foundation
import GaitTestSupport
import Testing

@testable import GaitIngest

func fit(_ name: String) -> String {
  repositoryRoot.appendingPathComponent("Tests/Fixtures/fit").appendingPathComponent(name).path
}

@Suite struct GarminFIT {
  @Test func fenix5RunningDynamicsMatchGarminsSDK() throws {
    let a = try readFIT(path: fit("garmin-fenix-5-run.fit"))
    #expect(a.warnings.isEmpty)
    #expect(a.records.count == 21)
    // Record 8, as Garmin's garmin-fit-sdk 21.218.0 decodes it.
    let r = a.records[8]
    #expect(r.verticalOscillationMm == 77.0)
    #expect(r.stanceTimeMs == 254)
    #expect(r.stanceTimeBalanceLeftPct == 52.09)
    #expect(r.stepLengthMm == 969)
    #expect(r.verticalRatioPct == 7.03)
    #expect(r.cadenceSpm == 191, "95 + 0.5 strides/min = 191 steps/min")
    // Records 3 and 18 (first running record; a slow one), same reference.
    #expect(a.records[3].verticalOscillationMm == 46.7 && a.records[3].stanceTimeMs == 308 && a.records[3].cadenceSpm == 157)
    #expect(a.records[18].stanceTimeMs == 609 && a.records[18].stepLengthMm == 1038 && a.records[18].cadenceSpm == 108)
    #expect(a.records[0].verticalOscillationMm == nil, "invalid (all-ones) values are missing, not numbers")
    let s = try #require(a.session)
    #expect(s.verticalOscillationMm == 76.2)
    #expect(s.stanceTimeMs == 270.3)
    #expect(s.stanceTimeBalanceLeftPct == 52.39)
    #expect(s.stepLengthMm == 971.7)
    #expect(s.verticalRatioPct == 7.42)
  }

  @Test(arguments: [("activity-small-fenix2-run.fit", 2809), ("developer-types-sample.fit", 3424), ("garmin-fenix-5-walk.fit", 17)])
  func recordCounts(file: String, records: Int) throws {
    let a = try readFIT(path: fit(file))
    #expect(a.records.count == records)
    #expect(a.warnings.isEmpty, "\(a.warnings)")
  }

  @Test func damagedFiles() throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fit("garmin-fenix-5-run.fit"))))
    bytes[200] ^= 0x01
    let flipped = try readFIT(path: temporaryFile(bytes: bytes, name: "flip.fit"))
    #expect(flipped.warnings.contains { $0.contains("CRC") })
    let cut = temporaryFile(bytes: Array(bytes[0..<1000]), name: "cut.fit")
    #expect(throws: IngestError.self) { try readFIT(path: cut) }
    var notFit = bytes
    notFit[8] = 0x00
    do {
      _ = try readFIT(path: temporaryFile(bytes: notFit, name: "x.fit"))
      Issue.record("expected an error")
    } catch let e as IngestError {
      #expect(e.code == .badMagic)
    }
  }
}
