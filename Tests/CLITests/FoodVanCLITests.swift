import DeprivationMap
import Foundation
import TestSupport
import Testing

@Suite("CLI food-van", .serialized)
struct FoodVanCLITests {
    let scratch = try! TemporaryDirectory()
    var env: [String: String] { ["DEPRIVATION_MAP_DATA": TestData.root.path] }

    /// Southend-on-Sea, Thurrock and Basildon on the MSE LSOA 2021 extract (EPSG:27700); IMD 2025,
    /// Census 2021 population, centroids and Geolytix stores come from the data folder.
    func region() throws -> [String] {
        ["--areas", try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp"),
         "--district", "Southend-on-Sea", "--district", "Thurrock", "--district", "Basildon"]
    }

    func rows(_ path: String) throws -> [[String: String]] {
        let table = try CSVTable(path: path)
        var result: [[String: String]] = []
        try table.forEachRow { row in
            var d: [String: String] = [:]
            for (k, name) in table.header.enumerated() { d[name] = row.string(k) }
            result.append(d)
        }
        return result
    }

    func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test("A plan for Southend, Thurrock and Basildon: targets checked against an independent nearest-store scan, stops, day routes from the depot, schedule and summary agree; ogrinfo reads the map")
    func plan() throws {
        let out = scratch.path("plan.geojson")
        let run = try CLI.run(["food-van"] + (try region()) + ["--depot", "SS2 6ER", "--stops", "8", "--days", "4", "-o", out], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Food-van plan for districts Southend-on-Sea, Thurrock, Basildon"))
        #expect(run.stderr.contains("Retail Points by GEOLYTIX"))
        let summary = try json(scratch.path("plan-summary.json"))
        let targetAreas = try #require(summary["target_areas"] as? Int)
        let covered = try #require(summary["covered_population"] as? Double)
        let target = try #require(summary["target_population"] as? Double)
        #expect(covered > 0 && covered <= target)

        // Who is targeted, and why: recompute the nearest Mid-size-or-larger store independently.
        let areas = try rows(scratch.path("plan-areas.csv"))
        #expect(areas.filter { $0["target"] == "true" }.count == targetAreas)
        let storeTable = try CSVTable(path: try TestData.path("services/retail/geolytix_retail_points_v24_202206.csv"))
        let lon = try storeTable.requireColumn(["long_wgs"], purpose: "lon"), lat = try storeTable.requireColumn(["lat_wgs"], purpose: "lat")
        let size = try storeTable.requireColumn(["size_code"], purpose: "size")
        var lonLat: [Coordinate] = []
        try storeTable.forEachRow { row in
            if row.string(size) != "Small convenience", let x = row.double(lon), let y = row.double(lat) { lonLat.append(Coordinate(x: x, y: y)) }
        }
        let stores = try transformPoints(lonLat, from: .wgs84, to: .britishNationalGrid)
        let centroids = try readCentroids(path: try TestData.path("centroids/lsoa21_ew_centres_drkane.csv"), crs: .britishNationalGrid)
        for a in areas {
            let c = try #require(centroids[a["code"]!])
            let nearest = stores.map { (($0.x - c.x) * ($0.x - c.x) + ($0.y - c.y) * ($0.y - c.y)).squareRoot() }.min()! / 1000
            let reported = try #require(Double(a["nearest_store_km"]!))
            #expect(abs(nearest - reported) < 0.0005, "\(a["code"]!): \(reported) km, scan \(nearest)")
            #expect((a["target"] == "true") == (nearest > 1.0), "\(a["code"]!)")
            #expect(["1", "2"].contains(a["imd_decile"]!))
        }
        let coveredRows = areas.filter { $0["covered"] == "true" }
        #expect(abs(coveredRows.reduce(0) { $0 + Double($1["population"]!)! } - covered) < 0.5)

        // The map: areas, 4 routes, 8 stops, the depot.
        let map = try json(out)
        let features = try #require(map["features"] as? [[String: Any]])
        func kind(_ f: [String: Any]) -> String { ((f["properties"] as? [String: Any])?["feature_type"] as? String) ?? "" }
        let stops = features.filter { kind($0) == "stop" }, routes = features.filter { kind($0) == "route" }
        #expect(stops.count == 8)
        #expect(routes.count == 4)
        #expect(features.filter { kind($0) == "depot" }.count == 1)
        #expect(features.filter { kind($0) == "area" }.count == targetAreas)
        let depot = try #require((features.first { kind($0) == "depot" }?["geometry"] as? [String: Any])?["coordinates"] as? [Double])
        for r in routes {
            let line = try #require((r["geometry"] as? [String: Any])?["coordinates"] as? [[Double]])
            #expect(line.first == depot && line.last == depot, "every day starts and ends at the depot")
        }
        let stopPopulation = stops.reduce(0.0) { $0 + ((($1["properties"] as? [String: Any])?["population_covered"] as? Double) ?? 0) }
        #expect(abs(stopPopulation - covered) < 0.5)

        // The schedule: each day leaves and returns to the depot within the day; times increase.
        let schedule = try rows(scratch.path("plan.csv"))
        #expect(schedule.filter { $0["event"] == "stop" }.count == 8)
        for day in 1...4 {
            let events = schedule.filter { $0["day"] == "\(day)" }
            #expect(events.first?["event"] == "leave depot" && events.last?["event"] == "return to depot")
            let times = events.compactMap { $0["arrive"]!.isEmpty ? $0["depart"] : $0["arrive"] }
            #expect(times == times.sorted(), "day \(day) times \(times)")
            #expect(times.last! <= "16:00", "a 420-minute day from 09:00 ends by 16:00")
        }

        // GDAL reads the same number of features.
        let info = try CLI.runTool("/usr/bin/ogrinfo", ["-so", "-al", out])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.contains("Feature Count: \(features.count)"), "\(info.stdout)")

        // Same seed, same plan.
        let again = scratch.path("again.geojson")
        let second = try CLI.run(["food-van"] + (try region()) + ["--depot", "SS2 6ER", "--stops", "8", "--days", "4", "-o", again], environment: env)
        #expect(second.status == 0)
        #expect(try String(contentsOfFile: scratch.path("again.csv"), encoding: .utf8) == (try String(contentsOfFile: scratch.path("plan.csv"), encoding: .utf8)))
    }

