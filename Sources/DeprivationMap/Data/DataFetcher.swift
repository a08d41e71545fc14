import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Checksums recorded by `data fetch` for files whose size and checksum are not known in advance
/// (IoD2025 File 7): `DATA/.deprivation-map/manifest.json`.
public struct DataManifest: Sendable, Codable {
    /// A file as fetched.
    public struct Record: Sendable, Codable {
        /// Bytes.
        public var size: Int64
        /// SHA-256, hex.
        public var sha256: String
        /// Where it came from (an address or a mirror).
        public var source: String
        /// When (ISO 8601).
        public var fetched: String
    }
    /// Records by path under the folder.
    public var files: [String: Record] = [:]

    static func path(root: String) -> String { root + "/.deprivation-map/manifest.json" }

    /// The manifest of `root` (empty when there is none or it cannot be read).
    public static func read(root: String) -> DataManifest {
        guard let data = FileManager.default.contents(atPath: path(root: root)),
              let manifest = try? JSONDecoder().decode(DataManifest.self, from: data) else { return DataManifest() }
        return manifest
    }

    func write(root: String) throws {
        try FileManager.default.createDirectory(atPath: root + "/.deprivation-map", withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let output = try AtomicOutputFile(path: Self.path(root: root))
        try output.write(contentsOf: try encoder.encode(self))
        try output.commit()
    }
}

/// Why a file could not be fetched.
public enum DataFetchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with an HTTP error status.
    case http(url: String, status: Int)
    /// The connection failed.
    case network(url: String, reason: String)
    /// The file has another size than the catalogue's.
    case size(path: String, got: Int64, expected: Int64)
    /// The file has another SHA-256 than the catalogue's.
    case checksum(path: String, got: String, expected: String)
    /// The mirror folder has no such file.
    case notInMirror(path: String, mirror: String)
    /// A file could not be read.
    case unreadable(path: String, reason: String)
    /// A file could not be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .http(let url, let status): return "\(url): the server answered HTTP \(status)."
        case .network(let url, let reason): return "\(url): \(reason)"
        case .size(let path, let got, let expected): return "\(path): got \(got) bytes, expected \(expected); the copy is incomplete or another edition. Nothing was kept."
        case .checksum(let path, let got, let expected): return "\(path): SHA-256 \(got) does not match the expected \(expected); the file is damaged or another edition. Nothing was kept."
        case .notInMirror(let path, let mirror): return "\(mirror) has no \(path)."
        case .unreadable(let path, let reason): return "\(path): the downloaded file cannot be read as expected (\(reason)). Nothing was kept."
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// What `data fetch` did with one file.
public struct FetchOutcome: Sendable {
    /// What was done.
    public enum Action: String, Sendable {
        /// Already there with the right size (and checksum).
        case alreadyPresent = "present"
        /// Copied from a mirror, or downloaded.
        case copied, downloaded
        /// No confirmed address: download it by hand.
        case manual = "manual download"
        /// Every attempt failed (see the detail).
        case failed
    }
    /// The file, relative to the data folder.
    public var path: String
    /// What was done.
    public var action: Action
    /// More in words (the source, the reason it failed).
    public var detail: String
}

/// Options of ``DataFetcher/fetch(root:files:options:progress:)``.
public struct FetchOptions: Sendable {
    /// Copy from this folder (same layout) instead of downloading.
    public var mirror: String?
    /// Download every file from BASE/PATH (a web server holding the same layout) instead of the
    /// publishers' addresses; checked against the catalogue's sizes and checksums.
    public var baseURL: String?
    /// Attempts per file (a dropped connection resumes where it stopped).
    public var attempts = 4
    /// Seconds without data before an attempt is abandoned.
    public var timeout: Double = 60
    /// Pause before the second attempt, doubled each time.
    public var retryDelay: Double = 1
    /// Fetch again even when present with the right size.
    public var force = false
    /// The defaults: the publishers' addresses, 4 attempts, 60 s timeout.
    public init() {}
}

/// Fills a data folder: copies from a mirror, or downloads over HTTP(S) with resume and retry.
/// Each file is written to `PATH.part`, checked (size, SHA-256, readable) and renamed into
/// place, so an interrupted or failed fetch never leaves a damaged file under its real name.
public enum DataFetcher {
    /// Fetches `files` into `root`. Files without a source (no mirror, no base URL, no direct
    /// address) come back as ``FetchOutcome/Action/manual`` with their landing page.
    public static func fetch(root: String, files: [DataFile], options: FetchOptions, progress: ProgressCallback? = nil) -> [FetchOutcome] {
        var manifest = DataManifest.read(root: root)
        var outcomes: [FetchOutcome] = []
        let status = DataStatus.check(root: root, files: files)
        for entry in status.entries {
            let file = entry.file
            if !options.force && (entry.state == .present || entry.state == .presentUnchecked) {
                outcomes.append(FetchOutcome(path: file.path, action: .alreadyPresent, detail: entry.detail ?? ""))
                continue
            }
            let source: String
            if let mirror = options.mirror {
                source = mirror + "/" + file.path
            } else if let base = options.baseURL {
                source = (base.hasSuffix("/") ? base : base + "/") + file.path
            } else if let url = file.url {
                source = url
            } else {
                outcomes.append(FetchOutcome(path: file.path, action: .manual, detail: "download it from \(file.landingPage) and save it as \(file.path)"))
                continue
            }
            let target = root + "/" + file.path
            do {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let record: DataManifest.Record
                if options.mirror != nil {
                    guard FileManager.default.fileExists(atPath: source) else { throw DataFetchError.notInMirror(path: file.path, mirror: options.mirror!) }
                    record = try copy(from: source, to: target, file: file, progress: progress)
                } else {
                    record = try download(from: source, to: target, file: file, options: options, progress: progress)
                }
                if file.sha256 == nil {
                    manifest.files[file.path] = record
                    try manifest.write(root: root)
                }
                outcomes.append(FetchOutcome(path: file.path, action: options.mirror != nil ? .copied : .downloaded,
                                             detail: "\(record.size) bytes, SHA-256 \(record.sha256)" + (file.sha256 == nil ? " (recorded: no published checksum)" : " (checked)")))
            } catch {
                outcomes.append(FetchOutcome(path: file.path, action: .failed, detail: "\(error)"))
            }
        }
        return outcomes
    }

