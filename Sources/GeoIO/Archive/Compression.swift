import CZlib
import Foundation
import GeoCore

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
    /// The file (or a zip entry) decompresses to more than ``DecompressionLimits/maximumBytes``.
    case tooLarge(path: String, entry: String?, limit: Int)
    /// The file (or a zip entry) expands more than ``DecompressionLimits/maximumRatio`` times: a
    /// decompression bomb, or a genuine but extreme file.
    case ratioTooHigh(path: String, entry: String?, ratio: Double, limit: Double)

    public var description: String {
        switch self {
        case .cannotRead(let path, let reason):
            return "\(path): cannot be read: \(reason.withoutFinalStop)."
        case .corrupt(let path, let detail):
            return "\(path): the compressed data is damaged (\(detail.withoutFinalStop)). Download the file again."
        case .badArchive(let path, let detail):
            return "\(path): not a readable zip archive (\(detail.withoutFinalStop)). Download the file again."
        case .unsupportedMethod(let path, let entry, let method):
            return "\(path): entry \(entry) uses compression method \(method); only stored (0) and deflate (8) are supported. Re-zip it with a standard tool."
        case .checksumMismatch(let path, let entry):
            return "\(path): entry \(entry) fails its CRC-32 check. Download the archive again."
        case .toolFailed(let path, let tool, let detail):
            return "\(path): \(tool) failed: \(detail.withoutFinalStop)."
        case .tooLarge(let path, let entry, let limit):
            return "\(path)\(entry.map { " (entry \($0))" } ?? ""): decompresses to more than \(DecompressionLimits.describe(limit)), the ceiling for one file; reading stopped there. If the file is genuine, raise the ceiling with DEPRIVATION_MAP_MAX_DECOMPRESSED (e.g. 4G) or give the file uncompressed."
        case .ratioTooHigh(let path, let entry, let ratio, let limit):
            return "\(path)\(entry.map { " (entry \($0))" } ?? ""): expands more than \(Int(saturating: limit, .towardZero)) times (\(Int(saturating: ratio, .towardZero)):1 so far), which real data tables do not; reading stopped. If the file is genuine, raise the ratio with DEPRIVATION_MAP_MAX_COMPRESSION_RATIO or give the file uncompressed."
        }
    }
}

/// Reading files whole, decompressing `.gz` (zlib) and `.7z` (through `7z`, Debian p7zip-full) on the way.
public enum FileContents {
    /// The bytes of `path`: memory-mapped for plain files, inflated for `.gz` (or any file that
    /// starts with the gzip magic bytes), extracted for `.7z` (the first file in the archive).
    /// Decompressed output is held to `limits`.
    /// - Throws: ``CompressionError``.
    public static func load(path: String, limits: DecompressionLimits = .standard) throws -> Data {
        let lower = path.lowercased()
        if lower.hasSuffix(".7z") { return try extract7z(path: path, limits: limits) }
        let data = try map(path: path)
        if lower.hasSuffix(".gz") || (data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B) {
            return try gunzip(data, path: path, limits: limits)
        }
        return data
    }

