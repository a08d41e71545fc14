import Foundation

/// A static, packed R-tree of points for radius and k-nearest queries in a projected CRS
/// (metres in EPSG:27700).
///
/// Leaves are filled by sort-tile-recursive packing (points sorted by x into vertical slices,
/// each slice sorted by y, then cut into leaves of ``nodeCapacity``); each upper level groups
/// consecutive nodes of the level below. Everything lives in flat arrays, so a tree of the 6,651
/// GP practices of England is a few hundred kilobytes and is shared between threads freely.
///
/// ```swift
/// let tree = PointTree(units)                      // [Coordinate] in EPSG:27700
/// let near = tree.within(centroid, radius: 30_000)  // [(index, distance)] in index order
/// let closest = tree.nearest(centroid, k: 3)        // nearest first
/// ```
public struct PointTree: Sendable {
    /// Entries per node.
    public static let nodeCapacity = 16
    /// Number of points.
    public let count: Int
    /// Points in packed order.
    private let xs: [Double], ys: [Double]
    /// Original index of each packed point.
    private let ids: [Int32]
    /// Node bounds per level (level 0 = leaves over points), as minX, minY, maxX, maxY.
    private let levels: [[(Double, Double, Double, Double)]]

    /// Builds the tree. Points with a non-finite coordinate are left out of every query.
    public init(_ points: [Coordinate]) {
        let usable = points.indices.filter { points[$0].x.isFinite && points[$0].y.isFinite }
        let m = Self.nodeCapacity
        // Sort-tile-recursive leaf order.
        var order = usable.sorted { points[$0].x < points[$1].x || (points[$0].x == points[$1].x && $0 < $1) }
        let leafCount = (order.count + m - 1) / m
        let slices = max(1, Int(Double(leafCount).squareRoot().rounded(.up)))
        let perSlice = slices * m
        var start = 0
        while start < order.count {
            let end = min(order.count, start + perSlice)
            order[start..<end].sort { points[$0].y < points[$1].y || (points[$0].y == points[$1].y && $0 < $1) }
            start = end
        }
        count = order.count
        xs = order.map { points[$0].x }
        ys = order.map { points[$0].y }
        ids = order.map { Int32($0) }
        // Bounds, level by level, until a single root.
        var levels: [[(Double, Double, Double, Double)]] = []
        var below: [(Double, Double, Double, Double)] = zip(xs, ys).map { ($0, $1, $0, $1) }
        repeat {
            var level: [(Double, Double, Double, Double)] = []
            level.reserveCapacity((below.count + m - 1) / m)
            var i = 0
            while i < below.count {
                var b = below[i]
                for j in (i + 1)..<min(below.count, i + m) {
                    let c = below[j]
                    b = (min(b.0, c.0), min(b.1, c.1), max(b.2, c.2), max(b.3, c.3))
                }
                level.append(b)
                i += m
            }
            levels.append(level)
            below = level
        } while below.count > 1
        self.levels = order.isEmpty ? [] : levels
    }

    @inline(__always)
    private static func boxDistance2(_ b: (Double, Double, Double, Double), _ x: Double, _ y: Double) -> Double {
        let dx = x < b.0 ? b.0 - x : (x > b.2 ? x - b.2 : 0)
        let dy = y < b.1 ? b.1 - y : (y > b.3 ? y - b.3 : 0)
        return dx * dx + dy * dy
    }

    /// Calls `body(index, distance)` for every point within `radius` of `p` (distance ≤ radius),
    /// in no particular order.
    public func forEach(within radius: Double, of p: Coordinate, _ body: (Int, Double) -> Void) {
        guard let top = levels.last, radius >= 0, p.x.isFinite, p.y.isFinite else { return }
        let r2 = radius * radius
        let m = Self.nodeCapacity
        // Stack of (level, node).
        var stack: [(Int, Int)] = []
        stack.reserveCapacity(64)
        for n in top.indices { stack.append((levels.count - 1, n)) }
        while let (level, node) = stack.popLast() {
            guard Self.boxDistance2(levels[level][node], p.x, p.y) <= r2 else { continue }
            let first = node * m
            if level == 0 {
                for k in first..<min(count, first + m) {
                    let dx = xs[k] - p.x, dy = ys[k] - p.y
                    let d2 = dx * dx + dy * dy
                    if d2 <= r2 { body(Int(ids[k]), d2.squareRoot()) }
                }
            } else {
                for c in first..<min(levels[level - 1].count, first + m) { stack.append((level - 1, c)) }
            }
        }
    }

    /// The points within `radius` of `p`, sorted by index.
    public func within(_ p: Coordinate, radius: Double) -> [(index: Int, distance: Double)] {
        var result: [(index: Int, distance: Double)] = []
        forEach(within: radius, of: p) { result.append(($0, $1)) }
        return result.sorted { $0.index < $1.index }
    }

    /// The `k` nearest points to `p`, nearest first (ties by lower index); fewer when the tree
    /// holds fewer points.
    public func nearest(_ p: Coordinate, k: Int) -> [(index: Int, distance: Double)] {
        guard let top = levels.last, k > 0, p.x.isFinite, p.y.isFinite else { return [] }
        let m = Self.nodeCapacity
        // Best-first search: a min-heap of nodes and points keyed by squared distance. Entry level
        // ≥ 0 is a node of that level; -1 is a point, carrying its original index. At equal
        // distance nodes come first, so every point at that distance is in the heap before the
        // first is taken, and points tie-break by original index.
        var heap = MinHeap<(d2: Double, level: Int, index: Int)> { a, b in
            a.d2 < b.d2 || (a.d2 == b.d2 && (a.level > b.level || (a.level == b.level && a.index < b.index)))
        }
        for n in top.indices { heap.push((Self.boxDistance2(top[n], p.x, p.y), levels.count - 1, n)) }
        var result: [(index: Int, distance: Double)] = []
        while result.count < k, let e = heap.pop() {
            if e.level == -1 {
                result.append((e.index, e.d2.squareRoot()))
                continue
            }
            let first = e.index * m
            if e.level == 0 {
                for j in first..<min(count, first + m) {
                    let dx = xs[j] - p.x, dy = ys[j] - p.y
                    heap.push((dx * dx + dy * dy, -1, Int(ids[j])))
                }
            } else {
                for c in first..<min(levels[e.level - 1].count, first + m) {
                    heap.push((Self.boxDistance2(levels[e.level - 1][c], p.x, p.y), e.level - 1, c))
                }
            }
        }
        return result
    }
}

/// A binary min-heap ordered by a comparison.
struct MinHeap<Element> {
    private var items: [Element] = []
    private let less: (Element, Element) -> Bool

    init(_ less: @escaping (Element, Element) -> Bool) { self.less = less }

    var isEmpty: Bool { items.isEmpty }

    mutating func push(_ e: Element) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < items.count && less(items[l], items[smallest]) { smallest = l }
            if r < items.count && less(items[r], items[smallest]) { smallest = r }
            if smallest == i { break }
            items.swapAt(i, smallest)
            i = smallest
        }
        return top
    }
}
