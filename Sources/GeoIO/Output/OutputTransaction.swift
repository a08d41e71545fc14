import Foundation

/// All the outputs of one command, committed together: every file is written completely under a
/// temporary name first, and only when the whole body has succeeded are they renamed into place.
/// When the body throws, every temporary file is removed and no output appears.
///
/// ``AtomicOutputFile/commit()`` and ``ShapefileWriter`` join the transaction of the current task
/// (a task-local value, so it reaches the writers through any call depth on the same thread).
///
/// ```swift
/// try OutputTransaction.perform {
///     try MapOutput.writeGeoJSON(layer, to: "map.geojson", attribution: notice)
///     try MapOutput.writeCSV(layer, to: "map.csv")   // if this throws, map.geojson is not written either
/// }
/// ```
public final class OutputTransaction: @unchecked Sendable {
    @TaskLocal static var current: OutputTransaction?

    private let lock = NSLock()
    /// (temporary path, final path), in the order the writers finished.
    private var pending: [(String, String)] = []

    private init() {}

    /// Runs `body` in a transaction, then renames every finished output into place.
    /// - Throws: whatever `body` throws (after removing every temporary file), or
    ///   ``OutputError/writeFailed(path:reason:)`` when a rename fails.
    public static func perform<R>(_ body: () throws -> R) throws -> R {
        if current != nil { return try body() } // nested: the outer transaction commits
        let transaction = OutputTransaction()
        let result: R
        do {
            result = try $current.withValue(transaction) { try body() }
        } catch {
            transaction.abandon()
            throw error
        }
        try transaction.commit()
        return result
    }

    /// Queues a finished temporary file. Returns `false` when no transaction is active.
    static func enqueue(temporary: String, final: String) -> Bool {
        guard let transaction = current else { return false }
        transaction.lock.withLock { transaction.pending.append((temporary, final)) }
        return true
    }

    /// Renames every queued file into place. Each existing destination is first kept under a
    /// backup name (a hard link), so that when a rename fails part-way the earlier outputs are put
    /// back as they were and the new ones removed: all of the outputs change, or none.
    private func commit() throws {
        // An interrupt waits for the renames: all of the outputs change, or none.
        try TemporaryFileRegistry.shared.committing { try commitFiles() }
    }

    private func commitFiles() throws {
        let files = lock.withLock { pending }
        var backups: [(backup: String, final: String)] = []
        var renamed: [String] = []
        func rollBack(from k: Int) {
            for final in renamed { unlink(final) }
            for (backup, final) in backups { rename(backup, final); TemporaryFileRegistry.shared.remove(backup) }
            for (t, _) in files[k...] { unlink(t) }
            for (t, _) in files { TemporaryFileRegistry.shared.remove(t) }
        }
        for (k, (temporary, final)) in files.enumerated() {
            var st = stat()
            if lstat(final, &st) == 0 {
                guard (st.st_mode & S_IFMT) != S_IFDIR else {
                    rollBack(from: k)
                    throw OutputError.writeFailed(path: final, reason: "a folder has that name")
                }
                let backup = temporary + ".previous"
                guard link(final, backup) == 0 else {
                    let reason = String(cString: strerror(errno))
                    rollBack(from: k)
                    throw OutputError.writeFailed(path: final, reason: reason)
                }
                // Registered so that an interrupt during the commit leaves no backup behind.
                TemporaryFileRegistry.shared.add(backup)
                backups.append((backup, final))
            }
            guard rename(temporary, final) == 0 else {
                let reason = String(cString: strerror(errno))
                rollBack(from: k)
                throw OutputError.writeFailed(path: final, reason: reason)
            }
            renamed.append(final)
        }
        for (backup, _) in backups { unlink(backup); TemporaryFileRegistry.shared.remove(backup) }
        for (t, _) in files { TemporaryFileRegistry.shared.remove(t) }
    }

    private func abandon() {
        let files = lock.withLock { pending }
        for (temporary, _) in files {
            unlink(temporary)
            TemporaryFileRegistry.shared.remove(temporary)
        }
    }
}
