//===--- Simulate.swift ---------------------------------------------------===//
import ArgumentParser
import Foundation
import GaitCore
import GaitDSP
import GaitIngest
import GaitReport
import GaitStream

struct Simulate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Generate a synthetic run with exactly known steps (for trying gaitline, tests and benchmarks).",
    discussion: """
      Writes --out as CSV (time_s,ax,ay,az in m/s²) or .glb, by extension. The vertical force \
      during stance is A·sin(πτ)^0.6 (plus an optional impact spike), with braking then propulsion \
      and alternating sway; --phases adds standing and walking; the sensor can be rotated (frames \
      and rotation order: docs/FRAMES.md). The true steps go to --truth as \
      ic_time_s,tc_time_s,side,kind,vo_cm (tc only for running steps; vo_cm is the exact per-step \
      vertical oscillation).

      With --serial it is a sensor emulator: it creates a pseudo-terminal, prints its path, and \
      plays the run (or --input, any recording gaitline reads) into it at real time in the chosen \
      --protocol, optionally injecting garbage, corrupted or dropped bytes, and hanging up.
      """)

  @Option(help: "Output file (.csv or .glb).")
  var out: String?

  @OptionGroup var emulator: EmulatorOptions
  @OptionGroup var shape: SyntheticRunOptions

  @Option(help: "Also write the true contacts here (CSV).")
  var truth: String?

  @OptionGroup var shank: ShankSimulationOptions
  @OptionGroup var dropouts: DropoutOptions
  @OptionGroup var outdoor: OutdoorOptions
  @OptionGroup var output: OutputOptions

  func validate() throws {
    if !emulator.serial && out == nil { throw ValidationError("give --out FILE, or --serial to emulate a sensor") }
    try shape.check()
    if shank.shank == nil {
      guard shape.contactTimeMs / 1000 < 60 / shape.cadenceSpm else { throw ValidationError("--contact-ms must be shorter than a step") }
    } else if emulator.serial {
      throw ValidationError("--shank writes a file: give --out FILE instead of --serial")
    }
    try dropouts.check(serial: emulator.serial, out: out)
  }

  func run() throws {
    if emulator.serial {
      return try emulator.emulate { try shape.syntheticRun(angles: shape.angles ?? [0, 0, 0], outdoor: outdoor).recording() }
    }
    guard let out else { throw ValidationError("give --out FILE, or --serial to emulate a sensor") }
    AtomicOutputFile.removeTemporaryFilesOnTermination()
    guard let angles = shape.angles else { throw ValidationError("--rotate takes yaw,pitch,roll in degrees, e.g. 30,12,-8") }
    let shankRun = try shank.syntheticShank(shape: shape, angles: angles)
    let synthetic = try shape.syntheticRun(angles: angles, outdoor: outdoor)
    let rec = shankRun?.recording() ?? synthetic.recording()
    do {
      // Written atomically; the truth table may not be the recording.
      let protected = ProtectedPaths(inputs: truth.map { [$0] } ?? [])
      if out.lowercased().hasSuffix(".glb") {
        let w = try GLBWriter(path: out, info: rec.info, protecting: protected)
        for b in rec.blocks { try w.write(b) }
        try w.close()
      } else {
        let f = try AtomicOutputFile(path: out, protecting: protected, what: "--out")
        let b = rec.blocks[0]
        var text = b.hasGyroscope ? "time_s,ax,ay,az,gx,gy,gz\n" : "time_s,ax,ay,az\n"
        let lost = dropouts.dropouts(rateHz: shape.rate)
        for i in 0..<b.count {
          if let lost, lost.drops(sample: i) { continue }
          text += String(format: "%.4f,%.4f,%.4f,%.4f", Double(i) / shape.rate, b.ax[i], b.ay[i], b.az[i])
          text += b.hasGyroscope ? String(format: ",%.5f,%.5f,%.5f\n", b.gx[i], b.gy[i], b.gz[i]) : "\n"
          if text.utf8.count > 1 << 20 { try f.write(text); text = "" }
        }
        try f.write(text)
        try f.commit()
      }
      if let truth, let shankRun {
        var t = "ic_time_s,tc_time_s,side,kind,vo_cm\n"
        let kind = shankRun.running ? "running" : "walking"
        for c in shankRun.contacts { t += String(format: "%.5f,%.5f,,", c.ic, c.tc) + "\(kind),\n" }
        try writeOutput(t, to: truth, protecting: ProtectedPaths(inputs: [out]), what: "--truth")
      } else if let truth {
        var t = "ic_time_s,tc_time_s,side,kind,vo_cm\n"
        for c in synthetic.trueSteps {
          let tc = c.kind == .running ? String(format: "%.5f", c.tcS) : ""
          let vo = c.kind == .landing ? "" : String(format: "%.4f", c.verticalOscillationCm)
          t += String(format: "%.5f,", c.icS) + "\(tc),\(c.side.rawValue),\(c.kind.rawValue),\(vo)\n"
        }
        try writeOutput(t, to: truth, protecting: ProtectedPaths(inputs: [out]), what: "--truth")
      }
    } catch {
      throw fail(error)
    }
  }
}

