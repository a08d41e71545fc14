// Helpers shared by the benchmark executables: data folder, clock, memory, medians, and running
// the Python side of a comparison.
import DeprivationMap
import Foundation

/// The data folder: $DEPRIVATION_MAP_DATA, or ../shared/geodata beside the package.
public func dataFolder() -> DataFolder {
    if let folder = DataFolder.fromEnvironment() { return folder }
    let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return DataFolder(root: package.deletingLastPathComponent().appendingPathComponent("shared/geodata").path)
}

/// The data folder's path.
public func dataRoot() -> String { dataFolder().root }

/// Monotonic seconds.
public func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Peak resident memory of this process, MiB.
public func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024 // KiB on Linux
}

/// Peak resident memory of the largest finished child process, MiB.
public func childPeakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
    return Double(usage.ru_maxrss) / 1024
}

public func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// Runs `python script arguments…` `runs` times, printing each wall time; returns them, or exits
/// with status 1 when a run fails.
public func timePython(_ python: String, script: String, arguments: [String], runs: Int, label: String) throws -> [Double] {
    var times: [Double] = []
    for r in 1...runs {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        let start = now()
        try process.run()
        process.waitUntilExit()
        let elapsed = now() - start
        guard process.terminationStatus == 0 else {
            print("\(label) run failed with status \(process.terminationStatus)")
            exit(1)
        }
        times.append(elapsed)
        print(String(format: "  \(label) run %d: %.3f s", r, elapsed))
    }
    return times
}
