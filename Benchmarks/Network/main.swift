// Network benchmark and peer check: DeprivationMap's engine (OSRM 26.10.0, managed by the library)
// beside Valhalla 3.9.1 on the same OpenStreetMap extract (the real Helsinki extract of the data
// folder), same machine, same run:
//   1. preprocessing time and peak memory, per mode;
//   2. a 1,000 × 1,000 matrix (walk and drive), times and server memory;
//   3. every origin to its nearest of N services (ours pruned by a straight-line bound);
//   4. the differences between the two engines over every pair of that matrix (walk distances,
//      drive times), and over 1,000 random origin–destination pairs (the diagonal);
//   5. (Benchmarks/Network/scaling: preprocessing on real cuts of the extract, for the England estimate.)
//
//     swift build -c release --product network-benchmark
//     .build/release/network-benchmark [--points 1000] [--services 200]
import BenchmarkSupport
import DeprivationMap
import Foundation

/// Prints and flushes: figures appear as they are measured, also when piped.
func say(_ text: String) {
    print(text)
    fflush(nil)
}
let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Int(arguments[i + 1]) else { return fallback }
    return v
}
let pointCount = option("--points", 1000)
let serviceCount = option("--services", 200)
let engines = ProcessInfo.processInfo.environment["DEPRIVATION_MAP_ENGINES"] ?? FileManager.default.currentDirectoryPath + "/.engines"
let extractPath = dataRoot() + "/networks/helsinki.osm.pbf"
let scratch = NSTemporaryDirectory() + "/network-benchmark-\(getpid())"
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: scratch) }

func f(_ v: Double, _ d: Int = 2) -> String { String(format: "%.\(d)f", v) }
func percentile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    guard !s.isEmpty else { return .nan }
    return s[min(s.count - 1, Int((Double(s.count - 1) * p).rounded()))]
}

/// Deterministic points (xorshift).
struct Random {
    var state: UInt64
    mutating func next() -> Double {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Double(state >> 11) / Double(1 << 53)
    }
}

let extract = try OSMExtract.read(path: extractPath)
let engine = try OSRMEngine.locate(in: [engines])
say("Network benchmark: \(extractPath) (\(extract.size) bytes, \(extract.dataBlocks) data blocks, \(extract.dateWords))")
say("engine: OSRM \(engine.version) (MLD); peer: Valhalla \(ValhallaPeer.version); \(ProcessInfo.processInfo.activeProcessorCount) cores\n")

// 1. Preprocessing.
say("1. Preprocessing (wall s, peak MiB of the largest step)")
var prepared: [TravelMode: PreparedNetwork] = [:]
for mode in [TravelMode.walk, .drive] {
    let start = now()
    prepared[mode] = try NetworkPreparation.prepare(extract, mode: mode, engine: engine, cacheFolder: scratch + "/cache")
    let steps = prepared[mode]!.stepSeconds.sorted { $0.key < $1.key }.map { "\($0.key) \(f($0.value))" }.joined(separator: ", ")
    say("   OSRM \(mode.osrmProfile): \(f(now() - start)) s (\(steps))")
}
let osrmPrepPeak = childPeakMemoryMiB()
say("   OSRM peak of any step: \(f(osrmPrepPeak, 0)) MiB")
let peer = try ValhallaPeer(extract: extractPath, engines: engines, scratch: scratch)
say("   Valhalla valhalla_build_tiles (all modes at once): \(f(peer.tileSeconds)) s, \(f(peer.tilePeakMiB, 0)) MiB\n")

// Servers.
var routers: [TravelMode: NetworkRouter] = [:]
for mode in [TravelMode.walk, .drive] { routers[mode] = try NetworkRouter.start(prepared[mode]!, engine: engine) }
defer { for r in routers.values { r.stop() }; peer.stop() }

// Points on the network of each mode: random in the extract's box, snapped by OSRM, kept within 100 m.
@MainActor func networkPoints(_ mode: TravelMode, count: Int, seed: UInt64) throws -> [Coordinate] {
    let b = extract.bounds ?? [24.90, 60.15, 24.98, 60.19]
    var random = Random(state: seed)
    var kept: [Coordinate] = []
    while kept.count < count {
        let batch = (0..<500).map { _ in Coordinate(x: b[0] + random.next() * (b[2] - b[0]), y: b[1] + random.next() * (b[3] - b[1])) }
        let t = try routers[mode]!.table(sources: batch, destinations: [batch[0]])
        for i in batch.indices where t.sourceSnap[i] < 100 && kept.count < count { kept.append(t.sourceLocations[i]) }
    }
    return kept
}

