import Foundation

/// UK postcode text helpers.
public enum Postcode {
    /// The postcode in upper case with all spaces removed ("ss0 0aa" → "SS00AA"), or `nil` when
    /// it is not shaped like a UK postcode (outward code of 2–4 characters starting with a letter,
    /// inward code of a digit and two letters).
    public static func normalise(_ text: String) -> String? {
        var chars: [UInt8] = []
        chars.reserveCapacity(8)
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: " "), 0x09: continue
            case UInt8(ascii: "a")...UInt8(ascii: "z"): chars.append(b - 32)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): chars.append(b)
            default: return nil
            }
        }
        guard (5...7).contains(chars.count) else { return nil }
        func isLetter(_ c: UInt8) -> Bool { c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") }
        func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
        let n = chars.count
        guard isLetter(chars[0]), isDigit(chars[n - 3]), isLetter(chars[n - 2]), isLetter(chars[n - 1]) else { return nil }
        return String(decoding: chars, as: UTF8.self)
    }

    /// The usual printed form with one space before the inward code ("SS00AA" → "SS0 0AA").
    public static func display(_ normalised: String) -> String {
        guard normalised.count >= 5 else { return normalised }
        return String(normalised.dropLast(3)) + " " + String(normalised.suffix(3))
    }
}

/// Every postcode unit of OS Code-Point Open with its British National Grid point.
///
/// Postcodes without coordinates (positional quality 90, published as 0,0) are kept out of
/// ``coordinates`` and listed in ``withoutCoordinates``.
public struct PostcodePoints: Sendable {
    /// Postcodes as published ("SS0 0AA"), one per point.
    public var postcodes: [String] = []
    /// Points in EPSG:27700, parallel to ``postcodes``.
    public var coordinates: [Coordinate] = []
    /// Positional quality indicator (10 best … 60), parallel to ``postcodes``.
    public var quality: [UInt8] = []
    /// Country code (E92000001 England, W92000004 Wales, S92000003 Scotland), parallel to ``postcodes``.
    public var countries: [String] = []
    /// Postcodes published without a position (quality 90).
    public var withoutCoordinates: [String] = []
    /// The files read (zip entries or the CSV).
    public var sources: [String] = []
    /// The CRS of ``coordinates``: British National Grid.
    public let crs = CRS.britishNationalGrid

    /// An empty set, filled by ``CodePointOpen/read(path:progress:)``.
    public init() {}

    /// Number of postcode rows read, with and without coordinates.
    public var rowCount: Int { postcodes.count + withoutCoordinates.count }

    /// A dictionary from normalised postcode to index, for geocoding.
    public func makeIndex() -> [String: Int] {
        var index = [String: Int](minimumCapacity: postcodes.count)
        for (i, p) in postcodes.enumerated() {
            if let key = Postcode.normalise(p) { index[key] = i }
        }
        return index
    }

    mutating func append(contentsOf other: PostcodePoints) {
        postcodes += other.postcodes
        coordinates += other.coordinates
        quality += other.quality
        countries += other.countries
        withoutCoordinates += other.withoutCoordinates
        sources += other.sources
    }
}

/// Why a postcode file could not be read.
public enum PostcodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The zip holds no `Data/CSV/*.csv` postcode files.
    case noPostcodeFiles(path: String)
    /// A row cannot be read.
    case badRow(path: String, line: Int, detail: String)
    /// Text that is not shaped like a UK postcode.
    case notAPostcode(String)
    /// A postcode that Code-Point Open does not hold, with postcodes of the same sector.
    case unknownPostcode(postcode: String, path: String, sameSector: [String])

    public var description: String {
        switch self {
        case .noPostcodeFiles(let path):
            return "\(path): no Code-Point Open postcode CSVs (Data/CSV/*.csv) in this zip. Is it the OS Code-Point Open download in CSV format?"
        case .badRow(let path, let line, let detail):
            return "\(path), line \(line): \(detail)"
        case .notAPostcode(let text):
            return "'\(text)' is not a UK postcode (e.g. SS2 6ER)."
        case .unknownPostcode(let postcode, let path, let sameSector):
            var text = "postcode \(postcode) is not in \(URL(fileURLWithPath: path).lastPathComponent) (mistyped, terminated, or without a position)"
            if !sameSector.isEmpty { text += "; postcodes of the same sector include \(sameSector.joined(separator: ", "))" }
            return text + "."
        }
    }
}

