import Foundation
import GaitIngest
import GaitTestSupport
import Testing

/// The output-safety primitive (issue #15): outputs never replace an input
/// or a non-regular file, and are written atomically with a short temp name.
@Suite struct OutputFileTests {
  func contents(_ path: String) -> String? { FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } }
  func leftovers(_ dir: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix(".gl-") }
  }

  @Test func writesAndReplacesARegularFileWithoutLeavingTemporaries() throws {
    let dir = temporaryDirectory().path
    let out = dir + "/out.json"
    try atomicWrite("first", to: out)
    try atomicWrite("second", to: out)
    #expect(contents(out) == "second")
    #expect(leftovers(dir).isEmpty)
  }

  @Test func aReplacedFileKeepsItsPermissions() throws {
    let out = temporaryDirectory().path + "/private.json"
    try atomicWrite("first", to: out)
    #expect(chmod(out, 0o600) == 0)
    try atomicWrite("second", to: out)
    var st = stat()
    #expect(stat(out, &st) == 0 && st.st_mode & 0o777 == 0o600)
    #expect(contents(out) == "second")
  }

  @Test func aLongTargetNameGetsAShortTemporaryName() throws {
    let dir = temporaryDirectory().path
    let out = dir + "/" + String(repeating: "n", count: 250) + ".json"  // 255 bytes: NAME_MAX
    let f = try AtomicOutputFile(path: out)
    #expect((f.temporaryPath as NSString).lastPathComponent.utf8.count <= 24)
    try f.write("{}")
    try f.commit()
    #expect(contents(out) == "{}")
  }

  @Test func anUncommittedWriterLeavesTheTargetAsItWas() throws {
    let dir = temporaryDirectory().path
    let out = dir + "/keep.csv"
    try atomicWrite("original", to: out)
    do {
      let f = try AtomicOutputFile(path: out)
      try f.write(String(repeating: "x", count: 200_000))  // past the buffer: bytes reach the temp file
      #expect(FileManager.default.fileExists(atPath: f.temporaryPath))
    }
    #expect(contents(out) == "original")
    #expect(leftovers(dir).isEmpty)
    let g = try AtomicOutputFile(path: out)
    try g.write("partial")
    g.abort()
    #expect(contents(out) == "original")
    #expect(leftovers(dir).isEmpty)
  }

  @Test func refusesAnInputOfTheRunByAnyName() throws {
    let dir = temporaryDirectory().path
    let input = dir + "/run.csv"
    try atomicWrite("time_s,ax,ay,az\n", to: input)
    let soft = dir + "/link.csv", hard = dir + "/hard.csv"
    try FileManager.default.createSymbolicLink(atPath: soft, withDestinationPath: input)
    #expect(link(input, hard) == 0)
    let p = ProtectedPaths(inputs: [input])
    for name in [input, soft, hard, dir + "/./run.csv"] {
      let e = #expect(throws: IngestError.self) { try atomicWrite("report", to: name, protecting: p, what: "the --json report") }
      #expect(e?.code == .invalidArgument && e?.code.exitCode == 64)
      #expect(e?.description == "\(name): error[invalidArgument]: the --json report would overwrite an input of this run"
              + (name == input ? "" : " (\(input))") + "; gaitline never writes over an input: choose another output path")
    }
    #expect(contents(input) == "time_s,ax,ay,az\n")
    #expect(leftovers(dir).isEmpty)
  }

  @Test func refusesDevicesFIFOsAndDirectories() throws {
    let dir = temporaryDirectory().path
    let fifo = dir + "/pipe"
    #expect(mkfifo(fifo, 0o644) == 0)
    let cases = [("/dev/null", "a device"), (fifo, "a FIFO (named pipe)"), (dir, "a directory")]
    for (path, kind) in cases {
      let e = #expect(throws: IngestError.self) { try atomicWrite("x", to: path) }
      #expect(e?.code.exitCode == 64)
      #expect(e?.message.hasPrefix("the output is \(kind);") == true, "\(e?.message ?? "")")
    }
    var st = stat()
    #expect(stat("/dev/null", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR)
    #expect(lstat(fifo, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO)
    #expect(leftovers(dir).isEmpty)
  }

  @Test func aFailedWriteIsAWriteFailedErrorNotACrash() throws {
    // A folder that does not allow creating files (root ignores modes, so
    // a path under a regular file stands in).
    let dir = temporaryDirectory().path
    try atomicWrite("file", to: dir + "/plain")
    let e = #expect(throws: IngestError.self) { try atomicWrite("x", to: dir + "/plain/out.json") }
    #expect(e?.code == .writeFailed && e?.code.exitCode == 74)
    #expect(e?.message.contains("cannot create a temporary file in the output folder") == true)
  }
}
