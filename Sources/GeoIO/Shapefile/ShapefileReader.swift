import CShapelib
import Foundation
import GeoCore
import GeoProjection

/// Options for reading a shapefile.
public struct ShapefileReadOptions: Sendable, Hashable {
    /// The CRS of the data. Required when there is no `.prj`; overrides the `.prj` when given.
    public var crs: CRS?
    /// The text encoding of the `.dbf`. Overrides the `.cpg` and the DBF language driver.
    public var encoding: TextEncoding?

    /// Creates options.
    public init(crs: CRS? = nil, encoding: TextEncoding? = nil) {
        self.crs = crs
        self.encoding = encoding
    }
}

/// Reads an ESRI shapefile (`.shp`, `.shx`, `.dbf`, `.prj`, `.cpg`) with shapelib, record by record
/// or all at once.
///
/// - Geometry: Point, MultiPoint, PolyLine and Polygon, with Z and M read as 2D. Polygon rings
///   become shells and holes by orientation (clockwise shells, counter-clockwise holes), each
///   hole going to the smallest shell that contains it; several shells make a MultiPolygon.
///   Rings must have at least 4 coordinates and be closed; coordinates must be finite.
/// - Attributes: typed from the DBF field definitions (character, numeric integer and decimal,
///   float, logical, date); text decoded with the `.cpg` code page or the DBF language driver.
/// - CRS: from the `.prj` (identified as an EPSG code by PROJ when possible), or from
///   ``ShapefileReadOptions/crs``. A missing `.prj` without a given CRS is an error, not a guess.
///
/// The reader owns its shapelib handles; it is not thread-safe (use one per thread).
///
/// ```swift
/// let reader = try ShapefileReader(path: "lsoa21_ew_bgc.shp")
/// print(reader.count, reader.crs, reader.schema.names)
/// try reader.forEach { record, feature in … }      // streaming
/// let layer = try reader.readAll()                   // everything in memory
/// ```
public final class ShapefileReader {
    /// Path of the `.shp`.
    public let path: String
    /// Layer name: the file's base name.
    public let name: String
    /// Geometry type from the header (as stored, Z/M included).
    public let shapeType: ShapeType
    /// Number of records.
    public let count: Int
    /// Bounding box from the `.shp` header.
    public let headerBounds: Envelope
    /// Attribute fields.
    public let schema: Schema
    /// Coordinate reference system.
    public let crs: CRS
    /// Encoding used for text attributes.
    public let encoding: TextEncoding
    /// What the reader has noticed so far (grows as records are read).
    public private(set) var report = ReadReport()

    private let shp: SHPFile
    private let dbf: DBFFile
    private let fields: [DBFFieldLayout]
    private let encodingDeclared: Bool
    private let unsupportedCodePage: String?

    /// Opens a shapefile and checks it: companions present, sizes consistent, record counts equal,
    /// geometry type supported, CRS known.
    ///
    /// - Parameters:
    ///   - path: the `.shp` (the extension may be left off).
    ///   - options: CRS and encoding overrides.
    ///   - projection: the PROJ context used to identify the `.prj`; one is created if `nil`.
    /// - Throws: ``ShapefileError`` naming the file and what to do; ``ProjectionError`` for a
    ///   given CRS PROJ does not know.
    public init(path: String, options: ShapefileReadOptions = ShapefileReadOptions(), projection: ProjectionContext? = nil) throws {
        let shpPath = Self.normalise(path)
        self.path = shpPath
        let base = String(shpPath.dropLast(4))
        name = URL(fileURLWithPath: base).lastPathComponent
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: shpPath, isDirectory: &isFolder) else { throw ShapefileError.fileNotFound(path: shpPath) }
        guard !isFolder.boolValue else {
            throw ShapefileError.cannotOpen(path: shpPath, reason: "it is a folder, not a file; give the path of the .shp inside it")
        }
        guard let shxPath = Self.companion(base, "shx") else { throw ShapefileError.missingComponent(path: shpPath, missing: name + ".shx") }
        guard Self.companion(base, "dbf") != nil else { throw ShapefileError.missingComponent(path: shpPath, missing: name + ".dbf") }

