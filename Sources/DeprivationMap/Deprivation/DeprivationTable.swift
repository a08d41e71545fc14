import Foundation

/// Which index a table holds. English and Welsh deciles rank different populations with
/// different methods and are never mixed.
public enum DeprivationIndexKind: String, Sendable, Hashable, CustomStringConvertible {
    /// English Indices of Deprivation (IMD 2019 on LSOA 2011, IMD 2025 on LSOA 2021).
    case englishIMD = "IMD (England)"
    /// Welsh Index of Multiple Deprivation.
    case welshWIMD = "WIMD (Wales)"
    public var description: String { rawValue }
    /// Prefix of the output fields: `imd` or `wimd`.
    public var fieldPrefix: String { self == .englishIMD ? "imd" : "wimd" }
}

/// The domains of the English IMD (and the Welsh WIMD, which adds access to services and splits housing).
public enum DeprivationDomain: String, Sendable, Hashable, CaseIterable {
    /// The seven domains of the Indices of Deprivation (and the Welsh access domain).
    case income, employment, education, health, crime, housing, environment, access

    /// The domain a normalised column header starts with, if any.
    static func from(_ header: String) -> DeprivationDomain? {
        if header.hasPrefix("incomedeprivationaffecting") { return nil } // IDACI / IDAOPI supplementary indices
        let prefixes: [(String, DeprivationDomain)] = [
            ("income", .income), ("employment", .employment), ("education", .education), ("health", .health),
            ("crime", .crime), ("barrierstohousing", .housing), ("housing", .housing), ("livingenvironment", .environment),
            ("environment", .environment), ("access", .access), ("physicalenvironment", .environment),
        ]
        return prefixes.first { header.hasPrefix($0.0) }?.1
    }
}

/// Score, rank and decile of one index or domain for one area; any may be absent from a file.
public struct IndexValues: Sendable, Hashable {
    /// Score (higher = more deprived).
    public var score: Double?
    /// National rank, 1 = most deprived.
    public var rank: Int?
    /// National decile, 1 = most deprived 10%.
    public var decile: Int?
    /// Values of one index or domain; any may be missing.
    public init(score: Double? = nil, rank: Int? = nil, decile: Int? = nil) {
        self.score = score
        self.rank = rank
        self.decile = decile
    }
}

/// One area's deprivation.
public struct DeprivationRecord: Sendable, Hashable {
    /// LSOA code.
    public var code: String
    /// LSOA name, when the file has one.
    public var name: String?
    /// The overall index. `decile` is always present (1 = most deprived 10%).
    public var index: IndexValues
    /// Domains present in the file.
    public var domains: [DeprivationDomain: IndexValues]
    /// Population denominator (e.g. IoD2019 File 6 "Total population: mid 2015"), when given.
    public var population: Double?

    /// The IMD decile, 1 = most deprived.
    public var decile: Int { index.decile ?? 0 }
    /// Quintile (1 = most deprived fifth) from the decile.
    public var quintile: Int { (decile + 1) / 2 }
    /// NHS England Core20: deciles 1 and 2.
    public var isCore20: Bool { decile >= 1 && decile <= 2 }
}

/// A line of a table that could not be used.
public struct SkippedRow: Sendable, Hashable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// The 1-based line (header = 1).
    public var line: Int
    /// Why the row was left out.
    public var reason: String
    public var description: String { "\(path), line \(line): \(reason)" }
}

/// Why a deprivation table could not be read.
public enum DeprivationTableError: Error, Sendable, Equatable, AdvisedError {
    /// No LSOA code column was found.
    case noCodeColumn(path: String, header: [String])
    /// No IMD decile column was found (a population-only file, say).
    case noDecileColumn(path: String, header: [String])
    /// A decile outside 1–10 on a row.
    case decileOutOfRange(path: String, line: Int, code: String, value: Int)
    /// One area on several rows with different values.
    case conflictingDuplicate(path: String, code: String, lines: [Int])
    /// English and Welsh rows in one table; they are ranked separately and must not be mixed.
    case mixedNations(path: String, english: Int, welsh: Int)
    /// A table with a header and no rows.
    case noRows(path: String)

    public var problem: String {
        switch self {
        case .noCodeColumn(let path, let header):
            return "\(path): no LSOA code column found (looked for headers such as \"LSOA code (2011)\", \"LSOA code (2021)\", lsoa11_code, lsoa21_code, LSOA11CD). The columns are: \(header.joined(separator: ", "))."
        case .noDecileColumn(let path, let header):
            return "\(path): no IMD decile column found (looked for \"Index of Multiple Deprivation (IMD) Decile …\", IMD_decile, imd_decile). The columns are: \(header.joined(separator: ", "))."
        case .decileOutOfRange(let path, let line, let code, let value):
            return "\(path), line \(line), area \(code): IMD decile \(value) is outside 1–10. Is the decile column really a decile (not a rank or score)?"
        case .conflictingDuplicate(let path, let code, let lines):
            return "\(path): area \(code) appears on lines \(lines.map(String.init).joined(separator: ", ")) with different values. Remove the wrong row."
        case .mixedNations(let path, let english, let welsh):
            return "\(path): holds \(english) English (E01) and \(welsh) Welsh (W01) areas in one decile column. English IMD and Welsh WIMD deciles are not comparable: split the file."
        case .noRows(let path):
            return "\(path): has a header but no rows with an area code and decile."
        }
    }

