import Foundation
import GaitCore
import GaitTestSupport
import Testing

@testable import GaitIngest

/// Reads a whole file and returns the recording and the report.
func read(_ path: String, _ options: CSVOptions = CSVOptions()) throws -> (Recording, IngestReport) {
  let reader = try CSVReader(path: path, options: options)
  let rec = try reader.readAll()
  return (rec, reader.report)
}

/// The error a read throws, or nil.
func readError(_ path: String, _ options: CSVOptions = CSVOptions()) -> IngestError? {
  do {
    _ = try read(path, options)
    return nil
  } catch let e as IngestError {
    return e
  } catch {
    return nil
  }
}

@Suite struct RealExports {
  struct Expectation: Sendable, CustomStringConvertible {
    var file: String
    var rateHz: Double
    var units: String
    var timestampUnit: String
    var durationS: Double
    var samples: Int
    var frame: AxisFrame
    var gyro: String?
    var description: String { file }
  }

  static let files: [Expectation] = {
    var list = (0...30).map { k in
      Expectation(file: String(format: "alcantara-sacrum-run/trial_%02d.csv", k), rateHz: 500, units: "g",
                  timestampUnit: "s", durationS: 4.96, samples: 2480, frame: .body, gyro: nil)
    }
    list.append(Expectation(file: "alcantara-sacrum-run/sample_test_raw.csv", rateHz: 512.5368, units: "m/s2",
                            timestampUnit: "s", durationS: 5.781, samples: 2963, frame: .sensor, gyro: nil))
    list.append(Expectation(file: "pyshoe-foot-run/2017-11-27-11-11-24_imu.csv", rateHz: 200, units: "m/s2",
                            timestampUnit: "s", durationS: 21.01, samples: 4202, frame: .sensor, gyro: "rad/s"))
    list.append(Expectation(file: "mobgap-lowerback-walk/HA_001_Test5_Trial1_lowerback.csv", rateHz: 100, units: "g",
                            timestampUnit: "s", durationS: 12.46, samples: 1246, frame: .sensor, gyro: "deg/s"))
    list.append(Expectation(file: "mobgap-lowerback-walk/MS_001_Test5_Trial2_lowerback.csv", rateHz: 100, units: "g",
                            timestampUnit: "s", durationS: 11.15, samples: 1115, frame: .sensor, gyro: "deg/s"))
    return list
  }()

  @Test(arguments: files)
  func detectsRateUnitsAndDuration(_ e: Expectation) throws {
    let (rec, report) = try read(sampleData(e.file))
    #expect(abs(report.sampleRateHz - e.rateHz) < 0.001 * e.rateHz)
    #expect(report.unitsDetected == e.units)
    #expect(report.timestampUnit == e.timestampUnit)
    #expect(abs(report.durationS - e.durationS) < 0.01)
    #expect(report.samples == e.samples)
    #expect(rec.sampleCount == e.samples)
    #expect(rec.info.frame == e.frame)
    #expect(report.gyroUnits == e.gyro)
    #expect(report.gaps.isEmpty)
  }

  @Test func twoAxisBodyFrameFileKeepsItsValues() throws {
    let (rec, _) = try read(sampleData("alcantara-sacrum-run/trial_00.csv"))
    // First row: 0.000000,2.261658,-0.414198,2.003655 (g).
    #expect(abs(rec.blocks[0].ax[0] - 2.261658 * standardGravity) < 1e-4)
    #expect(abs(rec.blocks[0].ay[0] - -0.414198 * standardGravity) < 1e-4)
    #expect(rec.blocks[0].az[0] == 0)
    #expect(rec.info.hasMediolateral == false)
  }

  @Test func jitteryTimestampsAreResampledToTheMeasuredRate() throws {
    let (_, report) = try read(sampleData("pyshoe-foot-run/2017-11-27-11-11-24_imu.csv"))
    #expect(report.resampled)
    #expect(abs(report.measuredRateHz! - 200) < 0.1)
    #expect(report.nominalRateHz == 200)
  }

