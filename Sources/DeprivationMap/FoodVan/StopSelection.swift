import Foundation

/// Maximal covering (choose `p` stops to cover the most weight) and set covering (the fewest stops
/// that cover every reachable client).
///
/// Maximal covering: greedy, then the interchange (swap) search of Teitz and Bart in the fast form
/// of Whitaker: every pass finds the best single swap of a chosen stop for an unchosen one from
/// the per-client cover counts in O(pairs), and applies it while it gains. The upper bound is the
/// Lagrangian relaxation of the coverage constraints (Galvão and ReVelle), improved by subgradient
/// steps. Small instances are solved exactly by branch and bound, using that the coverage function
/// is submodular: covered weight plus the best `p − k` marginal gains bounds every completion.
///
/// Set covering: greedy (most uncovered clients, ties by weight) with redundant stops removed, an
/// exact branch and bound on the least-covered client for small instances, and a lower bound from
/// clients that share no candidate (each needs its own stop).
///
/// Every method is deterministic: ties go to the lower candidate index.
public enum StopSelection {
    /// Chooses `p` stops maximising the covered weight.
    /// - Parameters:
    ///   - instance: clients, weights and the candidates covering each.
    ///   - p: the number of stops.
    ///   - exactLimit: search exactly (branch and bound) when there are at most this many
    ///     candidates; larger instances use greedy + interchange with the Lagrangian bound.
    ///   - nodeLimit: branch-and-bound nodes before giving up proof of optimality (the best
    ///     solution found and the bound are still returned).
    ///   - boundIterations: subgradient iterations of the Lagrangian upper bound.
    public static func maximalCovering(_ instance: CoverageInstance, p: Int, exactLimit: Int = 60,
                                       nodeLimit: Int = 2_000_000, boundIterations: Int = 1_000) -> CoveringSolution {
        let p = min(p, instance.candidateCount)
        guard p > 0 else {
            return CoveringSolution(stops: [], covered: 0, upperBound: 0, optimal: true, method: "no stops", greedyCovered: 0, swaps: 0)
        }
        let greedy = greedyCovering(instance, p: p)
        let greedyCovered = instance.coveredWeight(greedy)
        var (stops, swaps) = interchange(instance, start: greedy)
        var covered = instance.coveredWeight(stops)
        let relaxation = lagrangian(instance, p: p, lowerBound: covered, iterations: boundIterations)
        var bound = min(instance.reachableWeight, relaxation.bound)
        var method = "greedy + interchange (\(swaps) swap\(swaps == 1 ? "" : "s"))"
        // Lagrangian heuristic: the relaxation's best stop set, improved by interchange, when it beats greedy's.
        if covered < bound, !relaxation.stops.isEmpty {
            let (alternative, moreSwaps) = interchange(instance, start: relaxation.stops)
            let value = instance.coveredWeight(alternative)
            if value > covered * (1 + 1e-12) {
                stops = alternative
                covered = value
                swaps = moreSwaps
                method = "Lagrangian heuristic + interchange (\(swaps) swap\(swaps == 1 ? "" : "s"))"
            }
        }
        let tolerance = 1e-9 * max(1, bound)
        var optimal = covered >= bound - tolerance
        if !optimal && instance.candidateCount <= exactLimit {
            let search = branchAndBound(instance, p: p, incumbent: stops, incumbentValue: covered, nodeLimit: nodeLimit)
            if search.value > covered + tolerance { stops = search.stops; covered = search.value }
            if search.complete {
                optimal = true
                bound = covered
                method = "exact (branch and bound, \(search.nodes) nodes; greedy + interchange found \(search.improved ? "less" : "the optimum"))"
            } else {
                method += "; branch and bound stopped after \(search.nodes) nodes"
            }
        } else if optimal {
            method += ", proven optimal by the bound"
            bound = covered
        }
        return CoveringSolution(stops: stops, covered: covered, upperBound: bound, optimal: optimal, method: method,
                                greedyCovered: greedyCovered, swaps: swaps)
    }

    /// Greedy: repeatedly the candidate with the largest uncovered weight (ties: lower index);
    /// stops once nothing more can be covered, so it may return fewer than `p`.
    static func greedyCovering(_ instance: CoverageInstance, p: Int) -> [Int] {
        var gain = [Double](repeating: 0, count: instance.candidateCount)
        for j in 0..<instance.candidateCount {
            for i in instance.clients(of: j) { gain[j] += instance.weights[Int(i)] }
        }
        var covered = [Bool](repeating: false, count: instance.clientCount)
        var chosen = [Bool](repeating: false, count: instance.candidateCount)
        var stops: [Int] = []
        while stops.count < p {
            var best = -1
            for j in 0..<instance.candidateCount where !chosen[j] && gain[j] > 0 && (best < 0 || gain[j] > gain[best]) { best = j }
            guard best >= 0 else { break }
            chosen[best] = true
            stops.append(best)
            for i in instance.clients(of: best) where !covered[Int(i)] {
                covered[Int(i)] = true
                for j in instance.candidates(of: Int(i)) { gain[Int(j)] -= instance.weights[Int(i)] }
            }
        }
        return stops
    }

