import DeprivationMap
import Foundation
import Testing

/// phe_sii-style cases, each derived from the method (not from the code under test): exact lines
/// where the SII is known, limits against the analytic variance of the least-squares slope,
/// confidence-limit and count inputs, a negative multiplier, several levels, many areas, local
/// and national quantiles. No data folder needed.
@Suite("SII inputs as phe_sii takes them")
struct PHESIITests {
    /// Population per decile (unequal, so the midpoints are not evenly spaced).
    static let population: [Double] = [1200, 900, 1500, 1100, 800, 1000, 1300, 700, 1600, 900]

    /// Relative ranks (population midpoints), computed here.
    static var midpoints: [Double] {
        let total = population.reduce(0, +)
        var out: [Double] = [], before = 0.0
        for p in population { out.append((before + p / 2) / total); before += p }
        return out
    }

    static func rows(_ value: (Int) -> Double, se: (Int) -> Double) -> [SIIQuantileInput] {
        (0..<10).map { SIIQuantileInput(quantile: $0 + 1, population: population[$0], value: value($0), standardError: se($0)) }
    }

    @Test("A value exactly linear in the relative rank: SII is the slope, RII (c + k) / c; with zero standard errors every limit is the SII")
    func exactLine() throws {
        let c = 40.0, k = 12.0, b = Self.midpoints
        var s = PHESIISettings(basis: .national)
        s.repetitions = 1_000
        let r = try PHESII.compute(["A": Self.rows({ c + k * b[$0] }, se: { _ in 0 })], settings: s).results[0]
        #expect(abs(r.sii - k) < 1e-9 && abs(r.rii! - (c + k) / c) < 1e-12 && abs(r.intercept - c) < 1e-9)
        #expect(abs(r.limits[0].siiLower - k) < 1e-9 && abs(r.limits[0].siiUpper - k) < 1e-9)
    }

    @Test("Limits against the analytic spread of the weighted least-squares slope (100,000 draws, within 2%)")
    func limitsAgainstVariance() throws {
        let b = Self.midpoints, se = (0..<10).map { 0.5 + Double($0) * 0.1 }
        let r = try PHESII.compute(["A": Self.rows({ 30 + 5 * b[$0] + Double($0 % 3) }, se: { se[$0] })], settings: PHESIISettings(basis: .national)).results[0]
        // Slope = Σ w_i y_i with w from the normal equations (weights a = population shares); its sd = √Σ w_i² σ_i².
        let total = Self.population.reduce(0, +), a = Self.population.map { $0 / total }
        let sa = a.reduce(0, +), sx = zip(a, b).map(*).reduce(0, +), sxx = zip(a, b).map { $0 * $1 * $1 }.reduce(0, +)
        let w = a.indices.map { a[$0] * (sa * b[$0] - sx) / (sa * sxx - sx * sx) }
        let sd = zip(w, se).map { $0 * $0 * $1 * $1 }.reduce(0, +).squareRoot()
        let half = (r.limits[0].siiUpper - r.limits[0].siiLower) / 2
        #expect(abs(half / (1.959963984540054 * sd) - 1) < 0.02, "half-width \(half) against \(1.96 * sd)")
        #expect(abs((r.limits[0].siiUpper + r.limits[0].siiLower) / 2 - r.sii) < 0.02 * half)
    }

