import Foundation

/// Writing layers and tables: GeoJSON (RFC 7946: reprojected to WGS84 when needed), GeoPackage
/// and CSV, each to a temporary file renamed into place.
public enum MapOutput {
    /// Licence notices for the given input files, deduplicated, joined in one paragraph.
    /// Sentences shared by several notices ("Contains OS data …") appear once.
    public static func attribution(for inputs: [String]) -> String? {
        var seen = Set<String>()
        var sentences: [String] = []
        for notice in inputs.compactMap({ DataAttribution.forFile($0)?.notice }) {
            for part in notice.components(separatedBy: ". ") {
                let sentence = part.hasSuffix(".") ? part : part + "."
                if seen.insert(sentence).inserted { sentences.append(sentence) }
            }
        }
        return sentences.isEmpty ? nil : sentences.joined(separator: " ")
    }

    /// `true` when `path` names a GeoPackage (.gpkg).
    public static func isGeoPackage(_ path: String) -> Bool { URL(fileURLWithPath: path).pathExtension.lowercased() == "gpkg" }

    /// Writes `layer` as a GeoPackage (.gpkg: its own CRS, a table named after the file) or as
    /// RFC 7946 GeoJSON (anything else), with the licence notice.
    /// - Throws: writer, `SQLiteError` and projection errors.
    public static func writeLayer(_ layer: FeatureLayer, to path: String, attribution: String?) throws {
        if isGeoPackage(path) {
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            try GeoPackageWriter.write([GeoPackageWriter.Layer(name: name, layer: layer, description: layer.name)], to: path, attribution: attribution)
        } else {
            try writeGeoJSON(layer, to: path, attribution: attribution)
        }
    }

    /// Writes `layer` as RFC 7946 GeoJSON (reprojecting to EPSG:4326 on all cores when needed).
    /// - Throws: ``ConversionError``, `OutputError`, `GeoJSONError`.
    public static func writeGeoJSON(_ layer: FeatureLayer, to path: String, attribution: String?, precision: Int = 6) throws {
        var features = layer.features
        if layer.crs != .wgs84 {
            // Errors name the layer (its records are the input's), not the output file being written.
            features = try Converter.reproject(features, from: layer.crs, to: .wgs84, options: ProjectionOptions(), inputPath: "layer \(layer.name)")
        }
        let writer = try GeoJSONWriter(path: path, schema: layer.schema,
                                       options: GeoJSONWriteOptions(precision: precision, name: layer.name, attribution: attribution, crs: .wgs84))
        try writer.write(contentsOf: features)
        try writer.finish()
    }

    /// Writes the attributes of `layer` as CSV (no geometry).
    /// - Throws: `OutputError`.
    public static func writeCSV(_ layer: FeatureLayer, to path: String) throws {
        let csv = try CSVWriter(path: path, header: layer.schema.names)
        for f in layer.features { try csv.writeRow(f.values.map(\.text)) }
        try csv.commit()
    }

    /// Writes a table of text cells as CSV.
    /// - Throws: `OutputError`.
    public static func writeTable(header: [String], rows: [[String]], to path: String) throws {
        let csv = try CSVWriter(path: path, header: header)
        for row in rows { try csv.writeRow(row) }
        try csv.commit()
    }

    /// The CSV path beside a GeoJSON path: `out/map.geojson` → `out/map.csv`; `suffix` is added
    /// before the extension (`out/map-wards.csv`).
    public static func sibling(of path: String, suffix: String = "", extension ext: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingPathExtension().path + suffix + "." + ext
    }
}

extension AreaMap {
    /// The ward aggregation as a layer (ward polygons from `wards`), `nil` without wards.
    public func wardLayer(wards layer: Areas) -> FeatureLayer? {
        guard let wards else { return nil }
        let position = layer.indexByCode()
        let schema = Schema([
            FieldDefinition(name: "code", type: .string), FieldDefinition(name: "name", type: .string),
            FieldDefinition(name: "lsoas_best_fit", type: .integer),
            FieldDefinition(name: "population_best_fit", type: .real), FieldDefinition(name: "population_overlap", type: .real),
            FieldDefinition(name: wards.measure == "IMD score" ? "imd_score_best_fit" : "imd_rank_mean_best_fit", type: .real),
            FieldDefinition(name: wards.measure == "IMD score" ? "imd_score_overlap" : "imd_rank_mean_overlap", type: .real),
            FieldDefinition(name: "region_rank", type: .integer), FieldDefinition(name: "region_decile", type: .integer),
        ])
        let features = wards.wards.map { w -> Feature in
            Feature(geometry: position[w.code].flatMap { layer.layer.features[$0].geometry },
                    values: [.string(w.code), .string(w.name), .integer(Int64(w.lsoaCount)), .real(w.populationBestFit), .real(w.populationOverlap),
                             w.measureBestFit.map { .real($0) } ?? .null, w.measureOverlap.map { .real($0) } ?? .null,
                             w.rank.map { .integer(Int64($0)) } ?? .null, w.decile.map { .integer(Int64($0)) } ?? .null])
        }
        return FeatureLayer(name: "wards", crs: layer.crs, schema: schema, features: features)
    }

    /// Every located service inside the selected areas, with its area, ward and IMD decile.
    public func serviceLayer() -> FeatureLayer {
        let schema = Schema([
            FieldDefinition(name: "type", type: .string), FieldDefinition(name: "id", type: .string), FieldDefinition(name: "name", type: .string),
            FieldDefinition(name: "area_code", type: .string), FieldDefinition(name: "ward_code", type: .string),
            FieldDefinition(name: "imd_decile", type: .integer),
        ])
        var features: [Feature] = []
        for (s, set) in services.enumerated() {
            for (p, area) in serviceAreas[s].enumerated() where area >= 0 {
                let ward = wards.map { $0.bestFit[area] >= 0 ? FieldValue.string($0.wards[$0.bestFit[area]].code) : .null } ?? .null
                let decile = imdJoin?.records[area]?.index.decile.map { FieldValue.integer(Int64($0)) } ?? .null
                features.append(Feature(geometry: .point(set.points[p]),
                                        values: [.string(set.kind.rawValue), .string(set.ids[p]), .string(set.names[p]), .string(areas.codes[area]), ward, decile]))
            }
        }
        return FeatureLayer(name: "services", crs: areas.crs, schema: schema, features: features)
    }
}
