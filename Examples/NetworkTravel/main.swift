// NetworkTravelExample: travel along roads and paths with the library API, for Southend-on-Sea.
// Walking minutes to the nearest GP practice by IMD 2025 decile, then a food-van plan whose drive
// times and day lines follow the roads and whose stops cover the areas within an 800 m walk along
// foot paths. The routing engine is OSRM (installed by scripts/engines into .engines/).
//
//     swift run NetworkTravelExample [EXTRACT.osm.pbf] [OUT_DIR]
//
// Give an OpenStreetMap extract that covers Southend (e.g. Geofabrik's essex-latest.osm.pbf) for
// real travel times. Without one, the example writes a SYNTHETIC street grid over Southend (not
// real roads: it shows the path through the library, and its numbers are not results).
import DeprivationMap
import Foundation

let data = DataFolder.fromEnvironment() ?? DataFolder(root: "../shared/geodata")
let arguments = Array(CommandLine.arguments.dropFirst())
let outDir = arguments.dropFirst().first ?? FileManager.default.temporaryDirectory.appendingPathComponent("network-travel-example").path
let engines = ProcessInfo.processInfo.environment["DEPRIVATION_MAP_ENGINES"] ?? ".engines"

do {
    try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
    var extractPath = arguments.first ?? ""
    if extractPath.isEmpty {
        extractPath = outDir + "/southend-synthetic-grid.osm"
        try SyntheticNetwork(grids: [.init(west: 0.60, south: 51.51, east: 0.82, north: 51.59, spacing: 300)]).write(to: extractPath)
        print("No extract given: routing on a SYNTHETIC street grid (not real roads) at \(extractPath)\n")
    }
    let frame = try AnalysisFrame(data: data, selection: RegionSelection(districts: ["Southend-on-Sea"]))

    let engine = try OSRMEngine.locate(in: [engines])
    let extract = try OSMExtract.read(path: extractPath)
    let walkNetwork = try NetworkPreparation.prepare(extract, mode: .walk, engine: engine)
    let walk = try NetworkRouter.start(walkNetwork, engine: engine)
    let gps = try ServiceReader.read(path: try data.require(DataFolder.gpPractices), kind: .gp)
    let spec = AccessSpec(measure: .nearest, cost: .network(NetworkCost(router: walk)))
    let nearest = try AccessAnalysis.run(frame, services: gps, spec: spec)
    print(nearest.report())

    let drive = try NetworkRouter.start(try NetworkPreparation.prepare(extract, mode: .drive, engine: engine), engine: engine)
    let stores = try ServiceReader.read(path: try data.require(DataFolder.retailPoints), kind: "food_store",
                                        filters: [RowFilter(column: "size_code", values: ["Mid-size", "Large", "Very large"])])
    let depot = try CodePointOpen.locate("SS2 6ER", path: try data.require(DataFolder.codePointOpen))
    var van = FoodVanSpec(depot: Depot(point: depot, label: "SS2 6ER"))
    van.travel = .network(drive)
    van.walkNetwork = NetworkCost(router: walk, metric: .distance)
    let plan = try FoodVanPlanner.plan(frame, stores: stores, spec: van)
    print(plan.report())

    let attribution = MapOutput.attribution(for: [frame.areas.path, extractPath, "codepo_gb_2025-04.zip", "geolytix_retail_points"] + frame.deprivation.paths)
    try MapOutput.writeGeoJSON(try plan.mapLayer(), to: outDir + "/food-van.geojson", attribution: attribution)
    print("\nWrote \(outDir)/food-van.geojson (the day lines follow the roads). The engines stop when the program ends.")
} catch {
    FileHandle.standardError.write(Data("NetworkTravelExample: \(error)\n".utf8))
    exit(1)
}
