import Foundation

/// An area of the region in the chosen deciles: whether it is targeted, and why.
public struct FoodVanArea: Sendable, Hashable {
    public var code: String
    public var name: String
    public var decile: Int
    public var rank: Int?
    public var population: Double
    public var centroid: Coordinate
    /// Distance (metres) or time (minutes) to the nearest food store, and that store.
    public var nearestStore: Double?
    public var nearestStoreName: String?
    /// In the target population (low food provision).
    public var target: Bool
    /// Why it is or is not a target.
    public var reason: String
    /// Reached by a candidate stop within the walking radius.
    public var reachable: Bool
    /// Plan stop number (1-based, in `stops` order) it is assigned to, when covered.
    public var stop: Int?
    /// Walking distance (straight line, metres) from the centroid to that stop.
    public var stopDistance: Double?
    /// Geometry index in ``FoodVanPlan/areas``.
    public var areaIndex: Int
}

/// A chosen stop, in route order.
public struct FoodVanStop: Sendable, Hashable {
    /// Stop number in the plan (1-based; the day and order within the day give the route).
    public var number: Int
    public var id: String
    public var name: String
    public var point: Coordinate
    /// The area the stop lies in, with its IMD decile.
    public var areaCode: String
    public var areaName: String
    public var decile: Int?
    /// Nearest food store from the stop (metres, straight line) and its name.
    public var nearestStore: Double?
    public var nearestStoreName: String?
    /// Target population assigned to this stop (each covered area to its nearest chosen stop).
    public var populationCovered: Double
    /// Target population within the walking radius (areas may count at more than one stop).
    public var populationWithin: Double
    public var areasCovered: [String]
    public var day: Int
    public var order: Int
    /// Arrival and departure, minutes after midnight.
    public var arrival: Double
    public var departure: Double
    /// Driving minutes and kilometres from the previous stop (or the depot).
    public var legMinutes: Double
    public var legKilometres: Double
}

/// A food-van plan: the target population, the chosen stops and the day routes.
public struct FoodVanPlan: Sendable {
    public var regionDescription: String
    /// The region's areas (geometry for outputs), in the areas' CRS.
    public var areas: Areas
    /// Areas of the region in the chosen deciles, targeted or not.
    public var considered: [FoodVanArea]
    public var stops: [FoodVanStop]
    public var routes: [DayRoute]
    /// Route geometry per day (EPSG:27700): depot, stops, depot.
    public var routeLines: [[Coordinate]]
    public var depot: Coordinate
    public var depotLabel: String
    public var covering: CoveringSolution
    public var setCover: SetCoverSolution
    /// Identifiers of the set-covering stops (the fewest stops reaching every reachable target).
    public var setCoverStopIds: [String]
    /// Where the candidate stops came from, in words.
    public var candidateSource: String
    /// The plan in numbers: areas and people of the region, the deciles, the targets, covered.
    public var figures: FoodVanFigures
    /// One line each: how provision, coverage and travel were measured.
    public var provisionRule: String
    public var coverageRule: String
    public var travelRule: String
    /// The settings the plan was made with.
    public var input: FoodVanSettings
    /// What the planner noticed, in the order found (the frame's first).
    public var diagnostics: [Diagnostic]

    /// The diagnostics in plain words.
    public var notes: [String] { diagnostics.map(\.description) }
}

/// A food-van plan in numbers.
public struct FoodVanFigures: Sendable, Hashable, Codable {
    /// Areas and people of the region.
    public var regionAreas: Int
    public var regionPopulation: Double
    /// Areas of the region in the target deciles, and their people.
    public var decileAreas: Int
    public var decilePopulation: Double
    /// Areas targeted (in the deciles, with low food provision), and their people.
    public var targetAreas: Int
    public var targetPopulation: Double
    /// Target people within the walking radius of some candidate stop.
    public var reachablePopulation: Double
    /// Target people covered by the chosen stops.
    public var coveredPopulation: Double
    /// Candidate stops considered.
    public var candidateCount: Int
}

/// The settings a plan was made with (for outputs).
public struct FoodVanSettings: Sendable, Hashable, Codable {
    public var deciles: [Int]
    public var foodThreshold: Double
    public var foodThresholdUnit: String
    public var walkRadius: Double
    public var stopsRequested: Int?
    public var days: Int?
    public var dayMinutes: Double
    public var stopMinutes: Double
    public var startMinutes: Double
    public var seed: UInt64
}

