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

    /// `g` as its multi type (a polygon as a one-part multipolygon …): layers that mix single
    /// and multi geometries are written as multi.
    static func promoted(_ g: Geometry) -> Geometry {
        switch g {
        case .polygon(let p): return .multiPolygon([p])
        case .lineString(let l): return .multiLineString([l])
        case .point(let c): return .multiPoint([c])
        default: return g
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

extension GeoPackageGeometry {
    /// Why a blob could not be decoded.
    enum DecodeError: Error {
        case bad(String)
        case unsupported(String)
    }

    /// Bytes read with bounds checks: a count is checked against the bytes left before any
    /// allocation, so a hostile blob cannot size memory.
    struct Cursor {
        let bytes: [UInt8]
        var at: Int
        var little = true

        mutating func byte() throws -> UInt8 {
            guard at < bytes.count else { throw DecodeError.bad("it ends early, at byte \(at)") }
            defer { at += 1 }
            return bytes[at]
        }

        mutating func uint32() throws -> UInt32 {
            guard at + 4 <= bytes.count else { throw DecodeError.bad("it ends early, at byte \(at)") }
            var v: UInt32 = 0
            for k in 0..<4 { v |= UInt32(bytes[at + k]) << (8 * (little ? k : 3 - k)) }
            at += 4
            return v
        }

        mutating func double() throws -> Double {
            guard at + 8 <= bytes.count else { throw DecodeError.bad("it ends early, at byte \(at)") }
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(bytes[at + k]) << (8 * (little ? k : 7 - k)) }
            at += 8
            return Double(bitPattern: v)
        }

        /// A count of items of at least `size` bytes each, checked against what is left.
        mutating func count(_ size: Int) throws -> Int {
            let n = Int(try uint32())
            guard n <= (bytes.count - at) / max(1, size) else { throw DecodeError.bad("it claims \(n) items but has \(bytes.count - at) bytes left") }
            return n
        }
    }

    /// The geometry of a GeoPackage blob (`nil` when the empty flag is set), and whether z or m
    /// values were dropped.
    static func decode(_ blob: [UInt8]) throws -> (Geometry?, Bool) {
        guard blob.count >= 8, blob[0] == 0x47, blob[1] == 0x50 else { throw DecodeError.bad("it does not start with the GeoPackage 'GP' header") }
        let flags = blob[3]
        guard flags & 0b0010_0000 == 0 else { throw DecodeError.unsupported("extended GeoPackage") }
        let envelopeBytes: [Int] = [0, 32, 48, 48, 64]
        let indicator = Int((flags >> 1) & 0b111)
        guard indicator < envelopeBytes.count else { throw DecodeError.bad("envelope indicator \(indicator) is not defined") }
        if flags & 0b0001_0000 != 0 { return (nil, false) }
        var c = Cursor(bytes: blob, at: 8 + envelopeBytes[indicator])
        var flat = false
        let g = try wkbGeometry(&c, depth: 0, flattened: &flat)
        return (g, flat)
    }

    static func wkbGeometry(_ c: inout Cursor, depth: Int, flattened: inout Bool) throws -> Geometry {
        guard depth < 4 else { throw DecodeError.bad("collections nest too deep") }
        let order = try c.byte()
        guard order <= 1 else { throw DecodeError.bad("byte order \(order) is neither 0 nor 1") }
        c.little = order == 1
        var type = try c.uint32()
        // ISO z/m (1000s) and EWKB-style flags (high bits).
        var dims = 2
        if type & 0x8000_0000 != 0 { dims += 1 }
        if type & 0x4000_0000 != 0 { dims += 1 }
        type &= 0x0FFF_FFFF
        switch type / 1000 {
        case 1, 2: dims += 1
        case 3: dims += 2
        default: break
        }
        type %= 1000
        if dims > 2 { flattened = true }
        func point() throws -> Coordinate {
            let x = try c.double(), y = try c.double()
            for _ in 2..<dims { _ = try c.double() }
            return Coordinate(x: x, y: y)
        }
        func points() throws -> [Coordinate] {
            let n = try c.count(8 * dims)
            var out: [Coordinate] = []
            out.reserveCapacity(n)
            for _ in 0..<n { out.append(try point()) }
            return out
        }
        func polygon() throws -> Polygon {
            let rings = try c.count(4)
            guard rings > 0 else { throw DecodeError.bad("a polygon has no ring") }
            var all: [LinearRing] = []
            for _ in 0..<rings { all.append(LinearRing(try points())) }
            return Polygon(exterior: all[0], holes: Array(all.dropFirst()))
        }
        func parts(_ expected: UInt32) throws -> [Geometry] {
            let n = try c.count(5)
            var out: [Geometry] = []
            for _ in 0..<n {
                let saved = c.little
                let g = try wkbGeometry(&c, depth: depth + 1, flattened: &flattened)
                c.little = saved
                out.append(g)
            }
            _ = expected
            return out
        }
        switch type {
        case 1: return .point(try point())
        case 2: return .lineString(try points())
        case 3: return .polygon(try polygon())
        case 4:
            return .multiPoint(try parts(1).map { g -> Coordinate in
                guard case .point(let p) = g else { throw DecodeError.bad("a multipoint holds a non-point") }
                return p
            })
        case 5:
            return .multiLineString(try parts(2).map { g -> [Coordinate] in
                guard case .lineString(let l) = g else { throw DecodeError.bad("a multilinestring holds a non-line") }
                return l
            })
        case 6:
            return .multiPolygon(try parts(3).map { g -> Polygon in
                guard case .polygon(let p) = g else { throw DecodeError.bad("a multipolygon holds a non-polygon") }
                return p
            })
        case 7: throw DecodeError.unsupported("GeometryCollection")
        case 8, 9, 10, 11, 12, 13, 14: throw DecodeError.unsupported(["CircularString", "CompoundCurve", "CurvePolygon", "MultiCurve", "MultiSurface", "Curve", "Surface"][Int(type) - 8])
        default: throw DecodeError.bad("WKB type \(type) is not a geometry type")
        }
    }
}
