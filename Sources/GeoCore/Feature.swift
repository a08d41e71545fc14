/// The ordered list of attribute fields of a layer. Feature values are stored positionally in the
/// same order, so property order is stable from input to output.
public struct Schema: Hashable, Sendable {
    /// The fields, in source order.
    public var fields: [FieldDefinition]

    /// Creates a schema.
    public init(_ fields: [FieldDefinition] = []) {
        self.fields = fields
    }

    /// Position of the field named `name` (exact match first, then case-insensitive), or `nil`.
    public func index(of name: String) -> Int? {
        if let i = fields.firstIndex(where: { $0.name == name }) { return i }
        let lower = name.lowercased()
        return fields.firstIndex { $0.name.lowercased() == lower }
    }

    /// Field names in order.
    public var names: [String] { fields.map(\.name) }
}

/// A geometry with attribute values, positionally matching its layer's ``Schema``.
public struct Feature: Hashable, Sendable {
    /// The geometry, or `nil` for a record without one (a shapefile null shape, a GeoJSON
    /// `"geometry": null`).
    public var geometry: Geometry?
    /// Attribute values in schema order.
    public var values: [FieldValue]

    /// Creates a feature.
    public init(geometry: Geometry?, values: [FieldValue] = []) {
        self.geometry = geometry
        self.values = values
    }
}

/// A whole layer in memory: features, their schema and their CRS.
///
/// ```swift
/// let layer = try ShapefileReader(path: "lsoa11.shp").readAll()
/// print(layer.features.count, layer.crs)
/// ```
public struct FeatureLayer: Sendable {
    /// Layer name (for a file, its base name).
    public var name: String
    /// Coordinate reference system of every geometry.
    public var crs: CRS
    /// Attribute fields.
    public var schema: Schema
    /// The features, in source order.
    public var features: [Feature]

    /// Creates a layer.
    public init(name: String, crs: CRS, schema: Schema, features: [Feature]) {
        self.name = name
        self.crs = crs
        self.schema = schema
        self.features = features
    }

    /// Bounding box of all geometries.
    /// - Complexity: O(number of coordinates).
    public var envelope: Envelope {
        features.reduce(into: Envelope.empty) { env, f in
            if let g = f.geometry { env.expand(toInclude: g.envelope) }
        }
    }

    /// A short label for feature `index` in messages: the value of its first text field (for
    /// boundary files, the area code such as `E01012345`), or `nil` when there is none.
    public func label(at index: Int) -> String? {
        guard let field = schema.fields.firstIndex(where: { $0.type == .string }),
              case .string(let text) = features[index].values[field], !text.isEmpty else { return nil }
        return text
    }

    /// The value of field `name` in feature `index`, or `nil` when the layer has no such field.
    public func value(_ name: String, at index: Int) -> FieldValue? {
        schema.index(of: name).map { features[index].values[$0] }
    }
}
