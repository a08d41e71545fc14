import Foundation
import GeoCore

/// Why a GeoPackage could not be read. Each case names the file, and the layer or feature.
public enum GeoPackageError: Error, Sendable, Equatable, AdvisedError {
    /// Not an SQLite file, or an SQLite file without the GeoPackage tables.
    case notAGeoPackage(path: String, reason: String)
    /// The file has several feature layers and none was chosen.
    case chooseLayer(path: String, layers: [String])
    /// The chosen layer is not among the file's feature layers.
    case unknownLayer(path: String, layer: String, layers: [String])
    /// A geometry that cannot be read: the layer, feature id and why.
    case badGeometry(path: String, layer: String, fid: Int64, reason: String)
    /// A geometry type this reader refuses (curves), with the feature id.
    case unsupportedGeometry(path: String, layer: String, fid: Int64, type: String)

    public var problem: String {
        switch self {
        case .notAGeoPackage(let path, let reason):
            return "\(path) is not a GeoPackage: \(reason)"
        case .chooseLayer(let path, let layers):
            return "\(path) has \(layers.count) feature layers: \(layers.joined(separator: ", "))"
        case .unknownLayer(let path, let layer, let layers):
            return "\(path) has no feature layer '\(layer)'; its layers are \(layers.isEmpty ? "none" : layers.joined(separator: ", "))"
        case .badGeometry(let path, let layer, let fid, let reason):
            return "\(path), layer \(layer), feature \(fid): the geometry cannot be read: \(reason)"
        case .unsupportedGeometry(let path, let layer, let fid, let type):
            return "\(path), layer \(layer), feature \(fid): \(type) geometries (curves) are not supported"
        }
    }

    public var advice: Advice? {
        switch self {
        case .notAGeoPackage: return "give a .gpkg written by QGIS, GDAL or this tool"
        case .chooseLayer, .unknownLayer: return "name one in the path as 'FILE.gpkg|layername=NAME' (as QGIS shows a layer's source); for the areas, or a file to convert or describe, \(Setting.layer) NAME also does"
        case .badGeometry: return "repair or remove that feature in QGIS or GDAL"
        case .unsupportedGeometry: return "convert the curves to straight segments first (ogr2ogr -nlt CONVERT_TO_LINEAR)"
        }
    }
}

/// Reads feature layers of an OGC GeoPackage through SQLite (read-only): the layer list, the
/// schema, the SRS and GeoPackage binary geometries (WKB, either byte order). 3D and measured
/// geometries are flattened to x/y, and said so; curves are refused. Counts in a blob are
/// checked against its length before anything is allocated.
public enum GeoPackageReader {
    /// The file and layer of a path written as QGIS names a layer's source,
    /// `FILE.gpkg|layername=NAME`; the path itself and `nil` otherwise.
    public static func splitLayer(_ path: String) -> (path: String, layer: String?) {
        guard let bar = path.range(of: "|layername=", options: .backwards) else { return (path, nil) }
        let file = String(path[..<bar.lowerBound])
        // QGIS may add further |key=value parts (|subset=…); only the layer name is taken.
        let rest = path[bar.upperBound...]
        let name = String(rest.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        guard file.lowercased().hasSuffix(".gpkg"), !name.isEmpty else { return (path, nil) }
        return (file, name)
    }

    /// Decodes one GeoPackage binary geometry (the `GP` header, then WKB of either byte order);
    /// `nil` for an empty geometry. Counts are checked against the bytes before anything is
    /// allocated; z and m values are dropped.
    /// - Throws: ``GeoPackageError/badGeometry(path:layer:fid:reason:)`` or
    ///   ``GeoPackageError/unsupportedGeometry(path:layer:fid:type:)`` with `path` "blob".
    public static func decodeGeometry(_ blob: [UInt8]) throws -> Geometry? {
        do {
            return try GeoPackageGeometry.decode(blob).0
        } catch let e as GeoPackageGeometry.DecodeError {
            switch e {
            case .unsupported(let type): throw GeoPackageError.unsupportedGeometry(path: "blob", layer: "-", fid: 0, type: type)
            case .bad(let reason): throw GeoPackageError.badGeometry(path: "blob", layer: "-", fid: 0, reason: reason)
            }
        }
    }

    /// One feature layer of the file.
    public struct LayerInfo: Sendable, Hashable {
        /// Table name, geometry column and type, SRS id, feature count.
        public var name: String, geometryColumn: String, geometryType: String, srsID: Int, features: Int
    }

    static func open(_ path: String) throws -> SQLiteDatabase {
        guard FileManager.default.fileExists(atPath: path) else { throw GeoPackageError.notAGeoPackage(path: path, reason: "no such file") }
        do {
            let db = try SQLiteDatabase(path: path, create: false, readOnly: true)
            var found = 0
            try db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('gpkg_contents', 'gpkg_geometry_columns', 'gpkg_spatial_ref_sys')",
                           doing: "looking for the GeoPackage tables").query { row in
                if case .integer(let n) = row.value(0) { found = Int(n) }
            }
            guard found == 3 else { throw GeoPackageError.notAGeoPackage(path: path, reason: "it has no gpkg_contents, gpkg_geometry_columns and gpkg_spatial_ref_sys tables") }
            return db
        } catch let e as SQLiteError {
            throw GeoPackageError.notAGeoPackage(path: path, reason: "SQLite cannot read it (\(e.message))")
        }
    }

