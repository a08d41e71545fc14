import Foundation

/// A delimited text table read whole (plain, `.gz` or `.7z`), scanned row by row without
/// building an array per row: the fast path for large lookups and index tables.
///
/// Columns are found by header name (see ``column(_:)``); ``CSVRow`` gives typed access that
/// accepts the official spreadsheets' habits (quoted numbers with thousands separators,
/// surrounding spaces).
///
/// ```swift
/// let table = try CSVTable(path: "imd/File_1.csv.gz")
/// let code = try table.requireColumn(["lsoacode2011", "lsoa11cd"], purpose: "LSOA code")
/// try table.forEachRow { row in print(row.string(code)) }
/// ```
public struct CSVTable: @unchecked Sendable {
    /// The file, as given.
    public let path: String
    /// Header cells (or `column1`, `column2`, … when the table has no header line).
    public let header: [String]
    /// The field separator.
    public let delimiter: UInt8
    private let data: Data
    private let bodyStart: Int
    private let bodyLine: Int

    /// Reads `path` (decompressing `.gz`/`.7z`).
    ///
    /// A `postgresql://…?table=…` (or `?query=…`) address reads that table or query instead, as CSV
    /// with a header (see ``PostGIS/csv(_:)``); messages name it without its password.
    /// - Parameters:
    ///   - hasHeader: `false` for headerless layouts such as NHS ODS `epraccur`.
    ///   - delimiter: detected from the first line when `nil`.
    /// - Throws: ``CompressionError``, ``CSVError``, ``PostGISError``.
    public init(path: String, hasHeader: Bool = true, delimiter: UInt8? = nil) throws {
        if let source = PostGISSource(path) {
            try self.init(data: try PostGIS.csv(source), source: source.label, hasHeader: hasHeader, delimiter: UInt8(ascii: ","))
            return
        }
        try self.init(data: try FileContents.load(path: path), source: path, hasHeader: hasHeader, delimiter: delimiter)
    }

    /// Reads CSV text held in memory; `source` names it in messages.
    /// - Throws: ``CSVError``.
    public init(data: Data, source: String, hasHeader: Bool = true, delimiter: UInt8? = nil) throws {
        self.path = source
        self.data = data
        var start = 0
        var delim: UInt8 = 0
        var header: [String] = []
        var bodyLine = 1
        try data.withUnsafeBytes { raw in
            let b = raw.bindMemory(to: UInt8.self)
            try CSVError.checkText(b, path: source)
            if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { start = 3 }
            delim = delimiter ?? CSVParser.detectDelimiter(b, from: start)
            var scanner = CSVScanner(bytes: b, position: start, line: 1, delimiter: delim, path: source)
            guard let first = try scanner.next() else { throw CSVError.empty(path: source) }
            let row = CSVRow(bytes: b, spans: scanner.spansBuffer, line: first)
            if hasHeader {
                header = (0..<row.count).map { row.string($0).trimmingCharacters(in: .whitespaces) }
                start = scanner.position
                bodyLine = scanner.line
            } else {
                header = (0..<row.count).map { "column\($0 + 1)" }
            }
        }
        self.header = header
        self.delimiter = delim
        self.bodyStart = start
        self.bodyLine = bodyLine
    }

    /// Calls `body` for every data row, in file order. Blank lines are skipped. The row is only
    /// valid inside the call.
    /// - Throws: ``CSVError/unterminatedQuote(path:line:)`` and whatever `body` throws.
    public func forEachRow(_ body: (CSVRow) throws -> Void) throws {
        try data.withUnsafeBytes { raw in
            let b = raw.bindMemory(to: UInt8.self)
            var scanner = CSVScanner(bytes: b, position: bodyStart, line: bodyLine, delimiter: delimiter, path: path)
            while let line = try scanner.next() {
                try body(CSVRow(bytes: b, spans: scanner.spansBuffer, line: line))
            }
        }
    }

    /// Header text reduced to lowercase letters and digits, so that "LSOA code (2011)",
    /// "lsoa_code_2011" and "LSOACode2011" compare equal.
    public static func normalise(_ name: String) -> String {
        String(String.UnicodeScalarView(name.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII }))
    }

    /// The first column whose normalised header equals one of `names` (normalised), tried in order.
    public func column(_ names: [String]) -> Int? {
        let normalised = header.map(Self.normalise)
        for name in names {
            if let i = normalised.firstIndex(of: Self.normalise(name)) { return i }
        }
        return nil
    }

    /// The first column whose normalised header satisfies `test`.
    public func column(where test: (String) -> Bool) -> Int? {
        header.map(Self.normalise).firstIndex(where: test)
    }

    /// Like ``column(_:)`` but throws ``CSVError/unknownColumn(path:column:header:)`` naming
    /// `purpose` when none is found.
    public func requireColumn(_ names: [String], purpose: String) throws -> Int {
        guard let i = column(names) else { throw CSVError.unknownColumn(path: path, column: purpose, header: header) }
        return i
    }
}

/// Byte range of one field in the buffer; `escaped` when it holds doubled quotes to undo.
struct CSVFieldSpan {
    var start: Int
    var end: Int
    var escaped: Bool
}

/// One data row of a ``CSVTable``: typed access to its fields by column index. Valid only inside
/// the ``CSVTable/forEachRow(_:)`` call that produced it.
public struct CSVRow {
    let bytes: UnsafeBufferPointer<UInt8>
    let spans: UnsafeBufferPointer<CSVFieldSpan>
    /// 1-based line of the file where the row starts.
    public let line: Int

    /// Number of fields in this row.
    public var count: Int { spans.count }

