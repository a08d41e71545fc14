import Foundation

/// Need-adjusted GP supply (HEEC method) of the practices located in a report's region, beside
/// England's, by national quintile of practices' IMD score.
public struct RegionNeedAdjustedSupply: Sendable {
    /// The region's practices: table and SII (no SII when fewer than five quintiles have practices).
    public var region: NeedAdjustedSupplyReport.Area
    /// England's.
    public var england: NeedAdjustedSupplyReport.Area
    /// The method in words (years, quintile rule, practices dropped).
    public var method: String
    /// GP practices located in the region that are not in the need-adjusted table (no workforce or payments row).
    public var unmatched: [String]

    /// The region's practices are the GP services (``AreaMap/services``, first kind) that lie in
    /// one of its areas, matched to `supply` by practice code.
    init(_ supply: NeedAdjustedSupply, map: AreaMap, region: String, settings: InequalitySettings) {
        var codes = Set<String>()
        if let k = map.serviceKinds.firstIndex(of: .gp) {
            for (i, area) in map.serviceAreas[k].enumerated() where area >= 0 { codes.insert(map.services[k].ids[i].uppercased()) }
        }
        let local = supply.restricted(to: codes, scope: region)
        self.region = NeedAdjustedSupplyReport.area(local, settings: settings)
        england = NeedAdjustedSupplyReport.area(supply, settings: settings)
        method = supply.method
        unmatched = codes.subtracting(local.practices.map(\.code)).sorted()
    }
}

extension RegionReport {
    /// The need-adjusted GP supply table (gp-need-adjusted.csv): per national quintile and for all
    /// practices, the region's practices, weighted patients, GP FTE and GP FTE per 10,000 weighted
    /// and registered patients and payments per weighted patient, beside England's; then the SII
    /// `nil` without need-adjusted input.
    public func needAdjustedTable() -> ReportTable? {
        guard let n = gpNeedAdjusted else { return nil }
        func f(_ v: Double?, _ d: Int) -> String { v.map { $0.isFinite ? String(format: "%.\(d)f", $0) : "" } ?? "" }
        var rows: [[String]] = []
        let keys: [Int?] = [1, 2, 3, 4, 5, nil]
        for q in keys {
            let r = q.map { q in n.region.table.quintiles.first { $0.quintile == q } } ?? n.region.table.all
            let e = q.map { q in n.england.table.quintiles.first { $0.quintile == q } } ?? n.england.table.all
            rows.append([q.map(String.init) ?? "all", r.map { String($0.practices) } ?? "0", f(r?.weighted, 1), f(r?.gpFTE, 2),
                         f(r?.gpPer10kWeighted, 4), f(r?.gpPer10kRegistered, 4), f(r?.paymentsPerWeighted, 2),
                         e.map { String($0.practices) } ?? "0", f(e?.gpPer10kWeighted, 4), f(e?.gpPer10kRegistered, 4), f(e?.paymentsPerWeighted, 2)])
        }
        return ReportTable(file: "gp-need-adjusted.csv",
                           header: ["quintile", "practices", "weighted_patients", "gp_fte", "gp_per_10k_weighted", "gp_per_10k_registered", "payments_per_weighted",
                                    "england_practices", "england_gp_per_10k_weighted", "england_gp_per_10k_registered", "england_payments_per_weighted"],
                           rows: rows)
    }
}

extension RegionReport {
    /// The Slope Index of Inequality of GP FTE per 10,000 weighted patients over the five national
    /// quintiles, for the region's practices (when all five quintiles have some) and for England
    /// (gp-need-adjusted-sii.csv).
    public func needAdjustedStatistics() -> ReportTable? {
        guard let n = gpNeedAdjusted else { return nil }
        func f(_ v: Double?) -> String { v.map { $0.isFinite ? String(format: "%.4f", $0) : "" } ?? "" }
        let rows = [("region", n.region.sii), ("england", n.england.sii)].compactMap { name, s in
            s.map { [name, f($0.sii), f($0.siiLower), f($0.siiUpper), f($0.rii), String($0.draws)] }
        }
        return ReportTable(file: "gp-need-adjusted-sii.csv", header: ["scope", "sii", "lower", "upper", "rii", "draws"], rows: rows)
    }
}

extension ReportPage {
    /// The page section of need-adjusted GP supply (from gp-need-adjusted.csv).
    static func needAdjustedSection(_ report: RegionReport, table t: ReportTable, statistics: ReportTable?) -> String {
        guard let n = report.gpNeedAdjusted else { return "" }
        var h = "<h2 id=\"gp-need-adjusted\">GP supply against need: per 10,000 weighted patients</h2>\n"
        h += "<p class=\"note\">\(escape(n.method)) The region's practices are those located in its areas: \(n.region.table.all.practices) with workforce and payments rows"
        h += n.unmatched.isEmpty ? ".</p>\n" : "; \(n.unmatched.count) others have none (\(escape(n.unmatched.prefix(8).joined(separator: ", ")))\(n.unmatched.count > 8 ? " …" : "")).</p>\n"
        h += "<table id=\"need-adjusted-table\"><tr><th class=\"l\">practice-IMD quintile</th><th>practices</th><th>weighted patients</th><th>GP FTE</th><th>GP FTE per 10,000 weighted</th><th>England</th><th>per 10,000 registered</th><th>England</th><th>payments per weighted patient, £</th><th>England</th></tr>\n"
        for (r, row) in t.rows.enumerated() {
            let label = row[0] == "all" ? "all practices" : row[0] == "1" ? "1 (most deprived)" : row[0] == "5" ? "5 (least deprived)" : row[0]
            h += "<tr><td class=\"l\">\(label)</td><td>\(number(t, row: r, column: "practices", decimals: 0))</td><td>\(number(t, row: r, column: "weighted_patients", decimals: 0))</td>"
            h += "<td>\(number(t, row: r, column: "gp_fte", decimals: 1))</td><td>\(number(t, row: r, column: "gp_per_10k_weighted", decimals: 2))</td><td>\(number(t, row: r, column: "england_gp_per_10k_weighted", decimals: 2))</td>"
            h += "<td>\(number(t, row: r, column: "gp_per_10k_registered", decimals: 2))</td><td>\(number(t, row: r, column: "england_gp_per_10k_registered", decimals: 2))</td>"
            h += "<td>\(number(t, row: r, column: "payments_per_weighted", decimals: 2))</td><td>\(number(t, row: r, column: "england_payments_per_weighted", decimals: 2))</td></tr>\n"
        }
        h += "</table>\n"
        for (key, whose) in [("region", "The region's"), ("england", "England's")] {
            guard let st = statistics, let r = st.rows.firstIndex(where: { $0[0] == key }) else {
                if key == "region" { h += "<p class=\"note\">No SII for the region's practices: \(escape(n.region.siiUnavailable ?? "fewer than five quintiles have practices")).</p>\n" }
                continue
            }
            h += "<p class=\"note\" id=\"need-adjusted-sii-\(key)\">\(whose) Slope Index of Inequality over the five quintiles: \(number(st, row: r, column: "sii", decimals: 2)) GP FTE per 10,000 weighted patients (95% CI \(number(st, row: r, column: "lower", decimals: 2)) to \(number(st, row: r, column: "upper", decimals: 2))); positive: fewer GPs per weighted patient where practices serve more deprived people.</p>\n"
        }
        return h
    }
}
