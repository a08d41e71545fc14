import Foundation

/// The machine-readable summary of a food-van plan (`OUT-summary.json`).
public struct FoodVanSummary: Encodable, Sendable {
    /// One stop of the schedule.
    public struct Stop: Codable, Sendable {
        /// Stop number in the plan, visit day and order within the day (all 1-based).
        public var number, day, order: Int
        /// Stop identifier, name, and the code of the area it lies in.
        public var id, name, areaCode: String
        /// IMD decile of that area.
        public var decile: Int?
        /// Arrival and departure as clock times ("09:45").
        public var arrival, departure: String
        /// Position in EPSG:27700 metres.
        public var easting, northing: Double
        /// Target people assigned to the stop, and within its walking radius.
        public var populationCovered, populationWithin: Double
        /// Straight-line kilometres to the nearest food store.
        public var nearestStoreKm: Double?
        /// Codes of the target areas within the walking radius.
        public var areasCovered: [String]
    }
    /// One visit day.
    public struct Day: Codable, Sendable {
        /// Day number (1-based) and the number of stops on it.
        public var day, stops: Int
        /// Leaving and returning to the depot, clock times.
        public var start, end: String
        /// Minutes driving, minutes in all (driving and stops), and kilometres of the route line (straight, or along the roads with a network).
        public var drivingMinutes, totalMinutes, kilometres: Double
    }
    /// The region in words.
    public var region: String
    /// The settings the plan was made with.
    public var settings: FoodVanSettings
    /// How provision, coverage and travel were measured, one line each.
    public var provisionRule, coverageRule, travelRule: String
    /// The depot as the user named it.
    public var depot: String
    /// The plan in numbers (written at the top level of the JSON, beside the fields below).
    public var figures: FoodVanFigures
    /// Covered people as a share of the target people (0–1).
    public var coveredShareOfTarget: Double
    /// The stop selection (method, bound, optimality).
    public var covering: CoveringSolution
    /// Relative gap between the covered people and the selection's upper bound (0 when optimal).
    public var coveringGap: Double
    /// The fewest stops that reach every reachable target area.
    public var setCover: SetCoverSolution
    /// Identifiers of those stops.
    public var setCoverStopIds: [String]
    /// The visit days.
    public var days: [Day]
    /// The stops, in route order.
    public var stops: [Stop]
    /// What the planner noticed, in words.
    public var notes: [String]
    /// The licence notice of the inputs, when known.
    public var attribution: String?

    private enum CodingKeys: String, CodingKey {
        case region, settings, provisionRule, coverageRule, travelRule, depot, coveredShareOfTarget, covering, coveringGap
        case setCover, setCoverStopIds, days, stops, notes, attribution
    }

    /// The figures' fields and these side by side in one JSON object.
    public func encode(to encoder: Encoder) throws {
        try figures.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(region, forKey: .region)
        try c.encode(settings, forKey: .settings)
        try c.encode(provisionRule, forKey: .provisionRule)
        try c.encode(coverageRule, forKey: .coverageRule)
        try c.encode(travelRule, forKey: .travelRule)
        try c.encode(depot, forKey: .depot)
        try c.encode(coveredShareOfTarget, forKey: .coveredShareOfTarget)
        try c.encode(covering, forKey: .covering)
        try c.encode(coveringGap, forKey: .coveringGap)
        try c.encode(setCover, forKey: .setCover)
        try c.encode(setCoverStopIds, forKey: .setCoverStopIds)
        try c.encode(days, forKey: .days)
        try c.encode(stops, forKey: .stops)
        try c.encode(notes, forKey: .notes)
        try c.encodeIfPresent(attribution, forKey: .attribution)
    }
}

extension FoodVanPlan {
    /// "09:05" for minutes after midnight.
    public static func clock(_ minutes: Double) -> String {
        let m = Int(saturating: minutes)
        return String(format: "%02d:%02d", (m / 60) % 24, m % 60)
    }

    /// Kilometres of each day's route line (straight segments, or along the roads with a network).
    public var dayKilometres: [Double] {
        routeLines.map { line in zip(line, line.dropFirst()).reduce(0) { $0 + FoodVanPlanner.distance($1.0, $1.1) } / 1000 }
    }

    /// Share of the target population covered.
    public var coveredShare: Double { figures.targetPopulation > 0 ? figures.coveredPopulation / figures.targetPopulation : 0 }