extension EmulatorOptions {
  /// Plays samples into a pseudo-terminal like a sensor on a USB serial port:
  /// those of `--input`, or else of the run `synthetic` makes.
  func emulate(synthetic: () throws -> Recording) throws {
    unblockTerminationSignals()
    let rec: Recording
    do {
      if let input {
        rec = try openRecording(path: input).readAll()
      } else {
        rec = try synthetic()
      }
    } catch {
      throw fail(error)
    }
    let pty = try PseudoTerminal()
    let watching = waitForReader && pty.watchForReader()
    writeLine(pty.slavePath)
    if watching, !pty.waitForReader(timeoutMs: 60_000) {
      note("no reader opened \(pty.slavePath) within 60 s; sending anyway")
    }
    note("emulating a \(streamProtocol.rawValue) sensor at \(rec.info.sampleRateHz) Hz on \(pty.slavePath)")
    var sentFile: FileHandle?
    if let sent {
      _ = FileManager.default.createFile(atPath: sent, contents: nil)
      sentFile = FileHandle(forWritingAtPath: sent)
    }
    if startDelay > 0 { usleep(UInt32(startDelay * 1_000_000)) }
    let rateHz = rec.info.sampleRateHz
    var header = GLBHeader(info: rec.info, samplesPerBlock: 32)
    header.info.placement = rec.info.placement
    var encoder = GLBEncoder(header: header)
    var chunk: [UInt8] = []
    if streamProtocol == .glb { chunk += header.encoded() }
    if streamProtocol == .text { chunk += Array("gaitline sensor emulator v1\r\nboot ok\r\n".utf8) }
    let start = ContinuousClock.now
    var sample = 0
    var blocksSent = 0
    var stalls = 0
    var garbageSeed: UInt64 = 0x2545_F491_4F6C_DD1D
    func garbage() -> [UInt8] {
      (0..<9).map { _ in
        garbageSeed ^= garbageSeed << 13; garbageSeed ^= garbageSeed >> 7; garbageSeed ^= garbageSeed << 17
        return UInt8(truncatingIfNeeded: garbageSeed)
      }
    }
    func send(_ bytes: [UInt8]) -> Bool {
      if let f = sentFile, (try? f.write(contentsOf: bytes)) == nil {
        // A test aid: losing it must not stop the emulator.
        try? f.close()
        sentFile = nil
        FileHandle.standardError.write(Data("gaitline: warning: cannot write --sent \(sent ?? ""); it ends early\n".utf8))
      }
      return pty.write(bytes)
    }
    let samplesPer10ms = max(1, Int(rateHz / 100))
    outer: for block in rec.blocks {
      var i = 0
      while i < block.count {
        let n = streamProtocol == .glb ? min(32, block.count - i) : min(samplesPer10ms, block.count - i)
        var frame: [UInt8] = []
        switch streamProtocol {
        case .glb:
          if blocksSent % 32 == 0 && blocksSent > 0 { frame += header.encoded() }
          _ = encoder.encodeBlock(block, from: i, into: &frame)
          blocksSent += 1
        case .text:
          for k in i..<(i + n) {
            let ms = Int((Double(block.startIndex + k) * 1000 / rateHz).rounded())
            frame += StreamEncoder.textLine(milliseconds: ms, ax: block.ax[k], ay: block.ay[k], az: block.az[k])
          }
        case .witmotion:
          for k in i..<(i + n) {
            let g = block.hasGyroscope ? SIMD3(block.gx[k], block.gy[k], block.gz[k]) : nil
            frame += StreamEncoder.witMotion(ax: block.ax[k], ay: block.ay[k], az: block.az[k], gyro: g)
          }
        }
        let before = sample
        sample += n
        func crosses(_ every: Int?) -> Bool { every.map { $0 > 0 && before / $0 != sample / $0 } ?? false }
        if crosses(corruptEvery), frame.count > 12 { frame[frame.count / 2] ^= 0x10 }
        if crosses(dropEvery), frame.count > 2 { frame.remove(at: frame.count / 3) }
        if crosses(garbageEvery) { frame = garbage() + frame }
        if partialStart && before == 0 { frame = Array(frame[(frame.count / 2)...]) + frame }
        chunk += frame
        if let stallEvery, stallEvery > 0, Int(Double(before) / rateHz / stallEvery) != Int(Double(sample) / rateHz / stallEvery) {
          // The device freezes: nothing is sent for the stall, and the
          // samples of that time are never sent (the pacing below waits).
          _ = send(chunk)
          chunk.removeAll(keepingCapacity: true)
          let lost = min(Int(stallFor * rateHz), block.count - i - n)
          i += lost
          sample += lost
          stalls += 1
        }
        if let hangupAfter, Double(sample) / rateHz >= hangupAfter {
          _ = send(chunk)
          chunk.removeAll()
          break outer
        }
        // Real-time pacing: send once this chunk's time has come.
        if speed > 0 {
          let due = start + .milliseconds(Int64(Double(sample) / rateHz / speed * 1000))
          let now = ContinuousClock.now
          if due > now || chunk.count > 4096 {
            guard send(chunk) else { break outer }
            chunk.removeAll(keepingCapacity: true)
            if due > now { Thread.sleep(forTimeInterval: Double((due - now).components.attoseconds) * 1e-18 + Double((due - now).components.seconds)) }
          }
        } else if chunk.count > 4096 {
          guard send(chunk) else { break outer }
          chunk.removeAll(keepingCapacity: true)
        }
        i += n
      }
    }
    if !chunk.isEmpty { _ = send(chunk) }
    try? sentFile?.close()
    // Let the reader drain what is buffered in the pty, then hang up.
    usleep(500_000)
    pty.hangUp()
    note("emulator sent \(sample) samples\(stalls > 0 ? " (\(stalls) stalls)" : "") and hung up")
  }
}

