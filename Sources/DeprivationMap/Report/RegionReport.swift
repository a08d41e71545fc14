import Foundation
import GeoProjection

/// Everything a region report is built from, beyond its frame.
public struct RegionReportInput: Sendable {
    /// Page title; "Deprivation and access to services: REGION" when `nil`.
    public var title: String?
    /// The frame: areas (national or wider than the region, so that access near the edge sees
    /// the people and services beyond it), IMD, population, origins and the region.
    public var frame: AnalysisFrame
    /// GP practices.
    public var gp: ServiceSet
    /// GP FTE per practice, for the inverse-care-law measure (GP FTE per 100,000 by 2SFCA).
    public var gpCapacity: ServiceCapacity?
    /// Community pharmacies.
    public var pharmacy: ServiceSet
    /// Food stores (supermarkets): access and the food-van targets.
    public var foodStores: ServiceSet
    /// Catchment of the GP 2SFCA, metres.
    public var catchmentRadius = 10_000.0
    /// Settings of the food-van part.
    public var foodVan = ReportFoodVanSettings()
    /// Monte Carlo simulations of the SII limits.
    public var draws = 100_000
    /// Seed of the simulations.
    public var seed: UInt64 = 1
    /// Input files, for the sources list and the attribution.
    public var inputFiles: [String] = []
    /// Networks for the nearest services and the food van; straight lines when `nil`.
    public var network: ReportNetwork?
    /// The web-mapping library of the interactive map (Leaflet); no interactive map when `nil`.
    public var mapLibrary: MapLibrary?
    /// Postcodes (Code-Point Open) for the map's search box; none when `nil`.
    public var postcodes: PostcodePoints?
    /// Need-adjusted GP supply of every practice in England (HEEC method); the region's practices
    /// are compared with England's by national practice-IMD quintile. No such section when `nil`.
    public var needAdjustedSupply: NeedAdjustedSupply?

    /// A report of `frame`'s region with these services and the default settings.
    public init(frame: AnalysisFrame, gp: ServiceSet, pharmacy: ServiceSet, foodStores: ServiceSet) {
        self.frame = frame
        self.gp = gp
        self.pharmacy = pharmacy
        self.foodStores = foodStores
    }
}

/// A table behind numbers on the report page: the CSV file and its rows as written.
public struct ReportTable: Sendable, Hashable {
    /// The CSV file name in the report folder.
    public var file: String
    /// Column names.
    public var header: [String]
    /// Rows as written.
    public var rows: [[String]]

    /// The cell of the row whose first column is `key`, in `column`.
    public func cell(_ key: String, _ column: String) -> String? {
        guard let c = header.firstIndex(of: column), let row = rows.first(where: { $0.first == key }) else { return nil }
        return row[c]
    }
}

/// The region report: deprivation, access to GPs, pharmacies and supermarkets by IMD decile, the
/// inverse-care-law gap for GP supply, and a food-van plan, with the tables behind every number.
///
/// ```swift
/// let report = try RegionReport.build(input)
/// try ReportWriter.write(report, to: "out/mse-report")   // index.html, GeoJSON layers, CSV tables
/// ```
public struct RegionReport: Sendable {
    /// Page title.
    public var title: String
    /// The region in words.
    public var regionDescription: String
    /// The region's areas, IMD and services per area.
    public var map: AreaMap
    /// Nearest GP practice, pharmacy and food store (km) for every area, in that order.
    public var access: [AccessResult]
    /// GP FTE (or practices) per 100,000 people within the catchment (2SFCA).
    public var gpSupply: AccessResult
    /// The inverse-care-law gap; `nil` when fewer than 5 deciles have people (see ``gapUnavailable``).
    public var gap: GapReport?
    /// Why there is no gap statistic (e.g. a district with areas in only three deciles).
    public var gapUnavailable: String?
    /// Catchment radius of ``gpSupply``, metres.
    public var catchmentRadius: Double
    /// The food-van plan, when one could be made.
    public var foodVan: FoodVanPlan?
    /// Why there is no food-van plan, and what to change.
    public var foodVanSkipped: Diagnostic?
    /// How the default depot was chosen, when it was not given.
    public var depotNote: Diagnostic?
    /// The licence notice of the inputs.
    public var attribution: String?
    /// Input files, for the sources list.
    public var inputFiles: [String]
    /// What the joins noticed, in words.
    public var notes: [String]
    /// When the report was made.
    public var generated: Date
    /// The areas' polygons in EPSG:27700, for the map on the page (same order as `map.areas`).
    public var areaShapes: [Geometry?]

