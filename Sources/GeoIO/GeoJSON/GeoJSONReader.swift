import Foundation
import GeoCore

/// Why a GeoJSON file could not be read. Each case names the file and the line/column or the
/// feature (1-based).
public enum GeoJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist or cannot be read.
    case cannotRead(path: String, reason: String)
    /// The text is not valid JSON.
    case malformed(path: String, line: Int, column: Int, message: String)
    /// Valid JSON but not GeoJSON (no FeatureCollection, Feature or geometry at the top).
    case notGeoJSON(path: String, reason: String)
    /// A feature is not a valid GeoJSON feature.
    case invalidFeature(path: String, feature: Int, reason: String)
    /// A feature's geometry is not valid GeoJSON.
    case invalidGeometry(path: String, feature: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason):
            return "\(path): cannot be read: \(reason.withoutFinalStop)."
        case .malformed(let path, let line, let column, let message):
            return "\(path), line \(line), column \(column): malformed JSON: \(message.withoutFinalStop). Check the file is complete (not cut off by a failed download) and valid JSON."
        case .notGeoJSON(let path, let reason):
            return "\(path): not GeoJSON: \(reason.withoutFinalStop). Expected a FeatureCollection, a Feature or a geometry object (RFC 7946)."
        case .invalidFeature(let path, let feature, let reason):
            return "\(path), feature \(feature): \(reason.withoutFinalStop)."
        case .invalidGeometry(let path, let feature, let reason):
            return "\(path), feature \(feature): invalid geometry: \(reason.withoutFinalStop)."
        }
    }
}

/// Options for reading GeoJSON.
public struct GeoJSONReadOptions: Sendable, Hashable {
    /// The CRS of the coordinates. By default EPSG:4326 as RFC 7946 says, or what an old-style
    /// `"crs"` member names.
    public var crs: CRS?

    /// Creates options.
    public init(crs: CRS? = nil) {
        self.crs = crs
    }
}

/// Reads GeoJSON (RFC 7946, and the 2008 dialect's `"crs"` member) into a layer.
///
/// Accepts a FeatureCollection, a single Feature or a bare geometry. Geometry types: Point,
/// MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon, and GeometryCollections whose
/// members are all of one dimension (flattened into the matching multi-type). Z values are
/// dropped. Rings must have at least 4 positions and be closed.
///
/// Properties become typed fields in order of first appearance: integer when every value is a
/// whole-number literal, real when every value is a number, boolean, or string (nested objects and
/// arrays are kept as their JSON text). A feature `"id"` becomes an `id` field when no property has
/// that name.
///
/// ```swift
/// let (layer, report) = try GeoJSONReader.read(path: "mse.geojson")
/// ```
public enum GeoJSONReader {
    /// Reads a file.
    /// - Throws: ``GeoJSONError``.
    public static func read(path: String, options: GeoJSONReadOptions = GeoJSONReadOptions()) throws -> (FeatureLayer, ReadReport) {
        try withContentsOfFile(path, cannotRead: { GeoJSONError.cannotRead(path: path, reason: $0) }) { bytes in
            try read(bytes: bytes, source: path, layerName: layerName(of: path), options: options)
        }
    }

