import Foundation

/// GP supply against need, practice by practice, as the Health Equity Evidence Centre (HEEC) and
/// the Health Foundation publish it: GP FTE per 10,000 *weighted* patients (the Carr-Hill
/// weighting that drives practice funding), by quintile of practices' IMD score.
///
/// The method, step by step (``method`` says it in words for every output):
/// 1. **Years.** The NHS payments file is one financial year (from its name, or given). The
///    workforce year is the same year unless another is chosen; HEEC's datapacks pair the
///    2022/23 payments with the 2023/24 workforce, and a pairing other than like for like is
///    stated in every output.
/// 2. **Workforce.** One row per practice in that year of the workforce table: GP FTE excluding
///    trainees and locums (`TOTAL_GP_EXTGL_FTE`), the ICB and the practice-population IMD score.
/// 3. **Quintiles.** Practices of that workforce year with an IMD score are ranked by it (ties by
///    practice code) and cut into five groups of equal count, the larger groups first (dplyr's
///    `ntile`, as HEEC); quintile 1 is the most deprived fifth of practices here, HEEC's Q5.
///    Quintiles are national, also when a table is made for one ICB.
/// 4. **Join.** Practices are joined to the payments file by code. A practice of the workforce
///    year that is not in the payments file, has no GP FTE, or has zero or negative weighted
///    patients is dropped and named. Several payments rows of one practice are summed.
/// 5. **Ratios of sums.** In each group, Σ GP FTE / Σ weighted patients × 10,000; likewise per
///    registered patient (the payments file's list size) and Σ payments / Σ weighted patients
///    (payments including Covid and PCN payments when the file has that column, as HEEC).
///    The whole-country figure includes the practices without an IMD score.
public struct NeedAdjustedSupply: Sendable, Codable {
    /// How practices whose workforce and payments rows do not describe the same practice-year are treated.
    public enum Handling: String, Sendable, Hashable, Codable, CaseIterable {
        /// The default. A practice whose GP FTE is blank ("NA") is dropped and named: an unreported
        /// workforce is not an absent one. So is a practice with GPs whose last known weighted list is
        /// under 100 patients or under a tenth of the registered patients the workforce table gives
        /// it for the year: its list closed or merged during the year, while its GPs are counted for
        /// the months it was open (a handful of such practices move a quintile's ratio by percents).
        case checked
        /// As HEEC's datapacks: a blank FTE counts as no GPs (`sum(…, na.rm = TRUE)`) and every
        /// practice with positive weighted patients is kept.
        case asHEEC = "as-heec"
    }

    /// One practice in both files.
    public struct Practice: Sendable, Hashable, Codable {
        /// Practice code (A81001).
        public var code: String
        /// Name in the payments file.
        public var name: String
        /// ICB in the workforce table.
        public var icb: String
        /// GP FTE excluding trainees and locums.
        public var gpFTE: Double
        /// Registered patients (payments file, last known figure).
        public var registered: Double
        /// Weighted patients (payments file, last known figure).
        public var weighted: Double
        /// Total NHS payments to the practice.
        public var payments: Double
        /// IMD score of the practice population (higher = more deprived); `nil` when unknown.
        public var imdScore: Double?
        /// National quintile of practices by IMD score, 1 = most deprived fifth; `nil` without a score.
        public var quintile: Int?
        /// GP FTE per 10,000 weighted patients.
        public var gpPer10kWeighted: Double { gpFTE / weighted * 10_000 }
    }

    /// A practice left out, and why.
    public struct Dropped: Sendable, Hashable, Codable {
        /// Practice code.
        public var code: String
        /// Why it is left out.
        public var reason: String
    }

