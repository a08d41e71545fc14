import DeprivationMap
import Foundation
import TestSupport
import Testing

/// The network path through the command line. England has no network offline here, so these
/// runs route on a **synthetic** street grid over Southend-on-Sea that the tool itself writes
/// (`data synthetic-network`; labelled synthetic in every output, never a result), and on the
/// real Helsinki extract for the bad inputs.
@Suite("CLI on road and path networks", .serialized)
struct NetworkCLITests {
    let scratch = try! TemporaryDirectory("dm-network-cli")
    var env: [String: String] { ["DEPRIVATION_MAP_DATA": TestData.root.path, "DEPRIVATION_MAP_ENGINES": TestEngines.folder] }
    var mse: String { get throws { try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp") } }

    /// The synthetic Southend grid (300 m streets), written by the tool.
    func grid() throws -> String {
        let path = scratch.path("southend-grid.osm")
        if !FileManager.default.fileExists(atPath: path) {
            let run = try CLI.run(["data", "synthetic-network", "--bounds", "0.60,51.51,0.82,51.59", "--spacing", "300", "-o", path])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("not real roads"))
        }
        return path
    }

    /// Engine processes started from this test's cache folder (none may outlive a command).
    func enginesLeft() throws -> String {
        let run = try CLI.runTool("/usr/bin/pgrep", ["-af", scratch.url.path])
        return run.stdout.split(separator: "\n").filter { !$0.contains("pgrep") }.joined(separator: "\n")
    }

    @Test("food-van on a network: drive times and day lines along the roads, legs in road km, coverage along foot paths; said in every output; no engine left")
    func foodVan() throws {
        let out = scratch.path("van")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let run = try CLI.run(["food-van", "--areas", try mse, "--district", "Southend-on-Sea", "--depot", "SS2 6ER", "--network", try grid(),
                               "--network-cache", scratch.path("cache"), "-o", out + "/van.geojson"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("driving time along the roads: OSRM 26.10.0, car.lua profile, southend-grid.osm"))
        #expect(run.stdout.contains("SYNTHETIC street grid, not real roads"))
        #expect(run.stdout.contains("along foot paths (OSRM 26.10.0, foot.lua profile"))
        #expect(run.stderr.contains("OpenStreetMap contributors"), "the ODbL notice travels with the outputs")
        let summary = try String(contentsOfFile: out + "/van-summary.json", encoding: .utf8)
        #expect(summary.contains("car.lua") && summary.contains("SYNTHETIC"))

        // Day lines follow the grid: many vertices, and legs no shorter than the straight line.
        let geojson = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/van.geojson"))) as! [String: Any]
        let routes = (geojson["features"] as! [[String: Any]]).filter { ($0["properties"] as? [String: Any])?["feature_type"] as? String == "route" }
        #expect(!routes.isEmpty)
        for r in routes {
            let coordinates = ((r["geometry"] as! [String: Any])["coordinates"] as! [[Double]])
            #expect(coordinates.count > 10, "a day line along the roads, not a few straight segments (\(coordinates.count) points)")
        }
        let schedule = try ReportCLITests.csv(out + "/van.csv")
        let e = schedule[0].firstIndex(of: "easting")!, n = schedule[0].firstIndex(of: "northing")!, km = schedule[0].firstIndex(of: "drive_km")!
        for i in 2..<schedule.count {
            let a = (Double(schedule[i - 1][e])!, Double(schedule[i - 1][n])!), b = (Double(schedule[i][e])!, Double(schedule[i][n])!)
            let straight = hypot(a.0 - b.0, a.1 - b.1) / 1000
            let road = Double(schedule[i][km])!
            // On a square grid the road is between the straight line and the Manhattan distance (+ snapping).
            #expect(road >= straight - 0.3 && road <= straight * 1.5 + 0.6, "row \(i): \(road) km on the grid for \(straight) km straight")
        }
        let left = try enginesLeft()
        #expect(left.isEmpty, "engines left: \(left)")
        let cache = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path("cache"))) ?? []
        #expect(!cache.contains { $0.contains(".tmp-") })
    }

