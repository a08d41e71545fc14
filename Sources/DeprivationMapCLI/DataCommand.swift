import ArgumentParser
import DeprivationMap
import Foundation

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "The open-data folder: what is in it, and filling it.",
        discussion: """
            The folder (--data or $DEPRIVATION_MAP_DATA) has the layout boundaries/, imd/, \
            population/, centroids/, lookups/, services/, postcodes/. Every command takes its \
            default inputs from there.
            """,
        subcommands: [DataStatusCommand.self, DataFetchCommand.self, SyntheticNetworkCommand.self]
    )
}

/// The data folder from --data or the environment, or a clear error.
private func dataRoot(_ data: DataOptions) throws -> String {
    guard let root = data.root else {
        throw ValidationError("say which data folder: --data DIR or set DEPRIVATION_MAP_DATA.")
    }
    return root
}

struct DataStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "List the files of the data folder: present, missing or damaged, with their vintage and where to get them.",
        discussion: "Exit status 0 when every file the report needs is present (or covered by an alternative), 1 otherwise."
    )

    @OptionGroup var data: DataOptions

    @Flag(help: "Also check the SHA-256 of every present file (reads them all).")
    var verify = false

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let root = try dataRoot(data)
        let status = DataStatus.check(root: root, verify: verify)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print("Data folder: \(root)")
            var folder = ""
            for e in status.entries {
                let top = String(e.file.path.split(separator: "/").first ?? "")
                if top != folder { folder = top; print("\n\(folder)/") }
                var state = e.state.rawValue
                if let alt = e.coveredBy { state = "missing (covered by \(URL(fileURLWithPath: alt).lastPathComponent))" }
                let need = e.file.neededByReport ? " [report]" : ""
                let padded = state.count < 9 ? state.padding(toLength: 9, withPad: " ", startingAt: 0) : state
                print("  \(padded)  \(e.file.path)\(need)")
                print("             \(e.file.vintage): \(e.file.what)" + (e.detail.map { "; \($0)" } ?? ""))
                if e.state == .missing && e.coveredBy == nil || e.state == .mismatch {
                    print("             get it: " + (e.file.url.map { "deprivation-map data fetch (from \($0))" } ?? "manual download from \(e.file.landingPage)"))
                }
            }
        }
        let problems = status.reportProblems
        if problems.isEmpty {
            printError("\nEverything the report needs is here.")
        } else {
            printError("\nThe report needs \(problems.count) more file(s): \(problems.map(\.file.path).joined(separator: ", ")). Run `deprivation-map data fetch` (direct downloads and --mirror), and download the rest by hand from the pages listed.")
            throw ExitCode(1)
        }
    }
}

