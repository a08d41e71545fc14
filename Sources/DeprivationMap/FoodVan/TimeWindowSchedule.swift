import Foundation

/// Stage 4b of a food-van plan: day routes that keep the sites' time windows. The van waits at a
/// site it reaches before it opens; a visit must be over by its closing time; a day (waiting
/// included) must end back at the depot within the day's length.
///
/// Each day's order is searched exhaustively up to 8 stops (else windows are taken in closing
/// order); a windowed stop that fits no order of its day is moved to the day where it fits best.
/// What still cannot be met is an error that names each window and why.
enum TimeWindowSchedule {
    struct Timing { var feasible: Bool; var finish: Double; var arrivals: [Double]; var late: [Int] }

    /// Times of `order` (0-based stops): arrivals in minutes after leaving the depot, waits included.
    static func simulate(_ order: [Int], minutes: [[Double]], service: Double, budget: Double, start: Double,
                         windows: [TimeWindow?]) -> Timing {
        var clock = 0.0, previous = 0
        var arrivals: [Double] = [], late: [Int] = []
        for s in order {
            clock += minutes[previous][s + 1]
            if let w = windows[s] {
                clock = max(clock, w.open - start)
                if clock + service > w.close - start + 1e-9 { late.append(s) }
            }
            arrivals.append(clock)
            clock += service
            previous = s + 1
        }
        let finish = clock + (order.isEmpty ? 0 : minutes[previous][0])
        return Timing(feasible: late.isEmpty && finish <= budget + 1e-9, finish: finish, arrivals: arrivals, late: late)
    }

    /// The feasible order of `stops` that ends earliest, or `nil`.
    static func bestOrder(_ stops: [Int], current: [Int]? = nil, minutes: [[Double]], service: Double, budget: Double, start: Double,
                          windows: [TimeWindow?]) -> [Int]? {
        if let current, simulate(current, minutes: minutes, service: service, budget: budget, start: start, windows: windows).feasible { return current }
        if stops.count <= 8 {
            var best: [Int]?, bestFinish = Double.infinity
            var order: [Int] = [], used = [Bool](repeating: false, count: stops.count)
            func search() {
                if order.count == stops.count {
                    let t = simulate(order, minutes: minutes, service: service, budget: budget, start: start, windows: windows)
                    if t.feasible && t.finish < bestFinish { best = order; bestFinish = t.finish }
                    return
                }
                for k in stops.indices where !used[k] {
                    order.append(stops[k]); used[k] = true
                    // Prune: a late stop or a clock already past the day cannot recover.
                    let t = simulate(order, minutes: minutes, service: service, budget: .infinity, start: start, windows: windows)
                    if t.late.isEmpty && (t.arrivals.last ?? 0) + service <= budget && t.finish < bestFinish + 1e-9 { search() }
                    order.removeLast(); used[k] = false
                }
            }
            search()
            return best
        }
        // Larger days: windowed stops in closing order, each at its best feasible position.
        var order = (current ?? stops).filter { windows[$0] == nil }
        for s in stops.filter({ windows[$0] != nil }).sorted(by: { windows[$0]!.close < windows[$1]!.close }) {
            var placed: [Int]?, finish = Double.infinity
            for k in 0...order.count {
                var trial = order
                trial.insert(s, at: k)
                let t = simulate(trial, minutes: minutes, service: service, budget: .infinity, start: start, windows: windows)
                if t.late.isEmpty && t.finish < finish { placed = trial; finish = t.finish }
            }
            guard let placed else { return nil }
            order = placed
        }
        return simulate(order, minutes: minutes, service: service, budget: budget, start: start, windows: windows).feasible ? order : nil
    }

    /// Routes that keep every window, or ``FoodVanError/windowsUnmet(_:)``.
    static func fit(_ routes: [DayRoute], minutes: [[Double]], service: Double, budget: Double, start: Double,
                    windows: [TimeWindow?], labels: [String]) throws -> [DayRoute] {
        var days = routes.map(\.stops)
        func ordered(_ d: Int) -> [Int]? {
            bestOrder(days[d], current: days[d], minutes: minutes, service: service, budget: budget, start: start, windows: windows)
        }
        var orders = days.indices.map(ordered)
        // Move windowed stops out of days that cannot keep them, into the day where they fit best.
        var moved = true
        while moved, orders.contains(where: { $0 == nil }) {
            moved = false
            for d in days.indices where orders[d] == nil {
                for s in days[d].filter({ windows[$0] != nil }).sorted(by: { windows[$0]!.close < windows[$1]!.close }) {
                    let rest = days[d].filter { $0 != s }
                    var best: (day: Int, order: [Int], finish: Double)?
                    for e in days.indices where e != d && orders[e] != nil {
                        if let o = bestOrder(days[e] + [s], minutes: minutes, service: service, budget: budget, start: start, windows: windows) {
                            let f = simulate(o, minutes: minutes, service: service, budget: budget, start: start, windows: windows).finish
                            if best == nil || f < best!.finish { best = (e, o, f) }
                        }
                    }
                    guard let best else { continue }
                    days[d] = rest
                    days[best.day] = best.order
                    orders[best.day] = best.order
                    orders[d] = ordered(d)
                    moved = true
                    break
                }
            }
        }
        var reasons: [String] = []
        for d in days.indices where orders[d] == nil {
            // The order closest to working: what is late in it, and why.
            let attempt = simulate(days[d], minutes: minutes, service: service, budget: .infinity, start: start, windows: windows)
            let late = attempt.late.isEmpty ? days[d].filter { windows[$0] != nil } : attempt.late
            for s in late {
                let w = windows[s]!
                let direct = start + minutes[0][s + 1]
                let why: String
                if w.close - w.open < service - 1e-9 {
                    why = "the window is shorter than the \(Int(service)) minutes at a stop"
                } else if max(direct, w.open) + service > w.close + 1e-9 {
                    why = "even straight from the depot the van arrives at \(FoodVanPlan.clock(direct)), too late to stay \(Int(service)) minutes"
                } else {
                    why = "it fits no day with the other stops within the \(Int(budget))-minute day"
                }
                reasons.append("\(labels[s]) (\(w.words)): \(why)")
            }
            if late.isEmpty { reasons.append("day \(d + 1): waiting for its windows runs past the \(Int(budget))-minute day") }
        }
        if !reasons.isEmpty { throw FoodVanError.windowsUnmet(reasons) }
        return days.indices.filter { !orders[$0]!.isEmpty }.enumerated().map { n, d in
            describe(orders[d]!, day: n + 1, minutes: minutes, service: service, start: start, windows: windows)
        }
    }

    /// A day route with its waits: arrivals from the simulation, total minutes to the depot.
    static func describe(_ order: [Int], day: Int, minutes: [[Double]], service: Double, start: Double, windows: [TimeWindow?]) -> DayRoute {
        let t = simulate(order, minutes: minutes, service: service, budget: .infinity, start: start, windows: windows)
        var legs: [Double] = [], previous = 0
        for s in order { legs.append(minutes[previous][s + 1]); previous = s + 1 }
        let back = order.isEmpty ? 0 : minutes[previous][0]
        return DayRoute(day: day, stops: order, arrivals: t.arrivals, legMinutes: legs, returnMinutes: back,
                        drivingMinutes: legs.reduce(0, +) + back, totalMinutes: t.finish)
    }
}
