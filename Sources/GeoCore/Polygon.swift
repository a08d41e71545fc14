/// A polygon: one exterior ring (the shell) and zero or more interior rings (holes).
///
/// Orientation is not fixed by the type. Shapefiles store shells clockwise and holes
/// counter-clockwise; RFC 7946 GeoJSON wants the opposite. Use ``oriented(exteriorCounterClockwise:)``
/// to produce either convention.
public struct Polygon: Hashable, Sendable {
    /// The shell.
    public var exterior: LinearRing
    /// The holes, each inside the shell.
    public var holes: [LinearRing]

    /// Creates a polygon from a shell and its holes.
    public init(exterior: LinearRing, holes: [LinearRing] = []) {
        self.exterior = exterior
        self.holes = holes
    }

    /// Area of the shell minus the areas of its holes, in CRS units squared.
    /// - Complexity: O(number of coordinates).
    public var area: Double {
        var result = exterior.area
        for hole in holes { result -= hole.area }
        return result
    }

    /// Every ring, shell first.
    public var rings: [LinearRing] { [exterior] + holes }

    /// Number of coordinates in all rings.
    public var coordinateCount: Int { holes.reduce(exterior.count) { $0 + $1.count } }

    /// The polygon with its shell counter-clockwise and holes clockwise (`true`, RFC 7946), or the
    /// reverse (`false`, ESRI shapefile).
    public func oriented(exteriorCounterClockwise ccw: Bool) -> Polygon {
        Polygon(exterior: exterior.oriented(counterClockwise: ccw),
                holes: holes.map { $0.oriented(counterClockwise: !ccw) })
    }

    /// Locates `p`: interior if inside the shell and outside every hole; boundary if on any ring.
    public func locate(_ p: Coordinate) -> LinearRing.PointLocation {
        switch exterior.locate(p) {
        case .exterior: return .exterior
        case .boundary: return .boundary
        case .interior:
            for hole in holes {
                switch hole.locate(p) {
                case .interior: return .exterior
                case .boundary: return .boundary
                case .exterior: continue
                }
            }
            return .interior
        }
    }
}
