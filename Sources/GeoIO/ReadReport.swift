import Foundation
import GeoCore

/// What a reader noticed while reading, beyond the features themselves: partial matches are
/// reported, not hidden. Record numbers are 1-based; line numbers are 1-based file lines.
public struct ReadReport: Sendable, Hashable {
    /// Where the layer's CRS came from (".prj", "given by the caller", "RFC 7946 default", "columns lon/lat", …).
    public var crsSource: String = ""
    /// The text encoding used and where it came from, when the format has one.
    public var encoding: String?
    /// Records with no geometry (shapefile null shapes, GeoJSON `"geometry": null`).
    public var nullGeometryRecords: [Int] = []
    /// Records where a counter-clockwise ring lay inside no shell and was kept as a shell of its own.
    public var holesKeptAsShells: [Int] = []
    /// Records with a ring of zero area (kept as drawn).
    public var zeroAreaRings: [Int] = []
    /// Records whose text was not valid in the assumed encoding and was read as Windows-1252.
    public var encodingFallbacks: [Int] = []
    /// CSV lines skipped because they had no coordinates, with the reason.
    public var skippedLines: [SkippedLine] = []
    /// Other things the reader did that change what was read (GeoPackage z or m values dropped).
    public var otherNotes: [String] = []

    /// A CSV line left out of the layer.
    public struct SkippedLine: Sendable, Hashable {
        /// 1-based line number in the file.
        public var line: Int
        /// Why it was left out.
        public var reason: String
    }

    /// Creates an empty report.
    public init() {}

    /// One line per noteworthy item, for printing on stderr; empty when there is nothing to say.
    public var notes: [String] {
        var lines: [String] = []
        func list(_ records: [Int]) -> String {
            let shown = records.prefix(10).map(String.init).joined(separator: ", ")
            return records.count > 10 ? shown + ", … (\(records.count) in all)" : shown
        }
        if !nullGeometryRecords.isEmpty {
            lines.append("\(nullGeometryRecords.count) record(s) have no geometry: \(list(nullGeometryRecords))")
        }
        if !holesKeptAsShells.isEmpty {
            lines.append("\(holesKeptAsShells.count) record(s) have a hole outside every shell, kept as a shell: \(list(holesKeptAsShells))")
        }
        if !zeroAreaRings.isEmpty {
            lines.append("\(zeroAreaRings.count) record(s) have a ring of zero area: \(list(zeroAreaRings))")
        }
        if !encodingFallbacks.isEmpty {
            lines.append("\(encodingFallbacks.count) record(s) were not valid UTF-8 and were read as Windows-1252: \(list(encodingFallbacks))")
        }
        if !skippedLines.isEmpty {
            let shown = skippedLines.prefix(10).map { "line \($0.line) (\($0.reason))" }.joined(separator: ", ")
            let more = skippedLines.count > 10 ? ", … (\(skippedLines.count) in all)" : ""
            lines.append("\(skippedLines.count) line(s) skipped: \(shown)\(more)")
        }
        return lines + otherNotes
    }
}

/// Calls `body` with the bytes of the file at `path` (memory-mapped when safe; `.gz` inflated),
/// or throws the error `cannotRead` makes from the reason ("file not found", or the system's message).
func withContentsOfFile<R>(_ path: String, cannotRead: (String) -> Error, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
    let data: Data
    do {
        data = try FileContents.load(path: path)
    } catch let error as CompressionError {
        if case .cannotRead(_, let reason) = error { throw cannotRead(reason) }
        throw error // damaged, too large: the compression error already names the file and the fix
    }
    return try data.withUnsafeBytes { try body($0.bindMemory(to: UInt8.self)) }
}

/// The layer name for a file: its name without folder and extension.
func layerName(of path: String) -> String {
    URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
}
