import Foundation

/// Stage 1 of a food-van plan: the areas of the region in the target deciles, the nearest food
/// store of each, and which are targeted (low food provision).
struct FoodVanTargets {
    /// Areas of the region in the deciles, targeted or not (``FoodVanArea/areaIndex`` into the region).
    var considered: [FoodVanArea]
    /// Positions in ``considered`` of the targeted areas.
    var targetRows: [Int]
    /// Metres (straight line) or minutes (store travel times).
    var unit: CostUnit
    var diagnostics: [Diagnostic] = []

    /// - Parameters:
    ///   - region: the frame's selected areas; `records`, `population`, `origins` per region area.
    ///   - stores: food stores in EPSG:27700, with their tree.
    /// - Throws: ``FoodVanError/noTargets(_:advice:)``, ``AccessError/matrix(path:reason:)``.
    init(region: Areas, records: [DeprivationRecord?], population: [Double], origins: [Coordinate], regionDescription: String,
         stores: ServiceSet, storeTree: PointTree, spec: FoodVanSpec) throws {
        let deciles = spec.deciles
        let inDeciles = region.codes.indices.filter { records[$0].map { deciles.contains($0.decile) } ?? false }
        let plural = deciles.count == 1 ? "" : "s"
        guard !inDeciles.isEmpty else {
            throw FoodVanError.noTargets("no area of the region (\(regionDescription)) is in IMD decile\(plural) \(FoodVanPlanner.decileText(deciles))",
                                         advice: "widen \(Setting.deciles) or choose another region")
        }
        let (nearest, nearestName, unit, notes) = try Self.nearestStores(inDeciles, region: region, origins: origins, stores: stores,
                                                                         storeTree: storeTree, times: spec.storeTimes)
        diagnostics = notes
        self.unit = unit
        let assessed = inDeciles.map { a in
            Self.assess(a, region: region, record: records[a]!, population: population[a], origin: origins[a],
                        nearest: nearest[a], nearestName: nearestName[a], threshold: spec.foodThreshold, unit: unit)
        }
        considered = assessed
        targetRows = assessed.indices.filter { assessed[$0].target }
        guard !targetRows.isEmpty else {
            throw FoodVanError.noTargets("none of the \(considered.count) areas of the region in decile\(plural) \(FoodVanPlanner.decileText(deciles)) is farther than \(String(format: "%g", spec.foodThreshold)) \(unit.radiusWord) from a food store",
                                         advice: "lower \(Setting.foodThreshold), widen \(Setting.deciles) or \(Setting.storeSizes)")
        }
    }

    /// Distance (metres) or time (minutes) to the nearest store of each area in `indices`.
    private static func nearestStores(_ indices: [Int], region: Areas, origins: [Coordinate], stores: ServiceSet, storeTree: PointTree,
                                      times: TravelTimeTable?) throws -> ([Double?], [String?], CostUnit, [Diagnostic]) {
        var nearest = [Double?](repeating: nil, count: region.codes.count)
        var names = [String?](repeating: nil, count: region.codes.count)
        var notes: [Diagnostic] = []
        guard let times else {
            for a in indices where origins[a].x.isFinite {
                if let hit = storeTree.nearest(origins[a], k: 1).first {
                    nearest[a] = hit.distance
                    names[a] = FoodVanPlanner.storeLabel(stores, hit.index)
                }
            }
            return (nearest, names, .metres, notes)
        }
        let m = try TravelTimeMatrix.match(times, areaCodes: region.codes, areaNames: region.names, serviceIds: stores.ids,
                                           servicePostcodes: stores.postcodes)
        for a in indices {
            let row = m.neighbours.range(of: a)
            guard let k = row.min(by: { m.neighbours.costs[$0] < m.neighbours.costs[$1] }) else { continue }
            nearest[a] = m.neighbours.costs[k]
            names[a] = FoodVanPlanner.storeLabel(stores, Int(m.neighbours.services[k]))
        }
        let missing = indices.filter { nearest[$0] == nil }.map { region.codes[$0] }
        if !missing.isEmpty {
            notes.note("\(missing.count) areas have no time to any store in \(URL(fileURLWithPath: times.path).lastPathComponent) and cannot be assessed: \(list(missing))",
                       codes: missing, file: times.path)
        }
        return (nearest, names, .minutes, notes)
    }

    /// One area in the deciles: targeted when its nearest store is beyond the threshold.
    private static func assess(_ a: Int, region: Areas, record r: DeprivationRecord, population: Double, origin: Coordinate,
                               nearest: Double?, nearestName: String?, threshold: Double, unit: CostUnit) -> FoodVanArea {
        var reason: String
        var target = false
        if population <= 0 {
            reason = "no population"
        } else if let d = nearest {
            let shown = unit == .metres ? "\(String(format: "%.2f", d / 1000)) km" : "\(String(format: "%.1f", d)) minutes"
            let limit = unit == .metres ? "\(String(format: "%g", threshold / 1000)) km" : "\(String(format: "%g", threshold)) minutes"
            target = d > threshold
            reason = target ? "decile \(r.decile), nearest food store \(shown) away (more than \(limit))"
                            : "decile \(r.decile), but a food store is \(shown) away (within \(limit))"
        } else {
            reason = "no distance to a food store"
        }
        return FoodVanArea(code: region.codes[a], name: region.names[a], decile: r.decile, rank: r.index.rank, population: population,
                           centroid: origin, nearestStore: nearest, nearestStoreName: nearestName, target: target, reason: reason,
                           reachable: false, stop: nil, stopDistance: nil, areaIndex: a)
    }
}
