import Foundation
import GeoEngine
import GeoProjection

/// Which access measure to compute for each area.
public enum AccessMeasure: String, Sendable, Hashable, CaseIterable, Codable {
    /// Distance (or matrix cost) to the nearest service.
    case nearest
    /// Mean distance (or cost) to the k nearest services.
    case knn
    /// Number of services within the radius.
    case within
    /// Floating catchments (see ``CatchmentMethod``).
    case twoStep = "2sfca"
    case enhanced = "e2sfca"
    case threeStep = "3sfca"

    public var catchment: CatchmentMethod? { CatchmentMethod(rawValue: rawValue) }
}

/// Inputs of ``AccessAnalysis/run(_:)``.
public struct AccessInput: Sendable {
    public var areas: Areas
    /// English IMD: the deciles the summaries and the SII group by, the ranks of the concentration index.
    public var imd: DeprivationTable
    /// Population per area; the IMD denominators when absent.
    public var population: AreaValues?
    /// Origins by area code in EPSG:27700 (population-weighted centroids); areas without one use
    /// the centroid of their polygon, computed in EPSG:27700.
    public var centroids: [String: Coordinate]?
    public var centroidSource: String?
    public var services: ServiceSet
    /// Supply per service (by service identifier); 1 per service when absent.
    public var capacity: ServiceCapacity?
    /// Travel-time matrix to use instead of straight lines (costs in its own unit, minutes).
    public var matrixPath: String?
    public var measure: AccessMeasure = .nearest
    public var k = 3
    /// Radius of `within` and the catchment of the floating catchments: metres, or the matrix's
    /// unit when a matrix is used.
    public var radius: Double?
    /// Decay of E2SFCA/3SFCA; E2SFCA defaults to ``DistanceDecay/luoQi(catchment:)``, 2SFCA is binary.
    public var decay: DistanceDecay?
    /// Floating catchment results per this many people.
    public var scale = 100_000.0
    /// Summaries report the share of population with a value above this.
    public var threshold: Double?
    public var need: NeedWeighting?
    public var selection = RegionSelection()
    public var geography: AreaGeography?
    /// SII groups: 10 (deciles) or 5 (quintiles).
    public var siiGroups = 10
    public var transform: SIITransform = .none
    public var draws = 100_000
    public var seed: UInt64 = 1
    public var confidence = 0.95
    /// Progress of the catchment search (called from worker threads).
    public var progress: ProgressCallback?

    public init(areas: Areas, imd: DeprivationTable, services: ServiceSet) {
        self.areas = areas
        self.imd = imd
        self.services = services
    }
}

/// Access to one set of services for every area, summarised by IMD decile and quintile, with the
/// Slope and Relative Index of Inequality and the concentration index.
///
/// Access is computed over every area that matches the IMD table (so catchments near the edge
/// of a region see the people and services beyond it); summaries and statistics cover the
/// selected region.
///
/// ```swift
/// var input = AccessInput(areas: try Areas.load(path: "lsoa11_ew_bsc_v3.shp"),
///                         imd: try DeprivationTable.read(paths: [file1, file6]),
///                         services: try ServiceReader.read(path: "unit_postcodes_coords.csv", type: "stroke"))
/// input.measure = .twoStep
/// input.radius = 30_000
/// let result = try AccessAnalysis.run(input)
/// print(result.deciles.map(\.mean), result.sii?.sii as Any)
/// ```
public struct AccessResult: Sendable {
    public var measure: AccessMeasure
    /// Field holding the measure in the outputs (`nearest_km`, `access_per_100k` …).
    public var valueField: String
    /// Unit of the measure in words.
    public var unit: String
    /// One line describing how the measure was computed.
    public var method: String
    /// Selected areas (geometry for the outputs).
    public var areas: Areas
    public var regionDescription: String
    /// Per selected area.
    public var value: [Double?]
    public var population: [Double?]
    public var demand: [Double?]
    /// `true` when demand is need-weighted (and so differs from population).
    public var needWeighted: Bool
    public var records: [DeprivationRecord?]
    public var origins: [Coordinate]
    /// Identifier of the nearest service (nearest, knn).
    public var nearestService: [Int?]
    /// Cost to the k-th nearest (knn).
    public var kthCost: [Double?]
    /// Services within the radius or catchment (within, floating catchments).
    public var servicesReached: [Int?]
    public var services: ServiceSet
    public var supply: [Double]
    public var deciles: [GroupSummary]
    public var quintiles: [GroupSummary]
    public var decileContrast: GroupContrast?
    public var quintileContrast: GroupContrast?
    public var sii: SlopeIndex?
    /// Why the SII is absent.
    public var siiUnavailable: String?
    public var concentrationIndex: Double?
    /// Area–service pairs within the radius or catchment (all analysed areas, not only the selection).
    public var pairCount: Int?
    /// Selected areas (and their population) reaching no service within the radius or catchment.
    public var areasWithoutService: Int
    public var populationWithoutService: Double
    public var matrix: TravelTimeMatrix?
    public var notes: [String]
}