    @Test("Standard errors from confidence limits: symmetric for 'other', on the log scale for rates, the logit for proportions; the same draws as the equivalent standard errors")
    func limitsToStandardErrors() throws {
        let z = 1.959963984540054
        var s = PHESIISettings(basis: .national)
        s.repetitions = 5_000
        let values = (0..<10).map { 200.0 - 8 * Double($0) }
        let other = (0..<10).map { SIIQuantileInput(quantile: $0 + 1, population: Self.population[$0], value: values[$0], lowerCL: values[$0] - 3 * z, upperCL: values[$0] + 3 * z) }
        let viaSE = PHESII.compute2(Self.rows({ values[$0] }, se: { _ in 3 }), s)
        #expect(close(try PHESII.compute(["A": other], settings: s).results.first, viaSE))
        s.valueType = .rate
        let rates = (0..<10).map { SIIQuantileInput(quantile: $0 + 1, population: Self.population[$0], value: values[$0], lowerCL: values[$0] * 0.9, upperCL: values[$0] * 1.2) }
        let rateSE = (log(1.2) - log(0.9)) / (2 * z)
        #expect(close(try PHESII.compute(["A": rates], settings: s).results.first, PHESII.compute2(Self.rows({ values[$0] }, se: { _ in rateSE }), s)))
        s.valueType = .proportion
        let p = (0..<10).map { 0.30 - 0.02 * Double($0) }
        func logit(_ v: Double) -> Double { log(v / (1 - v)) }
        let props = (0..<10).map { SIIQuantileInput(quantile: $0 + 1, population: Self.population[$0], value: p[$0], lowerCL: p[$0] - 0.02, upperCL: p[$0] + 0.03) }
        let viaLogit = Self.rows({ p[$0] }, se: { (logit(p[$0] + 0.03) - logit(p[$0] - 0.02)) / (2 * z) })
        #expect(close(try PHESII.compute(["A": props], settings: s).results.first, PHESII.compute2(viaLogit, s)))
        // phe_sii assumes 95% input limits; 90% limits give wider standard errors when said.
        var ninety = s
        ninety.inputConfidence = 0.90
        let wide = try PHESII.compute(["A": props], settings: ninety).results[0].limits[0]
        let narrow = try PHESII.compute(["A": props], settings: s).results[0].limits[0]
        #expect(wide.siiUpper - wide.siiLower > narrow.siiUpper - narrow.siiLower)
    }

    @Test("Counts with denominators: the proportion is count / population; Wilson limits from LSOA counts; equal to giving the value")
    func counts() throws {
        var s = PHESIISettings(basis: .national)
        s.valueType = .proportion
        s.repetitions = 2_000
        let x = (0..<10).map { 300.0 - 20 * Double($0) }
        let byCount = (0..<10).map { SIIQuantileInput(quantile: $0 + 1, population: Self.population[$0], count: x[$0], lowerCL: 0.1, upperCL: 0.4) }
        let byValue = (0..<10).map { SIIQuantileInput(quantile: $0 + 1, population: Self.population[$0], value: x[$0] / Self.population[$0], lowerCL: 0.1, upperCL: 0.4) }
        #expect(try PHESII.compute(["A": byCount], settings: s).results == PHESII.compute(["A": byValue], settings: s).results)
        // Wilson score interval of 30 events in 100 at 95%: 0.2189 to 0.3958 (published worked value).
        let rows = SIIQuantiles.proportions(events: ["L1": 30], denominators: ["L1": 100], areas: ["L1": "A"], quantile: ["L1": 1])
        let w = try #require(rows["A"]?.first)
        #expect(abs(w.lowerCL! - 0.2189) < 5e-5 && abs(w.upperCL! - 0.3958) < 5e-5 && w.count == 30 && w.population == 100)
    }

