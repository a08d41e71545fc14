/// An axis-aligned bounding box in the units of its layer's CRS.
///
/// An envelope built from no coordinates is *empty*: it contains nothing and `union` with it is
/// the identity.
public struct Envelope: Hashable, Sendable, CustomStringConvertible {
    /// Smallest x (west-most longitude or easting).
    public var minX: Double
    /// Smallest y (south-most latitude or northing).
    public var minY: Double
    /// Largest x.
    public var maxX: Double
    /// Largest y.
    public var maxY: Double

    /// Creates an envelope from its four bounds. No check is made that `min ≤ max`.
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// The empty envelope (min = +∞, max = −∞).
    public static let empty = Envelope(minX: .infinity, minY: .infinity, maxX: -.infinity, maxY: -.infinity)

    /// The smallest envelope holding every coordinate of `coordinates`.
    /// - Complexity: O(n).
    public init<S: Sequence>(covering coordinates: S) where S.Element == Coordinate {
        self = .empty
        for c in coordinates { expand(toInclude: c) }
    }

    /// `true` when the envelope holds no point.
    public var isEmpty: Bool { minX > maxX || minY > maxY }

    /// Width along x, or 0 when empty.
    public var width: Double { isEmpty ? 0 : maxX - minX }
    /// Height along y, or 0 when empty.
    public var height: Double { isEmpty ? 0 : maxY - minY }

    /// Grows the envelope to include `c`.
    @inlinable public mutating func expand(toInclude c: Coordinate) {
        if c.x < minX { minX = c.x }
        if c.x > maxX { maxX = c.x }
        if c.y < minY { minY = c.y }
        if c.y > maxY { maxY = c.y }
    }

    /// Grows the envelope to include `other`.
    public mutating func expand(toInclude other: Envelope) {
        guard !other.isEmpty else { return }
        minX = Swift.min(minX, other.minX)
        minY = Swift.min(minY, other.minY)
        maxX = Swift.max(maxX, other.maxX)
        maxY = Swift.max(maxY, other.maxY)
    }

    /// The smallest envelope holding both `self` and `other`.
    public func union(_ other: Envelope) -> Envelope {
        var result = self
        result.expand(toInclude: other)
        return result
    }

    /// `true` when `c` lies inside or on the boundary.
    @inlinable public func contains(_ c: Coordinate) -> Bool {
        c.x >= minX && c.x <= maxX && c.y >= minY && c.y <= maxY
    }

    /// `true` when `other` lies wholly inside or on the boundary of `self`.
    public func contains(_ other: Envelope) -> Bool {
        !other.isEmpty && other.minX >= minX && other.maxX <= maxX && other.minY >= minY && other.maxY <= maxY
    }

    /// `true` when the two envelopes share at least one point.
    public func intersects(_ other: Envelope) -> Bool {
        !(other.minX > maxX || other.maxX < minX || other.minY > maxY || other.maxY < minY)
    }

    /// The envelope written as ogrinfo does: `(minX, minY) - (maxX, maxY)`.
    public var description: String { "(\(minX), \(minY)) - (\(maxX), \(maxY))" }
}
