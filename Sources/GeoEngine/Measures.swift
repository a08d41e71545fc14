import CGEOS
import GeoCore

extension GeometryEngine {
    /// Area by GEOS, in CRS units² (m² in EPSG:27700; meaningless in lon/lat).
    /// - Throws: ``GEOSError``.
    public func area(_ geometry: Geometry) throws -> Double {
        let g = try makeHandle(geometry)
        var result = 0.0
        // GEOSArea_r: 1 on success, 0 on error.
        guard GEOSArea_r(handle, g.pointer, &result) == 1 else { throw failure("Area") }
        return result
    }

    /// Centre of mass by GEOS, in CRS coordinates: of the areas for polygons, of the lengths for
    /// lines, of the points for points. `nil` for an empty geometry.
    /// - Throws: ``GEOSError``.
    public func centroid(_ geometry: Geometry) throws -> Coordinate? {
        // GEOSGetCentroid_r: new geometry owned by us, NULL on error.
        try point(of: geometry, "GetCentroid", GEOSGetCentroid_r)
    }

    /// A point guaranteed to lie inside the geometry (GEOS point-on-surface), for labels and for
    /// polygons whose centroid falls outside them (crescent-shaped LSOAs).
    /// - Throws: ``GEOSError``.
    public func pointOnSurface(_ geometry: Geometry) throws -> Coordinate? {
        // GEOSPointOnSurface_r: new geometry owned by us, NULL on error.
        try point(of: geometry, "PointOnSurface", GEOSPointOnSurface_r)
    }

    /// Runs a GEOS operation that returns a new point geometry (or an empty one).
    private func point(of geometry: Geometry, _ name: String,
                       _ operation: (OpaquePointer?, OpaquePointer?) -> OpaquePointer?) throws -> Coordinate? {
        let g = try makeHandle(geometry)
        guard let raw = operation(handle, g.pointer) else { throw failure(name) }
        let result = GEOSGeometryHandle(engine: self, pointer: raw)
        if case .point(let c)? = try makeValue(result.pointer) { return c }
        return nil
    }

    /// Shortest planar distance between two geometries, in CRS units (metres in EPSG:27700); 0 when
    /// they touch or overlap.
    /// - Throws: ``GEOSError``.
    public func distance(_ a: Geometry, _ b: Geometry) throws -> Double {
        let ga = try makeHandle(a), gb = try makeHandle(b)
        var result = 0.0
        // GEOSDistance_r: 1 on success, 0 on error.
        guard GEOSDistance_r(handle, ga.pointer, gb.pointer, &result) == 1 else { throw failure("Distance") }
        return result
    }

    /// The intersection of two geometries (for area-overlap apportioning), `nil` when empty.
    /// - Throws: ``GEOSError``.
    public func intersection(_ a: Geometry, _ b: Geometry) throws -> Geometry? {
        let ga = try makeHandle(a), gb = try makeHandle(b)
        // GEOSIntersection_r: new geometry owned by us, NULL on error.
        guard let raw = GEOSIntersection_r(handle, ga.pointer, gb.pointer) else { throw failure("Intersection") }
        let result = GEOSGeometryHandle(engine: self, pointer: raw)
        return try makeValue(result.pointer)
    }
}
