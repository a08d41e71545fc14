import Foundation
import GeoEngine
import GeoProjection

/// Population-weighted centroids by area code, in EPSG:27700, with the file they came from.
public struct Centroids: Sendable {
    /// Centroid per area code, EPSG:27700 metres.
    public var points: [String: Coordinate]
    /// The file's name, for messages.
    public var source: String

    /// Centroids by area code (EPSG:27700), from the file named `source`.
    public init(points: [String: Coordinate], source: String) {
        self.points = points
        self.source = source
    }

    /// Reads a centroid table (a code column and easting/northing or lon/lat columns).
    /// - Throws: `CSVError`, `ProjectionError`.
    public static func read(path: String) throws -> Centroids {
        Centroids(points: try readCentroids(path: path, crs: .britishNationalGrid), source: SourceName.of(path))
    }
}

/// Where each area's trips start.
public enum OriginPolicy: Sendable {
    /// Population-weighted centroids; areas missing from the table use their polygon centroid
    /// (with a diagnostic).
    case populationWeighted(Centroids)
    /// The centroid of each polygon, computed in EPSG:27700.
    case polygonCentroids

    /// The policy in words, for method lines.
    public var words: String {
        switch self {
        case .populationWeighted: return "population-weighted centroids"
        case .polygonCentroids: return "polygon centroids"
        }
    }

    /// Origins in EPSG:27700 for `indices` of `areas`; other areas get a non-finite coordinate.
    /// - Throws: `GEOSError`, `ProjectionError`.
    func place(_ areas: Areas, indices: [Int], diagnostics: inout [Diagnostic]) throws -> [Coordinate] {
        var points = [Coordinate?](repeating: nil, count: areas.codes.count)
        var needed = indices
        if case .populationWeighted(let centroids) = self {
            for i in indices { points[i] = centroids.points[areas.codes[i]] }
            needed = indices.filter { points[$0] == nil }
            if !needed.isEmpty {
                let codes = needed.map { areas.codes[$0] }
                diagnostics.note("\(needed.count) areas have no centroid in \(centroids.source) and use their polygon centroid: \(list(codes))", codes: codes)
            }
        }
        let computed = try Self.polygonCentroids(areas, needed)
        for (k, i) in needed.enumerated() { points[i] = computed[k] }
        let empty = indices.filter { points[$0] == nil }.map { areas.codes[$0] }
        if !empty.isEmpty { diagnostics.note("\(empty.count) areas have no geometry and no centroid, so no access: \(list(empty))", codes: empty) }
        return points.map { $0 ?? Coordinate(x: .nan, y: .nan) }
    }

    /// Polygon centroids in EPSG:27700 of `indices`, on all cores (one GEOS and PROJ context each).
    static func polygonCentroids(_ areas: Areas, _ indices: [Int]) throws -> [Coordinate?] {
        guard !indices.isEmpty else { return [] }
        let geometries = areas.geometries
        let crs = areas.crs
        return try parallelChunks(count: indices.count) { range in
            let engine = try GeometryEngine()
            let transformer = crs == .britishNationalGrid ? nil : try ThreadProjection.current().transformer(from: crs, to: .britishNationalGrid)
            return try range.map { k -> Coordinate? in
                guard var g = geometries[indices[k]] else { return nil }
                if let transformer { g = try transformer.transform(g) }
                return try engine.centroid(g)
            }
        }
    }
}
