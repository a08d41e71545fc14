import CZlib
import Foundation
import GeoCore

/// A read-only zip archive (stored and deflate entries, as written by every common tool), read
/// from a memory-mapped file. Entries can be inflated in parallel: each call is independent.
///
/// ```swift
/// let zip = try ZipArchive(path: "codepo_gb.zip")
/// for entry in zip.entries where entry.name.hasSuffix(".csv") {
///     let bytes = try zip.contents(of: entry)
/// }
/// ```
public final class ZipArchive: @unchecked Sendable {
    /// One file in the archive.
    public struct Entry: Sendable, Hashable {
        /// Path inside the archive, e.g. `Data/CSV/ss.csv`.
        public var name: String
        /// Compression method: 0 stored, 8 deflate.
        public var method: Int
        /// Bytes stored in the archive, as the central directory states it (checked when read).
        public var compressedSize: Int
        /// Bytes once inflated, as stated (the inflater stops at this size and checks it).
        public var uncompressedSize: Int
        /// CRC-32 of the inflated bytes, as stated (checked when read).
        public var crc32: UInt32
        var localHeaderOffset: Int
        /// `true` for folder entries (names ending in `/`).
        public var isDirectory: Bool { name.hasSuffix("/") }
    }

    /// The archive's path.
    public let path: String
    /// Entries in central-directory order.
    public let entries: [Entry]
    private let data: Data

    /// Opens the archive and reads its central directory.
    /// - Throws: ``CompressionError``.
    public init(path: String) throws {
        self.path = path
        data = try FileContents.map(path: path)
        entries = try data.withUnsafeBytes { raw in try Self.readDirectory(raw.bindMemory(to: UInt8.self), path: path) }
    }

    private static func u16(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
    private static func u32(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int { u16(b, at) | u16(b, at + 2) << 16 }

    private static func readDirectory(_ b: UnsafeBufferPointer<UInt8>, path: String) throws -> [Entry] {
        // End of central directory: 22 bytes plus a comment of up to 65,535 bytes at the end.
        guard b.count >= 22 else { throw CompressionError.badArchive(path: path, detail: "file too short") }
        var eocd = -1
        var k = b.count - 22
        let lowest = max(0, b.count - 22 - 65_535)
        while k >= lowest {
            if b[k] == 0x50, b[k + 1] == 0x4B, b[k + 2] == 0x05, b[k + 3] == 0x06 { eocd = k; break }
            k -= 1
        }
        guard eocd >= 0 else { throw CompressionError.badArchive(path: path, detail: "no end-of-central-directory record") }
        let count = u16(b, eocd + 10)
        let dirOffset = u32(b, eocd + 16)
        guard count != 0xFFFF, dirOffset != 0xFFFF_FFFF else { throw CompressionError.badArchive(path: path, detail: "ZIP64 archives are not supported") }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var p = dirOffset
        for i in 0..<count {
            guard p + 46 <= b.count, u32(b, p) == 0x0201_4B50 else {
                throw CompressionError.badArchive(path: path, detail: "central directory entry \(i + 1) is damaged")
            }
            let nameLength = u16(b, p + 28), extra = u16(b, p + 30), comment = u16(b, p + 32)
            guard p + 46 + nameLength <= b.count else { throw CompressionError.badArchive(path: path, detail: "entry \(i + 1) name runs past the end") }
            let name = String(decoding: UnsafeBufferPointer(rebasing: b[(p + 46)..<(p + 46 + nameLength)]), as: UTF8.self)
            entries.append(Entry(name: name, method: u16(b, p + 10), compressedSize: u32(b, p + 20), uncompressedSize: u32(b, p + 24),
                                 crc32: UInt32(u32(b, p + 16)), localHeaderOffset: u32(b, p + 42)))
            p += 46 + nameLength + extra + comment
        }
        return entries
    }

    /// The uncompressed bytes of `entry`, checked against its CRC-32 and held to `limits`. Memory
    /// grows from the bytes actually inflated, never from the entry's declared size; an entry that
    /// declares more than the ceiling is refused before anything is inflated.
    /// - Throws: ``CompressionError``.
    public func contents(of entry: Entry, limits: DecompressionLimits = .standard) throws -> Data {
        try limits.check(produced: entry.uncompressedSize, consumed: entry.compressedSize, path: path, entry: entry.name)
        return try data.withUnsafeBytes { raw -> Data in
            let b = raw.bindMemory(to: UInt8.self)
            let h = entry.localHeaderOffset
            guard h + 30 <= b.count, Self.u32(b, h) == 0x0403_4B50 else {
                throw CompressionError.badArchive(path: path, detail: "local header of \(entry.name) is damaged")
            }
            let start = h + 30 + Self.u16(b, h + 26) + Self.u16(b, h + 28)
            guard start + entry.compressedSize <= b.count else {
                throw CompressionError.badArchive(path: path, detail: "\(entry.name) runs past the end of the file (truncated download?)")
            }
            let input = UnsafeBufferPointer(rebasing: b[start..<(start + entry.compressedSize)])
            let out: Data
            switch entry.method {
            case 0:
                out = Data(input)
            case 8:
                out = try inflateRaw(input, expected: entry.uncompressedSize, entry: entry.name, limits: limits)
            default:
                throw CompressionError.unsupportedMethod(path: path, entry: entry.name, method: entry.method)
            }
            let crc = out.withUnsafeBytes { crc32Of($0.bindMemory(to: UInt8.self)) }
            guard out.count == entry.uncompressedSize, crc == entry.crc32 else {
                throw CompressionError.checksumMismatch(path: path, entry: entry.name)
            }
            return out
        }
    }

    /// Inflates a raw deflate stream. The buffer starts from the compressed size and doubles as
    /// output arrives; it never passes `expected` + 1 bytes (more output than declared is damage)
    /// nor the limits.
    private func inflateRaw(_ input: UnsafeBufferPointer<UInt8>, expected: Int, entry: String, limits: DecompressionLimits) throws -> Data {
        guard expected > 0 else { return Data() }
        var out = Data(count: min(expected + 1, max(4096, input.count * 4)))
        var produced = 0
        var stream = z_stream()
        // Negative window bits: a raw deflate stream without zlib or gzip header.
        guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw CompressionError.corrupt(path: path, detail: "zlib could not start for \(entry)")
        }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.avail_in = UInt32(min(input.count, Int(UInt32.max)))
        let status = try FileContents.inflateAvailable(&stream, into: &out, produced: &produced, capacity: expected + 1,
                                                       inputCount: input.count, limits: limits, path: path, entry: entry)
        guard status == Z_STREAM_END, produced == expected else {
            let message = produced > expected ? "more data than the directory declares" : (stream.msg.map { String(cString: $0) } ?? "stream does not end where the directory says")
            throw CompressionError.corrupt(path: path, detail: "\(entry): \(message)")
        }
        out.count = produced
        return out
    }
}
