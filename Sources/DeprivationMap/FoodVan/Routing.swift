import Foundation

/// Why no route plan could be made.
public enum RouteError: Error, Sendable, Equatable, AdvisedError {
    /// One stop alone (there and back plus its service time) does not fit in a day.
    case stopBeyondBudget(stop: String, minutes: Double, budget: Double, serviceMinutes: Double)
    /// The stops do not fit in the visit days given.
    case needsMoreDays(days: Int, minimum: Int, budget: Double)
    /// A setting out of range, or a depot with no travel time to a stop.
    case badParameter(String, Setting)

    public var problem: String {
        switch self {
        case .stopBeyondBudget(let stop, let minutes, let budget, let service):
            return "a day of \(Int(saturating: budget, .towardZero)) minutes is too short for a single stop: \(stop) takes \(Int(saturating: minutes, .up)) minutes (driving there and back, plus \(Int(saturating: service, .towardZero)) minutes of service); no plan was written"
        case .needsMoreDays(let days, let minimum, let budget):
            return "the stops do not fit in \(days) day\(days == 1 ? "" : "s") of \(Int(saturating: budget, .towardZero)) minutes: they need at least \(minimum); no plan was written"
        case .badParameter(let text, _):
            return text
        }
    }

    public var advice: Advice? {
        switch self {
        case .stopBeyondBudget(_, let minutes, _, _):
            return "raise \(Setting.dayMinutes) to at least \(Int(saturating: minutes, .up)) or lower \(Setting.stopMinutes)"
        case .needsMoreDays(_, let minimum, _):
            return "raise \(Setting.days) to \(minimum), raise \(Setting.dayMinutes), or choose fewer \(Setting.stops)"
        case .badParameter(_, let setting):
            return "change \(setting)"
        }
    }
}

/// One day's route: the stops in visiting order (indices into the planner's stops), and times
/// in minutes from leaving the depot.
public struct DayRoute: Sendable, Hashable, Codable {
    /// Day number, 1-based.
    public var day: Int
    /// The stops in visiting order (indices into the planner's stops).
    public var stops: [Int]
    /// Arrival at each stop, minutes after leaving the depot.
    public var arrivals: [Double]
    /// Driving minutes from the previous point (the depot for the first stop) to each stop.
    public var legMinutes: [Double]
    /// Driving minutes back to the depot from the last stop.
    public var returnMinutes: Double
    /// Driving minutes, depot to depot.
    public var drivingMinutes: Double
    /// Driving plus service minutes, depot to depot.
    public var totalMinutes: Double
}