struct Comparison { var all: [Double]; var diagonal: [Double]; var distances: [Double] = [] }
var comparisons: [TravelMode: Comparison] = [:]
say("2. \(pointCount) × \(pointCount) matrix (wall s, including HTTP and JSON)")
for mode in [TravelMode.walk, .drive] {
    let sources = try networkPoints(mode, count: pointCount, seed: mode == .walk ? 11 : 23)
    let targets = try networkPoints(mode, count: pointCount, seed: mode == .walk ? 37 : 41)
    var start = now()
    let ours = try routers[mode]!.table(sources: sources, destinations: targets)
    let oursSeconds = now() - start
    start = now()
    let theirs = try peer.matrix(sources: sources, targets: targets, mode: mode)
    let theirsSeconds = now() - start
    say("   \(mode.rawValue): OSRM \(f(oursSeconds)) s, Valhalla \(f(theirsSeconds)) s: OSRM \(f(theirsSeconds / oursSeconds, 1))× faster")
    // Differences: walking distances, driving times.
    var all: [Double] = [], diagonal: [Double] = [], driveDistances: [Double] = []
    var unreachable = (ours: 0, theirs: 0)
    for i in 0..<sources.count {
        for j in 0..<targets.count {
            let a = mode == .walk ? ours.metres[i * targets.count + j] : ours.seconds[i * targets.count + j]
            let b = mode == .walk ? theirs.metres[i * targets.count + j] : theirs.seconds[i * targets.count + j]
            if a == nil { unreachable.ours += 1 }
            if b == nil { unreachable.theirs += 1 }
            guard let a, let b, b > 0 else { continue }
            let d = (a - b) / b
            all.append(d)
            if i == j { diagonal.append(d) }
            if mode == .drive, let am = ours.metres[i * targets.count + j], let bm = theirs.metres[i * targets.count + j], bm > 0 { driveDistances.append((am - bm) / bm) }
        }
    }
    comparisons[mode] = Comparison(all: all, diagonal: diagonal, distances: driveDistances)
    if unreachable.ours + unreachable.theirs > 0 { say("     unreachable pairs: OSRM \(unreachable.ours), Valhalla \(unreachable.theirs)") }
}
say("   server peak memory: OSRM walk \(f(processPeakMiBOfRouter(routers[.walk]!), 0)) MiB, drive \(f(processPeakMiBOfRouter(routers[.drive]!), 0)) MiB; Valhalla (all modes) \(f(peer.servicePeakMiB, 0)) MiB\n")

@MainActor func processPeakMiBOfRouter(_ router: NetworkRouter) -> Double {
    guard let port = URL(string: router.url)?.port else { return .nan }
    // The engine listening on that port: its /proc entry.
    let run = Process()
    run.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
    run.arguments = ["-f", "--", "--port \(port) "]
    let pipe = Pipe()
    run.standardOutput = pipe
    try? run.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    run.waitUntilExit()
    guard let pid = Int32(String(decoding: data, as: UTF8.self).split(separator: "\n").first ?? "") else { return .nan }
    return processPeakMiB(pid)
}

// 3. Nearest of N services.
say("3. Every origin (\(pointCount)) to its nearest of \(serviceCount) services (walk minutes)")
let toGrid = try ThreadProjection.current().transformer(from: .wgs84, to: .britishNationalGrid)
let origins = try networkPoints(.walk, count: pointCount, seed: 53)
let services = Array(try networkPoints(.walk, count: serviceCount, seed: 59))
var originsGrid = origins, servicesGrid = services
try toGrid.transform(&originsGrid)
try toGrid.transform(&servicesGrid)
var start = now()
let pruned = try NetworkCost(router: routers[.walk]!).nearest(origins: originsGrid, services: servicesGrid)
let prunedSeconds = now() - start
start = now()
let full = try routers[.walk]!.table(sources: origins, destinations: services)
let fullSeconds = now() - start
start = now()
let peerFull = try peer.matrix(sources: origins, targets: services, mode: .walk)
let peerSeconds = now() - start
var agree = 0, same = 0
var nearestDiff: [Double] = []
for o in origins.indices {
    let row = (0..<services.count).compactMap { s in full.seconds[o * services.count + s].map { ($0 / 60, s) } }
    let best = row.min { $0.0 < $1.0 }
    if let p = pruned[o].first, let best, abs(p.cost - best.0) < 1e-9 { agree += 1 }
    let peerRow = (0..<services.count).compactMap { s in peerFull.seconds[o * services.count + s].map { ($0 / 60, s) } }
    if let pb = peerRow.min(by: { $0.0 < $1.0 }), let best {
        if pb.1 == best.1 { same += 1 }
        nearestDiff.append((best.0 - pb.0) / pb.0)
    }
}
say("   OSRM pruned by straight line: \(f(prunedSeconds)) s; OSRM full matrix: \(f(fullSeconds)) s; Valhalla full matrix: \(f(peerSeconds)) s")
say("   pruned = full for \(agree) of \(origins.count) origins; the same nearest service as Valhalla for \(same) (\(f(100 * Double(same) / Double(origins.count), 1))%)")
say("   nearest time, OSRM vs Valhalla: median \(f(100 * percentile(nearestDiff, 0.5), 1))%, p5 \(f(100 * percentile(nearestDiff, 0.05), 1))%, p95 \(f(100 * percentile(nearestDiff, 0.95), 1))%\n")

