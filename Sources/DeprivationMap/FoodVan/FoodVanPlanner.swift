import Foundation
import GeoEngine

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
/// 4. **Routes**: ``RoutePlanner/plan(minutes:labels:serviceMinutes:dayMinutes:days:seed:restarts:progress:)``
///    from the depot.
///
/// ```swift
/// let frame = try AnalysisFrame(areas: lsoas, deprivation: imd2025, origins: .populationWeighted(centroids),
///                               geography: geography, selection: RegionSelection(districts: ["Southend-on-Sea", "Thurrock"]))
/// var spec = FoodVanSpec(depot: Depot(point: Coordinate(x: 588_000, y: 186_000), label: "Southend"))
/// spec.stops = 8
/// spec.days = 2
/// let plan = try FoodVanPlanner.plan(frame, stores: geolytix, spec: spec)
/// print(plan.coveredPopulation, plan.stops.map(\.name))
/// ```
public enum FoodVanPlanner {
    /// Makes the plan for the frame's region (which needs origins).
    /// - Throws: ``FoodVanError``, ``RouteError``, ``AccessError`` (store times), `GEOSError`, `ProjectionError`.
    public static func plan(_ frame: AnalysisFrame, stores input: ServiceSet, spec: FoodVanSpec,
                            progress: ProgressCallback? = nil) throws -> FoodVanPlan {
        try spec.validate()
        var notes = frame.diagnostics
        let selected = frame.selected
        let region = frame.areas.subset(selected)
        let records = selected.map { frame.records[$0] }
        let population = selected.map { frame.population[$0] ?? 0 }
        let origins = selected.map { frame.origins[$0] }
        let polygons = try regionPolygons(region)
        notes += try checkDepot(spec, polygons: polygons, region: region, description: frame.regionDescription)
        let (stores, moved) = try frame.metric(input)
        if let moved { notes.append(moved) }
        guard !stores.points.isEmpty else { throw AccessError.noServices(path: stores.path) }
        let storeTree = PointTree(stores.points)

        let targets = try FoodVanTargets(region: region, records: records, population: population, origins: origins,
                                         regionDescription: frame.regionDescription, stores: stores, storeTree: storeTree, spec: spec)
        notes += targets.diagnostics
        var candidates = try spec.sites.map { try FoodVanCandidates(sites: $0, polygons: polygons, region: region, regionDescription: frame.regionDescription) }
            ?? FoodVanCandidates(targets: targets, region: region)
        candidates.dropBeyondDay(spec: spec)
        notes += candidates.diagnostics
        if let p = spec.stops, p > candidates.points.count {
            throw FoodVanError.tooManyStops(requested: p, candidates: candidates.points.count, what: candidates.source)
        }
        let clients = targets.targetRows.map { targets.considered[$0] }
        let forced = try fixedStops(candidates: candidates, spec: spec)
        let cover = try FoodVanCover(clients: clients.map(\.centroid), weights: clients.map(\.population), candidates: candidates.points,
                                     spec: spec, clientCodes: clients.map(\.code), forced: forced)
        notes += cover.diagnostics
        var considered = targets.considered
        for i in 0..<cover.instance.clientCount { considered[targets.targetRows[i]].reachable = !cover.instance.candidates(of: i).isEmpty }

        let chosen = cover.covering.stops
        let (routes, travelRule, routeNotes) = try route(chosen, candidates: candidates, spec: spec, progress: progress)
        notes += routeNotes
        var schedule = FoodVanSchedule(routes: routes, chosen: chosen, candidates: candidates, cover: cover, targets: targets,
                                       considered: &considered, region: region, records: records, stores: stores, storeTree: storeTree, spec: spec)
        if case .network(let router) = spec.travel {
            // Lines along the roads driven; each stop's leg in road kilometres.
            let road = try TravelModel.roadLines(schedule.lines, router: router)
            schedule.lines = road.lines
            for k in schedule.stops.indices {
                let s = schedule.stops[k], legs = road.legMetres[s.day - 1]
                if s.order - 1 < legs.count { schedule.stops[k].legKilometres = legs[s.order - 1] / 1000 }
            }
        }
        return FoodVanPlan(regionDescription: frame.regionDescription, areas: region, considered: considered, stops: schedule.stops, routes: routes,
                           routeLines: schedule.lines, depot: spec.depot.point, depotLabel: spec.depot.label, covering: cover.covering,
                           setCover: cover.setCover, setCoverStopIds: cover.setCover.stops.map { candidates.ids[$0] },
                           candidateSource: candidates.source,
                           figures: FoodVanFigures(regionAreas: region.codes.count, regionPopulation: population.reduce(0, +),
                                                   decileAreas: considered.count, decilePopulation: considered.reduce(0) { $0 + $1.population },
                                                   targetAreas: clients.count, targetPopulation: clients.reduce(0) { $0 + $1.population },
                                                   reachablePopulation: cover.instance.reachableWeight, coveredPopulation: cover.covering.covered,
                                                   candidateCount: candidates.points.count),
                           provisionRule: provisionRule(stores, spec: spec, unit: targets.unit),
                           coverageRule: "an area is covered when its population-weighted centroid is within \(Int(saturating: spec.walkRadius, .towardZero)) m "
                               + (spec.walkNetwork.map { "along foot paths (\($0.router.source))" } ?? "(straight line)") + " of a stop; candidates: \(candidates.source)",
                           travelRule: travelRule, input: spec.settings(unit: targets.unit), diagnostics: notes)
    }

