import Foundation

/// Durations and distances between origins and destinations along a network, with how far each
/// point was moved to reach it.
public struct NetworkTable: Sendable {
    /// Number of sources (rows).
    public var sourceCount: Int
    /// Number of destinations (columns).
    public var destinationCount: Int
    /// Seconds, row-major; `nil` where the destination cannot be reached from the source.
    public var seconds: [Double?]
    /// Metres along the network, row-major; `nil` where unreachable.
    public var metres: [Double?]
    /// Metres from each source to the network point it was snapped to.
    public var sourceSnap: [Double]
    /// Metres from each destination to its network point.
    public var destinationSnap: [Double]
    /// The network point (lon/lat) each source was snapped to.
    public var sourceLocations: [Coordinate] = []
    /// The network point (lon/lat) each destination was snapped to.
    public var destinationLocations: [Coordinate] = []
}

/// One route along the network.
public struct NetworkRoute: Sendable {
    /// The line driven or walked, lon/lat (EPSG:4326).
    public var line: [Coordinate]
    /// Seconds.
    public var seconds: Double
    /// Metres.
    public var metres: Double
    /// Metres of each leg between consecutive waypoints.
    public var legMetres: [Double] = []
}

/// A routing engine answering for one mode: an OSRM server this library started on loopback
/// (stopped when the router is released, on ``stop()``, or on an interrupt), or a running server
/// a team shares (``connect(url:mode:maximumCells:timeout:)``).
///
/// ```swift
/// let engine = try OSRMEngine.locate(in: [".engines"])
/// let extract = try OSMExtract.read(path: "helsinki.osm.pbf")
/// let network = try NetworkPreparation.prepare(extract, mode: .walk, engine: engine)
/// let router = try NetworkRouter.start(network, engine: engine)
/// let table = try router.table(sources: homes, destinations: pharmacies)   // lon/lat
/// ```
public final class NetworkRouter: @unchecked Sendable {
    /// Base address, e.g. `http://127.0.0.1:40123`.
    public let url: String
    /// The mode it routes.
    public let mode: TravelMode
    /// The network it serves when this library prepared it; `nil` for a server given by address.
    public let network: PreparedNetwork?
    /// The most source × destination cells asked in one request.
    public var maximumCells: Int
    /// Seconds a request may take.
    public var timeout: Double = 300
    private let server: ChildProcess?
    private let lock = NSLock()

    private init(url: String, mode: TravelMode, network: PreparedNetwork?, server: ChildProcess?, maximumCells: Int) {
        self.url = url
        self.mode = mode
        self.network = network
        self.server = server
        self.maximumCells = maximumCells
    }

    /// What answers, in words: engine, profile, extract and its date, or the server's address.
    public var source: String {
        guard let n = network else { return "the routing server at \(url) (\(mode.rawValue) mode, as that server was built)" }
        let synthetic = n.extract.writingProgram == SyntheticNetwork.label ? "; a SYNTHETIC street grid, not real roads" : ""
        return "\(n.engine), \(n.profile) profile, \(URL(fileURLWithPath: n.extract.path).lastPathComponent) (\(n.extract.dateWords)\(synthetic))"
    }

    /// Starts `osrm-routed` on a free loopback port for `network` and waits until it answers.
    /// - Throws: ``NetworkError/engineDidNotStart(engine:detail:)``, `OutputError.interrupted`.
    public static func start(_ network: PreparedNetwork, engine: OSRMEngine, timeout: Double = 120,
                             threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> NetworkRouter {
        var lastDetail = ""
        for _ in 0..<3 {
            let port = try freePort()
            let child = try ChildProcess(executable: engine.binary("osrm-routed"),
                                         arguments: ["--algorithm", "mld", "--ip", "127.0.0.1", "--port", "\(port)", "--threads", "\(threads)",
                                                     "--max-table-size", "1000", "--max-viaroute-size", "5000", network.dataset],
                                         name: "osrm-routed")
            let url = "http://127.0.0.1:\(port)"
            let router = NetworkRouter(url: url, mode: network.mode, network: network, server: child, maximumCells: 1_000_000)
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                guard child.isRunning else { break }
                if (try? router.ping(timeout: 1)) != nil { return router }
                usleep(50_000)
            }
            lastDetail = child.isRunning ? "no answer on port \(port) in \(Int(timeout)) s"
                : "it exited: \(child.errorTail()) (if the cached network \(network.directory) is damaged, delete that folder and it is built again)"
            child.stop()
            if !lastDetail.contains("in use") { break }
        }
        throw NetworkError.engineDidNotStart(engine: "OSRM \(engine.version)", detail: lastDetail)
    }

