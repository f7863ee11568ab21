import Gaitline

let recording = try RecordingFile(path: "SampleData/alcantara-sacrum-run/sample_test_raw.csv")
let report = try recording.analyze(AnalysisOptions(speedMps: 3.3))
print(report.text)                                 // what `gaitline analyze` prints
print(report.summary.cadenceSpm?.median ?? .nan)   // typed values: 160.5 steps/min
for flag in report.flags { print(flag.severity, flag.id, flag.evidence) }
try report.writeHTML(to: "report.html")            // also writeJSON(to:), .json, .stepsCSV
