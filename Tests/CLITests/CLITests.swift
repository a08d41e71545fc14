import Foundation
import GeoCore
import TestSupport
import Testing

let ogrinfo = "/usr/bin/ogrinfo"
let python = "/usr/bin/python3"

/// Python (an independent JSON parser) checks every polygon ring of a GeoJSON file: prints the
/// number of features, of exterior rings that are not counter-clockwise, and of holes that are
/// not clockwise.
let ringOrientationCheck = """
    import json, sys
    def area(r):
        return sum(r[i][0] * r[i + 1][1] - r[i + 1][0] * r[i][1] for i in range(len(r) - 1)) / 2
    d = json.load(open(sys.argv[1]))
    bad_ext = bad_hole = 0
    for f in d["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for p in polys:
            bad_ext += area(p[0]) <= 0
            bad_hole += sum(area(h) >= 0 for h in p[1:])
    print(len(d["features"]), bad_ext, bad_hole)
    """

/// Feature count and extent as ogrinfo reports them.
func ogrSummary(_ path: String) throws -> (count: Int, extent: [Double]) {
    let r = try CLI.runTool(ogrinfo, ["-so", "-al", path])
    #expect(r.status == 0, "ogrinfo failed: \(r.stderr)")
    var count = -1
    var extent: [Double] = []
    for line in r.stdout.split(separator: "\n") {
        if line.hasPrefix("Feature Count: ") { count = Int(line.dropFirst(15)) ?? -1 }
        if line.hasPrefix("Extent: ") {
            extent = line.dropFirst(8).split(whereSeparator: { "(), -".contains($0) }).compactMap { Double($0) }
        }
    }
    return (count, extent)
}

