/// A closed ring of coordinates: the boundary of a polygon or of one of its holes.
///
/// A valid ring has at least four coordinates and its last coordinate equals its first. The
/// type does not enforce this (readers check it and report the file and record that break it);
/// ``isClosed`` and ``count`` let callers test it.
public struct LinearRing: Hashable, Sendable {
    /// The ring's coordinates, first and last equal when the ring is closed.
    public var coordinates: [Coordinate]

    /// Creates a ring from its coordinates (not copied, not checked).
    public init(_ coordinates: [Coordinate]) {
        self.coordinates = coordinates
    }

    /// Number of coordinates, including the closing one.
    public var count: Int { coordinates.count }

    /// `true` when the ring has at least one coordinate and the last equals the first.
    public var isClosed: Bool {
        guard let first = coordinates.first, let last = coordinates.last else { return false }
        return first == last
    }

    /// Twice the signed area is the shoelace sum; this returns the signed area itself, in CRS
    /// units squared (m² in EPSG:27700). Positive for counter-clockwise rings (y pointing up).
    ///
    /// The sum is taken relative to the first coordinate, which keeps precision for rings far from
    /// the origin (BNG coordinates are in the hundreds of thousands of metres).
    /// - Complexity: O(n).
    public var signedArea: Double {
        let n = coordinates.count
        guard n >= 3 else { return 0 }
        return coordinates.withUnsafeBufferPointer { p -> Double in
            let ox = p[0].x, oy = p[0].y
            var sum = 0.0
            var px = 0.0, py = 0.0 // p[0] - origin
            for i in 1..<n {
                let qx = p[i].x - ox, qy = p[i].y - oy
                sum += px * qy - qx * py
                px = qx
                py = qy
            }
            return sum / 2
        }
    }

    /// Absolute area enclosed by the ring, in CRS units squared.
    public var area: Double { abs(signedArea) }

    /// `true` when the ring runs counter-clockwise (positive signed area).
    public var isCounterClockwise: Bool { signedArea > 0 }

    /// The ring with its coordinates in the opposite order.
    public func reversed() -> LinearRing { LinearRing(coordinates.reversed()) }

    /// The ring oriented counter-clockwise (`true`) or clockwise (`false`), reversed only if needed.
    public func oriented(counterClockwise: Bool) -> LinearRing {
        let area = signedArea
        if area == 0 || (area > 0) == counterClockwise { return self }
        return reversed()
    }

    /// The bounding box of the ring.
    public var envelope: Envelope { Envelope(covering: coordinates) }

    /// Where a point lies relative to a ring.
    public enum PointLocation: Sendable, Equatable {
        /// Strictly inside.
        case interior
        /// On an edge or a vertex.
        case boundary
        /// Strictly outside.
        case exterior
    }

    /// Locates `p` against the ring by the crossing-number rule, with exact tests for points on an
    /// edge. The ring is treated as closed even if its last coordinate differs from its first.
    /// - Complexity: O(n).
    public func locate(_ p: Coordinate) -> PointLocation {
        let n = coordinates.count
        guard n >= 3 else { return .exterior }
        return coordinates.withUnsafeBufferPointer { c -> PointLocation in
            var inside = false
            var j = n - 1
            for i in 0..<n {
                let a = c[j], b = c[i]
                // On-segment test: collinear and within the segment's box.
                let cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
                if cross == 0,
                   p.x >= Swift.min(a.x, b.x), p.x <= Swift.max(a.x, b.x),
                   p.y >= Swift.min(a.y, b.y), p.y <= Swift.max(a.y, b.y) {
                    return .boundary
                }
                if (b.y > p.y) != (a.y > p.y) {
                    let xCross = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y)
                    if p.x < xCross { inside.toggle() }
                }
                j = i
            }
            return inside ? .interior : .exterior
        }
    }
}