/// `simulate --serial`: the emulated sensor, and the faults it injects.
struct EmulatorOptions: ParsableArguments {
  @Flag(help: "Emulate a sensor on a pseudo-terminal instead of writing a file.")
  var serial = false

  @Option(name: .customLong("protocol"), help: "With --serial: text, glb or witmotion.")
  var streamProtocol: StreamProtocol = .text

  @Option(help: "With --serial: play this recording instead of a synthetic run.")
  var input: String?

  // `--speed` is the old spelling: it meant m/s in `analyze` and playback
  // speed here, so the name is now `--playback-speed`, with `--speed` kept.
  @Option(name: [.customLong("playback-speed"), .customLong("speed")],
          help: "With --serial: playback speed (1 = real time, 0 = as fast as possible; --speed is the old spelling).")
  var speed: Double = 1

  @Option(name: .customLong("start-delay"), help: "With --serial: seconds to wait before sending.")
  var startDelay: Double = 1

  @Flag(name: .customLong("wait-for-reader"), help: "With --serial: wait (up to 60 s) until a reader opens the device, then --start-delay, then send; a reader flushes what arrived before it opened.")
  var waitForReader = false

  @Option(name: .customLong("garbage-every"), help: "With --serial: insert 9 garbage bytes every N samples.")
  var garbageEvery: Int?

  @Option(name: .customLong("corrupt-every"), help: "With --serial: flip a bit in one frame every N samples.")
  var corruptEvery: Int?

  @Option(name: .customLong("drop-every"), help: "With --serial: drop one byte every N samples.")
  var dropEvery: Int?

  @Option(name: .customLong("hangup-after"), help: "With --serial: hang up after this many seconds of data.")
  var hangupAfter: Double?

