import Foundation

/// A description of a vector file like `ogrinfo -so` prints, plus a GEOS validity count.
public struct LayerSummary: Sendable {
    /// The file.
    public var path: String
    /// Its format.
    public var format: VectorFormat
    /// Layer name.
    public var layerName: String
    /// Number of features.
    public var featureCount: Int
    /// How many features have each geometry type.
    public var geometryCounts: [Geometry.Kind: Int]
    /// Features without geometry.
    public var nullGeometries: Int
    /// Coordinate reference system.
    public var crs: CRS
    /// Bounding box of all geometries, in `crs` units.
    public var extent: Envelope
    /// Attribute fields.
    public var fields: [FieldDefinition]
    /// Total number of coordinates.
    public var vertexCount: Int
    /// Polygonal features GEOS finds invalid (after ring assembly), with the reason; `nil` when
    /// validity was not checked.
    public var invalid: [InvalidFeature]?
    /// What the reader noticed (encoding, CRS source, skipped rows, …).
    public var readReport: ReadReport

    /// One invalid feature.
    public struct InvalidFeature: Sendable, Hashable {
        /// 1-based record number.
        public var record: Int
        /// The feature's first text value (its area code, for boundary files), if any.
        public var label: String?
        /// GEOS's reason and location.
        public var validity: ValidityReport
    }

    /// `Polygon`, or `Polygon (35,123) / MultiPolygon (549)` for a mixed layer.
    public var geometryTypeDescription: String {
        let present = Geometry.Kind.allCases.filter { (geometryCounts[$0] ?? 0) > 0 }
        if present.isEmpty { return "None" }
        // Polygon + MultiPolygon is what shapefiles call Polygon; list both with counts.
        if present.count == 1 { return present[0].rawValue }
        return present.map { "\($0.rawValue) (\(geometryCounts[$0]!))" }.joined(separator: " / ")
    }
}

/// Builds ``LayerSummary`` values.
public enum LayerInspector {
    /// Reads `path` and summarises it.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - options: how to read it (CRS, encoding, CSV columns).
    ///   - checkValidity: run GEOS `isValid` on every polygonal feature (in parallel, one GEOS
    ///     context per thread).
    ///   - progress: called while reading, with (records done, total).
    /// - Throws: the reader's errors; `GEOSError`.
    public static func summarize(path: String, options: VectorReadOptions = VectorReadOptions(), checkValidity: Bool = true,
                                 progress: ((Int, Int) -> Void)? = nil) throws -> LayerSummary {
        let (layer, report) = try VectorReader.read(path: path, options: options, progress: progress)
        var counts: [Geometry.Kind: Int] = [:]
        var nulls = 0, vertices = 0
        for f in layer.features {
            if let g = f.geometry {
                counts[g.kind, default: 0] += 1
                vertices += g.coordinateCount
            } else {
                nulls += 1
            }
        }
        let invalid = checkValidity ? try invalidFeatures(in: layer) : nil
        return LayerSummary(path: path, format: try VectorFormat.detect(path: path), layerName: layer.name,
                            featureCount: layer.features.count, geometryCounts: counts, nullGeometries: nulls,
                            crs: layer.crs, extent: layer.envelope, fields: layer.schema.fields, vertexCount: vertices,
                            invalid: invalid, readReport: report)
    }

    /// The polygonal features of `layer` that GEOS finds invalid, in record order.
    /// - Throws: `GEOSError`.
    /// - Complexity: O(n log n) per feature, spread over all cores.
    public static func invalidFeatures(in layer: FeatureLayer) throws -> [LayerSummary.InvalidFeature] {
        let features = layer.features
        let found = try parallelChunks(count: features.count) { range in
            let engine = try GeometryEngine()
            var found: [LayerSummary.InvalidFeature] = []
            for i in range {
                guard let g = features[i].geometry, !g.polygons.isEmpty else { continue }
                let report = try engine.validity(of: g)
                if !report.isValid { found.append(.init(record: i + 1, label: nil, validity: report)) }
            }
            return found
        }
        return found.map { item in
            var labelled = item
            labelled.label = layer.label(at: item.record - 1)
            return labelled
        }
    }
}