    /// Copies a mirror file to `target` through `target.part`, checking size and checksum.
    static func copy(from source: String, to target: String, file: DataFile, progress: ProgressCallback?) throws -> DataManifest.Record {
        let part = target + ".part"
        try? FileManager.default.removeItem(atPath: part)
        TemporaryFileRegistry.shared.register(part)
        defer { TemporaryFileRegistry.shared.unregister(part) }
        guard let input = FileHandle(forReadingAtPath: source) else { throw DataFetchError.unreadable(path: source, reason: "cannot open") }
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: part, contents: nil), let output = FileHandle(forWritingAtPath: part) else {
            throw DataFetchError.cannotWrite(path: part, reason: "cannot create the file")
        }
        let total = (try? FileManager.default.attributesOfItem(atPath: source)[.size] as? NSNumber)??.intValue
        var copied = 0
        do {
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                try output.write(contentsOf: chunk)
                copied += chunk.count
                progress?(ProgressEvent(stage: "copying \(file.path)", done: copied, total: total))
            }
            try output.close()
            return try verifyAndPlace(part: part, target: target, file: file, source: source, expectedSize: nil)
        } catch {
            try? output.close()
            try? FileManager.default.removeItem(atPath: part)
            throw error
        }
    }

    /// Downloads `url` to `target` through `target.part`, resuming with a Range request after a
    /// dropped connection and retrying with a growing pause.
    static func download(from url: String, to target: String, file: DataFile, options: FetchOptions, progress: ProgressCallback?) throws -> DataManifest.Record {
        guard let address = URL(string: url), ["http", "https"].contains(address.scheme?.lowercased() ?? "") else {
            throw DataFetchError.network(url: url, reason: "not an http(s) address")
        }
        // Not registered for removal on interrupt: the next fetch resumes from it.
        let part = target + ".part"
        var lastError: Error = DataFetchError.network(url: url, reason: "no attempt made")
        var checksumFailures = 0
        var delay = options.retryDelay
        for attempt in 1...max(1, options.attempts) {
            if attempt > 1 { Thread.sleep(forTimeInterval: delay); delay *= 2 }
            do {
                let expected = try HTTPFileDownload.run(url: address, part: part, timeout: options.timeout) { done, total in
                    progress?(ProgressEvent(stage: "downloading \(file.path)", done: Int(done), total: total.map(Int.init)))
                }
                do {
                    return try verifyAndPlace(part: part, target: target, file: file, source: url, expectedSize: expected)
                } catch let error as DataFetchError {
                    // A damaged whole file: start again from zero once, then give up.
                    try? FileManager.default.removeItem(atPath: part)
                    checksumFailures += 1
                    lastError = error
                    if checksumFailures >= 2 { throw error }
                }
            } catch let error as DataFetchError {
                if case .http(_, let status) = error, (400..<500).contains(status), status != 408, status != 429 {
                    try? FileManager.default.removeItem(atPath: part)
                    throw error
                }
                if checksumFailures >= 2 { throw error }
                lastError = error
            } catch {
                lastError = DataFetchError.network(url: url, reason: error.localizedDescription)
            }
        }
        try? FileManager.default.removeItem(atPath: part)
        throw lastError
    }

    /// Checks size, checksum and (for IMD tables and network extracts) that the file reads, then renames it into place.
    static func verifyAndPlace(part: String, target: String, file: DataFile, source: String, expectedSize: Int64?) throws -> DataManifest.Record {
        do {
            let size = ((try FileManager.default.attributesOfItem(atPath: part))[.size] as? NSNumber)?.int64Value ?? -1
            if let want = file.size ?? expectedSize, size != want { throw DataFetchError.size(path: file.path, got: size, expected: want) }
            let sum = try SHA256.hexDigest(ofFile: part)
            if let want = file.sha256, sum != want { throw DataFetchError.checksum(path: file.path, got: sum, expected: want) }
            if file.sha256 == nil && file.path.hasPrefix("imd/") {
                // No published checksum: at least the table must read as an IMD table.
                let renamed = part + ".csv"
                try FileManager.default.moveItem(atPath: part, toPath: renamed)
                defer { try? FileManager.default.moveItem(atPath: renamed, toPath: part) }
                do { _ = try DeprivationTable.read(paths: [renamed]) } catch {
                    throw DataFetchError.unreadable(path: file.path, reason: "\(error)")
                }
            }
            if file.sha256 == nil && file.path.hasPrefix("networks/") {
                // An OpenStreetMap extract: every block must lie inside the file, the header must read.
                do { _ = try OSMExtract.read(path: part) } catch let error as NetworkError {
                    throw DataFetchError.unreadable(path: file.path, reason: error.problem)
                }
            }
            if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
            try FileManager.default.moveItem(atPath: part, toPath: target)
            let stamp = ISO8601DateFormatter().string(from: Date())
            return DataManifest.Record(size: size, sha256: sum, source: source, fetched: stamp)
        } catch {
            try? FileManager.default.removeItem(atPath: part)
            throw error
        }
    }
}

