// swift-tools-version:6.0
// libFuzzer targets for DeprivationMap's readers. Not part of the main build: scripts/fuzz builds
// this package with -sanitize=fuzzer,address so that every module (ours and the readers') is
// instrumented, and runs each target for a bounded time. Each target defines
// LLVMFuzzerTestOneInput; libFuzzer supplies main().
import PackageDescription

let fuzzTargets = ["FuzzShapefile", "FuzzGeoJSON", "FuzzCSVPoints", "FuzzIMDTable", "FuzzZip", "FuzzGzip", "FuzzOSMExtract", "FuzzGeoPackage"]

let package = Package(
    name: "DeprivationMapFuzz",
    dependencies: [.package(name: "DeprivationMap", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver", .product(name: "DeprivationMap", package: "DeprivationMap")]),
        .target(name: "CFuzzDriver"),
    ] + fuzzTargets.map { name in
        .executableTarget(name: name, dependencies: ["FuzzSupport", .product(name: "DeprivationMap", package: "DeprivationMap")],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    },
    swiftLanguageModes: [.v6]
)
