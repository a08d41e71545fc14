import GeoCore
import GeoProjection
import TestSupport
import Testing

@Suite("Extra grid folders (for OSTN15)")
struct GridDirectoryTests {
    @Test("A grid named like OSTN15 in --grid-dir makes PROJ switch from the Helmert fit to the grid")
    func gridIsUsed() throws {
        let dir = try TemporaryDirectory()
        // Zero shift: OSGB36 and ETRS89 coordinates taken as equal, so the result is the plain
        // transverse Mercator projection of the same latitude/longitude on the Airy ellipsoid.
        try NTv2Grid.write(to: dir.path("OSTN15_NTv2_OSGBtoETRS.gsb"))
        let context = try ProjectionContext(options: ProjectionOptions(gridDirectories: [dir.url.path]))
        let t = try context.transformer(from: .wgs84, to: .britishNationalGrid)
        let op = try #require(t.operation)
        #expect(op.grids.contains { $0.contains("OSTN15") })
        #expect(op.accuracyMetres == 1)
        let p = try t.transform(Coordinate(x: -0.1276, y: 51.5072))
        let plain = try ProjectionContext().transformer(from: CRS(epsg: 4277), to: .britishNationalGrid).transform(Coordinate(x: -0.1276, y: 51.5072))
        #expect(isClose(p.x, plain.x, within: 0.001) && isClose(p.y, plain.y, within: 0.001))
        let used = try #require(t.lastUsedOperation)
        #expect(used.grids.contains { $0.contains("OSTN15") })
    }

    @Test("The grid's shifts are applied: a 1-second latitude shift moves the point about 31 m")
    func gridShiftApplied() throws {
        let dir = try TemporaryDirectory()
        try NTv2Grid.write(to: dir.path("OSTN15_NTv2_OSGBtoETRS.gsb"), latitudeShiftSeconds: 1)
        let t = try ProjectionContext(options: ProjectionOptions(gridDirectories: [dir.url.path])).transformer(from: .wgs84, to: .britishNationalGrid)
        let p = try t.transform(Coordinate(x: -0.1276, y: 51.5072))
        // The grid maps OSGB36 to ETRS89 (≈ WGS 84), so going the other way subtracts the shift.
        let plain = try ProjectionContext().transformer(from: CRS(epsg: 4277), to: .britishNationalGrid)
            .transform(Coordinate(x: -0.1276, y: 51.5072 - 1.0 / 3600))
        #expect(isClose(p.x, plain.x, within: 0.001) && isClose(p.y, plain.y, within: 0.001))
        // One arc-second of latitude is about 30.9 m of northing here.
        let unshifted = try ProjectionContext().transformer(from: CRS(epsg: 4277), to: .britishNationalGrid).transform(Coordinate(x: -0.1276, y: 51.5072))
        #expect(isClose(unshifted.y - p.y, 30.9, within: 0.2))
    }

    @Test("Without the grid, PROJ keeps the Helmert fit")
    func withoutGrid() throws {
        let dir = try TemporaryDirectory()
        let t = try ProjectionContext(options: ProjectionOptions(gridDirectories: [dir.url.path])).transformer(from: .wgs84, to: .britishNationalGrid)
        #expect(t.operation?.grids.isEmpty == true)
        #expect(t.operation?.accuracyMetres == 2)
    }
}