    /// Refuses a depot far outside the region unless allowed (generalised boundaries cut the coast
    /// and roads by up to a few hundred metres, so 250 m is tolerated).
    static func checkDepot(_ spec: FoodVanSpec, polygons: [Geometry?], region: Areas, description: String) throws -> [Diagnostic] {
        let join = try PointJoin.join(points: [spec.depot.point], polygons: polygons, labels: region.codes,
                                      options: PointJoinOptions(nearestWithin: .greatestFiniteMagnitude, threads: 1))
        guard join.match[0] != .inside else { return [] }
        let outside = join.nearestDistance[0] ?? .infinity
        guard outside > 250 else { return [] }
        guard spec.allowDepotOutside else { throw FoodVanError.depotOutside(depot: spec.depot.label, kilometres: outside / 1000, region: description) }
        return [Diagnostic("the depot \(spec.depot.label) lies \(String(format: "%.1f", outside / 1000)) km outside the region (allowed)")]
    }

    /// Stage 4: day routes through the chosen stops from the depot.
    static func route(_ chosen: [Int], candidates: FoodVanCandidates, spec: FoodVanSpec,
                      progress: ProgressCallback?) throws -> ([DayRoute], String, [Diagnostic]) {
        var notes: [Diagnostic] = []
        let points = [spec.depot.point] + chosen.map { candidates.points[$0] }
        let (minutes, rule) = try TravelModel.minutes(points: points, ids: ["depot"] + chosen.map { candidates.ids[$0] },
                                                      names: ["depot"] + chosen.map { candidates.names[$0] }, travel: spec.travel)
        var days = spec.days
        if let d = days, d > chosen.count {
            notes.note("\(d) visit days asked for but only \(chosen.count) stops: \(chosen.count) days are planned, one stop each.")
            days = chosen.count
        }
        var routes = try RoutePlanner.plan(minutes: minutes, labels: chosen.map(candidates.label), serviceMinutes: spec.stopMinutes,
                                           dayMinutes: spec.dayMinutes, days: days, seed: spec.seed, progress: progress)
        let windows = chosen.map { spec.siteConstraints.window(id: candidates.ids[$0], name: candidates.names[$0]) }
        if windows.contains(where: { $0 != nil }) {
            routes = try TimeWindowSchedule.fit(routes, minutes: minutes, service: spec.stopMinutes, budget: spec.dayMinutes, start: spec.startMinutes,
                                                windows: windows, labels: chosen.map(candidates.label))
            notes.note("\(windows.compactMap { $0 }.count) stops have time windows; each day keeps them (the van waits for a site to open)")
        }
        return (routes, rule, notes)
    }

    /// Candidates that must be stops (the site list's fixed sites), checked against the stops and days.
    static func fixedStops(candidates: FoodVanCandidates, spec: FoodVanSpec) throws -> [Int] {
        guard !spec.siteConstraints.fixed.isEmpty else { return [] }
        var forced: [Int] = [], missing: [String] = []
        for (key, name) in spec.siteConstraints.fixed.sorted(by: { $0.key < $1.key }) {
            if let j = candidates.ids.indices.first(where: { candidates.ids[$0].lowercased() == key || candidates.names[$0].lowercased() == key }) {
                forced.append(j)
            } else {
                missing.append(name)
            }
        }
        if !missing.isEmpty { throw FoodVanError.fixedSitesMissing(missing) }
        if let p = spec.stops, forced.count > p {
            throw FoodVanError.tooManyFixedSites(fixed: forced.count, room: p, why: "the \(p) stops asked for")
        }
        if let days = spec.days {
            // However short the drives, a day holds at most this many visits.
            let perDay = spec.stopMinutes > 0 ? Int((spec.dayMinutes / spec.stopMinutes).rounded(.down)) : Int.max
            let room = days.multipliedReportingOverflow(by: perDay).overflow ? Int.max : days * perDay
            if forced.count > room {
                throw FoodVanError.tooManyFixedSites(fixed: forced.count, room: room, why: "\(days) visit day\(days == 1 ? "" : "s") of \(Int(spec.dayMinutes)) minutes with \(Int(spec.stopMinutes)) minutes a stop")
            }
        }
        return forced.sorted()
    }

    /// How low food provision was measured, in words.
    static func provisionRule(_ stores: ServiceSet, spec: FoodVanSpec, unit: CostUnit) -> String {
        let threshold = unit == .metres
            ? "\(String(format: "%g", spec.foodThreshold)) m in a straight line from the population-weighted centroid"
            : "\(String(format: "%g", spec.foodThreshold)) minute\(spec.foodThreshold == 1 ? "" : "s") (\(URL(fileURLWithPath: spec.storeTimes!.path).lastPathComponent))"
        let filtered = stores.filtered.map { "\(grouped($0.value)) \($0.key)" }.sorted()
        return "low food provision: nearest of \(grouped(stores.points.count)) food stores (\(URL(fileURLWithPath: stores.path).lastPathComponent)\(filtered.isEmpty ? "" : "; left out: " + filtered.joined(separator: ", "))) farther than \(threshold)"
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
}