/// Orders stops into day routes from a depot.
///
/// 1. A single tour through every stop: nearest neighbour from the depot and seeded random
///    starts, each improved by 2-opt and Or-opt (segments of 1–3 stops moved, either way round);
///    the shortest kept.
/// 2. The tour is cut into consecutive day routes by dynamic programming: as few days as the
///    budget allows (or exactly `days`), with the longest day as short as possible and then the
///    least total time.
/// 3. Stops move between days while that shortens the longest day (or the total at equal
///    longest day), and every day is re-optimised by 2-opt and Or-opt.
///
/// Costs may be asymmetric (a travel-time matrix); the moves evaluate both directions. The
/// result depends only on the inputs and the seed.
public enum RoutePlanner {
    /// Plans day routes.
    /// - Parameters:
    ///   - minutes: driving minutes between points; index 0 is the depot, 1…n the stops
    ///     (`minutes[a][b]` from a to b).
    ///   - labels: a name per stop (for errors), n entries.
    ///   - serviceMinutes: minutes spent at every stop.
    ///   - dayMinutes: the working day, depot to depot.
    ///   - days: visit days to spread the stops over; `nil` for as few as fit.
    ///   - seed: seed of the random starts (same seed, same routes).
    ///   - restarts: random starts besides nearest neighbour.
    ///   - progress: called after each start is improved ("route search", starts done of `restarts` + 1).
    /// - Returns: routes whose `stops` are 0-based stop indices (point index − 1).
    /// - Throws: ``RouteError``.
    public static func plan(minutes: [[Double]], labels: [String], serviceMinutes: Double, dayMinutes: Double,
                            days: Int?, seed: UInt64 = 1, restarts: Int = 16, progress: ProgressCallback? = nil) throws -> [DayRoute] {
        let n = minutes.count - 1
        guard n >= 1 else { return [] }
        guard dayMinutes > 0, serviceMinutes >= 0 else { throw RouteError.badParameter("the day must be longer than 0 minutes and the time at a stop not negative", dayMinutes > 0 ? .stopMinutes : .dayMinutes) }
        for s in 1...n {
            let alone = minutes[0][s] + minutes[s][0] + serviceMinutes
            guard minutes[0][s].isFinite, minutes[s][0].isFinite else {
                throw RouteError.badParameter("no travel time between the depot and \(labels[s - 1])", .depot)
            }
            if alone > dayMinutes { throw RouteError.stopBeyondBudget(stop: labels[s - 1], minutes: alone, budget: dayMinutes, serviceMinutes: serviceMinutes) }
        }
        if let days, days < 1 { throw RouteError.badParameter("the number of visit days must be at least 1", .days) }
        let tour = bestTour(Array(1...n), minutes: minutes, seed: seed, restarts: restarts, progress: progress)
        let minimum = splitCount(tour, minutes: minutes, service: serviceMinutes, budget: dayMinutes)
        let k = min(days ?? minimum, n)
        if k < minimum { throw RouteError.needsMoreDays(days: days ?? k, minimum: minimum, budget: dayMinutes) }
        var routes = split(tour, into: k, minutes: minutes, service: serviceMinutes, budget: dayMinutes)
        routes = routes.map { improve($0, minutes: minutes) }
        rebalance(&routes, minutes: minutes, service: serviceMinutes, budget: dayMinutes)
        return routes.enumerated().map { d, r in describe(r, day: d + 1, minutes: minutes, service: serviceMinutes) }
    }

    /// Driving minutes of a closed route depot → stops → depot.
    public static func tourMinutes(_ route: [Int], minutes: [[Double]]) -> Double {
        guard let first = route.first else { return 0 }
        var t = minutes[0][first]
        for k in 1..<route.count { t += minutes[route[k - 1]][route[k]] }
        return t + minutes[route.last!][0]
    }

    static func describe(_ route: [Int], day: Int, minutes: [[Double]], service: Double) -> DayRoute {
        var arrivals: [Double] = [], legs: [Double] = []
        var clock = 0.0, previous = 0
        for s in route {
            let leg = minutes[previous][s]
            clock += leg
            arrivals.append(clock)
            legs.append(leg)
            clock += service
            previous = s
        }
        let back = route.isEmpty ? 0 : minutes[previous][0]
        let driving = legs.reduce(0, +) + back
        return DayRoute(day: day, stops: route.map { $0 - 1 }, arrivals: arrivals, legMinutes: legs, returnMinutes: back,
                        drivingMinutes: driving, totalMinutes: driving + service * Double(route.count))
    }

    /// The best of nearest neighbour and `restarts` seeded random orders, each improved.
    static func bestTour(_ stops: [Int], minutes: [[Double]], seed: UInt64, restarts: Int, progress: ProgressCallback? = nil) -> [Int] {
        var best = improve(nearestNeighbour(stops, minutes: minutes), minutes: minutes)
        var bestCost = tourMinutes(best, minutes: minutes)
        guard stops.count > 3 else {
            progress?(ProgressEvent(stage: "route search", done: 1, total: 1)) // three stops or fewer: one order is optimal
            return best
        }
        var rng = Xoshiro256(seed: seed)
        for start in 0..<restarts {
            progress?(ProgressEvent(stage: "route search", done: start + 1, total: restarts + 1))
            var order = stops
            order.shuffle(using: &rng)
            let t = improve(order, minutes: minutes)
            let c = tourMinutes(t, minutes: minutes)
            if c < bestCost - 1e-9 { best = t; bestCost = c }
        }
        progress?(ProgressEvent(stage: "route search", done: restarts + 1, total: restarts + 1))
        return best
    }

