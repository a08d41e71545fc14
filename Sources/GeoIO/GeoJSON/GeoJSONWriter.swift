import Foundation
import GeoCore

/// Options for writing GeoJSON.
public struct GeoJSONWriteOptions: Sendable, Hashable {
    /// Decimal places for coordinates, 0–15. The RFC 7946 recommendation (and default) is 6,
    /// about 10 cm in latitude.
    public var precision: Int
    /// The collection's `"name"` member (GDAL and QGIS show it as the layer name).
    public var name: String?
    /// An `"attribution"` member for the data's licence notice (a foreign member, which RFC 7946
    /// allows and readers ignore when they do not know it).
    public var attribution: String?
    /// The CRS of the coordinates written. RFC 7946 GeoJSON is always EPSG:4326 lon/lat and has no
    /// `"crs"` member; for any other CRS the old (2008) `"crs"` member is written so GDAL and QGIS
    /// place the data correctly, and the file is no longer RFC 7946.
    public var crs: CRS

    /// Creates options.
    public init(precision: Int = 6, name: String? = nil, attribution: String? = nil, crs: CRS = .wgs84) {
        self.precision = precision
        self.name = name
        self.attribution = attribution
        self.crs = crs
    }

    /// `true` when the output follows RFC 7946 (coordinates in EPSG:4326).
    public var isRFC7946: Bool { crs == .wgs84 }
}

/// Why GeoJSON could not be written.
public enum GeoJSONWriteError: Error, Sendable, Equatable, AdvisedError {
    /// Precision outside 0–15.
    case badPrecision(Int)
    /// A coordinate cannot be lon/lat (RFC 7946 output) or is not finite.
    case badCoordinate(path: String, feature: Int, x: Double, y: Double)
    /// A feature does not have one value per schema field.
    case valueCountMismatch(path: String, feature: Int, expected: Int, got: Int)
    /// A real value is ±infinity, which JSON cannot hold (NaN, "no value", is written as `null`).
    case infiniteValue(path: String, feature: Int, field: String)

    public var problem: String {
        switch self {
        case .badPrecision(let p):
            return "precision \(p) is out of range; use 0 to 15 decimal places (6 is about 10 cm in latitude)."
        case .badCoordinate(let path, let feature, let x, let y):
            return "\(path), feature \(feature): coordinate (\(x), \(y)) is not a longitude/latitude. The data are probably in a projected CRS."
        case .valueCountMismatch(let path, let feature, let expected, let got):
            return "\(path), feature \(feature): \(got) attribute values for \(expected) fields."
        case .infiniteValue(let path, let feature, let field):
            return "\(path), feature \(feature): field \(field) is infinite, which GeoJSON cannot hold. The value is out of range in the input or the calculation; nothing was written."
        }
    }

    public var advice: Advice? {
        switch self {
        case .badCoordinate: return "reproject to EPSG:4326 with \(Setting.targetCRS) (or declare the input's CRS with \(Setting.crs))"
        default: return nil
        }
    }
}

/// Writes a GeoJSON FeatureCollection feature by feature (RFC 7946).
///
/// - Coordinates: rounded to ``GeoJSONWriteOptions/precision`` decimals (default 6) with trailing
///   zeros dropped; polygon exterior rings counter-clockwise and holes clockwise (the RFC 7946
///   right-hand rule), whatever the input orientation.
/// - Properties: in schema order, so output order is stable; integers, reals (shortest
///   round-trip form), booleans, dates (ISO 8601 strings), strings and `null`.
/// - Bytes: the same input always gives the same bytes (one feature per line, no spaces).
/// - Safety: written to a temporary file and renamed into place by ``finish()``; a writer dropped
///   before `finish()` leaves nothing at the output path.
///
/// ```swift
/// let writer = try GeoJSONWriter(path: "out.geojson", schema: layer.schema)
/// for feature in layer.features { try writer.write(feature) }
/// try writer.finish()
/// ```
///
/// - Complexity: O(total coordinates); about 0.1 s for the 35k LSOA 2021 polygons in a release build.
public final class GeoJSONWriter {
    /// The output path.
    public let path: String
    /// Number of features written so far.
    public private(set) var featuresWritten = 0
    private let file: AtomicOutputFile
    private let encoder: GeoJSONFeatureEncoder

