import Foundation
import GeoCore

/// Options for reading a CSV table of points.
public struct CSVPointOptions: Sendable, Hashable {
    /// The x column (longitude or easting). Recognised from the header when `nil`.
    public var xColumn: String?
    /// The y column (latitude or northing). Recognised from the header when `nil`.
    public var yColumn: String?
    /// The CRS of the coordinates. Told from recognised column names when `nil` (longitude/latitude
    /// → EPSG:4326, easting/northing → EPSG:27700); required for other names.
    public var crs: CRS?
    /// Field separator; detected from the header line (`,` `;` tab `|`) when `nil`.
    public var delimiter: UInt8?
    /// When a table has both longitude/latitude and easting/northing columns, use the
    /// longitude/latitude ones (`true`) or the eastings/northings (`false`, the default, since
    /// analyses work in metres).
    public var preferGeographic: Bool
    /// Text encoding; UTF-8 by default (a leading byte-order mark is skipped).
    public var encoding: TextEncoding

    /// Creates options.
    public init(xColumn: String? = nil, yColumn: String? = nil, crs: CRS? = nil, delimiter: UInt8? = nil,
                preferGeographic: Bool = false, encoding: TextEncoding = .utf8) {
        self.xColumn = xColumn
        self.yColumn = yColumn
        self.crs = crs
        self.delimiter = delimiter
        self.preferGeographic = preferGeographic
        self.encoding = encoding
    }
}

/// Reads a delimited text table whose rows are points, such as GP practices with eastings and
/// northings, or food banks with latitude and longitude.
///
/// - Coordinate columns are named by option or recognised from common header names
///   (`longitude`/`lon`/`lng`/`long_wgs`, `latitude`/`lat`/`lat_wgs`, `easting`/`bng_e`/`e`/
///   `oseast1m`, `northing`/`bng_n`/`n`/`osnrth1m`, case-insensitive).
/// - Rows whose coordinate cells are empty (or `NA`, `NULL`, `N/A`) are skipped and reported
///   with their line numbers; a cell that is not a number is an error naming line and column.
/// - Every column, coordinates included, becomes a field typed from its values: integer when all
///   are whole numbers without leading zeros (so codes such as `00123` stay text), real when all
///   are numbers, otherwise string. Empty cells are null.
///
/// ```swift
/// let (gps, report) = try CSVPointReader.read(path: "gp_practices_active_2025-05_geocoded.csv")
/// print(gps.crs)   // EPSG:27700 (from the easting/northing columns)
/// ```
public enum CSVPointReader {
    static let longitudeNames = ["longitude", "lon", "long", "lng", "longwgs", "longwgs84", "lonwgs84", "wgs84lon", "xlon"]
    static let latitudeNames = ["latitude", "lat", "latwgs", "latwgs84", "wgs84lat", "ylat"]
    static let eastingNames = ["easting", "eastings", "east", "bnge", "e", "oseast1m", "xbng", "bngeasting", "gridrefeasting"]
    static let northingNames = ["northing", "northings", "north", "bngn", "n", "osnrth1m", "ybng", "bngnorthing", "gridrefnorthing"]
    /// Names that say "coordinate" but not which CRS: usable when the CRS is given.
    static let genericXNames = ["x", "xcoord", "coordx", "xcoordinate"]
    static let genericYNames = ["y", "ycoord", "coordy", "ycoordinate"]

    /// Reads a file, or a `postgresql://…?table=…` table or query without geometry.
    /// - Throws: ``CSVError``, ``PostGISError``.
    public static func read(path: String, options: CSVPointOptions = CSVPointOptions()) throws -> (FeatureLayer, ReadReport) {
        // A database table or query without geometry: its rows as CSV (see PostGIS.csv).
        if let source = PostGISSource(path) {
            let data = try PostGIS.csv(source)
            return try data.withUnsafeBytes { raw in
                try read(bytes: raw.bindMemory(to: UInt8.self), source: source.label,
                         layerName: source.table.map { String($0.split(separator: ".").last ?? "") } ?? "query", options: options)
            }
        }
        return try withContentsOfFile(path, cannotRead: { CSVError.cannotRead(path: path, reason: $0) }) { bytes in
            try read(bytes: bytes, source: path, layerName: layerName(of: path), options: options)
        }
    }