    /// Totals and ratios of one group of practices.
    public struct Group: Sendable, Hashable, Codable {
        /// Quintile (1 = most deprived fifth of practices); `nil` for all practices.
        public var quintile: Int?
        /// Practices in the group.
        public var practices: Int
        /// Σ GP FTE.
        public var gpFTE: Double
        /// Σ weighted patients.
        public var weighted: Double
        /// Σ registered patients.
        public var registered: Double
        /// Σ payments.
        public var payments: Double
        /// GP FTE per 10,000 weighted patients.
        public var gpPer10kWeighted: Double { weighted > 0 ? gpFTE / weighted * 10_000 : .nan }
        /// GP FTE per 10,000 registered patients.
        public var gpPer10kRegistered: Double { registered > 0 ? gpFTE / registered * 10_000 : .nan }
        /// Payments (£) per weighted patient.
        public var paymentsPerWeighted: Double { weighted > 0 ? payments / weighted : .nan }
    }

    /// A table by quintile for England or one ICB.
    public struct Table: Sendable, Hashable, Codable {
        /// "England" or the ICB's name.
        public var area: String
        /// Quintiles 1…5 that have practices, most deprived first.
        public var quintiles: [Group]
        /// All practices of the area.
        public var all: Group
    }

    /// Financial year of the payments file (weighted patients, list sizes, payments).
    public var paymentsYear: FinancialYear
    /// Financial year of the workforce.
    public var workforceYear: FinancialYear
    /// Practices in both files, with GP FTE and positive weighted patients.
    public var practices: [Practice]
    /// Practices of the workforce year left out, with the reason.
    public var dropped: [Dropped]
    /// Practices in the payments file with no row in the workforce year.
    public var paymentsOnly: [String]
    /// What the reader noticed.
    public var diagnostics: [Diagnostic]
    /// Input files: the workforce table and the payments file.
    public var inputs: [String]
    /// How practices without a GP FTE, or whose list closed during the year, were treated.
    public var handling: Handling
    /// What ``practices`` cover: "England", or the region of ``restricted(to:scope:)``.
    public var scope = "England"
    /// The payments column summed ("… including Covid and PCN payments" when the file has it, as HEEC).
    public var paymentsColumn: String

    /// The ICBs of the practices, sorted.
    public var icbs: [String] { Array(Set(practices.map(\.icb))).filter { !$0.isEmpty }.sorted() }

