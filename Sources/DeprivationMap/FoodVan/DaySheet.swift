import Foundation

/// A printable sheet for one van day: the stops in order with arrival and departure, nearest
/// postcode, ward and people covered, the weekday of the cycle when a calendar is given, and a
/// map of that day (the areas around the route, the route, numbered stops, the depot) as SVG.
public enum DaySheet {
    /// The sheet of route day `day` as a self-contained HTML page (A4, prints as shown).
    /// `areas` are the region's shapes in EPSG:27700 (for the map's background).
    public static func html(plan: FoodVanPlan, day: Int, areas: [Geometry?], calendar: VisitCalendar? = nil, title: String,
                            attribution: String?) -> String {
        guard let route = plan.routes.first(where: { $0.day == day }) else { return "" }
        let stops = plan.stops.filter { $0.day == day }.sorted { $0.order < $1.order }
        let position = plan.routes.firstIndex { $0.day == day }!
        let line = plan.routeLines.indices.contains(position) ? plan.routeLines[position] : []
        let esc = ReportPage.escape
        var h = """
        <!doctype html>
        <html lang="en-GB"><head><meta charset="utf-8"><title>\(esc(title)): day \(day)</title>
        <style>
        @page{size:A4 portrait;margin:12mm}
        body{font:11pt/1.35 system-ui,sans-serif;color:#111;margin:1em}
        h1{font-size:15pt;margin:0 0 .2em}
        table{border-collapse:collapse;width:100%;margin:.6em 0}
        th,td{border:1px solid #999;padding:3px 5px;text-align:left;vertical-align:top}
        td.n{text-align:right}
        svg{width:100%;height:auto;border:1px solid #bbb;max-height:120mm}
        .note{color:#444;font-size:9pt}
        </style></head><body>
        <h1>\(esc(title)): day \(day)</h1>

        """
        let when = calendar.map { c in c.words(forDay: day) + (c.visits.first(where: { $0.stop.day == day }).map { v in
            String(format: "; first visit %04d-%02d-%02d", v.date.year!, v.date.month!, v.date.day!) } ?? "") }
        h += "<p id=\"day-summary\">\(when.map { esc($0) + ". " } ?? "")Leave \(esc(plan.depotLabel)) at \(FoodVanPlan.clock(plan.input.startMinutes)); "
        h += "\(stops.count) stop\(stops.count == 1 ? "" : "s"); back by \(FoodVanPlan.clock(plan.input.startMinutes + route.totalMinutes)); \(Int(route.drivingMinutes.rounded())) minutes driving.</p>\n"
        h += "<table id=\"day-stops\"><tr><th>#</th><th>arrive</th><th>depart</th><th>stop</th><th>near postcode</th><th>ward</th><th>people covered</th><th>drive from previous</th></tr>\n"
        for s in stops {
            h += "<tr data-stop=\"\(s.number)\"><td class=\"n\">\(s.order)</td><td>\(FoodVanPlan.clock(s.arrival))</td><td>\(FoodVanPlan.clock(s.departure))</td>"
            h += "<td>\(esc(s.name))<br><span class=\"note\">\(esc(s.areaCode)), E \(Int(s.point.x.rounded())) N \(Int(s.point.y.rounded()))</span></td>"
            h += "<td>\(esc(s.place?.postcode ?? "–"))</td><td>\(esc(s.place?.ward ?? ""))</td><td class=\"n\">\(Int(s.populationCovered.rounded()))</td>"
            h += "<td class=\"n\">\(Int(s.legMinutes.rounded())) min, \(String(format: "%.1f", s.legKilometres)) km</td></tr>\n"
        }
        h += "</table>\n" + map(line: line, stops: stops, depot: plan.depot, areas: areas)
        h += "<p class=\"note\">\(esc(plan.travelRule)). \(esc(attribution ?? ""))</p>\n</body></html>\n"
        return h
    }

    /// The day's map: the route's box with a margin, the areas in it, the route, the stops and the depot.
    static func map(line: [Coordinate], stops: [FoodVanStop], depot: Coordinate, areas: [Geometry?]) -> String {
        let points = line + stops.map(\.point) + [depot]
        let box = Envelope(covering: points)
        let margin = max(800, max(box.maxX - box.minX, box.maxY - box.minY) * 0.08)
        let minX = box.minX - margin, maxY = box.maxY + margin
        let width = box.maxX - box.minX + 2 * margin, height = box.maxY - box.minY + 2 * margin
        let unit = max(width, height) / 2000
        func x(_ c: Coordinate) -> Int { Int(saturating: (c.x - minX) / unit) }
        func y(_ c: Coordinate) -> Int { Int(saturating: (maxY - c.y) / unit) }
        let view = Envelope(minX: minX, minY: maxY - height, maxX: minX + width, maxY: maxY)
        var s = "<svg id=\"day-map\" viewBox=\"0 0 \(Int(width / unit)) \(Int(height / unit))\" xmlns=\"http://www.w3.org/2000/svg\">\n<g fill=\"#f1f1f1\" stroke=\"#aaa\" stroke-width=\"1\">"
        for g in areas.compactMap({ $0 }) where g.envelope.intersects(view) {
            for polygon in g.polygons {
                let d = ([polygon.exterior] + polygon.holes).map { ring in "M" + ring.coordinates.map { "\(x($0)),\(y($0))" }.joined(separator: "L") + "Z" }.joined()
                s += "<path d=\"\(d)\"/>"
            }
        }
        s += "</g>\n<polyline fill=\"none\" stroke=\"#d7301f\" stroke-width=\"6\" stroke-linejoin=\"round\" points=\"\(line.map { "\(x($0)),\(y($0))" }.joined(separator: " "))\"/>\n"
        s += "<rect x=\"\(x(depot) - 14)\" y=\"\(y(depot) - 14)\" width=\"28\" height=\"28\" fill=\"#000\"><title>depot</title></rect>\n"
        for stop in stops {
            s += "<g class=\"stop\"><circle cx=\"\(x(stop.point))\" cy=\"\(y(stop.point))\" r=\"24\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"4\"/>"
            s += "<text x=\"\(x(stop.point))\" y=\"\(y(stop.point) + 10)\" text-anchor=\"middle\" font-size=\"30\" font-weight=\"bold\">\(stop.order)</text></g>\n"
        }
        return s + "</svg>\n"
    }
}
