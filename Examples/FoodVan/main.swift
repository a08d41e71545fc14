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

let data = DataFolder.fromEnvironment() ?? DataFolder(root: "../shared/geodata")
let outDir = CommandLine.arguments.dropFirst().first
    ?? FileManager.default.temporaryDirectory.appendingPathComponent("food-van-example").path

do {
    let frame = try AnalysisFrame(data: data, selection: RegionSelection(districts: ["Southend-on-Sea", "Thurrock", "Basildon"]))
    let storesPath = try data.require(DataFolder.retailPoints)
    let stores = try ServiceReader.read(path: storesPath, kind: "food_store",
                                        filters: [RowFilter(column: "size_code", values: ["Mid-size", "Large", "Very large"])])
    let depot = try CodePointOpen.locate("SS2 6ER", path: try data.require(DataFolder.codePointOpen))
    var spec = FoodVanSpec(depot: Depot(point: depot, label: "SS2 6ER"))
    spec.stops = 10
    spec.days = 4
    let plan = try FoodVanPlanner.plan(frame, stores: stores, spec: spec)
    print(plan.report())
    for note in plan.notes { print("note: \(note)") }

    try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
    let attribution = MapOutput.attribution(for: [frame.areas.path, storesPath, "codepo_gb_2025-04.zip"] + frame.deprivation.paths)
    try MapOutput.writeGeoJSON(try plan.mapLayer(), to: outDir + "/food-van.geojson", attribution: attribution)
    for (name, table) in [("food-van.csv", plan.scheduleRows()), ("food-van-areas.csv", plan.areaRows())] {
        try MapOutput.writeTable(header: table.header, rows: table.rows, to: outDir + "/" + name)
    }
    print("\nWrote \(outDir)/food-van.geojson (areas, routes, stops), food-van.csv (the schedule) and food-van-areas.csv.")
} catch {
    FileHandle.standardError.write(Data("FoodVanExample: \(error)\n".utf8))
    exit(1)
}
