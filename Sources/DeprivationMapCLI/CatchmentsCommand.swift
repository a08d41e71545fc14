import ArgumentParser
import DeprivationMap
import Foundation

struct CatchmentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catchments",
        abstract: "For each service or van stop, the areas (and their outline) that reach it within a time on a road or path network.",
        discussion: """
            Needs a network (--network FILE.osm.pbf, or --router-url) and --mode (default walk). An \\
            area is in a catchment when its origin (population-weighted centroid, or \\
            --polygon-centroids) reaches the point within --minutes. The outline is the union of \\
            those areas (OSRM has no isochrones). Van stops: give the food-van schedule CSV \\
            (OUT.csv, easting/northing) or any point file as --services.

            Outputs: OUT.geojson (one feature per service that reaches an area: id, name, minutes, \\
            areas, population, area_codes) and OUT.csv beside it (service_id, area_code, minutes).
            """
    )

    @OptionGroup var area: AreaOptions

    @Option(help: ArgumentHelp("Services or stops as TYPE=FILE or FILE (as for access).", valueName: "type=file"))
    var services: String

    @OptionGroup(title: "Network travel") var travel: NetworkOptions

    @Option(help: "Time limit of a catchment, minutes.")
    var minutes: Double = 15

    @Option(help: "Code-Point Open zip (default: the data folder's), for services located by postcode.")
    var postcodes: String?

    @Option(name: [.short, .long], help: "Output GeoJSON file; OUT.csv is written beside it.")
    var output: String

    @OptionGroup var data: DataOptions

    @Flag(name: [.short, .long], help: "No progress display and no notes.")
    var quiet = false

    func validate() throws {
        guard ["geojson", "json"].contains(URL(fileURLWithPath: output).pathExtension.lowercased()) else {
            throw ValidationError("-o must end in .geojson (the CSV is written beside it).")
        }
        guard minutes > 0, minutes.isFinite else { throw ValidationError("--minutes must be a positive number.") }
        guard travel.wanted else { throw ValidationError("catchments need a network: give --network FILE.osm.pbf (or --router-url).") }
    }

    func run() throws {
        InterruptHandling.install()
        let csvPath = MapOutput.sibling(of: output, extension: "csv")
        let (kind, path) = MapCommand.split(services)
        try OutputSafety.check(outputs: [output, csvPath], inputs: area.inputPaths + [path, postcodes, travel.network])
        let bar = ProgressBar(quiet: quiet)
        let loaded = try area.load(data: data, progress: bar.callback)
        let (set, zip) = try readServices(path, kind: kind, postcodes: postcodes, data: data, bar: bar)
        var files = loaded.files + [path] + [zip].compactMap { $0 }
        let (router, fallback) = try travel.router(travel.mode ?? .walk, data: data, bar: bar)
        guard let router else { throw ValidationError("catchments need a network, and none could be used: \(fallback ?? "").") }
        if let extract = router.network?.extract.path { files.append(extract) }
        let result = try ServiceCatchments.run(try loaded.frame(), services: set, cost: NetworkCost(router: router, snapCap: travel.snapCap),
                                               minutes: minutes, progress: bar.callback)
        router.stop()
        bar.clear()
        let attribution = MapOutput.attribution(for: files)
        let pairs = result.pairRows()
        try OutputTransaction.perform {
            try MapOutput.writeGeoJSON(result.layer(), to: output, attribution: attribution)
            try MapOutput.writeTable(header: pairs.header, rows: pairs.rows, to: csvPath)
        }
        let reaching = result.catchments.filter { !$0.areaCodes.isEmpty }
        print(result.method)
        print("\(reaching.count) of \(result.catchments.count) services reach an area of the region; \(grouped(pairs.rows.count)) service–area pairs")
        guard !quiet else { return }
        printError("→ \(output), \(csvPath)")
        for n in result.diagnostics.map(Wording.note) { printError("note: \(n)") }
        if let attribution { printError("attribution: \(attribution)") }
    }
}
