import Foundation
import GeoCore

/// A parsed JSON value. Arrays of two-number arrays (GeoJSON position lists) are kept as
/// `positions` so that large geometries do not become millions of small enum values.
enum JSONValue {
    case null
    case bool(Bool)
    /// A number literal without fraction or exponent that fits in 64 bits.
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// An array of numbers, e.g. one position `[x, y]`.
    case numbers([Double])
    /// An array of `[x, y]` pairs (exactly two numbers each).
    case positions([Coordinate])
    case object([(key: String, value: JSONValue)])

    /// The member named `key` of an object.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Compact JSON text of the value (used to keep nested property values as text).
    var jsonText: String {
        var out: [UInt8] = []
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let i): appendInteger(i, to: &out)
        case .number(let d): appendShortestDouble(d, to: &out)
        case .string(let s): appendJSONString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .numbers(let ds):
            out.append(UInt8(ascii: "["))
            for (i, d) in ds.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                // Whole numbers as integers: `[1,2]` stays `[1,2]`, not `[1.0,2.0]`.
                if d == d.rounded(), abs(d) < 1e15 { appendInteger(Int64(d), to: &out) } else { appendShortestDouble(d, to: &out) }
            }
            out.append(UInt8(ascii: "]"))
        case .positions(let cs):
            JSONValue.array(cs.map { .numbers([$0.x, $0.y]) }).write(to: &out)
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, m) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendJSONString(m.key, to: &out)
                out.append(UInt8(ascii: ":"))
                m.value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

/// A syntax error at a byte offset.
struct JSONSyntaxError: Error {
    let offset: Int
    let message: String
}

