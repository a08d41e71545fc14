import DeprivationMap
import Foundation
import TestSupport
import Testing

/// Need-adjusted GP supply against the Health Equity Evidence Centre's published England figures,
/// and each bad input on small synthetic files written by the test.
@Suite("Need-adjusted GP supply (HEEC method)")
struct NeedAdjustedSupplyTests {
    let scratch = try! TemporaryDirectory()

    /// HEEC's England row of `TOTAL_GP_EXTGL_FTE` for Year 2024 in `datapacks/final_data.csv`
    /// (HealthEquityEvidenceCentre/HEEC, commit 293084e, 2025-01-20): GP FTE per 10,000 weighted
    /// patients, their quin_1 (least deprived) … quin_5 (most deprived), and all practices. Their
    /// collate.R sets the 2022/23 payments file's weighted patients against the 2023/24 workforce.
    static let heec2024 = [4.86031095706458, 4.61890912903441, 4.13487339084167, 3.95841343672121, 3.81188323866478]
    static let heec2024All = 4.2954596182239

    /// Fields of one CSV line (quoted fields may hold commas), read without the library.
    static func fields(_ line: Substring) -> [String] {
        var out: [String] = [], field = "", quoted = false
        var it = line.makeIterator()
        while let c = it.next() {
            if c == "\"" { quoted.toggle() } else if c == "," && !quoted { out.append(field); field = "" } else if c != "\r" { field.append(c) }
        }
        out.append(field)
        return out
    }

    static func rows(_ path: String) throws -> (header: [String], rows: [[String]]) {
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let lines = text.split(whereSeparator: \.isNewline)
        return (fields(lines[0]), lines.dropFirst().map(fields))
    }

