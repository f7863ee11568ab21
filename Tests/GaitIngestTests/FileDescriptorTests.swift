import Foundation
import GaitIngest
import GaitTestSupport
import Testing

/// Found by the csv fuzz target after ~10 000 inputs: CSVReader never
/// closed its file, so a process reading more files than the descriptor
/// limit (1024 on many systems; a batch or a cohort shard) failed with
/// "cannot open". Every reader must give its descriptor back.
@Suite struct FileDescriptors {
  func openDescriptors() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
  }

  @Test func readersCloseTheirFiles() throws {
    let good = sampleData("alcantara-sacrum-run/trial_00.csv")
    let bad = temporaryFile("time_s,ax,ay,az\n0,0,0,1\n0.01,0,nan,1\n0.02,0,0,1\n0.03,0,0,1\n")
    let notCSV = temporaryFile("just some words\nand more\n")
    let glb = repositoryRoot.appendingPathComponent("Tests/Fixtures/cwa/ggirread_ax3_testfile.cwa").path
    _ = try openRecording(path: good).readAll()  // warm up (lazily opened runtime files)
    let before = openDescriptors()
    for _ in 0..<100 {
      _ = try openRecording(path: good).readAll()
      _ = try? openRecording(path: bad).readAll()
      _ = try? openRecording(path: notCSV).readAll()
      _ = try openRecording(path: glb).readAll()
    }
    // A leak would leave 200 (two CSV readers per round); other tests
    // running in parallel open and close files too, hence the margin.
    #expect(openDescriptors() <= before + 60, "descriptors before \(before), after \(openDescriptors())")
  }
}
