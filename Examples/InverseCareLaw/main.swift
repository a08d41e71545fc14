// InverseCareLawExample: GP access and the inverse care law in Mid and South Essex with the
// library API — GP FTE (NHS workforce, 2025) per 100,000 need-weighted people by 2SFCA over a
// 10 km catchment from LSOA 2021 centres, need weighted by age (people aged 65 and over count
// twice, an illustrative choice), grouped by IMD 2025 decile, with the SII, RII, their 95%
// confidence limits and the plain-language verdict; then the same question by practice, from
// the practices' registered populations.
//
//     swift run InverseCareLawExample       # reads $DEPRIVATION_MAP_DATA (or ../shared/geodata)
import DeprivationMap
import Foundation

let data = ProcessInfo.processInfo.environment["DEPRIVATION_MAP_DATA"]
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/geodata").path

do {
    let ages = data + "/population/census2021_usual_residents_lsoa21_age6.csv"
    var input = AccessInput(areas: try Areas.load(path: data + "/boundaries/lsoa21_ew_bgc/lsoa21_ew_bgc.shp"),
                            imd: try DeprivationTable.read(paths: [data + "/imd/imd2025_england_lsoa21.csv"]),
                            services: try ServiceReader.read(path: data + "/services/gp/gp_practices_active_2025-05_geocoded.csv", type: "gp"))
    input.population = try AreaValues.read(path: ages)
    input.centroids = try readCentroids(path: data + "/centroids/lsoa21_ew_centres_drkane.csv", crs: .britishNationalGrid)
    input.capacity = try ServiceCapacity.read(path: data + "/services/gp/heec_workforce_year_practice.csv",
                                              valueColumn: "TOTAL_GP_EXTGL_FTE", filters: [("Year", "2025")])
    input.need = .ageBands(path: ages, weights: ["Aged 65 years and over": 2])
    input.measure = .twoStep
    input.radius = 10_000
    input.geography = try AreaGeography.read(paths: [data + "/lookups/lsoa21_sicbl24_icb24.csv.gz"])
    input.selection = RegionSelection(icb: "QH8")
    let result = try AccessAnalysis.run(input)
    let report = try GapReport.make(title: "GP access and the inverse care law in Mid and South Essex", measure: result.method, unit: result.unit,
                                    higherIsBetter: true, region: result.regionDescription, grouping: "IMD 2025 deciles of LSOAs",
                                    deciles: result.deciles, quintiles: result.quintiles, siiGroups: 10, transform: .none,
                                    draws: 100_000, seed: 1, confidence: 0.95, concentrationIndex: result.concentrationIndex,
                                    notes: result.notes, inputs: [], attribution: nil)
    print(GroupTable.render(result.deciles, label: "decile", showShare: false))
    print(report.verdict)

    // By practice: FTE per 100,000 registered patients against the practice population's IMD.
    let practices = try PracticeSupply.read(workforce: data + "/services/gp/heec_workforce_year_practice.csv", fteColumn: "TOTAL_GP_EXTGL_FTE",
                                            patientsColumn: "TOTAL_PATIENTS", filters: [("Year", "2025"), ("ICB_NAME", "Mid and South Essex")],
                                            imdPath: data + "/services/gp/heec_practice_IMD_fingertips_raw.csv", imdYear: nil)
    let deciles = practices.deciles()
    let rates = practices.rate.map { Optional($0) }
    let byPractice = GroupSummaries.summarise(values: rates, weights: practices.patients, group: deciles, groups: 10)
    let sii = try SlopeIndex.compute(byPractice.map { SIIGroup(group: $0.group, value: $0.mean, population: $0.population, standardError: $0.standardError) })
    print(String(format: "\n%d MSE practices: SII %.2f FTE per 100,000 patients (95%% CI %.2f to %.2f), RII %.3f",
                 practices.codes.count, sii.sii, sii.siiLower, sii.siiUpper, sii.rii ?? .nan))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