    /// The service types of ``access``, in order.
    public static let accessKinds: [ServiceKind] = [.gp, .pharmacy, .supermarket]

    /// Unit of the nearest-service measures: "km" (straight lines, or distance along a network)
    /// or "minutes" (network travel time).
    public var accessUnit: String { access.first?.unit ?? "km" }

    /// How the nearest services were measured, in words (straight lines, or the network's
    /// engine, profile and extract date).
    public var accessRule: String { access.first?.method ?? "straight-line distance" }

    /// The network the nearest services were measured on (engine, profile, extract and its
    /// date), or `nil` for straight lines.
    public var accessNetwork: String?

    /// The food-van plan on the calendar (each route day on a fixed weekday of the cycle).
    public var visitCalendar: VisitCalendar?
    /// The interactive map's library and data (JSON), when the input gave a library.
    public var mapLibrary: MapLibrary?
    /// The interactive map's data, JSON.
    public var explorerData: String?
    /// Need-adjusted GP supply of the practices located in the region, beside England's.
    public var gpNeedAdjusted: RegionNeedAdjustedSupply?
    /// The ward (best-fit ONS lookup) of each of the map's areas, when the lookup has wards.
    public var wardOfArea: [(code: String, name: String, district: String)?]?

    /// Runs the joins, the access measures, the gap and the food-van plan on one frame.
    /// - Throws: ``AccessError``, `GEOSError`, `ProjectionError`; no food-van plan and no SII
    ///   are reported in ``foodVanSkipped`` and ``gapUnavailable``, not thrown.
    public static func build(_ input: RegionReportInput, progress: ProgressCallback? = nil) throws -> RegionReport {
        func stage(_ name: String, _ step: Int) { progress?(ProgressEvent(stage: name, done: step, total: 6)) }
        let frame = input.frame
        var gp = input.gp, pharmacy = input.pharmacy, stores = input.foodStores
        gp.kind = .gp; pharmacy.kind = .pharmacy; stores.kind = .supermarket

        // 1. The region's areas, IMD, population and services counted per area.
        stage("joining areas, IMD and services", 0)
        let map = try AreaMap.build(frame, layers: MapLayers(services: [gp, pharmacy, stores]), progress: progress)

        // 2. Access: nearest GP, pharmacy and food store, then GP supply by 2SFCA.
        var inequality = InequalitySettings()
        inequality.draws = input.draws
        inequality.seed = input.seed
        var access: [AccessResult] = []
        for (i, set) in [gp, pharmacy, stores].enumerated() {
            stage("access to the nearest \(set.kind.singular)", 1 + i)
            var spec = AccessSpec(measure: .nearest, cost: input.network?.access.map { .network($0) } ?? .straightLine)
            spec.inequality = inequality
            access.append(try AccessAnalysis.run(frame, services: set, spec: spec, progress: progress))
        }
        stage("GP catchments (2SFCA)", 4)
        var spec = AccessSpec(measure: .twoStep, radius: input.catchmentRadius)
        spec.capacity = input.gpCapacity
        spec.inequality = inequality
        let supply = try AccessAnalysis.run(frame, services: gp, spec: spec, progress: progress)
        let attribution = MapOutput.attribution(for: input.inputFiles)
        var gap: GapReport?
        var gapUnavailable: String?
        do {
            gap = try GapReport(supply, title: "GP supply and deprivation", higherIsBetter: true,
                                grouping: "national IMD deciles of the areas (\(frame.deprivation.summary); national, not local, deprivation quantiles), population-weighted",
                                unit: input.gpCapacity != nil ? "GP FTE per 100,000 people" : supply.unit,
                                inputs: input.inputFiles, attribution: attribution)
        } catch let error as SIIError {
            gapUnavailable = error.description
        }

        // 3. The food-van plan.
        stage("food-van plan", 5)
        var van = try foodVanPlan(frame, map: map, stores: stores, settings: input.foodVan, network: input.network, progress: progress)
        try van.plan?.locateStops(postcodes: input.postcodes, geography: frame.geography)
        stage("done", 6)

        let toGrid = try ThreadProjection.current().transformer(from: map.areas.crs, to: .britishNationalGrid)
        let shapes = try map.areas.geometries.map { try $0.map { try toGrid.transform($0) } }
        var report = RegionReport(
            title: input.title ?? "Deprivation and access to services: \(regionName(map: map, selection: frame.selection, geography: frame.geography))", regionDescription: map.regionDescription,
            map: map, access: access, gpSupply: supply, gap: gap, gapUnavailable: gapUnavailable, catchmentRadius: input.catchmentRadius,
            foodVan: van.plan, foodVanSkipped: van.skipped, depotNote: van.depotNote,
            attribution: attribution, inputFiles: input.inputFiles, notes: map.notes, generated: Date(), areaShapes: shapes)
        report.accessNetwork = input.network?.access?.router.source
        if let geography = frame.geography {
            report.wardOfArea = map.areas.codes.map { code in
                geography.entries[code].flatMap { $0.wardCode.isEmpty ? nil : (code: $0.wardCode, name: $0.wardName, district: $0.districtName) }
            }
        }
        if let supply = input.needAdjustedSupply {
            report.gpNeedAdjusted = RegionNeedAdjustedSupply(supply, map: map, region: regionName(map: map, selection: frame.selection, geography: frame.geography),
                                                             settings: InequalitySettings(groups: .quintiles, draws: input.draws, seed: input.seed))
        }
        if let library = input.mapLibrary {
            report.mapLibrary = library
            report.explorerData = try ExplorerMap.data(report, frame: frame, postcodes: input.postcodes)
        }
        if let plan = van.plan {
            do {
                report.visitCalendar = try VisitCalendar(plan: plan, cycle: input.foodVan.cycle ?? VisitCycle(start: VisitCycle.nextMonday()))
            } catch let error as VisitCalendarError {
                report.notes.append(Diagnostic(error.problem, advice: error.advice).description)
            }
        }
        return report
    }

