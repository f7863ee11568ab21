//===--- IngestReport.swift -----------------------------------------------===//
// What a reader detected about its input, for `inspect` and the report.
//===----------------------------------------------------------------------===//
import GaitCore

/// How the samples of an input were interpreted: format, columns, units, time
/// base, and the data-quality record. Filled in as a reader goes; complete
/// once the reader returned its last block.
public struct IngestReport: Sendable, Hashable, Codable {
  /// `csv` or `glb`.
  public var format: String
  /// Source column (or channel) for each canonical channel, e.g. `ax: Acc_X`.
  public var columns: [String: String]
  /// `g`, `m/s2` or `mg`: the acceleration unit of the source.
  public var unitsDetected: String
  /// How the unit was decided: `header`, `gravity`, `option` or `format`; for a stream, also
  /// `protocol` (the protocol fixes it) or `nearest` (a text stream whose first lines fit no
  /// unit: the nearest was taken, and a warning says so).
  public var unitsSource: String
  /// `rad/s` or `deg/s` when a gyroscope is present.
  public var gyroUnits: String?
  /// `s`, `ms`, `us`, `iso8601`, `unix-s`, `unix-ms` or `none`.
  public var timestampUnit: String
  /// The rate the samples are put on, Hz (the rate of the output grid).
  public var sampleRateHz: Double
  /// Where the rate came from, for `inspect`: `timestamps`, `--rate`, a
  /// preamble line (`preamble line 2: Acquisition frequency: 100 Hz`) or, when
  /// `nil`, the format's own header (binary formats).
  public var rateSource: String?
  /// The rate measured from the timestamps over the whole input, Hz.
  public var measuredRateHz: Double?
  /// A commonly used rate within 0.5 % of the measured one, Hz.
  public var nominalRateHz: Double?
  /// Number of input records (rows, frames).
  public var records: Int
  /// Samples on the output grid.
  public var samples: Int
  /// Duration of the grid, seconds.
  public var durationS: Double
  /// Holes in time larger than a few samples; not filled.
  public var gaps: [Gap]
  /// Samples whose timing was irregular and were placed on the grid by linear
  /// interpolation between their neighbours.
  public var resampled: Bool
  /// Samples at the sensor's limit.
  public var clippedSamples: Int
  /// Damaged blocks skipped (binary formats).
  public var skippedBlocks: Int
  /// Byte offsets of damaged blocks that were skipped.
  public var skippedBlockOffsets: [Int]
  /// Things a user should know; each says what to do.
  public var warnings: [String]

  /// The warning of a two-axis body-frame file: it explains the missing
  /// mediolateral axis, so the analysis does not add its own note.
  public static let twoAxisBodyFrameWarning =
    "two-axis body-frame file (vertical + anteroposterior): no mediolateral axis, so lateral sway and left/right are not measured"

  /// An empty report for a reader of `format`.
  public init(format: String) {
    self.format = format
    columns = [:]
    unitsDetected = "m/s2"
    unitsSource = "format"
    gyroUnits = nil
    timestampUnit = "none"
    sampleRateHz = 0
    measuredRateHz = nil
    nominalRateHz = nil
    records = 0
    samples = 0
    durationS = 0
    gaps = []
    resampled = false
    clippedSamples = 0
    skippedBlocks = 0
    skippedBlockOffsets = []
    warnings = []
  }
}

extension IngestReport {
  /// Counts a block a source hands out: a jump in the sample index is a
  /// `Gap`; `nextIndex` advances to the block's end.
  public mutating func account(_ b: SampleBlock, rateHz: Double, nextIndex: inout Int) {
    if b.startIndex > nextIndex {
      gaps.append(Gap(resumeIndex: b.startIndex, startS: Double(nextIndex) / rateHz,
                      durationS: Double(b.startIndex - nextIndex) / rateHz, missingSamples: b.startIndex - nextIndex))
    }
    nextIndex = b.endIndex
    samples += b.count
    records += b.count
    durationS = Double(nextIndex) / rateHz
  }
}

/// Something that yields a recording block by block, so memory stays bounded
/// by the block size and not by the input's length.
public protocol SampleSource: AnyObject {
  /// What is known about the recording. Complete after the first block.
  var info: RecordingInfo { get }
  /// What was detected so far; final after ``nextBlock()`` returned `nil`.
  var report: IngestReport { get }
  /// The next block of samples, or `nil` at the end of the input.
  func nextBlock() throws -> SampleBlock?
}

extension SampleSource {
  /// Reads the rest of the input into one `Recording`.
  public func readAll() throws -> Recording {
    var blocks: [SampleBlock] = []
    while let block = try nextBlock() {
      if var last = blocks.last, last.endIndex == block.startIndex, last.hasGyroscope == block.hasGyroscope {
        last.ax += block.ax; last.ay += block.ay; last.az += block.az
        last.gx += block.gx; last.gy += block.gy; last.gz += block.gz
        blocks[blocks.count - 1] = last
      } else {
        blocks.append(block)
      }
    }
    return Recording(info: info, blocks: blocks, gaps: report.gaps, clippedSamples: report.clippedSamples)
  }
}

/// Rates that sensors commonly run at, Hz, used to name a nominal rate.
let commonSampleRatesHz: [Double] = [
  12.5, 25, 30, 31.25, 32, 40, 50, 52, 60, 62.5, 64, 80, 90, 100, 104, 120, 125, 128, 148, 150, 200,
  204.8, 208, 250, 256, 400, 416, 500, 512, 800, 833, 1000, 1024, 1600, 1666, 2000, 3200, 4000,
]

/// The common rate within 0.5 % of `measured`, if any.
func nominalRate(near measured: Double) -> Double? {
  commonSampleRatesHz.first { abs($0 - measured) / measured < 0.005 }
}
