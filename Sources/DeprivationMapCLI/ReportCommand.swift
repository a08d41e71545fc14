import ArgumentParser
import DeprivationMap
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "One folder with everything for a region: a map page to open offline, GeoJSON layers and the CSV tables behind it.",
        discussion: """
            For the areas of the region (--region NAME: an ICB such as "Mid and South Essex" or a \
            district; --icb CODE; --district NAME, repeatable; or --region FILE with polygons) it \
            joins IMD 2025 and Census 2021 population, counts GP practices, pharmacies and \
            supermarkets per area, measures the distance from each area's population-weighted \
            centroid to the nearest of each, measures GP supply (GP FTE per 100,000 people within \
            --catchment metres, 2SFCA) and its gradient with deprivation (SII and RII, PHE method, \
            the inverse care law), and plans a food van for Core20 areas far from a supermarket.

            Distances are straight lines unless a network is given: with --network FILE.osm.pbf \
            the nearest services are measured in --mode minutes (default walk) along the roads \
            and paths, the van drives the roads (its day lines follow them) and a stop covers the \
            areas within the walk along foot paths (OSRM, started and stopped by the command). \
            The page says which network (engine, profile, extract and its date) or that lines \
            are straight. GP supply (2SFCA) stays within --catchment straight-line metres.

            Every input defaults to the data folder (--data or $DEPRIVATION_MAP_DATA; see \
            `deprivation-map data status`), so `deprivation-map report --region "Mid and South \
            Essex"` needs nothing else.

            Output folder (-o, default reports/NAME): index.html (self-contained, works offline: \
            IMD decile map with service and food-van layers, an interactive map (Leaflet, \
            inlined: --leaflet, default Debian's libjs-leaflet) with an area panel, layers, \
            district and ward outlines and a postcode search, Core20 summary, access and SII \
            charts, wards most deprived first, verdict, van schedule and calendar, sources), \
            wards.csv, areas.geojson/.csv, services.geojson/.csv, report.gpkg (the areas, services \
            and food-van layers as one GeoPackage for QGIS; with --postgis ADDRESS?table=NAME also \
            the PostGIS tables NAME_areas, NAME_services and NAME_food_van), \
            food-van.geojson, and the CSV tables behind every number on the page (core20.csv, \
            access-by-decile.csv, inverse-care-law.csv, inverse-care-law-statistics.csv, \
            food-van-figures.csv, food-van-schedule.csv, food-van-areas.csv, sources.csv), the \
            van's visits of the next --cycles cycles (food-van-visits.csv, and food-van.ics for \
            any calendar program), \
            inverse-care-law.md/.json (the full gap report) and food-van-summary.json. The \
            folder is written under a temporary name and renamed when complete; an earlier report \
            folder there is replaced.
            """
    )

    @OptionGroup var area: AreaOptions

    @Option(help: ArgumentHelp("GP practices (default: the data folder's services/gp/gp_practices_active_2025-05_geocoded.csv); epraccur is located by postcode with the data folder's Code-Point Open.", valueName: "file"))
    var gp: String?

    @Option(help: ArgumentHelp("GP workforce per practice for GP supply (default: the data folder's heec_workforce_year_practice.csv).", valueName: "file"))
    var gpWorkforce: String?

    @Option(help: ArgumentHelp("Year of --gp-workforce to use.", valueName: "year"))
    var gpYear = "2025"

    @Option(help: ArgumentHelp("FTE column of --gp-workforce.", valueName: "column"))
    var gpFteColumn = "TOTAL_GP_EXTGL_FTE"

    @Option(help: ArgumentHelp("NHS Payments to General Practice for need-adjusted GP supply per 10,000 weighted patients, with --gp-workforce of the same financial year (default: the data folder's nhs_payments_to_general_practice_2022-23.csv; the section is left out without it).", valueName: "file"))
    var weightedPatients: String?

    @Option(help: ArgumentHelp("Pharmacies (default: the data folder's pharmacies_active_2025-04_geocoded.csv); edispensary is located by postcode.", valueName: "file"))
    var pharmacies: String?

    @Option(help: ArgumentHelp("Supermarkets and food stores (default: the data folder's Geolytix Retail Points).", valueName: "file"))
    var foodStores: String?

    @Option(help: ArgumentHelp("Store sizes that count as a supermarket (Geolytix size_code values, comma-separated, or \"all\").", valueName: "list"))
    var storeSizes = "Mid-size,Large,Very large"

    @Option(help: ArgumentHelp("GP catchment radius for the supply measure.", valueName: "metres"))
    var catchment: Double = 10_000

    @Option(help: ArgumentHelp("Food-van depot: a postcode or easting,northing (EPSG:27700); default: the area nearest the centre of the Core20 areas.", valueName: "postcode|e,n"))
    var depot: String?

    @Option(help: ArgumentHelp("Low food provision: nearest supermarket farther than this.", valueName: "metres"))
    var foodThreshold: Double = 1_000

    @Option(help: ArgumentHelp("Walking radius of a van stop.", valueName: "metres"))
    var walkRadius: Double = 800

    @Option(help: ArgumentHelp("Number of van stops (default: the fewest that reach every target area).", valueName: "p"))
    var stops: Int?

    @Option(help: ArgumentHelp("Visit days (default: as few as the day allows).", valueName: "n"))
    var days: Int?

    @Option(help: ArgumentHelp("Length of the van's working day.", valueName: "minutes"))
    var dayMinutes: Double = 420

    @Option(help: "Monte Carlo simulations for the SII confidence limits.")
    var draws: Int = 20_000

    @Option(help: "Page title (default: from the region).")
    var title: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Output folder (default: reports/REGION).", valueName: "dir"))
    var output: String?

    @Flag(help: "Every ICB of England: one report each in -o DIR (DIR/<code>-<name>/), and DIR/index.html ranking the ICBs by the SII of need-adjusted GP supply, Core20 share and food-van targets over a national decile map; national inputs are read once and the reports built on every core.")
    var allIcbs = false

    @Option(help: ArgumentHelp("Leaflet folder for the interactive map (default: Debian's libjs-leaflet, /usr/share/javascript/leaflet).", valueName: "dir"))
    var leaflet: String?

    @OptionGroup(title: "Food-van visit cycle and calendar") var calendar: CycleOptions

    @OptionGroup(title: "Network travel") var travel: NetworkOptions

    @OptionGroup var data: DataOptions

    @OptionGroup(title: "Database") var database: DatabaseOptions

    @Flag(name: [.short, .long], help: "Nothing on standard error but errors: no progress, no summary.")
    var quiet = false

    @Flag(name: [.short, .long], help: "Also print each step's time, the defaults taken from the data folder and every note.")
    var verbose = false

    func validate() throws {
        guard catchment > 0 else { throw ValidationError("--catchment must be a positive number of metres.") }
        guard walkRadius > 0 else { throw ValidationError("--walk-radius must be a positive number of metres.") }
        guard foodThreshold >= 0 else { throw ValidationError("--food-threshold must not be negative.") }
        guard dayMinutes > 0 else { throw ValidationError("--day-minutes must be positive.") }
        guard draws >= 100 else { throw ValidationError("--draws must be at least 100.") }
        if let stops, stops < 1 { throw ValidationError("--stops must be at least 1.") }
        if let days, days < 1 { throw ValidationError("--days must be at least 1.") }
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot go together.") }
        if allIcbs {
            guard area.region == nil && area.icb == nil && area.district.isEmpty else { throw ValidationError("--all-icbs reports every ICB: leave out --region, --icb and --district.") }
            guard depot == nil else { throw ValidationError("--all-icbs plans each ICB's van from its own default depot: leave out --depot.") }
            guard travel.network == nil && travel.routerUrl == nil else { throw ValidationError("--all-icbs measures straight lines: networks are per region (leave out --network and --router-url).") }
            guard database.postgis == nil else { throw ValidationError("--postgis takes one region's layers: leave it out with --all-icbs, and load a report's report.gpkg with `deprivation-map convert FILE.gpkg --layer areas -o postgresql://…`.") }
            return
        }
        guard area.region != nil || area.icb != nil || !area.district.isEmpty else {
            throw ValidationError("say which region: --region \"Mid and South Essex\" (an ICB or district name), --icb QH8 or --district NAME.")
        }
    }

    /// The output folder: -o, or reports/<region name as a file name>.
    func outputFolder() -> String {
        if let output { return output }
        if allIcbs { return "reports/england" }
        let name = area.region.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? area.icb ?? area.district.joined(separator: "-")
        let slug = name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.reduce(into: "") { s, c in
            if !(c == "-" && s.hasSuffix("-")) { s.append(c) }
        }.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return "reports/" + (slug.isEmpty ? "region" : slug)
    }

    func run() throws {
        InterruptHandling.install()
        let started = Date()
        let folder = outputFolder()
        try ReportWriter.checkDestination(folder) // before any work: a folder we cannot write is found at once
        // The report replaces its whole folder: no input (nor the data folder) may lie inside it.
        let inputs = area.inputPaths + [gp, gpWorkforce, weightedPatients, pharmacies, foodStores, data.root, travel.network]
        try OutputSafety.check(outputs: [], inputs: inputs, outputFolders: [folder])
        try database.check(["areas", "services", "food_van"], inputs: inputs)
        let bar = ProgressBar(quiet: quiet)
        var timings: [(String, Double)] = []
        var lap = Date()
        func step(_ name: String) {
            timings.append((name, Date().timeIntervalSince(lap)))
            lap = Date()
        }

        try checkDataFolder()
        let loaded = try area.load(data: data, progress: bar.callback)
        var files = loaded.files
        func fromData(_ given: String?, _ relative: String, _ option: String) throws -> String {
            if let given { return given }
            if let path = data.file(relative) { return path }
            let how = DataCatalogue.file(relative)?.howToGet ?? "copy it from a mirror with `deprivation-map data fetch --mirror DIR`"
            throw WordedError(description: "the data folder \(data.root ?? "(none set)") has no \(relative) (needed for \(option)). To get it, \(how); or give \(option) FILE.")
        }
        let gpPath = try fromData(gp, DataFolder.gpPractices, "--gp")
        let workforcePath = try fromData(gpWorkforce, DataFolder.gpWorkforce, "--gp-workforce")
        let pharmacyPath = try fromData(pharmacies, DataFolder.pharmacies, "--pharmacies")
        let storePath = try fromData(foodStores, DataFolder.retailPoints, "--food-stores")
        let reading = bar.callback
        reading?(ProgressEvent(stage: "reading services", done: 0, total: 4))
        // Files located by postcode (epraccur, edispensary) need Code-Point Open, read once.
        var postcodes: (PostcodePoints, [String: Int])?
        func services(_ path: String, _ kind: ServiceKind) throws -> ServiceSet {
            do {
                return try ServiceReader.read(path: path, kind: kind, postcodes: postcodes)
            } catch ServiceError.needsPostcodes {
                guard let zip = data.codePoint(nil) else { throw ServiceError.needsPostcodes(path: path) }
                postcodes = try loadPostcodes(zip, bar: bar)
                files.append(zip)
                return try ServiceReader.read(path: path, kind: kind, postcodes: postcodes)
            }
        }
        let gpSet = try services(gpPath, .gp)
        reading?(ProgressEvent(stage: "reading services", done: 1, total: 4))
        let pharmacySet = try services(pharmacyPath, .pharmacy)
        reading?(ProgressEvent(stage: "reading services", done: 2, total: 4))
        let header = (try? CSVTable(path: storePath))?.header.map(CSVTable.normalise) ?? []
        var filters: [RowFilter] = []
        if storeSizes.lowercased() != "all" && header.contains("sizecode") {
            filters = [RowFilter(column: "size_code", values: storeSizes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })]
        }
        let stores = try ServiceReader.read(path: storePath, kind: .supermarket, filters: filters)
        reading?(ProgressEvent(stage: "reading services", done: 3, total: 4))
        let capacity = try ServiceCapacity.read(path: workforcePath, valueColumn: gpFteColumn, filters: [RowFilter(column: "Year", equals: gpYear)])
        files += [gpPath, workforcePath, pharmacyPath, storePath]
        step("read inputs")

        var input = RegionReportInput(frame: try loaded.frame(), gp: gpSet, pharmacy: pharmacySet, foodStores: stores)
        step("analysis frame")
        input.title = title
        input.gpCapacity = capacity
        input.catchmentRadius = catchment
        input.draws = draws
        var van = ReportFoodVanSettings()
        if let depot {
            let (point, label, zip) = try data.depot(depot, postcodes: nil)
            van.depot = point
            van.depotLabel = label
            if let zip { files.append(zip) }
        }
        van.foodThreshold = foodThreshold
        van.walkRadius = walkRadius
        van.stops = stops
        van.days = days
        van.dayMinutes = dayMinutes
        van.cycle = try calendar.cycle()
        input.foodVan = van
        var networkNotes: [String] = []
        if travel.wanted {
            // Nearest services by --mode (walk by default); the van drives and its stops are walked to.
            let mode = travel.mode ?? .walk
            let (router, note) = try travel.router(mode, data: data, bar: bar)
            if let note { networkNotes.append(note) }
            if let router {
                var network = ReportNetwork(access: NetworkCost(router: router, metric: travel.networkMetric, snapCap: travel.snapCap))
                if let extract = router.network?.extract.path { files.append(extract) }
                if travel.routerUrl == nil {
                    network.drive = mode == .drive ? router : try travel.router(.drive, data: data, bar: bar).0
                    let walk = mode == .walk ? router : try travel.router(.walk, data: data, bar: bar).0
                    network.walk = walk.map { NetworkCost(router: $0, metric: .distance, snapCap: travel.snapCap) }
                } else {
                    networkNotes.append("--router-url serves one profile: it measures the nearest services; the food van keeps straight lines.")
                }
                input.network = network
            }
        }
        // The interactive map: Leaflet inlined, and the region's postcodes for its search box.
        do {
            input.mapLibrary = try MapLibrary.leaflet(folder: leaflet ?? MapLibrary.debianLeaflet)
            if let zip = data.codePoint(nil) {
                input.postcodes = try postcodes?.0 ?? loadPostcodes(zip, bar: bar).0
                if !files.contains(zip) { files.append(zip) }
            }
        } catch let error as ReportError where leaflet == nil {
            networkNotes.append(Wording.error(error) + "; the page keeps its static map only")
        }
        // Need-adjusted GP supply (HEEC method), when the payments file is given or in the data folder.
        if let payments = weightedPatients ?? data.file(DataFolder.gpPayments) {
            input.needAdjustedSupply = try NeedAdjustedSupply.read(workforce: workforcePath, payments: payments, fteColumn: gpFteColumn)
            files.append(payments)
        } else {
            networkNotes.append("no need-adjusted GP supply: the data folder has no \(DataFolder.gpPayments) (or give --weighted-patients FILE)")
        }
        input.inputFiles = files
        if allIcbs {
            try writeAllICBs(template: input, loaded: loaded, folder: folder, bar: bar, started: started)
            return
        }
        let report = try RegionReport.build(input, progress: bar.callback)
        step("joins, access, gap and food-van plan")
        bar.clear()
        let written = try ReportWriter.write(report, to: folder, database: database.destination)
        step("write the report")
        let tables = database.destination.map { d in ReportWriter.tableSuffixes(report).map { d.table($0) } } ?? []

        let index = URL(fileURLWithPath: folder).standardizedFileURL.appendingPathComponent("index.html").path
        print("Report for \(report.regionDescription): \(index)")
        guard !quiet else { return }
        printError("\(grouped(report.map.areas.codes.count)) areas; \(written.count) files in \(folder)\(tables.isEmpty ? "" : "; PostGIS tables " + tables.joined(separator: ", ")) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        printError(report.gap?.verdict ?? "no inverse-care-law statistic: \(report.gapUnavailable ?? "")")
        if let plan = report.foodVan {
            printError("food van: \(plan.stops.count) stops over \(plan.routes.count) days cover \(grouped(Int(plan.figures.coveredPopulation.rounded()))) of \(grouped(Int(plan.figures.targetPopulation.rounded()))) people in \(plan.figures.targetAreas) target areas")
        } else if let why = report.foodVanSkipped {
            printError("food van: no plan: \(Wording.note(why))")
        }
        if let note = report.depotNote { printError("note: \(Wording.note(note))") }
        printError("nearest services: " + (report.accessNetwork.map { "along the network, \($0)" } ?? "straight lines (no --network given)"))
        for n in networkNotes { printError("note: \(n)") }
        guard verbose else { return }
        for (name, seconds) in timings { printError(String(format: "  %6.2f s  %@", seconds, name)) }
        for d in loaded.defaults { printError("note: default \(d) (from the data folder)") }
        var seen = Set<String>()
        let diagnostics = report.map.diagnostics + report.access.flatMap(\.diagnostics) + report.gpSupply.diagnostics + (report.foodVan?.diagnostics ?? [])
        for n in diagnostics.map(Wording.note) where seen.insert(n).inserted {
            printError("note: \(n)")
        }
        if let a = report.attribution { printError("attribution: \(a)") }
    }

    /// `--all-icbs`: each ICB's report from the national inputs read once, and the England page.
    private func writeAllICBs(template: RegionReportInput, loaded: AreaOptions.Loaded, folder: String, bar: ProgressBar, started: Date) throws {
        var national = loaded
        if national.geography == nil {
            let files = data.geographyFiles(for: loaded.areas.vintage)
            guard !files.isEmpty else { throw ValidationError("--all-icbs needs the ONS lookups of the data folder (lookups/…): pass --data DIR or set DEPRIVATION_MAP_DATA.") }
            national.geography = try AreaGeography.read(paths: files)
        }
        let icbs = EnglandReport.icbs(of: national.geography!)
        guard !icbs.isEmpty else { throw ValidationError("the ONS lookups name no ICB: --all-icbs needs lookups/lsoa21_sicbl24_icb24.csv.gz (or the 2011 one).") }
        let frame = try national.frame()
        let base = national
        let england = try EnglandReport.write(icbs: icbs, national: frame, input: { icb in
            var one = base
            one.selection = RegionSelection(icb: icb.code)
            var input = template
            input.frame = try one.frame()
            return input
        }, to: folder, progress: bar.callback)
        bar.clear()
        let index = URL(fileURLWithPath: folder).standardizedFileURL.appendingPathComponent("index.html").path
        print("England: \(england.icbs.count) ICB reports and the England page: \(index)")
        guard !quiet else { return }
        printError("\(england.icbs.count) of \(icbs.count) ICBs in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        for (code, why) in england.failures.sorted(by: { $0.key < $1.key }) { printError("note: no report for \(code): \(why)") }
        if let top = england.icbs.first, let sii = top.gpSII {
            printError("largest gradient in need-adjusted GP supply: \(top.name) (SII \(String(format: "%.2f", sii)) GP FTE per 10,000 weighted patients)")
        }
    }

    /// Refuses early, naming every missing default file and how to get it.
    func checkDataFolder() throws {
        guard let root = data.root else { return }
        guard FileManager.default.fileExists(atPath: root) else {
            throw WordedError(description: "the data folder \(root) does not exist: set DEPRIVATION_MAP_DATA (or --data) to the open-data folder, or create it with `deprivation-map data fetch --data \(root)`.")
        }
        var given: Set<String> = []
        if area.areas != nil { given.insert("boundaries/") }
        if !area.imd.isEmpty { given.insert("imd/") }
        if area.population != nil { given.insert("population/") }
        if area.centroids != nil || area.polygonCentroids { given.insert("centroids/") }
        if gp != nil { given.insert("services/gp/gp_") }
        if gpWorkforce != nil { given.insert("services/gp/heec") }
        if pharmacies != nil { given.insert("services/pharmacy/") }
        if foodStores != nil { given.insert("services/retail/") }
        let problems = DataStatus.check(root: root).reportProblems.filter { p in !given.contains { p.file.path.hasPrefix($0) } }
        guard !problems.isEmpty else { return }
        var lines = ["the data folder \(root) is missing files the report needs:"]
        for p in problems {
            lines.append("  \(p.file.path)" + (p.state == .mismatch ? " (damaged: \(p.detail ?? ""))" : "") + ": \(p.file.what).")
            lines.append("    To get it, \(p.file.howToGet).")
        }
        lines.append("`deprivation-map data status` lists the whole folder.")
        throw WordedError(description: lines.joined(separator: "\n"))
    }
}