/// One HTTP(S) GET into a `.part` file, appending to what is already there with a Range request.
final class HTTPFileDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let part: String
    private let done = DispatchSemaphore(value: 0)
    private var handle: FileHandle?
    private var written: Int64 = 0
    private var expectedTotal: Int64?
    private var status = 0
    private var failure: Error?
    private let onProgress: (Int64, Int64?) -> Void

    private init(part: String, onProgress: @escaping (Int64, Int64?) -> Void) {
        self.part = part
        self.onProgress = onProgress
    }

    /// Runs one attempt. Returns the full size the server announced (nil when unknown).
    static func run(url: URL, part: String, timeout: Double, onProgress: @escaping (Int64, Int64?) -> Void) throws -> Int64? {
        let have = ((try? FileManager.default.attributesOfItem(atPath: part))?[.size] as? NSNumber)?.int64Value ?? 0
        if have == 0 { _ = FileManager.default.createFile(atPath: part, contents: nil) }
        let task = HTTPFileDownload(part: part, onProgress: onProgress)
        task.written = have
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration, delegate: task, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: url)
        request.setValue("deprivation-map data fetch", forHTTPHeaderField: "User-Agent")
        if have > 0 { request.setValue("bytes=\(have)-", forHTTPHeaderField: "Range") }
        session.dataTask(with: request).resume()
        task.done.wait()
        try? task.handle?.close()
        if let failure = task.failure { throw failure }
        return task.expectedTotal
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        guard let http = response as? HTTPURLResponse else { completionHandler(.cancel); return }
        status = http.statusCode
        let length = http.expectedContentLength >= 0 ? http.expectedContentLength : nil
        switch status {
        case 206:
            // Content-Range: bytes START-END/TOTAL; resume only when START is where we stopped.
            let range = http.value(forHTTPHeaderField: "Content-Range") ?? ""
            let numbers = range.split(whereSeparator: { !$0.isNumber }).compactMap { Int64($0) }
            if numbers.count == 3, numbers[0] == written {
                expectedTotal = numbers[2]
            } else {
                failure = DataFetchError.network(url: response.url?.absoluteString ?? "", reason: "the server resumed at the wrong place (\(range))")
                completionHandler(.cancel)
                return
            }
        case 200:
            written = 0
            _ = FileManager.default.createFile(atPath: part, contents: nil) // the server sends it all again
            expectedTotal = length
        default:
            failure = DataFetchError.http(url: response.url?.absoluteString ?? "", status: status)
            completionHandler(.cancel)
            return
        }
        handle = FileHandle(forWritingAtPath: part)
        _ = try? handle?.seekToEnd()
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        do {
            try handle?.write(contentsOf: data)
            written += Int64(data.count)
            onProgress(written, expectedTotal)
        } catch {
            failure = DataFetchError.cannotWrite(path: part, reason: error.localizedDescription)
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if failure == nil, let error {
            failure = DataFetchError.network(url: task.originalRequest?.url?.absoluteString ?? "", reason: "\(error.localizedDescription) after \(written) bytes")
        } else if failure == nil, let total = expectedTotal, written < total {
            failure = DataFetchError.network(url: task.originalRequest?.url?.absoluteString ?? "", reason: "the connection closed after \(written) of \(total) bytes")
        }
        done.signal()
    }
}
