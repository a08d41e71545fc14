/// A 2D position in the units of its layer's coordinate reference system.
///
/// For geographic CRSs such as EPSG:4326, `x` is longitude and `y` is latitude, in degrees
/// (the "traditional GIS order" that GeoJSON uses). For projected CRSs such as British National
/// Grid (EPSG:27700), `x` is easting and `y` northing, in metres.
///
/// ```swift
/// let trafalgar = Coordinate(x: -0.1276, y: 51.5072)   // lon, lat
/// let sameInBNG = Coordinate(x: 530043.195, y: 180358.209) // easting, northing (metres)
/// ```
public struct Coordinate: Hashable, Sendable, CustomStringConvertible {
    /// Longitude (degrees) or easting (metres), depending on the CRS.
    public var x: Double
    /// Latitude (degrees) or northing (metres), depending on the CRS.
    public var y: Double

    /// Creates a coordinate from its two components.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// `true` when both components are finite (neither NaN nor ±infinity).
    @inlinable public var isFinite: Bool { x.isFinite && y.isFinite }

    /// Euclidean distance to `other`, in the units of the CRS (metres for EPSG:27700).
    ///
    /// Only meaningful in a projected CRS; for lon/lat use a projected copy of the data.
    @inlinable public func planarDistance(to other: Coordinate) -> Double {
        let dx = x - other.x, dy = y - other.y
        return (dx * dx + dy * dy).squareRoot()
    }

    public var description: String { "(\(x) \(y))" }
}
