import Foundation

/// Keeps a command from overwriting one of its own inputs.
///
/// Two guards:
/// - ``check(outputs:inputs:)``, called before any work with every file a command will write
///   (companions included) and every file it reads: refuses when two name the same file, however
///   spelled (`./`, `..`, symbolic links, hard links), counting a shapefile as all its siblings
///   and an output folder as everything inside it.
/// - A process-wide record of the files actually read (``InputRegistry``): ``AtomicOutputFile``
///   and ``ShapefileWriter`` refuse to replace any of them, so an input that a command forgot to
///   declare is still safe.
public enum OutputSafety {
    /// Shapefile companions: writing `x.shp` replaces all of them, and reading `x.shp` reads them.
    static let shapefileSiblings = ["shp", "shx", "dbf", "prj", "cpg", "qix", "sbn", "sbx"]

    /// The files that `path` stands for: a shapefile's siblings, or the path itself.
    static func expand(_ path: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        guard shapefileSiblings.contains(url.pathExtension.lowercased()) else { return [path] }
        let base = url.deletingPathExtension().path
        return shapefileSiblings.map { base + "." + $0 }
    }

    /// A key that is equal for two spellings of one file: device and inode for an existing file,
    /// otherwise the real path of its folder plus its name.
    static func identity(_ path: String) -> FileIdentity {
        var st = stat()
        if stat(path, &st) == 0 { return .inode(UInt64(st.st_dev), UInt64(st.st_ino)) }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let folder = url.deletingLastPathComponent().resolvingSymlinksInPath().path
        return .path(folder + "/" + url.lastPathComponent)
    }

    enum FileIdentity: Hashable {
        case inode(UInt64, UInt64)
        case path(String)
    }

    /// Refuses when any output is the same file as any input.
    ///
    /// - Parameters:
    ///   - outputs: every file the command will write, companions included. A path that is (or
    ///     will be) a folder, such as a report folder, covers every file inside it.
    ///   - inputs: every file the command reads; `nil`s (options not given) are skipped.
    /// - Throws: ``OutputError/overwritesInput(path:input:)`` naming both.
    /// - Complexity: O((outputs + inputs) × 8) `stat` calls, plus a walk up each input's folders.
    public static func check(outputs: [String], inputs: [String?], outputFolders: [String] = []) throws {
        var byIdentity: [FileIdentity: String] = [:]
        // A GeoPackage layer (FILE.gpkg|layername=NAME) is its file.
        let inputs = inputs.map { $0.map { GeoPackageReader.splitLayer($0).path } }
        for input in inputs.compactMap({ $0 }) {
            for file in expand(input) where FileManager.default.fileExists(atPath: file) {
                byIdentity[identity(file)] = input
            }
        }
        for output in outputs {
            for file in expand(output) {
                if let input = byIdentity[identity(file)] {
                    throw OutputError.overwritesInput(path: output, input: input)
                }
            }
        }
        // A folder output replaces everything inside it.
        for folder in outputFolders {
            let root = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath().path
            for input in inputs.compactMap({ $0 }) {
                let real = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath().path
                if real == root || real.hasPrefix(root.hasSuffix("/") ? root : root + "/") {
                    throw OutputError.overwritesInput(path: folder, input: input)
                }
            }
        }
    }
}

/// The files this process has opened for reading (device and inode), so that no writer replaces
/// one of them. Readers register through ``record(_:)``; writers ask ``input(matching:)``.
/// Thread-safe. A long-running program that means to regenerate a file it read earlier calls
/// ``forgetAll()`` between jobs.
public final class InputRegistry: @unchecked Sendable {
    /// The process-wide registry.
    public static let shared = InputRegistry()
    private let lock = NSLock()
    private var files: [OutputSafety.FileIdentity: String] = [:]

    /// Records that `path` was read (a no-op for a file that does not exist).
    public func record(_ path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return }
        let key = OutputSafety.FileIdentity.inode(UInt64(st.st_dev), UInt64(st.st_ino))
        lock.withLock { if files[key] == nil { files[key] = path } }
    }

    /// Forgets every file read so far.
    public func forgetAll() {
        lock.withLock { files.removeAll() }
    }

    /// The input path under which the file at `path` was read, if it was.
    public func input(matching path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let key = OutputSafety.FileIdentity.inode(UInt64(st.st_dev), UInt64(st.st_ino))
        return lock.withLock { files[key] }
    }
}
