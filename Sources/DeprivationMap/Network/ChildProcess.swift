import Foundation

/// An engine process this library started: stopped in `deinit`, and stopped by
/// ``ChildProcesses/terminateAll()`` when the process is interrupted, so no engine outlives the
/// command that started it.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let name: String
    /// Where its standard error goes (a temporary file, removed in ``stop()``).
    let errorLog: String

    /// Starts `executable` with `arguments`; its standard output and error go to a temporary log
    /// kept for the error message.
    init(executable: String, arguments: [String], name: String, directory: String? = nil) throws {
        self.name = name
        errorLog = NSTemporaryDirectory() + "/deprivation-map-\(name)-\(getpid())-\(UUID().uuidString.prefix(8)).log"
        _ = FileManager.default.createFile(atPath: errorLog, contents: nil)
        TemporaryFileRegistry.shared.register(errorLog)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let log = FileHandle(forWritingAtPath: errorLog)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        do {
            try ChildProcesses.shared.launch(self)
        } catch {
            removeLog()
            throw NetworkError.engineDidNotStart(engine: name, detail: "\(executable) could not be run (\(error.localizedDescription))")
        }
    }

    var isRunning: Bool { process.isRunning }

    /// Waits for the process to end and returns its exit status.
    func wait() -> Int32 {
        process.waitUntilExit()
        ChildProcesses.shared.forget(self)
        return process.terminationStatus
    }

    /// The last lines of its standard error, for an error message.
    func errorTail(lines: Int = 3) -> String {
        guard let text = try? String(contentsOfFile: errorLog, encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(lines).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " | ")
    }

    /// Stops the process: SIGTERM, then SIGKILL after `grace` seconds; waits for it; removes the log.
    func stop(grace: Double = 2) {
        if process.isRunning {
            let pid = process.processIdentifier
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(grace)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(pid, SIGKILL) }
            process.waitUntilExit()
        }
        ChildProcesses.shared.forget(self)
        removeLog()
    }

    private func removeLog() {
        unlink(errorLog)
        TemporaryFileRegistry.shared.unregister(errorLog)
    }

    deinit { stop() }
}

/// Every engine process started and not yet stopped, so that an interrupt stops them all.
public final class ChildProcesses: @unchecked Sendable {
    /// The process-wide list.
    public static let shared = ChildProcesses()
    private let lock = NSLock()
    private var running: [ObjectIdentifier: Process] = [:]
    private var terminating = false

    private var exitHandlerInstalled = false

    func launch(_ child: ChildProcess) throws {
        try lock.withLock {
            guard !terminating else { throw OutputError.interrupted }
            if !exitHandlerInstalled {
                // A router held in a global is never released: stop its engine when the process exits.
                atexit { ChildProcesses.shared.terminateAll() }
                exitHandlerInstalled = true
            }
            try child.process.run()
            running[ObjectIdentifier(child)] = child.process
        }
    }

    func forget(_ child: ChildProcess) { lock.withLock { _ = running.removeValue(forKey: ObjectIdentifier(child)) } }

    /// Number of engine processes running.
    public var count: Int { lock.withLock { running.count } }

    /// Kills every engine process started by this library (SIGKILL: the process is ending) and
    /// refuses to start new ones. For an interrupt handler; returns how many were stopped.
    @discardableResult
    public func terminateAll() -> Int {
        let processes = lock.withLock { () -> [Process] in
            terminating = true
            return Array(running.values)
        }
        for p in processes where p.isRunning { kill(p.processIdentifier, SIGKILL) }
        // Foundation reaps them; wait (at most a second) until it has.
        for _ in 0..<100 where processes.contains(where: \.isRunning) { usleep(10_000) }
        return processes.count
    }
}
