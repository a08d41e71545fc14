// swift-tools-version:6.0
// DeprivationMap: deprivation and access to services across England, for NHS Integrated Care Systems.
//
// Dependency direction: C libraries → GeoCore (values) → GeoProjection / GeoEngine / GeoIO → DeprivationMap → CLI.
import PackageDescription

let package = Package(
    name: "DeprivationMap",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "DeprivationMap", targets: ["DeprivationMap"]),
        .executable(name: "deprivation-map", targets: ["DeprivationMapCLI"]),
        .executable(name: "convert-benchmark", targets: ["ConvertBenchmark"]),
        .executable(name: "postcode-join-benchmark", targets: ["PostcodeJoinBenchmark"]),
        .executable(name: "access-benchmark", targets: ["AccessBenchmark"]),
        .executable(name: "food-van-benchmark", targets: ["FoodVanBenchmark"]),
        .executable(name: "report-benchmark", targets: ["ReportBenchmark"]),
        .executable(name: "network-benchmark", targets: ["NetworkBenchmark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation --target DeprivationMap` (the DocC catalogue).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // System libraries, found through pkg-config; Debian package names as providers.
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        .systemLibrary(name: "CShapelib", pkgConfig: "shapelib", providers: [.apt(["libshp-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // Sendable value types: coordinates, geometries, features, CRS identifiers. No C here.
        .target(name: "GeoCore"),
        // PROJ: one context per thread, transformers, CRS identification.
        .target(name: "GeoProjection", dependencies: ["GeoCore", "CPROJ"]),
        // GEOS: owned handles, validity and repair, measures, predicates, prepared geometry, STRtree.
        .target(name: "GeoEngine", dependencies: ["GeoCore", "CGEOS"]),
        // Readers and writers: shapefile (shapelib), GeoJSON, CSV point tables, GeoPackage (SQLite), PostGIS (libpq).
        .target(name: "GeoIO", dependencies: ["GeoCore", "GeoProjection", "CShapelib", "CZlib", "CSQLite", "CPostgres"]),
        // The analyst-facing library: re-exports the layers above and adds the pipelines.
        .target(name: "DeprivationMap", dependencies: ["GeoCore", "GeoProjection", "GeoEngine", "GeoIO"]),
        // The command-line tool `deprivation-map`.
        .executableTarget(
            name: "DeprivationMapCLI",
            dependencies: ["DeprivationMap", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Benchmarks print figures; they are run by hand in release mode, never timed in tests.
        .executableTarget(name: "ConvertBenchmark", dependencies: ["DeprivationMap"], path: "Benchmarks/ConvertBenchmark"),
        .target(name: "BenchmarkSupport", dependencies: ["DeprivationMap"], path: "Benchmarks/Support"),
        .executableTarget(name: "PostcodeJoinBenchmark", dependencies: ["DeprivationMap", "BenchmarkSupport"], path: "Benchmarks/PostcodeJoin",
                          exclude: ["geopandas_join.py", "run"]),
        .executableTarget(name: "AccessBenchmark", dependencies: ["DeprivationMap", "BenchmarkSupport"], path: "Benchmarks/Access",
                          exclude: ["pysal_access.py", "run"]),
        .executableTarget(name: "FoodVanBenchmark", dependencies: ["DeprivationMap", "BenchmarkSupport"], path: "Benchmarks/FoodVan"),
        .executableTarget(name: "ReportBenchmark", dependencies: ["DeprivationMap", "BenchmarkSupport"], path: "Benchmarks/Report"),
        .executableTarget(name: "NetworkBenchmark", dependencies: ["DeprivationMap", "BenchmarkSupport"], path: "Benchmarks/Network",
                          exclude: ["scaling"]),

        // Examples are built targets so that CI compiles them.
        .executableTarget(name: "ReadBoundariesExample", dependencies: ["DeprivationMap"], path: "Examples/ReadBoundaries"),
        .executableTarget(name: "MapRegionExample", dependencies: ["DeprivationMap"], path: "Examples/MapRegion"),
        .executableTarget(name: "InverseCareLawExample", dependencies: ["DeprivationMap"], path: "Examples/InverseCareLaw"),
        .executableTarget(name: "FoodVanExample", dependencies: ["DeprivationMap"], path: "Examples/FoodVan"),
        .executableTarget(name: "MeasureAccessExample", dependencies: ["DeprivationMap"], path: "Examples/MeasureAccess"),
        .executableTarget(name: "NetworkTravelExample", dependencies: ["DeprivationMap"], path: "Examples/NetworkTravel"),

        // Tests mirror Sources/; TestSupport holds fixtures and approximate asserts.
        .target(name: "TestSupport", dependencies: ["DeprivationMap", "CShapelib"], path: "Tests/TestSupport"),
        .testTarget(name: "GeoCoreTests", dependencies: ["GeoCore", "TestSupport"]),
        .testTarget(name: "GeoProjectionTests", dependencies: ["GeoProjection", "TestSupport"]),
        .testTarget(name: "GeoEngineTests", dependencies: ["GeoEngine", "TestSupport"]),
        .testTarget(name: "GeoIOTests", dependencies: ["GeoIO", "TestSupport"]),
        .testTarget(name: "DeprivationMapTests", dependencies: ["DeprivationMap", "TestSupport", "BenchmarkSupport"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