    @Test("England by practice-IMD quintile equals HEEC's published 2024 figures (2023/24 workforce over 2022/23 weighted patients) within 1%; quintiles equal the file's own; like for like is computed by a second route")
    func heecEngland() throws {
        let workforce = try TestData.path("services/gp/heec_workforce_year_practice.csv")
        let payments = try TestData.path("services/gp/nhs_payments_to_general_practice_2022-23.csv")
        let heecPairing = try NeedAdjustedSupply.read(workforce: workforce, payments: payments, workforceYear: FinancialYear("2023/24"), handling: .asHEEC)
        #expect(heecPairing.paymentsYear == FinancialYear(startYear: 2022))
        let england = heecPairing.table()
        #expect(england.quintiles.map(\.quintile) == [1, 2, 3, 4, 5])
        for (k, q) in england.quintiles.enumerated() {
            let published = Self.heec2024[4 - k]  // our quintile 1 is their quin_5
            #expect(abs(q.gpPer10kWeighted / published - 1) < 0.01, "quintile \(k + 1): \(q.gpPer10kWeighted) against HEEC \(published)")
            #expect(abs(q.gpPer10kWeighted - published) < 1e-9, "the same files and rule give HEEC's figure exactly: \(q.gpPer10kWeighted) against \(published)")
        }
        #expect(abs(england.all.gpPer10kWeighted - Self.heec2024All) < 1e-9)
        #expect(heecPairing.diagnostics.contains { $0.message.contains("2023/24 is set against") })
        #expect(heecPairing.diagnostics.contains { $0.message.hasPrefix("54 practices without a GP FTE") })
        // Dropping the 54 practices (in both files) without a reported FTE (the default) moves each quintile by at most 1.2%.
        let dropping = try NeedAdjustedSupply.read(workforce: workforce, payments: payments, workforceYear: FinancialYear("2023/24"))
        #expect(dropping.dropped.filter { $0.reason.hasPrefix("no GP FTE") }.count == 54)
        for (k, q) in dropping.table().quintiles.enumerated() {
            let published = Self.heec2024[4 - k]
            #expect(q.gpPer10kWeighted >= published && q.gpPer10kWeighted / published - 1 < 0.012, "quintile \(k + 1): \(q.gpPer10kWeighted) against \(published)")
        }

        // The quintile rule (ntile over the year's scored practices) gives the file's own IMD_quintile.
        let (wh, wrows) = try Self.rows(workforce)
        let code = wh.firstIndex(of: "Practice.Code")!, year = wh.firstIndex(of: "Year")!, quintile = wh.firstIndex(of: "IMD_quintile")!
        let fileQuintile = Dictionary(uniqueKeysWithValues: wrows.filter { $0[year] == "2024" && $0[quintile] != "NA" }.map { ($0[code], Int($0[quintile])!) })
        #expect(heecPairing.practices.count > 6_000)
        for p in heecPairing.practices where p.quintile != nil {
            #expect(fileQuintile[p.code].map { 6 - $0 } == p.quintile, "\(p.code): \(p.quintile!) against the file's \(fileQuintile[p.code] ?? 0)")
        }

        // Like for like (2022/23 workforce and payments), against sums computed here from the raw rows.
        let same = try NeedAdjustedSupply.read(workforce: workforce, payments: payments)
        #expect(same.workforceYear == same.paymentsYear)
        let (ph, prows) = try Self.rows(payments)
        let pc = ph.firstIndex(of: "Practice Code")!, pw = ph.firstIndex(of: "Number of Weighted Patients (Last Known Figure)")!
        let weighted = Dictionary(prows.map { ($0[pc], Double($0[pw]) ?? 0) }, uniquingKeysWith: +)
        let fte = wh.firstIndex(of: "TOTAL_GP_EXTGL_FTE")!, listed = wh.firstIndex(of: "TOTAL_PATIENTS")!
        var sums = [Int: (Double, Double)]()
        for r in wrows where r[year] == "2023" && r[quintile] != "NA" {
            guard let w = weighted[r[code]], w > 0, let f = Double(r[fte]) else { continue }
            // The documented check: a practice with GPs whose last known list is under 100 weighted
            // patients, or under a tenth of its registered patients that year, closed or merged.
            if f > 0 && (w < 100 || w < 0.1 * (Double(r[listed]) ?? 0)) { continue }
            let q = 6 - Int(r[quintile])!
            sums[q, default: (0, 0)].0 += f
            sums[q, default: (0, 0)].1 += w
        }
        let likeForLike = same.table()
        for q in likeForLike.quintiles {
            let s = try #require(sums[q.quintile!], "\(sums.keys.sorted()) \(wrows.filter { $0[year] == "2023" }.count)")
            #expect(abs(q.gpPer10kWeighted - s.0 / s.1 * 10_000) < 1e-9, "quintile \(q.quintile!)")
        }
        // The most deprived fifth moves most between the two pairings (see the note).
        #expect(abs(likeForLike.quintiles[0].gpPer10kWeighted / england.quintiles[0].gpPer10kWeighted - 1) > 0.01)
        // Every practice of the workforce year is either used or dropped with a reason.
        #expect(same.practices.count + same.dropped.count == wrows.filter { $0[year] == "2023" }.count)
        #expect(same.dropped.allSatisfy { !$0.reason.isEmpty })
        // Per ICB: 42 ICBs, and their weighted patients add up to England's.
        #expect(same.icbs.count == 42)
        let byICB = same.icbs.map { same.table(icb: $0).all.weighted }.reduce(0, +)
        #expect(abs(byICB - likeForLike.all.weighted) < 1e-6 * likeForLike.all.weighted)
        // The SII of GP FTE per 10,000 weighted patients: supply is lower where deprivation is higher.
        let sii = try #require(same.inequality(settings: InequalitySettings(groups: .quintiles, draws: 2_000)).sii)
        #expect(sii.sii > 0 && sii.siiLower > 0)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = scratch.path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A synthetic workforce table: six practices with IMD scores 10…60, in 2023 (2022/23).
    func workforce() throws -> String {
        try write("workforce.csv", """
            "Practice.Code","Year","ICB_NAME","TOTAL_GP_EXTGL_FTE","IMD"
            "P1","2023","North",1,10
            "P2","2023","North",2,20
            "P3","2023","North",3,30
            "P4","2023","South",4,40
            "P5","2023","South",NA,50
            "P6","2023","South",6,60
            "P7","2023","South",1,70
            "P8","2023","South",3,80
            "P1","2024","North",1,NA
            """)
    }

    @Test("Bad input: practices missing from the payments file, without FTE, with zero or negative weighted patients are dropped and named; a missing year, an unknown payments year and a duplicate practice are refused")
    func badInput() throws {
        let payments = try write("payments_2022-23.csv", """
            Practice Code,Practice Name,Number of Registered Patients (Last Known Figure),Number of Weighted Patients (Last Known Figure),Total NHS Payments to General Practice
            P1,One,1000,1100,100000
            P2,Two,1000,0,100000
            P3,Three,1000,-5,100000
            P5,Five,1000,1000,100000
            P6,Six,1000,2000,100000
            P6,Six,500,500,50000
            P7,Seven,1000,1000,1000
            P9,Nine,1000,1000,1000
            P8,Eight,1,0.5,100
            """)
        let s = try NeedAdjustedSupply.read(workforce: try workforce(), payments: payments)
        #expect(s.paymentsYear == FinancialYear("2022-23") && s.workforceYear == FinancialYear(startYear: 2022))
        #expect(s.practices.map(\.code) == ["P1", "P6", "P7"])
        let dropped = Dictionary(uniqueKeysWithValues: s.dropped.map { ($0.code, $0.reason) })
        #expect(dropped["P4"] == "not in the payments file")
        #expect(dropped["P2"]?.contains("zero or negative") == true && dropped["P3"]?.contains("-5") == true)
        #expect(dropped["P5"]?.contains("no GP FTE") == true)
        #expect(s.paymentsOnly == ["P9"])
        #expect(s.diagnostics.contains { $0.message.contains("several rows") && $0.codes == ["P6"] })
        // P6's two rows are summed: 6 FTE over 2,500 weighted patients.
        #expect(abs(s.practices[1].gpPer10kWeighted - 6.0 / 2_500 * 10_000) < 1e-12)
        // Eight scored practices in five groups of 2, 2, 2, 1, 1 (dplyr's ntile), the most deprived = 1.
        #expect(s.practices.map(\.quintile) == [5, 3, 2])
        // P8 has 3 GP FTE and a last known list of half a weighted patient: its list closed during the year.
        #expect(dropped["P8"]?.hasPrefix("list closed or merged during the year: 0.5") == true, "\(dropped["P8"] ?? "-")")
        let asHEEC = try NeedAdjustedSupply.read(workforce: try workforce(), payments: payments, handling: .asHEEC)
        #expect(asHEEC.practices.map(\.code) == ["P1", "P5", "P6", "P7", "P8"])
        #expect(asHEEC.practices[1].gpFTE == 0)

        #expect(throws: NeedAdjustedSupplyError.yearMissing(path: try workforce(), year: FinancialYear(startYear: 2020),
                                                            available: [FinancialYear(startYear: 2022), FinancialYear(startYear: 2023)])) {
            try NeedAdjustedSupply.read(workforce: try workforce(), payments: payments, workforceYear: FinancialYear("2020/21"))
        }
        #expect(throws: NeedAdjustedSupplyError.noIMDScores(path: try workforce(), year: FinancialYear(startYear: 2023), available: [FinancialYear(startYear: 2022)])) {
            try NeedAdjustedSupply.read(workforce: try workforce(), payments: payments, workforceYear: FinancialYear("2023/24"))
        }
        // A year given against the one in the file name: refused, naming both.
        #expect(throws: NeedAdjustedSupplyError.yearsDisagree(path: payments, named: FinancialYear(startYear: 2022), given: FinancialYear(startYear: 2023))) {
            try NeedAdjustedSupply.read(workforce: try workforce(), payments: payments, paymentsYear: FinancialYear("2023/24"))
        }
        let unnamed = try write("payments.csv", try String(contentsOfFile: payments, encoding: .utf8))
        #expect(throws: NeedAdjustedSupplyError.paymentsYearUnknown(path: unnamed)) { try NeedAdjustedSupply.read(workforce: try workforce(), payments: unnamed) }
        #expect(try NeedAdjustedSupply.read(workforce: try workforce(), payments: unnamed, paymentsYear: FinancialYear("2022/23")).practices.count == 3)
        let twice = try write("twice.csv", "Practice.Code,Year,TOTAL_GP_EXTGL_FTE,IMD\nP1,2023,1,10\nP1,2023,2,10\n")
        #expect(throws: NeedAdjustedSupplyError.duplicatePractice(path: twice, code: "P1", lines: [2, 3])) {
            try NeedAdjustedSupply.read(workforce: twice, payments: payments)
        }
        let none = try write("none_2022-23.csv", "Practice Code,Number of Registered Patients (Last Known Figure),Number of Weighted Patients (Last Known Figure),Total NHS Payments to General Practice\nQ1,1,1,1\n")
        #expect(throws: NeedAdjustedSupplyError.noPractices(workforce: try workforce(), payments: none)) { try NeedAdjustedSupply.read(workforce: try workforce(), payments: none) }
        #expect(throws: NeedAdjustedSupplyError.self) { try NeedAdjustedSupply.read(workforce: payments, payments: payments) }
    }

    @Test("Financial years: written forms, file names, and the workforce files' end-year label")
    func financialYears() {
        #expect(FinancialYear("2022/23")?.description == "2022/23")
        #expect(FinancialYear("2022-2023") == FinancialYear(startYear: 2022))
        #expect(FinancialYear("2022/24") == nil && FinancialYear("22/23") == nil && FinancialYear("2022") == nil)
        #expect(FinancialYear(endYear: 2024) == FinancialYear("2023/24"))
        #expect(FinancialYear.named(in: "/x/nhs_payments_to_general_practice_2022-23.csv") == FinancialYear(startYear: 2022))
        #expect(FinancialYear.named(in: "payments_2021-22_and_2022-23.csv") == nil)
        #expect(FinancialYear.named(in: "payments.csv") == nil)
    }
}
