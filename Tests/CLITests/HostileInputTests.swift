import Foundation
import TestSupport
import Testing

/// The file that marks a folder as written by `report` (ReportWriter.marker).
enum ReportMarker { static let name = ".deprivation-map-report" }

/// The robustness campaign's findings (issue 13), each as a run of the built tool on a hostile
/// input that this test makes itself (all numbers and geometries below are synthetic). Each run
/// must end with exit status 1 and a message naming the file and the fix — never a trap (a signal
/// status), never a silent success — and must leave no output and no temporary file behind.
@Suite("CLI hostile input", .serialized)
struct HostileInputTests {
    let scratch = try! TemporaryDirectory("dm-hostile")
    var env: [String: String] { ["DEPRIVATION_MAP_DATA": TestData.root.path] }
    let mseAreas = "boundaries/mse/lsoa21_bgc_mse_bng.shp"
    let imd2025 = "imd/imd2025_england_lsoa21.csv"

    /// The 720 MSE LSOA 2021 codes, read from the MSE boundary layer's DBF by ogrinfo-free means:
    /// the IMD 2025 table's codes that the `map` run below reports (all of MSE is in it).
    func mseCodes() throws -> [String] {
        let run = try CLI.run(["map", "--areas", try TestData.path(mseAreas), "--imd", try TestData.path(imd2025), "-o", scratch.path("codes.geojson"), "-q"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let csv = try String(contentsOfFile: scratch.path("codes.csv"), encoding: .utf8)
        return csv.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").first.map(String.init) }.filter { $0.hasPrefix("E01") }
    }

    /// A synthetic population table for the MSE codes: 1,500 people each, except `override`.
    func population(_ codes: [String], override: [Int: String], column: String = "total") throws -> String {
        var text = "lsoa21_code,\(column)\n"
        for (i, c) in codes.enumerated() { text += "\(c),\(override[i] ?? "1500")\n" }
        let path = scratch.path("pop-\(UUID().uuidString.prefix(8)).csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Files in `dir` other than `keep`, including hidden temporary ones.
    func leftovers(_ dir: String, keep: Set<String>) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !keep.contains($0) }
    }

    func expectRefused(_ run: CLI.Result, mentions words: [String], _ comment: Comment? = nil) {
        #expect(run.status == 1, "exit \(run.status) (a trap shows as a signal number): \(run.stderr)")
        for w in words { #expect(run.stderr.contains(w), "\(w) not in: \(run.stderr)") }
    }

    @Test("Populations of 1e19 or 1e308 are refused where read (file, line, field, area) by map, access, food-van and report; nothing is written")
    func absurdPopulations() throws {
        let codes = try mseCodes()
        #expect(codes.count == 720)
        let huge = try population(codes, override: [5: "1e19"])
        let several = try population(codes, override: [1: "1e308", 2: "1e308", 3: "1e308"])
        let out = try TemporaryDirectory("dm-hostile-out")
        for pop in [huge, several] {
            let map = try CLI.run(["map", "--areas", try TestData.path(mseAreas), "--imd", try TestData.path(imd2025), "--population", pop,
                                   "-o", out.path("m.geojson")], environment: env)
            expectRefused(map, mentions: [pop, "line", "total", "plausible range"])
            let access = try CLI.run(["access", "--areas", try TestData.path(mseAreas), "--population", pop,
                                      "--services", try TestData.path("services/gp/gp_practices_active_2025-05_geocoded.csv"), "-o", out.path("a.geojson")], environment: env)
            expectRefused(access, mentions: [pop, "plausible range"])
            let van = try CLI.run(["food-van", "--region", "Southend-on-Sea", "--population", pop, "--depot", "588000,186000", "-o", out.path("v.geojson")], environment: env)
            expectRefused(van, mentions: [pop, "plausible range"])
        }
        let line = try CLI.run(["map", "--areas", try TestData.path(mseAreas), "--imd", try TestData.path(imd2025), "--population", huge, "-o", out.path("m.geojson")], environment: env)
        #expect(line.stderr.contains("line 7") && line.stderr.contains(codes[5]), "\(line.stderr)")
        #expect(leftovers(out.url.path, keep: []).isEmpty, "left behind: \(leftovers(out.url.path, keep: []))")
    }

    @Test("An IMD file whose population column holds 1e19 is refused; a domain decile of 11 too")
    func absurdIMD() throws {
        let path = scratch.path("imd-pop.csv")
        try "lsoa21_code,IMD_decile,population\nE01000001,3,1500\nE01000002,4,1e19\n".write(toFile: path, atomically: true, encoding: .utf8)
        let run = try CLI.run(["map", "--areas", try TestData.path(mseAreas), "--imd", path, "-o", scratch.path("i.geojson")], environment: env)
        expectRefused(run, mentions: [path, "line 3", "E01000002", "population"])
        let domain = scratch.path("imd-domain.csv")
        try "lsoa21_code,IMD_decile,Income_decile\nE01000001,3,11\n".write(toFile: domain, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["map", "--areas", try TestData.path(mseAreas), "--imd", domain, "-o", scratch.path("d.geojson")], environment: env)
        expectRefused(bad, mentions: [domain, "line 2", "outside 1–10"])
    }

    @Test("gap by practice: 1e19 registered patients is refused with the practice and line")
    func absurdPractice() throws {
        let path = scratch.path("workforce.csv")
        var text = "Practice.Code,Year,TOTAL_PATIENTS,TOTAL_GP_EXTGL_FTE,IMD\n"
        for i in 0..<40 { text += "P\(i),2025,\(i == 7 ? "1e19" : "\(5000 + i * 10)"),\(3 + i % 5),\(10 + i)\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try CLI.run(["gap", "--practices", path, "-o", scratch.path("g.md")], environment: env)
        expectRefused(run, mentions: [path, "line 9", "P7", "TOTAL_PATIENTS"])
        #expect(!FileManager.default.fileExists(atPath: scratch.path("g.md")))
    }

    @Test("A GeoJSON property of 1e400 is refused when read (not written as null, no shapefile temporaries)")
    func hugeJSONNumber() throws {
        let dir = try TemporaryDirectory("dm-hostile-json")
        let path = dir.path("big.geojson")
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"v":1e400},"geometry":{"type":"Point","coordinates":[0.7,51.5]}}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        for out in ["x.shp", "x.geojson"] {
            let run = try CLI.run(["convert", path, "-o", dir.path(out)])
            expectRefused(run, mentions: [path, "1e400", "64-bit"])
        }
        #expect(leftovers(dir.url.path, keep: ["big.geojson"]).isEmpty, "left behind: \(leftovers(dir.url.path, keep: ["big.geojson"]))")
        // A large but finite value converts; the DBF field is sized for it.
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"v":1e300},"geometry":{"type":"Point","coordinates":[0.7,51.5]}}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let ok = try CLI.run(["convert", path, "-o", dir.path("y.shp")])
        #expect(ok.status == 0, "\(ok.stderr)")
        let back = try CLI.runTool("/usr/bin/ogrinfo", ["-al", "-q", dir.path("y.shp")])
        #expect(back.stdout.contains("v (Real) = 10000000000000000525"), "GDAL reads the value back: \(back.stdout)")
    }

