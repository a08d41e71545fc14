// InverseCareLawExample: GP access and the inverse care law in Mid and South Essex with the
// library API — GP FTE (NHS workforce, 2025) per 100,000 people by 2SFCA over a 10 km catchment
// from LSOA 2021 population-weighted centres, grouped by IMD 2025 decile, with the SII, RII,
// their 95% confidence limits and the plain-language verdict.
//
//     swift run InverseCareLawExample       # reads $DEPRIVATION_MAP_DATA (or ../shared/geodata)
import DeprivationMap
import Foundation

let data = DataFolder.fromEnvironment() ?? DataFolder(root: "../shared/geodata")
do {
    let frame = try AnalysisFrame(data: data, region: "Mid and South Essex")
    let gps = try ServiceReader.read(path: try data.require(DataFolder.gpPractices), kind: .gp)
    var spec = AccessSpec(measure: .twoStep, radius: 10_000)
    spec.capacity = try ServiceCapacity.read(path: try data.require(DataFolder.gpWorkforce), valueColumn: "TOTAL_GP_EXTGL_FTE", filters: [RowFilter(column: "Year", equals: "2025")])
    let result = try AccessAnalysis.run(frame, services: gps, spec: spec)
    let report = try GapReport(result, title: "GP supply and the inverse care law", higherIsBetter: true, grouping: "IMD 2025 deciles")
    print(GroupTable.render(report.deciles, label: "decile", showShare: false) + "\n\n" + report.verdict)
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
