import Foundation
import TestSupport
import Testing

@Suite("CLI summaries")
struct SummariesCLITests {
    let scratch = try! TemporaryDirectory()
    var env: [String: String] { ["DEPRIVATION_MAP_DATA": TestData.root.path] }

    @Test("summaries --by icb on the data folder: 42 ICBs, every index, the denominators said; --groups with an empty area refused, nothing written")
    func summaries() throws {
        let out = scratch.path("icbs.csv")
        let run = try CLI.run(["summaries", "--by", "icb", "-o", out], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("42 icbs summarised over 33755 LSOAs; population: Census 2021 usual residents"))
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 43)
        #expect(lines[0].hasPrefix("code,name,lsoas,population,imd_average_rank,imd_rank_of_average_rank,imd_average_score"))
        #expect(lines[0].contains("environment_rank_of_local_concentration"))
        let md = try String(contentsOfFile: scratch.path("icbs.md"), encoding: .utf8)
        #expect(md.contains("Population denominators: Census 2021") && md.contains("| 1 | E54000055 | NHS Birmingham and Solihull"))

        let groups = scratch.path("groups.csv")
        try "lsoa21_code,area_code,area_name\nE01000001,X,City\nE01000002,X,City\nE09999999,Y,Nowhere\n".write(toFile: groups, atomically: true, encoding: .utf8)
        let bad = scratch.path("custom.csv")
        let refused = try CLI.run(["summaries", "--groups", groups, "-o", bad], environment: env)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("would have no LSOA of the IMD table: Y") && refused.stderr.contains("--imd"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: bad) && !FileManager.default.fileExists(atPath: scratch.path("custom.md")))
    }

    @Test("sii: many areas from one phe_sii-style table, the quantile basis written with every row; an incomplete area dropped and named; fewer than 5 quantiles refused")
    func sii() throws {
        var rows = ["area,quantile,population,value,lower_cl,upper_cl"]
        for area in ["A", "B"] {
            for q in 1...10 {
                let v = 60.0 - 3 * Double(q) + (area == "B" ? 2 : 0)
                rows.append("\(area),\(q),\(1000 + q * 37),\(v),\(v * 0.9),\(v * 1.12)")
            }
        }
        rows.append("C,1,100,5,4,6")
        let input = scratch.path("sii-input.csv")
        try (rows.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let out = scratch.path("sii.csv")
        let run = try CLI.run(["sii", "--input", input, "--quantile-basis", "local", "--value-type", "rate", "--multiplier=-1",
                               "--confidence", "95", "--confidence", "99.8", "--repetitions", "2000", "-o", out], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("2 areas with an SII (local deprivation quantiles"))
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines[0].contains("sii_lower_99_8cl") && lines.count == 3)
        #expect(lines.dropFirst().allSatisfy { $0[2] == "local" && $0[3] == "rate" && $0[5] == "-1" })
        // Falling values with a negative multiplier: a positive SII.
        #expect(Double(lines[1][7])! > 0)
        #expect(try String(contentsOfFile: scratch.path("sii-dropped.csv"), encoding: .utf8).contains("C,\"no data for quantiles 2, 3"))
        // The basis is required: no silent default.
        let missing = try CLI.run(["sii", "--input", input, "-o", out], environment: env)
        #expect(missing.status != 0 && missing.stderr.contains("--quantile-basis"))
        try "quantile,population,value,se\n1,10,1,1\n2,10,2,1\n3,10,3,1\n".write(toFile: input, atomically: true, encoding: .utf8)
        let few = try CLI.run(["sii", "--input", input, "--quantile-basis", "national", "-o", scratch.path("few.csv")], environment: env)
        #expect(few.status != 0 && few.stderr.contains("5 to 100 quantiles; the input has 3"), "\(few.stderr)")
    }
}