    /// The summary written as `OUT-summary.json`, with `attribution` as its licence notice and
    /// `notes` as the caller words the diagnostics (plain words when `nil`).
    public func summary(attribution: String?, notes worded: [String]? = nil) -> FoodVanSummary {
        let km = dayKilometres
        let days = routes.map { r in
            FoodVanSummary.Day(day: r.day, stops: r.stops.count, start: Self.clock(input.startMinutes),
                               end: Self.clock(input.startMinutes + r.totalMinutes), drivingMinutes: r.drivingMinutes,
                               totalMinutes: r.totalMinutes, kilometres: km[r.day - 1])
        }
        let stopRows = stops.map { s in
            FoodVanSummary.Stop(number: s.number, day: s.day, order: s.order, id: s.id, name: s.name, areaCode: s.areaCode, decile: s.decile,
                                arrival: Self.clock(s.arrival), departure: Self.clock(s.departure), easting: s.point.x, northing: s.point.y,
                                populationCovered: s.populationCovered, populationWithin: s.populationWithin,
                                nearestStoreKm: s.nearestStore.map { $0 / 1000 }, areasCovered: s.areasCovered)
        }
        return FoodVanSummary(region: regionDescription, settings: input, provisionRule: provisionRule, coverageRule: coverageRule,
                              travelRule: travelRule, depot: depotLabel, figures: figures, coveredShareOfTarget: coveredShare,
                              covering: covering, coveringGap: covering.gap, setCover: setCover, setCoverStopIds: setCoverStopIds,
                              days: days, stops: stopRows, notes: worded ?? notes, attribution: attribution)
    }

    /// Field names of the map layer, shared by every feature (`feature_type` says which kind).
    public static let mapFields: [FieldDefinition] = [
        FieldDefinition(name: "feature_type", type: .string),
        FieldDefinition(name: "stop", type: .integer), FieldDefinition(name: "day", type: .integer), FieldDefinition(name: "order", type: .integer),
        FieldDefinition(name: "arrival", type: .string), FieldDefinition(name: "departure", type: .string),
        FieldDefinition(name: "id", type: .string), FieldDefinition(name: "name", type: .string),
        FieldDefinition(name: "area_code", type: .string), FieldDefinition(name: "imd_decile", type: .integer),
        FieldDefinition(name: "population", type: .real), FieldDefinition(name: "population_covered", type: .real),
        FieldDefinition(name: "population_within", type: .real), FieldDefinition(name: "areas_covered", type: .string),
        FieldDefinition(name: "nearest_store_km", type: .real), FieldDefinition(name: "nearest_store", type: .string),
        FieldDefinition(name: "covered", type: .boolean), FieldDefinition(name: "walk_m", type: .real),
        FieldDefinition(name: "stops", type: .integer), FieldDefinition(name: "driving_minutes", type: .real),
        FieldDefinition(name: "total_minutes", type: .real), FieldDefinition(name: "km", type: .real),
    ]

