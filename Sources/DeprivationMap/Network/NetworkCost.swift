import Foundation
import GeoProjection

/// What a network cost measures: minutes of travel or metres along the network.
public enum NetworkMetric: String, Sendable, Hashable, CaseIterable, Codable {
    /// Minutes of travel.
    case time
    /// Metres along the network (the IoD's "road distance").
    case distance
}

/// A network cost model: a router for one mode, what to measure, and the largest distance an
/// origin or a service may be moved to reach the network.
///
/// ```swift
/// var spec = AccessSpec(measure: .nearest, cost: .network(NetworkCost(router: walk)))
/// ```
public struct NetworkCost: Sendable {
    /// The router (an engine this library started, or a shared server).
    public var router: NetworkRouter
    /// Minutes (default) or metres along the network.
    public var metric: NetworkMetric
    /// Largest snapping distance in metres; a point farther from the network gets no cost and is named.
    public var snapCap: Double

    /// A network cost with a 500 m snapping cap.
    public init(router: NetworkRouter, metric: NetworkMetric = .time, snapCap: Double = 500) {
        self.router = router
        self.metric = metric
        self.snapCap = snapCap
    }

    /// The cost unit: minutes, or metres along the network.
    public var unit: CostUnit { metric == .time ? .minutes : .metres }

    /// The `k` cheapest services of every origin (both EPSG:27700), cheapest first, in minutes or
    /// metres; asked of the engine only for the pairs a straight-line bound cannot rule out. An
    /// origin beyond the snapping cap, or reaching no service, gets an empty list.
    /// - Throws: ``NetworkError``, `ProjectionError`.
    public func nearest(origins: [Coordinate], services: [Coordinate], k: Int = 1) throws -> [[(index: Int, cost: Double)]] {
        guard k >= 1 else { throw NetworkError.badParameter("the number of nearest services must be at least 1", .neighbours) }
        guard !services.isEmpty else { return origins.map { _ in [] } }
        let binding = try NetworkCostBinding(cost: self, origins: origins, services: services)
        return try binding.nearest(k: k, progress: nil).map { $0.map { (index: $0.index, cost: $0.distance) } }
    }

    /// How costs are measured, in words.
    public var words: String {
        (metric == .time ? "travel time \(router.mode.words)" : "distance \(router.mode.words) along the network") + " (\(router.source))"
    }
}

/// A network cost bound to origins and services (both EPSG:27700): asks the router only for the
/// pairs a straight-line bound cannot rule out, in blocks, and keeps what it found for the
/// diagnostics (snapping, unreachable pairs, pairs beating the bound).
final class NetworkCostBinding: @unchecked Sendable {
    let cost: NetworkCost
    /// Origins in EPSG:27700; an origin outside ``restrict(to:within:)`` is NaN and never asked.
    private(set) var origins: [Coordinate]
    let services: [Coordinate]
    let originLonLat: [Coordinate]
    let serviceLonLat: [Coordinate]
    let tree: PointTree
    /// Metres each point was moved to the network (NaN until asked).
    private(set) var originSnap: [Double]
    private(set) var serviceSnap: [Double]
    private(set) var pairsAsked = 0
    private(set) var unreachablePairs = 0
    private(set) var beatBound = 0
    private(set) var requests = 0

    init(cost: NetworkCost, origins: [Coordinate], services: [Coordinate]) throws {
        guard cost.snapCap > 0, cost.snapCap.isFinite else { throw NetworkError.badParameter("the snapping cap must be a positive number of metres", .snapCap) }
        self.cost = cost
        self.origins = origins
        self.services = services
        let toLonLat = try ThreadProjection.current().transformer(from: .britishNationalGrid, to: .wgs84)
        var o = origins, s = services
        try toLonLat.transform(&o)
        try toLonLat.transform(&s)
        originLonLat = o
        serviceLonLat = s
        tree = PointTree(services)
        originSnap = Array(repeating: .nan, count: origins.count)
        serviceSnap = Array(repeating: .nan, count: services.count)
    }

