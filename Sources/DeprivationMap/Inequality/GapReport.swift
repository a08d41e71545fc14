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

/// GP supply per practice against the deprivation of its registered population: FTE per
/// 100,000 registered patients, with practices grouped into patient-weighted deciles of their
/// population's IMD score (decile 1 = the most deprived tenth of patients).
public struct PracticeSupply: Sendable {
    /// Practice codes.
    public var codes: [String]
    /// Practice names ("" when unknown).
    public var names: [String]
    /// Registered patients.
    public var patients: [Double]
    /// GP full-time equivalents.
    public var fte: [Double]
    /// IMD score of each practice's registered population (higher = more deprived).
    public var imdScore: [Double]
    /// FTE per 100,000 patients.
    public var rate: [Double] { zip(fte, patients).map { $1 > 0 ? $0 / $1 * 100_000 : .nan } }
    /// What the reader noticed, in words.
    public var notes: [String]

    /// Reads the workforce table (one row per practice and year) and, optionally, the practice
    /// IMD scores of OHID Fingertips (indicator 93553; the latest year present unless `imdYear`).
    /// - Parameters:
    ///   - workforce: the workforce table (NHS England GP workforce by practice and year).
    ///   - fteColumn: its FTE column, e.g. `TOTAL_GP_EXTGL_FTE`.
    ///   - patientsColumn: its registered-patients column, e.g. `TOTAL_PATIENTS`.
    ///   - filters: keep workforce rows where each column equals its value (`Year=2025`, `ICB_NAME=Mid and South Essex`).
    ///   - imdPath: the OHID practice IMD table; the workforce table's own IMD column when `nil`.
    ///   - imdYear: the year of the practice IMD scores; the latest when `nil`.
    /// - Throws: ``AccessError/capacity(path:reason:advice:)`` for missing columns or duplicate practices.
    public static func read(workforce: String, fteColumn: String, patientsColumn: String, filters: [RowFilter],
                            imdPath: String?, imdYear: String?) throws -> PracticeSupply {
        let table = try CSVTable(path: workforce)
        func find(_ name: String, _ t: CSVTable) throws -> Int {
            guard let c = t.column([name]) else { throw AccessError.capacity(path: t.path, reason: "no column '\(name)'; the columns are \(t.header.joined(separator: ", "))", advice: nil) }
            return c
        }
        let code = try table.column(["practicecode", "code"]).map { $0 } ?? find("Practice.Code", table)
        let fteC = try find(fteColumn, table), patC = try find(patientsColumn, table)
        let imdC = table.column(["imd"])
        let conditions = try filters.map { (try find($0.column, table), $0) }
        var result = PracticeSupply(codes: [], names: [], patients: [], fte: [], imdScore: [], notes: [])
        var seen: [String: Int] = [:]
        var ownIMD: [Double?] = []
        var skipped: [String] = []
        try table.forEachRow { row in
            for (c, f) in conditions where !f.keeps(row.trimmed(c)) { return }
            let key = row.trimmed(code)
            if let line = seen[key] {
                throw AccessError.capacity(path: workforce, reason: "practice \(key) appears on lines \(line) and \(row.line)",
                                           advice: "keep one year with \(Setting.practiceFilter) such as Year=2025")
            }
            seen[key] = row.line
            guard let f = row.double(fteC), let p = row.double(patC), p > 0, f >= 0 else { skipped.append("\(key) (line \(row.line))"); return }
            _ = try PlausibleValues.check(p, maximum: PlausibleValues.maximumAreaPopulation, path: workforce, line: row.line, field: table.header[patC], code: key)
            _ = try PlausibleValues.check(f, maximum: PlausibleValues.maximumQuantity, path: workforce, line: row.line, field: table.header[fteC], code: key)
            result.codes.append(key); result.names.append(""); result.fte.append(f); result.patients.append(p)
            ownIMD.append(imdC.flatMap { row.double($0) })
        }
        if !skipped.isEmpty { result.notes.append("\(skipped.count) practices without patients or FTE left out: \(list(skipped))") }
        var scores: [String: Double] = [:]
        var source = "the IMD column of \(URL(fileURLWithPath: workforce).lastPathComponent)"
        if let imdPath {
            let t = try CSVTable(path: imdPath)
            let area = try find("AreaCode", t), value = try find("Value", t), year = try find("Year", t)
            let name = t.column(["areaname"])
            var byYear: [String: [String: Double]] = [:]
            var names: [String: String] = [:]
            try t.forEachRow { row in
                guard let v = row.double(value) else { return }
                byYear[row.trimmed(year), default: [:]][row.trimmed(area)] = v
                if let name { names[row.trimmed(area)] = row.trimmed(name) }
            }
            guard let chosen = imdYear ?? byYear.keys.max(), let s = byYear[chosen] else {
                throw AccessError.capacity(path: imdPath, reason: "no practice IMD scores for year \(imdYear ?? "?"); the years are \(byYear.keys.sorted().joined(separator: ", "))", advice: nil)
            }
            scores = s
            source = "\(URL(fileURLWithPath: imdPath).lastPathComponent), year \(chosen)"
            result.names = result.codes.map { names[$0] ?? "" }
        }
        var keep: [Int] = []
        var noScore: [String] = []
        for i in result.codes.indices {
            if let s = imdPath == nil ? ownIMD[i] : scores[result.codes[i]] { result.imdScore.append(s); keep.append(i) } else { noScore.append(result.codes[i]); result.imdScore.append(.nan) }
        }
        if !noScore.isEmpty { result.notes.append("\(noScore.count) practices have no IMD score in \(source) and are left out: \(list(noScore))") }
        result.notes.append("practice IMD scores: \(source)")
        let k = keep
        return PracticeSupply(codes: k.map { result.codes[$0] }, names: k.map { result.names[$0] }, patients: k.map { result.patients[$0] },
                              fte: k.map { result.fte[$0] }, imdScore: k.map { result.imdScore[$0] }, notes: result.notes)
    }

    /// Patient-weighted deciles of practices by IMD score, most deprived (highest score) first:
    /// a practice's decile is that of its patients' cumulative midpoint.
    public func deciles() -> [Int?] {
        let order = imdScore.indices.sorted { imdScore[$0] > imdScore[$1] || (imdScore[$0] == imdScore[$1] && codes[$0] < codes[$1]) }
        let total = patients.reduce(0, +)
        var result = [Int?](repeating: nil, count: codes.count)
        var before = 0.0
        for i in order {
            let mid = (before + patients[i] / 2) / total
            result[i] = max(0, min(9, Int(saturating: mid * 10, .towardZero))) + 1
            before += patients[i]
        }
        return result
    }
}