/// A strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// Numbers are parsed exactly: a fast path for up to 15–16 significant digits with powers of ten
/// up to 10²², `strtod` otherwise. Nesting deeper than 512 levels is refused rather than risking
/// the stack.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0
    private static let maxDepth = 512

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses one complete JSON document (a UTF-8 byte-order mark is skipped).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        var p = JSONParser(bytes)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { p.i = 3 }
        let value = try p.parseValue()
        p.skipWhitespace()
        if p.i < bytes.count { throw JSONSyntaxError(offset: p.i, message: "unexpected text after the end of the JSON document") }
        return value
    }

    /// 1-based line and column of a byte offset, for error messages.
    static func lineAndColumn(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for k in 0..<min(offset, bytes.count) {
            if bytes[k] == 0x0A { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }

    private mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    private func fail(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: i, message: message)
    }

    private mutating func parseValue() throws -> JSONValue {
        skipWhitespace()
        guard i < bytes.count else { throw fail("unexpected end of file") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default:
            throw fail("unexpected character '\(Character(Unicode.Scalar(bytes[i])))'")
        }
    }

    private mutating func expectWord(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw fail("unexpected end of file") }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] {
            throw fail("invalid literal (expected \(word))")
        }
        i += n
    }

    private mutating func enter() throws {
        depth += 1
        if depth > Self.maxDepth { throw fail("nesting deeper than \(Self.maxDepth) levels") }
    }

    private mutating func parseObject() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        i += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a member name in double quotes") }
            let key = try parseString()
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after member name \"\(key)\"") }
            i += 1
            members.append((key, try parseValue()))
            skipWhitespace()
            guard i < bytes.count else { throw fail("unexpected end of file in an object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw fail("expected ',' or '}' in an object")
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        let start = i
        i += 1
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array([]) }
        guard i < bytes.count else { throw fail("unexpected end of file in an array") }
        let first = bytes[i]
        if first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) {
            if let numbers = try parseNumberArray() { return .numbers(numbers) }
        } else if first == UInt8(ascii: "["), let positions = try parsePositionList() {
            return .positions(positions)
        }
        // General case (also after a fast path gave up): start again from the bracket.
        i = start + 1
        var items: [JSONValue] = []
        while true {
            items.append(try parseValue())
            skipWhitespace()
            guard i < bytes.count else { throw fail("unexpected end of file in an array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw fail("expected ',' or ']' in an array")
        }
    }

    /// `[n, n, …]` → the numbers, or `nil` (position restored by the caller) if an element is not
    /// a number.
    private mutating func parseNumberArray() throws -> [Double]? {
        var result: [Double] = []
        while true {
            skipWhitespace()
            guard i < bytes.count else { throw fail("unexpected end of file in an array") }
            let b = bytes[i]
            guard b == UInt8(ascii: "-") || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) else { return nil }
            switch try parseNumber() {
            case .integer(let v): result.append(Double(v))
            case .number(let d): result.append(d)
            default: return nil
            }
            skipWhitespace()
            guard i < bytes.count else { throw fail("unexpected end of file in an array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return result }
            throw fail("expected ',' or ']' in an array")
        }
    }

    /// `[[x, y], [x, y], …]` with exactly two numbers per pair, or `nil` otherwise.
    private mutating func parsePositionList() throws -> [Coordinate]? {
        var result: [Coordinate] = []
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { return nil }
            i += 1
            guard let pair = try parseNumberArray(), pair.count == 2 else { return nil }
            result.append(Coordinate(x: pair[0], y: pair[1]))
            skipWhitespace()
            guard i < bytes.count else { throw fail("unexpected end of file in an array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return result }
            throw fail("expected ',' or ']' in an array")
        }
    }

    private mutating func parseString() throws -> String {
        i += 1 // opening quote
        let start = i
        var hasEscape = false
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                if !hasEscape {
                    let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                    i += 1
                    return s
                }
                break
            }
            if b == UInt8(ascii: "\\") { hasEscape = true; i += 2; continue }
            if b < 0x20 { throw fail("control character in a string (escape it as \\u00XX)") }
            i += 1
        }
        guard hasEscape else { throw fail("unterminated string") }
        // Slow path with escapes.
        i = start
        var out: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if b == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { break }
                switch bytes[i] {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar), i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "\\"), bytes[i + 2] == UInt8(ascii: "u") {
                        i += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid UTF-16 surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    out.append(contentsOf: String(Character(u)).utf8)
                default:
                    throw fail("invalid escape sequence")
                }
                i += 1
                continue
            }
            if b < 0x20 { throw fail("control character in a string (escape it as \\u00XX)") }
            out.append(b)
            i += 1
        }
        throw fail("unterminated string")
    }

    /// Reads the 4 hex digits after `\u`; leaves `i` on the last digit.
    private mutating func parseHex4() throws -> UInt32 {
        guard i + 4 < bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for k in 1...4 {
            let c = bytes[i + k]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("invalid hex digit in \\u escape")
            }
            v = v * 16 + d
        }
        i += 4
        return v
    }

    private static let powersOfTen: [Double] = (0...22).map { k in
        var p = 1.0
        for _ in 0..<k { p *= 10 }
        return p
    }

    private mutating func parseNumber() throws -> JSONValue {
        let start = i
        var negative = false
        if bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var exact = true
        var isInteger = true
        func digit(_ k: Int) -> UInt8? {
            guard k < bytes.count else { return nil }
            let d = bytes[k] &- UInt8(ascii: "0")
            return d < 10 ? d : nil
        }
        guard let firstDigit = digit(i) else { throw fail("invalid number") }
        if firstDigit == 0 {
            i += 1
            if digit(i) != nil { throw fail("invalid number (leading zero)") }
        } else {
            while let d = digit(i) {
                if significant < 19 {
                    mantissa = mantissa * 10 + UInt64(d)
                    significant += 1
                } else {
                    exponent += 1
                    exact = false
                }
                i += 1
            }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard digit(i) != nil else { throw fail("invalid number (no digits after '.')") }
            while let d = digit(i) {
                if mantissa == 0 && d == 0 {
                    exponent -= 1
                } else if significant < 19 {
                    mantissa = mantissa * 10 + UInt64(d)
                    significant += 1
                    exponent -= 1
                } else if d != 0 {
                    exact = false
                }
                i += 1
            }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            var expNegative = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            guard digit(i) != nil else { throw fail("invalid number (no digits in exponent)") }
            var e = 0
            while let d = digit(i) {
                if e < 100_000 { e = e * 10 + Int(d) }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        if isInteger && exact && mantissa <= UInt64(Int64.max) {
            let v = Int64(mantissa)
            return .integer(negative ? -v : v)
        }
        if exact && mantissa < (1 << 53) && abs(exponent) <= 22 {
            var d = Double(mantissa)
            d = exponent >= 0 ? d * Self.powersOfTen[exponent] : d / Self.powersOfTen[-exponent]
            return .number(negative ? -d : d)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        let value = text.withCString { strtod($0, nil) }
        // JSON has no infinity: a literal beyond ±1.8e308 is refused rather than read as ±inf.
        guard value.isFinite else {
            i = start
            throw fail("the number \(text.prefix(40)) is outside the range of a 64-bit floating-point number")
        }
        return .number(value)
    }
}
