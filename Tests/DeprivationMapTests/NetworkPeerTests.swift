import BenchmarkSupport
import DeprivationMap
import Foundation
import TestSupport
import XCTest

/// OSRM (the engine) checked by Valhalla (the peer) and by the truth where the truth is known.
final class NetworkPeerTests: XCTestCase {
    /// On a SYNTHETIC street grid the shortest distance between two grid nodes is the Manhattan
    /// distance: both engines must find it (walk and drive), so they agree when data and rules agree.
    func testBothEnginesFindTheKnownShortestDistancesOnAGrid() throws {
        let dir = try TemporaryDirectory("dm-peer")
        let spacing = 250.0, west = 24.80, south = 60.10, east = 24.86, north = 60.14
        let path = dir.path("grid.osm")
        try SyntheticNetwork(grids: [.init(west: west, south: south, east: east, north: north, spacing: spacing)]).write(to: path)
        let engine = try TestEngines.osrm()
        let peer = try ValhallaPeer(extract: path, engines: TestEngines.folder, scratch: dir.url.path)
        defer { peer.stop() }
        let dLat = spacing / 111_320, dLon = spacing / (111_320 * cos((south + north) / 2 * .pi / 180))
        let columns = Int(((east - west) / dLon).rounded(.down)) + 1, rows = Int(((north - south) / dLat).rounded(.down)) + 1
        func point(_ c: Int, _ r: Int) -> Coordinate { Coordinate(x: west + Double(c) * dLon, y: south + Double(r) * dLat) }
        // Every 3rd node of the grid against every 4th: pairs in all directions and lengths.
        var nodes: [(Int, Int)] = []
        for c in stride(from: 0, to: columns, by: 3) { for r in stride(from: 0, to: rows, by: 4) { nodes.append((c, r)) } }
        let points = nodes.map { point($0.0, $0.1) }
        for mode in [TravelMode.walk, .drive] {
            let router = try NetworkRouter.start(try NetworkPreparation.prepare(try OSMExtract.read(path: path), mode: mode, engine: engine,
                                                                                cacheFolder: dir.path("cache")), engine: engine)
            defer { router.stop() }
            let ours = try router.table(sources: points, destinations: points)
            let theirs = try peer.matrix(sources: points, targets: points, mode: mode)
            var checked = 0, peerWithin = 0
            for i in nodes.indices {
                for j in nodes.indices where i != j {
                    let truth = Double(abs(nodes[i].0 - nodes[j].0) + abs(nodes[i].1 - nodes[j].1)) * spacing
                    let o = try XCTUnwrap(ours.metres[i * nodes.count + j], "\(mode) \(i)→\(j) unreachable")
                    XCTAssertEqual(o, truth, accuracy: truth * 0.01 + 1, "\(mode) \(i)→\(j)")
                    if let p = theirs.metres[i * nodes.count + j], abs(p - o) <= 0.02 * o { peerWithin += 1 }
                    checked += 1
                }
            }
            XCTAssertGreaterThan(checked, 200)
            XCTAssertGreaterThanOrEqual(Double(peerWithin) / Double(checked), 0.95, "\(mode): Valhalla within 2% of OSRM for \(peerWithin) of \(checked)")
        }
    }

    /// On the real Helsinki extract the engines differ in their rules (which ways a walker may
    /// use, how fast a car goes); the routes they choose must still agree where the rules do: the
    /// median walking-distance and driving-distance differences stay within 3%.
    func testOnHelsinkiTheEnginesAgreeInTheMedian() throws {
        let dir = try TemporaryDirectory("dm-peer-helsinki")
        let extract = try OSMExtract.read(path: try TestEngines.helsinki())
        let engine = try TestEngines.osrm()
        let peer = try ValhallaPeer(extract: extract.path, engines: TestEngines.folder, scratch: dir.url.path)
        defer { peer.stop() }
        // Points on a 12 × 12 lattice over the centre, snapped by OSRM; those within 60 m kept.
        var lattice: [Coordinate] = []
        for i in 0..<12 { for j in 0..<12 { lattice.append(Coordinate(x: 24.937 + Double(i) * 0.0015, y: 60.165 + Double(j) * 0.0011)) } }
        for mode in [TravelMode.walk, .drive] {
            let router = try NetworkRouter.start(try NetworkPreparation.prepare(extract, mode: mode, engine: engine, cacheFolder: dir.path("cache")), engine: engine)
            defer { router.stop() }
            let snap = try router.table(sources: lattice, destinations: [lattice[0]])
            let points = lattice.indices.filter { snap.sourceSnap[$0] < 60 }.map { snap.sourceLocations[$0] }
            XCTAssertGreaterThan(points.count, 60)
            let ours = try router.table(sources: points, destinations: points)
            let theirs = try peer.matrix(sources: points, targets: points, mode: mode)
            var diffs: [Double] = []
            for k in ours.metres.indices {
                if let o = ours.metres[k], let p = theirs.metres[k], p > 200 { diffs.append((o - p) / p) }
            }
            XCTAssertGreaterThan(diffs.count, 1000)
            let median = diffs.sorted()[diffs.count / 2]
            XCTAssertLessThan(abs(median), 0.03, "\(mode): median OSRM − Valhalla distance difference \(median)")
        }
    }
}
