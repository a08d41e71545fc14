import Foundation

/// Stage 2 of a food-van plan: where the van could stop — the user's sites inside the region, or
/// the target areas' population-weighted centroids.
struct FoodVanCandidates {
    var ids: [String] = []
    var names: [String] = []
    /// EPSG:27700.
    var points: [Coordinate] = []
    /// Region area each lies in.
    var area: [Int] = []
    /// Where they came from, in words.
    var source: String
    var diagnostics: [Diagnostic] = []

    /// The target areas' centroids.
    init(targets: FoodVanTargets, region: Areas) {
        for t in targets.targetRows {
            let a = targets.considered[t].areaIndex
            ids.append(region.codes[a])
            names.append(region.names[a].isEmpty ? region.codes[a] : region.names[a])
            points.append(targets.considered[t].centroid)
            area.append(a)
        }
        source = "the population-weighted centroids of the \(targets.targetRows.count) target areas"
    }

    /// The sites inside the region (`polygons`, EPSG:27700); those outside are reported.
    /// - Throws: ``FoodVanError/noSites(path:reason:)`` when none is inside, `ProjectionError`.
    init(sites input: ServiceSet, polygons: [Geometry?], region: Areas, regionDescription: String) throws {
        var sites = input
        if sites.crs != .britishNationalGrid { sites = try sites.reprojected(to: .britishNationalGrid) }
        if !sites.skipped.isEmpty {
            diagnostics.note("\(sites.skipped.count) sites without a location left out: \(sites.skipped.prefix(5).map(\.description).joined(separator: "; "))",
                             file: sites.path)
        }
        let join = try PointJoin.join(points: sites.points, polygons: polygons, labels: region.codes,
                                      options: PointJoinOptions(nearestWithin: .greatestFiniteMagnitude))
        var outside: [String] = []
        for k in sites.points.indices {
            let label = FoodVanPlanner.siteLabel(sites, k)
            guard join.match[k] == .inside else {
                let km = (join.nearestDistance[k] ?? .infinity) / 1000
                outside.append("\(label) at E \(Int(saturating: sites.points[k].x, .towardZero)) N \(Int(saturating: sites.points[k].y, .towardZero)), \(String(format: "%.1f", km)) km outside")
                continue
            }
            ids.append(sites.ids[k].isEmpty ? label : sites.ids[k])
            names.append(sites.names[k].isEmpty ? label : sites.names[k])
            points.append(sites.points[k])
            area.append(Int(join.area[k]))
        }
        if !outside.isEmpty {
            diagnostics.note("\(outside.count) of \(sites.points.count) sites lie outside the region (\(regionDescription)) and are left out: \(outside.prefix(10).joined(separator: "; "))\(outside.count > 10 ? "; …" : "")",
                             file: sites.path)
        }
        guard !points.isEmpty else {
            throw FoodVanError.noSites(path: sites.path, reason: "none of the \(sites.points.count) sites lies inside the region (\(regionDescription)); check the file's coordinates or the region.")
        }
        source = "\(points.count) sites from \(URL(fileURLWithPath: sites.path).lastPathComponent)"
    }

    /// "Name (id)", or the id when the name is the id.
    func label(_ j: Int) -> String { names[j] == ids[j] ? ids[j] : "\(names[j]) (\(ids[j]))" }

    /// Leaves out the candidates a day cannot reach: with straight-line travel, those whose drive
    /// from the depot and back plus the time at the stop is longer than the day (in a wide
    /// region, such as a large ICB, a central depot cannot reach its far corners). They are named;
    /// target areas left without a candidate are then named by the cover. Only when the planner
    /// chooses how many stops (no number asked for), and never a fixed site: an explicit request
    /// that cannot be met is refused by the route planner, naming the stop. Other travel models
    /// keep every candidate.
    mutating func dropBeyondDay(spec: FoodVanSpec) {
        guard spec.stops == nil, case .straightLine(let speed, let detour) = spec.travel, speed > 0 else { return }
        var keep: [Int] = [], dropped: [String] = []
        for i in points.indices {
            if spec.siteConstraints.fixed[ids[i].lowercased()] != nil || spec.siteConstraints.fixed[names[i].lowercased()] != nil { keep.append(i); continue }
            let km = FoodVanPlanner.distance(spec.depot.point, points[i]) / 1000 * detour
            let minutes = 2 * km / speed * 60 + spec.stopMinutes
            if minutes <= spec.dayMinutes { keep.append(i) } else { dropped.append(ids[i]) }
        }
        guard !dropped.isEmpty, !keep.isEmpty else { return }
        ids = keep.map { ids[$0] }; names = keep.map { names[$0] }; points = keep.map { points[$0] }
        if area.count == keep.count + dropped.count { area = keep.map { area[$0] } }
        diagnostics.note("\(dropped.count) candidate stops are beyond a day's round trip from the depot (there and back at \(Int(speed)) km/h × \(detour) plus \(Int(spec.stopMinutes)) minutes at the stop, over \(Int(spec.dayMinutes)) minutes) and are left out: \(list(dropped))",
                         codes: dropped, advice: "give \(Setting.depot) nearer them, raise \(Setting.dayMinutes), or plan the far part of the region as a region of its own")
    }
}