  @Test(arguments: [7, 64, 4096])
  func blockSizeDoesNotChangeSamples(blockSize: Int) throws {
    let path = sampleData("pyshoe-foot-run/2017-11-27-11-11-24_imu.csv")
    let (whole, _) = try read(path)
    let (split, _) = try read(path, CSVOptions(blockSize: blockSize))
    #expect(split.blocks.count == 1)
    #expect(split.blocks[0] == whole.blocks[0])
  }
}

@Suite struct ExportVariants {
  @Test func semicolonsDecimalCommasPreambleAndMilliseconds() throws {
    var text = "Device: XYZ logger v2\r\nTimestamp (ms);Acc_X (g);Acc_Y (g);Acc_Z (g)\r\n"
    for i in 0..<500 { text += "\(i * 10);0,01;\(i % 2 == 0 ? "0,02" : "-0,02");1,0\r\n" }
    let (rec, report) = try read(temporaryFile(text))
    #expect(report.sampleRateHz == 100)
    #expect(report.timestampUnit == "ms")
    #expect(report.unitsDetected == "g")
    #expect(report.unitsSource == "header")
    #expect(report.columns["ax"] == "Acc_X (g)")
    #expect(abs(rec.blocks[0].az[0] - standardGravity) < 1e-5)
    #expect(abs(rec.blocks[0].ax[0] - 0.01 * standardGravity) < 1e-5)
  }

  @Test func tabsBOMAndMicrosecondEpoch() throws {
    var text = "\u{FEFF}timestamp_us\tax\tay\taz\n"
    let t0: Int64 = 1_700_000_000_000_000
    for i in 0..<400 { text += "\(t0 + Int64(i) * 5000)\t0.1\t0.2\t9.79\n" }
    let (_, report) = try read(temporaryFile(text))
    #expect(report.sampleRateHz == 200)
    #expect(report.timestampUnit == "unix-us")
    #expect(report.unitsDetected == "m/s2")
    #expect(report.unitsSource == "gravity")
  }

  @Test func isoTimestampsAndMilliG() throws {
    var text = "time,x,y,z\n"
    for i in 0..<300 {
      let ms = i * 20
      text += String(format: "2024-05-01T10:00:%02d.%03dZ,10,-20,1001\n", ms / 1000, ms % 1000)
    }
    let (rec, report) = try read(temporaryFile(text))
    #expect(report.timestampUnit == "iso8601")
    #expect(report.sampleRateHz == 50)
    #expect(report.unitsDetected == "mg")
    #expect(abs(rec.info.startTimeUnixS! - 1_714_557_600) < 1e-6)
  }

  @Test func gapIsRecordedNotFilled() throws {
    var text = "time_s,ax,ay,az\n"
    for i in 0..<200 { text += String(format: "%.3f,0,0,9.81\n", Double(i) * 0.01) }
    for i in 300..<500 { text += String(format: "%.3f,0,0,9.81\n", Double(i) * 0.01) }
    let (rec, report) = try read(temporaryFile(text))
    #expect(report.gaps.count == 1)
    #expect(report.gaps[0].missingSamples == 100)  // grid indices 200…299
    #expect(report.gaps[0].resumeIndex == 300)
    #expect(rec.sampleCount == 400)
    #expect(rec.blocks.count == 2)
    #expect(rec.blocks[1].startIndex == 300)
  }

  @Test func rateOptionWithoutTimeColumn() throws {
    var text = "acc_x,acc_y,acc_z\n"
    for _ in 0..<250 { text += "0.0,0.0,1.0\n" }
    let (rec, report) = try read(temporaryFile(text), CSVOptions(rateHz: 125))
    #expect(report.sampleRateHz == 125)
    #expect(report.timestampUnit == "none")
    #expect(rec.durationS == 2)
  }

