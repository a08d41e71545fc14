import CShapelib
import Foundation
import GeoCore
import GeoProjection

/// What ``ShapefileWriter`` had to change to fit the format.
public struct ShapefileWriteReport: Sendable, Hashable {
    /// A field written under another name.
    public struct RenamedField: Sendable, Hashable {
        /// The layer's name for the field.
        public var from: String
        /// The name in the `.dbf`.
        public var to: String

        /// Creates a record of a renamed field.
        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    /// Field names longer than 10 bytes (or clashing once cut), with the names written instead.
    public var renamedFields: [RenamedField] = []
    /// Number of text values cut to 254 bytes.
    public var truncatedValues: Int = 0
    /// The shape type written.
    public var shapeType: ShapeType = .null

    /// One line per change, for stderr.
    public var notes: [String] {
        var lines = renamedFields.map { "field \($0.from) written as \($0.to) (DBF names are at most 10 characters)" }
        if truncatedValues > 0 { lines.append("\(truncatedValues) text value(s) cut to 254 bytes (the DBF limit)") }
        return lines
    }
}

/// Writes a layer as an ESRI shapefile (`.shp`, `.shx`, `.dbf` in UTF-8 with a `.cpg`, and a
/// `.prj` in ESRI WKT) with shapelib.
///
/// Polygon shells are written clockwise and holes counter-clockwise, as the format requires.
/// All files are written under temporary names and renamed into place only when everything has
/// been written; stale `.qix`/`.sbn`/`.sbx` indexes of an older file at the same path are removed.
///
/// ```swift
/// let report = try ShapefileWriter.write(layer, to: "out/southend.shp")
/// ```
public enum ShapefileWriter {
    /// Writes `layer` to `path` (`.shp`; the extension may be left off).
    ///
    /// - Parameters:
    ///   - layer: the features; all geometries must be of one dimension (points, lines or
    ///     polygons; `nil` geometries are written as null shapes).
    ///   - path: destination `.shp`.
    ///   - projection: PROJ context for writing the `.prj`; one is created if `nil`.
    /// - Returns: what was renamed or cut to fit the format.
    /// - Throws: ``ShapefileError/cannotWrite(path:reason:)``, ``OutputError``.
    @discardableResult
    public static func write(_ layer: FeatureLayer, to path: String, projection: ProjectionContext? = nil) throws -> ShapefileWriteReport {
        let shpPath = ShapefileReader.normalise(path)
        let finalBase = String(shpPath.dropLast(4))
        let dir = URL(fileURLWithPath: shpPath).deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw OutputError.directoryMissing(path: shpPath)
        }
        var report = ShapefileWriteReport()
        let type = try shapeType(for: layer, path: shpPath)
        report.shapeType = type
        let prj = try (projection ?? ProjectionContext()).esriWKT(for: layer.crs)

        let tempBase = dir + "/." + URL(fileURLWithPath: finalBase).lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let extensions = ["shp", "shx", "dbf", "cpg", "prj"]
        extensions.forEach { TemporaryFileRegistry.shared.add(tempBase + "." + $0) }
        var committed = false
        defer {
            if !committed { extensions.forEach { unlink(tempBase + "." + $0) } }
            // Files queued in a transaction stay registered until it renames or removes them.
            if !committed || OutputTransaction.current == nil { extensions.forEach { TemporaryFileRegistry.shared.remove(tempBase + "." + $0) } }
        }

        var hooks = SAHooks()
        dm_shapelib_setup_hooks(&hooks)
        dm_shapelib_clear_error()
        do {
            // SHPCreateLL / DBFCreateLL: new handles owned by us, NULL on failure. shapelib drops
            // whatever follows the last dot as an extension, so name the extension explicitly.
            guard let shpHandle = SHPCreateLL(tempBase + ".shp", Int32(type.rawValue), &hooks) else {
                throw OutputError.notWritable(path: shpPath, reason: ShapefileReader.shapelibMessage())
            }
            let shp = SHPFile(shpHandle)
            guard let dbfHandle = DBFCreateLL(tempBase + ".dbf", "UTF-8", &hooks) else {
                throw OutputError.notWritable(path: shpPath, reason: ShapefileReader.shapelibMessage())
            }
            let dbf = DBFFile(dbfHandle)
            // shapelib would stamp 1995-07-26; record the real date of writing, as GDAL does.
            let today = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
            DBFSetLastModifiedDate(dbfHandle, Int32(today.year! - 1900), Int32(today.month!), Int32(today.day!))
            let layout = try fieldLayout(layer, report: &report, dbf: dbf, path: shpPath)
            for (i, feature) in layer.features.enumerated() {
                try writeGeometry(feature.geometry, type: type, shp: shp, path: shpPath, record: i + 1)
                try writeValues(feature.values, layout: layout, dbf: dbf, record: i, path: shpPath, report: &report)
            }
        }
        // The handles are closed here (end of scope): shapelib writes the headers on close.
        try Data(prj.utf8).write(to: URL(fileURLWithPath: tempBase + ".prj"))
        for ext in extensions {
            if let input = InputRegistry.shared.input(matching: finalBase + "." + ext) {
                throw OutputError.overwritesInput(path: shpPath, input: input)
            }
        }
        for ext in ["qix", "sbn", "sbx"] { unlink(finalBase + "." + ext) }
        // Inside an OutputTransaction the renames wait for the whole command to succeed; alone,
        // an interrupt waits for the companions' renames so that they are never left mixed.
        if extensions.allSatisfy({ OutputTransaction.enqueue(temporary: tempBase + "." + $0, final: finalBase + "." + $0) }) {
            committed = true
            return report
        }
        try TemporaryFileRegistry.shared.committing {
            for ext in extensions {
                guard rename(tempBase + "." + ext, finalBase + "." + ext) == 0 else {
                    throw OutputError.writeFailed(path: finalBase + "." + ext, reason: String(cString: strerror(errno)))
                }
            }
        }
        committed = true
        return report
    }

