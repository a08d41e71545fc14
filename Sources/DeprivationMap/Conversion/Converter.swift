import Foundation

/// Options for ``Converter/convert(input:output:options:progress:)``.
public struct ConversionOptions: Sendable {
    /// How to read the input (its CRS if it has no `.prj`, encoding, CSV columns).
    public var read: VectorReadOptions
    /// CRS of the output. `nil`: EPSG:4326 for GeoJSON (RFC 7946), the input's CRS for shapefiles.
    public var targetCRS: CRS?
    /// GeoJSON coordinate decimals (0–15, default 6).
    public var precision: Int
    /// Attribute conditions (see ``FeatureFilter``).
    public var whereClauses: [WhereClause]
    /// Fields to keep, in this order; `nil` keeps all.
    public var select: [String]?
    /// Repair invalid polygons with GEOS make-valid (linework method) and report each repair.
    public var makeValid: Bool
    /// PROJ settings (extra grid folders, e.g. for OSTN15).
    public var projection: ProjectionOptions
    /// Licence notice for the output; `nil` uses the notice of a recognised input file.
    public var attribution: String?
    /// Replace an existing PostGIS table (refused otherwise).
    public var overwrite = false

    /// Creates options.
    public init(read: VectorReadOptions = VectorReadOptions(), targetCRS: CRS? = nil, precision: Int = 6,
                whereClauses: [WhereClause] = [], select: [String]? = nil, makeValid: Bool = false,
                projection: ProjectionOptions = ProjectionOptions(), attribution: String? = nil, overwrite: Bool = false) {
        self.overwrite = overwrite
        self.read = read
        self.targetCRS = targetCRS
        self.precision = precision
        self.whereClauses = whereClauses
        self.select = select
        self.makeValid = makeValid
        self.projection = projection
        self.attribution = attribution
    }
}

/// What a conversion did.
public struct ConversionReport: Sendable {
    /// Input and output paths.
    public var input: String
    /// The output path.
    public var output: String
    /// Output format.
    public var outputFormat: VectorFormat
    /// Features read, and written after filtering.
    public var featuresRead: Int
    /// Features written.
    public var featuresWritten: Int
    /// CRS of the input and of the output.
    public var sourceCRS: CRS
    /// CRS of the output.
    public var targetCRS: CRS
    /// The coordinate operation PROJ used, `nil` when no reprojection was needed.
    public var operation: OperationInfo?
    /// What the reader noticed.
    public var readReport: ReadReport
    /// Polygons repaired by make-valid: the 1-based record number in the input, the feature's
    /// label (first text value, e.g. the LSOA code) and what changed.
    public var repairs: [(record: Int, label: String?, report: RepairReport)]
    /// What the writer had to change (shapefile field names, cut values).
    public var writeNotes: [String]
    /// The licence notice written with the output, if any.
    public var attribution: String?

    /// `true` for GeoJSON output in EPSG:4326.
    public var isRFC7946: Bool { outputFormat == .geoJSON && targetCRS == .wgs84 }

    /// Lines for stderr: what was read, transformed, repaired, changed.
    public var notes: [String] {
        var lines = readReport.notes
        if let operation { lines.append("reprojected \(sourceCRS) → \(targetCRS) with \(operation)") }
        if outputFormat == .geoJSON && !isRFC7946 {
            lines.append("GeoJSON in \(targetCRS) is not RFC 7946 (which requires EPSG:4326); a \"crs\" member was written for GDAL/QGIS")
        }
        if let attribution, outputFormat == .geoJSON { lines.append("licence notice written with the output: \(attribution)") }
        for r in repairs.prefix(20) { lines.append("repaired record \(r.record)\(r.label.map { " (\($0))" } ?? ""): \(r.report)") }
        if repairs.count > 20 { lines.append("… \(repairs.count) records repaired in all") }
        return lines + writeNotes
    }
}

