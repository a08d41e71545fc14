import Foundation

/// An installed OSRM (Open Source Routing Machine): its binaries, Lua profiles and version.
///
/// `scripts/engines` unpacks the pinned OSRM from its PyPI wheel into `ENGINES/osrm-VERSION/osrm/`
/// (`bin/osrm-extract` … `bin/osrm-routed`, `share/profiles/{car,foot,bicycle}.lua`).
/// ``locate(in:)`` looks there, in a `bin` folder given directly, and finally on `PATH`.
public struct OSRMEngine: Sendable, Hashable {
    /// The version the project is tested with (pinned with its checksum by `scripts/engines`).
    public static let pinnedVersion = "26.10.0"

    /// Folder of `osrm-extract`, `osrm-partition`, `osrm-customize`, `osrm-routed`.
    public var binDirectory: String
    /// Folder of the Lua profiles.
    public var profileDirectory: String
    /// Version reported by `osrm-routed --version` (without the leading "v").
    public var version: String

    /// The binary of one tool.
    public func binary(_ tool: String) -> String { binDirectory + "/" + tool }
    /// The profile of a mode.
    public func profile(_ mode: TravelMode) -> String { profileDirectory + "/\(mode.osrmProfile).lua" }

    /// Finds OSRM under each of `folders` (an engines folder, an unpacked wheel or a `bin`
    /// folder), then on `PATH`; checks it runs and reads its version.
    /// - Throws: ``NetworkError/engineMissing(engine:searched:)``.
    public static func locate(in folders: [String]) throws -> OSRMEngine {
        var candidates: [(bin: String, profiles: String)] = []
        for f in folders {
            let root = (f as NSString).standardizingPath
            candidates.append(("\(root)/osrm-\(pinnedVersion)/osrm/bin", "\(root)/osrm-\(pinnedVersion)/osrm/share/profiles"))
            candidates.append(("\(root)/osrm/bin", "\(root)/osrm/share/profiles"))
            candidates.append(("\(root)/bin", "\(root)/share/profiles"))
            candidates.append((root, "\(root)/../share/profiles"))
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) where !dir.isEmpty {
            candidates.append((dir, "\(dir)/../share/osrm/profiles"))
        }
        let fm = FileManager.default
        for c in candidates where fm.isExecutableFile(atPath: c.bin + "/osrm-routed") && fm.isExecutableFile(atPath: c.bin + "/osrm-extract") {
            let profiles = (c.profiles as NSString).standardizingPath
            guard fm.fileExists(atPath: profiles + "/foot.lua") else { continue }
            guard let version = Self.version(of: c.bin + "/osrm-routed") else { continue }
            return OSRMEngine(binDirectory: c.bin, profileDirectory: profiles, version: version)
        }
        throw NetworkError.engineMissing(engine: "OSRM", searched: folders + ["PATH"])
    }

    /// The version `osrm-routed --version` prints, or `nil` when it does not run.
    static func version(of binary: String) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["--version"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.hasPrefix("v") ? String(text.dropFirst()) : text
    }
}
