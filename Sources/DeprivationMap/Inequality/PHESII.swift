import Foundation

/// What an SII input's values are, as `PHEindicatormethods::phe_sii`'s `value_type`.
public enum SIIValueType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Any other value (0): standard errors from symmetric confidence limits.
    case other
    /// A rate (1): limits and draws on the log scale.
    case rate
    /// A proportion in (0, 1) (2): limits and draws on the logit scale.
    case proportion

    /// The scale the draws are made on: the same transforms as the SII regression's.
    var transform: SIITransform {
        switch self {
        case .other: return .none
        case .rate: return .log
        case .proportion: return .logit
        }
    }

    func forward(_ v: Double) -> Double { transform.forward(v) }

    func inverse(_ t: Double) -> Double { transform.inverse(t) }
}

/// How the quantiles of an SII were made: an explicit choice shown in every output (PHOF uses
/// local ones).
public enum QuantileBasis: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// National deprivation quantiles: each LSOA's quantile of all England's LSOAs.
    case national
    /// Local quantiles: the area's own LSOAs ranked by national deprivation and cut into
    /// quantiles of (nearly) equal count.
    case local

    public var description: String {
        switch self {
        case .national: return "national deprivation quantiles"
        case .local: return "local deprivation quantiles (within each area)"
        }
    }
}

/// One quantile of one area, as a row of `phe_sii`'s input.
public struct SIIQuantileInput: Sendable, Hashable, Codable {
    /// The quantile (1 = most deprived).
    public var quantile: Int
    /// Its population (the denominator).
    public var population: Double
    /// The indicator value; for a proportion it may be left out and given as ``count``.
    public var value: Double?
    /// Events (for a proportion: count / population is the value when ``value`` is `nil`).
    public var count: Double?
    /// Standard error of the value; for rates and proportions, of its log or logit, as phe_sii takes it.
    public var standardError: Double?
    /// Lower and upper confidence limits of the value (at ``PHESIISettings/inputConfidence``).
    public var lowerCL: Double?, upperCL: Double?

    /// A row of the input.
    public init(quantile: Int, population: Double, value: Double? = nil, count: Double? = nil, standardError: Double? = nil,
                lowerCL: Double? = nil, upperCL: Double? = nil) {
        self.quantile = quantile; self.population = population; self.value = value; self.count = count
        self.standardError = standardError; self.lowerCL = lowerCL; self.upperCL = upperCL
    }
}

/// How the SII is computed, as `phe_sii`'s arguments.
public struct PHESIISettings: Sendable, Hashable, Codable {
    /// What the values are.
    public var valueType: SIIValueType = .other
    /// Regress on the log (rate) or logit (proportion) scale and transform back (needs limits, not standard errors).
    public var transform = false
    /// The confidence level of the input limits (phe_sii assumes 95%).
    public var inputConfidence = 0.95
    /// SII and its limits are multiplied by this (100 for percentages; negative flips the polarity and inverts the RII).
    public var multiplier = 1.0
    /// Confidence levels of the output limits, all from one set of draws.
    public var confidences: [Double] = [0.95]
    /// Simulations (at least 1,000).
    public var repetitions = 100_000
    /// Ten sets of `repetitions` and the mean absolute difference of their limits from the first's.
    public var reliability = false
    /// Seed of the draws.
    public var seed: UInt64 = 1
    /// How the quantiles were made, stated with every result.
    public var basis: QuantileBasis

    /// Settings with phe_sii's defaults and the quantile basis stated.
    public init(basis: QuantileBasis) { self.basis = basis }
}

/// Confidence limits at one level.
public struct SIILimits: Sendable, Hashable, Codable {
    /// The level (0.95 …).
    public var confidence: Double
    /// SII limits.
    public var siiLower: Double, siiUpper: Double
    /// RII limits, when the fitted value at the most deprived end allows.
    public var riiLower: Double?, riiUpper: Double?
    /// Mean absolute difference of the SII (and RII) limits of nine further sets of draws from the first set's (reliability statistic).
    public var siiMAD: Double?, riiMAD: Double?
}

