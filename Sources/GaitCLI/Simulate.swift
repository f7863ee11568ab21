//===--- Simulate.swift ---------------------------------------------------===//
import ArgumentParser
import Foundation
import GaitCore
import GaitDSP
import GaitIngest
import GaitReport

struct Simulate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Generate a synthetic run with exactly known steps (for trying gaitline, tests and benchmarks).",
    discussion: """
      Writes --out as CSV (time_s,ax,ay,az in m/s²) or .glb, by extension. The vertical force \
      during stance is A·sin(πτ)^0.6, with braking then propulsion and alternating sway; the \
      sensor can be rotated. The true contacts go to --truth as ic_time_s,tc_time_s.
      """)

  @Option(help: "Output file (.csv or .glb).")
  var out: String

  @Option(help: "Duration, s.")
  var seconds: Double = 600

  @Option(help: "Sample rate, Hz.")
  var rate: Double = 100

  @Option(help: "Cadence, steps/min.")
  var cadence: Double = 172

  @Option(name: .customLong("contact-ms"), help: "Ground contact time, ms.")
  var contactMs: Double = 240

  @Option(help: "Sensor rotation as yaw,pitch,roll in degrees.")
  var rotate: String = "30,12,-8"

  @Option(help: "Also write the true contacts here (CSV).")
  var truth: String?

  func validate() throws {
    guard seconds > 0, seconds <= 7 * 86_400 else { throw ValidationError("--seconds must be between 0 and a week") }
    guard rate >= 1, rate <= 10_000 else { throw ValidationError("--rate must be between 1 and 10000 Hz") }
    guard cadence >= 60, cadence <= 300 else { throw ValidationError("--cadence must be 60–300 steps/min") }
    guard contactMs > 50, contactMs / 1000 < 60 / cadence else { throw ValidationError("--contact-ms must be shorter than a step") }
  }

  func run() throws {
    let angles = rotate.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard angles.count == 3 else { throw ValidationError("--rotate takes yaw,pitch,roll in degrees, e.g. 30,12,-8") }
    var synthetic = SyntheticRun(rateHz: rate, seconds: seconds, cadenceSpm: cadence, contactS: contactMs / 1000)
    synthetic.rotation = SyntheticRun.rotation(yawDeg: angles[0], pitchDeg: angles[1], rollDeg: angles[2])
    let rec = synthetic.recording()
    do {
      if out.lowercased().hasSuffix(".glb") {
        let w = try GLBWriter(path: out, info: rec.info)
        for b in rec.blocks { try w.write(b) }
        try w.close()
      } else {
        guard FileManager.default.createFile(atPath: out, contents: nil), let h = FileHandle(forWritingAtPath: out) else {
          throw IngestError(.writeFailed, "cannot create the file", path: out)
        }
        var text = "time_s,ax,ay,az\n"
        let b = rec.blocks[0]
        for i in 0..<b.count {
          text += String(format: "%.4f,%.4f,%.4f,%.4f\n", Double(i) / rate, b.ax[i], b.ay[i], b.az[i])
          if text.utf8.count > 1 << 20 { h.write(Data(text.utf8)); text = "" }
        }
        h.write(Data(text.utf8))
        try? h.close()
      }
      if let truth {
        var t = "ic_time_s,tc_time_s,side\n"
        for c in synthetic.contacts { t += String(format: "%.5f,%.5f,%@\n", c.ic, c.tc, c.side.rawValue) }
        try writeOutput(t, to: truth)
      }
    } catch {
      throw fail(error)
    }
  }
}
