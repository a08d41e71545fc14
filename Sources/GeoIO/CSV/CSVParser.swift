import GeoCore
/// Why a CSV file could not be read. Line numbers are 1-based lines of the file.
public enum CSVError: Error, Sendable, Equatable, AdvisedError {
    /// The file does not exist or cannot be read.
    case cannotRead(path: String, reason: String)
    /// The file has no header line.
    case empty(path: String)
    /// A quoted field is never closed.
    case unterminatedQuote(path: String, line: Int)
    /// A row has a different number of fields from the header.
    case wrongFieldCount(path: String, line: Int, expected: Int, got: Int)
    /// The coordinate columns could not be found.
    case coordinateColumnsNotFound(path: String, header: [String])
    /// A named column does not exist.
    case unknownColumn(path: String, column: String, header: [String])
    /// The coordinate columns' CRS cannot be told from their names.
    case crsUnknown(path: String, xColumn: String, yColumn: String)
    /// A coordinate value is not a number.
    case badCoordinate(path: String, line: Int, column: String, value: String)
    /// A longitude/latitude is out of range.
    case coordinateOutOfRange(path: String, line: Int, column: String, value: Double)
    /// A text cell is not valid UTF-8.
    case badEncoding(path: String, line: Int)
    /// The file is not text: NUL bytes (binary data), or UTF-16 text.
    case notText(path: String, utf16: Bool)

    public var problem: String {
        switch self {
        case .cannotRead(let path, let reason):
            return "\(path): cannot be read: \(reason.withoutFinalStop)."
        case .empty(let path):
            return "\(path): the file is empty; a CSV point table needs a header line and rows."
        case .unterminatedQuote(let path, let line):
            return "\(path), line \(line): a quoted field is never closed. Check for a stray \" in that row."
        case .wrongFieldCount(let path, let line, let expected, let got):
            return "\(path), line \(line): \(got) fields where the header has \(expected). Check the quoting in that row."
        case .coordinateColumnsNotFound(let path, let header):
            return "\(path): no coordinate columns recognised among \(header.joined(separator: ", "))."
        case .unknownColumn(let path, let column, let header):
            return "\(path): there is no column '\(column)'; the columns are \(header.joined(separator: ", "))."
        case .crsUnknown(let path, let x, let y):
            return "\(path): the CRS of columns \(x)/\(y) cannot be told from their names."
        case .badCoordinate(let path, let line, let column, let value):
            return "\(path), line \(line), column \(column): '\(value)' is not a number. Correct the value, or leave the cell empty to skip the row."
        case .coordinateOutOfRange(let path, let line, let column, let value):
            return "\(path), line \(line), column \(column): \(value) is out of range for longitude/latitude. Are the columns swapped, or are these eastings/northings?"
        case .badEncoding(let path, let line):
            return "\(path), line \(line): the text is not valid UTF-8."
        case .notText(let path, let utf16):
            return utf16
                ? "\(path): the file is UTF-16 text, which is not read. Save it as UTF-8 (in Excel: \"CSV UTF-8\"), or convert it with `iconv -f UTF-16 -t UTF-8`."
                : "\(path): the file holds NUL bytes, so it is binary data and not a CSV table. Check that this is the file you meant (a spreadsheet must be saved as CSV first)."
        }
    }

    public var advice: Advice? {
        switch self {
        case .wrongFieldCount: return "check \(Setting.delimiter)"
        case .coordinateColumnsNotFound: return "name them with \(Setting.coordinateColumns) (and give \(Setting.crs))"
        case .crsUnknown: return "declare \(Setting.crs): EPSG:27700 for eastings/northings or EPSG:4326 for longitude/latitude"
        case .coordinateOutOfRange: return "name \(Setting.coordinateColumns) and declare \(Setting.crs)"
        case .badEncoding: return "set \(Setting.encoding) to ISO-8859-1 (or Windows-1252)"
        default: return nil
        }
    }

    /// Refuses bytes that cannot be CSV text, looking at the first 64 KiB only: a UTF-16
    /// byte-order mark or NUL bytes (UTF-16 without a mark has NULs in every other byte).
    /// - Throws: ``CSVError/notText(path:utf16:)``.
    static func checkText(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws {
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            throw CSVError.notText(path: path, utf16: true)
        }
        let probe = min(bytes.count, 65_536)
        var nulEven = 0, nulOdd = 0
        for k in 0..<probe where bytes[k] == 0 {
            if k & 1 == 0 { nulEven += 1 } else { nulOdd += 1 }
        }
        guard nulEven + nulOdd > 0 else { return }
        // ASCII text in UTF-16 puts a NUL in nearly every other byte, and almost none in the others.
        let utf16 = probe >= 4 && max(nulEven, nulOdd) * 3 >= probe && min(nulEven, nulOdd) * 20 < max(nulEven, nulOdd)
        throw CSVError.notText(path: path, utf16: utf16)
    }
}

/// Splits CSV text (RFC 4180) into records: quoted fields with doubled quotes, delimiters and
/// line breaks inside quotes, CRLF or LF line ends, an optional UTF-8 byte-order mark.
struct CSVParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var line = 1
    /// The field separator.
    let delimiter: UInt8
    let path: String

    init(bytes: UnsafeBufferPointer<UInt8>, path: String, delimiter: UInt8?) {
        self.bytes = bytes
        self.path = path
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        self.delimiter = delimiter ?? Self.detectDelimiter(bytes, from: i)
    }

    /// The most frequent of `,` `;` tab `|` outside quotes on the first line (comma on a tie).
    static func detectDelimiter(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]
        var counts = [Int](repeating: 0, count: candidates.count)
        var quoted = false
        var k = start
        while k < bytes.count {
            let b = bytes[k]
            if b == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted {
                if b == 0x0A || b == 0x0D { break }
                if let c = candidates.firstIndex(of: b) { counts[c] += 1 }
            }
            k += 1
        }
        let best = counts.indices.max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) }!
        return counts[best] > 0 ? candidates[best] : UInt8(ascii: ",")
    }

    /// The next record as raw byte ranges of its fields, with the line it starts on; `nil` at
    /// the end. Blank lines are skipped.
    mutating func next() throws -> (line: Int, fields: [[UInt8]])? {
        while i < bytes.count, bytes[i] == 0x0A || bytes[i] == 0x0D {
            if bytes[i] == 0x0A { line += 1 }
            i += 1
        }
        guard i < bytes.count else { return nil }
        let startLine = line
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        while true {
            if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
                // Quoted field.
                i += 1
                while true {
                    guard i < bytes.count else { throw CSVError.unterminatedQuote(path: path, line: startLine) }
                    let b = bytes[i]
                    if b == UInt8(ascii: "\"") {
                        if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                            field.append(b)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    if b == 0x0A { line += 1 }
                    field.append(b)
                    i += 1
                }
                // Anything up to the delimiter after a closing quote is kept as text.
                while i < bytes.count, bytes[i] != delimiter, bytes[i] != 0x0A, bytes[i] != 0x0D {
                    field.append(bytes[i])
                    i += 1
                }
            } else {
                while i < bytes.count, bytes[i] != delimiter, bytes[i] != 0x0A, bytes[i] != 0x0D {
                    field.append(bytes[i])
                    i += 1
                }
            }
            fields.append(field)
            field.removeAll(keepingCapacity: true)
            if i < bytes.count, bytes[i] == delimiter {
                i += 1
                continue
            }
            // End of record.
            if i < bytes.count, bytes[i] == 0x0D { i += 1 }
            if i < bytes.count, bytes[i] == 0x0A { i += 1; line += 1 }
            return (startLine, fields)
        }
    }
}