/// Converts between shapefile, GeoJSON and CSV point tables with filtering, field selection,
/// optional repair and reprojection — the library side of `deprivation-map convert`.
///
/// ```swift
/// let report = try Converter.convert(
///     input: "lsoa11_ew_bsc_v3.shp", output: "mse.geojson",
///     options: ConversionOptions(whereClauses: [try WhereClause(parsing: "LSOA11NM^=Southend-on-Sea ")]))
/// print(report.featuresWritten, report.operation as Any)
/// ```
public enum Converter {
    /// Runs the conversion. The output appears only when everything succeeded.
    /// - Throws: reader, filter, projection, GEOS and writer errors, each naming the file and
    ///   record; ``FilterError/noMatch(clauses:examples:)`` when conditions leave no feature (most
    ///   often a typo in a value); `OutputError/overwritesInput(path:input:)` when output and input are
    ///   the same file.
    public static func convert(input: String, output: String, options: ConversionOptions = ConversionOptions(),
                               progress: ProgressCallback? = nil) throws -> ConversionReport {
        let outputFormat = try VectorFormat.detect(path: output)
        guard outputFormat != .csv else { throw VectorFormatError.cannotWrite(path: output, format: .csv) }
        if outputFormat != .postGIS { try OutputSafety.check(outputs: [output], inputs: [input]) }
        let projection = try ProjectionContext(options: options.projection)

        // Read. A CSV with both kinds of columns is read in the kind the output wants.
        var readOptions = options.read
        let wantsGeographic = (options.targetCRS ?? (outputFormat == .geoJSON ? .wgs84 : .britishNationalGrid)).isGeographic
        readOptions.csv.preferGeographic = wantsGeographic
        let (read, readReport) = try VectorReader.read(path: input, options: readOptions, projection: projection) { done, total in
            progress?(ProgressEvent(stage: "reading", done: done, total: total))
        }
        var layer = read
        // 1-based record numbers in the input of the features kept, for messages.
        var sourceRecords = Array(layer.features.indices.map { $0 + 1 })

        // Filter and select.
        if !options.whereClauses.isEmpty {
            let filter = try FeatureFilter(clauses: options.whereClauses, schema: layer.schema)
            let kept = layer.features.indices.filter { filter.matches(layer.features[$0]) }
            layer.features = kept.map { layer.features[$0] }
            sourceRecords = kept.map { $0 + 1 }
            if layer.features.isEmpty {
                throw FilterError.noMatch(clauses: options.whereClauses.map(\.description),
                                          examples: filter.exampleValues(in: read.features, schema: read.schema))
            }
        }
        if let select = options.select {
            layer = try selecting(select, from: layer)
        }

        // Repair (in the source CRS, as drawn).
        var repairs: [(record: Int, label: String?, report: RepairReport)] = []
        if options.makeValid {
            let features = layer.features
            let results = try parallelChunks(count: features.count) { range -> [(Feature, RepairReport?)] in
                let engine = try GeometryEngine()
                return try range.map { i in
                    guard let g = features[i].geometry, !g.polygons.isEmpty else { return (features[i], nil) }
                    let result = try engine.makeValid(g)
                    return (Feature(geometry: result.geometry, values: features[i].values), result.report)
                }
            }
            layer.features = results.map(\.0)
            repairs = results.enumerated().compactMap { i, r in r.1.map { (sourceRecords[i], layer.label(at: i), $0) } }
        }

        // Reproject.
        let target = try projection.resolve(options.targetCRS ?? (outputFormat == .geoJSON ? .wgs84 : layer.crs))
        let transformer = try projection.transformer(from: layer.crs, to: target)
        if !transformer.isIdentity {
            layer.features = try reproject(layer.features, from: layer.crs, to: target, options: options.projection, inputPath: input, progress: progress)
        }
        let sourceCRS = layer.crs
        layer.crs = target

        // Write.
        let attribution = options.attribution ?? DataAttribution.forFile(input)?.notice
        var writeNotes: [String] = []
        switch outputFormat {
        case .geoJSON:
            let writer = try GeoJSONWriter(path: output, schema: layer.schema,
                                           options: GeoJSONWriteOptions(precision: options.precision, name: layer.name,
                                                                        attribution: attribution, crs: target))
            let total = layer.features.count
            try writer.write(contentsOf: layer.features) { done in progress?(ProgressEvent(stage: "writing", done: done, total: total)) }
            try writer.finish()
        case .shapefile:
            let report = try ShapefileWriter.write(layer, to: output, projection: projection)
            writeNotes = report.notes
        case .csv:
            throw VectorFormatError.cannotWrite(path: output, format: .csv)
        case .postGIS:
            guard let target = PostGISSource(output), let table = target.table else {
                throw PostGISError(target: output, doing: "writing", message: "the address names no table", fix: "add ?table=schema.name to it")
            }
            if let destination = PostGIS.Destination(output, overwrite: options.overwrite) { try destination.check(tables: [nil], inputs: [input]) }
            try PostGIS.write([PostGIS.Table(name: table, layer: layer)], to: target, overwrite: options.overwrite)
        case .geoPackage:
            let name = URL(fileURLWithPath: output).deletingPathExtension().lastPathComponent
            let report = try GeoPackageWriter.write([GeoPackageWriter.Layer(name: name, layer: layer)], to: output, projection: projection, attribution: attribution)
            writeNotes = report.notes
        }

        return ConversionReport(input: input, output: output, outputFormat: outputFormat, featuresRead: read.features.count,
                                featuresWritten: layer.features.count, sourceCRS: sourceCRS, targetCRS: target,
                                operation: transformer.operation, readReport: readReport, repairs: repairs,
                                writeNotes: writeNotes, attribution: attribution)
    }

