import Foundation
import GaitTestSupport
import Testing
// stat() and st_mode below: since AnalyzeFastPathTests' `@testable import
// GaitCLI`, this module sees them through CoreFoundation (MemberImportVisibility).
import CoreFoundation

/// Issue #15, "nothing lost, nothing overwritten": each case runs the
/// `gaitline` binary as a careless or hostile user would and asserts the
/// exit status, the message, and that the input (or existing output) is
/// byte for byte what it was.
@Suite(.serialized) struct OutputSafety {
  let recording = sampleData("alcantara-sacrum-run/trial_00.csv")

  func copy(_ from: String, _ to: String) throws {
    try? FileManager.default.removeItem(atPath: to)
    try FileManager.default.copyItem(atPath: from, toPath: to)
  }

  func sh(_ script: String) throws -> Run { try gaitline(["-c", script], shell: true) }
  func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
  func temporaries(_ dir: String) -> [String] {
    ((try? FileManager.default.subpathsOfDirectory(atPath: dir)) ?? []).filter { ($0 as NSString).lastPathComponent.hasPrefix(".gl-") }
  }

  /// Splits RFC 4180 CSV text into rows of cells.
  func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], cell = "", quoted = false
    var it = Array(text.unicodeScalars)[...]
    while let c = it.popFirst() {
      if quoted {
        if c == "\"" { if it.first == "\"" { cell.unicodeScalars.append(it.removeFirst()) } else { quoted = false } } else { cell.unicodeScalars.append(c) }
      } else if c == "\"" { quoted = true } else if c == "," { row.append(cell); cell = "" } else if c == "\n" {
        row.append(cell); rows.append(row); row = []; cell = ""
      } else { cell.unicodeScalars.append(c) }
    }
    if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
    return rows
  }

  // MARK: data loss (high)

  @Test(arguments: ["--json", "--html", "--steps-csv"])
  func analyzeOutputEqualToTheInputIsRefused(_ option: String) throws {
    let dir = temporaryDirectory().path
    let run = dir + "/run.csv", link = dir + "/link.csv"
    try copy(recording, run)
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: run)
    let before = bytes(run)
    let what = ["--json": "the --json report", "--html": "the --html report", "--steps-csv": "the --steps-csv table"][option]!
    for out in [run, link] {
      let r = try gaitline(["analyze", run, option, out, "-q"])
      #expect(r.status == 64, "\(r.stderr)")
      #expect(r.stderr == "gaitline: \(out): error[invalidArgument]: \(what) would overwrite an input of this run\(out == run ? "" : " (\(run))"); "
              + "gaitline never writes over an input: choose another output path\n")
    }
    #expect(bytes(run) == before)
    #expect(temporaries(dir).isEmpty)
  }

  @Test func convertOverItsInputIsRefused() throws {
    let dir = temporaryDirectory().path
    let a = dir + "/a.csv"
    try copy(recording, a)
    let before = bytes(a)
    let r = try gaitline(["convert", a, a])
    #expect(r.status == 64)
    #expect(r.stderr == "gaitline: \(a): error[invalidArgument]: the converted file would overwrite an input of this run; gaitline never writes over an input: choose another output path\n")
    #expect(bytes(a) == before)
  }

  @Test func outDirEqualToTheInputFolder() throws {
    let dir = temporaryDirectory().path
    try copy(recording, dir + "/a.csv")
    try copy(recording, dir + "/summary.csv")  // a recording that happens to be called summary.csv
    let before = bytes(dir + "/summary.csv")
    var r = try gaitline(["analyze", dir, "--out-dir", dir, "-q"])
    #expect(r.status == 64, "\(r.stderr)")
    #expect(r.stderr == "gaitline: \(dir)/summary.csv: error[invalidArgument]: summary.csv would overwrite an input of this run; gaitline never writes over an input: choose another output path\n")
    #expect(bytes(dir + "/summary.csv") == before)
    // Without that recording: the run writes its tables there, and a rerun
    // does not read them back as recordings.
    try FileManager.default.removeItem(atPath: dir + "/summary.csv")
    r = try gaitline(["analyze", dir, "--out-dir", dir])
    #expect(r.status == 0, "\(r.stderr)")
    r = try gaitline(["analyze", dir, "--out-dir", dir])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.hasPrefix("analysed 1 of 1 recordings"), "\(r.stdout)")
    #expect(r.stderr.contains("gaitline: note: skipped \(dir)/summary.csv: a table gaitline wrote (summary, training load, steps or cohort), not a recording"))
    #expect(r.stderr.contains("gaitline: note: skipped \(dir)/training_load.csv: a table gaitline wrote"))
  }

  /// A batch rerun whose reports (steps tables included) lie inside the
  /// folder it scans: the earlier steps tables are skipped as gaitline's own
  /// tables, not taken for inputs that the new ones may not replace (the
  /// second run failed every input and replaced a good summary before).
  @Test(arguments: ["reports", ""])
  func rerunWithStepsTablesInsideTheScannedFolder(_ sub: String) throws {
    let dir = temporaryDirectory().path
    try copy(recording, dir + "/a.csv")
    let out = sub.isEmpty ? dir : dir + "/" + sub
    for _ in 0..<2 {
      let r = try gaitline(["analyze", dir, "--out-dir", out, "--steps-csv-each", "--html-each"])
      #expect(r.status == 0, "\(r.stderr)")
      #expect(r.stdout.hasPrefix("analysed 1 of 1 recordings"), "\(r.stdout)")
    }
    let r = try gaitline(["analyze", dir, "--out-dir", out, "--steps-csv-each"])
    #expect(r.stderr.contains("gaitline: note: skipped \(out)/a.steps.csv: a table gaitline wrote (summary, training load, steps or cohort), not a recording"), "\(r.stderr)")
    let summary = String(decoding: bytes(out + "/summary.csv"), as: UTF8.self)
    #expect(summary.split(separator: "\n").count == 2 && summary.contains(",ok,"), "\(summary)")
  }

  /// Two outputs of one run on one destination: the later would replace the
  /// earlier (or run into it on standard output) without a word.
  @Test func twoOutputsOnOneDestinationAreRefused() throws {
    let dir = temporaryDirectory().path
    let same = dir + "/same.out", viaLinkedFolder = dir + "/folder-link/same.out"
    try FileManager.default.createSymbolicLink(atPath: dir + "/folder-link", withDestinationPath: dir)
    for (a, b, names) in [("--json", "--html", ("the --json report", "the --html report")),
                          ("--json", "--steps-csv", ("the --json report", "the --steps-csv table")),
                          ("--html", "--steps-csv", ("the --html report", "the --steps-csv table"))] {
      for second in [same, viaLinkedFolder, dir + "/./same.out"] {
        let r = try gaitline(["analyze", recording, a, same, b, second, "-q"])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr == "gaitline: \(second): error[invalidArgument]: \(names.1) would replace \(names.0): both name this file; give each output its own path\n")
        #expect(!FileManager.default.fileExists(atPath: same))
      }
    }
    let r = try gaitline(["analyze", recording, "--json", "-", "--steps-csv", "-"])
    #expect(r.status == 64, "\(r.stderr)")
    #expect(r.stdout.isEmpty)
    #expect(r.stderr.contains("the --json report and the --steps-csv table would both go to standard output ('-')"), "\(r.stderr)")
    // Distinct entries are fine, also a symlink beside its target (the
    // rename replaces the link, not the file it points to).
    try Data("old".utf8).write(to: URL(fileURLWithPath: same))
    try FileManager.default.createSymbolicLink(atPath: dir + "/link.out", withDestinationPath: same)
    let linked = try gaitline(["analyze", recording, "--json", same, "--html", dir + "/link.out", "-q"])
    #expect(linked.status == 0, "\(linked.stderr)")
    #expect(String(decoding: bytes(same), as: UTF8.self).hasPrefix("{"))
    #expect(String(decoding: bytes(dir + "/link.out"), as: UTF8.self).hasPrefix("<!DOCTYPE html>"))
    let ok = try gaitline(["analyze", recording, "--json", dir + "/r.json", "--steps-csv", dir + "/s.csv", "-q"])
    #expect(ok.status == 0, "\(ok.stderr)")
  }

  /// SIGTERM (a Slurm time limit, `kill`) while the reports are written:
  /// the temporary files are removed, the targets never appear half-written,
  /// and the exit status still says the signal ended the process (it left a
  /// 1.6–4.7 MB `.gl-*.tmp` beside the report before). With two threads
  /// too (a reader thread and the analysis threads have run; the signal
  /// may reach any thread).
  @Test(arguments: ["1", "2"])
  func aSignalWhileWritingLeavesNoTemporaryFile(threads: String) throws {
    let dir = temporaryDirectory().path
    let input = dir + "/two-hours.glb"
    #expect(try gaitline(["simulate", "--out", input, "--seconds", "7200"]).status == 0)
    let out = dir + "/out"
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = ["analyze", input, "--json", out + "/r.json", "--html", out + "/r.html", "--steps-csv", out + "/s.csv", "-q",
                   "--threads", threads]
    try p.run()
    // Wait for a report's temporary file (the reports are written after
    // the analysis; a debug build takes about a second over them).
    var seen = false
    let deadline = Date().addingTimeInterval(120)
    while p.isRunning, Date() < deadline {
      if !temporaries(out).isEmpty { seen = true; break }
      usleep(1000)
    }
    try #require(seen, "the process ended before a temporary file was seen; nothing was tested")
    kill(p.processIdentifier, SIGTERM)
    p.waitUntilExit()
    #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGTERM)
    #expect(temporaries(out).isEmpty, "\(temporaries(out))")
    // Whatever was complete was renamed into place whole; nothing else exists.
    let left = (try FileManager.default.contentsOfDirectory(atPath: out)).sorted()
    #expect(left.allSatisfy { ["r.json", "r.html", "s.csv"].contains($0) }, "\(left)")
    if left.contains("r.json") {
      #expect(try JSONSerialization.jsonObject(with: Data(bytes(out + "/r.json"))) is [String: Any])
    }
  }

  @Test func streamRecordIsCreatedOnlyAfterThePortOpensAndNeverReplaced() throws {
    let dir = temporaryDirectory().path
    let rec = dir + "/rec.raw"
    try Data("yesterday's record".utf8).write(to: URL(fileURLWithPath: rec))
    // An existing record without --force: refused before the port is touched.
    var r = try gaitline(["stream", "/dev/nonexistent-port", "--rate", "100", "--record", rec])
    #expect(r.status == 64)
    #expect(r.stderr == "gaitline: \(rec): error[invalidArgument]: already exists; gaitline does not replace a recording: choose another --record name, or add --force to replace it\n")
    // With --force, a missing port or a bad baud rate leaves it alone.
    r = try gaitline(["stream", "/dev/nonexistent-port", "--rate", "100", "--record", rec, "--force"])
    #expect(r.status == 66, "\(r.stderr)")
    #expect(String(decoding: bytes(rec), as: UTF8.self) == "yesterday's record")
    // A new record that does not exist is not created when the port fails.
    r = try gaitline(["stream", "/dev/nonexistent-port", "--rate", "100", "--record", dir + "/new.raw"])
    #expect(r.status == 66)
    #expect(!FileManager.default.fileExists(atPath: dir + "/new.raw"))
    // The raw record may not be its own .glb.
    r = try gaitline(["stream", "/dev/nonexistent-port", "--rate", "100", "--record", dir + "/x.glb"])
    #expect(r.status == 64)
    #expect(r.stderr == "gaitline: \(dir)/x.glb: error[invalidArgument]: the raw record and its decoded .glb would be the same file; name the record .raw (the .glb is written beside it)\n")
  }

  @Test func aSecondStreamCannotWriteIntoALiveRecord() throws {
    // 60 s of data, ended by stopping the emulator once the checks are done:
    // the first stream must still be recording when the second one tries its
    // record. (With 6 s, a loaded CI machine took longer than that to start
    // the other two processes; the first had ended and the record was free.)
    let emu = try Emulator.start(["--protocol", "text", "--seconds", "60", "--rate", "100"])
    defer { emu.stop() }
    let dir = temporaryDirectory().path
    let rec = dir + "/live.raw"
    let first = Process()
    first.executableURL = URL(fileURLWithPath: binary)
    first.arguments = ["stream", emu.device, "--protocol", "text", "--rate", "100", "--record", rec, "--json", dir + "/r.json"]
    first.standardOutput = FileHandle.nullDevice
    // The first stream's messages, for the expectations below to quote.
    let firstLog = dir + "/first.stderr"
    _ = FileManager.default.createFile(atPath: firstLog, contents: nil)
    first.standardError = FileHandle(forWritingAtPath: firstLog)
    try first.run()
    for _ in 0..<100 where bytes(rec).count < 2000 { usleep(50_000) }
    // The same busy port: refused at the port, the record untouched.
    var r = try gaitline(["stream", emu.device, "--protocol", "text", "--rate", "100", "--record", rec, "--force"])
    #expect(r.status == 66, "\(r.stderr)")
    #expect(r.stderr.contains("the port is busy"), "\(r.stderr)")
    // Another port, the same record (even with --force): the record is locked.
    let emu2 = try Emulator.start(["--protocol", "text", "--seconds", "1", "--rate", "100"])
    defer { emu2.stop() }
    r = try gaitline(["stream", emu2.device, "--protocol", "text", "--rate", "100", "--record", rec, "--force"])
    #expect(r.status == 64, "\(r.stderr)")
    #expect(r.stderr.contains("\(rec): error[invalidArgument]: another gaitline stream is recording into this file; choose another --record name"), "\(r.stderr)")
    #expect(first.isRunning, "the first stream was still recording during the checks")
    emu2.process.terminate()
    emu2.process.waitUntilExit()
    // The sensor goes away (the emulator writes --sent before the port, so
    // what the first stream recorded is still a prefix of it).
    emu.process.terminate()
    emu.process.waitUntilExit()
    first.waitUntilExit()
    #expect(first.terminationStatus == 0, "\(String(decoding: bytes(firstLog), as: UTF8.self))")
    let recorded = bytes(rec), sent = bytes(emu.sent)
    #expect(recorded.count > 2000 && sent.starts(with: recorded), "the first stream's record is intact")
  }

  @Test func devicesAndFIFOsAreNeverReplaced() throws {
    let dir = temporaryDirectory().path
    let fifo = dir + "/fifo.csv", node = dir + "/mynull.csv"
    #expect(mkfifo(fifo, 0o644) == 0)
    var outputs = [fifo, "/dev/null"]
    // As root, a device node of our own (c 1 3, as /dev/null).
    if mknod(node, S_IFCHR | 0o666, dev_t(0x103)) == 0 { outputs.append(node) }
    for out in outputs {
      let kind = out == fifo ? "a FIFO (named pipe)" : "a device"
      var runs = [["analyze", recording, "--json", out, "-q"], ["analyze", recording, "--steps-csv", out, "-q"]]
      if out.hasSuffix(".csv") { runs.append(["convert", recording, out]) }
      for args in runs {
        let r = try gaitline(args)
        #expect(r.status == 64, "\(args): \(r.stderr)")
        #expect(r.stderr.hasPrefix("gaitline: \(out): error[invalidArgument]: ") && r.stderr.contains(" is \(kind); gaitline only replaces regular files"), "\(r.stderr)")
      }
      var st = stat()
      #expect(lstat(out, &st) == 0 && (st.st_mode & S_IFMT) == (out == fifo ? S_IFIFO : S_IFCHR), "\(out) is still what it was")
    }
  }

  /// `trend --html` and `evaluate --markdown` wrote over their own inputs
  /// (a report of the trend, the plan, a recording the plan names) with exit
  /// status 0: they went through the shared writer without naming their
  /// inputs. Refused now, before anything is written, and the file is unchanged.
  @Test func trendAndEvaluateNeverWriteOverTheirInputs() throws {
    let dir = temporaryDirectory().path
    let report = dir + "/2026-01-05-run.json"
    let a = try gaitline(["analyze", recording, "--json", report, "-q"])
    #expect(a.status == 0, "\(a.stderr)")
    let before = bytes(report)
    for args in [["trend", dir, "--html", report], ["trend", report, "--html", report]] {
      let r = try gaitline(args)
      #expect(r.status == 64, "\(args): \(r.stderr)")
      #expect(r.stderr.contains("error[invalidArgument]: the --html trend would overwrite an input of this run"), "\(r.stderr)")
    }
    #expect(bytes(report) == before)
    let run = dir + "/run.csv", plan = dir + "/plan.csv"
    try copy(sampleData("alcantara-sacrum-run/trial_04.csv"), run)
    try Data("dataset,recording,truth,truth_where\ns,\(run),\(sampleData("alcantara-sacrum-run/ground_truth_contacts.csv")),trial=4\n".utf8)
      .write(to: URL(fileURLWithPath: plan))
    let planBefore = bytes(plan), runBefore = bytes(run)
    for target in [plan, run] {
      let r = try gaitline(["evaluate", "--plan", plan, "--markdown", target])
      #expect(r.status == 64, "\(target): \(r.stderr)")
      #expect(r.stderr.contains("error[invalidArgument]: the --markdown table would overwrite an input of this run"), "\(r.stderr)")
    }
    #expect(bytes(plan) == planBefore && bytes(run) == runBefore)
    // Elsewhere both still write.
    let ok = try gaitline(["evaluate", "--plan", plan, "--markdown", dir + "/v.md"])
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(String(decoding: bytes(dir + "/v.md"), as: UTF8.self).hasPrefix("#"))
    #expect(temporaries(dir).isEmpty)
  }

  /// `--json /dev/stdout` with standard output in a file, as root: stat
  /// follows /dev/stdout → /proc/self/fd/1 to that regular file, so the
  /// check passed and the rename replaced the system's /dev/stdout link with
  /// the report. Outputs under /dev, /proc and /sys, and symlinks that lead
  /// there, are refused. (Tested with a link of our own to /proc/self/fd/1
  /// and a new name in /dev, so a regression cannot break this machine's
  /// /dev/stdout.)
  @Test func outputsInSystemFoldersAndLinksToOpenFilesAreRefused() throws {
    let dir = temporaryDirectory().path
    let link = dir + "/out.json", chain = dir + "/chain.json"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/proc/self/fd/1")
    try FileManager.default.createSymbolicLink(atPath: chain, withDestinationPath: "out.json")
    let fresh = "/dev/gaitline-test-\(UInt64.random(in: 0...UInt64.max)).json"
    defer { unlink(fresh) }
    for out in [link, chain, fresh] {
      // Standard output to a regular file, as in `> file`.
      let r = try sh("\(q(binary)) analyze \(q(recording)) --json \(q(out)) -q > \(q(dir + "/stdout.txt"))")
      #expect(r.status == 64, "\(out): \(r.stderr)")
      let how = out == fresh ? "would replace \(fresh)" : "is a symlink that leads to /proc/"
      #expect(r.stderr.contains("error[invalidArgument]: the --json report \(how)"), "\(r.stderr)")
      #expect(r.stderr.contains("an entry of the system's devices, processes or kernel (/dev, /proc, /sys)"), "\(r.stderr)")
    }
    var st = stat()
    for l in [link, chain] { #expect(lstat(l, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK, "\(l) is still a symlink") }
    #expect(!FileManager.default.fileExists(atPath: fresh))
    #expect(bytes(dir + "/stdout.txt").isEmpty)
    // A symlink to a regular file elsewhere is still replaced (the link, not its target).
    let target = dir + "/old.json", plain = dir + "/plain.json"
    try Data("old".utf8).write(to: URL(fileURLWithPath: target))
    try FileManager.default.createSymbolicLink(atPath: plain, withDestinationPath: target)
    let ok = try gaitline(["analyze", recording, "--json", plain, "-q"])
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(String(decoding: bytes(target), as: UTF8.self) == "old")
  }

  // MARK: medium

  @Test func batchReportNamesNeverCollideAndCSVIsQuoted() throws {
    let dir = temporaryDirectory().path
    for sub in ["x", "y"] { try FileManager.default.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true) }
    let names = ["x/a.csv", "y/a.csv", "x/a-2.csv", "x/x,failed,y.csv", "x/=HYPERLINK(1).csv", "x/new\nline\r.csv"]
    for n in names { try copy(recording, "\(dir)/\(n)") }
    let out = dir + "/out"
    let r = try gaitline(["analyze", dir + "/x", dir + "/y", "--out-dir", out, "-q"])
    #expect(r.status == 0, "x,failed,y.csv is not a failure: \(r.stderr)")
    let rows = parseCSV(String(decoding: bytes(out + "/summary.csv"), as: UTF8.self))
    #expect(rows.count == names.count + 1)
    #expect(rows.allSatisfy { $0.count == rows[0].count }, "every row has every column: \(rows)")
    let reports = rows.dropFirst().map { $0[3] }
    #expect(Set(reports).count == names.count, "one report per input: \(reports)")
    for row in rows.dropFirst() {
      #expect(row[1] == "ok")
      let report = row[3].hasPrefix("'") ? String(row[3].dropFirst()) : row[3]
      #expect(FileManager.default.fileExists(atPath: out + "/" + report), "\(report)")
    }
    #expect(reports.contains("'=HYPERLINK(1).json"), "formula text is neutralised: \(reports)")
    #expect(rows.dropFirst().map { $0[0] }.contains("\(dir)/x/new\nline\r.csv"))
  }

  /// The same inputs in another order get the same report names (new-user
  /// review: `y/a.csv x/a.csv` named x's report a-2.json, the other order a.json).
  @Test func batchReportNamesDoNotDependOnArgumentOrder() throws {
    let dir = temporaryDirectory().path
    for sub in ["x", "y"] {
      try FileManager.default.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true)
      try copy(recording, "\(dir)/\(sub)/a.csv")
    }
    var byOrder: [[String: String]] = []
    for (k, args) in [["y", "x"], ["x", "y"]].enumerated() {
      let out = "\(dir)/out\(k)"
      let r = try gaitline(["analyze"] + args.map { "\(dir)/\($0)/a.csv" } + ["--out-dir", out, "-q"])
      #expect(r.status == 0, "\(r.stderr)")
      let rows = parseCSV(String(decoding: bytes(out + "/summary.csv"), as: UTF8.self)).dropFirst()
      byOrder.append(Dictionary(uniqueKeysWithValues: rows.map { ($0[0], $0[3]) }))
    }
    #expect(byOrder[0] == byOrder[1], "\(byOrder)")
    #expect(byOrder[1]["\(dir)/x/a.csv"] == "a.json" && byOrder[1]["\(dir)/y/a.csv"] == "a-2.json", "\(byOrder)")
  }

  @Test func aSecondWriterOfAnOutDirFailsClearly() throws {
    let dir = temporaryDirectory().path
    try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
    // Holds the lock as a running batch would.
    let r = try sh("exec 9>\(q(dir + "/out/.gaitline.lock")); flock -n 9 || exit 99; \(q(binary)) analyze \(q(recording)) \(q(recording)) --out-dir \(q(dir + "/out")) -q")
    #expect(r.status == 74, "\(r.stderr)")
    #expect(r.stderr == "gaitline: \(dir)/out: error[writeFailed]: another gaitline is writing into this folder (it holds \(dir)/out/.gaitline.lock); wait for it to finish or choose another --out-dir\n")
    #expect(!FileManager.default.fileExists(atPath: dir + "/out/summary.csv"))
  }

  @Test func longInputNamesGetReportsInABatchAndACohort() throws {
    let dir = temporaryDirectory().path
    let long = String(repeating: "l", count: 240) + ".csv"
    try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
    try copy(recording, "\(dir)/in/\(long)")
    var r = try gaitline(["analyze", dir + "/in", "--out-dir", dir + "/batch", "-q"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(FileManager.default.fileExists(atPath: dir + "/batch/" + String(repeating: "l", count: 200) + ".json"))
    #expect(try gaitline(["cohort", "plan", dir + "/in", "--out", dir + "/m.json"]).status == 0)
    r = try gaitline(["analyze", "--manifest", dir + "/m.json", "--out-dir", dir + "/cohort"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("all: analysed 1, skipped 0 (current), failed 0"), "\(r.stdout)")
  }

  @Test(arguments: ["csv", "glb"])
  func convertAndSimulateAreAtomicOnAWriteFailure(_ ext: String) throws {
    let dir = temporaryDirectory().path
    let out = dir + "/out." + ext
    try Data("the previous output".utf8).write(to: URL(fileURLWithPath: out))
    // A file-size limit of 8 blocks with SIGXFSZ ignored: write fails with EFBIG
    // (what a full disk does, without needing one).
    for cmd in ["convert \(q(recording)) \(q(out))", "simulate --out \(q(out)) --seconds 60"] {
      let r = try sh("trap '' XFSZ; ulimit -f 8; exec \(q(binary)) \(cmd)")
      #expect(r.status == 74, "\(cmd): \(r.stderr)")
      #expect(r.stderr.contains("\(out): error[writeFailed]: cannot write: File too large; the existing file (if any) is unchanged"), "\(r.stderr)")
      #expect(String(decoding: bytes(out), as: UTF8.self) == "the previous output")
      #expect(temporaries(dir).isEmpty, "the temporary file is removed")
    }
  }

  @Test func sbatchScriptQuotesEveryValueAndRefusesControlCharacters() throws {
    let dir = temporaryDirectory().path
    try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
    try copy(recording, dir + "/in/a.csv")
    #expect(try gaitline(["cohort", "plan", dir + "/in", "--out", dir + "/m.json"]).status == 0)
    let weird = dir + "/out 'q' \"dq\" $(touch x) ; y %j"
    let r = try gaitline(["cohort", "slurm", dir + "/m.json", "--shards", "2", "--out-dir", weird, "--partition", "my part",
                          "--sbatch-option=--comment=a \"b\" $(id)"])
    #expect(r.status == 0, "\(r.stderr)")
    let escaped = weird.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "%", with: "%%")
    for line in ["#SBATCH --output=\"\(escaped)/logs/%A_%a.out\"", "#SBATCH --partition=\"my part\"",
                 "#SBATCH \"--comment=a \\\"b\\\" $(id)\"",
                 "--out-dir '\(dir)/out '\\''q'\\'' \"dq\" $(touch x) ; y %j' --jobs"] {
      #expect(r.stdout.contains(line), "missing \(line) in\n\(r.stdout)")
    }
    // bash sees one word for the folder and runs nothing.
    let exec = r.stdout.split(separator: "\n").last { $0.hasPrefix("exec ") }!
    let words = try sh("set -- \(exec.dropFirst(5).replacingOccurrences(of: "\"${SLURM_ARRAY_TASK_ID}/2\"", with: "0/2").replacingOccurrences(of: "\"${SLURM_CPUS_PER_TASK:-1}\"", with: "1")); for w; do printf '%s\\n' \"$w\"; done")
    #expect(words.stdout.contains("\n\(weird)\n"), "\(words.stdout)")
    #expect(!FileManager.default.fileExists(atPath: "x"))
    for (option, value) in [("--out-dir", dir + "/o\ntouch pwned"), ("--partition", "p\nid"), ("--mem", "4G\nid"), ("--time", "1:00\rid"),
                            ("--sbatch-option", "--comment=a\nid")] {
      var args = ["cohort", "slurm", dir + "/m.json", "--shards", "1", "\(option)=\(value)"]
      if option != "--out-dir" { args += ["--out-dir", dir + "/o"] }
      let bad = try gaitline(args)
      #expect(bad.status == 64, "\(option): \(bad.stderr)")
      #expect(bad.stderr.hasPrefix("Error: \(option) holds a control character (a newline or tab?): '"), "\(bad.stderr)")
      #expect(bad.stdout.isEmpty)
    }
  }

  // MARK: low

  @Test func shardBoundsAreValidated() throws {
    let dir = temporaryDirectory().path
    try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
    try copy(recording, dir + "/in/a.csv")
    #expect(try gaitline(["cohort", "plan", dir + "/in", "--out", dir + "/m.json"]).status == 0)
    for shard in ["0/9223372036854775807", "9223372036854775806/9223372036854775807", "0/100000000"] {
      let r = try gaitline(["analyze", "--manifest", dir + "/m.json", "--shard", shard, "--out-dir", dir + "/o", "-q"])
      #expect(r.status == 0, "\(shard): \(r.stderr)")
    }
    for (shard, msg) in [("5/3", "shard 5 of 3 (--shard) is out of range"), ("0/0", "shard 0 of 0 (--shard) is out of range"),
                         ("-1/3", "shard -1 of 3 (--shard) is out of range"), ("1/99999999999999999999", "--shard must be I/N")] {
      let r = try gaitline(["analyze", "--manifest", dir + "/m.json", "--shard=" + shard, "--out-dir", dir + "/o", "-q"])
      #expect(r.status == 64, "\(shard): \(r.stderr)")
      #expect(r.stderr.contains(msg), "\(shard): \(r.stderr)")
    }
  }

  @Test func specialFilesInADataFolderAreSkippedNeverOpened() throws {
    let dir = temporaryDirectory().path
    try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
    try copy(recording, dir + "/in/a.csv")
    #expect(mkfifo(dir + "/in/fifo.csv", 0o644) == 0)
    var r = try gaitline(["analyze", dir + "/in", "--out-dir", dir + "/out"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("gaitline: note: skipped \(dir)/in/fifo.csv: a FIFO (named pipe), not a regular file; not opened"))
    r = try gaitline(["cohort", "plan", dir + "/in", "--out", dir + "/m.json"])
    #expect(r.status == 0, "\(r.stderr)")
    let m = try json(dir + "/m.json")
    let skipped = m["skipped"] as! [[String: Any]]
    #expect(skipped.first?["reason"] as? String == "a FIFO (named pipe), not a regular file; not opened")
    r = try gaitline(["cohort", "plan", "/dev/zero", "--out", dir + "/z.json"])
    #expect(r.status == 66)
    #expect(r.stderr == "gaitline: /dev/zero: error[unreadable]: is a device, not a regular file: a cohort input must be a file gaitline can hash and read again\n")
  }
}
