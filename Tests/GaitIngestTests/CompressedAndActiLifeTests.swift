//===--- CompressedAndActiLifeTests.swift ---------------------------------===//
// gzip-compressed inputs (compressed here with the system zlib, so the
// fixtures are generated, not committed), ActiLife RAW CSV preambles
// (synthetic lines in ActiLife's layout), and the bounded gap summary.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
import GaitTestSupport
import Testing

@testable import GaitIngest

/// A 100 Hz CSV with a time column and `rows` rows of varied values (so
/// that it does not compress to almost nothing).
func syntheticCSV(rows: Int) -> String {
  var s = "time_s,ax,ay,az\n"
  var x: UInt64 = 0x9E37_79B9_7F4A_7C15
  for i in 0..<rows {
    x = x &* 6364136223846793005 &+ 1442695040888963407
    let n = Double(x >> 40) / Double(1 << 24) - 0.5
    s += String(format: "%.2f,%.4f,%.4f,%.4f\n", Double(i) / 100, 0.1 * sin(Double(i) / 7) + 0.05 * n, 0.2 * n, 1 + 0.3 * sin(Double(i) / 3.7))
  }
  return s
}

func errorOf(_ body: () throws -> Void) -> IngestError? {
  do { try body(); return nil } catch let e as IngestError { return e } catch { return nil }
}

@Suite struct GzipInputs {
  @Test func compressedCSVReadsTheSameSamplesAsThePlainFile() throws {
    // ~12 000 rows: the compressed file spans several 64 KiB input reads.
    let text = syntheticCSV(rows: 12_000)
    let plain = temporaryFile(text, name: "run.csv")
    let gz = temporaryFile(bytes: gzipped(Array(text.utf8)), name: "run.csv.gz")
    #expect((try FileManager.default.attributesOfItem(atPath: gz)[.size] as? Int ?? 0) > 1 << 16)
    let a = try openRecording(path: plain)
    let b = try openRecording(path: gz)
    let ra = try a.readAll(), rb = try b.readAll()
    #expect(rb.blocks == ra.blocks)
    #expect(rb.info == ra.info)
    #expect(b.report.samples == 12_000)
    #expect(b.report.sampleRateHz == a.report.sampleRateHz)
    #expect(b.report.columns == a.report.columns)
  }

  @Test func gzipIsFoundByItsMagicBytesWhateverTheName() throws {
    let text = syntheticCSV(rows: 500)
    let path = temporaryFile(bytes: gzipped(Array(text.utf8)), name: "export.dat")
    #expect(isGzipFile(path: path))
    let r = try openRecording(path: path)
    #expect(try r.readAll().blocks.reduce(0) { $0 + $1.count } == 500)
    #expect(!isGzipFile(path: temporaryFile(text, name: "plain.csv.gz")))
  }

  @Test func rowErrorsNameTheLineOfTheDecompressedText() throws {
    var lines = syntheticCSV(rows: 3_000).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[2_345 - 1] = "23.43,0.1,abc,1.0"  // line 2345 of the text
    let path = temporaryFile(bytes: gzipped(Array(lines.joined(separator: "\n").utf8)), name: "bad-row.csv.gz")
    let e = errorOf { _ = try openRecording(path: path).readAll() }
    #expect(e?.line == 2_345)
    #expect(e?.path == path)
  }

  @Test func truncatedGzipFailsWithItsByteOffset() throws {
    let whole = gzipped(Array(syntheticCSV(rows: 8_000).utf8))
    let cut = Array(whole.prefix(whole.count * 2 / 3))
    let path = temporaryFile(bytes: cut, name: "cut.csv.gz")
    let e = errorOf { _ = try openRecording(path: path).readAll() }
    #expect(e?.code == .truncated)
    #expect(e?.byteOffset == cut.count)
    #expect(e?.path == path)
    #expect(e?.message.contains("cut short") == true)
    // Cut inside the 8-byte trailer (CRC-32, size): still truncated, not a silent success.
    let trailerCut = temporaryFile(bytes: Array(whole.dropLast(3)), name: "trailer.csv.gz")
    #expect(errorOf { _ = try openRecording(path: trailerCut).readAll() }?.code == .truncated)
  }

