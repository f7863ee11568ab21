import Foundation
import GaitFuzzChecks
import GaitIngest
import GaitTestSupport
import Testing

/// Replays every saved fuzz finding (Tests/Fixtures/fuzz/TARGET/*) through
/// the fuzz target's own invariant checks, and runs the checks on the
/// bundled sample files, so the invariants hold on real data too.
@Suite struct FuzzRegression {
  static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/fuzz")

  static var saved: [String] {
    fuzzTargetNames.flatMap { t -> [String] in
      let dir = fixtures.appendingPathComponent(t).path
      let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
      return files.sorted().map { "\(t)/\($0)" }
    }
  }

  @Test(arguments: saved)
  func savedFindingHoldsTheInvariants(_ name: String) throws {
    let target = String(name.split(separator: "/")[0])
    let data = try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
    let violations = data.withUnsafeBytes { fuzzCheck(target, $0) }
    #expect(violations.isEmpty, "\(violations)")
  }

  @Test func realFilesHoldTheInvariants() throws {
    let cases: [(String, String)] = [
      ("csv", sampleData("alcantara-sacrum-run/trial_00.csv")),
      ("csv", sampleData("pyshoe-foot-run/2017-11-27-11-11-24_imu.csv")),
      ("cwa", repositoryRoot.appendingPathComponent("Tests/Fixtures/cwa/ggirread_ax3_testfile.cwa").path),
      ("cwa", repositoryRoot.appendingPathComponent("Tests/Fixtures/cwa/ggirread_ax3_testfile_corrupt_blocks_0_13_14_142_143_144.cwa").path),
      ("fit", repositoryRoot.appendingPathComponent("Tests/Fixtures/fit/garmin-fenix-5-run.fit").path),
    ]
    for (target, path) in cases {
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      let violations = data.withUnsafeBytes { fuzzCheck(target, $0) }
      #expect(violations.isEmpty, "\(target) \(path): \(violations)")
    }
    // Stream framings on encoded samples.
    var wit: [UInt8] = [], text: [UInt8] = []
    for k in 0..<300 {
      let x = Float(k % 17) * 0.3
      wit += [0x00, 0x55] + StreamEncoder.witMotion(ax: x, ay: 0.1, az: 9.8)
      text += Array("\(k * 10),\(x / 9.80665),0.01,1.0\n".utf8)
    }
    for (target, bytes) in [("stream-witmotion", wit), ("stream-text", text)] {
      let violations = bytes.withUnsafeBytes { fuzzCheck(target, $0) }
      #expect(violations.isEmpty, "\(target): \(violations)")
    }
  }
}
