import Foundation

/// An area of the region in the chosen deciles: whether it is targeted, and why.
public struct FoodVanArea: Sendable, Hashable {
    /// The area's code (LSOA).
    public var code: String
    /// Its name ("" when the layer has none).
    public var name: String
    /// Its national IMD decile (1 = most deprived).
    public var decile: Int
    /// Its national IMD rank (1 = most deprived), when the table has ranks.
    public var rank: Int?
    /// People in the area.
    public var population: Double
    /// Its population-weighted centroid, EPSG:27700 metres.
    public var centroid: Coordinate
    /// Distance (metres) or time (minutes) to the nearest food store, and that store.
    public var nearestStore: Double?
    /// Name (and identifier) of that store.
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
    /// The stop's identifier: an area code, or the site's identifier or name.
    public var id: String
    /// The stop's name.
    public var name: String
    /// Where the van stops, EPSG:27700 metres.
    public var point: Coordinate
    /// The area the stop lies in, with its IMD decile.
    public var areaCode: String
    /// Name of that area.
    public var areaName: String
    /// IMD decile of that area.
    public var decile: Int?
    /// Nearest food store from the stop (metres, straight line) and its name.
    public var nearestStore: Double?
    /// Name (and identifier) of that store.
    public var nearestStoreName: String?
    /// Target population assigned to this stop (each covered area to its nearest chosen stop).
    public var populationCovered: Double
    /// Target population within the walking radius (areas may count at more than one stop).
    public var populationWithin: Double
    /// Codes of the target areas within the walking radius.
    public var areasCovered: [String]
    /// Visit day (1-based).
    public var day: Int
    /// Order within the day (1-based).
    public var order: Int
    /// Arrival and departure, minutes after midnight.
    public var arrival: Double
    /// Departure, minutes after midnight.
    public var departure: Double
    /// Driving minutes and kilometres from the previous stop (or the depot).
    public var legMinutes: Double
    /// Kilometres from the previous stop (or the depot): straight line, or along the roads with a network.
    public var legKilometres: Double
    /// Where it is in words a driver can use (nearest postcode, ward, district, lon/lat), once
    /// ``FoodVanPlan/locateStops(postcodes:geography:)`` has run.
    public var place: StopPlace? = nil
}

/// A food-van plan: the target population, the chosen stops and the day routes.
public struct FoodVanPlan: Sendable {
    /// The region in words.
    public var regionDescription: String
    /// The region's areas (geometry for outputs), in the areas' CRS.
    public var areas: Areas
    /// Areas of the region in the chosen deciles, targeted or not.
    public var considered: [FoodVanArea]
    /// The chosen stops, in route order.
    public var stops: [FoodVanStop]
    /// The day routes.
    public var routes: [DayRoute]
    /// Route geometry per day (EPSG:27700): depot, stops, depot; along the roads with a network.
    public var routeLines: [[Coordinate]]
    /// The depot, EPSG:27700 metres.
    public var depot: Coordinate
    /// The depot as the user named it.
    public var depotLabel: String
    /// The stop selection: stops, people covered, bound and method.
    public var covering: CoveringSolution
    /// The fewest stops that reach every reachable target area.
    public var setCover: SetCoverSolution
    /// Identifiers of the set-covering stops (the fewest stops reaching every reachable target).
    public var setCoverStopIds: [String]
    /// Where the candidate stops came from, in words.
    public var candidateSource: String
    /// The plan in numbers: areas and people of the region, the deciles, the targets, covered.
    public var figures: FoodVanFigures
    /// One line each: how provision, coverage and travel were measured.
    public var provisionRule: String
    /// How coverage was measured, in words.
    public var coverageRule: String
    /// How driving time was measured, in words.
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
    /// Areas of the region.
    public var regionAreas: Int
    /// People in the region.
    public var regionPopulation: Double
    /// Areas of the region in the target deciles.
    public var decileAreas: Int
    /// People in those areas.
    public var decilePopulation: Double
    /// Areas targeted (in the deciles, with low food provision).
    public var targetAreas: Int
    /// People in the targeted areas.
    public var targetPopulation: Double
    /// Target people within the walking radius of some candidate stop.
    public var reachablePopulation: Double
    /// Target people covered by the chosen stops.
    public var coveredPopulation: Double
    /// Candidate stops considered.
    public var candidateCount: Int

    private enum CodingKeys: String, CodingKey {
        case regionAreas, regionPopulation, decileAreas, decilePopulation, targetAreas, targetPopulation, reachablePopulation, coveredPopulation
        case candidateCount = "candidates"
    }
}

/// The settings a plan was made with (for outputs).
public struct FoodVanSettings: Sendable, Hashable, Codable {
    /// Target IMD deciles.
    public var deciles: [Int]
    /// Low food provision threshold, in ``foodThresholdUnit``.
    public var foodThreshold: Double
    /// "m" (straight line) or "minutes" (store travel times).
    public var foodThresholdUnit: String
    /// Walking radius of a stop, metres.
    public var walkRadius: Double
    /// Stops asked for; `nil` for the fewest that reach everyone reachable.
    public var stopsRequested: Int?
    /// Visit days asked for; `nil` for as few as the day allows.
    public var days: Int?
    /// Length of a day, minutes.
    public var dayMinutes: Double
    /// Time at each stop, minutes.
    public var stopMinutes: Double
    /// Departure from the depot, minutes after midnight.
    public var startMinutes: Double
    /// Seed of the route search.
    public var seed: UInt64
}

