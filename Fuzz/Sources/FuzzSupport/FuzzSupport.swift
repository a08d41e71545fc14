import CFuzzDriver
import DeprivationMap
import Foundation

/// Helpers shared by the fuzz targets: splitting one input into several files, and a private
/// scratch folder (on tmpfs when there is one) that readers can open by path.
public enum FuzzInput {
    /// A scratch folder for this process, made once.
    public static let folder: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = base + "/dm-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Splits `data` into `count` pieces: each piece but the last is preceded by a 2-byte
    /// little-endian length (cut to what is left), so the fuzzer can grow and shrink each file.
    public static func split(_ data: UnsafeBufferPointer<UInt8>, into count: Int) -> [Data] {
        var pieces: [Data] = []
        var i = 0
        for _ in 0..<(count - 1) {
            guard i + 2 <= data.count else { pieces.append(Data()); continue }
            let n = min(Int(data[i]) | Int(data[i + 1]) << 8, data.count - i - 2)
            pieces.append(Data(UnsafeBufferPointer(rebasing: data[(i + 2)..<(i + 2 + n)])))
            i += 2 + n
        }
        pieces.append(i < data.count ? Data(UnsafeBufferPointer(rebasing: data[i...])) : Data())
        return pieces
    }

    /// Writes `data` to `name` in the scratch folder and returns its path. The process-wide record
    /// of files read is cleared first: each input is a new file (a new inode), and keeping millions
    /// of them would look like a leak that no real run has.
    public static func write(_ data: Data, as name: String) -> String {
        InputRegistry.shared.forgetAll()
        let path = folder + "/" + name
        FileManager.default.createFile(atPath: path, contents: data)
        return path
    }

    /// The bytes as one `Data`.
    public static func data(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Data {
        Data(bytes: bytes, count: count)
    }

    /// Hands control to libFuzzer with `callback` (each target's entry point, which SwiftPM names
    /// <Target>_main, calls this).
    public static func runDriver(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                                 _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
        var count = argc
        var arguments = argv
        return LLVMFuzzerRunDriver(&count, &arguments, callback)
    }
}
