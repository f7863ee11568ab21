import Foundation
import GaitTestSupport
import Testing

/// `analyze` with several inputs or a folder (issue 17, "Batch and folders").
@Suite(.serialized) struct BatchCLITests {
  /// A folder of two recordings beside the notes and tables a data set ships with.
  func mixedFolder() throws -> (dir: URL, recordings: [String], others: [String]) {
    let dir = temporaryDirectory()
    let copies = ["alcantara-sacrum-run/trial_00.csv", "alcantara-sacrum-run/trial_01.csv",
                  "alcantara-sacrum-run/LICENSE-Apache-2.0.txt", "alcantara-sacrum-run/ground_truth_trials.csv",
                  "mobgap-lowerback-walk/NOTICE.txt", "bach-shank-subject-b/ground_truth_contacts.csv",
                  "alcantara-sacrum-run/PROVENANCE.md"]
    for c in copies {
      try FileManager.default.copyItem(atPath: sampleData(c), toPath: dir.appendingPathComponent((c as NSString).lastPathComponent).path)
    }
    return (dir, ["trial_00.csv", "trial_01.csv"],
            ["LICENSE-Apache-2.0.txt", "ground_truth_trials.csv", "NOTICE.txt", "ground_truth_contacts.csv"])
  }

  @Test func folderScanSkipsNonRecordingsWithOneNoteEach() throws {
    let (dir, recordings, others) = try mixedFolder()
    let out = temporaryDirectory().appendingPathComponent("out").path
    let r = try gaitline(["analyze", dir.path, "--out-dir", out])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(!r.stderr.contains("error"), "\(r.stderr)")
    let notes = r.stderr.split(separator: "\n").filter { $0.contains("note: skipped") }
    #expect(notes.count == others.count, "\(r.stderr)")
    for o in others { #expect(notes.filter { $0.contains("/" + o + ":") }.count == 1, "\(o): \(r.stderr)") }
    for rec in recordings { #expect(!r.stderr.contains(rec)) }
    #expect(r.stdout.contains("analysed 2 of 2 recordings"))
    let rows = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8).split(separator: "\n").dropFirst()
    #expect(rows.count == recordings.count)
    #expect(rows.allSatisfy { $0.contains(",ok,") })
    // Nothing was written for the skipped files.
    let written = try FileManager.default.contentsOfDirectory(atPath: out).filter { !$0.hasPrefix(".") }.sorted()
    #expect(written == ["summary.csv", "training_load.csv", "trial_00.json", "trial_01.json"])
    // The same classifier as `cohort plan`: the same files skipped.
    let manifest = temporaryDirectory().appendingPathComponent("m.json").path
    let plan = try gaitline(["cohort", "plan", dir.path, "--out", manifest])
    #expect(plan.status == 0, "\(plan.stderr)")
    let m = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifest))) as! [String: Any]
    let planSkipped = (m["skipped"] as! [[String: Any]]).map { (($0["path"] as! String) as NSString).lastPathComponent }
    #expect(planSkipped.sorted() == others.sorted())
  }

  /// The bundled SampleData/ as shipped: every recording analysed, every
  /// licence text and ground-truth table skipped (today: errors, exit 1).
  @Test func sampleDataFolderScanExitsZero() throws {
    let out = temporaryDirectory().appendingPathComponent("out").path
    let r = try gaitline(["analyze", sampleData(""), "--out-dir", out])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(!r.stderr.contains("error"), "\(r.stderr)")
    let all = FileManager.default.enumerator(atPath: sampleData(""))!.compactMap { $0 as? String }
      .filter { ["csv", "txt"].contains(($0 as NSString).pathExtension) }
    let notes = all.filter {
      let name = ($0 as NSString).lastPathComponent
      return name.hasPrefix("LICENSE") || name.hasPrefix("NOTICE") || name.hasPrefix("ground_truth")
    }
    #expect(!notes.isEmpty)
    #expect(r.stderr.split(separator: "\n").filter { $0.contains("note: skipped") }.count == notes.count, "\(r.stderr)")
    let rows = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8).split(separator: "\n").dropFirst()
    #expect(rows.count == all.count - notes.count)
  }

  @Test func aNonRecordingNamedOnTheCommandLineStillFails() throws {
    let (dir, _, _) = try mixedFolder()
    let out = temporaryDirectory().appendingPathComponent("out").path
    let licence = dir.appendingPathComponent("LICENSE-Apache-2.0.txt").path
    let batch = try gaitline(["analyze", dir.appendingPathComponent("trial_00.csv").path, licence, "--out-dir", out])
    #expect(batch.status == 1)
    #expect(batch.stderr.contains("LICENSE-Apache-2.0.txt") && batch.stderr.contains("error"), "\(batch.stderr)")
    #expect(!batch.stderr.contains("note: skipped"))
    let single = try gaitline(["analyze", licence])
    #expect(single.status != 0)
    #expect(single.stderr.contains("error"), "\(single.stderr)")
  }

  @Test func aFolderOfOnlyNotesIsAnError() throws {
    let dir = temporaryDirectory()
    try FileManager.default.copyItem(atPath: sampleData("mobgap-lowerback-walk/NOTICE.txt"), toPath: dir.appendingPathComponent("NOTICE.txt").path)
    let r = try gaitline(["analyze", dir.path, "--out-dir", temporaryDirectory().appendingPathComponent("out").path])
    #expect(r.status != 0)
    #expect(r.stderr.contains("no recordings"), "\(r.stderr)")
  }

  @Test func stepsCSVAndHTMLEachBesideEveryReport() throws {
    let (dir, recordings, _) = try mixedFolder()
    let out = temporaryDirectory().appendingPathComponent("out").path
    let r = try gaitline(["analyze", dir.path, "--out-dir", out, "--steps-csv-each", "--html-each", "-q"])
    #expect(r.status == 0, "\(r.stderr)")
    for rec in recordings {
      let name = (rec as NSString).deletingPathExtension
      // The same table and page a single-input run writes for that input.
      let single = temporaryDirectory()
      let s = try gaitline(["analyze", dir.appendingPathComponent(rec).path, "-q",
                            "--steps-csv", single.appendingPathComponent("s.csv").path,
                            "--html", single.appendingPathComponent("s.html").path])
      #expect(s.status == 0, "\(s.stderr)")
      let steps = try Data(contentsOf: URL(fileURLWithPath: out + "/\(name).steps.csv"))
      #expect(steps == (try Data(contentsOf: single.appendingPathComponent("s.csv"))))
      #expect(steps.count > 100)
      let html = try String(contentsOfFile: out + "/\(name).html", encoding: .utf8)
      #expect(html.contains("<html"))
      #expect(html == (try String(contentsOf: single.appendingPathComponent("s.html"), encoding: .utf8)))
      #expect(FileManager.default.fileExists(atPath: out + "/\(name).json"))
    }
    // Without the flags, only the reports.
    let plain = temporaryDirectory().appendingPathComponent("plain").path
    #expect(try gaitline(["analyze", dir.path, "--out-dir", plain, "-q"]).status == 0)
    #expect(try FileManager.default.contentsOfDirectory(atPath: plain).filter { $0.hasSuffix(".html") || $0.hasSuffix(".steps.csv") }.isEmpty)
  }

  /// A per-input steps table never replaces an input (`a.steps.csv` is one).
  @Test func perInputOutputsNeverReplaceAnInput() throws {
    let dir = temporaryDirectory()
    try FileManager.default.copyItem(atPath: sampleData("alcantara-sacrum-run/trial_00.csv"), toPath: dir.appendingPathComponent("a.csv").path)
    try FileManager.default.copyItem(atPath: sampleData("alcantara-sacrum-run/trial_01.csv"), toPath: dir.appendingPathComponent("a.steps.csv").path)
    let before = try Data(contentsOf: dir.appendingPathComponent("a.steps.csv"))
    let r = try gaitline(["analyze", dir.path, "--out-dir", dir.path, "--steps-csv-each", "-q"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("a.steps.csv"), "\(r.stderr)")
    #expect(try Data(contentsOf: dir.appendingPathComponent("a.steps.csv")) == before)
  }

  @Test(arguments: [
    (["--json", "x.json"], "--out-dir"),
    (["--steps-csv", "x.csv"], "--steps-csv-each"),
    (["--html", "x.html"], "--html-each"),
  ])
  func singleFileOptionsInABatchAreAnError(option: [String], hint: String) throws {
    let dir = temporaryDirectory()
    let a = sampleData("alcantara-sacrum-run/trial_00.csv"), b = sampleData("alcantara-sacrum-run/trial_01.csv")
    let out = dir.appendingPathComponent("out").path
    for args in [[a, b], [sampleData("alcantara-sacrum-run")], [a, "--out-dir", out]] {
      let r = try gaitline(["analyze"] + args + [option[0], dir.appendingPathComponent(option[1]).path])
      #expect(r.status == 64, "\(args) \(option): \(r.stderr)")
      #expect(r.stderr.contains(option[0]) && r.stderr.contains(hint), "\(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(option[1]).path))
      #expect(!FileManager.default.fileExists(atPath: out))
    }
  }

  @Test(arguments: [["--steps-csv-each"], ["--html-each"], ["--jobs", "2"]])
  func batchOptionsWithOneInputAreAnError(option: [String]) throws {
    let flag = option[0]
    let r = try gaitline(["analyze", sampleData("alcantara-sacrum-run/trial_00.csv"), "-q"] + option)
    #expect(r.status == 64)
    #expect(r.stderr.contains(flag) && r.stderr.contains("one input"), "\(r.stderr)")
    #expect(r.stdout.isEmpty)
  }
}
