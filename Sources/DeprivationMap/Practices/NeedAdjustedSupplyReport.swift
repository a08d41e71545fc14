import Foundation

/// Need-adjusted GP supply as a report: the method, England's table by practice-IMD quintile with
/// the Slope Index of Inequality, each ICB's table by national quintile with its SII, and what was
/// dropped. Written by `gap` as Markdown, JSON and tables.
public struct NeedAdjustedSupplyReport: Sendable, Codable {
    /// One area's table and its inequality statistics.
    public struct Area: Sendable, Codable {
        /// The table by quintile.
        public var table: NeedAdjustedSupply.Table
        /// SII and RII of GP FTE per 10,000 weighted patients over the quintiles; `nil` when fewer than five have practices.
        public var sii: SlopeIndex?
        /// Why the SII is absent.
        public var siiUnavailable: String?
    }

    /// The method in words.
    public var method: String
    /// England.
    public var england: Area
    /// Each ICB, by name.
    public var icbs: [Area]
    /// What the reader noticed, in words.
    public var notes: [String]
    /// Input files.
    public var inputs: [String]
    /// The licence notice of the inputs.
    public var attribution: String?

    /// The report of `supply`, with its SIIs computed by `settings` (quintiles; the seed fixes the limits).
    public init(_ supply: NeedAdjustedSupply, settings: InequalitySettings = InequalitySettings(groups: .quintiles),
                notes: [String], attribution: String?) {
        func area(_ icb: String?) -> Area { Self.area(supply, icb: icb, settings: settings) }
        method = supply.method
        england = area(nil)
        icbs = supply.icbs.map(area)
        self.notes = notes
        inputs = supply.inputs
        self.attribution = attribution
    }

    /// The table and SII of `supply`'s practices, or of one ICB's.
    public static func area(_ supply: NeedAdjustedSupply, icb: String? = nil, settings: InequalitySettings = InequalitySettings(groups: .quintiles)) -> Area {
        let summary = supply.inequality(icb: icb, settings: settings)
        return Area(table: supply.table(icb: icb), sii: summary.sii, siiUnavailable: summary.siiUnavailable)
    }

    static func f(_ v: Double, _ digits: Int = 3) -> String { v.isFinite ? String(format: "%.\(digits)f", v) : "–" }

    /// The header of ``icbRows``.
    public static let icbHeader = ["icb", "practices", "weighted_patients", "gp_fte", "gp_per_10k_weighted_all"]
        + (1...5).map { "gp_per_10k_weighted_q\($0)" } + ["sii", "sii_lower", "sii_upper", "rii"]

    /// One row per area (England first): totals, GP FTE per 10,000 weighted patients overall and
    /// by national quintile (1 = most deprived; blank when the area has no practice there), SII.
    public var icbRows: [[String]] {
        ([england] + icbs).map { a in
            var row = [a.table.area, String(a.table.all.practices), Self.f(a.table.all.weighted, 2), Self.f(a.table.all.gpFTE, 2), Self.f(a.table.all.gpPer10kWeighted, 4)]
            for q in 1...5 { row.append(a.table.quintiles.first { $0.quintile == q }.map { Self.f($0.gpPer10kWeighted, 4) } ?? "") }
            if let s = a.sii { row += [Self.f(s.sii, 4), Self.f(s.siiLower, 4), Self.f(s.siiUpper, 4), s.rii.map { Self.f($0, 4) } ?? ""] } else { row += ["", "", "", ""] }
            return row
        }
    }

    /// One line: England's gap between the most and least deprived fifth of practices, and its SII.
    public var verdict: String {
        let q = england.table.quintiles
        guard let most = q.first(where: { $0.quintile == 1 }), let least = q.first(where: { $0.quintile == 5 }) else {
            return "England: \(Self.f(england.table.all.gpPer10kWeighted)) GP FTE per 10,000 weighted patients."
        }
        var text = "The most deprived fifth of practices has \(Self.f(most.gpPer10kWeighted)) GP FTE per 10,000 weighted patients against \(Self.f(least.gpPer10kWeighted)) in the least deprived fifth (England \(Self.f(england.table.all.gpPer10kWeighted)))."
        if let s = england.sii {
            text += " SII \(Self.f(s.sii)) (\(Int(s.confidence * 100))% CI \(Self.f(s.siiLower)) to \(Self.f(s.siiUpper)))"
            text += s.siiLower > 0 ? ": supply is lower where need is higher." : s.siiUpper < 0 ? ": supply is higher where need is higher." : ": no clear gradient."
        }
        return text
    }

    /// The report as Markdown.
    public func markdown() -> String {
        var md = "# Need-adjusted GP supply by practice deprivation\n\n**Verdict.** \(verdict)\n\n**Method.** \(method)\n\n"
        md += "## England by practice-IMD quintile\n\n"
        md += "| Quintile | Practices | Weighted patients | GP FTE | GP FTE per 10,000 weighted | per 10,000 registered | Payments per weighted patient (£) |\n|---|---:|---:|---:|---:|---:|---:|\n"
        for g in england.table.quintiles + [england.table.all] {
            let label = g.quintile.map { $0 == 1 ? "1 (most deprived)" : $0 == 5 ? "5 (least deprived)" : String($0) } ?? "All practices"
            md += "| \(label) | \(grouped(g.practices)) | \(grouped(Int(g.weighted.rounded()))) | \(Self.f(g.gpFTE, 1)) | \(Self.f(g.gpPer10kWeighted)) | \(Self.f(g.gpPer10kRegistered)) | \(Self.f(g.paymentsPerWeighted, 2)) |\n"
        }
        if let s = england.sii {
            md += "\nSlope Index of Inequality (PHE method, quintiles weighted by weighted patients, \(grouped(s.draws)) simulations, seed \(s.seed)): \(Self.f(s.sii)) GP FTE per 10,000 weighted patients (\(Int(s.confidence * 100))% CI \(Self.f(s.siiLower)) to \(Self.f(s.siiUpper)))"
            if let r = s.rii { md += ", RII \(Self.f(r))" }
            md += ". Positive: supply rises from the most to the least deprived practices.\n"
        } else if let why = england.siiUnavailable { md += "\nNo SII: \(why)\n" }
        md += "\n## By ICB (national quintiles; GP FTE per 10,000 weighted patients)\n\n| ICB | Practices | All | Q1 (most deprived) | Q2 | Q3 | Q4 | Q5 (least deprived) | SII (CI) |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n"
        for a in icbs {
            let cells: [String] = (1...5).map { q in a.table.quintiles.first { $0.quintile == q }.map { Self.f($0.gpPer10kWeighted) } ?? "–" }
            let sii = a.sii.map { "\(Self.f($0.sii)) (\(Self.f($0.siiLower)) to \(Self.f($0.siiUpper)))" } ?? "– (\(a.table.quintiles.count) quintiles)"
            md += "| \(a.table.area) | \(a.table.all.practices) | \(Self.f(a.table.all.gpPer10kWeighted)) | " + cells.joined(separator: " | ") + " | \(sii) |\n"
        }
        if !notes.isEmpty { md += "\n## Notes\n\n" + notes.map { "- \($0)\n" }.joined() }
        md += "\n## Data\n\n" + inputs.map { "- `\($0)`\n" }.joined()
        if let attribution { md += "\n\(attribution)\n" }
        return md
    }
}
