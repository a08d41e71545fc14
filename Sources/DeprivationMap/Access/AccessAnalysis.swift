import Foundation

/// Per selected area: the measure and what it was computed from.
public struct AreaAccess: Sendable {
    /// The measure, in ``AccessResult/unit``; `nil` when the area has none.
    public var value: [Double?]
    /// People in the area.
    public var population: [Double?]
    /// Demand (differs from population when need-weighted).
    public var demand: [Double?]
    /// Deprivation record of each area.
    public var records: [DeprivationRecord?]
    /// Origin of the area's trips, EPSG:27700.
    public var origins: [Coordinate]
    /// Index into ``AccessResult/services`` of the nearest service (nearest, knn).
    public var nearestService: [Int?]
    /// Cost to the k-th nearest, in the reported unit (knn).
    public var kthCost: [Double?]
    /// Services within the radius or catchment (within, floating catchments).
    public var servicesReached: [Int?]
    /// Metres each area's origin was moved to reach the network (network costs only; `nil`
    /// otherwise, and for an origin the router was not asked about).
    public var snapMetres: [Double?]? = nil
}

/// Access to one set of services for every area of a region, summarised against deprivation.
public struct AccessResult: Sendable {
    /// The measure computed.
    public var measure: AccessMeasure
    /// Field holding the measure in the outputs (`nearest_km`, `access_per_100k` …).
    public var valueField: String
    /// Unit of the measure in words ("km", "TOTAL_GP_EXTGL_FTE per 100,000 people").
    public var unit: String
    /// One line describing how the measure was computed.
    public var method: String
    /// The selected areas (geometry for the outputs).
    public var areas: Areas
    /// The region in words.
    public var regionDescription: String
    /// Per selected area.
    public var perArea: AreaAccess
    /// `true` when demand is need-weighted (and so differs from population).
    public var needWeighted: Bool
    /// The services, in EPSG:27700, and the supply of each.
    public var services: ServiceSet
    /// Supply of each service (1 each, or its capacity).
    public var supply: [Double]
    /// Tables by decile and quintile, SII, RII and concentration index of the selected areas.
    public var inequality: InequalitySummary
    /// Area–service pairs within the radius or catchment, over every analysed area (not only
    /// the selection; with a network cost, over the areas the router was asked about: the
    /// selection, and for catchments the areas within twice their reach); `nil` for the
    /// nearest-service measures.
    public var pairCount: Int?
    /// Selected areas, and their people, reaching no service within the radius or catchment.
    public var areasWithoutService: Int
    /// People in those areas.
    public var populationWithoutService: Double
    /// Matched pairs of a travel-time table without a cost.
    public var missingMatrixPairs: Int?
    /// What the analysis noticed, in the order found (the frame's first).
    public var diagnostics: [Diagnostic]

    /// The diagnostics in plain words.
    public var notes: [String] { diagnostics.map(\.description) }
}

