import Foundation

/// Supply capacity per service read from a table keyed by service identifier, e.g. GP FTE from
/// `heec_workforce_year_practice.csv` (`Practice.Code`, `TOTAL_GP_EXTGL_FTE`, one row per year).
public struct ServiceCapacity: Sendable {
    /// The table read.
    public var path: String
    /// The supply column read.
    public var column: String
    /// Supply per service identifier.
    public var values: [String: Double]
    /// Rows left out: blank or non-numeric values.
    public var skipped: [SkippedRow]

    /// Reads `valueColumn` keyed by `idColumn` (default: the first column named like a code),
    /// keeping rows where every `filters` column equals its value (e.g. `Year=2025`).
    /// - Throws: ``AccessError/capacity(path:reason:advice:)`` for a missing column or an identifier on
    ///   two kept rows (name a filter to keep one row per service).
    public static func read(path: String, valueColumn: String, idColumn: String? = nil, filters: [RowFilter] = []) throws -> ServiceCapacity {
        let table = try CSVTable(path: path)
        let path = table.path // a database address is named without its password
        func find(_ name: String) throws -> Int {
            guard let c = table.column([name]) else {
                throw AccessError.capacity(path: path, reason: "no column '\(name)'; the columns are \(table.header.joined(separator: ", "))", advice: nil)
            }
            return c
        }
        let value = try find(valueColumn)
        let id: Int
        if let idColumn { id = try find(idColumn) } else {
            guard let c = table.column(["practicecode", "code", "odscode", "organisationcode", "id"])
                    ?? table.column(where: { $0.hasSuffix("code") }) else {
                throw AccessError.capacity(path: path, reason: "no identifier column found; the columns are \(table.header.joined(separator: ", "))",
                                           advice: "name it with \(Setting.capacityID)")
            }
            id = c
        }
        let conditions = try filters.map { (try find($0.column), $0) }
        var result = ServiceCapacity(path: path, column: table.header[value], values: [:], skipped: [])
        var firstLine: [String: Int] = [:]
        try table.forEachRow { row in
            for (c, f) in conditions where !f.keeps(row.trimmed(c)) { return }
            let key = row.trimmed(id)
            guard !key.isEmpty else { return }
            guard let v = row.double(value), v.isFinite, v >= 0 else {
                result.skipped.append(SkippedRow(path: path, line: row.line, reason: "\(key): '\(row.trimmed(value))' is not a non-negative number"))
                return
            }
            if let line = firstLine[key] {
                throw AccessError.capacity(path: path, reason: "\(key) appears on lines \(line) and \(row.line)",
                                           advice: "keep one row per service with \(Setting.capacityFilter) such as Year=2025")
            }
            firstLine[key] = row.line
            result.values[key] = try PlausibleValues.check(v, maximum: PlausibleValues.maximumQuantity, path: path, line: row.line, field: table.header[value], code: key)
        }
        guard !result.values.isEmpty else {
            throw AccessError.capacity(path: path, reason: "no row left with a value in \(table.header[value])" + (filters.isEmpty ? "" : " after the filter \(filters.map(\.description).joined(separator: ", "))"), advice: nil)
        }
        return result
    }
}

/// How demand is weighted for need.
public enum NeedWeighting: Sendable, Hashable {
    /// Σ weight × count over the age-band columns of a population table (bands not named
    /// weigh 1). Keys are column names, or `A-B` / `A+` ranges over single-year-of-age columns.
    case ageBands(AgeBandNeed)
    /// population × factor^(IMD health deprivation and disability score): each unit of the
    /// domain score (about one standard deviation) multiplies need by `factor`.
    case healthDomain(factor: Double)