  @Option(name: .customLong("stall-every"), help: "With --serial: every this many seconds of data the sensor stalls (see --stall-for).")
  var stallEvery: Double?

  @Option(name: .customLong("stall-for"), help: "With --serial: a stall lasts this many seconds of data, which are lost (the device stopped sampling).")
  var stallFor: Double = 2

  @Option(help: "With --serial: also write every byte sent to this file.")
  var sent: String?

  @Flag(name: .customLong("partial-start"), help: "With --serial: begin mid-frame, as when a reader connects to a running sensor.")
  var partialStart = false
}

/// The synthetic run: its length, rate, pace, mounting and signal shape.
struct SyntheticRunOptions: ParsableArguments {
  @Option(help: "Duration, s.")
  var seconds: Double = 600

  @Option(help: "Sample rate, Hz.")
  var rate: Double = 100

  @Option(help: "Cadence, steps/min (default 172; with --shank run 162, with --shank walk 111).")
  var cadence: Double?

  @Option(name: .customLong("contact-ms"), help: "Ground contact time, ms (default 240; with --shank run 250, with --shank walk 680).")
  var contactMs: Double?

  /// `--cadence`, or the sacrum run's default.
  var cadenceSpm: Double { cadence ?? 172 }
  /// `--contact-ms`, or the sacrum run's default.
  var contactTimeMs: Double { contactMs ?? 240 }

  @Option(help: "Sensor mounting as yaw,pitch,roll in degrees (docs/FRAMES.md: intrinsic yaw about up, then pitch about left — positive tilts the sensor's up axis forward — then roll about forward).")
  var rotate: String = "30,12,-8"

  @Option(help: "What happens when, instead of one run: comma-separated stand:SECONDS, run:SECONDS:SPM:CONTACT_MS, walk:SECONDS:SPM (e.g. stand:10,run:60:172:240,walk:30:110,stand:10). Stances are then impulse-balanced, so vertical oscillation is exact.")
  var phases: String?

  @Option(name: .customLong("near-far-ratio"), help: "Stance peak of the near leg over the far leg's at equal impulse (a belt clip on one side).")
  var nearFarRatio: Double = 1

  @Option(name: .customLong("impact-spike"), help: "Impact spike of each running stance (0 = single hump; 1–3 = double-humped).")
  var impactSpike: Double = 0

  @Option(name: .customLong("step-asymmetry"), help: "Step-time asymmetry a: near-leg steps last (1+a)× the mean, far-leg ones (1−a)×.")
  var stepAsymmetry: Double = 0

  @Option(name: .customLong("step-variability"), help: "Step-to-step variability of step time (coefficient of variation, e.g. 0.03); 0 = metronomic.")
  var stepVariability: Double = 0

  @Option(name: .customLong("noise-g"), help: "Sensor noise: uniform ± this many g on each axis.")
  var noiseG: Double = 0.01

  @Option(name: .customLong("lean-deg"), help: "True forward trunk lean while moving, degrees (standing is upright).")
  var leanDeg: Double = 0

  @Option(name: .customLong("clip-g"), help: "Sensor range: each axis saturates at ± this many g.")
  var clipG: Double?

  /// The synthetic run the options describe.
  func syntheticRun(angles: [Double], outdoor: OutdoorOptions) throws -> SyntheticRun {
    var synthetic = SyntheticRun(rateHz: rate, seconds: seconds, cadenceSpm: cadenceSpm, contactS: contactTimeMs / 1000)
    if let phases {
      var list: [SyntheticRun.Phase] = []
      for item in phases.split(separator: ",") {
        let f = item.split(separator: ":").map(String.init)
        let n = f.dropFirst().compactMap { Double($0) }
        switch (f.first, n.count) {
        case ("stand", 1) where n[0] > 0: list.append(.standing(seconds: n[0]))
        case ("run", 3) where n[0] > 0 && n[1] >= 60 && n[1] <= 300 && n[2] > 50 && n[2] / 1000 < 60 / n[1]:
          list.append(.running(seconds: n[0], cadenceSpm: n[1], contactS: n[2] / 1000))
        case ("walk", 2) where n[0] > 0 && n[1] >= 40 && n[1] <= 200: list.append(.walking(seconds: n[0], cadenceSpm: n[1]))
        default:
          throw ValidationError("--phases: '\(item)' is not stand:SECONDS, run:SECONDS:SPM:CONTACT_MS or walk:SECONDS:SPM")
        }
      }
      synthetic = SyntheticRun(rateHz: rate, phases: list)
    }
    synthetic.rotation = SyntheticRun.rotation(yawDeg: angles[0], pitchDeg: angles[1], rollDeg: angles[2])
    synthetic.nearFarPeakRatio = nearFarRatio
    synthetic.impactSpike = impactSpike
    synthetic.stepAsymmetry = stepAsymmetry
    synthetic.stepVariability = stepVariability
    synthetic.noiseG = noiseG
    synthetic.leanDeg = leanDeg
    synthetic.clipG = clipG
    outdoor.apply(to: &synthetic)
    return synthetic
  }