    /// Best-improvement interchange from `start`: swaps one chosen stop for one unchosen candidate
    /// while that covers more. Returns the stops and the number of swaps.
    static func interchange(_ instance: CoverageInstance, start: [Int], maxPasses: Int = 100_000) -> ([Int], Int) {
        var stops = start
        guard !stops.isEmpty, stops.count < instance.candidateCount else { return (stops, 0) }
        let w = instance.weights
        var chosen = [Bool](repeating: false, count: instance.candidateCount)
        var count = [Int32](repeating: 0, count: instance.clientCount)
        for j in stops {
            chosen[j] = true
            for i in instance.clients(of: j) { count[Int(i)] += 1 }
        }
        let scale = max(1, w.reduce(0, +))
        var swaps = 0
        var gain0 = [Double](repeating: 0, count: instance.candidateCount)
        // Extra gain of adding c when s leaves: weight of the clients covered only by s that c covers.
        var extra = [Double](repeating: 0, count: instance.candidateCount)
        var marked = [Bool](repeating: false, count: instance.candidateCount)
        var touched: [Int] = []
        for _ in 0..<maxPasses {
            for j in 0..<instance.candidateCount { gain0[j] = 0 }
            for i in 0..<instance.clientCount where count[i] == 0 {
                for j in instance.candidates(of: i) { gain0[Int(j)] += w[i] }
            }
            var bestOverall = -1
            for j in 0..<instance.candidateCount where !chosen[j] && (bestOverall < 0 || gain0[j] > gain0[bestOverall]) { bestOverall = j }
            guard bestOverall >= 0 else { break }
            var bestDelta = 1e-12 * scale
            var bestMove: (out: Int, in: Int)?
            for s in stops {
                var loss = 0.0
                for i in instance.clients(of: s) where count[Int(i)] == 1 {
                    let wi = w[Int(i)]
                    loss += wi
                    for j in instance.candidates(of: Int(i)) where !chosen[Int(j)] {
                        if !marked[Int(j)] { marked[Int(j)] = true; touched.append(Int(j)) }
                        extra[Int(j)] += wi
                    }
                }
                var g = gain0[bestOverall], c = bestOverall
                for j in touched {
                    let e = gain0[j] + extra[j]
                    if e > g || (e == g && j < c) { g = e; c = j }
                    extra[j] = 0
                    marked[j] = false
                }
                touched.removeAll(keepingCapacity: true)
                let delta = g - loss
                if delta > bestDelta { bestDelta = delta; bestMove = (s, c) }
            }
            guard let move = bestMove else { break }
            chosen[move.out] = false
            chosen[move.in] = true
            for i in instance.clients(of: move.out) { count[Int(i)] -= 1 }
            for i in instance.clients(of: move.in) { count[Int(i)] += 1 }
            stops[stops.firstIndex(of: move.out)!] = move.in
            swaps += 1
        }
        return (stops, swaps)
    }

    /// Lagrangian upper bound: for multipliers λ ≥ 0 on "client i covered only if a chosen stop
    /// covers it", UB(λ) = Σ max(0, wᵢ − λᵢ) + (sum of the p largest Σ_{i ∈ Cⱼ} λᵢ). Any λ gives
    /// a valid bound; subgradient steps lower it.
    public static func lagrangianBound(_ instance: CoverageInstance, p: Int, lowerBound: Double, iterations: Int = 1_000) -> Double {
        lagrangian(instance, p: p, lowerBound: lowerBound, iterations: iterations).bound
    }

