import Foundation
import GeoCore

/// Writes layers to PostGIS tables and reads a table or query back, through libpq (Debian
/// `libpq-dev`). Writing is one transaction (all tables or none): the table is created with its
/// geometry column in the layer's SRID, filled by `COPY` (binary format, EWKB with the SRID) and
/// given a GiST index (statistics are left to autovacuum's analyse: an explicit ANALYZE took a
/// fifth of the load time of the national LSOA layer). An existing table is refused unless `overwrite`. Identifiers
/// are quoted by libpq and values are bound or copied, never spliced into SQL.
public enum PostGIS {
    /// One layer and the table it goes to (`schema.table` or `table`).
    public struct Table: Sendable {
        /// The target table.
        public var name: String
        /// The features.
        public var layer: FeatureLayer
        /// A table `name` of `layer`.
        public init(name: String, layer: FeatureLayer) { self.name = name; self.layer = layer }
    }

    /// Where a command's layers go in a database: an address naming a table, whose name the
    /// layers' own names extend (`public.mse` → `public.mse_areas`, `public.mse_services`).
    public struct Destination: Sendable, Hashable {
        /// The database and the base table name.
        public var source: PostGISSource
        /// Replace tables that exist (otherwise they are refused).
        public var overwrite: Bool
        /// The CRS the tables are written in (their SRID); each layer's own when `nil`. Applied
        /// by `writeLayers(_:)` of the DeprivationMap module, which reprojects.
        public var crs: CRS?

        /// A destination at `address` (`postgresql://…?table=schema.name`); `nil` when it is not
        /// such an address or names no table.
        public init?(_ address: String, overwrite: Bool = false, crs: CRS? = nil) {
            guard let source = PostGISSource(address), source.table != nil, source.query == nil else { return nil }
            self.source = source
            self.overwrite = overwrite
            self.crs = crs
        }

        /// The table for a layer: the base name, or the base name and `suffix` joined by `_`.
        public func table(_ suffix: String? = nil) -> String {
            let base = source.table ?? ""
            return suffix.map { "\(base)_\($0)" } ?? base
        }

        /// Refuses to write a table that one of `inputs` reads (the same address and table; a
        /// table without a schema is taken to be in `public`).
        /// - Throws: `OutputError/overwritesInput(path:input:)`.
        public func check(tables suffixes: [String?], inputs: [String?]) throws {
            func qualified(_ t: String) -> String { t.contains(".") ? t.lowercased() : "public." + t.lowercased() }
            let written = Set(suffixes.map { qualified(table($0)) })
            for input in inputs.compactMap({ $0 }) {
                guard let read = PostGISSource(input), read.connection == source.connection, let t = read.table, written.contains(qualified(t)) else { continue }
                throw OutputError.overwritesInput(path: read.label, input: read.label)
            }
        }

        /// Writes `layers` (suffix `nil` for the base table itself) in one transaction, each in
        /// its own CRS (see ``crs``); returns the tables written and their row counts.
        /// - Throws: ``PostGISError`` (nothing is committed then).
        @discardableResult
        public func write(_ layers: [(suffix: String?, layer: FeatureLayer)]) throws -> [(table: String, rows: Int)] {
            let tables = layers.map { Table(name: table($0.suffix), layer: $0.layer) }
            let counts = try PostGIS.write(tables, to: PostGISSource(connection: source.connection), overwrite: overwrite)
            return zip(tables.map(\.name), counts).map { ($0, $1) }
        }
    }

    /// Writes `tables` in one transaction; returns the features written per table.
    /// - Throws: ``PostGISError`` (nothing is committed then).
    @discardableResult
    public static func write(_ tables: [Table], to source: PostGISSource, overwrite: Bool = false) throws -> [Int] {
        let db = try PostgresConnection(source)
        let postgis = try db.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'", doing: "looking for PostGIS")
        guard !postgis.isEmpty else {
            throw PostGISError(target: db.display, doing: "looking for PostGIS", message: "the database has no PostGIS extension",
                               fix: "run CREATE EXTENSION postgis in it (as its owner)")
        }
        try db.execute("BEGIN", doing: "starting the transaction")
        var counts: [Int] = []
        do {
            for t in tables {
                counts.append(try write(t, db: db, overwrite: overwrite))
            }
            try db.execute("COMMIT", doing: "committing")
        } catch {
            _ = try? db.execute("ROLLBACK", doing: "rolling back")
            throw error
        }
        return counts
    }

