import Foundation
import GeoCore
import GeoProjection

/// Writes OGC GeoPackage 1.3 files through SQLite: the required tables
/// (`gpkg_spatial_ref_sys`, `gpkg_contents`, `gpkg_geometry_columns`), one feature table per
/// layer with GeoPackage binary geometries and their envelopes, and an R-tree spatial index with
/// the standard's triggers (`gpkg_rtree_index` extension). Several layers go in one file. The
/// file is written under a temporary name and renamed into place when complete, like every
/// other output; values are bound, never spliced into SQL.
public enum GeoPackageWriter {
    /// One layer to write and its table name.
    public struct Layer: Sendable {
        /// Table name (letters, digits and underscores are kept; other characters become `_`).
        public var name: String
        /// The features.
        public var layer: FeatureLayer
        /// A description for `gpkg_contents`.
        public var description: String
        /// A layer named `name`.
        public init(name: String, layer: FeatureLayer, description: String = "") {
            self.name = name; self.layer = layer; self.description = description
        }
    }

    /// What the writer did that the user should know.
    public struct Report: Sendable, Hashable {
        /// Table names written, in order.
        public var tables: [String] = []
        /// Features written per table.
        public var features: [Int] = []
        /// Notes: tables renamed, single geometries promoted to multi.
        public var notes: [String] = []
    }

    /// A table name SQLite and GDAL take without quoting surprises: letters, digits, `_`, not starting with a digit.
    public static func tableName(_ name: String) -> String {
        var s = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        if s.isEmpty || s.first!.isNumber { s = "t_" + s }
        return s.lowercased().hasPrefix("gpkg_") || s.lowercased().hasPrefix("rtree_") ? "layer_" + s : s
    }

    /// Writes `layers` to `path` (.gpkg).
    /// - Throws: `OutputError`, ``SQLiteError``, `ProjectionError` (a CRS PROJ cannot describe).
    @discardableResult
    public static func write(_ layers: [Layer], to path: String, projection: ProjectionContext? = nil, attribution: String? = nil) throws -> Report {
        let file = try AtomicOutputFile(path: path)
        do {
            let report = try fill(file.temporaryPath, layers: layers, path: path, projection: projection ?? ProjectionContext(), attribution: attribution)
            try file.commit()
            return report
        } catch {
            file.abandon()
            throw error
        }
    }

    /// SQLite page size of the files written.
    static let pageSize = 65536

