import Foundation

/// The inverse-care-law report: supply (or access) against deprivation, with the SII, RII,
/// their confidence limits, the decile and quintile tables and a plain-language verdict.
public struct GapReport: Codable, Sendable {
    /// Report title.
    public var title: String
    /// What was measured and how.
    public var measure: String
    /// Unit of the measure in words.
    public var unit: String
    /// `true` when more is better (supply per need), `false` for distances and times.
    public var higherIsBetter: Bool
    /// The region in words.
    public var region: String
    /// What the groups are ("IMD 2019 deciles of LSOAs, population-weighted" …).
    public var grouping: String
    /// Summaries by decile (1 = most deprived).
    public var deciles: [GroupSummary]
    /// Summaries by quintile.
    public var quintiles: [GroupSummary]
    /// Most against least deprived decile.
    public var decileContrast: GroupContrast?
    /// Most against least deprived quintile.
    public var quintileContrast: GroupContrast?
    /// Slope and Relative Index of Inequality with limits.
    public var sii: SlopeIndex
    /// Population-weighted concentration index, most deprived first.
    public var concentrationIndex: Double?
    /// The verdict in plain words.
    public var verdict: String
    /// What the analysis noticed, in words.
    public var notes: [String]
    /// Input files.
    public var inputs: [String]
    /// The licence notice of the inputs.
    public var attribution: String?

    private func f(_ v: Double) -> String { GroupTable.number(v) }

    func writeVerdict() -> String {
        let level = Int(saturating: sii.confidence * 100)
        let ci = "\(level)% CI \(f(sii.siiLower)) to \(f(sii.siiUpper))"
        var text: String
        if sii.siiLower > 0 || sii.siiUpper < 0 {
            // SII > 0: the value rises from the most to the least deprived end.
            let risesToLeastDeprived = sii.sii > 0
            if higherIsBetter {
                text = risesToLeastDeprived ? "Supply is lower where need is higher: the inverse care law holds here."
                                            : "Supply is higher where need is higher: no inverse care law here."
            } else {
                text = risesToLeastDeprived ? "Services are nearer where need is higher."
                                            : "Services are further away where need is higher: the inverse care law holds here."
            }
        } else {
            text = "No clear gradient with deprivation: the SII's \(ci) includes 0."
        }
        if let q = quintileContrast, let most = quintiles.first, let least = quintiles.last {
            text += " The gap between the most and least deprived fifth is \(f(abs(q.difference))) \(unit) (\(f(most.mean)) against \(f(least.mean)); difference most − least \(f(q.difference)), \(level)% CI \(f(q.differenceLower)) to \(f(q.differenceUpper)))."
        }
        text += " Across all deciles the Slope Index of Inequality is \(f(sii.sii)) (\(ci))"
        if let rii = sii.rii {
            text += " and the Relative Index of Inequality \(String(format: "%.3f", rii))"
            if let lo = sii.riiLower, let hi = sii.riiUpper { text += " (\(level)% CI \(String(format: "%.3f", lo)) to \(String(format: "%.3f", hi)))" }
        }
        text += ": the fitted value at the least deprived end is \(f(sii.fittedLeastDeprived)) against \(f(sii.fittedMostDeprived)) at the most deprived end."
        return text
    }

    /// The report as Markdown.
    public func markdown() -> String {
        var md = "# \(title)\n\n**Verdict.** \(verdict)\n\n"
        md += "- Measure: \(measure)\n- Unit: \(unit)\n- Region: \(region)\n- Groups: \(grouping)\n"
        md += "- Statistics: SII and RII by the PHE method (groups ordered 1 = most deprived, relative rank at each group's population midpoint, weighted least squares; SII = fitted least deprived − fitted most deprived, RII = their ratio), \(grouped(sii.draws)) Monte Carlo simulations (seed \(sii.seed)), \(sii.transform == .none ? "no transform" : "\(sii.transform.rawValue) transform")\n"
        if let c = concentrationIndex { md += "- Concentration index (population-weighted rank, most deprived first): \(String(format: "%+.4f", c))\n" }
        md += "\n## By IMD decile\n\n" + table(deciles, label: "Decile") + "\n## By IMD quintile\n\n" + table(quintiles, label: "Quintile")
        md += "\n## Statistics\n\n```\n" + GroupTable.statistics(decileContrast: decileContrast, quintileContrast: quintileContrast, sii: sii,
                                                                  siiUnavailable: nil, concentrationIndex: concentrationIndex) + "\n```\n"
        if !notes.isEmpty { md += "\n## Notes\n\n" + notes.map { "- \($0)\n" }.joined() }
        md += "\n## Data\n\n" + inputs.map { "- `\($0)`\n" }.joined()
        if let attribution { md += "\n\(attribution)\n" }
        return md
    }

    private func table(_ rows: [GroupSummary], label: String) -> String {
        var t = "| \(label) | Areas | Population | Mean | Median | SE |\n|---:|---:|---:|---:|---:|---:|\n"
        for r in rows {
            t += "| \(r.group) | \(grouped(r.areas)) | \(grouped(Int(saturating: r.population))) | \(f(r.mean)) | \(f(r.median)) | \(f(r.standardError)) |\n"
        }
        return t
    }
}

extension GapReport {
    /// Builds the report from an inequality summary; the verdict is written from the SII and
    /// the quintile contrast.
    /// - Parameters:
    ///   - title: the report's title.
    ///   - measure: what was measured, in words.
    ///   - unit: its unit, in words.
    ///   - higherIsBetter: `true` for supply, `false` for distances and times.
    ///   - region: the region, in words.
    ///   - grouping: what the groups are, in words.
    ///   - inequality: the summary by deprivation group.
    ///   - notes: what the analysis noticed.
    ///   - inputs: the input files.
    ///   - attribution: the licence notice of the inputs.
    /// - Throws: ``SIIError`` when the summary has no SII (fewer than 5 groups with data).
    public init(title: String, measure: String, unit: String, higherIsBetter: Bool, region: String, grouping: String,
                inequality: InequalitySummary, notes: [String] = [], inputs: [String] = [], attribution: String? = nil) throws {
        guard let sii = inequality.sii else { throw inequality.siiError ?? SIIError.tooFewGroups(0) }
        self.init(title: title, measure: measure, unit: unit, higherIsBetter: higherIsBetter, region: region, grouping: grouping,
                  deciles: inequality.deciles, quintiles: inequality.quintiles, decileContrast: inequality.decileContrast,
                  quintileContrast: inequality.quintileContrast, sii: sii, concentrationIndex: inequality.concentrationIndex,
                  verdict: "", notes: notes, inputs: inputs, attribution: attribution)
        verdict = writeVerdict()
    }

    /// The inverse-care-law report of an access result (its measure, unit, region and summary).
    /// - Throws: ``SIIError`` when the result has no SII.
    public init(_ result: AccessResult, title: String, higherIsBetter: Bool, grouping: String, unit: String? = nil,
                notes: [String]? = nil, inputs: [String] = [], attribution: String? = nil) throws {
        try self.init(title: title, measure: result.method, unit: unit ?? result.unit, higherIsBetter: higherIsBetter,
                      region: result.regionDescription, grouping: grouping, inequality: result.inequality,
                      notes: notes ?? result.notes, inputs: inputs, attribution: attribution)
    }
}