    /// Reads GeoJSON text held in memory; `source` names it in errors.
    /// - Throws: ``GeoJSONError``.
    public static func read(bytes: UnsafeBufferPointer<UInt8>, source: String, layerName: String,
                            options: GeoJSONReadOptions = GeoJSONReadOptions()) throws -> (FeatureLayer, ReadReport) {
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch let error as JSONSyntaxError {
            let (line, column) = JSONParser.lineAndColumn(of: error.offset, in: bytes)
            throw GeoJSONError.malformed(path: source, line: line, column: column, message: error.message)
        }
        guard case .object = root, let type = root["type"]?.stringValue else {
            throw GeoJSONError.notGeoJSON(path: source, reason: "the top-level value has no \"type\"")
        }

        var report = ReadReport()
        var crs = CRS.wgs84
        report.crsSource = "EPSG:4326 (RFC 7946)"
        if let name = root["crs"]?["properties"]?["name"]?.stringValue {
            crs = CRS(definition: name)
            report.crsSource = "\"crs\" member (\(name))"
        }
        if let given = options.crs {
            crs = given
            report.crsSource = "given by the caller"
        }

        var rawFeatures: [(geometry: JSONValue?, properties: [(key: String, value: JSONValue)], id: JSONValue?)] = []
        switch type {
        case "FeatureCollection":
            let items: [JSONValue]
            switch root["features"] {
            case .array(let list)?: items = list
            case nil: throw GeoJSONError.notGeoJSON(path: source, reason: "the FeatureCollection has no \"features\" array")
            default: throw GeoJSONError.notGeoJSON(path: source, reason: "\"features\" is not an array of Feature objects")
            }
            rawFeatures.reserveCapacity(items.count)
            for (k, item) in items.enumerated() {
                rawFeatures.append(try featureParts(item, path: source, feature: k + 1))
            }
        case "Feature":
            rawFeatures.append(try featureParts(root, path: source, feature: 1))
        case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
            rawFeatures.append((root, [], nil))
        default:
            throw GeoJSONError.notGeoJSON(path: source, reason: "unknown type \"\(type)\"")
        }

        // Schema: keys in order of first appearance, typed over all features.
        var order: [String] = []
        var position: [String: Int] = [:]
        let hasIDs = rawFeatures.contains { $0.id != nil }
        for f in rawFeatures {
            for member in f.properties where position[member.key] == nil {
                position[member.key] = order.count
                order.append(member.key)
            }
        }
        let addID = hasIDs && position["id"] == nil
        if addID {
            order.insert("id", at: 0)
            position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        }
        var columns = [[JSONValue]](repeating: [JSONValue](repeating: .null, count: rawFeatures.count), count: order.count)
        for (r, f) in rawFeatures.enumerated() {
            for member in f.properties { columns[position[member.key]!][r] = member.value }
            if addID, let id = f.id { columns[0][r] = id }
        }
        let types = columns.map(inferType)
        let schema = Schema(zip(order, types).map { FieldDefinition(name: $0, type: $1) })

        var features: [Feature] = []
        features.reserveCapacity(rawFeatures.count)
        for (r, f) in rawFeatures.enumerated() {
            let geometry = try f.geometry.flatMap { try makeGeometry($0, path: source, feature: r + 1) }
            if geometry == nil { report.nullGeometryRecords.append(r + 1) }
            let values = (0..<order.count).map { convert(columns[$0][r], to: types[$0]) }
            features.append(Feature(geometry: geometry, values: values))
        }
        return (FeatureLayer(name: layerName, crs: crs, schema: schema, features: features), report)
    }

    private static func featureParts(_ item: JSONValue, path: String, feature: Int) throws
        -> (geometry: JSONValue?, properties: [(key: String, value: JSONValue)], id: JSONValue?) {
        guard case .object = item, item["type"]?.stringValue == "Feature" else {
            throw GeoJSONError.invalidFeature(path: path, feature: feature, reason: "not a Feature object (\"type\": \"Feature\" missing)")
        }
        var properties: [(key: String, value: JSONValue)] = []
        switch item["properties"] {
        case .object(let members)?: properties = members
        case .null?, nil: break
        default: throw GeoJSONError.invalidFeature(path: path, feature: feature, reason: "\"properties\" must be an object or null")
        }
        var geometry: JSONValue?
        switch item["geometry"] {
        case .null?: geometry = nil
        case nil: throw GeoJSONError.invalidFeature(path: path, feature: feature, reason: "no \"geometry\" member (use null for none)")
        case let g?: geometry = g
        }
        return (geometry, properties, item["id"])
    }

    // MARK: Geometry

    static func makeGeometry(_ g: JSONValue, path: String, feature: Int) throws -> Geometry? {
        func fail(_ reason: String) -> GeoJSONError { .invalidGeometry(path: path, feature: feature, reason: reason) }
        guard case .object = g, let type = g["type"]?.stringValue else { throw fail("a geometry must be an object with a \"type\"") }
        if type == "GeometryCollection" {
            guard case .array(let members)? = g["geometries"] else { throw fail("GeometryCollection without a \"geometries\" array") }
            let parts = try members.compactMap { try makeGeometry($0, path: path, feature: feature) }
            return try flatten(parts, fail: fail)
        }
        guard let coordinates = g["coordinates"] else { throw fail("\(type) without \"coordinates\"") }
        switch type {
        case "Point":
            return .point(try position(coordinates, fail: fail))
        case "MultiPoint":
            return .multiPoint(try positions(coordinates, fail: fail))
        case "LineString":
            let line = try positions(coordinates, fail: fail)
            guard line.count >= 2 else { throw fail("a LineString needs at least 2 positions, it has \(line.count)") }
            return .lineString(line)
        case "MultiLineString":
            let lines = try list(coordinates, fail: fail).map { try positions($0, fail: fail) }
            if let short = lines.firstIndex(where: { $0.count < 2 }) { throw fail("line \(short + 1) has fewer than 2 positions") }
            return .multiLineString(lines)
        case "Polygon":
            return .polygon(try polygon(coordinates, fail: fail))
        case "MultiPolygon":
            return .multiPolygon(try list(coordinates, fail: fail).map { try polygon($0, fail: fail) })
        default:
            throw fail("unknown geometry type \"\(type)\"")
        }
    }

