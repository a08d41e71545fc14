// report-benchmark: the region report end to end, as `deprivation-map report` runs it — read the
// national inputs (LSOA 2021 boundaries, IMD 2025, Census 2021, centroids, lookups, GP practices
// and workforce, pharmacies, Geolytix), build (joins, three nearest-service measures, the GP
// 2SFCA, the SII, the food-van plan) and write the folder (page, layers, tables). Issue 6's target:
// under 30 s after the build for Mid and South Essex.
//
//     swift run -c release report-benchmark [--runs N] [REGION …]   (default: "Mid and South Essex" QJK)
import BenchmarkSupport
import DeprivationMap
import Foundation

let data = dataFolder()
var runs = 3
var regions: [String] = []
var arguments = CommandLine.arguments.dropFirst()
while let arg = arguments.popFirst() {
    if arg == "--runs" { runs = Int(arguments.popFirst() ?? "") ?? runs } else { regions.append(arg) }
}
if regions.isEmpty { regions = ["Mid and South Essex", "QJK"] }

func read() throws -> (Areas, DeprivationTable, AreaValues, Centroids, AreaGeography, ServiceSet, ServiceSet, ServiceSet, ServiceCapacity) {
    let areas = try Areas.load(path: try data.require(DataFolder.lsoa2021Boundaries))
    let imd = try DeprivationTable.read(paths: [try data.require(DataFolder.imd2025)])
    let population = try AreaValues.read(path: try data.require(DataFolder.census2021Population))
    let centroids = try Centroids.read(path: try data.require("centroids/lsoa21_ew_centres_drkane.csv"))
    let geography = try AreaGeography.read(paths: data.geographyFiles(for: .lsoa2021))
    let gp = try ServiceReader.read(path: try data.require(DataFolder.gpPractices), kind: .gp)
    let pharmacy = try ServiceReader.read(path: try data.require(DataFolder.pharmacies), kind: .pharmacy)
    let stores = try ServiceReader.read(path: try data.require(DataFolder.retailPoints), kind: .supermarket,
                                        filters: [RowFilter(column: "size_code", values: ["Mid-size", "Large", "Very large"])])
    let fte = try ServiceCapacity.read(path: try data.require(DataFolder.gpWorkforce), valueColumn: "TOTAL_GP_EXTGL_FTE", filters: [RowFilter(column: "Year", equals: "2025")])
    return (areas, imd, population, centroids, geography, gp, pharmacy, stores, fte)
}

let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("report-benchmark-\(getpid())").path
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: scratch) }

print("report-benchmark: \(runs) runs per region, medians (this machine, release build)")
for region in regions {
    var phases: [String: [Double]] = [:]
    var areaCount = 0
    for run in 1...runs {
        var t = now()
        let start = t
        func lap(_ name: String) { let n = now(); phases[name, default: []].append(n - t); t = n }
        let (areas, imd, population, centroids, geography, gp, pharmacy, stores, fte) = try read()
        lap("read inputs")
        let frame = try AnalysisFrame(areas: areas, deprivation: imd, population: population, origins: .populationWeighted(centroids),
                                      geography: geography, selection: try RegionSelection.named(region, geography: geography))
        lap("analysis frame")
        var input = RegionReportInput(frame: frame, gp: gp, pharmacy: pharmacy, foodStores: stores)
        input.gpCapacity = fte
        input.draws = 20_000
        let report = try RegionReport.build(input)
        lap("joins, access, SII, food van")
        try ReportWriter.write(report, to: scratch + "/run\(run)")
        lap("write page, layers, tables")
        phases["total", default: []].append(now() - start)
        areaCount = report.map.areas.codes.count
    }
    print("  \(region): \(areaCount) areas")
    for name in ["read inputs", "analysis frame", "joins, access, SII, food van", "write page, layers, tables", "total"] {
        print("    " + name.padding(toLength: 32, withPad: " ", startingAt: 0) + String(format: "%6.2f s", median(phases[name] ?? [])))
    }
}
print(String(format: "  peak memory %.0f MiB", peakMemoryMiB()))
