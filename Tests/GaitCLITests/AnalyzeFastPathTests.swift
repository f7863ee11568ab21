//===--- AnalyzeFastPathTests.swift ---------------------------------------===//
// `gaitline analyze …` is parsed with `Analyze` as the root (Gaitline.main in
// Gaitline.swift); it must give exactly what the full root parse gives, and
// leave every command line the root parse does not turn into an `Analyze`
// (help, version, completion scripts, errors) to the full parse.
//===----------------------------------------------------------------------===//
import ArgumentParser
import Testing

@testable import GaitCLI

@Suite struct AnalyzeFastPathTests {
  /// Command lines after `analyze`: ones that parse, ones that ask for a
  /// built-in (help, version, completion script, dump), and errors.
  static let commandLines: [[String]] = [
    ["run.csv"],
    ["run.csv", "--json", "r.json", "-q", "--threads", "1"],
    ["run.csv", "--json", "-", "--html", "r.html", "--steps-csv", "s.csv", "--verbose"],
    ["a.csv", "b.glb", "--out-dir", "reports", "--jobs", "2", "--steps-csv-each", "--html-each"],
    ["--baseline", "a.json", "b.json", "--", "run.csv"],
    ["run.csv", "--placement", "foot", "--side", "left", "--speed", "3.3", "--shank-ic", "purcell"],
    ["run.csv", "--rate", "100", "--units", "g", "--gyro-units", "deg/s", "--columns", "ax=1,ay=2,az=3"],
    ["run.raw", "--protocol", "text", "--track", "t.gpx", "--track-offset", "-3600", "--start-time", "2026-05-03T07:00:00Z"],
    ["--manifest", "m.json", "--shard", "0/2", "--shards", "2", "--out-dir", "o", "--policy", "p.json"],
    ["help"], ["version"], ["analyze"], [],
    ["--help"], ["-h"], ["run.csv", "--help"], ["--help-hidden"], ["run.csv", "--version"], ["--version"],
    ["--generate-completion-script", "bash"], ["--generate-completion-script"], ["--experimental-dump-help"],
    ["---completion", "--", "positional@0", "0", "0"],
    ["run.csv", "--bogus"], ["run.csv", "-x"], ["-q", "-v", "run.csv"], ["--side", "middle", "run.csv"],
    ["run.csv", "--threads"], ["run.csv", "--threads", "two"], ["run.csv", "--protocol", "morse"],
    ["help", "--help"], ["run.csv", "-qv"], ["run.csv", "-q", "--quiet"],
  ]

  @Test(arguments: commandLines)
  func sameAsTheRootParse(arguments: [String]) {
    let fast = Gaitline.parsedAnalyze(arguments)
    let full = (try? Gaitline.parseAsRoot(["analyze"] + arguments)) as? Analyze
    #expect((fast == nil) == (full == nil), "fast path \(fast == nil ? "declines" : "parses"), root parse \(full == nil ? "does not give Analyze" : "gives Analyze")")
    if let fast, let full {
      var a = "", b = ""
      dump(fast, to: &a)
      dump(full, to: &b)
      #expect(a == b)
      #expect(a.contains("_inputs"))
    }
  }

  /// The lines that the full parse turns into help, a version or an error
  /// are declined (so main() handles them as before).
  @Test func builtInsAndErrorsAreDeclined() {
    for line in [["--help"], ["run.csv", "--version"], ["--generate-completion-script", "bash"], ["run.csv", "--bogus"], ["-q", "-v", "run.csv"]] {
      #expect(Gaitline.parsedAnalyze(line) == nil, "\(line)")
    }
    #expect(Gaitline.parsedAnalyze(["run.csv", "-q"])?.quiet == true)
  }
}