/// The SII and RII of one area.
public struct PHESIIResult: Sendable, Hashable, Codable {
    /// The area.
    public var area: String
    /// Slope Index of Inequality × multiplier: fitted value at the least deprived end minus at the most deprived end.
    public var sii: Double
    /// Relative Index of Inequality (inverted when the multiplier is negative); `nil` when the fitted value at the most deprived end is 0.
    public var rii: Double?
    /// Fitted value at the most deprived end (x = 0).
    public var intercept: Double
    /// Limits at each confidence level.
    public var limits: [SIILimits]
    /// Quantiles used.
    public var quantiles: Int
}

/// The results of one call: each area's SII, and the areas dropped with the reason.
public struct PHESIIOutcome: Sendable, Codable {
    /// Results, in area order.
    public var results: [PHESIIResult]
    /// Areas left out, and why (missing quantiles, no standard error or limits, invalid values).
    public var dropped: [String: String]
    /// The settings, including the quantile basis.
    public var settings: PHESIISettings
}

/// Why no SII can be computed at all.
public enum PHESIIError: Error, Sendable, Equatable, AdvisedError {
    /// phe_sii takes 5 to 100 quantiles.
    case quantileCount(Int)
    /// A setting out of range.
    case setting(String)

    public var problem: String {
        switch self {
        case .quantileCount(let n): return "the SII needs 5 to 100 quantiles; the input has \(n)"
        case .setting(let s): return s
        }
    }

    public var advice: Advice? {
        switch self {
        case .quantileCount: return "use deciles or quintiles (or up to 100 quantiles)"
        case .setting: return nil
        }
    }
}

/// The Slope and Relative Index of Inequality as `PHEindicatormethods::phe_sii` computes them,
/// for many areas in one call: standard errors from confidence limits (log scale for rates,
/// logit for proportions), proportions from counts and denominators, a multiplier (negative
/// too), several confidence levels from one set of draws, the reliability statistic, 5–100
/// quantiles, and the quantile basis (national or local) stated with the results.
///
/// Method (phe_sii): quantiles ordered 1 = most deprived; a = population share, b = the relative
/// rank at the quantile's population midpoint; y·√a regressed on √a and b·√a without a constant.
/// Without `transform` the regression is on the values as given and each draw is made on the
/// transformed scale (log, logit, or none) from the value with its standard error, then
/// transformed back; with `transform` both are on the log or logit scale and the ends of the
/// fitted line are transformed back. Limits are the draws at positions round(R·(1 − c)/2) and
/// round(R·(1 + c)/2) of the R sorted draws.
public enum PHESII {
    /// Computes each area's SII.
    /// - Throws: ``PHESIIError`` when the input as a whole has fewer than 5 or more than 100
    ///   quantiles, or a setting is out of range; single areas that cannot be used are dropped
    ///   and named in ``PHESIIOutcome/dropped``.
    public static func compute(_ areas: [String: [SIIQuantileInput]], settings: PHESIISettings) throws -> PHESIIOutcome {
        guard settings.repetitions >= 1_000 else { throw PHESIIError.setting("the SII needs at least 1,000 repetitions; got \(settings.repetitions)") }
        guard settings.confidences.allSatisfy({ $0 >= 0.9 && $0 < 1 }), (0.5..<1).contains(settings.inputConfidence) else {
            throw PHESIIError.setting("confidence levels must be between 0.9 and 1 (the input limits' between 0.5 and 1)")
        }
        if settings.transform && settings.valueType == .other { throw PHESIIError.setting("a transform needs rates or proportions (value type 1 or 2)") }
        let quantiles = Set(areas.values.flatMap { $0.map(\.quantile) }).sorted()
        guard (5...100).contains(quantiles.count) else { throw PHESIIError.quantileCount(quantiles.count) }

        var outcome = PHESIIOutcome(results: [], dropped: [:], settings: settings)
        let zInput = normalQuantile(0.5 + settings.inputConfidence / 2)
        for name in areas.keys.sorted() {
            let rows = areas[name]!.sorted { $0.quantile < $1.quantile }
            let have = Set(rows.map(\.quantile))
            let missing = quantiles.filter { !have.contains($0) }
            if !missing.isEmpty { outcome.dropped[name] = "no data for quantile\(missing.count == 1 ? "" : "s") \(missing.map(String.init).joined(separator: ", "))"; continue }
            if rows.count != quantiles.count { outcome.dropped[name] = "a quantile appears more than once"; continue }
            do {
                outcome.results.append(try area(name, rows, settings: settings, zInput: zInput))
            } catch let reason as DroppedArea {
                outcome.dropped[name] = reason.why
            }
        }
        return outcome
    }

