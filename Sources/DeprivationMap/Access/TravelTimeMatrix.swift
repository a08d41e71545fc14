import Foundation

/// A travel-time (or any cost) matrix from areas to services, matched to the areas and services
/// of an analysis.
///
/// Two layouts are read (plain or `.gz`):
/// - **wide**: the first column holds the area (code or name, e.g. `Adur 001A`), each further
///   column is a service (identifier or postcode, e.g. `B152TH`), each cell a cost;
/// - **long**: one row per pair, with origin, destination and cost columns (named like
///   `origin`/`from`/`lsoa…`, `destination`/`dest`/`to`/`service…`, `cost`/`time`/`minutes`…).
///
/// Areas are matched by code first, then by name; services by identifier, then by postcode.
/// Everything that does not match is reported, never dropped silently.
public struct TravelTimeMatrix: Sendable {
    /// Wide (an area column, then a column per service) or long (origin, destination, cost).
    public enum Layout: String, Sendable { case wide, long }

    /// The file read.
    public var path: String
    /// Its layout.
    public var layout: Layout
    /// Pairs with a finite cost, as sparse rows over the analysis areas and services.
    public var neighbours: SparseNeighbours
    /// How the area keys matched: "code" or "name".
    public var areaKey: String
    /// Matrix area keys that are not among the areas (e.g. Welsh LSOAs with English IMD).
    public var unknownAreas: [String]
    /// Matrix service keys that match no service.
    public var unknownServices: [String]
    /// Analysis areas with no matrix row.
    public var areasWithoutRow: [Int]
    /// Services with no matrix column (or no pair in a long matrix).
    public var servicesWithoutColumn: [Int]
    /// Pairs of a matched area and a matched service with a blank or non-numeric cost.
    public var missingPairs: Int
    /// Examples of missing pairs: "area → service (line n)".
    public var missingExamples: [String]

    /// Reads `path` and matches it to the analysis.
    /// - Parameters:
    ///   - path: the matrix file (plain or `.gz`).
    ///   - areaCodes: codes of the analysis areas.
    ///   - areaNames: their names (matched when the matrix keys areas by name).
    ///   - serviceIds: identifiers of the services.
    ///   - servicePostcodes: their postcodes, normalised ("" when unknown).
    /// - Throws: ``AccessError/matrix(path:reason:)`` when neither layout is recognised or no
    ///   area or service matches.
    public static func read(path: String, areaCodes: [String], areaNames: [String], serviceIds: [String],
                            servicePostcodes: [String]) throws -> TravelTimeMatrix {
        try match(TravelTimeTable.read(path: path), areaCodes: areaCodes, areaNames: areaNames, serviceIds: serviceIds,
                  servicePostcodes: servicePostcodes)
    }

    /// Matches a loaded table to the analysis areas and services.
    /// - Parameters:
    ///   - loaded: the table as read.
    ///   - areaCodes: codes of the analysis areas.
    ///   - areaNames: their names (matched when the matrix keys areas by name).
    ///   - serviceIds: identifiers of the services.
    ///   - servicePostcodes: their postcodes, normalised ("" when unknown).
    /// - Throws: as ``read(path:areaCodes:areaNames:serviceIds:servicePostcodes:)``.
    public static func match(_ loaded: TravelTimeTable, areaCodes: [String], areaNames: [String], serviceIds: [String],
                             servicePostcodes: [String]) throws -> TravelTimeMatrix {
        let table = loaded.table
        var matcher = MatrixMatcher(areaCodes: areaCodes, areaNames: areaNames, serviceIds: serviceIds, servicePostcodes: servicePostcodes)
        let names = table.header.map(CSVTable.normalise)
        let origin = names.firstIndex { ["origin", "from", "origincode", "areacode", "lsoa", "lsoacode", "lsoa11cd", "lsoa21cd", "lsoa11code", "lsoa21code"].contains($0) }
        let destination = names.firstIndex { ["destination", "dest", "to", "service", "servicecode", "serviceid", "destinationcode", "postcode", "unit"].contains($0) }
        let cost = names.firstIndex { ["cost", "time", "minutes", "traveltime", "duration", "distance", "value"].contains($0) }
        let layout: Layout
        if let origin, let destination, let cost, table.header.count <= 6 {
            layout = .long
            try matcher.readLong(table, origin: origin, destination: destination, cost: cost)
        } else {
            guard table.header.count >= 2 else {
                throw AccessError.matrix(path: table.path, reason: "neither a wide matrix (area column then one column per service) nor a long one (origin, destination, cost columns); the columns are \(table.header.prefix(8).joined(separator: ", "))")
            }
            layout = .wide
            try matcher.readWide(table)
        }
        return try matcher.result(path: table.path, layout: layout)
    }
}

/// Matches the rows and columns of a travel-time table to the analysis areas and services,
/// collecting the costs and everything that does not match.
private struct MatrixMatcher {
    let byCode: [String: Int]
    let byName: [String: Int]
    var serviceIndex: [String: Int] = [:]
    var usesNames = false
    var rows: [[(Int32, Double)]]
    var seenRow: [Bool]
    var seenService: [Bool]
    var unknownAreas: [String] = [], unknownServices: [String] = []
    var missing = 0
    var examples: [String] = []

