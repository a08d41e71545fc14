import Foundation

/// The floating-catchment variant.
public enum CatchmentMethod: String, Sendable, Hashable, CaseIterable {
    /// Two-step floating catchment (Luo & Wang 2003), with the given decay (binary by default).
    case twoStep = "2sfca"
    /// Enhanced 2SFCA (Luo & Qi 2009): 2SFCA with a stepped or Gaussian distance decay.
    case enhanced = "e2sfca"
    /// Three-step floating catchment (Wan, Zou & Sternberg 2012): each pair's weight is also
    /// multiplied by the area's selection weight G = W / Σ W over the services it reaches, so
    /// that an area's demand is shared out between the services near it rather than counted in
    /// full at each.
    case threeStep = "3sfca"
}

/// The result of a floating-catchment computation.
public struct CatchmentResult: Sendable {
    /// Access per area: Σ weighted supply-to-demand ratios, times ``scale``; 0 for an area that
    /// reaches no service (see ``reachesService``), never NaN.
    public var access: [Double]
    /// Whether the area has at least one service in its catchment.
    public var reachesService: [Bool]
    /// Supply-to-demand ratio per service (times ``scale``); `nil` for a service whose catchment
    /// holds no demand (its supply reaches nobody).
    public var serviceRatio: [Double?]
    /// Weighted demand in each service's catchment.
    public var serviceDemand: [Double]
    /// Services whose catchment holds no demand.
    public var servicesWithoutDemand: Int
    /// Factor applied (e.g. 100,000 for "per 100,000 people").
    public var scale: Double
}

/// Two- and three-step floating catchment area access over sparse neighbour lists.
///
/// Step 1: for each service j, R_j = S_j / Σ_i w_ij·P_i (3SFCA: Σ_i G_ij·w_ij·P_i) over the areas
/// i whose catchment reaches it. Step 2: for each area, A_i = Σ_j w_ij·R_j (3SFCA: G_ij·w_ij·R_j).
/// These are the definitions PySAL `access` uses (`two_stage_fca`, `three_stage_fca`), with
/// the catchment applied as cost ≤ max cost.
public enum FloatingCatchment {
    /// - Parameters:
    ///   - neighbours: pairs within the catchment (see ``SparseNeighbours/limited(to:)``).
    ///   - demand: demand per area (population, need-weighted population); areas with 0 demand
    ///     take part in step 2 only.
    ///   - supply: capacity per service (1 per service to count services, FTE for GPs).
    ///   - decay: weight by cost.
    ///   - method: 2SFCA/E2SFCA (the same computation; E2SFCA differs by its decay) or 3SFCA.
    ///   - scale: multiply the ratios by this (100,000 for "per 100,000 people").
    public static func compute(neighbours: SparseNeighbours, demand: [Double], supply: [Double],
                               decay: DistanceDecay, method: CatchmentMethod, scale: Double = 100_000) -> CatchmentResult {
        precondition(demand.count == neighbours.areaCount && supply.count == neighbours.serviceCount)
        let n = neighbours.pairCount
        // Weight of each pair, times the selection weight G for 3SFCA.
        var w = [Double](repeating: 0, count: n)
        for a in 0..<neighbours.areaCount {
            let r = neighbours.range(of: a)
            var sum = 0.0
            for k in r {
                w[k] = decay.weight(neighbours.costs[k])
                sum += w[k]
            }
            if method == .threeStep {
                for k in r { w[k] = sum > 0 ? w[k] * (w[k] / sum) : 0 }
            }
        }
        // Step 1: weighted demand per service and its supply ratio.
        var serviceDemand = [Double](repeating: 0, count: neighbours.serviceCount)
        for a in 0..<neighbours.areaCount where demand[a] > 0 {
            for k in neighbours.range(of: a) { serviceDemand[Int(neighbours.services[k])] += w[k] * demand[a] }
        }
        var ratio = [Double?](repeating: nil, count: neighbours.serviceCount)
        var withoutDemand = 0
        for j in 0..<neighbours.serviceCount {
            if serviceDemand[j] > 0 { ratio[j] = supply[j] / serviceDemand[j] } else { withoutDemand += 1 }
        }
        // Step 2: access per area.
        var access = [Double](repeating: 0, count: neighbours.areaCount)
        var reaches = [Bool](repeating: false, count: neighbours.areaCount)
        for a in 0..<neighbours.areaCount {
            var sum = 0.0
            for k in neighbours.range(of: a) {
                reaches[a] = true
                if let r = ratio[Int(neighbours.services[k])] { sum += w[k] * r }
            }
            access[a] = sum * scale
        }
        return CatchmentResult(access: access, reachesService: reaches, serviceRatio: ratio.map { $0.map { $0 * scale } },
                               serviceDemand: serviceDemand, servicesWithoutDemand: withoutDemand, scale: scale)
    }
}
