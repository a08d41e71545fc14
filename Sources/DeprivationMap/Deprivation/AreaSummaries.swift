import Foundation

/// MHCLG's summaries of the Indices of Deprivation for areas larger than an LSOA (local
/// authorities, ICBs, wards, any grouping), for the IMD and each domain, each with its rank among
/// the areas (1 = most deprived; tied values share the lowest rank).
///
/// The definitions (English Indices of Deprivation research report, "summary measures"):
/// - **Average rank**: population-weighted mean of the LSOAs' national ranks *reversed*, so that
///   the most deprived LSOA counts N and the least deprived 1 (as MHCLG publishes it: a higher
///   average rank is more deprived). Rank 1 goes to the highest.
/// - **Average score**: population-weighted mean of the LSOAs' scores. Rank 1: the highest.
/// - **Proportion of LSOAs in the most deprived 10% nationally**: LSOAs of national decile 1 over
///   all the area's LSOAs, counted, not weighted. Rank 1: the highest.
/// - **Extent**: the share of the area's population in the nationally most deprived LSOAs: all
///   of it in national percentiles 1–10, 0.95 of it in percentile 11, falling linearly by
///   0.9/19 a percentile to 0.05 in percentile 30, none beyond. An LSOA's percentile is
///   ⌈100 × rank / N⌉ of its national rank among N LSOAs: this reproduces MHCLG's published
///   IoD2019 extents for 316 of 317 districts to their 4 decimals (the other by 0.0001), where
///   equal-count groups (dplyr's `ntile`, as the `IMD` R package) match 177. Rank 1: the highest.
/// - **Local concentration**: the population-weighted mean reversed national rank (as the
///   average rank) of the area's most deprived LSOAs that hold exactly 10% of its population; the
///   LSOA that crosses 10% counts with only the part of its population needed to reach it. Rank
///   1: the highest.
///
/// National percentiles and deciles are those of the whole table given (all of England), not of
/// the LSOAs grouped. An LSOA without a population counts in the proportion only, and is named.
public struct AreaSummaries: Sendable, Codable {
    /// The five measures of one index or domain for one area, with their ranks.
    public struct Measures: Sendable, Hashable, Codable {
        /// Population-weighted mean reversed national rank (N = most deprived).
        public var averageRank: Double?
        /// Population-weighted mean score.
        public var averageScore: Double?
        /// LSOAs in national decile 1 over all LSOAs (0–1).
        public var proportionMostDeprived10: Double?
        /// Extent (0–1).
        public var extent: Double?
        /// Local concentration (a reversed national rank, N = most deprived).
        public var localConcentration: Double?
        /// Ranks among the areas (1 = most deprived), in the order of the measures above.
        public var rankOfAverageRank: Int?, rankOfAverageScore: Int?, rankOfProportion: Int?, rankOfExtent: Int?, rankOfLocalConcentration: Int?
    }

    /// One area.
    public struct Area: Sendable, Hashable, Codable {
        /// Its code (E06000033, QH8 …) and name.
        public var code: String, name: String
        /// LSOAs in it.
        public var lsoas: Int
        /// Its population (Σ of the LSOAs' denominators).
        public var population: Double
        /// Measures per index: "imd", then the domains ("income", "employment" …).
        public var measures: [String: Measures]
    }

    /// What the areas are ("local authority districts", "ICBs" …).
    public var grouping: String
    /// Where the population denominators come from, in words.
    public var populationSource: String
    /// The indices summarised, in order: "imd" then the domains the table has.
    public var indices: [String]
    /// The areas, in code order.
    public var areas: [Area]
    /// What was noticed: LSOAs without a group or a population.
    public var diagnostics: [Diagnostic]