    init(areaCodes: [String], areaNames: [String], serviceIds: [String], servicePostcodes: [String]) {
        byCode = Dictionary(areaCodes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        byName = Dictionary(areaNames.enumerated().map { (CSVTable.normalise($1), $0) }, uniquingKeysWith: { a, _ in a })
        for (j, pc) in servicePostcodes.enumerated() where !pc.isEmpty { serviceIndex[pc] = serviceIndex[pc] ?? j }
        for (j, id) in serviceIds.enumerated() where !id.isEmpty { serviceIndex[id] = j }
        rows = Array(repeating: [], count: areaCodes.count)
        seenRow = Array(repeating: false, count: areaCodes.count)
        seenService = Array(repeating: false, count: serviceIds.count)
    }

    /// The service of a key: an identifier, or a postcode in any spelling.
    func service(_ key: String) -> Int? {
        serviceIndex[key] ?? Postcode.normalise(key).flatMap { serviceIndex[$0] }
    }

    /// The area of a key: a code, else a name.
    mutating func area(_ key: String) -> Int? {
        if let i = byCode[key] { return i }
        if let i = byName[CSVTable.normalise(key)] { usesNames = true; return i }
        return nil
    }

    /// One row per pair: origin, destination, cost.
    mutating func readLong(_ table: CSVTable, origin: Int, destination: Int, cost: Int) throws {
        var unknownA = Set<String>(), unknownS = Set<String>()
        try table.forEachRow { row in
            let a = row.trimmed(origin), s = row.trimmed(destination)
            guard let i = area(a) else { if unknownA.insert(a).inserted { unknownAreas.append(a) }; return }
            seenRow[i] = true
            guard let j = service(s) else { if unknownS.insert(s).inserted { unknownServices.append(s) }; return }
            seenService[j] = true
            guard let c = row.double(cost), c.isFinite, c >= 0 else {
                missing += 1
                if examples.count < 5 { examples.append("\(a) → \(s) (line \(row.line))") }
                return
            }
            rows[i].append((Int32(j), try PlausibleValues.check(c, maximum: PlausibleValues.maximumCost, path: table.path, line: row.line, field: table.header[cost], code: a)))
        }
    }

    /// An area column, then one column per service.
    mutating func readWide(_ table: CSVTable) throws {
        var columns: [Int?] = [nil]
        for c in table.header.indices.dropFirst() {
            let j = service(table.header[c].trimmingCharacters(in: .whitespaces))
            if let j { seenService[j] = true } else { unknownServices.append(table.header[c]) }
            columns.append(j)
        }
        try table.forEachRow { row in
            let a = row.trimmed(0)
            guard let i = area(a) else { unknownAreas.append(a); return }
            seenRow[i] = true
            for c in 1..<min(row.count, columns.count) {
                guard let j = columns[c] else { continue }
                if let v = row.double(c), v.isFinite, v >= 0 {
                    rows[i].append((Int32(j), try PlausibleValues.check(v, maximum: PlausibleValues.maximumCost, path: table.path, line: row.line, field: table.header[c], code: a)))
                } else {
                    missing += 1
                    if examples.count < 5 { examples.append("\(a) → \(table.header[c]) (line \(row.line))") }
                }
            }
            if row.count < columns.count {
                let absent = columns[row.count...].compactMap { $0 }.count
                missing += absent
                if absent > 0 && examples.count < 5 { examples.append("\(a): \(absent) cells missing at the end of line \(row.line)") }
            }
        }
    }

    /// The matched matrix, or an error when no row or no column matched.
    func result(path: String, layout: TravelTimeMatrix.Layout) throws -> TravelTimeMatrix {
        guard seenRow.contains(true) else {
            throw AccessError.matrix(path: path, reason: "no row matches an area by code or name (first keys: \(unknownAreas.prefix(3).joined(separator: ", "))); check that the matrix and the boundaries are of the same LSOA vintage.")
        }
        guard seenService.contains(true) else {
            throw AccessError.matrix(path: path, reason: "no column matches a service by identifier or postcode (first keys: \(unknownServices.prefix(3).joined(separator: ", "))).")
        }
        var offsets = [0], services: [Int32] = [], costs: [Double] = []
        for var r in rows {
            r.sort { $0.0 < $1.0 }
            for (j, c) in r { services.append(j); costs.append(c) }
            offsets.append(services.count)
        }
        return TravelTimeMatrix(path: path, layout: layout,
                                neighbours: SparseNeighbours(serviceCount: seenService.count, offsets: offsets, services: services, costs: costs),
                                areaKey: usesNames ? "name" : "code", unknownAreas: unknownAreas, unknownServices: unknownServices,
                                areasWithoutRow: seenRow.indices.filter { !seenRow[$0] }, servicesWithoutColumn: seenService.indices.filter { !seenService[$0] },
                                missingPairs: missing, missingExamples: examples)
    }
}

/// A travel-time table as loaded, before it is matched to areas and services (see
/// ``TravelTimeMatrix``). Loading once lets several analyses share it.
public struct TravelTimeTable: Sendable {
    /// The parsed file.
    public let table: CSVTable
    /// The file it came from.
    public var path: String { table.path }

    /// Reads a matrix file (plain or `.gz`).
    /// - Throws: `CSVError`, `CompressionError`.
    public static func read(path: String) throws -> TravelTimeTable {
        TravelTimeTable(table: try CSVTable(path: path))
    }
}
