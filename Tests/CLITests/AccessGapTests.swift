import Foundation
import TestSupport
import Testing

/// Reads the `-summary.json` written beside an access output.
func summaryJSON(_ path: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

func groupMeans(_ summary: [String: Any], _ key: String = "deciles") -> [Int: (mean: Double, population: Double)] {
    var result: [Int: (Double, Double)] = [:]
    for row in summary[key] as? [[String: Any]] ?? [] {
        if let g = row["group"] as? Int, let m = row["mean"] as? Double, let p = row["population"] as? Double { result[g] = (m, p) }
    }
    return result
}

@Suite("CLI access and gap", .serialized)
struct AccessGapTests {
    let scratch = try! TemporaryDirectory()
    var env: [String: String] { ["DEPRIVATION_MAP_DATA": TestData.root.path] }

    /// The R2/R3 inputs: English LSOA 2011 BSC, IoD2019 File 1 + File 6, 141 stroke units.
    func strokeArguments() throws -> [String] {
        ["--areas", try TestData.path("boundaries/lsoa11_ew_bsc/lsoa11_ew_bsc_v3.shp"),
         "--imd", try TestData.path("imd/iod2019_official/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"),
         "--imd", try TestData.path("imd/iod2019_official/File_6_-_IoD2019_Population_Denominators.csv.gz"),
         "--services", "stroke=" + (try TestData.path("services/stroke/unit_postcodes_coords.csv"))]
    }

    @Test("R2 through the CLI: nearest stroke unit by decile, SII 3.663 (CI 3.41-3.91), RII 1.516, concentration index 0.0688")
    func r2() throws {
        let out = scratch.path("r2.geojson")
        let run = try CLI.run(["access"] + (try strokeArguments()) + ["--polygon-centroids", "-o", out], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let s = try summaryJSON(scratch.path("r2-summary.json"))
        let expected: [(Double, Double)] = [(6.5244, 5_394_816), (6.7744, 5_512_051), (7.8470, 5_628_403), (9.2606, 5_579_079), (9.7930, 5_525_827),
                                            (10.0239, 5_556_757), (9.8398, 5_409_036), (9.8694, 5_422_910), (9.8540, 5_377_675), (9.4806, 5_321_650)]
        let means = groupMeans(s)
        for (d, (km, pop)) in expected.enumerated() {
            let row = try #require(means[d + 1])
            #expect(isClose(row.mean, km, relative: 0.001), "decile \(d + 1): \(row.mean) km, R2 \(km)")
            #expect(row.population == pop, "decile \(d + 1) population")
        }
        let sii = try #require(s["sii"] as? [String: Any])
        #expect(isClose(sii["sii"] as! Double, 3.663, within: 0.0005))
        #expect(isClose(sii["sii_lower"] as! Double, 3.41, within: 0.005))
        #expect(isClose(sii["sii_upper"] as! Double, 3.91, within: 0.005))
        #expect(isClose(sii["rii"] as! Double, 1.516, within: 0.0005))
        #expect(isClose(s["concentration_index"] as! Double, 0.0688, within: 0.00005))
        #expect(run.stdout.contains("SII 3.6630"))
        #expect(run.stdout.contains("concentration index +0.0688"))
        // The per-area CSV has every English LSOA with a distance; R2's maximum is 94.853 km.
        let csv = try String(contentsOfFile: scratch.path("r2.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 32_844 + 1)
        let column = try #require(csv[0].split(separator: ",").firstIndex(of: "nearest_km"))
        let maximum = csv.dropFirst().compactMap { Double($0.split(separator: ",", omittingEmptySubsequences: false)[column]) }.max()!
        #expect(isClose(maximum, 94.853, within: 0.0005))
        // Same seed, same limits.
        let again = try CLI.run(["access"] + (try strokeArguments()) + ["--polygon-centroids", "-o", scratch.path("r2b.geojson"), "-q"], environment: env)
        let s2 = try summaryJSON(scratch.path("r2b-summary.json"))
        #expect((s2["sii"] as! [String: Any])["sii_lower"] as! Double == sii["sii_lower"] as! Double, "\(again.stderr)")
    }

    @Test("R3 through the CLI: 2SFCA 30 km by decile, 162,808 pairs, 579 areas / 948,666 people without a unit")
    func r3() throws {
        let out = scratch.path("r3.geojson")
        let run = try CLI.run(["access"] + (try strokeArguments()) + ["--polygon-centroids", "--method", "2sfca", "--radius", "30000", "-o", out], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let s = try summaryJSON(scratch.path("r3-summary.json"))
        let expected = [0.2496, 0.2343, 0.2265, 0.2372, 0.2437, 0.2477, 0.2517, 0.2494, 0.2458, 0.2451]
        let means = groupMeans(s)
        for (d, v) in expected.enumerated() {
            let row = try #require(means[d + 1])
            // R3 gives 4 decimals: within 0.1% or the rounding of the published figure.
            #expect(isClose(row.mean, v, relative: 0.001) || isClose(row.mean, v, within: 0.00005), "decile \(d + 1): \(row.mean), R3 \(v)")
        }
        #expect(s["pairs"] as? Int == 162_808)
        #expect(s["areas_without_service"] as? Int == 579)
        #expect(s["population_without_service"] as? Double == 948_666)
        #expect(run.stderr.contains("579 selected areas (948,666 people) reach no service"))
        // Areas without a unit get 0 and reaches_service=false, never NaN.
        let geojson = try String(contentsOfFile: out, encoding: .utf8)
        #expect(!geojson.contains("NaN") && !geojson.contains("nan"))
        #expect(geojson.components(separatedBy: "\"reaches_service\":false").count - 1 == 579)
    }

    @Test("The stroke travel-time matrix runs for all English LSOAs and reports missing pairs and unmatched keys")
    func strokeMatrix() throws {
        let out = scratch.path("tt.geojson")
        let run = try CLI.run(["access"] + (try strokeArguments())
                              + ["--matrix", try TestData.path("services/stroke/lsoa_travel_time_matrix_calibrated.csv.gz"), "-o", out], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("wide matrix, areas by name"))
        #expect(run.stderr.contains("pairs missing"))
        #expect(run.stderr.contains("areas have no row in lsoa_travel_time_matrix_calibrated.csv.gz"))
        #expect(run.stderr.contains("services have no column"))
        #expect(run.stderr.contains("rows of lsoa_travel_time_matrix_calibrated.csv.gz match no analysed area: Blaenau Gwent"))
        let s = try summaryJSON(scratch.path("tt-summary.json"))
        #expect(s["value_field"] as? String == "nearest_minutes")
        #expect(s["missing_matrix_pairs"] as? Int != nil)
        let csv = try String(contentsOfFile: scratch.path("tt.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 32_844 + 1)
        // Travel times are longer than straight lines but follow the same gradient.
        let means = groupMeans(s)
        #expect(means[1]!.mean < means[10]!.mean)
        #expect(means.values.allSatisfy { $0.mean > 10 && $0.mean < 40 })
    }

    @Test("gap by practice: GP FTE per 100,000 patients against practice IMD, with a verdict and the numbers behind it")
    func gapByPractice() throws {
        let out = scratch.path("gap.md")
        let run = try CLI.run(["gap", "--practices", try TestData.path("services/gp/heec_workforce_year_practice.csv"), "--practice-where", "Year=2025",
                               "--practice-imd", try TestData.path("services/gp/heec_practice_IMD_fingertips_raw.csv"), "-o", out], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let md = try String(contentsOfFile: out, encoding: .utf8)
        #expect(md.contains("**Verdict.**"))
        #expect(md.contains("| Decile |"))
        let json = try summaryJSON(scratch.path("gap.json"))
        let sii = try #require(json["sii"] as? [String: Any])
        let value = sii["sii"] as! Double, lower = sii["sii_lower"] as! Double, upper = sii["sii_upper"] as! Double
        #expect(lower < value && value < upper)
        // The decile means are FTE / patients of the practices in each decile: check decile 1 from the
        // CSV (read from the right: practice names may hold quoted commas).
        let rows = try String(contentsOfFile: scratch.path("gap.csv"), encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let d1 = rows.filter { $0.last == "1" }
        let fte = d1.reduce(0.0) { $0 + Double($1[$1.count - 4])! }, patients = d1.reduce(0.0) { $0 + Double($1[$1.count - 5])! }
        let means = groupMeans(json)
        #expect(isClose(means[1]!.mean, fte / patients * 100_000, relative: 1e-9))
        // The verdict follows the sign of the SII.
        if lower > 0 { #expect((json["verdict"] as! String).hasPrefix("Supply is lower where need is higher")) }
        #expect(run.stdout == (json["verdict"] as! String) + "\n")
    }

    @Test("gap need-adjusted: GP FTE per 10,000 weighted patients by practice-IMD quintile for England and 42 ICBs, HEEC's figures with their pairing; dropped practices listed; bad years refused with nothing written")
    func gapNeedAdjusted() throws {
        let workforce = try TestData.path("services/gp/heec_workforce_year_practice.csv")
        let payments = try TestData.path("services/gp/nhs_payments_to_general_practice_2022-23.csv")
        let out = scratch.path("need.md")
        let run = try CLI.run(["gap", "--practices", workforce, "--weighted-patients", payments, "--workforce-year", "2023/24", "--as-heec",
                               "--draws", "2000", "-o", out], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("The most deprived fifth of practices has 3.812 GP FTE per 10,000 weighted patients against 4.860"), "\(run.stdout)")
        #expect(run.stderr.contains("20 practices of the workforce year 2023/24 dropped (not in the payments file)"))
        let md = try String(contentsOfFile: out, encoding: .utf8)
        #expect(md.contains("workforce 2023/24") && md.contains("NHS Payments to General Practice 2022/23") && md.contains("HEEC's Q5"))
        // England's row equals HEEC's published figures (their quin_5 … quin_1 are our 1 … 5).
        let icbs = try String(contentsOfFile: scratch.path("need-icbs.csv"), encoding: .utf8).split(separator: "\n")
        #expect(icbs.count == 1 + 1 + 42)
        let england = icbs[1].split(separator: ",").map(String.init)
        #expect(england[0] == "England" && england[4] == "4.2955")
        #expect(Array(england[5...9]) == ["3.8119", "3.9584", "4.1349", "4.6189", "4.8603"])
        // The per-practice table adds up to the England row (ratio of sums; read from the right: names may hold commas).
        let rows = try String(contentsOfFile: scratch.path("need.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let q1 = rows.filter { $0[$0.count - 6] == "1" }
        let fte = q1.reduce(0.0) { $0 + Double($1[$1.count - 5])! }, weighted = q1.reduce(0.0) { $0 + Double($1[$1.count - 3])! }
        #expect(String(format: "%.4f", fte / weighted * 10_000) == "3.8119")
        let dropped = try String(contentsOfFile: scratch.path("need-dropped.csv"), encoding: .utf8).split(separator: "\n")
        #expect(dropped.count == 1 + 20 + 294)
        #expect(dropped.contains("C84720,not in the payments file"))

        // A workforce year the table does not have: refused, naming the years it has; nothing written.
        let bad = scratch.path("bad.md")
        let refused = try CLI.run(["gap", "--practices", workforce, "--weighted-patients", payments, "--workforce-year", "2019/20", "-o", bad], environment: env)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("has no rows for the financial year 2019/20; it has 2022/23, 2023/24, 2024/25") && refused.stderr.contains("--workforce-year"), "\(refused.stderr)")
        #expect(refused.stderr.contains("heec_workforce_year_practice.csv"))
        #expect(!FileManager.default.fileExists(atPath: bad) && !FileManager.default.fileExists(atPath: scratch.path("bad-icbs.csv")))
        for (arguments, says) in [(["--weighted-patients", payments], "--weighted-patients needs --practices"),
                                  (["--practices", workforce, "--weighted-patients", payments, "--workforce-year", "2023"], "--workforce-year takes a financial year such as 2022/23"),
                                  (["--practices", workforce, "--weighted-patients", payments, "--practice-where", "Year=2025"], "do not apply with --weighted-patients")] {
            let r = try CLI.run(["gap"] + arguments + ["-o", bad], environment: env)
            #expect(r.status != 0 && r.stderr.contains(says), "\(r.stderr)")
        }
    }

    @Test("gap by area in Mid and South Essex: 2SFCA of GP FTE, need-weighted by age")
    func gapByArea() throws {
        let out = scratch.path("mse-gap.md")
        let run = try CLI.run(["gap", "--areas", try TestData.path("boundaries/lsoa21_ew_bgc/lsoa21_ew_bgc.shp"),
                               "--imd", try TestData.path("imd/imd2025_england_lsoa21.csv"),
                               "--population", try TestData.path("population/census2021_usual_residents_lsoa21_age6.csv"),
                               "--services", "gp=" + (try TestData.path("services/gp/gp_practices_active_2025-05_geocoded.csv")),
                               "--capacity", try TestData.path("services/gp/heec_workforce_year_practice.csv"),
                               "--capacity-column", "TOTAL_GP_EXTGL_FTE", "--capacity-where", "Year=2025",
                               "--need-ages", try TestData.path("population/census2021_usual_residents_lsoa21_age6.csv"),
                               "--need-weights", "Aged 65 years and over=2",
                               "--method", "2sfca", "--radius", "10000", "--icb", "QH8", "--draws", "20000", "-o", out], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try summaryJSON(scratch.path("mse-gap.json"))
        let deciles = json["deciles"] as! [[String: Any]]
        #expect(deciles.reduce(0) { $0 + ($1["areas"] as! Int) } == 720)
        #expect(run.stderr.contains("have no TOTAL_GP_EXTGL_FTE"))
        let csv = try String(contentsOfFile: scratch.path("mse-gap.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv[0].contains("demand"))
        #expect(csv.count == 721)
    }

    @Test("Bad input: no coordinates, unknown matrix codes, missing population, too few groups, a radius reaching nothing")
    func badInput() throws {
        let base = try strokeArguments()
        // Services with no coordinates at all.
        let noCoordinates = scratch.path("units.csv")
        try "postcode,BNG_E,BNG_N\nRM70AG,,\nE11BB,,\n".write(toFile: noCoordinates, atomically: true, encoding: .utf8)
        var args = base
        args[args.count - 1] = "stroke=" + noCoordinates
        let r1 = try CLI.run(["access"] + args + ["--polygon-centroids", "-o", scratch.path("a.geojson")], environment: env)
        #expect(r1.status != 0)
        #expect(r1.stderr.contains("units.csv"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("a.geojson")))

        // A matrix whose area and service codes are all unknown.
        let matrix = scratch.path("matrix.csv")
        try "lsoa,XX11XX,YY22YY\nNowhere 001A,1,2\nE99999999,3,4\n".write(toFile: matrix, atomically: true, encoding: .utf8)
        let r2 = try CLI.run(["access"] + base + ["--matrix", matrix, "-o", scratch.path("b.geojson")], environment: env)
        #expect(r2.status != 0)
        #expect(r2.stderr.contains("matrix.csv: no row matches an area"))
        // Known areas but unknown services.
        try "lsoa,XX11XX\nE01000001,5\n".write(toFile: matrix, atomically: true, encoding: .utf8)
        let r2b = try CLI.run(["access"] + base + ["--matrix", matrix, "-o", scratch.path("b.geojson")], environment: env)
        #expect(r2b.stderr.contains("no column matches a service"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("b.geojson")))

        // Zero or missing population: reported; all missing is refused.
        let population = scratch.path("population.csv")
        try "code,total\nE01000001,0\nE01000002,1500\n".write(toFile: population, atomically: true, encoding: .utf8)
        let r3 = try CLI.run(["access"] + base + ["--polygon-centroids", "--population", population, "--draws", "1000", "-o", scratch.path("c.geojson")], environment: env)
        #expect(r3.status == 0, "\(r3.stderr)")
        #expect(r3.stderr.contains("32842 areas have no population"))
        #expect(r3.stderr.contains("1 areas have a population of 0"))
        // ... and with only one decile left the SII is refused with the reason.
        #expect(r3.stdout.contains("SII not computed: the Slope Index of Inequality needs at least 5"))
        try "code,total\nE01000001,0\n".write(toFile: population, atomically: true, encoding: .utf8)
        let r3b = try CLI.run(["access"] + base + ["--polygon-centroids", "--population", population, "-o", scratch.path("c2.geojson")], environment: env)
        #expect(r3b.status != 0)
        #expect(r3b.stderr.contains("no area has a positive population"))

        // gap refuses fewer than 5 groups, with the reason.
        let few = scratch.path("few.csv")
        try "code,total\nE01000002,1500\nE01000005,1200\n".write(toFile: few, atomically: true, encoding: .utf8)
        let r4 = try CLI.run(["gap"] + base + ["--polygon-centroids", "--method", "2sfca", "--radius", "30000",
                                               "--population", few, "-o", scratch.path("g.md")], environment: env)
        #expect(r4.status != 0)
        #expect(r4.stderr.contains("needs at least 5 deprivation groups with data"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("g.md")))

        // A catchment that reaches no service from any area.
        let r5 = try CLI.run(["access"] + base + ["--polygon-centroids", "--method", "2sfca", "--radius", "1", "-o", scratch.path("d.geojson")], environment: env)
        #expect(r5.status != 0)
        #expect(r5.stderr.contains("radius reaches no stroke service from any area. Increase --radius"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("d.geojson")))
        // Without --radius, the floating catchment is refused.
        let r6 = try CLI.run(["access"] + base + ["--method", "e2sfca", "-o", scratch.path("e.geojson")], environment: env)
        #expect(r6.status != 0)
        #expect(r6.stderr.contains("needs a radius") && r6.stderr.contains("--radius"))
    }
}