    private static func write(_ t: Table, db: PostgresConnection, overwrite: Bool) throws -> Int {
        let layer = t.layer
        let table = try db.identifier(t.name)
        guard let srid = layer.crs.epsg else {
            throw PostGISError(target: db.display, doing: "writing \(t.name)", message: "the layer's CRS (\(layer.crs)) has no EPSG code for a PostGIS SRID",
                               fix: "reproject it first with \(Setting.targetCRS), such as EPSG:27700")
        }
        let exists = try db.execute("SELECT to_regclass($1) IS NOT NULL", [t.name], doing: "looking for table \(t.name)")
        if exists.first?.first == "t" {
            guard overwrite else {
                throw PostGISError(target: db.display, doing: "writing \(t.name)", message: "table \(t.name) already exists",
                                   fix: "give \(Setting.overwrite) (its rows are dropped), or choose another table")
            }
            try db.execute("DROP TABLE \(table)", doing: "replacing table \(t.name)")
        }
        let kinds = Set(layer.features.compactMap { $0.geometry?.kind })
        let type = GeoPackageGeometry.typeName(kinds)
        let promote = kinds.count > 1 && type.hasPrefix("MULTI")
        var columns = ["fid integer PRIMARY KEY", "geom geometry(\(type == "GEOMETRY" ? "Geometry" : type), \(srid))"]
        var names: [String] = []
        var types: [BinaryCopy.Column] = []
        for f in layer.schema.fields {
            var n = f.name
            while names.contains(where: { $0.lowercased() == n.lowercased() }) || ["fid", "geom"].contains(n.lowercased()) { n += "_2" }
            names.append(n)
            let sqlType: String
            switch f.type {
            case .string: sqlType = "text"; types.append(.text)
            case .integer: sqlType = "bigint"; types.append(.bigint)
            case .real: sqlType = "double precision"; types.append(.double)
            case .boolean: sqlType = "boolean"; types.append(.boolean)
            case .date: sqlType = "date"; types.append(.date)
            }
            columns.append("\(try db.identifier(n)) \(sqlType)")
        }
        try db.execute("CREATE TABLE \(table) (\(columns.joined(separator: ", ")))", doing: "creating table \(t.name)")
        let columnList = (["fid", "geom"] + (try names.map { try db.identifier($0) })).joined(separator: ", ")
        // Binary COPY: the server takes it in about half the time of text (see BinaryCopy).
        try db.copyIn("COPY \(table) (\(columnList)) FROM STDIN (FORMAT binary)", doing: "loading table \(t.name)") { send in
            var rows = BinaryCopy(reserving: 1 << 21)
            rows.append(raw: BinaryCopy.header)
            var wkb: [UInt8] = []
            for (k, feature) in layer.features.enumerated() {
                rows.beginRow(fields: 2 + names.count)
                rows.int32(Int32(truncatingIfNeeded: k + 1))
                if var g = feature.geometry, g.coordinateCount > 0 {
                    if promote { g = GeoPackageGeometry.promoted(g) }
                    wkb.removeAll(keepingCapacity: true)
                    GeoPackageGeometry.wkb(g, to: &wkb)
                    rows.ewkb(wkb, srid: Int32(truncatingIfNeeded: srid))
                } else {
                    rows.null()
                }
                for i in names.indices {
                    let v = i < feature.values.count ? feature.values[i] : .null
                    do {
                        try rows.value(v, as: types[i], row: k + 1, field: layer.schema.fields[i].name)
                    } catch let e as BinaryCopy.ValueError {
                        throw PostGISError(target: db.display, doing: "loading table \(t.name)",
                                           message: "feature \(e.row): field \(e.field) is '\(e.value)', which is not a \(e.type)",
                                           fix: "correct that value in the input")
                    }
                }
                if rows.bytes.count > 1 << 20 { try send(rows.bytes); rows.removeAll() }
            }
            rows.append(raw: BinaryCopy.trailer)
            try send(rows.bytes)
        }
        let index = try db.identifier(t.name.split(separator: ".").last.map(String.init).map { "\($0)_geom_idx" } ?? "geom_idx")
        try db.execute("CREATE INDEX \(index) ON \(table) USING GIST (geom)", doing: "indexing table \(t.name)")
        return layer.features.count
    }

