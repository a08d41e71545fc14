import Foundation

/// Transformation applied before the regression of the Slope Index of Inequality.
public enum SIITransform: String, Sendable, Hashable, Codable, CaseIterable {
    /// Values as they are (distances, counts, means).
    case none
    /// Natural log, for rates: standard errors become se / value.
    case log
    /// Logit, for proportions in (0, 1): standard errors become se / (p(1 − p)).
    case logit

    func forward(_ y: Double) -> Double {
        switch self {
        case .none: return y
        case .log: return Foundation.log(y)
        case .logit: return Foundation.log(y / (1 - y))
        }
    }

    func inverse(_ t: Double) -> Double {
        switch self {
        case .none: return t
        case .log: return exp(t)
        case .logit: return 1 / (1 + exp(-t))
        }
    }

    func standardError(_ se: Double, at y: Double) -> Double {
        switch self {
        case .none: return se
        case .log: return se / y
        case .logit: return se / (y * (1 - y))
        }
    }
}

/// One group of the SII: its value, population and the standard error of the value.
public struct SIIGroup: Sendable, Hashable, Codable {
    /// 1 = most deprived.
    public var group: Int
    /// The group's value (a population-weighted mean).
    public var value: Double
    /// People in the group.
    public var population: Double
    /// Standard error of the value.
    public var standardError: Double
    /// A group of the regression.
    public init(group: Int, value: Double, population: Double, standardError: Double) {
        self.group = group; self.value = value; self.population = population; self.standardError = standardError
    }
}

/// Why the SII could not be computed.
public enum SIIError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Fewer than five groups have data.
    case tooFewGroups(Int)
    /// A group that cannot enter the regression (no people, a non-finite value …).
    case badGroup(group: Int, reason: String)

    public var description: String {
        switch self {
        case .tooFewGroups(let n):
            return "the Slope Index of Inequality needs at least 5 deprivation groups with data; there are \(n). Use a larger region, or quintiles rather than deciles only when each quintile has data."
        case .badGroup(let group, let reason):
            return "group \(group) cannot enter the Slope Index of Inequality: \(reason)"
        }
    }
}

/// Slope and Relative Index of Inequality with Monte Carlo confidence limits.
public struct SlopeIndex: Sendable, Hashable, Codable {
    /// SII: fitted value at the least deprived end (relative rank 1) minus the fitted value at the
    /// most deprived end (rank 0), on the original scale. Positive when the value rises as
    /// deprivation falls.
    public var sii: Double
    /// Lower confidence limit of the SII.
    public var siiLower: Double
    /// Upper confidence limit of the SII.
    public var siiUpper: Double
    /// RII: fitted value at the least deprived end divided by that at the most deprived end;
    /// `nil` when the fitted value at the most deprived end is ≤ 0.
    public var rii: Double?
    /// Lower confidence limit of the RII.
    public var riiLower: Double?
    /// Upper confidence limit of the RII.
    public var riiUpper: Double?
    /// Fitted values at the two ends (original scale).
    public var fittedMostDeprived: Double
    /// Fitted value at the least deprived end (relative rank 1).
    public var fittedLeastDeprived: Double
    /// Intercept and slope of the fit on the (transformed) scale.
    public var intercept: Double
    /// Slope of the fitted line on the transformed scale.
    public var slope: Double
    /// Relative rank (population midpoint) of each group, in group order.
    public var ranks: [Double]
    /// The groups fitted, most deprived first.
    public var groups: [SIIGroup]
    /// Transform applied before the regression.
    public var transform: SIITransform
    /// Confidence level of the limits.
    public var confidence: Double
    /// Monte Carlo simulations behind the limits.
    public var draws: Int
    /// Seed of the simulations.
    public var seed: UInt64

