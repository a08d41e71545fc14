import Foundation

/// Runs the built `deprivation-map` executable, as a user would.
public enum CLI {
    /// What a run printed and returned.
    public struct Result {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// The built executable: beside the test bundle in `.build/<config>/`.
    public static var executable: String {
        get throws {
            let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            var dir = runner.deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = dir.appendingPathComponent("deprivation-map").path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                dir = dir.deletingLastPathComponent()
            }
            for config in ["debug", "release"] {
                let candidate = TestData.packageRoot.appendingPathComponent(".build/\(config)/deprivation-map").path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
            throw TestData.Missing(path: "deprivation-map executable (run `swift build` first)")
        }
    }

    /// Runs `deprivation-map` with `arguments` and waits for it.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        try runTool(try executable, arguments, environment: environment)
    }

    /// Runs any program (ogrinfo, python3) and waits for it.
    public static func runTool(_ path: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while the process runs so a full pipe cannot block it.
        let group = DispatchGroup()
        let outBox = DataBox(), errBox = DataBox()
        for (pipe, box) in [(out, outBox), (err, errBox)] {
            group.enter()
            DispatchQueue.global().async {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outBox.data, as: UTF8.self),
                      stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    private final class DataBox: @unchecked Sendable {
        var data = Data()
    }
}