    @Test("Driving times from a matrix equal to the straight-line model give the same schedule")
    func travelMatrix() throws {
        let out = scratch.path("straight.geojson")
        let first = try CLI.run(["food-van"] + (try region()) + ["--depot", "587937,186364", "--stops", "6", "-o", out], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let summary = try json(scratch.path("straight-summary.json"))
        let stops = try #require(summary["stops"] as? [[String: Any]])
        var points: [(String, Double, Double)] = [("depot", 587_937, 186_364)]
        for s in stops { points.append((s["id"] as! String, s["easting"] as! Double, s["northing"] as! Double)) }
        var text = "from,to,minutes\n"
        for a in points { for b in points where a.0 != b.0 {
            let d = ((a.1 - b.1) * (a.1 - b.1) + (a.2 - b.2) * (a.2 - b.2)).squareRoot()
            text += "\(a.0),\(b.0),\(d * 1.3 / 1000 / 25 * 60)\n"
        } }
        try text.write(toFile: scratch.path("times.csv"), atomically: true, encoding: .utf8)
        let second = try CLI.run(["food-van"] + (try region()) + ["--depot", "587937,186364", "--stops", "6", "--travel-matrix", scratch.path("times.csv"),
                                                                 "-o", scratch.path("matrix.geojson")], environment: env)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try String(contentsOfFile: scratch.path("matrix.csv"), encoding: .utf8) == (try String(contentsOfFile: scratch.path("straight.csv"), encoding: .utf8)))
        // A matrix missing a pair is refused, naming it.
        try "from,to,minutes\ndepot,\(points[1].0),5\n".write(toFile: scratch.path("incomplete-times.csv"), atomically: true, encoding: .utf8)
        let third = try CLI.run(["food-van"] + (try region()) + ["--depot", "587937,186364", "--stops", "6", "--travel-matrix", scratch.path("incomplete-times.csv"),
                                                                "-o", scratch.path("short.geojson")], environment: env)
        #expect(third.status != 0)
        #expect(third.stderr.contains("no time for"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("short.geojson")))
    }

