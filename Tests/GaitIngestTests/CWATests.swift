import Foundation
import GaitCore
import GaitTestSupport
import Testing

@testable import GaitIngest

func fixture(_ name: String) -> String {
  repositoryRoot.appendingPathComponent("Tests/Fixtures/cwa").appendingPathComponent(name).path
}

/// Every raw sample of a file, in order, with its time relative to the first.
func rawSamples(_ name: String) throws -> (accel: [SIMD3<Float>], gyro: [SIMD3<Float>], times: [Double], reader: CWASectorReader) {
  var r = try CWASectorReader(path: fixture(name))
  var sectors: [CWASector] = []
  while let s = try r.next() { sectors.append(s) }
  var accel: [SIMD3<Float>] = [], gyro: [SIMD3<Float>] = [], times: [Double] = []
  var dt = 0.01
  for (k, s) in sectors.enumerated() {
    accel += s.accelG
    gyro += s.gyroDps
    let n = Double(s.accelG.count)
    // Interpolate to the next anchor; the last sector keeps the previous step.
    if k + 1 < sectors.count {
      let next = sectors[k + 1]
      dt = (next.anchorTime - s.anchorTime) / (n - s.anchorIndex + next.anchorIndex)
    }
    for i in 0..<s.accelG.count { times.append(s.anchorTime + (Double(i) - s.anchorIndex) * dt) }
  }
  let t0 = times.first ?? 0
  return (accel, gyro, times.map { $0 - t0 }, r)
}

@Suite struct AxivityCWA {
  @Test(arguments: ["ax3", "ax6"])
  func decodeMatchesScikitDigitalHealth(device: String) throws {
    let (accel, gyro, times, _) = try rawSamples("skdh_\(device)_sample.cwa")
    let text = try String(contentsOfFile: fixture("skdh_\(device)_reference.csv"), encoding: .utf8)
    var checked = 0
    var worstTime = 0.0
    for line in text.split(whereSeparator: \.isNewline).dropFirst() {
      let f = line.split(separator: ",").map { Double($0)! }
      let i = Int(f[0])
      #expect(i < accel.count)
      guard i < accel.count else { break }
      for k in 0..<3 { #expect(abs(Double(accel[i][k]) - f[2 + k]) < 1e-5, "sample \(i) axis \(k)") }
      if f.count > 5 {
        for k in 0..<3 { #expect(abs(Double(gyro[i][k]) - f[5 + k]) < 1e-3, "gyro \(i) axis \(k)") }
      }
      worstTime = max(worstTime, abs(times[i] - f[1]))
      checked += 1
    }
    #expect(checked > 1000)
    // skdh fits its own time model; the anchors agree within 25 ms.
    #expect(worstTime < 0.025, "worst time difference \(worstTime) s")
  }

  @Test func workedExampleFirstSample() throws {
    let (accel, _, _, r) = try rawSamples("ggirread_ax3_testfile.cwa")
    // cwa.h packed sample: first word 0x80D0FC15 → (84, 252, 52)/256 g.
    #expect(accel[0] == SIMD3<Float>(84, 252, 52) / 256)
    #expect(accel.count == 17_400)
    #expect(r.nominalRateHz == 100)
    #expect(r.rangeG == 8)
    #expect(r.metadata.contains("_sc=26"))
  }

  @Test func corruptSectorsAreSkippedAndTheRestRecovered() throws {
    let (accel, _, _, r) = try rawSamples("ggirread_ax3_testfile_corrupt_blocks_0_13_14_142_143_144.cwa")
    #expect(r.skippedOffsets == [0, 13, 14, 142, 143, 144].map { 1024 + 512 * $0 })
    #expect(accel.count == 16_680)
    // The intact sectors decode exactly as in the undamaged file.
    let (clean, _, _, _) = try rawSamples("ggirread_ax3_testfile.cwa")
    #expect(Array(accel[0..<(12 * 120)]) == Array(clean[120..<(13 * 120)]))
    let source = try CWAReader(path: fixture("ggirread_ax3_testfile_corrupt_blocks_0_13_14_142_143_144.cwa"))
    _ = try source.readAll()
    #expect(source.report.skippedBlocks == 6)
    #expect(source.report.gaps.count == 1, "sectors 13–14 leave a hole; 0 and 142–144 are at the ends")
  }

  @Test func gyroscopeOfTheAX6() throws {
    let source = try CWAReader(path: fixture("ggirread_ax6_testfile.cwa"))
    let rec = try source.readAll()
    #expect(rec.info.hasGyroscope)
    #expect(source.report.gyroUnits == "deg/s")
    #expect(abs(rec.info.sampleRateHz - 99) < 1.5, "measured, not the nominal 100 Hz")
  }

  @Test func wrongMagicAndTruncation() throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture("ggirread_ax3_testfile.cwa"))))
    bytes[0] = 0x58
    #expect(throws: IngestError.self) { try CWASectorReader(path: temporaryFile(bytes: bytes, name: "bad.cwa")) }
    bytes[0] = 0x4D
    let cut = temporaryFile(bytes: Array(bytes[0..<(1024 + 512 * 3 + 100)]), name: "cut.cwa")
    var r = try CWASectorReader(path: cut)
    var n = 0
    while try r.next() != nil { n += 1 }
    #expect(n == 3)
    #expect(r.skippedOffsets == [1024 + 512 * 3], "the partial last sector is reported")
  }
}