    static func nearestNeighbour(_ stops: [Int], minutes: [[Double]]) -> [Int] {
        var left = stops
        var route: [Int] = []
        var at = 0
        while !left.isEmpty {
            var k = 0
            for q in 1..<left.count where minutes[at][left[q]] < minutes[at][left[k]] { k = q }
            at = left.remove(at: k)
            route.append(at)
        }
        return route
    }

    /// 2-opt and Or-opt until neither improves (first improvement, scanning in order).
    static func improve(_ route: [Int], minutes m: [[Double]]) -> [Int] {
        guard route.count >= 2 else { return route }
        var path = [0] + route + [0]
        var improved = true
        var rounds = 0
        while improved && rounds < 1_000 {
            improved = false
            rounds += 1
            if twoOpt(&path, m) { improved = true }
            if orOpt(&path, m) { improved = true }
        }
        return Array(path[1..<(path.count - 1)])
    }

    /// Prefix sums of the forward and backward edge costs along `path`.
    private static func prefixes(_ path: [Int], _ m: [[Double]]) -> (forward: [Double], backward: [Double]) {
        var f = [0.0], b = [0.0]
        f.reserveCapacity(path.count)
        b.reserveCapacity(path.count)
        for k in 1..<path.count {
            f.append(f[k - 1] + m[path[k - 1]][path[k]])
            b.append(b[k - 1] + m[path[k]][path[k - 1]])
        }
        return (f, b)
    }

    /// Reverses path[i...j] (1 ≤ i < j ≤ count − 2) when that shortens the route.
    static func twoOpt(_ path: inout [Int], _ m: [[Double]]) -> Bool {
        var any = false
        var changed = true
        while changed {
            changed = false
            let (f, b) = prefixes(path, m)
            let last = path.count - 2
            guard last >= 2 else { return any }
            search: for i in 1..<last {
                for j in (i + 1)...last {
                    let before = m[path[i - 1]][path[i]] + (f[j] - f[i]) + m[path[j]][path[j + 1]]
                    let after = m[path[i - 1]][path[j]] + (b[j] - b[i]) + m[path[i]][path[j + 1]]
                    if after < before - 1e-9 {
                        path[i...j].reverse()
                        changed = true
                        any = true
                        break search
                    }
                }
            }
        }
        return any
    }

    /// Moves a segment of 1–3 stops elsewhere in the route (either way round) when that shortens it.
    static func orOpt(_ path: inout [Int], _ m: [[Double]]) -> Bool {
        var any = false
        var changed = true
        while changed {
            changed = false
            let (f, b) = prefixes(path, m)
            let n = path.count - 2
            search: for length in 1...3 where length < n {
                for i in 1...(n - length + 1) {
                    let j = i + length - 1
                    let a = path[i - 1], first = path[i], lastStop = path[j], c = path[j + 1]
                    let removal = m[a][first] + m[lastStop][c] - m[a][c]
                    let inside = f[j] - f[i], reversed = b[j] - b[i]
                    for k in 0...(n) where k < i - 1 || k > j {
                        // Insert between path[k] and path[k + 1] (an edge outside the segment).
                        let x = path[k], y = path[k + 1]
                        let forward = m[x][first] + m[lastStop][y] - m[x][y]
                        let backward = m[x][lastStop] + m[first][y] - m[x][y] + (reversed - inside)
                        let best = min(forward, backward)
                        if best < removal - 1e-9 {
                            var segment = Array(path[i...j])
                            if backward < forward { segment.reverse() }
                            path.removeSubrange(i...j)
                            let at = k < i ? k + 1 : k + 1 - length
                            path.insert(contentsOf: segment, at: at)
                            changed = true
                            any = true
                            break search
                        }
                    }
                }
            }
        }
        return any
    }

    /// Minutes of the day route made of tour[i..<j].
    private static func segmentMinutes(_ tour: [Int], _ i: Int, _ j: Int, _ m: [[Double]], _ service: Double) -> Double {
        var t = m[0][tour[i]] + m[tour[j - 1]][0] + service * Double(j - i)
        for k in (i + 1)..<j { t += m[tour[k - 1]][tour[k]] }
        return t
    }

