import CGEOS
import GeoCore

extension GeometryEngine {
    /// `true` when no point of `b` lies outside `a` and their interiors share a point (OGC
    /// *contains*; a point on `a`'s boundary is not contained).
    /// - Throws: ``GEOSError``.
    public func contains(_ a: Geometry, _ b: Geometry) throws -> Bool {
        let ga = try makeHandle(a), gb = try makeHandle(b)
        return try predicate("Contains", GEOSContains_r(handle, ga.pointer, gb.pointer))
    }

    /// `true` when the two geometries share at least one point (boundary included).
    /// - Throws: ``GEOSError``.
    public func intersects(_ a: Geometry, _ b: Geometry) throws -> Bool {
        let ga = try makeHandle(a), gb = try makeHandle(b)
        return try predicate("Intersects", GEOSIntersects_r(handle, ga.pointer, gb.pointer))
    }

    /// GEOS predicates return 1 (true), 0 (false) or 2 (exception).
    func predicate(_ name: String, _ result: CChar) throws -> Bool {
        switch result {
        case 1: return true
        case 0: return false
        default: throw failure(name)
        }
    }
}
