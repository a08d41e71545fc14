import Foundation

/// Who each candidate stop reaches: clients (areas, with a weight such as their population) and
/// candidate sites, with the clients of each candidate within a walking radius.
///
/// Stored both ways as compressed rows (candidate → clients and client → candidates), so that
/// greedy, interchange and bound computations touch only the pairs that exist.
public struct CoverageInstance: Sendable {
    /// Weight per client (population).
    public var weights: [Double]
    /// Number of candidate sites.
    public var candidateCount: Int
    /// Clients of candidate `j`: `clients[clientOffsets[j]..<clientOffsets[j + 1]]`, ascending.
    public var clientOffsets: [Int]
    /// Client indices, grouped by candidate (see ``clientOffsets``).
    public var clients: [Int32]
    /// Candidates covering client `i`: `candidates[candidateOffsets[i]..<candidateOffsets[i + 1]]`, ascending.
    public var candidateOffsets: [Int]
    /// Candidate indices, grouped by client (see ``candidateOffsets``).
    public var candidates: [Int32]

    /// An instance from explicit cover lists (`covers[j]` = clients of candidate `j`).
    public init(weights: [Double], covers: [[Int]]) {
        self.weights = weights
        candidateCount = covers.count
        clientOffsets = [0]
        clients = []
        for row in covers {
            clients += Set(row).sorted().map { Int32($0) }
            clientOffsets.append(clients.count)
        }
        (candidateOffsets, candidates) = Self.transpose(offsets: clientOffsets, items: clients, columns: weights.count)
    }

    /// Candidate `j` covers client `i` when their straight-line distance is at most `radius`
    /// (same units as the coordinates, metres in EPSG:27700). Built on all cores from a point tree.
    public init(clients points: [Coordinate], weights: [Double], candidates sites: [Coordinate], radius: Double) {
        precondition(points.count == weights.count, "one weight per client")
        let tree = PointTree(points)
        let pairs = SparseNeighbours.within(radius: radius, origins: sites, tree: tree, serviceCount: points.count)
        self.weights = weights
        candidateCount = sites.count
        clientOffsets = pairs.offsets
        clients = pairs.services
        (candidateOffsets, candidates) = Self.transpose(offsets: clientOffsets, items: clients, columns: weights.count)
    }

    private static func transpose(offsets: [Int], items: [Int32], columns: Int) -> ([Int], [Int32]) {
        var counts = [Int](repeating: 0, count: columns + 1)
        for c in items { counts[Int(c) + 1] += 1 }
        for i in 0..<columns { counts[i + 1] += counts[i] }
        var fill = counts
        var out = [Int32](repeating: 0, count: items.count)
        for row in 0..<(offsets.count - 1) {
            for k in offsets[row]..<offsets[row + 1] {
                let c = Int(items[k])
                out[fill[c]] = Int32(row)
                fill[c] += 1
            }
        }
        return (counts, out)
    }

    /// Number of clients (target areas).
    public var clientCount: Int { weights.count }
    /// Candidate–client pairs within the radius.
    public var pairCount: Int { clients.count }
    /// The clients candidate `candidate` covers, ascending.
    public func clients(of candidate: Int) -> ArraySlice<Int32> { clients[clientOffsets[candidate]..<clientOffsets[candidate + 1]] }
    /// The candidates that cover client `client`, ascending.
    public func candidates(of client: Int) -> ArraySlice<Int32> { candidates[candidateOffsets[client]..<candidateOffsets[client + 1]] }
    /// Clients that no candidate reaches.
    public var unreachableClients: [Int] { (0..<clientCount).filter { candidateOffsets[$0] == candidateOffsets[$0 + 1] } }
    /// Total weight of the clients some candidate reaches: no choice of stops covers more.
    public var reachableWeight: Double {
        (0..<clientCount).reduce(0) { $0 + (candidateOffsets[$1] < candidateOffsets[$1 + 1] ? weights[$1] : 0) }
    }

    /// Total weight covered by `stops`.
    public func coveredWeight(_ stops: [Int]) -> Double {
        var covered = [Bool](repeating: false, count: clientCount)
        var total = 0.0
        for j in stops {
            for i in clients(of: j) where !covered[Int(i)] {
                covered[Int(i)] = true
                total += weights[Int(i)]
            }
        }
        return total
    }
}

/// How a maximal covering solution was found and how good it is known to be.
public struct CoveringSolution: Sendable, Hashable, Codable {
    /// Chosen candidates, in the order they were chosen (greedy order, then swaps).
    public var stops: [Int]
    /// Weight covered.
    public var covered: Double
    /// A proven upper bound on the weight any `p` stops can cover.
    public var upperBound: Double
    /// `true` when the solution is proven optimal (exact search finished, or bound met).
    public var optimal: Bool
    /// "exact (branch and bound, 1,234 nodes)", "greedy + interchange (3 swaps)" …
    public var method: String
    /// Weight the greedy step alone covered, before the interchange search.
    public var greedyCovered: Double
    /// Improving swaps applied by the interchange search.
    public var swaps: Int

    /// Relative gap to the upper bound: (bound − covered) / bound; 0 when optimal.
    public var gap: Double { optimal || upperBound <= 0 ? 0 : max(0, (upperBound - covered) / upperBound) }
}

/// The smallest set of stops found that covers every reachable client.
public struct SetCoverSolution: Sendable, Hashable, Codable {
    /// Candidate indices of the chosen stops.
    public var stops: [Int]
    /// No set of fewer stops can cover every reachable client.
    public var lowerBound: Int
    /// `true` when the solution is proven to use the fewest stops.
    public var optimal: Bool
    /// How it was found, in words ("exact branch and bound", "greedy with redundancy removal" …).
    public var method: String
}