        // Sizes: the header states the file length in 16-bit words.
        // stat() follows symbolic links (FileManager's attributes describe the link itself).
        var status = stat()
        let actualSize = stat(shpPath, &status) == 0 ? Int(status.st_size) : 0
        let header = try Self.readHeader(shpPath)
        if actualSize < 100 || header.fileLength > actualSize {
            throw ShapefileError.truncated(path: shpPath, expectedBytes: max(100, header.fileLength), actualBytes: actualSize, firstAffectedRecord: nil)
        }
        guard let type = ShapeType(rawValue: header.shapeType), type.isSupported else {
            let typeName = ShapeType(rawValue: header.shapeType)?.name ?? "unknown"
            throw ShapefileError.unsupportedShapeType(path: shpPath, typeCode: header.shapeType, typeName: typeName)
        }
        shapeType = type

        var hooks = SAHooks()
        dm_shapelib_setup_hooks(&hooks)
        dm_shapelib_clear_error()
        // SHPOpenLL: new handle owned by us, NULL on failure (message through the hooks).
        // shapelib drops whatever follows the last dot, so pass the names with their extensions.
        guard let shpHandle = SHPOpenLL(shpPath, "rb", &hooks) else {
            throw ShapefileError.cannotOpen(path: shxPath, reason: Self.shapelibMessage())
        }
        shp = SHPFile(shpHandle)
        dm_shapelib_clear_error()
        // DBFOpenLL: new handle owned by us, NULL on failure.
        guard let dbfHandle = DBFOpenLL(base + ".dbf", "rb", &hooks) else {
            throw ShapefileError.cannotOpen(path: base + ".dbf", reason: Self.shapelibMessage())
        }
        dbf = DBFFile(dbfHandle)
        for file in [shpPath, shxPath, base + ".dbf"] { InputRegistry.shared.record(file) }
        if let cpg = Self.companion(base, "cpg") { InputRegistry.shared.record(cpg) }
        if let prj = Self.companion(base, "prj") { InputRegistry.shared.record(prj) }

        count = Int(shpHandle.pointee.nRecords)
        let dbfCount = Int(DBFGetRecordCount(dbfHandle))
        guard dbfCount == count else {
            throw ShapefileError.recordCountMismatch(path: shpPath, shapes: count, attributes: dbfCount)
        }
        guard count > 0 else { throw ShapefileError.empty(path: shpPath) }
        // Every record must lie inside the file.
        for i in 0..<count {
            let end = Int(shpHandle.pointee.panRecOffset[i]) + Int(shpHandle.pointee.panRecSize[i]) + 8
            if end > actualSize {
                throw ShapefileError.truncated(path: shpPath, expectedBytes: max(end, header.fileLength), actualBytes: actualSize, firstAffectedRecord: i + 1)
            }
        }
        SHPSetFastModeReadObject(shpHandle, 1)
        var minBound = [Double](repeating: 0, count: 4), maxBound = [Double](repeating: 0, count: 4)
        SHPGetInfo(shpHandle, nil, nil, &minBound, &maxBound)
        headerBounds = Envelope(minX: minBound[0], minY: minBound[1], maxX: maxBound[0], maxY: maxBound[1])

        // Encoding: option, else .cpg, else language driver, else assumed UTF-8.
        var encodingNote: String
        var declared = true
        var unsupported: String?
        let codePage = DBFGetCodePage(dbfHandle).map { String(cString: $0) }
        if let forced = options.encoding {
            encoding = forced
            encodingNote = "\(forced.rawValue) (given)"
        } else if let codePage, codePage.hasPrefix("LDID/") {
            let id = Int(codePage.dropFirst(5)) ?? 0
            if let e = TextEncoding(languageDriver: id) {
                encoding = e
                encodingNote = "\(e.rawValue) (DBF language driver \(id))"
            } else {
                encoding = .utf8
                unsupported = "language driver \(id)"
                encodingNote = "unsupported DBF language driver \(id)"
            }
        } else if let codePage {
            if let e = TextEncoding(codePage: codePage) {
                encoding = e
                encodingNote = "\(e.rawValue) (.cpg)"
            } else {
                encoding = .utf8
                unsupported = codePage
                encodingNote = "unsupported code page '\(codePage)' (.cpg)"
            }
        } else {
            encoding = .utf8
            declared = false
            encodingNote = "UTF-8 (assumed: no .cpg and no language driver)"
        }
        encodingDeclared = declared
        unsupportedCodePage = unsupported
        report.encoding = encodingNote

