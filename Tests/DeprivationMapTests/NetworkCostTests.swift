import DeprivationMap
import Foundation
import TestSupport
import XCTest

/// The network cost model on the real Helsinki paths. The areas are **synthetic** (a grid of
/// squares with made-up codes and deciles over central Helsinki); the network is real. Every
/// pruned answer is checked against the full table asked of the engine directly.
final class NetworkCostTests: XCTestCase {
    nonisolated(unsafe) static var shared: (router: NetworkRouter, cache: TemporaryDirectory)?

    static func walkRouter() throws -> NetworkRouter {
        if let shared { return shared.router }
        let cache = try TemporaryDirectory("dm-network-cache")
        let engine = try TestEngines.osrm()
        let network = try NetworkPreparation.prepare(try OSMExtract.read(path: try TestEngines.helsinki()), mode: .walk, engine: engine,
                                                     cacheFolder: cache.url.path)
        let router = try NetworkRouter.start(network, engine: engine)
        shared = (router, cache)
        return router
    }

    override class func tearDown() {
        shared?.router.stop()
        shared = nil
        super.tearDown()
    }

    /// 5 × 4 squares of 350 m, south-west corner near the Esplanadi; codes E0109xxxxx (synthetic).
    struct Grid {
        let dir: TemporaryDirectory
        let frame: AnalysisFrame
        let centres: [Coordinate]

        init() throws {
            dir = try TemporaryDirectory("dm-helsinki-grid")
            let toBNG = try ThreadProjection.current().transformer(from: .wgs84, to: .britishNationalGrid)
            let corner = try toBNG.transform(Coordinate(x: 24.930, y: 60.162))
            var features: [Feature] = []
            var centres: [Coordinate] = []
            var imd = "lsoa21_code,IMD_decile,IMD_rank,IMD_score\n", pop = "lsoa21_code,total\n"
            for i in 0..<20 {
                let c = Coordinate(x: corner.x + Double(i % 5) * 350, y: corner.y + Double(i / 5) * 350)
                centres.append(c)
                let ring = LinearRing([Coordinate(x: c.x - 175, y: c.y - 175), Coordinate(x: c.x + 175, y: c.y - 175), Coordinate(x: c.x + 175, y: c.y + 175),
                                       Coordinate(x: c.x - 175, y: c.y + 175), Coordinate(x: c.x - 175, y: c.y - 175)])
                let code = String(format: "E0109%05d", i)
                features.append(Feature(geometry: .polygon(Polygon(exterior: ring)), values: [.string(code), .string("Synthetic \(i)")]))
                imd += "\(code),\(1 + i % 10),\(i + 1),\(60 - Double(i))\n"
                pop += "\(code),\(1000 + 50 * i)\n"
            }
            self.centres = centres
            let schema = Schema([FieldDefinition(name: "LSOA21CD", type: .string), FieldDefinition(name: "LSOA21NM", type: .string)])
            let areas = try Areas(layer: FeatureLayer(name: "synthetic", crs: .britishNationalGrid, schema: schema, features: features), path: "synthetic")
            try imd.write(toFile: dir.path("imd.csv"), atomically: true, encoding: .utf8)
            try pop.write(toFile: dir.path("population.csv"), atomically: true, encoding: .utf8)
            frame = try AnalysisFrame(areas: areas, deprivation: try DeprivationTable.read(paths: [dir.path("imd.csv")]),
                                      population: try AreaValues.read(path: dir.path("population.csv")), origins: .polygonCentroids)
        }

        /// Services at lon/lat points, written as a CSV of eastings and northings.
        func services(_ lonLat: [Coordinate]) throws -> ServiceSet {
            let toBNG = try ThreadProjection.current().transformer(from: .wgs84, to: .britishNationalGrid)
            var text = "id,name,easting,northing\n"
            for (i, p) in lonLat.enumerated() {
                let b = try toBNG.transform(p)
                text += "P\(i),Test point \(i),\(b.x),\(b.y)\n"
            }
            try text.write(toFile: dir.path("services.csv"), atomically: true, encoding: .utf8)
            return try ServiceReader.read(path: dir.path("services.csv"), kind: .pharmacy)
        }
    }

