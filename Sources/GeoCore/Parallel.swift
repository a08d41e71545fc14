import Foundation

/// Runs `body` over `0..<count` split into contiguous chunks, one per worker thread, and joins
/// the chunk results in order, so the output is the same as a single-threaded run.
///
/// Each chunk runs on its own thread: build per-thread resources (a `GeometryEngine`, a
/// `ProjectionContext`) inside `body`, never share them.
///
/// - Parameters:
///   - count: number of items.
///   - threads: worker count; defaults to the number of active processors.
///   - body: maps a range of item indices to their results, in order.
/// - Throws: the error of the earliest failing chunk.
public func parallelChunks<T: Sendable>(count: Int, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                                        _ body: @Sendable (Range<Int>) throws -> [T]) throws -> [T] {
    let workers = max(1, min(threads, count / 256 + 1))
    if workers == 1 { return try body(0..<count) }
    let chunk = (count + workers - 1) / workers
    let slots = ChunkResults<T>(count: workers)
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        let range = (w * chunk)..<min(count, (w + 1) * chunk)
        slots.set(w, Result { try body(range) })
    }
    return try slots.joined()
}

/// Lock-protected per-chunk results.
private final class ChunkResults<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<[T], Error>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<[T], Error>) {
        lock.withLock { results[index] = result }
    }

    func joined() throws -> [T] {
        try lock.withLock { try results.flatMap { try $0!.get() } }
    }
}

/// Maps `body` over `0..<count` on all cores, items handed out one at a time (good when items
/// differ in cost, such as the files of an archive), results in item order.
///
/// As with ``parallelChunks(count:threads:_:)``, build per-thread resources inside `body`.
/// - Throws: the error of the earliest failing item.
public func parallelMap<T: Sendable>(count: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
    guard count > 1 else { return try (0..<count).map(body) }
    let slots = ChunkResults<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { i in
        slots.set(i, Result { [try body(i)] })
    }
    return try slots.joined()
}
