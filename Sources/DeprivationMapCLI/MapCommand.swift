import ArgumentParser
import DeprivationMap
import Foundation

struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Deprivation, population and services for every area of a region, as GeoJSON + CSV.",
        discussion: """
            Joins the areas to the IMD by code (reporting unmatched codes on both sides and refusing \
            boundaries and tables of different LSOA vintages unless --lookup converts the table), adds \
            Core20 (deciles 1-2), quintile and local deciles re-ranked within the selected areas (by \
            count of areas and population-weighted), population, and for each --services file the \
            count and rate per 10,000 people in each area.

            English IMD and Welsh WIMD files may both be given; WIMD goes to its own wimd_* fields and \
            never into the English deciles.

            Region: --district (names or codes, repeatable), --icb (E54… or NHS code such as QH8) and \
            --region (polygon file) use the ONS lookups from the data folder (--data or \
            $DEPRIVATION_MAP_DATA). With --wards, LSOAs are aggregated to wards by population-weighted \
            centroid best fit and by area overlap; the best fit is compared with the ONS LSOA→ward lookup.

            Outputs: OUT.geojson (one feature per area, RFC 7946), OUT.csv beside it, \
            OUT-services.csv (each service with its area, ward and IMD decile) when services are \
            given, OUT-wards.geojson/.csv with --wards (with -o OUT.gpkg the layers are GeoPackages in \
            the areas' CRS). A table by IMD decile goes to standard output, \
            notes to standard error.

            Lookup rule for --lookup (LSOA 2011 ↔ 2021): unchanged and split areas copy their source's \
            values (a split area's population is shared equally); merged and irregular areas take the \
            population-weighted mean score of their sources and the rank and decile of the most \
            populous source.
            """
    )

    @Option(help: "Polygon layer of areas (.shp or .geojson), e.g. LSOA boundaries.")
    var areas: String

    @Option(help: "Field holding the area code (default: the first text field named …CD or …code).")
    var codeField: String?

    @Option(help: "IMD/WIMD file(s) (repeatable): official IoD files, IoD2025 File 7, tidy exports; merged by code.")
    var imd: [String] = []

    @Option(help: "ONS LSOA 2011→2021 lookup (lsoa11_lsoa21_ltla22.csv.gz) to carry the IMD onto the areas' vintage.")
    var lookup: String?

    @Option(help: "Population per area (CSV with a code and a total column); default: the IMD file's denominators.")
    var population: String?

    @Option(help: "Population column of --population (default: a total-population column).")
    var populationColumn: String?

    @Option(help: ArgumentHelp("Services as TYPE=FILE or FILE (repeatable): epraccur, edispensary, Geolytix, any points.", valueName: "type=file"))
    var services: [String] = []

    @Option(help: "Code-Point Open zip for services located by postcode (default: the data folder's).")
    var postcodes: String?

    @Option(help: ArgumentHelp("Keep areas in this district (name or code; repeatable).", valueName: "name"))
    var district: [String] = []

    @Option(help: ArgumentHelp("Keep areas in this ICB (E54… or NHS code, e.g. QH8).", valueName: "code"))
    var icb: String?

    @Option(help: ArgumentHelp("Keep areas inside the polygons of this file.", valueName: "file"))
    var region: String?

    @Option(help: "Ward (or any polygon) layer to aggregate the areas to.")
    var wards: String?

    @Option(help: "Population-weighted centroids (CSV) for the ward best fit (default: the data folder's for the areas' vintage).")
    var centroids: String?

    @Option(help: ArgumentHelp("Services outside every area get the nearest one within this distance (metres for BNG).", valueName: "metres"))
    var nearest: Double?

    @Flag(help: "Kept for existing scripts: services in another CRS are always transformed to the areas' CRS with PROJ (and noted), as in access, food-van and report.")
    var reproject = false

    @Option(name: [.short, .long], help: "Output GeoJSON file; the CSV is written beside it.")
    var output: String

    @OptionGroup var data: DataOptions

    @OptionGroup(title: "Database") var database: DatabaseOptions

    @Flag(name: [.short, .long], help: "No progress display and no notes; errors and the decile table are still printed.")
    var quiet = false

    func validate() throws {
        guard ["geojson", "json", "gpkg"].contains(URL(fileURLWithPath: output).pathExtension.lowercased()) else {
            throw ValidationError("-o must end in .geojson or .gpkg (the CSV is written beside it).")
        }
        guard !imd.isEmpty else { throw ValidationError("give at least one --imd file.") }
    }

    func run() throws {
        InterruptHandling.install()
        let started = Date()
        let csvPath = MapOutput.sibling(of: output, extension: "csv")
        let outputs = [output, csvPath, MapOutput.sibling(of: output, suffix: "-services", extension: "csv"),
                       MapOutput.sibling(of: output, suffix: "-wards", extension: MapOutput.isGeoPackage(output) ? "gpkg" : "geojson"), MapOutput.sibling(of: output, suffix: "-wards", extension: "csv")]
        let inputPaths = [areas, lookup, population, postcodes, region, wards, centroids] + imd + services.map { Self.split($0).1 }
        try OutputSafety.check(outputs: outputs, inputs: inputPaths)
        try database.check([nil, "services", "wards"], inputs: inputPaths)
        let bar = ProgressBar(quiet: quiet)
        let areaSet = try Areas.load(path: areas, codeField: codeField)
        var layers = MapLayers()
        // IMD: English and Welsh files are told apart by their codes and kept apart.
        var english: [String] = [], welsh: [String] = []
        var companions: [String] = []
        for path in imd {
            do {
                let t = try DeprivationTable.read(paths: [path])
                if t.kind == .welshWIMD { welsh.append(path) } else { english.append(path) }
            } catch DeprivationTableError.noDecileColumn {
                companions.append(path) // e.g. IoD2019 File 6 (population denominators): merged below
            }
        }
        if english.isEmpty && welsh.isEmpty { _ = try DeprivationTable.read(paths: imd) } // reports the missing decile column
        if !english.isEmpty { english += companions } else { welsh += companions }
        var notes: [String] = []
        let englishTable = english.isEmpty ? nil : try convert(try DeprivationTable.read(paths: english), areas: areaSet, notes: &notes)
        let welshTable = welsh.isEmpty ? nil : try convert(try DeprivationTable.read(paths: welsh), areas: areaSet, notes: &notes)
        let populationTable = try population.map { try AreaValues.read(path: $0, column: populationColumn) }
        // Lookups for region selection and wards.
        var geography: AreaGeography?
        if !district.isEmpty || icb != nil || wards != nil {
            let files = data.geographyFiles(for: areaSet.vintage)
            if !files.isEmpty { geography = try AreaGeography.read(paths: files) }
        }
        // Services.
        var postcodeIndex: (PostcodePoints, [String: Int])?
        for spec in services {
            let (kind, path) = Self.split(spec)
            let set: ServiceSet
            do {
                set = try ServiceReader.read(path: path, kind: kind, postcodes: postcodeIndex)
            } catch ServiceError.needsPostcodes {
                guard let zip = data.codePoint(postcodes) else { throw ServiceError.needsPostcodes(path: path) }
                postcodeIndex = try loadPostcodes(zip, bar: bar)
                set = try ServiceReader.read(path: path, kind: kind, postcodes: postcodeIndex)
            }
            layers.services.append(set)
        }
        if let wards {
            layers.wards = try Areas.load(path: wards)
            let centroidFile = centroids ?? data.centroidFile(for: areaSet.vintage)
            if let centroidFile { layers.wardCentroids = try readCentroids(path: centroidFile, crs: areaSet.crs) }
        }
        layers.nearestWithin = nearest
        layers.wimd = englishTable == nil ? nil : welshTable
        guard let deprivation = englishTable ?? welshTable else { throw ValidationError("give an English IMD or Welsh WIMD file with --imd.") }
        let frame = try AnalysisFrame(areas: areaSet, deprivation: deprivation, population: populationTable,
                                      geography: geography, selection: RegionSelection(districts: district, icb: icb, polygonPath: region))
        let map = try AreaMap.build(frame, layers: layers, progress: bar.callback)
        bar.clear()
        let layer = map.layer()
        let sources = [areas] + imd + services.map { Self.split($0).1 } + (population.map { [$0] } ?? [])
        let attribution = MapOutput.attribution(for: sources + (postcodeIndex != nil ? [data.codePoint(postcodes)!] : []))
        var written = [output, csvPath]
        var stored = ""
        // All outputs or none: each is renamed into place only when every one has been written.
        try OutputTransaction.perform {
            try MapOutput.writeLayer(layer, to: output, attribution: attribution)
            try MapOutput.writeCSV(layer, to: csvPath)
            var tables: [(suffix: String?, layer: FeatureLayer)] = [(nil, layer)]
            if !map.services.isEmpty {
                let serviceLayer = map.serviceLayer()
                try MapOutput.writeCSV(serviceLayer, to: outputs[2])
                written.append(outputs[2])
                tables.append(("services", serviceLayer))
            }
            if let w = layers.wards, let wardLayer = map.wardLayer(wards: w) {
                try MapOutput.writeLayer(wardLayer, to: outputs[3], attribution: attribution)
                try MapOutput.writeCSV(wardLayer, to: outputs[4])
                written += [outputs[3], outputs[4]]
                tables.append(("wards", wardLayer))
            }
            // Last: a refused or failed table leaves no file.
            stored = try database.write(tables, inputs: inputPaths)
        }

        print(Self.decileTable(map))
        guard !quiet else { return }
        printError("\(grouped(map.areas.codes.count)) areas (\(map.regionDescription)) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s → \(written.joined(separator: ", "))\(stored)")
        if let j = map.imdJoin {
            printError("  IMD: \(grouped(j.matchedCount)) of \(grouped(map.areas.codes.count)) areas matched; \(grouped(j.unmatchedTableCodes.count)) IMD codes (same nation) are outside the selected areas")
        }
        if let source = map.populationSource { printError("  population: \(source)") }
        for n in notes + map.diagnostics.map(Wording.note) { printError("note: \(n)") }
    }

    /// Converts the IMD table to the areas' vintage when --lookup is given and they differ.
    private func convert(_ table: DeprivationTable, areas: Areas, notes: inout [String]) throws -> DeprivationTable {
        guard let lookup, let target = areas.vintage, let source = table.vintage, source != target else { return table }
        let converted = table.converted(to: target, using: try LSOAChangeLookup.read(path: lookup))
        notes.append("\(table.kind) carried from \(source) to \(target) through \(URL(fileURLWithPath: lookup).lastPathComponent): \(grouped(converted.records.count)) areas")
        return converted
    }

    static func split(_ spec: String) -> (ServiceKind?, String) {
        // A type is a bare word: "stores.gpkg|layername=x" and "postgresql:///?table=x" are paths.
        if let eq = spec.firstIndex(of: "="), eq > spec.startIndex,
           spec[..<eq].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
            return (ServiceKind(rawValue: String(spec[..<eq])), String(spec[spec.index(after: eq)...]))
        }
        return (nil, spec)
    }

    /// The decile table printed on standard output.
    static func decileTable(_ map: AreaMap) -> String {
        let rows = map.decileTable()
        guard !rows.isEmpty else { return "No English IMD deciles to tabulate." }
        let totalAreas = rows.reduce(0) { $0 + $1.areas }
        let totalPopulation = rows.reduce(0) { $0 + $1.population }
        var header = ["decile", "areas", "population", "pop_share"]
        for t in map.serviceKinds { header += ["\(t)", "\(t)_per_10k"] }
        var lines = [header]
        func line(_ label: String, _ areas: Int, _ pop: Double, _ services: [Int]) -> [String] {
            var cells = [label, grouped(areas), grouped(Int(saturating: pop)), totalPopulation > 0 ? String(format: "%.1f%%", 100 * pop / totalPopulation) : ""]
            for s in services { cells += [grouped(s), pop > 0 ? String(format: "%.2f", Double(s) / pop * 10_000) : ""] }
            return cells
        }
        for r in rows { lines.append(line("\(r.decile)", r.areas, r.population, r.services)) }
        let core = rows.prefix(2)
        lines.append(line("Core20", core.reduce(0) { $0 + $1.areas }, core.reduce(0) { $0 + $1.population },
                          map.serviceKinds.indices.map { s in core.reduce(0) { $0 + $1.services[s] } }))
        lines.append(line("all", totalAreas, totalPopulation, map.serviceKinds.indices.map { s in rows.reduce(0) { $0 + $1.services[s] } }))
        let widths = header.indices.map { c in lines.map { $0[c].count }.max()! }
        return lines.map { row in row.enumerated().map { c, cell in c == 0 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[c] - cell.count) + cell }.joined(separator: "  ") }.joined(separator: "\n")
    }
}