    /// A router for a running OSRM server (`http://host:port`), checked to answer.
    /// `maximumCells` is the server's `--max-table-size` squared (OSRM's default is 100).
    /// - Throws: ``NetworkError/routerUnreachable(url:detail:)``.
    public static func connect(url: String, mode: TravelMode, maximumCells: Int = 10_000, timeout: Double = 10) throws -> NetworkRouter {
        var base = url
        while base.hasSuffix("/") { base.removeLast() }
        guard let parsed = URL(string: base), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw NetworkError.routerUnreachable(url: url, detail: "not an http:// or https:// address")
        }
        let router = NetworkRouter(url: base, mode: mode, network: nil, server: nil, maximumCells: max(1, maximumCells))
        try router.ping(timeout: timeout)
        return router
    }

    /// Stops the engine this router started (nothing for a shared server).
    public func stop() { server?.stop() }

    deinit { server?.stop() }

    /// Asks for the nearest network point to (0, 0): any reply of the engine shows it is up.
    func ping(timeout: Double) throws {
        let centre = network?.extract.bounds.map { Coordinate(x: ($0[0] + $0[2]) / 2, y: ($0[1] + $0[3]) / 2) } ?? Coordinate(x: 0, y: 0)
        _ = try RouterHTTP.osrm(URL(string: "\(url)/nearest/v1/\(mode.osrmProfile)/\(Self.format(centre))")!, base: url, timeout: timeout)
    }

    /// Durations and distances from every source to every destination (lon/lat), in as many
    /// requests as ``maximumCells`` needs.
    /// - Throws: ``NetworkError/routerUnreachable(url:detail:)``, ``NetworkError/routerRefused(url:code:message:)``.
    public func table(sources: [Coordinate], destinations: [Coordinate]) throws -> NetworkTable {
        var out = NetworkTable(sourceCount: sources.count, destinationCount: destinations.count,
                               seconds: Array(repeating: nil, count: sources.count * destinations.count),
                               metres: Array(repeating: nil, count: sources.count * destinations.count),
                               sourceSnap: Array(repeating: .nan, count: sources.count),
                               destinationSnap: Array(repeating: .nan, count: destinations.count),
                               sourceLocations: Array(repeating: Coordinate(x: .nan, y: .nan), count: sources.count),
                               destinationLocations: Array(repeating: Coordinate(x: .nan, y: .nan), count: destinations.count))
        guard !sources.isEmpty, !destinations.isEmpty else { return out }
        var cells = lock.withLock { maximumCells }
        var columnStep = min(destinations.count, max(1, min(cells, 1000)))
        var rowStep = max(1, min(sources.count, cells / columnStep, 1000))
        var row = 0
        while row < sources.count {
            let rows = row..<min(sources.count, row + rowStep)
            var column = 0
            while column < destinations.count {
                let columns = column..<min(destinations.count, column + columnStep)
                do {
                    try block(rows: rows, columns: columns, sources: sources, destinations: destinations, into: &out)
                } catch NetworkError.routerRefused(_, let code, _) where code == "TooBig" && rows.count * columns.count > 1 {
                    // The server's table limit is smaller than assumed: halve and ask again.
                    cells = max(1, rows.count * columns.count / 2)
                    lock.withLock { maximumCells = cells }
                    columnStep = min(destinations.count, max(1, min(cells, 1000)))
                    rowStep = max(1, min(sources.count, cells / columnStep, 1000))
                    column = 0
                    continue
                }
                column = columns.upperBound
            }
            row = rows.upperBound
        }
        return out
    }

    private func block(rows: Range<Int>, columns: Range<Int>, sources: [Coordinate], destinations: [Coordinate], into out: inout NetworkTable) throws {
        let points = rows.map { sources[$0] } + columns.map { destinations[$0] }
        let path = points.map(Self.format).joined(separator: ";")
        let s = (0..<rows.count).map(String.init).joined(separator: ";")
        let d = (rows.count..<(rows.count + columns.count)).map(String.init).joined(separator: ";")
        let address = "\(url)/table/v1/\(mode.osrmProfile)/\(path)?sources=\(s)&destinations=\(d)&annotations=duration,distance"
        guard let request = URL(string: address) else { throw NetworkError.routerUnreachable(url: url, detail: "a request address could not be formed") }
        let json = try RouterHTTP.osrm(request, base: url, timeout: timeout)
        guard let durations = json["durations"] as? [[Any]], let distances = json["distances"] as? [[Any]],
              durations.count == rows.count, distances.count == rows.count else {
            throw NetworkError.routerUnreachable(url: url, detail: "the table reply has no durations and distances of the size asked")
        }
        for (i, r) in rows.enumerated() {
            let dRow = durations[i], mRow = distances[i]
            guard dRow.count == columns.count, mRow.count == columns.count else {
                throw NetworkError.routerUnreachable(url: url, detail: "a table row has \(dRow.count) columns, not \(columns.count)")
            }
            for (j, c) in columns.enumerated() {
                out.seconds[r * out.destinationCount + c] = (dRow[j] as? NSNumber)?.doubleValue
                out.metres[r * out.destinationCount + c] = (mRow[j] as? NSNumber)?.doubleValue
            }
        }
        func snaps(_ key: String) -> [(Double, Coordinate)] {
            ((json[key] as? [[String: Any]]) ?? []).map { w in
                let l = (w["location"] as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue } ?? []
                return ((w["distance"] as? NSNumber)?.doubleValue ?? .nan, l.count == 2 ? Coordinate(x: l[0], y: l[1]) : Coordinate(x: .nan, y: .nan))
            }
        }
        let sourceSnaps = snaps("sources"), destinationSnaps = snaps("destinations")
        for (i, r) in rows.enumerated() where i < sourceSnaps.count { (out.sourceSnap[r], out.sourceLocations[r]) = sourceSnaps[i] }
        for (j, c) in columns.enumerated() where j < destinationSnaps.count { (out.destinationSnap[c], out.destinationLocations[c]) = destinationSnaps[j] }
    }

    /// The route through `waypoints` (lon/lat) in order, with its line along the network.
    /// - Throws: ``NetworkError/routerRefused(url:code:message:)`` (e.g. `NoRoute`), ``NetworkError/routerUnreachable(url:detail:)``.
    public func route(_ waypoints: [Coordinate]) throws -> NetworkRoute {
        guard waypoints.count >= 2 else { return NetworkRoute(line: waypoints, seconds: 0, metres: 0) }
        let path = waypoints.map(Self.format).joined(separator: ";")
        guard let request = URL(string: "\(url)/route/v1/\(mode.osrmProfile)/\(path)?overview=full&geometries=geojson&continue_straight=false") else {
            throw NetworkError.routerUnreachable(url: url, detail: "a request address could not be formed")
        }
        let json = try RouterHTTP.osrm(request, base: url, timeout: timeout)
        guard let route = (json["routes"] as? [[String: Any]])?.first, let geometry = route["geometry"] as? [String: Any],
              let coordinates = geometry["coordinates"] as? [[Any]] else {
            throw NetworkError.routerUnreachable(url: url, detail: "the route reply has no line")
        }
        let line = coordinates.compactMap { c -> Coordinate? in
            guard c.count >= 2, let x = (c[0] as? NSNumber)?.doubleValue, let y = (c[1] as? NSNumber)?.doubleValue else { return nil }
            return Coordinate(x: x, y: y)
        }
        let legs = ((route["legs"] as? [[String: Any]]) ?? []).map { (($0["distance"] as? NSNumber)?.doubleValue) ?? .nan }
        return NetworkRoute(line: line, seconds: (route["duration"] as? NSNumber)?.doubleValue ?? .nan,
                            metres: (route["distance"] as? NSNumber)?.doubleValue ?? .nan, legMetres: legs)
    }

    static func format(_ c: Coordinate) -> String { String(format: "%.6f,%.6f", c.x, c.y) }

    /// A loopback port nothing listens on (bound and released; the engine takes it next).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NetworkError.engineDidNotStart(engine: "OSRM", detail: "no socket for a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw NetworkError.engineDidNotStart(engine: "OSRM", detail: "no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
