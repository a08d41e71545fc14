import Foundation

/// How people travel on a network: the engine profile and a speed bound for pruning by straight line.
public enum TravelMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// By car (OSRM `car` profile, Valhalla `auto` costing).
    case drive
    /// On foot (OSRM `foot`, Valhalla `pedestrian`).
    case walk
    /// By bicycle (OSRM `bicycle`, Valhalla `bicycle`).
    case cycle

    /// The OSRM profile (a Lua file of the engine's `profiles/` folder, without `.lua`).
    public var osrmProfile: String {
        switch self {
        case .drive: return "car"
        case .walk: return "foot"
        case .cycle: return "bicycle"
        }
    }

    /// The Valhalla costing model.
    public var valhallaCosting: String {
        switch self {
        case .drive: return "auto"
        case .walk: return "pedestrian"
        case .cycle: return "bicycle"
        }
    }

    /// A speed (km/h) no trip of this mode beats, end to end, on the bundled profiles: walking is
    /// 5 km/h in OSRM's `foot` profile, cycling at most 15–20 km/h in `bicycle`, driving at most the
    /// UK's 70 mph limit (OSRM takes 80% of a tagged limit) with room to spare. A straight line
    /// divided by it is a lower bound on the travel time, which prunes the pairs asked of the
    /// engine; a pair found faster than the bound is reported, never silently trusted.
    public var maximumSpeedKmh: Double {
        switch self {
        case .drive: return 160
        case .walk: return 7
        case .cycle: return 35
        }
    }

    /// The mode in words ("on foot", "by car", "by bicycle").
    public var words: String {
        switch self {
        case .drive: return "by car"
        case .walk: return "on foot"
        case .cycle: return "by bicycle"
        }
    }
}