    static func shapeType(for layer: FeatureLayer, path: String) throws -> ShapeType {
        var kinds = Set<Int>()
        var sawMultiPoint = false
        for f in layer.features {
            guard let g = f.geometry else { continue }
            switch g.kind {
            case .point: kinds.insert(0)
            case .multiPoint: kinds.insert(0); sawMultiPoint = true
            case .lineString, .multiLineString: kinds.insert(1)
            case .polygon, .multiPolygon: kinds.insert(2)
            }
        }
        guard kinds.count <= 1 else {
            throw ShapefileError.cannotWrite(path: path, reason: "the layer mixes points, lines and polygons; a shapefile holds one kind; filter the features by geometry kind first")
        }
        switch kinds.first {
        case 0: return sawMultiPoint ? .multiPoint : .point
        case 1: return .polyLine
        case 2: return .polygon
        default: return .point
        }
    }

    struct FieldSlot {
        let name: String
        let type: FieldType
        let width: Int
        let decimals: Int
    }

    static func fieldLayout(_ layer: FeatureLayer, report: inout ShapefileWriteReport, dbf: DBFFile, path: String) throws -> [FieldSlot] {
        var used = Set<String>()
        var slots: [FieldSlot] = []
        for (f, field) in layer.schema.fields.enumerated() {
            // Name: at most 10 bytes, unique ignoring case.
            var name = cut(field.name, toBytes: 10)
            var n = 1
            while used.contains(name.uppercased()) {
                let suffix = "_\(n)"
                name = cut(field.name, toBytes: 10 - suffix.utf8.count) + suffix
                n += 1
            }
            used.insert(name.uppercased())
            if name != field.name { report.renamedFields.append(.init(from: field.name, to: name)) }

            let values = layer.features.lazy.map { $0.values[f] }
            let slot: FieldSlot
            let native: UInt8
            switch field.type {
            case .string:
                let longest = values.reduce(0) { max($0, $1.isNull ? 0 : min(254, $1.text.utf8.count)) }
                slot = FieldSlot(name: field.name, type: .string, width: max(field.width ?? 1, longest, 1), decimals: 0)
                native = UInt8(ascii: "C")
            case .integer:
                let widest = values.reduce(0) { max($0, $1.isNull ? 0 : $1.text.utf8.count) }
                slot = FieldSlot(name: field.name, type: .integer, width: max(field.width ?? 1, widest, 1), decimals: 0)
                native = UInt8(ascii: "N")
            case .real:
                // GDAL's default is N(24,15); keep the source's width and decimals when they hold
                // every value, otherwise widen to fit the whole part.
                // Infinite values are refused when written (writeValues); NaN is written as null.
                let biggest = values.reduce(0.0) { max($0, $1.number.map { $0.isFinite ? abs($0) : 0 } ?? 0) }
                let wholeDigits = biggest < 1 ? 1 : min(300, Int(saturating: log10(biggest), .towardZero)) + 1
                let decimals = field.decimals ?? 15
                let width = max(field.width ?? 24, wholeDigits + decimals + 2)
                slot = FieldSlot(name: field.name, type: .real, width: min(width, 254), decimals: decimals)
                native = UInt8(ascii: "N")
            case .boolean:
                slot = FieldSlot(name: field.name, type: .boolean, width: 1, decimals: 0)
                native = UInt8(ascii: "L")
            case .date:
                slot = FieldSlot(name: field.name, type: .date, width: 8, decimals: 0)
                native = UInt8(ascii: "D")
            }
            // DBFAddNativeFieldType: the new field's index, or -1.
            guard DBFAddNativeFieldType(dbf.handle, name, CChar(bitPattern: native), Int32(slot.width), Int32(slot.decimals)) >= 0 else {
                throw ShapefileError.cannotWrite(path: path, reason: "field \(field.name): \(ShapefileReader.shapelibMessage())")
            }
            slots.append(slot)
        }
        return slots
    }

