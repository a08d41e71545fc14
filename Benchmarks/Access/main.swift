// access-benchmark: national 2SFCA and E2SFCA — the 32,844 English LSOAs (IoD2019 File 1, mid-2015
// populations from File 6, ONS population-weighted centroids) against the 6,651 active GP
// practices (6,642 with coordinates), 10 km straight-line catchment, supply 1 per practice — end to
// end (read the tables, build the neighbour lists, both catchment variants, write a CSV), timed
// beside PySAL `access` on the same inputs (pysal_access.py in this folder) in the same run.
//
//     Benchmarks/Access/run                  # makes the PySAL venv, builds, runs both
//     swift run -c release access-benchmark [--python VENV/bin/python] [--runs N] [--out DIR]
import BenchmarkSupport
import DeprivationMap
import Foundation

let data = dataRoot()
let file1 = data + "/imd/iod2019_official/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
let file6 = data + "/imd/iod2019_official/File_6_-_IoD2019_Population_Denominators.csv.gz"
let centroidsPath = data + "/centroids/LSOA_Dec2011_PWC_WGS.csv"
let practicesPath = data + "/services/gp/gp_practices_active_2025-05_geocoded.csv"
let radius = 10_000.0
var python: String?
var runs = 3
var outDir = FileManager.default.temporaryDirectory.appendingPathComponent("access-benchmark-\(getpid())").path
var arguments = CommandLine.arguments.dropFirst()
while let arg = arguments.popFirst() {
    switch arg {
    case "--python": python = arguments.popFirst()
    case "--runs": runs = Int(arguments.popFirst() ?? "") ?? runs
    case "--out": outDir = arguments.popFirst() ?? outDir
    default:
        FileHandle.standardError.write(Data("usage: access-benchmark [--python PYTHON] [--runs N] [--out DIR]\n".utf8))
        exit(2)
    }
}
try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
let ourCSV = outDir + "/access_deprivationmap.csv"
let theirCSV = outDir + "/access_pysal.csv"

func runOnce() throws -> [(String, Double)] {
    var phases: [(String, Double)] = []
    var t = now()
    func lap(_ name: String) { let n = now(); phases.append((name, n - t)); t = n }
    let imd = try DeprivationTable.read(paths: [file1, file6])
    lap("read IMD")
    let centroids = try readCentroids(path: centroidsPath, crs: .britishNationalGrid)
    lap("read centroids")
    let practices = try ServiceReader.read(path: practicesPath, kind: .gp)
    lap("read practices")
    let codes = imd.records.map(\.code).filter { centroids[$0] != nil }
    let origins = codes.map { centroids[$0]! }
    let demand = codes.map { imd[$0]?.population ?? 0 }
    lap("match codes")
    let tree = PointTree(practices.points)
    let pairs = SparseNeighbours.within(radius: radius, origins: origins, tree: tree, serviceCount: practices.points.count)
    lap("neighbours")
    let supply = [Double](repeating: 1, count: practices.points.count)
    let two = FloatingCatchment.compute(neighbours: pairs, demand: demand, supply: supply, decay: .binary, method: .twoStep)
    let enhanced = FloatingCatchment.compute(neighbours: pairs, demand: demand, supply: supply, decay: .luoQi(catchment: radius), method: .enhanced)
    lap("2SFCA + E2SFCA")
    let csv = try CSVWriter(path: ourCSV, header: ["code", "2sfca", "e2sfca"])
    for i in codes.indices { try csv.writeRow([codes[i], String(two.access[i]), String(enhanced.access[i])]) }
    try csv.commit()
    lap("write CSV")
    if phases.count == 7 {
        print("  \(codes.count) LSOAs, \(practices.points.count) practices, \(pairs.pairCount) pairs within \(Int(radius)) m")
    }
    return phases
}

print("DeprivationMap: national 2SFCA and E2SFCA, LSOA 2011 × GP practices, \(Int(radius)) m")
var totals: [Double] = []
for r in 1...runs {
    let phases = try runOnce()
    let total = phases.reduce(0) { $0 + $1.1 }
    totals.append(total)
    print(String(format: "  run %d: %.3f s (", r, total) + phases.map { String(format: "%@ %.3f", $0.0, $0.1) }.joined(separator: ", ") + ")")
}
let ours = median(totals)
print(String(format: "DeprivationMap end to end: median %.3f s over %d runs; peak memory %.0f MiB", ours, runs, peakMemoryMiB()))

guard let python else {
    print("PySAL access: not run (pass --python VENV/bin/python; Benchmarks/Access/run makes the venv).")
    exit(0)
}
let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("pysal_access.py").path
let theirs = try timePython(python, script: script, arguments: [file1, file6, centroidsPath, practicesPath, theirCSV], runs: runs, label: "PySAL access")
let pysal = median(theirs)
print(String(format: "PySAL access end to end: median %.3f s; peak memory %.0f MiB", pysal, childPeakMemoryMiB()))
print(String(format: "Ratio: DeprivationMap is %.1f× faster (target ≥ 3×)", pysal / ours))

// Both tools should give the same access values.
func load(_ path: String) throws -> [String: (Double, Double)] {
    let table = try CSVTable(path: path)
    var d: [String: (Double, Double)] = [:]
    try table.forEachRow { d[$0.string(0)] = ($0.double(1) ?? .nan, $0.double(2) ?? .nan) }
    return d
}
let a = try load(ourCSV), b = try load(theirCSV)
var worst = (0.0, 0.0)
var missing = 0
for (code, v) in a {
    guard let w = b[code] else { missing += 1; continue }
    func rel(_ x: Double, _ y: Double) -> Double { x == y ? 0 : abs(x - y) / max(abs(x), abs(y)) }
    worst = (max(worst.0, rel(v.0, w.0)), max(worst.1, rel(v.1, w.1)))
}
print(String(format: "Largest relative difference between the tools: 2SFCA %.2e, E2SFCA %.2e; %d LSOAs missing from PySAL's output", worst.0, worst.1, missing))
