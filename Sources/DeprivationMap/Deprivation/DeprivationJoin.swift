import Foundation

/// The match of area codes to a deprivation table, with every mismatch listed.
public struct DeprivationJoin: Sendable {
    /// Per area: its record, or `nil`.
    public var records: [DeprivationRecord?]
    /// Area codes with no row in the table.
    public var unmatchedAreas: [String]
    /// Table codes with no area (only those that look like the areas' country and kind).
    public var unmatchedTableCodes: [String]
    /// A vintage mismatch, when one is detected.
    public var vintageMismatch: Diagnostic?

    /// Number of areas matched.
    public var matchedCount: Int { records.lazy.filter { $0 != nil }.count }

    /// Joins `codes` to `table`. A vintage mismatch is detected from the headers (areas
    /// "LSOA21CD", table "LSOA code (2011)") or, when they do not say, from a low match rate.
    /// - Parameters:
    ///   - codes: the area codes.
    ///   - areaVintage: the areas' LSOA vintage, when known.
    ///   - table: the deprivation table.
    public static func join(codes: [String], areaVintage: LSOAVintage?, table: DeprivationTable) -> DeprivationJoin {
        let records = codes.map { table[$0] }
        let unmatched = zip(codes, records).filter { $0.1 == nil }.map(\.0)
        let codeSet = Set(codes)
        // Only the table's codes of a country the areas cover count as unmatched (an England-only
        // selection against the whole IMD is normal; that is reported as "outside the areas").
        let prefixes = Set(codes.map { String($0.prefix(3)) })
        let unmatchedTable = table.records.lazy.map(\.code).filter { !codeSet.contains($0) && prefixes.contains(String($0.prefix(3))) }
        var mismatch: Diagnostic?
        let matched = records.count - unmatched.count
        if let a = areaVintage, let t = table.vintage, a != t {
            mismatch = Diagnostic("the areas are \(a) but the \(table.kind) table is on \(t): \(matched) of \(codes.count) area codes match",
                                  codes: unmatched, advice: "carry the table across with \(Setting.vintageLookup) (lsoa11_lsoa21_ltla22.csv.gz), or use boundaries of \(t)")
        } else if codes.count > 0, Double(matched) < 0.9 * Double(codes.count), unmatched.contains(where: { $0.hasPrefix("E01") || $0.hasPrefix("W01") }) {
            mismatch = Diagnostic("only \(matched) of \(codes.count) area codes are in the \(table.kind) table: the boundaries and the table are probably of different LSOA vintages (2011 vs 2021)",
                                  codes: unmatched, advice: "carry the table across with \(Setting.vintageLookup), or use matching boundaries")
        }
        return DeprivationJoin(records: records, unmatchedAreas: unmatched, unmatchedTableCodes: Array(unmatchedTable), vintageMismatch: mismatch)
    }
}

/// Deciles re-ranked within a selection of areas (a region such as an ICS).
public enum LocalDeciles {
    /// Local deciles by count of areas: the areas ordered from most to least deprived (by
    /// national rank, 1 = most deprived, or by score, higher = more deprived), then area k of n
    /// (1-based) gets decile ⌈10·k/n⌉. Ties keep input order. `nil` for areas without a value.
    public static func byCount(order: [Double?]) -> [Int?] {
        let ranked = order.indices.filter { order[$0] != nil }.sorted { (order[$0]!, $0) < (order[$1]!, $1) }
        var result = [Int?](repeating: nil, count: order.count)
        let n = ranked.count
        for (k, i) in ranked.enumerated() { result[i] = min(10, max(1, Int(saturating: 10.0 * Double(k + 1) / Double(n), .up))) }
        return result
    }

    /// Population-weighted local deciles: the areas ordered as in ``byCount(order:)``, each area's
    /// decile is the tenth of the region's population in which the middle of its own population
    /// falls, so that each decile holds about a tenth of the people rather than of the areas.
    public static func byPopulation(order: [Double?], population: [Double?]) -> [Int?] {
        let usable = order.indices.filter { order[$0] != nil && population[$0] != nil }
        let ranked = usable.sorted { (order[$0]!, $0) < (order[$1]!, $1) }
        let total = ranked.reduce(0.0) { $0 + population[$1]! }
        var result = [Int?](repeating: nil, count: order.count)
        guard total > 0 else { return result }
        var before = 0.0
        for i in ranked {
            let p = population[i]!
            let mid = (before + p / 2) / total
            result[i] = max(1, min(9, Int(saturating: mid * 10, .down)) + 1)
            before += p
        }
        return result
    }
}