  @Test func corruptGzipFailsWithItsByteOffset() throws {
    var bytes = gzipped(Array(syntheticCSV(rows: 8_000).utf8))
    bytes[bytes.count - 6] ^= 0xFF  // the CRC-32 in the trailer
    let path = temporaryFile(bytes: bytes, name: "crc.csv.gz")
    let e = errorOf { _ = try openRecording(path: path).readAll() }
    #expect(e?.code == .corrupt)
    #expect(e?.byteOffset != nil)
    #expect(e?.message.contains("corrupt") == true)
    // Junk after the stream is not silently ignored.
    let junk = temporaryFile(bytes: gzipped(Array(syntheticCSV(rows: 200).utf8)) + Array("trailing junk".utf8), name: "junk.csv.gz")
    #expect(errorOf { _ = try openRecording(path: junk).readAll() }?.code == .corrupt)
  }

  @Test func concatenatedMembersReadAsOneStream() throws {
    let text = syntheticCSV(rows: 1_000)
    let lines = text.split(separator: "\n").map { $0 + "\n" }
    let first = lines.prefix(400).joined(), second = lines.dropFirst(400).joined()
    let path = temporaryFile(bytes: gzipped(Array(first.utf8)) + gzipped(Array(second.utf8)), name: "cat.csv.gz")
    let rec = try openRecording(path: path).readAll()
    #expect(rec.blocks.reduce(0) { $0 + $1.count } == 1_000)
  }

  @Test func deviceFormatsInsideGzipAreRefusedWithWhatToDo() throws {
    for ext in ["gt3x", "cwa", "glb"] {
      let path = temporaryFile(bytes: gzipped([0x50, 0x4B, 0x03, 0x04, 1, 2, 3]), name: "rec.\(ext).gz")
      let e = errorOf { _ = try openRecording(path: path) }
      #expect(e?.code == .unsupportedEncoding)
      #expect(e?.message.contains("gunzip -k") == true, "\(ext)")
    }
    #expect(recordingExtension(of: "/a/b/Run.CSV.GZ") == "csv")
    #expect(nameInsideGzip("x.cwa.gzip") == "x.cwa")
  }
}

/// ActiLife's RAW CSV preamble, in its layout (values invented).
func actiLifeCSV(rateHz: Int = 30, dateFormat: String = "M/d/yyyy", startDate: String = "12/20/2021",
                 epoch: String = "00:00:00", rows: Int = 900) -> String {
  var s = "------------ Data File Created By ActiGraph GT3X+ ActiLife v6.13.4 Firmware v2.5.0 date format \(dateFormat) at \(rateHz) Hz  Filter Normal -----------\r\n"
  s += "Serial Number: NEO0000000000\r\nStart Time 11:55:00\r\nStart Date \(startDate)\r\nEpoch Period (hh:mm:ss) \(epoch)\r\n"
  s += "Download Time 12:09:58\r\nDownload Date \(startDate)\r\nCurrent Memory Address: 0\r\n"
  s += "Current Battery Voltage: 4.26     Mode = 12\r\n--------------------------------------------------\r\n"
  s += "Accelerometer X,Accelerometer Y,Accelerometer Z\r\n"
  for i in 0..<rows {
    s += String(format: "%.3f,%.3f,%.3f\r\n", 0.2 * sin(Double(i) / 5), 0.1 * cos(Double(i) / 3), -1 + 0.3 * sin(Double(i) / 4))
  }
  return s
}