    /// Parses `NAME=WEIGHT,NAME=WEIGHT` (age bands).
    /// - Throws: ``AccessError/badParameter(_:_:)``.
    public static func parseWeights(_ text: String) throws -> [String: Double] {
        var result: [String: Double] = [:]
        for item in text.split(separator: ",") {
            guard let eq = item.lastIndex(of: "="), let w = Double(item[item.index(after: eq)...].trimmingCharacters(in: .whitespaces)), w >= 0, w.isFinite else {
                throw AccessError.badParameter("need weights: '\(item)' is not BAND=WEIGHT (e.g. \"65+=2.5\" or \"Aged 65 years and over=2.5\")", .needWeights)
            }
            result[item[..<eq].trimmingCharacters(in: .whitespaces)] = w
        }
        guard !result.isEmpty else { throw AccessError.badParameter("need weights: none given", .needWeights) }
        return result
    }
}

/// Need-weighted demand per area from an age-band population table: Σ weight × people over the
/// bands (bands not named weigh 1). Keys of the weights are column names, or `A-B` / `A+`
/// ranges over single-year-of-age columns.
public struct AgeBandNeed: Sendable, Hashable {
    /// The table read.
    public var path: String
    /// Weighted demand per area code.
    public var demand: [String: Double]
    /// How it was weighted, in words.
    public var description: String

    /// Reads an age-band population table and weighs its bands.
    /// - Throws: ``AccessError/need(path:reason:)`` when a named band matches no column.
    public static func read(path: String, weights: [String: Double]) throws -> AgeBandNeed {
        let table = try CSVTable(path: path)
        let path = table.path // a database address is named without its password
        let names = table.header.map(CSVTable.normalise)
        guard let code = names.firstIndex(where: { ($0.hasPrefix("lsoa") || $0.hasPrefix("area")) && ($0.hasSuffix("code") || $0.hasSuffix("cd")) })
                ?? names.firstIndex(of: "code") else {
            throw AccessError.need(path: path, reason: "no area code column; the columns are \(table.header.joined(separator: ", "))")
        }
        let excluded: Set<String> = ["total", "totalpopulation", "allages", "population"]
        let bands = names.indices.filter { $0 != code && !excluded.contains(names[$0]) && !names[$0].hasSuffix("name") && !names[$0].hasSuffix("nm") && !names[$0].hasSuffix("code") }
        var weightOf = [Double](repeating: 1, count: names.count)
        for (key, w) in weights {
            var matched: [Int] = []
            // Ranges over single-year columns first ("65+", "0-15"; a "90+" column counts as 90),
            // then a column name ("Aged 65 years and over").
            let ages: [(Int, Int)] = bands.compactMap { c in Int(names[c].filter(\.isNumber)).map { (c, $0) } }
            let k = key.replacingOccurrences(of: " ", with: "")
            if k.hasSuffix("+"), let lo = Int(k.dropLast()) {
                matched = ages.filter { $0.1 >= lo }.map(\.0)
            } else if let dash = k.firstIndex(of: "-"), let lo = Int(k[..<dash]), let hi = Int(k[k.index(after: dash)...]) {
                matched = ages.filter { $0.1 >= lo && $0.1 <= hi }.map(\.0)
            }
            if matched.isEmpty, let c = table.column([key]) { matched = [c] }
            guard !matched.isEmpty else {
                throw AccessError.need(path: path, reason: "the need weight '\(key)' matches no age column; the columns are \(table.header.joined(separator: ", "))")
            }
            for c in matched { weightOf[c] = w }
        }
        var values: [String: Double] = [:]
        try table.forEachRow { row in
            var sum = 0.0
            let area = row.trimmed(code)
            for c in bands {
                guard let people = row.double(c) else { continue }
                sum += weightOf[c] * (try PlausibleValues.check(people, maximum: PlausibleValues.maximumAreaPopulation, path: path, line: row.line, field: table.header[c], code: area))
            }
            values[area] = sum
        }
        let text = "need-weighted by age (\(URL(fileURLWithPath: path).lastPathComponent): " + weights.sorted { $0.key < $1.key }.map { "\($0.key) × \(DistanceDecay.format($0.value))" }.joined(separator: ", ") + ", other bands × 1)"
        return AgeBandNeed(path: path, demand: values, description: text)
    }
}
