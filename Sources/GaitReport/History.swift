//===--- History.swift ----------------------------------------------------===//
// Earlier reports read back for the rules over a runner's history (the
// baseline and training-load rules themselves are GaitScoring's).
//===----------------------------------------------------------------------===//
import GaitCore
import GaitDSP
import GaitIngest
import GaitScoring
import Foundation

/// The numbers of a finished analysis, for the rules over a runner's
/// history (GaitScoring).
extension PastRun {
  /// The summary of one analysed run, as an earlier run to compare with.
  public init(_ r: AnalysisResult) {
    self.init(
      path: r.path, dateUnixS: r.info.startTimeUnixS ?? dateFromName(r.path) ?? fileDate(r.path),
      speedMps: r.options.speedMps ?? r.track?.speedMps?.median, runningSeconds: r.summary.runningSeconds,
      cadenceSpm: r.summary.cadenceSpm?.median, groundContactMs: r.summary.groundContactMs?.median,
      brakingMps: r.summary.brakingMps?.median, trunkLeanDeg: r.summary.trunkLeanDeg?.median,
      lateralSwayCm: r.summary.lateralSwayCm?.median)
  }
}

/// Reads a `gaitline.report/1` JSON file.
public func loadPastRun(path: String) throws -> PastRun {
  let data = try readReportFile(path, what: "cannot read the earlier report")
  return PastRun(try ReportDocument.decode(data, path: path, steps: false), reportPath: path)
}

extension PastRun {
  /// The numbers of a report read back from `reportPath`.
  public init(_ report: ReportDocument, reportPath path: String) {
    let s = report.summary
    let inputPath = report.input.path
    self.init(
      path: inputPath,
      dateUnixS: report.input.startTimeUnixS ?? dateFromName(inputPath) ?? dateFromName(path) ?? fileDate(path),
      // --speed, else the watch track's median speed (--track).
      speedMps: report.options.speedMps ?? report.track?.speedMps?.median,
      runningSeconds: s.runningS ?? 0,
      cadenceSpm: s.cadenceSpm?.median, groundContactMs: s.groundContactMs?.median, brakingMps: s.brakingMps?.median,
      trunkLeanDeg: s.trunkLeanDeg?.median, lateralSwayCm: s.lateralSwayCm?.median)
  }
}

/// A date written in a file name: `2024-05-01`, `20240501`, `2024_05_01`.
public func dateFromName(_ path: String) -> Double? {
  let name = (path as NSString).lastPathComponent
  let digits = Array(name.unicodeScalars)
  var i = 0
  while i + 8 <= digits.count {
    func num(_ a: Int, _ n: Int) -> Int? {
      var v = 0
      for k in a..<(a + n) {
        guard k < digits.count, let d = Int(String(digits[k])) else { return nil }
        v = v * 10 + d
      }
      return v
    }
    if let y = num(i, 4), (1990...2100).contains(y) {
      var j = i + 4
      let sep = j < digits.count && (digits[j] == "-" || digits[j] == "_" || digits[j] == ".")
      if sep { j += 1 }
      if let m = num(j, 2), (1...12).contains(m) {
        j += 2
        if sep { if j < digits.count, digits[j] == "-" || digits[j] == "_" || digits[j] == "." { j += 1 } else { i += 1; continue } }
        if let d = num(j, 2), (1...31).contains(d) {
          var c = DateComponents()
          c.year = y; c.month = m; c.day = d; c.hour = 12
          c.timeZone = TimeZone(identifier: "UTC")
          return Calendar(identifier: .gregorian).date(from: c)?.timeIntervalSince1970
        }
      }
    }
    i += 1
  }
  return nil
}

func fileDate(_ path: String) -> Double? {
  (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)?.timeIntervalSince1970
}

/// Reads a scoring policy file: a JSON object with any of the policy's keys.
public func loadPolicy(path: String) throws -> ScoringPolicy {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw ReportError(.fileNotFound, "cannot read the policy file", path: path)
  }
  let policy: ScoringPolicy
  do {
    policy = try JSONDecoder().decode(ScoringPolicy.self, from: data)
  } catch {
    throw ReportError(.invalidArgument, "not a valid policy (a JSON object of thresholds, see docs/POLICY.md): \(error)", path: path)
  }
  // A misspelt key would otherwise leave its threshold at the default
  // without a word (`sway_hig_cm`): every key must be one the policy has.
  let known = Set(ScoringPolicy.jsonKeys)
  let given = ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]).map { Array($0.keys) } ?? []
  if let unknown = given.filter({ !known.contains($0) }).sorted().first {
    let near = ScoringPolicy.jsonKeys.map { (key: $0, distance: editDistance($0, unknown)) }.min { $0.distance < $1.distance }
    let hint = near.flatMap { $0.distance <= 3 ? " (did you mean '\($0.key)'?)" : nil } ?? ""
    throw ReportError(.invalidArgument, "unknown key '\(unknown)'\(hint) in the policy; the keys are listed in docs/POLICY.md", path: path)
  }
  return policy
}

/// The Levenshtein distance between `a` and `b` (insertions, deletions and
/// substitutions of characters), for suggesting a key.
func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a), b = Array(b)
  guard !a.isEmpty else { return b.count }
  var previous = Array(0...b.count)
  for i in 1...a.count {
    var current = [i] + Array(repeating: 0, count: b.count)
    for j in stride(from: 1, through: b.count, by: 1) {
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.count]
}
