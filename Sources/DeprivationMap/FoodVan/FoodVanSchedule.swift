import Foundation

/// Stage 5 of a food-van plan: the stops in route order with times, what each covers, and the
/// stop each covered target area is assigned to (its nearest chosen stop).
struct FoodVanSchedule {
    var stops: [FoodVanStop] = []
    /// Per day: depot, stops, depot (EPSG:27700).
    var lines: [[Coordinate]] = []

    /// - Parameters:
    ///   - chosen: candidate indices of the chosen stops, in the order the routes refer to.
    ///   - considered: updated with the stop and walking distance of each covered target area.
    init(routes: [DayRoute], chosen: [Int], candidates: FoodVanCandidates, cover: FoodVanCover, targets: FoodVanTargets,
         considered: inout [FoodVanArea], region: Areas, records: [DeprivationRecord?], stores: ServiceSet, storeTree: PointTree,
         spec: FoodVanSpec) {
        let instance = cover.instance
        let clientPoints = targets.targetRows.map { targets.considered[$0].centroid }
        let clientWeights = targets.targetRows.map { targets.considered[$0].population }
        // Each covered target area goes to its nearest chosen stop.
        var assignedTo = [Int?](repeating: nil, count: instance.clientCount)
        var assignedDistance = [Double?](repeating: nil, count: instance.clientCount)
        var within = [Double](repeating: 0, count: chosen.count)
        var areasOf = [[String]](repeating: [], count: chosen.count)
        for (k, j) in chosen.enumerated() {
            for i in instance.clients(of: j) {
                let c = Int(i)
                let d = FoodVanPlanner.distance(candidates.points[j], clientPoints[c])
                within[k] += clientWeights[c]
                areasOf[k].append(targets.considered[targets.targetRows[c]].code)
                if assignedDistance[c] == nil || d < assignedDistance[c]! { assignedTo[c] = k; assignedDistance[c] = d }
            }
        }
        var assignedPopulation = [Double](repeating: 0, count: chosen.count)
        for c in 0..<instance.clientCount { if let k = assignedTo[c] { assignedPopulation[k] += clientWeights[c] } }

        // Stops in route order, numbered 1….
        var numberOfChosen = [Int](repeating: 0, count: chosen.count)
        for route in routes {
            var line = [spec.depot.point]
            for (order, k) in route.stops.enumerated() {
                let j = chosen[k], a = candidates.area[j], p = candidates.points[j]
                let store = storeTree.nearest(p, k: 1).first
                stops.append(FoodVanStop(number: stops.count + 1, id: candidates.ids[j], name: candidates.names[j], point: p,
                                         areaCode: region.codes[a], areaName: region.names[a], decile: records[a]?.decile,
                                         nearestStore: store?.distance, nearestStoreName: store.map { FoodVanPlanner.storeLabel(stores, $0.index) },
                                         populationCovered: assignedPopulation[k], populationWithin: within[k], areasCovered: areasOf[k],
                                         day: route.day, order: order + 1, arrival: spec.startMinutes + route.arrivals[order],
                                         departure: spec.startMinutes + route.arrivals[order] + spec.stopMinutes,
                                         legMinutes: route.legMinutes[order], legKilometres: FoodVanPlanner.distance(line.last!, p) / 1000))
                numberOfChosen[k] = stops.count
                line.append(p)
            }
            line.append(spec.depot.point)
            lines.append(line)
        }
        for c in 0..<instance.clientCount {
            guard let k = assignedTo[c] else { continue }
            considered[targets.targetRows[c]].stop = numberOfChosen[k]
            considered[targets.targetRows[c]].stopDistance = assignedDistance[c]
        }
    }
}
