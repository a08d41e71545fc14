import CGEOS
import GeoCore

extension GeometryEngine {
    /// The union of polygonal geometries (GEOS cascaded union): one polygon or multipolygon,
    /// `nil` when there are none. Non-polygonal members are ignored.
    /// - Throws: ``GEOSError/libraryFailure(operation:message:)`` when GEOS refuses (e.g. invalid input).
    public func union(_ geometries: [Geometry]) throws -> Geometry? {
        var polygons: [Polygon] = []
        for g in geometries {
            switch g {
            case .polygon(let p): polygons.append(p)
            case .multiPolygon(let ps): polygons += ps
            default: continue
            }
        }
        guard !polygons.isEmpty else { return nil }
        let collection = try makeHandle(.multiPolygon(polygons))
        // GEOSUnaryUnion_r: new geometry owned by us, NULL on failure.
        guard let raw = GEOSUnaryUnion_r(handle, collection.pointer) else { throw failure("UnaryUnion") }
        let union = GEOSGeometryHandle(engine: self, pointer: raw)
        return try makeValue(union.pointer)
    }
}