    static func writeGeometry(_ geometry: Geometry?, type: ShapeType, shp: SHPFile, path: String, record: Int) throws {
        var xs: [Double] = [], ys: [Double] = [], starts: [Int32] = []
        func add(_ cs: [Coordinate]) {
            starts.append(Int32(xs.count))
            for c in cs { xs.append(c.x); ys.append(c.y) }
        }
        var objectType = Int32(type.rawValue)
        switch geometry?.orientedPolygons(exteriorCounterClockwise: false) {
        case nil:
            objectType = Int32(SHPT_NULL)
        case .point(let c)?:
            add([c])
        case .multiPoint(let cs)?:
            add(cs)
        case .lineString(let cs)?:
            add(cs)
        case .multiLineString(let lines)?:
            lines.forEach(add)
        case .polygon(let p)?:
            p.rings.forEach { add($0.coordinates) }
        case .multiPolygon(let ps)?:
            ps.forEach { $0.rings.forEach { add($0.coordinates) } }
        }
        let isMulti = type == .polyLine || type == .polygon
        // SHPCreateObject: new object owned by us, destroyed after writing.
        guard let object = SHPCreateObject(objectType, -1, isMulti ? Int32(starts.count) : 0, isMulti ? starts : nil, nil,
                                           Int32(xs.count), xs, ys, nil, nil) else {
            throw ShapefileError.cannotWrite(path: path, reason: "record \(record): \(ShapefileReader.shapelibMessage())")
        }
        defer { SHPDestroyObject(object) }
        // SHPWriteObject: the record number written, or -1.
        guard SHPWriteObject(shp.handle, -1, object) >= 0 else {
            throw OutputError.writeFailed(path: path, reason: "record \(record): \(ShapefileReader.shapelibMessage())")
        }
    }

    static func writeValues(_ values: [FieldValue], layout: [FieldSlot], dbf: DBFFile, record: Int, path: String,
                            report: inout ShapefileWriteReport) throws {
        for (f, value) in values.enumerated() {
            let h = dbf.handle, r = Int32(record), i = Int32(f)
            let ok: Int32
            switch value {
            case .null:
                ok = DBFWriteNULLAttribute(h, r, i)
            case .integer(let v):
                // Numbers are right-aligned in DBF; shapelib copies the text as given.
                ok = padLeft(String(v), layout[f].width).withCString { DBFWriteAttributeDirectly(h, r, i, UnsafeMutableRawPointer(mutating: $0)) }
            case .real(let v) where v.isNaN:
                ok = DBFWriteNULLAttribute(h, r, i) // NaN means "no value"
            case .real(let v):
                guard v.isFinite else {
                    throw ShapefileError.cannotWrite(path: path, reason: "record \(record + 1), field \(layout[f].name): the value is infinite, which a DBF cannot hold; it is out of range in the input or the calculation")
                }
                let slot = layout[f]
                if String(format: "%.*f", slot.decimals, v).utf8.count <= slot.width {
                    ok = DBFWriteDoubleAttribute(h, r, i, v)
                } else {
                    // Too wide for fixed notation even at 254 characters (e.g. 1e300): exponent
                    // notation, which DBF readers (GDAL, shapelib, ours) parse as a number.
                    let text = padLeft(String(format: "%.*e", max(0, min(15, slot.width - 8)), v), slot.width)
                    ok = text.withCString { DBFWriteAttributeDirectly(h, r, i, UnsafeMutableRawPointer(mutating: $0)) }
                }
            case .boolean(let b):
                ok = DBFWriteLogicalAttribute(h, r, i, CChar(bitPattern: b ? UInt8(ascii: "T") : UInt8(ascii: "F")))
            case .date(let d):
                // shapelib formats 'D' fields as numbers; write the YYYYMMDD text directly.
                ok = String(format: "%04d%02d%02d", d.year, d.month, d.day).withCString { DBFWriteAttributeDirectly(h, r, i, UnsafeMutableRawPointer(mutating: $0)) }
            case .string(let s):
                let fitted = cut(s, toBytes: layout[f].width)
                if fitted.utf8.count < s.utf8.count { report.truncatedValues += 1 }
                ok = DBFWriteStringAttribute(h, r, i, fitted)
            }
            guard ok != 0 else {
                throw OutputError.writeFailed(path: path, reason: "record \(record + 1), field \(f + 1): \(ShapefileReader.shapelibMessage())")
            }
        }
    }

    /// The longest prefix of `s` of at most `bytes` UTF-8 bytes that ends on a character boundary.
    static func cut(_ s: String, toBytes bytes: Int) -> String {
        guard s.utf8.count > bytes else { return s }
        var result = ""
        var used = 0
        for ch in s {
            let n = ch.utf8.count
            if used + n > bytes { break }
            result.append(ch)
            used += n
        }
        return result
    }

    static func padLeft(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}