    /// The plan as one layer in the areas' CRS: target areas (polygons, `covered` and `stop`),
    /// one LineString per day, the stops in order and the depot.
    /// - Throws: `ProjectionError`.
    public func mapLayer() throws -> FeatureLayer {
        let names = Self.mapFields.map(\.name)
        func row(_ values: [String: FieldValue]) -> [FieldValue] { names.map { values[$0] ?? .null } }
        func real(_ v: Double?) -> FieldValue { v.flatMap { $0.isFinite ? .real($0) : nil } ?? .null }
        func int(_ v: Int?) -> FieldValue { v.map { .integer(Int64($0)) } ?? .null }
        let minutes = input.foodThresholdUnit == "minutes"
        var features: [Feature] = []
        for a in considered where a.target {
            features.append(Feature(geometry: areas.layer.features[a.areaIndex].geometry, values: row([
                "feature_type": .string("area"), "id": .string(a.code), "name": .string(a.name), "area_code": .string(a.code),
                "imd_decile": int(a.decile), "population": real(a.population),
                "nearest_store_km": minutes ? .null : real(a.nearestStore.map { $0 / 1000 }), "nearest_store": a.nearestStoreName.map { .string($0) } ?? .null,
                "covered": .boolean(a.stop != nil), "stop": int(a.stop), "walk_m": real(a.stopDistance),
            ])))
        }
        // Points and lines are in EPSG:27700; bring them to the areas' CRS.
        let convert: ([Coordinate]) throws -> [Coordinate] = { points in
            areas.crs == .britishNationalGrid ? points : try transformPoints(points, from: .britishNationalGrid, to: areas.crs)
        }
        let km = dayKilometres
        for (d, route) in routes.enumerated() {
            features.append(Feature(geometry: .lineString(try convert(routeLines[d])), values: row([
                "feature_type": .string("route"), "day": int(route.day), "name": .string("Day \(route.day)"),
                "stops": int(route.stops.count), "driving_minutes": real(route.drivingMinutes), "total_minutes": real(route.totalMinutes),
                "km": real(km[d]), "arrival": .string(Self.clock(input.startMinutes + route.totalMinutes)), "departure": .string(Self.clock(input.startMinutes)),
            ])))
        }
        let stopPoints = try convert(stops.map(\.point))
        for (k, s) in stops.enumerated() {
            features.append(Feature(geometry: .point(stopPoints[k]), values: row([
                "feature_type": .string("stop"), "stop": int(s.number), "day": int(s.day), "order": int(s.order),
                "arrival": .string(Self.clock(s.arrival)), "departure": .string(Self.clock(s.departure)),
                "id": .string(s.id), "name": .string(s.name), "area_code": .string(s.areaCode), "imd_decile": int(s.decile),
                "population_covered": real(s.populationCovered), "population_within": real(s.populationWithin),
                "areas_covered": .string(s.areasCovered.joined(separator: " ")),
                "nearest_store_km": real(s.nearestStore.map { $0 / 1000 }), "nearest_store": s.nearestStoreName.map { .string($0) } ?? .null,
                "walk_m": .null,
            ])))
        }
        features.append(Feature(geometry: .point(try convert([depot])[0]), values: row([
            "feature_type": .string("depot"), "name": .string("Depot \(depotLabel)"), "departure": .string(Self.clock(input.startMinutes)),
        ])))
        return FeatureLayer(name: "food_van_plan", crs: areas.crs, schema: Schema(Self.mapFields), features: features)
    }