    /// Summarises `table` (a national LSOA table: IMD and domains) over `groups`.
    /// - Parameters:
    ///   - table: the IoD table for all LSOAs of England.
    ///   - population: population per LSOA; the table's own denominators (IoD File 6/7) when `nil`.
    ///   - populationSource: the denominators in words, shown with every output.
    ///   - groups: each LSOA's area (code and name); LSOAs absent are in no area.
    ///   - grouping: what the areas are, in words.
    ///   - expected: areas that must each have an LSOA (a custom region list, say).
    /// - Throws: ``AreaSummariesError``.
    public static func compute(table: DeprivationTable, population: [String: Double]?, populationSource: String,
                               groups: [String: (code: String, name: String)], grouping: String, expected: [String] = []) throws -> AreaSummaries {
        var indices: [String] = ["imd"]
        indices += table.domains.map(\.rawValue)
        func values(_ r: DeprivationRecord, _ index: String) -> IndexValues? {
            index == "imd" ? r.index : DeprivationDomain(rawValue: index).flatMap { r.domains[$0] }
        }
        // National percentiles of each index, from its ranks (ntile over all ranked LSOAs).
        var percentile: [String: [Int: Int]] = [:], ranked: [String: Int] = [:]
        var deciles: [String: Bool] = [:]
        for index in indices {
            let ranks = table.records.compactMap { values($0, index)?.rank }.sorted()
            var p: [Int: Int] = [:]
            let n = ranks.count
            for rank in ranks { p[rank] = (rank * 100 + n - 1) / n }  // ⌈100·rank/N⌉
            percentile[index] = p
            ranked[index] = ranks.last ?? 0
            deciles[index] = table.records.contains { values($0, index)?.decile != nil }
        }
        let nationalCount = table.records.count

        var members: [String: [Int]] = [:], names: [String: String] = [:]
        var ungrouped: [String] = [], noPopulation: [String] = []
        for (i, r) in table.records.enumerated() {
            guard let g = groups[r.code] else { ungrouped.append(r.code); continue }
            members[g.code, default: []].append(i)
            names[g.code] = g.name
        }
        let empty = expected.filter { members[$0] == nil }
        if !empty.isEmpty { throw AreaSummariesError.emptyAreas(empty, grouping: grouping) }
        guard !members.isEmpty else { throw AreaSummariesError.noLSOAs(grouping: grouping, tableLSOAs: nationalCount) }
        // LSOAs of the grouping missing from the table; Welsh ones (W01…) are outside the English IMD by design.
        let missing = groups.keys.filter { table[$0] == nil }
        let unknownInTable = missing.filter { !$0.hasPrefix("W") }.sorted()

        var areas: [Area] = []
        for code in members.keys.sorted() {
            let idx = members[code]!
            func pop(_ i: Int) -> Double? { population.map { $0[table.records[i].code] } ?? table.records[i].population }
            for i in idx where pop(i) == nil { noPopulation.append(table.records[i].code) }
            let total = idx.reduce(0.0) { $0 + (pop($1) ?? 0) }
            var measures: [String: Measures] = [:]
            for index in indices {
                var m = Measures()
                var rankSum = 0.0, rankWeight = 0.0, scoreSum = 0.0, scoreWeight = 0.0, extent = 0.0, inDecile1 = 0, withDecile = 0
                var byRank: [(rank: Int, population: Double)] = []
                let top = Double((ranked[index] ?? 0) + 1)
                for i in idx {
                    guard let v = values(table.records[i], index) else { continue }
                    if let d = v.decile { withDecile += 1; if d == 1 { inDecile1 += 1 } }
                    guard let p = pop(i), p > 0 else { continue }
                    if let r = v.rank {
                        rankSum += (top - Double(r)) * p; rankWeight += p
                        byRank.append((r, p))
                        if let pc = percentile[index]?[r] { extent += p * extentWeight(percentile: pc) }
                    }
                    if let s = v.score { scoreSum += s * p; scoreWeight += p }
                }
                m.averageRank = rankWeight > 0 ? rankSum / rankWeight : nil
                m.averageScore = scoreWeight > 0 ? scoreSum / scoreWeight : nil
                m.proportionMostDeprived10 = deciles[index] == true && withDecile > 0 ? Double(inDecile1) / Double(withDecile) : nil
                m.extent = rankWeight > 0 ? extent / rankWeight : nil
                m.localConcentration = localConcentration(byRank).map { top - $0 }
                measures[index] = m
            }
            areas.append(Area(code: code, name: names[code] ?? "", lsoas: idx.count, population: total, measures: measures))
        }
        // Ranks among the areas, 1 = most deprived; ties share the lowest rank.
        for index in indices {
            func assign(_ value: (Measures) -> Double?, mostDeprivedHighest: Bool, _ set: (inout Measures, Int) -> Void) {
                let ordered = areas.indices.compactMap { a in areas[a].measures[index].flatMap(value).map { (a, $0) } }
                    .sorted { mostDeprivedHighest ? $0.1 > $1.1 : $0.1 < $1.1 }
                var rank = 0
                for (k, item) in ordered.enumerated() {
                    if k == 0 || item.1 != ordered[k - 1].1 { rank = k + 1 }
                    set(&areas[item.0].measures[index]!, rank)
                }
            }
            assign({ $0.averageRank }, mostDeprivedHighest: true) { $0.rankOfAverageRank = $1 }
            assign({ $0.averageScore }, mostDeprivedHighest: true) { $0.rankOfAverageScore = $1 }
            assign({ $0.proportionMostDeprived10 }, mostDeprivedHighest: true) { $0.rankOfProportion = $1 }
            assign({ $0.extent }, mostDeprivedHighest: true) { $0.rankOfExtent = $1 }
            assign({ $0.localConcentration }, mostDeprivedHighest: true) { $0.rankOfLocalConcentration = $1 }
        }
        var result = AreaSummaries(grouping: grouping, populationSource: populationSource, indices: indices, areas: areas, diagnostics: [])
        if !ungrouped.isEmpty { result.diagnostics.note("\(ungrouped.count) LSOAs of the IMD table are in no \(grouping.lowercased()) area and are left out: \(list(ungrouped))", codes: ungrouped) }
        if !unknownInTable.isEmpty { result.diagnostics.note("\(unknownInTable.count) LSOAs of the grouping are not in the IMD table (another vintage?): \(list(unknownInTable))", codes: unknownInTable) }
        if !noPopulation.isEmpty {
            result.diagnostics.note("\(noPopulation.count) LSOAs have no population in \(populationSource): counted in the proportion of LSOAs only: \(list(noPopulation))", codes: noPopulation, advice: "give \(Setting.population) covering them")
        }
        return result
    }

