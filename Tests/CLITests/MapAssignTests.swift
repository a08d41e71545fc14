import Foundation
import TestSupport
import Testing

/// The decile table `map` prints: decile → (areas, population).
func decileRows(_ stdout: String) -> [String: (areas: Int, population: Int)] {
    var rows: [String: (Int, Int)] = [:]
    for line in stdout.split(separator: "\n") {
        let cells = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard cells.count >= 3, let a = Int(cells[1].replacingOccurrences(of: ",", with: "")),
              let p = Int(cells[2].replacingOccurrences(of: ",", with: "")) else { continue }
        rows[cells[0]] = (a, p)
    }
    return rows
}

@Suite("CLI map and assign", .serialized)
struct MapAssignTests {
    let scratch = try! TemporaryDirectory()
    let file1 = "imd/iod2019_official/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
    let file6 = "imd/iod2019_official/File_6_-_IoD2019_Population_Denominators.csv.gz"
    var env: [String: String] { ["DEPRIVATION_MAP_DATA": TestData.root.path] }

    @Test("R4 through the CLI: Core20 nationally and in Mid and South Essex on IMD 2019")
    func r4IMD2019() throws {
        let out = scratch.path("england.geojson")
        let national = try CLI.run(["map", "--areas", try TestData.path("boundaries/lsoa11_ew_bsc/lsoa11_ew_bsc_v3.shp"),
                                    "--imd", try TestData.path(file1), "--imd", try TestData.path(file6), "-o", out, "-q"], environment: env)
        #expect(national.status == 0, "\(national.stderr)")
        let n = decileRows(national.stdout)
        #expect(n["Core20"]?.areas == 6_568)
        #expect(n["Core20"]?.population == 10_906_867)
        #expect(n["all"]?.population == 54_728_204)
        #expect(FileManager.default.fileExists(atPath: scratch.path("england.csv")))

        let mse = try CLI.run(["map", "--areas", try TestData.path("boundaries/lsoa11_ew_bsc/lsoa11_ew_bsc_v3.shp"),
                               "--imd", try TestData.path(file1), "--imd", try TestData.path(file6), "--icb", "QH8",
                               "-o", scratch.path("mse.geojson")], environment: env)
        #expect(mse.status == 0, "\(mse.stderr)")
        let m = decileRows(mse.stdout)
        #expect(m["all"]?.areas == 705)
        #expect(m["1"]?.areas == 26)
        #expect(m["2"]?.areas == 43)
        #expect(m["Core20"]?.areas == 69)
        #expect(m["Core20"]?.population == 116_347)
        #expect(m["all"]?.population == 1_163_798)
        // The CSV beside the GeoJSON holds the same Core20 count.
        let csv = try String(contentsOfFile: scratch.path("mse.csv"), encoding: .utf8)
        let header = csv.split(separator: "\n")[0].split(separator: ",").map(String.init)
        let core20 = try #require(header.firstIndex(of: "core20"))
        #expect(csv.split(separator: "\n").dropFirst().filter { $0.split(separator: ",", omittingEmptySubsequences: false)[core20] == "true" }.count == 69)
    }