    /// The food-van part: from the given depot, or from the centre of the target deciles (and,
    /// when a stop is then out of a day's reach, from the area that minimises the longest trip).
    static func foodVanPlan(_ frame: AnalysisFrame, map: AreaMap, stores: ServiceSet, settings: ReportFoodVanSettings,
                            network: ReportNetwork? = nil, progress: ProgressCallback?) throws -> (plan: FoodVanPlan?, skipped: Diagnostic?, depotNote: Diagnostic?) {
        let centroids = frame.selected.map { frame.origins[$0] }
        var depotNote: Diagnostic?
        func refusal(_ error: any AdvisedError) -> Diagnostic { Diagnostic(error.problem, advice: error.advice) }
        let depot: Depot
        if let d = settings.depot {
            depot = Depot(point: d, label: settings.depotLabel ?? "E \(Int(saturating: d.x, .towardZero)) N \(Int(saturating: d.y, .towardZero))")
        } else {
            depot = defaultDepot(map: map, centroids: centroids, deciles: settings.deciles)
            depotNote = Diagnostic("The depot was not given, so the van starts at \(depot.label), the area nearest the population-weighted centre of the target deciles",
                                   advice: "give \(Setting.depot) (a postcode) to set it")
        }
        var spec = FoodVanSpec(depot: depot)
        spec.deciles = settings.deciles
        spec.foodThreshold = settings.foodThreshold
        spec.walkRadius = settings.walkRadius
        spec.stops = settings.stops
        spec.days = settings.days
        spec.dayMinutes = settings.dayMinutes
        spec.stopMinutes = settings.stopMinutes
        spec.travel = network?.drive.map { .network($0) } ?? .straightLine(speedKmh: settings.speedKmh, detour: settings.detour)
        spec.walkNetwork = network?.walk
        spec.seed = settings.seed
        spec.allowDepotOutside = settings.depot == nil
        do {
            return (try FoodVanPlanner.plan(frame, stores: stores, spec: spec, progress: progress), nil, depotNote)
        } catch let error as RouteError {
            guard settings.depot == nil, case .stopBeyondBudget = error else { return (nil, refusal(error), nil) }
            // A spread-out region: start from the area that minimises the longest trip instead.
            spec.depot = minimaxDepot(map: map, centroids: centroids, deciles: settings.deciles)
            do {
                let plan = try FoodVanPlanner.plan(frame, stores: stores, spec: spec, progress: progress)
                return (plan, nil, Diagnostic("The depot was not given. From \(depot.label), the area nearest the population-weighted centre of the target deciles, a stop is out of reach in a \(Int(saturating: settings.dayMinutes, .towardZero))-minute day, so the van starts at \(spec.depot.label), the area whose farthest area in the target deciles is nearest",
                                              advice: "give \(Setting.depot) (a postcode) to set it"))
            } catch let again as RouteError {
                return (nil, refusal(again), nil)
            } catch let again as FoodVanError {
                return (nil, refusal(again), nil)
            }
        } catch let error as FoodVanError {
            return (nil, refusal(error), nil)
        }
    }