    struct DroppedArea: Error { var why: String }

    static func area(_ name: String, _ rows: [SIIQuantileInput], settings s: PHESIISettings, zInput: Double) throws -> PHESIIResult {
        let type = s.valueType
        var values: [Double] = [], se: [Double] = []
        for r in rows {
            guard r.population > 0, r.population.isFinite else { throw DroppedArea(why: "quantile \(r.quantile) has a population of \(r.population)") }
            var v = r.value
            if v == nil, type == .proportion, let x = r.count {
                guard x > 0 else { throw DroppedArea(why: "quantile \(r.quantile) has a count of \(x): a proportion from counts needs a positive count") }
                v = x / r.population
            }
            guard let value = v, value.isFinite else { throw DroppedArea(why: "quantile \(r.quantile) has no value" + (type == .proportion ? " (nor a count)" : "")) }
            if type == .proportion && !(value > 0 && value < 1) { throw DroppedArea(why: "quantile \(r.quantile): the proportion \(value) is not between 0 and 1") }
            if type == .rate && !(value > 0) { throw DroppedArea(why: "quantile \(r.quantile): the rate \(value) is not positive, so it has no log") }
            var standardError: Double
            if let given = r.standardError, !s.transform {
                guard given >= 0, given.isFinite else { throw DroppedArea(why: "quantile \(r.quantile) has a standard error of \(given)") }
                standardError = given
            } else if let lo = r.lowerCL, let hi = r.upperCL {
                if type == .proportion && !(lo > 0 && hi < 1) { throw DroppedArea(why: "quantile \(r.quantile): the limits \(lo)–\(hi) are not strictly between 0 and 1") }
                if type == .rate && !(lo > 0) { throw DroppedArea(why: "quantile \(r.quantile): the lower limit \(lo) of a rate is not positive") }
                standardError = (type.forward(hi) - type.forward(lo)) / (2 * zInput)
                guard standardError.isFinite, standardError >= 0 else { throw DroppedArea(why: "quantile \(r.quantile): the upper limit \(hi) is below the lower \(lo)") }
            } else {
                throw DroppedArea(why: "quantile \(r.quantile) has " + (s.transform ? "no confidence limits (a transform needs them)" : "neither a standard error nor confidence limits"))
            }
            values.append(value); se.append(standardError)
        }
        // Regression weights (phe_sii's FindXValues and the least-squares solution, linear in y).
        let total = rows.reduce(0) { $0 + $1.population }
        let a = rows.map { $0.population / total }
        var b: [Double] = [], cumulative = 0.0
        for share in a { b.append(cumulative + share / 2); cumulative += share }
        let sx = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }, sxx = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }, sa = a.reduce(0, +)
        let det = sa * sxx - sx * sx
        let slopeC = a.indices.map { a[$0] * (sa * b[$0] - sx) / det }
        let interceptC = a.indices.map { a[$0] * (sxx - sx * b[$0]) / det }
        func fit(_ y: [Double]) -> (Double, Double) {
            var b0 = 0.0, b1 = 0.0
            for i in y.indices { b0 += interceptC[i] * y[i]; b1 += slopeC[i] * y[i] }
            return (b0, b1)
        }
        let m = s.multiplier
        let transformed = values.map(type.forward)
        var sii: Double, rii: Double?, intercept: Double
        var b0 = 0.0, b1 = 0.0
        if s.transform {
            (b0, b1) = fit(transformed)
            let lo = type.inverse(b0), hi = type.inverse(b0 + b1)
            sii = (hi - lo) * m
            rii = lo != 0 ? (m < 0 ? lo / hi : hi / lo) : nil
            intercept = lo * abs(m)
        } else {
            (b0, b1) = fit(values)
            sii = b1 * m
            rii = b0 != 0 ? (m < 0 ? b0 / (b0 + b1) : (b0 + b1) / b0) : nil
            intercept = b0
        }

        // Draws: `sets` sets of R each (10 for the reliability statistic).
        let sets = s.reliability ? 10 : 1, R = s.repetitions
        var rng = Xoshiro256(seed: s.seed)
        var siiDraws = [[Double]](repeating: [], count: sets), riiDraws = [[Double]](repeating: [], count: sets)
        var y = [Double](repeating: 0, count: values.count)
        for set in 0..<sets {
            siiDraws[set].reserveCapacity(R); riiDraws[set].reserveCapacity(R)
            for _ in 0..<R {
                for i in y.indices {
                    let t = transformed[i] + se[i] * rng.nextNormal()
                    y[i] = s.transform ? t : type.inverse(t)
                }
                let (d0, d1) = fit(y)
                if s.transform {
                    siiDraws[set].append(d1)  // the slope on the transformed scale; limits are transformed back below
                } else {
                    siiDraws[set].append(d1 * m)
                    if d0 != 0 { riiDraws[set].append(m < 0 ? d0 / (d0 + d1) : (d0 + d1) / d0) }
                }
            }
            siiDraws[set].sort(); riiDraws[set].sort()
        }
        func limits(_ set: Int, _ c: Double) -> (Double, Double, Double?, Double?) {
            let (sl, su) = (position(siiDraws[set], R, c, upper: false), position(siiDraws[set], R, c, upper: true))
            guard s.transform else {
                let r = riiDraws[set].count == R ? (position(riiDraws[set], R, c, upper: false), position(riiDraws[set], R, c, upper: true)) : nil
                return (sl, su, r?.0, r?.1)
            }
            // phe_sii: the limits of the transformed slope about the fitted line's midpoint, transformed back.
            let half = b0 + b1 / 2
            func ends(_ slope: Double) -> (Double, Double) { (type.inverse(half - slope / 2), type.inverse(half + slope / 2)) }
            let (l0, l1) = ends(sl), (u0, u1) = ends(su)
            let siiLo = (l1 - l0) * m, siiHi = (u1 - u0) * m
            let riiLo = l0 != 0 ? l1 / l0 : nil, riiHi = u0 != 0 ? u1 / u0 : nil
            if m < 0 { return (siiHi, siiLo, riiHi.map { 1 / $0 }, riiLo.map { 1 / $0 }) }
            return (siiLo, siiHi, riiLo, riiHi)
        }
        var out: [SIILimits] = []
        for c in s.confidences {
            let first = limits(0, c)
            var item = SIILimits(confidence: c, siiLower: first.0, siiUpper: first.1, riiLower: first.2, riiUpper: first.3)
            if sets > 1 {
                var siiDiff = 0.0, riiDiff = 0.0, riiN = 0
                for set in 1..<sets {
                    let l = limits(set, c)
                    siiDiff += abs(l.0 - first.0) + abs(l.1 - first.1)
                    if let a = l.2, let b = l.3, let fa = first.2, let fb = first.3 { riiDiff += abs(a - fa) + abs(b - fb); riiN += 2 }
                }
                item.siiMAD = siiDiff / Double(2 * (sets - 1))
                item.riiMAD = riiN > 0 ? riiDiff / Double(riiN) : nil
            }
            out.append(item)
        }
        return PHESIIResult(area: "", sii: sii, rii: rii, intercept: intercept, limits: out, quantiles: rows.count).named(name)
    }

    /// The draw at phe_sii's position: round(R·(1 − c)/2) or round(R·(1 + c)/2), 1-based, R's
    /// rounding (half to even).
    static func position(_ sorted: [Double], _ R: Int, _ c: Double, upper: Bool) -> Double {
        let p = upper ? c + (1 - c) / 2 : 1 - (c + (1 - c) / 2)
        let k = Int((Double(R) * p).rounded(.toNearestOrEven))
        return sorted[max(0, min(sorted.count - 1, k - 1))]
    }

    /// The standard normal quantile (Acklam's algorithm, refined by one Newton step on erfc).
    static func normalQuantile(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        var x: Double
        if p < 0.02425 {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - 0.02425 {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        return x - u / (1 + x * u / 2)
    }
}

extension PHESIIResult {
    func named(_ name: String) -> PHESIIResult { var copy = self; copy.area = name; return copy }
}

/// Deprivation quantiles of LSOAs for an SII, national or local, and phe_sii input rows built
/// from LSOA counts and denominators.
public enum SIIQuantiles {
    /// Each LSOA's quantile (1 = most deprived) of `quantiles`.
    /// - `national`: ⌈quantiles × rank / N⌉ of its national rank among the N ranked LSOAs.
    /// - `local`: the LSOAs of each area (`areas`) ordered by national rank, the k-th of m
    ///   getting ⌈quantiles × k / m⌉ (nearly equal counts, as local deciles).
    /// LSOAs without a rank, or (local) without an area, get none.
    public static func assign(ranks: [String: Int], areas: [String: String], quantiles: Int, basis: QuantileBasis) -> [String: Int] {
        var out: [String: Int] = [:]
        switch basis {
        case .national:
            let n = ranks.count
            for (code, rank) in ranks { out[code] = max(1, min(quantiles, (rank * quantiles + n - 1) / n)) }
        case .local:
            var members: [String: [(String, Int)]] = [:]
            for (code, area) in areas { if let r = ranks[code] { members[area, default: []].append((code, r)) } }
            for list in members.values {
                let sorted = list.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
                for (k, item) in sorted.enumerated() { out[item.0] = max(1, min(quantiles, ((k + 1) * quantiles + sorted.count - 1) / sorted.count)) }
            }
        }
        return out
    }

    /// phe_sii rows per area and quantile from LSOA events and denominators: the proportion
    /// Σ events / Σ denominator with Wilson score limits at `confidence` (as PHEindicatormethods'
    /// phe_proportion). LSOAs without an area or a quantile are left out.
    public static func proportions(events: [String: Double], denominators: [String: Double], areas: [String: String], quantile: [String: Int],
                                   confidence: Double = 0.95) -> [String: [SIIQuantileInput]] {
        var sums: [String: [Int: (Double, Double)]] = [:]
        for (code, n) in denominators {
            guard let area = areas[code], let q = quantile[code], let x = events[code] else { continue }
            sums[area, default: [:]][q, default: (0, 0)].0 += x
            sums[area, default: [:]][q, default: (0, 0)].1 += n
        }
        let z = PHESII.normalQuantile(0.5 + confidence / 2)
        return sums.mapValues { byQuantile in
            byQuantile.keys.sorted().map { q in
                let (x, n) = byQuantile[q]!
                let centre = 2 * x + z * z, spread = z * (z * z + 4 * x * (1 - x / n)).squareRoot(), scale = 2 * (n + z * z)
                return SIIQuantileInput(quantile: q, population: n, count: x, lowerCL: (centre - spread) / scale, upperCL: (centre + spread) / scale)
            }
        }
    }
}