    private static func flatten(_ parts: [Geometry], fail: (String) -> GeoJSONError) throws -> Geometry? {
        guard let first = parts.first else { return nil }
        if parts.count == 1 { return first }
        let dims = Set(parts.map { g -> Int in
            switch g.kind {
            case .point, .multiPoint: return 0
            case .lineString, .multiLineString: return 1
            case .polygon, .multiPolygon: return 2
            }
        })
        guard dims.count == 1 else { throw fail("a GeometryCollection mixing points, lines and polygons cannot be represented; split it into separate features") }
        switch dims.first! {
        case 0: return .multiPoint(parts.flatMap { g -> [Coordinate] in if case .point(let c) = g { return [c] }; if case .multiPoint(let cs) = g { return cs }; return [] })
        case 1: return .multiLineString(parts.flatMap { g -> [[Coordinate]] in if case .lineString(let l) = g { return [l] }; if case .multiLineString(let ls) = g { return ls }; return [] })
        default: return .multiPolygon(parts.flatMap(\.polygons))
        }
    }

    private static func position(_ v: JSONValue, fail: (String) -> GeoJSONError) throws -> Coordinate {
        guard case .numbers(let ns) = v, ns.count >= 2 else { throw fail("a position must be an array of at least 2 numbers") }
        let c = Coordinate(x: ns[0], y: ns[1])
        guard c.isFinite else { throw fail("a coordinate is out of the range of a double") }
        return c
    }

    private static func positions(_ v: JSONValue, fail: (String) -> GeoJSONError) throws -> [Coordinate] {
        switch v {
        case .positions(let cs):
            if cs.contains(where: { !$0.isFinite }) { throw fail("a coordinate is out of the range of a double") }
            return cs
        case .array(let items):
            return try items.map { try position($0, fail: fail) }
        default:
            throw fail("expected an array of positions")
        }
    }

    private static func list(_ v: JSONValue, fail: (String) -> GeoJSONError) throws -> [JSONValue] {
        switch v {
        case .array(let items): return items
        case .positions(let cs): return cs.map { .numbers([$0.x, $0.y]) }
        default: throw fail("expected an array")
        }
    }

    private static func polygon(_ v: JSONValue, fail: (String) -> GeoJSONError) throws -> Polygon {
        let rings = try list(v, fail: fail).enumerated().map { k, r -> LinearRing in
            let ring = LinearRing(try positions(r, fail: fail))
            guard ring.count >= 4 else { throw fail("ring \(k + 1) has \(ring.count) positions; a ring needs at least 4 (first = last)") }
            guard ring.isClosed else { throw fail("ring \(k + 1) is not closed (its last position differs from its first)") }
            return ring
        }
        guard let exterior = rings.first else { throw fail("a Polygon needs at least one ring") }
        return Polygon(exterior: exterior, holes: Array(rings.dropFirst()))
    }

    // MARK: Properties

    private static func inferType(_ column: [JSONValue]) -> FieldType {
        var sawInteger = false, sawReal = false, sawBool = false, sawOther = false
        for v in column {
            switch v {
            case .null: continue
            case .integer: sawInteger = true
            case .number: sawReal = true
            case .bool: sawBool = true
            default: sawOther = true
            }
        }
        if sawOther || (sawBool && (sawInteger || sawReal)) { return .string }
        if sawBool { return .boolean }
        if sawReal { return .real }
        if sawInteger { return .integer }
        return .string
    }

    private static func convert(_ v: JSONValue, to type: FieldType) -> FieldValue {
        switch (v, type) {
        case (.null, _): return .null
        case (.integer(let i), .integer): return .integer(i)
        case (.integer(let i), .real): return .real(Double(i))
        case (.number(let d), .real): return .real(d)
        case (.bool(let b), .boolean): return .boolean(b)
        case (.string(let s), _): return .string(s)
        default: return .string(v.jsonText)
        }
    }
}
