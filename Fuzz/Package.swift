// swift-tools-version: 6.1
//===--- Fuzz/Package.swift -----------------------------------------------===//
// libFuzzer targets for every decoder. Built only by scripts/fuzz.sh:
//   swift build --package-path Fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
// Each target is a thin entry point over GaitFuzzChecks (Tests/GaitFuzzChecks,
// shared with the regression tests through the symlink Sources/GaitFuzzChecks).
//===----------------------------------------------------------------------===//
import PackageDescription

let names = ["CSV", "GLB", "StreamText", "StreamGLB", "StreamWitMotion", "CWA", "GT3X", "FIT"]

let package = Package(
  name: "gaitline-fuzz",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(name: "gaitline", path: "../"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
  ],
  targets: [
    .target(
      name: "GaitFuzzChecks",
      dependencies: [.product(name: "Gaitline", package: "gaitline"), .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
    .target(name: "FuzzMain", dependencies: ["GaitFuzzChecks"]),
  ] + names.map { .executableTarget(name: "Fuzz\($0)", dependencies: ["FuzzMain", "GaitFuzzChecks"]) },
  swiftLanguageModes: [.v6]
)