    @Test("report on a network: the page says which network, and Chromium shows the van's road lines with every number equal to its CSV")
    func report() throws {
        let folder = scratch.path("report")
        let run = try CLI.run(["report", "--areas", try mse, "--region", "Southend-on-Sea", "--depot", "SS2 6ER", "--network", try grid(),
                               "--network-cache", scratch.path("cache"), "-o", folder], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("nearest services: along the network, OSRM 26.10.0, foot.lua profile"))
        let page = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
        #expect(page.contains("Nearest services: along the network, OSRM 26.10.0, foot.lua profile, southend-grid.osm"))
        #expect(page.contains("SYNTHETIC street grid"))
        #expect(page.contains("Nearest GP practice, minutes"))
        let access = try ReportCLITests.csv(folder + "/access-by-decile.csv")
        #expect(access[0].contains("gp_nearest_minutes"))
        let (dom, console) = try ReportCLITests.render(folder + "/index.html")
        #expect(console.count == 1 && console[0].contains("deprivation-map report ready: 108 areas"), "console output other than the ready line: \(console)")
        #expect(dom.contains("data-ready=\"yes\""))
        #expect(try ReportCLITests.checkNumbers(dom: dom, folder: folder) > 20)
        let polyline = try NSRegularExpression(pattern: #"<polyline class="route"[^>]*points="([^"]*)""#)
        let lines = polyline.matches(in: dom, range: NSRange(dom.startIndex..., in: dom)).map { String(dom[Range($0.range(at: 1), in: dom)!]) }
        #expect(!lines.isEmpty)
        for l in lines { #expect(l.split(separator: " ").count > 10, "the van's route on the page follows the roads") }
        #expect(try enginesLeft().isEmpty)
    }

    @Test("access on a network: minutes on foot, snapping reported, and the router asked only about the region")
    func access() throws {
        let out = scratch.path("access")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let run = try CLI.run(["access", "--areas", try mse, "--district", "Southend-on-Sea", "--services", "gp=" + (try TestData.path(DataFolder.gpPractices)),
                               "--network", try grid(), "--mode", "walk", "--network-cache", scratch.path("cache"), "-o", out + "/gp.geojson"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("nearest_minutes: minutes"))
        #expect(run.stderr.contains("origins moved to the network by a median of"))
        let rows = try ReportCLITests.csv(out + "/gp.csv")
        let c = try #require(rows[0].firstIndex(of: "nearest_minutes"))
        let values = rows.dropFirst().compactMap { Double($0[c]) }
        #expect(values.count == 108, "every Southend area has a walking time")
        let snap = try #require(rows[0].firstIndex(of: "snap_m"), "each area's snapping distance is in the outputs")
        #expect(rows.dropFirst().allSatisfy { (Double($0[snap]) ?? -1) >= 0 && (Double($0[snap]) ?? 1e9) <= 500 })
        // Walking at 5 km/h: never faster than the straight line allows.
        #expect(values.allSatisfy { $0 > 0 && $0 < 120 })
    }

    @Test("journey-times from every postcode, averaged to the area (the IoD/AHAH method): deciles, SII and the per-area indicators")
    func journeyTimes() throws {
        let out = scratch.path("jts")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let run = try CLI.run(["journey-times", "--areas", try mse, "--district", "Southend-on-Sea", "--services", "pharmacy=" + (try TestData.path(DataFolder.pharmacies)),
                               "--network", try grid(), "--network-cache", scratch.path("cache"), "--origins", "postcodes", "--thresholds", "5,10,15",
                               "--draws", "1000", "-o", out + "/jts.geojson"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("journey times on foot to pharmacies from every postcode in the area"))
        #expect(run.stdout.contains("SII of the average minimum time"))
        let rows = try ReportCLITests.csv(out + "/jts.csv")
        #expect(rows[0].suffix(6) == ["services_within_5", "services_within_10", "services_within_15", "pct_within_5", "pct_within_10", "pct_within_15"])
        let origins = rows[0].firstIndex(of: "origins")!, p5 = rows[0].firstIndex(of: "pct_within_5")!, p15 = rows[0].firstIndex(of: "pct_within_15")!
        #expect(rows.count == 109)
        for r in rows.dropFirst() {
            #expect(Int(r[origins])! > 1, "an LSOA holds many postcodes")
            #expect(Double(r[p5])! <= Double(r[p15])!, "a share within 5 minutes cannot pass the share within 15")
        }
        let summary = try String(contentsOfFile: out + "/jts-summary.json", encoding: .utf8)
        #expect(summary.contains("\"within\"") && summary.contains("OpenStreetMap contributors"))
        let none = try CLI.run(["journey-times", "--areas", try mse, "--services", "pharmacy=x.csv", "-o", out + "/x.geojson"], environment: env)
        #expect(none.status != 0 && none.stderr.contains("journey times need a network"))
    }

    @Test("catchments of the van's stops: the areas within 10 walking minutes, their outline, and every pair in the CSV")
    func catchments() throws {
        let out = scratch.path("catchments")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let van = try CLI.run(["food-van", "--areas", try mse, "--district", "Southend-on-Sea", "--depot", "SS2 6ER", "--network", try grid(),
                               "--network-cache", scratch.path("cache"), "-o", out + "/van.geojson"], environment: env)
        #expect(van.status == 0, "\(van.stderr)")
        let run = try CLI.run(["catchments", "--areas", try mse, "--district", "Southend-on-Sea", "--services", "stop=" + out + "/van.csv",
                               "--network", try grid(), "--network-cache", scratch.path("cache"), "--minutes", "10", "-o", out + "/stops.geojson"], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("reaches the service within 10 minutes on foot"))
        let geojson = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/stops.geojson"))) as! [String: Any]
        let features = geojson["features"] as! [[String: Any]]
        #expect(!features.isEmpty)
        var fromGeoJSON = Set<String>()
        for f in features {
            let p = f["properties"] as! [String: Any]
            let type = (f["geometry"] as! [String: Any])["type"] as! String
            #expect(type == "Polygon" || type == "MultiPolygon")
            let codes = (p["area_codes"] as! String).split(separator: " ").map(String.init)
            #expect(codes.count == (p["areas"] as! Int))
            for c in codes { fromGeoJSON.insert("\(p["id"] as! String)|\(c)") }
        }
        let pairs = try ReportCLITests.csv(out + "/stops.csv")
        #expect(pairs[0] == ["service_id", "area_code", "minutes"])
        #expect(Set(pairs.dropFirst().map { "\($0[0])|\($0[1])" }) == fromGeoJSON)
        #expect(pairs.dropFirst().allSatisfy { Double($0[2])! <= 10 })
    }

    @Test("Bad input: a truncated extract, an unknown mode, a silent router (and the fallback when asked), a network that misses the region")
    func badInput() throws {
        let full = try Data(contentsOf: URL(fileURLWithPath: try TestEngines.helsinki()))
        let cut = scratch.path("cut.osm.pbf")
        try full.prefix(300_000).write(to: URL(fileURLWithPath: cut))
        let out = scratch.path("bad")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let base = ["access", "--areas", try mse, "--district", "Southend-on-Sea", "--services", "gp=" + (try TestData.path(DataFolder.gpPractices)),
                    "-o", out + "/gp.geojson"]
        let truncated = try CLI.run(base + ["--network", cut, "--network-cache", scratch.path("cache")], environment: env)
        #expect(truncated.status != 0)
        #expect(truncated.stderr.contains("cut.osm.pbf: the extract is cut short"), "\(truncated.stderr)")
        #expect(truncated.stderr.contains("--network"))

        let mode = try CLI.run(base + ["--network", cut, "--mode", "fly"], environment: env)
        #expect(mode.status != 0)
        #expect(mode.stderr.contains("fly"))

        let silent = try CLI.run(base + ["--router-url", "http://127.0.0.1:9"], environment: env)
        #expect(silent.status != 0)
        #expect(silent.stderr.contains("the router at http://127.0.0.1:9 does not answer"), "\(silent.stderr)")
        #expect(silent.stderr.contains("--router-url"))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: out)) == [], "nothing written after a failure")

        let fallback = try CLI.run(base + ["--router-url", "http://127.0.0.1:9", "--fallback-straight-lines"], environment: env)
        #expect(fallback.status == 0, "\(fallback.stderr)")
        #expect(fallback.stderr.contains("costs are straight lines, as --fallback-straight-lines allows"))
        #expect(fallback.stdout.contains("nearest_km"))

        let noEngine = try CLI.run(base + ["--network", try TestEngines.helsinki(), "--engines", "/nonexistent/engines"], environment: env)
        #expect(noEngine.status != 0)
        #expect(noEngine.stderr.contains("the OSRM routing engine was not found (looked in /nonexistent/engines, PATH)"), "\(noEngine.stderr)")
        #expect(noEngine.stderr.contains("scripts/engines"))
        let noEngineFallback = try CLI.run(base + ["--network", try TestEngines.helsinki(), "--engines", "/nonexistent/engines", "--fallback-straight-lines"], environment: env)
        #expect(noEngineFallback.status == 0, "\(noEngineFallback.stderr)")
        #expect(noEngineFallback.stderr.contains("costs are straight lines"))

        let elsewhere = try CLI.run(base + ["--network", try TestEngines.helsinki(), "--network-cache", scratch.path("cache")], environment: env)
        #expect(elsewhere.status != 0)
        #expect(elsewhere.stderr.contains("the network does not cover the region"), "\(elsewhere.stderr)")
        #expect(try enginesLeft().isEmpty)
    }

    @Test("Interrupted while the engine prepares the network: no engine process, no half-built cache and no output left")
    func interrupted() throws {
        // A denser grid (100 m streets) so that preparing it takes the engine a second or more.
        let dense = scratch.path("dense-grid.osm")
        let write = try CLI.run(["data", "synthetic-network", "--bounds", "0.60,51.51,0.82,51.59", "--spacing", "100", "-o", dense])
        #expect(write.status == 0, "\(write.stderr)")
        let folder = scratch.path("interrupted-report")
        let cache = scratch.path("cache-interrupted")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CLI.executable)
        process.arguments = ["report", "--areas", try mse, "--region", "Southend-on-Sea", "--network", dense, "--network-cache", cache, "-o", folder]
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        process.environment = e
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Interrupt as soon as the engine starts building the network in its temporary cache folder.
        var sawBuild = false
        for _ in 0..<3000 where process.isRunning {
            if ((try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []).contains(where: { $0.contains(".tmp-") }) { sawBuild = true; break }
            usleep(2_000)
        }
        process.interrupt()
        process.waitUntilExit()
        #expect(sawBuild, "the run ended before the engine started: the test proved nothing")
        #expect(process.terminationStatus == 130, "status \(process.terminationStatus)")
        Thread.sleep(forTimeInterval: 0.2)
        let engines = try enginesLeft()
        #expect(engines.isEmpty, "engines left: \(engines)")
        #expect(!FileManager.default.fileExists(atPath: folder))
        let left = (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []
        #expect(!left.contains { $0.contains(".tmp-") }, "half-built cache left: \(left)")
        let logs = (try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? []
        #expect(!logs.contains { $0.hasPrefix("deprivation-map-osrm") && $0.contains("-\(process.processIdentifier)-") })
    }
}
