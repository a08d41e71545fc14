import GeoCore

/// The nodes of an SQLite R-tree (the `rtree` module's three shadow tables) packed in one pass
/// from all of a layer's envelopes, by Sort-Tile-Recursive bulk loading (Leutenegger, Lopez and
/// Edgington, 1997), as GDAL does for the GeoPackages it writes. Inserting 35,672 envelopes one
/// at a time takes SQLite's R*-tree about 0.18 s, as long as writing the rows themselves; packing
/// them takes a few milliseconds and gives full, non-overlapping leaves.
///
/// The layout is the module's own (ext/rtree/rtree.c): node 1 is the root; a node is a blob of
/// `4 + 24 × 51` bytes (the module's node size for pages of 4 KiB and more, at most 51 cells):
/// the tree depth (big-endian 16-bit, root only), the cell count (16-bit), then per cell a 64-bit
/// id (a feature id in the leaves, a node number above) and min x, max x, min y, max y as
/// big-endian 32-bit floats, rounded outwards so that every box holds its double-precision
/// envelope. Every entry has a row in `_rowid` (id → leaf) and every node but the root one in
/// `_parent`. SQLite's `rtreecheck()` verifies all of it (the tests run it).
struct RTreePacking {
    /// The most cells in a node (SQLite's RTREE_MAXCELLS).
    static let maxCells = 51
    /// Bytes per cell: the id and four 32-bit coordinates.
    static let cellBytes = 24
    /// Bytes per node blob.
    static let nodeBytes = 4 + cellBytes * maxCells

    /// A box in 32-bit floats.
    struct Box {
        var minX: Float, maxX: Float, minY: Float, maxY: Float

        /// `e` rounded outwards to floats.
        init(_ e: Envelope) {
            minX = Self.down(e.minX); maxX = Self.up(e.maxX); minY = Self.down(e.minY); maxY = Self.up(e.maxY)
        }

        init(minX: Float, maxX: Float, minY: Float, maxY: Float) { self.minX = minX; self.maxX = maxX; self.minY = minY; self.maxY = maxY }

        static func down(_ v: Double) -> Float { let f = Float(v); return Double(f) > v ? f.nextDown : f }
        static func up(_ v: Double) -> Float { let f = Float(v); return Double(f) < v ? f.nextUp : f }

        func union(_ o: Box) -> Box {
            Box(minX: min(minX, o.minX), maxX: max(maxX, o.maxX), minY: min(minY, o.minY), maxY: max(maxY, o.maxY))
        }

        var centreX: Float { minX / 2 + maxX / 2 }
        var centreY: Float { minY / 2 + maxY / 2 }
    }

    /// (node number, blob), root first.
    private(set) var nodes: [(Int64, [UInt8])] = []
    /// (entry id, leaf node number).
    private(set) var rowids: [(Int64, Int64)] = []
    /// (node number, parent node number), for every node but the root.
    private(set) var parents: [(Int64, Int64)] = []

    /// Packs `entries` (id, envelope). Envelopes must be finite.
    init(_ entries: [(Int64, Envelope)]) {
        var level = entries.map { (id: $0.0, box: Box($0.1)) }
        var depth = 0
        var nextNode: Int64 = 2
        while true {
            let groups = level.count <= Self.maxCells ? [level] : Self.tiles(level)
            if groups.count == 1 {
                // The root: node 1, holding the tree's depth.
                link(groups[0], to: 1, depth: depth)
                nodes.insert((1, Self.blob(groups[0], depth: depth)), at: 0)
                return
            }
            var upper: [(id: Int64, box: Box)] = []
            upper.reserveCapacity(groups.count)
            for group in groups {
                let node = nextNode
                nextNode += 1
                link(group, to: node, depth: depth)
                nodes.append((node, Self.blob(group, depth: nil)))
                upper.append((node, group.dropFirst().reduce(group[0].box) { $0.union($1.box) }))
            }
            level = upper
            depth += 1
        }
    }

    /// Records where the cells of `group` live: leaf entries in `_rowid`, child nodes in `_parent`.
    private mutating func link(_ group: [(id: Int64, box: Box)], to node: Int64, depth: Int) {
        for cell in group {
            if depth == 0 { rowids.append((cell.id, node)) } else { parents.append((cell.id, node)) }
        }
    }

    /// Sort-Tile-Recursive grouping: vertical slices by centre x, each cut by centre y into runs
    /// of at most ``maxCells``.
    static func tiles(_ items: [(id: Int64, box: Box)]) -> [[(id: Int64, box: Box)]] {
        let leaves = (items.count + maxCells - 1) / maxCells
        let slices = Int(Double(leaves).squareRoot().rounded(.up))
        let perSlice = slices * maxCells
        let byX = items.sorted { ($0.box.centreX, $0.id) < ($1.box.centreX, $1.id) }
        var groups: [[(id: Int64, box: Box)]] = []
        groups.reserveCapacity(leaves)
        var start = 0
        while start < byX.count {
            let slice = byX[start..<min(start + perSlice, byX.count)].sorted { ($0.box.centreY, $0.id) < ($1.box.centreY, $1.id) }
            var k = 0
            while k < slice.count {
                groups.append(Array(slice[k..<min(k + maxCells, slice.count)]))
                k += maxCells
            }
            start += perSlice
        }
        return groups
    }

    /// A node's blob: depth (root only, else 0), cell count, cells, zero-padded to ``nodeBytes``.
    static func blob(_ cells: [(id: Int64, box: Box)], depth: Int?) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: nodeBytes)
        let d = UInt16(depth ?? 0), n = UInt16(cells.count)
        out[0] = UInt8(d >> 8); out[1] = UInt8(d & 0xFF); out[2] = UInt8(n >> 8); out[3] = UInt8(n & 0xFF)
        var p = 4
        func put64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { out[p] = UInt8((v >> UInt64(s)) & 0xFF); p += 1 } }
        func put32(_ v: UInt32) { for s in stride(from: 24, through: 0, by: -8) { out[p] = UInt8((v >> UInt32(s)) & 0xFF); p += 1 } }
        for c in cells {
            put64(UInt64(bitPattern: c.id))
            for v in [c.box.minX, c.box.maxX, c.box.minY, c.box.maxY] { put32(v.bitPattern) }
        }
        return out
    }
}
