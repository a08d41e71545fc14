// convert-benchmark: the national LSOA 2021 boundaries (35,672 polygons) from shapefile to
// RFC 7946 GeoJSON, timed beside `ogr2ogr -f GeoJSON -lco RFC7946=YES` on the same file in the
// same run. Run it in release mode:
//
//     swift run -c release convert-benchmark [--runs N] [--input FILE]
//
// The data folder is $DEPRIVATION_MAP_DATA, or ../shared/geodata beside the package.
import DeprivationMap
import Foundation

func dataRoot() -> String {
    if let env = ProcessInfo.processInfo.environment["DEPRIVATION_MAP_DATA"], !env.isEmpty { return env }
    let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return package.deletingLastPathComponent().appendingPathComponent("shared/geodata").path
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024 // ru_maxrss is in KiB on Linux
}

/// Runs `ogr2ogr`; `nil` when it is not installed.
func ogr2ogr(_ input: String, _ output: String) throws -> Double? {
    let candidates = ["/usr/bin/ogr2ogr", "/usr/local/bin/ogr2ogr"]
    guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
    try? FileManager.default.removeItem(atPath: output)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = ["-f", "GeoJSON", "-lco", "RFC7946=YES", output, input]
    process.standardError = FileHandle.nullDevice
    return try seconds {
        try process.run()
        process.waitUntilExit()
    }
}

var runs = 5
var input = dataRoot() + "/boundaries/lsoa21_ew_bgc/lsoa21_ew_bgc.shp"
var arguments = CommandLine.arguments.dropFirst()
while let arg = arguments.popFirst() {
    switch arg {
    case "--runs": runs = Int(arguments.popFirst() ?? "") ?? runs
    case "--input": input = arguments.popFirst() ?? input
    default:
        FileHandle.standardError.write(Data("usage: convert-benchmark [--runs N] [--input FILE.shp]\n".utf8))
        exit(2)
    }
}

#if DEBUG
print("warning: this is a debug build; run `swift run -c release convert-benchmark` for meaningful figures")
#endif

let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dm-convert-benchmark-\(getpid())")
try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: scratch) }
let ours = scratch.appendingPathComponent("ours.geojson").path
let theirs = scratch.appendingPathComponent("ogr2ogr.geojson").path

print("input: \(input)")
var readTimes: [Double] = [], writeTimes: [Double] = [], totalTimes: [Double] = []
var featureCount = 0
for _ in 0..<runs {
    var layer: FeatureLayer?
    let read = try seconds { layer = try ShapefileReader(path: input).readAll() }
    let write = try seconds {
        let writer = try GeoJSONWriter(path: ours, schema: layer!.schema, options: GeoJSONWriteOptions(name: layer!.name))
        try writer.write(contentsOf: layer!.features)
        try writer.finish()
    }
    featureCount = layer!.features.count
    readTimes.append(read)
    writeTimes.append(write)
    totalTimes.append(read + write)
}
let ourBytes = (try FileManager.default.attributesOfItem(atPath: ours)[.size] as? Int) ?? 0
print(String(format: "deprivation-map: %d features, read %.3f s + write %.3f s = %.3f s (median of %d; best %.3f s), %.1f MB, peak memory %.0f MiB",
             featureCount, median(readTimes), median(writeTimes), median(totalTimes), runs, totalTimes.min()!,
             Double(ourBytes) / 1e6, peakMemoryMiB()))

var ogrTimes: [Double] = []
for _ in 0..<min(runs, 3) {
    guard let t = try ogr2ogr(input, theirs) else { break }
    ogrTimes.append(t)
}
if ogrTimes.isEmpty {
    print("ogr2ogr: not installed (apt-get install gdal-bin) — no comparison")
} else {
    let theirBytes = (try FileManager.default.attributesOfItem(atPath: theirs)[.size] as? Int) ?? 0
    print(String(format: "ogr2ogr -f GeoJSON -lco RFC7946=YES: %.3f s (median of %d), %.1f MB", median(ogrTimes), ogrTimes.count, Double(theirBytes) / 1e6))
    print(String(format: "ratio: deprivation-map is %.1f× faster than ogr2ogr (target ≥ 5×)", median(ogrTimes) / median(totalTimes)))
}