    /// Reads both files and joins them (steps 1–4 of the method).
    /// - Parameters:
    ///   - workforce: NHS England GP workforce by practice and financial year (HEEC's
    ///     `workforce_year` layout: `Practice.Code`, `Year`, `ICB_NAME`, FTE columns, `IMD`).
    ///   - payments: NHS Payments to General Practice for one financial year.
    ///   - paymentsYear: its financial year; from the file name when `nil`.
    ///   - workforceYear: the workforce year to use; `paymentsYear` when `nil`.
    ///   - fteColumn: the GP FTE column.
    ///   - handling: what to do with a blank FTE or a list that closed during the year.
    /// - Throws: ``NeedAdjustedSupplyError``, or a CSV error for an unreadable file.
    public static func read(workforce: String, payments: String, paymentsYear: FinancialYear? = nil, workforceYear: FinancialYear? = nil,
                            fteColumn: String = "TOTAL_GP_EXTGL_FTE", handling: Handling = .checked) throws -> NeedAdjustedSupply {
        let named = FinancialYear.named(in: payments)
        if let given = paymentsYear, let named, given != named { throw NeedAdjustedSupplyError.yearsDisagree(path: payments, named: named, given: given) }
        guard let paymentsYear = paymentsYear ?? named else { throw NeedAdjustedSupplyError.paymentsYearUnknown(path: payments) }
        let year = workforceYear ?? paymentsYear

        let w = try CSVTable(path: workforce)
        func need(_ t: CSVTable, _ name: String) throws -> Int {
            guard let c = t.column([name]) else { throw NeedAdjustedSupplyError.missingColumn(path: t.path, column: name, columns: t.header) }
            return c
        }
        let wCode = try need(w, "Practice.Code"), wYear = try need(w, "Year"), wFTE = try need(w, fteColumn)
        let wICB = w.column(["ICB_NAME", "ICB.NAME", "icb"]), wIMD = w.column(["IMD"]), wPatients = w.column(["TOTAL_PATIENTS"])
        struct Row { var code: String; var icb: String; var fte: Double?; var imd: Double?; var patients: Double?; var line: Int }
        var rows: [Row] = []
        var lines: [String: [Int]] = [:]
        var years = Set<Int>(), yearsWithIMD = Set<Int>()
        try w.forEachRow { row in
            guard let y = row.integer(wYear) else { return }
            years.insert(y)
            let imd = wIMD.flatMap { row.double($0) }.flatMap { $0.isFinite ? $0 : nil }
            if imd != nil { yearsWithIMD.insert(y) }
            guard y == year.endYear else { return }
            let code = row.trimmed(wCode).uppercased()
            lines[code, default: []].append(row.line)
            let fte = row.double(wFTE).flatMap { $0.isFinite && $0 >= 0 ? $0 : nil }
            if let fte { _ = try PlausibleValues.check(fte, maximum: PlausibleValues.maximumQuantity, path: workforce, line: row.line, field: w.header[wFTE], code: code) }
            rows.append(Row(code: code, icb: wICB.map { row.trimmed($0) } ?? "", fte: fte, imd: imd, patients: wPatients.flatMap { row.double($0) }, line: row.line))
        }
        guard !rows.isEmpty else {
            throw NeedAdjustedSupplyError.yearMissing(path: workforce, year: year, available: years.sorted().map { FinancialYear(endYear: $0) })
        }
        if let (code, l) = lines.first(where: { $0.value.count > 1 }) { throw NeedAdjustedSupplyError.duplicatePractice(path: workforce, code: code, lines: l) }
        guard rows.contains(where: { $0.imd != nil }) else {
            throw NeedAdjustedSupplyError.noIMDScores(path: workforce, year: year, available: yearsWithIMD.sorted().map { FinancialYear(endYear: $0) })
        }

        // Quintiles over the workforce year's practices with a score (before the join, as HEEC).
        let scored = rows.indices.filter { rows[$0].imd != nil }.sorted { a, b in
            rows[a].imd! != rows[b].imd! ? rows[a].imd! < rows[b].imd! : rows[a].code < rows[b].code
        }
        var quintile = [Int?](repeating: nil, count: rows.count)
        for (position, i) in scored.enumerated() {
            quintile[i] = 6 - ntile(position: position, count: scored.count, groups: 5)
        }

        let p = try CSVTable(path: payments)
        let pCode = try need(p, "Practice Code"), pName = p.column(["Practice Name"])
        let pReg = try need(p, "Number of Registered Patients (Last Known Figure)")
        let pWeighted = try need(p, "Number of Weighted Patients (Last Known Figure)")
        // HEEC's total from 2021/22 on: payments including Covid and PCN payments; the plain total in older files.
        let pPay = try p.column(["Total NHS Payments to General Practice including Covid and PCN payments"]).map { $0 } ?? need(p, "Total NHS Payments to General Practice")
        struct Pay { var name = ""; var registered = 0.0; var weighted = 0.0; var payments = 0.0; var rows = 0; var blank = false }
        var pay: [String: Pay] = [:]
        try p.forEachRow { row in
            let code = row.trimmed(pCode).uppercased()
            guard !code.isEmpty else { return }
            var entry = pay[code] ?? Pay()
            if entry.name.isEmpty, let pName { entry.name = row.trimmed(pName) }
            guard let wp = row.double(pWeighted), wp.isFinite else { entry.blank = true; entry.rows += 1; pay[code] = entry; return }
            _ = try PlausibleValues.check(abs(wp), maximum: PlausibleValues.maximumAreaPopulation, path: payments, line: row.line, field: p.header[pWeighted], code: code)
            entry.weighted += wp
            entry.registered += row.double(pReg).flatMap { $0.isFinite ? $0 : nil } ?? 0
            entry.payments += row.double(pPay).flatMap { $0.isFinite ? $0 : nil } ?? 0
            entry.rows += 1
            pay[code] = entry
        }

        var result = NeedAdjustedSupply(paymentsYear: paymentsYear, workforceYear: year, practices: [], dropped: [], paymentsOnly: [],
                                        diagnostics: [], inputs: [workforce, payments], handling: handling, paymentsColumn: p.header[pPay])
        var zeroFTE: [String] = []
        for (i, r) in rows.enumerated() {
            guard let entry = pay[r.code] else { result.dropped.append(Dropped(code: r.code, reason: "not in the payments file")); continue }
            guard let fte = r.fte ?? (handling == .asHEEC ? 0 : nil) else {
                result.dropped.append(Dropped(code: r.code, reason: "no GP FTE (\(w.header[wFTE])) in the workforce table, line \(r.line)"))
                continue
            }
            if r.fte == nil { zeroFTE.append(r.code) }
            guard entry.weighted > 0 else {
                result.dropped.append(Dropped(code: r.code, reason: entry.blank && entry.weighted == 0 ? "no weighted patients in the payments file"
                                                                 : "weighted patients \(GroupTable.number(entry.weighted)) (zero or negative) in the payments file"))
                continue
            }
            if handling == .checked, fte > 0, entry.weighted < 100 || entry.weighted < 0.1 * (r.patients ?? 0) {
                let against = (r.patients ?? 0) > 0 ? " against \(grouped(Int(r.patients!.rounded()))) registered in the workforce table" : ""
                result.dropped.append(Dropped(code: r.code, reason: "list closed or merged during the year: \(GroupTable.number(entry.weighted)) weighted patients last known\(against), with \(GroupTable.number(fte)) GP FTE"))
                continue
            }
            result.practices.append(Practice(code: r.code, name: entry.name, icb: r.icb, gpFTE: fte, registered: entry.registered,
                                             weighted: entry.weighted, payments: entry.payments, imdScore: r.imd, quintile: quintile[i]))
        }
        let inWorkforce = Set(rows.map(\.code))
        result.paymentsOnly = pay.keys.filter { !inWorkforce.contains($0) }.sorted()
        guard !result.practices.isEmpty else { throw NeedAdjustedSupplyError.noPractices(workforce: workforce, payments: payments) }

        func kind(_ reason: String) -> String {
            reason.hasPrefix("no GP FTE") ? "no GP FTE" : reason.hasPrefix("weighted patients") ? "zero or negative weighted patients"
                : reason.hasPrefix("list closed") ? "list closed or merged during the year" : reason
        }
        for reason in Set(result.dropped.map { kind($0.reason) }).sorted() {
            let codes = result.dropped.filter { kind($0.reason) == reason }.map(\.code)
            result.diagnostics.note("\(codes.count) practices of the workforce year \(year) dropped (\(reason)): \(list(codes))", codes: codes)
        }
        if !result.paymentsOnly.isEmpty {
            result.diagnostics.note("\(result.paymentsOnly.count) practices of the payments file have no workforce row in \(year): \(list(result.paymentsOnly))", codes: result.paymentsOnly, file: payments)
        }
        let merged = pay.filter { $0.value.rows > 1 }.keys.sorted()
        if !merged.isEmpty { result.diagnostics.note("\(merged.count) practices have several rows in the payments file, summed: \(list(merged))", codes: merged, file: payments) }
        if !zeroFTE.isEmpty {
            result.diagnostics.note("\(zeroFTE.count) practices without a GP FTE in \(year) are counted with no GPs (as HEEC): \(list(zeroFTE))", codes: zeroFTE, file: workforce)
        }
        let unscored = result.practices.filter { $0.quintile == nil }.map(\.code)
        if !unscored.isEmpty { result.diagnostics.note("\(unscored.count) practices have no IMD score in \(year): in the all-practice figures, in no quintile: \(list(unscored))", codes: unscored) }
        if year != paymentsYear {
            result.diagnostics.note("the workforce of \(year) is set against the weighted patients and payments of \(paymentsYear) (as HEEC's datapacks pair them), not the same year's")
        }
        return result
    }