  /// The ranges of the options, in the order `simulate` has always checked them.
  func check() throws {
    guard seconds > 0, seconds <= 7 * 86_400 else { throw ValidationError("--seconds must be between 0 and a week") }
    guard rate >= 1, rate <= 10_000 else { throw ValidationError("--rate must be between 1 and 10000 Hz") }
    guard cadenceSpm >= 60, cadenceSpm <= 300 else { throw ValidationError("--cadence must be 60–300 steps/min") }
    guard contactTimeMs > 50 else { throw ValidationError("--contact-ms must be above 50 ms") }
    guard stepVariability >= 0, stepVariability <= 0.1 else { throw ValidationError("--step-variability must be 0–0.1") }
    guard noiseG >= 0, noiseG <= 0.5 else { throw ValidationError("--noise-g must be 0–0.5 g") }
  }

  /// `--rotate` as yaw, pitch, roll in degrees, or `nil` when it is not three numbers.
  var angles: [Double]? {
    let angles = rotate.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    return angles.count == 3 ? angles : nil
  }
}

/// A shank (tibia) sensor instead of a sacrum one, and how its signal is made.
struct ShankSimulationOptions: ParsableArguments {
  @Option(help: "Simulate a shank (tibia) sensor of one leg instead of a sacrum: run or walk (tibial impact, swing rotation of gravity; --rate, --seconds, --cadence, --contact-ms, --rotate and --clip-g apply; the truth lists that leg's contacts).")
  var shank: String?

  @Flag(help: "With --shank: also write a gyroscope (gx, gy, gz in rad/s; the tibia's sagittal angular velocity, minima at contact and toe-off, mid-swing peak).")
  var gyro = false

  @Option(name: .customLong("impact-rise-ms"), help: "With --shank: the impact's tangential jump rises gradually over this many ms after each true contact (0: a step at contact).")
  var impactRiseMs: Double = 0

  @Option(name: .customLong("radius-m"), help: "With --shank: knee-to-sensor distance, m (default 0.3). 0 removes the swing's tangential acceleration, whose step at contact (about 2.5 g running) is an exact onset cue no real tibia shows.")
  var radiusM: Double?

  @Option(name: .customLong("posterior-spike-ms"), help: "With --shank: the impact reads on the forward axis as a posterior spike this many ms after each true contact (the feature of Purcell 2006's initial contact; 17.4 = Kiernan 2023's mean latency). Default: no spike, the forward share follows the axial transient.")
  var posteriorSpikeMs: Double?

