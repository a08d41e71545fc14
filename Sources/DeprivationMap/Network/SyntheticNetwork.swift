import Foundation

/// A **synthetic** street grid written as an OpenStreetMap XML file: for trying and testing the
/// network path where no real extract is at hand (no England network is available offline).
/// It is not a real road network; the file says so in its `generator`, and results computed on
/// it must never be presented as real travel times.
///
/// ```swift
/// try SyntheticNetwork(grids: [.init(west: 0.62, south: 51.52, east: 0.78, north: 51.58)]).write(to: "southend-synthetic.osm")
/// ```
public struct SyntheticNetwork: Sendable {
    /// One rectangular grid of streets, in degrees (WGS84).
    public struct Grid: Sendable {
        /// West edge, longitude.
        public var west: Double
        /// South edge, latitude.
        public var south: Double
        /// East edge, longitude.
        public var east: Double
        /// North edge, latitude.
        public var north: Double
        /// Street spacing in metres.
        public var spacing: Double
        /// The OSM `highway` tag of its streets (`residential` is open to cars, bicycles and walkers).
        public var highway: String

        /// A grid with streets every `spacing` metres.
        public init(west: Double, south: Double, east: Double, north: Double, spacing: Double = 400, highway: String = "residential") {
            self.west = west
            self.south = south
            self.east = east
            self.north = north
            self.spacing = spacing
            self.highway = highway
        }
    }

    /// The grids; grids that do not touch are disconnected islands of each other.
    public var grids: [Grid]
    /// The words written as the file's generator.
    public static let label = "DeprivationMap synthetic street grid (not real roads; for tests and trials only)"

    /// A network of `grids`.
    public init(grids: [Grid]) { self.grids = grids }

    /// The file's text.
    /// - Throws: ``NetworkError/badParameter(_:_:)`` for an empty or inverted grid, or one of more than a million nodes.
    public func xml() throws -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\" generator=\"\(Self.label)\">\n"
        var nodeID = 1, wayID = 1
        var ways = ""
        for g in grids {
            guard g.east > g.west, g.north > g.south, g.spacing > 0, g.spacing.isFinite else {
                throw NetworkError.badParameter("a synthetic grid needs west < east, south < north and a positive spacing", .network)
            }
            let dLat = g.spacing / 111_320
            let dLon = g.spacing / (111_320 * cos((g.south + g.north) / 2 * .pi / 180))
            let columns = Int(((g.east - g.west) / dLon).rounded(.down)) + 1
            let rows = Int(((g.north - g.south) / dLat).rounded(.down)) + 1
            guard columns >= 2, rows >= 2, columns * rows <= 1_000_000 else {
                throw NetworkError.badParameter("a synthetic grid needs 2 to 1,000 streets each way (\(columns) × \(rows))", .network)
            }
            let first = nodeID
            for r in 0..<rows {
                for c in 0..<columns {
                    out += String(format: " <node id=\"%d\" version=\"1\" lat=\"%.7f\" lon=\"%.7f\"/>\n", nodeID, g.south + Double(r) * dLat, g.west + Double(c) * dLon)
                    nodeID += 1
                }
            }
            func way(_ refs: [Int]) {
                ways += " <way id=\"\(wayID)\" version=\"1\">" + refs.map { "<nd ref=\"\($0)\"/>" }.joined()
                ways += "<tag k=\"highway\" v=\"\(g.highway)\"/><tag k=\"note\" v=\"synthetic\"/></way>\n"
                wayID += 1
            }
            for r in 0..<rows { way((0..<columns).map { first + r * columns + $0 }) }
            for c in 0..<columns { way((0..<rows).map { first + $0 * columns + c }) }
        }
        return out + ways + "</osm>\n"
    }

    /// Writes the file (atomically).
    public func write(to path: String) throws {
        try xml().write(toFile: path, atomically: true, encoding: .utf8)
    }
}
