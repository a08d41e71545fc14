import Foundation
import GeoEngine

/// For each service (or van stop), the areas whose origin reaches it within a time on the network,
/// their people, and the union of their polygons.
///
/// OSRM has no isochrones, so the catchment's shape is the union of the areas reached (each area
/// counts when its origin reaches the service), not a line drawn through the network.
///
/// ```swift
/// let catchments = try ServiceCatchments.run(frame, services: pharmacies, cost: NetworkCost(router: walk), minutes: 15)
/// for c in catchments.catchments { print(c.id, c.areaCodes.count, c.population) }
/// ```
public struct ServiceCatchments: Sendable {
    /// One service's catchment.
    public struct Catchment: Sendable {
        /// The service's identifier and name.
        public var id: String
        /// Its name.
        public var name: String
        /// Codes of the areas reached within the time, with their minutes.
        public var areaCodes: [String]
        /// Minutes from each of those areas.
        public var minutes: [Double]
        /// People in them.
        public var population: Double
        /// The union of their polygons (the areas' CRS); `nil` when none is reached.
        public var shape: Geometry?
    }

    /// The time limit, minutes.
    public var minutes: Double
    /// One per service, in the services' order.
    public var catchments: [Catchment]
    /// CRS of the shapes.
    public var crs: CRS
    /// How the times were measured.
    public var method: String
    /// What the run noticed.
    public var diagnostics: [Diagnostic]

    /// The catchments of `services` within `minutes` over the frame's region.
    /// - Throws: ``NetworkError``, ``AccessError/noServices(path:)``, `GEOSError`, `ProjectionError`.
    public static func run(_ frame: AnalysisFrame, services input: ServiceSet, cost: NetworkCost, minutes: Double,
                           progress: ProgressCallback? = nil) throws -> ServiceCatchments {
        guard minutes > 0, minutes.isFinite else { throw NetworkError.badParameter("the catchment time must be positive minutes", .radius) }
        guard !input.points.isEmpty else { throw AccessError.noServices(path: input.path) }
        var diagnostics = frame.diagnostics
        let (services, moved) = try frame.metric(input)
        if let moved { diagnostics.append(moved) }
        let areas = frame.areas.subset(frame.selected)
        let origins = frame.selected.map { frame.origins[$0] }
        let binding = try NetworkCostBinding(cost: NetworkCost(router: cost.router, metric: .time, snapCap: cost.snapCap),
                                             origins: origins, services: services.points)
        let pairs = try binding.within(minutes, progress: progress)
        diagnostics += binding.diagnostics(originCodes: areas.codes, serviceIds: services.ids)
        var reached = [[(Int, Double)]](repeating: [], count: services.points.count)
        for a in 0..<pairs.areaCount {
            for k in pairs.range(of: a) { reached[Int(pairs.services[k])].append((a, pairs.costs[k])) }
        }
        let engine = try GeometryEngine()
        let population = frame.selected.map { frame.population[$0] ?? 0 }
        var out: [Catchment] = []
        for s in services.points.indices {
            let list = reached[s].sorted { $0.0 < $1.0 }
            let shape = try engine.union(list.compactMap { areas.geometries[$0.0] })
            out.append(Catchment(id: services.ids[s], name: services.names[s], areaCodes: list.map { areas.codes[$0.0] }, minutes: list.map(\.1),
                                 population: list.reduce(0) { $0 + population[$1.0] }, shape: shape))
        }
        let empty = out.filter { $0.areaCodes.isEmpty }.map(\.id)
        if !empty.isEmpty {
            diagnostics.note("\(empty.count) services reach no area of the region within \(DistanceDecay.format(minutes)) minutes: \(list(empty))", codes: empty)
        }
        return ServiceCatchments(minutes: minutes, catchments: out, crs: areas.crs,
                                 method: "areas whose origin (\(frame.originPolicy?.words ?? "polygon centroids")) reaches the service within \(DistanceDecay.format(minutes)) minutes \(cost.router.mode.words): \(cost.router.source)",
                                 diagnostics: diagnostics)
    }

    /// One feature per service with a catchment: its shape, identifier, name, minutes, areas and people.
    public func layer() -> FeatureLayer {
        let schema = Schema([FieldDefinition(name: "id", type: .string), FieldDefinition(name: "name", type: .string),
                             FieldDefinition(name: "minutes", type: .real), FieldDefinition(name: "areas", type: .integer),
                             FieldDefinition(name: "population", type: .real), FieldDefinition(name: "area_codes", type: .string)])
        let features = catchments.filter { !$0.areaCodes.isEmpty }.map { c in
            Feature(geometry: c.shape, values: [.string(c.id), .string(c.name), .real(minutes), .integer(Int64(c.areaCodes.count)),
                                                .real(c.population), .string(c.areaCodes.joined(separator: " "))])
        }
        return FeatureLayer(name: "catchments", crs: crs, schema: schema, features: features)
    }

    /// Every service–area pair within the time: `service_id`, `area_code`, `minutes`.
    public func pairRows() -> (header: [String], rows: [[String]]) {
        var rows: [[String]] = []
        for c in catchments { for (code, m) in zip(c.areaCodes, c.minutes) { rows.append([c.id, code, String(format: "%.2f", m)]) } }
        return (["service_id", "area_code", "minutes"], rows)
    }

    /// The diagnostics in plain words.
    public var notes: [String] { diagnostics.map(\.description) }
}
