import Foundation

/// The England page of `report --all-icbs`: the ICBs ranked by the SII of need-adjusted GP
/// supply with their Core20 share and food-van targets (every number from england-icbs.csv),
/// each linked to its report, over a national map of LSOA IMD deciles drawn on a canvas.
enum EnglandPage {
    static func html(_ england: EnglandReport, table t: ReportTable) -> String {
        let esc = ReportPage.escape
        var h = """
        \(ReportPage.documentStart(title: "Deprivation and access to services: England by ICB"))
        table{border-collapse:collapse;background:#fff;margin:.5rem 0;font-size:.9rem}
        th,td{border:1px solid #ddd;padding:.25rem .45rem;text-align:right}th{background:#f0f0f0}td.l,th.l{text-align:left}
        .note{color:#555;font-size:.9rem}.legend span{display:inline-block;width:1.1rem;height:.8rem;margin:0 .2rem 0 .6rem;border:1px solid #999;vertical-align:middle}
        #decile-canvas{background:#fff;border:1px solid #ccc}
        footer{font-size:.85rem;color:#444}
        </style>
        </head>
        <body>
        <main>
        <h1>Deprivation and access to services: England by ICB</h1>
        <p class="note">\(england.icbs.count) Integrated Care Boards, one report each (linked); generated \(esc(ISO8601DateFormatter().string(from: Date()))) by deprivation-map.</p>

        """
        if !england.failures.isEmpty {
            h += "<p class=\"note\" id=\"failures\">No report for \(england.failures.count) ICBs: " + england.failures.keys.sorted().map { "\(esc($0)) (\(esc(england.failures[$0]!)))" }.joined(separator: "; ") + ".</p>\n"
        }
        if let e = england.englandGP {
            h += "<p class=\"note\">England: \(String(format: "%.3f", e.table.all.gpPer10kWeighted)) GP FTE (excluding trainees and locums) per 10,000 weighted patients"
            if let s = e.sii { h += "; SII over the national practice-IMD quintiles \(String(format: "%.3f", s.sii)) (95% CI \(String(format: "%.3f", s.siiLower)) to \(String(format: "%.3f", s.siiUpper))): positive means fewer GPs per weighted patient where practices serve more deprived people" }
            h += ".</p>\n"
        }
        h += "<h2 id=\"ranking\">ICBs by the inverse care law in GP supply</h2>\n"
        h += "<p class=\"note\">Ranked by the Slope Index of Inequality of GP FTE per 10,000 weighted patients across the national practice-IMD quintiles (the ICB's practices; largest gradient first; ICBs whose practices do not cover all five quintiles last). Core20: people in the 20% most deprived LSOAs of England (IMD 2025). Food van: Core20 areas far from a supermarket, and the people the planned stops cover.</p>\n"
        h += "<table id=\"icb-table\"><tr><th>rank</th><th class=\"l\">ICB</th><th>LSOAs</th><th>people</th><th>Core20 %</th><th>GP FTE per 10,000 weighted</th><th>SII</th><th>95% CI</th><th>van target areas</th><th>van target people</th><th>stops</th><th>people covered</th></tr>\n"
        for (r, row) in t.rows.enumerated() {
            func n(_ c: String, _ d: Int) -> String { ReportPage.number(t, row: r, column: c, decimals: d) }
            let name = row[3].replacingOccurrences(of: " Integrated Care Board", with: "").replacingOccurrences(of: "NHS ", with: "")
            h += "<tr><td>\(n("rank", 0))</td><td class=\"l\"><a href=\"\(esc(row[4]))/index.html\">\(esc(name))</a> (\(esc(row[1])))</td><td>\(n("lsoas", 0))</td><td>\(n("population", 0))</td>"
            h += "<td>\(n("core20_pct", 1))</td><td>\(n("gp_per_10k_weighted", 2))</td><td>\(n("gp_sii", 2))</td>"
            h += row[11].isEmpty ? "<td>–</td>" : "<td>\(n("gp_sii_lower", 2)) to \(n("gp_sii_upper", 2))</td>"
            if let c = t.header.firstIndex(of: "van_note"), !row[c].isEmpty {
                h += "<td colspan=\"4\" class=\"l\">no plan: \(esc(row[c]))</td></tr>\n"
            } else {
                h += "<td>\(n("van_target_areas", 0))</td><td>\(n("van_target_population", 0))</td><td>\(n("van_stops", 0))</td><td>\(n("van_covered_population", 0))</td></tr>\n"
            }
        }
        h += "</table>\n<p class=\"note\">Every number is in england-icbs.csv beside this page.</p>\n"

        // The national decile map: each LSOA's population-weighted centroid, 100 m units, on a canvas.
        var grid: [(Int, Int, Int)] = []
        for p in england.mapPoints where p.x.isFinite && p.y.isFinite {
            grid.append((Int((p.x / 100).rounded()), Int((p.y / 100).rounded()), p.decile))
        }
        let flat = grid.map { "\($0.0),\($0.1),\($0.2)" }.joined(separator: ",")
        h += "<h2 id=\"england-map\">IMD 2025 deciles of England's LSOAs</h2>\n"
        h += "<p class=\"note legend\">Each dot is an LSOA's population-weighted centre, coloured by its national decile:"
        for (k, c) in ReportPage.decileColours.enumerated() { h += "<span style=\"background:\(c)\"></span>\(k + 1)" }
        h += " (1 = most deprived).</p>\n<canvas id=\"decile-canvas\" width=\"620\" height=\"760\" data-points=\"\(grid.count)\"></canvas>\n"
        h += "<script type=\"application/json\" id=\"england-points\">[\(flat)]</script>\n"
        h += """
        <script>
        (function () {
          "use strict";
          var p = JSON.parse(document.getElementById("england-points").textContent), colours = [\(ReportPage.decileColours.map { "\"\($0)\"" }.joined(separator: ","))];
          var c = document.getElementById("decile-canvas"), g = c.getContext("2d");
          var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
          for (var i = 0; i < p.length; i += 3) { minX = Math.min(minX, p[i]); maxX = Math.max(maxX, p[i]); minY = Math.min(minY, p[i + 1]); maxY = Math.max(maxY, p[i + 1]); }
          var s = Math.min((c.width - 10) / (maxX - minX), (c.height - 10) / (maxY - minY)), drawn = 0;
          for (var d = 10; d >= 1; d--) {
            g.fillStyle = colours[d - 1];
            for (var k = 0; k < p.length; k += 3) {
              if (p[k + 2] !== d) continue;
              g.fillRect(5 + (p[k] - minX) * s - 1, c.height - 5 - (p[k + 1] - minY) * s - 1, 2, 2);
              drawn++;
            }
          }
          c.dataset.drawn = String(drawn);
          console.log("england ready: " + document.querySelectorAll("#icb-table tr").length + " rows, " + drawn + " points");
        })();
        </script>

        """
        h += "<h2 id=\"sources\">Data sources and attributions</h2>\n<footer>\n<ul>\n"
        for path in england.inputFiles {
            let entry = DataCatalogue.files.first { path.hasSuffix($0.path) }
            h += "<li><code>\(esc(URL(fileURLWithPath: path).lastPathComponent))</code>" + (entry.map { ": \(esc($0.what)), \(esc($0.vintage)). \(esc($0.licence))." } ?? "") + "</li>\n"
        }
        h += "</ul>\n"
        if let a = england.attribution { h += "<p id=\"attribution\">\(esc(a))</p>\n" }
        return h + "</footer>\n</main>\n</body>\n</html>\n"
    }
}
