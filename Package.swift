// swift-tools-version: 6.1
//===--- Package.swift ----------------------------------------------------===//
// gaitline: running-form metrics from a runner's wearable accelerometer.
//
// Modules follow the data, in import order: GaitCore (shared values and
// Statistics, no Foundation) → GaitIngest (bytes → samples) → GaitDSP (the
// incremental core on FFTW: samples → steps) → GaitScoring (every rule:
// flags, baselines, training load) → GaitReport (rendering and reading
// reports) → GaitPipeline (ingest → metrics → scoring for one input and for
// a batch) → GaitStream, GaitCohort → GaitCLI. No module imports one above
// it. docs/ARCHITECTURE.md draws it.
// Benchmarks live in a nested package (Benchmarks/) so that `swift build` and
// `swift test` never build them.
//===----------------------------------------------------------------------===//
import PackageDescription

let package = Package(
  name: "gaitline",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "gaitline", targets: ["GaitCLI"]),
    // `import Gaitline` re-exports the stages; GaitStream and GaitCohort stay importable on their own.
    .library(name: "Gaitline", targets: ["Gaitline", "GaitStream", "GaitCohort"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    // FileDescriptor, FilePath.stat() and Errno for the POSIX calls (open, read, write, close, stat).
    .package(url: "https://github.com/apple/swift-system", from: "1.8.0"),
    // `swift package generate-documentation --target Gaitline` (DocC); a plugin, not linked.
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CFFTW",
      pkgConfig: "fftw3f",
      providers: [.apt(["libfftw3-dev"]), .brew(["fftw"])]
    ),
    // System zlib (named apart from ZIPFoundation's own CZlib module): gzip-compressed inputs (`run.csv.gz`) are inflated while they are read.
    .systemLibrary(name: "CGzip", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
    .target(name: "GaitCore"),
    .target(
      name: "GaitIngest",
      dependencies: [
        "GaitCore", "CGzip", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        .product(name: "SystemPackage", package: "swift-system"),
      ]),
    .target(name: "GaitDSP", dependencies: ["GaitCore", "CFFTW"]),
    .target(name: "GaitScoring", dependencies: ["GaitCore", "GaitDSP"]),
    .target(name: "GaitStream", dependencies: ["GaitCore", "GaitIngest", .product(name: "SystemPackage", package: "swift-system")]),
    .target(name: "GaitReport", dependencies: ["GaitCore", "GaitDSP", "GaitIngest", "GaitScoring"]),
    .target(name: "GaitPipeline", dependencies: ["GaitCore", "GaitIngest", "GaitDSP", "GaitScoring", "GaitReport"]),
    .target(name: "Gaitline", dependencies: ["GaitCore", "GaitIngest", "GaitDSP", "GaitScoring", "GaitReport", "GaitPipeline"]),
    .target(
      name: "GaitCohort",
      dependencies: ["GaitCore", "GaitDSP", "GaitIngest", "GaitScoring", "GaitReport", "GaitPipeline", .product(name: "Crypto", package: "swift-crypto")]),
    .executableTarget(
      name: "GaitCLI",
      dependencies: [
        "GaitCohort", "GaitCore", "GaitIngest", "GaitDSP", "GaitScoring", "GaitReport", "GaitPipeline", "GaitStream",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "SystemPackage", package: "swift-system"),
      ]
    ),
    .target(name: "GaitTestSupport", dependencies: ["GaitCore", "GaitDSP", "CGzip"], path: "Tests/GaitTestSupport"),
    // The invariants of the fuzz targets (Fuzz/), replayed by the tests.
    .target(
      name: "GaitFuzzChecks",
      dependencies: ["GaitCore", "GaitIngest", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
      path: "Tests/GaitFuzzChecks"),
    .testTarget(name: "GaitCoreTests", dependencies: ["GaitCore", "GaitTestSupport"]),
    .testTarget(
      name: "GaitIngestTests",
      dependencies: ["GaitCore", "GaitIngest", "GaitTestSupport", "GaitFuzzChecks", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
    .testTarget(
      name: "GaitDSPTests", dependencies: ["GaitCore", "GaitIngest", "GaitDSP", "GaitScoring", "GaitReport", "GaitPipeline", "GaitTestSupport"]),
    .testTarget(
      name: "GaitScoringTests",
      dependencies: ["GaitCore", "GaitIngest", "GaitDSP", "GaitScoring", "GaitReport", "GaitPipeline", "GaitTestSupport"]),
    .testTarget(
      name: "GaitReportTests",
      dependencies: ["GaitCore", "GaitIngest", "GaitDSP", "GaitScoring", "GaitReport", "GaitPipeline", "GaitTestSupport"]),
    .testTarget(name: "GaitPipelineTests", dependencies: ["GaitIngest", "GaitPipeline"]),
    .testTarget(name: "GaitStreamTests", dependencies: ["GaitCore", "GaitIngest", "GaitStream", "GaitTestSupport"]),
    .testTarget(name: "GaitCohortTests", dependencies: ["GaitCohort", "GaitCore", "GaitDSP", "GaitIngest", "GaitPipeline", "GaitReport", "GaitTestSupport"]),
    .testTarget(name: "GaitlineTests", dependencies: ["Gaitline"]),
    .testTarget(name: "GaitCLITests", dependencies: ["GaitCLI", "GaitCore", "GaitTestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system {
  target.swiftSettings = (target.swiftSettings ?? []) + [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
  ]
}