    @Test("A negative multiplier flips the SII and its limits and inverts the RII; several confidence levels come from one set of draws")
    func multiplierAndLevels() throws {
        let b = Self.midpoints
        let rows = Self.rows({ 50 - 20 * b[$0] }, se: { _ in 1.5 })
        var s = PHESIISettings(basis: .national)
        s.repetitions = 20_000
        s.confidences = [0.95, 0.998]
        let plus = try PHESII.compute(["A": rows], settings: s).results[0]
        s.multiplier = -100
        let minus = try PHESII.compute(["A": rows], settings: s).results[0]
        #expect(abs(minus.sii + 100 * plus.sii) < 1e-9)
        #expect(abs(minus.rii! - 1 / plus.rii!) < 1e-12)
        // The draws are multiplied, then sorted (as phe_sii): the flipped limits are the neighbouring order statistics.
        let width = 100 * (plus.limits[0].siiUpper - plus.limits[0].siiLower)
        #expect(abs(minus.limits[0].siiLower + 100 * plus.limits[0].siiUpper) < 1e-3 * width && abs(minus.limits[0].siiUpper + 100 * plus.limits[0].siiLower) < 1e-3 * width)
        // 99.8% limits contain the 95% ones; the 95% limits are those of a run asking for 95% alone.
        #expect(plus.limits[1].siiLower < plus.limits[0].siiLower && plus.limits[1].siiUpper > plus.limits[0].siiUpper)
        var alone = PHESIISettings(basis: .national)
        alone.repetitions = 20_000
        #expect(try PHESII.compute(["A": rows], settings: alone).results[0].limits[0] == plus.limits[0])
    }

    @Test("Transform: a rate exactly log-linear in the rank gives SII exp(c + k) − exp(c) and RII exp(k); a rate's limits are transformed back")
    func transform() throws {
        let b = Self.midpoints, c = log(80.0), k = -0.6
        var s = PHESIISettings(basis: .national)
        s.valueType = .rate
        s.transform = true
        s.repetitions = 4_000
        let rows = (0..<10).map { SIIQuantileInput(quantile: $0 + 1, population: Self.population[$0], value: exp(c + k * b[$0]),
                                                   lowerCL: exp(c + k * b[$0]) * 0.95, upperCL: exp(c + k * b[$0]) * 1.05) }
        let r = try PHESII.compute(["A": rows], settings: s).results[0]
        #expect(abs(r.sii - (exp(c + k) - exp(c))) < 1e-9 && abs(r.rii! - exp(k)) < 1e-12 && abs(r.intercept - 80) < 1e-9)
        #expect(r.limits[0].siiLower < r.sii && r.sii < r.limits[0].siiUpper)
        #expect(r.limits[0].riiLower! < r.rii! && r.rii! < r.limits[0].riiUpper!)
        // A transform needs limits: standard errors alone are refused for that area.
        let seOnly = (0..<10).map { SIIQuantileInput(quantile: $0 + 1, population: Self.population[$0], value: exp(c + k * b[$0]), standardError: 0.1) }
        #expect(try PHESII.compute(["A": seOnly], settings: s).dropped["A"]?.contains("no confidence limits") == true)
        var other = s
        other.valueType = .other
        #expect(throws: PHESIIError.self) { try PHESII.compute(["A": rows], settings: other) }
    }

    @Test("Many areas in one call equal one call each; incomplete or invalid areas are dropped with the reason; 5 to 100 quantiles")
    func manyAreas() throws {
        let b = Self.midpoints
        var s = PHESIISettings(basis: .local)
        s.repetitions = 2_000
        s.valueType = .proportion
        let good = Self.rows({ 0.2 + 0.1 * b[$0] }, se: { _ in 0.05 })
        let other = Self.rows({ 0.4 - 0.2 * b[$0] }, se: { _ in 0.08 })
        let gap = Array(good.filter { $0.quantile != 4 })
        let outside = good.map { r -> SIIQuantileInput in var r = r; if r.quantile == 2 { r.value = 1.2 }; return r }
        let bare = good.map { r -> SIIQuantileInput in var r = r; if r.quantile == 7 { r.standardError = nil }; return r }
        let out = try PHESII.compute(["A": good, "B": other, "C": gap, "D": outside, "E": bare], settings: s)
        #expect(out.results.map(\.area) == ["A", "B"])
        #expect(out.results[0] == (try PHESII.compute(["A": good], settings: s).results[0]))
        #expect(out.dropped["C"] == "no data for quantile 4")
        #expect(out.dropped["D"]?.contains("quantile 2: the proportion 1.2 is not between 0 and 1") == true)
        #expect(out.dropped["E"] == "quantile 7 has neither a standard error nor confidence limits")
        #expect(out.settings.basis == .local && QuantileBasis.local.description.contains("local"))
        #expect(throws: PHESIIError.quantileCount(4)) { try PHESII.compute(["A": Array(good.prefix(4))], settings: s) }
        let hundredOne = (1...101).map { SIIQuantileInput(quantile: $0, population: 10, value: 1, standardError: 1) }
        #expect(throws: PHESIIError.quantileCount(101)) { try PHESII.compute(["A": hundredOne], settings: s) }
        let hundred = (1...100).map { SIIQuantileInput(quantile: $0, population: 10, value: Double($0), standardError: 1) }
        var other2 = PHESIISettings(basis: .national)
        other2.repetitions = 1_000
        #expect(abs(try PHESII.compute(["A": hundred], settings: other2).results[0].sii - 100) < 1e-6)
    }

