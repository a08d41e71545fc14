import Foundation
import GeoIO

/// What an OpenStreetMap extract says about itself, read from its header and checked block by
/// block without decoding the map data: its bounding box, replication timestamp (the extract
/// date), the program that wrote it, and whether every block lies inside the file.
///
/// PBF files are walked as the format defines them (a 4-byte length, a `BlobHeader`, a `Blob` of
/// the declared size); every declared length is checked against the bytes left in the file, so a
/// truncated or corrupt download is refused here, with the byte offset, before an engine sees it.
/// OSM XML files (`.osm`) are accepted with their `<bounds>` and `timestamp` read from the head.
///
/// ```swift
/// let extract = try OSMExtract.read(path: "networks/helsinki.osm.pbf")
/// print(extract.replicationTimestamp ?? "no extract date recorded", extract.dataBlocks)
/// ```
public struct OSMExtract: Sendable, Hashable {
    /// The file.
    public var path: String
    /// Its size in bytes.
    public var size: Int
    /// `pbf` or `xml`.
    public var format: String
    /// West, south, east, north in degrees, when the header gives them.
    public var bounds: [Double]?
    /// The replication timestamp (when the data was taken from OpenStreetMap), when recorded.
    public var replicationTimestamp: Date?
    /// The program that wrote the file.
    public var writingProgram: String?
    /// Features a reader must support (`OsmSchema-V0.6`, `DenseNodes`, …).
    public var requiredFeatures: [String]
    /// Number of data blocks (PBF).
    public var dataBlocks: Int

    /// The extract date in words: the replication timestamp's day, or that none is recorded.
    public var dateWords: String {
        guard let t = replicationTimestamp else { return "extract date not recorded in the file" }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        return "extract of \(f.string(from: t))"
    }

    /// Features this reader and the engines support.
    static let supportedFeatures: Set<String> = ["OsmSchema-V0.6", "DenseNodes", "Sort.Type_then_ID", "Sort.Geographic"]

