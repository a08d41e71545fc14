import CGEOS
import GeoCore

/// An STRtree over a list of geometries (GEOS `GEOSSTRtree`), with each geometry also prepared,
/// for fast "which polygons contain this point" and "which is nearest" queries.
///
/// Results are indices into the `geometries` the index was built from, in ascending order.
/// Belongs to the engine (thread) that made it; build one per thread for parallel joins.
///
/// ```swift
/// let index = try SpatialIndex(engine: engine, geometries: lsoaPolygons)
/// let hits = try index.containing(Coordinate(x: 587846.4, y: 186475.2))   // e.g. [412]
/// let (i, metres) = try index.nearest(to: pointOffTheCoast)!
/// ```
public final class SpatialIndex {
    /// The indexed geometries, in the order given.
    public let count: Int
    private let engine: GeometryEngine
    private let prepared: [PreparedGeometry]
    private let tree: OpaquePointer
    private let reusable = ItemCollector()

    /// Builds the index.
    /// - Parameter geometries: the geometries to index, in CRS coordinates.
    /// - Throws: ``GEOSError`` when a geometry cannot be built.
    /// - Complexity: O(n log n) to build (GEOS builds the tree on the first query).
    public init(engine: GeometryEngine, geometries: [Geometry]) throws {
        self.engine = engine
        self.count = geometries.count
        prepared = try geometries.map { try engine.prepare($0) }
        // GEOSSTRtree_create_r: new tree owned by us, NULL on failure.
        guard let t = GEOSSTRtree_create_r(engine.handle, 10) else { throw engine.failure("STRtree_create") }
        tree = t
        for (i, p) in prepared.enumerated() {
            // The tree borrows the geometry (kept alive by `prepared`) and stores the item pointer,
            // which is the index + 1 so that index 0 is not read back as NULL.
            GEOSSTRtree_insert_r(engine.handle, tree, p.base.pointer, UnsafeMutableRawPointer(bitPattern: i + 1))
        }
    }

    deinit {
        GEOSSTRtree_destroy_r(engine.handle, tree)
    }

    /// The prepared geometry at `index`.
    public func prepared(at index: Int) -> PreparedGeometry { prepared[index] }

    /// Indices of geometries whose envelopes intersect `envelope`, ascending.
    /// - Throws: ``GEOSError``.
    public func candidates(intersecting envelope: Envelope) throws -> [Int] {
        // GEOSGeom_createRectangle_r: new geometry owned by us (a point when the box is degenerate).
        guard let box = GEOSGeom_createRectangle_r(engine.handle, envelope.minX, envelope.minY, envelope.maxX, envelope.maxY) else {
            throw engine.failure("createRectangle")
        }
        defer { GEOSGeom_destroy_r(engine.handle, box) }
        return query(box)
    }

    /// Indices of geometries that contain `point` in their interior (OGC *contains*: a point on a
    /// shared boundary belongs to neither side), ascending.
    /// - Throws: ``GEOSError``.
    /// - Complexity: O(log n) tree search plus one prepared test per candidate.
    public func containing(_ point: Coordinate) throws -> [Int] {
        try matching(point) { try $0.contains(point) }
    }

    /// Indices of geometries that contain `point` or have it on their boundary, ascending.
    /// - Throws: ``GEOSError``.
    public func intersecting(_ point: Coordinate) throws -> [Int] {
        try matching(point) { try $0.intersects(point) }
    }

