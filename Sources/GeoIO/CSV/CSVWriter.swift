import Foundation

/// Writes a CSV table (RFC 4180: comma-separated, CRLF-free `\n` lines, fields quoted only when
/// they hold a comma, quote or line break) to a temporary file renamed into place on
/// ``commit()``; dropped without a commit, nothing appears.
///
/// ```swift
/// let csv = try CSVWriter(path: "out/areas.csv", header: ["code", "decile"])
/// try csv.writeRow(["E01000001", "9"])
/// try csv.commit()
/// ```
public final class CSVWriter {
    private let file: AtomicOutputFile
    private let columns: Int
    /// Where the table ends up.
    public var path: String { file.path }

    /// Opens the temporary file and writes the header.
    /// - Throws: ``OutputError``.
    public init(path: String, header: [String]) throws {
        file = try AtomicOutputFile(path: path)
        columns = header.count
        try writeRow(header)
    }

    /// Appends one row.
    /// - Precondition: `fields.count` equals the header's count.
    /// - Throws: ``OutputError``.
    public func writeRow(_ fields: [String]) throws {
        precondition(fields.count == columns, "CSV row has \(fields.count) fields, header has \(columns)")
        try file.withBuffer { out in
            for (i, f) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendField(f, to: &out)
            }
            out.append(0x0A)
        }
    }

    /// Appends one row given as a closure that appends its fields with ``appendField(_:to:)``
    /// and the separators itself: the allocation-free path for millions of rows.
    /// - Throws: ``OutputError``.
    public func writeRaw(_ body: (inout [UInt8]) -> Void) throws {
        try file.withBuffer { out in
            body(&out)
            out.append(0x0A)
        }
    }

    /// Appends `field`, quoted when needed.
    public static func appendField(_ field: String, to out: inout [UInt8]) {
        let needsQuotes = field.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else { out.append(contentsOf: field.utf8); return }
        out.append(UInt8(ascii: "\""))
        for b in field.utf8 {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Flushes and renames the file into place.
    /// - Throws: ``OutputError``.
    public func commit() throws { try file.commit() }

    /// Deletes the temporary file.
    public func abandon() { file.abandon() }
}