    /// The fewest consecutive pieces of `tour` that each fit the budget.
    static func splitCount(_ tour: [Int], minutes: [[Double]], service: Double, budget: Double) -> Int {
        let n = tour.count
        var fewest = [Int](repeating: Int.max, count: n + 1)
        fewest[0] = 0
        for j in 1...n {
            for i in stride(from: j - 1, through: 0, by: -1) {
                let c = segmentMinutes(tour, i, j, minutes, service)
                if c > budget { break }
                if fewest[i] != Int.max { fewest[j] = min(fewest[j], fewest[i] + 1) }
            }
        }
        return fewest[n]
    }

    /// Cuts `tour` into exactly `k` consecutive day routes within the budget, minimising the
    /// longest day and then the total.
    static func split(_ tour: [Int], into k: Int, minutes: [[Double]], service: Double, budget: Double) -> [[Int]] {
        let n = tour.count
        var cost = [[Double]](repeating: [Double](repeating: .infinity, count: n + 1), count: n + 1)
        for i in 0..<n {
            for j in (i + 1)...n {
                let c = segmentMinutes(tour, i, j, minutes, service)
                if c > budget { break }
                cost[i][j] = c
            }
        }
        typealias Value = (longest: Double, total: Double)
        func better(_ a: Value, _ b: Value) -> Bool { a.longest < b.longest - 1e-9 || (abs(a.longest - b.longest) <= 1e-9 && a.total < b.total - 1e-9) }
        var best = [[Value]](repeating: [Value](repeating: (.infinity, .infinity), count: n + 1), count: k + 1)
        var from = [[Int]](repeating: [Int](repeating: -1, count: n + 1), count: k + 1)
        best[0][0] = (0, 0)
        for d in 1...k {
            for j in d...n {
                for i in (d - 1)..<j where best[d - 1][i].longest.isFinite && cost[i][j].isFinite {
                    let v: Value = (max(best[d - 1][i].longest, cost[i][j]), best[d - 1][i].total + cost[i][j])
                    if better(v, best[d][j]) { best[d][j] = v; from[d][j] = i }
                }
            }
        }
        var routes: [[Int]] = []
        var j = n
        for d in stride(from: k, through: 1, by: -1) {
            let i = from[d][j]
            routes.append(Array(tour[i..<j]))
            j = i
        }
        return routes.reversed()
    }

    /// Moves single stops between days while that shortens the longest day (or the total at an
    /// equal longest day), keeping every day within the budget and non-empty.
    static func rebalance(_ routes: inout [[Int]], minutes m: [[Double]], service: Double, budget: Double) {
        guard routes.count > 1 else { return }
        func length(_ r: [Int]) -> Double { tourMinutes(r, minutes: m) + service * Double(r.count) }
        var lengths = routes.map(length)
        for _ in 0..<10_000 {
            let longest = lengths.max()!, total = lengths.reduce(0, +)
            var bestMove: (from: Int, stop: Int, to: Int, position: Int, a: Double, b: Double)?
            var bestValue = (longest, total)
            for a in routes.indices where routes[a].count > 1 {
                for s in routes[a].indices {
                    var shorter = routes[a]
                    let stop = shorter.remove(at: s)
                    let la = length(shorter)
                    for b in routes.indices where b != a {
                        for position in 0...routes[b].count {
                            var longer = routes[b]
                            longer.insert(stop, at: position)
                            let lb = length(longer)
                            guard lb <= budget else { continue }
                            var newLengths = lengths
                            newLengths[a] = la
                            newLengths[b] = lb
                            let value = (newLengths.max()!, newLengths.reduce(0, +))
                            if value.0 < bestValue.0 - 1e-9 || (abs(value.0 - bestValue.0) <= 1e-9 && value.1 < bestValue.1 - 1e-9) {
                                bestValue = value
                                bestMove = (a, s, b, position, la, lb)
                            }
                        }
                    }
                }
            }
            guard let move = bestMove else { break }
            let stop = routes[move.from].remove(at: move.stop)
            routes[move.to].insert(stop, at: move.position)
            routes[move.from] = improve(routes[move.from], minutes: m)
            routes[move.to] = improve(routes[move.to], minutes: m)
            lengths[move.from] = length(routes[move.from])
            lengths[move.to] = length(routes[move.to])
        }
    }
}