    /// Opens the output and writes the collection header.
    /// - Throws: ``GeoJSONWriteError/badPrecision(_:)``, ``OutputError``.
    public init(path: String, schema: Schema, options: GeoJSONWriteOptions = GeoJSONWriteOptions()) throws {
        guard (0...15).contains(options.precision) else { throw GeoJSONWriteError.badPrecision(options.precision) }
        self.path = path
        encoder = GeoJSONFeatureEncoder(path: path, schema: schema, precision: options.precision, checkLonLat: options.isRFC7946)
        file = try AtomicOutputFile(path: path)
        var header: [UInt8] = []
        header.append(contentsOf: "{\"type\":\"FeatureCollection\"".utf8)
        if let name = options.name {
            header.append(contentsOf: ",\"name\":".utf8)
            appendJSONString(name, to: &header)
        }
        if let attribution = options.attribution {
            header.append(contentsOf: ",\"attribution\":".utf8)
            appendJSONString(attribution, to: &header)
        }
        if !options.isRFC7946 {
            let crsName = options.crs.epsg.map { "urn:ogc:def:crs:EPSG::\($0)" } ?? options.crs.definition
            header.append(contentsOf: ",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":".utf8)
            appendJSONString(crsName, to: &header)
            header.append(contentsOf: "}}".utf8)
        }
        header.append(contentsOf: ",\"features\":[\n".utf8)
        try file.write(header)
    }

    /// Appends one feature.
    /// - Throws: ``GeoJSONWriteError`` for coordinates that are not lon/lat (RFC 7946 output) or
    ///   values that do not match the schema; ``OutputError`` when the disk write fails.
    public func write(_ feature: Feature) throws {
        try file.withBuffer { out in
            try encoder.append(feature, number: featuresWritten + 1, to: &out)
        }
        featuresWritten += 1
    }

    /// Appends many features, formatting batches of them on all cores and writing them in order:
    /// the bytes are the same as writing them one by one, and memory stays bounded by the batch.
    /// - Parameter progress: called after each batch with the number of features written so far.
    /// - Throws: as ``write(_:)``, for the first feature in order that fails.
    public func write(contentsOf features: [Feature], progress: ((Int) -> Void)? = nil) throws {
        let batchSize = 8192
        var start = 0
        while start < features.count {
            let end = min(features.count, start + batchSize)
            let first = featuresWritten, offset = start
            let encoder = self.encoder
            let chunks = try parallelChunks(count: end - start) { range -> [[UInt8]] in
                var out: [UInt8] = []
                out.reserveCapacity(range.count * 1600)
                for i in range {
                    try encoder.append(features[offset + i], number: first + i + 1, to: &out)
                }
                return [out]
            }
            for chunk in chunks { try file.write(contentsOf: chunk) }
            featuresWritten += end - start
            progress?(featuresWritten)
            start = end
        }
    }

    /// Closes the collection and moves the file into place.
    /// - Throws: ``OutputError``; nothing is left at the output path on failure.
    public func finish() throws {
        try file.write(Array("\n]}\n".utf8))
        try file.commit()
    }

    /// `value` as this writer formats a coordinate with `precision` decimals: rounded as
    /// `printf("%.*f")` rounds, trailing zeros and a trailing point dropped, `-0` written `0`.
    public static func formatCoordinate(_ value: Double, precision: Int) -> String {
        var out: [UInt8] = []
        DecimalFormatter(precision: precision).append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Drops the output: the temporary file is deleted and nothing appears at ``path``.
    public func abandon() {
        file.abandon()
    }
}

/// Formats features as GeoJSON text. A value, so batches can be formatted on several threads.
struct GeoJSONFeatureEncoder: Sendable {
    let path: String
    let formatter: DecimalFormatter
    let keys: [[UInt8]]
    let fieldNames: [String]
    let checkLonLat: Bool

    init(path: String, schema: Schema, precision: Int, checkLonLat: Bool) {
        self.path = path
        self.formatter = DecimalFormatter(precision: precision)
        self.checkLonLat = checkLonLat
        fieldNames = schema.fields.map(\.name)
        keys = schema.fields.map { field in
            var k: [UInt8] = []
            appendJSONString(field.name, to: &k)
            k.append(UInt8(ascii: ":"))
            return k
        }
    }

    /// Appends feature number `number` (1-based), preceded by a separator unless it is the first.
    /// On error nothing of the feature is left in `out`.
    func append(_ feature: Feature, number: Int, to out: inout [UInt8]) throws {
        guard feature.values.count == keys.count else {
            throw GeoJSONWriteError.valueCountMismatch(path: path, feature: number, expected: keys.count, got: feature.values.count)
        }
        let start = out.count
        if number > 1 { out.append(contentsOf: ",\n".utf8) }
        out.append(contentsOf: "{\"type\":\"Feature\",\"properties\":{".utf8)
        for (i, value) in feature.values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: keys[i])
            if case .real(let d) = value, d.isInfinite {
                out.removeSubrange(start...)
                throw GeoJSONWriteError.infiniteValue(path: path, feature: number, field: fieldNames[i])
            }
            appendValue(value, to: &out)
        }
        out.append(contentsOf: "},\"geometry\":".utf8)
        if let geometry = feature.geometry {
            var bad: Coordinate?
            appendGeometry(geometry, to: &out, bad: &bad)
            if let bad {
                out.removeSubrange(start...)
                throw GeoJSONWriteError.badCoordinate(path: path, feature: number, x: bad.x, y: bad.y)
            }
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(UInt8(ascii: "}"))
    }

    private func appendValue(_ value: FieldValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .string(let s): appendJSONString(s, to: &out)
        case .integer(let i): appendInteger(i, to: &out)
        case .real(let d): appendShortestDouble(d, to: &out) // NaN ("no value") is written as null
        case .boolean(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .date(let d): appendJSONString(d.description, to: &out)
        }
    }

    private func appendGeometry(_ geometry: Geometry, to out: inout [UInt8], bad: inout Coordinate?) {
        out.append(contentsOf: "{\"type\":\"".utf8)
        out.append(contentsOf: geometry.typeName.utf8)
        out.append(contentsOf: "\",\"coordinates\":".utf8)
        switch geometry {
        case .point(let c):
            appendPosition(c, to: &out, bad: &bad)
        case .multiPoint(let cs), .lineString(let cs):
            appendPositions(cs, reversed: false, to: &out, bad: &bad)
        case .multiLineString(let lines):
            out.append(UInt8(ascii: "["))
            for (i, l) in lines.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendPositions(l, reversed: false, to: &out, bad: &bad)
            }
            out.append(UInt8(ascii: "]"))
        case .polygon(let p):
            appendPolygon(p, to: &out, bad: &bad)
        case .multiPolygon(let ps):
            out.append(UInt8(ascii: "["))
            for (i, p) in ps.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendPolygon(p, to: &out, bad: &bad)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
    }

    /// RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise. Rings are written
    /// backwards when needed rather than copied.
    private func appendPolygon(_ p: Polygon, to out: inout [UInt8], bad: inout Coordinate?) {
        out.append(UInt8(ascii: "["))
        appendPositions(p.exterior.coordinates, reversed: p.exterior.signedArea < 0, to: &out, bad: &bad)
        for hole in p.holes {
            out.append(UInt8(ascii: ","))
            appendPositions(hole.coordinates, reversed: hole.signedArea > 0, to: &out, bad: &bad)
        }
        out.append(UInt8(ascii: "]"))
    }

    private func appendPositions(_ cs: [Coordinate], reversed: Bool, to out: inout [UInt8], bad: inout Coordinate?) {
        out.append(UInt8(ascii: "["))
        cs.withUnsafeBufferPointer { buffer in
            let n = buffer.count
            for k in 0..<n {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                appendPosition(buffer[reversed ? n - 1 - k : k], to: &out, bad: &bad)
            }
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Writes `[x,y]`; records the coordinate in `bad` when it cannot be written (not finite, or
    /// not a longitude/latitude in RFC 7946 output).
    @inline(__always)
    private func appendPosition(_ c: Coordinate, to out: inout [UInt8], bad: inout Coordinate?) {
        if !c.isFinite || (checkLonLat && (abs(c.x) > 180 || abs(c.y) > 90)) {
            if bad == nil { bad = c }
            return
        }
        out.append(UInt8(ascii: "["))
        formatter.append(c.x, to: &out)
        out.append(UInt8(ascii: ","))
        formatter.append(c.y, to: &out)
        out.append(UInt8(ascii: "]"))
    }
}
