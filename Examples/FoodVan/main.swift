// FoodVanExample: a fortnightly mobile food market for Southend-on-Sea, Thurrock and Basildon with
// the library API. Target: people in Core20 areas (IMD 2025 deciles 1–2) whose population-weighted
// centre is more than 1 km from a Mid-size or larger supermarket (Geolytix). The van has four
// visit days a fortnight from a depot at SS2 6ER (Southend Civic Centre), seven-hour days with an
// hour at each stop; it makes 10 stops, each reaching people within an 800 m walk. Prints the
// plan and writes the map, schedule and area table to the folder given (default: a temporary one).
//
//     swift run FoodVanExample [OUT_DIR]     # reads $DEPRIVATION_MAP_DATA (or ../shared/geodata)
import DeprivationMap
import Foundation

let data = ProcessInfo.processInfo.environment["DEPRIVATION_MAP_DATA"]
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/geodata").path
let outDir = CommandLine.arguments.dropFirst().first
    ?? FileManager.default.temporaryDirectory.appendingPathComponent("food-van-example").path

do {
    let storesPath = data + "/services/retail/geolytix_retail_points_v24_202206.csv"
    let stores = try ServiceReader.read(path: storesPath, type: "food_store",
                                        filters: [.init(column: "size_code", values: ["Mid-size", "Large", "Very large"])])
    let depot = try CodePointOpen.locate("SS2 6ER", path: data + "/postcodes/codepo_gb_2025-04.zip")
    var input = FoodVanInput(areas: try Areas.load(path: data + "/boundaries/lsoa21_ew_bgc/lsoa21_ew_bgc.shp"),
                             imd: try DeprivationTable.read(paths: [data + "/imd/imd2025_england_lsoa21.csv"]),
                             stores: stores, depot: depot, depotLabel: "SS2 6ER")
    input.population = try AreaValues.read(path: data + "/population/census2021_usual_residents_lsoa21_age6.csv")
    input.centroids = try readCentroids(path: data + "/centroids/lsoa21_ew_centres_drkane.csv", crs: .britishNationalGrid)
    input.geography = try AreaGeography.read(paths: [data + "/lookups/lsoa21_ward24_ltla24.csv.gz"])
    input.selection = RegionSelection(districts: ["Southend-on-Sea", "Thurrock", "Basildon"])
    input.deciles = [1, 2]
    input.foodThreshold = 1_000
    input.walkRadius = 800
    input.stops = 10
    input.days = 4
    input.dayMinutes = 420
    input.stopMinutes = 60
    let plan = try FoodVanPlanner.plan(input)
    print(plan.report())
    for note in plan.notes { print("note: \(note)") }

    try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
    let attribution = MapOutput.attribution(for: [input.areas.path, storesPath, "codepo_gb_2025-04.zip"] + input.imd.paths)
    try MapOutput.writeGeoJSON(try plan.mapLayer(), to: outDir + "/food-van.geojson", attribution: attribution)
    for (name, table) in [("food-van.csv", plan.scheduleRows()), ("food-van-areas.csv", plan.areaRows())] {
        try MapOutput.writeTable(header: table.header, rows: table.rows, to: outDir + "/" + name)
    }
    print("\nWrote \(outDir)/food-van.geojson (areas, routes, stops), food-van.csv (the schedule) and food-van-areas.csv.")
} catch {
    FileHandle.standardError.write(Data("FoodVanExample: \(error)\n".utf8))
    exit(1)
}
