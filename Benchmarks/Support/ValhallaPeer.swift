// Valhalla 3.9.1 as the peer engine that checks OSRM (the engine DeprivationMap drives): tiles
// built from the same extract, `valhalla_service` on a free loopback port, stopped on release.
// Used by the network benchmark and the peer-check test; not part of the library.
import DeprivationMap
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

public final class ValhallaPeer: @unchecked Sendable {
    public static let version = "3.9.1"
    public let url: String
    public let tileSeconds: Double
    public let tilePeakMiB: Double
    let process: Process
    let folder: String

    /// `ENGINES/valhalla-3.9.1/valhalla` (unpacked by scripts/engines).
    public static func package(in engines: String) -> String { engines + "/valhalla-\(version)/valhalla" }

    /// Builds tiles for `extract` in a fresh folder under `scratch` and starts the service.
    public init(extract: String, engines: String, scratch: String) throws {
        let package = Self.package(in: engines)
        guard FileManager.default.isExecutableFile(atPath: package + "/bin/valhalla_service") else {
            throw PeerError("Valhalla \(Self.version) not found in \(package); run scripts/engines")
        }
        folder = scratch + "/valhalla-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let config = folder + "/config.json"
        let generated = try runCapture("/usr/bin/python3", [package + "/valhalla_build_config.py", "--mjolnir-tile-dir", folder + "/tiles",
                                                          "--mjolnir-tile-extract", folder + "/tiles.tar", "--mjolnir-timezone", folder + "/tz.sqlite",
                                                          "--mjolnir-admin", folder + "/admins.sqlite"])
        guard var json = try JSONSerialization.jsonObject(with: generated) as? [String: Any] else { throw PeerError("valhalla_build_config gave no JSON") }
        let port = try freeLoopbackPort()
        var httpd = json["httpd"] as? [String: Any] ?? [:]
        var service = httpd["service"] as? [String: Any] ?? [:]
        service["listen"] = "tcp://127.0.0.1:\(port)"
        httpd["service"] = service
        json["httpd"] = httpd
        // Matrices of up to 1,000 × 1,000 for the comparison.
        var limits = json["service_limits"] as? [String: Any] ?? [:]
        for costing in ["auto", "pedestrian", "bicycle"] {
            var l = limits[costing] as? [String: Any] ?? [:]
            l["max_matrix_location_pairs"] = 1_000_000
            l["max_matrix_distance"] = 1_000_000.0
            limits[costing] = l
        }
        json["service_limits"] = limits
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: config))
        let start = now()
        let (status, peak) = try runMeasured(package + "/bin/valhalla_build_tiles", ["-c", config, extract])
        tileSeconds = now() - start
        tilePeakMiB = peak
        guard status == 0 else { throw PeerError("valhalla_build_tiles failed with status \(status)") }
        process = Process()
        process.executableURL = URL(fileURLWithPath: package + "/bin/valhalla_service")
        process.arguments = [config, "1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        url = "http://127.0.0.1:\(port)"
        for _ in 0..<200 {
            if let (code, _) = try? httpPost(url + "/status", body: nil), code == 200 { return }
            usleep(50_000)
        }
        stop()
        throw PeerError("valhalla_service did not answer on port \(port)")
    }

    /// Peak resident memory of the service so far, MiB (from /proc).
    public var servicePeakMiB: Double { processPeakMiB(process.processIdentifier) }

    /// Seconds and metres from every source to every target (lon/lat); `nil` where unreachable.
    public func matrix(sources: [Coordinate], targets: [Coordinate], mode: TravelMode) throws -> (seconds: [Double?], metres: [Double?]) {
        func loc(_ c: Coordinate) -> [String: Double] { ["lon": c.x, "lat": c.y] }
        let body: [String: Any] = ["sources": sources.map(loc), "targets": targets.map(loc), "costing": mode.valhallaCosting, "units": "kilometers"]
        let (code, data) = try httpPost(url + "/sources_to_targets", body: try JSONSerialization.data(withJSONObject: body))
        guard code == 200, let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let rows = json["sources_to_targets"] as? [[[String: Any]]] else {
            throw PeerError("Valhalla matrix failed (HTTP \(code)): \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        var seconds = [Double?](repeating: nil, count: sources.count * targets.count), metres = seconds
        for (i, row) in rows.enumerated() {
            for cell in row {
                guard let j = (cell["to_index"] as? NSNumber)?.intValue, j < targets.count else { continue }
                seconds[i * targets.count + j] = (cell["time"] as? NSNumber)?.doubleValue
                metres[i * targets.count + j] = ((cell["distance"] as? NSNumber)?.doubleValue).map { $0 * 1000 }
            }
        }
        return (seconds, metres)
    }

    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            for _ in 0..<100 where process.isRunning { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    deinit { stop() }
}

public struct PeerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs a tool, waiting for it; returns its status and peak resident memory (MiB, from wait4).
public func runMeasured(_ executable: String, _ arguments: [String]) throws -> (status: Int32, peakMiB: Double) {
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    guard rc == 0 else { throw PeerError("\(executable) could not be started (\(rc))") }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    return ((status >> 8) & 0xff, Double(usage.ru_maxrss) / 1024)
}

/// Standard output of a tool.
func runCapture(_ executable: String, _ arguments: [String]) throws -> Data {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw PeerError("\(executable) failed with status \(p.terminationStatus)") }
    return data
}

/// Peak resident memory (VmHWM) of a running process, MiB.
public func processPeakMiB(_ pid: Int32) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return .nan }
    return (Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan) / 1024
}

func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) { p in
        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard ok else { throw PeerError("no free loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A blocking POST (GET without a body) with a 600 s timeout.
func httpPost(_ address: String, body: Data?) throws -> (Int, Data) {
    var request = URLRequest(url: URL(string: address)!)
    request.timeoutInterval = 600
    if let body { request.httpMethod = "POST"; request.httpBody = body }
    let done = DispatchSemaphore(value: 0)
    final class Box: @unchecked Sendable { var code = 0; var data = Data(); var error: Error? }
    let box = Box()
    URLSession.shared.dataTask(with: request) { d, r, e in
        box.data = d ?? Data(); box.code = (r as? HTTPURLResponse)?.statusCode ?? 0; box.error = e
        done.signal()
    }.resume()
    done.wait()
    if let e = box.error { throw e }
    return (box.code, box.data)
}