    /// The raw bytes of field `i` (quotes removed, doubled quotes not undone).
    public func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let s = spans[i]
        return UnsafeBufferPointer(rebasing: bytes[s.start..<s.end])
    }

    /// Field `i` as text (UTF-8; invalid bytes replaced), or "" when the row is short.
    public func string(_ i: Int) -> String {
        guard i < spans.count else { return "" }
        let s = spans[i]
        let raw = UnsafeBufferPointer(rebasing: bytes[s.start..<s.end])
        guard s.escaped else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var k = 0
        while k < raw.count {
            out.append(raw[k])
            if raw[k] == UInt8(ascii: "\""), k + 1 < raw.count, raw[k + 1] == UInt8(ascii: "\"") { k += 1 }
            k += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Field `i` without surrounding spaces.
    public func trimmed(_ i: Int) -> String {
        guard i < spans.count else { return "" }
        if spans[i].escaped { return string(i).trimmingCharacters(in: .whitespaces) }
        var raw = bytes(i)[...]
        while let f = raw.first, f == 0x20 || f == 0x09 { raw = raw.dropFirst() }
        while let l = raw.last, l == 0x20 || l == 0x09 { raw = raw.dropLast() }
        return String(decoding: UnsafeBufferPointer(rebasing: raw), as: UTF8.self)
    }

    /// `true` when field `i` is missing, empty or only spaces.
    public func isBlank(_ i: Int) -> Bool {
        guard i < spans.count else { return true }
        return bytes(i).allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    /// Field `i` as an integer: spaces, a leading `+` and thousands separators ("29,199") allowed.
    /// `nil` when blank or not an integer.
    public func integer(_ i: Int) -> Int? {
        guard i < spans.count else { return nil }
        var value = 0, digits = 0, negative = false, seenSign = false
        for b in bytes(i) {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int(b - 48))
                if o1 || o2 { return nil }
                value = a
                digits += 1
            case UInt8(ascii: ","), UInt8(ascii: " "), 0x09:
                continue
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                if seenSign || digits > 0 { return nil }
                seenSign = true
                negative = b == UInt8(ascii: "-")
            default:
                return nil
            }
        }
        guard digits > 0 else { return nil }
        return negative ? -value : value
    }

    /// Field `i` as a number (thousands separators allowed); `nil` when blank or not a finite number.
    public func double(_ i: Int) -> Double? {
        if let n = integer(i) { return Double(n) }
        guard i < spans.count else { return nil }
        let text = bytes(i).filter { $0 != UInt8(ascii: ",") && $0 != 0x20 && $0 != 0x09 }
        guard !text.isEmpty, let d = Double(String(decoding: text, as: UTF8.self)), d.isFinite else { return nil }
        return d
    }
}

/// Scans records field by field into a reused span buffer.
struct CSVScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    var line: Int
    let delimiter: UInt8
    let path: String
    private(set) var spansBuffer = UnsafeBufferPointer<CSVFieldSpan>(start: nil, count: 0)
    private let storage: SpanStorage

    init(bytes: UnsafeBufferPointer<UInt8>, position: Int, line: Int, delimiter: UInt8, path: String) {
        self.bytes = bytes
        self.position = position
        self.line = line
        self.delimiter = delimiter
        self.path = path
        storage = SpanStorage()
    }

    /// Scans the next record; returns the line it starts on, `nil` at the end.
    mutating func next() throws -> Int? {
        let b = bytes, n = b.count, quote = UInt8(ascii: "\"")
        var i = position
        while i < n, b[i] == 0x0A || b[i] == 0x0D {
            if b[i] == 0x0A { line += 1 }
            i += 1
        }
        guard i < n else { position = i; return nil }
        let startLine = line
        storage.count = 0
        while true {
            if i < n, b[i] == quote {
                let start = i + 1
                var escaped = false
                i += 1
                while true {
                    guard i < n else { throw CSVError.unterminatedQuote(path: path, line: startLine) }
                    if b[i] == quote {
                        if i + 1 < n, b[i + 1] == quote { escaped = true; i += 2; continue }
                        break
                    }
                    if b[i] == 0x0A { line += 1 }
                    i += 1
                }
                storage.append(CSVFieldSpan(start: start, end: i, escaped: escaped))
                i += 1
                // Text between the closing quote and the delimiter is ignored.
                while i < n, b[i] != delimiter, b[i] != 0x0A, b[i] != 0x0D { i += 1 }
            } else {
                let start = i
                while i < n, b[i] != delimiter, b[i] != 0x0A, b[i] != 0x0D { i += 1 }
                storage.append(CSVFieldSpan(start: start, end: i, escaped: false))
            }
            if i < n, b[i] == delimiter { i += 1; continue }
            if i < n, b[i] == 0x0D { i += 1 }
            if i < n, b[i] == 0x0A { i += 1; line += 1 }
            position = i
            spansBuffer = storage.buffer
            return startLine
        }
    }
}

/// Growable span storage whose buffer stays valid until the next record.
final class SpanStorage {
    private var pointer: UnsafeMutablePointer<CSVFieldSpan>
    private var capacity = 64
    var count = 0

    init() { pointer = .allocate(capacity: 64) }
    deinit { pointer.deallocate() }

    func append(_ span: CSVFieldSpan) {
        if count == capacity {
            let bigger = UnsafeMutablePointer<CSVFieldSpan>.allocate(capacity: capacity * 2)
            bigger.moveInitialize(from: pointer, count: count)
            pointer.deallocate()
            pointer = bigger
            capacity *= 2
        }
        (pointer + count).initialize(to: span)
        count += 1
    }

    var buffer: UnsafeBufferPointer<CSVFieldSpan> { UnsafeBufferPointer(start: pointer, count: count) }
}
