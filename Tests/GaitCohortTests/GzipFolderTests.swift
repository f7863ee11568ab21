import Foundation
import GaitCohort
import GaitIngest
import GaitPipeline
import GaitTestSupport
import Testing

/// A folder scan and `cohort plan` take gzip-compressed recordings
/// (`run.csv.gz`) and judge compressed notes like plain ones.
@Suite struct GzipFolderScan {
  @Test func compressedRecordingsAreFoundAndPlanned() throws {
    let dir = temporaryDirectory()
    var csv = "time_s,ax,ay,az\n"
    for i in 0..<400 { csv += String(format: "%.2f,0.01,0.02,%.3f\n", Double(i) / 100, 1 + 0.2 * sin(Double(i) / 5)) }
    try Data(gzipped(Array(csv.utf8))).write(to: dir.appendingPathComponent("run.csv.gz"))
    try Data(gzipped(Array("a note, not data\nsecond line\n".utf8))).write(to: dir.appendingPathComponent("notes.txt.gz"))
    try Data(gzipped([1, 2, 3])).write(to: dir.appendingPathComponent("archive.tar.gz"))
    let found = recordingFiles(in: dir.path).map { ($0 as NSString).lastPathComponent }
    #expect(found == ["notes.txt.gz", "run.csv.gz"])
    let plan = try planCohort(inputs: [dir.path], settings: InputSettings(), overrides: nil, policy: nil, jobs: 1)
    #expect(plan.inputs.map(\.type) == ["csv.gz"])
    #expect(plan.inputs.allSatisfy { $0.reportName.hasPrefix("run-") })  // not "run.csv-…"
    #expect(plan.skipped.map { ($0.path as NSString).lastPathComponent } == ["notes.txt.gz"])
  }
}