@Suite struct ActiLifeCSVExport {
  @Test func rawExportTakesRateStartAndUnitsFromThePreamble() throws {
    let path = temporaryFile(actiLifeCSV(), name: "neo.csv")
    let (rec, report) = try read(path)
    #expect(report.sampleRateHz == 30)
    #expect(report.rateSource?.hasPrefix("preamble line 1:") == true)
    #expect(report.unitsDetected == "g")
    #expect(report.unitsSource == "format")
    #expect(report.samples == 900)
    // 2021-12-20 11:55:00 on the device's clock, kept as if UTC.
    #expect(rec.info.startTimeUnixS == 1_640_001_300)
    #expect(report.warnings.contains { $0.contains("local wall-clock") })
    // First sample: -1 g on z → -9.80665 m/s².
    #expect(abs(Double(rec.blocks[0].az[0]) + 9.80665) < 1e-4)
  }

  @Test func dateFormatStatedInTheBannerIsFollowed() throws {
    let path = temporaryFile(actiLifeCSV(rateHz: 100, dateFormat: "d/M/yyyy", startDate: "20/12/2021"), name: "dm.csv")
    let (rec, report) = try read(path)
    #expect(report.sampleRateHz == 100)
    #expect(rec.info.startTimeUnixS == 1_640_001_300)
    #expect(ActiLifePreamble.date("2021-12-20", format: "yyyy-MM-dd") == 1_639_958_400)
    #expect(ActiLifePreamble.date("31/2/2021", format: "d/M/yyyy") == nil)
  }

  @Test func epochExportIsRefused() throws {
    let path = temporaryFile(actiLifeCSV(epoch: "00:01:00"), name: "epoch.csv")
    let e = readError(path)
    #expect(e?.code == .noRawSamples)
    #expect(e?.line == 5)
    #expect(e?.message.contains("epoch") == true)
  }

  @Test func gzippedActiLifeExportReads() throws {
    let path = temporaryFile(bytes: gzipped(Array(actiLifeCSV(rows: 3_000).utf8)), name: "raw.csv.gz")
    let r = try openRecording(path: path)
    let rec = try r.readAll()
    #expect(r.report.sampleRateHz == 30)
    #expect(rec.blocks.reduce(0) { $0 + $1.count } == 3_000)
  }

  @Test func aPlainCSVWithoutTheBannerIsUnchanged() throws {
    let e = readError(temporaryFile("x,y,z\n0,0,1\n0,0,1\n0,0,1\n0,0,1\n", name: "plain.csv"))
    #expect(e?.code == .badTimestamps)
  }
}

@Suite struct GapSummaryLine {
  @Test func fewGapsAreAllListed() {
    let gaps = [Gap(resumeIndex: 10, startS: 1, durationS: 0.5, missingSamples: 50), Gap(resumeIndex: 90, startS: 8, durationS: 2, missingSamples: 200)]
    #expect(gapSummary([]) == "none")
    #expect(gapSummary(gaps) == "0.500 s at 1.000 s; 2.000 s at 8.000 s")
  }

  @Test func manyGapsAreCountedWithTheLongestAndFirst() {
    // 492 gaps of 1..492 s, the longest in the middle.
    var gaps: [Gap] = []
    for k in 0..<492 {
      let seconds: Int = k < 246 ? k + 1 : 738 - k
      gaps.append(Gap(resumeIndex: k * 1000, startS: Double(k * 1000), durationS: Double(seconds), missingSamples: 1))
    }
    let line = gapSummary(gaps)
    let total = gaps.reduce(0) { $0 + $1.durationS }
    #expect(line.hasPrefix(String(format: "492 gaps, %.1f s in all; longest: ", total)))
    #expect(line.contains("longest: 492.000 s at 246000.000 s; 491.000 s at 247000.000 s; 490.000 s at 248000.000 s;"))
    #expect(line.contains("first: 1.000 s at 0.000 s; 2.000 s at 1000.000 s; 3.000 s at 2000.000 s"))
    #expect(line.count < 300)
  }
}
