import Foundation

/// Options for ``PointJoin``.
public struct PointJoinOptions: Sendable, Hashable {
    /// Points outside every polygon but within this distance (in the CRS's units, metres for
    /// British National Grid) of one are given the nearest polygon. `nil`: no fallback.
    public var nearestWithin: Double?
    /// `true` (default): a point on a polygon's boundary belongs to it (GeoPandas' `intersects`);
    /// `false`: interior only (`within`).
    public var includeBoundary: Bool
    /// Worker threads; results do not depend on it.
    public var threads: Int

    /// Options: no nearest-area fallback, boundary points included, one thread per core.
    public init(nearestWithin: Double? = nil, includeBoundary: Bool = true, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.nearestWithin = nearestWithin
        self.includeBoundary = includeBoundary
        self.threads = max(1, threads)
    }
}

/// How a point got its polygon.
public enum PointMatch: UInt8, Sendable, Hashable {
    /// Outside every polygon (and beyond the nearest-polygon distance, if one was given).
    case none = 0
    /// Inside (or on the boundary of) the polygon.
    case inside = 1
    /// Outside every polygon; given the nearest one within the allowed distance.
    case nearest = 2
}

/// A polygon that was invalid and repaired with GEOS make-valid before the join.
public struct RepairedArea: Sendable, Hashable, CustomStringConvertible {
    /// 0-based index in the polygon list.
    public var index: Int
    /// Area code (or other label), when known.
    public var label: String?
    /// What GEOS found and what the repair did.
    public var repair: RepairReport

    public var description: String {
        "\(label ?? "polygon \(index + 1)") (record \(index + 1)): \(repair)"
    }
}

/// The result of joining points to polygons: for each point, the polygon it falls in.
public struct PointJoinResult: Sendable {
    /// Per point: index of its polygon, or -1.
    public var area: [Int32]
    /// Per point: how it was matched.
    public var match: [PointMatch]
    /// Points found in more than one polygon, with every polygon (the first is the one assigned).
    public var multiple: [(point: Int, areas: [Int])]
    /// Distances (CRS units) of the points matched by the nearest-polygon fallback, by point.
    public var nearestDistance: [Int: Double]
    /// Invalid polygons repaired before the join.
    public var repaired: [RepairedArea]

    /// Points inside a polygon.
    public var insideCount: Int { match.lazy.filter { $0 == .inside }.count }
    /// Points matched by the nearest-polygon fallback.
    public var nearestCount: Int { nearestDistance.count }
    /// Points matched to no polygon.
    public var unmatchedCount: Int { match.lazy.filter { $0 == .none }.count }
    /// Point–polygon pairs found by the predicate (a point in two polygons counts twice).
    public var pairCount: Int { insideCount + multiple.reduce(0) { $0 + $1.areas.count - 1 } }
    /// Indices of the unmatched points.
    public var unmatched: [Int] { match.indices.filter { match[$0] == .none } }
}