  /// The shank run these options ask for with `shape`'s rate, length,
  /// mounting and range, or `nil` without `--shank`; throws on an option
  /// given without `--shank` or out of its range.
  func syntheticShank(shape: SyntheticRunOptions, angles: [Double]) throws -> SyntheticShank? {
    guard let shank else {
      if gyro { throw ValidationError("--gyro needs --shank run or --shank walk") }
      if impactRiseMs != 0 || radiusM != nil || posteriorSpikeMs != nil {
        throw ValidationError("--impact-rise-ms, --radius-m and --posterior-spike-ms need --shank run or --shank walk")
      }
      return nil
    }
    guard ["run", "walk"].contains(shank.lowercased()) else { throw ValidationError("--shank takes run or walk, not '\(shank)'") }
    var s = SyntheticShank(rateHz: shape.rate, running: shank.lowercased() == "run", seconds: shape.seconds)
    s.rotation = SyntheticRun.rotation(yawDeg: angles[0], pitchDeg: angles[1], rollDeg: angles[2])
    s.rangeG = shape.clipG
    s.gyroscope = gyro
    // A stride is two steps; walking contacts overlap (double support), so
    // only the stride bounds the contact.
    if let cadence = shape.cadence {
      guard s.running ? (120...240).contains(cadence) : (60...160).contains(cadence) else {
        throw ValidationError("--cadence with --shank \(shank.lowercased()) takes \(s.running ? "120–240" : "60–160") steps/min")
      }
      s.strideS = 120 / cadence
    }
    if let contactMs = shape.contactMs { s.contactS = contactMs / 1000 }
    guard s.contactS < 0.8 * s.strideS else {
      throw ValidationError(String(format: "--contact-ms must be under 80 %% of a stride (%.0f ms at this cadence)", 1000 * s.strideS))
    }
    guard impactRiseMs >= 0, impactRiseMs <= 100 else { throw ValidationError("--impact-rise-ms takes 0 to 100 ms") }
    s.impactRiseS = impactRiseMs / 1000
    if let radiusM {
      guard radiusM >= 0, radiusM <= 1 else { throw ValidationError("--radius-m takes 0 to 1 m") }
      s.radiusM = radiusM
    }
    if let posteriorSpikeMs {
      guard posteriorSpikeMs >= 0, posteriorSpikeMs <= 100 else { throw ValidationError("--posterior-spike-ms takes 0 to 100 ms") }
      s.posteriorSpikeDelayS = posteriorSpikeMs / 1000
    }
    return s
  }
}

/// Samples lost as a logger loses packets (CSV output only).
struct DropoutOptions: ParsableArguments {
  @Option(name: .customLong("dropout-every"), help: "Sensor dropouts (CSV output): every this many seconds, samples go missing for --dropout-for seconds and the time column jumps (a logger losing packets); the truth keeps the steps taken meanwhile.")
  var dropoutEvery: Double?

  @Option(name: .customLong("dropout-for"), help: "With --dropout-every: seconds of samples lost at each dropout.")
  var dropoutFor: Double = 2

  /// Throws when the dropouts cannot be written: a bad length, or output
  /// that is not a CSV file.
  func check(serial: Bool, out: String?) throws {
    guard let every = dropoutEvery else { return }
    guard dropoutFor > 0, every > dropoutFor else { throw ValidationError("--dropout-for must be above 0 and shorter than --dropout-every") }
    guard !serial, out?.lowercased().hasSuffix(".glb") != true else { throw ValidationError("--dropout-every needs CSV output (--out FILE.csv)") }
  }

  /// The dropouts at `rateHz`, or `nil` without `--dropout-every`.
  func dropouts(rateHz: Double) -> SyntheticDropouts? {
    dropoutEvery.map { SyntheticDropouts(everyS: $0, forS: dropoutFor, rateHz: rateHz) }
  }
}

/// Outdoor messiness (issue 13's red-team): pace drift, belt bounce, mounting drift.
struct OutdoorOptions: ParsableArguments {
  @Option(name: .customLong("cadence-drift"), help: "Gradual pace change: each running phase's cadence drifts linearly by this many steps/min from its start to its end (duty factor kept).")
  var cadenceDrift: Double = 0

  @Option(name: .customLong("resonance-g"), help: "Belt bounce: each running contact starts a damped vertical oscillation of this amplitude, g (damping ratio 0.15).")
  var resonanceG: Double = 0

  @Option(name: .customLong("resonance-hz"), help: "Frequency of the belt bounce, Hz.")
  var resonanceHz: Double = 20

  @Option(name: .customLong("orientation-drift"), help: "The mounting pitches forward by this many degrees, linearly over the recording (a belt that rotates).")
  var orientationDrift: Double = 0

  /// Sets these on `synthetic`.
  func apply(to synthetic: inout SyntheticRun) {
    synthetic.cadenceDriftSpm = cadenceDrift
    synthetic.resonanceG = resonanceG
    synthetic.resonanceHz = resonanceHz
    synthetic.orientationDriftDeg = orientationDrift
  }
}