    /// The printable schedule: per day, leaving the depot, each stop, and the return.
    public func scheduleRows() -> (header: [String], rows: [[String]]) {
        let header = ["day", "order", "event", "arrive", "depart", "stop", "name", "id", "area_code", "imd_decile",
                      "easting", "northing", "drive_minutes", "drive_km", "population_covered", "areas_covered", "nearest_store_km",
                      "postcode", "postcode_m", "ward", "district", "lon", "lat"]
        var rows: [[String]] = []
        func f(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
        let dayKm = dayKilometres
        for (d, route) in routes.enumerated() {
            rows.append(["\(route.day)", "0", "leave depot", "", Self.clock(input.startMinutes), "", "Depot \(depotLabel)", "depot", "", "",
                         f(depot.x, 0), f(depot.y, 0), "", "", "", "", "", "", "", "", "", "", ""])
            for s in stops where s.day == route.day {
                rows.append(["\(s.day)", "\(s.order)", "stop", Self.clock(s.arrival), Self.clock(s.departure), "\(s.number)", s.name, s.id,
                             s.areaCode, s.decile.map(String.init) ?? "", f(s.point.x, 0), f(s.point.y, 0), f(s.legMinutes, 1),
                             f(s.legKilometres, 2), f(s.populationCovered, 0), "\(s.areasCovered.count)",
                             s.nearestStore.map { f($0 / 1000, 2) } ?? "",
                             s.place?.postcode ?? "", s.place?.postcodeMetres.map { f($0, 0) } ?? "", s.place?.ward ?? "", s.place?.district ?? "",
                             s.place.map { f($0.lonLat.x, 6) } ?? "", s.place.map { f($0.lonLat.y, 6) } ?? ""])
            }
            // The day's length less its legs to the stops (lines are along the roads with a network).
            let returnKm = max(0, dayKm[d] - stops.filter { $0.day == route.day }.reduce(0) { $0 + $1.legKilometres })
            rows.append(["\(route.day)", "\(route.stops.count + 1)", "return to depot", Self.clock(input.startMinutes + route.totalMinutes), "", "",
                         "Depot \(depotLabel)", "depot", "", "", f(depot.x, 0), f(depot.y, 0), f(route.returnMinutes, 1),
                         f(returnKm, 2), "", "", "", "", "", "", "", "", ""])
        }
        return (header, rows)
    }

    /// Every area of the region in the chosen deciles: targeted or not, and why.
    public func areaRows() -> (header: [String], rows: [[String]]) {
        let unit = input.foodThresholdUnit == "minutes" ? "minutes" : "km"
        let header = ["code", "name", "imd_decile", "imd_rank", "population", "nearest_store_\(unit)", "nearest_store", "target", "reason",
                      "reachable", "covered", "stop", "walk_m"]
        let rows = considered.map { a -> [String] in
            let d = a.nearestStore.map { unit == "km" ? String(format: "%.3f", $0 / 1000) : String(format: "%.1f", $0) } ?? ""
            return [a.code, a.name, "\(a.decile)", a.rank.map(String.init) ?? "", String(format: "%.0f", a.population), d, a.nearestStoreName ?? "",
                    a.target ? "true" : "false", a.reason, a.target ? (a.reachable ? "true" : "false") : "",
                    a.target ? (a.stop != nil ? "true" : "false") : "", a.stop.map(String.init) ?? "", a.stopDistance.map { String(format: "%.0f", $0) } ?? ""]
        }
        return (header, rows)
    }

    /// The summary printed on standard output.
    public func report() -> String {
        func people(_ v: Double) -> String { grouped(Int(saturating: v)) }
        func pct(_ a: Double, _ b: Double) -> String { b > 0 ? String(format: "%.1f%%", 100 * a / b) : "–" }
        var lines: [String] = []
        lines.append("Food-van plan for \(regionDescription)")
        lines.append("  \(grouped(figures.regionAreas)) areas, \(people(figures.regionPopulation)) people; \(grouped(figures.decileAreas)) in IMD decile\(input.deciles.count == 1 ? "" : "s") \(FoodVanPlanner.decileText(Set(input.deciles))) (\(people(figures.decilePopulation)) people)")
        lines.append("  target: \(grouped(figures.targetAreas)) areas, \(people(figures.targetPopulation)) people, with \(provisionRule)")
        lines.append("  \(coverageRule)")
        let share = pct(figures.coveredPopulation, figures.targetPopulation)
        var cover = "stops: \(stops.count) chosen from \(grouped(figures.candidateCount)) candidates: \(people(figures.coveredPopulation)) people covered, \(share) of the target"
        if figures.reachablePopulation < figures.targetPopulation { cover += " (\(pct(figures.coveredPopulation, figures.reachablePopulation)) of the \(people(figures.reachablePopulation)) within reach of any candidate)" }
        lines.append(cover)
        lines.append("  method: \(covering.method)")
        if input.stopsRequested == nil {
            lines.append(setCover.optimal ? "  optimal: no fewer stops reach every target area within reach"
                                          : "  at least \(setCover.lowerBound) stops are needed to reach every target area within reach")
        } else if covering.optimal {
            lines.append("  optimal: no \(stops.count) stops cover more")
        } else {
            lines.append("  upper bound \(people(covering.upperBound)) people: within \(String(format: "%.2f", 100 * covering.gap))% of the best possible")
        }
        lines.append("set covering: \(setCover.stops.count) stops reach every target area within reach (\(setCover.method)\(setCover.optimal ? "" : "; at least \(setCover.lowerBound) needed"))")
        lines.append("routes from depot \(depotLabel), \(travelRule), \(Int(saturating: input.stopMinutes, .towardZero)) minutes per stop, days of at most \(Int(saturating: input.dayMinutes, .towardZero)) minutes:")
        let km = dayKilometres
        for (d, r) in routes.enumerated() {
            lines.append("  day \(r.day): \(Self.clock(input.startMinutes))–\(Self.clock(input.startMinutes + r.totalMinutes)), \(r.stops.count) stop\(r.stops.count == 1 ? "" : "s"), \(Int(r.drivingMinutes.rounded())) min driving, \(String(format: "%.1f", km[d])) km")
            for s in stops where s.day == r.day {
                lines.append("    \(s.order). \(Self.clock(s.arrival))–\(Self.clock(s.departure))  \(s.name)\(s.name == s.areaCode ? "" : " (\(s.areaCode))"), decile \(s.decile.map(String.init) ?? "–"), \(people(s.populationCovered)) people, nearest store \(s.nearestStore.map { String(format: "%.2f km", $0 / 1000) } ?? "–")")
            }
        }
        return lines.joined(separator: "\n")
    }
}