    /// The weight of an LSOA's population in the extent: 1 in national percentiles 1–10, 0.95 in
    /// 11, then 0.9/19 less a percentile to 0.05 in 30, and 0 beyond.
    public static func extentWeight(percentile p: Int) -> Double {
        if p <= 10 { return 1 }
        if p <= 30 { return 0.95 - 0.9 / 19 * Double(p - 11) }
        return 0
    }

    /// Population-weighted mean national rank (1 = most deprived) of the most deprived LSOAs
    /// holding exactly 10% of the people, the last one counted in part.
    static func localConcentration(_ lsoas: [(rank: Int, population: Double)]) -> Double? {
        let total = lsoas.reduce(0) { $0 + $1.population }
        guard total > 0 else { return nil }
        let target = total * 0.1
        var taken = 0.0, sum = 0.0
        for l in lsoas.sorted(by: { $0.rank < $1.rank }) {
            let part = min(l.population, target - taken)
            guard part > 0 else { break }
            sum += part * Double(l.rank)
            taken += part
        }
        return sum / target
    }

    /// The CSV header of ``rows``: area, LSOAs, population, then for each index its five measures
    /// and their ranks.
    public var header: [String] {
        ["code", "name", "lsoas", "population"] + indices.flatMap { i in
            ["average_rank", "rank_of_average_rank", "average_score", "rank_of_average_score", "proportion_lsoas_most_deprived_10pct",
             "rank_of_proportion", "extent", "rank_of_extent", "local_concentration", "rank_of_local_concentration"].map { "\(i)_\($0)" }
        }
    }