    /// Reads CSV text held in memory; `source` names it in errors.
    /// - Throws: ``CSVError``.
    public static func read(bytes: UnsafeBufferPointer<UInt8>, source: String, layerName: String,
                            options: CSVPointOptions = CSVPointOptions()) throws -> (FeatureLayer, ReadReport) {
        try CSVError.checkText(bytes, path: source)
        var parser = CSVParser(bytes: bytes, path: source, delimiter: options.delimiter)
        guard let headerRecord = try parser.next() else { throw CSVError.empty(path: source) }
        let header = try headerRecord.fields.map { try text($0, options.encoding, source, headerRecord.line) }
        var report = ReadReport()
        report.encoding = options.encoding.rawValue

        let (xi, yi, crs, crsSource) = try coordinateColumns(header, options: options, path: source)
        report.crsSource = crsSource

        // First pass: rows as text, coordinates parsed.
        var rows: [[String]] = []
        var points: [Coordinate] = []
        let geographic = crs.isGeographic
        while let record = try parser.next() {
            guard record.fields.count == header.count else {
                throw CSVError.wrongFieldCount(path: source, line: record.line, expected: header.count, got: record.fields.count)
            }
            let cells = try record.fields.map { try text($0, options.encoding, source, record.line) }
            let xText = cells[xi].trimmedWhitespace, yText = cells[yi].trimmedWhitespace
            if isMissing(xText) || isMissing(yText) {
                report.skippedLines.append(.init(line: record.line, reason: "no coordinates"))
                continue
            }
            guard let x = Double(xText), x.isFinite else { throw CSVError.badCoordinate(path: source, line: record.line, column: header[xi], value: xText) }
            guard let y = Double(yText), y.isFinite else { throw CSVError.badCoordinate(path: source, line: record.line, column: header[yi], value: yText) }
            if geographic {
                if abs(x) > 180 { throw CSVError.coordinateOutOfRange(path: source, line: record.line, column: header[xi], value: x) }
                if abs(y) > 90 { throw CSVError.coordinateOutOfRange(path: source, line: record.line, column: header[yi], value: y) }
            }
            rows.append(cells)
            points.append(Coordinate(x: x, y: y))
        }

        // Second pass: type each column from all its values.
        let types = (0..<header.count).map { c in inferType(rows.lazy.map { $0[c] }) }
        let schema = Schema(zip(header, types).map { FieldDefinition(name: $0, type: $1) })
        var features: [Feature] = []
        features.reserveCapacity(rows.count)
        for (r, cells) in rows.enumerated() {
            let values = cells.enumerated().map { c, cell in typedValue(cell, types[c]) }
            features.append(Feature(geometry: .point(points[r]), values: values))
        }
        return (FeatureLayer(name: layerName, crs: crs, schema: schema, features: features), report)
    }

