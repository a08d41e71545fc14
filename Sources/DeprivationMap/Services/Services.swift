import Foundation

/// A set of service points of one kind (GP practices, pharmacies, supermarkets, food banks …).
public struct ServiceSet: Sendable {
    /// The kind of service; its raw value prefixes field names (`gp_count`, `gp_per_10k`).
    public var kind: ServiceKind
    /// The file read.
    public internal(set) var path: String
    /// Identifier per point ("" when the file has none).
    public internal(set) var ids: [String]
    /// Name per point ("" when the file has none).
    public internal(set) var names: [String]
    /// Points, in ``crs``.
    public internal(set) var points: [Coordinate]
    /// The CRS of ``points``.
    public internal(set) var crs: CRS
    /// How the points were located: "coordinates in the file" or "postcode (Code-Point Open)".
    public internal(set) var located: String
    /// Rows left out, each with its line and why (no postcode, postcode not found …).
    public internal(set) var skipped: [SkippedRow]
    /// Rows left out on purpose (closed practices, other prescribing settings), counted by reason.
    public internal(set) var filtered: [String: Int]
    /// Normalised postcode per point when the file gives one ("" otherwise), to match the
    /// columns of a travel-time matrix keyed by postcode.
    public internal(set) var postcodes: [String] = []

    /// The points transformed to `target` (one PROJ context per thread).
    /// - Throws: `ProjectionError`.
    public func reprojected(to target: CRS) throws -> ServiceSet {
        var copy = self
        copy.points = try transformPoints(points, from: crs, to: target)
        copy.crs = target
        return copy
    }
}

/// Why a services file could not be read.
public enum ServiceError: Error, Sendable, Equatable, AdvisedError {
    /// The file locates services by postcode, and no Code-Point Open was given.
    case needsPostcodes(path: String)
    /// Neither coordinate nor postcode columns were found.
    case noLocation(path: String, header: [String])
    /// No row could be located.
    case noPoints(path: String)
    /// A row filter names a column the file does not have.
    case unknownFilterColumn(path: String, column: String, header: [String])
    /// The row filters keep no row.
    case filteredOut(path: String, filters: String)

    public var problem: String {
        switch self {
        case .needsPostcodes(let path):
            return "\(path): located by postcode, which needs Code-Point Open."
        case .noLocation(let path, let header):
            return "\(path): neither coordinate columns nor a postcode column found among \(header.joined(separator: ", "))."
        case .noPoints(let path):
            return "\(path): no service could be located; see the skipped rows reported."
        case .unknownFilterColumn(let path, let column, let header):
            return "\(path): no column '\(column)' to filter on; the columns are \(header.joined(separator: ", "))."
        case .filteredOut(let path, let filters):
            return "\(path): no row has \(filters); check the values (they are compared ignoring case)."
        }
    }

    public var advice: Advice? {
        switch self {
        case .needsPostcodes: return "give \(Setting.postcodes) (codepo_gb.zip), or \(Setting.dataFolder) holding it"
        case .noLocation: return "name \(Setting.coordinateColumns) or add a postcode column"
        default: return nil
        }
    }
}

/// Reads service points from the layouts people have:
/// - NHS ODS `epraccur` (GP practices) and `edispensary` (pharmacies): no header, 27 columns;
///   only active organisations (status A) are kept, and for `epraccur` only prescribing setting 4
///   (GP practices); located by postcode through Code-Point Open;
/// - CSV tables with coordinate columns (Geolytix `long_wgs`/`lat_wgs`, `easting`/`northing`,
///   `lat`/`lng` …), or with only a postcode column (located through Code-Point Open);
/// - GeoJSON, shapefiles and GeoPackage layers of points;
/// - PostGIS tables or queries (`postgresql://…?table=…`): by their geometry, or, without one,
///   by coordinate or postcode columns as a CSV table is.
///
/// Rows without a usable location are reported with their line numbers, never dropped silently.
/// Rows can be kept by column values (a ``RowFilter``), e.g. Geolytix stores by `size_code`; the
/// rows left out are counted in ``ServiceSet/filtered``.
public enum ServiceReader {

