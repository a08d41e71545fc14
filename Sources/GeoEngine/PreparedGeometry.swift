import CGEOS
import GeoCore

/// A geometry prepared by GEOS for many repeated predicate tests against it (point-in-polygon
/// joins): its edges are indexed once, so each test is O(log n) instead of O(n).
///
/// Belongs to the engine (thread) that made it.
///
/// ```swift
/// let lsoa = try engine.prepare(polygon)
/// let inside = try lsoa.contains(Coordinate(x: 587846.4, y: 186475.2))
/// ```
public final class PreparedGeometry {
    /// The geometry as given.
    public let geometry: Geometry
    let base: GEOSGeometryHandle
    let prepared: OpaquePointer

    init(engine: GeometryEngine, geometry: Geometry) throws {
        self.geometry = geometry
        base = try engine.makeHandle(geometry)
        // GEOSPrepare_r: new prepared geometry owned by us; it borrows `base`, which we keep.
        guard let p = GEOSPrepare_r(engine.handle, base.pointer) else { throw engine.failure("Prepare") }
        prepared = p
    }

    deinit {
        GEOSPreparedGeom_destroy_r(base.engine.handle, prepared)
    }

    /// `true` when `point` lies in the interior of the geometry (not on its boundary).
    /// - Throws: ``GEOSError``.
    public func contains(_ point: Coordinate) throws -> Bool {
        let engine = base.engine
        // GEOSGeom_createPointFromXY_r: new geometry, NULL on failure. (GEOS 3.11 has no
        // GEOSPreparedContainsXY, so a point is built for each test.)
        guard let raw = GEOSGeom_createPointFromXY_r(engine.handle, point.x, point.y) else { throw engine.failure("createPointFromXY") }
        defer { GEOSGeom_destroy_r(engine.handle, raw) }
        return try engine.predicate("PreparedContains", GEOSPreparedContains_r(engine.handle, prepared, raw))
    }

    /// `true` when `point` lies in the interior or on the boundary.
    /// - Throws: ``GEOSError``.
    public func intersects(_ point: Coordinate) throws -> Bool {
        let engine = base.engine
        guard let raw = GEOSGeom_createPointFromXY_r(engine.handle, point.x, point.y) else { throw engine.failure("createPointFromXY") }
        defer { GEOSGeom_destroy_r(engine.handle, raw) }
        return try engine.predicate("PreparedIntersects", GEOSPreparedIntersects_r(engine.handle, prepared, raw))
    }

    /// `true` when `other` shares at least one point with the geometry.
    /// - Throws: ``GEOSError``.
    public func intersects(_ other: Geometry) throws -> Bool {
        let engine = base.engine
        let g = try engine.makeHandle(other)
        return try engine.predicate("PreparedIntersects", GEOSPreparedIntersects_r(engine.handle, prepared, g.pointer))
    }

    /// Shortest distance from `point` to the geometry, in CRS units; 0 inside.
    /// - Throws: ``GEOSError``.
    public func distance(to point: Coordinate) throws -> Double {
        let engine = base.engine
        guard let raw = GEOSGeom_createPointFromXY_r(engine.handle, point.x, point.y) else { throw engine.failure("createPointFromXY") }
        defer { GEOSGeom_destroy_r(engine.handle, raw) }
        var d = 0.0
        // GEOSPreparedDistance_r: 1 on success, 0 on error.
        guard GEOSPreparedDistance_r(engine.handle, prepared, raw, &d) == 1 else { throw engine.failure("PreparedDistance") }
        return d
    }
}

extension GeometryEngine {
    /// Prepares `geometry` for repeated predicate tests.
    /// - Throws: ``GEOSError`` when it cannot be built.
    public func prepare(_ geometry: Geometry) throws -> PreparedGeometry {
        try PreparedGeometry(engine: self, geometry: geometry)
    }
}