    /// Reads a table or query of `source` as a layer: its geometry column (the one named, or the
    /// first geometry column), the SRID of its geometries and every other column.
    /// - Throws: ``PostGISError`` (naming the tables there are when the table is not found).
    public static func read(_ source: PostGISSource) throws -> FeatureLayer {
        let db = try PostgresConnection(source)
        let (from, name) = try relation(source, db: db, listing: "SELECT f_table_schema || '.' || f_table_name FROM geometry_columns ORDER BY 1", kind: "tables with geometry")
        // The columns and their types, from an empty result.
        let probe = try db.query("SELECT * FROM \(from) LIMIT 0", doing: "reading the columns of \(name)")
        let geometryOID = try db.execute("SELECT 'geometry'::regtype::oid", doing: "looking for PostGIS").first?.first.flatMap { $0.flatMap { UInt32($0) } }
        let geometryIndex = source.geometryColumn.flatMap { probe.names.firstIndex(of: $0) } ?? probe.types.firstIndex { $0 == geometryOID }
        guard let g = geometryIndex else {
            throw PostGISError(target: db.display, doing: "reading \(name)", message: source.geometryColumn.map { "it has no column \($0)" } ?? "it has no geometry column",
                               fix: "its columns are \(probe.names.joined(separator: ", "))")
        }
        var fields: [FieldDefinition] = [], kept: [Int] = []
        for (i, n) in probe.names.enumerated() where i != g {
            let type: FieldType
            switch probe.types[i] {
            case 16: type = .boolean
            case 20, 21, 23: type = .integer
            case 700, 701, 1700: type = .real
            case 1082: type = .date
            default: type = .string
            }
            fields.append(FieldDefinition(name: n, type: type))
            kept.append(i)
        }
        let geometryName = try db.identifier(probe.names[g])
        let list = (try kept.map { try db.identifier(probe.names[$0]) } + ["ST_AsBinary(\(geometryName))", "ST_SRID(\(geometryName))"]).joined(separator: ", ")
        let data = try db.query("SELECT \(list) FROM \(from)", doing: "reading \(name)")
        var srid: Int?
        var features: [Feature] = []
        features.reserveCapacity(data.rows.count)
        for (r, row) in data.rows.enumerated() {
            var geometry: Geometry?
            if let hexText = row[kept.count], hexText.hasPrefix("\\x") {
                let bytes = try unhex(hexText.dropFirst(2), row: r + 1, table: name, target: db.display)
                var cursor = GeoPackageGeometry.Cursor(bytes: bytes, at: 0)
                var flat = false
                do {
                    geometry = try GeoPackageGeometry.wkbGeometry(&cursor, depth: 0, flattened: &flat)
                } catch {
                    throw PostGISError(target: db.display, doing: "reading \(name)", message: "row \(r + 1): the geometry cannot be read (\(error))")
                }
                if srid == nil, let s = row[kept.count + 1].flatMap({ Int($0) }), s > 0 { srid = s }
            }
            var values: [FieldValue] = []
            for (k, f) in fields.enumerated() {
                guard let text = row[k] else { values.append(.null); continue }
                switch f.type {
                case .boolean: values.append(.boolean(text == "t"))
                case .integer: values.append(Int64(text).map { .integer($0) } ?? .string(text))
                case .real: values.append(Double(text).map { .real($0) } ?? .string(text))
                case .date: values.append(DateValue(parsing: text).map { .date($0) } ?? .string(text))
                case .string: values.append(.string(text))
                }
            }
            features.append(Feature(geometry: geometry, values: values))
        }
        guard let srid else {
            throw PostGISError(target: db.display, doing: "reading \(name)", message: "its geometries have no SRID (or there are none)", fix: "set one with ST_SetSRID")
        }
        return FeatureLayer(name: name, crs: CRS(epsg: srid), schema: Schema(fields), features: features)
    }

    /// A table with a geometry column, as `geometry_columns` lists it.
    public struct TableInfo: Sendable, Hashable {
        /// `schema.table`, the geometry column, its type and SRID (0 when not declared), and the rows.
        public var name: String, geometryColumn: String, geometryType: String, srid: Int, rows: Int
    }