    @Test("R4 through the CLI: IMD 2025 on LSOA 2021 in the nine MSE districts, with services and wards")
    func r4IMD2025() throws {
        let districts = ["Basildon", "Braintree", "Brentwood", "Castle Point", "Chelmsford", "Maldon", "Rochford", "Southend-on-Sea", "Thurrock"]
        let out = scratch.path("mse21.geojson")
        var args = ["map", "--areas", try TestData.path("boundaries/lsoa21_ew_bgc/lsoa21_ew_bgc.shp"),
                    "--imd", try TestData.path("imd/imd2025_england_lsoa21.csv"),
                    "--population", try TestData.path("population/census2021_usual_residents_lsoa21_age6.csv"),
                    "--services", "supermarket=" + (try TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv")),
                    "--wards", try TestData.path("boundaries/wards_2025_ew_bgc/wards_2025_ew_bgc.shp"), "-o", out]
        for d in districts { args += ["--district", d] }
        let r = try CLI.run(args, environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        let m = decileRows(r.stdout)
        #expect(m["all"]?.areas == 720)
        #expect(m["1"]?.areas == 26)
        #expect(m["2"]?.areas == 57)
        #expect(m["Core20"]?.areas == 83)
        #expect(r.stderr.contains("ward best fit"))
        for f in ["mse21.csv", "mse21-services.csv", "mse21-wards.geojson", "mse21-wards.csv"] {
            #expect(FileManager.default.fileExists(atPath: scratch.path(f)), "\(f) missing")
        }
        let geojson = try String(contentsOfFile: out, encoding: .utf8)
        #expect(geojson.contains("Retail Points by GEOLYTIX"))
    }

    @Test("Bad input: boundaries of another vintage are refused, and accepted with --lookup")
    func vintage() throws {
        let base = ["map", "--areas", try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp"), "--imd", try TestData.path(file1)]
        let refused = try CLI.run(base + ["-o", scratch.path("v.geojson")], environment: env)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("LSOA 2021") && refused.stderr.contains("LSOA 2011") && refused.stderr.contains("--lookup"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("v.geojson")))
        let converted = try CLI.run(base + ["--lookup", try TestData.path("lookups/lsoa11_lsoa21_ltla22.csv.gz"), "-o", scratch.path("v.geojson")], environment: env)
        #expect(converted.status == 0, "\(converted.stderr)")
        #expect(decileRows(converted.stdout)["all"]?.areas == 720)
    }

    @Test("Bad input: unknown district (with a suggestion) and an empty selection")
    func regions() throws {
        let base = ["map", "--areas", try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp"), "--imd", try TestData.path("imd/imd2025_england_lsoa21.csv")]
        let unknown = try CLI.run(base + ["--district", "Southend", "-o", scratch.path("r.geojson")], environment: env)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown district 'Southend'") && unknown.stderr.contains("Southend-on-Sea"))
        let empty = try CLI.run(base + ["--district", "Leeds", "-o", scratch.path("r.geojson")], environment: env)
        #expect(empty.status != 0)
        #expect(empty.stderr.contains("contains no areas"))
        let badICB = try CLI.run(base + ["--icb", "QH9", "-o", scratch.path("r.geojson")], environment: env)
        #expect(badICB.status != 0 && badICB.stderr.contains("unknown ICB 'QH9'"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("r.geojson")))
    }

    @Test("Bad input: an IMD file without a decile column names the file and its columns")
    func badIMD() throws {
        let path = scratch.path("noDecile.csv")
        try "lsoa21_code,IMD_rank\nE01000001,3\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = try CLI.run(["map", "--areas", try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp"), "--imd", path, "-o", scratch.path("x.geojson")])
        #expect(r.status != 0)
        #expect(r.stderr.contains("noDecile.csv") && r.stderr.contains("no IMD decile column") && r.stderr.contains("IMD_rank"))
    }

    @Test("assign: every MSE postcode gets its LSOA and IMD decile; summary on stderr")
    func assign() throws {
        let out = scratch.path("assigned.csv")
        let r = try CLI.run(["assign", try TestData.path("postcodes/codepoint_open_2025-04_mse.csv"),
                             "--areas", TestData.packagePath("GeoData/lsoa11_bsc_mse_bng.shp"),
                             "--imd", try TestData.path(file1), "--nearest", "500", "-o", out], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("inside an area") && r.stderr.contains("unmatched"))
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 28_320 + 1)
        #expect(lines[0].hasSuffix("area_code,area_name,match,distance_m,imd_decile,imd_rank"))
        #expect(lines.dropFirst().allSatisfy { $0.contains(",inside,") || $0.contains(",nearest,") || $0.contains(",none,") })
    }

    @Test("Bad input: points in a different CRS from the areas are refused, naming both")
    func crsMismatch() throws {
        let out = scratch.path("crs.csv")
        let r = try CLI.run(["assign", try TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv"),
                             "--areas", TestData.packagePath("GeoData/lsoa11_bsc_mse_bng.shp"), "-o", out], environment: env)
        #expect(r.status != 0)
        #expect(r.stderr.contains("EPSG:4326") && r.stderr.contains("EPSG:27700") && r.stderr.contains("--reproject"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let ok = try CLI.run(["assign", try TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv"),
                              "--areas", TestData.packagePath("GeoData/lsoa11_bsc_mse_bng.shp"), "--reproject", "-o", out], environment: env)
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test("assign geocodes a CSV of postcodes and reports the rows it cannot locate by line")
    func assignPostcodes() throws {
        let input = scratch.path("sites.csv"), out = scratch.path("sites.geojson")
        try "name,postcode\nMarket,SS1 1AA\nNo postcode,\nBad,12345\n".write(toFile: input, atomically: true, encoding: .utf8)
        let r = try CLI.run(["assign", input, "--areas", TestData.packagePath("GeoData/lsoa11_bsc_mse_bng.shp"),
                             "--postcodes", try TestData.path("postcodes/codepoint_open_2025-04_mse.csv"), "-o", out], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("line 3") && r.stderr.contains("line 4"))
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("\"area_code\":\"E01"))
    }
}
