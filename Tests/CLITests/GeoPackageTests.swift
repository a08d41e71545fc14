import DeprivationMap
import Foundation
import TestSupport
import Testing

/// GeoPackages written by `convert`, checked with GDAL (ogrinfo, ogr2ogr) and SQLite itself.
@Suite("GeoPackage output")
struct GeoPackageTests {
    let scratch = try! TemporaryDirectory()

    static func tool(_ name: String) throws -> String {
        for dir in ["/usr/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
        throw TestData.Missing(path: "/usr/bin/\(name) (scripts/setup.sh installs gdal-bin and sqlite3)")
    }

    static func line(_ text: String, _ prefix: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    @Test("convert to .gpkg: ogrinfo opens it with the count, extent, type and SRS of the source; SQLite finds it sound; GDAL uses our R-tree and its spatial filter returns the features GEOS says meet the box; ogr2ogr reads back every value")
    func convertToGeoPackage() throws {
        let source = try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp")
        let out = scratch.path("mse.gpkg")
        let run = try CLI.run(["convert", source, "-o", out])
        #expect(run.status == 0, "\(run.stderr)")
        let ogrinfo = try Self.tool("ogrinfo")
        let ours = try CLI.runTool(ogrinfo, ["-ro", "-so", "-al", out])
        let theirs = try CLI.runTool(ogrinfo, ["-ro", "-so", "-al", source])
        #expect(ours.status == 0 && ours.stdout.contains("using driver `GPKG' successful"), "\(ours.stderr)")
        #expect(!ours.stderr.contains("ERROR") && !ours.stderr.contains("Warning"), "\(ours.stderr)")
        #expect(Self.line(ours.stdout, "Layer name: ") == "mse")
        #expect(Self.line(ours.stdout, "Feature Count: ") == "720" && Self.line(theirs.stdout, "Feature Count: ") == "720")
        #expect(Self.line(ours.stdout, "Extent: ") == Self.line(theirs.stdout, "Extent: "), "extent differs from the source's")
        #expect(Self.line(ours.stdout, "Geometry: ") == "Multi Polygon")
        #expect(ours.stdout.contains("ID[\"EPSG\",27700]"))

        // SQLite: sound file, GeoPackage ids, one R-tree row per feature, the packed R-tree sound (rtreecheck).
        let sql = try CLI.runTool(try Self.tool("sqlite3"), [out, "PRAGMA integrity_check; PRAGMA application_id; PRAGMA user_version; SELECT count(*) FROM rtree_mse_geom; SELECT rtreecheck('rtree_mse_geom'); SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'; PRAGMA journal_mode;"])
        #expect(sql.stdout.split(separator: "\n") == ["ok", "1196444487", "10300", "720", "ok", "1", "delete"], "\(sql.stdout) \(sql.stderr)")

        // GDAL's spatial filter goes through our R-tree and returns the areas GEOS finds meeting the box.
        let box = Envelope(minX: 570_000, minY: 180_000, maxX: 580_000, maxY: 190_000)
        let filtered = try CLI.runTool(ogrinfo, ["-ro", "--debug", "on", "-so", "-al", "-spat", "570000", "180000", "580000", "190000", out])
        #expect(filtered.stderr.contains("rtree_mse_geom"), "GDAL did not use the R-tree")
        let areas = try Areas.load(path: source)
        let engine = try GeometryEngine()
        let rectangle = Geometry.polygon(Polygon(exterior: LinearRing([Coordinate(x: box.minX, y: box.minY), Coordinate(x: box.maxX, y: box.minY),
                                                                                   Coordinate(x: box.maxX, y: box.maxY), Coordinate(x: box.minX, y: box.maxY),
                                                                                   Coordinate(x: box.minX, y: box.minY)]), holes: []))
        let meeting = try areas.geometries.compactMap { $0 }.filter { try engine.intersects($0, rectangle) }.count
        #expect(meeting > 50 && Self.line(filtered.stdout, "Feature Count: ") == String(meeting))

        // ogr2ogr reads ours back: every code and name as written.
        let back = scratch.path("back.csv")
        let ogr2ogr = try CLI.runTool(try Self.tool("ogr2ogr"), ["-f", "CSV", back, out])
        #expect(ogr2ogr.status == 0, "\(ogr2ogr.stderr)")
        let rows = try String(contentsOfFile: back, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
        let codes = Set(rows.compactMap { $0.split(separator: ",").first.map(String.init) })
        #expect(codes == Set(areas.codes))
    }

    @Test("Points from a CSV to .gpkg (Point layer, the CSV's CRS); a missing folder is refused and nothing is left behind")
    func pointsAndRefusals() throws {
        let out = scratch.path("stores.gpkg")
        let run = try CLI.run(["convert", try TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv"), "-o", out])
        #expect(run.status == 0, "\(run.stderr)")
        let info = try CLI.runTool(try Self.tool("ogrinfo"), ["-ro", "-so", "-al", out])
        #expect(Self.line(info.stdout, "Geometry: ") == "Point" && Self.line(info.stdout, "Feature Count: ") == "293", "\(info.stdout)")
        let missing = try CLI.run(["convert", try TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv"), "-o", scratch.path("nope/x.gpkg")])
        #expect(missing.status != 0 && missing.stderr.contains("nope"))
        #expect(scratch.contents().sorted() == ["stores.gpkg"], "\(scratch.contents())")
    }

    /// The features of a GeoJSON file as parsed JSON (the header's attribution aside).
    static func features(_ path: String) throws -> NSArray {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        return try #require(object?["features"] as? NSArray)
    }

    @Test("Reading: a GeoPackage written by ogr2ogr reads back as the same features as its source; several layers are listed and one is chosen with --layer; unknown layers, non-SQLite files, curves and 3D are each said plainly")
    func reading() throws {
        let ogr2ogr = try Self.tool("ogr2ogr")
        let source = try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp")
        let stores = try TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv")
        let two = scratch.path("two.gpkg")
        #expect(try CLI.runTool(ogr2ogr, ["-f", "GPKG", two, source, "-nln", "areas"]).status == 0)
        #expect(try CLI.runTool(ogr2ogr, ["-update", "-f", "GPKG", two, stores, "-oo", "X_POSSIBLE_NAMES=long_wgs", "-oo", "Y_POSSIBLE_NAMES=lat_wgs",
                                          "-a_srs", "EPSG:4326", "-nln", "stores"]).status == 0)
        // info lists the layers; without --layer a reader asks for one.
        let info = try CLI.run(["info", two])
        #expect(info.status == 0 && info.stdout.contains("areas: polygon, 720 features, SRS 27700") && info.stdout.contains("stores: point, 293 features, SRS 4326"), "\(info.stdout)")
        let ask = try CLI.run(["convert", two, "-o", scratch.path("x.geojson")])
        #expect(ask.status != 0 && ask.stderr.contains("has 2 feature layers: areas, stores. Name one in the path as 'FILE.gpkg|layername=NAME'") && ask.stderr.contains("--layer NAME also does"), "\(ask.stderr)")
        let unknown = try CLI.run(["convert", two, "--layer", "wards", "-o", scratch.path("x.geojson")])
        #expect(unknown.status != 0 && unknown.stderr.contains("no feature layer 'wards'; its layers are areas, stores"), "\(unknown.stderr)")
        // The areas layer as GeoJSON: the same features as the shapefile's own conversion.
        let fromGPKG = scratch.path("from-gpkg.geojson"), fromShp = scratch.path("from-shp.geojson")
        #expect(try CLI.run(["convert", two, "--layer", "areas", "-o", fromGPKG]).status == 0)
        #expect(try CLI.run(["convert", source, "-o", fromShp]).status == 0)
        #expect(try Self.features(fromGPKG).isEqual(try Self.features(fromShp)), "ogr2ogr's GeoPackage reads back differently")
        let points = try CLI.run(["info", two, "--layer", "stores"])
        #expect(points.stdout.contains("Feature count: 293") && points.stdout.contains("EPSG:4326"), "\(points.stdout)")

        // Not SQLite: named, with SQLite's reason.
        let fake = scratch.path("fake.gpkg")
        try "name,x,y\nA,1,2\n".write(toFile: fake, atomically: true, encoding: .utf8)
        let notDB = try CLI.run(["info", fake])
        #expect(notDB.status != 0 && notDB.stderr.contains("fake.gpkg is not a GeoPackage") && notDB.stderr.contains("not a database"), "\(notDB.stderr)")
        // Curves are refused with the feature id; 3D points are flattened, and said so.
        let curveCSV = scratch.path("curve.csv"), curve = scratch.path("curve.gpkg")
        try "id,WKT\n1,\"CIRCULARSTRING (0 0,1 1,2 0)\"\n".write(toFile: curveCSV, atomically: true, encoding: .utf8)
        #expect(try CLI.runTool(ogr2ogr, ["-f", "GPKG", curve, curveCSV, "-a_srs", "EPSG:27700", "-nlt", "CIRCULARSTRING", "-nln", "arcs"]).status == 0)
        let arcs = try CLI.run(["convert", curve, "-o", scratch.path("arcs.geojson")])
        #expect(arcs.status != 0 && arcs.stderr.contains("layer arcs, feature 1: CircularString geometries (curves) are not supported"), "\(arcs.stderr)")
        let z = scratch.path("z.gpkg")
        #expect(try CLI.runTool(ogr2ogr, ["-f", "GPKG", z, stores, "-oo", "X_POSSIBLE_NAMES=long_wgs", "-oo", "Y_POSSIBLE_NAMES=lat_wgs", "-a_srs", "EPSG:4326",
                                          "-dim", "XYZ", "-nln", "stores3d"]).status == 0)
        let flat = try CLI.run(["convert", z, "-o", scratch.path("flat.geojson")])
        #expect(flat.status == 0 && flat.stderr.contains("293 geometries of stores3d had z or m values; they were flattened to x/y"), "\(flat.stderr)")
        #expect(!scratch.contents().contains("arcs.geojson"))
    }

    @Test("access -o OUT.gpkg and the report's report.gpkg: GDAL opens every layer, with as many features as the CSV tables beside them; the map's values are in the GeoPackage's columns")
    func analysisOutputs() throws {
        let env = ["DEPRIVATION_MAP_DATA": TestData.root.path]
        let out = scratch.path("access.gpkg")
        let run = try CLI.run(["access", "--region", "Southend-on-Sea", "--services", "supermarket=" + (try TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv")),
                               "-o", out], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let csv = try String(contentsOfFile: scratch.path("access.csv"), encoding: .utf8).split(whereSeparator: \.isNewline)
        let info = try CLI.runTool(try Self.tool("ogrinfo"), ["-ro", "-so", "-al", out])
        #expect(Self.line(info.stdout, "Feature Count: ") == String(csv.count - 1), "\(info.stdout)")
        #expect(info.stdout.contains("nearest_km: Real") && info.stdout.contains("imd_decile: Integer"), "\(info.stdout)")

        let folder = scratch.path("report")
        let report = try CLI.run(["report", "--region", "Southend-on-Sea", "--depot", "SS2 6ER", "--draws", "2000", "-o", folder], environment: env)
        #expect(report.status == 0, "\(report.stderr)")
        let layers = try CLI.runTool(try Self.tool("ogrinfo"), ["-ro", "-so", folder + "/report.gpkg"])
        #expect(layers.stdout.contains("1: areas (Multi Polygon)") && layers.stdout.contains("2: services (Point)") && layers.stdout.contains("3: food_van"), "\(layers.stdout)")
        let areas = try String(contentsOfFile: folder + "/areas.csv", encoding: .utf8).split(whereSeparator: \.isNewline).count - 1
        let areaInfo = try CLI.runTool(try Self.tool("ogrinfo"), ["-ro", "-so", folder + "/report.gpkg", "areas"])
        #expect(Self.line(areaInfo.stdout, "Feature Count: ") == String(areas))
    }

    @Test("Services from one layer of a GeoPackage, named as QGIS names a layer's source (FILE.gpkg|layername=NAME): the same access figures as from the CSV it was made of; info describes that layer; without a name, the layers are listed")
    func servicesFromLayer() throws {
        let env = ["DEPRIVATION_MAP_DATA": TestData.root.path]
        let stores = try TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv")
        let two = scratch.path("services.gpkg")
        #expect(try CLI.runTool(try Self.tool("ogr2ogr"), ["-f", "GPKG", two, try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp"), "-nln", "areas"]).status == 0)
        #expect(try CLI.runTool(try Self.tool("ogr2ogr"), ["-update", "-f", "GPKG", two, stores, "-oo", "X_POSSIBLE_NAMES=long_wgs", "-oo", "Y_POSSIBLE_NAMES=lat_wgs",
                                                           "-a_srs", "EPSG:4326", "-nln", "stores"]).status == 0)
        let fromCSV = try CLI.run(["access", "--region", "Southend-on-Sea", "--services", "supermarket=" + stores, "-o", scratch.path("csv.geojson")], environment: env)
        #expect(fromCSV.status == 0, "\(fromCSV.stderr)")
        let fromGPKG = try CLI.run(["access", "--region", "Southend-on-Sea", "--services", "supermarket=\(two)|layername=stores", "-o", scratch.path("gpkg.geojson")], environment: env)
        #expect(fromGPKG.status == 0, "\(fromGPKG.stderr)")
        let a = try String(contentsOfFile: scratch.path("csv.csv"), encoding: .utf8), b = try String(contentsOfFile: scratch.path("gpkg.csv"), encoding: .utf8)
        #expect(a == b && a.split(whereSeparator: \.isNewline).count > 100, "the GeoPackage layer gives other access figures than its CSV")
        #expect(fromGPKG.stdout == fromCSV.stdout)
        let info = try CLI.run(["info", "\(two)|layername=stores"])
        #expect(info.status == 0 && info.stdout.contains("Feature count: 293"), "\(info.stdout)\(info.stderr)")
        let ask = try CLI.run(["access", "--region", "Southend-on-Sea", "--services", "supermarket=" + two, "-o", scratch.path("x.geojson")], environment: env)
        #expect(ask.status != 0 && ask.stderr.contains("areas, stores") && ask.stderr.contains("layername=NAME"), "\(ask.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("x.geojson")))
    }
}