    /// The file memory-mapped, with a message that says what is wrong when it cannot be.
    static func map(path: String) throws -> Data {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw CompressionError.cannotRead(path: path, reason: errno == ENOENT ? "file not found" : String(cString: strerror(errno)))
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw CompressionError.cannotRead(path: path, reason: "it is a folder, not a file; give the path of a file inside it")
        }
        // Plain POSIX rather than Data(contentsOf:), whose read path leaks a buffer per small
        // file under LeakSanitizer (found by the fuzz targets).
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CompressionError.cannotRead(path: path, reason: errno == EACCES ? "permission denied" : String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CompressionError.cannotRead(path: path, reason: String(cString: strerror(errno))) }
        let size = Int(st.st_size)
        InputRegistry.shared.record(path)
        if size == 0 { return Data() }
        if size >= 1 << 16, let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED {
            return Data(bytesNoCopy: mapped, count: size, deallocator: .custom { pointer, count in munmap(pointer, count) })
        }
        // Small files (and any that cannot be mapped): read what is there, growing from the bytes read.
        var data = Data(count: min(size, 1 << 16))
        var filled = 0
        while true {
            if filled == data.count { data.count = data.count * 2 }
            let n = data.withUnsafeMutableBytes { buf in read(fd, buf.baseAddress! + filled, buf.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CompressionError.cannotRead(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            filled += n
        }
        data.count = filled
        return data
    }

    /// Inflates gzip data (one or more concatenated members). The output grows from what is
    /// actually inflated; the size trailer is never trusted.
    /// - Throws: ``CompressionError/corrupt(path:detail:)``, ``CompressionError/tooLarge(path:entry:limit:)``,
    ///   ``CompressionError/ratioTooHigh(path:entry:ratio:limit:)``.
    public static func gunzip(_ data: Data, path: String, limits: DecompressionLimits = .standard) throws -> Data {
        try data.withUnsafeBytes { raw -> Data in
            let input = raw.bindMemory(to: UInt8.self)
            guard input.count > 0 else { throw CompressionError.corrupt(path: path, detail: "empty file") }
            // A first guess from the real compressed size (never from the trailer), grown by doubling.
            var out = Data(count: max(4096, min(input.count * 4, limits.maximumBytes + 1)))
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
                // Room for one byte past the ceiling, so that passing it is seen.
                let status = try inflateAvailable(&stream, into: &out, produced: &produced, capacity: limits.maximumBytes + 1,
                                                  inputCount: input.count, limits: limits, path: path, entry: nil)
                if status == Z_BUF_ERROR && produced > limits.maximumBytes {
                    throw CompressionError.tooLarge(path: path, entry: nil, limit: limits.maximumBytes)
                }
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
            out.count = produced
            return out
        }
    }

    /// Inflates what `stream` has available into `out` from offset `produced`, doubling `out` as
    /// output arrives but never past `capacity` bytes, and checking `limits` after every step.
    /// Returns zlib's last status: `Z_STREAM_END` at the end of a stream; `Z_BUF_ERROR` with
    /// `produced == capacity` when the output would pass `capacity`.
    static func inflateAvailable(_ stream: inout z_stream, into out: inout Data, produced: inout Int, capacity: Int,
                                 inputCount: Int, limits: DecompressionLimits, path: String, entry: String?) throws -> Int32 {
        var status: Int32 = Z_OK
        repeat {
            if produced == out.count {
                guard out.count < capacity else { return Z_BUF_ERROR }
                out.count = min(out.count * 2, capacity)
            }
            status = out.withUnsafeMutableBytes { buf -> Int32 in
                stream.next_out = buf.baseAddress!.assumingMemoryBound(to: UInt8.self) + produced
                stream.avail_out = UInt32(min(buf.count - produced, Int(UInt32.max)))
                let room = stream.avail_out
                let s = inflate(&stream, Z_NO_FLUSH)
                produced += Int(room - stream.avail_out)
                return s
            }
            try limits.check(produced: produced, consumed: inputCount - Int(stream.avail_in), path: path, entry: entry)
        } while status == Z_OK || (status == Z_BUF_ERROR && stream.avail_out == 0)
        return status
    }

    /// Extracts the first file of a 7-Zip archive with the `7z` command (p7zip-full).
    /// - Throws: ``CompressionError/toolFailed(path:tool:detail:)`` when 7z is missing or fails.
    public static func extract7z(path: String, limits: DecompressionLimits = .standard) throws -> Data {
        guard FileManager.default.fileExists(atPath: path) else { throw CompressionError.cannotRead(path: path, reason: "file not found") }
        InputRegistry.shared.record(path)
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
        // Read in chunks and stop the extractor as soon as the output passes the ceiling.
        let compressedSize = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var data = Data()
        let reader = out.fileHandleForReading
        while true {
            let chunk = reader.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            data.append(chunk)
            do {
                try limits.check(produced: data.count, consumed: compressedSize, path: path, entry: nil)
            } catch {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                _ = errorReader.finish()
                throw error
            }
        }
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
