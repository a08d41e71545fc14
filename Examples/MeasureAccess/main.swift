// MeasureAccessExample: access to supermarkets and GP practices in Mid and South Essex with the
// library API — the straight-line distance from each LSOA's population-weighted centre to the
// nearest Mid-size or larger supermarket by IMD 2025 decile, then GP practices within 2 km, and
// the two-step floating catchment of GP FTE within 10 km.
//
//     swift run MeasureAccessExample        # reads $DEPRIVATION_MAP_DATA (or ../shared/geodata)
import DeprivationMap
import Foundation

let data = DataFolder.fromEnvironment() ?? DataFolder(root: "../shared/geodata")
do {
    let frame = try AnalysisFrame(data: data, region: "Mid and South Essex")
    let stores = try ServiceReader.read(path: try data.require(DataFolder.retailPoints), kind: .supermarket,
                                        filters: [RowFilter(column: "size_code", values: ["Mid-size", "Large", "Very large"])])
    let nearest = try AccessAnalysis.run(frame, services: stores, spec: AccessSpec(measure: .nearest))
    print(nearest.report())

    let gps = try ServiceReader.read(path: try data.require(DataFolder.gpPractices), kind: .gp)
    let within = try AccessAnalysis.run(frame, services: gps, spec: AccessSpec(measure: .within, radius: 2_000))
    print(GroupTable.render(within.inequality.quintiles, label: "quintile", showShare: false))

    var catchment = AccessSpec(measure: .twoStep, radius: 10_000)
    catchment.capacity = try ServiceCapacity.read(path: try data.require(DataFolder.gpWorkforce), valueColumn: "TOTAL_GP_EXTGL_FTE",
                                                  filters: [RowFilter(column: "Year", equals: "2025")])
    let supply = try AccessAnalysis.run(frame, services: gps, spec: catchment)
    print(supply.method)
    print(supply.inequality.statisticsText)
    for note in supply.diagnostics { print("note: \(note)") }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
