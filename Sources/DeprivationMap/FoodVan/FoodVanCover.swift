import Foundation

/// Stage 3 of a food-van plan: the stops that reach the most target people within the walking
/// radius (or the fewest that reach everyone reachable), with the set covering for comparison.
struct FoodVanCover {
    var instance: CoverageInstance
    var covering: CoveringSolution
    var setCover: SetCoverSolution
    var diagnostics: [Diagnostic] = []

    /// - Throws: ``FoodVanError/radiusCoversNobody(radius:candidates:targets:nearest:)``.
    /// `forced`: candidates that must be stops (fixed sites); the others are chosen for the people they leave uncovered.
    init(clients: [Coordinate], weights: [Double], candidates: [Coordinate], spec: FoodVanSpec, clientCodes: [String], forced: [Int] = []) throws {
        if let walk = spec.walkNetwork {
            // Stops as origins, target areas as destinations: pairs within the radius along foot paths.
            let binding = try NetworkCostBinding(cost: NetworkCost(router: walk.router, metric: .distance, snapCap: walk.snapCap),
                                                 origins: candidates, services: clients)
            let pairs = try binding.within(spec.walkRadius, progress: nil)
            instance = CoverageInstance(weights: weights, covers: (0..<candidates.count).map { j in pairs.range(of: j).map { Int(pairs.services[$0]) } })
            diagnostics += binding.diagnostics(originCodes: (0..<candidates.count).map { "stop candidate \($0 + 1)" }, serviceIds: clientCodes)
        } else {
            instance = CoverageInstance(clients: clients, weights: weights, candidates: candidates, radius: spec.walkRadius)
        }
        guard instance.reachableWeight > 0 else {
            let tree = PointTree(clients)
            let closest = candidates.compactMap { tree.nearest($0, k: 1).first?.distance }.min()
            throw FoodVanError.radiusCoversNobody(radius: spec.walkRadius, candidates: candidates.count, targets: clients.count, nearest: closest)
        }
        let unreachable = instance.unreachableClients.map { clientCodes[$0] }
        if !unreachable.isEmpty {
            diagnostics.note("\(unreachable.count) target areas have no candidate stop within \(Int(spec.walkRadius)) m and cannot be covered: \(list(unreachable))",
                             codes: unreachable)
        }
        setCover = StopSelection.setCovering(instance, exactLimit: spec.exactLimit)
        // Fixed sites first; the rest is chosen for the clients they leave uncovered.
        let full = instance
        var residual = instance
        if !forced.isEmpty {
            let covered = Set(forced.flatMap { j in full.clientOffsets[j]..<full.clientOffsets[j + 1] }.map { Int(full.clients[$0]) })
            residual = CoverageInstance(weights: full.weights, covers: (0..<full.candidateCount).map { j in
                (full.clientOffsets[j]..<full.clientOffsets[j + 1]).map { Int(full.clients[$0]) }.filter { !covered.contains($0) }
            })
        }
        let fixedWords = forced.isEmpty ? "" : " after \(forced.count) fixed site\(forced.count == 1 ? "" : "s")"
        if let p = spec.stops {
            let free = p - forced.count
            let chosen = free > 0 ? StopSelection.maximalCovering(residual, p: free, exactLimit: spec.exactLimit) : nil
            let stops = forced + (chosen?.stops ?? []).filter { !forced.contains($0) }
            let value = full.coveredWeight(stops)
            let forcedValue = full.coveredWeight(forced)
            covering = CoveringSolution(stops: stops, covered: value, upperBound: forcedValue + (chosen?.upperBound ?? 0),
                                        optimal: chosen?.optimal ?? true, method: (chosen?.method ?? "fixed sites only") + fixedWords,
                                        greedyCovered: forcedValue + (chosen?.greedyCovered ?? 0), swaps: chosen?.swaps ?? 0)
            if covering.stops.count < p {
                diagnostics.note("\(covering.stops.count) stops already reach every reachable target area; the other \(p - covering.stops.count) requested would reach nobody new and are not planned.")
            }
        } else if forced.isEmpty {
            let value = instance.coveredWeight(setCover.stops)
            covering = CoveringSolution(stops: setCover.stops, covered: value, upperBound: instance.reachableWeight, optimal: setCover.optimal,
                                        method: "set covering: \(setCover.method)", greedyCovered: value, swaps: 0)
        } else {
            let rest = StopSelection.setCovering(residual, exactLimit: spec.exactLimit)
            let stops = forced + rest.stops.filter { !forced.contains($0) }
            let value = full.coveredWeight(stops)
            covering = CoveringSolution(stops: stops, covered: value, upperBound: full.reachableWeight, optimal: rest.optimal,
                                        method: "set covering: \(rest.method)" + fixedWords, greedyCovered: value, swaps: 0)
        }
    }
}