    /// The feature layers of the file.
    /// - Throws: ``GeoPackageError``.
    public static func layers(path: String) throws -> [LayerInfo] {
        let db = try open(path)
        return try layers(db, path: path)
    }

    static func layers(_ db: SQLiteDatabase, path: String) throws -> [LayerInfo] {
        var out: [LayerInfo] = []
        do {
            try db.prepare("""
                SELECT c.table_name, g.column_name, g.geometry_type_name, g.srs_id FROM gpkg_contents c
                JOIN gpkg_geometry_columns g ON g.table_name = c.table_name WHERE c.data_type = 'features' ORDER BY c.table_name
                """, doing: "listing layers").query { row in
                guard case .text(let t) = row.value(0), case .text(let c) = row.value(1), case .text(let type) = row.value(2) else { return }
                var srs = 0
                if case .integer(let s) = row.value(3) { srs = Int(s) }
                out.append(LayerInfo(name: t, geometryColumn: c, geometryType: type, srsID: srs, features: 0))
            }
            for i in out.indices {
                try db.prepare("SELECT count(*) FROM \"\(out[i].name.replacingOccurrences(of: "\"", with: "\"\""))\"", doing: "counting \(out[i].name)").query { row in
                    if case .integer(let n) = row.value(0) { out[i].features = Int(n) }
                }
            }
        } catch let e as SQLiteError {
            throw GeoPackageError.notAGeoPackage(path: path, reason: "its GeoPackage tables cannot be read (\(e.message))")
        }
        return out
    }

    /// Reads one feature layer: `layer`, or the only one; z or m values dropped are in the report's notes.
    /// - Throws: ``GeoPackageError``.
    public static func read(path: String, layer wanted: String? = nil, crs given: CRS? = nil) throws -> (FeatureLayer, ReadReport) {
        let db = try open(path)
        let all = try layers(db, path: path)
        let info: LayerInfo
        if let wanted {
            guard let l = all.first(where: { $0.name == wanted }) ?? all.first(where: { $0.name.lowercased() == wanted.lowercased() }) else {
                throw GeoPackageError.unknownLayer(path: path, layer: wanted, layers: all.map(\.name))
            }
            info = l
        } else {
            guard all.count == 1 else {
                if all.isEmpty { throw GeoPackageError.unknownLayer(path: path, layer: "(any)", layers: []) }
                throw GeoPackageError.chooseLayer(path: path, layers: all.map(\.name))
            }
            info = all[0]
        }
        var report = ReadReport()
        // The SRS: its EPSG code when the organisation is EPSG, else its WKT.
        var crs = given
        if crs == nil {
            try db.prepare("SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1", doing: "reading the SRS").query([.integer(Int64(info.srsID))]) { row in
                if case .text(let org) = row.value(0), org.uppercased() == "EPSG", case .integer(let code) = row.value(1), code > 0 {
                    crs = CRS(epsg: Int(code))
                } else if case .text(let wkt) = row.value(2), wkt != "undefined" {
                    crs = CRS(definition: wkt)
                }
            }
            report.crsSource = crs == nil ? "none (SRS \(info.srsID) undefined)" : "gpkg_spatial_ref_sys (srs_id \(info.srsID))"
        } else {
            report.crsSource = "given by the caller"
        }
        guard let layerCRS = crs else { throw GeoPackageError.notAGeoPackage(path: path, reason: "layer \(info.name) has an undefined SRS (\(info.srsID)); give its CRS") }

        // Columns other than the geometry and the integer primary key.
        let quoted = "\"\(info.name.replacingOccurrences(of: "\"", with: "\"\""))\""
        var fields: [FieldDefinition] = [], columns: [String] = [], pk: String?
        try db.prepare("PRAGMA table_info(\(quoted))", doing: "reading the columns of \(info.name)").query { row in
            guard case .text(let name) = row.value(1) else { return }
            var type = ""
            if case .text(let t) = row.value(2) { type = t.uppercased() }
            if case .integer(let k) = row.value(5), k == 1, type.contains("INT") { pk = name; return }
            guard name != info.geometryColumn else { return }
            let ft: FieldType = type.contains("INT") ? .integer : (type.contains("REAL") || type.contains("DOUBLE") || type.contains("FLOAT")) ? .real
                : type == "BOOLEAN" ? .boolean : type == "DATE" ? .date : .string
            fields.append(FieldDefinition(name: name, type: ft))
            columns.append(name)
        }
        func q(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let select = "SELECT \(pk.map(q) ?? "rowid"), \(q(info.geometryColumn))" + columns.map { ", \"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"" }.joined() + " FROM \(quoted)"
        var features: [Feature] = []
        var flattened = 0
        var record = 0
        try db.prepare(select, doing: "reading \(info.name)").query { row in
            record += 1
            var fid: Int64 = Int64(record)
            if case .integer(let f) = row.value(0) { fid = f }
            var geometry: Geometry?
            if case .blob(let b) = row.value(1), !b.isEmpty {
                do {
                    let (g, flat) = try GeoPackageGeometry.decode(b)
                    geometry = g
                    if flat { flattened += 1 }
                } catch let e as GeoPackageGeometry.DecodeError {
                    switch e {
                    case .unsupported(let type): throw GeoPackageError.unsupportedGeometry(path: path, layer: info.name, fid: fid, type: type)
                    case .bad(let reason): throw GeoPackageError.badGeometry(path: path, layer: info.name, fid: fid, reason: reason)
                    }
                }
            }
            if geometry == nil { report.nullGeometryRecords.append(record) }
            var values: [FieldValue] = []
            for (k, f) in fields.enumerated() {
                switch (row.value(Int32(k + 2)), f.type) {
                case (.null, _): values.append(.null)
                case (.integer(let i), .boolean): values.append(.boolean(i != 0))
                case (.integer(let i), .real): values.append(.real(Double(i)))
                case (.integer(let i), _): values.append(.integer(i))
                case (.real(let d), .integer): values.append(d == d.rounded() && abs(d) < 9e15 ? .integer(Int64(d)) : .real(d))
                case (.real(let d), _): values.append(.real(d))
                case (.text(let s), .date): values.append(DateValue(parsing: s).map { .date($0) } ?? .string(s))
                case (.text(let s), _): values.append(.string(s))
                case (.blob(let b), _): values.append(.string("<\(b.count) bytes>"))
                }
            }
            features.append(Feature(geometry: geometry, values: values))
        }
        if flattened > 0 { report.otherNotes.append("\(flattened) geometries of \(info.name) had z or m values; they were flattened to x/y") }
        return (FeatureLayer(name: info.name, crs: layerCRS, schema: Schema(fields), features: features), report)
    }
}
