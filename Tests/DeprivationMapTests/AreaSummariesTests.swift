import DeprivationMap
import Foundation
import TestSupport
import Testing

/// MHCLG's area summaries of the IMD: the proportion in the most deprived 10% against an
/// independent count, the other measures against a second implementation written here, and the
/// extent against MHCLG's published IoD2019 district figures.
@Suite("IMD area summaries (MHCLG measures)")
struct AreaSummariesTests {
    let scratch = try! TemporaryDirectory()

    /// Rows of a (gzipped) CSV read by `zcat` and split here, not by the library.
    static func rows(_ path: String) throws -> [[String]] {
        let run = try CLI.runTool("/bin/sh", ["-c", "zcat -f '\(path)'"])
        var out: [[String]] = []
        for line in run.stdout.split(whereSeparator: \.isNewline).dropFirst() {
            var fields: [String] = [], field = "", quoted = false
            for c in line {
                if c == "\"" { quoted.toggle() } else if c == "," && !quoted { fields.append(field); field = "" } else { field.append(c) }
            }
            fields.append(field)
            out.append(fields)
        }
        return out
    }

    static func number(_ s: String) -> Double? { Double(s.replacingOccurrences(of: ",", with: "")) }

    /// The measures of one group by a second route: reversed ranks, a percentile table and the
    /// 10% local-concentration cut done by sorting and interpolating the cumulative population.
    static func secondRoute(_ lsoas: [(rank: Int, population: Double)], n: Int) -> (averageRank: Double, extent: Double, localConcentration: Double) {
        let total = lsoas.reduce(0) { $0 + $1.population }
        let averageRank = lsoas.reduce(0) { $0 + Double(n + 1 - $1.rank) * $1.population } / total
        var extent = 0.0
        for l in lsoas {
            let pct = Int((Double(l.rank) * 100 / Double(n)).rounded(.up))
            let w: Double = pct <= 10 ? 1 : pct <= 30 ? 0.95 - 0.9 / 19 * Double(pct - 11) : 0
            extent += w * l.population
        }
        // Cumulative population of the most deprived first; the mean of the reversed rank over [0, 10%].
        var area = 0.0, before = 0.0
        for l in lsoas.sorted(by: { $0.rank < $1.rank }) {
            let start = before, end = min(before + l.population, total / 10)
            if end > start { area += (end - start) * Double(n + 1 - l.rank) }
            before += l.population
        }
        return (averageRank, extent / total, area / (total / 10))
    }

    @Test("IoD2019 districts (official files, mid-2015 denominators): proportion by an independent count; extent equals MHCLG's published figures; average rank and local concentration by a second route")
    func iod2019Districts() throws {
        let file1 = try TestData.path("imd/iod2019_official/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz")
        let file2 = try TestData.path("imd/iod2019_official/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz")
        let file6 = try TestData.path("imd/iod2019_official/File_6_-_IoD2019_Population_Denominators.csv.gz")
        let table = try DeprivationTable.read(paths: [file1, file2, file6])
        let f1 = try Self.rows(file1), f6 = try Self.rows(file6)
        var lad: [String: (String, String)] = [:], population: [String: Double] = [:]
        for r in f6 { lad[r[0]] = (r[2], r[3]); population[r[0]] = Self.number(r[4]) }
        let summaries = try AreaSummaries.compute(table: table, population: nil, populationSource: "IoD2019 File 6 (mid-2015)",
                                                  groups: lad.mapValues { (code: $0.0, name: $0.1) }, grouping: "Local authority districts")
        #expect(summaries.areas.count == 317)
        #expect(summaries.indices == ["imd", "income", "employment", "education", "health", "crime", "housing", "environment"])
        let byCode = Dictionary(uniqueKeysWithValues: summaries.areas.map { ($0.code, $0) })

        // Proportion in the most deprived 10%: counted here from File 1's deciles, for every district.
        var counts: [String: (Int, Int)] = [:]
        var ranks: [String: [(rank: Int, population: Double)]] = [:]
        for r in f1 {
            let district = r[2]
            counts[district, default: (0, 0)].1 += 1
            if r[5] == "1" { counts[district, default: (0, 0)].0 += 1 }
            ranks[district, default: []].append((Int(Self.number(r[4])!), population[r[0]]!))
        }
        #expect(counts.count == 317)
        for (code, c) in counts {
            #expect(byCode[code]?.measures["imd"]?.proportionMostDeprived10 == Double(c.0) / Double(c.1), "\(code)")
            let second = Self.secondRoute(ranks[code]!, n: f1.count)
            let m = try #require(byCode[code]?.measures["imd"])
            #expect(abs(m.averageRank! - second.averageRank) < 1e-6 && abs(m.extent! - second.extent) < 1e-12, "\(code)")
            #expect(abs(m.localConcentration! - second.localConcentration) < 1e-6, "\(code): \(m.localConcentration!) against \(second.localConcentration)")
        }
        // MHCLG's published IoD2019 district summaries (File 10, 4 decimals): proportion and extent.
        let published: [String: (proportion: Double, extent: Double)] = [
            "E06000001": (0.3621, 0.4973), "E06000002": (0.4884, 0.5710), "E06000009": (0.4149, 0.5766), "E06000033": (0.0841, 0.2216),
            "E07000066": (0.1091, 0.2623), "E07000075": (0.0, 0.0163), "E09000002": (0.0364, 0.4724), "E07000198": (0.0, 0.0521),
        ]
        for (code, p) in published {
            let m = try #require(byCode[code]?.measures["imd"])
            #expect(abs(m.proportionMostDeprived10! - p.proportion) < 0.00005, "\(code) proportion")
            #expect(abs(m.extent! - p.extent) < 0.00005, "\(code): extent \(m.extent!) against MHCLG's \(p.extent)")
        }
        // Ranks: 1 = most deprived; ties share the lowest rank.
        let imd = summaries.areas.compactMap { $0.measures["imd"] }
        let zero = imd.filter { $0.proportionMostDeprived10 == 0 }
        #expect(zero.count > 10 && Set(zero.map(\.rankOfProportion)).count == 1 && zero[0].rankOfProportion == 317 - zero.count + 1)
        let highest = try #require(imd.max { $0.averageRank! < $1.averageRank! })
        #expect(highest.rankOfAverageRank == 1)
        #expect(imd.max { $0.extent! < $1.extent! }?.rankOfExtent == 1)
        #expect(imd.max { $0.localConcentration! < $1.localConcentration! }?.rankOfLocalConcentration == 1)
        // No scores in Files 1 and 2: no average score, said by its absence, not invented.
        #expect(imd.allSatisfy { $0.averageScore == nil })
    }