    @Test("Reliability: ten sets of draws, the mean absolute difference of their limits from the first set's; the first set's limits are the plain run's")
    func reliability() throws {
        let b = Self.midpoints
        var s = PHESIISettings(basis: .national)
        s.repetitions = 5_000
        s.reliability = true
        let rows = Self.rows({ 10 + 4 * b[$0] }, se: { _ in 0.8 })
        let r = try PHESII.compute(["A": rows], settings: s).results[0].limits[0]
        let mad = try #require(r.siiMAD)
        #expect(mad > 0 && mad < 0.1 * (r.siiUpper - r.siiLower))
        s.reliability = false
        let plain = try PHESII.compute(["A": rows], settings: s).results[0].limits[0]
        #expect(plain.siiLower == r.siiLower && plain.siiUpper == r.siiUpper && plain.siiMAD == nil)
    }

    @Test("National quantiles cut the national ranks; local ones cut each area's own LSOAs into equal counts")
    func quantileBases() {
        // Twenty national ranks; area X holds the ten least deprived.
        let ranks = Dictionary(uniqueKeysWithValues: (1...20).map { ("L\($0)", $0) })
        let areas = Dictionary(uniqueKeysWithValues: (11...20).map { ("L\($0)", "X") })
        let national = SIIQuantiles.assign(ranks: ranks, areas: areas, quantiles: 5, basis: .national)
        let local = SIIQuantiles.assign(ranks: ranks, areas: areas, quantiles: 5, basis: .local)
        #expect(national["L1"] == 1 && national["L4"] == 1 && national["L5"] == 2 && national["L20"] == 5)
        #expect((11...20).map { local["L\($0)"]! } == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
        #expect((11...20).map { national["L\($0)"]! } == [3, 3, 4, 4, 4, 4, 5, 5, 5, 5])  // ⌈5r/20⌉
        #expect(local["L1"] == nil)
    }
}

/// Two results equal to rounding (the same draws from standard errors computed two ways).
func close(_ a: PHESIIResult?, _ b: PHESIIResult?) -> Bool {
    guard let a, let b else { return false }
    func near(_ x: Double?, _ y: Double?) -> Bool { x == nil && y == nil || (x != nil && y != nil && abs(x! - y!) <= 1e-9 * max(1, abs(x!))) }
    return near(a.sii, b.sii) && near(a.rii, b.rii) && a.limits.count == b.limits.count
        && zip(a.limits, b.limits).allSatisfy { near($0.siiLower, $1.siiLower) && near($0.siiUpper, $1.siiUpper) && near($0.riiLower, $1.riiLower) && near($0.riiUpper, $1.riiUpper) }
}

extension PHESII {
    /// One area's result, for comparing two ways of giving the same input.
    static func compute2(_ rows: [SIIQuantileInput], _ s: PHESIISettings) -> PHESIIResult? {
        try? compute(["A": rows], settings: s).results.first
    }
}