    /// Computes the SII and RII by the PHE method (Low & Low 2004; PHE Technical Guide on
    /// inequality indices):
    /// 1. groups ordered 1 = most deprived; a_i = population share; relative rank
    ///    x_i = Σ_{k<i} a_k + a_i / 2 (the group's population midpoint);
    /// 2. weighted least squares of y on x through the origin after multiplying the value, the
    ///    constant and x by √a_i (equivalently WLS with weights a_i);
    /// 3. SII = fitted(1) − fitted(0), RII = fitted(1) / fitted(0), back-transformed when a log
    ///    or logit transform is used;
    /// 4. confidence limits: `draws` simulations in which each group's value is drawn from a
    ///    normal distribution with its (transformed) standard error; the limits are the
    ///    (1 − confidence)/2 and (1 + confidence)/2 quantiles (linear interpolation, R's type 7)
    ///    of the simulated SII and RII.
    /// - Throws: ``SIIError`` for fewer than 5 groups, a non-positive population, a non-finite
    ///   value or standard error, or a value the transform cannot take.
    public static func compute(_ groups: [SIIGroup], transform: SIITransform = .none, confidence: Double = 0.95,
                               draws: Int = 100_000, seed: UInt64 = 1) throws -> SlopeIndex {
        let groups = groups.sorted { $0.group < $1.group }
        guard groups.count >= 5 else { throw SIIError.tooFewGroups(groups.count) }
        for g in groups {
            if !(g.population > 0) { throw SIIError.badGroup(group: g.group, reason: "population \(g.population) is not positive") }
            if !g.value.isFinite { throw SIIError.badGroup(group: g.group, reason: "the value is not a number") }
            if !(g.standardError.isFinite && g.standardError >= 0) {
                throw SIIError.badGroup(group: g.group, reason: "the standard error \(g.standardError) is not a non-negative number")
            }
            switch transform {
            case .none: break
            case .log where g.value <= 0: throw SIIError.badGroup(group: g.group, reason: "a log transform needs positive values; the value is \(g.value)")
            case .logit where !(g.value > 0 && g.value < 1):
                throw SIIError.badGroup(group: g.group, reason: "a logit transform needs proportions strictly between 0 and 1; the value is \(g.value)")
            default: break
            }
        }
        let total = groups.reduce(0) { $0 + $1.population }
        let a = groups.map { $0.population / total }
        var x: [Double] = []
        var cumulative = 0.0
        for share in a { x.append(cumulative + share / 2); cumulative += share }
        // WLS with weights a: b = Σ c_i y_i for fixed coefficient vectors (the fit is linear in y).
        let sx = zip(a, x).reduce(0) { $0 + $1.0 * $1.1 }
        let sxx = zip(a, x).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
        let sa = a.reduce(0, +)
        let det = sa * sxx - sx * sx
        let slopeC = a.indices.map { a[$0] * (sa * x[$0] - sx) / det }
        let interceptC = a.indices.map { a[$0] * (sxx - sx * x[$0]) / det }
        let y = groups.map { transform.forward($0.value) }
        let se = groups.map { transform.standardError($0.standardError, at: $0.value) }

        func ends(_ ys: UnsafeBufferPointer<Double>) -> (Double, Double) {
            var b0 = 0.0, b1 = 0.0
            for i in 0..<ys.count { b0 += interceptC[i] * ys[i]; b1 += slopeC[i] * ys[i] }
            return (transform.inverse(b0), transform.inverse(b0 + b1))
        }
        let (b0, b1) = (zip(interceptC, y).reduce(0) { $0 + $1.0 * $1.1 }, zip(slopeC, y).reduce(0) { $0 + $1.0 * $1.1 })
        let most = transform.inverse(b0), least = transform.inverse(b0 + b1)

        var rng = Xoshiro256(seed: seed)
        var siis = [Double](repeating: 0, count: draws)
        var riis: [Double] = []
        riis.reserveCapacity(draws)
        var ys = [Double](repeating: 0, count: y.count)
        for d in 0..<draws {
            for i in y.indices { ys[i] = y[i] + se[i] * rng.nextNormal() }
            let (m, l) = ys.withUnsafeBufferPointer(ends)
            siis[d] = l - m
            if m > 0 { riis.append(l / m) }
        }
        let lowerQ = (1 - confidence) / 2, upperQ = 1 - lowerQ
        siis.sort()
        riis.sort()
        let rii: Double? = most > 0 ? least / most : nil
        let riiLimits = rii != nil && !riis.isEmpty ? (quantile(riis, lowerQ), quantile(riis, upperQ)) : nil
        return SlopeIndex(sii: least - most, siiLower: quantile(siis, lowerQ), siiUpper: quantile(siis, upperQ),
                          rii: rii, riiLower: riiLimits?.0, riiUpper: riiLimits?.1,
                          fittedMostDeprived: most, fittedLeastDeprived: least, intercept: b0, slope: b1,
                          ranks: x, groups: groups, transform: transform, confidence: confidence, draws: draws, seed: seed)
    }

    /// Quantile of sorted data by linear interpolation between order statistics (R type 7).
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        guard sorted.count > 1 else { return sorted.first ?? .nan }
        let h = Double(sorted.count - 1) * p
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}

/// Concentration index of a measure by deprivation (Wagstaff, van Doorslaer & Kakwani).
public enum ConcentrationIndex {
    /// C = 2 / μ · Σ w_i (y_i − μ)(R_i − ½) / Σ w_i, where R_i is the population-weighted
    /// fractional rank of area i when areas are ordered from most to least deprived
    /// (`order` ascending: IMD rank 1 first), R_i = (weight before i) + w_i / 2, over the total
    /// weight; areas with the same order value share their average rank. Positive: the measure
    /// is concentrated among the less deprived. Areas with a `nil` value, order or a weight ≤ 0
    /// are left out. `nil` when no area is left or the weighted mean is 0.
    public static func compute(values: [Double?], weights: [Double], order: [Double?]) -> Double? {
        var items: [(order: Double, value: Double, weight: Double)] = []
        for i in values.indices {
            guard let v = values[i], v.isFinite, let o = order[i], weights[i] > 0 else { continue }
            items.append((o, v, weights[i]))
        }
        guard !items.isEmpty else { return nil }
        items.sort { $0.order < $1.order }
        let total = items.reduce(0) { $0 + $1.weight }
        let mean = items.reduce(0) { $0 + $1.value * $1.weight } / total
        guard mean != 0 else { return nil }
        var sum = 0.0, before = 0.0
        var i = 0
        while i < items.count {
            var j = i, tieWeight = 0.0
            while j < items.count && items[j].order == items[i].order { tieWeight += items[j].weight; j += 1 }
            let rank = (before + tieWeight / 2) / total
            for k in i..<j { sum += items[k].weight * (items[k].value - mean) * (rank - 0.5) }
            before += tieWeight
            i = j
        }
        return 2 * sum / total / mean
    }
}

/// xoshiro256** seeded through SplitMix64, with normal deviates by the Marsaglia polar method:
/// the same sequence for the same seed on every run and platform.
public struct Xoshiro256: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    private var spare: Double?

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        var z = seed
        func splitMix() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var r = z
            r = (r ^ (r >> 30)) &* 0xBF58_476D_1CE4_E5B9
            r = (r ^ (r >> 27)) &* 0x94D0_49BB_1331_11EB
            return r ^ (r >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal deviate.
    public mutating func nextNormal() -> Double {
        if let v = spare { spare = nil; return v }
        while true {
            let u = 2 * nextUniform() - 1, v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let f = (-2 * Foundation.log(s) / s).squareRoot()
                spare = v * f
                return u * f
            }
        }
    }
}
