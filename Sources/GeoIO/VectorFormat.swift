import Foundation
import GeoCore
import GeoProjection

/// The vector formats DeprivationMap reads and writes.
public enum VectorFormat: String, Sendable, Hashable, CaseIterable {
    /// ESRI shapefile (`.shp` + `.shx` + `.dbf`, with `.prj` and `.cpg`).
    case shapefile = "ESRI Shapefile"
    /// GeoJSON (`.geojson`, `.json`).
    case geoJSON = "GeoJSON"
    /// Delimited text of points (`.csv`, `.tsv`, `.txt`, optionally gzip-compressed `.csv.gz`); read only.
    case csv = "CSV"
    /// OGC GeoPackage (`.gpkg`), read and written through SQLite (one feature layer at a time when reading).
    case geoPackage = "GPKG"
    /// A PostGIS table or query, as `postgresql://…?table=schema.name` (or `?query=…` to read).
    case postGIS = "PostGIS"

    /// The format of `path`, from its extension.
    /// - Throws: ``VectorFormatError/unknownFormat(path:)``.
    public static func detect(path: String) throws -> VectorFormat {
        if PostGISSource.isAddress(path) { return .postGIS }
        let path = GeoPackageReader.splitLayer(path).path
 var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw VectorFormatError.isFolder(path: path)
        }
        var url = URL(fileURLWithPath: path)
        if url.pathExtension.lowercased() == "gz" { url = url.deletingPathExtension() }
        switch url.pathExtension.lowercased() {
        case "shp", "dbf", "shx": return .shapefile
        case "geojson", "json": return .geoJSON
        case "csv", "tsv", "txt": return .csv
        case "gpkg": return .geoPackage
        default: throw VectorFormatError.unknownFormat(path: path)
        }
    }
}

/// Why a file's format could not be used.
public enum VectorFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The extension is not one DeprivationMap knows.
    case unknownFormat(path: String)
    /// A folder was given where a file was expected.
    case isFolder(path: String)
    /// The format cannot be written.
    case cannotWrite(path: String, format: VectorFormat)


    public var description: String {
        switch self {
        case .unknownFormat(let path):
            return "\(path): unknown format. Use a .shp, .geojson/.json, .csv or .gpkg file."
        case .isFolder(let path):
            return "\(path) is a folder, not a file: give the path of a .shp, .geojson or .csv file inside it."
        case .cannotWrite(let path, let format):
            return "\(path): writing \(format.rawValue) is not supported; write .geojson, .shp or .gpkg."
        }
    }
}

/// Options for reading any supported format.
public struct VectorReadOptions: Sendable, Hashable {
    /// The input's CRS: required for a shapefile without `.prj` and for CSV columns whose names do
    /// not tell; overrides what the file says otherwise.
    public var crs: CRS?
    /// The layer of a GeoPackage to read; when `nil`, the one the path names
    /// (`FILE.gpkg|layername=NAME`), else the only one.
    public var layer: String?
    /// Text encoding of a shapefile's `.dbf` or of a CSV file.
    public var encoding: TextEncoding?
    /// CSV column choices (the `crs` and `encoding` above take precedence over these).
    public var csv: CSVPointOptions

    /// Creates options.
    public init(crs: CRS? = nil, encoding: TextEncoding? = nil, csv: CSVPointOptions = CSVPointOptions(), layer: String? = nil) {
        self.layer = layer
        self.crs = crs
        self.encoding = encoding
        self.csv = csv
    }
}

/// Reads a whole layer from a shapefile, GeoJSON or CSV file, chosen by extension.
///
/// ```swift
/// let (layer, report) = try VectorReader.read(path: "GeoData/lsoa11_bsc_mse_bng.shp")
/// report.notes.forEach { print($0) }
/// ```
public enum VectorReader {
    /// Reads `path`.
    /// - Parameters:
    ///   - projection: PROJ context used to identify a `.prj`; created if `nil`.
    ///   - progress: called with (records done, total) while a shapefile is read.
    /// - Throws: ``ShapefileError``, ``GeoJSONError``, ``CSVError``, ``VectorFormatError``,
    ///   ``CoordinatePlausibilityError`` when the coordinates contradict the declared CRS.
    public static func read(path: String, options: VectorReadOptions = VectorReadOptions(), projection: ProjectionContext? = nil,
                            progress: ((Int, Int) -> Void)? = nil) throws -> (FeatureLayer, ReadReport) {
        let result = try readUnchecked(path: path, options: options, projection: projection, progress: progress)
        // Coordinates must be possible in the CRS they are declared in.
        try CoordinatePlausibilityError.check(envelope: result.0.envelope, crs: result.0.crs, path: path,
                                              projection: projection)
        return result
    }

    private static func readUnchecked(path: String, options: VectorReadOptions, projection: ProjectionContext?,
                                      progress: ((Int, Int) -> Void)?) throws -> (FeatureLayer, ReadReport) {
        switch try VectorFormat.detect(path: path) {
        case .shapefile:
            let reader = try ShapefileReader(path: path, options: ShapefileReadOptions(crs: options.crs, encoding: options.encoding), projection: projection)
            let layer = try reader.readAll(progress: progress)
            return (layer, reader.report)
        case .geoJSON:
            return try GeoJSONReader.read(path: path, options: GeoJSONReadOptions(crs: options.crs))
        case .csv:
            var csv = options.csv
            if let crs = options.crs { csv.crs = crs }
            if let encoding = options.encoding { csv.encoding = encoding }
            return try CSVPointReader.read(path: path, options: csv)
        case .geoPackage:
            let (file, named) = GeoPackageReader.splitLayer(path)
            return try GeoPackageReader.read(path: file, layer: options.layer ?? named, crs: options.crs)
        case .postGIS:
            guard let source = PostGISSource(path) else { throw VectorFormatError.unknownFormat(path: path) }
            var layer = try PostGIS.read(source)
            var report = ReadReport()
            report.crsSource = "the geometries' SRID"
            if let crs = options.crs { layer.crs = crs; report.crsSource = "given by the caller" }
            return (layer, report)
        }
    }
}