struct DataFetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Fill the data folder: copy from a mirror, or download where a direct address is known; check size and SHA-256.",
        discussion: """
            Each file is written to FILE.part, checked against the size and SHA-256 of the copy \
            the project is tested with (or, where none is published, the server's Content-Length, \
            with the checksum recorded in .deprivation-map/manifest.json) and renamed into place. \
            A dropped connection resumes where it stopped (HTTP Range), with up to --attempts \
            tries; an interrupted fetch resumes from the .part file next time.

            Sources, in order: --mirror DIR (a folder with the same layout, e.g. a copy on a \
            shared drive), --base-url URL (a web server holding the same layout), otherwise the \
            publisher's direct address where a public source confirms it (IoD2025 File 7 from \
            gov.uk, which covers the IMD table and the population denominators). Files without one \
            are listed as manual downloads with their landing pages.
            """
    )

    @OptionGroup var data: DataOptions

    @Option(help: ArgumentHelp("Copy from this folder (same layout) instead of downloading.", valueName: "dir"))
    var mirror: String?

    @Option(help: ArgumentHelp("Download every file from URL/PATH (a web server with the same layout).", valueName: "url"))
    var baseURL: String?

    @Flag(help: "Every catalogued file, not only those the report needs.")
    var all = false

    @Option(help: ArgumentHelp("Only this file (path under the data folder; repeatable).", valueName: "path"))
    var only: [String] = []

    @Flag(help: "Fetch again even when present with the right size.")
    var force = false

    @Option(help: "Attempts per file.")
    var attempts = 4

    @Option(help: ArgumentHelp("Seconds without data before an attempt is given up.", valueName: "seconds"))
    var timeout: Double = 60

    @Flag(name: [.short, .long], help: "No progress display.")
    var quiet = false

    func validate() throws {
        if mirror != nil && baseURL != nil { throw ValidationError("choose one source: --mirror or --base-url.") }
        guard attempts >= 1 else { throw ValidationError("--attempts must be at least 1.") }
        if let mirror {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: mirror, isDirectory: &isDir), isDir.boolValue else {
                throw ValidationError("--mirror \(mirror) is not a folder.")
            }
        }
        for path in only where DataCatalogue.file(path) == nil {
            throw ValidationError("--only \(path) is not a catalogued file; `deprivation-map data status` lists them.")
        }
    }

    func run() throws {
        InterruptHandling.install()
        let root = try dataRoot(data)
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("cannot create the data folder \(root): \(error.localizedDescription)")
        }
        var files: [DataFile]
        if !only.isEmpty {
            files = only.compactMap(DataCatalogue.file)
        } else if all {
            files = DataCatalogue.files
        } else {
            // What the report needs; a missing file with a directly downloadable alternative is
            // fetched through the alternative when no mirror is given.
            let status = DataStatus.check(root: root)
            files = []
            for e in status.entries where e.file.neededByReport {
                if e.coveredBy != nil { continue }
                if mirror == nil && baseURL == nil && e.file.url == nil, let alt = e.file.alternative.flatMap(DataCatalogue.file), alt.url != nil {
                    if !files.contains(alt) { files.append(alt) }
                } else {
                    files.append(e.file)
                }
            }
        }
        var options = FetchOptions()
        options.mirror = mirror
        options.baseURL = baseURL
        options.attempts = attempts
        options.timeout = timeout
        options.force = force
        let bar = ProgressBar(quiet: quiet)
        let outcomes = DataFetcher.fetch(root: root, files: files, options: options, progress: bar.callback)
        bar.clear()
        var failed = 0, manual = 0
        for o in outcomes {
            let text = o.action == .failed ? o.detail : o.path + (o.detail.isEmpty ? "" : ": \(o.detail)")
            print("\(o.action.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(text)")
            if o.action == .failed { failed += 1 }
            if o.action == .manual { manual += 1 }
        }
        if manual > 0 {
            printError("\(manual) file(s) have no confirmed direct download address: download them by hand from the pages above into \(root), or copy them with --mirror DIR.")
        }
        if failed > 0 {
            printError("\(failed) file(s) could not be fetched; nothing damaged was kept. Run the command again to retry (downloads resume).")
            throw ExitCode(1)
        }
        if manual > 0 { throw ExitCode(2) }
    }
}

struct SyntheticNetworkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthetic-network",
        abstract: "Write a SYNTHETIC street grid (OpenStreetMap XML) over a box: for trying --network where no extract is at hand.",
        discussion: """
            The grid is not a real road network: its file says so, and times computed on it are \
            not real travel times. For real ones, give an OpenStreetMap extract (data fetch knows \
            the England and Essex extracts).
            """
    )

    @Option(help: ArgumentHelp("West,south,east,north in degrees (WGS84), e.g. 0.62,51.52,0.78,51.58 (Southend-on-Sea).", valueName: "w,s,e,n"))
    var bounds: String

    @Option(help: "Street spacing in metres.")
    var spacing: Double = 400

    @Option(name: [.short, .long], help: "Output file (.osm).")
    var output: String

    func run() throws {
        let v = bounds.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard v.count == 4 else { throw ValidationError("--bounds takes west,south,east,north in degrees; got '\(bounds)'.") }
        guard URL(fileURLWithPath: output).pathExtension.lowercased() == "osm" else { throw ValidationError("-o must end in .osm.") }
        try OutputSafety.check(outputs: [output], inputs: [])
        let network = SyntheticNetwork(grids: [.init(west: v[0], south: v[1], east: v[2], north: v[3], spacing: spacing)])
        let text = try network.xml()
        try OutputTransaction.perform {
            let file = try AtomicOutputFile(path: output)
            try file.write(text)
            try file.commit()
        }
        printError("wrote \(output): \(SyntheticNetwork.label)")
    }
}
