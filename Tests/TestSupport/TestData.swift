import DeprivationMap
import Foundation

/// Locates the shared open-data mirror that tests read in place.
///
/// The folder is `$DEPRIVATION_MAP_DATA` when set (CI sets it), otherwise `../shared/geodata`
/// beside the package root. A missing file is a test failure, never a skip: CI must run every test.
public enum TestData {
    /// Root of the package (the folder holding Package.swift).
    public static let packageRoot: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// Root of the shared data mirror.
    public static let root: URL = {
        if let env = ProcessInfo.processInfo.environment["DEPRIVATION_MAP_DATA"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/geodata")
    }()

    /// The mirror as the library's data folder (its default files by name: ``DataFolder/imd2025`` …).
    public static let folder = DataFolder(root: root.path)

    /// Thrown when a data file the test needs is absent.
    public struct Missing: Error, CustomStringConvertible {
        public let path: String
        public init(path: String) { self.path = path }
        public var description: String {
            "test data missing: \(path). Set DEPRIVATION_MAP_DATA to the geodata mirror (CI uses ../shared/geodata)."
        }
    }

    /// Absolute path of `relative` inside the data mirror.
    /// - Throws: ``Missing`` when the file does not exist.
    public static func path(_ relative: String) throws -> String {
        guard let path = folder.file(relative) else { throw Missing(path: root.appendingPathComponent(relative).path) }
        return path
    }

    /// Absolute path of `relative` inside the package (for the shipped GeoData/).
    public static func packagePath(_ relative: String) -> String {
        packageRoot.appendingPathComponent(relative).path
    }
}

/// A fresh, empty temporary folder removed when the value is deinitialised.
public final class TemporaryDirectory {
    /// The folder.
    public let url: URL

    /// Creates the folder under the system temporary directory.
    public init(_ label: String = "dm-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Path of `name` inside the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Names of the files in the folder, sorted.
    public func contents() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// `|a − b| ≤ tolerance`.
public func isClose(_ a: Double, _ b: Double, within tolerance: Double) -> Bool {
    abs(a - b) <= tolerance
}

/// `|a − b| ≤ fraction · |b|` (relative tolerance against the expected value `b`).
public func isClose(_ a: Double, _ b: Double, relative fraction: Double) -> Bool {
    abs(a - b) <= fraction * abs(b)
}
