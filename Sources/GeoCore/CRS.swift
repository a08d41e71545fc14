/// A coordinate reference system, identified by an authority code when one is known.
///
/// This is a value: it names a CRS but does no maths. `GeoProjection` turns it into PROJ objects
/// and identifies WKT (for example from a shapefile's `.prj`) as an EPSG code.
///
/// Two CRSs are equal when both have EPSG codes and the codes match, or otherwise when their
/// definitions are the same text.
///
/// ```swift
/// let bng = CRS.britishNationalGrid          // EPSG:27700, metres
/// let wgs84 = CRS(epsg: 4326)                // lon/lat degrees (GeoJSON order)
/// let custom = CRS(definition: wktText)       // identified later by GeoProjection
/// ```
public struct CRS: Sendable, Hashable, CustomStringConvertible {
    /// What PROJ is given: `EPSG:27700`, a WKT string, a PROJ string, …
    public var definition: String
    /// The EPSG code when known.
    public var epsg: Int?
    /// A human-readable name ("WGS 84", "OSGB36 / British National Grid"), when known.
    public var name: String?

    /// A CRS from its EPSG code.
    public init(epsg: Int, name: String? = nil) {
        self.init(rawDefinition: "EPSG:\(epsg)", epsg: epsg, name: name ?? Self.knownNames[epsg])
    }

    /// A CRS from any definition PROJ accepts. `EPSG:n`, `EPSG::n` URNs, `OGC:CRS84` and a bare
    /// number are recognised as EPSG codes here; WKT is identified by `GeoProjection`.
    public init(definition: String, epsg: Int? = nil, name: String? = nil) {
        let trimmed = definition.trimmingWhitespace()
        if epsg == nil, let code = Self.parseEPSG(trimmed) {
            self.init(epsg: code, name: name)
        } else {
            self.init(rawDefinition: trimmed, epsg: epsg, name: name ?? epsg.flatMap { Self.knownNames[$0] })
        }
    }

    private init(rawDefinition: String, epsg: Int?, name: String?) {
        self.definition = rawDefinition
        self.epsg = epsg
        self.name = name
    }

    /// WGS 84 longitude/latitude, the CRS of GeoJSON (RFC 7946).
    public static let wgs84 = CRS(epsg: 4326)
    /// OSGB36 / British National Grid, eastings and northings in metres.
    public static let britishNationalGrid = CRS(epsg: 27700)

    /// `true` for CRSs whose coordinates are longitude/latitude degrees (4326, 4258, 4277, CRS84).
    public var isGeographic: Bool {
        if let epsg { return [4326, 4258, 4277, 4979, 4937].contains(epsg) }
        return definition.uppercased().hasPrefix("GEOGCS") || definition.uppercased().hasPrefix("GEOGCRS")
            || definition.uppercased() == "OGC:CRS84"
    }

    /// `EPSG:27700 (OSGB36 / British National Grid)`, or the definition's first line.
    public var description: String {
        if let epsg {
            return name.map { "EPSG:\(epsg) (\($0))" } ?? "EPSG:\(epsg)"
        }
        if let name { return name }
        let firstLine = definition.split(separator: "\n").first.map(String.init) ?? definition
        return firstLine.count > 80 ? String(firstLine.prefix(77)) + "..." : firstLine
    }

    public static func == (a: CRS, b: CRS) -> Bool {
        if let x = a.epsg, let y = b.epsg { return x == y }
        return a.definition == b.definition
    }

    public func hash(into hasher: inout Hasher) {
        if let epsg { hasher.combine(epsg) } else { hasher.combine(definition) }
    }

    /// `EPSG:27700`, `epsg:27700`, `EPSG::27700` (URN tail) or `27700` → 27700.
    static func parseEPSG(_ text: String) -> Int? {
        if let n = Int(text), n > 0 { return n }
        let upper = text.uppercased()
        for prefix in ["EPSG::", "EPSG:", "URN:OGC:DEF:CRS:EPSG::", "URN:OGC:DEF:CRS:EPSG:6.6:"] where upper.hasPrefix(prefix) {
            if let n = Int(upper.dropFirst(prefix.count)), n > 0 { return n }
        }
        if upper == "OGC:CRS84" || upper == "URN:OGC:DEF:CRS:OGC:1.3:CRS84" || upper == "CRS84" { return 4326 }
        return nil
    }

    static let knownNames: [Int: String] = [
        4326: "WGS 84",
        27700: "OSGB36 / British National Grid",
        4258: "ETRS89",
        4277: "OSGB36",
        3857: "WGS 84 / Pseudo-Mercator",
    ]
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
