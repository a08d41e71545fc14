import Foundation

/// The report as one self-contained HTML page: inline SVG, CSS and script, no tiles, fonts or
/// libraries from the network. Every number shown is marked with the CSV file, row and column it
/// comes from (`data-src="file.csv|row|column"`), rounded from the value written there.
public enum ReportPage {
    /// IMD decile colours, 1 (most deprived, red) to 10 (least deprived, blue).
    public static let decileColours = ["#a50026", "#d73027", "#f46d43", "#fdae61", "#fee090",
                                       "#e0f3f8", "#abd9e9", "#74add1", "#4575b4", "#313695"]
    static let dayColours = ["#000000", "#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf"]

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// `value` (a CSV cell) rounded to `decimals`, with thousands separators.
    static func display(_ cell: String, decimals: Int) -> String {
        guard let v = Double(cell), v.isFinite else { return escape(cell) }
        let text = String(format: "%.\(decimals)f", v)
        let negative = text.hasPrefix("-")
        let body = negative ? String(text.dropFirst()) : text
        let parts = body.split(separator: ".", maxSplits: 1)
        var whole = String(parts[0])
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        let out = whole + grouped + (parts.count > 1 ? "." + parts[1] : "")
        return (negative && out.contains(where: { $0 != "0" && $0 != "." && $0 != "," }) ? "−" : "") + out
    }

    /// A number from a table cell, marked with where it comes from.
    static func number(_ table: ReportTable, row: Int, column: String, decimals: Int, suffix: String = "") -> String {
        guard let c = table.header.firstIndex(of: column), row < table.rows.count else { return "" }
        let cell = table.rows[row][c]
        guard !cell.isEmpty else { return "–" }
        return "<span class=\"num\" data-src=\"\(table.file)|\(row)|\(column)\">\(display(cell, decimals: decimals))</span>\(suffix)"
    }

    /// The most deprived wards: the first rows of wards.csv.
    static func wardSection(_ report: RegionReport, wards: ReportTable, shown: Int = 15) -> String {
        let unit = report.accessUnit
        var s = "<h2 id=\"wards\">Wards, most deprived first</h2>\n"
        s += "<p class=\"note\">Each ward is the LSOAs that best fit it (ONS lookup); IMD score, nearest services and the van's coverage are population-weighted over them. The \(min(shown, wards.rows.count)) most deprived of \(wards.rows.count) wards; all are in wards.csv.</p>\n"
        s += "<table id=\"ward-table\"><tr><th>rank</th><th class=\"l\">ward</th><th class=\"l\">district</th><th>people</th><th>IMD score</th><th>Core20 %</th>"
        for t in RegionReport.accessKinds { s += "<th>nearest \(t.singular), \(unit)</th>" }
        s += "<th>van covers %</th></tr>\n"
        for r in 0..<min(shown, wards.rows.count) {
            let row = wards.rows[r]
            func col(_ name: String) -> String { wards.header.firstIndex(of: name).map { row[$0] } ?? "" }
            s += "<tr><td>\(escape(col("rank")))</td><td class=\"l\">\(escape(col("ward_name")))</td><td class=\"l\">\(escape(col("district")))</td>"
            s += "<td>\(number(wards, row: r, column: "population", decimals: 0))</td><td>\(number(wards, row: r, column: "imd_score", decimals: 1))</td>"
            s += "<td>\(number(wards, row: r, column: "core20_pct", decimals: 1))</td>"
            for t in RegionReport.accessKinds { s += "<td>\(number(wards, row: r, column: "\(t)_nearest_\(unit)", decimals: 2))</td>" }
            s += "<td>\(number(wards, row: r, column: "van_covered_pct", decimals: 1))</td></tr>\n"
        }
        return s + "</table>\n"
    }

    /// The whole page.
    public static func html(_ report: RegionReport, tables: [String: ReportTable]) -> String {
        var h = head(report)
        h += core20Section(tables["core20.csv"]!)
        h += mapSection(report)
        h += ExplorerPage.section(report)
        h += accessSection(report, access: tables["access-by-decile.csv"]!)
        if let wards = tables["wards.csv"] { h += wardSection(report, wards: wards) }
        h += inverseCareLawSection(report, fit: tables["inverse-care-law.csv"]!, statistics: tables["inverse-care-law-statistics.csv"]!)
        if let t = tables["gp-need-adjusted.csv"] { h += needAdjustedSection(report, table: t, statistics: tables["gp-need-adjusted-sii.csv"]) }
        h += foodVanSection(report, figures: tables["food-van-figures.csv"]!, schedule: tables["food-van-schedule.csv"])
        h += sourcesSection(report)
        h += "</main>\n<script>\n\(script)\n</script>\n</body>\n</html>\n"
        return h
    }

