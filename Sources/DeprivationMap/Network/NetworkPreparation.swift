import Foundation

/// An extract preprocessed by the engine for one mode, ready to be served.
public struct PreparedNetwork: Sendable, Hashable {
    /// The extract it was built from.
    public var extract: OSMExtract
    /// The mode (engine profile) it was built for.
    public var mode: TravelMode
    /// Engine name and version ("OSRM 26.10.0").
    public var engine: String
    /// The profile file name (`foot.lua`).
    public var profile: String
    /// SHA-256 of the extract (part of the cache key).
    public var checksum: String
    /// The cache folder holding the engine's files.
    public var directory: String
    /// `true` when the cache already held it; `false` when it was built now.
    public var reused: Bool
    /// Seconds per preprocessing step when built now (`osrm-extract`, `osrm-partition`, `osrm-customize`).
    public var stepSeconds: [String: Double]

    /// The dataset the engine serves (`DIR/network.osrm`).
    public var dataset: String { directory + "/network.osrm" }
}

/// Preprocesses an extract once per engine version and profile, and keeps the result in a cache
/// keyed by the extract's SHA-256, the engine version and the profile's own checksum.
///
/// The cache is a folder beside the extract (`.deprivation-map-networks/`) when that folder can
/// be written, otherwise `$XDG_CACHE_HOME/deprivation-map/networks` (or `~/.cache/…`). Each
/// network is built in a temporary folder (removed on failure or interrupt) and renamed into
/// place only when every step has succeeded, so the cache never holds half a network.
public enum NetworkPreparation {
    /// The cache folder used for `extract` when none is given.
    public static func defaultCacheFolder(for extract: String) -> String {
        let dir = (URL(fileURLWithPath: extract).deletingLastPathComponent().path as NSString).standardizingPath
        if access(dir, W_OK) == 0 { return dir + "/.deprivation-map-networks" }
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? NSTemporaryDirectory()) + "/.cache")
        return base + "/deprivation-map/networks"
    }

    /// Returns the prepared network for `extract` and `mode`, building it if the cache lacks it.
    /// `progress` gets one event per step ("preparing network").
    /// - Throws: ``NetworkError`` (unreadable or truncated extract, no routable ways, a failing
    ///   step, an unwritable cache), `OutputError.interrupted`.
    public static func prepare(_ extract: OSMExtract, mode: TravelMode, engine: OSRMEngine, cacheFolder: String? = nil,
                               threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                               progress: ProgressCallback? = nil) throws -> PreparedNetwork {
        let checksum: String
        do { checksum = try SHA256.hexDigest(ofFile: extract.path) } catch {
            throw NetworkError.unreadableExtract(path: extract.path, detail: "cannot be read (\(error))")
        }
        let profilePath = engine.profile(mode)
        let profileSum = (try? SHA256.hexDigest(ofFile: profilePath)) ?? "none"
        let cache = cacheFolder ?? defaultCacheFolder(for: extract.path)
        var stem = URL(fileURLWithPath: extract.path).lastPathComponent
        for suffix in [".osm.pbf", ".pbf", ".osm"] where stem.hasSuffix(suffix) { stem = String(stem.dropLast(suffix.count)); break }
        let key = "\(stem)-\(checksum.prefix(16))-osrm-\(engine.version)-\(mode.osrmProfile)-\(profileSum.prefix(8))"
        let target = cache + "/" + key
        var network = PreparedNetwork(extract: extract, mode: mode, engine: "OSRM \(engine.version)", profile: "\(mode.osrmProfile).lua",
                                      checksum: checksum, directory: target, reused: true, stepSeconds: [:])
        if FileManager.default.fileExists(atPath: target + "/manifest.json") { return network }

        do { try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true) } catch {
            throw NetworkError.cacheUnwritable(path: cache, detail: error.localizedDescription)
        }
        let temporary = target + ".tmp-\(getpid())"
        TemporaryFileRegistry.shared.register(temporary)
        defer {
            try? FileManager.default.removeItem(atPath: temporary)
            TemporaryFileRegistry.shared.unregister(temporary)
        }
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: false)
            let input = temporary + "/network" + (extract.format == "xml" ? ".osm" : ".osm.pbf")
            let absolute = URL(fileURLWithPath: extract.path).standardizedFileURL.path
            try FileManager.default.createSymbolicLink(atPath: input, withDestinationPath: absolute)
        } catch let error as NetworkError { throw error } catch {
            throw NetworkError.cacheUnwritable(path: cache, detail: error.localizedDescription)
        }
        let steps: [(tool: String, arguments: [String])] = [
            ("osrm-extract", ["-p", profilePath, "-t", "\(threads)", "network" + (extract.format == "xml" ? ".osm" : ".osm.pbf")]),
            ("osrm-partition", ["-t", "\(threads)", "network.osrm"]),
            ("osrm-customize", ["-t", "\(threads)", "network.osrm"]),
        ]
        for (i, step) in steps.enumerated() {
            progress?(ProgressEvent(stage: "preparing network (\(step.tool))", done: i, total: steps.count))
            let start = Date()
            let child = try ChildProcess(executable: engine.binary(step.tool), arguments: step.arguments, name: step.tool, directory: temporary)
            let status = child.wait()
            if status != 0 {
                let log = (try? String(contentsOfFile: child.errorLog, encoding: .utf8)) ?? ""
                child.stop()
                if log.contains("no edges remaining") { throw NetworkError.noRoutableWays(path: extract.path, mode: mode) }
                let detail = log.split(separator: "\n").filter { $0.contains("error") || $0.contains("what()") || $0.contains("terminate") }
                    .suffix(2).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " | ")
                throw NetworkError.preprocessingFailed(path: extract.path, step: step.tool, status: status, detail: detail)
            }
            child.stop()
            network.stepSeconds[step.tool] = Date().timeIntervalSince(start)
        }
        progress?(ProgressEvent(stage: "preparing network", done: steps.count, total: steps.count))
        try? FileManager.default.removeItem(atPath: temporary + "/network" + (extract.format == "xml" ? ".osm" : ".osm.pbf"))
        let manifest: [String: Any] = [
            "extract": extract.path, "sha256": checksum, "size": extract.size, "engine": "OSRM", "version": engine.version,
            "profile": network.profile, "profile_sha256": profileSum, "mode": mode.rawValue,
            "built": ISO8601DateFormatter().string(from: Date()), "step_seconds": network.stepSeconds,
        ]
        do {
            let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: temporary + "/manifest.json"))
            // The cache is not one of the command's outputs: a plain atomic rename.
            if rename(temporary, target) != 0 {
                // Another run built it meanwhile: keep theirs.
                guard FileManager.default.fileExists(atPath: target + "/manifest.json") else {
                    throw NetworkError.cacheUnwritable(path: target, detail: String(cString: strerror(errno)))
                }
            }
        } catch let error as NetworkError { throw error } catch {
            throw NetworkError.cacheUnwritable(path: cache, detail: error.localizedDescription)
        }
        network.reused = false
        return network
    }
}
