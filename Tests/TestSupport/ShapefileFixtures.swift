import CShapelib
import Foundation
import GeoCore

/// Writes small shapefiles with shapelib directly, bypassing DeprivationMap's writer, so tests
/// can build exactly the files a reader must cope with: Z/M types, Latin-1 text, short rings,
/// NaN coordinates, MultiPatch.
public enum ShapefileFixture {
    /// ESRI WKT of WGS 84 as ONS ships it.
    public static let wgs84PRJ = #"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#

    /// A DBF field: name, native type (`C`, `N`, `F`, `L`, `D`), width, decimals.
    public struct Field {
        public var name: String
        public var type: Character
        public var width: Int
        public var decimals: Int
        public init(_ name: String, _ type: Character, _ width: Int, _ decimals: Int = 0) {
            self.name = name
            self.type = type
            self.width = width
            self.decimals = decimals
        }
    }

    /// Thrown when shapelib refuses to write a fixture.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes `<base>.shp/.shx/.dbf` (and `.prj` when `prj` is not nil).
    ///
    /// - Parameters:
    ///   - shapeType: a shapelib `SHPT_*` code.
    ///   - records: per record, its parts, each a list of (x, y); an empty list writes a null shape.
    ///   - z: a Z (and M) value for every vertex, for the Z/M types.
    ///   - rows: per record, one raw byte string per field (written as given, so any encoding).
    ///   - codePage: passed to `DBFCreateLL` (`"UTF-8"` writes a `.cpg`; `"LDID/87"` sets the
    ///     language driver byte and writes no `.cpg`; `nil` writes neither).
    public static func write(base: String, shapeType: Int32, records: [[[Coordinate]]], z: Double? = nil,
                             fields: [Field] = [], rows: [[[UInt8]]] = [], codePage: String? = "UTF-8",
                             prj: String? = wgs84PRJ) throws {
        var hooks = SAHooks()
        SASetupDefaultHooks(&hooks)
        guard let shp = SHPCreateLL(base + ".shp", shapeType, &hooks) else { throw Failure(description: "SHPCreate \(base)") }
        defer { SHPClose(shp) }
        for parts in records {
            var xs: [Double] = [], ys: [Double] = [], starts: [Int32] = []
            for part in parts {
                starts.append(Int32(xs.count))
                for c in part { xs.append(c.x); ys.append(c.y) }
            }
            let zs = z.map { [Double](repeating: $0, count: xs.count) }
            let type = parts.isEmpty ? Int32(SHPT_NULL) : shapeType
            let object: UnsafeMutablePointer<SHPObject>? = zs.withOptionalBuffer { zp in
                SHPCreateObject(type, -1, Int32(starts.count), starts, nil, Int32(xs.count), xs, ys, zp, zp)
            }
            guard let object else { throw Failure(description: "SHPCreateObject") }
            defer { SHPDestroyObject(object) }
            guard SHPWriteObject(shp, -1, object) >= 0 else { throw Failure(description: "SHPWriteObject") }
        }
        guard let dbf = DBFCreateLL(base + ".dbf", codePage, &hooks) else { throw Failure(description: "DBFCreate \(base)") }
        defer { DBFClose(dbf) }
        for f in fields {
            guard DBFAddNativeFieldType(dbf, f.name, CChar(f.type.asciiValue!), Int32(f.width), Int32(f.decimals)) >= 0 else {
                throw Failure(description: "DBFAddField \(f.name)")
            }
        }
        let rowCount = fields.isEmpty ? records.count : rows.count
        for r in 0..<rowCount {
            if fields.isEmpty {
                // A DBF needs at least one field to hold records; write a record id.
                if r == 0 { _ = DBFAddNativeFieldType(dbf, "ID", CChar(UInt8(ascii: "N")), 9, 0) }
                _ = DBFWriteIntegerAttribute(dbf, Int32(r), 0, Int32(r + 1))
                continue
            }
            for (i, raw) in rows[r].enumerated() {
                var padded = raw.map { CChar(bitPattern: $0) }
                padded.append(0)
                _ = padded.withUnsafeMutableBufferPointer { DBFWriteAttributeDirectly(dbf, Int32(r), Int32(i), $0.baseAddress) }
            }
        }
        if let prj { try Data(prj.utf8).write(to: URL(fileURLWithPath: base + ".prj")) }
    }

    /// A closed square ring with its lower-left corner at (x, y), clockwise (a shapefile shell)
    /// or counter-clockwise (a hole).
    public static func square(_ x: Double, _ y: Double, _ side: Double, clockwise: Bool = true) -> [Coordinate] {
        let ccw = [Coordinate(x: x, y: y), Coordinate(x: x + side, y: y), Coordinate(x: x + side, y: y + side),
                   Coordinate(x: x, y: y + side), Coordinate(x: x, y: y)]
        return clockwise ? ccw.reversed() : ccw
    }
}

extension Optional where Wrapped == [Double] {
    func withOptionalBuffer<R>(_ body: (UnsafePointer<Double>?) -> R) -> R {
        switch self {
        case .some(let array): return array.withUnsafeBufferPointer { body($0.baseAddress) }
        case .none: return body(nil)
        }
    }
}
