import ArgumentParser
import DeprivationMap
import Foundation

struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Give every point the area (e.g. LSOA) it falls in, and its IMD decile.",
        discussion: """
            POINTS is a Code-Point Open zip (every GB postcode), an NHS ODS epraccur/edispensary file \
            or a CSV with only a postcode column (located through Code-Point Open: --postcodes or \
            $DEPRIVATION_MAP_DATA), a CSV with coordinate columns, a GeoJSON or a shapefile of points.

            GEOS point-in-polygon join: invalid area polygons are repaired with make-valid and \
            reported; a point on a shared boundary goes to the first area containing it and is \
            reported. With --nearest METRES, points just outside every polygon (the clipped \
            coastline) get the nearest area within that distance.

            Points and areas must be in the same CRS; otherwise the command stops and names both, \
            unless --reproject asks for the points to be transformed with PROJ.

            The output (.csv or .geojson) has one row per point: the point's own fields, then \
            area_code, area_name, match (inside, nearest, none), distance_m (nearest only) and, \
            with --imd, imd_decile and imd_rank. It is written to a temporary file and moved into \
            place when complete. The summary goes to standard error.
            """
    )

    @Argument(help: "Points file (.zip Code-Point Open, .csv, .geojson, .shp).")
    var points: String

    @Option(help: "Polygon layer of areas (.shp or .geojson), e.g. LSOA boundaries.")
    var areas: String

    @Option(help: "Field holding the area code (default: the first text field named …CD or …code).")
    var codeField: String?

    @Option(help: "IMD file(s) to add the area's decile and rank (repeatable; merged by code).")
    var imd: [String] = []

    @Option(help: ArgumentHelp("Give points outside every area the nearest one within this distance (CRS units; metres for BNG).", valueName: "metres"))
    var nearest: Double?

    @Flag(help: "Transform the points to the areas' CRS when they differ (otherwise refused).")
    var reproject = false

    @Option(help: "Code-Point Open zip for points located by postcode (default: the data folder's).")
    var postcodes: String?

    @Option(name: [.short, .long], help: "Output file (.csv or .geojson).")
    var output: String

    @OptionGroup var data: DataOptions
    @OptionGroup var inputOptions: InputOptions

    @Flag(name: [.short, .long], help: "No progress display and no summary; errors are still printed.")
    var quiet = false

    func validate() throws {
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        guard ["csv", "geojson", "json"].contains(ext) else { throw ValidationError("-o must end in .csv or .geojson, not '\(output)'.") }
        if let nearest, !(nearest >= 0) { throw ValidationError("--nearest must be a distance ≥ 0.") }
    }

    func run() throws {
        InterruptHandling.install()
        let started = Date()
        try OutputSafety.check(outputs: [output], inputs: [points, areas, postcodes] + imd)
        let bar = ProgressBar(quiet: quiet)
        let areaSet = try Areas.load(path: areas, codeField: codeField)
        let table = imd.isEmpty ? nil : try DeprivationTable.read(paths: imd)

        // The points, their own fields and CRS.
        var schema = Schema()
        var values: [[FieldValue]] = []
        var coordinates: [Coordinate] = []
        var crs = CRS.britishNationalGrid
        var notes: [String] = []
        var noPosition: [[FieldValue]] = []
        if points.lowercased().hasSuffix(".zip") {
            let (pc, _) = try loadPostcodes(points, bar: bar)
            schema = Schema([FieldDefinition(name: "postcode", type: .string), FieldDefinition(name: "positional_quality", type: .integer),
                             FieldDefinition(name: "country_code", type: .string)])
            values = pc.postcodes.indices.map { [.string(pc.postcodes[$0]), .integer(Int64(pc.quality[$0])), .string(pc.countries[$0])] }
            coordinates = pc.coordinates
            crs = pc.crs
            noPosition = pc.withoutCoordinates.map { [.string($0), .integer(90), .null] }
            if !noPosition.isEmpty { notes.append("\(grouped(noPosition.count)) postcodes have no position (quality 90); written with match 'no_position'") }
        } else if try VectorFormat.detect(path: points) == .csv, try needsGeocoding(points) {
            guard let zip = data.codePoint(postcodes) else { throw ServiceError.needsPostcodes(path: points) }
            let set = try ServiceReader.read(path: points, postcodes: try loadPostcodes(zip, bar: bar), options: inputOptions.readOptions)
            schema = Schema([FieldDefinition(name: "id", type: .string), FieldDefinition(name: "name", type: .string)])
            values = set.points.indices.map { [.string(set.ids[$0]), .string(set.names[$0])] }
            coordinates = set.points
            crs = set.crs
            for s in set.skipped { notes.append("not located: \(s)") }
            for (reason, n) in set.filtered.sorted(by: { $0.key < $1.key }) { notes.append("left out \(grouped(n)) rows: \(reason)") }
        } else {
            let (layer, report) = try VectorReader.read(path: points, options: inputOptions.readOptions)
            schema = layer.schema
            for f in layer.features {
                guard case .point(let c)? = f.geometry else { continue }
                values.append(f.values)
                coordinates.append(c)
            }
            if coordinates.count < layer.features.count { notes.append("\(layer.features.count - coordinates.count) features without a point geometry skipped") }
            crs = layer.crs
            notes += report.notes
        }
        if crs != areaSet.crs {
            guard reproject else {
                throw LayerCRSError.mismatch(what: "points", path: points, theirs: crs.description, areas: areaSet.crs.description)
            }
            coordinates = try transformPoints(coordinates, from: crs, to: areaSet.crs)
            notes.append("points transformed from \(crs) to \(areaSet.crs)")
        }

        let callback = bar.callback
        let result = try PointJoin.join(points: coordinates, polygons: areaSet.geometries, labels: areaSet.codes,
                                        options: PointJoinOptions(nearestWithin: nearest)) { done, total in
            callback?(ProgressEvent(stage: "joining", done: done, total: total))
        }
        bar.clear()
        let join = table.map { DeprivationJoin.join(codes: areaSet.codes, areaVintage: areaSet.vintage, table: $0) }
        if let mismatch = join?.vintageMismatch { notes.append("IMD: \(mismatch)") }

        // Output.
        var fields = schema.fields + [FieldDefinition(name: "area_code", type: .string), FieldDefinition(name: "area_name", type: .string),
                                      FieldDefinition(name: "match", type: .string), FieldDefinition(name: "distance_m", type: .real)]
        if table != nil { fields += [FieldDefinition(name: "imd_decile", type: .integer), FieldDefinition(name: "imd_rank", type: .integer)] }
        var features: [Feature] = []
        features.reserveCapacity(coordinates.count + noPosition.count)
        for i in coordinates.indices {
            let a = Int(result.area[i])
            var row = values[i]
            let match: String = result.match[i] == .inside ? "inside" : result.match[i] == .nearest ? "nearest" : "none"
            row += [a >= 0 ? .string(areaSet.codes[a]) : .null, a >= 0 ? .string(areaSet.names[a]) : .null, .string(match),
                    result.nearestDistance[i].map { .real(($0 * 10).rounded() / 10) } ?? .null]
            if let join {
                let r = a >= 0 ? join.records[a] : nil
                row += [r?.index.decile.map { .integer(Int64($0)) } ?? .null, r?.index.rank.map { .integer(Int64($0)) } ?? .null]
            }
            features.append(Feature(geometry: .point(coordinates[i]), values: row))
        }
        for v in noPosition {
            features.append(Feature(geometry: nil, values: v + [.null, .null, .string("no_position"), .null] + (table != nil ? [.null, .null] : [])))
        }
        let layer = FeatureLayer(name: "assigned", crs: areaSet.crs, schema: Schema(fields), features: features)
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        if ext == "csv" {
            try MapOutput.writeCSV(layer, to: output)
        } else {
            try MapOutput.writeGeoJSON(layer, to: output, attribution: MapOutput.attribution(for: [points, areas] + imd))
        }
        guard !quiet else { return }
        let total = coordinates.count
        printError("assigned \(grouped(total)) points to \(grouped(areaSet.codes.count)) areas in \(String(format: "%.2f", Date().timeIntervalSince(started))) s → \(output)")
        printError("  inside an area: \(countAndShare(result.insideCount, of: total))")
        if nearest != nil { printError("  nearest area within \(grouped(Int(saturating: nearest!, .towardZero))) m: \(countAndShare(result.nearestCount, of: total))") }
        printError("  unmatched: \(countAndShare(result.unmatchedCount, of: total))")
        printError("  in two or more areas: \(grouped(result.multiple.count))" + (result.multiple.isEmpty ? "" : " (first kept), e.g. " + result.multiple.prefix(3).map { m in "point \(m.point + 1) in \(m.areas.map { areaSet.codes[$0] }.joined(separator: " and "))" }.joined(separator: "; ")))
        for r in result.repaired { printError("  repaired invalid polygon \(r)") }
        if let join {
            let outside = result.area.filter { $0 >= 0 && join.records[Int($0)] == nil }.count
            if outside > 0 { printError("  \(grouped(outside)) points are in areas with no IMD row (\(join.unmatchedAreas.count) such areas, e.g. \(join.unmatchedAreas.prefix(3).joined(separator: ", ")))") }
        }
        for n in notes.prefix(20) { printError("note: \(n)") }
        if notes.count > 20 { printError("note: … and \(notes.count - 20) more") }
    }

    /// `true` for CSVs located by postcode: NHS ODS files and tables without coordinate columns.
    private func needsGeocoding(_ path: String) throws -> Bool {
        if inputOptions.xColumn != nil { return false }
        let table = try CSVTable(path: path, hasHeader: true)
        let names = Set(table.header.map(CSVTable.normalise))
        let coordinateNames: Set<String> = ["longitude", "lon", "long", "lng", "longwgs", "latitude", "lat", "latwgs", "easting", "eastings", "northing", "northings", "x", "y", "e", "n", "bnge", "bngn", "oseast1m", "osnrth1m"]
        return names.isDisjoint(with: coordinateNames)
    }
}
