import DeprivationMap
import Foundation
import TestSupport
import Testing

@Suite("Point joins, services and wards on Mid and South Essex")
struct JoinAndServiceTests {
    let scratch = try! TemporaryDirectory()

    func mseAreas() throws -> Areas { try Areas.load(path: TestData.packagePath("GeoData/lsoa11_bsc_mse_bng.shp")) }

    @Test("Multi-threaded join gives the same result as single-threaded; spatial order is a permutation")
    func determinism() throws {
        let postcodes = try CodePointOpen.read(path: try TestData.path("postcodes/codepoint_open_2025-04_mse.csv"))
        #expect(postcodes.rowCount == 28_320)
        let areas = try mseAreas()
        let one = try PointJoin.join(points: postcodes.coordinates, polygons: areas.geometries, options: PointJoinOptions(nearestWithin: 500, threads: 1))
        let two = try PointJoin.join(points: postcodes.coordinates, polygons: areas.geometries, options: PointJoinOptions(nearestWithin: 500, threads: 2))
        let four = try PointJoin.join(points: postcodes.coordinates, polygons: areas.geometries, options: PointJoinOptions(nearestWithin: 500, threads: 4))
        #expect(one.area == two.area && two.area == four.area)
        #expect(one.match == four.match)
        #expect(one.nearestDistance == four.nearestDistance)
        #expect(Set(PointJoin.spatialOrder(postcodes.coordinates)) == Set(postcodes.coordinates.indices))
        #expect(one.insideCount > 27_000)
    }

    @Test("Agreement of the MSE join with the ONS postcode lookup extract")
    func mseAgreement() throws {
        let postcodes = try CodePointOpen.read(path: try TestData.path("postcodes/codepoint_open_2025-04_mse.csv"))
        let areas = try mseAreas()
        let result = try PointJoin.join(points: postcodes.coordinates, polygons: areas.geometries)
        let lookup = try CSVTable(path: try TestData.path("postcodes/pcd_oa11_lsoa11_lad_may22_mse.csv"))
        var official: [String: String] = [:]
        let pcds = try lookup.requireColumn(["pcds"], purpose: "pcds"), lsoa = try lookup.requireColumn(["lsoa11cd"], purpose: "lsoa11cd")
        try lookup.forEachRow { official[$0.trimmed(pcds)] = $0.trimmed(lsoa) }
        var agree = 0, compared = 0
        for (i, a) in result.area.enumerated() where a >= 0 {
            guard let code = official[postcodes.postcodes[i]] else { continue }
            compared += 1
            if areas.codes[Int(a)] == code { agree += 1 }
        }
        #expect(compared > 25_000)
        #expect(Double(agree) / Double(compared) > 0.85, "\(agree) of \(compared)")
    }

    @Test("Nearest-polygon fallback only within the maximum distance; boundary points are reported in both polygons")
    func nearestAndBoundary() throws {
        func square(_ x0: Double) -> Geometry {
            .polygon(Polygon(exterior: LinearRing([Coordinate(x: x0, y: 0), Coordinate(x: x0 + 10, y: 0), Coordinate(x: x0 + 10, y: 10), Coordinate(x: x0, y: 10), Coordinate(x: x0, y: 0)])))
        }
        let polygons: [Geometry?] = [square(0), square(10)]
        let points = [Coordinate(x: 5, y: 5), Coordinate(x: 10, y: 5), Coordinate(x: 23, y: 5), Coordinate(x: 40, y: 5)]
        let r = try PointJoin.join(points: points, polygons: polygons, options: PointJoinOptions(nearestWithin: 5))
        #expect(r.area == [0, 0, 1, -1])
        #expect(r.match == [.inside, .inside, .nearest, .none])
        #expect(r.multiple.count == 1 && r.multiple[0].point == 1 && r.multiple[0].areas == [0, 1])
        #expect(r.nearestDistance[2] == 3)
        let interior = try PointJoin.join(points: points, polygons: polygons, options: PointJoinOptions(includeBoundary: false))
        #expect(interior.area == [0, -1, -1, -1])
    }

