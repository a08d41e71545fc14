import DeprivationMap
import Foundation
import TestSupport
import Testing

@Suite("IMD tables, attribute join and derived measures")
struct DeprivationTableTests {
    let official1 = "imd/iod2019_official/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
    let official2 = "imd/iod2019_official/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"
    let official6 = "imd/iod2019_official/File_6_-_IoD2019_Population_Denominators.csv.gz"

    @Test("Official IoD2019 files (BOM, quoted ranks with thousands separators) merge by code with File 6 populations")
    func officialFiles() throws {
        let t = try DeprivationTable.read(paths: [try TestData.path(official1), try TestData.path(official6)])
        #expect(t.records.count == 32_844)
        #expect(t.kind == .englishIMD)
        #expect(t.vintage == .lsoa2011)
        let r = try #require(t["E01000001"])
        #expect(r.decile == 9)
        #expect(r.index.rank == 29_199) // "29,199" in the file
        #expect(r.population == 1_296)  // "1,296"
        #expect(r.name == "City of London 001A")
        #expect(t.records.filter(\.isCore20).count == 6_568) // R4
    }

    @Test("File 2 carries the seven domains")
    func domains() throws {
        let t = try DeprivationTable.read(paths: [try TestData.path(official2)])
        #expect(Set(t.domains) == [.income, .employment, .education, .health, .crime, .housing, .environment])
        #expect(t["E01000001"]?.domains[.housing]?.decile == 3)
        #expect(t["E01000001"]?.domains[.income]?.rank == 32_831)
    }

    @Test("Tidy IoD2025 on LSOA 2021 has scores; WIMD is read as its own index")
    func tidyAndWelsh() throws {
        let t = try DeprivationTable.read(paths: [try TestData.path("imd/imd2025_england_lsoa21.csv")])
        #expect(t.records.count == 33_755)
        #expect(t.vintage == .lsoa2021)
        #expect(t["E01000001"]?.index.score == 8.742)
        let w = try DeprivationTable.read(paths: [try TestData.path("imd/wimd2019_wales_lsoa11.csv")])
        #expect(w.kind == .welshWIMD)
        #expect(w.records.count == 1_909)
        #expect(w["W01000001"]?.decile == 5)
    }

