import Foundation
import GaitTestSupport
import Testing

/// The live view over a long stream: a runner on a treadmill watching it
/// sees cadence, contact and oscillation the whole time, not only for the
/// first seconds.
@Suite(.serialized) struct LiveViewHolds {
  /// 10 minutes of a synthetic run played through a pseudo-terminal (at 20×
  /// so the test takes 30 s): every status has all three values, and the
  /// provisional steps carry their step time.
  @Test func tenMinuteStreamHasStatusValuesAllTheTime() throws {
    let emu = try Emulator.start(["--protocol", "text", "--seconds", "600", "--rate", "100", "--playback-speed", "20"])
    defer { emu.stop() }
    let r = try gaitline(["stream", emu.device, "--protocol", "text", "--rate", "100", "--json-lines"])
    emu.process.waitUntilExit()
    #expect(r.status == 0, "\(r.stderr)")
    let objects = r.stdout.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    let status = objects.filter { $0["type"] as? String == "status" }
    #expect(status.count >= 20, "a status about every wall-clock second: \(status.count)")
    let times = status.compactMap { $0["t_s"] as? Double }
    #expect((times.last ?? 0) > 570, "statuses until the end of the 10 minutes: last at \(times.last ?? 0) s")
    for s in status {
      let t = s["t_s"] as? Double ?? -1
      #expect(abs((s["cadence_spm"] as? Double ?? 0) - 172) < 3, "cadence at \(t) s: \(s["cadence_spm"] ?? "null")")
      #expect(abs((s["ground_contact_ms"] as? Double ?? 0) - 240) < 15, "contact at \(t) s")
      #expect((s["vertical_oscillation_cm"] as? Double) != nil, "oscillation at \(t) s")
    }
    let provisional = objects.filter { $0["type"] as? String == "step_provisional" }
    #expect(provisional.count > 1500)
    let withStepTime = provisional.filter { $0["step_time_ms"] is Double }.count
    #expect(withStepTime >= provisional.count - 2, "\(withStepTime) of \(provisional.count) carry step time")
  }

  /// The status line a person reads (stdout not a terminal: one per line).
  @Test func statusLineShowsNumbersNotDashes() throws {
    let emu = try Emulator.start(["--protocol", "text", "--seconds", "120", "--rate", "100", "--speed", "20"])
    defer { emu.stop() }
    let r = try gaitline(["stream", emu.device, "--protocol", "text", "--rate", "100"])
    emu.process.waitUntilExit()
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").filter { $0.hasPrefix("t ") }
    #expect(lines.count >= 3)
    for line in lines {
      #expect(!line.contains("–"), "\(line)")
      #expect(line.contains("spm") && line.contains("cm"))
    }
  }
}