    /// One row per area, as ``header``.
    public var rows: [[String]] {
        func f(_ v: Double?, _ d: Int) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "" }
        func r(_ v: Int?) -> String { v.map(String.init) ?? "" }
        return areas.map { a in
            [a.code, a.name, String(a.lsoas), f(a.population, 0)] + indices.flatMap { i -> [String] in
                guard let m = a.measures[i] else { return Array(repeating: "", count: 10) }
                return [f(m.averageRank, 3), r(m.rankOfAverageRank), f(m.averageScore, 4), r(m.rankOfAverageScore), f(m.proportionMostDeprived10, 4),
                        r(m.rankOfProportion), f(m.extent, 4), r(m.rankOfExtent), f(m.localConcentration, 3), r(m.rankOfLocalConcentration)]
            }
        }
    }
}

/// Why areas could not be summarised.
public enum AreaSummariesError: Error, Sendable, Equatable, AdvisedError {
    /// Areas the grouping names that have no LSOA of the table.
    case emptyAreas([String], grouping: String)
    /// No LSOA of the table is in any area of the grouping.
    case noLSOAs(grouping: String, tableLSOAs: Int)

    public var problem: String {
        switch self {
        case .emptyAreas(let codes, let grouping):
            return "\(codes.count) \(grouping.lowercased()) area\(codes.count == 1 ? "" : "s") would have no LSOA of the IMD table: \(list(codes))"
        case .noLSOAs(let grouping, let n):
            return "no LSOA of the IMD table (\(n) LSOAs) is in any \(grouping.lowercased()) area"
        }
    }

    public var advice: Advice? {
        switch self {
        case .emptyAreas: return "check the LSOA codes listed for them and their vintage (2011 or 2021) against \(Setting.imd)"
        case .noLSOAs: return "give a grouping of the same LSOA vintage as \(Setting.imd)"
        }
    }
}

extension AreaSummaries {
    /// The method, the population denominators and the IMD table (areas by rank of average
    /// score), in Markdown.
    public func markdown(title: String, inputs: [String]) -> String {
        var md = "# \(title)\n\n"
        md += "Population denominators: \(populationSource).\n\n"
        md += "Measures (MHCLG's summaries; rank 1 = most deprived, ties share the lowest rank): average rank (national ranks reversed, so that higher is more deprived, as MHCLG publishes it) and average score are population-weighted means over the area's LSOAs; the proportion counts the LSOAs in the most deprived 10% nationally; extent is the share of people in the nationally most deprived LSOAs (all of those in percentiles 1–10, then 0.95 in percentile 11 falling by 0.9/19 a percentile to 0.05 in percentile 30); local concentration is the population-weighted mean reversed rank of the area's most deprived LSOAs holding 10% of its people (the last LSOA in part). Percentiles and deciles are national.\n\n"
        md += "## IMD, by rank of average score\n\n| Rank | Code | Area | LSOAs | Population | Average score | Average rank (rank) | Most deprived 10% (rank) | Extent (rank) | Local concentration (rank) |\n|---:|---|---|---:|---:|---:|---:|---:|---:|---:|\n"
        func f(_ v: Double?, _ d: Int) -> String { v.map { String(format: "%.\(d)f", $0) } ?? "–" }
        func r(_ v: Int?) -> String { v.map(String.init) ?? "–" }
        for a in areas.sorted(by: { ($0.measures["imd"]?.rankOfAverageScore ?? .max, $0.code) < ($1.measures["imd"]?.rankOfAverageScore ?? .max, $1.code) }) {
            let m = a.measures["imd"] ?? Measures()
            md += "| \(r(m.rankOfAverageScore)) | \(a.code) | \(a.name) | \(a.lsoas) | \(grouped(Int(a.population.rounded()))) | \(f(m.averageScore, 3)) | \(f(m.averageRank, 1)) (\(r(m.rankOfAverageRank))) | \(f(m.proportionMostDeprived10.map { $0 * 100 }, 1))% (\(r(m.rankOfProportion))) | \(f(m.extent.map { $0 * 100 }, 1))% (\(r(m.rankOfExtent))) | \(f(m.localConcentration, 1)) (\(r(m.rankOfLocalConcentration))) |\n"
        }
        if !diagnostics.isEmpty { md += "\n## Notes\n\n" + diagnostics.map { "- \($0.description)\n" }.joined() }
        md += "\n## Data\n\n" + inputs.map { "- `\($0)`\n" }.joined()
        return md
    }
}
