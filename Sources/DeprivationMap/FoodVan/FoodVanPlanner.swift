import Foundation
import GeoEngine

/// Why no food-van plan could be made. Each case says what to change.
public enum FoodVanError: Error, Sendable, Equatable, CustomStringConvertible {
    case noTargets(String)
    case tooManyStops(requested: Int, candidates: Int, what: String)
    case radiusCoversNobody(radius: Double, candidates: Int, targets: Int, nearest: Double?)
    case depotOutside(depot: String, kilometres: Double, region: String)
    case noSites(path: String, reason: String)
    case matrix(path: String, reason: String)
    case badParameter(String)

    public var description: String {
        switch self {
        case .noTargets(let why):
            return why
        case .tooManyStops(let requested, let candidates, let what):
            return "--stops \(requested) is more than the \(candidates) candidate stops (\(what)); ask for at most \(candidates), or give more sites with --sites."
        case .radiusCoversNobody(let radius, let candidates, let targets, let nearest):
            var text = "a walking radius of \(Int(saturating: radius, .towardZero)) m reaches no target area from any of the \(candidates) candidate stops (\(targets) target areas)"
            if let nearest { text += "; the closest candidate is \(Int(saturating: nearest, .up)) m from a target area's population-weighted centroid" }
            return text + ". Raise --walk-radius or give sites nearer the target areas; no plan was written."
        case .depotOutside(let depot, let km, let region):
            return "the depot \(depot) lies \(String(format: "%.1f", km)) km outside the region (\(region)). Give a depot inside it, check the postcode or E,N order, or pass --allow-depot-outside if the van really starts there."
        case .noSites(let path, let reason):
            return "\(path): \(reason)"
        case .matrix(let path, let reason):
            return "\(path): \(reason)"
        case .badParameter(let why):
            return why
        }
    }
}

/// How the van's driving time is estimated.
public enum TravelModel: Sendable, Hashable {
    /// Straight-line distance × `detour`, driven at `speedKmh`.
    case straightLine(speedKmh: Double, detour: Double)
    /// A long travel-time table (`from`, `to`, `minutes`) keyed by stop identifier (area code or
    /// site id/name) and `depot`.
    case matrix(path: String)
}

/// Inputs of ``FoodVanPlanner/plan(_:)``. Coordinates are EPSG:27700 metres.
public struct FoodVanInput: Sendable {
    public var areas: Areas
    /// English IMD (deciles pick the target areas).
    public var imd: DeprivationTable
    /// Population per area; the IMD denominators when absent.
    public var population: AreaValues?
    /// Population-weighted centroids by code (EPSG:27700); polygon centroids otherwise.
    public var centroids: [String: Coordinate]?
    public var centroidSource: String?
    /// Food stores (supermarkets and grocers) in any CRS, already filtered by size.
    public var stores: ServiceSet
    /// An area × store travel-time matrix; "low provision" is then in minutes.
    public var storeMatrixPath: String?
    /// IMD deciles of the target population (default Core20: 1 and 2).
    public var deciles: Set<Int> = [1, 2]
    /// Low food provision: nearest store farther than this (metres, or minutes with a store matrix).
    public var foodThreshold = 1_000.0
    public var selection = RegionSelection()
    public var geography: AreaGeography?
    /// Candidate sites (with names); the target areas' centroids when `nil`.
    public var sites: ServiceSet?
    /// Depot in EPSG:27700, and how the user named it (postcode or "E,N").
    public var depot: Coordinate
    public var depotLabel: String
    /// Accept a depot outside the region.
    public var allowDepotOutside = false
    /// Number of stops (maximal covering); `nil` for the fewest covering everyone reachable.
    public var stops: Int?
    /// Walking radius of a stop, metres.
    public var walkRadius = 800.0
    /// Candidate count up to which stops are chosen exactly.
    public var exactLimit = 60
    /// Visit days in the cycle; `nil` for as few as the day allows.
    public var days: Int?
    public var dayMinutes = 420.0
    public var stopMinutes = 60.0
    public var travel = TravelModel.straightLine(speedKmh: 25, detour: 1.3)
    /// Departure from the depot, minutes after midnight.
    public var startMinutes = 9.0 * 60
    public var seed: UInt64 = 1
    /// Progress of the route search.
    public var progress: ProgressCallback?

