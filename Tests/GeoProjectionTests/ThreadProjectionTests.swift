import Foundation
import GeoCore
import GeoProjection
import TestSupport
import Testing

@Suite("Per-thread PROJ context and transformer cache")
struct ThreadProjectionTests {
    @Test("A thread gets one context and one transformer per CRS pair; results equal a fresh context's")
    func cachedPerThread() throws {
        let a = try ThreadProjection.current()
        #expect(try ThreadProjection.current() === a)
        let t1 = try a.transformer(from: .wgs84, to: .britishNationalGrid)
        #expect(try a.transformer(from: .wgs84, to: .britishNationalGrid) === t1)
        var cached = [Coordinate(x: -0.1276, y: 51.5072), Coordinate(x: 0.7077, y: 51.5459)]
        var fresh = cached
        try t1.transform(&cached)
        try ProjectionContext().transformer(from: .wgs84, to: .britishNationalGrid).transform(&fresh)
        #expect(cached == fresh)
        let bounds = try #require(try a.boundsOfUse(for: .britishNationalGrid))
        #expect(try a.boundsOfUse(for: .britishNationalGrid) == bounds)
        #expect(bounds.minX < 0 && bounds.maxX > 600_000)
    }

    @Test("Other threads get their own context, freed when the thread ends")
    func otherThreads() throws {
        let here = ObjectIdentifier(try ThreadProjection.current())
        let seen = LockedList()
        let release = DispatchSemaphore(value: 0)
        let threads = (0..<4).map { _ in
            Thread {
                if let mine = try? ThreadProjection.current() {
                    let t = try? mine.transformer(from: .britishNationalGrid, to: .wgs84)
                    var p = [Coordinate(x: 530_000, y: 180_000)]
                    try? t?.transform(&p)
                    seen.add(ObjectIdentifier(mine), p[0])
                }
                // Stay alive until every thread has reported, so no cache is freed and its address reused.
                release.wait()
            }
        }
        threads.forEach { $0.start() }
        while seen.count < 4 { usleep(1000) }
        let ids = seen.ids
        let points = seen.points
        for _ in threads { release.signal() }
        #expect(Set(ids).count == 4 && !ids.contains(here))
        #expect(points.allSatisfy { abs($0.x + 0.1295) < 0.01 && abs($0.y - 51.508) < 0.01 })
    }
}

final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(ObjectIdentifier, Coordinate)] = []
    func add(_ id: ObjectIdentifier, _ p: Coordinate) { lock.withLock { entries.append((id, p)) } }
    var count: Int { lock.withLock { entries.count } }
    var ids: [ObjectIdentifier] { lock.withLock { entries.map(\.0) } }
    var points: [Coordinate] { lock.withLock { entries.map(\.1) } }
}
