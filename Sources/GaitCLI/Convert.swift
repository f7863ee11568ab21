//===--- Convert.swift ----------------------------------------------------===//
import ArgumentParser
import Foundation
import GaitCore
import GaitIngest
import GaitReport

struct Convert: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract: "Write any readable recording as .glb or as canonical CSV (time_s,ax,ay,az in m/s², gx,gy,gz in rad/s).",
    discussion: """
      The output type follows OUT's extension: .glb, or .csv. Samples stream through; memory stays flat. \
      A body-frame input (vertical and anteroposterior, perhaps mediolateral) is written as \
      time_s,acc_v_mps2,acc_ap_mps2[,acc_ml_mps2]; an input with a clock gets Unix-seconds time stamps.
      """)

  @Argument(help: "The recording to read.")
  var input: String

  @Argument(help: "The file to write (.glb or .csv).")
  var output: String

  @OptionGroup var inputOptions: InputOptions
  @OptionGroup var header: GLBHeaderOptions
  @OptionGroup var logging: OutputOptions

  func run() throws {
    AtomicOutputFile.removeTemporaryFilesOnTermination()
    do {
      let lower = output.lowercased()
      guard lower.hasSuffix(".glb") || lower.hasSuffix(".csv") else {
        throw IngestError(.invalidArgument, "the output must end in .glb or .csv", path: output)
      }
      // Never over the input (`convert a.csv a.csv`), never over a device
      // or FIFO; written to a temporary file renamed into place at the end.
      let protected = ProtectedPaths(inputs: [input])
      try protected.check(output: output, what: "the converted file")
      let source = try inputOptions.open(input)
      defer { describeInput(input, source.report, source.info) }
      if lower.hasSuffix(".glb") {
        var writer: GLBWriter?
        while let block = try source.nextBlock() {
          if writer == nil {
            writer = try GLBWriter(path: output, info: header.applied(to: source.info), protecting: protected)
          }
          try writer!.write(block)
        }
        try writer?.close()
        if let w = writer, w.clampedSamples > 0 {
          note("warning: \(w.clampedSamples) values exceeded the ±32 g range of the .glb and were clamped")
        }
      } else {
        let file = try AtomicOutputFile(path: output, protecting: protected, what: "the converted file")
        var text = ""
        // Gyroscope columns for the whole file when the input has them; a
        // block without (a stream whose gyroscope started late) gets zeros.
        var withGyro: Bool?
        // The columns keep the input's frame: a body-frame input (vertical,
        // anteroposterior[, mediolateral]) is written under the names the CSV
        // reader maps to that frame (acc_v_mps2, …), not as sensor axes, which
        // would be read back as a sensor-frame file and re-oriented. A clock
        // (the input's start time) is kept as Unix-seconds time stamps, which
        // the reader reads back as the start time.
        var accColumns = 3
        var start = 0.0
        while let block = try source.nextBlock() {
          let rate = source.info.sampleRateHz
          if withGyro == nil {
            let info = source.info
            withGyro = block.hasGyroscope || info.hasGyroscope
            start = info.startTimeUnixS ?? 0
            var names = ["time_s"]
            if info.frame == .body {
              names += ["acc_v_mps2", "acc_ap_mps2"] + (info.hasMediolateral ? ["acc_ml_mps2"] : [])
            } else {
              names += ["ax", "ay", "az"]
            }
            accColumns = names.count - 1
            if withGyro! { names += ["gx", "gy", "gz"] }
            text += names.joined(separator: ",") + "\n"
          }
          for i in 0..<block.count {
            let t = start + Double(block.startIndex + i) / rate
            text += accColumns == 3
              ? String(format: "%.6f,%.5f,%.5f,%.5f", t, block.ax[i], block.ay[i], block.az[i])
              : String(format: "%.6f,%.5f,%.5f", t, block.ax[i], block.ay[i])
            if withGyro == true {
              let has = block.gx.count > i
              text += String(format: ",%.6f,%.6f,%.6f", has ? block.gx[i] : 0, has ? block.gy[i] : 0, has ? block.gz[i] : 0)
            }
            text += "\n"
          }
          if text.utf8.count > 1 << 20 { try file.write(text); text = "" }
        }
        try file.write(text)
        try file.commit()
      }
    } catch {
      throw fail(error)
    }
  }
}

/// What `convert` records in a .glb header over what the input says.
struct GLBHeaderOptions: ParsableArguments {
  @Option(help: "Placement to record in a .glb header: hip or foot.")
  var placement: Placement?

  @Option(help: "Side to record in a .glb header: left or right.")
  var side: Side?

  /// `info` with the placement and side given, where given.
  func applied(to info: RecordingInfo) -> RecordingInfo {
    var info = info
    info.placement = placement ?? info.placement
    info.side = side ?? info.side
    return info
  }
}

extension Placement: ExpressibleByArgument {}