    /// The tables with geometry that `source`'s user can see, by name.
    /// - Throws: ``PostGISError``.
    public static func tables(_ source: PostGISSource) throws -> [TableInfo] {
        let db = try PostgresConnection(source)
        let listed = try db.execute("""
            SELECT f_table_schema, f_table_name, f_geometry_column, type, srid FROM geometry_columns
            WHERE has_table_privilege(quote_ident(f_table_schema) || '.' || quote_ident(f_table_name), 'SELECT') ORDER BY 1, 2, 3
            """, doing: "listing the tables with geometry")
        var out: [TableInfo] = []
        for row in listed {
            guard let schema = row[0] ?? nil, let table = row[1] ?? nil, let column = row[2] ?? nil else { continue }
            let name = "\(schema).\(table)"
            let count = try db.execute("SELECT count(*) FROM \(try db.identifier(name))", doing: "counting \(name)")
            out.append(TableInfo(name: name, geometryColumn: column, geometryType: (row[3] ?? nil) ?? "GEOMETRY",
                                 srid: (row[4] ?? nil).flatMap { Int($0) } ?? 0, rows: count.first?.first.flatMap { $0.flatMap { Int($0) } } ?? 0))
        }
        return out
    }

    /// `true` when the table or query of `source` has a geometry column.
    /// - Throws: ``PostGISError`` (naming the tables there are when the table is not found).
    public static func hasGeometry(_ source: PostGISSource) throws -> Bool {
        let db = try PostgresConnection(source)
        let (from, name) = try relation(source, db: db, listing: """
            SELECT table_schema || '.' || table_name FROM information_schema.tables
            WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1
            """, kind: "tables")
        let probe = try db.query("SELECT * FROM \(from) LIMIT 0", doing: "reading the columns of \(name)")
        let geometryOID = try db.execute("SELECT 'geometry'::regtype::oid", doing: "looking for PostGIS").first?.first.flatMap { $0.flatMap { UInt32($0) } }
        return probe.types.contains { $0 == geometryOID }
    }

    /// The largest table or query result read as text (1 GiB).
    public static let textLimit = 1 << 30

    /// A table or query of `source` as CSV text with a header line (every column, geometries as
    /// hex EWKB), for the readers of tables: IMD, populations, lookups, capacity. Rows are in the
    /// server's order; "line N" of a message counts the header as line 1.
    /// - Throws: ``PostGISError`` (naming the tables there are when the table is not found, or
    ///   when the result passes ``textLimit``).
    public static func csv(_ source: PostGISSource) throws -> Data {
        let db = try PostgresConnection(source)
        let (from, name) = try relation(source, db: db, listing: """
            SELECT table_schema || '.' || table_name FROM information_schema.tables
            WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1
            """, kind: "tables")
        return try db.copyOut("COPY (SELECT * FROM \(from)) TO STDOUT WITH (FORMAT csv, HEADER)", limit: textLimit, doing: "reading \(name)")
    }

    /// The quoted relation to select from (a table, or the query as a subquery) and its name for
    /// messages; a missing table is named with the ones `listing` finds.
    private static func relation(_ source: PostGISSource, db: PostgresConnection, listing: String, kind: String) throws -> (String, String) {
        if let table = source.table {
            let exists = try db.execute("SELECT to_regclass($1) IS NOT NULL", [table], doing: "looking for table \(table)")
            guard exists.first?.first == "t" else {
                let tables = try db.execute(listing, doing: "listing tables")
                throw PostGISError(target: db.display, doing: "reading \(table)", message: "there is no table \(table)",
                                   fix: "its \(kind) are \(tables.isEmpty ? "none" : tables.compactMap { $0.first ?? nil }.joined(separator: ", "))")
            }
            return (try db.identifier(table), table)
        } else if let query = source.query {
            return ("(\(query)) AS q", "query")
        }
        throw PostGISError(target: db.display, doing: "reading", message: "the address names no table or query", fix: "add ?table=schema.name or ?query=SELECT … to it")
    }

    static func unhex(_ text: Substring, row: Int, table: String, target: String) throws -> [UInt8] {
        let u = Array(text.utf8)
        guard u.count % 2 == 0 else { throw PostGISError(target: target, doing: "reading \(table)", message: "row \(row): odd hex length") }
        func v(_ c: UInt8) -> UInt8? { c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : nil }
        var out = [UInt8](repeating: 0, count: u.count / 2)
        for i in out.indices {
            guard let hi = v(u[2 * i]), let lo = v(u[2 * i + 1]) else { throw PostGISError(target: target, doing: "reading \(table)", message: "row \(row): bad hex") }
            out[i] = hi << 4 | lo
        }
        return out
    }
}