    /// Reads `path`.
    /// - Parameters:
    ///   - path: the services file.
    ///   - kind: the kind of service; taken from the file name when `nil`.
    ///   - postcodes: Code-Point Open points and their index, for files located by postcode.
    ///   - options: how to read it (CRS, encoding, CSV columns).
    ///   - filters: keep only the rows matching every filter (not for the ODS layouts).
    /// - Throws: ``ServiceError``, reader errors.
    public static func read(path: String, kind: ServiceKind? = nil, postcodes: (PostcodePoints, [String: Int])? = nil,
                            options: VectorReadOptions = VectorReadOptions(), filters: [RowFilter] = []) throws -> ServiceSet {
        let kind = kind ?? ServiceKind(rawValue: PostGISSource.isAddress(path) ? SourceName.dataName(path)
                                                   : URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
        var format = try VectorFormat.detect(path: path)
        // A database table of services without geometry is read as a table: coordinates or postcodes.
        if format == .postGIS, let source = PostGISSource(path), try !PostGIS.hasGeometry(source) { format = .csv }
        let shown = PostGISSource(path)?.label ?? path   // messages name a database without its password
        if format != .csv {
            let (layer, _) = try VectorReader.read(path: path, options: options)
            let (kept, dropped) = try filter(layer, filters, path: shown)
            var set = fromLayer(kept, kind: kind, path: shown, located: "geometry in the file")
            set.filtered = dropped
            return set
        }
        if !PostGISSource.isAddress(path), isODSLayout(path: path) {
            if let f = filters.first { throw ServiceError.unknownFilterColumn(path: shown, column: f.column, header: ["(no header: NHS ODS layout)"]) }
            return try readODS(try CSVTable(path: path, hasHeader: false), kind: kind, postcodes: postcodes)
        }
        // A CSV with coordinates goes through the point reader; one with only postcodes is geocoded.
        do {
            let (layer, report) = try CSVPointReader.read(path: path, options: options.csv)
            let (kept, dropped) = try filter(layer, filters, path: shown)
            var set = fromLayer(kept, kind: kind, path: shown, located: "coordinates in the file")
            set.skipped = report.skippedLines.map { SkippedRow(path: shown, line: $0.line, reason: $0.reason) }
            set.filtered = dropped
            return set
        } catch CSVError.coordinateColumnsNotFound {
            let table = try CSVTable(path: path)
            guard let pc = table.column(["postcode", "pc", "pcds", "pcd", "post_code", "postcode7"]) else {
                throw ServiceError.noLocation(path: shown, header: table.header)
            }
            let id = table.column(["code", "id", "odscode", "organisationcode", "practicecode"])
            let name = table.column(["name", "organisationname", "practicename", "retailer", "storename", "sitename"])
            let columns = try filters.map { f -> (Int, RowFilter) in
                guard let c = table.column([f.column]) else { throw ServiceError.unknownFilterColumn(path: shown, column: f.column, header: table.header) }
                return (c, f)
            }
            let set = try geocode(table, kind: kind, postcodeColumn: pc, idColumn: id, nameColumn: name, postcodes: postcodes) { row in
                columns.first { !$0.1.keeps(row.trimmed($0.0)) }.map { "\($0.1.column) not in {\($0.1.values.joined(separator: ", "))}" }
            }
            return set
        }
    }

    /// The features of `layer` matching every filter, and the counts left out by reason.
    static func filter(_ layer: FeatureLayer, _ filters: [RowFilter], path: String) throws -> (FeatureLayer, [String: Int]) {
        guard !filters.isEmpty else { return (layer, [:]) }
        let names = layer.schema.names.map(CSVTable.normalise)
        let columns = try filters.map { f -> (Int, RowFilter) in
            guard let c = names.firstIndex(of: CSVTable.normalise(f.column)) else {
                throw ServiceError.unknownFilterColumn(path: path, column: f.column, header: layer.schema.names)
            }
            return (c, f)
        }
        var kept = layer
        var dropped: [String: Int] = [:]
        kept.features = layer.features.filter { feature in
            for (c, f) in columns where !f.keeps(feature.values[c].text) {
                dropped["\(f.column) not in {\(f.values.joined(separator: ", "))}", default: 0] += 1
                return false
            }
            return true
        }
        if kept.features.isEmpty { throw ServiceError.filteredOut(path: path, filters: filters.map(\.description).joined(separator: " and ")) }
        return (kept, dropped)
    }

    /// `true` when the first line looks like an NHS ODS file: an organisation code in the first
    /// cell, at least 26 columns, no header.
    static func isODSLayout(path: String) -> Bool {
        guard let table = try? CSVTable(path: path, hasHeader: false) else { return false }
        let cell = table.header.count >= 26 ? firstCell(table) : nil
        guard let cell else { return false }
        return (5...6).contains(cell.count) && cell.first!.isLetter && cell.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
    }

    private static func firstCell(_ table: CSVTable) -> String? {
        var first: String?
        try? table.forEachRow { row in if first == nil { first = row.trimmed(0) } }
        return first
    }

    private static func readODS(_ table: CSVTable, kind: ServiceKind, postcodes: (PostcodePoints, [String: Int])?) throws -> ServiceSet {
        // epraccur/edispensary: 0 code, 1 name, 9 postcode, 12 status (A active, C closed, D dormant,
        // P proposed), 25 prescribing setting (epraccur: 4 = GP practice; blank in edispensary).
        var practices = 0
        try table.forEachRow { row in if row.count > 25, row.trimmed(25) == "4" { practices += 1 } }
        let isPractices = practices > 0
        return try geocode(table, kind: kind, postcodeColumn: 9, idColumn: 0, nameColumn: 1, postcodes: postcodes) { row in
            let status = row.trimmed(12)
            if status != "A" { return "status \(status.isEmpty ? "blank" : status) (not active)" }
            if isPractices, row.trimmed(25) != "4" { return "prescribing setting other than 4 (not a GP practice)" }
            return nil
        }
    }

    private static func geocode(_ table: CSVTable, kind: ServiceKind, postcodeColumn: Int, idColumn: Int?, nameColumn: Int?,
                                postcodes: (PostcodePoints, [String: Int])?, keep: (CSVRow) -> String?) throws -> ServiceSet {
        guard let (points, index) = postcodes else { throw ServiceError.needsPostcodes(path: table.path) }
        var set = ServiceSet(kind: kind, path: table.path, ids: [], names: [], points: [], crs: points.crs,
                             located: "postcode (Code-Point Open)", skipped: [], filtered: [:])
        try table.forEachRow { row in
            if let reason = keep(row) { set.filtered[reason, default: 0] += 1; return }
            let id = idColumn.map { row.trimmed($0) } ?? ""
            let text = row.trimmed(postcodeColumn)
            let who = id.isEmpty ? "" : "\(id): "
            guard !text.isEmpty else {
                set.skipped.append(SkippedRow(path: table.path, line: row.line, reason: "\(who)no postcode"))
                return
            }
            guard let key = Postcode.normalise(text) else {
                set.skipped.append(SkippedRow(path: table.path, line: row.line, reason: "\(who)'\(text)' is not a postcode"))
                return
            }
            guard let i = index[key] else {
                set.skipped.append(SkippedRow(path: table.path, line: row.line, reason: "\(who)postcode \(Postcode.display(key)) is not in Code-Point Open (terminated, new, or without a position)"))
                return
            }
            set.ids.append(id)
            set.postcodes.append(key)
            set.names.append(nameColumn.map { row.trimmed($0) } ?? "")
            set.points.append(points.coordinates[i])
        }
        if set.points.isEmpty { throw ServiceError.noPoints(path: table.path) }
        return set
    }

    private static func fromLayer(_ layer: FeatureLayer, kind: ServiceKind, path: String, located: String) -> ServiceSet {
        let names = layer.schema.names.map(CSVTable.normalise)
        let id = ["code", "id", "odscode", "organisationcode", "slug"].lazy.compactMap { names.firstIndex(of: $0) }.first
        let name = ["name", "organisationname", "storename", "retailer", "sitename"].lazy.compactMap { names.firstIndex(of: $0) }.first
        let postcode = ["postcode", "pc", "pcds", "pcd", "postcode7"].lazy.compactMap { names.firstIndex(of: $0) }.first
        var set = ServiceSet(kind: kind, path: path, ids: [], names: [], points: [], crs: layer.crs, located: located, skipped: [], filtered: [:])
        for (i, f) in layer.features.enumerated() {
            let point: Coordinate?
            switch f.geometry {
            case .point(let c)?: point = c
            case .multiPoint(let cs)? where !cs.isEmpty: point = cs[0]
            default: point = nil
            }
            guard let point else {
                set.skipped.append(SkippedRow(path: path, line: i + 1, reason: "feature \(i + 1) has no point geometry"))
                continue
            }
            set.points.append(point)
            let pc = postcode.flatMap { Postcode.normalise(f.values[$0].text) } ?? ""
            // Without an identifier column, the postcode identifies the service (stroke units).
            set.ids.append(id.map { f.values[$0].text } ?? pc)
            set.names.append(name.map { f.values[$0].text } ?? "")
            set.postcodes.append(pc)
        }
        return set
    }

}