/// Reads OS Code-Point Open: the zip as downloaded (one headerless CSV per postcode area under
/// `Data/CSV/`, inflated in parallel) or a CSV extract with a header (`pc`/`postcode`,
/// `e`/`easting`, `n`/`northing`, optional `pq`).
///
/// ```swift
/// let points = try CodePointOpen.read(path: "codepo_gb_2025-04.zip")
/// print(points.postcodes.count)   // 1,742,638 with coordinates
/// ```
public enum CodePointOpen {
    /// Reads `path` (a `.zip` or a CSV/CSV.gz extract).
    /// - Parameters:
    ///   - path: the Code-Point Open zip, or a CSV (or CSV.gz) extract.
    ///   - progress: called with (files done, files) while a zip is read.
    /// - Throws: `CompressionError`, `CSVError`, ``PostcodeError``.
    public static func read(path: String, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> PostcodePoints {
        if path.lowercased().hasSuffix(".zip") { return try readZip(path: path, progress: progress) }
        let table = try CSVTable(path: path)
        let pc = try table.requireColumn(["pc", "postcode", "pcds", "pcd"], purpose: "postcode (pc)")
        let e = try table.requireColumn(["e", "ea", "easting", "eastings"], purpose: "easting (e)")
        let n = try table.requireColumn(["n", "no", "northing", "northings"], purpose: "northing (n)")
        let pq = table.column(["pq", "positionalqualityindicator"])
        let cy = table.column(["cy", "countrycode", "country"])
        var points = PostcodePoints()
        points.sources = [path]
        try table.forEachRow { row in try add(row, pc: pc, pq: pq, e: e, n: n, cy: cy, path: path, to: &points) }
        return points
    }

    /// The British National Grid point of one postcode. From the zip only the file of its
    /// postcode area is inflated (`Data/CSV/ss.csv` for SS2 6ER).
    /// - Throws: ``PostcodeError/notAPostcode(_:)``, ``PostcodeError/unknownPostcode(postcode:path:sameSector:)``
    ///   (with up to five postcodes of the same sector), reader errors.
    public static func locate(_ text: String, path: String) throws -> Coordinate {
        guard let key = Postcode.normalise(text) else { throw PostcodeError.notAPostcode(text) }
        let display = Postcode.display(key)
        let sector = String(display.dropLast(2))
        var found: Coordinate?
        var sameSector: [String] = []
        func consider(_ points: PostcodePoints) {
            for (i, pc) in points.postcodes.enumerated() {
                if Postcode.normalise(pc) == key { found = points.coordinates[i]; return }
                if sameSector.count < 5, pc.hasPrefix(sector) { sameSector.append(pc) }
            }
        }
        if path.lowercased().hasSuffix(".zip") {
            let zip = try ZipArchive(path: path)
            let area = String(key.prefix { $0.isLetter }).lowercased()
            if let entry = zip.entries.first(where: { $0.name.lowercased() == "data/csv/\(area).csv" }) {
                let table = try CSVTable(data: try zip.contents(of: entry), source: "\(path) (\(entry.name))", hasHeader: false, delimiter: UInt8(ascii: ","))
                var points = PostcodePoints()
                try table.forEachRow { row in try add(row, pc: 0, pq: 1, e: 2, n: 3, cy: 4, path: table.path, to: &points) }
                consider(points)
            } else if !zip.entries.contains(where: { $0.name.lowercased().hasPrefix("data/csv/") }) {
                throw PostcodeError.noPostcodeFiles(path: path)
            }
        } else {
            consider(try read(path: path))
        }
        guard let found else { throw PostcodeError.unknownPostcode(postcode: display, path: path, sameSector: sameSector) }
        return found
    }

    private static func readZip(path: String, progress: (@Sendable (Int, Int) -> Void)?) throws -> PostcodePoints {
        let zip = try ZipArchive(path: path)
        let files = zip.entries.filter { !$0.isDirectory && $0.name.lowercased().hasPrefix("data/csv/") && $0.name.lowercased().hasSuffix(".csv") }
        guard !files.isEmpty else { throw PostcodeError.noPostcodeFiles(path: path) }
        let done = Counter()
        let parts = try parallelMap(count: files.count) { i -> PostcodePoints in
            let entry = files[i]
            let bytes = try zip.contents(of: entry)
            let source = "\(path) (\(entry.name))"
            let table = try CSVTable(data: bytes, source: source, hasHeader: false, delimiter: UInt8(ascii: ","))
            var points = PostcodePoints()
            points.sources = [entry.name]
            points.postcodes.reserveCapacity(entry.uncompressedSize / 60)
            try table.forEachRow { row in try add(row, pc: 0, pq: 1, e: 2, n: 3, cy: 4, path: source, to: &points) }
            progress?(done.increment(), files.count)
            return points
        }
        var all = PostcodePoints()
        let total = parts.reduce(0) { $0 + $1.postcodes.count }
        all.postcodes.reserveCapacity(total)
        all.coordinates.reserveCapacity(total)
        all.quality.reserveCapacity(total)
        all.countries.reserveCapacity(total)
        for p in parts { all.append(contentsOf: p) }
        return all
    }

    private static func add(_ row: CSVRow, pc: Int, pq: Int?, e: Int, n: Int, cy: Int?, path: String, to points: inout PostcodePoints) throws {
        let postcode = row.trimmed(pc)
        guard !postcode.isEmpty else { throw PostcodeError.badRow(path: path, line: row.line, detail: "no postcode in the first column") }
        let quality = pq.flatMap { row.integer($0) } ?? 10
        guard let x = row.double(e), let y = row.double(n) else {
            if row.isBlank(e) || row.isBlank(n) { points.withoutCoordinates.append(postcode); return }
            throw PostcodeError.badRow(path: path, line: row.line, detail: "easting/northing '\(row.string(e))', '\(row.string(n))' are not numbers")
        }
        if quality == 90 || (x == 0 && y == 0) {
            points.withoutCoordinates.append(postcode)
            return
        }
        points.postcodes.append(postcode)
        points.coordinates.append(Coordinate(x: x, y: y))
        points.quality.append(UInt8(clamping: quality))
        points.countries.append(cy.map { row.trimmed($0) } ?? "")
    }
}

/// A thread-safe counter for progress reports.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { adding(1) }
    func adding(_ n: Int) -> Int { lock.withLock { value += n; return value } }
}