public enum AccessAnalysis {
    /// Runs the analysis.
    /// - Throws: ``AccessError``, ``RegionError``, ``SIIError`` is never thrown (see
    ///   ``AccessResult/siiUnavailable``), ``GEOSError``, ``ProjectionError``.
    public static func run(_ input: AccessInput) throws -> AccessResult {
        var notes: [String] = []
        let all = input.areas
        // The analysed areas: those with an IMD row.
        let join = DeprivationJoin.join(codes: all.codes, areaVintage: all.vintage, table: input.imd)
        if let mismatch = join.vintageMismatch, all.vintage != nil, input.imd.vintage != nil, all.vintage != input.imd.vintage {
            throw AreaMapError.vintageMismatch("\(input.imd.summary): \(mismatch)")
        }
        guard join.matchedCount > 0 else { throw AreaMapError.nothingMatched(table: input.imd.summary) }
        let analysed = all.codes.indices.filter { join.records[$0] != nil }
        if analysed.count < all.codes.count {
            let left = all.codes.indices.filter { join.records[$0] == nil }.map { all.codes[$0] }
            let welsh = left.filter { $0.hasPrefix("W") }.count
            notes.append("\(left.count) areas have no IMD row and are left out\(welsh == left.count ? " (all Welsh, W…)" : ""): \(list(left))")
        }
        let areas = all.subset(analysed)
        let records = analysed.map { join.records[$0] }

        // Population and demand.
        var population: [Double?]
        if let p = input.population {
            population = areas.codes.map { p.values[$0] }
        } else {
            population = records.map { $0?.population }
        }
        let missing = population.indices.filter { population[$0] == nil }.map { areas.codes[$0] }
        let zero = population.indices.filter { population[$0] == 0 }.map { areas.codes[$0] }
        if !missing.isEmpty { notes.append("\(missing.count) areas have no population and are left out of demand and summaries: \(list(missing)); give --population to fill them.") }
        if !zero.isEmpty { notes.append("\(zero.count) areas have a population of 0 (they add no demand and no weight): \(list(zero))") }
        guard population.contains(where: { ($0 ?? 0) > 0 }) else {
            throw AccessError.noPopulation("no area has a positive population: give --population FILE (a code and a total column), or an IMD file with population denominators (IoD2019 File 6).")
        }
        var demand = population
        var demandText = "population"
        if let need = input.need {
            switch need {
            case .ageBands(let path, let weights):
                let (values, text) = try NeedWeighting.ageBandDemand(path: path, weights: weights)
                demand = areas.codes.map { values[$0] }
                let absent = demand.indices.filter { demand[$0] == nil }.map { areas.codes[$0] }
                if !absent.isEmpty { notes.append("\(absent.count) areas are not in the age table \(URL(fileURLWithPath: path).lastPathComponent) and add no demand: \(list(absent))") }
                demandText = text
            case .healthDomain(let factor):
                guard factor > 0 else { throw AccessError.badParameter("the health need factor must be positive") }
                let scores = records.map { $0?.domains[.health]?.score }
                guard scores.contains(where: { $0 != nil }) else {
                    throw AccessError.need(path: input.imd.paths.joined(separator: ", "), reason: "the IMD table has no health deprivation and disability score (IoD2025 File 7 or the tidy IMD 2025 file carry it; IoD2019 Files 1–2 do not).")
                }
                demand = population.indices.map { i in population[i].flatMap { p in scores[i].map { p * pow(factor, $0) } } }
                demandText = "population × \(DistanceDecay.format(factor))^(IMD health domain score)"
            }
        }

        // Origins in EPSG:27700.
        let origins = try originPoints(areas, centroids: input.centroids, notes: &notes, source: input.centroidSource)

        // Services in EPSG:27700.
        var services = input.services
        guard !services.points.isEmpty else { throw AccessError.noServices(path: services.path) }
        if !services.skipped.isEmpty {
            notes.append("\(services.type): \(services.skipped.count) rows without a location left out, e.g. \(services.skipped.prefix(3).map(\.description).joined(separator: "; "))")
        }
        if services.crs != .britishNationalGrid { services = try services.reprojected(to: .britishNationalGrid) }
        var supply = [Double](repeating: 1, count: services.points.count)
        var supplyText = "1 per service"
        var supplyLabel = "\(services.type) services"
        if let cap = input.capacity {
            var absent: [String] = []
            for (j, id) in services.ids.enumerated() {
                if let v = cap.values[id] { supply[j] = v } else { supply[j] = 0; absent.append(id.isEmpty ? "#\(j + 1)" : id) }
            }
            supplyText = "\(cap.column) from \(URL(fileURLWithPath: cap.path).lastPathComponent)"
            supplyLabel = cap.column
            if !absent.isEmpty { notes.append("\(absent.count) of \(services.ids.count) \(services.type) services have no \(cap.column) in \(URL(fileURLWithPath: cap.path).lastPathComponent) and supply 0: \(list(absent))") }
            if !cap.skipped.isEmpty { notes.append("\(cap.skipped.count) capacity rows not used: \(cap.skipped.prefix(3).map(\.description).joined(separator: "; "))") }
        }

        // Costs: straight lines through the point tree, or the matrix.
        var matrix: TravelTimeMatrix?
        let unitWord: String
        if let path = input.matrixPath {
            let m = try TravelTimeMatrix.read(path: path, areaCodes: areas.codes, areaNames: areas.names, serviceIds: services.ids,
                                              servicePostcodes: services.postcodes)
            matrix = m
            unitWord = "minutes"
            let file = URL(fileURLWithPath: path).lastPathComponent
            var line = "\(file) (\(m.layout) matrix, areas by \(m.areaKey)): \(grouped(m.neighbours.pairCount)) pairs with a cost"
            line += "; \(grouped(m.missingPairs)) pairs missing" + (m.missingExamples.isEmpty ? "" : " (e.g. \(m.missingExamples.prefix(3).joined(separator: "; ")))")
            notes.append(line)
            if !m.areasWithoutRow.isEmpty { notes.append("\(m.areasWithoutRow.count) areas have no row in \(file): \(list(m.areasWithoutRow.map { areas.codes[$0] }))") }
            if !m.servicesWithoutColumn.isEmpty { notes.append("\(m.servicesWithoutColumn.count) services have no column in \(file): \(list(m.servicesWithoutColumn.map { services.ids[$0] }))") }
            if !m.unknownAreas.isEmpty { notes.append("\(m.unknownAreas.count) rows of \(file) match no analysed area: \(list(m.unknownAreas))") }
            if !m.unknownServices.isEmpty { notes.append("\(m.unknownServices.count) service keys of \(file) match no service: \(list(m.unknownServices))") }
        } else {
            unitWord = "km"
        }
        let tree = matrix == nil ? PointTree(services.points) : nil
        let toUnit: Double = matrix == nil ? 1 / 1000 : 1

        // The measure.
        let n = areas.codes.count
        var value = [Double?](repeating: nil, count: n)
        var nearestService = [Int?](repeating: nil, count: n)
        var kth = [Double?](repeating: nil, count: n)
        var reached = [Int?](repeating: nil, count: n)
        var pairCount: Int?
        let valueField: String, unit: String, method: String
        let place = matrix == nil ? "straight-line distance from \(input.centroids == nil ? "polygon centroids" : "population-weighted centroids") in EPSG:27700" : "travel time from \(URL(fileURLWithPath: matrix!.path).lastPathComponent)"
        func needRadius() throws -> Double {
            guard let r = input.radius, r > 0, r.isFinite else {
                throw AccessError.badParameter("--method \(input.measure.rawValue) needs --radius (metres, or the matrix's minutes) greater than 0.")
            }
            return r
        }
        switch input.measure {
        case .nearest, .knn:
            let k = input.measure == .nearest ? 1 : input.k
            guard k >= 1 else { throw AccessError.badParameter("--k must be at least 1.") }
            if k > services.points.count { notes.append("only \(services.points.count) services: the k = \(k) nearest cannot all exist; areas get the mean over the services there are.") }
            let rows: [[(index: Int, distance: Double)]]
            if let tree {
                rows = try parallelChunks(count: n) { range in range.map { tree.nearest(origins[$0], k: k) } }
            } else {
                let m = matrix!.neighbours
                rows = (0..<n).map { a -> [(index: Int, distance: Double)] in
                    var row: [(index: Int, distance: Double)] = m.range(of: a).map { (Int(m.services[$0]), m.costs[$0]) }
                    row.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.index < $1.index) }
                    return Array(row.prefix(k))
                }
            }
            for a in 0..<n where !rows[a].isEmpty {
                nearestService[a] = rows[a][0].index
                value[a] = rows[a].reduce(0) { $0 + $1.distance } / Double(rows[a].count) * toUnit
                kth[a] = rows[a].last!.distance * toUnit
            }
            valueField = input.measure == .nearest ? "nearest_\(unitWord)" : "knn_mean_\(unitWord)"
            unit = unitWord
            method = input.measure == .nearest ? "\(place) to the nearest \(services.type)" : "mean \(place) to the \(k) nearest \(services.type)"
            let without = (0..<n).filter { value[$0] == nil }.map { areas.codes[$0] }
            if !without.isEmpty { notes.append("\(without.count) areas have no cost to any service and no value: \(list(without))") }
        case .within:
            let r = try needRadius()
            let pairs = try neighbours(tree: tree, matrix: matrix, origins: origins, radius: r, serviceCount: services.points.count, progress: input.progress)
            pairCount = pairs.pairCount
            for a in 0..<n { let c = pairs.range(of: a).count; reached[a] = c; value[a] = Double(c) }
            valueField = "count_within"
            unit = "\(services.type) within \(DistanceDecay.format(r)) \(matrix == nil ? "m" : "minutes")"
            method = "number of \(services.type) within \(DistanceDecay.format(r)) \(matrix == nil ? "m" : "minutes") (\(place))"
        case .twoStep, .enhanced, .threeStep:
            let r = try needRadius()
            let pairs = try neighbours(tree: tree, matrix: matrix, origins: origins, radius: r, serviceCount: services.points.count, progress: input.progress)
            pairCount = pairs.pairCount
            let decay = input.decay ?? (input.measure == .twoStep ? .binary : .luoQi(catchment: r))
            let result = FloatingCatchment.compute(neighbours: pairs, demand: demand.map { $0 ?? 0 }, supply: supply,
                                                   decay: decay, method: input.measure.catchment!, scale: input.scale)
            for a in 0..<n {
                reached[a] = pairs.range(of: a).count
                if population[a] != nil { value[a] = result.access[a] }
            }
            if result.servicesWithoutDemand > 0 {
                notes.append("\(result.servicesWithoutDemand) \(services.type) services have no demand within the catchment; their supply reaches nobody.")
            }
            let per = DistanceDecay.format(input.scale)
            valueField = "access_per_\(per == "100000" ? "100k" : per)"
            unit = "\(supplyLabel) per \(grouped(Int(saturating: input.scale, .towardZero))) \(input.need == nil ? "people" : "need-weighted people")"
            method = "\(input.measure.rawValue.uppercased()) (\(place), catchment \(DistanceDecay.format(r)) \(matrix == nil ? "m" : "minutes"), decay \(decay), demand \(demandText), supply \(supplyText))"
        }
        if let pairCount, pairCount == 0 {
            throw AccessError.noServiceReached("the \(DistanceDecay.format(input.radius ?? 0)) \(matrix == nil ? "m" : "minute") radius reaches no \(services.type) service from any area; increase --radius.")
        }

        // The selection and its summaries.
        let (selected, description) = try areas.select(input.selection, geography: input.geography)
        func pick<T>(_ a: [T]) -> [T] { selected.map { a[$0] } }
        let sValue = pick(value), sPop = pick(population), sRecords = pick(records)
        let weights = sPop.map { $0 ?? 0 }
        let deciles = GroupSummaries.summarise(values: sValue, weights: weights, group: sRecords.map { $0?.index.decile }, groups: 10, threshold: input.threshold)
        let quintiles = GroupSummaries.summarise(values: sValue, weights: weights, group: sRecords.map { $0.map(\.quintile) }, groups: 5, threshold: input.threshold)
        var sii: SlopeIndex?
        var siiUnavailable: String?
        let siiRows = input.siiGroups == 5 ? quintiles : deciles
        do {
            sii = try SlopeIndex.compute(siiRows.map { SIIGroup(group: $0.group, value: $0.mean, population: $0.population, standardError: $0.standardError) },
                                         transform: input.transform, confidence: input.confidence, draws: input.draws, seed: input.seed)
        } catch let e as SIIError {
            siiUnavailable = e.description
        }
        let concentration = ConcentrationIndex.compute(values: sValue, weights: weights,
                                                       order: sRecords.map { r in r.flatMap { $0.index.rank.map(Double.init) ?? $0.index.score.map { -$0 } } })
        let sReached = pick(reached)
        let noService = selected.indices.filter { sReached[$0] == 0 }
        return AccessResult(measure: input.measure, valueField: valueField, unit: unit, method: method,
                            areas: areas.subset(selected), regionDescription: description,
                            value: sValue, population: sPop, demand: pick(demand), needWeighted: input.need != nil, records: sRecords, origins: pick(origins),
                            nearestService: pick(nearestService), kthCost: pick(kth), servicesReached: sReached,
                            services: services, supply: supply,
                            deciles: deciles, quintiles: quintiles,
                            decileContrast: GroupSummaries.contrast(deciles), quintileContrast: GroupSummaries.contrast(quintiles),
                            sii: sii, siiUnavailable: siiUnavailable, concentrationIndex: concentration, pairCount: pairCount,
                            areasWithoutService: noService.count, populationWithoutService: noService.reduce(0) { $0 + (sPop[$1] ?? 0) },
                            matrix: matrix, notes: notes)
    }

    /// Pairs within the radius: from the point tree, or the matrix limited to the radius.
    private static func neighbours(tree: PointTree?, matrix: TravelTimeMatrix?, origins: [Coordinate], radius: Double,
                                   serviceCount: Int, progress: ProgressCallback?) throws -> SparseNeighbours {
        if let tree { return SparseNeighbours.within(radius: radius, origins: origins, tree: tree, serviceCount: serviceCount, progress: progress) }
        return matrix!.neighbours.limited(to: radius)
    }

    /// Population-weighted centroids where given, else polygon centroids computed in EPSG:27700.
    static func originPoints(_ areas: Areas, centroids: [String: Coordinate]?, notes: inout [String], source: String?) throws -> [Coordinate] {
        var points = [Coordinate?](repeating: nil, count: areas.codes.count)
        if let centroids {
            for (i, code) in areas.codes.enumerated() { points[i] = centroids[code] }
        }
        let needed = points.indices.filter { points[$0] == nil }
        if centroids != nil, !needed.isEmpty {
            notes.append("\(needed.count) areas have no centroid in \(source ?? "the centroid file") and use their polygon centroid: \(list(needed.map { areas.codes[$0] }))")
        }
        if !needed.isEmpty {
            let geometries = areas.geometries
            let crs = areas.crs
            let computed: [Coordinate?] = try parallelChunks(count: needed.count) { range in
                let engine = try GeometryEngine()
                let transformer = crs == .britishNationalGrid ? nil : try ProjectionContext().transformer(from: crs, to: .britishNationalGrid)
                return try range.map { k -> Coordinate? in
                    guard var g = geometries[needed[k]] else { return nil }
                    if let transformer { g = try transformer.transform(g) }
                    return try engine.centroid(g)
                }
            }
            for (k, i) in needed.enumerated() { points[i] = computed[k] }
        }
        let empty = points.indices.filter { points[$0] == nil }.map { areas.codes[$0] }
        if !empty.isEmpty { notes.append("\(empty.count) areas have no geometry and no centroid, so no access: \(list(empty))") }
        return points.map { $0 ?? Coordinate(x: .nan, y: .nan) }
    }
}