    public init(areas: Areas, imd: DeprivationTable, stores: ServiceSet, depot: Coordinate, depotLabel: String) {
        self.areas = areas
        self.imd = imd
        self.stores = stores
        self.depot = depot
        self.depotLabel = depotLabel
    }
}

/// An area of the region in the chosen deciles: whether it is targeted, and why.
public struct FoodVanArea: Sendable, Hashable {
    public var code: String
    public var name: String
    public var decile: Int
    public var rank: Int?
    public var population: Double
    public var centroid: Coordinate
    /// Distance (metres) or time (minutes) to the nearest food store, and that store.
    public var nearestStore: Double?
    public var nearestStoreName: String?
    /// In the target population (low food provision).
    public var target: Bool
    /// Why it is or is not a target.
    public var reason: String
    /// Reached by a candidate stop within the walking radius.
    public var reachable: Bool
    /// Plan stop number (1-based, in `stops` order) it is assigned to, when covered.
    public var stop: Int?
    /// Walking distance (straight line, metres) from the centroid to that stop.
    public var stopDistance: Double?
    /// Geometry index in ``FoodVanPlan/areas``.
    public var areaIndex: Int
}

/// A chosen stop, in route order.
public struct FoodVanStop: Sendable, Hashable {
    /// Stop number in the plan (1-based; the day and order within the day give the route).
    public var number: Int
    public var id: String
    public var name: String
    public var point: Coordinate
    /// The area the stop lies in, with its IMD decile.
    public var areaCode: String
    public var areaName: String
    public var decile: Int?
    /// Nearest food store from the stop (metres, straight line) and its name.
    public var nearestStore: Double?
    public var nearestStoreName: String?
    /// Target population assigned to this stop (each covered area to its nearest chosen stop).
    public var populationCovered: Double
    /// Target population within the walking radius (areas may count at more than one stop).
    public var populationWithin: Double
    public var areasCovered: [String]
    public var day: Int
    public var order: Int
    /// Arrival and departure, minutes after midnight.
    public var arrival: Double
    public var departure: Double
    /// Driving minutes and kilometres from the previous stop (or the depot).
    public var legMinutes: Double
    public var legKilometres: Double
}

/// A food-van plan: the target population, the chosen stops and the day routes.
public struct FoodVanPlan: Sendable {
    public var regionDescription: String
    /// The region's areas (geometry for outputs), in the areas' CRS.
    public var areas: Areas
    /// Areas of the region in the chosen deciles, targeted or not.
    public var considered: [FoodVanArea]
    public var stops: [FoodVanStop]
    public var routes: [DayRoute]
    /// Route geometry per day (EPSG:27700): depot, stops, depot.
    public var routeLines: [[Coordinate]]
    public var depot: Coordinate
    public var depotLabel: String
    public var covering: CoveringSolution
    public var setCover: SetCoverSolution
    /// Identifiers of the set-covering stops (the fewest stops reaching every reachable target).
    public var setCoverStopIds: [String]
    public var candidateCount: Int
    public var candidateSource: String
    public var regionAreas: Int
    public var regionPopulation: Double
    public var decileAreas: Int
    public var decilePopulation: Double
    public var targetAreas: Int
    public var targetPopulation: Double
    public var reachablePopulation: Double
    public var coveredPopulation: Double
    /// One line each: how provision, coverage and travel were measured.
    public var provisionRule: String
    public var coverageRule: String
    public var travelRule: String
    public var input: FoodVanSettings
    public var notes: [String]
}

