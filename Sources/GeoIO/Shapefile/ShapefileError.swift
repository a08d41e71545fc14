import GeoCore
/// Why a shapefile could not be read or written. Every case names the file and, where it
/// applies, the record (1-based, as GIS tools number features) and says how to fix it.
public enum ShapefileError: Error, Sendable, Equatable, AdvisedError {
    /// The `.shp` does not exist.
    case fileNotFound(path: String)
    /// A companion file (`.shx`, `.dbf`) is missing.
    case missingComponent(path: String, missing: String)
    /// There is no `.prj` and no CRS was given.
    case missingProjection(path: String)
    /// The `.prj` exists but PROJ cannot read it.
    case unreadableProjection(path: String, reason: String)
    /// The `.shp` is shorter than its header or index says.
    case truncated(path: String, expectedBytes: Int, actualBytes: Int, firstAffectedRecord: Int?)
    /// shapelib could not open a file.
    case cannotOpen(path: String, reason: String)
    /// A record could not be read.
    case unreadableRecord(path: String, record: Int, reason: String)
    /// `.shp` and `.dbf` disagree on the number of records.
    case recordCountMismatch(path: String, shapes: Int, attributes: Int)
    /// The geometry type is not one DeprivationMap reads.
    case unsupportedShapeType(path: String, typeCode: Int, typeName: String)
    /// A polygon ring has fewer than 4 coordinates.
    case ringTooShort(path: String, record: Int, ring: Int, coordinates: Int)
    /// A polygon ring's last coordinate differs from its first.
    case ringNotClosed(path: String, record: Int, ring: Int)
    /// A line part has fewer than 2 coordinates.
    case lineTooShort(path: String, record: Int, part: Int, coordinates: Int)
    /// A coordinate is NaN or infinite.
    case nonFiniteCoordinate(path: String, record: Int, vertex: Int)
    /// The shapefile has no records.
    case empty(path: String)
    /// An attribute value cannot be read as its field's type.
    case badAttribute(path: String, record: Int, field: String, value: String, expected: String)
    /// Attribute text is not valid in the file's declared encoding.
    case badEncoding(path: String, record: Int, field: String, encoding: String)
    /// The DBF declares a code page that is not supported.
    case unsupportedCodePage(path: String, codePage: String)
    /// The layer cannot be written as a shapefile (mixed geometry types, …).
    case cannotWrite(path: String, reason: String)

    public var problem: String {
        switch self {
        case .fileNotFound(let path):
            return "\(path): file not found. Check the path; a shapefile is the .shp with its .shx and .dbf beside it."
        case .missingComponent(let path, let missing):
            return "\(path): the companion file \(missing) is missing. A shapefile needs .shp, .shx and .dbf with the same base name; copy the \(missing) that came with the download."
        case .missingProjection(let path):
            return "\(path): there is no .prj file, so the coordinate reference system is unknown."
        case .unreadableProjection(let path, let reason):
            return "\(path): the .prj cannot be read by PROJ (\(reason.withoutFinalStop))."
        case .truncated(let path, let expected, let actual, let record):
            let which = record.map { " from record \($0) on" } ?? ""
            return "\(path): the file is truncated: \(expected) bytes expected, \(actual) present; records\(which) are missing. Download or copy the file again."
        case .cannotOpen(let path, let reason):
            return "\(path): cannot be opened: \(reason.withoutFinalStop)."
        case .unreadableRecord(let path, let record, let reason):
            return "\(path), record \(record): cannot be read: \(reason.withoutFinalStop). The file may be corrupt; download it again or repair it with ogr2ogr."
        case .recordCountMismatch(let path, let shapes, let attributes):
            return "\(path): the .shp/.shx hold \(shapes) records but the .dbf holds \(attributes). The files come from different versions of the layer; use the .shp, .shx and .dbf of one download."
        case .unsupportedShapeType(let path, let code, let name):
            return "\(path): geometry type \(name) (\(code)) is not supported; DeprivationMap reads Point, MultiPoint, PolyLine and Polygon (with Z/M read as 2D). Convert it with ogr2ogr first."
        case .ringTooShort(let path, let record, let ring, let n):
            return "\(path), record \(record), ring \(ring): a polygon ring needs at least 4 coordinates (first = last) but has \(n). Repair the record (e.g. ogr2ogr -makevalid) or remove it."
        case .ringNotClosed(let path, let record, let ring):
            return "\(path), record \(record), ring \(ring): the ring is not closed (its last coordinate differs from its first). Repair the record (e.g. ogr2ogr -makevalid) or remove it."
        case .lineTooShort(let path, let record, let part, let n):
            return "\(path), record \(record), part \(part): a line needs at least 2 coordinates but has \(n)."
        case .nonFiniteCoordinate(let path, let record, let vertex):
            return "\(path), record \(record), vertex \(vertex): the coordinate is NaN or infinite. Repair or remove the record."
        case .empty(let path):
            return "\(path): the shapefile has no records. Check that this is the layer you meant (the download may have failed)."
        case .badAttribute(let path, let record, let field, let value, let expected):
            return "\(path), record \(record), field \(field): '\(value)' is not a valid \(expected). Correct the value in the .dbf."
        case .badEncoding(let path, let record, let field, let encoding):
            return "\(path), record \(record), field \(field): the text is not valid \(encoding). The .cpg names the wrong code page."
        case .unsupportedCodePage(let path, let codePage):
            return "\(path): code page '\(codePage)' is not supported (UTF-8, ISO-8859-1 and Windows-1252 are)."
        case .cannotWrite(let path, let reason):
            return "\(path): cannot be written as a shapefile: \(reason.withoutFinalStop)."
        }
    }

    public var advice: Advice? {
        switch self {
        case .missingProjection: return "declare \(Setting.crs): EPSG:27700 (British National Grid, metres) or EPSG:4326 (longitude/latitude)"
        case .unreadableProjection: return "declare \(Setting.crs) as EPSG:<code> to override it"
        case .badEncoding: return "set \(Setting.encoding) to ISO-8859-1 (or Windows-1252), or fix the .cpg"
        case .unsupportedCodePage: return "set \(Setting.encoding) to override, or re-encode the file with ogr2ogr -lco ENCODING=UTF-8"
        default: return nil
        }
    }
}
