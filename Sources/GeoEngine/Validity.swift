import CGEOS
import GeoCore

/// What GEOS says about a geometry's validity (OGC simple-feature rules).
public struct ValidityReport: Sendable, Hashable, CustomStringConvertible {
    /// `true` when the geometry is valid.
    public var isValid: Bool
    /// GEOS's reason when invalid, e.g. "Self-intersection" or "Nested shells".
    public var reason: String?
    /// Where GEOS found the problem, in CRS units.
    public var location: Coordinate?

    /// `valid`, or `Self-intersection at (x y)`.
    public var description: String {
        guard !isValid else { return "valid" }
        let where_ = location.map { " at (\($0.x) \($0.y))" } ?? ""
        return (reason ?? "invalid") + where_
    }
}

extension GeometryEngine {
    /// Checks `geometry` with GEOS (`GEOSisValidDetail_r`).
    ///
    /// - Returns: whether it is valid and, if not, GEOS's reason and location.
    /// - Throws: ``GEOSError`` when the geometry cannot be built or GEOS fails.
    /// - Complexity: O(n log n) in the number of coordinates.
    public func validity(of geometry: Geometry) throws -> ValidityReport {
        let g = try makeHandle(geometry)
        return try validity(of: g)
    }

    func validity(of g: GEOSGeometryHandle) throws -> ValidityReport {
        var reason: UnsafeMutablePointer<CChar>?
        var location: OpaquePointer?
        // GEOSisValidDetail_r: 1 valid, 0 invalid (reason and location are ours to free), 2 error.
        let result = GEOSisValidDetail_r(handle, g.pointer, 0, &reason, &location)
        defer {
            if let reason { GEOSFree_r(handle, reason) }
            if let location { GEOSGeom_destroy_r(handle, location) }
        }
        switch result {
        case 1:
            return ValidityReport(isValid: true, reason: nil, location: nil)
        case 0:
            var at: Coordinate?
            if let location, case .point(let c)? = try? makeValue(location) { at = c }
            return ValidityReport(isValid: false, reason: reason.map { String(cString: $0) }, location: at)
        default:
            throw failure("isValidDetail")
        }
    }
}