    @Test("Low food provision from an area-to-store time matrix equal to straight-line kilometres picks the same targets")
    func foodMatrix() throws {
        let stores = try TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv")
        let first = try CLI.run(["food-van"] + (try region()) + ["--food-stores", stores, "--depot", "SS2 6ER", "--stops", "4", "-o", scratch.path("line.geojson")],
                                environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let straight = try rows(scratch.path("line-areas.csv"))
        // Minutes = straight-line kilometres from each area's centroid to every MSE store.
        let table = try CSVTable(path: stores)
        var ids: [String] = [], lonLat: [Coordinate] = [], sizes: [String] = []
        try table.forEachRow { row in
            ids.append(row.string(0)); lonLat.append(Coordinate(x: row.double(2)!, y: row.double(3)!)); sizes.append(row.string(5))
        }
        let points = try transformPoints(lonLat, from: .wgs84, to: .britishNationalGrid)
        let centroids = try readCentroids(path: try TestData.path("centroids/lsoa21_ew_centres_drkane.csv"), crs: .britishNationalGrid)
        var text = "origin,destination,minutes\n"
        for a in straight {
            let c = centroids[a["code"]!]!
            for (k, p) in points.enumerated() where sizes[k] != "Small convenience" {
                text += "\(a["code"]!),\(ids[k]),\(((p.x - c.x) * (p.x - c.x) + (p.y - c.y) * (p.y - c.y)).squareRoot() / 1000)\n"
            }
        }
        try text.write(toFile: scratch.path("store-times.csv"), atomically: true, encoding: .utf8)
        let second = try CLI.run(["food-van"] + (try region()) + ["--food-stores", stores, "--food-matrix", scratch.path("store-times.csv"), "--food-threshold", "1",
                                                                 "--depot", "SS2 6ER", "--stops", "4", "-o", scratch.path("matrix.geojson")], environment: env)
        #expect(second.status == 0, "\(second.stderr)")
        let timed = try rows(scratch.path("matrix-areas.csv"))
        #expect(timed.count == straight.count)
        for (a, b) in zip(straight, timed) {
            #expect(a["code"] == b["code"])
            #expect(a["target"] == b["target"], "\(a["code"]!)")
            // Kilometres are written to 3 decimals, minutes to 1.
            #expect(abs(Double(a["nearest_store_km"]!)! - Double(b["nearest_store_minutes"]!)!) <= 0.0505)
        }
        #expect(second.stdout.contains("farther than 1 minute (store-times.csv)"))
    }

    /// Runs a plan expected to fail and checks the message and that nothing was written.
    func refused(_ extra: [String], name: String, says: [String]) throws {
        let out = scratch.path("\(name).geojson")
        let run = try CLI.run(["food-van"] + (try region()) + extra + ["-o", out], environment: env)
        #expect(run.status != 0, "\(name) should fail")
        for s in says { #expect(run.stderr.contains(s), "\(name): \(run.stderr)") }
        let written = scratch.contents().filter { $0.hasPrefix(name) }
        #expect(written.isEmpty, "\(name) left \(written)")
    }

    @Test("An unknown depot postcode is refused, with postcodes of its sector")
    func unknownPostcode() throws {
        try refused(["--depot", "SS2 6ZZ", "--stops", "3"], name: "unknown", says: ["SS2 6ZZ", "same sector include SS2 6"])
    }

    @Test("A depot outside the region is refused, with its distance")
    func depotOutside() throws {
        try refused(["--depot", "SW1A 1AA", "--stops", "3"], name: "outside", says: ["km outside the region", "--allow-depot-outside"])
    }

    @Test("More stops than candidates is refused")
    func tooManyStops() throws {
        try refused(["--depot", "SS2 6ER", "--stops", "40"], name: "toomany", says: ["40 stops are more than the 28 candidate stops", "Ask for at most 28 --stops"])
    }

    @Test("A walking radius that reaches no target area from any site is refused")
    func radiusCoversNobody() throws {
        try "name,easting,northing\nCivic Centre car park,587937,186364\n".write(toFile: scratch.path("civic.csv"), atomically: true, encoding: .utf8)
        try refused(["--depot", "SS2 6ER", "--stops", "1", "--sites", scratch.path("civic.csv"), "--walk-radius", "100"],
                    name: "nobody", says: ["reaches no target area", "Raise --walk-radius"])
    }

    @Test("A day too short for a single stop is refused; no empty plan is written")
    func dayTooShort() throws {
        try refused(["--depot", "SS2 6ER", "--stops", "3", "--day-minutes", "45", "--stop-minutes", "60"],
                    name: "short", says: ["too short for a single stop", "--day-minutes"])
    }

    @Test("Sites outside the region are reported by name and left out; the rest are planned")
    func sitesOutside() throws {
        let sites = """
            name,easting,northing
            Civic Centre car park,587937,186364
            Basildon Town Square,570600,189000
            Grays community hub,561700,178000
            Trafalgar Square,530043,180358
            """
        try sites.write(toFile: scratch.path("candidate-sites.csv"), atomically: true, encoding: .utf8)
        let out = scratch.path("plan.geojson")
        let run = try CLI.run(["food-van"] + (try region()) + ["--depot", "SS2 6ER", "--stops", "2", "--walk-radius", "2500", "--sites", scratch.path("candidate-sites.csv"), "-o", out],
                              environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("1 of 4 sites lie outside the region"), "\(run.stderr)")
        #expect(run.stderr.contains("Trafalgar Square"))
        let plan = try rows(MapOutput.sibling(of: out, extension: "csv"))
        let names = plan.filter { $0["event"] == "stop" }.map { $0["name"]! }
        #expect(names.count == 2)
        #expect(!names.contains("Trafalgar Square"))
    }

    @Test("Sites by postcode: an unknown or garbled postcode is named with its line and the site left out; the rest are planned at their postcodes")
    func sitesUnknownPostcodes() throws {
        let sites = """
            name,postcode
            Civic Centre,SS2 6ER
            Nowhere House,ZZ9 9ZZ
            Typo Court,SS99 ZZZ
            Southchurch Hall,SS1 2TE
            """
        try sites.write(toFile: scratch.path("postcode-sites.csv"), atomically: true, encoding: .utf8)
        let out = scratch.path("postcode-plan.geojson")
        let run = try CLI.run(["food-van"] + (try region()) + ["--depot", "SS2 6ER", "--stops", "2", "--walk-radius", "2500", "--sites", scratch.path("postcode-sites.csv"), "-o", out],
                              environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("line 3") && run.stderr.contains("ZZ9 9ZZ") && run.stderr.contains("not in Code-Point Open"), "\(run.stderr)")
        #expect(run.stderr.contains("line 4") && run.stderr.contains("SS99 ZZZ"), "\(run.stderr)")
        let plan = try rows(MapOutput.sibling(of: out, extension: "csv"))
        let names = plan.filter { $0["event"] == "stop" }.map { $0["name"]! }
        #expect(!names.isEmpty && Set(names).isSubset(of: ["Civic Centre", "Southchurch Hall"]), "\(names)")
    }
}