    @Test("IoD2025 File 7 headers are recognised")
    func file7Headers() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("File_7.csv")
        let text = "\u{FEFF}LSOA code (2021),LSOA name (2021),Local Authority District code (2024),Index of Multiple Deprivation (IMD) Score,Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs),Income Score (rate),Income Rank (where 1 is most deprived),Income Decile (where 1 is most deprived 10% of LSOAs),Total population: mid 2022\n"
            + "E01000001,City of London 001A,E09000001,8.742,\"26,525\",8,0.013,\"33,730\",10,\"1,615\"\n"
            + "E01000002,City of London 001B,E09000001,9.1,\"25,000\",8,0.02,\"33,000\",10,\"1,700\"\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let t = try DeprivationTable.read(paths: [path])
        #expect(t.vintage == .lsoa2021)
        let r = try #require(t["E01000001"])
        #expect(r.index == IndexValues(score: 8.742, rank: 26_525, decile: 8))
        #expect(r.domains[.income] == IndexValues(score: 0.013, rank: 33_730, decile: 10))
        #expect(r.population == 1_615)
    }

    /// Kept alive for the suite's lifetime so that the files stay until the tests end.
    let scratch = try! TemporaryDirectory()

    func write(_ text: String) throws -> (Int, String) {
        let path = scratch.path("imd-\(UUID().uuidString).csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (0, path)
    }

    @Test("Bad input: no code column, no decile column, decile outside 1–10, conflicting duplicates, mixed nations")
    func badInput() throws {
        let (_, noCode) = try write("area,IMD_decile\nE01000001,3\n")
        #expect { try DeprivationTable.read(paths: [noCode]) } throws: { ($0 as? DeprivationTableError).map { if case .noCodeColumn = $0 { true } else { false } } ?? false }
        let (_, noDecile) = try write("lsoa11_code,IMD_rank\nE01000001,3\n")
        #expect { try DeprivationTable.read(paths: [noDecile]) } throws: { ($0 as? DeprivationTableError).map { if case .noDecileColumn = $0 { true } else { false } } ?? false }
        let (_, outOfRange) = try write("lsoa11_code,IMD_decile\nE01000001,3\nE01000002,11\n")
        #expect(throws: DeprivationTableError.decileOutOfRange(path: outOfRange, line: 3, code: "E01000002", value: 11)) { try DeprivationTable.read(paths: [outOfRange]) }
        let (_, conflicting) = try write("lsoa11_code,IMD_decile\nE01000001,3\nE01000001,4\n")
        #expect(throws: DeprivationTableError.conflictingDuplicate(path: conflicting, code: "E01000001", lines: [2, 3])) { try DeprivationTable.read(paths: [conflicting]) }
        let (_, mixed) = try write("lsoa11_code,IMD_decile\nE01000001,3\nW01000001,4\n")
        #expect(throws: DeprivationTableError.mixedNations(path: mixed, english: 1, welsh: 1)) { try DeprivationTable.read(paths: [mixed]) }
        let message = DeprivationTableError.decileOutOfRange(path: "imd.csv", line: 3, code: "E01000002", value: 11).description
        #expect(message.contains("line 3") && message.contains("E01000002") && message.contains("1–10"))
    }

    @Test("Identical duplicate codes and unreadable rows are reported, not silently kept")
    func duplicatesAndSkippedRows() throws {
        let (_, path) = try write("lsoa11_code,IMD_decile\nE01000001,3\nE01000001,3\n,4\nE01000003,n/a\nE01000004,5\n")
        let t = try DeprivationTable.read(paths: [path])
        #expect(t.records.map(\.code) == ["E01000001", "E01000004"])
        #expect(t.duplicates == ["E01000001"])
        #expect(t.skipped.map(\.line) == [3, 4, 5])
        #expect(t.skipped[2].reason.contains("n/a"))
    }

    @Test("Boundary codes of another vintage are detected and explained")
    func vintageMismatch() throws {
        let imd2019 = try DeprivationTable.read(paths: [try TestData.path(official1)])
        let lsoa21 = try Areas.load(path: try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp"))
        #expect(lsoa21.vintage == .lsoa2021)
        let join = DeprivationJoin.join(codes: lsoa21.codes, areaVintage: lsoa21.vintage, table: imd2019)
        let diagnostic = try #require(join.vintageMismatch)
        let message = diagnostic.description
        #expect(message.contains("LSOA 2021") && message.contains("LSOA 2011") && diagnostic.advice?.settings == [.vintageLookup])
        // The command line words the advice with its flag.
        #expect(diagnostic.worded { $0 == .vintageLookup ? "--lookup" : $0.plainName }.contains("--lookup"))
        #expect(!join.unmatchedAreas.isEmpty)
        // Without header hints, a low match rate gives the same diagnosis.
        let blind = DeprivationJoin.join(codes: lsoa21.codes.map { $0 + "X" }, areaVintage: nil, table: imd2019)
        #expect(blind.vintageMismatch != nil)
    }

    @Test("Conversion through the ONS lookup: unchanged and split areas copy, merged areas follow the documented rule")
    func lookupConversion() throws {
        let dir = try TemporaryDirectory()
        let imd = dir.path("imd.csv"), lookup = dir.path("lookup.csv")
        try "lsoa11_code,IMD_score,IMD_rank,IMD_decile,total_population\nA1,40,100,1,1000\nA2,10,30000,9,3000\nA3,20,15000,5,2000\nA4,30,5000,2,500\n"
            .write(toFile: imd, atomically: true, encoding: .utf8)
        try "lsoa11_code,change_code,lsoa21_code\nA1,U,B1\nA2,M,B2\nA3,M,B2\nA4,S,B4\nA4,S,B5\n".write(toFile: lookup, atomically: true, encoding: .utf8)
        let t = try DeprivationTable.read(paths: [imd])
        let c = t.converted(to: .lsoa2021, using: try LSOAChangeLookup.read(path: lookup))
        #expect(c.records.map(\.code) == ["B1", "B2", "B4", "B5"])
        #expect(c["B1"]?.index == t["A1"]?.index)
        // Merged: population-weighted score (10·3000 + 20·2000) / 5000 = 14; decile of the most populous source (A2).
        #expect(c["B2"]?.index.score == 14)
        #expect(c["B2"]?.decile == 9)
        #expect(c["B2"]?.population == 5000)
        // Split: each part copies, population shared equally.
        #expect(c["B4"]?.decile == 2 && c["B5"]?.decile == 2)
        #expect(c["B4"]?.population == 250)
        // The real lookup carries IMD 2019 onto every MSE LSOA 2021.
        let real = try DeprivationTable.read(paths: [try TestData.path(official1)])
            .converted(to: .lsoa2021, using: try LSOAChangeLookup.read(path: try TestData.path("lookups/lsoa11_lsoa21_ltla22.csv.gz")))
        let mse = try Areas.load(path: try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp"))
        #expect(DeprivationJoin.join(codes: mse.codes, areaVintage: mse.vintage, table: real).unmatchedAreas.isEmpty)
    }

    @Test("Local deciles by count and population-weighted")
    func localDeciles() {
        // Twenty areas ranked 1…20: by count, two per decile.
        let ranks: [Double?] = (1...20).map { Double($0) }
        #expect(LocalDeciles.byCount(order: ranks) == (1...20).map { Optional(($0 + 1) / 2) })
        // Population weighting: the first area holds half the people, so it is decile 3 (its middle is at 25%).
        let order: [Double?] = [1, 2, 3, nil]
        let population: [Double?] = [50, 25, 25, 10]
        #expect(LocalDeciles.byPopulation(order: order, population: population) == [3, 7, 9, nil])
    }
}