    private static func fill(_ temporary: String, layers: [Layer], path: String, projection: ProjectionContext, attribution: String?) throws -> Report {
        let db = try SQLiteDatabase(path: temporary, create: true)
        // Atomicity comes from the rename: no journal while the new file is filled.
        // 64 KiB pages keep polygon blobs off overflow chains; a 256 MiB cache keeps the file in memory until it is written.
        try db.execute("PRAGMA page_size = \(pageSize); PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;", doing: "setting up the file")
        try db.execute("""
            CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
              organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
            CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
              description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
              min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
              CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
            CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
              srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
              CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
              CONSTRAINT uk_gc_table_name UNIQUE (table_name),
              CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
              CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
            CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
              scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
            """, doing: "creating the GeoPackage tables")
        let srs = try db.prepare("INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, ?3, ?4, ?5, ?6)", doing: "writing gpkg_spatial_ref_sys")
        try srs.run([.text("Undefined cartesian SRS"), .integer(-1), .text("NONE"), .integer(-1), .text("undefined"), .text("undefined cartesian coordinate reference system")])
        try srs.run([.text("Undefined geographic SRS"), .integer(0), .text("NONE"), .integer(0), .text("undefined"), .text("undefined geographic coordinate reference system")])
        var written: Set<Int32> = [-1, 0]
        func srsID(_ crs: CRS) throws -> Int32 {
            let id = Int32(crs.epsg ?? 100_000 + written.count)
            guard !written.contains(id) else { return id }
            let wkt = try projection.ogcWKT(for: crs)
            try srs.run([.text(crs.name ?? crs.definition), .integer(Int64(id)), .text(crs.epsg == nil ? "NONE" : "EPSG"),
                         .integer(Int64(crs.epsg ?? Int(id))), .text(wkt), .null])
            written.insert(id)
            return id
        }
        if !written.contains(4326) { _ = try srsID(.wgs84) }  // required by the standard

        var report = Report()
        var used = Set<String>()
        for item in layers {
            var table = tableName(item.name)
            while used.contains(table.lowercased()) { table += "_2" }
            used.insert(table.lowercased())
            if table != item.name { report.notes.append("layer '\(item.name)' is written as table '\(table)'") }
            let layer = item.layer
            let id = try srsID(layer.crs)
            let kinds = Set(layer.features.compactMap { $0.geometry?.kind })
            let type = GeoPackageGeometry.typeName(kinds)
            let promote = kinds.count > 1 && type.hasPrefix("MULTI")
            if promote { report.notes.append("\(table): single geometries are written as \(type.lowercased()) (the layer mixes both)") }

            var columns = ["\"fid\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", "\"geom\" \(type)"]
            var names: [String] = []
            for f in layer.schema.fields {
                var n = f.name.replacingOccurrences(of: "\"", with: "")
                while names.contains(where: { $0.lowercased() == n.lowercased() }) || ["fid", "geom"].contains(n.lowercased()) { n += "_2" }
                names.append(n)
                let sqlType: String
                switch f.type {
                case .string: sqlType = "TEXT"
                case .integer: sqlType = "INTEGER"
                case .real: sqlType = "REAL"
                case .boolean: sqlType = "BOOLEAN"
                case .date: sqlType = "DATE"
                }
                columns.append("\"\(n)\" \(sqlType)")
            }
            try db.execute("CREATE TABLE \"\(table)\" (\(columns.joined(separator: ", ")))", doing: "creating table \(table)")
            let placeholders = (0...names.count + 1).map { "?\($0 + 1)" }.joined(separator: ", ")
            let insert = try db.prepare("INSERT INTO \"\(table)\" (\"fid\", \"geom\"\(names.map { ", \"\($0)\"" }.joined())) VALUES (\(placeholders))",
                                        doing: "writing table \(table)")
            // The envelopes written into the blobs, for gpkg_contents and the R-tree.
            var envelopes: [(Int64, Envelope)] = []
            envelopes.reserveCapacity(layer.features.count)
            for (k, feature) in layer.features.enumerated() {
                if let g = feature.geometry, g.coordinateCount > 0 { envelopes.append((Int64(k + 1), g.envelope)) }
            }
            let box = envelopes.dropFirst().reduce(envelopes.first?.1) { $0?.union($1.1) }
            try db.execute("BEGIN", doing: "writing table \(table)")
            for (k, feature) in layer.features.enumerated() {
                var values: [SQLiteValue] = [.integer(Int64(k + 1))]
                values.reserveCapacity(names.count + 2)
                if var g = feature.geometry {
                    if promote { g = GeoPackageGeometry.promoted(g) }
                    if let blob = GeoPackageGeometry.encode(g, srsID: id) {
                        values.append(.blob(blob))
                    } else {
                        values.append(.null)
                    }
                } else {
                    values.append(.null)
                }
                for (k, v) in feature.values.enumerated() where k < names.count {
                    switch v {
                    case .null: values.append(.null)
                    case .string(let s): values.append(.text(s))
                    case .integer(let i): values.append(.integer(i))
                    case .real(let d): values.append(d.isFinite ? .real(d) : .null)
                    case .boolean(let b): values.append(.integer(b ? 1 : 0))
                    case .date(let d): values.append(.text(d.description))
                    }
                }
                while values.count < names.count + 2 { values.append(.null) }
                try insert.run(values)
            }
            try db.execute("COMMIT", doing: "writing table \(table)")
            let contents = try db.prepare("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                          doing: "writing gpkg_contents")
            let describe = [item.description, attribution ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
            try contents.run([.text(table), .text(table), .text(describe), box.map { .real($0.minX) } ?? .null, box.map { .real($0.minY) } ?? .null,
                              box.map { .real($0.maxX) } ?? .null, box.map { .real($0.maxY) } ?? .null, .integer(Int64(id))])
            try db.prepare("INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)", doing: "writing gpkg_geometry_columns")
                .run([.text(table), .text(type), .integer(Int64(id))])
            try spatialIndex(db, table: table, envelopes: envelopes)
            report.tables.append(table)
            report.features.append(layer.features.count)
        }
        try db.execute("PRAGMA journal_mode = DELETE", doing: "finishing the file")
        return report
    }

    /// The R-tree of the `gpkg_rtree_index` extension, filled from the table, and its triggers
    /// (GeoPackage 1.3, Annex F.3) so that later edits keep it current.
    private static func spatialIndex(_ db: SQLiteDatabase, table t: String, envelopes: [(Int64, Envelope)]) throws {
        let r = "rtree_\(t)_geom"
        try db.execute("CREATE VIRTUAL TABLE \"\(r)\" USING rtree(id, minx, maxx, miny, maxy)", doing: "creating the spatial index of \(t)")
        // Filled from the envelopes written into the blobs (SQLite has no ST_MinX … of its own),
        // packed in one pass rather than inserted one by one (see RTreePacking).
        let packed = RTreePacking(envelopes)
        try db.execute("BEGIN; DELETE FROM \"\(r)_node\";", doing: "indexing \(t)")
        let node = try db.prepare("INSERT INTO \"\(r)_node\" VALUES (?1, ?2)", doing: "indexing \(t)")
        for (n, blob) in packed.nodes { try node.run([.integer(n), .blob(blob)]) }
        let rowid = try db.prepare("INSERT INTO \"\(r)_rowid\" VALUES (?1, ?2)", doing: "indexing \(t)")
        for (id, n) in packed.rowids { try rowid.run([.integer(id), .integer(n)]) }
        let parent = try db.prepare("INSERT INTO \"\(r)_parent\" VALUES (?1, ?2)", doing: "indexing \(t)")
        for (n, p) in packed.parents { try parent.run([.integer(n), .integer(p)]) }
        try db.execute("COMMIT", doing: "indexing \(t)")
        // The standard's triggers use ST_* functions that GeoPackage readers (GDAL, QGIS) provide.
        let triggers = [
            "CREATE TRIGGER \"\(r)_insert\" AFTER INSERT ON \"\(t)\" WHEN (new.\"geom\" NOT NULL AND NOT ST_IsEmpty(NEW.\"geom\")) BEGIN INSERT OR REPLACE INTO \"\(r)\" VALUES (NEW.\"fid\", ST_MinX(NEW.\"geom\"), ST_MaxX(NEW.\"geom\"), ST_MinY(NEW.\"geom\"), ST_MaxY(NEW.\"geom\")); END;",
            "CREATE TRIGGER \"\(r)_update1\" AFTER UPDATE OF \"geom\" ON \"\(t)\" WHEN OLD.\"fid\" = NEW.\"fid\" AND (NEW.\"geom\" NOTNULL AND NOT ST_IsEmpty(NEW.\"geom\")) BEGIN INSERT OR REPLACE INTO \"\(r)\" VALUES (NEW.\"fid\", ST_MinX(NEW.\"geom\"), ST_MaxX(NEW.\"geom\"), ST_MinY(NEW.\"geom\"), ST_MaxY(NEW.\"geom\")); END;",
            "CREATE TRIGGER \"\(r)_update2\" AFTER UPDATE OF \"geom\" ON \"\(t)\" WHEN OLD.\"fid\" = NEW.\"fid\" AND (NEW.\"geom\" ISNULL OR ST_IsEmpty(NEW.\"geom\")) BEGIN DELETE FROM \"\(r)\" WHERE id = OLD.\"fid\"; END;",
            "CREATE TRIGGER \"\(r)_update3\" AFTER UPDATE ON \"\(t)\" WHEN OLD.\"fid\" != NEW.\"fid\" AND (NEW.\"geom\" NOTNULL AND NOT ST_IsEmpty(NEW.\"geom\")) BEGIN DELETE FROM \"\(r)\" WHERE id = OLD.\"fid\"; INSERT OR REPLACE INTO \"\(r)\" VALUES (NEW.\"fid\", ST_MinX(NEW.\"geom\"), ST_MaxX(NEW.\"geom\"), ST_MinY(NEW.\"geom\"), ST_MaxY(NEW.\"geom\")); END;",
            "CREATE TRIGGER \"\(r)_update4\" AFTER UPDATE ON \"\(t)\" WHEN OLD.\"fid\" != NEW.\"fid\" AND (NEW.\"geom\" ISNULL OR ST_IsEmpty(NEW.\"geom\")) BEGIN DELETE FROM \"\(r)\" WHERE id IN (OLD.\"fid\", NEW.\"fid\"); END;",
            "CREATE TRIGGER \"\(r)_delete\" AFTER DELETE ON \"\(t)\" WHEN OLD.\"geom\" NOT NULL BEGIN DELETE FROM \"\(r)\" WHERE id = OLD.\"fid\"; END;",
        ]
        try db.execute(triggers.joined(separator: "\n"), doing: "creating the spatial index triggers of \(t)")
        try db.prepare("INSERT INTO gpkg_extensions VALUES (?1, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
                       doing: "registering the spatial index of \(t)").run([.text(t)])
    }
}
