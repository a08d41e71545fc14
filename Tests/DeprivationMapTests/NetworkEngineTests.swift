import DeprivationMap
import Foundation
import TestSupport
import XCTest

/// The routing engine's lifecycle on the real Helsinki extract: reading and checking the
/// extract, preprocessing once into a cache, serving on loopback, stopping; and the bad inputs.
final class NetworkEngineTests: XCTestCase {
    func testReadsTheHelsinkiExtractHeader() throws {
        let extract = try OSMExtract.read(path: try TestEngines.helsinki())
        XCTAssertEqual(extract.format, "pbf")
        XCTAssertGreaterThan(extract.dataBlocks, 0)
        XCTAssertTrue(extract.requiredFeatures.contains("OsmSchema-V0.6"))
        let b = try XCTUnwrap(extract.bounds)
        XCTAssertTrue(b[0] > 24 && b[2] < 26 && b[1] > 59.9 && b[3] < 60.4, "\(b)")
    }

    func testTruncatedAndCorruptExtractsAreRefusedWithTheByte() throws {
        let dir = try TemporaryDirectory()
        let full = try Data(contentsOf: URL(fileURLWithPath: try TestEngines.helsinki()))
        let cut = dir.path("cut.osm.pbf")
        try full.prefix(full.count / 2).write(to: URL(fileURLWithPath: cut))
        XCTAssertThrowsError(try OSMExtract.read(path: cut)) { error in
            guard case NetworkError.truncatedExtract(let path, let offset, let size) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, cut)
            XCTAssertEqual(size, full.count / 2)
            XCTAssertLessThan(offset, size)
        }
        let junk = dir.path("junk.osm.pbf")
        try Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }).write(to: URL(fileURLWithPath: junk))
        XCTAssertThrowsError(try OSMExtract.read(path: junk)) { error in
            guard case NetworkError.unreadableExtract = error else { return XCTFail("\(error)") }
        }
        let empty = dir.path("empty.osm.pbf")
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        XCTAssertThrowsError(try OSMExtract.read(path: empty))
        // A block header whose declared blob runs past the end: the length is never trusted.
        var lie = Data([0, 0, 0, 14])
        lie += Data([0x0a, 0x09]) + Data("OSMHeader".utf8) + Data([0x18, 0xff, 0xff, 0xff, 0x0f])
        let liar = dir.path("liar.osm.pbf")
        try lie.write(to: URL(fileURLWithPath: liar))
        XCTAssertThrowsError(try OSMExtract.read(path: liar)) { error in
            guard case NetworkError.unreadableExtract = error else { return XCTFail("\(error)") }
        }
    }

    func testPreparesOnceServesAndStopsLeavingNothing() throws {
        let engine = try TestEngines.osrm()
        XCTAssertEqual(engine.version, OSRMEngine.pinnedVersion)
        let cache = try TemporaryDirectory("dm-network-cache")
        let extract = try OSMExtract.read(path: try TestEngines.helsinki())
        let first = try NetworkPreparation.prepare(extract, mode: .walk, engine: engine, cacheFolder: cache.url.path)
        XCTAssertFalse(first.reused)
        XCTAssertEqual(Set(first.stepSeconds.keys), ["osrm-extract", "osrm-partition", "osrm-customize"])
        let second = try NetworkPreparation.prepare(extract, mode: .walk, engine: engine, cacheFolder: cache.url.path)
        XCTAssertTrue(second.reused)
        XCTAssertEqual(second.directory, first.directory)
        XCTAssertTrue(first.directory.contains(String(first.checksum.prefix(16))) && first.directory.contains("osrm-\(engine.version)-foot"))
        XCTAssertEqual(cache.contents().filter { $0.contains(".tmp-") }, [], "no half-built cache left")

        var router: NetworkRouter? = try NetworkRouter.start(first, engine: engine)
        XCTAssertEqual(ChildProcesses.shared.count, 1)
        // Senate Square, the Central Station and the Esplanadi: all walkable, a few hundred metres apart.
        let points = [Coordinate(x: 24.9522, y: 60.1695), Coordinate(x: 24.9414, y: 60.1719), Coordinate(x: 24.9458, y: 60.1677)]
        let table = try XCTUnwrap(router).table(sources: points, destinations: points)
        for i in 0..<3 {
            XCTAssertEqual(try XCTUnwrap(table.seconds[i * 3 + i]), 0, accuracy: 1e-9)
            XCTAssertLessThan(table.sourceSnap[i], 100)
            for j in 0..<3 where i != j {
                let metres = try XCTUnwrap(table.metres[i * 3 + j])
                let seconds = try XCTUnwrap(table.seconds[i * 3 + j])
                // Along paths: longer than the straight line, and at the foot profile's 5 km/h.
                XCTAssertGreaterThan(metres, Self.haversine(points[i], points[j]) * 0.98)
                XCTAssertEqual(seconds, metres / (5 / 3.6), accuracy: seconds * 0.15)
            }
        }
        let route = try XCTUnwrap(router).route([points[0], points[2]])
        XCTAssertGreaterThan(route.line.count, 5, "a line along the paths, not a straight segment")
        XCTAssertEqual(route.metres, try XCTUnwrap(table.metres[2]), accuracy: 1)
        let address = try XCTUnwrap(router).url
        router = nil
        XCTAssertEqual(ChildProcesses.shared.count, 0, "the engine stops when its router is released")
        XCTAssertThrowsError(try NetworkRouter.connect(url: address, mode: .walk, timeout: 2)) { error in
            guard case NetworkError.routerUnreachable = error else { return XCTFail("\(error)") }
        }
    }

    func testCyclingUsesTheBicycleProfile() throws {
        let engine = try TestEngines.osrm()
        let cache = try TemporaryDirectory("dm-network-cache")
        let network = try NetworkPreparation.prepare(try OSMExtract.read(path: try TestEngines.helsinki()), mode: .cycle, engine: engine,
                                                     cacheFolder: cache.url.path)
        XCTAssertEqual(network.profile, "bicycle.lua")
        let router = try NetworkRouter.start(network, engine: engine)
        defer { router.stop() }
        XCTAssertTrue(router.source.contains("bicycle.lua"))
        let a = Coordinate(x: 24.9522, y: 60.1695), b = Coordinate(x: 24.9414, y: 60.1719)
        let t = try router.table(sources: [a], destinations: [b])
        let metres = try XCTUnwrap(t.metres[0]), seconds = try XCTUnwrap(t.seconds[0])
        // Faster than walking (5 km/h), no faster than the mode's bound.
        XCTAssertGreaterThan(metres / seconds * 3.6, 5.5)
        XCTAssertLessThan(metres / seconds * 3.6, TravelMode.cycle.maximumSpeedKmh)
    }

    func testAnExtractWithoutWaysForTheModeIsNamed() throws {
        let engine = try TestEngines.osrm()
        let dir = try TemporaryDirectory()
        let river = dir.path("river.osm")
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <osm version="0.6" generator="DeprivationMap test (synthetic)">
         <node id="1" lat="60.10" lon="24.90"/><node id="2" lat="60.11" lon="24.92"/>
         <way id="3"><nd ref="1"/><nd ref="2"/><tag k="waterway" v="river"/></way>
        </osm>
        """.write(toFile: river, atomically: true, encoding: .utf8)
        let extract = try OSMExtract.read(path: river)
        XCTAssertEqual(extract.format, "xml")
        XCTAssertThrowsError(try NetworkPreparation.prepare(extract, mode: .drive, engine: engine, cacheFolder: dir.path("cache"))) { error in
            XCTAssertEqual(error as? NetworkError, .noRoutableWays(path: river, mode: .drive))
        }
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: dir.path("cache"))) ?? [], [], "no half-built cache left")
        XCTAssertEqual(ChildProcesses.shared.count, 0)
    }

    func testADamagedCacheStopsTheEngineWithItsFolderNamed() throws {
        let engine = try TestEngines.osrm()
        let cache = try TemporaryDirectory("dm-network-cache")
        let network = try NetworkPreparation.prepare(try OSMExtract.read(path: try TestEngines.helsinki()), mode: .walk, engine: engine,
                                                     cacheFolder: cache.url.path)
        // Half of one of the engine's files gone.
        let file = network.directory + "/network.osrm.partition"
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try NetworkRouter.start(network, engine: engine, timeout: 20)) { error in
            guard case NetworkError.engineDidNotStart(let name, let detail) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "OSRM \(engine.version)")
            XCTAssertTrue(detail.contains(network.directory), detail)
        }
        XCTAssertEqual(ChildProcesses.shared.count, 0, "the failed engine is not left running")
    }

    func testAMissingEngineAndASilentServerAreNamed() throws {
        XCTAssertThrowsError(try OSRMEngine.locate(in: ["/nonexistent/engines"])) { error in
            guard case NetworkError.engineMissing(let engine, let searched) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(engine, "OSRM")
            XCTAssertTrue(searched.contains("/nonexistent/engines"))
        }
        // A port nothing listens on.
        let listener = try TemporaryDirectory()
        _ = listener
        XCTAssertThrowsError(try NetworkRouter.connect(url: "http://127.0.0.1:9", mode: .drive, timeout: 2)) { error in
            guard case NetworkError.routerUnreachable(let url, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(url, "http://127.0.0.1:9")
        }
        XCTAssertThrowsError(try NetworkRouter.connect(url: "ftp://example", mode: .drive))
    }

    static func haversine(_ a: Coordinate, _ b: Coordinate) -> Double {
        let r = 6_371_008.8, p1 = a.y * .pi / 180, p2 = b.y * .pi / 180
        let dp = p2 - p1, dl = (b.x - a.x) * .pi / 180
        let h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2)
        return 2 * r * asin(min(1, sqrt(h)))
    }
}
