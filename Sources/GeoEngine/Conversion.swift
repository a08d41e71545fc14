import CGEOS
import GeoCore

// Conversion between DeprivationMap's value geometries and GEOS geometries.
extension GeometryEngine {
    /// Builds an owned GEOS geometry from a value.
    /// - Throws: ``GEOSError/invalidInput(_:)`` for rings with fewer than 4 coordinates (GEOS 3.11
    ///   would accept 3), ``GEOSError/libraryFailure(operation:message:)`` when GEOS refuses.
    func makeHandle(_ geometry: Geometry) throws -> GEOSGeometryHandle {
        GEOSGeometryHandle(engine: self, pointer: try makeRaw(geometry))
    }

    /// A raw owned pointer: the caller must destroy it or hand it to GEOS.
    private func makeRaw(_ geometry: Geometry) throws -> OpaquePointer {
        switch geometry {
        case .point(let c):
            // GEOSGeom_createPointFromXY_r: new geometry, NULL on failure.
            guard let p = GEOSGeom_createPointFromXY_r(handle, c.x, c.y) else { throw failure("createPointFromXY") }
            return p
        case .multiPoint(let cs):
            return try collection(GEOS_MULTIPOINT, try parts(cs) { try makeRaw(.point($0)) })
        case .lineString(let cs):
            return try lineString(cs)
        case .multiLineString(let lines):
            return try collection(GEOS_MULTILINESTRING, try parts(lines, lineString))
        case .polygon(let p):
            return try polygon(p)
        case .multiPolygon(let ps):
            return try collection(GEOS_MULTIPOLYGON, try parts(ps, polygon))
        }
    }

    /// Builds one owned GEOS geometry per item; on failure destroys those already built.
    private func parts<T>(_ items: [T], _ make: (T) throws -> OpaquePointer) throws -> [OpaquePointer] {
        var built: [OpaquePointer] = []
        built.reserveCapacity(items.count)
        do {
            for item in items { built.append(try make(item)) }
        } catch {
            built.forEach { GEOSGeom_destroy_r(handle, $0) }
            throw error
        }
        return built
    }

    private func sequence(_ coordinates: [Coordinate]) throws -> OpaquePointer {
        // GEOSCoordSeq_copyFromBuffer_r: new sequence owned by us, NULL on failure. [Coordinate]
        // is laid out as interleaved x, y doubles, which is the buffer layout GEOS expects.
        let seq = coordinates.withUnsafeBytes { raw in
            GEOSCoordSeq_copyFromBuffer_r(handle, raw.baseAddress?.assumingMemoryBound(to: Double.self), UInt32(coordinates.count), 0, 0)
        }
        guard let seq else { throw failure("CoordSeq_copyFromBuffer") }
        return seq
    }

    private func lineString(_ coordinates: [Coordinate]) throws -> OpaquePointer {
        let seq = try sequence(coordinates)
        // GEOSGeom_createLineString_r: takes ownership of seq; NULL on failure.
        guard let line = GEOSGeom_createLineString_r(handle, seq) else { throw failure("createLineString") }
        return line
    }

    private func ring(_ ring: LinearRing) throws -> OpaquePointer {
        guard ring.count >= 4 else {
            throw GEOSError.invalidInput("a ring has \(ring.count) coordinates; at least 4 are needed")
        }
        let seq = try sequence(ring.coordinates)
        // GEOSGeom_createLinearRing_r: takes ownership of seq (also on failure); NULL on failure.
        guard let r = GEOSGeom_createLinearRing_r(handle, seq) else { throw failure("createLinearRing") }
        return r
    }

    private func polygon(_ p: Polygon) throws -> OpaquePointer {
        let shell = try ring(p.exterior)
        var holes: [OpaquePointer?] = []
        do {
            for h in p.holes { holes.append(try ring(h)) }
        } catch {
            GEOSGeom_destroy_r(handle, shell)
            holes.forEach { GEOSGeom_destroy_r(handle, $0) }
            throw error
        }
        // GEOSGeom_createPolygon_r: takes shell and holes only on success; NULL on failure.
        let poly = holes.withUnsafeMutableBufferPointer { buffer in
            GEOSGeom_createPolygon_r(handle, shell, buffer.baseAddress, UInt32(buffer.count))
        }
        guard let poly else {
            let error = failure("createPolygon")
            GEOSGeom_destroy_r(handle, shell)
            holes.forEach { GEOSGeom_destroy_r(handle, $0) }
            throw error
        }
        return poly
    }

    private func collection(_ type: GEOSGeomTypes, _ parts: [OpaquePointer]) throws -> OpaquePointer {
        var members: [OpaquePointer?] = parts
        // GEOSGeom_createCollection_r: takes ownership of every member (also on failure); the
        // array itself stays ours. NULL on failure.
        let result = members.withUnsafeMutableBufferPointer { buffer in
            GEOSGeom_createCollection_r(handle, Int32(type.rawValue), buffer.baseAddress, UInt32(buffer.count))
        }
        guard let result else { throw failure("createCollection") }
        return result
    }