    @Test("IMD 2025 by ICB and district on Census 2021: every LSOA counted once, proportion by independent count, average score by a second route")
    func imd2025() throws {
        let table = try DeprivationTable.read(paths: [try TestData.path("imd/imd2025_england_lsoa21.csv")])
        let census = try AreaValues.read(path: try TestData.path("population/census2021_usual_residents_lsoa21_age6.csv"))
        let geography = try AreaGeography.read(paths: [try TestData.path("lookups/lsoa21_sicbl24_icb24.csv.gz")])
        let groups = geography.entries.compactMapValues { $0.icbCode.isEmpty ? nil : (code: $0.icbCode, name: $0.icbName) }
        let s = try AreaSummaries.compute(table: table, population: census.values, populationSource: "Census 2021", groups: groups, grouping: "ICBs")
        #expect(s.areas.count == 42)
        #expect(s.areas.reduce(0) { $0 + $1.lsoas } == 33_755)
        let rows = try Self.rows(try TestData.path("imd/imd2025_england_lsoa21.csv"))
        var count: [String: (Int, Int)] = [:], score: [String: (Double, Double)] = [:]
        for r in rows {
            let icb = groups[r[0]]!.code, p = census.values[r[0]]!
            count[icb, default: (0, 0)].1 += 1
            if r[1] == "1" { count[icb, default: (0, 0)].0 += 1 }
            score[icb, default: (0, 0)].0 += Double(r[17])! * p
            score[icb, default: (0, 0)].1 += p
        }
        for a in s.areas {
            #expect(a.measures["imd"]?.proportionMostDeprived10 == Double(count[a.code]!.0) / Double(count[a.code]!.1))
            #expect(abs(a.measures["imd"]!.averageScore! - score[a.code]!.0 / score[a.code]!.1) < 1e-9)
        }
        // Mid and South Essex (E54000026) in words: the table's own row.
        let mse = try #require(s.areas.first { $0.name.contains("Mid and South Essex") })
        #expect(mse.lsoas > 700 && mse.measures.count == 8)
    }

    @Test("Bad input: an area of the grouping with no LSOA of the table is named; LSOAs without population are named and still counted in the proportion")
    func badGroupings() throws {
        let table = try DeprivationTable.read(paths: [try TestData.path("imd/imd2025_england_lsoa21.csv")])
        let groups: [String: (code: String, name: String)] = ["E01000001": ("A", "Area A"), "E01000002": ("A", "Area A"), "E01099999": ("B", "Area B")]
        #expect(throws: AreaSummariesError.emptyAreas(["B"], grouping: "Custom areas")) {
            try AreaSummaries.compute(table: table, population: ["E01000001": 1000], populationSource: "test", groups: groups, grouping: "Custom areas", expected: ["A", "B"])
        }
        let s = try AreaSummaries.compute(table: table, population: ["E01000001": 1000], populationSource: "test", groups: groups, grouping: "Custom areas")
        #expect(s.areas.map(\.code) == ["A"] && s.areas[0].lsoas == 2)
        #expect(s.diagnostics.contains { $0.codes == ["E01000002"] && $0.message.contains("no population") })
        #expect(s.diagnostics.contains { $0.codes == ["E01099999"] && $0.message.contains("not in the IMD table") })
        #expect(throws: AreaSummariesError.noLSOAs(grouping: "Custom areas", tableLSOAs: 33_755)) {
            try AreaSummaries.compute(table: table, population: nil, populationSource: "test", groups: ["E01099999": ("B", "B")], grouping: "Custom areas")
        }
        // Local concentration takes the crossing LSOA in part: two LSOAs of 50 and 950 people → the first 100 people.
        #expect(AreaSummaries.extentWeight(percentile: 10) == 1 && abs(AreaSummaries.extentWeight(percentile: 30) - 0.05) < 1e-12 && AreaSummaries.extentWeight(percentile: 31) == 0)
    }
}