    public var advice: Advice? {
        switch self {
        case .noDecileColumn: return "a population-only file (IoD2019 File 6) goes as \(Setting.population) or together with an IMD file"
        default: return nil
        }
    }
}

/// An index of deprivation for a set of areas, read from the layouts people download: the
/// official IoD2019 files (File 1, 2, 5, 6, 7; UTF-8 BOM, quoted ranks with thousands
/// separators), IoD2025 File 7 ("LSOA code (2021)", "Index of Multiple Deprivation (IMD) Decile
/// (where 1 is most deprived 10% of LSOAs)"), tidy snake_case exports, and the Welsh WIMD. Columns
/// are found by header. Several files (e.g. File 1 + File 6) merge by area code.
///
/// ```swift
/// let imd = try DeprivationTable.read(paths: ["File_1.csv.gz", "File_6.csv.gz"])
/// imd["E01000001"]?.decile      // 9
/// imd["E01000001"]?.population  // 1296
/// ```
public struct DeprivationTable: Sendable {
    /// English IMD or Welsh WIMD.
    public var kind: DeprivationIndexKind
    /// The LSOA vintage, when a header says it ("LSOA code (2011)", lsoa21_code).
    public var vintage: LSOAVintage?
    /// Files read.
    public var paths: [String]
    /// Records in file order.
    public var records: [DeprivationRecord]
    /// Rows not used, with reasons.
    public var skipped: [SkippedRow] = []
    /// Codes that appeared more than once with identical values (the copies were dropped).
    public var duplicates: [String] = []
    /// Domains found in at least one file.
    public var domains: [DeprivationDomain] = []
    /// `true` when a population denominator was read.
    public var hasPopulation: Bool = false
    private var position: [String: Int] = [:]

    /// The record for `code`.
    public subscript(code: String) -> DeprivationRecord? { position[code].map { records[$0] } }

    /// A short label: "IMD (England) on LSOA 2011, 32,844 areas".
    public var summary: String {
        "\(kind)\(vintage.map { " on \($0)" } ?? ""), \(records.count) areas from \(paths.map(SourceName.of).joined(separator: " + "))"
    }

    init(kind: DeprivationIndexKind, vintage: LSOAVintage?, paths: [String], records: [DeprivationRecord]) {
        self.kind = kind
        self.vintage = vintage
        self.paths = paths
        self.records = records
        reindex()
    }

    mutating func reindex() {
        position = [:]
        position.reserveCapacity(records.count)
        for (i, r) in records.enumerated() { position[r.code] = i }
        domains = DeprivationDomain.allCases.filter { d in records.contains { $0.domains[d] != nil } }
        hasPopulation = records.contains { $0.population != nil }
    }

    /// Reads one or more files and merges them by code. At least one must carry an IMD decile.
    /// - Throws: ``DeprivationTableError``, `CSVError`, `CompressionError`.
    public static func read(paths: [String]) throws -> DeprivationTable {
        precondition(!paths.isEmpty)
        var parts = try paths.map { try Part.read(path: $0) }
        guard let main = parts.firstIndex(where: { $0.hasDecile }) else {
            throw DeprivationTableError.noDecileColumn(path: paths[0], header: parts[0].header)
        }
        let base = parts.remove(at: main)
        var table = base.table
        for extra in parts {
            var byCode: [String: DeprivationRecord] = [:]
            for r in extra.table.records { byCode[r.code] = r }
            for i in table.records.indices {
                guard let other = byCode[table.records[i].code] else { continue }
                if table.records[i].population == nil { table.records[i].population = other.population }
                if table.records[i].name == nil { table.records[i].name = other.name }
                if table.records[i].index.score == nil { table.records[i].index.score = other.index.score }
                if table.records[i].index.rank == nil { table.records[i].index.rank = other.index.rank }
                for (d, v) in other.domains where table.records[i].domains[d] == nil { table.records[i].domains[d] = v }
            }
            table.skipped += extra.table.skipped
            table.duplicates += extra.table.duplicates
            table.paths.append(contentsOf: extra.table.paths)
            if table.vintage == nil { table.vintage = extra.table.vintage }
        }
        table.reindex()
        return table
    }

    /// One file's content.
    private struct Part {
        var table: DeprivationTable
        var header: [String]
        var hasDecile: Bool

