import Foundation

/// Sparse area → service neighbour lists with a cost per pair (metres or minutes), stored as
/// compressed rows: the pairs of area `i` are `offsets[i]..<offsets[i + 1]`, sorted by service.
///
/// Built from a ``PointTree`` (straight lines within a radius) or from a travel-time matrix
/// (pairs within a maximum cost). Only pairs that exist are stored, so all 32,844 English LSOAs
/// against all 6,651 GP practices within 10 km take a few million pairs, not a dense matrix.
public struct SparseNeighbours: Sendable {
    /// Number of areas (rows).
    public var areaCount: Int { offsets.count - 1 }
    /// Number of services (columns).
    public var serviceCount: Int
    /// Start of each area's pairs in ``services`` and ``costs``; `areaCount + 1` entries.
    public var offsets: [Int]
    /// Service index of each pair, grouped by area.
    public var services: [Int32]
    /// Cost of each pair (metres, or the matrix's unit).
    public var costs: [Double]

    /// Total number of area–service pairs.
    public var pairCount: Int { services.count }

    /// Neighbour lists from their arrays (`offsets` ascending, starting at 0, ending at the pair count).
    public init(serviceCount: Int, offsets: [Int], services: [Int32], costs: [Double]) {
        self.serviceCount = serviceCount
        self.offsets = offsets
        self.services = services
        self.costs = costs
    }

    /// The pairs of area `i`.
    public func range(of area: Int) -> Range<Int> { offsets[area]..<offsets[area + 1] }

    /// Pairs within `radius` (straight-line distance, ≤ radius) from each origin to the
    /// services of `tree`, computed on all cores. Origins with a non-finite coordinate get no pairs.
    /// `progress` is called from worker threads with the origins done ("catchments").
    public static func within(radius: Double, origins: [Coordinate], tree: PointTree, serviceCount: Int,
                              threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                              progress: ProgressCallback? = nil) -> SparseNeighbours {
        struct Part: Sendable { var counts: [Int]; var services: [Int32]; var costs: [Double] }
        let done = Counter()
        let parts: [Part] = (try? parallelChunks(count: origins.count, threads: threads) { range in
            var part = Part(counts: [], services: [], costs: [])
            part.counts.reserveCapacity(range.count)
            var row: [(Int32, Double)] = []
            for i in range {
                if let progress, (i - range.lowerBound) % 1024 == 1023 {
                    progress(ProgressEvent(stage: "catchments", done: done.adding(1024), total: origins.count))
                }
                row.removeAll(keepingCapacity: true)
                tree.forEach(within: radius, of: origins[i]) { row.append((Int32($0), $1)) }
                row.sort { $0.0 < $1.0 }
                part.counts.append(row.count)
                for (s, d) in row { part.services.append(s); part.costs.append(d) }
            }
            if let progress { progress(ProgressEvent(stage: "catchments", done: done.adding(range.count % 1024), total: origins.count)) }
            return [part]
        }) ?? []
        var offsets = [0]
        offsets.reserveCapacity(origins.count + 1)
        var services: [Int32] = [], costs: [Double] = []
        let total = parts.reduce(0) { $0 + $1.services.count }
        services.reserveCapacity(total)
        costs.reserveCapacity(total)
        for p in parts {
            for c in p.counts { offsets.append(offsets.last! + c) }
            services += p.services
            costs += p.costs
        }
        return SparseNeighbours(serviceCount: serviceCount, offsets: offsets, services: services, costs: costs)
    }

    /// The pairs with cost ≤ `maxCost` (all pairs when `nil`).
    public func limited(to maxCost: Double?) -> SparseNeighbours {
        guard let maxCost else { return self }
        var out = SparseNeighbours(serviceCount: serviceCount, offsets: [0], services: [], costs: [])
        out.offsets.reserveCapacity(offsets.count)
        for a in 0..<areaCount {
            for k in range(of: a) where costs[k] <= maxCost {
                out.services.append(services[k])
                out.costs.append(costs[k])
            }
            out.offsets.append(out.services.count)
        }
        return out
    }
}

/// How a pair's weight falls with its cost inside the catchment.
public enum DistanceDecay: Sendable, Hashable, CustomStringConvertible {
    /// Weight 1 for every pair within the catchment (the original 2SFCA of Luo & Wang 2003).
    case binary
    /// Weight of the first step whose upper cost bound is ≥ the cost (bounds inclusive, as in
    /// PySAL `access` `step_fn`); 0 beyond the last step.
    case steps([Step])
    /// exp(−cost² / (2σ²)), 1 at cost 0 (PySAL `access` `gaussian`).
    case gaussian(sigma: Double)

    /// One step of a stepped decay.
    public struct Step: Sendable, Hashable {
        /// Costs up to this (inclusive) take ``weight``.
        public var upTo: Double
        /// Weight of the step, 0–1.
        public var weight: Double
        /// A step: weight `weight` for costs up to `upTo`.
        public init(upTo: Double, weight: Double) { self.upTo = upTo; self.weight = weight }
    }

    /// The enhanced 2SFCA default of Luo & Qi (2009): three zones at a third, two thirds and all
    /// of the catchment, with weights 1, 0.68 and 0.22.
    public static func luoQi(catchment: Double) -> DistanceDecay {
        .steps([Step(upTo: catchment / 3, weight: 1), Step(upTo: 2 * catchment / 3, weight: 0.68), Step(upTo: catchment, weight: 0.22)])
    }

    /// Weight of a pair at `cost` (0 beyond the last step or for a binary decay's radius).
    @inline(__always)
    public func weight(_ cost: Double) -> Double {
        switch self {
        case .binary: return 1
        case .steps(let steps):
            for s in steps where cost <= s.upTo { return s.weight }
            return 0
        case .gaussian(let sigma): return exp(-cost * cost / (2 * sigma * sigma))
        }
    }

    public var description: String {
        switch self {
        case .binary: return "binary"
        case .steps(let steps): return "steps " + steps.map { "≤\(Self.format($0.upTo)): \(Self.format($0.weight))" }.joined(separator: ", ")
        case .gaussian(let sigma): return "Gaussian σ = \(Self.format(sigma))"
        }
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(format: "%g", v)
    }

    /// Parses `binary`, `gaussian:SIGMA` or `steps:UPTO=WEIGHT,UPTO=WEIGHT,…`.
    /// - Throws: ``AccessError/badDecay(_:)``.
    public static func parse(_ text: String) throws -> DistanceDecay {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "binary" { return .binary }
        if t.hasPrefix("gaussian:"), let s = Double(t.dropFirst("gaussian:".count)), s > 0, s.isFinite { return .gaussian(sigma: s) }
        if t.hasPrefix("steps:") {
            var steps: [Step] = []
            for item in t.dropFirst("steps:".count).split(separator: ",") {
                let kv = item.split(separator: "=")
                guard kv.count == 2, let upTo = Double(kv[0].trimmingCharacters(in: .whitespaces)),
                      let w = Double(kv[1].trimmingCharacters(in: .whitespaces)), upTo >= 0, w >= 0, w.isFinite else {
                    throw AccessError.badDecay("'\(item)' is not UPTO=WEIGHT with non-negative numbers")
                }
                steps.append(Step(upTo: upTo, weight: w))
            }
            guard !steps.isEmpty else { throw AccessError.badDecay("no steps given") }
            return .steps(steps.sorted { $0.upTo < $1.upTo })
        }
        throw AccessError.badDecay("'\(text)' is not binary, gaussian:SIGMA or steps:UPTO=WEIGHT,…")
    }
}
