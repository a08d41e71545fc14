import ArgumentParser
import DeprivationMap
import Foundation

struct AccessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access",
        abstract: "Access to a set of services for every area, by IMD decile, with SII, RII and the concentration index.",
        discussion: """
            Measures (--method): nearest (distance to the nearest service, km), knn (mean distance \
            to the --k nearest), within (services within --radius metres), and the floating \
            catchments 2sfca (binary), e2sfca (stepped or Gaussian --decay) and 3sfca (Wan et al.), \
            which give supply (1 per service, or --capacity) per --per people (default 100,000) \
            within the --radius catchment. With --matrix, costs come from a travel-time matrix \
            (minutes) instead of straight lines, and --radius is in minutes; missing pairs are \
            reported. With --network FILE.osm.pbf (an OpenStreetMap extract) and --mode \
            drive|walk|cycle, costs are times (or, with --network-metric distance, metres) along \
            the roads and paths, from the OSRM routing engine this command starts on loopback and \
            stops (the extract is preprocessed once per mode and cached); --router-url uses a \
            running OSRM server instead. Origins and services are snapped to the network \
            (--snap-cap); farther ones, and pairs with no route, are named, never given a cost.

            Origins are population-weighted centroids (--centroids, or the data folder's for the \
            areas' vintage), or polygon centroids computed in EPSG:27700 with --polygon-centroids. \
            Access is computed over every area with an IMD row, so catchments at the edge of a \
            region see the people and services beyond it; the tables and statistics cover the \
            selected region (--district, --icb, --region).

            Standard output: population-weighted mean, median, min, max and standard error by IMD \
            decile and quintile, the most/least deprived contrast, the Slope and Relative Index of \
            Inequality by the PHE method (groups ordered 1 = most deprived; SII = fitted value at \
            the least deprived end minus that at the most deprived end; RII = their ratio; \
            confidence limits from --draws simulations with --seed), and the concentration index \
            (population-weighted fractional rank by IMD rank, most deprived first).

            Outputs: OUT.geojson (areas with their values, RFC 7946; or OUT.gpkg, a GeoPackage in the \
            areas' CRS), OUT.csv beside it and \
            OUT-summary.json with every figure printed.
            """
    )

    @OptionGroup var options: AccessOptions

    @Option(name: [.short, .long], help: "Output GeoJSON file; OUT.csv and OUT-summary.json are written beside it.")
    var output: String

    @OptionGroup var data: DataOptions

    @OptionGroup(title: "Database") var database: DatabaseOptions

    @Flag(name: [.short, .long], help: "No progress display and no notes; errors and the tables are still printed.")
    var quiet = false

    func validate() throws {
        guard ["geojson", "json", "gpkg"].contains(URL(fileURLWithPath: output).pathExtension.lowercased()) else {
            throw ValidationError("-o must end in .geojson or .gpkg (the CSV and summary are written beside it).")
        }
    }

    func run() throws {
        InterruptHandling.install()
        let started = Date()
        let csvPath = MapOutput.sibling(of: output, extension: "csv")
        let summaryPath = MapOutput.sibling(of: output, suffix: "-summary", extension: "json")
        try OutputSafety.check(outputs: [output, csvPath, summaryPath], inputs: options.inputPaths)
        try database.check([nil], inputs: options.inputPaths)
        let bar = ProgressBar(quiet: quiet)
        let prepared = try options.prepare(data: data, bar: bar)
        let result = try AccessAnalysis.run(prepared.frame, services: prepared.services, spec: prepared.spec, progress: bar.callback)
        bar.clear()
        let attribution = MapOutput.attribution(for: prepared.files)
        let notes = prepared.notes + result.diagnostics.map(Wording.note)
        let layer = result.layer()
        // All outputs or none.
        let stored = try OutputTransaction.perform {
            try MapOutput.writeLayer(layer, to: output, attribution: attribution)
            try MapOutput.writeCSV(layer, to: csvPath)
            try MapOutput.writeJSON(result.summary(attribution: attribution, notes: notes), to: summaryPath)
            // Last: a refused or failed table leaves no file.
            return try database.write([(nil, layer)], inputs: options.inputPaths)
        }
        print(result.report())
        guard !quiet else { return }
        var line = "\(grouped(result.areas.codes.count)) areas (\(result.regionDescription)) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s → \(output), \(csvPath), \(summaryPath)\(stored)"
        if let pairs = result.pairCount {
            // A router is asked only about the region (and, for catchments, the people within reach of it).
            line += "\n  \(grouped(pairs)) area–service pairs within the radius (\(result.perArea.snapMetres == nil ? "all analysed areas" : "the areas the router was asked about"))"
        }
        if result.pairCount != nil {
            line += "\n  \(grouped(result.areasWithoutService)) selected areas (\(grouped(Int(saturating: result.populationWithoutService))) people) reach no service within the radius" + (result.measure.catchment != nil ? ": their access is 0 and reaches_service is false" : "")
        }
        printError(line)
        for n in notes { printError("note: \(n)") }
    }
}
