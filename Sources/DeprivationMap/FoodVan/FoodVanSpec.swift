import Foundation

/// How the van's driving time is estimated.
public enum TravelModel: Sendable {
    /// Straight-line distance × `detour`, driven at `speedKmh`.
    case straightLine(speedKmh: Double, detour: Double)
    /// A long travel-time table (`from`, `to`, `minutes`) keyed by stop identifier (area code or
    /// site id/name) and `depot`.
    case matrix(CSVTable)
    /// Driving minutes along the roads from a routing engine (a `drive` router); each day's
    /// route is then drawn along the roads driven.
    case network(NetworkRouter)
}

/// Where the van starts and ends each day.
public struct Depot: Sendable, Hashable {
    /// EPSG:27700 metres.
    public var point: Coordinate
    /// How the user named it ("SS2 6ER", "E 588000 N 186000").
    public var label: String

    /// A depot at `point` (EPSG:27700 metres), named `label` in outputs.
    public init(point: Coordinate, label: String) {
        self.point = point
        self.label = label
    }
}

/// What a food-van plan is asked for: the target population, the stops, the routes.
public struct FoodVanSpec: Sendable {
    /// Where the van starts and ends each day.
    public var depot: Depot
    /// Accept a depot outside the region.
    public var allowDepotOutside = false
    /// IMD deciles of the target population (default Core20: 1 and 2).
    public var deciles: Set<Int> = [1, 2]
    /// Low food provision: nearest store farther than this (metres, or minutes with ``storeTimes``).
    public var foodThreshold = 1_000.0
    /// An area × store travel-time table; "low provision" is then in minutes.
    public var storeTimes: TravelTimeTable?
    /// Candidate sites (with names); the target areas' centroids when `nil`.
    public var sites: ServiceSet?
    /// Time windows and fixed sites of the site list (matched to candidates by identifier or name).
    public var siteConstraints = SiteConstraints()
    /// Number of stops (maximal covering); `nil` for the fewest covering everyone reachable.
    public var stops: Int?
    /// Walking radius of a stop, metres.
    public var walkRadius = 800.0
    /// A `walk` router: a stop then covers the areas within ``walkRadius`` metres *along foot
    /// paths* (snapping capped by its ``NetworkCost/snapCap``); straight lines when `nil`.
    public var walkNetwork: NetworkCost?
    /// Candidate count up to which stops are chosen exactly.
    public var exactLimit = 60
    /// Visit days in the cycle; `nil` for as few as the day allows.
    public var days: Int?
    /// Length of a day and time at each stop, minutes.
    public var dayMinutes = 420.0
    /// Time at each stop, minutes.
    public var stopMinutes = 60.0
    /// How driving time is estimated: straight lines at 25 km/h × 1.3 by default.
    public var travel = TravelModel.straightLine(speedKmh: 25, detour: 1.3)
    /// Departure from the depot, minutes after midnight.
    public var startMinutes = 9.0 * 60
    /// Seed of the route search (same seed, same plan).
    public var seed: UInt64 = 1

    /// Settings with their defaults (Core20, 1 km, an 800 m walk, seven-hour days, an hour a stop) and `depot`.
    public init(depot: Depot) { self.depot = depot }

    /// Checks the settings.
    /// - Throws: ``FoodVanError/badParameter(_:_:)`` naming the setting.
    func validate() throws {
        guard walkRadius > 0, walkRadius.isFinite else { throw FoodVanError.badParameter("the walking radius must be a positive number of metres", .walkRadius) }
        guard foodThreshold >= 0 else { throw FoodVanError.badParameter("the food-provision threshold must not be negative", .foodThreshold) }
        guard !deciles.isEmpty, deciles.allSatisfy({ (1...10).contains($0) }) else {
            throw FoodVanError.badParameter("the target deciles must be IMD deciles between 1 and 10, e.g. 1,2 (Core20)", .deciles)
        }
        if let p = stops, p < 1 { throw FoodVanError.badParameter("the number of stops must be at least 1", .stops) }
    }

    /// The settings as recorded in the plan.
    func settings(unit: CostUnit) -> FoodVanSettings {
        FoodVanSettings(deciles: deciles.sorted(), foodThreshold: foodThreshold, foodThresholdUnit: unit.radiusWord, walkRadius: walkRadius,
                        stopsRequested: stops, days: days, dayMinutes: dayMinutes, stopMinutes: stopMinutes,
                        startMinutes: startMinutes, seed: seed)
    }
}
