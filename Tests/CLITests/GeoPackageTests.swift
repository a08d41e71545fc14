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

        // SQLite: sound file, GeoPackage ids, one R-tree row per feature.
        let sql = try CLI.runTool(try Self.tool("sqlite3"), [out, "PRAGMA integrity_check; PRAGMA application_id; PRAGMA user_version; SELECT count(*) FROM rtree_mse_geom; SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'; PRAGMA journal_mode;"])
        #expect(sql.stdout.split(separator: "\n") == ["ok", "1196444487", "10300", "720", "1", "delete"], "\(sql.stdout) \(sql.stderr)")

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

    @Test("Points from a CSV to .gpkg (Point layer, the CSV's CRS); a missing folder is refused and nothing is left behind; reading .gpkg says it is not supported yet")
    func pointsAndRefusals() throws {
        let out = scratch.path("stores.gpkg")
        let run = try CLI.run(["convert", try TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv"), "-o", out])
        #expect(run.status == 0, "\(run.stderr)")
        let info = try CLI.runTool(try Self.tool("ogrinfo"), ["-ro", "-so", "-al", out])
        #expect(Self.line(info.stdout, "Geometry: ") == "Point" && Self.line(info.stdout, "Feature Count: ") == "293", "\(info.stdout)")
        let missing = try CLI.run(["convert", try TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv"), "-o", scratch.path("nope/x.gpkg")])
        #expect(missing.status != 0 && missing.stderr.contains("nope"))
        #expect(scratch.contents().sorted() == ["stores.gpkg"], "\(scratch.contents())")
        let read = try CLI.run(["convert", out, "-o", scratch.path("again.geojson")])
        #expect(read.status != 0 && read.stderr.contains("reading GPKG is not supported yet"), "\(read.stderr)")
    }
}
