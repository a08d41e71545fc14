/// The type of an attribute field, as DBF, GeoJSON and CSV sources expose it.
public enum FieldType: String, Sendable, Hashable, CaseIterable {
    /// Text.
    case string = "String"
    /// Whole number (64-bit).
    case integer = "Integer"
    /// Floating-point number.
    case real = "Real"
    /// True or false (DBF logical).
    case boolean = "Boolean"
    /// Calendar date without time (DBF `D`).
    case date = "Date"
}

/// A named, typed attribute field of a layer.
///
/// `width` and `decimals` carry the DBF field size when the field came from (or goes to) a DBF;
/// they are `nil` for sources without fixed widths.
public struct FieldDefinition: Hashable, Sendable, CustomStringConvertible {
    /// Field name as in the source (DBF names are at most 10 characters).
    public var name: String
    /// Value type.
    public var type: FieldType
    /// DBF width in characters, when known.
    public var width: Int?
    /// DBF decimal places, when known.
    public var decimals: Int?

    /// Creates a field definition.
    public init(name: String, type: FieldType, width: Int? = nil, decimals: Int? = nil) {
        self.name = name
        self.type = type
        self.width = width
        self.decimals = decimals
    }

    /// The field as ogrinfo prints it: `NAME: String (9.0)`.
    public var description: String {
        if let width {
            return "\(name): \(type.rawValue) (\(width).\(decimals ?? 0))"
        }
        return "\(name): \(type.rawValue)"
    }
}

/// A calendar date (DBF `D` fields store `YYYYMMDD`).
public struct DateValue: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Year, e.g. 2025.
    public var year: Int
    /// Month, 1–12.
    public var month: Int
    /// Day of month, 1–31.
    public var day: Int

    /// Creates a date. Returns `nil` unless month is 1–12 and day 1–31.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYYMMDD` (DBF) or `YYYY-MM-DD` (ISO 8601); `nil` for anything else.
    public init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        let digitPositions: [Int]
        switch bytes.count {
        case 8: digitPositions = Array(0..<8)
        case 10 where bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-"): digitPositions = [0, 1, 2, 3, 5, 6, 8, 9]
        default: return nil
        }
        var all = 0
        for i in digitPositions {
            let b = bytes[i]
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            all = all * 10 + Int(b - UInt8(ascii: "0"))
        }
        self.init(year: all / 10000, month: (all / 100) % 100, day: all % 100)
    }

    /// ISO 8601: `YYYY-MM-DD`.
    public var description: String {
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (a: DateValue, b: DateValue) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

/// One attribute value of a feature.
public enum FieldValue: Hashable, Sendable, CustomStringConvertible {
    /// No value (DBF null, JSON `null`, empty CSV cell in a non-text column).
    case null
    /// Text.
    case string(String)
    /// Whole number.
    case integer(Int64)
    /// Floating-point number.
    case real(Double)
    /// Logical value.
    case boolean(Bool)
    /// Calendar date.
    case date(DateValue)

    /// `true` for `.null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The value as text, the way a row filter compares it: integers without
    /// decimals, reals in shortest round-trip form, booleans as `true`/`false`, dates as ISO 8601,
    /// null as the empty string.
    public var text: String {
        switch self {
        case .null: return ""
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .real(let d): return Self.shortest(d)
        case .boolean(let b): return b ? "true" : "false"
        case .date(let d): return d.description
        }
    }

    /// The value as a number when it is numeric (integer or real), else `nil`.
    public var number: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .real(let d): return d
        default: return nil
        }
    }

    public var description: String { isNull ? "null" : text }

    /// Shortest round-trip decimal form; whole values without a trailing `.0`.
    static func shortest(_ d: Double) -> String {
        if d.isFinite, d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}