    /// The layer with only the named fields, in the order given.
    /// - Throws: ``FilterError/unknownField(name:available:suggestion:)``.
    public static func selecting(_ names: [String], from layer: FeatureLayer) throws -> FeatureLayer {
        let indices = try names.map { name -> Int in
            guard let i = layer.schema.index(of: name) else {
                throw FilterError.unknownField(name: name, available: layer.schema.names, suggestion: closestName(name, in: layer.schema.names))
            }
            return i
        }
        var result = layer
        result.schema = Schema(indices.map { layer.schema.fields[$0] })
        result.features = layer.features.map { f in Feature(geometry: f.geometry, values: indices.map { f.values[$0] }) }
        return result
    }

    /// Reprojects features on all cores, one PROJ context per worker thread.
    /// - Throws: ``ConversionError/transformFailed(path:record:reason:)``.
    public static func reproject(_ features: [Feature], from source: CRS, to target: CRS, options: ProjectionOptions,
                                 inputPath: String, progress: ProgressCallback? = nil) throws -> [Feature] {
        let counter = ProgressCounter(total: features.count, stage: "reprojecting", callback: progress)
        return try parallelChunks(count: features.count) { range in
            let transformer = options == ProjectionOptions()
                ? try ThreadProjection.current().transformer(from: source, to: target)
                : try ProjectionContext(options: options).transformer(from: source, to: target)
            var out: [Feature] = []
            out.reserveCapacity(range.count)
            for i in range {
                var f = features[i]
                if let g = f.geometry {
                    do {
                        f.geometry = try transformer.transform(g)
                    } catch let error as ProjectionError {
                        throw ConversionError.transformFailed(path: inputPath, record: i + 1, reason: error.description)
                    }
                }
                out.append(f)
                if (i - range.lowerBound + 1) % 2000 == 0 { counter.add(2000) }
            }
            return out
        }
    }
}

/// Why a conversion failed after reading.
public enum ConversionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A record's coordinates could not be reprojected.
    case transformFailed(path: String, record: Int, reason: String)

    public var description: String {
        switch self {
        case .transformFailed(let path, let record, let reason):
            return "\(path), record \(record): \(reason)"
        }
    }
}

/// Thread-safe progress accumulation for parallel steps.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let total: Int
    private let stage: String
    private let callback: ProgressCallback?

    init(total: Int, stage: String, callback: ProgressCallback?) {
        self.total = total
        self.stage = stage
        self.callback = callback
    }

    func add(_ n: Int) {
        guard let callback else { return }
        let now = lock.withLock { () -> Int in
            done += n
            return done
        }
        callback(ProgressEvent(stage: stage, done: min(now, total), total: total))
    }
}
