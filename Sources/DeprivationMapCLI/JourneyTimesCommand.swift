import ArgumentParser
import DeprivationMap
import Foundation

struct JourneyTimesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journey-times",
        abstract: "Journey-time indicators on a road or path network (as the DfT Journey Time Statistics): minutes to the nearest service, services and share of people within 15/30/45/60 minutes, by IMD decile with the SII.",
        discussion: """
            Needs a network: --network FILE.osm.pbf (an OpenStreetMap extract, preprocessed once per \
            mode and cached) or --router-url of a running OSRM server, and --mode drive|walk|cycle \
            (default walk). Origins are each area's origin (population-weighted centroids, or \
            --polygon-centroids) or, with --origins postcodes, every postcode in the area \
            (Code-Point Open), equally weighted and averaged to the area, as the IoD and AHAH \
            access indicators do.

            Per area: avg_min_minutes (mean over its origins of the time to the nearest service), \
            services_within_T (mean number within T minutes) and pct_within_T (share of its origins \
            with a service within T minutes) for each --thresholds T. Standard output: the \
            population-weighted deciles and the SII (PHE method) of each.

            Outputs: OUT.geojson, OUT.csv beside it and OUT-summary.json.
            """
    )

    @OptionGroup var area: AreaOptions

    @Option(help: ArgumentHelp("Services as TYPE=FILE or FILE (as for access).", valueName: "type=file"))
    var services: String

    @OptionGroup(title: "Network travel") var travel: NetworkOptions

    @Option(help: ArgumentHelp("Minutes thresholds, comma-separated.", valueName: "minutes,…"))
    var thresholds: String = "15,30,45,60"

    @Option(help: ArgumentHelp("Where trips start: areas (each area's origin) or postcodes (every postcode in the area, averaged).", valueName: "origins"))
    var origins: String = "areas"

    @Option(help: "Code-Point Open zip (default: the data folder's), for --origins postcodes and services located by postcode.")
    var postcodes: String?

    @Option(help: "Monte Carlo simulations for the SII limits.")
    var draws: Int = 100_000

    @Option(name: [.short, .long], help: "Output GeoJSON file; OUT.csv and OUT-summary.json are written beside it.")
    var output: String

    @OptionGroup var data: DataOptions

    @Flag(name: [.short, .long], help: "No progress display and no notes.")
    var quiet = false

    func validate() throws {
        guard ["geojson", "json"].contains(URL(fileURLWithPath: output).pathExtension.lowercased()) else {
            throw ValidationError("-o must end in .geojson (the CSV and summary are written beside it).")
        }
        guard ["areas", "postcodes"].contains(origins) else { throw ValidationError("--origins takes areas or postcodes; got '\(origins)'.") }
        guard parsedThresholds != nil else { throw ValidationError("--thresholds takes positive minutes, e.g. 15,30,45,60; got '\(thresholds)'.") }
        guard draws >= 100 else { throw ValidationError("--draws must be at least 100.") }
        guard travel.network != nil || travel.routerUrl != nil || travel.mode != nil else {
            throw ValidationError("journey times need a network: give --network FILE.osm.pbf (or --router-url, or --mode with the data folder's extract).")
        }
    }

    var parsedThresholds: [Double]? {
        let values = thresholds.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return values.compactMap { $0 }
    }

    func run() throws {
        InterruptHandling.install()
        let started = Date()
        let csvPath = MapOutput.sibling(of: output, extension: "csv")
        let summaryPath = MapOutput.sibling(of: output, suffix: "-summary", extension: "json")
        let (kind, path) = MapCommand.split(services)
        try OutputSafety.check(outputs: [output, csvPath, summaryPath], inputs: area.inputPaths + [path, postcodes, travel.network])
        let bar = ProgressBar(quiet: quiet)
        let loaded = try area.load(data: data, progress: bar.callback)
        var files = loaded.files + [path]
        var codePoint: (PostcodePoints, [String: Int])?
        func postcodeTable() throws -> (PostcodePoints, [String: Int]) {
            if let codePoint { return codePoint }
            guard let zip = data.codePoint(postcodes) else { throw DataFolderError(root: data.root, relative: DataFolder.codePointOpen, setting: .postcodes) }
            let loaded = try loadPostcodes(zip, bar: bar)
            files.append(zip)
            codePoint = loaded
            return loaded
        }
        let set: ServiceSet
        do {
            set = try ServiceReader.read(path: path, kind: kind)
        } catch ServiceError.needsPostcodes {
            set = try ServiceReader.read(path: path, kind: kind, postcodes: try postcodeTable())
        }
        var notes: [String] = []
        let (router, fallback) = try travel.router(travel.mode ?? .walk, data: data, bar: bar)
        if let fallback { notes.append(fallback) }
        guard let router else { throw ValidationError("journey times need a network, and none could be used.") }
        if let extract = router.network?.extract.path { files.append(extract) }
        var settings = InequalitySettings()
        settings.draws = draws
        let result = try JourneyTimes.run(try loaded.frame(), services: set, cost: NetworkCost(router: router, snapCap: travel.snapCap),
                                          thresholds: parsedThresholds ?? [15, 30, 45, 60],
                                          origins: origins == "postcodes" ? .postcodes(try postcodeTable().0) : .areaOrigins,
                                          inequality: settings, progress: bar.callback)
        router.stop()
        bar.clear()
        let attribution = MapOutput.attribution(for: files)
        notes += result.diagnostics.map(Wording.note)
        let layer = result.layer()
        try OutputTransaction.perform {
            try MapOutput.writeGeoJSON(layer, to: output, attribution: attribution)
            try MapOutput.writeCSV(layer, to: csvPath)
            try MapOutput.writeJSON(result.summary(attribution: attribution, notes: notes), to: summaryPath)
        }
        print(result.report())
        guard !quiet else { return }
        printError("\(grouped(result.areas.codes.count)) areas in \(String(format: "%.2f", Date().timeIntervalSince(started))) s → \(output), \(csvPath), \(summaryPath)")
        for d in loaded.defaults { printError("note: default \(d) (from the data folder)") }
        for n in notes { printError("note: \(n)") }
        if let attribution { printError("attribution: \(attribution)") }
    }
}
