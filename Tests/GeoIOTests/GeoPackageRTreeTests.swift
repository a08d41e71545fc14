import Foundation
import GeoCore
import GeoIO
import TestSupport
import Testing

/// The R-tree a GeoPackage gets is packed in one pass rather than built by SQLite's inserts; SQLite
/// itself (the sqlite3 shell, an implementation independent of the packing) checks the result.
@Suite("GeoPackage R-tree packing")
struct GeoPackageRTreeTests {
    let scratch = try! TemporaryDirectory()

    static func sqlite(_ file: String, _ sql: String) throws -> [String] {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else {
            throw TestData.Missing(path: "/usr/bin/sqlite3 (scripts/setup.sh installs it)")
        }
        let run = try CLI.runTool("/usr/bin/sqlite3", [file, sql])
        #expect(run.status == 0, "sqlite3: \(run.stderr)")
        return run.stdout.split(separator: "\n").map(String.init)
    }

    /// Synthetic points (not data): a grid with coordinates a 32-bit float cannot hold exactly,
    /// each also written as attributes so that SQL can compare them with the index.
    static func points(_ n: Int) -> FeatureLayer {
        let schema = Schema([FieldDefinition(name: "x", type: .real), FieldDefinition(name: "y", type: .real)])
        let features = (0..<n).map { i -> Feature in
            let x = 530_000.123_456_7 + Double(i % 97) * 101.3 + Double(i) * 1e-4
            let y = 180_000.987_654_3 + Double(i / 97) * 99.7
            return Feature(geometry: .point(Coordinate(x: x, y: y)), values: [.real(x), .real(y)])
        }
        return FeatureLayer(name: "synthetic", crs: .britishNationalGrid, schema: schema, features: features)
    }

    @Test("Packed trees of one node, two levels and three: rtreecheck is ok, every feature is indexed inside its float box, box queries equal a scan, and SQLite's own edits keep the tree sound")
    func packed() throws {
        for n in [1, 40, 2_000, 6_000] {
            let file = scratch.path("p\(n).gpkg")
            try GeoPackageWriter.write([GeoPackageWriter.Layer(name: "pts", layer: Self.points(n))], to: file)
            let depth = try Self.sqlite(file, "SELECT rtreecheck('rtree_pts_geom'); SELECT count(*) FROM rtree_pts_geom; SELECT hex(substr(data, 1, 2)) FROM rtree_pts_geom_node WHERE nodeno = 1;")
            #expect(depth[0] == "ok" && depth[1] == String(n), "\(n) points: \(depth)")
            // One leaf holds 51; 2,000 need two levels, 6,000 three.
            let expected = n <= 51 ? "0000" : n <= 51 * 51 ? "0001" : "0002"
            #expect(depth[2] == expected, "\(n) points: depth \(depth[2])")
            // Rounded outwards: every point lies inside its stored box (rounding to nearest would miss about half).
            let outside = try Self.sqlite(file, """
                SELECT count(*) FROM pts p JOIN rtree_pts_geom r ON r.id = p.fid
                WHERE NOT (r.minx <= p.x AND r.maxx >= p.x AND r.miny <= p.y AND r.maxy >= p.y)
                """)
            #expect(outside == ["0"], "\(n) points: \(outside) outside their boxes")
            // A box query through the index finds what a scan of the attributes finds.
            for (x0, y0, x1, y1) in [(530_500.0, 180_300.0, 533_000.0, 183_000.0), (539_000.0, 180_000.0, 540_000.0, 240_000.0), (0.0, 0.0, 1.0, 1.0)] {
                let viaIndex = try Self.sqlite(file, "SELECT count(*) FROM rtree_pts_geom WHERE maxx >= \(x0) AND minx <= \(x1) AND maxy >= \(y0) AND miny <= \(y1)")
                let scan = try Self.sqlite(file, "SELECT count(*) FROM pts WHERE x >= \(x0) AND x <= \(x1) AND y >= \(y0) AND y <= \(y1)")
                #expect(viaIndex == scan, "\(n) points, box \(x0) \(y0) \(x1) \(y1): index \(viaIndex), scan \(scan)")
            }
        }
        // SQLite's own inserts and deletes on a packed (full) tree: splits and condensing keep it sound.
        let file = scratch.path("p6000.gpkg")
        let edited = try Self.sqlite(file, """
            WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 3000)
            INSERT INTO rtree_pts_geom SELECT 100000 + i, 520000 + i, 520000 + i + 5, 170000, 170010 FROM k;
            DELETE FROM rtree_pts_geom WHERE id % 7 = 0;
            SELECT rtreecheck('rtree_pts_geom'); SELECT count(*) FROM rtree_pts_geom;
            """)
        let deleted: Int = (1...6_000).filter { $0 % 7 == 0 }.count + (100_001...103_000).filter { $0 % 7 == 0 }.count
        #expect(edited == ["ok", String(9_000 - deleted)], "\(edited)")
    }

    @Test("An empty layer gets an empty root; the file stays sound")
    func empty() throws {
        let file = scratch.path("empty.gpkg")
        try GeoPackageWriter.write([GeoPackageWriter.Layer(name: "pts", layer: Self.points(0))], to: file)
        #expect(try Self.sqlite(file, "SELECT rtreecheck('rtree_pts_geom'); SELECT count(*) FROM rtree_pts_geom; PRAGMA integrity_check;") == ["ok", "0", "ok"])
    }
}
