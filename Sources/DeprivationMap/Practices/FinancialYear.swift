import Foundation

/// An NHS financial year, April to March, written "2022/23".
///
/// NHS England's workforce files and the Health Equity Evidence Centre label a financial year by
/// the calendar year in which it ends ("Year 2023" is 2022/23); ``endYear`` is that label.
public struct FinancialYear: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The calendar year in which the financial year starts (April).
    public var startYear: Int

    /// The financial year that starts in April of `startYear`.
    public init(startYear: Int) { self.startYear = startYear }

    /// The financial year that ends in March of `endYear` (the workforce files' "Year").
    public init(endYear: Int) { self.startYear = endYear - 1 }

    /// Reads "2022/23", "2022-23", "2022/2023" or "2022-2023"; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "_" })
        guard parts.count == 2, parts[0].count == 4, let start = Int(parts[0]), (1990...2100).contains(start),
              let end = Int(parts[1]) else { return nil }
        let expected = parts[1].count == 2 ? (start + 1) % 100 : start + 1
        guard (parts[1].count == 2 || parts[1].count == 4), end == expected else { return nil }
        startYear = start
    }

    /// The calendar year in which it ends.
    public var endYear: Int { startYear + 1 }

    /// "2022/23".
    public var description: String { "\(startYear)/" + String(format: "%02d", endYear % 100) }

    /// The financial year written in a file name such as `nhs_payments_2022-23.csv`; `nil` when
    /// the name has none or more than one.
    public static func named(in path: String) -> FinancialYear? {
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let pattern = try! NSRegularExpression(pattern: "(?<![0-9])(20[0-9]{2})[-_](?:20)?([0-9]{2})(?![0-9])")
        let matches = pattern.matches(in: name, range: NSRange(name.startIndex..., in: name)).compactMap { m -> FinancialYear? in
            guard let a = Range(m.range(at: 1), in: name), let b = Range(m.range(at: 2), in: name) else { return nil }
            return FinancialYear("\(name[a])/\(name[b])")
        }
        return Set(matches).count == 1 ? matches[0] : nil
    }

    /// The earlier financial year first.
    public static func < (a: FinancialYear, b: FinancialYear) -> Bool { a.startYear < b.startYear }
}
