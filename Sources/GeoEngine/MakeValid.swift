import CGEOS
import GeoCore

/// What ``GeometryEngine/makeValid(_:)`` did to one geometry.
public struct RepairReport: Sendable, Hashable, CustomStringConvertible {
    /// Why the input was invalid (GEOS's reason and location).
    public var problem: ValidityReport
    /// Geometry type before and after, e.g. "Polygon" → "MultiPolygon".
    public var kindBefore: Geometry.Kind
    /// Geometry type after repair, `nil` when nothing polygonal was left.
    public var kindAfter: Geometry.Kind?
    /// Number of polygons before and after.
    public var partsBefore: Int
    /// Number of polygons after repair.
    public var partsAfter: Int
    /// Planar area before (rings taken as drawn) and after, in CRS units².
    public var areaBefore: Double
    /// Planar area after repair, in CRS units².
    public var areaAfter: Double

    /// `Nested shells at (x y); Polygon → MultiPolygon, 1 → 2 parts, area 1.2 → 1.2`.
    public var description: String {
        let after = kindAfter?.rawValue ?? "nothing"
        return "\(problem); \(kindBefore.rawValue) → \(after), \(partsBefore) → \(partsAfter) parts, area \(areaBefore) → \(areaAfter)"
    }
}

/// The result of repairing one geometry.
public struct RepairResult: Sendable {
    /// The repaired geometry (`nil` if nothing of the input's dimension survived, e.g. a polygon
    /// that collapsed to a line).
    public var geometry: Geometry?
    /// What was wrong and what changed; `nil` when the input was already valid and is returned
    /// unchanged.
    public var report: RepairReport?
}

/// How GEOS rebuilds an invalid polygon.
public enum MakeValidMethod: Sendable, Hashable {
    /// Nodes all rings and keeps areas enclosed an odd number of times (even–odd rule): nested
    /// shells become a polygon with a hole. The default of shapely's `make_valid` and PostGIS's
    /// `ST_MakeValid`, so results match those tools.
    case linework
    /// Unions shells and subtracts holes as the structure says: nested shells become their union.
    /// Better for polygons whose rings overlap by mistake.
    case structure
}

extension GeometryEngine {
    /// Repairs an invalid geometry with GEOS make-valid and keeps only the parts of the input's
    /// dimension (a polygon stays polygonal; lines left over from collapsed slivers are dropped
    /// and show up in the report as a change of area or parts).
    ///
    /// A valid input is returned unchanged with a `nil` report.
    ///
    /// - Parameter method: ``MakeValidMethod/linework`` (default, as shapely and PostGIS) or
    ///   ``MakeValidMethod/structure``.
    /// - Throws: ``GEOSError`` when the geometry cannot be built or GEOS fails.
    public func makeValid(_ geometry: Geometry, method: MakeValidMethod = .linework) throws -> RepairResult {
        let g = try makeHandle(geometry)
        let problem = try validity(of: g)
        if problem.isValid { return RepairResult(geometry: geometry, report: nil) }
        if let merged = try unionOfTouchingParts(geometry, g) {
            return RepairResult(geometry: merged, report: RepairReport(
                problem: problem, kindBefore: geometry.kind, kindAfter: merged.kind,
                partsBefore: max(1, geometry.polygons.count), partsAfter: max(1, merged.polygons.count),
                areaBefore: geometry.planarArea, areaAfter: merged.planarArea))
        }

        // GEOSMakeValidParams_create_r: owned by us.
        guard let params = GEOSMakeValidParams_create_r(handle) else { throw failure("MakeValidParams_create") }
        defer { GEOSMakeValidParams_destroy_r(handle, params) }
        _ = GEOSMakeValidParams_setMethod_r(handle, params, method == .linework ? GEOS_MAKE_VALID_LINEWORK : GEOS_MAKE_VALID_STRUCTURE)
        _ = GEOSMakeValidParams_setKeepCollapsed_r(handle, params, 0)
        // GEOSMakeValidWithParams_r: new geometry owned by us, NULL on failure.
        guard let raw = GEOSMakeValidWithParams_r(handle, g.pointer, params) else { throw failure("MakeValidWithParams") }
        let repaired = GEOSGeometryHandle(engine: self, pointer: raw)
        let value = try polygonalPart(of: repaired.pointer, dimension: Self.dimension(of: geometry.kind))

        let report = RepairReport(
            problem: problem,
            kindBefore: geometry.kind,
            kindAfter: value?.kind,
            partsBefore: max(1, geometry.polygons.count),
            partsAfter: value.map { max(1, $0.polygons.count) } ?? 0,
            areaBefore: geometry.planarArea,
            areaAfter: value?.planarArea ?? 0
        )
        return RepairResult(geometry: value, report: report)
    }

