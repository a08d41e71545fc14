/// A 2D geometry in the coordinates of its layer's CRS: the simple-feature types that shapefiles,
/// GeoJSON and CSV point tables carry.
///
/// Z and M values are not kept: DeprivationMap works in two dimensions.
public enum Geometry: Hashable, Sendable {
    /// A single position.
    case point(Coordinate)
    /// Several positions.
    case multiPoint([Coordinate])
    /// An open or closed line.
    case lineString([Coordinate])
    /// Several lines.
    case multiLineString([[Coordinate]])
    /// One polygon with holes.
    case polygon(Polygon)
    /// Several polygons (for example an LSOA with islands).
    case multiPolygon([Polygon])

    /// The kind of a geometry, independent of its coordinates.
    public enum Kind: String, Sendable, CaseIterable {
        case point = "Point"
        case multiPoint = "MultiPoint"
        case lineString = "LineString"
        case multiLineString = "MultiLineString"
        case polygon = "Polygon"
        case multiPolygon = "MultiPolygon"
    }

    /// The kind of this geometry.
    public var kind: Kind {
        switch self {
        case .point: return .point
        case .multiPoint: return .multiPoint
        case .lineString: return .lineString
        case .multiLineString: return .multiLineString
        case .polygon: return .polygon
        case .multiPolygon: return .multiPolygon
        }
    }

    /// The GeoJSON / OGC name of the geometry type ("Polygon", "MultiPolygon", …).
    public var typeName: String { kind.rawValue }

    /// The polygons of a polygonal geometry (one for `.polygon`), or `[]` for points and lines.
    public var polygons: [Polygon] {
        switch self {
        case .polygon(let p): return [p]
        case .multiPolygon(let ps): return ps
        default: return []
        }
    }

    /// Number of coordinates held, closing ring coordinates included.
    /// - Complexity: O(number of parts).
    public var coordinateCount: Int {
        switch self {
        case .point: return 1
        case .multiPoint(let cs), .lineString(let cs): return cs.count
        case .multiLineString(let lines): return lines.reduce(0) { $0 + $1.count }
        case .polygon(let p): return p.coordinateCount
        case .multiPolygon(let ps): return ps.reduce(0) { $0 + $1.coordinateCount }
        }
    }

    /// The bounding box.
    /// - Complexity: O(number of coordinates).
    public var envelope: Envelope {
        var env = Envelope.empty
        forEachCoordinate { env.expand(toInclude: $0) }
        return env
    }

    /// Planar area in CRS units squared (m² in EPSG:27700): shells minus holes; 0 for points and
    /// lines. Meaningless for lon/lat coordinates — project first.
    public var planarArea: Double {
        polygons.reduce(0) { $0 + $1.area }
    }

    /// Calls `body` with every coordinate, in storage order.
    public func forEachCoordinate(_ body: (Coordinate) throws -> Void) rethrows {
        switch self {
        case .point(let c): try body(c)
        case .multiPoint(let cs), .lineString(let cs): for c in cs { try body(c) }
        case .multiLineString(let lines): for l in lines { for c in l { try body(c) } }
        case .polygon(let p): try Self.forEach(in: p, body)
        case .multiPolygon(let ps): for p in ps { try Self.forEach(in: p, body) }
        }
    }

    private static func forEach(in p: Polygon, _ body: (Coordinate) throws -> Void) rethrows {
        for c in p.exterior.coordinates { try body(c) }
        for h in p.holes { for c in h.coordinates { try body(c) } }
    }

    /// A copy with every coordinate array passed through `transform`, which may change values in
    /// place (for example a batch reprojection). Structure (parts, rings) is kept.
    public func mappingCoordinateArrays(_ transform: (inout [Coordinate]) throws -> Void) rethrows -> Geometry {
        func mapPolygon(_ p: Polygon) throws -> Polygon {
            var ext = p.exterior.coordinates
            try transform(&ext)
            var holes = p.holes
            for i in holes.indices { try transform(&holes[i].coordinates) }
            return Polygon(exterior: LinearRing(ext), holes: holes)
        }
        switch self {
        case .point(let c):
            var a = [c]
            try transform(&a)
            return .point(a[0])
        case .multiPoint(var cs):
            try transform(&cs)
            return .multiPoint(cs)
        case .lineString(var cs):
            try transform(&cs)
            return .lineString(cs)
        case .multiLineString(var lines):
            for i in lines.indices { try transform(&lines[i]) }
            return .multiLineString(lines)
        case .polygon(let p):
            return .polygon(try mapPolygon(p))
        case .multiPolygon(let ps):
            return .multiPolygon(try ps.map(mapPolygon))
        }
    }

    /// The geometry with polygon shells counter-clockwise and holes clockwise (`true`, as RFC 7946
    /// requires) or the reverse (`false`, as shapefiles store them). Points and lines are unchanged.
    public func orientedPolygons(exteriorCounterClockwise ccw: Bool) -> Geometry {
        switch self {
        case .polygon(let p): return .polygon(p.oriented(exteriorCounterClockwise: ccw))
        case .multiPolygon(let ps): return .multiPolygon(ps.map { $0.oriented(exteriorCounterClockwise: ccw) })
        default: return self
        }
    }
}
