import DeprivationMap
import Foundation

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Draws a progress line on standard error when it is a terminal; silent otherwise (pipes,
/// CI logs). Safe to call from several threads; redraws at most ten times a second.
final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(quiet: Bool) {
        enabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// The callback to hand to library calls.
    var callback: ProgressCallback? {
        guard enabled else { return nil }
        return { [self] event in self.update(event) }
    }

    private func update(_ event: ProgressEvent) {
        lock.withLock {
            let now = Date()
            let finished = event.total.map { event.done >= $0 } ?? false
            guard finished || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = now
            let elapsed = String(format: "%.1f s", now.timeIntervalSince(start))
            var line = "\(event.stage) \(grouped(event.done))"
            if let total = event.total, total > 0 {
                let width = 24
                let filled = min(width, event.done * width / total)
                line += "/\(grouped(total)) [" + String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled) + "]"
            }
            line += " \(elapsed)"
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
            drawn = true
        }
    }

    /// Clears the progress line so that following output starts on a clean line.
    func clear() {
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            drawn = false
        }
    }
}

/// Removes half-written outputs when the user interrupts (Ctrl-C) or the process is terminated,
/// then exits with the conventional status (128 + signal).
enum InterruptHandling {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                // Outputs already in place: too late to undo, so the command finishes normally.
                // Engines this command started stop first: they may be writing into a temporary cache.
                ChildProcesses.shared.terminateAll()
                guard let removed = TemporaryFileRegistry.shared.removeAll() else { return }
                let note = removed > 0 ? " (removed \(removed) unfinished output file(s))" : ""
                printError("\ninterrupted\(note); nothing was written.")
                exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }
}