    /// dplyr's `ntile`: the group (1…`groups`, ascending) of the item at 0-based `position` of
    /// `count` sorted items, with the larger groups first when `count` does not divide evenly.
    static func ntile(position: Int, count: Int, groups: Int) -> Int {
        let larger = count % groups, smallSize = count / groups, largeSize = smallSize + (larger > 0 ? 1 : 0)
        let threshold = largeSize * larger
        if position < threshold { return position / largeSize + 1 }
        return smallSize > 0 ? (position - threshold) / smallSize + larger + 1 : larger
    }

    /// The practices of `codes` only (a region's practices, say), named `scope`; their quintiles
    /// stay national, and the tables of the result are labelled `scope`.
    public func restricted(to codes: Set<String>, scope: String) -> NeedAdjustedSupply {
        var copy = self
        copy.practices = practices.filter { codes.contains($0.code) }
        copy.scope = scope
        return copy
    }

    /// The table by national quintile for all practices (``scope``), or for one ICB when `icb` is given.
    public func table(icb: String? = nil) -> Table {
        let members = practices.filter { icb == nil || $0.icb == icb }
        func group(_ q: Int?, _ ps: [Practice]) -> Group {
            Group(quintile: q, practices: ps.count, gpFTE: ps.reduce(0) { $0 + $1.gpFTE }, weighted: ps.reduce(0) { $0 + $1.weighted },
                  registered: ps.reduce(0) { $0 + $1.registered }, payments: ps.reduce(0) { $0 + $1.payments })
        }
        let quintiles = (1...5).compactMap { q -> Group? in
            let ps = members.filter { $0.quintile == q }
            return ps.isEmpty ? nil : group(q, ps)
        }
        return Table(area: icb ?? scope, quintiles: quintiles, all: group(nil, members))
    }