    /// Ten points on streets of central Helsinki (test points, not real services).
    static let points = [(24.9522, 60.1695), (24.9414, 60.1719), (24.9458, 60.1677), (24.9380, 60.1650), (24.9500, 60.1640),
                         (24.9340, 60.1700), (24.9560, 60.1660), (24.9440, 60.1600), (24.9280, 60.1660), (24.9600, 60.1720)]
        .map { Coordinate(x: $0.0, y: $0.1) }

    /// The full table, asked directly: minutes from every area origin to every service.
    func fullTable(_ grid: Grid, router: NetworkRouter) throws -> NetworkTable {
        let toLonLat = try ThreadProjection.current().transformer(from: .britishNationalGrid, to: .wgs84)
        var origins = grid.frame.origins
        try toLonLat.transform(&origins)
        return try router.table(sources: origins, destinations: Self.points)
    }

    func testNearestAndWithinEqualTheFullTable() throws {
        let router = try Self.walkRouter()
        let grid = try Grid()
        let services = try grid.services(Self.points)
        let full = try fullTable(grid, router: router)
        let cost = NetworkCost(router: router, snapCap: 500)

        let nearest = try AccessAnalysis.run(grid.frame, services: services, spec: AccessSpec(measure: .nearest, cost: .network(cost)))
        XCTAssertEqual(nearest.valueField, "nearest_minutes")
        var checked = 0
        for a in 0..<20 {
            let row = (0..<Self.points.count).compactMap { full.seconds[a * Self.points.count + $0] }
            guard full.sourceSnap[a] <= 500, let best = row.min() else { XCTAssertNil(nearest.perArea.value[a]); continue }
            XCTAssertEqual(try XCTUnwrap(nearest.perArea.value[a]), best / 60, accuracy: 1e-9, "area \(a)")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 15)
        XCTAssertTrue(nearest.method.contains("travel time on foot") && nearest.method.contains("OSRM 26.10.0"), nearest.method)
        XCTAssertTrue(nearest.notes.contains { $0.contains("pairs asked") && $0.contains("moved to the network") }, "\(nearest.notes)")

        // Two nearest, by distance along the paths.
        var knn = AccessSpec(measure: .knn, cost: .network(NetworkCost(router: router, metric: .distance)))
        knn.k = 2
        let two = try AccessAnalysis.run(grid.frame, services: services, spec: knn)
        for a in 0..<20 where full.sourceSnap[a] <= 500 {
            let row = (0..<Self.points.count).compactMap { full.metres[a * Self.points.count + $0] }.sorted()
            XCTAssertEqual(try XCTUnwrap(two.perArea.value[a]), (row[0] + row[1]) / 2 / 1000, accuracy: 1e-9)
        }

        let within = try AccessAnalysis.run(grid.frame, services: services, spec: AccessSpec(measure: .within, radius: 10, cost: .network(cost)))
        for a in 0..<20 where full.sourceSnap[a] <= 500 {
            let count = (0..<Self.points.count).filter { (full.seconds[a * Self.points.count + $0] ?? .infinity) / 60 <= 10 }.count
            XCTAssertEqual(within.perArea.value[a], Double(count), "area \(a)")
        }
    }

    func testJourneyTimeIndicatorsEqualTheFullTable() throws {
        let router = try Self.walkRouter()
        let grid = try Grid()
        let services = try grid.services(Self.points)
        let full = try fullTable(grid, router: router)
        var settings = InequalitySettings()
        settings.draws = 1000
        let jts = try JourneyTimes.run(grid.frame, services: services, cost: NetworkCost(router: router), thresholds: [5, 10, 15], inequality: settings)
        XCTAssertEqual(jts.thresholds, [5, 10, 15])
        XCTAssertTrue(jts.method.contains("journey times on foot to pharmacies") && jts.method.contains("foot.lua"), jts.method)
        let m = Self.points.count
        var checked = 0
        for a in 0..<20 where full.sourceSnap[a] <= 500 {
            let minutes = (0..<m).compactMap { full.seconds[a * m + $0] }.map { $0 / 60 }
            XCTAssertEqual(try XCTUnwrap(jts.averageMinimum[a]), try XCTUnwrap(minutes.min()), accuracy: 1e-9)
            for (t, limit) in [5.0, 10, 15].enumerated() {
                let count = minutes.filter { $0 <= limit }.count
                XCTAssertEqual(jts.servicesWithin[t][a], Double(count))
                XCTAssertEqual(jts.percentWithin[t][a], count > 0 ? 100 : 0)
            }
            XCTAssertEqual(jts.originCount[a], 1)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 15)
        XCTAssertEqual(jts.percentInequality.count, 3)
        XCTAssertEqual(jts.layer().schema.names.suffix(3), ["pct_within_5", "pct_within_10", "pct_within_15"])
        XCTAssertThrowsError(try JourneyTimes.run(grid.frame, services: services, cost: NetworkCost(router: router), thresholds: [0]))
    }