    /// The style shared by the region page and the England page: fonts, width, headings.
    static let commonStyle = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#222;background:#fafafa}
    main{max-width:1100px;margin:0 auto;padding:1rem 1.5rem 3rem}
    h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #ddd;padding-bottom:.25rem}
    """

    /// The start of a page up to its style sheet: doctype, language, character set, viewport,
    /// no favicon request, the escaped title, and the style shared by every page.
    static func documentStart(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="icon" href="data:,">
        <title>\(escape(title))</title>
        <style>
        \(commonStyle)
        """
    }

    /// The document head, the style sheet and the title.
    static func head(_ report: RegionReport) -> String {
        let h = """
        \(documentStart(title: report.title))
        .sub{color:#555;margin:.2rem 0 1rem}
        .cards{display:flex;flex-wrap:wrap;gap:.75rem}.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem;min-width:10rem}
        .card b{display:block;font-size:1.35rem}
        .mapwrap{display:flex;gap:1rem;flex-wrap:wrap;align-items:flex-start}
        #map{background:#fff;border:1px solid #ccc;width:720px;max-width:100%;height:auto}
        #map path.area{stroke:#fff;stroke-width:.6;vector-effect:non-scaling-stroke}
        #map path.area:hover,#map path.area.hover{stroke:#000;stroke-width:2}
        #map .route{fill:none;stroke-width:3;vector-effect:non-scaling-stroke;stroke-linejoin:round}
        #map circle.svc{stroke:#fff;stroke-width:.5;vector-effect:non-scaling-stroke}
        #map text.stopnum{font-weight:bold;fill:#fff;text-anchor:middle;dominant-baseline:central;pointer-events:none}
        .side{flex:1;min-width:14rem}
        #info{background:#fff;border:1px solid #ddd;padding:.5rem;min-height:4.5rem;margin-bottom:.75rem}
        .legend span.sw{display:inline-block;width:1.2rem;height:.9rem;vertical-align:middle;margin-right:.3rem;border:1px solid #999}
        .legend div{margin:.1rem 0}
        table{border-collapse:collapse;background:#fff;margin:.5rem 0;font-size:.92rem}
        th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}th{background:#f0f0f0}td.l,th.l{text-align:left}
        .verdict{background:#fff8e1;border-left:4px solid #f9a825;padding:.6rem .9rem}
        .charts{display:flex;flex-wrap:wrap;gap:1rem}
        .chart{background:#fff;border:1px solid #ddd}
        .chart text{font-size:11px;fill:#333}
        .note{color:#555;font-size:.9rem}
        footer{font-size:.85rem;color:#444}
        @media print{.toggles{display:none}}
        </style>
        </head>
        <body>
        <main>
        <h1>\(escape(report.title))</h1>
        <p class="sub">\(escape(report.regionDescription)) · IMD: \(escape(report.map.imdJoin.map { _ in "English Indices of Deprivation" } ?? "")) · generated \(escape(ISO8601DateFormatter().string(from: report.generated))) by deprivation-map</p>

        """
        return h
    }

    /// The Core20 cards and the services table.
    static func core20Section(_ core: ReportTable) -> String {
        // Core20 summary.
        var h = """
        <h2 id="core20">Core20: the most deprived fifth</h2>
        <div class="cards">
        <div class="card">Areas (LSOAs)<b>\(number(core, row: 2, column: "areas", decimals: 0))</b></div>
        <div class="card">Population<b>\(number(core, row: 2, column: "population", decimals: 0))</b></div>
        <div class="card">Core20 areas<b>\(number(core, row: 0, column: "areas", decimals: 0))</b></div>
        <div class="card">People in Core20 areas<b>\(number(core, row: 0, column: "population", decimals: 0))</b>\(number(core, row: 0, column: "population_pct", decimals: 1, suffix: "%")) of the population</div>
        </div>
        <p class="note">Core20 = areas in IMD deciles 1 and 2 nationally (NHS England Core20PLUS5). Services counted inside the areas, per 10,000 people:</p>
        <table id="core20-table"><tr><th class="l">group</th><th>areas</th><th>population</th>
        """
        for t in RegionReport.accessKinds { h += "<th>\(t)</th><th>\(t) per 10,000</th>" }
        h += "</tr>\n"
        for (r, label) in ["Core20", "other areas", "all"].enumerated() {
            h += "<tr><td class=\"l\">\(label)</td><td>\(number(core, row: r, column: "areas", decimals: 0))</td><td>\(number(core, row: r, column: "population", decimals: 0))</td>"
            for t in RegionReport.accessKinds {
                h += "<td>\(number(core, row: r, column: t.rawValue, decimals: 0))</td><td>\(number(core, row: r, column: "\(t)_per_10k", decimals: 2))</td>"
            }
            h += "</tr>\n"
        }
        h += "</table>\n"

        return h
    }

    /// Distances to the nearest services by decile: bar charts and the table.
    static func accessSection(_ report: RegionReport, access: ReportTable) -> String {
        // Access by decile.
        var h = """
        <h2 id="access">Access by IMD decile</h2>
        <p class="note" id="access-rule">Population-weighted mean of the \(escape(report.accessRule.replacingOccurrences(of: " to the nearest \(RegionReport.accessKinds[0].singular)", with: " to the nearest service"))), and GP supply within \(String(format: "%g", report.catchmentRadius / 1000)) km (\(escape(report.gpSupply.method))).</p>
        <div class="charts">
        """
        for t in RegionReport.accessKinds {
            h += barChart(access, column: "\(t)_nearest_\(report.accessUnit)", title: "Nearest \(t.singular), \(report.accessUnit)", colour: t.colour, unit: report.accessUnit)
        }
        h += "</div>\n<table id=\"access-table\"><tr><th>IMD decile</th><th>areas</th><th>population</th>"
        for t in RegionReport.accessKinds { h += "<th>nearest \(t.singular), \(report.accessUnit)</th>" }
        h += "<th>GP FTE per 100,000</th></tr>\n"
        for (r, row) in access.rows.enumerated() {
            h += "<tr><td>\(row[0] == "all" ? "all" : row[0])</td><td>\(number(access, row: r, column: "areas", decimals: 0))</td><td>\(number(access, row: r, column: "population", decimals: 0))</td>"
            for t in RegionReport.accessKinds { h += "<td>\(number(access, row: r, column: "\(t)_nearest_\(report.accessUnit)", decimals: 2))</td>" }
            h += "<td>\(number(access, row: r, column: "gp_fte_per_100k", decimals: 1))</td></tr>\n"
        }
        h += "</table>\n"

        return h
    }

    /// GP supply against deprivation: the SII chart, the statistics and the verdict.
    static func inverseCareLawSection(_ report: RegionReport, fit icl: ReportTable, statistics stats: ReportTable) -> String {
        // The inverse care law.
        var h = "<h2 id=\"inverse-care-law\">The inverse care law: GP supply by deprivation</h2>\n"
        if let gap = report.gap {
            h += """
            <p class="note">\(escape(gap.measure)). Bars: mean by IMD decile, as wide as the decile's share of the population; line: the fitted Slope Index of Inequality (PHE method, 95% limits from \(gap.sii.draws) simulations).</p>
            \(siiChart(gap.sii, table: icl))
            <table id="sii-table"><tr><th class="l">statistic</th><th>value</th><th>95% lower</th><th>95% upper</th></tr>

            """
            let statLabels = ["sii": "Slope Index of Inequality", "rii": "Relative Index of Inequality", "fitted_most_deprived": "fitted, most deprived end",
                              "fitted_least_deprived": "fitted, least deprived end", "concentration_index": "concentration index",
                              "quintile_gap": "gap, most − least deprived fifth"]
            for (r, row) in stats.rows.enumerated() {
                let d = row[0] == "rii" || row[0] == "concentration_index" ? 3 : 1
                h += "<tr><td class=\"l\">\(statLabels[row[0]] ?? row[0])</td><td>\(number(stats, row: r, column: "value", decimals: d))</td>"
                h += "<td>\(row[2].isEmpty ? "" : number(stats, row: r, column: "lower", decimals: d))</td><td>\(row[3].isEmpty ? "" : number(stats, row: r, column: "upper", decimals: d))</td></tr>\n"
            }
            h += "</table>\n<p class=\"verdict\" id=\"verdict\">\(escape(gap.verdict))</p>\n"
        } else {
            h += "<p class=\"verdict\" id=\"verdict\">No verdict for this region: \(escape(report.gapUnavailable ?? "")) GP supply by decile is in the access table above.</p>\n"
        }

        return h
    }

    // MARK: - Map

    static func mapSection(_ report: RegionReport) -> String {
        var env: Envelope?
        for g in report.areaShapes.compactMap({ $0 }) { env = env.map { $0.union(g.envelope) } ?? g.envelope }
        guard let e = env else { return "" }
        let pad = max(e.maxX - e.minX, e.maxY - e.minY) * 0.02
        let minX = e.minX - pad, maxY = e.maxY + pad
        let width = e.maxX - e.minX + 2 * pad, height = e.maxY - e.minY + 2 * pad
        let unit = max(width, height) / 4000 // drawing unit in metres: about 4,000 units across
        func x(_ c: Coordinate) -> Int { Int(saturating: (c.x - minX) / unit) }
        func y(_ c: Coordinate) -> Int { Int(saturating: (maxY - c.y) / unit) }
        let W = Int(saturating: width / unit), H = Int(saturating: height / unit)

        var s = "<h2 id=\"map-title\">Deprivation and services</h2>\n<div class=\"mapwrap\">\n"
        s += "<svg id=\"map\" viewBox=\"0 0 \(W) \(H)\" role=\"img\" aria-label=\"IMD deciles of the areas\" xmlns=\"http://www.w3.org/2000/svg\">\n<g id=\"layer-areas\">\n"
        let map = report.map
        for (i, shape) in report.areaShapes.enumerated() {
            guard let shape else { continue }
            var d = ""
            for polygon in shape.polygons {
                for ring in [polygon.exterior] + polygon.holes {
                    var last: (Int, Int)?
                    var first = true
                    for c in ring.coordinates {
                        let p = (x(c), y(c))
                        if let l = last, l == p { continue }
                        if first { d += "M\(p.0) \(p.1)"; first = false } else { d += "l\(p.0 - last!.0) \(p.1 - last!.1)" }
                        last = p
                    }
                    d += "z"
                }
            }
            let record = map.imdJoin?.records[i]
            let decile = record?.index.decile
            let fill = decile.map { decileColours[$0 - 1] } ?? "#cccccc"
            let name = escape(map.areas.names[i]), code = escape(map.areas.codes[i])
            let pop = map.population[i].map { String(format: "%.0f", $0) } ?? ""
            s += "<path class=\"area\" d=\"\(d)\" fill=\"\(fill)\" data-code=\"\(code)\" data-name=\"\(name)\" data-decile=\"\(decile.map(String.init) ?? "")\" data-pop=\"\(pop)\"><title>\(name) (\(code)): IMD decile \(decile.map(String.init) ?? "n/a")</title></path>\n"
        }
        s += "</g>\n"
        let r = Double(max(W, H)) * 0.0035
        for (k, set) in map.services.enumerated() {
            let type = map.serviceKinds[k]
            s += "<g id=\"layer-\(type)\" class=\"layer\" fill=\"\(type.colour)\">\n"
            let inside = map.serviceAreas[k].indices.filter { map.serviceAreas[k][$0] >= 0 }
            let points = (try? transformPoints(inside.map { set.points[$0] }, from: set.crs, to: .britishNationalGrid)) ?? []
            for (j, p) in inside.enumerated() where j < points.count {
                let c = points[j]
                s += "<circle class=\"svc\" cx=\"\(x(c))\" cy=\"\(y(c))\" r=\"\(String(format: "%.1f", r))\"><title>\(escape(set.names[p])) (\(type))</title></circle>\n"
            }
            s += "</g>\n"
        }
        if let plan = report.foodVan {
            s += "<g id=\"layer-foodvan\" class=\"layer\">\n"
            for (d, line) in plan.routeLines.enumerated() {
                let pts = line.map { "\(x($0)),\(y($0))" }.joined(separator: " ")
                s += "<polyline class=\"route\" stroke=\"\(dayColours[d % dayColours.count])\" points=\"\(pts)\"><title>Food van day \(plan.routes[d].day)</title></polyline>\n"
            }
            for stop in plan.stops {
                s += "<circle cx=\"\(x(stop.point))\" cy=\"\(y(stop.point))\" r=\"\(String(format: "%.1f", r * 2.6))\" fill=\"#111\"><title>Stop \(stop.number): \(escape(stop.name)), day \(stop.day)</title></circle>"
                s += "<text class=\"stopnum\" x=\"\(x(stop.point))\" y=\"\(y(stop.point))\" font-size=\"\(String(format: "%.0f", r * 3.2))\">\(stop.number)</text>\n"
            }
            let side = r * 5
            s += "<rect x=\"\(String(format: "%.0f", Double(x(plan.depot)) - side / 2))\" y=\"\(String(format: "%.0f", Double(y(plan.depot)) - side / 2))\" width=\"\(String(format: "%.0f", side))\" height=\"\(String(format: "%.0f", side))\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"2\" vector-effect=\"non-scaling-stroke\"><title>Depot: \(escape(plan.depotLabel))</title></rect>\n</g>\n"
        }
        s += "</svg>\n<div class=\"side\">\n<div id=\"info\">Hover over an area to see its name, IMD decile and population.</div>\n"
        s += "<div class=\"toggles\"><b>Layers</b>"
        for (k, type) in map.serviceKinds.enumerated() {
            let n = map.serviceAreas[k].filter { $0 >= 0 }.count
            s += "<div><label><input type=\"checkbox\" data-layer=\"layer-\(type)\" checked> <span class=\"sw\" style=\"background:\(type.colour)\"></span>\(type.plural) (\(n))</label></div>"
        }
        if let plan = report.foodVan {
            s += "<div><label><input type=\"checkbox\" data-layer=\"layer-foodvan\" checked> food-van route and stops</label></div><div class=\"legend\">"
            for (d, route) in plan.routes.enumerated() {
                s += "<div><span class=\"sw\" style=\"background:\(dayColours[d % dayColours.count])\"></span>day \(route.day) (\(route.stops.count) stops)</div>"
            }
            s += "<div>□ depot: \(escape(plan.depotLabel))</div></div>"
        }
        s += "</div>\n<div class=\"legend\"><b>IMD decile (national)</b>"
        for d in 1...10 {
            let label = d == 1 ? "1 most deprived" : d == 10 ? "10 least deprived" : "\(d)"
            s += "<div><span class=\"sw\" style=\"background:\(decileColours[d - 1])\"></span>\(label)</div>"
        }
        s += "</div>\n</div>\n</div>\n"
        return s
    }

    // MARK: - Food van, sources

    static func foodVanSection(_ report: RegionReport, figures: ReportTable, schedule: ReportTable?) -> String {
        var s = "<h2 id=\"food-van\">Food-van plan</h2>\n"
        guard let plan = report.foodVan, let schedule else {
            return s + "<p class=\"note\">No food-van plan: \(escape(report.foodVanSkipped.map { $0.description + "." } ?? "not planned"))</p>\n"
        }
        func fig(_ key: String, _ d: Int, _ suffix: String = "") -> String {
            guard let r = figures.rows.firstIndex(where: { $0[0] == key }) else { return "" }
            return number(figures, row: r, column: "value", decimals: d, suffix: suffix)
        }
        s += "<p>Target: areas in IMD deciles \(plan.input.deciles.map(String.init).joined(separator: ", ")) (\(fig("deciles_areas", 0)) areas, \(fig("deciles_population", 0)) people) \(escape(plan.provisionRule)): "
        s += "<b>\(fig("target_areas", 0)) areas, \(fig("target_population", 0)) people</b>. "
        s += "\(fig("stops", 0)) stops over \(fig("days", 0)) visit days cover \(fig("covered_population", 0)) of them (\(fig("covered_pct", 1, "%"))); \(fig("stops_to_cover_all", 0)) stops would reach every target area within walking distance.</p>\n"
        s += "<p class=\"note\">\(escape(plan.coverageRule)) \(escape(plan.travelRule))\(report.depotNote.map { " " + escape($0.description + ".") } ?? "")</p>\n"
        s += "<table id=\"schedule\"><tr><th>day</th><th>order</th><th class=\"l\">event</th><th>arrive</th><th>depart</th><th class=\"l\">stop</th><th class=\"l\">near postcode</th><th class=\"l\">ward</th><th>IMD decile</th><th>drive, min</th><th>people covered</th></tr>\n"
        for (r, row) in schedule.rows.enumerated() {
            func col(_ name: String) -> String { schedule.header.firstIndex(of: name).map { row[$0] } ?? "" }
            s += "<tr><td>\(escape(col("day")))</td><td>\(escape(col("order")))</td><td class=\"l\">\(escape(col("event")))</td><td>\(escape(col("arrive")))</td><td>\(escape(col("depart")))</td>"
            s += "<td class=\"l\">\(escape(col("name")))</td><td class=\"l\">\(escape(col("postcode")))</td><td class=\"l\">\(escape(col("ward")))</td><td>\(escape(col("imd_decile")))</td>"
            s += "<td>\(col("drive_minutes").isEmpty ? "" : number(schedule, row: r, column: "drive_minutes", decimals: 0))</td>"
            s += "<td>\(col("population_covered").isEmpty ? "" : number(schedule, row: r, column: "population_covered", decimals: 0))</td></tr>\n"
        }
        s += "</table>\n"
        if let calendar = report.visitCalendar {
            s += "<p id=\"calendar\">The same stops, on the same weekday and at the same time, every cycle: "
            s += plan.routes.map { "day \($0.day) on \(escape(calendar.words(forDay: $0.day)))" }.joined(separator: "; ")
            s += ". Printable day sheets: " + plan.routes.map { "<a href=\"food-van-day-\($0.day).html\">day \($0.day)</a>" }.joined(separator: ", ")
            s += ". <a href=\"food-van.ics\">Add the visits to a calendar (food-van.ics)</a>, \(calendar.visits.count) visits over \(calendar.cycle.cycles) cycles, dated in <a href=\"food-van-visits.csv\">food-van-visits.csv</a>.</p>\n"
        }
        return s
    }

    static func sourcesSection(_ report: RegionReport) -> String {
        var s = "<h2 id=\"sources\">Data sources and attributions</h2>\n<footer>\n<ul>\n"
        for path in report.inputFiles {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let entry = DataCatalogue.files.first { path.hasSuffix($0.path) }
            s += "<li><code>\(escape(name))</code>"
            if let entry { s += ": \(escape(entry.what)), \(escape(entry.vintage)). \(escape(entry.licence))." }
            s += "</li>\n"
        }
        s += "</ul>\n"
        if let a = report.attribution { s += "<p id=\"attribution\">\(escape(a))</p>\n" }
        let nearestRule = report.accessNetwork.map { "along the network, " + escape($0) } ?? "straight lines from population-weighted centroids (no network given)"
        s += "<p id=\"travel-rule\">Every number on this page is in the CSV files beside it; the GeoJSON layers open in QGIS. Nearest services: \(nearestRule); the food van's driving times follow the travel rule stated with the plan.</p>\n"
        if !report.notes.isEmpty {
            s += "<details><summary>Notes from the joins (\(report.notes.count))</summary><ul>"
            for n in report.notes { s += "<li>\(escape(n))</li>" }
            s += "</ul></details>\n"
        }
        return s + "</footer>\n"
    }

    /// Layer toggles and the hover box. Runs without any library.
    static let script = """
    (function () {
      "use strict";
      var info = document.getElementById("info");
      var areas = document.querySelectorAll("#map path.area");
      areas.forEach(function (p) {
        p.addEventListener("mouseenter", function () {
          var d = p.getAttribute("data-decile");
          var pop = Number(p.getAttribute("data-pop") || 0).toLocaleString("en-GB");
          info.textContent = "";
          var b = document.createElement("b");
          b.textContent = p.getAttribute("data-name");
          info.appendChild(b);
          info.appendChild(document.createTextNode(" (" + p.getAttribute("data-code") + ")"));
          info.appendChild(document.createElement("br"));
          info.appendChild(document.createTextNode("IMD decile " + (d || "n/a") + (d === "1" || d === "2" ? " · Core20" : "") + " · population " + pop));
        });
      });
      document.querySelectorAll("input[data-layer]").forEach(function (box) {
        box.addEventListener("change", function () {
          var layer = document.getElementById(box.getAttribute("data-layer"));
          if (layer) { layer.style.display = box.checked ? "" : "none"; }
        });
      });
      document.body.setAttribute("data-areas-drawn", String(areas.length));
      document.body.setAttribute("data-ready", "yes");
      console.log("deprivation-map report ready: " + areas.length + " areas");
    })();
    """
}
