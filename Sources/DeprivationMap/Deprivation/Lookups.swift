import Foundation

/// A table of one number per area code, such as population (Census 2021 "total", ONS mid-year
/// "total_population", IoD2019 File 6 "Total population: mid 2015").
public struct AreaValues: Sendable {
    /// The table read.
    public var path: String
    /// The column read.
    public var column: String
    /// LSOA vintage from the code column's header, when it says.
    public var vintage: LSOAVintage?
    /// Value per area code.
    public var values: [String: Double]
    /// Rows left out, with their line and why.
    public var skipped: [SkippedRow]

    /// Reads `path`; `column` names the value column, otherwise a total-population column is looked for.
    /// - Throws: `CSVError`, `CompressionError`, ``DeprivationTableError/noCodeColumn(path:header:)``.
    public static func read(path: String, column: String? = nil) throws -> AreaValues {
        let csv = try CSVTable(path: path)
        let path = csv.path // a database address is named without its password
        let names = csv.header.map(CSVTable.normalise)
        guard let code = csv.column(["lsoacode2011", "lsoacode2021", "lsoa11cd", "lsoa21cd", "lsoa11code", "lsoa21code", "lsoacode", "code", "areacode"])
            ?? names.firstIndex(where: { $0.contains("lsoa") && ($0.contains("code") || $0.hasSuffix("cd")) }) else {
            throw DeprivationTableError.noCodeColumn(path: path, header: csv.header)
        }
        let valueColumn: Int
        if let column {
            valueColumn = try csv.requireColumn([column], purpose: column)
        } else {
            guard let c = names.firstIndex(where: { $0.hasPrefix("totalpopulation") }) ?? csv.column(["total", "population", "allages", "usualresidents", "totalusualresidents"]) else {
                throw CSVError.unknownColumn(path: path, column: "total population", header: csv.header)
            }
            valueColumn = c
        }
        var values: [String: Double] = [:]
        var skipped: [SkippedRow] = []
        try csv.forEachRow { row in
            let c = row.trimmed(code)
            guard !c.isEmpty else { skipped.append(SkippedRow(path: path, line: row.line, reason: "no area code")); return }
            guard let v = row.double(valueColumn), v >= 0 else {
                skipped.append(SkippedRow(path: path, line: row.line, reason: "area \(c): '\(row.string(valueColumn))' in \(csv.header[valueColumn]) is not a number ≥ 0"))
                return
            }
            // A named column may hold any quantity; the total-population default is held to an area's ceiling.
            let ceiling = column == nil ? PlausibleValues.maximumAreaPopulation : PlausibleValues.maximumQuantity
            values[c] = try PlausibleValues.check(v, maximum: ceiling, path: path, line: row.line, field: csv.header[valueColumn], code: c)
        }
        return AreaValues(path: path, column: csv.header[valueColumn], vintage: LSOAVintage.fromColumnName(csv.header[code]), values: values, skipped: skipped)
    }
}

/// The ONS LSOA 2011 → 2021 best-fit lookup (`lsoa11_lsoa21_ltla22`): each pair with its change
/// code — U unchanged, S 2011 area split into several 2021 areas, M several 2011 areas merged into
/// one 2021 area, X irregular (redrawn).
public struct LSOAChangeLookup: Sendable {
    /// One LSOA 2011 → 2021 pair of the ONS lookup.
    public struct Pair: Sendable, Hashable {
        /// The LSOA 2011 code.
        public var lsoa11: String
        /// The LSOA 2021 code.
        public var lsoa21: String
        /// The change: U (unchanged), S (split), M (merged) or X (irregular).
        public var change: String
    }
    /// The lookup read.
    public var path: String
    /// Every pair in the file.
    public var pairs: [Pair]

    /// Reads the lookup.
    /// - Throws: `CSVError`, `CompressionError`.
    public static func read(path: String) throws -> LSOAChangeLookup {
        let csv = try CSVTable(path: path)
        let path = csv.path // a database address is named without its password
        let a = try csv.requireColumn(["lsoa11_code", "lsoa11cd"], purpose: "lsoa11_code")
        let b = try csv.requireColumn(["lsoa21_code", "lsoa21cd"], purpose: "lsoa21_code")
        let ch = try csv.requireColumn(["change_code", "chgind"], purpose: "change_code")
        var pairs: [Pair] = []
        try csv.forEachRow { row in pairs.append(Pair(lsoa11: row.trimmed(a), lsoa21: row.trimmed(b), change: row.trimmed(ch))) }
        return LSOAChangeLookup(path: path, pairs: pairs)
    }
}