    /// Asks the router only for the origins `kept`, and those within `radius` straight-line
    /// metres of one of them: an analysis reporting on a region needs no costs elsewhere
    /// (a floating catchment needs the demand within twice its reach).
    func restrict(to kept: [Int], within radius: Double = 0) {
        var keep = Set(kept)
        if radius > 0 {
            let tree = PointTree(kept.map { origins[$0] })
            for o in origins.indices where !keep.contains(o) && origins[o].x.isFinite {
                if !tree.nearest(origins[o], k: 1).filter({ $0.distance <= radius }).isEmpty { keep.insert(o) }
            }
        }
        for o in origins.indices where !keep.contains(o) { origins[o] = Coordinate(x: .nan, y: .nan) }
    }

    /// Straight-line metres that can be covered for `cost` (a lower bound on the cost of a pair
    /// that far apart is the inverse).
    func reach(_ c: Double) -> Double {
        cost.metric == .distance ? c : c * cost.router.mode.maximumSpeedKmh * 1000 / 60
    }

    /// Network costs of `pairs[o]` (service indices per origin), asked in blocks of nearby origins.
    /// Returns, per origin, (service, cost) for the pairs with a cost (unreachable pairs, and
    /// points beyond the snapping cap, have none).
    func costs(of wanted: [Int: [Int]], progress: ProgressCallback?) throws -> [Int: [(Int, Double)]] {
        // Nearby origins share their candidates: order by 5 km cell, then fill blocks.
        let order = wanted.keys.sorted { a, b in
            let ka = (Int((origins[a].y / 5000).rounded(.down)), Int((origins[a].x / 5000).rounded(.down)))
            let kb = (Int((origins[b].y / 5000).rounded(.down)), Int((origins[b].x / 5000).rounded(.down)))
            return ka != kb ? ka < kb : a < b
        }
        var out: [Int: [(Int, Double)]] = [:]
        var i = 0
        let cells = max(1, min(cost.router.maximumCells, 250_000))
        while i < order.count {
            var block: [Int] = []
            var columns = Set<Int>()
            while i < order.count {
                let next = columns.union(wanted[order[i]] ?? [])
                if !block.isEmpty && (block.count + 1) * max(1, next.count) > cells { break }
                block.append(order[i])
                columns = next
                i += 1
            }
            let cols = columns.sorted()
            guard !cols.isEmpty else { continue }
            let table = try cost.router.table(sources: block.map { originLonLat[$0] }, destinations: cols.map { serviceLonLat[$0] })
            requests += 1
            for (c, s) in cols.enumerated() where serviceSnap[s].isNaN { serviceSnap[s] = table.destinationSnap[c] }
            for (r, o) in block.enumerated() {
                originSnap[o] = table.sourceSnap[r]
                let originOK = table.sourceSnap[r] <= cost.snapCap
                var row: [(Int, Double)] = []
                for (c, s) in cols.enumerated() {
                    pairsAsked += 1
                    let raw = cost.metric == .time ? table.seconds[r * cols.count + c].map { $0 / 60 } : table.metres[r * cols.count + c]
                    guard let value = raw else { unreachablePairs += 1; continue }
                    guard originOK, table.destinationSnap[c] <= cost.snapCap else { continue }
                    let straight = hypot(origins[o].x - services[s].x, origins[o].y - services[s].y)
                    // Snapping moves both ends, so the bound allows for it.
                    if reach(value) + table.sourceSnap[r] + table.destinationSnap[c] < straight * 0.999 { beatBound += 1 }
                    row.append((s, value))
                }
                out[o] = row
            }
            progress?(ProgressEvent(stage: "network costs", done: i, total: order.count))
        }
        return out
    }