    static func normalisedName(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) })
    }

    /// The coordinate columns of a header and their CRS, as ``read(path:options:)`` finds them:
    /// named columns when given, else longitude/latitude or easting/northing names (the
    /// preference in `options`), else generic x/y names with a given CRS.
    /// - Returns: the x and y column indices, the CRS and where it came from, in words.
    /// - Throws: ``CSVError`` when no pair is found or the CRS cannot be told.
    public static func coordinateColumns(_ header: [String], options: CSVPointOptions, path: String) throws -> (Int, Int, CRS, String) {
        func find(_ name: String) throws -> Int {
            if let i = header.firstIndex(of: name) { return i }
            if let i = header.firstIndex(where: { $0.lowercased() == name.lowercased() }) { return i }
            throw CSVError.unknownColumn(path: path, column: name, header: header)
        }
        let normalised = header.map(normalisedName)
        func firstMatch(_ names: [String]) -> Int? {
            for n in names { if let i = normalised.firstIndex(of: n) { return i } }
            return nil
        }
        if let xName = options.xColumn, let yName = options.yColumn {
            let xi = try find(xName), yi = try find(yName)
            if let crs = options.crs { return (xi, yi, crs, "given by the caller") }
            let xn = normalised[xi], yn = normalised[yi]
            if longitudeNames.contains(xn) && latitudeNames.contains(yn) { return (xi, yi, .wgs84, "columns \(header[xi])/\(header[yi]) (longitude/latitude)") }
            if eastingNames.contains(xn) && northingNames.contains(yn) { return (xi, yi, .britishNationalGrid, "columns \(header[xi])/\(header[yi]) (easting/northing)") }
            throw CSVError.crsUnknown(path: path, xColumn: header[xi], yColumn: header[yi])
        }
        if options.xColumn != nil || options.yColumn != nil {
            throw CSVError.coordinateColumnsNotFound(path: path, header: header)
        }
        let lonLat = firstMatch(longitudeNames).flatMap { x in firstMatch(latitudeNames).map { (x, $0) } }
        let eastNorth = firstMatch(eastingNames).flatMap { x in firstMatch(northingNames).map { (x, $0) } }
        let choice: (Int, Int, CRS, String)?
        let geo = lonLat.map { ($0.0, $0.1, options.crs ?? CRS.wgs84, "columns \(header[$0.0])/\(header[$0.1]) (longitude/latitude)") }
        let projected = eastNorth.map { ($0.0, $0.1, options.crs ?? CRS.britishNationalGrid, "columns \(header[$0.0])/\(header[$0.1]) (easting/northing)") }
        choice = options.preferGeographic ? (geo ?? projected) : (projected ?? geo)
        guard var result = choice else {
            if let x = firstMatch(genericXNames), let y = firstMatch(genericYNames) {
                guard let crs = options.crs else { throw CSVError.crsUnknown(path: path, xColumn: header[x], yColumn: header[y]) }
                return (x, y, crs, "columns \(header[x])/\(header[y]), CRS given by the caller")
            }
            throw CSVError.coordinateColumnsNotFound(path: path, header: header)
        }
        if options.crs != nil { result.3 += ", CRS given by the caller" }
        return result
    }

    private static func text(_ bytes: [UInt8], _ encoding: TextEncoding, _ path: String, _ line: Int) throws -> String {
        if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        guard let s = encoding.decode(bytes) else { throw CSVError.badEncoding(path: path, line: line) }
        return s
    }

    static func isMissing(_ s: String) -> Bool {
        s.isEmpty || ["NA", "N/A", "NULL", "null", "NaN", "nan", "-"].contains(s)
    }

    /// `-?(0|[1-9][0-9]{0,17})`: whole numbers that survive a round trip as integers.
    static func isIntegerText(_ s: Substring.UTF8View) -> Bool {
        var it = s.makeIterator()
        guard var b = it.next() else { return false }
        if b == UInt8(ascii: "-") { guard let n = it.next() else { return false }; b = n }
        guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return false }
        var count = 1
        let leadingZero = b == UInt8(ascii: "0")
        while let n = it.next() {
            guard n >= UInt8(ascii: "0"), n <= UInt8(ascii: "9"), !leadingZero else { return false }
            count += 1
        }
        return count <= 18
    }

    /// A decimal number whose integer part has no superfluous leading zero (`0.5` yes, `007.5` no).
    static func isRealText(_ s: String) -> Bool {
        guard let first = s.utf8.first, first != UInt8(ascii: "+"), first != UInt8(ascii: ".") else { return false }
        // Letters other than an exponent's e mean inf, nan or hex, which are not decimal text.
        for b in s.utf8 where (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") && (b | 0x20) != UInt8(ascii: "e") { return false }
        guard Double(s) != nil else { return false }
        let unsigned = s.hasPrefix("-") ? s.dropFirst() : Substring(s)
        if unsigned.count > 1, unsigned.hasPrefix("0"), !unsigned.hasPrefix("0.") { return false }
        return true
    }

    static func inferType<S: Sequence>(_ values: S) -> FieldType where S.Element == String {
        var sawInteger = false, sawReal = false
        for raw in values {
            let v = raw.trimmedWhitespace
            if isMissing(v) { continue }
            if isIntegerText(Substring(v).utf8) { sawInteger = true; continue }
            if isRealText(v) { sawReal = true; continue }
            return .string
        }
        if sawReal { return .real }
        if sawInteger { return .integer }
        return .string
    }

    static func typedValue(_ cell: String, _ type: FieldType) -> FieldValue {
        switch type {
        case .string:
            return cell.isEmpty ? .null : .string(cell)
        case .integer:
            let v = cell.trimmedWhitespace
            return Int64(v).map(FieldValue.integer) ?? .null
        case .real:
            let v = cell.trimmedWhitespace
            return Double(v).map(FieldValue.real) ?? .null
        case .boolean, .date:
            return cell.isEmpty ? .null : .string(cell)
        }
    }
}

extension String {
    /// The same as `trimmingCharacters(in: .whitespaces)`, without Foundation's cost in the common
    /// case of nothing to trim (checked on the first and last character, ASCII fast path).
    var trimmedWhitespace: String {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last else { return self }
        func plain(_ c: Unicode.Scalar) -> Bool {
            c.value < 0x80 ? (c != " " && c != "\t") : !CharacterSet.whitespaces.contains(c)
        }
        return plain(first) && plain(last) ? self : trimmingCharacters(in: .whitespaces)
    }
}