    func testCatchmentsAreTheAreasWithinTheTimeAndTheirUnion() throws {
        let router = try Self.walkRouter()
        let grid = try Grid()
        let services = try grid.services(Self.points)
        let full = try fullTable(grid, router: router)
        let result = try ServiceCatchments.run(grid.frame, services: services, cost: NetworkCost(router: router), minutes: 6)
        let m = Self.points.count
        XCTAssertEqual(result.catchments.count, m)
        for (s, c) in result.catchments.enumerated() {
            let expected = (0..<20).filter { a in full.sourceSnap[a] <= 500 && (full.seconds[a * m + s] ?? .infinity) / 60 <= 6 }
            XCTAssertEqual(c.areaCodes, expected.map { String(format: "E0109%05d", $0) }, "service \(s)")
            XCTAssertEqual(c.population, expected.reduce(0) { $0 + 1000 + 50 * Double($1) }, accuracy: 1e-9)
            // The squares share edges: their union has exactly their total area.
            if let shape = c.shape {
                XCTAssertEqual(try GeometryEngine().area(shape), Double(expected.count) * 350 * 350, accuracy: 1)
            } else {
                XCTAssertTrue(expected.isEmpty)
            }
        }
        XCTAssertEqual(result.layer().features.count, result.catchments.filter { !$0.areaCodes.isEmpty }.count)
        XCTAssertEqual(result.pairRows().rows.count, result.catchments.reduce(0) { $0 + $1.areaCodes.count })
    }

    func testTheSnapCapNamesTheAreasBeyondIt() throws {
        let router = try Self.walkRouter()
        let grid = try Grid()
        let services = try grid.services(Self.points)
        let full = try fullTable(grid, router: router)
        let cap = 20.0
        let result = try AccessAnalysis.run(grid.frame, services: services, spec: AccessSpec(measure: .nearest, cost: .network(NetworkCost(router: router, snapCap: cap))))
        let far = (0..<20).filter { full.sourceSnap[$0] > cap }
        XCTAssertFalse(far.isEmpty, "some square centres are more than 20 m from a path")
        for a in far { XCTAssertNil(result.perArea.value[a]) }
        let note = try XCTUnwrap(result.diagnostics.first { $0.message.contains("more than 20 m from the network") })
        XCTAssertEqual(Set(note.codes), Set(far.map { String(format: "E0109%05d", $0) }))
        XCTAssertEqual(note.advice?.settings.contains(.snapCap), true)
        XCTAssertThrowsError(try AccessAnalysis.run(grid.frame, services: services, spec: AccessSpec(measure: .nearest, cost: .network(NetworkCost(router: router, snapCap: -1)))))
    }

    func testAnOriginOnAnIslandIsReportedNotInfinite() throws {
        // Two synthetic street grids 3 km apart with nothing between: islands of each other.
        let dir = try TemporaryDirectory()
        let path = dir.path("islands.osm")
        try SyntheticNetwork(grids: [.init(west: 24.90, south: 60.15, east: 24.93, north: 60.17, spacing: 300),
                                     .init(west: 24.99, south: 60.15, east: 25.02, north: 60.17, spacing: 300)]).write(to: path)
        let extract = try OSMExtract.read(path: path)
        XCTAssertEqual(extract.writingProgram, SyntheticNetwork.label)
        let engine = try TestEngines.osrm()
        let router = try NetworkRouter.start(try NetworkPreparation.prepare(extract, mode: .drive, engine: engine, cacheFolder: dir.path("cache")), engine: engine)
        defer { router.stop() }
        let west = [Coordinate(x: 24.905, y: 60.155), Coordinate(x: 24.925, y: 60.165)], east = [Coordinate(x: 25.00, y: 60.16)]
        let table = try router.table(sources: west + east, destinations: [Coordinate(x: 24.915, y: 60.160)])
        XCTAssertNotNil(table.seconds[0])
        XCTAssertNotNil(table.seconds[1])
        XCTAssertNil(table.seconds[2], "no route off the island")
        XCTAssertNil(table.metres[2])
    }
}
