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
}