@Suite("deprivation-map convert and info, run as a user runs them")
struct CLITests {
    @Test("National LSOA 2021 → GeoJSON: ogrinfo reads the same count and extent (±1e-6°); every exterior ring is CCW")
    func nationalConvert() throws {
        let dir = try TemporaryDirectory()
        let input = try TestData.path("boundaries/lsoa21_ew_bgc/lsoa21_ew_bgc.shp")
        let out = dir.path("lsoa21.geojson")
        let r = try CLI.run(["convert", input, "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("wrote 35,672 of 35,672 features"))
        let source = try ogrSummary(input), written = try ogrSummary(out)
        #expect(written.count == 35_672 && source.count == 35_672)
        #expect(written.extent.count == 4 && source.extent.count == 4)
        for (a, b) in zip(written.extent, source.extent) { #expect(abs(a - b) <= 1e-6) }
        let check = try CLI.runTool(python, ["-c", ringOrientationCheck, out])
        #expect(check.stdout == "35672 0 0\n", "python: \(check.stdout) \(check.stderr)")
        // No progress bar or escape codes when stderr is not a terminal.
        #expect(!r.stderr.contains("\r") && !r.stderr.contains("\u{1B}"))
        // RFC 7946: no "crs" member; the ONS notice travels with the data.
        let head = try String(contentsOfFile: out, encoding: .utf8).prefix(400)
        #expect(!head.contains("\"crs\""))
        #expect(head.contains("Office for National Statistics"))
    }

    @Test("info prints what ogrinfo -so prints, plus validity; --json is machine-readable")
    func info() throws {
        let shp = TestData.packagePath("GeoData/lsoa11_bsc_mse_bng.shp")
        let text = try CLI.run(["info", shp])
        #expect(text.status == 0)
        for expected in ["Geometry: Polygon (686) / MultiPolygon (19)", "Feature count: 705", "CRS: EPSG:27700 (OSGB36 / British National Grid) [.prj]",
                         "Invalid geometries: 0", "LSOA11CD: String (80.0)", "LONG: Real (24.15)", "Encoding: UTF-8 (.cpg)"] {
            #expect(text.stdout.contains(expected), "missing '\(expected)' in\n\(text.stdout)")
        }
        let json = try CLI.run(["info", "--json", shp])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["featureCount"] as? Int == 705)
        #expect((object?["crs"] as? [String: Any])?["epsg"] as? Int == 27700)
        #expect(object?["invalidCount"] as? Int == 0)
        // Extent agrees with ogrinfo's.
        let ogr = try ogrSummary(shp)
        let extent = object?["extent"] as? [Double] ?? []
        #expect(extent.count == 4)
        for (a, b) in zip(extent, ogr.extent) { #expect(abs(a - b) <= 1e-6) }
    }

    @Test("info names invalid polygons by record and area code (two in the national LSOA 2021 file)")
    func invalidListed() throws {
        let r = try CLI.run(["info", try TestData.path("boundaries/lsoa21_ew_bgc/lsoa21_ew_bgc.shp")])
        #expect(r.stdout.contains("Invalid geometries: 2 (GEOS, after shell/hole assembly)"))
        #expect(r.stdout.contains("record 6890 (E01031952): Ring Self-intersection"))
        #expect(r.stdout.contains("record 7989 (E01020541): Ring Self-intersection"))
    }

    @Test("convert with --where, --select, --to-crs and --precision")
    func convertOptions() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("southend.geojson")
        let r = try CLI.run(["convert", TestData.packagePath("GeoData/lsoa11_bsc_mse_bng.shp"), "-o", out,
                             "--where", "LSOA11NM^=Southend-on-Sea ", "--select", "LSOA11CD,LSOA11NM", "--precision", "3"])
        #expect(r.status == 0, "\(r.stderr)")
        let check = try CLI.runTool(python, ["-c", """
            import json, sys
            d = json.load(open(sys.argv[1]))
            keys = {tuple(f["properties"].keys()) for f in d["features"]}
            def positions(g):
                polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
                return [c for p in polys for r in p for pos in r for c in pos]
            decimals = max(len(repr(c).split(".")[1]) if "." in repr(c) else 0 for f in d["features"] for c in positions(f["geometry"]))
            print(len(d["features"]), keys, all(f["properties"]["LSOA11NM"].startswith("Southend-on-Sea ") for f in d["features"]), decimals)
            """, out])
        #expect(check.stdout == "107 {('LSOA11CD', 'LSOA11NM')} True 3\n", "\(check.stdout)\(check.stderr)")

        let bng = dir.path("southend_bng.geojson")
        let r2 = try CLI.run(["convert", TestData.packagePath("GeoData/lsoa11_bsc_mse_bng.shp"), "-o", bng, "--to-crs", "EPSG:27700",
                              "--where", "LSOA11CD=E01015814"])
        #expect(r2.status == 0)
        #expect(r2.stderr.contains("not RFC 7946"))
        #expect(try String(contentsOfFile: bng, encoding: .utf8).contains("urn:ogc:def:crs:EPSG::27700"))
    }

    @Test("CSV points with recognised columns convert to GeoJSON; rows without coordinates are reported")
    func csvConvert() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("gps.geojson")
        let r = try CLI.run(["convert", try TestData.path("services/gp/gp_practices_active_2025-05_geocoded.csv"), "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("reprojected EPSG:27700"))
        #expect(r.stderr.contains("Contains NHS England data"))
        // 9 practices of the file have no coordinates (no postcode match): reported, not dropped silently.
        #expect(r.stderr.contains("9 line(s) skipped: line 68 (no coordinates)"), "\(r.stderr)")
        #expect(try ogrSummary(out).count == 6_651 - 9)
    }

    @Test("--help texts describe the options")
    func help() throws {
        let r = try CLI.run(["convert", "--help"])
        for option in ["--to-crs", "--precision", "--where", "--select", "--make-valid", "--grid-dir", "--crs", "--encoding"] {
            #expect(r.stdout.contains(option), "\(option) missing from convert --help")
        }
        #expect(try CLI.run(["info", "--help"]).stdout.contains("--json"))
        #expect(try CLI.run(["--help"]).stdout.contains("convert"))
    }
}

/// Each bad input: a non-zero exit, a message naming the file (and record), and no output —
/// neither a new file nor a clobbered old one, nor a temporary file left behind.
@Suite("Bad input through the CLI")
struct CLIBadInputTests {
    /// Runs `convert input -o out.geojson` over an existing output and checks the failure contract.
    func expectFailure(_ input: String, _ dir: TemporaryDirectory, mentions: [String], extra: [String] = [],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let out = dir.path("out.geojson")
        try "previous result".write(toFile: out, atomically: true, encoding: .utf8)
        let before = Set(dir.contents())
        let r = try CLI.run(["convert", input, "-o", out] + extra)
        #expect(r.status != 0, "expected failure for \(input)", sourceLocation: sourceLocation)
        for m in mentions { #expect(r.stderr.contains(m), "stderr should mention '\(m)': \(r.stderr)", sourceLocation: sourceLocation) }
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "previous result", sourceLocation: sourceLocation)
        #expect(Set(dir.contents()) == before, "files left behind: \(Set(dir.contents()).subtracting(before))", sourceLocation: sourceLocation)
    }

    func squares(_ dir: TemporaryDirectory, _ name: String, prj: String? = ShapefileFixture.wgs84PRJ) throws -> String {
        let base = dir.path(name)
        try ShapefileFixture.write(base: base, shapeType: 5, records: [[ShapefileFixture.square(0, 50, 1)], [ShapefileFixture.square(2, 50, 1)]], prj: prj)
        return base
    }

    @Test("Truncated .shp")
    func truncated() throws {
        let dir = try TemporaryDirectory()
        let base = try squares(dir, "t")
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".shp"))
        try h.truncate(atOffset: 150)
        try h.close()
        try expectFailure(base + ".shp", dir, mentions: ["t.shp", "truncated"])
    }

    @Test("Missing .shx, missing .dbf, .dbf with a different record count")
    func companions() throws {
        let dir = try TemporaryDirectory()
        let a = try squares(dir, "a")
        try FileManager.default.removeItem(atPath: a + ".shx")
        try expectFailure(a + ".shp", dir, mentions: ["a.shx", "missing"])
        let b = try squares(dir, "b")
        try FileManager.default.removeItem(atPath: b + ".dbf")
        try expectFailure(b + ".shp", dir, mentions: ["b.dbf", "missing"])
        let c = try squares(dir, "c")
        try ShapefileFixture.write(base: dir.path("one"), shapeType: 5, records: [[ShapefileFixture.square(0, 50, 1)]])
        try FileManager.default.removeItem(atPath: c + ".dbf")
        try FileManager.default.copyItem(atPath: dir.path("one.dbf"), toPath: c + ".dbf")
        try expectFailure(c + ".shp", dir, mentions: ["c.shp", "2 records", "holds 1"])
    }

    @Test("Unsupported shape type, short ring, unclosed ring, NaN coordinates")
    func geometryProblems() throws {
        let dir = try TemporaryDirectory()
        try ShapefileFixture.write(base: dir.path("patch"), shapeType: 31, records: [[ShapefileFixture.square(0, 50, 1)]])
        try expectFailure(dir.path("patch.shp"), dir, mentions: ["patch.shp", "MultiPatch"])

        try ShapefileFixture.write(base: dir.path("short"), shapeType: 5,
                                   records: [[ShapefileFixture.square(0, 50, 1)], [[Coordinate(x: 0, y: 50), Coordinate(x: 1, y: 50), Coordinate(x: 0, y: 50)]]])
        try expectFailure(dir.path("short.shp"), dir, mentions: ["short.shp, record 2", "at least 4"])

        var open = ShapefileFixture.square(0, 50, 1)
        open[open.count - 1] = Coordinate(x: 0.5, y: 50.5)
        try ShapefileFixture.write(base: dir.path("open"), shapeType: 5, records: [[open]])
        try expectFailure(dir.path("open.shp"), dir, mentions: ["open.shp, record 1", "not closed"])

        var nan = ShapefileFixture.square(0, 50, 1)
        nan[1] = Coordinate(x: .nan, y: .nan)
        try ShapefileFixture.write(base: dir.path("nan"), shapeType: 5, records: [[ShapefileFixture.square(0, 50, 1)], [nan]])
        try expectFailure(dir.path("nan.shp"), dir, mentions: ["nan.shp, record 2, vertex 2", "NaN"])
    }

    @Test("Missing .prj asks for --crs; with --crs the conversion works")
    func missingPRJ() throws {
        let dir = try TemporaryDirectory()
        let base = try squares(dir, "noprj", prj: nil)
        try expectFailure(base + ".shp", dir, mentions: ["noprj.shp", "no .prj", "--crs"])
        let r = try CLI.run(["convert", base + ".shp", "-o", dir.path("ok.geojson"), "--crs", "EPSG:4326"])
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test("Empty shapefile")
    func empty() throws {
        let dir = try TemporaryDirectory()
        try ShapefileFixture.write(base: dir.path("empty"), shapeType: 5, records: [])
        try expectFailure(dir.path("empty.shp"), dir, mentions: ["empty.shp", "no records"])
    }

    @Test("Malformed GeoJSON names line and column")
    func malformedGeoJSON() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("bad.geojson")
        try "{\"type\": \"FeatureCollection\",\n \"features\": [\n  {\"type\": \"Feature\",, }\n]}".write(toFile: path, atomically: true, encoding: .utf8)
        let out = dir.path("x.geojson")
        let r = try CLI.run(["convert", path, "-o", out])
        #expect(r.status != 0)
        #expect(r.stderr.contains("bad.geojson, line 3, column 22"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("CSV row with a non-numeric coordinate names line and column")
    func badCSV() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("sites.csv")
        try "name,easting,northing\nHall,588000,186000\nCar park,588100,north\n".write(toFile: path, atomically: true, encoding: .utf8)
        try expectFailure(path, dir, mentions: ["sites.csv, line 3, column northing", "'north' is not a number"])
    }

    @Test("A missing output folder and a bad --precision are refused before any work")
    func badOptions() throws {
        let shp = TestData.packagePath("GeoData/lsoa11_bsc_mse_bng.shp")
        let r = try CLI.run(["convert", shp, "-o", "/nonexistent-folder/x.geojson"])
        #expect(r.status != 0 && r.stderr.contains("folder does not exist"))
        let p = try CLI.run(["convert", shp, "-o", "/tmp/x.geojson", "--precision", "20"])
        #expect(p.status != 0 && p.stderr.contains("--precision"))
        let unknown = try CLI.run(["info", "/nonexistent.shp"])
        #expect(unknown.status != 0 && unknown.stderr.contains("/nonexistent.shp: file not found"))
    }
}

@Suite("Interrupted runs")
struct InterruptTests {
    @Test("Ctrl-C (SIGINT) during a conversion exits 130 and leaves no output and no temporary file")
    func interrupted() throws {
        let dir = try TemporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CLI.executable)
        process.arguments = ["convert", try TestData.path("boundaries/lsoa21_ew_bgc/lsoa21_ew_bgc.shp"), "-o", dir.path("big.geojson"), "--precision", "15"]
        let err = Pipe()
        process.standardError = err
        try process.run()
        // Wait until the writer has created its temporary file, then interrupt.
        let deadline = Date().addingTimeInterval(60)
        while dir.contents().isEmpty && process.isRunning && Date() < deadline { usleep(2_000) }
        #expect(process.isRunning, "the conversion finished before it could be interrupted")
        process.interrupt()
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("interrupted"))
        #expect(dir.contents().isEmpty, "left behind: \(dir.contents())")
    }
}
