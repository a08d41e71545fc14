import CZlib
import Foundation

/// Why a compressed file could not be read.
public enum CompressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist or cannot be read.
    case cannotRead(path: String, reason: String)
    /// The gzip or deflate stream is damaged.
    case corrupt(path: String, detail: String)
    /// The zip archive's directory cannot be read.
    case badArchive(path: String, detail: String)
    /// A zip entry uses a compression method other than stored or deflate.
    case unsupportedMethod(path: String, entry: String, method: Int)
    /// A zip entry's CRC-32 does not match its content.
    case checksumMismatch(path: String, entry: String)
    /// An external decompressor (7z) is missing or failed.
    case toolFailed(path: String, tool: String, detail: String)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason):
            return "\(path): cannot be read: \(reason)."
        case .corrupt(let path, let detail):
            return "\(path): the compressed data is damaged (\(detail)). Download the file again."
        case .badArchive(let path, let detail):
            return "\(path): not a readable zip archive (\(detail)). Download the file again."
        case .unsupportedMethod(let path, let entry, let method):
            return "\(path): entry \(entry) uses compression method \(method); only stored (0) and deflate (8) are supported. Re-zip it with a standard tool."
        case .checksumMismatch(let path, let entry):
            return "\(path): entry \(entry) fails its CRC-32 check. Download the archive again."
        case .toolFailed(let path, let tool, let detail):
            return "\(path): \(tool) failed: \(detail)."
        }
    }
}

/// Reading files whole, decompressing `.gz` (zlib) and `.7z` (through `7z`, Debian p7zip-full) on the way.
public enum FileContents {
    /// The bytes of `path`: memory-mapped for plain files, inflated for `.gz`, extracted for `.7z`
    /// (the first file in the archive).
    /// - Throws: ``CompressionError``.
    public static func load(path: String) throws -> Data {
        let lower = path.lowercased()
        if lower.hasSuffix(".7z") { return try extract7z(path: path) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw CompressionError.cannotRead(path: path, reason: FileManager.default.fileExists(atPath: path) ? error.localizedDescription : "file not found")
        }
        if lower.hasSuffix(".gz") || (data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B) {
            return try gunzip(data, path: path)
        }
        return data
    }

    /// Inflates gzip data (one or more concatenated members).
    /// - Throws: ``CompressionError/corrupt(path:detail:)``.
    public static func gunzip(_ data: Data, path: String) throws -> Data {
        try data.withUnsafeBytes { raw -> Data in
            let input = raw.bindMemory(to: UInt8.self)
            // ISIZE (last 4 bytes, little endian) is the size of the last member mod 2^32: a good first guess.
            var guess = input.count * 4
            if input.count >= 18 {
                let n = input.count
                let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
                guess = max(guess, isize + 1)
            }
            var out = [UInt8](repeating: 0, count: max(guess, 4096))
            var produced = 0
            var stream = z_stream()
            // 15 + 32: gzip or zlib header, detected automatically.
            guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw CompressionError.corrupt(path: path, detail: "zlib could not start")
            }
            defer { inflateEnd(&stream) }
            var consumed = 0
            while consumed < input.count {
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + consumed)
                stream.avail_in = UInt32(min(input.count - consumed, Int(UInt32.max)))
                let before = consumed
                var status: Int32 = Z_OK
                repeat {
                    if produced == out.count { out.append(contentsOf: repeatElement(0, count: out.count)) }
                    status = out.withUnsafeMutableBufferPointer { buf -> Int32 in
                        stream.next_out = buf.baseAddress! + produced
                        stream.avail_out = UInt32(min(buf.count - produced, Int(UInt32.max)))
                        let before = stream.avail_out
                        let s = inflate(&stream, Z_NO_FLUSH)
                        produced += Int(before - stream.avail_out)
                        return s
                    }
                } while status == Z_OK || (status == Z_BUF_ERROR && stream.avail_out == 0)
                consumed = input.count - Int(stream.avail_in)
                guard status == Z_STREAM_END else {
                    let message = stream.msg.map { String(cString: $0) } ?? "truncated stream"
                    throw CompressionError.corrupt(path: path, detail: message)
                }
                // Trailing zero padding after the last member is allowed (as gzip does).
                if input[consumed..<input.count].allSatisfy({ $0 == 0 }) { break }
                guard consumed > before else { break }
                inflateReset(&stream)
            }
            out.removeSubrange(produced...)
            return Data(out)
        }
    }

    /// Extracts the first file of a 7-Zip archive with the `7z` command (p7zip-full).
    /// - Throws: ``CompressionError/toolFailed(path:tool:detail:)`` when 7z is missing or fails.
    public static func extract7z(path: String) throws -> Data {
        guard FileManager.default.fileExists(atPath: path) else { throw CompressionError.cannotRead(path: path, reason: "file not found") }
        let candidates = ["/usr/bin/7z", "/usr/bin/7za", "/usr/local/bin/7z"]
        guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CompressionError.toolFailed(path: path, tool: "7z", detail: "not installed; run `apt-get install p7zip-full`")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["e", "-so", "-bd", path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw CompressionError.toolFailed(path: path, tool: tool, detail: "\(error)") }
        let errorReader = DataCollector(err.fileHandleForReading)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errorReader.finish(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw CompressionError.toolFailed(path: path, tool: tool, detail: message.isEmpty ? "exit status \(process.terminationStatus)" : message)
        }
        return data
    }
}

/// Reads a pipe on a background thread so that a chatty child cannot block on a full pipe.
private final class DataCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            let d = handle.readDataToEndOfFile()
            lock.withLock { data = d }
            done.signal()
        }
    }

    func finish() -> Data {
        done.wait()
        return lock.withLock { data }
    }
}

/// CRC-32 of `bytes` (zlib).
func crc32Of(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
    var crc: UInt = crc32(0, nil, 0)
    var offset = 0
    while offset < bytes.count {
        let n = min(bytes.count - offset, Int(UInt32.max))
        crc = crc32(crc, bytes.baseAddress! + offset, UInt32(n))
        offset += n
    }
    return UInt32(truncatingIfNeeded: crc)
}