  @Test func explicitColumnsAndUnits() throws {
    var text = "t,a,b,c,d\n"
    for i in 0..<200 { text += "\(Double(i) / 100),5,0.0,0.0,1.0\n" }
    let opts = CSVOptions(units: .g, columns: try CSVOptions.parseColumns("time=t,ax=c,ay=b,az=d"))
    let (rec, report) = try read(temporaryFile(text), opts)
    #expect(report.unitsSource == "option")
    #expect(abs(rec.blocks[0].az[0] - standardGravity) < 1e-6)
  }

  @Test func clippedSamplesAreCounted() throws {
    var text = "time_s,ax,ay,az\n"
    for i in 0..<300 {
      let z = (100..<105).contains(i) ? 16.0 : 1.0
      text += String(format: "%.3f,0,0,%.1f\n", Double(i) * 0.01, z)
    }
    let (_, report) = try read(temporaryFile(text))
    #expect(report.clippedSamples == 5)
  }
}

@Suite struct BadInput {
  func header(_ rows: Int = 100) -> String {
    var t = "time_s,ax,ay,az\n"
    for i in 0..<rows { t += String(format: "%.2f,0,0,9.81\n", Double(i) * 0.01) }
    return t
  }

  @Test func emptyFile() {
    let e = readError(temporaryFile(""))
    #expect(e?.code == .emptyFile)
    #expect(e?.code.exitCode == 65)
    #expect(e?.description.contains("input.csv") == true)
  }

  @Test func missingFile() {
    let e = readError("/nonexistent/run.csv")
    #expect(e?.code == .fileNotFound)
    #expect(e?.code.exitCode == 66)
  }

  @Test func headerWithoutAccelerationColumns() {
    var t = "time_s,heart_rate,speed\n"
    for i in 0..<50 { t += "\(Double(i) / 100),120,3\n" }
    let e = readError(temporaryFile(t))
    #expect(e?.code == .noAccelerationColumns)
    #expect(e?.line == 1)
    #expect(e?.message.contains("heart_rate") == true)
  }

  @Test func nonNumericCell() {
    var t = header(50)
    t += "0.50,abc,0,9.81\n"
    let e = readError(temporaryFile(t))
    #expect(e?.code == .malformedRecord)
    #expect(e?.line == 52)
    #expect(e?.column == "ax")
    #expect(e?.message.contains("'abc' is not a number") == true)
  }

  @Test func notANumber() {
    var t = header(50)
    t += "0.50,NaN,0,9.81\n"
    let e = readError(temporaryFile(t))
    #expect(e?.code == .nonFiniteValue)
    #expect(e?.line == 52)
  }

  @Test func infinity() {
    var t = header(50)
    t += "0.50,0,inf,9.81\n"
    #expect(readError(temporaryFile(t))?.code == .nonFiniteValue)
  }

  @Test func timestampsGoingBackwards() {
    var t = header(50)
    t += "0.30,0,0,9.81\n"
    let e = readError(temporaryFile(t))
    #expect(e?.code == .nonMonotonicTimestamp)
    #expect(e?.line == 52)
    #expect(e?.message.contains("goes backwards") == true)
  }

  @Test func duplicatedTimestamp() {
    var t = header(50)
    t += "0.49,0,0,9.81\n"
    let e = readError(temporaryFile(t))
    #expect(e?.code == .nonMonotonicTimestamp)
    #expect(e?.message.contains("repeats") == true)
  }

  @Test func shortRow() {
    var t = header(50)
    t += "0.50,0\n"
    let e = readError(temporaryFile(t))
    #expect(e?.code == .malformedRecord)
    #expect(e?.line == 52)
  }

  @Test func utf16() {
    let text = header(20)
    var bytes: [UInt8] = [0xFF, 0xFE]
    for u in text.utf16 { bytes.append(UInt8(u & 0xFF)); bytes.append(UInt8(u >> 8)) }
    let e = readError(temporaryFile(bytes: bytes, name: "utf16.csv"))
    #expect(e?.code == .unsupportedEncoding)
  }

