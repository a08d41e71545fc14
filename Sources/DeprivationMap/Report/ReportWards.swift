import Foundation

extension RegionReport {
    /// The region's wards, most deprived first: each ward is the LSOAs that best fit it (ONS
    /// lookup), with its people, population-weighted IMD score, Core20 share, population-weighted
    /// nearest GP practice, pharmacy and supermarket, and the food van's targets and coverage.
    /// `nil` without a ward lookup.
    public func wardTable() -> ReportTable? {
        guard let wardOfArea, wardOfArea.contains(where: { $0 != nil }) else { return nil }
        var members: [String: [Int]] = [:], names: [String: (String, String)] = [:]
        for (i, w) in wardOfArea.enumerated() {
            guard let w else { continue }
            members[w.code, default: []].append(i)
            names[w.code] = (w.name, w.district)
        }
        var nearest: [[String: Double]] = []
        for a in access {
            nearest.append(Dictionary(a.areas.codes.enumerated().compactMap { k, c in a.perArea.value[k].map { (c, $0) } }, uniquingKeysWith: { x, _ in x }))
        }
        let van = Dictionary((foodVan?.considered ?? []).map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        struct Row { var code: String; var cells: [String]; var score: Double }
        var rows: [Row] = []
        for (code, idx) in members {
            let pop = idx.reduce(0.0) { $0 + (map.population[$1] ?? 0) }
            func weighted(_ value: (Int) -> Double?) -> Double? {
                var sum = 0.0, weight = 0.0
                for i in idx { if let v = value(i), let p = map.population[i], p > 0 { sum += v * p; weight += p } }
                return weight > 0 ? sum / weight : nil
            }
            let score = weighted { map.imdJoin?.records[$0]?.index.score }
            let core = idx.reduce(0.0) { $0 + ((map.imdJoin?.records[$1]?.isCore20 ?? false) ? (map.population[$1] ?? 0) : 0) }
            var cells = [code, names[code]!.0, names[code]!.1, String(idx.count), Self.fixed(pop, 0), Self.fixed(score, 3),
                         pop > 0 ? Self.fixed(100 * core / pop, 1) : ""]
            for k in RegionReport.accessKinds.indices {
                cells.append(k < nearest.count ? Self.fixed(weighted { nearest[k][map.areas.codes[$0]] }, 3) : "")
            }
            let targeted = idx.reduce(0.0) { $0 + ((van[map.areas.codes[$1]]?.target ?? false) ? (map.population[$1] ?? 0) : 0) }
            let covered = idx.reduce(0.0) { $0 + ((van[map.areas.codes[$1]]?.stop != nil) ? (map.population[$1] ?? 0) : 0) }
            cells += [Self.fixed(targeted, 0), Self.fixed(covered, 0), pop > 0 ? Self.fixed(100 * covered / pop, 1) : ""]
            rows.append(Row(code: code, cells: cells, score: score ?? -.infinity))
        }
        rows.sort { $0.score != $1.score ? $0.score > $1.score : $0.code < $1.code }
        let header = ["rank", "ward_code", "ward_name", "district", "lsoas", "population", "imd_score", "core20_pct"]
            + RegionReport.accessKinds.map { "\($0)_nearest_\(accessUnit)" } + ["van_target_population", "van_covered_population", "van_covered_pct"]
        return ReportTable(file: "wards.csv", header: header, rows: rows.enumerated().map { [String($0.offset + 1)] + $0.element.cells })
    }
}
