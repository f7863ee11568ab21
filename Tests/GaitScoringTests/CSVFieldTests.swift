import GaitReport
import Testing

/// Text cells of gaitline's CSV outputs (summary.csv, training_load.csv,
/// cohort.csv): RFC 4180 quoting, and formula text neutralised (OWASP CSV
/// injection) while numbers stay numbers.
@Suite struct CSVFieldTests {
  @Test(arguments: [
    ("plain.csv", "plain.csv"),
    ("a,b", "\"a,b\""),
    ("say \"hi\"", "\"say \"\"hi\"\"\""),
    ("line\nfeed", "\"line\nfeed\""),
    ("carriage\rreturn", "\"carriage\rreturn\""),
    ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
    ("+cmd", "\"'+cmd\""),
    ("-2+3", "\"'-2+3\""),
    ("@SUM(A1)", "\"'@SUM(A1)\""),
    ("\tTAB", "\"'\tTAB\""),
    ("-inf", "\"'-inf\""),
    ("-1.2", "-1.2"),
    ("+3e5", "+3e5"),
    ("", ""),
  ])
  func field(_ c: (String, String)) {
    #expect(csvField(c.0) == c.1)
  }
}
