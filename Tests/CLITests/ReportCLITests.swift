import DeprivationMap
import Foundation
import TestSupport
import Testing

/// `deprivation-map report`: the page in a real headless browser, the numbers against the CSVs
/// beside it, a second ICS, and each bad input.
@Suite("CLI report", .serialized)
struct ReportCLITests {
    let scratch = try! TemporaryDirectory()
    var env: [String: String] { ["DEPRIVATION_MAP_DATA": TestData.root.path] }

    /// Chromium from Debian (scripts/test installs it).
    static func chromium() throws -> String {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] where FileManager.default.isExecutableFile(atPath: path) {
            return path
        }
        throw TestData.Missing(path: "/usr/bin/chromium (apt-get install chromium; scripts/test installs it)")
    }

    /// Renders `index` headless; returns the DOM after the scripts ran and the console lines.
    static func render(_ index: String) throws -> (dom: String, console: [String]) {
        let run = try CLI.runTool(try chromium(), ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                                                   "--enable-logging=stderr", "--v=0", "--dump-dom", URL(fileURLWithPath: index).absoluteString])
        #expect(run.status == 0, "chromium failed: \(run.stderr.suffix(2000))")
        let console = run.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
        return (run.stdout, console)
    }

    /// `true` when the page would load something from the network: a remote script, image, style
    /// sheet or CSS url (a link inside inlined script text is not a load).
    static func loadsFromNetwork(_ html: String) -> Bool {
        html.range(of: #"(src="https?:|<link[^>]*href="https?:|url\(["']?https?:)"#, options: .regularExpression) != nil
    }

    /// The rows of a CSV file as arrays of cells (header first).
    static func csv(_ path: String) throws -> [[String]] {
        let table = try CSVTable(path: path)
        var rows = [table.header]
        try table.forEachRow { row in rows.append((0..<table.header.count).map { row.string($0) }) }
        return rows
    }

    /// Every `data-src="file|row|column"` number of the page against the CSV cell it names,
    /// rounded as shown. Returns how many were checked.
    static func checkNumbers(dom: String, folder: String) throws -> Int {
        let pattern = try NSRegularExpression(pattern: #"data-src="([^"|]+)\|(\d+)\|([^"]+)">([^<]*)<"#)
        var tables: [String: [[String]]] = [:]
        var checked = 0
        for m in pattern.matches(in: dom, range: NSRange(dom.startIndex..., in: dom)) {
            func group(_ k: Int) -> String { String(dom[Range(m.range(at: k), in: dom)!]) }
            let file = group(1), row = Int(group(2))!, column = group(3)
            let shown = group(4).replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "−", with: "-")
            if tables[file] == nil { tables[file] = try csv(folder + "/" + file) }
            let table = tables[file]!
            let c = try #require(table[0].firstIndex(of: column), "\(file) has no column \(column)")
            let cell = table[row + 1][c]
            let value = try #require(Double(cell), "\(file) row \(row) \(column): '\(cell)' is not a number")
            let decimals = shown.split(separator: ".").dropFirst().first?.count ?? 0
            var expected = String(format: "%.\(decimals)f", value)
            if Double(expected) == 0 { expected = expected.replacingOccurrences(of: "-", with: "") }
            #expect(shown == expected, "\(file) row \(row) \(column): page shows \(shown), CSV has \(cell)")
            checked += 1
        }
        return checked
    }

    /// LSOA 2021 codes of an ICB, read from the ONS lookup by this test.
    static func icbCodes(_ icb: String) throws -> Set<String> {
        let table = try CSVTable(path: try TestData.path("lookups/lsoa21_sicbl24_icb24.csv.gz"))
        let lsoa = try table.requireColumn(["lsoa21_code"], purpose: "LSOA"), nhs = try table.requireColumn(["icb24_code_nhs"], purpose: "ICB")
        var codes = Set<String>()
        try table.forEachRow { row in if row.string(nhs) == icb { codes.insert(row.string(lsoa)) } }
        return codes
    }

    /// The README's first command for Mid and South Essex: nothing but the region given.
    @Test("Mid and South Essex with defaults only: Chromium renders the page without console errors, one shape per area, and every number shown equals the CSV beside it")
    func midAndSouthEssex() throws {
        let folder = scratch.path("mse")
        let run = try CLI.run(["report", "--region", "Mid and South Essex", "-o", folder], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("index.html"))
        let expectedCodes = try Self.icbCodes("QH8")
        #expect(expectedCodes.count == 720)

        let (dom, console) = try Self.render(folder + "/index.html")
        #expect(console.count == 1, "console output other than the ready line: \(console)")
        #expect(console.first?.contains("deprivation-map report ready: 720 areas") == true, "\(console)")
        #expect(dom.contains("data-ready=\"yes\""))
        let codes = try NSRegularExpression(pattern: #"<path class="area"[^>]* data-code="([^"]+)""#)
            .matches(in: dom, range: NSRange(dom.startIndex..., in: dom)).map { String(dom[Range($0.range(at: 1), in: dom)!]) }
        #expect(codes.count == 720)
        #expect(Set(codes) == expectedCodes)

        // The areas layer holds the same areas.
        let areas = try Self.csv(folder + "/areas.csv")
        #expect(Set(areas.dropFirst().map { $0[0] }) == expectedCodes)

        // Numbers: every marked one against its CSV; and the key ones must be there.
        let checked = try Self.checkNumbers(dom: dom, folder: folder)
        #expect(checked > 150, "only \(checked) numbers were marked")
        for needle in ["core20.csv|0|population", "access-by-decile.csv|0|gp_nearest_km", "inverse-care-law-statistics.csv|0|value",
                       "food-van-figures.csv|", "food-van-schedule.csv|"] {
            #expect(dom.contains("data-src=\"\(needle)"), "the page shows no \(needle)")
        }
        // Core20 = deciles 1-2, counted independently from areas.csv.
        let decile = areas[0].firstIndex(of: "imd_decile")!
        let core20 = areas.dropFirst().filter { ["1", "2"].contains($0[decile]) }.count
        let core = try Self.csv(folder + "/core20.csv")
        #expect(core[1][0] == "core20" && core[1][1] == String(core20))

        // The verdict shown is the one in the JSON; the map layers are toggles.
        let gap = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/inverse-care-law.json"))) as? [String: Any])
        let verdict = try #require(gap["verdict"] as? String)
        #expect(dom.contains(verdict.replacingOccurrences(of: "&", with: "&amp;")))
        for layer in ["layer-gp", "layer-pharmacy", "layer-supermarket", "layer-foodvan"] {
            #expect(dom.contains("data-layer=\"\(layer)\"") && dom.contains("id=\"\(layer)\""), "no toggle for \(layer)")
        }
        // Self-contained: nothing fetched from the network (no remote script, style sheet or image;
        // Leaflet's own source, inlined, holds a link to its home page, which is never followed).
        #expect(!Self.loadsFromNetwork(dom))
        // Sources and attribution travel with the page.
        #expect(dom.contains("Retail Points by GEOLYTIX") && dom.contains("Open Government Licence"))
        // ogrinfo reads the layers.
        for layer in ["areas.geojson", "services.geojson", "food-van.geojson"] {
            let info = try CLI.runTool("/usr/bin/ogrinfo", ["-so", "-al", folder + "/" + layer])
            #expect(info.status == 0, "\(layer): \(info.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + ".tmp"), "temporary folder left behind")
        #expect(scratch.contents() == ["mse"])
    }

    @Test("The interactive map in Chromium, driven as a user would: every layer toggles, an area's panel equals its CSV row and a ward's its wards.csv row, + zooms in, a postcode search moves the map there; no console error")
    func interactiveMap() throws {
        let folder = scratch.path("southend-explore")
        let run = try CLI.run(["report"] + (try quickAreas) + ["--region", "Southend-on-Sea", "--depot", "SS2 6ER", "-o", folder], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let page = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
        #expect(page.contains("<h2 id=\"explore-map\">") && page.contains("Leaflet 1."))
        // No network: Leaflet is inlined, nothing is loaded from elsewhere (a link inside its script is not a load).
        #expect(!Self.loadsFromNetwork(page))
        // Where SS2 6ER is, from the Code-Point rows and GDAL (independent of the page).
        let row = try #require(try String(contentsOfFile: try TestData.path("postcodes/codepoint_open_2025-04_mse.csv"), encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("SS2 6ER,") })
        let en = row.split(separator: ",")
        let gdal = try CLI.runTool("/bin/sh", ["-c", "echo \(en[2]) \(en[3]) | gdaltransform -s_srs EPSG:27700 -t_srs EPSG:4326 -output_xy"])
        let lonLat = gdal.stdout.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(lonLat.count == 2, "gdaltransform: \(gdal.stderr)")

        let area = "E01015886"
        let drive = try CLI.runTool(try TestPython.withICalendar(), [TestData.packagePath("Tests/Fixtures/explore_page.py"), try Self.chromium(),
                                                                     folder + "/index.html", area, "ss2 6er"])
        #expect(drive.status == 0, "\(drive.stderr)")
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(drive.stdout.utf8)) as? [String: Any])
        #expect(seen["ready_seconds"] is Double, "the map never said it was ready")
        #expect((seen["errors"] as? [String]) == [], "console errors: \(seen["errors"] ?? "")")
        let overlays = try #require(seen["overlays"] as? [String: [Bool]])
        #expect(Set(overlays.keys) == ["GP practices", "Pharmacies", "Supermarkets", "Food-van route", "Food-van stops", "Districts", "Wards"])
        for (name, states) in overlays { #expect(states.count == 2 && states[0] != states[1], "\(name) did not toggle") }
        // The panel shows the area's row of areas.csv.
        #expect(seen["panel_code"] as? String == area)
        let panel = try #require(seen["panel"] as? [String: String])
        let areas = try Self.csv(folder + "/areas.csv")
        let h = areas[0], r = try #require(areas.first { $0[0] == area })
        #expect(panel["IMD decile"] == r[h.firstIndex(of: "imd_decile")!])
        #expect(panel["People"]?.replacingOccurrences(of: ",", with: "") == String(Int(Double(r[h.firstIndex(of: "population")!])!.rounded())))
        for (label, column) in [("Nearest GP practice", "gp_nearest_km"), ("Nearest pharmacy", "pharmacy_nearest_km"), ("Nearest supermarket", "supermarket_nearest_km")] {
            #expect(panel[label] == String(format: "%.2f km", Double(r[h.firstIndex(of: column)!])!), "\(label): \(panel[label] ?? "-")")
        }
        #expect(panel["District"] == "Southend-on-Sea")
        // With the Wards layer on, a click in the area's ward shows that ward's row of wards.csv.
        let wards = try Self.csv(folder + "/wards.csv")
        let wh = wards[0], wr = try #require(wards.first { $0.count > 2 && panel["Ward"] == $0[2] }, "ward \(panel["Ward"] ?? "-") not in wards.csv")
        func ward(_ column: String) -> String { wr[wh.firstIndex(of: column)!] }
        #expect(seen["ward_panel_code"] as? String == "ward:" + ward("ward_code"))
        let wardPanel = try #require(seen["ward_panel"] as? [String: String])
        #expect(wardPanel["Ward"] == "\(ward("ward_name")) (\(ward("ward_code")))")
        #expect(wardPanel["Rank"] == "\(ward("rank")) of \(wards.count - 1), most deprived first")
        #expect(wardPanel["People"]?.replacingOccurrences(of: ",", with: "") == ward("population"))
        #expect(wardPanel["IMD score (population-weighted)"] == ward("imd_score"))
        #expect(wardPanel["Core20 share"] == ward("core20_pct") + "%")
        #expect(wardPanel["Nearest GP practice (population-weighted)"] == ward("gp_nearest_km") + " km")
        #expect(wardPanel["Food van covers"] == ward("van_covered_pct") + "% of people")
        let zoom = try #require(seen["zoom"] as? [Double])
        #expect(zoom[1] == zoom[0] + 1, "the + button zooms in one level: \(zoom)")
        let after = try #require(seen["after_search"] as? [String: Any])
        #expect(abs((after["lon"] as! Double) - lonLat[0]) < 1e-4 && abs((after["lat"] as! Double) - lonLat[1]) < 1e-4, "map centre \(after) for \(lonLat)")
        #expect(after["message"] as? String == "SS26ER found." && (after["zoom"] as? Double ?? 0) >= 15)
        #expect((after["scale"] as? String)?.hasSuffix(" m") == true, "a metric scale bar")
        #expect(seen["unknown_message"] as? String == "ZZ999ZZ is not a postcode of this region.")
    }

    @Test("report --all-icbs: 42 ICB reports and an England page; in Chromium it draws every LSOA and ranks 42 ICBs, every number equal to england-icbs.csv, each link a report; the ICB's figures equal its own report's; the SII ranking holds")
    func allICBs() throws {
        let folder = scratch.path("england")
        let run = try CLI.run(["report", "--all-icbs", "--draws", "2000", "-o", folder], environment: env)
        #expect(run.status == 0, "\(run.stderr.suffix(3000))")
        #expect(run.stdout.hasPrefix("England: 42 ICB reports"))
        let rows = try Self.csv(folder + "/england-icbs.csv")
        #expect(rows.count == 43)
        let h = rows[0]
        func col(_ r: [String], _ name: String) -> String { r[h.firstIndex(of: name)!] }
        #expect(Set(rows.dropFirst().map { col($0, "icb_code") }).count == 42)
        // Every folder is a report, and the England page links to it.
        let (dom, console) = try Self.render(folder + "/index.html")
        #expect(console.count == 1 && console[0].contains("england ready: 43 rows, 33755 points"), "\(console)")
        #expect(try Self.checkNumbers(dom: dom, folder: folder) > 42 * 8)
        for r in rows.dropFirst() {
            #expect(FileManager.default.fileExists(atPath: folder + "/" + col(r, "folder") + "/index.html"))
            #expect(dom.contains("href=\"\(col(r, "folder"))/index.html\""))
        }
        // Ranked by the SII, largest first; ICBs without one last.
        let sii = rows.dropFirst().map { Double(col($0, "gp_sii")) }
        let known = sii.compactMap { $0 }
        #expect(known == known.sorted(by: >) && known.count >= 30)
        #expect(sii.drop { $0 != nil }.allSatisfy { $0 == nil })
        // Mid and South Essex: its row equals its own report's tables (LSOAs, Core20 people, the SII, the van).
        let mse = try #require(rows.first { col($0, "icb_code") == "QH8" })
        let report = folder + "/" + col(mse, "folder")
        #expect(Int(col(mse, "lsoas")) == (try Self.icbCodes("QH8")).count)
        let sii2 = try Self.csv(report + "/gp-need-adjusted-sii.csv")
        #expect(sii2.first { $0[0] == "region" }?[1] == col(mse, "gp_sii"))
        let figures = try Self.csv(report + "/food-van-figures.csv")
        #expect(figures.first { $0[0] == "covered_population" }?[1] == col(mse, "van_covered_population"))
        let core = try Self.csv(report + "/areas.csv")
        let ch = core[0]
        let core20 = core.dropFirst().filter { Int($0[ch.firstIndex(of: "imd_decile")!]).map { $0 <= 2 } ?? false }
            .reduce(0.0) { $0 + Double($1[ch.firstIndex(of: "population")!])! }
        #expect(String(format: "%.0f", core20) == col(mse, "core20_population"))
        // No page loads anything from the network.
        #expect(!Self.loadsFromNetwork(try String(contentsOfFile: folder + "/index.html", encoding: .utf8)))
    }

    @Test("A second ICS by NHS code (Devon, QJK): its own areas, its own numbers; a spread-out region still gets a van plan")
    func devon() throws {
        let folder = scratch.path("devon")
        let run = try CLI.run(["report", "--icb", "QJK", "-o", folder], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Devon"))
        let expected = try Self.icbCodes("QJK")
        let areas = try Self.csv(folder + "/areas.csv")
        #expect(Set(areas.dropFirst().map { $0[0] }) == expected)
        let (dom, console) = try Self.render(folder + "/index.html")
        #expect(console.count == 1 && console[0].contains("report ready: \(expected.count) areas"), "\(console)")
        #expect(dom.contains("Devon ICB"))
        #expect(!dom.contains("Essex"))
        #expect(try Self.checkNumbers(dom: dom, folder: folder) > 100)
        #expect(FileManager.default.fileExists(atPath: folder + "/food-van-schedule.csv"), "no van plan: \(run.stderr)")
    }

    @Test("Progress: a bar with counts and elapsed time on a terminal (catchments, joins, route search); none when standard error is not a terminal, none with --quiet")
    func progress() throws {
        let exe = try CLI.executable
        let args = (try quickAreas) + ["--region", "Southend-on-Sea"]
        func onTerminal(_ extra: [String], _ folder: String) throws -> String {
            // util-linux `script` gives the command a pseudo-terminal.
            let command = ([exe, "report"] + args + extra + ["-o", folder]).map { "'\($0)'" }.joined(separator: " ")
            let run = try CLI.runTool("/usr/bin/script", ["-qec", command, "/dev/null"], environment: env)
            #expect(run.status == 0, "\(run.stdout)")
            return run.stdout
        }
        let shown = try onTerminal([], scratch.path("tty"))
        for stage in ["reading areas", "joining gp", "catchments", "route search"] {
            #expect(shown.contains("\r\u{1B}[K\(stage)"), "no progress for \(stage)")
        }
        #expect(shown.range(of: #"catchments [0-9,]+/[0-9,]+ \[=*\s*\] [0-9.]+ s"#, options: .regularExpression) != nil, "no count and elapsed time")
        let quiet = try onTerminal(["--quiet"], scratch.path("tty-quiet"))
        #expect(!quiet.contains("\u{1B}[K"))
        #expect(!quiet.contains("areas;"))
        let piped = try CLI.run(["report"] + args + ["-o", scratch.path("piped")], environment: env)
        #expect(piped.status == 0)
        #expect(!piped.stderr.contains("\u{1B}[K") && !piped.stderr.contains("\r"))
        #expect(piped.stderr.contains("areas;"))
        let verbose = try CLI.run(["report"] + args + ["-o", scratch.path("verbose"), "--verbose"], environment: env)
        #expect(verbose.stderr.contains("note: default --imd imd/imd2025_england_lsoa21.csv"))
        #expect(verbose.stderr.contains(" s  write the report"))
    }

    @Test("A district too small for the SII (City of London: 6 areas in 3 deciles, none Core20) still gets its page, saying why there is no verdict and no van plan")
    func smallRegion() throws {
        let folder = scratch.path("city")
        let run = try CLI.run(["report", "--region", "City of London", "-o", folder], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("needs at least 5 deprivation groups"))
        let (dom, console) = try Self.render(folder + "/index.html")
        #expect(console.count == 1 && console[0].contains("report ready: 6 areas"), "\(console)")
        #expect(dom.contains("No verdict for this region: the Slope Index of Inequality needs at least 5"))
        #expect(dom.contains("No food-van plan: no area of the region"))
        #expect(try Self.checkNumbers(dom: dom, folder: folder) > 20)
        #expect(!FileManager.default.fileExists(atPath: folder + "/inverse-care-law.json"))
    }

    @Test("--depot with a postcode: the van leaves from it (SS2 6ER, Southend Civic Centre), and the page says so")
    func depotPostcode() throws {
        let folder = scratch.path("southend-depot")
        let run = try CLI.run(["report"] + (try quickAreas) + ["--region", "Southend-on-Sea", "--depot", "SS2 6ER", "-o", folder], environment: env)
        #expect(run.status == 0, "\(run.stderr)")
        let schedule = try Self.csv(folder + "/food-van-schedule.csv")
        let name = schedule[0].firstIndex(of: "name")!, e = schedule[0].firstIndex(of: "easting")!, n = schedule[0].firstIndex(of: "northing")!
        #expect(schedule[1][name] == "Depot SS2 6ER")
        #expect(schedule[1][e] == "587937" && schedule[1][n] == "186364")
        let page = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
        #expect(page.contains("depot: SS2 6ER"))
        #expect(!page.contains("The depot was not given"))
        // Stops at real places: the nearest postcode (brute force over the Code-Point rows here), the ward, lon/lat (GDAL).
        let sh = schedule[0]
        let points = try String(contentsOfFile: try TestData.path("postcodes/codepoint_open_2025-04_mse.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().compactMap { line -> (String, Double, Double)? in
                let c = line.split(separator: ",", omittingEmptySubsequences: false)
                guard c.count >= 4, let e = Double(c[2]), let n = Double(c[3]) else { return nil }
                return (String(c[0]), e, n)
            }
        for stop in schedule.dropFirst().filter({ $0[sh.firstIndex(of: "event")!] == "stop" }) {
            let e = Double(stop[sh.firstIndex(of: "easting")!])!, n = Double(stop[sh.firstIndex(of: "northing")!])!
            let best = points.min { hypot($0.1 - e, $0.2 - n) < hypot($1.1 - e, $1.2 - n) }!
            #expect(stop[sh.firstIndex(of: "postcode")!] == best.0, "stop at \(e),\(n)")
            #expect(!stop[sh.firstIndex(of: "ward")!].isEmpty && stop[sh.firstIndex(of: "district")!] == "Southend-on-Sea")
            let gdal = try CLI.runTool("/bin/sh", ["-c", "echo \(stop[sh.firstIndex(of: "easting")!]) \(stop[sh.firstIndex(of: "northing")!]) | gdaltransform -s_srs EPSG:27700 -t_srs EPSG:4326 -output_xy"])
            let ll = gdal.stdout.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            #expect(ll.count == 2 && abs(ll[0] - Double(stop[sh.firstIndex(of: "lon")!])!) < 2e-5 && abs(ll[1] - Double(stop[sh.firstIndex(of: "lat")!])!) < 2e-5)
        }

        // A printable sheet per van day: its stops in order with the schedule's times and postcodes, and its map.
        let stopRows = schedule.dropFirst().filter { $0[sh.firstIndex(of: "event")!] == "stop" }
        for day in Set(stopRows.map { $0[sh.firstIndex(of: "day")!] }).sorted() {
            let sheetPath = folder + "/food-van-day-\(day).html"
            let sheet = try String(contentsOfFile: sheetPath, encoding: .utf8)
            let ofDay = stopRows.filter { $0[sh.firstIndex(of: "day")!] == day }
            #expect(page.contains("<a href=\"food-van-day-\(day).html\">day \(day)</a>"))
            for stop in ofDay {
                let number = stop[sh.firstIndex(of: "stop")!]
                let row = try #require(sheet.range(of: "<tr data-stop=\"\(number)\">").map { String(sheet[$0.lowerBound...].prefix(600)) })
                #expect(row.contains("<td>\(stop[sh.firstIndex(of: "arrive")!])</td><td>\(stop[sh.firstIndex(of: "depart")!])</td>"), "day \(day) stop \(number)")
                #expect(row.contains(stop[sh.firstIndex(of: "postcode")!]))
            }
            #expect(sheet.components(separatedBy: "<g class=\"stop\">").count - 1 == ofDay.count, "one marker per stop on the day's map")
            let (dom, console) = try Self.render(sheetPath)
            #expect(console.isEmpty && dom.contains("id=\"day-map\""), "\(console)")
        }

        // Wards, most deprived first: recomputed here from areas.csv and the ONS ward lookup.
        let wards = try Self.csv(folder + "/wards.csv")
        let wh = wards[0]
        let lookup = try CSVTable(path: try TestData.path("lookups/lsoa21_ward24_ltla24.csv.gz"))
        let lsoaColumn = try lookup.requireColumn(["lsoa21_code"], purpose: "LSOA"), wardColumn = try lookup.requireColumn(["ward24_code"], purpose: "ward")
        var wardOf: [String: String] = [:]
        try lookup.forEachRow { wardOf[$0.string(lsoaColumn)] = $0.string(wardColumn) }
        let areaRows = try Self.csv(folder + "/areas.csv")
        let ah = areaRows[0]
        var sums: [String: (score: Double, pop: Double, count: Int)] = [:]
        for r in areaRows.dropFirst() {
            let pop = Double(r[ah.firstIndex(of: "population")!])!, score = Double(r[ah.firstIndex(of: "imd_score")!])!
            let w = try #require(wardOf[r[0]])
            sums[w, default: (0, 0, 0)].score += score * pop
            sums[w, default: (0, 0, 0)].pop += pop
            sums[w, default: (0, 0, 0)].count += 1
        }
        #expect(wards.count - 1 == sums.count)
        var previous = Double.infinity
        for row in wards.dropFirst() {
            let code = row[wh.firstIndex(of: "ward_code")!], expected = try #require(sums[code])
            let score = Double(row[wh.firstIndex(of: "imd_score")!])!
            #expect(abs(score - expected.score / expected.pop) < 0.001, "\(code)")
            #expect(Int(row[wh.firstIndex(of: "lsoas")!]) == expected.count)
            #expect(score <= previous, "most deprived first")
            previous = score
        }
        #expect(page.contains("<h2 id=\"wards\">Wards, most deprived first</h2>"))

        // The van's visits on the calendar: the page says the weekday of each day and links the files.
        #expect(page.contains("<p id=\"calendar\">The same stops, on the same weekday and at the same time, every cycle: day 1 on Monday of week 1, every fortnight"))
        #expect(page.contains("<a href=\"food-van.ics\">"))
        let visits = try Self.csv(folder + "/food-van-visits.csv")
        let checker = try CLI.runTool(try TestPython.withICalendar(), [TestData.packagePath("Tests/Fixtures/check_ics.py"), folder + "/food-van.ics"])
        #expect(checker.status == 0, "\(checker.stderr)")
        #expect(checker.stdout.components(separatedBy: "\"uid\"").count - 1 == visits.count - 1, "one event per visit")
        let bad = try CLI.run(["report"] + (try quickAreas) + ["--region", "Southend-on-Sea", "--depot", "0.71,51.54", "-o", scratch.path("x")], environment: env)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("looks like longitude,latitude"))
    }

    // MARK: - Bad input

    /// The MSE extract in EPSG:27700: quick to read for the error cases.
    var quickAreas: [String] { get throws { ["--areas", try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp")] } }

    @Test("An unknown region is refused with close names, and nothing is written")
    func unknownRegion() throws {
        let folder = scratch.path("typo")
        let run = try CLI.run(["report"] + (try quickAreas) + ["--region", "Mid and South Esex", "-o", folder], environment: env)
        #expect(run.status != 0)
        #expect(run.stderr.contains("unknown region 'Mid and South Esex'"))
        #expect(run.stderr.contains("'Mid and South Essex'"), "\(run.stderr)")
        let district = try CLI.run(["report"] + (try quickAreas) + ["--region", "Southend", "-o", folder], environment: env)
        #expect(district.status != 0)
        #expect(district.stderr.contains("Southend-on-Sea"), "\(district.stderr)")
        #expect(scratch.contents().isEmpty)
    }

    @Test("A data folder missing a file: the report names it and says how to get it")
    func missingDataFile() throws {
        // A data folder of links to the mirror, without the IMD table (and without File 7).
        let data = scratch.path("data")
        for f in DataCatalogue.files where f.neededByReport && f.path != "imd/imd2025_england_lsoa21.csv" {
            let target = data + "/" + f.path
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: target, withDestinationPath: try TestData.path(f.path))
        }
        let folder = scratch.path("out")
        let run = try CLI.run(["report", "--region", "Mid and South Essex", "--data", data, "-o", folder])
        #expect(run.status != 0)
        #expect(run.stderr.contains("imd/imd2025_england_lsoa21.csv"), "\(run.stderr)")
        #expect(run.stderr.contains("gov.uk/government/statistics/english-indices-of-deprivation-2025"))
        #expect(run.stderr.contains("deprivation-map data fetch"))
        // Only the missing file is named: the linked ones are found (through their links) and intact.
        #expect(run.stderr.components(separatedBy: "To get it").count == 2, "\(run.stderr)")
        #expect(run.stderr.contains(DataCatalogue.iod2025File7.url!))
        #expect(!run.stderr.contains("damaged"))
        #expect(!FileManager.default.fileExists(atPath: folder))

        let status = try CLI.run(["data", "status", "--data", data])
        #expect(status.status == 1)
        #expect(status.stdout.contains("missing    imd/imd2025_england_lsoa21.csv"), "\(status.stdout)")
    }

    @Test("An output folder that cannot be written is refused before any work; an existing folder that is not a report is never replaced")
    func outputNotWritable() throws {
        let file = scratch.path("a-file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let run = try CLI.run(["report"] + (try quickAreas) + ["--region", "Southend-on-Sea", "-o", file + "/report"], environment: env)
        #expect(run.status != 0)
        #expect(run.stderr.contains("cannot write the report to \(file)/report"), "\(run.stderr)")
        #expect(!run.stderr.contains("areas;"), "work was done before the check")

        let mine = scratch.path("my-documents")
        try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: mine + "/notes.txt"))
        let refused = try CLI.run(["report"] + (try quickAreas) + ["--region", "Southend-on-Sea", "-o", mine], environment: env)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("is not a report folder"), "\(refused.stderr)")
        #expect(FileManager.default.contents(atPath: mine + "/notes.txt") == Data("keep me".utf8))
    }

    @Test("A run interrupted part-way leaves no report and no temporary folder; a finished report replaces the previous one whole")
    func interrupted() throws {
        let folder = scratch.path("southend")
        let args = ["report"] + (try quickAreas) + ["--region", "Southend-on-Sea", "-o", folder]
        let first = try CLI.run(args, environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        let before = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)

        // Interrupt a second run at several moments; each time the first report must be intact
        // and nothing else left beside it.
        var interruptedRuns = 0
        for delay in [0.3, 1.0, 2.0] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: try CLI.executable)
            process.arguments = args + ["--title", "second run"]
            var e = ProcessInfo.processInfo.environment
            e["DEPRIVATION_MAP_DATA"] = TestData.root.path
            process.environment = e
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            process.interrupt()
            process.waitUntilExit()
            let after = try String(contentsOfFile: folder + "/index.html", encoding: .utf8)
            if process.terminationStatus == 0 {
                #expect(after.contains("second run"), "a finished run must have replaced the report")
            } else {
                #expect(process.terminationStatus == 130, "status \(process.terminationStatus)")
                interruptedRuns += 1
                #expect(after == before, "an interrupted run changed the report")
            }
            #expect(scratch.contents() == ["southend"], "left behind: \(scratch.contents())")
        }
        #expect(interruptedRuns > 0, "every run finished before the interrupt: the test proved nothing")
    }
}
