import Foundation
import GeoEngine
import GeoProjection

/// The data of the page's interactive map (Leaflet), as JSON: the areas (lon/lat, with their
/// decile, people, nearest services, food-van status, district and ward), the services, the van's
/// route and stops, district and ward outlines (dissolved from the areas that best fit them) and a
/// compact index of the region's postcodes for the search box.
enum ExplorerMap {
    /// Coordinates are rounded to 5 decimals (about a metre): enough for a map, and small.
    static func lonLat(_ c: Coordinate) -> [Double] { [(c.x * 1e5).rounded() / 1e5, (c.y * 1e5).rounded() / 1e5] }

    static func rings(_ g: Geometry) -> [[[[Double]]]] {
        func ring(_ r: LinearRing) -> [[Double]] {
            var out: [[Double]] = []
            for c in r.coordinates { let p = lonLat(c); if out.last != p { out.append(p) } }
            return out
        }
        switch g {
        case .polygon(let p): return [[ring(p.exterior)] + p.holes.map(ring)]
        case .multiPolygon(let ps): return ps.map { [ring($0.exterior)] + $0.holes.map(ring) }
        default: return []
        }
    }

    /// Text already in JSON form (coordinates, long number lists), written as is.
    struct RawJSON { let text: String }

    static func feature(_ g: Geometry?, _ properties: [String: Any]) -> [String: Any]? {
        guard let g else { return nil }
        let parts = rings(g)
        guard !parts.isEmpty else { return nil }
        var text = ""
        text.reserveCapacity(parts.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } } * 22)
        text += "["
        for (i, polygon) in parts.enumerated() {
            if i > 0 { text += "," }
            text += "["
            for (j, ring) in polygon.enumerated() {
                if j > 0 { text += "," }
                text += "["
                for (k, c) in ring.enumerated() {
                    if k > 0 { text += "," }
                    text += "["
                    number(c[0], to: &text)
                    text += ","
                    number(c[1], to: &text)
                    text += "]"
                }
                text += "]"
            }
            text += "]"
        }
        text += "]"
        return ["type": "Feature", "properties": properties,
                "geometry": ["type": "MultiPolygon", "coordinates": RawJSON(text: text)]]
    }

    /// The JSON text (safe inside a `<script>` element: `</` is escaped).
    static func data(_ report: RegionReport, frame: AnalysisFrame, postcodes: PostcodePoints?) throws -> String {
        let map = report.map
        let grid = map.areas.crs == .britishNationalGrid ? map.areas : try map.areas.reprojected(to: .britishNationalGrid)
        let toLonLat = try ThreadProjection.current().transformer(from: .britishNationalGrid, to: .wgs84)
        let engine = try GeometryEngine()
        func wgs(_ g: Geometry?) throws -> Geometry? { try g.map { try toLonLat.transform($0) } }

        var nearest: [[String: Double]] = []
        for a in report.access {
            nearest.append(Dictionary(a.areas.codes.enumerated().compactMap { k, c in a.perArea.value[k].map { (c, $0) } }, uniquingKeysWith: { x, _ in x }))
        }
        let van = Dictionary((report.foodVan?.considered ?? []).map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var areas: [[String: Any]] = []
        var districts: [String: [Geometry]] = [:], wards: [String: [Geometry]] = [:]
        for i in grid.codes.indices {
            let code = grid.codes[i]
            let entry = frame.geography?.entries[code]
            var p: [String: Any] = ["code": code, "name": grid.names[i]]
            if let r = map.imdJoin?.records[i] { p["decile"] = r.index.decile; p["rank"] = r.index.rank }
            if let pop = map.population[i] { p["population"] = (pop).rounded() }
            for (k, kind) in RegionReport.accessKinds.enumerated() where k < nearest.count {
                if let v = nearest[k][code] { p[kind.rawValue] = (v * 100).rounded() / 100 }
            }
            if let v = van[code] { p["target"] = v.target; if let s = v.stop { p["stop"] = s } }
            if let e = entry { p["district"] = e.districtName; p["ward"] = e.wardName }
            if let g = grid.geometries[i], let point = try engine.pointOnSurface(g) { p["point"] = lonLat(try toLonLat.transform(point)) }
            if let f = feature(try wgs(grid.geometries[i]), p) { areas.append(f) }
            if let g = grid.geometries[i], let e = entry {
                if !e.districtName.isEmpty { districts[e.districtName, default: []].append(g) }
                if !e.wardName.isEmpty { wards[e.wardCode + "|" + e.wardName, default: []].append(g) }
            }
        }
        func outlines(_ groups: [String: [Geometry]], properties: (String) -> [String: Any]) throws -> [[String: Any]] {
            try groups.keys.sorted().compactMap { key in
                let union = try engine.union(groups[key]!)
                var p = properties(key)
                if let union, let point = try engine.pointOnSurface(union) { p["point"] = lonLat(try toLonLat.transform(point)) }
                return feature(try wgs(union), p)
            }
        }
        // Each ward's row of the ward table (wards.csv), shown when the ward is clicked.
        var wardRows: [String: [String: String]] = [:]
        if let table = report.wardTable() {
            for row in table.rows { wardRows[row[1]] = Dictionary(uniqueKeysWithValues: zip(table.header, row)) }
        }
        func ward(_ key: String) -> [String: Any] {
            let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
            var p: [String: Any] = ["code": parts[0], "name": parts.count > 1 ? parts[1] : ""]
            if let row = wardRows[parts[0]] { p["row"] = row; p["wards"] = wardRows.count }
            return p
        }
        // Services in and around the region (3 km beyond its bounding box), not the whole country.
        let regionBox = grid.geometries.compactMap { $0?.envelope }.reduce(nil as Envelope?) { acc, e in acc.map { $0.union(e) } ?? e }
        let near = regionBox.map { Envelope(minX: $0.minX - 3000, minY: $0.minY - 3000, maxX: $0.maxX + 3000, maxY: $0.maxY + 3000) }
        var services: [[String: Any]] = []
        for set in map.services {
            let gridSet = set.crs == .britishNationalGrid ? set : try set.reprojected(to: .britishNationalGrid)
            let wgsSet = set.crs == .wgs84 ? set : try set.reprojected(to: .wgs84)
            let kept = gridSet.points.indices.filter { near?.contains(gridSet.points[$0]) ?? true }
            services.append(["kind": set.kind.rawValue, "label": set.kind.plural, "colour": set.kind.colour,
                             "points": kept.map { [lonLat(wgsSet.points[$0])[0], lonLat(wgsSet.points[$0])[1], wgsSet.names[$0]] as [Any] }])
        }
        var route: [[String: Any]] = [], stops: [[String: Any]] = []
        if let plan = report.foodVan {
            for (d, line) in plan.routeLines.enumerated() {
                var l = line
                try toLonLat.transform(&l)
                route.append(["day": plan.routes[d].day, "line": l.map(lonLat)])
            }
            for s in plan.stops {
                stops.append(["number": s.number, "name": s.name, "day": s.day, "arrive": FoodVanPlan.clock(s.arrival),
                              "people": s.populationCovered.rounded(), "point": lonLat(try toLonLat.transform(s.point))])
            }
        }
        let postcodeIndex = try postcodes.map { try searchIndex($0, areas: grid, box: regionBox) } ?? [:]
        let json: [String: Any] = ["areas": ["type": "FeatureCollection", "features": areas],
                                   "districts": ["type": "FeatureCollection", "features": try outlines(districts) { ["name": $0] }],
                                   "wards": ["type": "FeatureCollection", "features": try outlines(wards, properties: ward)],
                                   "services": services, "route": route, "stops": stops, "postcodes": postcodeIndex,
                                   "colours": ReportPage.decileColours, "dayColours": ReportPage.dayColours, "kinds": RegionReport.accessKinds.map { [$0.rawValue, $0.singular] },
                                   "unit": report.accessUnit]
        var out = ""
        out.reserveCapacity(1 << 22)
        write(json, to: &out)
        return out
    }

    /// The region's postcodes for the search box (inside one of its areas: a bounding box first,
    /// then GEOS), as one comma-separated string and a flat list of lon/lat × 10⁵.
    static func searchIndex(_ postcodes: PostcodePoints, areas grid: Areas, box regionBox: Envelope?) throws -> [String: Any] {
        let toLonLat = try ThreadProjection.current().transformer(from: .britishNationalGrid, to: .wgs84)
        var candidates: [Int] = []
        if let box = regionBox { for i in postcodes.coordinates.indices where box.contains(postcodes.coordinates[i]) { candidates.append(i) } }
        let join = try PointJoin.join(points: candidates.map { postcodes.coordinates[$0] }, polygons: grid.geometries, labels: grid.codes)
        var codes: [String] = [], xy: [Int] = []
        for (j, i) in candidates.enumerated() where join.match[j] == .inside {
            let c = try toLonLat.transform(postcodes.coordinates[i])
            codes.append(postcodes.postcodes[i].replacingOccurrences(of: " ", with: "").uppercased())
            xy += [Int((c.x * 1e5).rounded()), Int((c.y * 1e5).rounded())]
        }
        return ["codes": codes.joined(separator: ","), "xy": RawJSON(text: "[" + xy.map(String.init).joined(separator: ",") + "]")]
    }

    /// JSON text of the tree built above (dictionaries with sorted keys, arrays, strings, numbers,
    /// booleans): Foundation's JSONSerialization took 1.8 s on Linux for Mid and South Essex.
    static func write(_ value: Any, to out: inout String) {
        switch value {
        case let d as [String: Any]:
            out += "{"
            for (k, key) in d.keys.sorted().enumerated() {
                if k > 0 { out += "," }
                string(key, to: &out)
                out += ":"
                write(d[key]!, to: &out)
            }
            out += "}"
        case let a as [Any]:
            out += "["
            for (k, v) in a.enumerated() {
                if k > 0 { out += "," }
                write(v, to: &out)
            }
            out += "]"
        case let r as RawJSON: out += r.text
        case let b as Bool: out += b ? "true" : "false"
        case let i as Int: out += String(i)
        case let v as Double: number(v, to: &out)
        case let t as String: string(t, to: &out)
        default: out += "null"
        }
    }

    /// A finite number with at most 5 decimals, trailing zeros dropped (null when not finite).
    static func number(_ v: Double, to out: inout String) {
        guard v.isFinite, abs(v) < 1e12 else { out += "null"; return }
        let scaled = Int((v * 1e5).rounded())
        if scaled < 0 { out += "-" }
        let magnitude = scaled.magnitude
        out += String(magnitude / 100_000)
        var fraction = magnitude % 100_000
        guard fraction > 0 else { return }
        var digits = 5
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let text = String(fraction)
        out += "." + String(repeating: "0", count: digits - text.count) + text
    }

    /// A JSON string; `</` written as `<\/` so the text can sit inside a `<script>` element.
    static func string(_ t: String, to out: inout String) {
        out += "\""
        var previous: Character = " "
        for c in t {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "/" where previous == "<": out += "\\/"
            default:
                if let a = c.asciiValue, a < 0x20 { out += String(format: "\\u%04x", a) } else { out.append(c) }
            }
            previous = c
        }
        out += "\""
    }
}