    /// Indices of geometries that contain `point` (`boundary: false`) or contain or touch it
    /// (`boundary: true`), written into `result` (cleared first), ascending. Reuses one GEOS
    /// point for the tree search and every candidate test and allocates nothing in steady state:
    /// the fast path for joining millions of points.
    /// - Throws: ``GEOSError``.
    public func matches(_ point: Coordinate, boundary: Bool, into result: inout [Int]) throws {
        result.removeAll(keepingCapacity: true)
        guard let p = GEOSGeom_createPointFromXY_r(engine.handle, point.x, point.y) else { throw engine.failure("createPointFromXY") }
        defer { GEOSGeom_destroy_r(engine.handle, p) }
        reusable.items.removeAll(keepingCapacity: true)
        GEOSSTRtree_query_r(engine.handle, tree, p, { item, userData in
            guard let userData else { return }
            Unmanaged<ItemCollector>.fromOpaque(userData).takeUnretainedValue().items.append(Int(bitPattern: item) - 1)
        }, Unmanaged.passUnretained(reusable).toOpaque())
        if reusable.items.count > 1 { reusable.items.sort() }
        for i in reusable.items {
            let hit = boundary ? GEOSPreparedIntersects_r(engine.handle, prepared[i].prepared, p)
                               : GEOSPreparedContains_r(engine.handle, prepared[i].prepared, p)
            if try engine.predicate(boundary ? "PreparedIntersects" : "PreparedContains", hit) { result.append(i) }
        }
    }

    private func matching(_ point: Coordinate, _ test: (PreparedGeometry) throws -> Bool) throws -> [Int] {
        guard let p = GEOSGeom_createPointFromXY_r(engine.handle, point.x, point.y) else { throw engine.failure("createPointFromXY") }
        defer { GEOSGeom_destroy_r(engine.handle, p) }
        return try query(p).filter { try test(prepared[$0]) }
    }

    private func query(_ g: OpaquePointer) -> [Int] {
        let collector = ItemCollector()
        // GEOSSTRtree_query_r: calls back with each item whose envelope intersects g's.
        GEOSSTRtree_query_r(engine.handle, tree, g, { item, userData in
            guard let userData else { return }
            Unmanaged<ItemCollector>.fromOpaque(userData).takeUnretainedValue().items.append(Int(bitPattern: item) - 1)
        }, Unmanaged.passUnretained(collector).toOpaque())
        return collector.items.sorted()
    }

    /// The geometry nearest to `point` and its distance in CRS units (0 when inside). Ties go to
    /// whichever GEOS's tree search reaches first. `nil` for an empty index.
    /// - Throws: ``GEOSError``.
    /// - Complexity: about O(log n) prepared distance computations.
    public func nearest(to point: Coordinate) throws -> (index: Int, distance: Double)? {
        guard count > 0 else { return nil }
        guard let p = GEOSGeom_createPointFromXY_r(engine.handle, point.x, point.y) else { throw engine.failure("createPointFromXY") }
        defer { GEOSGeom_destroy_r(engine.handle, p) }
        let search = NearestSearch(prepared: prepared, point: p, handle: engine.handle)
        // The query item is a sentinel that no indexed item uses (indices are stored as i + 1 > 0).
        let queryItem = UnsafeMutableRawPointer(bitPattern: Int.max)
        // GEOSSTRtree_nearest_generic_r: returns the nearest item, NULL on error or empty tree.
        let found = GEOSSTRtree_nearest_generic_r(engine.handle, tree, queryItem, p, { a, b, distance, userData in
            guard let userData, let distance else { return 0 }
            let search = Unmanaged<NearestSearch>.fromOpaque(userData).takeUnretainedValue()
            let item = Int(bitPattern: a) == Int.max ? b : a
            let index = Int(bitPattern: item) - 1
            guard index >= 0, index < search.prepared.count else { return 0 }
            // GEOSPreparedDistance_r: 1 on success, 0 on error.
            return GEOSPreparedDistance_r(search.handle, search.prepared[index].prepared, search.point, distance)
        }, Unmanaged.passUnretained(search).toOpaque())
        guard let found else { throw engine.failure("STRtree_nearest_generic") }
        let index = Int(bitPattern: found) - 1
        return (index, try prepared[index].distance(to: point))
    }
}

final class ItemCollector {
    var items: [Int] = []
}

final class NearestSearch {
    let prepared: [PreparedGeometry]
    let point: OpaquePointer
    let handle: OpaquePointer

    init(prepared: [PreparedGeometry], point: OpaquePointer, handle: OpaquePointer) {
        self.prepared = prepared
        self.point = point
        self.handle = handle
    }
}