    /// A short name for titles: the ICB's name, the districts', or the selection's description.
    static func regionName(map: AreaMap, selection: RegionSelection, geography: AreaGeography?) -> String {
        if let icb = selection.icb?.uppercased(), selection.districts.isEmpty,
           let e = geography?.entries.values.first(where: { $0.icbCode == icb || $0.icbNHSCode == icb }), !e.icbName.isEmpty {
            return RegionSelection.shortICBName(e.icbName) + " ICB"
        }
        if !selection.districts.isEmpty, let geography {
            let names = selection.districts.map { d in
                geography.entries.values.first { $0.districtCode.lowercased() == d.lowercased() || $0.districtName.lowercased() == d.lowercased() }?.districtName ?? d
            }
            return names.joined(separator: ", ")
        }
        return map.regionDescription
    }

    /// The centroid of the area nearest the population-weighted centre of the areas in `deciles`
    /// (all areas when none is in them).
    static func defaultDepot(map: AreaMap, centroids: [Coordinate], deciles: Set<Int>) -> Depot {
        var chosen = map.areas.codes.indices.filter { i in map.imdJoin?.records[i]?.index.decile.map(deciles.contains) ?? false }
        if chosen.isEmpty { chosen = Array(map.areas.codes.indices) }
        var sx = 0.0, sy = 0.0, sw = 0.0
        for i in chosen where centroids[i].x.isFinite {
            let w = max(map.population[i] ?? 1, 1)
            sx += centroids[i].x * w; sy += centroids[i].y * w; sw += w
        }
        let centre = Coordinate(x: sx / sw, y: sy / sw)
        let best = chosen.filter { centroids[$0].x.isFinite }.min { a, b in
            hypot(centroids[a].x - centre.x, centroids[a].y - centre.y) < hypot(centroids[b].x - centre.x, centroids[b].y - centre.y)
        } ?? chosen[0]
        return Depot(point: centroids[best], label: "\(map.areas.names[best]) (\(map.areas.codes[best]))")
    }