/// The settings a plan was made with (for outputs).
public struct FoodVanSettings: Sendable, Hashable, Codable {
    public var deciles: [Int]
    public var foodThreshold: Double
    public var foodThresholdUnit: String
    public var walkRadius: Double
    public var stopsRequested: Int?
    public var days: Int?
    public var dayMinutes: Double
    public var stopMinutes: Double
    public var startMinutes: Double
    public var seed: UInt64
}

/// Plans where a mobile food market should stop and in what order.
///
/// 1. **Target population**: areas of the selected region in the chosen IMD deciles (default
///    Core20) whose population-weighted centroid is farther than a threshold from the nearest
///    food store (straight line in EPSG:27700, or a travel-time matrix). Stores outside the
///    region count, so provision at the edge is not understated.
/// 2. **Candidates**: the target areas' centroids, or user sites (those outside the region are
///    reported and left out).
/// 3. **Stops**: ``StopSelection/maximalCovering(_:p:exactLimit:nodeLimit:boundIterations:)``
///    over target population within the walking radius (or the set covering when no number is
///    given), with its bound.
/// 4. **Routes**: ``RoutePlanner/plan(minutes:labels:serviceMinutes:dayMinutes:days:seed:restarts:)``
///    from the depot.
///
/// ```swift
/// var input = FoodVanInput(areas: lsoas, imd: imd2025, stores: geolytix, depot: depot, depotLabel: "SS2 6ER")
/// input.selection = RegionSelection(districts: ["Southend-on-Sea", "Thurrock", "Basildon"])
/// input.geography = geography
/// input.stops = 8
/// input.days = 2
/// let plan = try FoodVanPlanner.plan(input)
/// print(plan.coveredPopulation, plan.stops.map(\.name))
/// ```
public enum FoodVanPlanner {
    /// Makes the plan.
    /// - Throws: ``FoodVanError``, ``RouteError``, ``RegionError``, ``AreaMapError``, ``AccessError``
    ///   (matrix), ``GEOSError``, ``ProjectionError``.
    public static func plan(_ input: FoodVanInput) throws -> FoodVanPlan {
        var notes: [String] = []
        guard input.walkRadius > 0, input.walkRadius.isFinite else { throw FoodVanError.badParameter("--walk-radius must be a positive number of metres.") }
        guard input.foodThreshold >= 0 else { throw FoodVanError.badParameter("--food-threshold must not be negative.") }
        guard !input.deciles.isEmpty, input.deciles.allSatisfy({ (1...10).contains($0) }) else {
            throw FoodVanError.badParameter("--deciles must be IMD deciles between 1 and 10, e.g. 1,2 (Core20).")
        }
        if let p = input.stops, p < 1 { throw FoodVanError.badParameter("--stops must be at least 1.") }

        // The region's areas with their IMD row.
        let all = input.areas
        let join = DeprivationJoin.join(codes: all.codes, areaVintage: all.vintage, table: input.imd)
        if let mismatch = join.vintageMismatch, all.vintage != nil, input.imd.vintage != nil, all.vintage != input.imd.vintage {
            throw AreaMapError.vintageMismatch("\(input.imd.summary): \(mismatch)")
        }
        guard join.matchedCount > 0 else { throw AreaMapError.nothingMatched(table: input.imd.summary) }
        let (selected, regionDescription) = try all.select(input.selection, geography: input.geography)
        let region = all.subset(selected)
        let records = selected.map { join.records[$0] }
        let withoutIMD = records.indices.filter { records[$0] == nil }.map { region.codes[$0] }
        if !withoutIMD.isEmpty { notes.append("\(withoutIMD.count) areas of the region have no IMD row and cannot be targeted: \(list(withoutIMD))") }
        let population: [Double] = region.codes.indices.map { i in
            if let p = input.population { return p.values[region.codes[i]] ?? 0 }
            return records[i]?.population ?? 0
        }
        let noPopulation = region.codes.indices.filter { records[$0] != nil && population[$0] <= 0 }.map { region.codes[$0] }
        if !noPopulation.isEmpty { notes.append("\(noPopulation.count) areas have no population and weigh nothing: \(list(noPopulation))") }
        let origins = try AccessAnalysis.originPoints(region, centroids: input.centroids, notes: &notes, source: input.centroidSource)

        // Region polygons in EPSG:27700 (depot and site checks).
        let polygons = try regionPolygons(region)

        // Depot.
        let depotJoin = try PointJoin.join(points: [input.depot], polygons: polygons, labels: region.codes,
                                           options: PointJoinOptions(nearestWithin: .greatestFiniteMagnitude, threads: 1))
        if depotJoin.match[0] != .inside {
            let outside = depotJoin.nearestDistance[0] ?? .infinity
            // Generalised boundaries cut the coast and roads by up to a few hundred metres.
            if outside > 250 && !input.allowDepotOutside {
                throw FoodVanError.depotOutside(depot: input.depotLabel, kilometres: outside / 1000, region: regionDescription)
            }
            if outside > 250 { notes.append("the depot \(input.depotLabel) lies \(String(format: "%.1f", outside / 1000)) km outside the region (allowed by --allow-depot-outside).") }
        }

        // Nearest food store of every area in the deciles (and of each stop later).
        var stores = input.stores
        if stores.crs != .britishNationalGrid { stores = try stores.reprojected(to: .britishNationalGrid) }
        guard !stores.points.isEmpty else { throw AccessError.noServices(path: stores.path) }
        let storeTree = PointTree(stores.points)
        let inDeciles = region.codes.indices.filter { records[$0].map { input.deciles.contains($0.decile) } ?? false }
        guard !inDeciles.isEmpty else {
            throw FoodVanError.noTargets("no area of the region (\(regionDescription)) is in IMD decile\(input.deciles.count == 1 ? "" : "s") \(decileText(input.deciles)); widen --deciles or choose another region.")
        }
        var nearest = [Double?](repeating: nil, count: region.codes.count)
        var nearestName = [String?](repeating: nil, count: region.codes.count)
        let unit: String
        if let matrixPath = input.storeMatrixPath {
            let m = try TravelTimeMatrix.read(path: matrixPath, areaCodes: region.codes, areaNames: region.names,
                                              serviceIds: stores.ids, servicePostcodes: stores.postcodes)
            for a in inDeciles {
                let row = m.neighbours.range(of: a)
                guard let k = row.min(by: { m.neighbours.costs[$0] < m.neighbours.costs[$1] }) else { continue }
                nearest[a] = m.neighbours.costs[k]
                nearestName[a] = storeLabel(stores, Int(m.neighbours.services[k]))
            }
            let missing = inDeciles.filter { nearest[$0] == nil }.map { region.codes[$0] }
            if !missing.isEmpty { notes.append("\(missing.count) areas have no time to any store in \(URL(fileURLWithPath: matrixPath).lastPathComponent) and cannot be assessed: \(list(missing))") }
            unit = "minutes"
        } else {
            for a in inDeciles where origins[a].x.isFinite {
                if let hit = storeTree.nearest(origins[a], k: 1).first {
                    nearest[a] = hit.distance
                    nearestName[a] = storeLabel(stores, hit.index)
                }
            }
            unit = "m"
        }

        // Targets.
        var considered: [FoodVanArea] = []
        for a in inDeciles {
            let r = records[a]!
            var reason: String
            var target = false
            if population[a] <= 0 {
                reason = "no population"
            } else if let d = nearest[a] {
                let shown = unit == "m" ? "\(String(format: "%.2f", d / 1000)) km" : "\(String(format: "%.1f", d)) minutes"
                let limit = unit == "m" ? "\(String(format: "%g", input.foodThreshold / 1000)) km" : "\(String(format: "%g", input.foodThreshold)) minutes"
                target = d > input.foodThreshold
                reason = target ? "decile \(r.decile), nearest food store \(shown) away (more than \(limit))"
                                : "decile \(r.decile), but a food store is \(shown) away (within \(limit))"
            } else {
                reason = "no distance to a food store"
            }
            considered.append(FoodVanArea(code: region.codes[a], name: region.names[a], decile: r.decile, rank: r.index.rank,
                                          population: population[a], centroid: origins[a], nearestStore: nearest[a],
                                          nearestStoreName: nearestName[a], target: target, reason: reason, reachable: false,
                                          stop: nil, stopDistance: nil, areaIndex: a))
        }
        let targetRows = considered.indices.filter { considered[$0].target }
        let decilePopulation = considered.reduce(0) { $0 + $1.population }
        guard !targetRows.isEmpty else {
            throw FoodVanError.noTargets("none of the \(considered.count) areas of the region in decile\(input.deciles.count == 1 ? "" : "s") \(decileText(input.deciles)) is farther than \(String(format: "%g", input.foodThreshold)) \(unit) from a food store; lower --food-threshold, widen --deciles or --store-sizes.")
        }

        // Candidates.
        var candidateIds: [String] = [], candidateNames: [String] = [], candidatePoints: [Coordinate] = [], candidateArea: [Int] = []
        let candidateSource: String
        if var sites = input.sites {
            if sites.crs != .britishNationalGrid { sites = try sites.reprojected(to: .britishNationalGrid) }
            if !sites.skipped.isEmpty {
                notes.append("\(sites.skipped.count) sites without a location left out: \(sites.skipped.prefix(5).map(\.description).joined(separator: "; "))")
            }
            let siteJoin = try PointJoin.join(points: sites.points, polygons: polygons, labels: region.codes,
                                              options: PointJoinOptions(nearestWithin: .greatestFiniteMagnitude))
            var outside: [String] = []
            for k in sites.points.indices {
                let label = siteLabel(sites, k)
                guard siteJoin.match[k] == .inside else {
                    let km = (siteJoin.nearestDistance[k] ?? .infinity) / 1000
                    outside.append("\(label) at E \(Int(saturating: sites.points[k].x, .towardZero)) N \(Int(saturating: sites.points[k].y, .towardZero)), \(String(format: "%.1f", km)) km outside")
                    continue
                }
                candidateIds.append(sites.ids[k].isEmpty ? label : sites.ids[k])
                candidateNames.append(sites.names[k].isEmpty ? label : sites.names[k])
                candidatePoints.append(sites.points[k])
                candidateArea.append(Int(siteJoin.area[k]))
            }
            if !outside.isEmpty {
                notes.append("\(outside.count) of \(sites.points.count) sites lie outside the region (\(regionDescription)) and are left out: \(outside.prefix(10).joined(separator: "; "))\(outside.count > 10 ? "; …" : "")")
            }
            guard !candidatePoints.isEmpty else {
                throw FoodVanError.noSites(path: sites.path, reason: "none of the \(sites.points.count) sites lies inside the region (\(regionDescription)); check the file's coordinates or the region.")
            }
            candidateSource = "\(candidatePoints.count) sites from \(URL(fileURLWithPath: sites.path).lastPathComponent)"
        } else {
            for t in targetRows {
                let a = considered[t].areaIndex
                candidateIds.append(region.codes[a])
                candidateNames.append(region.names[a].isEmpty ? region.codes[a] : region.names[a])
                candidatePoints.append(origins[a])
                candidateArea.append(a)
            }
            candidateSource = "the population-weighted centroids of the \(targetRows.count) target areas"
        }
        if let p = input.stops, p > candidatePoints.count {
            throw FoodVanError.tooManyStops(requested: p, candidates: candidatePoints.count, what: candidateSource)
        }

        // Coverage.
        let clientPoints = targetRows.map { considered[$0].centroid }
        let clientWeights = targetRows.map { considered[$0].population }
        let instance = CoverageInstance(clients: clientPoints, weights: clientWeights, candidates: candidatePoints, radius: input.walkRadius)
        let reachable = instance.reachableWeight
        guard reachable > 0 else {
            let tree = PointTree(clientPoints)
            let closest = candidatePoints.compactMap { tree.nearest($0, k: 1).first?.distance }.min()
            throw FoodVanError.radiusCoversNobody(radius: input.walkRadius, candidates: candidatePoints.count, targets: targetRows.count, nearest: closest)
        }
        for i in 0..<instance.clientCount { considered[targetRows[i]].reachable = !instance.candidates(of: i).isEmpty }
        let unreachable = instance.unreachableClients.map { considered[targetRows[$0]].code }
        if !unreachable.isEmpty {
            notes.append("\(unreachable.count) target areas have no candidate stop within \(Int(input.walkRadius)) m and cannot be covered: \(list(unreachable))")
        }
        let setCover = StopSelection.setCovering(instance, exactLimit: input.exactLimit)
        var covering: CoveringSolution
        if let p = input.stops {
            covering = StopSelection.maximalCovering(instance, p: p, exactLimit: input.exactLimit)
            if covering.stops.count < p {
                notes.append("\(covering.stops.count) stops already reach every reachable target area; the other \(p - covering.stops.count) requested would reach nobody new and are not planned.")
            }
        } else {
            let value = instance.coveredWeight(setCover.stops)
            covering = CoveringSolution(stops: setCover.stops, covered: value, upperBound: reachable, optimal: setCover.optimal,
                                        method: "set covering: \(setCover.method)", greedyCovered: value, swaps: 0)
        }

        // Routes.
        let chosen = covering.stops
        let labels = chosen.map { candidateNames[$0] == candidateIds[$0] ? candidateIds[$0] : "\(candidateNames[$0]) (\(candidateIds[$0]))" }
        let points = [input.depot] + chosen.map { candidatePoints[$0] }
        let (minutes, travelRule) = try travelMinutes(points: points, ids: ["depot"] + chosen.map { candidateIds[$0] },
                                                      names: ["depot"] + chosen.map { candidateNames[$0] }, travel: input.travel)
        var days = input.days
        if let d = days, d > chosen.count {
            notes.append("\(d) visit days asked for but only \(chosen.count) stops: \(chosen.count) days are planned, one stop each.")
            days = chosen.count
        }
        let routes = try RoutePlanner.plan(minutes: minutes, labels: labels, serviceMinutes: input.stopMinutes,
                                           dayMinutes: input.dayMinutes, days: days, seed: input.seed, progress: input.progress)

        // Assign each covered target area to its nearest chosen stop.
        var assignedTo = [Int?](repeating: nil, count: instance.clientCount)
        var assignedDistance = [Double?](repeating: nil, count: instance.clientCount)
        var within = [Double](repeating: 0, count: chosen.count)
        var areasOf = [[String]](repeating: [], count: chosen.count)
        for (k, j) in chosen.enumerated() {
            for i in instance.clients(of: j) {
                let c = Int(i)
                let d = distance(candidatePoints[j], clientPoints[c])
                within[k] += clientWeights[c]
                areasOf[k].append(considered[targetRows[c]].code)
                if assignedDistance[c] == nil || d < assignedDistance[c]! { assignedTo[c] = k; assignedDistance[c] = d }
            }
        }
        var assignedPopulation = [Double](repeating: 0, count: chosen.count)
        for c in 0..<instance.clientCount { if let k = assignedTo[c] { assignedPopulation[k] += clientWeights[c] } }

        // Stops in route order, numbered 1….
        var stops: [FoodVanStop] = []
        var numberOfChosen = [Int](repeating: 0, count: chosen.count)
        var lines: [[Coordinate]] = []
        for route in routes {
            var line = [input.depot]
            for (order, k) in route.stops.enumerated() {
                let j = chosen[k]
                let a = candidateArea[j]
                let p = candidatePoints[j]
                let storeHit = storeTree.nearest(p, k: 1).first
                let previous = line.last!
                stops.append(FoodVanStop(number: stops.count + 1, id: candidateIds[j], name: candidateNames[j], point: p,
                                         areaCode: region.codes[a], areaName: region.names[a], decile: records[a]?.decile,
                                         nearestStore: storeHit?.distance, nearestStoreName: storeHit.map { storeLabel(stores, $0.index) },
                                         populationCovered: assignedPopulation[k], populationWithin: within[k], areasCovered: areasOf[k],
                                         day: route.day, order: order + 1, arrival: input.startMinutes + route.arrivals[order],
                                         departure: input.startMinutes + route.arrivals[order] + input.stopMinutes,
                                         legMinutes: route.legMinutes[order], legKilometres: distance(previous, p) / 1000))
                numberOfChosen[k] = stops.count
                line.append(p)
            }
            line.append(input.depot)
            lines.append(line)
        }
        for c in 0..<instance.clientCount {
            guard let k = assignedTo[c] else { continue }
            considered[targetRows[c]].stop = numberOfChosen[k]
            considered[targetRows[c]].stopDistance = assignedDistance[c]
        }

        let thresholdText = unit == "m" ? "\(String(format: "%g", input.foodThreshold)) m in a straight line from the population-weighted centroid" : "\(String(format: "%g", input.foodThreshold)) minute\(input.foodThreshold == 1 ? "" : "s") (\(URL(fileURLWithPath: input.storeMatrixPath!).lastPathComponent))"
        let filtered = stores.filtered.map { "\(grouped($0.value)) \($0.key)" }.sorted()
        let provision = "low food provision: nearest of \(grouped(stores.points.count)) food stores (\(URL(fileURLWithPath: stores.path).lastPathComponent)\(filtered.isEmpty ? "" : "; left out: " + filtered.joined(separator: ", "))) farther than \(thresholdText)"
        let coverageRule = "an area is covered when its population-weighted centroid is within \(Int(saturating: input.walkRadius, .towardZero)) m (straight line) of a stop; candidates: \(candidateSource)"
        return FoodVanPlan(regionDescription: regionDescription, areas: region, considered: considered, stops: stops, routes: routes,
                           routeLines: lines, depot: input.depot, depotLabel: input.depotLabel, covering: covering, setCover: setCover,
                           setCoverStopIds: setCover.stops.map { candidateIds[$0] },
                           candidateCount: candidatePoints.count, candidateSource: candidateSource,
                           regionAreas: region.codes.count, regionPopulation: population.reduce(0, +),
                           decileAreas: considered.count, decilePopulation: decilePopulation,
                           targetAreas: targetRows.count, targetPopulation: clientWeights.reduce(0, +),
                           reachablePopulation: reachable, coveredPopulation: covering.covered,
                           provisionRule: provision, coverageRule: coverageRule, travelRule: travelRule,
                           input: FoodVanSettings(deciles: input.deciles.sorted(), foodThreshold: input.foodThreshold, foodThresholdUnit: unit,
                                                  walkRadius: input.walkRadius, stopsRequested: input.stops, days: input.days,
                                                  dayMinutes: input.dayMinutes, stopMinutes: input.stopMinutes,
                                                  startMinutes: input.startMinutes, seed: input.seed),
                           notes: notes)
    }