extension DeprivationTable {
    /// The table carried onto the other LSOA vintage through the ONS lookup.
    ///
    /// Rule for each target area, from the source areas the lookup links it to:
    /// - one source area (unchanged, or one part of a split): the source's values are copied;
    ///   a split area's population is shared equally among its parts;
    /// - several source areas (merged or irregular): the score is the population-weighted mean of
    ///   the sources' scores (the plain mean without populations); rank, decile and domains are
    ///   those of the source with the largest population (without populations, the most deprived
    ///   one, i.e. the lowest rank/decile); the population is the sources' sum.
    ///
    /// Target areas with no source in the table are left out (and show up as unmatched in a join).
    /// - Parameters:
    ///   - target: the vintage to convert to; must differ from ``vintage``.
    ///   - lookup: the ONS LSOA 2011 ↔ 2021 lookup.
    public func converted(to target: LSOAVintage, using lookup: LSOAChangeLookup) -> DeprivationTable {
        var sources: [String: [String]] = [:]
        var targetsPerSource: [String: Int] = [:]
        var targetOrder: [String] = []
        for p in lookup.pairs {
            let (s, t) = target == .lsoa2021 ? (p.lsoa11, p.lsoa21) : (p.lsoa21, p.lsoa11)
            guard self[s] != nil else { continue }
            if sources[t] == nil { targetOrder.append(t) }
            if sources[t]?.contains(s) != true {
                sources[t, default: []].append(s)
                targetsPerSource[s, default: 0] += 1
            }
        }
        var records: [DeprivationRecord] = []
        records.reserveCapacity(targetOrder.count)
        for t in targetOrder {
            let parents = sources[t]!.compactMap { self[$0] }
            var record: DeprivationRecord
            if parents.count == 1 {
                record = parents[0]
                if let pop = record.population { record.population = pop / Double(targetsPerSource[record.code] ?? 1) }
            } else {
                let populations = parents.map(\.population)
                let allPopulation = populations.allSatisfy { $0 != nil }
                let lead: DeprivationRecord
                if allPopulation {
                    lead = parents.max { ($0.population!, -$0.decile) < ($1.population!, -$1.decile) }!
                } else {
                    lead = parents.min { ($0.index.rank ?? Int.max, $0.decile) < ($1.index.rank ?? Int.max, $1.decile) }!
                }
                record = lead
                let scores = parents.compactMap(\.index.score)
                if scores.count == parents.count {
                    if allPopulation {
                        let total = populations.reduce(0) { $0 + $1! }
                        record.index.score = total > 0 ? zip(parents, populations).reduce(0) { $0 + $1.0.index.score! * $1.1! } / total : scores.reduce(0, +) / Double(scores.count)
                    } else {
                        record.index.score = scores.reduce(0, +) / Double(scores.count)
                    }
                } else {
                    record.index.score = nil
                }
                record.population = allPopulation ? populations.reduce(0) { $0 + $1! } : nil
            }
            record.code = t
            record.name = nil
            records.append(record)
        }
        var table = DeprivationTable(kind: kind, vintage: target, paths: paths + [lookup.path], records: records)
        table.skipped = skipped
        return table
    }
}

/// Which district, ICB and ward each LSOA belongs to, from the ONS best-fit lookups
/// (`lsoa21_ward24_ltla24` + `lsoa21_sicbl24_icb24`, or `lsoa11_sicbl22_icb22_ltla22` + `lsoa11_ward17`).
/// Columns are found by name: `…_code`/`…_name` for `ltla`/`lad`, `icb` and `ward`, and the NHS
/// three-character ICB code (`icb…_code_nhs` or `icb…_code_h`).
public struct AreaGeography: Sendable {
    /// Where one area lies.
    public struct Entry: Sendable, Hashable {
        /// District (local authority) code and name.
        public var districtCode = "", districtName = ""
        /// ICB: ONS code, name and NHS code.
        public var icbCode = "", icbName = "", icbNHSCode = ""
        /// Ward code and name.
        public var wardCode = "", wardName = ""
    }
    /// Files read.
    public var paths: [String] = []
    /// Entry per LSOA code.
    public var entries: [String: Entry] = [:]

    /// An area placed nowhere yet.
    public init() {}

    /// Reads and merges lookup files.
    /// - Throws: `CSVError`, `CompressionError`, ``DeprivationTableError/noCodeColumn(path:header:)``.
    public static func read(paths: [String]) throws -> AreaGeography {
        var geography = AreaGeography()
        for given in paths {
            let csv = try CSVTable(path: given)
            let path = csv.path // a database address is named without its password
            let names = csv.header.map(CSVTable.normalise)
            guard let code = names.firstIndex(where: { $0.hasPrefix("lsoa") && ($0.hasSuffix("code") || $0.hasSuffix("cd")) }) else {
                throw DeprivationTableError.noCodeColumn(path: path, header: csv.header)
            }
            func find(_ prefixes: [String], _ suffixes: [String]) -> Int? {
                names.firstIndex { n in prefixes.contains { n.hasPrefix($0) } && suffixes.contains { n.hasSuffix($0) } && !n.hasSuffix("codenhs") && !n.hasSuffix("codeh") }
            }
            let districtCode = find(["ltla", "lad"], ["code", "cd"]), districtName = find(["ltla", "lad"], ["name", "nm"])
            let icbCode = find(["icb"], ["code", "cd"]), icbName = find(["icb"], ["name", "nm"])
            let icbNHS = names.firstIndex { $0.hasPrefix("icb") && ($0.hasSuffix("codenhs") || $0.hasSuffix("codeh")) }
            let wardCode = find(["ward", "wd"], ["code", "cd"]), wardName = find(["ward", "wd"], ["name", "nm"])
            try csv.forEachRow { row in
                let c = row.trimmed(code)
                guard !c.isEmpty else { return }
                var e = geography.entries[c] ?? Entry()
                if let i = districtCode { e.districtCode = row.trimmed(i) }
                if let i = districtName { e.districtName = row.trimmed(i) }
                if let i = icbCode { e.icbCode = row.trimmed(i) }
                if let i = icbName { e.icbName = row.trimmed(i) }
                if let i = icbNHS { e.icbNHSCode = row.trimmed(i) }
                if let i = wardCode { e.wardCode = row.trimmed(i) }
                if let i = wardName { e.wardName = row.trimmed(i) }
                geography.entries[c] = e
            }
            geography.paths.append(path)
        }
        return geography
    }
}