    /// The centroid of the region's area whose largest distance to an area in `deciles` is smallest.
    static func minimaxDepot(map: AreaMap, centroids: [Coordinate], deciles: Set<Int>) -> Depot {
        var targets = map.areas.codes.indices.filter { i in map.imdJoin?.records[i]?.index.decile.map(deciles.contains) ?? false }
        if targets.isEmpty { targets = Array(map.areas.codes.indices) }
        let points = targets.map { centroids[$0] }.filter { $0.x.isFinite }
        var best = 0, bestMax = Double.infinity
        for i in centroids.indices where centroids[i].x.isFinite {
            var worst = 0.0
            for p in points {
                worst = max(worst, hypot(p.x - centroids[i].x, p.y - centroids[i].y))
                if worst >= bestMax { break }
            }
            if worst < bestMax { bestMax = worst; best = i }
        }
        return Depot(point: centroids[best], label: "\(map.areas.names[best]) (\(map.areas.codes[best]))")
    }

    // MARK: - Tables

    static func fixed(_ v: Double?, _ decimals: Int) -> String {
        guard let v, v.isFinite else { return "" }
        return String(format: "%.\(decimals)f", v)
    }

    /// Areas, population and services for Core20 (deciles 1–2), the rest, and all.
    public func core20Table() -> ReportTable {
        var header = ["group", "areas", "population", "population_pct"]
        for t in map.serviceKinds { header += [t.rawValue, "\(t)_per_10k"] }
        let all = map.areas.codes.indices
        let core = all.filter { map.imdJoin?.records[$0]?.isCore20 ?? false }
        let coreSet = Set(core)
        let rest = all.filter { !coreSet.contains($0) }
        let total = all.reduce(0.0) { $0 + (map.population[$1] ?? 0) }
        func row(_ label: String, _ idx: [Int]) -> [String] {
            let pop = idx.reduce(0.0) { $0 + (map.population[$1] ?? 0) }
            var r = [label, String(idx.count), Self.fixed(pop, 0), total > 0 ? Self.fixed(100 * pop / total, 2) : ""]
            for s in map.serviceKinds.indices {
                let n = idx.reduce(0) { $0 + map.serviceCounts[s][$1] }
                r += [String(n), pop > 0 ? Self.fixed(Double(n) / pop * 10_000, 4) : ""]
            }
            return r
        }
        return ReportTable(file: "core20.csv", header: header, rows: [row("core20", core), row("other", rest), row("all", Array(all))])
    }

    /// Population-weighted mean distance to the nearest GP practice, pharmacy and supermarket and
    /// GP supply per 100,000, by IMD decile and for the whole region.
    public func accessByDecileTable() -> ReportTable {
        let header = ["decile", "areas", "population"] + Self.accessKinds.map { "\($0)_nearest_\(accessUnit)" } + ["gp_fte_per_100k"]
        var rows: [[String]] = []
        let measures = access + [gpSupply]
        for d in 1...10 {
            guard let first = access[0].inequality.deciles.first(where: { $0.group == d }) else { continue }
            var r = [String(d), String(first.areas), Self.fixed(first.population, 0)]
            for m in measures { r.append(Self.fixed(m.inequality.deciles.first { $0.group == d }?.mean, 4)) }
            rows.append(r)
        }
        let first = access[0]
        let pop = first.inequality.deciles.reduce(0.0) { $0 + $1.population }
        var r = ["all", String(first.inequality.deciles.reduce(0) { $0 + $1.areas }), Self.fixed(pop, 0)]
        for m in measures {
            let p = m.inequality.deciles.reduce(0.0) { $0 + $1.population }
            r.append(Self.fixed(p > 0 ? m.inequality.deciles.reduce(0.0) { $0 + $1.mean * $1.population } / p : nil, 4))
        }
        rows.append(r)
        return ReportTable(file: "access-by-decile.csv", header: header, rows: rows)
    }

    /// The SII input and fit: per decile the mean GP supply, its standard error, population,
    /// relative rank and fitted value.
    public func inverseCareLawTable() -> ReportTable {
        var rows: [[String]] = []
        let header = ["decile", "population", "gp_fte_per_100k", "standard_error", "relative_rank", "fitted"]
        guard let sii = gap?.sii else { return ReportTable(file: "inverse-care-law.csv", header: header, rows: rows) }
        for (k, g) in sii.groups.enumerated() {
            let x = sii.ranks[k]
            rows.append([String(g.group), Self.fixed(g.population, 0), Self.fixed(g.value, 4), Self.fixed(g.standardError, 4),
                         Self.fixed(x, 6), Self.fixed(sii.intercept + sii.slope * x, 4)])
        }
        return ReportTable(file: "inverse-care-law.csv", header: header, rows: rows)
    }

