import Foundation
import GeoProjection

extension TravelModel {
    /// Driving minutes between every pair of points (index 0 the depot).
    static func minutes(points: [Coordinate], ids: [String], names: [String], travel: TravelModel) throws -> ([[Double]], String) {
        let n = points.count
        switch travel {
        case .straightLine(let speed, let detour):
            guard speed > 0 else { throw FoodVanError.badParameter("the driving speed must be positive", .speed) }
            guard detour >= 1 else { throw FoodVanError.badParameter("the detour factor must be at least 1", .detour) }
            var m = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            for a in 0..<n { for b in 0..<n where a != b { m[a][b] = FoodVanPlanner.distance(points[a], points[b]) * detour / 1000 / speed * 60 } }
            return (m, "driving time = straight-line distance × \(String(format: "%g", detour)) at \(String(format: "%g", speed)) km/h")
        case .matrix(let table):
            return (try RouteMatrix.read(table, ids: ids, names: names), "driving time from \(URL(fileURLWithPath: table.path).lastPathComponent)")
        case .network(let router):
            let lonLat = try toLonLat(points)
            let table = try router.table(sources: lonLat, destinations: lonLat)
            var m = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            var missing: [String] = []
            for a in 0..<n {
                for b in 0..<n where a != b {
                    if let s = table.seconds[a * n + b] { m[a][b] = s / 60 } else if a < b { missing.append("\(names[a].isEmpty ? ids[a] : names[a]) – \(names[b].isEmpty ? ids[b] : names[b])") }
                }
            }
            if !missing.isEmpty {
                throw FoodVanError.matrix(path: router.source, reason: "no road route for \(missing.count) pairs of stops (a stop on a road the van cannot use, or off the extract), e.g. \(missing.prefix(5).joined(separator: "; "))")
            }
            return (m, "driving time along the roads: \(router.source)")
        }
    }

    /// EPSG:27700 points as lon/lat.
    static func toLonLat(_ points: [Coordinate]) throws -> [Coordinate] {
        var out = points
        try ThreadProjection.current().transformer(from: .britishNationalGrid, to: .wgs84).transform(&out)
        return out
    }

    /// Each day's line (EPSG:27700, depot → stops → depot) redrawn along the roads driven,
    /// with the road metres of each leg.
    static func roadLines(_ lines: [[Coordinate]], router: NetworkRouter) throws -> (lines: [[Coordinate]], legMetres: [[Double]]) {
        let back = try ThreadProjection.current().transformer(from: .wgs84, to: .britishNationalGrid)
        var out: [[Coordinate]] = [], legs: [[Double]] = []
        for line in lines {
            let route = try router.route(try toLonLat(line))
            var road = route.line
            try back.transform(&road)
            out.append(road)
            legs.append(route.legMetres)
        }
        return (out, legs)
    }
}

/// A long table of driving times between stops: `from`, `to`, `minutes` columns (also `origin`,
/// `destination`, `time`/`cost`), keyed by stop identifier or name, and `depot`. A missing
/// direction takes the time of the other.
public enum RouteMatrix {
    /// The matrix over `ids` (index 0 the depot).
    /// - Throws: ``FoodVanError/matrix(path:reason:)`` naming the missing pairs, CSV errors.
    public static func read(_ table: CSVTable, ids: [String], names: [String]) throws -> [[Double]] {
        let path = table.path
        let from = try table.requireColumn(["from", "origin", "from_id", "o"], purpose: "from (origin)")
        let to = try table.requireColumn(["to", "destination", "to_id", "d"], purpose: "to (destination)")
        let cost = try table.requireColumn(["minutes", "time", "cost", "duration"], purpose: "minutes")
        var position: [String: Int] = [:]
        for (k, id) in ids.enumerated() { position[id.lowercased()] = k }
        for (k, name) in names.enumerated() where position[name.lowercased()] == nil { position[name.lowercased()] = k }
        let n = ids.count
        var m = [[Double]](repeating: [Double](repeating: .nan, count: n), count: n)
        for k in 0..<n { m[k][k] = 0 }
        var bad: [String] = []
        try table.forEachRow { row in
            guard let a = position[row.trimmed(from).lowercased()], let b = position[row.trimmed(to).lowercased()] else { return }
            guard let v = row.double(cost), v >= 0, v.isFinite else {
                bad.append("line \(row.line): '\(row.string(cost))'")
                return
            }
            m[a][b] = try PlausibleValues.check(v, maximum: PlausibleValues.maximumCost, path: path, line: row.line, field: table.header[cost], code: row.trimmed(from))
        }
        if !bad.isEmpty { throw FoodVanError.matrix(path: path, reason: "\(bad.count) times are not non-negative numbers: \(bad.prefix(5).joined(separator: "; "))") }
        var missing: [String] = []
        for a in 0..<n {
            for b in 0..<n where m[a][b].isNaN {
                if !m[b][a].isNaN { m[a][b] = m[b][a] } else if a < b { missing.append("\(ids[a]) – \(ids[b])") }
            }
        }
        if !missing.isEmpty {
            throw FoodVanError.matrix(path: path, reason: "no time for \(missing.count) pairs of stops, e.g. \(missing.prefix(5).joined(separator: "; ")). Add rows (from, to, minutes) for them, using the stop ids and 'depot'.")
        }
        return m
    }
}
