import Foundation

/// Where the trips of an area start, for the journey-time indicators.
public enum JourneyOrigins: Sendable {
    /// The frame's origin of each area (population-weighted or polygon centroid).
    case areaOrigins
    /// Every postcode inside the area (Code-Point Open, EPSG:27700), each weighing the same,
    /// averaged to the area: the method of the IoD's and AHAH's access indicators.
    case postcodes(PostcodePoints)
}

/// The DfT Journey Time Statistics' indicators for one set of services and one mode, per area:
/// the average minimum time to the nearest service, the number of services within each
/// threshold (15, 30, 45, 60 minutes by default) and the share of the area's origins (so of its
/// people, under equal weights) within each threshold; summarised by IMD decile with the SII.
///
/// ```swift
/// let walk = NetworkCost(router: try NetworkRouter.start(network, engine: engine))
/// let jts = try JourneyTimes.run(frame, services: pharmacies, cost: walk)
/// print(jts.inequality.sii?.sii as Any, jts.averageMinimum.prefix(3))
/// ```
public struct JourneyTimes: Sendable {
    /// The selected areas.
    public var areas: Areas
    /// Minutes thresholds.
    public var thresholds: [Double]
    /// Mean over the area's origins of the minutes to the nearest service; `nil` when no origin reaches one.
    public var averageMinimum: [Double?]
    /// Per threshold, per area: mean number of services within it.
    public var servicesWithin: [[Double?]]
    /// Per threshold, per area: percentage of the area's origins with a service within it.
    public var percentWithin: [[Double?]]
    /// Origins of each area (1 for area origins; its postcodes otherwise).
    public var originCount: [Int]
    /// People in each area.
    public var population: [Double?]
    /// Deprivation record of each area.
    public var records: [DeprivationRecord?]
    /// Deciles, quintiles and SII of the average minimum time (higher is worse).
    public var inequality: InequalitySummary
    /// Deciles, quintiles and SII of the percentage within each threshold.
    public var percentInequality: [InequalitySummary]
    /// How the times were measured, in words.
    public var method: String
    /// What the run noticed.
    public var diagnostics: [Diagnostic]

    /// The diagnostics in plain words.
    public var notes: [String] { diagnostics.map(\.description) }

    /// Computes the indicators for the frame's region.
    /// - Throws: ``NetworkError``, ``AccessError/noServices(path:)``, ``FrameError/noPopulation``, `ProjectionError`.
    public static func run(_ frame: AnalysisFrame, services input: ServiceSet, cost: NetworkCost, thresholds: [Double] = [15, 30, 45, 60],
                           origins: JourneyOrigins = .areaOrigins, inequality settings: InequalitySettings = InequalitySettings(),
                           progress: ProgressCallback? = nil) throws -> JourneyTimes {
        try frame.requirePopulation()
        guard !input.points.isEmpty else { throw AccessError.noServices(path: input.path) }
        guard !thresholds.isEmpty, thresholds.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw NetworkError.badParameter("the journey-time thresholds must be positive minutes", .radius)
        }
        let limits = thresholds.sorted()
        var diagnostics = frame.diagnostics
        let (services, moved) = try frame.metric(input)
        if let moved { diagnostics.append(moved) }
        let selected = frame.selected
        let areas = frame.areas.subset(selected)

        // Origins and the area of each.
        var points: [Coordinate] = [], owner: [Int] = []
        var label: [String] = []
        switch origins {
        case .areaOrigins:
            for (k, a) in selected.enumerated() where frame.origins[a].x.isFinite {
                points.append(frame.origins[a]); owner.append(k); label.append(areas.codes[k])
            }
        case .postcodes(let postcodes):
            let metric = areas.crs == .britishNationalGrid ? areas : try areas.reprojected(to: .britishNationalGrid)
            let box = metric.geometries.compactMap { $0?.envelope }.reduce(nil as Envelope?) { acc, e in acc.map { $0.union(e) } ?? e }
            var candidates: [Int] = []
            if let box {
                for i in postcodes.coordinates.indices where box.contains(postcodes.coordinates[i]) { candidates.append(i) }
            }
            let join = try PointJoin.join(points: candidates.map { postcodes.coordinates[$0] }, polygons: metric.geometries, labels: metric.codes)
            for (j, i) in candidates.enumerated() where join.match[j] == .inside {
                points.append(postcodes.coordinates[i]); owner.append(Int(join.area[j])); label.append(postcodes.postcodes[i])
            }
            let holding = Set(owner)
            let without = (0..<areas.codes.count).filter { !holding.contains($0) }
            if !without.isEmpty {
                diagnostics.note("\(without.count) areas hold no postcode and have no value: \(list(without.map { areas.codes[$0] }))", codes: without.map { areas.codes[$0] })
            }
        }
        let binding = try NetworkCostBinding(cost: NetworkCost(router: cost.router, metric: .time, snapCap: cost.snapCap), origins: points, services: services.points)
        let nearest = try binding.nearest(k: 1, progress: progress)
        let within = try binding.within(limits.last!, progress: progress)
        diagnostics += binding.diagnostics(originCodes: label, serviceIds: services.ids)

        let n = areas.codes.count
        var count = [Int](repeating: 0, count: n), reached = [Int](repeating: 0, count: n)
        var minimumSum = [Double](repeating: 0, count: n)
        var servicesSum = [[Double]](repeating: [Double](repeating: 0, count: n), count: limits.count)
        var hits = [[Double]](repeating: [Double](repeating: 0, count: n), count: limits.count)
        for (o, a) in owner.enumerated() where binding.originSnap[o] <= cost.snapCap {
            count[a] += 1
            if let best = nearest[o].first?.distance { minimumSum[a] += best; reached[a] += 1 }
            let costs = within.range(of: o).map { within.costs[$0] }
            for (t, limit) in limits.enumerated() {
                let c = costs.filter { $0 <= limit }.count
                servicesSum[t][a] += Double(c)
                if c > 0 { hits[t][a] += 1 }
            }
        }
        let unreached = (0..<n).filter { count[$0] > 0 && reached[$0] < count[$0] }.map { areas.codes[$0] }
        if !unreached.isEmpty {
            diagnostics.note("\(unreached.count) areas have origins with no route to any service; their average is over the origins that reach one: \(list(unreached))", codes: unreached)
        }
        let population = selected.map { frame.population[$0] }
        let records = selected.map { frame.records[$0] }
        let average = (0..<n).map { reached[$0] > 0 ? minimumSum[$0] / Double(reached[$0]) : nil as Double? }
        let servicesWithin = limits.indices.map { t in (0..<n).map { count[$0] > 0 ? servicesSum[t][$0] / Double(count[$0]) : nil as Double? } }
        let percent = limits.indices.map { t in (0..<n).map { count[$0] > 0 ? 100 * hits[t][$0] / Double(count[$0]) : nil as Double? } }
        let originWords: String
        switch origins {
        case .areaOrigins: originWords = frame.originPolicy?.words ?? "polygon centroids"
        case .postcodes: originWords = "every postcode in the area (Code-Point Open), equally weighted"
        }
        return JourneyTimes(areas: areas, thresholds: limits, averageMinimum: average, servicesWithin: servicesWithin, percentWithin: percent,
                            originCount: count, population: population, records: records,
                            inequality: InequalitySummary(values: average, population: population, records: records, settings: settings),
                            percentInequality: percent.map { InequalitySummary(values: $0, population: population, records: records, settings: settings) },
                            method: "journey times \(cost.router.mode.words) to \(services.kind.plural) from \(originWords): \(cost.router.source)",
                            diagnostics: diagnostics)
    }
}
