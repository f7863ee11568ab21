import Foundation
import Gaitline
import Testing

/// Evidence shown to users cites studies, and every study cited is in
/// docs/EVIDENCE.md; nothing in the repository cites files it does not ship.
@Suite struct EvidenceTests {
  static let root = ReadmeExampleTests.root

  static func files(under folder: String, ending suffixes: [String]) -> [URL] {
    let base = root.appendingPathComponent(folder)
    guard let e = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
    return e.compactMap { $0 as? URL }.filter { url in suffixes.contains { url.path.hasSuffix($0) } }
  }

  @Test func nothingCitesFilesOutsideTheRepository() throws {
    let urls = Self.files(under: "Sources", ending: [".swift", ".md"]) + Self.files(under: "docs", ending: [".md"])
      + [Self.root.appendingPathComponent("README.md")]
    #expect(urls.count > 40)
    let pattern = try Regex(#"DOMAIN\.md|FORMATS\.md|STYLE\.md|\.\./shared"#)
    for url in urls {
      let text = try String(contentsOf: url, encoding: .utf8)
      #expect(text.firstMatch(of: pattern) == nil, "\(url.lastPathComponent) cites a file outside the repository")
    }
  }

  @Test func everyAuthorCitedByAFlagIsInEvidenceMD() throws {
    let evidence = try String(contentsOf: Self.root.appendingPathComponent("docs/EVIDENCE.md"), encoding: .utf8)
    let texts = [Evidence.cadence, Evidence.overstride, Evidence.lean, Evidence.sway, Evidence.balance,
                 Evidence.fatigue, Evidence.quality, Evidence.tibialShock]
    // "Surname et al. 2011", "Teng & Powers 2014", "Hart et al. 2009"
    let citation = try Regex(#"([A-Z][\p{L}-]+)(?: et al\.| & [A-Z][\p{L}]+)? (?:19|20)\d\d"#)
    var cited = Set<String>()
    for text in texts {
      for match in text.matches(of: citation) {
        if let name = match.output[1].substring { cited.insert(String(name)) }
      }
    }
    #expect(cited.isSuperset(of: ["Heiderscheit", "Drozda", "Lieberman", "Napier", "Bramah", "Teng", "Hart",
                                  "Schütte", "Clermont"]))
    for name in cited { #expect(evidence.contains(name), "\(name) is cited by a flag but not in docs/EVIDENCE.md") }
  }

  @Test func flagsOnTheBundledRunCiteStudiesNotFiles() throws {
    let path = Self.root.appendingPathComponent("SampleData/alcantara-sacrum-run/sample_test_raw.csv").path
    let report = try RecordingFile(path: path).analyze()
    #expect(!report.flags.isEmpty)
    for flag in report.flags {
      #expect(!flag.evidence.contains(".md"), "\(flag.id): \(flag.evidence)")
    }
  }
}