    /// "1–2" or "1, 3, 5".
    static func decileText(_ deciles: Set<Int>) -> String {
        let d = deciles.sorted()
        if d.count > 1, d.last! - d.first! == d.count - 1 { return "\(d.first!)–\(d.last!)" }
        return d.map(String.init).joined(separator: ", ")
    }

    static func storeLabel(_ stores: ServiceSet, _ k: Int) -> String {
        let name = stores.names[k], id = stores.ids[k]
        return name.isEmpty ? (id.isEmpty ? "store \(k + 1)" : id) : (id.isEmpty ? name : "\(name) (\(id))")
    }

    static func siteLabel(_ sites: ServiceSet, _ k: Int) -> String {
        let name = sites.names[k], id = sites.ids[k]
        if !name.isEmpty { return name }
        return id.isEmpty ? "site \(k + 1)" : id
    }

    static func distance(_ a: Coordinate, _ b: Coordinate) -> Double {
        let dx = a.x - b.x, dy = a.y - b.y
        return (dx * dx + dy * dy).squareRoot()
    }

    /// The region's polygons in EPSG:27700.
    static func regionPolygons(_ region: Areas) throws -> [Geometry?] {
        guard region.crs != .britishNationalGrid else { return region.geometries }
        let features = try Converter.reproject(region.layer.features, from: region.crs, to: .britishNationalGrid,
                                               options: ProjectionOptions(), inputPath: region.path)
        return features.map(\.geometry)
    }

