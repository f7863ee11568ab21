import Foundation
import GaitTestSupport
import Testing

/// `cohort plan`, `analyze --manifest --shard`, `cohort status` and `cohort
/// merge` on one machine. The Slurm job array itself is tested on a real
/// one-node cluster by Tests/Slurm/run.sh (CI runs it).
@Suite(.serialized) struct CohortCLITests {
  /// A small cohort: six sacrum trials, one foot run, a README and a
  /// reference table (not recordings), and one bad file.
  func makeCohort() throws -> URL {
    let dir = temporaryDirectory()
    let fm = FileManager.default
    try fm.createDirectory(at: dir.appendingPathComponent("sacrum"), withIntermediateDirectories: true)
    try fm.createDirectory(at: dir.appendingPathComponent("foot"), withIntermediateDirectories: true)
    for k in 0..<6 {
      let name = String(format: "trial_%02d.csv", k)
      try fm.copyItem(atPath: sampleData("alcantara-sacrum-run/" + name), toPath: dir.appendingPathComponent("sacrum/" + name).path)
    }
    try fm.copyItem(atPath: sampleData("alcantara-sacrum-run/ground_truth_trials.csv"),
                    toPath: dir.appendingPathComponent("sacrum/ground_truth_trials.csv").path)
    try fm.copyItem(atPath: sampleData("pyshoe-foot-run/2017-11-27-11-11-24_imu.csv"),
                    toPath: dir.appendingPathComponent("foot/run.csv").path)
    try Data("notes about the study\n".utf8).write(to: dir.appendingPathComponent("README.txt"))
    try Data("time_s,ax,ay,az\n0,0,0,1\n0.01,0,inf,1\n0.02,0,0,1\n0.03,0,0,1\n".utf8).write(to: dir.appendingPathComponent("sacrum/zz_bad.csv"))
    return dir
  }