        // Fields.
        var layouts: [DBFFieldLayout] = []
        var definitions: [FieldDefinition] = []
        let info = dbfHandle.pointee
        for f in 0..<Int(info.nFields) {
            var nameBuffer = [CChar](repeating: 0, count: 12)
            var width: Int32 = 0, decimals: Int32 = 0
            _ = DBFGetFieldInfo(dbfHandle, Int32(f), &nameBuffer, &width, &decimals)
            let rawName = nameBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            let fieldName = encoding.decode(rawName) ?? String(decoding: rawName, as: UTF8.self)
            let native = UInt8(bitPattern: DBFGetNativeFieldType(dbfHandle, Int32(f)))
            let layout = DBFFieldLayout(name: fieldName, offset: Int(info.panFieldOffset[f]), width: Int(width),
                                        decimals: Int(decimals), native: native)
            layouts.append(layout)
            definitions.append(FieldDefinition(name: fieldName, type: layout.type, width: Int(width), decimals: Int(decimals)))
        }
        fields = layouts
        schema = Schema(definitions)

        // CRS: option, else .prj, else an error asking for the CRS.
        let context = try projection ?? ThreadProjection.current().context
        if let given = options.crs {
            crs = try context.resolve(given)
            report.crsSource = "given by the caller"
        } else if let prjPath = Self.companion(base, "prj") {
            let wkt: String
            do {
                wkt = try String(contentsOfFile: prjPath, encoding: .utf8)
            } catch {
                throw ShapefileError.unreadableProjection(path: prjPath, reason: error.localizedDescription)
            }
            do {
                crs = try context.resolve(CRS(definition: wkt))
            } catch let error as ProjectionError {
                throw ShapefileError.unreadableProjection(path: prjPath, reason: error.description)
            }
            report.crsSource = ".prj"
        } else {
            throw ShapefileError.missingProjection(path: shpPath)
        }
    }

    // MARK: Records

    /// The geometry of record `index` (0-based); `nil` for a null shape.
    /// - Throws: ``ShapefileError`` naming the record (1-based) and the problem.
    public func geometry(at index: Int) throws -> Geometry? {
        precondition(index >= 0 && index < count, "record index \(index) out of range 0..<\(count)")
        let record = index + 1
        dm_shapelib_clear_error()
        // SHPReadObject: object owned by the handle in fast mode; SHPDestroyObject releases it.
        guard let object = SHPReadObject(shp.handle, Int32(index)) else {
            throw ShapefileError.unreadableRecord(path: path, record: record, reason: Self.shapelibMessage())
        }
        defer { SHPDestroyObject(object) }
        let o = object.pointee
        guard let recordType = ShapeType(rawValue: Int(o.nSHPType)) else {
            throw ShapefileError.unreadableRecord(path: path, record: record, reason: "unknown shape type \(o.nSHPType)")
        }
        if recordType == .null || o.nVertices == 0 {
            report.nullGeometryRecords.append(record)
            return nil
        }
        guard recordType.planar == shapeType.planar else {
            throw ShapefileError.unreadableRecord(path: path, record: record, reason: "a \(recordType.name) record in a \(shapeType.name) file")
        }
        let n = Int(o.nVertices)
        var coordinates = [Coordinate](repeating: Coordinate(x: 0, y: 0), count: n)
        for i in 0..<n {
            let c = Coordinate(x: o.padfX[i], y: o.padfY[i])
            guard c.isFinite else { throw ShapefileError.nonFiniteCoordinate(path: path, record: record, vertex: i + 1) }
            coordinates[i] = c
        }
        let parts = Int(o.nParts)
        func partRange(_ p: Int) -> Range<Int> {
            let start = Int(o.panPartStart[p])
            let end = p + 1 < parts ? Int(o.panPartStart[p + 1]) : n
            return start..<max(start, min(end, n))
        }

        switch shapeType.planar {
        case .point:
            return .point(coordinates[0])
        case .multiPoint:
            return .multiPoint(coordinates)
        case .polyLine:
            var lines: [[Coordinate]] = []
            for p in 0..<max(parts, 1) {
                let range = parts == 0 ? 0..<n : partRange(p)
                guard range.count >= 2 else { throw ShapefileError.lineTooShort(path: path, record: record, part: p + 1, coordinates: range.count) }
                lines.append(Array(coordinates[range]))
            }
            return lines.count == 1 ? .lineString(lines[0]) : .multiLineString(lines)
        case .polygon:
            var rings: [LinearRing] = []
            rings.reserveCapacity(max(parts, 1))
            for p in 0..<max(parts, 1) {
                let range = parts == 0 ? 0..<n : partRange(p)
                guard range.count >= 4 else { throw ShapefileError.ringTooShort(path: path, record: record, ring: p + 1, coordinates: range.count) }
                let ring = LinearRing(Array(coordinates[range]))
                guard ring.isClosed else { throw ShapefileError.ringNotClosed(path: path, record: record, ring: p + 1) }
                rings.append(ring)
            }
            let assembled = PolygonAssembler.assemble(rings)
            if !assembled.orphanHoleIndices.isEmpty { report.holesKeptAsShells.append(record) }
            if !assembled.zeroAreaRingIndices.isEmpty { report.zeroAreaRings.append(record) }
            return assembled.geometry
        default:
            throw ShapefileError.unsupportedShapeType(path: path, typeCode: shapeType.rawValue, typeName: shapeType.name)
        }
    }

    /// The attribute values of record `index` (0-based), in schema order.
    /// - Throws: ``ShapefileError/badAttribute(path:record:field:value:expected:)`` and
    ///   ``ShapefileError/badEncoding(path:record:field:encoding:)``.
    public func values(at index: Int) throws -> [FieldValue] {
        precondition(index >= 0 && index < count, "record index \(index) out of range 0..<\(count)")
        dm_shapelib_clear_error()
        // DBFReadTuple: the raw record in a buffer the next call overwrites; read it at once.
        guard let tuple = DBFReadTuple(dbf.handle, Int32(index)) else {
            throw ShapefileError.unreadableRecord(path: path, record: index + 1, reason: "attributes: " + Self.shapelibMessage())
        }
        let recordLength = Int(dbf.handle.pointee.nRecordLength)
        let bytes = UnsafeRawBufferPointer(start: tuple, count: recordLength)
        var values: [FieldValue] = []
        values.reserveCapacity(fields.count)
        for field in fields {
            let end = min(field.offset + field.width, recordLength)
            let slice = UnsafeRawBufferPointer(rebasing: bytes[min(field.offset, end)..<end])
            values.append(try value(of: field, raw: slice, record: index + 1))
        }
        return values
    }

    /// Record `index` (0-based) as a feature.
    /// - Throws: ``ShapefileError``.
    public func feature(at index: Int) throws -> Feature {
        Feature(geometry: try geometry(at: index), values: try values(at: index))
    }

    /// Streams every record in file order. `body` receives the 0-based index and the feature.
    /// - Throws: the first ``ShapefileError``, or what `body` throws.
    public func forEach(_ body: (Int, Feature) throws -> Void) throws {
        for i in 0..<count { try body(i, try feature(at: i)) }
    }

    /// Reads every record into memory.
    /// - Parameter progress: called every 1,000 records with (done, total), one call at a time
    ///   (from the reading threads when there are several).
    /// - Throws: the first ``ShapefileError``.
    ///
    /// Large files are read on every core: each worker after the first opens its own shapelib
    /// handles (a handle is not shared between threads) and reads a contiguous run of records;
    /// the features, the report and the first error (by record) are as a single pass gives them.
    public func readAll(progress: ((Int, Int) -> Void)? = nil) throws -> FeatureLayer {
        let workers = count >= Self.parallelRecords ? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4)) : 1
        guard workers > 1 else {
            var features: [Feature] = []
            features.reserveCapacity(count)
            for i in 0..<count {
                features.append(try feature(at: i))
                if let progress, (i + 1) % 1000 == 0 || i + 1 == count { progress(i + 1, count) }
            }
            return FeatureLayer(name: name, crs: crs, schema: schema, features: features)
        }
        let readers = Readers([self] + (try (1..<workers).map { _ in try ShapefileReader(sibling: self) }))
        let total = count
        let chunk = (total + workers - 1) / workers
        let done = ReadProgress(total: total, callback: progress)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let reader = readers.all[w]
            let range = (w * chunk)..<min(total, (w + 1) * chunk)
            var features: [Feature] = []
            features.reserveCapacity(range.count)
            do {
                for i in range {
                    features.append(try reader.feature(at: i))
                    if (i - range.lowerBound + 1) % 1000 == 0 { done.add(1000) }
                }
                done.add(range.count % 1000)
                readers.finish(w, .success(features))
            } catch {
                readers.finish(w, .failure(error))
            }
        }
        var features: [Feature] = []
        features.reserveCapacity(count)
        for (w, result) in readers.results.enumerated() {
            features += try result.get()   // the first failure in record order
            if w > 0 {
                let part = readers.all[w].report
                report.nullGeometryRecords += part.nullGeometryRecords
                report.holesKeptAsShells += part.holesKeptAsShells
                report.zeroAreaRings += part.zeroAreaRings
                report.encodingFallbacks += part.encodingFallbacks
            }
        }
        return FeatureLayer(name: name, crs: crs, schema: schema, features: features)
    }

    /// Files with at least this many records are read on every core.
    static let parallelRecords = 8192

    /// The readers of one `readAll`, each used by one worker, and what each read.
    private final class Readers: @unchecked Sendable {
        let all: [ShapefileReader]
        private let lock = NSLock()
        private(set) var results: [Result<[Feature], Error>]
        init(_ all: [ShapefileReader]) {
            self.all = all
            results = Array(repeating: .success([]), count: all.count)
        }
        func finish(_ w: Int, _ result: Result<[Feature], Error>) { lock.withLock { results[w] = result } }
    }

    /// Records read by all workers, reported through one callback.
    private final class ReadProgress: @unchecked Sendable {
        private let lock = NSLock()
        private var done = 0
        let total: Int
        let callback: ((Int, Int) -> Void)?
        init(total: Int, callback: ((Int, Int) -> Void)?) { self.total = total; self.callback = callback }
        func add(_ n: Int) {
            guard let callback, n > 0 else { return }
            // One call at a time, in increasing order, whichever worker makes it.
            lock.withLock { done += n; callback(done, total) }
        }
    }

    /// A second reader of the same file with its own shapelib handles, taking everything else
    /// (checks already made, schema, CRS, encoding) from `original`.
    private init(sibling original: ShapefileReader) throws {
        path = original.path
        name = original.name
        shapeType = original.shapeType
        count = original.count
        headerBounds = original.headerBounds
        schema = original.schema
        crs = original.crs
        encoding = original.encoding
        fields = original.fields
        encodingDeclared = original.encodingDeclared
        unsupportedCodePage = original.unsupportedCodePage
        var hooks = SAHooks()
        dm_shapelib_setup_hooks(&hooks)
        dm_shapelib_clear_error()
        guard let shpHandle = SHPOpenLL(path, "rb", &hooks) else { throw ShapefileError.cannotOpen(path: path, reason: Self.shapelibMessage()) }
        shp = SHPFile(shpHandle)
        SHPSetFastModeReadObject(shpHandle, 1)
        let dbfPath = String(path.dropLast(4)) + ".dbf"
        guard let dbfHandle = DBFOpenLL(dbfPath, "rb", &hooks) else {
            throw ShapefileError.cannotOpen(path: dbfPath, reason: Self.shapelibMessage())
        }
        dbf = DBFFile(dbfHandle)
        // The same files as the original saw (they could have been replaced in between).
        guard Int(shpHandle.pointee.nRecords) == count, Int(DBFGetRecordCount(dbfHandle)) == count else {
            throw ShapefileError.cannotOpen(path: path, reason: "it changed while it was being read")
        }
    }

    // MARK: Attribute decoding

    private func value(of field: DBFFieldLayout, raw: UnsafeRawBufferPointer, record: Int) throws -> FieldValue {
        // Trim spaces and NULs on both sides, as shapelib and GDAL do.
        var start = 0, end = raw.count
        while start < end, raw[start] == 0x20 || raw[start] == 0 { start += 1 }
        while end > start, raw[end - 1] == 0x20 || raw[end - 1] == 0 { end -= 1 }
        let trimmed = UnsafeRawBufferPointer(rebasing: raw[start..<end])
        if trimmed.isEmpty { return .null }

        switch field.type {
        case .string:
            return .string(try decodeText(trimmed, field: field, record: record))
        case .integer:
            if trimmed.allSatisfy({ $0 == UInt8(ascii: "*") }) { return .null } // numeric overflow marker
            if let v = Self.parseInteger(trimmed) { return .integer(v) }
            let text = String(decoding: trimmed, as: UTF8.self)
            if let d = Double(text), d == d.rounded(), abs(d) < 9.2e18 { return .integer(Int64(d)) }
            throw ShapefileError.badAttribute(path: path, record: record, field: field.name, value: text, expected: "whole number")
        case .real:
            if trimmed.allSatisfy({ $0 == UInt8(ascii: "*") }) { return .null }
            let text = String(decoding: trimmed, as: UTF8.self)
            guard let d = Double(text), d.isFinite else {
                throw ShapefileError.badAttribute(path: path, record: record, field: field.name, value: text, expected: "number")
            }
            return .real(d)
        case .boolean:
            switch trimmed[0] {
            case UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: "Y"), UInt8(ascii: "y"): return .boolean(true)
            case UInt8(ascii: "F"), UInt8(ascii: "f"), UInt8(ascii: "N"), UInt8(ascii: "n"): return .boolean(false)
            case UInt8(ascii: "?"): return .null
            default:
                throw ShapefileError.badAttribute(path: path, record: record, field: field.name,
                                                  value: String(decoding: trimmed, as: UTF8.self), expected: "logical (T/F/Y/N/?)")
            }
        case .date:
            let text = String(decoding: trimmed, as: UTF8.self)
            if text == "00000000" { return .null }
            guard let d = DateValue(parsing: text) else {
                throw ShapefileError.badAttribute(path: path, record: record, field: field.name, value: text, expected: "date (YYYYMMDD)")
            }
            return .date(d)
        }
    }

    private func decodeText(_ bytes: UnsafeRawBufferPointer, field: DBFFieldLayout, record: Int) throws -> String {
        if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        if let unsupportedCodePage { throw ShapefileError.unsupportedCodePage(path: path, codePage: unsupportedCodePage) }
        if let text = encoding.decode(bytes) { return text }
        if !encodingDeclared, let text = TextEncoding.windows1252.decode(bytes) {
            if report.encodingFallbacks.last != record { report.encodingFallbacks.append(record) }
            return text
        }
        throw ShapefileError.badEncoding(path: path, record: record, field: field.name, encoding: encoding.rawValue)
    }

    static func parseInteger(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            i = 1
        }
        guard i < bytes.count, bytes.count - i <= 18 else { return nil }
        var v: Int64 = 0
        while i < bytes.count {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            v = v * 10 + Int64(d)
            i += 1
        }
        return negative ? -v : v
    }

    // MARK: Files

    static func normalise(_ path: String) -> String {
        let lower = path.lowercased()
        if lower.hasSuffix(".shp") { return path }
        if lower.hasSuffix(".dbf") || lower.hasSuffix(".shx") || lower.hasSuffix(".prj") { return String(path.dropLast(4)) + ".shp" }
        return path + ".shp"
    }

    /// The companion file with extension `ext` (lower or upper case), if it exists.
    static func companion(_ base: String, _ ext: String) -> String? {
        for candidate in [base + "." + ext, base + "." + ext.uppercased()] where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        return nil
    }

    /// File length (bytes) and shape type from the 100-byte main header.
    static func readHeader(_ path: String) throws -> (fileLength: Int, shapeType: Int) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ShapefileError.cannotOpen(path: path, reason: "permission denied or not a file") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 100)) ?? Data()
        guard data.count == 100 else { throw ShapefileError.truncated(path: path, expectedBytes: 100, actualBytes: data.count, firstAffectedRecord: nil) }
        let bytes = [UInt8](data)
        guard bytes[0] == 0x00, bytes[1] == 0x00, bytes[2] == 0x27, bytes[3] == 0x0A else {
            throw ShapefileError.cannotOpen(path: path, reason: "not a shapefile (the file code is not 9994)")
        }
        let words = Int(bytes[24]) << 24 | Int(bytes[25]) << 16 | Int(bytes[26]) << 8 | Int(bytes[27])
        let type = Int(bytes[32]) | Int(bytes[33]) << 8 | Int(bytes[34]) << 16 | Int(bytes[35]) << 24
        return (words * 2, type)
    }

    static func shapelibMessage() -> String {
        let message = String(cString: dm_shapelib_last_error_message())
        return message.isEmpty ? "shapelib gave no reason" : message
    }
}

/// Where a DBF field sits in a record and how to type it.
struct DBFFieldLayout {
    let name: String
    let offset: Int
    let width: Int
    let decimals: Int
    let native: UInt8

    /// Numeric `N` with no decimals is an integer when it fits 64 bits (width ≤ 18), as in GDAL.
    var type: FieldType {
        switch native {
        case UInt8(ascii: "N"): return decimals == 0 && width <= 18 ? .integer : .real
        case UInt8(ascii: "F"): return .real
        case UInt8(ascii: "L"): return .boolean
        case UInt8(ascii: "D"): return .date
        default: return .string
        }
    }
}

/// Owns a shapelib `SHPHandle` and closes it once.
final class SHPFile {
    let handle: SHPHandle
    init(_ handle: SHPHandle) { self.handle = handle }
    deinit { SHPClose(handle) }
}

/// Owns a shapelib `DBFHandle` and closes it once.
final class DBFFile {
    let handle: DBFHandle
    init(_ handle: DBFHandle) { self.handle = handle }
    deinit { DBFClose(handle) }
}
