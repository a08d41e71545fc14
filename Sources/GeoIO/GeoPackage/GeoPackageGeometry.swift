import GeoCore

/// GeoPackage binary geometries (OGC GeoPackage 1.3, clause 2.1.3): the `GP` header with the SRS
/// id and an x/y envelope, then the geometry as little-endian WKB.
enum GeoPackageGeometry {
    /// The blob of `geometry` in `srsID`; `nil` for an empty geometry (stored as NULL).
    static func encode(_ geometry: Geometry, srsID: Int32) -> [UInt8]? {
        guard geometry.coordinateCount > 0 else { return nil }
        var out: [UInt8] = [0x47, 0x50, 0x00, 0b0000_0011]  // "GP", version 0, flags: little-endian, envelope [minx, maxx, miny, maxy]
        out.reserveCapacity(8 + 32 + 9 + geometry.coordinateCount * 16 + 64)
        append(UInt32(bitPattern: srsID), to: &out)
        let e = geometry.envelope
        for v in [e.minX, e.maxX, e.minY, e.maxY] { append(v, to: &out) }
        wkb(geometry, to: &out)
        return out
    }

    static func append(_ v: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    static func append(_ v: Double, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
    }

    static func points(_ cs: [Coordinate], to out: inout [UInt8]) {
        append(UInt32(cs.count), to: &out)
        for c in cs { append(c.x, to: &out); append(c.y, to: &out) }
    }

    static func polygon(_ p: Polygon, to out: inout [UInt8]) {
        append(UInt32(1 + p.holes.count), to: &out)
        for ring in [p.exterior] + p.holes {
            var cs = ring.coordinates
            if let first = cs.first, cs.last != first { cs.append(first) }  // WKB rings are closed
            points(cs, to: &out)
        }
    }

    /// Little-endian WKB of `g`.
    static func wkb(_ g: Geometry, to out: inout [UInt8]) {
        out.append(1)
        switch g {
        case .point(let c):
            append(UInt32(1), to: &out); append(c.x, to: &out); append(c.y, to: &out)
        case .lineString(let cs):
            append(UInt32(2), to: &out); points(cs, to: &out)
        case .polygon(let p):
            append(UInt32(3), to: &out); polygon(p, to: &out)
        case .multiPoint(let cs):
            append(UInt32(4), to: &out); append(UInt32(cs.count), to: &out)
            for c in cs { wkb(.point(c), to: &out) }
        case .multiLineString(let lines):
            append(UInt32(5), to: &out); append(UInt32(lines.count), to: &out)
            for l in lines { wkb(.lineString(l), to: &out) }
        case .multiPolygon(let ps):
            append(UInt32(6), to: &out); append(UInt32(ps.count), to: &out)
            for p in ps { wkb(.polygon(p), to: &out) }
        }
    }

    /// The geometry type name of the `gpkg_geometry_columns` table for a layer of `kinds`.
    static func typeName(_ kinds: Set<Geometry.Kind>) -> String {
        if kinds.count == 1, let k = kinds.first { return k.rawValue.uppercased() }
        if kinds.isSubset(of: [.polygon, .multiPolygon]) { return "MULTIPOLYGON" }
        if kinds.isSubset(of: [.lineString, .multiLineString]) { return "MULTILINESTRING" }
        if kinds.isSubset(of: [.point, .multiPoint]) { return "MULTIPOINT" }
        return "GEOMETRY"
    }
}