    /// The bound, and the best-covering top-p set met on the way (a primal solution).
    static func lagrangian(_ instance: CoverageInstance, p: Int, lowerBound: Double, iterations: Int) -> (bound: Double, stops: [Int]) {
        let n = instance.clientCount, m = instance.candidateCount
        guard n > 0, m > 0, p > 0 else { return (0, []) }
        var bestStops: [Int] = []
        var bestStopsValue = -1.0
        var lambda = instance.weights.map { $0 / 2 }
        var best = Double.infinity
        var step = 1.0
        var sinceImproved = 0
        var value = [Double](repeating: 0, count: m)
        var order = Array(0..<m)
        var inTop = [Bool](repeating: false, count: m)
        var g = [Double](repeating: 0, count: n)
        for _ in 0..<iterations {
            var ub = 0.0
            for i in 0..<n where instance.weights[i] > lambda[i] { ub += instance.weights[i] - lambda[i] }
            for j in 0..<m {
                var v = 0.0
                for i in instance.clients(of: j) { v += lambda[Int(i)] }
                value[j] = v
            }
            // The p largest values (partial selection is enough for small p; sort is simple and exact).
            order.sort { value[$0] > value[$1] || (value[$0] == value[$1] && $0 < $1) }
            for j in 0..<m { inTop[j] = false }
            for k in 0..<min(p, m) { ub += value[order[k]]; inTop[order[k]] = true }
            let top = Array(order.prefix(min(p, m)))
            let topValue = instance.coveredWeight(top)
            if topValue > bestStopsValue { bestStopsValue = topValue; bestStops = top }
            if !best.isFinite || ub < best - 1e-12 * best { best = ub; sinceImproved = 0 } else { sinceImproved += 1 }
            if best - lowerBound <= 1e-9 * max(1, best) { break }
            // Subgradient of UB(λ): −[wᵢ > λᵢ] + (number of top-p candidates covering i).
            var norm = 0.0
            for i in 0..<n {
                var s = instance.weights[i] > lambda[i] ? -1.0 : 0.0
                for j in instance.candidates(of: i) where inTop[Int(j)] { s += 1 }
                g[i] = s
                norm += s * s
            }
            guard norm > 0 else { break }
            if sinceImproved >= 20 { step /= 2; sinceImproved = 0 }
            if step < 1e-6 { break }
            let t = step * max(ub - lowerBound, 1e-9 * max(1, ub)) / norm
            for i in 0..<n { lambda[i] = max(0, lambda[i] - t * g[i]) }
        }
        return (best, bestStops)
    }

    struct SearchResult { var stops: [Int]; var value: Double; var complete: Bool; var nodes: Int; var improved: Bool }

    /// Depth-first branch and bound over candidates in decreasing order of their total weight.
    static func branchAndBound(_ instance: CoverageInstance, p: Int, incumbent: [Int], incumbentValue: Double, nodeLimit: Int) -> SearchResult {
        let m = instance.candidateCount
        let w = instance.weights
        let total = (0..<m).map { j in instance.clients(of: j).reduce(0.0) { $0 + w[Int($1)] } }
        let order = (0..<m).sorted { total[$0] > total[$1] || (total[$0] == total[$1] && $0 < $1) }
        var count = [Int32](repeating: 0, count: instance.clientCount)
        var best = incumbent, bestValue = incumbentValue
        var chosen: [Int] = []
        var nodes = 0
        var complete = true
        var improved = false
        let tolerance = 1e-9 * max(1, instance.reachableWeight)
        var gains = [Double](repeating: 0, count: m)

        func marginal(_ j: Int) -> Double {
            var g = 0.0
            for i in instance.clients(of: j) where count[Int(i)] == 0 { g += w[Int(i)] }
            return g
        }
        func visit(_ position: Int, _ value: Double) {
            nodes += 1
            if nodes > nodeLimit { complete = false; return }
            if value > bestValue + tolerance { bestValue = value; best = chosen; improved = true }
            let room = p - chosen.count
            guard room > 0, position < m else { return }
            // Bound: value + the `room` largest marginal gains among the remaining candidates.
            var remaining: [Double] = []
            remaining.reserveCapacity(m - position)
            for k in position..<m { gains[k] = marginal(order[k]); if gains[k] > 0 { remaining.append(gains[k]) } }
            guard !remaining.isEmpty else { return }
            remaining.sort(by: >)
            let bound = value + remaining.prefix(room).reduce(0, +)
            guard bound > bestValue + tolerance else { return }
            let j = order[position], g = gains[position]
            if g > 0 {
                chosen.append(j)
                for i in instance.clients(of: j) { count[Int(i)] += 1 }
                visit(position + 1, value + g)
                for i in instance.clients(of: j) { count[Int(i)] -= 1 }
                chosen.removeLast()
                if !complete { return }
            }
            visit(position + 1, value)
        }
        visit(0, 0)
        return SearchResult(stops: best, value: bestValue, complete: complete, nodes: nodes, improved: improved && bestValue > incumbentValue + tolerance)
    }