    /// SII, RII, concentration index and the fitted ends, with confidence limits.
    public func statisticsTable() -> ReportTable {
        let header = ["statistic", "value", "lower", "upper"]
        guard let gap else { return ReportTable(file: "inverse-care-law-statistics.csv", header: header, rows: []) }
        let s = gap.sii
        var rows = [["sii", Self.fixed(s.sii, 4), Self.fixed(s.siiLower, 4), Self.fixed(s.siiUpper, 4)]]
        if let rii = s.rii { rows.append(["rii", Self.fixed(rii, 4), Self.fixed(s.riiLower, 4), Self.fixed(s.riiUpper, 4)]) }
        rows.append(["fitted_most_deprived", Self.fixed(s.fittedMostDeprived, 4), "", ""])
        rows.append(["fitted_least_deprived", Self.fixed(s.fittedLeastDeprived, 4), "", ""])
        if let ci = gap.concentrationIndex { rows.append(["concentration_index", Self.fixed(ci, 4), "", ""]) }
        if let q = gap.quintileContrast {
            rows.append(["quintile_gap", Self.fixed(q.difference, 4), Self.fixed(q.differenceLower, 4), Self.fixed(q.differenceUpper, 4)])
        }
        return ReportTable(file: "inverse-care-law-statistics.csv", header: header, rows: rows)
    }

    /// Food-van plan in numbers (empty when there is no plan).
    public func foodVanSummaryTable() -> ReportTable {
        var rows: [[String]] = []
        if let p = foodVan {
            rows = [["deciles_areas", String(p.figures.decileAreas)], ["deciles_population", Self.fixed(p.figures.decilePopulation, 0)],
                    ["target_areas", String(p.figures.targetAreas)], ["target_population", Self.fixed(p.figures.targetPopulation, 0)],
                    ["stops", String(p.stops.count)], ["days", String(p.routes.count)],
                    ["covered_population", Self.fixed(p.figures.coveredPopulation, 0)],
                    ["covered_pct", Self.fixed(p.figures.targetPopulation > 0 ? 100 * p.figures.coveredPopulation / p.figures.targetPopulation : nil, 2)],
                    ["stops_to_cover_all", String(p.setCover.stops.count)]]
        }
        return ReportTable(file: "food-van-figures.csv", header: ["figure", "value"], rows: rows)
    }

    /// The combined per-area layer: the map's fields plus access and food-van fields.
    public func areaLayer() -> FeatureLayer {
        var layer = map.layer()
        let extraNames = Self.accessKinds.map { "\($0)_nearest_\(accessUnit)" } + ["gp_fte_per_100k", "food_van_target", "food_van_stop"]
        var values: [String: [FieldValue]] = [:]
        let byCode: [[String: Double?]] = (access + [gpSupply]).map { r in
            Dictionary(uniqueKeysWithValues: r.areas.codes.enumerated().map { ($1, r.perArea.value[$0]) })
        }
        var target: [String: FoodVanArea] = [:]
        for a in foodVan?.considered ?? [] { target[a.code] = a }
        for code in map.areas.codes {
            var row: [FieldValue] = byCode.map { d in (d[code] ?? nil).map { FieldValue.real($0) } ?? .null }
            if let a = target[code] {
                row.append(.boolean(a.target))
                row.append(a.stop.map { .integer(Int64($0)) } ?? .null)
            } else {
                row += [foodVan == nil ? .null : .boolean(false), .null]
            }
            values[code] = row
        }
        let rows = map.areas.codes.map { values[$0]! }
        let extra = Schema(inferring: extraNames, from: rows)
        layer.schema = Schema(layer.schema.fields + extra.fields)
        for i in layer.features.indices { layer.features[i].values += rows[i] }
        layer.name = "areas"
        return layer
    }
}