        static func read(path: String) throws -> Part {
            let csv = try CSVTable(path: path)
            let path = csv.path // a database address is named without its password
            let names = csv.header.map(CSVTable.normalise)
            let codeNames = ["lsoacode2011", "lsoacode2021", "lsoa11cd", "lsoa21cd", "lsoa11code", "lsoa21code", "lsoacode", "lsoa", "areacode", "code"]
            guard let code = csv.column(codeNames) ?? names.firstIndex(where: { $0.contains("lsoa") && ($0.contains("code") || $0.hasSuffix("cd")) }) else {
                throw DeprivationTableError.noCodeColumn(path: path, header: csv.header)
            }
            let name = names.firstIndex { $0.contains("lsoa") && ($0.contains("name") || $0.hasSuffix("nm")) }
            func overall(_ measure: String) -> Int? {
                names.firstIndex { n in
                    n.contains(measure) && (n.hasPrefix("imd") || n.hasPrefix("indexofmultipledeprivation") || n.hasPrefix("wimd"))
                }
            }
            let decile = overall("decile"), rank = overall("rank"), score = overall("score")
            var domainColumns: [(DeprivationDomain, score: Int?, rank: Int?, decile: Int?)] = []
            for d in DeprivationDomain.allCases {
                let cols = names.indices.filter { DeprivationDomain.from(names[$0]) == d }
                guard !cols.isEmpty else { continue }
                domainColumns.append((d, cols.first { names[$0].contains("score") }, cols.first { names[$0].contains("rank") },
                                      cols.first { names[$0].contains("decile") }))
            }
            let population = names.firstIndex { $0.hasPrefix("totalpopulation") } ?? csv.column(["population", "total", "usualresidents", "allages"])
            var records: [DeprivationRecord] = []
            var skipped: [SkippedRow] = []
            var firstLine: [String: Int] = [:]
            var duplicates: [String] = []
            var english = 0, welsh = 0
            try csv.forEachRow { row in
                let c = row.trimmed(code)
                guard !c.isEmpty else {
                    skipped.append(SkippedRow(path: path, line: row.line, reason: "no area code"))
                    return
                }
                var values = IndexValues()
                if let decile {
                    guard let d = row.integer(decile) else {
                        skipped.append(SkippedRow(path: path, line: row.line, reason: "area \(c): IMD decile '\(row.string(decile))' is not a whole number"))
                        return
                    }
                    guard (1...10).contains(d) else { throw DeprivationTableError.decileOutOfRange(path: path, line: row.line, code: c, value: d) }
                    values.decile = d
                }
                values.rank = rank.flatMap { row.integer($0) }
                values.score = score.flatMap { row.double($0) }
                var domains: [DeprivationDomain: IndexValues] = [:]
                for (d, s, r, dd) in domainColumns {
                    let domainDecile = dd.flatMap { row.integer($0) }
                    if let v = domainDecile, !(1...10).contains(v) {
                        throw DeprivationTableError.decileOutOfRange(path: path, line: row.line, code: c, value: v)
                    }
                    domains[d] = IndexValues(score: s.flatMap { row.double($0) }, rank: r.flatMap { row.integer($0) }, decile: domainDecile)
                }
                let people = try population.flatMap { p in
                    try row.double(p).map { try PlausibleValues.check($0, maximum: PlausibleValues.maximumAreaPopulation, path: path, line: row.line, field: csv.header[p], code: c) }
                }
                let record = DeprivationRecord(code: c, name: name.map { row.trimmed($0) }, index: values, domains: domains,
                                               population: people)
                if let previous = firstLine[c] {
                    if records.first(where: { $0.code == c }) != record {
                        throw DeprivationTableError.conflictingDuplicate(path: path, code: c, lines: [previous, row.line])
                    }
                    duplicates.append(c)
                    skipped.append(SkippedRow(path: path, line: row.line, reason: "area \(c) repeats line \(previous) (identical; dropped)"))
                    return
                }
                firstLine[c] = row.line
                if c.hasPrefix("W") { welsh += 1 } else { english += 1 }
                records.append(record)
            }
            guard !records.isEmpty else { throw DeprivationTableError.noRows(path: path) }
            if decile != nil, english > 0, welsh > 0 { throw DeprivationTableError.mixedNations(path: path, english: english, welsh: welsh) }
            let lower = path.lowercased()
            let kind: DeprivationIndexKind = (welsh > english || lower.contains("wimd")) ? .welshWIMD : .englishIMD
            var table = DeprivationTable(kind: kind, vintage: LSOAVintage.fromColumnName(csv.header[code]), paths: [path], records: records)
            table.skipped = skipped
            table.duplicates = duplicates
            return Part(table: table, header: csv.header, hasDecile: decile != nil)
        }
    }
}
