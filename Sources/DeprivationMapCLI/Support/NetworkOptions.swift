import ArgumentParser
import DeprivationMap
import Foundation

/// Travel on a road or path network: the extract (or a running server), the mode and the engine.
/// Without --network or --router-url, costs are straight lines, and outputs say so.
struct NetworkOptions: ParsableArguments {
    @Option(help: ArgumentHelp("OpenStreetMap extract (.osm.pbf, or .osm) to route on; preprocessed once and cached (default with --mode: the data folder's networks/england-latest.osm.pbf).", valueName: "file"))
    var network: String?

    @Option(help: ArgumentHelp("Travel mode on the network: drive, walk or cycle.", valueName: "mode"))
    var mode: TravelMode?

    @Option(help: ArgumentHelp("A running OSRM server to use instead of starting one (e.g. http://127.0.0.1:5000); its data and profile decide the mode.", valueName: "url"))
    var routerUrl: String?

    @Option(help: ArgumentHelp("Largest distance, in metres, an area origin or a service may be moved to reach the network; farther ones get no cost and are named.", valueName: "metres"))
    var snapCap: Double = 500

    @Option(help: ArgumentHelp("What a network cost measures: time (minutes) or distance (metres along the network).", valueName: "metric"))
    var networkMetric: NetworkMetric = .time

    @Option(help: ArgumentHelp("Folder of the routing engines installed by scripts/engines (default: $DEPRIVATION_MAP_ENGINES, else .engines/ of the installation).", valueName: "dir"))
    var engines: String?

    @Option(help: ArgumentHelp("Cache of preprocessed networks (default: .deprivation-map-networks/ beside the extract if writable, else ~/.cache/deprivation-map/networks).", valueName: "dir"))
    var networkCache: String?

    @Flag(help: "If the routing engine is missing or fails to start, use straight lines (said in every output) instead of stopping.")
    var fallbackStraightLines = false

    /// `true` when the user asked for network travel.
    var wanted: Bool { network != nil || routerUrl != nil || mode != nil }

    /// Folders searched for the engines (then `PATH`): --engines alone when given, else
    /// $DEPRIVATION_MAP_ENGINES alone when set, else `.engines/` of the checkout the executable
    /// was built in (…/.build/release/deprivation-map).
    var engineFolders: [String] {
        if let engines { return [engines] }
        if let env = ProcessInfo.processInfo.environment["DEPRIVATION_MAP_ENGINES"], !env.isEmpty { return [env] }
        var folders: [String] = []
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            folders.append(dir.appendingPathComponent(".engines").path)
            dir.deleteLastPathComponent()
        }
        return folders
    }

    func validate() throws {
        guard snapCap > 0, snapCap.isFinite else { throw ValidationError("--snap-cap must be a positive number of metres.") }
        if network != nil && routerUrl != nil { throw ValidationError("choose one: --network (start an engine) or --router-url (use a running one).") }
    }

    /// A router for `mode`, or `nil` for straight lines; with a note when a requested network
    /// could not be used and --fallback-straight-lines allowed it. With --router-url, the server
    /// answers for whatever profile it was built with.
    func router(_ mode: TravelMode, data: DataOptions, bar: ProgressBar) throws -> (NetworkRouter?, String?) {
        guard wanted else { return (nil, nil) }
        do {
            if let routerUrl { return (try NetworkRouter.connect(url: routerUrl, mode: mode), nil) }
            let path = try network ?? data.require(DataFolder.networkExtract, setting: .network)
            let extract = try OSMExtract.read(path: path)
            let engine = try OSRMEngine.locate(in: engineFolders)
            let prepared = try NetworkPreparation.prepare(extract, mode: mode, engine: engine, cacheFolder: networkCache, progress: bar.callback)
            return (try NetworkRouter.start(prepared, engine: engine), nil)
        } catch let error as NetworkError where fallbackStraightLines {
            switch error {
            case .engineMissing, .engineDidNotStart, .routerUnreachable:
                return (nil, "the network could not be used (\(Wording.error(error))); costs are straight lines, as --fallback-straight-lines allows")
            default: throw error
            }
        }
    }
}

extension TravelMode: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension NetworkMetric: ExpressibleByArgument {}