  func read(_ path: String) -> String { String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self) }

  @Test func planIsDeterministicAndSkipsFilesThatAreNotRecordings() throws {
    let dir = try makeCohort()
    let a = dir.appendingPathComponent("a.json").path, b = dir.appendingPathComponent("b.json").path
    let r1 = try gaitline(["cohort", "plan", dir.path, "--out", a])
    let r2 = try gaitline(["cohort", "plan", dir.path, dir.appendingPathComponent("sacrum").path, "--out", b, "--jobs", "1"])
    #expect(r1.status == 0 && r2.status == 0, "\(r1.stderr)\(r2.stderr)")
    #expect(r1.stdout.contains("planned 8 inputs"), "\(r1.stdout)")
    #expect(read(a) == read(b), "the same cohort planned twice (files named twice, one thread) gives the same manifest")
    let m = try JSONSerialization.jsonObject(with: Data(read(a).utf8)) as! [String: Any]
    let inputs = m["inputs"] as! [[String: Any]]
    let paths = inputs.map { $0["path"] as! String }
    #expect(paths == paths.sorted())
    #expect(!paths.contains { $0.hasSuffix("ground_truth_trials.csv") || $0.hasSuffix("README.txt") })
    #expect((m["skipped"] as! [[String: Any]]).count == 2)
    // The hash is the file's SHA-256, as sha256sum prints it.
    let trial0 = inputs.first { ($0["path"] as! String).hasSuffix("trial_00.csv") }!
    #expect(trial0["sha256"] as? String == "fc8a0a4b80cd94cbcb76b7998cd0cfab6f88f3986f9899685457e95c0cd1dcb4")
    #expect(trial0["bytes"] as? Int == Int(try FileManager.default.attributesOfItem(atPath: trial0["path"] as! String)[.size] as! UInt64))
  }

  @Test func overridesApplyPerInputAndBadOnesNameTheLine() throws {
    let dir = try makeCohort()
    let csv = dir.appendingPathComponent("overrides.csv").path
    try Data("path,placement,side,speed_mps\nrun.csv,foot,left,\nsacrum/trial_03.csv,,,3.5\n".utf8).write(to: URL(fileURLWithPath: csv))
    let out = dir.appendingPathComponent("m.json").path
    let r = try gaitline(["cohort", "plan", dir.path, "--out", out, "--overrides", csv, "--placement", "hip"])
    #expect(r.status == 0, "\(r.stderr)")
    let inputs = (try JSONSerialization.jsonObject(with: Data(read(out).utf8)) as! [String: Any])["inputs"] as! [[String: Any]]
    func options(_ suffix: String) -> [String: Any] { inputs.first { ($0["path"] as! String).hasSuffix(suffix) }!["options"] as! [String: Any] }
    #expect(options("foot/run.csv")["placement"] as? String == "foot")
    #expect(options("foot/run.csv")["side"] as? String == "left")
    #expect(options("trial_03.csv")["speed_mps"] as? Double == 3.5)
    #expect(options("trial_03.csv")["placement"] as? String == "hip")
    #expect(options("trial_04.csv")["speed_mps"] == nil)

    try Data("path,placement\nno_such.csv,foot\n".utf8).write(to: URL(fileURLWithPath: csv))
    let bad = try gaitline(["cohort", "plan", dir.path, "--out", out, "--overrides", csv])
    #expect(bad.status == 64)
    #expect(bad.stderr.contains("overrides.csv:2") && bad.stderr.contains("names no input"), "\(bad.stderr)")
    try Data("path,placement\nrun.csv,elbow\n".utf8).write(to: URL(fileURLWithPath: csv))
    let badValue = try gaitline(["cohort", "plan", dir.path, "--out", out, "--overrides", csv])
    #expect(badValue.status == 64 && badValue.stderr.contains("overrides.csv:2") && badValue.stderr.contains("elbow"), "\(badValue.stderr)")
  }

  /// Two shards, a rerun that skips, status, and a merged table equal to
  /// analyze's summary.csv of the same inputs on one machine.
  @Test func shardsThenMergeEqualsOneMachineAnalyze() throws {
    let dir = try makeCohort()
    let manifest = dir.appendingPathComponent("m.json").path
    let out = dir.appendingPathComponent("out").path
    #expect(try gaitline(["cohort", "plan", dir.path, "--out", manifest]).status == 0)

    let s0 = try gaitline(["analyze", "--manifest", manifest, "--shard", "0/2", "--out-dir", out])
    #expect(s0.status == 0, "a bad input fails alone; the shard succeeds: \(s0.stderr)")
    let half = try gaitline(["cohort", "status", out])
    #expect(half.status == 1 && half.stdout.contains("missing"), "\(half.stdout)")
    // The second shard from Slurm's environment variables.
    let env = ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2", "SLURM_CPUS_PER_TASK": "1"]
    let s1 = try gaitline(["analyze", "--manifest", manifest, "--out-dir", out], environment: env)
    #expect(s1.status == 0 && s1.stdout.contains("shard 1/2") && s1.stdout.contains("1 at a time"), "\(s1.stdout)\(s1.stderr)")
    let again = try gaitline(["analyze", "--manifest", manifest, "--out-dir", out])
    #expect(again.stdout.contains("analysed 0, skipped 7 (current), failed 1"), "only the failed input is retried: \(again.stdout)")

    let status = try gaitline(["cohort", "status", out])
    #expect(status.status == 0, "\(status.stdout)")
    #expect(status.stdout.contains("8 inputs: 7 done, 1 failed, 0 stale, 0 missing"), "\(status.stdout)")
    #expect(status.stdout.contains("zz_bad.csv:3 column 'ay': error[nonFiniteValue]"), "\(status.stdout)")

    let merged = dir.appendingPathComponent("cohort.csv").path
    let m = try gaitline(["cohort", "merge", out, "--out", merged])
    #expect(m.status == 0, "\(m.stderr)")
    let failures = read(dir.appendingPathComponent("cohort-failures.csv").path)
    #expect(failures.contains("zz_bad.csv,failed,nonFiniteValue,65,"), "\(failures)")

    // The same inputs through plain `analyze` on one machine.
    let plain = dir.appendingPathComponent("plain").path
    let manifestJSON = try JSONSerialization.jsonObject(with: Data(read(manifest).utf8)) as! [String: Any]
    let paths = (manifestJSON["inputs"] as! [[String: Any]]).map { $0["path"] as! String }
    _ = try gaitline(["analyze"] + paths + ["--out-dir", plain, "-q"])
    let summary = read(plain + "/summary.csv").split(separator: "\n").dropFirst().filter { $0.contains(",ok,") }
      .map { line -> String in let c = line.split(separator: ",", omittingEmptySubsequences: false); return ([c[0]] + c[4...17]).joined(separator: ",") }
    let rows = read(merged).split(separator: "\n").dropFirst()
      .map { line -> String in let c = line.split(separator: ",", omittingEmptySubsequences: false); return ([c[1]] + c[6...19]).joined(separator: ",") }
    #expect(rows.count == 7)
    #expect(Array(rows) == summary)
  }

  @Test func changedInputAfterPlanFailsAloneAndReplanKeepsReports() throws {
    let dir = try makeCohort()
    let manifest = dir.appendingPathComponent("m.json").path
    let out = dir.appendingPathComponent("out").path
    #expect(try gaitline(["cohort", "plan", dir.appendingPathComponent("sacrum").path, "--out", manifest]).status == 0)
    #expect(try gaitline(["analyze", "--manifest", manifest, "--out-dir", out, "-q"]).status == 0)
    // Edit one input after planning: its next run must not trust the old plan.
    let edited = dir.appendingPathComponent("sacrum/trial_02.csv")
    let h = try FileHandle(forWritingTo: edited)
    try h.seekToEnd()
    try h.write(contentsOf: Data("\n".utf8))
    try h.close()
    try FileManager.default.removeItem(atPath: out + "/reports")
    let r = try gaitline(["analyze", "--manifest", manifest, "--out-dir", out])
    #expect(r.stdout.contains("failed 2"), "\(r.stdout)")
    let status = try gaitline(["cohort", "status", out])
    #expect(status.stdout.contains("trial_02.csv") && status.stdout.contains("changed since the manifest was planned"), "\(status.stdout)")

    // Re-plan with one more input and other options for nothing: only new
    // or changed inputs are analysed.
    #expect(try gaitline(["cohort", "plan", dir.appendingPathComponent("sacrum").path, dir.appendingPathComponent("foot").path, "--out", manifest]).status == 0)
    let rerun = try gaitline(["analyze", "--manifest", manifest, "--out-dir", out])
    #expect(rerun.stdout.contains("analysed 2, skipped 5 (current), failed 1"), "\(rerun.stdout)")
    #expect(rerun.stdout.contains("note: "), "replacing the folder's manifest is said")
    // Other options make every report stale.
    #expect(try gaitline(["cohort", "plan", dir.appendingPathComponent("sacrum").path, "--out", manifest, "--speed", "3"]).status == 0)
    #expect(try gaitline(["analyze", "--manifest", manifest, "--out-dir", out, "--shard", "0/3"]).status == 0)
    let st = try gaitline(["cohort", "status", out])
    #expect(st.stdout.contains("stale"), "\(st.stdout)")
  }

  /// New-user review: an input edited after planning whose report already
  /// existed was skipped as current by the next run, and `cohort status`
  /// said "0 stale". The size check makes status call it stale at once, and
  /// the run fails it as changed (its old report removed).
  @Test func changedInputWithAnExistingReportIsNotSkipped() throws {
    let dir = try makeCohort()
    let manifest = dir.appendingPathComponent("m.json").path
    let out = dir.appendingPathComponent("out").path
    #expect(try gaitline(["cohort", "plan", dir.appendingPathComponent("sacrum").path, "--out", manifest]).status == 0)
    let first = try gaitline(["analyze", "--manifest", manifest, "--out-dir", out])
    #expect(first.stdout.contains("failed 1"), "\(first.stdout)")
    let complete = try gaitline(["cohort", "status", out])
    #expect(complete.status == 0 && complete.stdout.contains(" 0 stale"), "\(complete.stdout)")
    let h = try FileHandle(forWritingTo: dir.appendingPathComponent("sacrum/trial_02.csv"))
    try h.seekToEnd()
    try h.write(contentsOf: Data("0,0,0,0\n".utf8))
    try h.close()
    let stale = try gaitline(["cohort", "status", out])
    #expect(stale.status == 1 && stale.stdout.contains(" 1 stale") && stale.stdout.contains("trial_02.csv"), "\(stale.stdout)")
    let r = try gaitline(["analyze", "--manifest", manifest, "--out-dir", out])
    #expect(r.stdout.contains("failed 2"), "\(r.stdout)")
    let after = try gaitline(["cohort", "status", out])
    #expect(after.stdout.contains("changed since the manifest was planned") && after.stdout.contains(" 0 stale"), "\(after.stdout)")
  }

  @Test func manifestModeRefusesStrayOptionsAndBadShards() throws {
    let dir = try makeCohort()
    let manifest = dir.appendingPathComponent("m.json").path
    #expect(try gaitline(["cohort", "plan", dir.path, "--out", manifest]).status == 0)
    let out = dir.appendingPathComponent("out").path
    #expect(try gaitline(["analyze", "--manifest", manifest, "--out-dir", out, "--placement", "foot"]).status == 64)
    #expect(try gaitline(["analyze", "--manifest", manifest, "--out-dir", out, "--shard", "2/2"]).status == 64)
    #expect(try gaitline(["analyze", "--manifest", manifest]).status == 64)
    let notManifest = try gaitline(["analyze", "--manifest", sampleData("alcantara-sacrum-run/trial_00.csv"), "--out-dir", out])
    #expect(notManifest.status == 65 && notManifest.stderr.contains("not a gaitline manifest"), "\(notManifest.stderr)")
    let noDir = try gaitline(["cohort", "status", dir.path])
    #expect(noDir.status == 66 && noDir.stderr.contains("no manifest.json"), "\(noDir.stderr)")
  }

  @Test func slurmScriptPinsTheShardCount() throws {
    let dir = try makeCohort()
    let manifest = dir.appendingPathComponent("m.json").path
    #expect(try gaitline(["cohort", "plan", dir.path, "--out", manifest]).status == 0)
    let r = try gaitline(["cohort", "slurm", manifest, "--shards", "16", "--out-dir", dir.appendingPathComponent("out").path,
                          "--partition", "short", "--cpus", "8", "--mem", "8G", "--time", "02:00:00",
                          "--max-running", "4", "--sbatch-option=--account=lab42"])
    #expect(r.status == 0, "\(r.stderr)")
    for line in ["#SBATCH --array=0-15%4", "#SBATCH --cpus-per-task=8", "#SBATCH --mem=8G", "#SBATCH --time=02:00:00",
                 "#SBATCH --partition=short", "#SBATCH --account=lab42", "--shard \"${SLURM_ARRAY_TASK_ID}/16\"",
                 "--jobs \"${SLURM_CPUS_PER_TASK:-1}\"", "/out/logs/%A_%a.out"] {
      #expect(r.stdout.contains(line), "missing \(line) in\n\(r.stdout)")
    }
    #expect(r.stdout.hasPrefix("#!/bin/bash\n"))
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/logs").path), "Slurm does not create the log folder")
  }

  /// A failed submission is not a usage error (64): sbatch missing or
  /// refusing the job exits 69 (EX_UNAVAILABLE) and names the script.
  @Test func failedSubmissionExitsUnavailable() throws {
    let dir = try makeCohort()
    let manifest = dir.appendingPathComponent("m.json").path
    #expect(try gaitline(["cohort", "plan", dir.path, "--out", manifest]).status == 0)
    let bin = dir.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    let script = dir.appendingPathComponent("job.sbatch").path
    let args = ["cohort", "slurm", manifest, "--shards", "2", "--out-dir", dir.appendingPathComponent("out").path,
                "--script", script, "--submit"]
    let missing = try gaitline(args, environment: ["PATH": bin.path])
    #expect(missing.status == 69, "\(missing.stderr)")
    #expect(missing.stderr.contains("cannot run sbatch") && missing.stderr.contains(script), "\(missing.stderr)")
    let fake = bin.appendingPathComponent("sbatch").path
    try "#!/bin/sh\necho 'sbatch: error: invalid account' >&2\nexit 1\n".write(toFile: fake, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
    let refused = try gaitline(args, environment: ["PATH": bin.path + ":/usr/bin:/bin"])
    #expect(refused.status == 69, "\(refused.stderr)")
    #expect(refused.stderr.contains("sbatch failed (exit 1)"), "\(refused.stderr)")
  }
}
