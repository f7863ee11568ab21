// swift-tools-version: 6.1
// A package that uses gaitline as a library, as the README shows: a path
// dependency on this repository and `import Gaitline`. Built and run by
// ConsumerPackageTests when GAITLINE_CONSUMER_PACKAGE=1 (it builds gaitline
// a second time, in this folder's own .build).
import PackageDescription

let package = Package(
  name: "consumer",
  platforms: [.macOS(.v15)],
  dependencies: [.package(name: "gaitline", path: "../../..")],
  targets: [
    .executableTarget(name: "Consumer", dependencies: [.product(name: "Gaitline", package: "gaitline")]),
  ],
  swiftLanguageModes: [.v6]
)
