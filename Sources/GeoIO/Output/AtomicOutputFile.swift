import GeoCore
import Foundation

/// Why an output could not be written.
public enum OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder for the output does not exist.
    case directoryMissing(path: String)
    /// The folder exists but cannot be written.
    case notWritable(path: String, reason: String)
    /// Writing or renaming failed part-way; nothing was left at the output path.
    case writeFailed(path: String, reason: String)
    /// The output path is also an input (the same file, however spelled).
    case overwritesInput(path: String, input: String)
    /// The process is being interrupted; outputs are no longer put in place.
    case interrupted

    public var description: String {
        switch self {
        case .directoryMissing(let path):
            return "cannot write \(path): its folder does not exist. Create it first (mkdir -p) or choose another output path."
        case .notWritable(let path, let reason):
            return "cannot write \(path): \(reason.withoutFinalStop). Choose a folder you can write to."
        case .writeFailed(let path, let reason):
            return "writing \(path) failed: \(reason.withoutFinalStop). Nothing was written at that path."
        case .overwritesInput(let path, let input):
            let same = path == input ? "" : " (\(input))"
            return "the output \(path) would replace the input\(same); nothing was written. Choose a different output path."
        case .interrupted:
            return "interrupted; no output was put in place."
        }
    }
}

/// Temporary files being written right now, so that an interrupted program can remove them
/// (the CLI does this on SIGINT/SIGTERM). Thread-safe.
public final class TemporaryFileRegistry: @unchecked Sendable {
    /// The process-wide registry.
    public static let shared = TemporaryFileRegistry()
    private let lock = NSLock()
    private var paths: Set<String> = []
    private var terminating = false
    private var committed = false
    /// Held while outputs are renamed into place, and taken for good by ``removeAll()``: an
    /// interrupt never lands between moving an old output aside and the new one in.
    private let commitLock = NSLock()

    /// Runs `body` (renames that put outputs in place) so that ``removeAll()`` waits for it to
    /// finish, and refuses to start it once the process is being interrupted.
    /// - Throws: ``OutputError/interrupted`` after ``removeAll()``; whatever `body` throws.
    public func committing<T>(_ body: () throws -> T) throws -> T {
        commitLock.lock()
        defer { commitLock.unlock() }
        if lock.withLock({ terminating }) { throw OutputError.interrupted }
        let result = try body()
        lock.withLock { committed = true }
        return result
    }

    /// `true` once a ``committing(_:)`` block has put outputs in place: an interrupt after that
    /// point is too late to undo anything, so a front end lets the command finish.
    public var hasCommitted: Bool { lock.withLock { committed } }

    func add(_ path: String) {
        let late = lock.withLock { () -> Bool in
            _ = paths.insert(path)
            return terminating
        }
        // Created while the process is being interrupted: gone at once.
        if late { Self.delete(path) }
    }
    func remove(_ path: String) { lock.withLock { _ = paths.remove(path) } }

    /// Registers a temporary file or folder of the caller's (removed by ``removeAll()``).
    public func register(_ path: String) { add(path) }
    /// Forgets `path` (it was committed or removed).
    public func unregister(_ path: String) { remove(path) }

    /// Deletes every registered temporary file or folder; returns how many were removed, or
    /// `nil` when outputs were already put in place (too late to undo: nothing is removed). From
    /// then on a newly registered path is deleted as it is registered. Another thread may still
    /// be writing into a temporary folder, so removal is repeated (for up to a second) until
    /// nothing registered is left on disk.
    @discardableResult
    public func removeAll() -> Int? {
        // Wait for a commit in progress; none starts afterwards (the process is ending).
        commitLock.lock()
        if lock.withLock({ committed }) {
            commitLock.unlock()
            return nil
        }
        lock.withLock { terminating = true }
        var removed = Set<String>()
        for _ in 0..<100 {
            let all = lock.withLock { paths }
            var left = false
            for p in all {
                Self.delete(p)
                if Self.exists(p) { left = true } else { removed.insert(p); remove(p) }
            }
            if !left && lock.withLock({ paths.isEmpty }) { break }
            usleep(10_000)
        }
        return removed.count
    }

    private static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    private static func delete(_ path: String) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            try? FileManager.default.removeItem(atPath: path) // a temporary folder (e.g. a report being written)
        } else {
            unlink(path)
        }
    }
}

/// A file written under a temporary name in the destination folder and renamed into place only
/// when ``commit()`` succeeds, so a reader never sees a half-written output. If the value is
/// dropped without a commit (error, early return), the temporary file is deleted.
///
/// Writes are buffered (1 MiB) and go straight to the file descriptor.
public final class AtomicOutputFile {
    /// Where the file ends up.
    public let path: String
    /// Where it is written until committed.
    public let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var finished = false
    private static let bufferLimit = 1 << 20

    /// Opens a temporary file beside `path`.
    /// - Throws: ``OutputError`` when the folder is missing or not writable, and
    ///   ``OutputError/overwritesInput(path:input:)`` when `path` is a file this process has read
    ///   (see ``InputRegistry``).
    public init(path: String) throws {
        self.path = path
        if let input = InputRegistry.shared.input(matching: path) { throw OutputError.overwritesInput(path: path, input: input) }
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw OutputError.directoryMissing(path: path)
        }
        temporaryPath = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw OutputError.notWritable(path: path, reason: String(cString: strerror(errno)))
        }
        buffer.reserveCapacity(Self.bufferLimit + 65536)
        TemporaryFileRegistry.shared.add(temporaryPath)
    }

    deinit {
        if !finished { abandon() }
    }

    /// Appends bytes.
    /// - Throws: ``OutputError/writeFailed(path:reason:)`` (disk full, …).
    @inlinable public func write(_ bytes: [UInt8]) throws {
        try write(contentsOf: bytes)
    }

    /// Appends bytes from any collection of bytes.
    public func write<C: Collection>(contentsOf bytes: C) throws where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferLimit { try flush() }
    }

    /// Appends a string as UTF-8.
    public func write(_ text: String) throws {
        try write(contentsOf: text.utf8)
    }

    /// Gives direct access to the pending buffer, for writers that format straight into it.
    public func withBuffer<R>(_ body: (inout [UInt8]) throws -> R) throws -> R {
        let result = try body(&buffer)
        if buffer.count >= Self.bufferLimit { try flush() }
        return result
    }

    private func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { raw in
                Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and renames the file into place — or, inside ``OutputTransaction/perform(_:)``,
    /// hands the finished file to the transaction, which renames all its files together at the end.
    /// - Throws: ``OutputError/writeFailed(path:reason:)``, ``OutputError/overwritesInput(path:input:)``;
    ///   the temporary file is removed.
    public func commit() throws {
        guard !finished else { return }
        do {
            try flush()
            guard close(fd) == 0 else { throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
            fd = -1
            if let input = InputRegistry.shared.input(matching: path) { throw OutputError.overwritesInput(path: path, input: input) }
            // Inside an OutputTransaction the rename waits for the whole command to succeed.
            if OutputTransaction.enqueue(temporary: temporaryPath, final: path) {
                finished = true
                return
            }
            guard rename(temporaryPath, path) == 0 else {
                throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            finished = true
            TemporaryFileRegistry.shared.remove(temporaryPath)
        } catch {
            abandon()
            throw error
        }
    }

    /// Closes and deletes the temporary file; nothing appears at ``path``.
    public func abandon() {
        guard !finished else { return }
        finished = true
        if fd >= 0 { close(fd) }
        fd = -1
        unlink(temporaryPath)
        TemporaryFileRegistry.shared.remove(temporaryPath)
    }
}