    /// The fewest stops covering every reachable client (greedy with redundancy removal; exact
    /// for instances of at most `exactLimit` candidates within `nodeLimit` nodes).
    public static func setCovering(_ instance: CoverageInstance, exactLimit: Int = 60, nodeLimit: Int = 2_000_000) -> SetCoverSolution {
        let reachable = (0..<instance.clientCount).filter { !instance.candidates(of: $0).isEmpty }
        guard !reachable.isEmpty else { return SetCoverSolution(stops: [], lowerBound: 0, optimal: true, method: "nothing to cover") }
        // Greedy on the number of uncovered clients, ties by weight then index.
        var covered = [Bool](repeating: false, count: instance.clientCount)
        for i in 0..<instance.clientCount where instance.candidates(of: i).isEmpty { covered[i] = true }
        var left = reachable.count
        var stops: [Int] = []
        while left > 0 {
            var best = -1, bestCount = 0, bestWeight = 0.0
            for j in 0..<instance.candidateCount {
                var c = 0, wt = 0.0
                for i in instance.clients(of: j) where !covered[Int(i)] { c += 1; wt += instance.weights[Int(i)] }
                if c > bestCount || (c == bestCount && c > 0 && wt > bestWeight) { best = j; bestCount = c; bestWeight = wt }
            }
            stops.append(best)
            for i in instance.clients(of: best) where !covered[Int(i)] { covered[Int(i)] = true; left -= 1 }
        }
        stops = removeRedundant(instance, stops)
        let lower = packingBound(instance, reachable: reachable)
        if stops.count == lower {
            return SetCoverSolution(stops: stops, lowerBound: lower, optimal: true, method: "greedy, proven optimal by the bound")
        }
        if instance.candidateCount <= exactLimit {
            let (exact, complete, nodes) = exactSetCover(instance, reachable: reachable, incumbent: stops, lowerBound: lower, nodeLimit: nodeLimit)
            if complete {
                return SetCoverSolution(stops: exact, lowerBound: exact.count, optimal: true, method: "exact (branch and bound, \(nodes) nodes)")
            }
            return SetCoverSolution(stops: exact, lowerBound: lower, optimal: false, method: "greedy; branch and bound stopped after \(nodes) nodes")
        }
        return SetCoverSolution(stops: stops, lowerBound: lower, optimal: false, method: "greedy with redundant stops removed")
    }

    /// Drops stops whose clients are all covered by the others (the smallest first).
    static func removeRedundant(_ instance: CoverageInstance, _ stops: [Int]) -> [Int] {
        var count = [Int](repeating: 0, count: instance.clientCount)
        for j in stops { for i in instance.clients(of: j) { count[Int(i)] += 1 } }
        var kept = Set(stops)
        for j in stops.sorted(by: { instance.clients(of: $0).count < instance.clients(of: $1).count || (instance.clients(of: $0).count == instance.clients(of: $1).count && $0 > $1) }) {
            if instance.clients(of: j).allSatisfy({ count[Int($0)] > 1 }) {
                kept.remove(j)
                for i in instance.clients(of: j) { count[Int(i)] -= 1 }
            }
        }
        return stops.filter { kept.contains($0) }
    }

    /// Clients whose candidate sets are pairwise disjoint each need a different stop.
    static func packingBound(_ instance: CoverageInstance, reachable: [Int]) -> Int {
        var used = [Bool](repeating: false, count: instance.candidateCount)
        var count = 0
        for i in reachable.sorted(by: { instance.candidates(of: $0).count < instance.candidates(of: $1).count || (instance.candidates(of: $0).count == instance.candidates(of: $1).count && $0 < $1) }) {
            let row = instance.candidates(of: i)
            if row.allSatisfy({ !used[Int($0)] }) {
                count += 1
                for j in row { used[Int(j)] = true }
            }
        }
        return count
    }

    static func exactSetCover(_ instance: CoverageInstance, reachable: [Int], incumbent: [Int], lowerBound: Int, nodeLimit: Int) -> ([Int], Bool, Int) {
        var best = incumbent
        var count = [Int](repeating: 0, count: instance.clientCount)
        var uncovered = reachable.count
        let maxCover = (0..<instance.candidateCount).map { instance.clients(of: $0).count }.max() ?? 1
        var chosen: [Int] = []
        var nodes = 0
        var complete = true
        func visit() {
            nodes += 1
            if nodes > nodeLimit { complete = false; return }
            if uncovered == 0 {
                if chosen.count < best.count { best = chosen }
                return
            }
            // At least ceil(uncovered / largest cover) more stops.
            guard chosen.count + (uncovered + maxCover - 1) / maxCover < best.count, best.count > lowerBound else { return }
            // Branch on the uncovered client with the fewest candidates.
            var pick = -1
            for i in reachable where count[i] == 0 && (pick < 0 || instance.candidates(of: i).count < instance.candidates(of: pick).count) { pick = i }
            for j in instance.candidates(of: pick) {
                chosen.append(Int(j))
                for i in instance.clients(of: Int(j)) { if count[Int(i)] == 0 { uncovered -= 1 }; count[Int(i)] += 1 }
                visit()
                for i in instance.clients(of: Int(j)) { count[Int(i)] -= 1; if count[Int(i)] == 0 { uncovered += 1 } }
                chosen.removeLast()
                if !complete { return }
            }
        }
        visit()
        return (best, complete, nodes)
    }
}
