import Foundation

/// The measure of every analysed area, before selection.
struct MeasureValues {
    var value: [Double?]
    var nearestService: [Int?]
    var kthCost: [Double?]
    var servicesReached: [Int?]
    /// Pairs within the radius (within and catchment measures).
    var pairCount: Int?
    var valueField: String
    var unit: String
    var method: String
    var diagnostics: [Diagnostic] = []

    init(count n: Int, valueField: String, unit: String, method: String) {
        value = Array(repeating: nil, count: n)
        nearestService = Array(repeating: nil, count: n)
        kthCost = Array(repeating: nil, count: n)
        servicesReached = Array(repeating: nil, count: n)
        self.valueField = valueField
        self.unit = unit
        self.method = method
    }

    /// Cost to the nearest service (`k` = 1) or the mean cost to the k nearest, in the reported unit.
    static func nearest(k: Int, costs: BoundCosts, kind: ServiceKind, place: String, codes: [String],
                        progress: ProgressCallback? = nil) throws -> MeasureValues {
        guard k >= 1 else { throw AccessError.badParameter("the number of nearest services must be at least 1", .neighbours) }
        let word = costs.unit.reported
        var m = MeasureValues(count: codes.count, valueField: k == 1 ? "nearest_\(word)" : "knn_mean_\(word)", unit: word,
                              method: k == 1 ? "\(place) to the nearest \(kind)" : "mean \(place) to the \(k) nearest \(kind)")
        if k > costs.serviceCount {
            m.diagnostics.note("only \(costs.serviceCount) services: the k = \(k) nearest cannot all exist; areas get the mean over the services there are.")
        }
        let rows = try costs.nearest(k: k, progress: progress)
        let scale = costs.unit.toReported
        for a in rows.indices where !rows[a].isEmpty {
            m.nearestService[a] = rows[a][0].index
            m.value[a] = rows[a].reduce(0) { $0 + $1.distance } / Double(rows[a].count) * scale
            m.kthCost[a] = rows[a].last!.distance * scale
        }
        let without = m.value.indices.filter { m.value[$0] == nil }.map { codes[$0] }
        if !without.isEmpty { m.diagnostics.note("\(without.count) areas have no cost to any service and no value: \(list(without))", codes: without) }
        return m
    }

    /// Number of services within `radius`.
    static func within(_ pairs: SparseNeighbours, radius: Double, unit: CostUnit, kind: ServiceKind, place: String) -> MeasureValues {
        let r = "\(DistanceDecay.format(radius)) \(unit.radiusWord)"
        var m = MeasureValues(count: pairs.areaCount, valueField: "count_within", unit: "\(kind) within \(r)",
                              method: "number of \(kind) within \(r) (\(place))")
        m.pairCount = pairs.pairCount
        for a in 0..<pairs.areaCount {
            let c = pairs.range(of: a).count
            m.servicesReached[a] = c
            m.value[a] = Double(c)
        }
        return m
    }

    /// Floating-catchment access: supply per `scale` people (or need) within the catchment.
    static func catchment(_ pairs: SparseNeighbours, spec: AccessSpec, radius: Double, unit: CostUnit, demand: Demand, supply: Supply,
                          population: [Double?], kind: ServiceKind, place: String) -> MeasureValues {
        let decay = spec.catchmentDecay(radius: radius)
        let result = FloatingCatchment.compute(neighbours: pairs, demand: demand.values.map { $0 ?? 0 }, supply: supply.values,
                                               decay: decay, method: spec.measure.catchment!, scale: spec.scale)
        let per = DistanceDecay.format(spec.scale)
        var m = MeasureValues(count: pairs.areaCount, valueField: "access_per_\(per == "100000" ? "100k" : per)",
                              unit: "\(supply.label) per \(grouped(Int(saturating: spec.scale, .towardZero))) \(spec.need == nil ? "people" : "need-weighted people")",
                              method: "\(spec.measure.rawValue.uppercased()) (\(place), catchment \(DistanceDecay.format(radius)) \(unit.radiusWord), decay \(decay), demand \(demand.description), supply \(supply.description))")
        m.pairCount = pairs.pairCount
        for a in 0..<pairs.areaCount {
            m.servicesReached[a] = pairs.range(of: a).count
            if population[a] != nil { m.value[a] = result.access[a] }
        }
        if result.servicesWithoutDemand > 0 {
            m.diagnostics.note("\(result.servicesWithoutDemand) \(kind) services have no demand within the catchment; their supply reaches nobody.")
        }
        return m
    }
}