  @Test func ambiguousUnits() {
    var t = "time_s,ax,ay,az\n"
    for i in 0..<100 { t += String(format: "%.2f,0,0,4096\n", Double(i) * 0.01) }
    let e = readError(temporaryFile(t))
    #expect(e?.code == .ambiguousUnits)
    #expect(e?.message.contains("--units") == true)
  }

  @Test func noTimeColumnAndNoRate() {
    var t = "ax,ay,az\n"
    for _ in 0..<100 { t += "0,0,1\n" }
    let e = readError(temporaryFile(t))
    #expect(e?.code == .badTimestamps)
    #expect(e?.message.contains("--rate") == true)
  }

  @Test func headerlessFiveColumns() {
    var t = ""
    for i in 0..<100 { t += "\(i),0,0,1,5\n" }
    #expect(readError(temporaryFile(t))?.code == .noHeader)
  }

  @Test func lineWithoutEnd() {
    var bytes = Array("time_s,ax,ay,az\n0,0,0,9.8\n".utf8)
    bytes += [UInt8](repeating: 0x31, count: (1 << 20) + 10)
    let e = readError(temporaryFile(bytes: bytes, name: "long.csv"))
    #expect(e?.code == .malformedRecord)
  }

  @Test func directoryIsNotAFile() {
    let e = readError(temporaryDirectory().path)
    #expect(e?.code == .unreadable)
  }

  @Test func columnsOptionNamingAMissingColumn() {
    let e = readError(temporaryFile(header(10)), CSVOptions(columns: [.ax: "nope", .ay: "ay", .az: "az"]))
    #expect(e?.code == .invalidArgument)
    #expect(e?.code.exitCode == 64)
  }
}

@Suite struct Parsing {
  @Test func numbers() {
    func p(_ s: String, comma: Bool = false) -> Double? {
      let b = Array(s.utf8)
      return b.withUnsafeBufferPointer { buf in
        if case .value(let v) = parseNumber(buf, 0, b.count, decimalComma: comma) { return v }
        return nil
      }
    }
    #expect(p("1.5") == 1.5)
    #expect(p("-0.000123") == -0.000123)
    #expect(p("1e-3") == 0.001)
    #expect(p(" \"9.80665\" ") == 9.80665)
    #expect(p("1,25", comma: true) == 1.25)
    #expect(p("1565087150.020") == 1565087150.02)
    #expect(p("abc") == nil)
    #expect(p("1.2.3") == nil)
  }

  @Test func isoDates() {
    func p(_ s: String) -> Double? {
      let b = Array(s.utf8)
      return b.withUnsafeBufferPointer { parseISO8601($0, 0, b.count) }
    }
    #expect(p("1970-01-01T00:00:00Z") == 0)
    #expect(p("2024-05-01 10:00:00.250") == 1_714_557_600.25)
    #expect(p("2024-05-01T12:00:00+02:00") == 1_714_557_600)
    #expect(p("2024-13-01T00:00:00Z") == nil)
  }

  @Test func headerNames() {
    #expect(channel(forHeader: "acc_x_g") == .ax)
    #expect(channel(forHeader: "Acc_X") == .ax)
    #expect(channel(forHeader: "Accel_LN_Y") == .ay)
    #expect(channel(forHeader: "acc_v_g") == .v)
    #expect(channel(forHeader: "acc_ap_g") == .ap)
    #expect(channel(forHeader: "gx_dps") == .gx)
    #expect(channel(forHeader: "Gyr_Z [deg/s]") == .gz)
    #expect(channel(forHeader: "System_Timestamp_Plot_Zeroed") == .time)
    #expect(channel(forHeader: "vicon_x_m") == nil)
    #expect(channel(forHeader: "vgrf_bw") == nil)
    #expect(channel(forHeader: "mag_x") == nil)
  }
}
