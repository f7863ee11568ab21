// swift-tools-version: 6.1
//===--- Benchmarks/Package.swift -----------------------------------------===//
// gaitline's benchmarks, a nested package (as swift-nio does) so that the
// main package's `swift build` and `swift test` never build them.
//
//   swift package --package-path Benchmarks benchmark            # run, print a table
//   scripts/bench.sh                                              # the same plus stage throughput
//   scripts/bench-check.sh                                        # CI gates (allocations, instructions)
//===----------------------------------------------------------------------===//
import PackageDescription

let package = Package(
  name: "gaitline-benchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(name: "gaitline", path: "../"),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.29.0", traits: ["MallocInterposer"]),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
  ],
  targets: [
    .executableTarget(
      name: "GaitBenchmarks",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "Gaitline", package: "gaitline"),
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ],
      path: "Benchmarks/GaitBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
  ],
  swiftLanguageModes: [.v6]
)