    @Test("No command overwrites an input, however the path is spelled; companions count too")
    func neverOverwriteInputs() throws {
        let dir = try TemporaryDirectory("dm-hostile-inputs")
        let pts = dir.path("pts.csv")
        let original = "name,easting,northing\na,588000,186000\nb,570000,200000\n"
        try original.write(toFile: pts, atomically: true, encoding: .utf8)
        try FileManager.default.linkItem(atPath: pts, toPath: dir.path("hard.csv"))
        try FileManager.default.createSymbolicLink(atPath: dir.path("link.csv"), withDestinationPath: pts)
        let areas = try TestData.path(mseAreas)
        for output in [pts, dir.url.path + "/./pts.csv", dir.path("hard.csv"), dir.path("link.csv")] {
            let run = try CLI.run(["assign", pts, "--areas", areas, "-o", output])
            expectRefused(run, mentions: ["would replace the input"], "\(output)")
        }
        #expect(try String(contentsOfFile: pts, encoding: .utf8) == original)

        // map --imd imd.csv -o imd.geojson: the CSV written beside the map would be the IMD file.
        let imd = dir.path("imd.csv")
        try FileManager.default.copyItem(atPath: try TestData.path(imd2025), toPath: imd)
        let before = try Data(contentsOf: URL(fileURLWithPath: imd))
        let map = try CLI.run(["map", "--areas", areas, "--imd", imd, "-o", dir.path("imd.geojson")])
        expectRefused(map, mentions: ["imd.csv", "would replace the input"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: imd)) == before)
        #expect(!FileManager.default.fileExists(atPath: dir.path("imd.geojson")))

