import Foundation

extension PostGIS.Destination {
    /// Writes `layers` (suffix `nil` for the base table itself) in one transaction, reprojected to
    /// the destination's `crs` when it is set (on all cores); returns the tables and their rows.
    /// - Throws: `PostGISError` (nothing is committed then), ``ConversionError``.
    @discardableResult
    public func writeLayers(_ layers: [(suffix: String?, layer: FeatureLayer)]) throws -> [(table: String, rows: Int)] {
        guard let target = crs else { return try write(layers) }
        let moved = try layers.map { entry -> (suffix: String?, layer: FeatureLayer) in
            guard entry.layer.crs != target else { return entry }
            var layer = entry.layer
            layer.features = try Converter.reproject(layer.features, from: layer.crs, to: target, options: ProjectionOptions(),
                                                     inputPath: "layer \(layer.name)")
            layer.crs = target
            return (entry.suffix, layer)
        }
        return try write(moved)
    }
}