/// Measures access to one set of services for every area of an ``AnalysisFrame``.
///
/// Access is computed over every analysed area (so catchments near the edge of a region see the
/// people and services beyond it); the summaries and statistics cover the frame's region.
///
/// ```swift
/// let frame = try AnalysisFrame(areas: lsoas, deprivation: imd, origins: .polygonCentroids)
/// let result = try AccessAnalysis.run(frame, services: strokeUnits, spec: AccessSpec(measure: .nearest))
/// print(result.inequality.deciles.map(\.mean), result.inequality.sii?.sii as Any)
/// ```
public enum AccessAnalysis {
    /// Runs the measure.
    /// - Throws: ``AccessError``, ``FrameError/noPopulation``, `ProjectionError`; an SII that
    ///   cannot be computed is not thrown (see ``InequalitySummary/siiUnavailable``).
    public static func run(_ frame: AnalysisFrame, services input: ServiceSet, spec: AccessSpec,
                           progress: ProgressCallback? = nil) throws -> AccessResult {
        try frame.requirePopulation()
        guard !input.points.isEmpty else { throw AccessError.noServices(path: input.path) }
        let analysed = frame.analysed
        let areas = frame.areas.subset(analysed)
        let population = analysed.map { frame.population[$0] }
        let records = analysed.map { frame.records[$0] }
        let origins = analysed.map { frame.origins[$0] }
        var diagnostics = frame.diagnostics
        let demand = try Demand(need: spec.need, codes: areas.codes, population: population, records: records, imd: frame.deprivation)
        diagnostics += demand.diagnostics
        let (services, moved) = try frame.metric(input)
        if let moved { diagnostics.append(moved) }
        if !services.skipped.isEmpty {
            diagnostics.note("\(services.kind): \(services.skipped.count) rows without a location left out, e.g. \(services.skipped.prefix(3).map(\.description).joined(separator: "; "))",
                             file: services.path)
        }
        let supply = Supply(services: services, capacity: spec.capacity)
        diagnostics += supply.diagnostics
        let costs = try spec.cost.bind(areas: areas, origins: origins, services: services)
        // The region: positions in `analysed` of the selected areas.
        let position = Dictionary(uniqueKeysWithValues: analysed.enumerated().map { ($1, $0) })
        let selected = frame.selected.compactMap { position[$0] }
        if let network = costs.network {
            // A router is asked only about the region (and, for catchments, the people within twice their reach).
            let reach = spec.measure.catchment != nil ? 2 * (network.reach(try spec.requiredRadius()) + 2 * network.cost.snapCap) : 0
            network.restrict(to: selected, within: reach)
        }
        let values = try measure(spec, costs: costs, codes: areas.codes, kind: services.kind, origins: frame.originPolicy,
                                 demand: demand, supply: supply, population: population, progress: progress)
        if let network = costs.network, !selected.isEmpty, selected.allSatisfy({ !(network.originSnap[$0] <= network.cost.snapCap) }) {
            throw NetworkError.regionOffNetwork(areas: selected.count, snapCap: network.cost.snapCap, network: network.cost.router.source)
        }
        diagnostics += costs.diagnostics(areas: areas, services: services)
        diagnostics += values.diagnostics
        if values.pairCount == 0 { throw AccessError.noServiceReached(radius: spec.radius ?? 0, unit: costs.unit, kind: services.kind) }

        func pick<T>(_ a: [T]) -> [T] { selected.map { a[$0] } }
        let perArea = AreaAccess(value: pick(values.value), population: pick(population), demand: pick(demand.values), records: pick(records),
                                 origins: pick(origins), nearestService: pick(values.nearestService), kthCost: pick(values.kthCost),
                                 servicesReached: pick(values.servicesReached),
                                 snapMetres: costs.network.map { n in pick(n.originSnap.map { $0.isFinite ? $0 : nil }) })
        let noService = perArea.servicesReached.indices.filter { perArea.servicesReached[$0] == 0 }
        return AccessResult(measure: spec.measure, valueField: values.valueField, unit: values.unit, method: values.method,
                            areas: areas.subset(selected), regionDescription: frame.regionDescription, perArea: perArea,
                            needWeighted: spec.need != nil, services: services, supply: supply.values,
                            inequality: InequalitySummary(values: perArea.value, population: perArea.population, records: perArea.records,
                                                          settings: spec.inequality),
                            pairCount: values.pairCount, areasWithoutService: noService.count,
                            populationWithoutService: noService.reduce(0) { $0 + (perArea.population[$1] ?? 0) },
                            missingMatrixPairs: costs.matrix?.missingPairs, diagnostics: diagnostics)
    }

    /// The measure of every analysed area.
    static func measure(_ spec: AccessSpec, costs: BoundCosts, codes: [String], kind: ServiceKind, origins: OriginPolicy?,
                        demand: Demand, supply: Supply, population: [Double?], progress: ProgressCallback?) throws -> MeasureValues {
        let place: String
        if let n = costs.network {
            place = n.cost.words + " from \(origins?.words ?? "polygon centroids")"
        } else if let m = costs.matrix {
            place = "travel time from \(URL(fileURLWithPath: m.path).lastPathComponent)"
        } else {
            place = "straight-line distance from \(origins?.words ?? "polygon centroids") in EPSG:27700"
        }
        switch spec.measure {
        case .nearest, .knn:
            return try MeasureValues.nearest(k: spec.measure == .nearest ? 1 : spec.k, costs: costs, kind: kind, place: place, codes: codes,
                                             progress: progress)
        case .within:
            let r = try spec.requiredRadius()
            return MeasureValues.within(try costs.within(r, progress: progress), radius: r, unit: costs.unit, kind: kind, place: place)
        case .twoStep, .enhanced, .threeStep:
            let r = try spec.requiredRadius()
            return MeasureValues.catchment(try costs.within(r, progress: progress), spec: spec, radius: r, unit: costs.unit, demand: demand,
                                           supply: supply, population: population, kind: kind, place: place)
        }
    }
}
