import Foundation
import GaitTestSupport
import Testing

/// A running `gaitline simulate --serial` and the pty path it printed.
struct Emulator {
  let process: Process
  let device: String
  let sent: String

  /// Terminates the emulator if it still runs (`defer { emu.stop() }` after
  /// each start, so a test that fails or throws before its reader opens the
  /// port leaves no process behind).
  func stop() {
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
    }
  }

  static func start(_ args: [String]) throws -> Emulator {
    let sent = temporaryDirectory().appendingPathComponent("sent.bin").path
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    // --wait-for-reader: a reader flushes its input when it opens the port,
    // so a debug binary slow to start on a loaded machine lost the first bytes
    // sent after a fixed delay (raw record shorter than what was sent).
    p.arguments = ["simulate", "--serial", "--sent", sent, "--wait-for-reader", "--start-delay", "0.2"] + args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    // The first line is the device path.
    var line = Data()
    while true {
      let byte = out.fileHandleForReading.readData(ofLength: 1)
      if byte.isEmpty || byte == Data([0x0A]) { break }
      line.append(byte)
    }
    return Emulator(process: p, device: String(decoding: line, as: UTF8.self), sent: sent)
  }
}

func bytes(_ path: String) -> Data { (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data() }

func json(_ path: String) throws -> [String: Any] {
  try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
}

@Suite(.serialized) struct LiveStreaming {
  struct Case: Sendable, CustomStringConvertible {
    var proto: String
    var faults: [String]
    var description: String { "\(proto) \(faults.joined(separator: " "))" }
  }

  static let cases: [Case] = [
    Case(proto: "text", faults: ["--garbage-every", "500", "--drop-every", "700", "--partial-start"]),
    Case(proto: "glb", faults: ["--garbage-every", "400", "--corrupt-every", "900", "--partial-start"]),
    Case(proto: "witmotion", faults: ["--garbage-every", "450", "--corrupt-every", "800", "--partial-start"]),
  ]

  /// Each protocol end to end through a real kernel pseudo-terminal, with
  /// garbage bursts, corrupted frames and a partial frame at the start: the
  /// raw record equals the bytes sent, and the final report equals
  /// `analyze` on that record (the same samples through the same core).
  @Test(arguments: cases)
  func protocolEndToEnd(_ c: Case) throws {
    let dir = temporaryDirectory()
    let emu = try Emulator.start(["--protocol", c.proto, "--seconds", "30", "--rate", "100", "--speed", "10"] + c.faults)
    defer { emu.stop() }
    let raw = dir.appendingPathComponent("cap.raw").path
    let live = dir.appendingPathComponent("live.json").path
    let r = try gaitline(["stream", emu.device, "--protocol", c.proto, "--rate", "100", "--record", raw, "--json", live, "--json-lines"])
    emu.process.waitUntilExit()
    #expect(r.status == 0, "\(r.stderr)")
    #expect(!bytes(raw).isEmpty)
    #expect(bytes(raw) == bytes(emu.sent), "the raw record holds every byte sent")
    let lines = r.stdout.split(separator: "\n")
    #expect(lines.contains { $0.contains("\"type\":\"step\"") })
    #expect(lines.last?.contains("\"reason\":\"hang-up\"") == true)
    let replay = dir.appendingPathComponent("replay.json").path
    let a = try gaitline(["analyze", raw, "--protocol", c.proto, "--rate", "100", "--json", replay, "-q"])
    #expect(a.status == 0, "\(a.stderr)")
    let liveReport = try json(live), replayReport = try json(replay)
    let liveSteps = liveReport["steps"] as! [[String: Any]]
    let replaySteps = replayReport["steps"] as! [[String: Any]]
    #expect(liveSteps.count >= 75, "30 s at 172 spm, minus what the faults cost: \(liveSteps.count)")
    #expect(NSArray(array: liveSteps).isEqual(to: replaySteps), "live and replayed steps are identical")
    #expect(NSDictionary(dictionary: liveReport["summary"] as! [String: Any]).isEqual(to: replayReport["summary"] as! [String: Any]))
    // No phantom steps: every step is a real synthetic contact (172 spm, 240 ms).
    for s in liveSteps {
      if let st = s["step_time_ms"] as? Double { #expect(abs(st - 348.8) < 15, "step time \(st)") }
      if let gct = s["ground_contact_ms"] as? Double { #expect(abs(gct - 240) < 20, "contact \(gct)") }
    }
  }

  /// Provisional steps arrive within a second of toe-off (in stream time)
  /// and agree with the final ones.
  @Test func provisionalStepsAreTimely() throws {
    let emu = try Emulator.start(["--protocol", "glb", "--seconds", "20", "--rate", "100", "--speed", "4"])
    defer { emu.stop() }
    let r = try gaitline(["stream", emu.device, "--protocol", "glb", "--json-lines"])
    emu.process.waitUntilExit()
    #expect(r.status == 0)
    let objects = r.stdout.split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    let provisional = objects.filter { $0["type"] as? String == "step_provisional" }
    let final = objects.filter { $0["type"] as? String == "step" }
    #expect(provisional.count >= final.count - 3)
    for p in provisional {
      let tc = p["tc_s"] as! Double, found = p["found_at_s"] as! Double, ic = p["ic_s"] as! Double
      if tc > 3 { #expect(found - tc <= 1.0, "toe-off at \(tc) s reported at \(found) s") }
      let nearest = final.map { abs(($0["ic_s"] as! Double) - ic) }.min() ?? 1
      #expect(nearest < 0.005, "provisional contact \(ic) s matches a final one")
    }
  }

  @Test func hangUpMidRunKeepsWhatArrived() throws {
    let dir = temporaryDirectory()
    let emu = try Emulator.start(["--protocol", "glb", "--seconds", "60", "--rate", "200", "--speed", "10", "--hangup-after", "20"])
    defer { emu.stop() }
    let raw = dir.appendingPathComponent("cap.raw").path
    let report = dir.appendingPathComponent("r.json").path
    let r = try gaitline(["stream", emu.device, "--protocol", "glb", "--record", raw, "--json", report])
    emu.process.waitUntilExit()
    #expect(r.status == 0)
    #expect(r.stderr.contains("hung up"))
    #expect(bytes(raw) == bytes(emu.sent))
    let j = try json(report)
    let input = j["input"] as! [String: Any]
    #expect(abs((input["duration_s"] as! Double) - 20) < 0.5)
    #expect((j["steps"] as! [Any]).count > 40)
    // The decoded samples were kept as .glb next to the raw record.
    let glb = try gaitline(["inspect", dir.appendingPathComponent("cap.glb").path, "--json"])
    #expect(glb.stdout.contains("\"samples\": 4000"), "\(glb.stdout)")
  }

  /// A reader that opens the device late (a slow start on a loaded machine)
  /// still records every byte: the emulator waits for it to open. Without
  /// --wait-for-reader a 2-s late reader recorded 64 602 of 84 868 bytes.
  @Test func lateReaderGetsEveryByte() throws {
    let dir = temporaryDirectory()
    let emu = try Emulator.start(["--protocol", "text", "--seconds", "30", "--rate", "100", "--speed", "10"])
    defer { emu.stop() }
    Thread.sleep(forTimeInterval: 2)
    let raw = dir.appendingPathComponent("cap.raw").path
    let r = try gaitline(["stream", emu.device, "--protocol", "text", "--rate", "100", "--record", raw, "-q"])
    emu.process.waitUntilExit()
    #expect(r.status == 0, "\(r.stderr)")
    #expect(bytes(raw).count > 50_000)
    #expect(bytes(raw) == bytes(emu.sent), "the raw record holds every byte sent")
  }

  @Test func ctrlCFinishesCleanlyWithTheReport() throws {
    let dir = temporaryDirectory()
    let emu = try Emulator.start(["--protocol", "text", "--seconds", "120", "--rate", "100", "--speed", "1"])
    defer { emu.stop() }
    let raw = dir.appendingPathComponent("cap.raw").path
    let report = dir.appendingPathComponent("r.json").path
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = ["stream", emu.device, "--protocol", "text", "--rate", "100", "--record", raw, "--json", report]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    Thread.sleep(forTimeInterval: 4)
    p.interrupt()  // SIGINT, as Ctrl-C
    p.waitUntilExit()
    emu.process.terminate()
    emu.process.waitUntilExit()
    #expect(p.terminationStatus == 0)
    let j = try json(report)
    #expect(((j["input"] as! [String: Any])["warnings"] as! [String]).contains { $0.contains("interrupted") })
    let recorded = bytes(raw), sent = bytes(emu.sent)
    #expect(recorded.count > 1000)
    #expect(sent.starts(with: recorded), "the record is exactly what arrived before Ctrl-C")
  }

  /// Unplug and re-plug: the kernel reuses the freed pty number, so a second
  /// emulator appears at the same path as a re-plugged sensor would.
  @Test func reconnectAfterHangUp() throws {
    let dir = temporaryDirectory()
    let a = try Emulator.start(["--protocol", "glb", "--seconds", "30", "--rate", "100", "--speed", "1", "--hangup-after", "4"])
    defer { a.stop() }
    let report = dir.appendingPathComponent("r.json").path
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = ["stream", a.device, "--protocol", "glb", "--reconnect", "--duration", "14", "--json", report]
    let err = Pipe()
    p.standardOutput = FileHandle.nullDevice
    p.standardError = err
    try p.run()
    a.process.waitUntilExit()
    Thread.sleep(forTimeInterval: 1.5)
    let b = try Emulator.start(["--protocol", "glb", "--seconds", "6", "--rate", "100", "--speed", "1"])
    defer { b.stop() }
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    b.process.waitUntilExit()
    guard b.device == a.device else { return }  // another pty took the number: nothing to test
    #expect(p.terminationStatus == 0)
    #expect(stderr.contains("is back; resuming"))
    let j = try json(report)
    let gaps = (j["input"] as! [String: Any])["gaps"] as! [[String: Any]]
    #expect(gaps.count >= 1, "the time away is a gap")
    #expect((j["steps"] as! [Any]).count > 15)
  }

  @Test func portErrorsAreClear() throws {
    let plain = temporaryFile("not a tty", name: "file.txt")
    var r = try gaitline(["stream", plain, "--rate", "100"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("not a serial device"))
    r = try gaitline(["stream", "/dev/ttyUSB-gaitline-missing", "--rate", "100"])
    #expect(r.status == 66)
    #expect(r.stderr.contains("no such device"))
    r = try gaitline(["stream", "/dev/null", "--protocol", "witmotion"])
    #expect(r.status == 64)
    #expect(r.stderr.contains("--rate"))
    // Busy: a second reader of the same port.
    let emu = try Emulator.start(["--protocol", "text", "--seconds", "20", "--rate", "100", "--speed", "2"])
    defer { emu.stop() }
    let first = Process()
    first.executableURL = URL(fileURLWithPath: binary)
    first.arguments = ["stream", emu.device, "--rate", "100", "--duration", "4"]
    first.standardOutput = FileHandle.nullDevice
    first.standardError = FileHandle.nullDevice
    try first.run()
    Thread.sleep(forTimeInterval: 1)
    r = try gaitline(["stream", emu.device, "--rate", "100"])
    #expect(r.status != 0)
    #expect(r.stderr.contains("busy"))
    first.waitUntilExit()
    emu.process.terminate()
    emu.process.waitUntilExit()
  }
}