    /// The k cheapest services of every origin, exact under the speed bound: candidates are
    /// taken in straight-line order and widened until the k-th cost found cannot be beaten by
    /// a service farther away.
    func nearest(k: Int, progress: ProgressCallback?) throws -> [[(index: Int, distance: Double)]] {
        let n = services.count
        var result = [[(index: Int, distance: Double)]](repeating: [], count: origins.count)
        var known = [[Int: Double]](repeating: [:], count: origins.count)
        var width = [Int](repeating: min(n, max(8, 4 * k)), count: origins.count)
        var pending = Set(origins.indices.filter { origins[$0].x.isFinite && origins[$0].y.isFinite })
        while !pending.isEmpty {
            var wanted: [Int: [Int]] = [:]
            var bounds: [Int: Double] = [:]
            for o in pending {
                let candidates = tree.nearest(origins[o], k: width[o])
                bounds[o] = width[o] >= n ? .infinity : (candidates.last?.distance ?? .infinity)
                let missing = candidates.map(\.index).filter { known[o][$0] == nil }
                wanted[o] = missing
            }
            let found = try costs(of: wanted.filter { !$0.value.isEmpty }, progress: progress)
            for (o, asked) in wanted {
                for s in asked { known[o][s] = .infinity }
                for (s, c) in found[o] ?? [] { known[o][s] = c }
            }
            var next = Set<Int>()
            for o in pending {
                if originSnap[o] > cost.snapCap { continue }
                let sorted = known[o].filter { $0.value.isFinite }.sorted { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }
                let kth = sorted.count >= min(k, n) ? sorted[min(k, n) - 1].value : .infinity
                // A service beyond the straight-line radius costs at least reach⁻¹(radius − snapping).
                let slack = (originSnap[o].isFinite ? originSnap[o] : 0) + cost.snapCap
                let bound = bounds[o]!
                if bound.isInfinite || reach(kth) <= bound - slack {
                    result[o] = sorted.prefix(k).map { (index: $0.key, distance: $0.value) }
                } else {
                    width[o] = min(n, width[o] * 4)
                    next.insert(o)
                }
            }
            pending = next
        }
        return result
    }

    /// Pairs with a cost of at most `radius` (minutes or metres), sorted by service per origin.
    func within(_ radius: Double, progress: ProgressCallback?) throws -> SparseNeighbours {
        var wanted: [Int: [Int]] = [:]
        for o in origins.indices where origins[o].x.isFinite && origins[o].y.isFinite {
            var c: [Int] = []
            tree.forEach(within: reach(radius) + 2 * cost.snapCap, of: origins[o]) { s, _ in c.append(s) }
            if !c.isEmpty { wanted[o] = c }
        }
        let found = try costs(of: wanted, progress: progress)
        var offsets = [0], indices: [Int32] = [], values: [Double] = []
        for o in origins.indices {
            let row = (found[o] ?? []).filter { $0.1 <= radius }.sorted { $0.0 < $1.0 }
            for (s, c) in row { indices.append(Int32(s)); values.append(c) }
            offsets.append(indices.count)
        }
        return SparseNeighbours(serviceCount: services.count, offsets: offsets, services: indices, costs: values)
    }

    /// What the router did, snapping and unreachable pairs, for the analysis's diagnostics.
    func diagnostics(originCodes: [String], serviceIds: [String]) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let snapped = originSnap.filter(\.isFinite).sorted()
        var line = "\(cost.words): \(grouped(pairsAsked)) pairs asked in \(requests) request\(requests == 1 ? "" : "s")"
        if !snapped.isEmpty {
            line += "; origins moved to the network by a median of \(Int(snapped[snapped.count / 2].rounded())) m, at most \(Int(snapped.last!.rounded())) m"
        }
        out.append(Diagnostic(line))
        let farOrigins = originSnap.indices.filter { originSnap[$0] > cost.snapCap }.map { originCodes[$0] }
        if !farOrigins.isEmpty {
            out.append(Diagnostic("\(farOrigins.count) areas are more than \(Int(cost.snapCap)) m from the network and get no cost: \(list(farOrigins))",
                                  codes: farOrigins, advice: "raise \(Setting.snapCap), or give an extract that covers them as \(Setting.network)"))
        }
        let farServices = serviceSnap.indices.filter { serviceSnap[$0] > cost.snapCap }.map { serviceIds[$0] }
        if !farServices.isEmpty {
            out.append(Diagnostic("\(farServices.count) services are more than \(Int(cost.snapCap)) m from the network and are left out: \(list(farServices))",
                                  codes: farServices, advice: "raise \(Setting.snapCap), or give an extract that covers them as \(Setting.network)"))
        }
        if unreachablePairs > 0 {
            out.append(Diagnostic("\(grouped(unreachablePairs)) pairs have no route \(cost.router.mode.words) (a disconnected island or closed ways); they count as not reached, never as a cost"))
        }
        if beatBound > 0 {
            out.append(Diagnostic("\(beatBound) pairs were faster than the \(Int(cost.router.mode.maximumSpeedKmh)) km/h bound used to prune by straight line; nearest services may be missed there"))
        }
        return out
    }
}
