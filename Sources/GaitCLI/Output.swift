//===--- Output.swift -----------------------------------------------------===//
// --quiet and --verbose, the same on every command.
//===----------------------------------------------------------------------===//
import ArgumentParser
import Foundation
import GaitCore
import GaitIngest
import Synchronization
import SystemPackage

/// How much a command says: 0 quiet, 1 normal, 2 verbose. Set once while
/// the options are parsed, read by the helpers below.
let outputLevel = Atomic<Int>(1)

/// `-q/--quiet` and `-v/--verbose`.
struct OutputOptions: ParsableArguments {
  @Flag(name: [.short, .long], help: "Print nothing but errors (and outputs asked for with '-'); the exit status tells the result.")
  var quiet = false

  @Flag(name: [.short, .long], help: "Also print, on stderr, how each input was read (rate and where it came from, columns, units) and how long it took.")
  var verbose = false

  mutating func validate() throws {
    if quiet && verbose { throw ValidationError("give --quiet or --verbose, not both") }
    outputLevel.store(quiet ? 0 : verbose ? 2 : 1, ordering: .relaxed)
  }
}

var isQuiet: Bool { outputLevel.load(ordering: .relaxed) == 0 }
var isVerbose: Bool { outputLevel.load(ordering: .relaxed) == 2 }

/// A note for people on stderr; --quiet silences it.
func note(_ text: String) {
  guard !isQuiet else { return }
  FileHandle.standardError.write(Data("gaitline: \(text)\n".utf8))
}

/// With --quiet, standard output goes nowhere (for commands whose output is
/// only for reading; the exit status still tells the result).
func silenceStandardOutputIfQuiet() {
  guard isQuiet, let null = try? FileDescriptor.open(FilePath("/dev/null"), .writeOnly) else { return }
  _ = try? null.duplicate(as: .standardOutput)
  try? null.close()
}

/// With --verbose: how `path` was read, on stderr.
func describeInput(_ path: String, _ r: IngestReport, _ info: RecordingInfo, seconds: Double? = nil) {
  guard isVerbose else { return }
  var parts = ["\(r.format)", String(format: "%.6g Hz (from %@)", r.sampleRateHz, r.rateSource ?? "the file's header")]
  if !r.columns.isEmpty { parts.append("columns " + r.columns.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")) }
  parts.append("units \(r.unitsDetected) (\(r.unitsSource))" + (r.gyroUnits.map { ", gyroscope \($0)" } ?? ""))
  parts.append("timestamps \(r.timestampUnit)")
  parts.append(String(format: "%d samples, %.1f s, %d gap(s), %d clipped", r.samples, r.durationS, r.gaps.count, r.clippedSamples))
  if let seconds { parts.append(String(format: "read and analysed in %.2f s", seconds)) }
  FileHandle.standardError.write(Data("gaitline: \(path): \(parts.joined(separator: "; "))\n".utf8))
}
