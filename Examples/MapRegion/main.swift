// MapRegionExample: deprivation and GP practices for Mid and South Essex in a few lines of the
// library API — IMD 2025 joined to the LSOA 2021 boundaries, the region chosen by ICB code, GP
// practices located by postcode and counted per area, and a table by decile.
//
//     swift run MapRegionExample            # reads $DEPRIVATION_MAP_DATA (or ../shared/geodata)
import DeprivationMap
import Foundation

let data = DataFolder.fromEnvironment() ?? DataFolder(root: "../shared/geodata")

do {
    let frame = try AnalysisFrame(areas: try Areas.load(path: try data.require("boundaries/mse/lsoa21_bgc_mse_bng.shp")),
                                  deprivation: try DeprivationTable.read(paths: [try data.require(DataFolder.imd2025)]),
                                  population: try AreaValues.read(path: try data.require(DataFolder.census2021Population)),
                                  geography: try AreaGeography.read(paths: [try data.require("lookups/lsoa21_sicbl24_icb24.csv.gz")]),
                                  selection: RegionSelection(icb: "QH8"))
    let postcodes = try CodePointOpen.read(path: try data.require("postcodes/codepoint_open_2025-04_mse.csv"))
    let gps = try ServiceReader.read(path: try data.require("services/gp/epraccur_2025-05.csv"), kind: .gp,
                                     postcodes: (postcodes, postcodes.makeIndex()))
    let map = try AreaMap.build(frame, layers: MapLayers(services: [gps]))

    print("\(map.areas.codes.count) LSOAs in \(map.regionDescription)")
    print("decile  LSOAs  population  GP practices  per 10,000")
    for row in map.decileTable() {
        let rate = row.population > 0 ? Double(row.services[0]) / row.population * 10_000 : 0
        print(String(format: "%6d  %5d  %10.0f  %12d  %10.2f", row.decile, row.areas, row.population, row.services[0], rate))
    }
    let core20 = map.imdJoin!.records.filter { $0?.isCore20 == true }.count
    print("Core20 LSOAs: \(core20)")
    for note in map.notes { print("note: \(note)") }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
