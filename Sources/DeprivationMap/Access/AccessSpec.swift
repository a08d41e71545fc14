import Foundation

/// Which access measure to compute for each area.
public enum AccessMeasure: String, Sendable, Hashable, CaseIterable, Codable {
    /// Distance (or travel time) to the nearest service.
    case nearest
    /// Mean distance (or time) to the k nearest services.
    case knn
    /// Number of services within the radius.
    case within
    /// Floating catchments (see ``CatchmentMethod``): supply per people within the radius.
    case twoStep = "2sfca"
    /// Enhanced 2SFCA: stepped or Gaussian distance decay.
    case enhanced = "e2sfca"
    /// Three-step floating catchment (Wan et al.).
    case threeStep = "3sfca"

    /// The floating-catchment variant, for the catchment measures.
    public var catchment: CatchmentMethod? { CatchmentMethod(rawValue: rawValue) }
}

/// What to measure and how: the measure, its cost model and parameters, supply, need and the
/// inequality statistics. Every input is a loaded value; nothing here reads a file.
///
/// ```swift
/// var spec = AccessSpec(measure: .twoStep, radius: 10_000)
/// spec.capacity = try ServiceCapacity.read(path: workforce, valueColumn: "TOTAL_GP_EXTGL_FTE", filters: [RowFilter(column: "Year", equals: "2025")])
/// ```
public struct AccessSpec: Sendable {
    /// What to measure.
    public var measure: AccessMeasure
    /// How costs are measured: straight lines (metres) or a travel-time table (minutes).
    public var cost: CostModel = .straightLine
    /// Services averaged by ``AccessMeasure/knn``.
    public var k = 3
    /// Radius of `within` and the catchment of the floating catchments, in the cost model's
    /// unit (metres, or minutes).
    public var radius: Double?
    /// Decay of the catchments; E2SFCA and 3SFCA default to ``DistanceDecay/luoQi(catchment:)``,
    /// 2SFCA to binary.
    public var decay: DistanceDecay?
    /// Catchment results per this many people.
    public var scale = 100_000.0
    /// Supply per service (by identifier); 1 per service when `nil`.
    public var capacity: ServiceCapacity?
    /// Need weighting of demand; population when `nil`.
    public var need: NeedWeighting?
    /// How the inequality statistics are computed.
    public var inequality = InequalitySettings()

    /// A specification for `measure` with a `radius` (in the cost model's unit) and a cost model.
    public init(measure: AccessMeasure = .nearest, radius: Double? = nil, cost: CostModel = .straightLine) {
        self.measure = measure
        self.radius = radius
        self.cost = cost
    }

    /// The radius, checked: positive and finite.
    /// - Throws: ``AccessError/badParameter(_:_:)``.
    func requiredRadius() throws -> Double {
        guard let r = radius, r > 0, r.isFinite else {
            throw AccessError.badParameter("the \(measure.rawValue) measure needs a radius (metres, or the matrix's minutes) greater than 0", .radius)
        }
        return r
    }

    /// The decay of the catchment measures.
    func catchmentDecay(radius: Double) -> DistanceDecay {
        decay ?? (measure == .twoStep ? .binary : .luoQi(catchment: radius))
    }
}
