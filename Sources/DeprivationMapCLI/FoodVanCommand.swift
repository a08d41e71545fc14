import ArgumentParser
import DeprivationMap
import Foundation

struct FoodVanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "food-van",
        abstract: "Where a mobile food market should stop, and in what order: stops covering deprived areas far from a supermarket, and day routes from a depot.",
        discussion: """
            Target population: areas of the region (--district, --icb, --region) in the IMD \
            --deciles (default 1,2: Core20) whose population-weighted centroid is farther than \
            --food-threshold metres in a straight line (or minutes with --food-matrix) from the \
            nearest food store (--food-stores, Geolytix Retail Points by default, --store-sizes \
            Mid-size, Large and Very large). Stores outside the region count.

            Candidate stops: the target areas' centroids, or --sites (CSV with coordinates or \
            postcodes and a name column, GeoJSON or shapefile points); sites outside the region \
            are reported and left out. A CSV site list may give a time window per site (a window \
            column, 10:00-12:00, or open and close columns: the van waits for a site to open and \
            leaves by its closing) and mark sites that must be visited (a fixed column: yes). An area is covered when its centroid is within \
            --walk-radius metres of a stop (along foot paths with --network).

            Stops: with --stops P, the P stops covering the most target population (maximal \
            covering: exact branch and bound up to --exact-limit candidates, otherwise greedy \
            plus interchange with a Lagrangian upper bound, reported as a gap). Without --stops, \
            the fewest stops covering every target area within reach (set covering). The set \
            covering size is always reported.

            Routes: from --depot (a postcode, or easting,northing in EPSG:27700), one route per \
            visit day of at most --day-minutes, with --stop-minutes at each stop, driving at \
            --speed km/h over straight lines × --detour (or times from --travel-matrix, or, with \
            --network FILE.osm.pbf, driving times along the roads from the OSRM engine, each \
            day's route drawn along the roads driven). Nearest \
            neighbour and seeded random starts improved by 2-opt and Or-opt; the tour is cut \
            into --days days (default: as few as fit) with the longest day as short as possible.

            Outputs: OUT.geojson or OUT.gpkg (target areas with covered/stop, one LineString per day, the \
            stops with day, order, arrival, area, IMD decile, population covered and distance to \
            the nearest store, and the depot; feature_type says which), OUT.csv (the printable \
            schedule), OUT-areas.csv (every area in the deciles: targeted or not, and why) and \
            OUT-summary.json. With --postgis, the map layer also goes to a PostGIS table. Nothing is \
            written when no plan can be made.
            """
    )

    @OptionGroup var area: AreaOptions

    @Option(help: ArgumentHelp("Food stores (default: the data folder's Geolytix Retail Points).", valueName: "file"))
    var foodStores: String?

    @Option(help: ArgumentHelp("Store sizes to count, values of the size_code column, comma-separated, or \"all\" (default for Geolytix: Mid-size,Large,Very large).", valueName: "list"))
    var storeSizes: String?

    @Option(help: ArgumentHelp("Low food provision: nearest store farther than this, metres (minutes with --food-matrix).", valueName: "metres"))
    var foodThreshold: Double = 1_000

    @Option(help: ArgumentHelp("Travel-time matrix from areas to stores (wide or long, minutes) instead of straight lines.", valueName: "file"))
    var foodMatrix: String?

    @Option(help: ArgumentHelp("IMD deciles of the target population, comma-separated.", valueName: "list"))
    var deciles: String = "1,2"

    @Option(help: ArgumentHelp("Candidate sites instead of the target areas' centroids: CSV (coordinates or postcode, and a name), GeoJSON or shapefile.", valueName: "file"))
    var sites: String?

    @Option(help: ArgumentHelp("Where the van starts and ends each day: a postcode (SS2 6ER) or easting,northing in EPSG:27700.", valueName: "postcode|e,n"))
    var depot: String

    @Flag(help: "Accept a depot outside the region.")
    var allowDepotOutside = false

    @Option(help: "Code-Point Open (zip or CSV extract) for the depot and sites given by postcode (default: the data folder's).")
    var postcodes: String?

    @Option(help: ArgumentHelp("Number of stops (default: the fewest that cover every target area within reach).", valueName: "p"))
    var stops: Int?

    @Option(help: ArgumentHelp("Walking radius of a stop.", valueName: "metres"))
    var walkRadius: Double = 800

    @Option(help: "Solve the stop choice exactly when there are at most this many candidates.")
    var exactLimit: Int = 60

    @Option(help: ArgumentHelp("Visit days in the cycle to spread the stops over (default: as few as the day allows).", valueName: "n"))
    var days: Int?

    @Option(help: ArgumentHelp("Length of a working day, depot to depot.", valueName: "minutes"))
    var dayMinutes: Double = 420

    @Option(help: ArgumentHelp("Time spent at each stop.", valueName: "minutes"))
    var stopMinutes: Double = 60

    @Option(help: ArgumentHelp("Average driving speed.", valueName: "km/h"))
    var speed: Double = 25

    @Option(help: ArgumentHelp("Road distance ÷ straight-line distance.", valueName: "factor"))
    var detour: Double = 1.3

    @Option(help: ArgumentHelp("Driving times between stops (CSV: from, to, minutes; stop ids and 'depot') instead of --speed and --detour.", valueName: "file"))
    var travelMatrix: String?

    @Option(help: ArgumentHelp("Time the van leaves the depot.", valueName: "hh:mm"))
    var start: String = "09:00"

    @Option(help: "Seed of the random route starts (same seed, same plan).")
    var seed: UInt64 = 1

    @Option(name: [.short, .long], help: "Output GeoJSON file; OUT.csv, OUT-areas.csv and OUT-summary.json are written beside it.")
    var output: String

    @OptionGroup(title: "Visit cycle and calendar") var calendar: CycleOptions

    @OptionGroup(title: "Network travel") var travel: NetworkOptions

    @OptionGroup var data: DataOptions

    @OptionGroup(title: "Database") var database: DatabaseOptions

    @Flag(name: [.short, .long], help: "No notes on standard error; the plan summary is still printed.")
    var quiet = false

    func validate() throws {
        guard ["geojson", "json", "gpkg"].contains(URL(fileURLWithPath: output).pathExtension.lowercased()) else {
            throw ValidationError("-o must end in .geojson or .gpkg (the CSV files and summary are written beside it).")
        }
        guard walkRadius > 0 else { throw ValidationError("--walk-radius must be a positive number of metres; got \(walkRadius).") }
        if let stops, stops < 1 { throw ValidationError("--stops must be at least 1.") }
        if let days, days < 1 { throw ValidationError("--days must be at least 1.") }
        guard dayMinutes > 0 else { throw ValidationError("--day-minutes must be positive.") }
        guard stopMinutes >= 0 else { throw ValidationError("--stop-minutes must not be negative.") }
        guard speed > 0 else { throw ValidationError("--speed must be positive (km/h).") }
        guard detour >= 1 else { throw ValidationError("--detour must be at least 1 (road distance ÷ straight-line distance).") }
        guard foodThreshold >= 0 else { throw ValidationError("--food-threshold must not be negative.") }
        _ = try parsedDeciles()
        _ = try startMinutes()
    }

    func parsedDeciles() throws -> Set<Int> {
        let values = deciles.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var result = Set<Int>()
        for v in values {
            if let range = v.split(separator: "-").map({ Int($0) }) as [Int?]?, range.count == 2, let a = range[0], let b = range[1], a <= b {
                result.formUnion(a...b)
            } else if let d = Int(v) {
                result.insert(d)
            } else {
                throw ValidationError("--deciles takes IMD deciles such as 1,2 or 1-3; got '\(deciles)'.")
            }
        }
        guard !result.isEmpty, result.allSatisfy({ (1...10).contains($0) }) else {
            throw ValidationError("--deciles must lie between 1 (most deprived) and 10; got '\(deciles)'.")
        }
        return result
    }

    func startMinutes() throws -> Double {
        let parts = start.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else {
            throw ValidationError("--start takes a time of day such as 09:30; got '\(start)'.")
        }
        return Double(h * 60 + m)
    }

    func storeFilters(path: String) throws -> ([RowFilter], String?) {
        if let storeSizes, storeSizes.lowercased() == "all" { return ([], nil) }
        let header = (try? CSVTable(path: path))?.header.map(CSVTable.normalise) ?? []
        let hasSize = header.contains("sizecode")
        if let storeSizes {
            let values = storeSizes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            return ([RowFilter(column: "size_code", values: values)], nil)
        }
        guard hasSize else { return ([], "\(URL(fileURLWithPath: path).lastPathComponent) has no size_code column: every store counts.") }
        return ([RowFilter(column: "size_code", values: ["Mid-size", "Large", "Very large"])], nil)
    }

    func run() throws {
        InterruptHandling.install()
        let started = Date()
        let schedulePath = MapOutput.sibling(of: output, extension: "csv")
        let areasPath = MapOutput.sibling(of: output, suffix: "-areas", extension: "csv")
        let summaryPath = MapOutput.sibling(of: output, suffix: "-summary", extension: "json")
        let icsPath = MapOutput.sibling(of: output, extension: "ics")
        let visitsPath = MapOutput.sibling(of: output, suffix: "-visits", extension: "csv")
        func daySheetPath(_ day: Int) -> String { MapOutput.sibling(of: output, suffix: "-day-\(day)", extension: "html") }
        let inputPaths = area.inputPaths + [foodStores, foodMatrix, sites, postcodes, travelMatrix, travel.network]
        try OutputSafety.check(outputs: [output, schedulePath, areasPath, summaryPath, icsPath, visitsPath] + (1...31).map(daySheetPath),
                               inputs: inputPaths)
        try database.check([nil], inputs: inputPaths)
        if let mode = travel.mode, mode != .drive {
            throw ValidationError("the van drives and a stop's coverage is walked: food-van takes no --mode (give --network alone).")
        }
        if travel.wanted && travelMatrix != nil { throw ValidationError("choose one: --travel-matrix or a network (--network, --router-url).") }
        let bar = ProgressBar(quiet: quiet)
        var notes: [String] = []
        let loaded = try area.load(data: data, progress: bar.callback)
        let (depotCoordinate, depotLabel, depotZip) = try data.depot(depot, postcodes: postcodes)
        guard let storePath = foodStores ?? data.file("services/retail/geolytix_retail_points_v24_202206.csv") else {
            throw ValidationError("give the food stores with --food-stores FILE (e.g. Geolytix Retail Points), or set DEPRIVATION_MAP_DATA.")
        }
        let (filters, filterNote) = try storeFilters(path: storePath)
        if let filterNote { notes.append(filterNote) }
        let stores = try ServiceReader.read(path: storePath, kind: "food_store", filters: filters)
        var files = loaded.files + [storePath]
        var siteSet: ServiceSet?
        if let sites {
            do {
                siteSet = try ServiceReader.read(path: sites, kind: "site")
            } catch ServiceError.needsPostcodes {
                guard let zip = data.codePoint(postcodes) else { throw ServiceError.needsPostcodes(path: sites) }
                siteSet = try ServiceReader.read(path: sites, kind: "site", postcodes: try loadPostcodes(zip, bar: bar))
                files.append(zip)
            }
            files.append(sites)
        }
        if let depotZip { files.append(depotZip) }

        var spec = FoodVanSpec(depot: Depot(point: depotCoordinate, label: depotLabel))
        spec.storeTimes = try foodMatrix.map { try TravelTimeTable.read(path: $0) }
        spec.deciles = try parsedDeciles()
        spec.foodThreshold = foodThreshold
        spec.sites = siteSet
        if let sites, ["csv", "txt"].contains(URL(fileURLWithPath: sites).pathExtension.lowercased()) {
            spec.siteConstraints = try SiteConstraints.read(path: sites)
        }
        spec.allowDepotOutside = allowDepotOutside
        spec.stops = stops
        spec.walkRadius = walkRadius
        spec.exactLimit = exactLimit
        spec.days = days
        spec.dayMinutes = dayMinutes
        spec.stopMinutes = stopMinutes
        spec.travel = try travelMatrix.map { .matrix(try CSVTable(path: $0)) } ?? .straightLine(speedKmh: speed, detour: detour)
        let (drive, driveNote) = try travel.router(.drive, data: data, bar: bar)
        if let driveNote { notes.append(driveNote) }
        if let drive {
            spec.travel = .network(drive)
            if let extract = drive.network?.extract.path { files.append(extract) }
            if travel.routerUrl == nil {
                let (walk, _) = try travel.router(.walk, data: data, bar: bar)
                spec.walkNetwork = walk.map { NetworkCost(router: $0, metric: .distance, snapCap: travel.snapCap) }
            } else {
                notes.append("--router-url serves one profile (used for driving); a stop's walking coverage stays a straight line.")
            }
        }
        spec.startMinutes = try startMinutes()
        spec.seed = seed
        let frame = try loaded.frame()
        var plan = try FoodVanPlanner.plan(frame, stores: stores, spec: spec, progress: bar.callback)
        // Stops at real places: nearest postcode, ward, district, lon/lat.
        let placePostcodes = try data.codePoint(postcodes).map { zip -> PostcodePoints in
            if !files.contains(zip) { files.append(zip) }
            return try loadPostcodes(zip, bar: bar).0
        }
        try plan.locateStops(postcodes: placePostcodes, geography: frame.geography)
        bar.clear()

        // Everything is computed; now the outputs, each written to a temporary file and renamed.
        let attribution = MapOutput.attribution(for: files)
        let layer = try plan.mapLayer()
        let schedule = plan.scheduleRows(), areaTable = plan.areaRows()
        let visitCalendar = try VisitCalendar(plan: plan, cycle: try calendar.cycle())
        let visits = visitCalendar.rows()
        let ics = visitCalendar.iCalendar(name: "Food van: \(plan.regionDescription)", attribution: attribution)
        let shapes = try frame.areas.subset(frame.selected).reprojected(to: .britishNationalGrid).geometries
        let daySheets = plan.routes.map { DaySheet.html(plan: plan, day: $0.day, areas: shapes, calendar: visitCalendar,
                                                        title: "Food van, \(plan.regionDescription)", attribution: attribution) }
        // All outputs or none.
        let stored = try OutputTransaction.perform {
            try MapOutput.writeTable(header: schedule.header, rows: schedule.rows, to: schedulePath)
            try MapOutput.writeTable(header: areaTable.header, rows: areaTable.rows, to: areasPath)
            try MapOutput.writeJSON(plan.summary(attribution: attribution, notes: plan.diagnostics.map(Wording.note)), to: summaryPath)
            try MapOutput.writeLayer(layer, to: output, attribution: attribution)
            try MapOutput.writeTable(header: visits.header, rows: visits.rows, to: visitsPath)
            try MapOutput.writeText(ics, to: icsPath)
            for (route, sheet) in zip(plan.routes, daySheets) { try MapOutput.writeText(sheet, to: daySheetPath(route.day)) }
            // Last: a refused or failed table leaves no file.
            return try database.write([(nil, layer)], inputs: inputPaths)
        }
        print(plan.report())
        print("calendar: " + plan.routes.map { "day \($0.day) on \(visitCalendar.words(forDay: $0.day))" }.joined(separator: "; "))
        print("  \(visits.rows.count) visits over \(calendar.cycles) cycles from \(visits.rows.first?[0] ?? "-") → \(icsPath), \(visitsPath)")
        guard !quiet else { return }
        printError("planned in \(String(format: "%.2f", Date().timeIntervalSince(started))) s → \(output), \(schedulePath), \(areasPath), \(summaryPath), \(icsPath), \(visitsPath)\(stored)")
        for d in loaded.defaults { printError("note: default \(d) (from the data folder)") }
        for n in notes + plan.diagnostics.map(Wording.note) { printError("note: \(n)") }
        if let attribution { printError("attribution: \(attribution)") }
    }
}