    @Test("Invalid polygons are repaired before the join and reported by code")
    func repairedPolygons() throws {
        // A bow-tie: GEOS reports a self-intersection; make-valid gives two triangles.
        let bowTie = Geometry.polygon(Polygon(exterior: LinearRing([Coordinate(x: 0, y: 0), Coordinate(x: 10, y: 10), Coordinate(x: 10, y: 0), Coordinate(x: 0, y: 10), Coordinate(x: 0, y: 0)])))
        let r = try PointJoin.join(points: [Coordinate(x: 2, y: 5), Coordinate(x: 8, y: 5)], polygons: [bowTie], labels: ["E01999999"])
        #expect(r.repaired.count == 1 && r.repaired[0].label == "E01999999")
        #expect(r.area == [0, 0])
    }

    @Test("Services: epraccur keeps active GP practices, reports postcodes it cannot locate with their lines")
    func services() throws {
        let postcodes = try CodePointOpen.read(path: try TestData.path("postcodes/codepo_gb_2025-04.zip"))
        let index = (postcodes, postcodes.makeIndex())
        let gp = try ServiceReader.read(path: try TestData.path("services/gp/epraccur_2025-05.csv"), kind: .gp, postcodes: index)
        #expect(gp.crs == .britishNationalGrid)
        #expect(gp.points.count + gp.skipped.count == 6_651)
        #expect(gp.skipped.allSatisfy { $0.line > 0 && $0.reason.contains("postcode") })
        #expect(gp.filtered.values.reduce(0, +) == 16_534 - 6_651)
        // A CSV with missing and unparseable postcodes: every bad row reported by line.
        let path = scratch.path("sites.csv")
        try "name,postcode\nGood,SS1 1AA\nMissing,\nGarbled,NOT A PC\nUnknown,ZZ9 9ZZ\n".write(toFile: path, atomically: true, encoding: .utf8)
        let sites = try ServiceReader.read(path: path, postcodes: index)
        #expect(sites.points.count == 1)
        #expect(sites.skipped.map(\.line) == [3, 4, 5])
        #expect(sites.skipped[0].reason.contains("no postcode"))
        #expect(sites.skipped[1].reason.contains("not a postcode"))
        #expect(sites.skipped[2].reason.contains("not in Code-Point Open"))
        #expect(throws: ServiceError.needsPostcodes(path: path)) { try ServiceReader.read(path: path) }
    }

    @Test("Ward aggregation: best fit agrees with the ONS LSOA 2021 → ward lookup; overlap conserves population")
    func wards() throws {
        let lsoas = try Areas.load(path: try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp"))
        let wards = try Areas.load(path: try TestData.path("boundaries/mse/wards_2025_bgc_mse_bng.shp"))
        let imd = try DeprivationTable.read(paths: [try TestData.path("imd/imd2025_england_lsoa21.csv")])
        let population = try AreaValues.read(path: try TestData.path("population/census2021_usual_residents_lsoa21_age6.csv"))
        let geography = try AreaGeography.read(paths: [try TestData.path("lookups/lsoa21_ward24_ltla24.csv.gz")])
        let centroids = try readCentroids(path: try TestData.path("centroids/lsoa21_ew_centres_drkane.csv"), crs: lsoas.crs)
        let pops = lsoas.codes.map { population.values[$0] }
        let result = try WardAggregation.aggregate(lsoas: lsoas, population: pops, records: lsoas.codes.map { imd[$0] },
                                                   centroids: centroids, wards: wards, geography: geography)
        #expect(result.measure == "IMD score")
        #expect(result.bestFitPoints == "population-weighted centroids")
        let (agree, compared) = try #require(result.lookupAgreement)
        #expect(compared == 720)
        #expect(Double(agree) / Double(compared) > 0.9)
        let total = pops.reduce(0) { $0 + ($1 ?? 0) }
        #expect(isClose(result.wards.reduce(0) { $0 + $1.populationBestFit }, total, within: 0.5))
        #expect(isClose(result.wards.reduce(0) { $0 + $1.populationOverlap }, total, relative: 0.001))
        // Ward score = population-weighted mean of its best-fit LSOAs' scores, checked for one ward by hand.
        let w = result.wards[0]
        let members = lsoas.codes.indices.filter { result.bestFit[$0] == 0 }
        let expected = members.reduce(0.0) { $0 + pops[$1]! * imd[lsoas.codes[$1]]!.index.score! } / members.reduce(0.0) { $0 + pops[$1]! }
        #expect(isClose(w.measureBestFit!, expected, relative: 1e-12))
        #expect(Set(result.wards.compactMap(\.rank)).count == result.wards.filter { $0.lsoaCount > 0 }.count)
    }
}
