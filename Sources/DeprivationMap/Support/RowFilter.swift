import Foundation

/// Keeps the rows of a table whose `column` holds one of `values` (compared trimmed, ignoring
/// case): Geolytix stores by `size_code`, workforce rows by `Year`, practices by `ICB_NAME`.
/// Filters on different columns combine with AND.
///
/// ```swift
/// let year = RowFilter(column: "Year", equals: "2025")
/// let sizes = RowFilter(column: "size_code", values: ["Mid-size", "Large", "Very large"])
/// let parsed = try RowFilter.parse("ICB_NAME=Mid and South Essex")
/// ```
public struct RowFilter: Sendable, Hashable, CustomStringConvertible {
    /// The column compared.
    public var column: String
    /// The values kept (compared trimmed, ignoring case).
    public var values: [String]

    /// Keeps rows whose `column` holds one of `values`.
    public init(column: String, values: [String]) {
        self.column = column
        self.values = values
    }

    /// Keeps rows whose `column` holds `value`.
    public init(column: String, equals value: String) {
        self.init(column: column, values: [value])
    }

    /// `COLUMN=VALUE`; `nil` when there is no `=` or no column name.
    public static func parse(_ text: String) -> RowFilter? {
        guard let eq = text.firstIndex(of: "="), eq > text.startIndex else { return nil }
        return RowFilter(column: String(text[..<eq]), equals: String(text[text.index(after: eq)...]))
    }

    /// "COLUMN in {A, B}", or "COLUMN=VALUE" for one value.
    public var description: String {
        values.count == 1 ? "\(column)=\(values[0])" : "\(column) in {\(values.joined(separator: ", "))}"
    }

    /// Whether a cell's text passes.
    public func keeps(_ text: String) -> Bool {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        return values.contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == t }
    }
}
