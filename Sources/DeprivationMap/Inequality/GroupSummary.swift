import Foundation

/// Population-weighted summary of a measure within one group (an IMD decile or quintile).
public struct GroupSummary: Sendable, Hashable, Codable {
    /// Group number, 1 = most deprived.
    public var group: Int
    /// Areas with a value and a positive weight.
    public var areas: Int
    /// Sum of weights (population).
    public var population: Double
    /// Population-weighted mean.
    public var mean: Double
    /// Population-weighted median (the lowest value at which half the weight is reached).
    public var median: Double
    /// Population-weighted variance Σw(x − mean)² / Σw.
    public var variance: Double
    /// Standard error of the mean: √(variance / areas), as the PHE method takes it for group means.
    public var standardError: Double
    /// Share of the population whose value is above the threshold, when one was given.
    public var shareAbove: Double?
    /// Smallest value in the group.
    public var minimum: Double
    /// Largest value in the group.
    public var maximum: Double
}

/// Most against least deprived group: ratio and difference of the means.
public struct GroupContrast: Sendable, Hashable, Codable {
    /// The most deprived group with data.
    public var mostDeprived: Int
    /// The least deprived group with data.
    public var leastDeprived: Int
    /// mean(most deprived) / mean(least deprived); `nil` when the latter is 0.
    public var ratio: Double?
    /// mean(most deprived) − mean(least deprived).
    public var difference: Double
    /// 95% confidence interval of the difference (normal approximation from the standard errors).
    public var differenceLower: Double
    /// Upper confidence limit of the difference.
    public var differenceUpper: Double
}

/// Summaries of a measure by group.
public enum GroupSummaries {
    /// Summarises `values` weighted by `weights` in each group 1…`groups` (`group[i]`, 0 or `nil`
    /// = left out). Areas with a `nil` or non-finite value or a weight ≤ 0 are left out.
    /// - Parameters:
    ///   - values: the value of each area.
    ///   - weights: the weight (population) of each area.
    ///   - group: the group of each area, 1…`groups`.
    ///   - groups: the number of groups (10 for deciles, 5 for quintiles).
    ///   - threshold: when given, ``GroupSummary/shareAbove`` is the weighted share with value > threshold.
    public static func summarise(values: [Double?], weights: [Double], group: [Int?], groups: Int,
                                 threshold: Double? = nil) -> [GroupSummary] {
        var members = [[(Double, Double)]](repeating: [], count: groups)
        for i in values.indices {
            guard let g = group[i], (1...groups).contains(g), let v = values[i], v.isFinite, weights[i] > 0 else { continue }
            members[g - 1].append((v, weights[i]))
        }
        return members.enumerated().compactMap { g, m in
            guard !m.isEmpty else { return nil }
            return summary(group: g + 1, m, threshold: threshold)
        }
    }

    static func summary(group: Int, _ m: [(Double, Double)], threshold: Double?) -> GroupSummary {
        let total = m.reduce(0) { $0 + $1.1 }
        let mean = m.reduce(0) { $0 + $1.0 * $1.1 } / total
        let variance = m.reduce(0) { $0 + $1.1 * ($1.0 - mean) * ($1.0 - mean) } / total
        let sorted = m.sorted { $0.0 < $1.0 }
        var cumulative = 0.0
        var median = sorted.last!.0
        for (v, w) in sorted {
            cumulative += w
            if cumulative >= total / 2 { median = v; break }
        }
        let above = threshold.map { t in m.reduce(0) { $0 + ($1.0 > t ? $1.1 : 0) } / total }
        return GroupSummary(group: group, areas: m.count, population: total, mean: mean, median: median, variance: variance,
                            standardError: (variance / Double(m.count)).squareRoot(), shareAbove: above,
                            minimum: sorted.first!.0, maximum: sorted.last!.0)
    }

    /// Ratio and difference between the first (most deprived) and last group present.
    public static func contrast(_ rows: [GroupSummary]) -> GroupContrast? {
        guard let first = rows.first, let last = rows.last, first.group != last.group else { return nil }
        let difference = first.mean - last.mean
        let se = (first.standardError * first.standardError + last.standardError * last.standardError).squareRoot()
        return GroupContrast(mostDeprived: first.group, leastDeprived: last.group,
                             ratio: last.mean != 0 ? first.mean / last.mean : nil, difference: difference,
                             differenceLower: difference - 1.959963984540054 * se, differenceUpper: difference + 1.959963984540054 * se)
    }
}