// 4. Differences.
say("4. OSRM − Valhalla, relative to Valhalla (walk: distance; drive: time)")
for (mode, bar) in [(TravelMode.walk, 0.02), (.drive, 0.10)] {
    for (label, xs) in [("all \(comparisons[mode]!.all.count) pairs", comparisons[mode]!.all), ("\(comparisons[mode]!.diagonal.count) random OD pairs", comparisons[mode]!.diagonal)] {
        let within = Double(xs.filter { abs($0) <= bar }.count) / Double(max(1, xs.count))
        let qs = [0.05, 0.25, 0.5, 0.75, 0.95].map { f(100 * percentile(xs, $0), 1) + "%" }.joined(separator: " / ")
        say("   \(mode.rawValue), \(label): within \(Int(bar * 100))%: \(f(100 * within, 1))%; p5/p25/median/p75/p95: \(qs); |diff| p95 \(f(100 * percentile(xs.map(abs), 0.95), 1))%")
    }
}

do {
    let xs = comparisons[.drive]!.distances
    let within = Double(xs.filter { abs($0) <= 0.02 }.count) / Double(max(1, xs.count))
    say("   drive distances (the routes chosen), all pairs: within 2%: \(f(100 * within, 1))%; median \(f(100 * percentile(xs, 0.5), 1))%")
}

// 4b. The same engines on a SYNTHETIC street grid, where the shortest distance is known exactly
// (the Manhattan distance between grid nodes): do they agree when data and rules agree?
say("\n4b. On a SYNTHETIC 300 m street grid (written by this benchmark; the true shortest distance is the Manhattan distance)")
do {
    let gridPath = scratch + "/grid.osm"
    let spacing = 300.0, west = 24.80, south = 60.10
    try SyntheticNetwork(grids: [.init(west: west, south: south, east: 24.90, north: 60.16, spacing: spacing)]).write(to: gridPath)
    let gridExtract = try OSMExtract.read(path: gridPath)
    let gridPeer = try ValhallaPeer(extract: gridPath, engines: engines, scratch: scratch)
    defer { gridPeer.stop() }
    let dLat = spacing / 111_320, dLon = spacing / (111_320 * cos((south + 60.16) / 2 * .pi / 180))
    let columns = Int(((24.90 - west) / dLon).rounded(.down)) + 1, rows = Int(((60.16 - south) / dLat).rounded(.down)) + 1
    var random = Random(state: 99)
    func node() -> (Int, Int) { (Int(random.next() * Double(columns)), Int(random.next() * Double(rows))) }
    let a = (0..<300).map { _ in node() }, b = (0..<300).map { _ in node() }
    func point(_ n: (Int, Int)) -> Coordinate { Coordinate(x: west + Double(n.0) * dLon, y: south + Double(n.1) * dLat) }
    for mode in [TravelMode.walk, .drive] {
        let router = try NetworkRouter.start(try NetworkPreparation.prepare(gridExtract, mode: mode, engine: engine, cacheFolder: scratch + "/cache"), engine: engine)
        defer { router.stop() }
        var oursVsTruth: [Double] = [], peerVsTruth: [Double] = [], oursVsPeer: [Double] = []
        for k in 0..<a.count where a[k] != b[k] {
            let truth = Double(abs(a[k].0 - b[k].0) + abs(a[k].1 - b[k].1)) * spacing
            let o = try router.table(sources: [point(a[k])], destinations: [point(b[k])]).metres[0]
            let p = try gridPeer.matrix(sources: [point(a[k])], targets: [point(b[k])], mode: mode).metres[0]
            if let o { oursVsTruth.append((o - truth) / truth) }
            if let p { peerVsTruth.append((p - truth) / truth) }
            if let o, let p { oursVsPeer.append((o - p) / p) }
        }
        func within(_ xs: [Double]) -> String { f(100 * Double(xs.filter { abs($0) <= 0.02 }.count) / Double(max(1, xs.count)), 1) + "%" }
        say("   \(mode.rawValue) distances within 2%: OSRM vs truth \(within(oursVsTruth)), Valhalla vs truth \(within(peerVsTruth)), OSRM vs Valhalla \(within(oursVsPeer)) (\(oursVsPeer.count) pairs)")
    }
}

// 5. Scaling: Benchmarks/Network/scaling measures OSRM's preprocessing on real cuts of the extract
// (synthetic grids are no model of it: a perfect grid is a worst case for OSRM's partitioner).
say("\n5. Preprocessing scaling on real cuts of the extract: Benchmarks/Network/scaling")
