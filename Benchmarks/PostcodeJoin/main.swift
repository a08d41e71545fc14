// postcode-join-benchmark: every GB postcode of OS Code-Point Open joined to the national LSOA 2021
// BGC boundaries (35,672 polygons), end to end — read the boundaries, read the zip, transform the
// points to the boundaries' CRS, join, write a CSV — timed beside the same work in GeoPandas
// (geopandas_join.py in this folder) in the same run. Run it in release mode:
//
//     Benchmarks/PostcodeJoin/run            # makes the GeoPandas venv, builds, runs both
//     swift run -c release postcode-join-benchmark [--python VENV/bin/python] [--runs N] [--out DIR]
//
// The data folder is $DEPRIVATION_MAP_DATA, or ../shared/geodata beside the package.
import BenchmarkSupport
import DeprivationMap
import Foundation

let data = dataRoot()
var boundaries = data + "/boundaries/lsoa21_ew_bgc/lsoa21_ew_bgc.shp"
let zipPath = data + "/postcodes/codepo_gb_2025-04.zip"
var python: String?
var runs = 3
var outDir = FileManager.default.temporaryDirectory.appendingPathComponent("postcode-join-benchmark-\(getpid())").path
var arguments = CommandLine.arguments.dropFirst()
while let arg = arguments.popFirst() {
    switch arg {
    case "--python": python = arguments.popFirst()
    case "--runs": runs = Int(arguments.popFirst() ?? "") ?? runs
    case "--out": outDir = arguments.popFirst() ?? outDir
    case "--boundaries": boundaries = arguments.popFirst() ?? boundaries
    default:
        FileHandle.standardError.write(Data("usage: postcode-join-benchmark [--python PYTHON] [--runs N] [--out DIR] [--boundaries FILE.shp]\n".utf8))
        exit(2)
    }
}
try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
let ourCSV = outDir + "/postcodes_lsoa21_deprivationmap.csv"
let theirCSV = outDir + "/postcodes_lsoa21_geopandas.csv"

/// One end-to-end run; returns phase times.
func runOnce(boundaries: String, zipPath: String, ourCSV: String) throws -> [(String, Double)] {
    var phases: [(String, Double)] = []
    var t = now()
    func lap(_ name: String) { let n = now(); phases.append((name, n - t)); t = n }
    let areas = try Areas.load(path: boundaries)
    lap("read boundaries")
    let postcodes = try CodePointOpen.read(path: zipPath)
    lap("read zip")
    let points = try transformPoints(postcodes.coordinates, from: postcodes.crs, to: areas.crs)
    lap("transform points")
    let result = try PointJoin.join(points: points, polygons: areas.geometries, labels: areas.codes)
    lap("join")
    let csv = try CSVWriter(path: ourCSV, header: ["postcode", "lsoa21cd"])
    for i in postcodes.postcodes.indices {
        let a = Int(result.area[i])
        try csv.writeRaw { out in
            CSVWriter.appendField(postcodes.postcodes[i], to: &out)
            out.append(UInt8(ascii: ","))
            if a >= 0 { CSVWriter.appendField(areas.codes[a], to: &out) }
        }
    }
    try csv.commit()
    lap("write CSV")
    if phases.count == 5 {
        print(String(format: "  %d postcodes, %d in a polygon, %d outside every polygon, %d in two or more; %d polygons repaired",
                     postcodes.postcodes.count, result.insideCount, result.unmatchedCount, result.multiple.count, result.repaired.count))
    }
    return phases
}

print("DeprivationMap: \(zipPath) → \(boundaries)")
var totals: [Double] = []
for r in 1...runs {
    let phases = try runOnce(boundaries: boundaries, zipPath: zipPath, ourCSV: ourCSV)
    let total = phases.reduce(0) { $0 + $1.1 }
    totals.append(total)
    print(String(format: "  run %d: %.3f s (", r, total) + phases.map { String(format: "%@ %.3f", $0.0, $0.1) }.joined(separator: ", ") + ")")
}
let ours = median(totals)
let ourPeak = peakMemoryMiB()
print(String(format: "DeprivationMap end to end: median %.3f s over %d runs; peak memory %.0f MiB", ours, runs, ourPeak))

guard let python else {
    print("GeoPandas: not run (pass --python VENV/bin/python; Benchmarks/PostcodeJoin/run makes the venv).")
    exit(0)
}
let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("geopandas_join.py").path
let theirs = try timePython(python, script: script, arguments: [boundaries, zipPath, theirCSV], runs: runs, label: "GeoPandas")
let gpd = median(theirs)
print(String(format: "GeoPandas end to end: median %.3f s; peak memory %.0f MiB", gpd, childPeakMemoryMiB()))
print(String(format: "Ratio: DeprivationMap is %.1f× faster (target ≥ 4×); DeprivationMap peak %.0f MiB (target < 1024 MiB)", gpd / ours, ourPeak))

// The two CSVs should agree on the assignment of (almost) every postcode.
func load(_ path: String) throws -> [String: String] {
    let table = try CSVTable(path: path)
    var d: [String: String] = [:]
    try table.forEachRow { d[$0.string(0)] = $0.string(1) }
    return d
}
let a = try load(ourCSV), b = try load(theirCSV)
let differing = a.filter { b[$0.key] != $0.value }.count
print("Postcodes assigned differently by the two tools: \(differing) of \(a.count)")