        // access: the summary beside the output would be the population file.
        let codes = try mseCodes()
        let pop = try population(codes, override: [:])
        try FileManager.default.moveItem(atPath: pop, toPath: dir.path("a-summary.json"))
        let access = try CLI.run(["access", "--areas", areas, "--population", dir.path("a-summary.json"), "--services",
                                  try TestData.path("services/gp/gp_practices_active_2025-05_geocoded.csv"), "-o", dir.path("a.geojson")], environment: env)
        expectRefused(access, mentions: ["a-summary.json", "would replace the input"])

        // convert: writing x.shp replaces x.dbf, an input.
        let conv = try CLI.run(["convert", areas, "-o", String(areas.dropLast(4)) + ".dbf"])
        expectRefused(conv, mentions: ["would replace the input"])

        // report: an input inside the output folder would be replaced with the folder.
        let folder = dir.path("report")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try TestData.path(imd2025), toPath: folder + "/imd.csv")
        // An earlier report folder (its marker file) into which someone has put an input.
        try "".write(toFile: folder + "/" + ReportMarker.name, atomically: true, encoding: .utf8)
        let report = try CLI.run(["report", "--region", "Southend-on-Sea", "--imd", folder + "/imd.csv", "-o", folder], environment: env)
        expectRefused(report, mentions: ["would replace the input"])
        #expect(FileManager.default.fileExists(atPath: folder + "/imd.csv"))
    }

    @Test("All or nothing: when a later output cannot be written, the earlier ones do not appear")
    func allOrNothing() throws {
        let dir = try TemporaryDirectory("dm-hostile-atomic")
        // The CSV written beside the map cannot be created: a folder has its name.
        try FileManager.default.createDirectory(atPath: dir.path("m.csv"), withIntermediateDirectories: true)
        let run = try CLI.run(["map", "--areas", try TestData.path(mseAreas), "--imd", try TestData.path(imd2025), "-o", dir.path("m.geojson")], environment: env)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(leftovers(dir.url.path, keep: ["m.csv"]).isEmpty, "left behind: \(leftovers(dir.url.path, keep: ["m.csv"]))")
    }

    @Test("Longitudes and latitudes under a British National Grid .prj are refused with the fix, not joined to nothing")
    func crsContradiction() throws {
        let dir = try TemporaryDirectory("dm-hostile-crs")
        try "name,lon,lat\na,0.7,51.5\nb,0.5,51.6\n".write(toFile: dir.path("ll.csv"), atomically: true, encoding: .utf8)
        let conv = try CLI.run(["convert", dir.path("ll.csv"), "-o", dir.path("ll.shp")])
        #expect(conv.status == 0, "\(conv.stderr)")
        try FileManager.default.removeItem(atPath: dir.path("ll.prj"))
        try FileManager.default.copyItem(atPath: try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.prj"), toPath: dir.path("ll.prj"))
        let run = try CLI.run(["assign", dir.path("ll.shp"), "--areas", try TestData.path(mseAreas), "-o", dir.path("out.csv")])
        expectRefused(run, mentions: ["look like longitude/latitude", "--crs EPSG:4326"])
        #expect(!FileManager.default.fileExists(atPath: dir.path("out.csv")))
        // Declaring the real CRS reads them as lon/lat.
        let fixed = try CLI.run(["convert", dir.path("ll.shp"), "--crs", "EPSG:4326", "-o", dir.path("ok.geojson")])
        #expect(fixed.status == 0, "\(fixed.stderr)")
        // Eastings in a GeoJSON (lon/lat by definition) are refused too.
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[588000,186000]}}]}"#
            .write(toFile: dir.path("en.geojson"), atomically: true, encoding: .utf8)
        let en = try CLI.run(["convert", dir.path("en.geojson"), "-o", dir.path("en2.geojson")])
        #expect(en.status == 1, "\(en.stderr)")
    }

    @Test("One polygon of 20,000 squares sharing edges is repaired by union: area kept, one part")
    func touchingSquares() throws {
        let dir = try TemporaryDirectory("dm-hostile-grid")
        var rings: [String] = []
        for i in 0..<142 { for j in 0..<141 where rings.count < 20_000 {
            let x = 580_000 + i * 10, y = 185_000 + j * 10
            rings.append("((\(x) \(y), \(x + 10) \(y), \(x + 10) \(y + 10), \(x) \(y + 10), \(x) \(y)))")
        } }
        // A CSV with a WKT column is not read; write the layer as GeoJSON in BNG numbers is not RFC 7946,
        // so build it through ogr2ogr from WKT (GDAL as an independent writer).
        try ("code,wkt\nE01999998,\"MULTIPOLYGON(" + rings.joined(separator: ",") + ")\"\n").write(toFile: dir.path("grid.csv"), atomically: true, encoding: .utf8)
        let ogr = try CLI.runTool("/usr/bin/ogr2ogr", ["-f", "ESRI Shapefile", "-a_srs", "EPSG:27700", "-oo", "GEOM_POSSIBLE_NAMES=wkt", "-oo", "KEEP_GEOM_COLUMNS=NO",
                                                      dir.path("grid.shp"), dir.path("grid.csv")])
        #expect(ogr.status == 0, "\(ogr.stderr)")
        try "name,easting,northing\ninside,580105,185105\noutside,590000,190000\n".write(toFile: dir.path("p.csv"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["assign", dir.path("p.csv"), "--areas", dir.path("grid.shp"), "-o", dir.path("out.csv")])
        #expect(run.status == 0, "\(run.stderr)")
        // make-valid's even-odd rule kept 1,014,100 m² of the 2,000,000; the union keeps it all.
        #expect(run.stderr.contains("20000 → 1 parts, area 2000000.0 → 2000000.0"), "\(run.stderr)")
        // GDAL wrote 19,858 of the squares counter-clockwise (holes by the shapefile rule) that no
        // shell contains: each is kept as a shell, and placing them is no longer quadratic.
        #expect(try String(contentsOfFile: dir.path("out.csv"), encoding: .utf8).contains("inside,580105,185105,E01999998"))
    }

    @Test("The decompression ceiling can be lowered or raised through the environment, and the message says how")
    func ceilingFromEnvironment() throws {
        let gz = try TestData.path("lookups/ward21_ltla21.csv.gz") // 96 KB that inflates to 480 KB
        let low = try CLI.run(["info", gz], environment: ["DEPRIVATION_MAP_MAX_DECOMPRESSED": "100K"])
        expectRefused(low, mentions: [gz, "decompresses to more than 102400 bytes", "DEPRIVATION_MAP_MAX_DECOMPRESSED"])
        // With 1 MiB the file inflates and is read (info then finds it is a table without coordinates).
        let ok = try CLI.run(["info", gz], environment: ["DEPRIVATION_MAP_MAX_DECOMPRESSED": "1M"])
        #expect(!ok.stderr.contains("decompresses") && ok.stderr.contains("ward21_code"), "\(ok.stderr)")
    }
}
