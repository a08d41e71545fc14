import Foundation

/// Settings of the food-van part of a region report (see ``FoodVanSpec``).
public struct ReportFoodVanSettings: Sendable, Hashable {
    /// Depot in EPSG:27700 and its label; `nil` for the default: the population-weighted centroid
    /// of the region's area nearest the population-weighted centre of its Core20 areas.
    public var depot: Coordinate?
    /// How the depot is named in outputs.
    public var depotLabel: String?
    /// Target IMD deciles (Core20 by default).
    public var deciles: Set<Int> = [1, 2]
    /// Low food provision: nearest store farther than this, metres.
    public var foodThreshold = 1_000.0
    /// Walking radius of a stop, metres.
    public var walkRadius = 800.0
    /// Stops asked for; `nil` for the fewest that reach everyone reachable.
    public var stops: Int?
    /// Visit days; `nil` for as few as the day allows.
    public var days: Int?
    /// Length of a day, minutes.
    public var dayMinutes = 420.0
    /// Time at each stop, minutes.
    public var stopMinutes = 60.0
    /// Driving speed, km/h.
    public var speedKmh = 25.0
    /// Road distance ÷ straight-line distance.
    public var detour = 1.3
    /// Seed of the route search.
    public var seed: UInt64 = 1
    /// The visit cycle the calendar files follow; fortnightly on weekdays from next Monday when `nil`.
    public var cycle: VisitCycle?
    /// The defaults: Core20, 1 km, an 800 m walk, seven-hour days, an hour a stop.
    public init() {}
}

/// Road and path networks of a region report (see ``NetworkRouter``).
public struct ReportNetwork: Sendable {
    /// Cost of the nearest-service measures (e.g. walking minutes); straight lines when `nil`.
    public var access: NetworkCost?
    /// The van's driving times and road lines; straight lines × detour when `nil`.
    public var drive: NetworkRouter?
    /// A stop's coverage along foot paths; straight lines when `nil`.
    public var walk: NetworkCost?

    /// Networks for any of the three parts.
    public init(access: NetworkCost? = nil, drive: NetworkRouter? = nil, walk: NetworkCost? = nil) {
        self.access = access
        self.drive = drive
        self.walk = walk
    }
}
