//===--- Support.swift ----------------------------------------------------===//
// Shared helpers for gaitline's tests: fixture paths and synthetic runs with
// exactly known events.
//===----------------------------------------------------------------------===//
import Foundation
import GaitCore
@_exported import GaitDSP

/// The repository root, found from this file's path (tests read
/// nothing outside the repository: their data is in SampleData/ or Tests/Fixtures/).
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A path below SampleData/.
public func sampleData(_ relative: String) -> String {
  repositoryRoot.appendingPathComponent("SampleData").appendingPathComponent(relative).path
}

/// A fresh temporary directory.
public func temporaryDirectory() -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("gaitline-test-\(UUID().uuidString)")
  try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Writes `text` to a new temporary file and returns its path.
public func temporaryFile(_ text: String, name: String = "input.csv") -> String {
  let url = temporaryDirectory().appendingPathComponent(name)
  try? Data(text.utf8).write(to: url)
  return url.path
}

/// Writes raw bytes to a new temporary file and returns its path.
public func temporaryFile(bytes: [UInt8], name: String) -> String {
  let url = temporaryDirectory().appendingPathComponent(name)
  try? Data(bytes).write(to: url)
  return url.path
}

/// A deterministic generator (SplitMix64), so a failing case can be replayed.
public struct SplitMix: RandomNumberGenerator {
  /// The generator's state; the seed at first.
  public var state: UInt64
  /// A generator seeded with `state`.
  public init(state: UInt64) { self.state = state }
  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