    /// A multipolygon whose parts are each valid and only touch one another (shared edges, no
    /// shared interior) is repaired by their union: the same area, merged into fewer parts.
    /// This is both what the data mean and fast (GEOS cascaded union, O(n log n)), where
    /// make-valid's linework method nodes every edge against every other (20,000 squares sharing
    /// edges took 18 s, and its even–odd rule dropped half of them). `nil` when the parts are not
    /// all valid or overlap (nested shells, say): then make-valid decides, as in shapely and PostGIS.
    private func unionOfTouchingParts(_ geometry: Geometry, _ g: GEOSGeometryHandle) throws -> Geometry? {
        guard geometry.kind == .multiPolygon else { return nil }
        let count = GEOSGetNumGeometries_r(handle, g.pointer)
        guard count > 1 else { return nil }
        var partArea = 0.0
        for i in 0..<count {
            // GEOSGetGeometryN_r: borrowed from g.
            guard let part = GEOSGetGeometryN_r(handle, g.pointer, i) else { throw failure("GetGeometryN") }
            // GEOSisValid_r: 1 valid, 0 invalid, 2 exception.
            guard GEOSisValid_r(handle, part) == 1 else { return nil }
            var a = 0.0
            guard GEOSArea_r(handle, part, &a) == 1 else { throw failure("Area") }
            partArea += a
        }
        // GEOSUnaryUnion_r: new geometry owned by us, NULL on failure.
        guard let raw = GEOSUnaryUnion_r(handle, g.pointer) else { throw failure("UnaryUnion") }
        let union = GEOSGeometryHandle(engine: self, pointer: raw)
        var unionArea = 0.0
        guard GEOSArea_r(handle, union.pointer, &unionArea) == 1 else { throw failure("Area") }
        // Parts that only touch lose no area in the union; overlapping ones do.
        guard abs(unionArea - partArea) <= 1e-9 * max(partArea, 1e-300) else { return nil }
        return try polygonalPart(of: union.pointer, dimension: 2)
    }

    /// The members of `g` with the given dimension, as one value geometry.
    private func polygonalPart(of g: OpaquePointer, dimension: Int) throws -> Geometry? {
        var members: [Geometry] = []
        let type = GEOSGeomTypeId_r(handle, g)
        if type == Int32(GEOS_GEOMETRYCOLLECTION.rawValue) {
            for i in 0..<GEOSGetNumGeometries_r(handle, g) {
                // GEOSGetGeometryN_r: borrowed from g.
                guard let member = GEOSGetGeometryN_r(handle, g, i) else { throw failure("GetGeometryN") }
                if let value = try makeValue(member), Self.dimension(of: value.kind) == dimension { members.append(value) }
            }
        } else if let value = try makeValue(g), Self.dimension(of: value.kind) == dimension {
            members.append(value)
        }
        return try Self.flatten(members, typeName: "make-valid result")
    }

    static func dimension(of kind: Geometry.Kind) -> Int {
        switch kind {
        case .point, .multiPoint: return 0
        case .lineString, .multiLineString: return 1
        case .polygon, .multiPolygon: return 2
        }
    }
}