/// Point-in-polygon join with GEOS: invalid polygons repaired and reported, then an STRtree of
/// prepared polygons per thread, points visited in spatial (Morton) order so that each thread
/// works on a compact part of the map, and an optional nearest-polygon fallback. The result is
/// the same for any number of threads.
///
/// ```swift
/// let result = try PointJoin.join(points: postcodes.coordinates, polygons: lsoas.geometries,
///                                 labels: lsoas.codes, options: PointJoinOptions(nearestWithin: 1000))
/// print(result.insideCount, result.nearestCount, result.unmatchedCount)
/// ```
public enum PointJoin {
    /// Joins `points` to `polygons` (same CRS).
    /// - Parameters:
    ///   - points: the points.
    ///   - polygons: the polygons (`nil` for a feature without geometry).
    ///   - options: the nearest-polygon fallback, boundary rule and threads.
    ///   - labels: area codes used to name repaired polygons (optional).
    ///   - progress: called with (points done, points) from worker threads.
    /// - Throws: `GEOSError`.
    public static func join(points: [Coordinate], polygons: [Geometry?], labels: [String]? = nil,
                            options: PointJoinOptions = PointJoinOptions(),
                            progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> PointJoinResult {
        let (fixed, repaired) = try repairInvalid(polygons, labels: labels, threads: options.threads)
        let order = spatialOrder(points)
        let indexable = fixed.indices.filter { fixed[$0] != nil }
        let geometries = indexable.map { fixed[$0]! }
        let done = Counter()
        struct Hit: Sendable { var point: Int32; var area: Int32; var match: PointMatch; var others: [Int32]; var distance: Double }
        let hits = try parallelChunks(count: order.count, threads: options.threads) { range -> [Hit] in
            let engine = try GeometryEngine()
            let index = try SpatialIndex(engine: engine, geometries: geometries)
                var found: [Int] = []
            var out: [Hit] = []
            out.reserveCapacity(range.count)
            var sinceReport = 0
            for k in range {
                let p = order[k]
                try index.matches(points[p], boundary: options.includeBoundary, into: &found)
                if let first = found.first {
                    let others = found.count > 1 ? found.dropFirst().map { Int32(indexable[$0]) } : []
                    out.append(Hit(point: Int32(p), area: Int32(indexable[first]), match: .inside, others: others, distance: 0))
                } else if let limit = options.nearestWithin, let near = try index.nearest(to: points[p]), near.distance <= limit {
                    out.append(Hit(point: Int32(p), area: Int32(indexable[near.index]), match: .nearest, others: [], distance: near.distance))
                } else {
                    out.append(Hit(point: Int32(p), area: -1, match: .none, others: [], distance: 0))
                }
                sinceReport += 1
                if sinceReport == 65_536, let progress {
                    progress(done.adding(sinceReport), points.count)
                    sinceReport = 0
                }
            }
            if let progress { progress(done.adding(sinceReport), points.count) }
            return out
        }
        var result = PointJoinResult(area: Array(repeating: -1, count: points.count), match: Array(repeating: .none, count: points.count),
                                     multiple: [], nearestDistance: [:], repaired: repaired)
        for h in hits {
            let p = Int(h.point)
            result.area[p] = h.area
            result.match[p] = h.match
            if !h.others.isEmpty { result.multiple.append((p, [Int(h.area)] + h.others.map(Int.init))) }
            if h.match == .nearest { result.nearestDistance[p] = h.distance }
        }
        result.multiple.sort { $0.point < $1.point }
        return result
    }

    /// Polygons with invalid ones replaced by their GEOS make-valid repair (checked on all cores).
    /// - Throws: `GEOSError`.
    public static func repairInvalid(_ polygons: [Geometry?], labels: [String]?, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> ([Geometry?], [RepairedArea]) {
        let repairs = try parallelChunks(count: polygons.count, threads: threads) { range -> [(Int, Geometry?, RepairReport)] in
            let engine = try GeometryEngine()
            var out: [(Int, Geometry?, RepairReport)] = []
            for i in range {
                guard let g = polygons[i], !g.polygons.isEmpty else { continue }
                if try engine.validity(of: g).isValid { continue }
                let result = try engine.makeValid(g)
                if let report = result.report { out.append((i, result.geometry, report)) }
            }
            return out
        }
        var fixed = polygons
        var notes: [RepairedArea] = []
        for (i, g, report) in repairs {
            fixed[i] = g
            notes.append(RepairedArea(index: i, label: labels?[i], repair: report))
        }
        return (fixed, notes)
    }

    /// Point indices sorted along a Morton (Z-order) curve over the points' bounding box, ties in
    /// input order.
    public static func spatialOrder(_ points: [Coordinate]) -> [Int] {
        guard points.count > 1 else { return Array(points.indices) }
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for p in points where p.x.isFinite && p.y.isFinite {
            minX = min(minX, p.x); maxX = max(maxX, p.x); minY = min(minY, p.y); maxY = max(maxY, p.y)
        }
        guard minX.isFinite else { return Array(points.indices) }
        let sx = maxX > minX ? 65535 / (maxX - minX) : 0, sy = maxY > minY ? 65535 / (maxY - minY) : 0
        func spread(_ v: UInt64) -> UInt64 {
            var x = v & 0xFFFF
            x = (x | (x << 8)) & 0x00FF_00FF
            x = (x | (x << 4)) & 0x0F0F_0F0F
            x = (x | (x << 2)) & 0x3333_3333
            x = (x | (x << 1)) & 0x5555_5555
            return x
        }
        // Key in the high bits, index in the low 32: one sort of plain integers.
        var keyed = [UInt64](repeating: 0, count: points.count)
        for (i, p) in points.enumerated() {
            let qx = p.x.isFinite ? UInt64(max(0, min(65535, (p.x - minX) * sx))) : 0
            let qy = p.y.isFinite ? UInt64(max(0, min(65535, (p.y - minY) * sy))) : 0
            keyed[i] = (spread(qx) | spread(qy) << 1) << 32 | UInt64(i)
        }
        keyed.sort()
        return keyed.map { Int($0 & 0xFFFF_FFFF) }
    }
}
