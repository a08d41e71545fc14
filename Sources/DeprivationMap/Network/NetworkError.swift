import Foundation

/// Why a road or path network could not be read, prepared or queried.
public enum NetworkError: Error, Sendable, Equatable, AdvisedError {
    /// The extract is not a readable OpenStreetMap file (PBF or XML).
    case unreadableExtract(path: String, detail: String)
    /// The extract is cut short: a block runs past the end of the file.
    case truncatedExtract(path: String, offset: Int, size: Int)
    /// The extract needs a feature the engine cannot read.
    case unsupportedFeature(path: String, feature: String)
    /// Preprocessing found no way the mode may use.
    case noRoutableWays(path: String, mode: TravelMode)
    /// No routing engine binary was found where it was looked for.
    case engineMissing(engine: String, searched: [String])
    /// A preprocessing step of the engine failed.
    case preprocessingFailed(path: String, step: String, status: Int32, detail: String)
    /// The engine did not start or did not answer in time.
    case engineDidNotStart(engine: String, detail: String)
    /// A routing server does not answer, or answers something that is not a router's reply.
    case routerUnreachable(url: String, detail: String)
    /// The router refused a request.
    case routerRefused(url: String, code: String, message: String)
    /// The cache folder cannot be written.
    case cacheUnwritable(path: String, detail: String)
    /// No area of the region could be placed on the network.
    case regionOffNetwork(areas: Int, snapCap: Double, network: String)
    /// A value that must be positive and finite is not.
    case badParameter(String, Setting)

    public var problem: String {
        switch self {
        case .unreadableExtract(let path, let detail):
            return "\(path): not a readable OpenStreetMap extract (\(detail))"
        case .truncatedExtract(let path, let offset, let size):
            return "\(path): the extract is cut short: a block at byte \(offset) runs past the end of the file (\(size) bytes)"
        case .unsupportedFeature(let path, let feature):
            return "\(path): the extract needs \"\(feature)\", which the routing engine cannot read"
        case .noRoutableWays(let path, let mode):
            return "\(path): no way in the extract can be used \(mode.words) (\(mode.rawValue))"
        case .engineMissing(let engine, let searched):
            return "the \(engine) routing engine was not found (looked in \(searched.isEmpty ? "no folder" : searched.joined(separator: ", ")))"
        case .preprocessingFailed(let path, let step, let status, let detail):
            return "\(path): \(step) failed with status \(status)" + (detail.isEmpty ? "" : ": \(detail)")
        case .engineDidNotStart(let engine, let detail):
            return "the \(engine) routing engine did not start: \(detail)"
        case .routerUnreachable(let url, let detail):
            return "the router at \(url) does not answer: \(detail)"
        case .routerRefused(let url, let code, let message):
            return "the router at \(url) refused a request: \(code)" + (message.isEmpty ? "" : " (\(message))")
        case .cacheUnwritable(let path, let detail):
            return "\(path): the network cache cannot be written (\(detail))"
        case .regionOffNetwork(let areas, let cap, let network):
            return "none of the \(areas) areas of the region is within \(Int(cap)) m of the network of \(network): the network does not cover the region"
        case .badParameter(let what, _):
            return what
        }
    }

    public var advice: Advice? {
        switch self {
        case .unreadableExtract, .truncatedExtract:
            return "download the extract again (OpenStreetMap extracts are published as .osm.pbf) and give it as \(Setting.network)"
        case .unsupportedFeature:
            return "give an extract without history or other optional features as \(Setting.network)"
        case .noRoutableWays(_, let mode):
            return "give an extract with roads or paths \(mode.words) as \(Setting.network), or choose another \(Setting.mode)"
        case .engineMissing:
            return "install the engines (scripts/setup.sh, or scripts/engines), point \(Setting.engines) at them, or give \(Setting.routerURL)"
        case .preprocessingFailed:
            return "check the extract given as \(Setting.network); the engine's own message is above"
        case .engineDidNotStart:
            return "check the engines under \(Setting.engines), or give \(Setting.routerURL) of a running server"
        case .routerUnreachable:
            return "check \(Setting.routerURL) (an OSRM server, e.g. http://127.0.0.1:5000), or give \(Setting.network) to start one"
        case .routerRefused:
            return "check that the server at \(Setting.routerURL) covers the region and the mode"
        case .cacheUnwritable:
            return "give a writable \(Setting.networkCache)"
        case .regionOffNetwork:
            return "give an extract that covers the region as \(Setting.network), or raise \(Setting.snapCap)"
        case .badParameter(_, let setting):
            return "give \(setting) as a positive number"
        }
    }
}