    /// Driving minutes between every pair of points (index 0 the depot).
    static func travelMinutes(points: [Coordinate], ids: [String], names: [String], travel: TravelModel) throws -> ([[Double]], String) {
        let n = points.count
        switch travel {
        case .straightLine(let speed, let detour):
            guard speed > 0, detour >= 1 else { throw FoodVanError.badParameter("--speed must be positive and --detour at least 1.") }
            var m = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            for a in 0..<n { for b in 0..<n where a != b { m[a][b] = distance(points[a], points[b]) * detour / 1000 / speed * 60 } }
            return (m, "driving time = straight-line distance × \(String(format: "%g", detour)) at \(String(format: "%g", speed)) km/h")
        case .matrix(let path):
            return (try RouteMatrix.read(path: path, ids: ids, names: names), "driving time from \(URL(fileURLWithPath: path).lastPathComponent)")
        }
    }
}

/// A long table of driving times between stops: `from`, `to`, `minutes` columns (also `origin`,
/// `destination`, `time`/`cost`), keyed by stop identifier or name, and `depot`. A missing
/// direction takes the time of the other.
public enum RouteMatrix {
    /// The matrix over `ids` (index 0 the depot).
    /// - Throws: ``FoodVanError/matrix(path:reason:)`` naming the missing pairs, CSV errors.
    public static func read(path: String, ids: [String], names: [String]) throws -> [[Double]] {
        let table = try CSVTable(path: path)
        let from = try table.requireColumn(["from", "origin", "from_id", "o"], purpose: "from (origin)")
        let to = try table.requireColumn(["to", "destination", "to_id", "d"], purpose: "to (destination)")
        let cost = try table.requireColumn(["minutes", "time", "cost", "duration"], purpose: "minutes")
        var position: [String: Int] = [:]
        for (k, id) in ids.enumerated() { position[id.lowercased()] = k }
        for (k, name) in names.enumerated() where position[name.lowercased()] == nil { position[name.lowercased()] = k }
        let n = ids.count
        var m = [[Double]](repeating: [Double](repeating: .nan, count: n), count: n)
        for k in 0..<n { m[k][k] = 0 }
        var bad: [String] = []
        try table.forEachRow { row in
            guard let a = position[row.trimmed(from).lowercased()], let b = position[row.trimmed(to).lowercased()] else { return }
            guard let v = row.double(cost), v >= 0, v.isFinite else {
                bad.append("line \(row.line): '\(row.string(cost))'")
                return
            }
            m[a][b] = try PlausibleValues.check(v, maximum: PlausibleValues.maximumCost, path: path, line: row.line, field: table.header[cost], code: row.trimmed(from))
        }
        if !bad.isEmpty { throw FoodVanError.matrix(path: path, reason: "\(bad.count) times are not non-negative numbers: \(bad.prefix(5).joined(separator: "; "))") }
        var missing: [String] = []
        for a in 0..<n {
            for b in 0..<n where m[a][b].isNaN {
                if !m[b][a].isNaN { m[a][b] = m[b][a] } else if a < b { missing.append("\(ids[a]) – \(ids[b])") }
            }
        }
        if !missing.isEmpty {
            throw FoodVanError.matrix(path: path, reason: "no time for \(missing.count) pairs of stops, e.g. \(missing.prefix(5).joined(separator: "; ")). Add rows (from, to, minutes) for them, using the stop ids and 'depot'.")
        }
        return m
    }
}