    /// The Slope and Relative Index of Inequality of GP FTE per 10,000 weighted patients across
    /// the five quintiles (PHE method): each quintile's value is its ratio of sums (the
    /// weighted-patient-weighted mean of practice rates), its standard error that of that mean
    /// over practices, its population its weighted patients.
    public func inequality(icb: String? = nil, settings: InequalitySettings = InequalitySettings(groups: .quintiles)) -> InequalitySummary {
        let members = practices.filter { icb == nil || $0.icb == icb }
        let q = GroupSummaries.summarise(values: members.map { Optional($0.gpPer10kWeighted) }, weights: members.map(\.weighted),
                                         group: members.map(\.quintile), groups: 5, threshold: settings.threshold)
        var s = settings
        s.groups = .quintiles
        return InequalitySummary(deciles: [], quintiles: q, settings: s,
                                 concentrationIndex: ConcentrationIndex.compute(values: members.map { Optional($0.gpPer10kWeighted) }, weights: members.map(\.weighted),
                                                                                order: members.map { $0.imdScore.map { -$0 } }))
    }

    /// The method in words, with the years and the counts of this run.
    public var method: String {
        let pairing = workforceYear == paymentsYear ? "the same financial year" : "the workforce of \(workforceYear) against the list sizes and payments of \(paymentsYear), as HEEC's datapacks pair them"
        return "GP FTE excluding trainees and locums per 10,000 weighted patients (Carr-Hill, \"Number of Weighted Patients (Last Known Figure)\" in NHS Payments to General Practice \(paymentsYear)), as a ratio of sums in each group; workforce \(workforceYear) (\(pairing)). "
            + "Quintiles: practices of the workforce year with a practice-population IMD score, ranked by it and cut into five groups of equal count (dplyr's ntile, as HEEC), national also within an ICB; quintile 1 = most deprived fifth of practices (HEEC's Q5). "
            + "Payments: '\(paymentsColumn)'. "
            + "\(grouped(practices.count)) practices in both files; \(dropped.count) of the workforce year dropped (not in the payments file, \(handling == .checked ? "no GP FTE, list closed during the year, " : "")or weighted patients ≤ 0); \(paymentsOnly.count) in the payments file only."
            + (handling == .asHEEC ? " As HEEC: practices without a GP FTE are counted with no GPs, and practices whose list closed during the year are kept." : "")
    }
}