    /// Reads and checks the extract at `path`.
    /// - Throws: ``NetworkError/unreadableExtract(path:detail:)``, ``NetworkError/truncatedExtract(path:offset:size:)``,
    ///   ``NetworkError/unsupportedFeature(path:feature:)``.
    public static func read(path: String) throws -> OSMExtract {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw NetworkError.unreadableExtract(path: path, detail: "cannot open the file")
        }
        defer { try? handle.close() }
        let size = Int((try? handle.seekToEnd()) ?? 0)
        try? handle.seek(toOffset: 0)
        guard size > 0 else { throw NetworkError.unreadableExtract(path: path, detail: "empty file") }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        if let text = String(data: head.prefix(512), encoding: .utf8), text.hasPrefix("<?xml") || text.hasPrefix("<osm") {
            return try readXMLHead(path: path, size: size, head: head)
        }
        return try readPBF(path: path, size: size, handle: handle)
    }

    private static func readPBF(path: String, size: Int, handle: FileHandle) throws -> OSMExtract {
        var info = OSMExtract(path: path, size: size, format: "pbf", bounds: nil, replicationTimestamp: nil, writingProgram: nil,
                              requiredFeatures: [], dataBlocks: 0)
        var offset = 0
        var first = true
        while offset < size {
            guard size - offset >= 4 else { throw NetworkError.truncatedExtract(path: path, offset: offset, size: size) }
            try? handle.seek(toOffset: UInt64(offset))
            guard let lengthBytes = try? handle.read(upToCount: 4), lengthBytes.count == 4 else {
                throw NetworkError.truncatedExtract(path: path, offset: offset, size: size)
            }
            let headerLength = lengthBytes.reduce(0) { $0 << 8 | Int($1) }
            // The format caps a BlobHeader at 64 KiB and a Blob at 32 MiB.
            guard headerLength > 0, headerLength <= 64 * 1024 else {
                throw NetworkError.unreadableExtract(path: path, detail: first ? "not a PBF file (no block header at the start)" : "block header of \(headerLength) bytes at byte \(offset)")
            }
            guard offset + 4 + headerLength <= size, let headerData = try? handle.read(upToCount: headerLength), headerData.count == headerLength else {
                throw NetworkError.truncatedExtract(path: path, offset: offset, size: size)
            }
            var type = "", dataSize = -1
            do {
                try Protobuf.fields(headerData) { field, value in
                    switch (field, value) {
                    case (1, .bytes(let b)): type = String(decoding: b, as: UTF8.self)
                    case (3, .varint(let v)): dataSize = Int(truncatingIfNeeded: v)
                    default: break
                    }
                }
            } catch {
                throw NetworkError.unreadableExtract(path: path, detail: first ? "not a PBF file" : "corrupt block header at byte \(offset)")
            }
            guard type == "OSMHeader" || type == "OSMData", dataSize >= 0, dataSize <= 32 * 1024 * 1024 else {
                throw NetworkError.unreadableExtract(path: path, detail: first ? "not a PBF file (its first block is not an OSM header)" : "unknown block \"\(type.prefix(40))\" at byte \(offset)")
            }
            if first && type != "OSMHeader" { throw NetworkError.unreadableExtract(path: path, detail: "the file does not start with an OSM header block") }
            let blobStart = offset + 4 + headerLength
            guard blobStart + dataSize <= size else { throw NetworkError.truncatedExtract(path: path, offset: offset, size: size) }
            if type == "OSMHeader" {
                guard let blob = try? handle.read(upToCount: dataSize), blob.count == dataSize else {
                    throw NetworkError.truncatedExtract(path: path, offset: offset, size: size)
                }
                try readHeaderBlock(blob, into: &info, path: path, offset: offset)
            } else {
                info.dataBlocks += 1
            }
            first = false
            offset = blobStart + dataSize
        }
        for feature in info.requiredFeatures where !supportedFeatures.contains(feature) {
            throw NetworkError.unsupportedFeature(path: path, feature: feature)
        }
        return info
    }

    private static func readHeaderBlock(_ blob: Data, into info: inout OSMExtract, path: String, offset: Int) throws {
        var raw: Data?, zlib: Data?, rawSize = 0
        do {
            try Protobuf.fields(blob) { field, value in
                switch (field, value) {
                case (1, .bytes(let b)): raw = b
                case (2, .varint(let v)): rawSize = Int(truncatingIfNeeded: v)
                case (3, .bytes(let b)): zlib = b
                default: break
                }
            }
        } catch {
            throw NetworkError.unreadableExtract(path: path, detail: "corrupt header block at byte \(offset)")
        }
        let header: Data
        if let raw {
            header = raw
        } else if let zlib {
            let limits = DecompressionLimits(maximumBytes: min(max(rawSize, 1), 32 << 20) + 1024, maximumRatio: 10_000)
            do { header = try FileContents.gunzip(zlib, path: path, limits: limits) } catch {
                throw NetworkError.unreadableExtract(path: path, detail: "header block at byte \(offset) does not inflate")
            }
        } else {
            throw NetworkError.unreadableExtract(path: path, detail: "header block at byte \(offset) is compressed in a way this reader does not know (lzma or zstd)")
        }
        do {
            try Protobuf.fields(header) { field, value in
                switch (field, value) {
                case (1, .bytes(let b)):
                    var box = [Double](repeating: .nan, count: 4) // left, right, top, bottom
                    try Protobuf.fields(b) { f, v in
                        if case .varint(let n) = v, (1...4).contains(f) { box[f - 1] = Double(Protobuf.zigzag(n)) * 1e-9 }
                    }
                    if box.allSatisfy(\.isFinite) { info.bounds = [box[0], box[3], box[1], box[2]] }
                case (4, .bytes(let b)): info.requiredFeatures.append(String(decoding: b, as: UTF8.self))
                case (16, .bytes(let b)): info.writingProgram = String(decoding: b, as: UTF8.self)
                case (32, .varint(let v)) where v > 0 && v < 32_503_680_000:
                    info.replicationTimestamp = Date(timeIntervalSince1970: Double(v))
                default: break
                }
            }
        } catch {
            throw NetworkError.unreadableExtract(path: path, detail: "corrupt header block at byte \(offset)")
        }
    }

    private static func readXMLHead(path: String, size: Int, head: Data) throws -> OSMExtract {
        let text = String(decoding: head, as: UTF8.self)
        guard text.contains("<osm") else { throw NetworkError.unreadableExtract(path: path, detail: "XML without an <osm> element") }
        func attribute(_ name: String, in element: Substring) -> String? {
            guard let r = element.range(of: " \(name)=\"") else { return nil }
            let rest = element[r.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
        var info = OSMExtract(path: path, size: size, format: "xml", bounds: nil, replicationTimestamp: nil, writingProgram: nil,
                              requiredFeatures: [], dataBlocks: 0)
        if let r = text.range(of: "<osm") {
            let element = text[r.lowerBound...].prefix { $0 != ">" }
            info.writingProgram = attribute("generator", in: element)
            if let t = attribute("timestamp", in: element) { info.replicationTimestamp = ISO8601DateFormatter().date(from: t) }
        }
        if let r = text.range(of: "<bounds") {
            let element = text[r.lowerBound...].prefix { $0 != ">" }
            let values = ["minlon", "minlat", "maxlon", "maxlat"].compactMap { attribute($0, in: element).flatMap(Double.init) }
            if values.count == 4 { info.bounds = values }
        }
        return info
    }
}

/// The few protocol-buffer wire types an OSM PBF header uses.
enum Protobuf {
    enum Value { case varint(UInt64), bytes(Data), fixed }
    struct Malformed: Error {}

    /// Calls `body` with each field of `data`; throws on a malformed field (never reads past the end).
    static func fields(_ data: Data, _ body: (Int, Value) throws -> Void) throws {
        let bytes = [UInt8](data)
        var i = 0
        func varint() throws -> UInt64 {
            var result: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard i < bytes.count, shift < 64 else { throw Malformed() }
                let b = bytes[i]
                i += 1
                result |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 { return result }
                shift += 7
            }
        }
        while i < bytes.count {
            let key = try varint()
            let field = Int(key >> 3)
            guard field > 0 else { throw Malformed() }
            switch key & 7 {
            case 0: try body(field, .varint(try varint()))
            case 1: guard i + 8 <= bytes.count else { throw Malformed() }; i += 8; try body(field, .fixed)
            case 5: guard i + 4 <= bytes.count else { throw Malformed() }; i += 4; try body(field, .fixed)
            case 2:
                let length = try varint()
                guard length <= UInt64(bytes.count - i) else { throw Malformed() }
                let end = i + Int(length)
                try body(field, .bytes(Data(bytes[i..<end])))
                i = end
            default: throw Malformed()
            }
        }
    }

    /// A zigzag-encoded signed integer.
    static func zigzag(_ n: UInt64) -> Int64 { Int64(bitPattern: n >> 1) ^ -Int64(bitPattern: n & 1) }
}
