import Foundation

/// The unit of a cost: metres of straight line, or minutes of travel.
public enum CostUnit: String, Sendable, Hashable, Codable {
    /// Metres: of straight line (EPSG:27700), or along a network.
    case metres
    /// Minutes of travel.
    case minutes

    /// The unit measures are reported in: kilometres for distances, minutes for times.
    public var reported: String { self == .metres ? "km" : "minutes" }
    /// Factor from this unit to ``reported``.
    public var toReported: Double { self == .metres ? 1 / 1000 : 1 }
    /// The unit of a radius in words: "m" or "minutes".
    public var radiusWord: String { self == .metres ? "m" : "minutes" }
}

/// How the cost of reaching a service from an area is measured.
///
/// Every case gives the same bound costs (nearest services and pairs within a cost) for the
/// frame's origins and the services, so every measure works with every cost model.
public enum CostModel: Sendable {
    /// Straight-line distance in EPSG:27700 metres (a packed R-tree of the services).
    case straightLine
    /// Minutes from a travel-time table, matched to the areas by code or name and to the
    /// services by identifier or postcode.
    case travelTimes(TravelTimeTable)
    /// Minutes or metres along a road or path network, from a routing engine.
    case network(NetworkCost)

    /// The unit of its costs.
    public var unit: CostUnit {
        switch self {
        case .straightLine: return .metres
        case .travelTimes: return .minutes
        case .network(let n): return n.unit
        }
    }

    /// Binds the model to origins (EPSG:27700) and services (EPSG:27700).
    /// - Throws: ``AccessError/matrix(path:reason:)`` when a table matches no area or service.
    func bind(areas: Areas, origins: [Coordinate], services: ServiceSet) throws -> BoundCosts {
        switch self {
        case .straightLine:
            return BoundCosts(unit: .metres, tree: PointTree(services.points), matrix: nil, network: nil, origins: origins, serviceCount: services.points.count)
        case .travelTimes(let table):
            let m = try TravelTimeMatrix.match(table, areaCodes: areas.codes, areaNames: areas.names, serviceIds: services.ids,
                                               servicePostcodes: services.postcodes)
            return BoundCosts(unit: .minutes, tree: nil, matrix: m, network: nil, origins: origins, serviceCount: services.points.count)
        case .network(let cost):
            let binding = try NetworkCostBinding(cost: cost, origins: origins, services: services.points)
            return BoundCosts(unit: cost.unit, tree: nil, matrix: nil, network: binding, origins: origins, serviceCount: services.points.count)
        }
    }
}

/// A cost model bound to the origins and services of one analysis.
struct BoundCosts: Sendable {
    let unit: CostUnit
    let tree: PointTree?
    let matrix: TravelTimeMatrix?
    let network: NetworkCostBinding?
    let origins: [Coordinate]
    let serviceCount: Int

    /// The k cheapest services of every origin, cheapest first (ties by service index).
    func nearest(k: Int, progress: ProgressCallback? = nil) throws -> [[(index: Int, distance: Double)]] {
        if let network { return try network.nearest(k: k, progress: progress) }
        if let tree {
            return try parallelChunks(count: origins.count) { range in range.map { tree.nearest(origins[$0], k: k) } }
        }
        let m = matrix!.neighbours
        return (0..<m.areaCount).map { a -> [(index: Int, distance: Double)] in
            var row: [(index: Int, distance: Double)] = m.range(of: a).map { (Int(m.services[$0]), m.costs[$0]) }
            row.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.index < $1.index) }
            return Array(row.prefix(k))
        }
    }

    /// Area–service pairs with a cost of at most `radius`.
    func within(_ radius: Double, progress: ProgressCallback?) throws -> SparseNeighbours {
        if let network { return try network.within(radius, progress: progress) }
        if let tree { return SparseNeighbours.within(radius: radius, origins: origins, tree: tree, serviceCount: serviceCount, progress: progress) }
        return matrix!.neighbours.limited(to: radius)
    }

    /// What the matrix matched and missed, for the analysis's diagnostics.
    func diagnostics(areas: Areas, services: ServiceSet) -> [Diagnostic] {
        if let network { return network.diagnostics(originCodes: areas.codes, serviceIds: services.ids) }
        guard let m = matrix else { return [] }
        let file = URL(fileURLWithPath: m.path).lastPathComponent
        var out: [Diagnostic] = []
        var line = "\(file) (\(m.layout) matrix, areas by \(m.areaKey)): \(grouped(m.neighbours.pairCount)) pairs with a cost"
        line += "; \(grouped(m.missingPairs)) pairs missing" + (m.missingExamples.isEmpty ? "" : " (e.g. \(m.missingExamples.prefix(3).joined(separator: "; ")))")
        out.append(Diagnostic(line, file: m.path))
        func add(_ codes: [String], _ text: String) {
            if !codes.isEmpty { out.append(Diagnostic("\(codes.count) \(text): \(list(codes))", file: m.path, codes: codes)) }
        }
        add(m.areasWithoutRow.map { areas.codes[$0] }, "areas have no row in \(file)")
        add(m.servicesWithoutColumn.map { services.ids[$0] }, "services have no column in \(file)")
        add(m.unknownAreas, "rows of \(file) match no analysed area")
        add(m.unknownServices, "service keys of \(file) match no service")
        return out
    }
}
