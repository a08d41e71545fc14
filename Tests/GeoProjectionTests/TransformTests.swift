import GeoCore
import GeoProjection
import TestSupport
import Testing

@Suite("PROJ coordinate transforms")
struct TransformTests {
    // Reference R5: EPSG:4326 → EPSG:27700 with PROJ's default Helmert path, 1 mm tolerance.
    @Test("R5 spot checks: WGS84 → BNG to 1 mm")
    func r5SpotChecks() throws {
        let context = try ProjectionContext()
        let t = try context.transformer(from: .wgs84, to: .britishNationalGrid)
        let london = try t.transform(Coordinate(x: -0.1276, y: 51.5072))
        #expect(isClose(london.x, 530043.195, within: 0.001))
        #expect(isClose(london.y, 180358.209, within: 0.001))
        let essex = try t.transform(Coordinate(x: 0.7077, y: 51.5459))
        #expect(isClose(essex.x, 587846.405, within: 0.001))
        #expect(isClose(essex.y, 186475.246, within: 0.001))
    }

    // PROJ inverts the 7-parameter Helmert approximately, so a round trip drifts by about a
    // millimetre (1e-8 degrees); 5e-8 degrees is about 5 mm.
    @Test("BNG → WGS84 round trip returns to the start within 5 mm")
    func roundTrip() throws {
        let context = try ProjectionContext()
        let there = try context.transformer(from: .wgs84, to: .britishNationalGrid)
        let back = try context.transformer(from: .britishNationalGrid, to: .wgs84)
        var points = [Coordinate(x: -0.1276, y: 51.5072), Coordinate(x: 0.7077, y: 51.5459), Coordinate(x: -3.1791, y: 51.4816)]
        let start = points
        try there.transform(&points)
        try back.transform(&points)
        for (a, b) in zip(points, start) {
            #expect(isClose(a.x, b.x, within: 5e-8))
            #expect(isClose(a.y, b.y, within: 5e-8))
        }
    }

    @Test("The operation used is reported: a Helmert fit with about 2 m accuracy")
    func reportsOperation() throws {
        let context = try ProjectionContext()
        let t = try context.transformer(from: .wgs84, to: .britishNationalGrid)
        let op = try #require(t.operation)
        #expect(op.name.contains("OSGB36 to WGS 84"))
        #expect(op.accuracyMetres == 2)
        #expect(op.grids.isEmpty)
        _ = try t.transform(Coordinate(x: -0.1276, y: 51.5072))
        let used = try #require(t.lastUsedOperation)
        #expect(used.name == op.name)
        #expect(!op.name.contains("axis order")) // PROJ's lon/lat swap step is not part of the description
    }

    @Test("Same CRS is an identity: nothing changes, no operation")
    func identity() throws {
        let context = try ProjectionContext()
        let t = try context.transformer(from: CRS(definition: "EPSG:27700"), to: .britishNationalGrid)
        #expect(t.isIdentity)
        #expect(t.operation == nil)
        let p = Coordinate(x: 1.5, y: 2.5)
        #expect(try t.transform(p) == p)
    }

    @Test("ESRI .prj text of the shared boundaries identifies as EPSG:4326 and EPSG:27700")
    func identifiesESRIWKT() throws {
        let context = try ProjectionContext()
        let wgs = try String(contentsOfFile: TestData.path("boundaries/lsoa11_ew_bsc/lsoa11_ew_bsc_v3.prj"), encoding: .utf8)
        #expect(try context.resolve(CRS(definition: wgs)).epsg == 4326)
        let bng = try String(contentsOfFile: TestData.path("boundaries/mse/lsoa11_bgc_mse_bng.prj"), encoding: .utf8)
        #expect(try context.resolve(CRS(definition: bng)).epsg == 27700)
    }

    @Test("ESRI WKT written for EPSG:27700 identifies back as EPSG:27700")
    func esriWKTRoundTrip() throws {
        let context = try ProjectionContext()
        let wkt = try context.esriWKT(for: .britishNationalGrid)
        #expect(wkt.hasPrefix("PROJCS[\"British_National_Grid\""))
        #expect(try context.resolve(CRS(definition: wkt)).epsg == 27700)
    }

    @Test("Unknown CRS gives a typed error naming it")
    func unknownCRS() throws {
        let context = try ProjectionContext()
        #expect(throws: ProjectionError.self) { try context.resolve(CRS(definition: "EPSG:999999")) }
        do {
            _ = try context.transformer(from: CRS(definition: "not a crs"), to: .wgs84)
            Issue.record("expected an error")
        } catch let error as ProjectionError {
            #expect(error.description.contains("not a crs"))
        }
    }

    @Test("A coordinate PROJ cannot transform names the coordinate and leaves the input unchanged")
    func transformFailure() throws {
        let context = try ProjectionContext()
        let t = try context.transformer(from: .wgs84, to: .britishNationalGrid)
        var points = [Coordinate(x: 0, y: 51), Coordinate(x: 0, y: 95)]
        let before = points
        #expect(throws: ProjectionError.self) { try t.transform(&points) }
        #expect(points == before)
    }

    @Test("A grid directory that does not exist is refused")
    func missingGridDirectory() {
        #expect(throws: ProjectionError.gridDirectoryMissing(path: "/nonexistent/grids")) {
            _ = try ProjectionContext(options: ProjectionOptions(gridDirectories: ["/nonexistent/grids"]))
        }
    }
}
