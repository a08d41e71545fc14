import Foundation

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
    /// What the reader noticed: practices left out, where the IMD scores came from.
    public var diagnostics: [Diagnostic]

    /// The diagnostics in plain words.
    public var notes: [String] { diagnostics.map(\.description) }

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
        var result = PracticeSupply(codes: [], names: [], patients: [], fte: [], imdScore: [], diagnostics: [])
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
        if !skipped.isEmpty { result.diagnostics.note("\(skipped.count) practices without patients or FTE left out: \(list(skipped))", file: workforce) }
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
        if !noScore.isEmpty { result.diagnostics.note("\(noScore.count) practices have no IMD score in \(source) and are left out: \(list(noScore))", codes: noScore) }
        result.diagnostics.note("practice IMD scores: \(source)")
        let k = keep
        return PracticeSupply(codes: k.map { result.codes[$0] }, names: k.map { result.names[$0] }, patients: k.map { result.patients[$0] },
                              fte: k.map { result.fte[$0] }, imdScore: k.map { result.imdScore[$0] }, diagnostics: result.diagnostics)
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