    /// Reads a GEOS geometry (borrowed) back into a value. Geometry collections are flattened
    /// into the multi-type of their members when these are all of one dimension; empty geometries
    /// become `nil`.
    func makeValue(_ g: OpaquePointer) throws -> Geometry? {
        if GEOSisEmpty_r(handle, g) == 1 { return nil }
        let type = GEOSGeomTypeId_r(handle, g)
        switch type {
        case Int32(GEOS_POINT.rawValue):
            return .point(try coordinates(of: g)[0])
        case Int32(GEOS_LINESTRING.rawValue), Int32(GEOS_LINEARRING.rawValue):
            return .lineString(try coordinates(of: g))
        case Int32(GEOS_POLYGON.rawValue):
            return .polygon(try polygonValue(g))
        case Int32(GEOS_MULTIPOINT.rawValue), Int32(GEOS_MULTILINESTRING.rawValue),
             Int32(GEOS_MULTIPOLYGON.rawValue), Int32(GEOS_GEOMETRYCOLLECTION.rawValue):
            var parts: [Geometry] = []
            for i in 0..<GEOSGetNumGeometries_r(handle, g) {
                // GEOSGetGeometryN_r: borrowed from g.
                guard let member = GEOSGetGeometryN_r(handle, g, i) else { throw failure("GetGeometryN") }
                if let value = try makeValue(member) { parts.append(value) }
            }
            return try Self.flatten(parts, typeName: self.typeName(of: g))
        default:
            throw GEOSError.unsupportedResult(typeName: typeName(of: g))
        }
    }

    /// GEOS's name for the geometry type ("MultiPolygon", …).
    func typeName(of g: OpaquePointer) -> String {
        // GEOSGeomType_r: a new string owned by us, freed with GEOSFree_r; NULL on error.
        guard let name = GEOSGeomType_r(handle, g) else { return "unknown geometry" }
        defer { GEOSFree_r(handle, name) }
        return String(cString: name)
    }

    /// Merges parts of one dimension into a single (multi-)geometry; `typeName` is only
    /// evaluated for the error message.
    static func flatten(_ parts: [Geometry], typeName: @autoclosure () -> String) throws -> Geometry? {
        var points: [Coordinate] = [], lines: [[Coordinate]] = [], polygons: [Polygon] = []
        for part in parts {
            switch part {
            case .point(let c): points.append(c)
            case .multiPoint(let cs): points += cs
            case .lineString(let cs): lines.append(cs)
            case .multiLineString(let ls): lines += ls
            case .polygon(let p): polygons.append(p)
            case .multiPolygon(let ps): polygons += ps
            }
        }
        let kinds = [!points.isEmpty, !lines.isEmpty, !polygons.isEmpty].filter { $0 }.count
        if kinds == 0 { return nil }
        if kinds > 1 { throw GEOSError.unsupportedResult(typeName: "\(typeName()) mixing points, lines and polygons") }
        if !polygons.isEmpty { return polygons.count == 1 ? .polygon(polygons[0]) : .multiPolygon(polygons) }
        if !lines.isEmpty { return lines.count == 1 ? .lineString(lines[0]) : .multiLineString(lines) }
        return points.count == 1 ? .point(points[0]) : .multiPoint(points)
    }

    private func coordinates(of g: OpaquePointer) throws -> [Coordinate] {
        // GEOSGeom_getCoordSeq_r: borrowed from g.
        guard let seq = GEOSGeom_getCoordSeq_r(handle, g) else { throw failure("getCoordSeq") }
        var size: UInt32 = 0
        guard GEOSCoordSeq_getSize_r(handle, seq, &size) != 0 else { throw failure("CoordSeq_getSize") }
        var result = [Coordinate](repeating: Coordinate(x: 0, y: 0), count: Int(size))
        let ok = result.withUnsafeMutableBytes { raw in
            GEOSCoordSeq_copyToBuffer_r(handle, seq, raw.baseAddress?.assumingMemoryBound(to: Double.self), 0, 0)
        }
        guard ok != 0 else { throw failure("CoordSeq_copyToBuffer") }
        return result
    }

    private func polygonValue(_ g: OpaquePointer) throws -> Polygon {
        // GEOSGetExteriorRing_r / GEOSGetInteriorRingN_r: borrowed from g.
        guard let shell = GEOSGetExteriorRing_r(handle, g) else { throw failure("GetExteriorRing") }
        var holes: [LinearRing] = []
        let n = GEOSGetNumInteriorRings_r(handle, g)
        guard n >= 0 else { throw failure("GetNumInteriorRings") }
        for i in 0..<n {
            guard let hole = GEOSGetInteriorRingN_r(handle, g, i) else { throw failure("GetInteriorRingN") }
            holes.append(LinearRing(try coordinates(of: hole)))
        }
        return Polygon(exterior: LinearRing(try coordinates(of: shell)), holes: holes)
    }
}
