import DeprivationMap
import Foundation
import TestSupport
import Testing

/// Core20 LSOAs (IMD 2025, LSOA 2021) of Mid and South Essex districts, with Census 2021
/// population and population-weighted centroids in EPSG:27700, read from the data folder.
struct Core20Areas {
    var codes: [String] = []
    var points: [Coordinate] = []
    var weights: [Double] = []

    struct Tables: Sendable {
        var imd: DeprivationTable
        var geography: AreaGeography
        var centroids: [String: Coordinate]
        var population: AreaValues
    }
    /// Read once for every test.
    static let tables: Result<Tables, Error> = Result {
        Tables(imd: try DeprivationTable.read(paths: [try TestData.path("imd/imd2025_england_lsoa21.csv")]),
               geography: try AreaGeography.read(paths: [try TestData.path("lookups/lsoa21_ward24_ltla24.csv.gz")]),
               centroids: try readCentroids(path: try TestData.path("centroids/lsoa21_ew_centres_drkane.csv"), crs: .britishNationalGrid),
               population: try AreaValues.read(path: try TestData.path("population/census2021_usual_residents_lsoa21_age6.csv")))
    }

    static func load(districts: Set<String>) throws -> Core20Areas {
        let t = try tables.get()
        let (imd, geography, centroids, population) = (t.imd, t.geography, t.centroids, t.population)
        var result = Core20Areas()
        for r in imd.records.sorted(by: { $0.code < $1.code }) where r.isCore20 {
            guard let district = geography.entries[r.code]?.districtName, districts.contains(district),
                  let point = centroids[r.code], let people = population.values[r.code] else { continue }
            result.codes.append(r.code)
            result.points.append(point)
            result.weights.append(people)
        }
        return result
    }
}

/// Brute force over every set of `p` candidates (clients ≤ 64, as bit masks).
func bruteForceCovering(weights: [Double], covers: [[Int]], p: Int) -> Double {
    precondition(weights.count <= 64)
    let masks = covers.map { $0.reduce(UInt64(0)) { $0 | (UInt64(1) << UInt64($1)) } }
    var best = 0.0
    func value(_ mask: UInt64) -> Double {
        var m = mask, v = 0.0
        while m != 0 { let b = m.trailingZeroBitCount; v += weights[b]; m &= m - 1 }
        return v
    }
    func visit(_ start: Int, _ left: Int, _ mask: UInt64) {
        if left == 0 { best = max(best, value(mask)); return }
        guard start <= masks.count - left else { return }
        for j in start...(masks.count - left) { visit(j + 1, left - 1, mask | masks[j]) }
    }
    visit(0, p, 0)
    return best
}

/// Held–Karp: the shortest closed tour from node 0 through every other node (asymmetric costs allowed).
func heldKarp(_ m: [[Double]]) -> Double {
    let n = m.count - 1
    let full = 1 << n
    var dp = [Double](repeating: .infinity, count: full * n)
    for k in 0..<n { dp[(1 << k) * n + k] = m[0][k + 1] }
    for set in 1..<full {
        for last in 0..<n where set & (1 << last) != 0 {
            let here = dp[set * n + last]
            guard here.isFinite else { continue }
            for next in 0..<n where set & (1 << next) == 0 {
                let key = (set | (1 << next)) * n + next
                let v = here + m[last + 1][next + 1]
                if v < dp[key] { dp[key] = v }
            }
        }
    }
    return (0..<n).map { dp[(full - 1) * n + $0] + m[$0 + 1][0] }.min()!
}

func straightMinutes(_ points: [Coordinate], speed: Double = 25, detour: Double = 1.3) -> [[Double]] {
    points.map { a in points.map { b in ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() * detour / 1000 / speed * 60 } }
}

@Suite("Food van: stop selection and routes")
struct FoodVanTests {
    @Test("Coverage lists equal a brute-force distance scan, both ways")
    func coverageLists() throws {
        var rng = Xoshiro256(seed: 5)
        let clients = (0..<300).map { _ in Coordinate(x: 10_000 * rng.nextUniform(), y: 10_000 * rng.nextUniform()) }
        let sites = (0..<80).map { _ in Coordinate(x: 10_000 * rng.nextUniform(), y: 10_000 * rng.nextUniform()) }
        let instance = CoverageInstance(clients: clients, weights: clients.map { _ in 1 }, candidates: sites, radius: 900)
        var pairs = 0
        for (j, s) in sites.enumerated() {
            let brute = clients.indices.filter { ((clients[$0].x - s.x) * (clients[$0].x - s.x) + (clients[$0].y - s.y) * (clients[$0].y - s.y)).squareRoot() <= 900 }
            #expect(instance.clients(of: j).map(Int.init) == brute)
            pairs += brute.count
            for i in brute { #expect(instance.candidates(of: i).contains(Int32(j))) }
        }
        #expect(instance.pairCount == pairs)
    }

    @Test("Interchange repairs greedy's classic mistake (greedy 5, optimum 6)")
    func interchangeBeatsGreedy() {
        // A covers four clients; B and C together cover all six.
        let instance = CoverageInstance(weights: [1, 1, 1, 1, 1, 1], covers: [[0, 1, 2, 3], [0, 1, 4], [2, 3, 5]])
        let heuristic = StopSelection.maximalCovering(instance, p: 2, exactLimit: 0)
        #expect(heuristic.greedyCovered == 5)
        #expect(heuristic.covered == 6)
        #expect(Set(heuristic.stops) == [1, 2])
        #expect(heuristic.optimal)
        let exact = StopSelection.maximalCovering(instance, p: 2)
        #expect(exact.covered == 6)
    }

    /// Real instances: Core20 LSOAs of MSE districts as clients and candidates.
    static let coveringCases: [(districts: [String], radius: Double, p: Int)] = [
        (["Basildon"], 800, 3), (["Basildon"], 800, 5),
        (["Southend-on-Sea"], 1_000, 4), (["Southend-on-Sea"], 1_000, 6),
        (["Thurrock", "Castle Point", "Chelmsford", "Braintree", "Rochford"], 1_500, 5),
    ]

    @Test("Maximal covering on real MSE instances of 25-31 candidates: heuristic >= 99% of the brute-force optimum, exact = optimum, bound >= optimum",
          arguments: coveringCases)
    func maximalCoveringAgainstBruteForce(districts: [String], radius: Double, p: Int) throws {
        let areas = try Core20Areas.load(districts: Set(districts))
        #expect((20...40).contains(areas.codes.count), "\(areas.codes.count) candidates")
        let instance = CoverageInstance(clients: areas.points, weights: areas.weights, candidates: areas.points, radius: radius)
        let covers = (0..<instance.candidateCount).map { instance.clients(of: $0).map(Int.init) }
        let optimum = bruteForceCovering(weights: areas.weights, covers: covers, p: p)
        let heuristic = StopSelection.maximalCovering(instance, p: p, exactLimit: 0)
        #expect(heuristic.stops.count == p)
        #expect(Set(heuristic.stops).count == p)
        #expect(heuristic.covered >= 0.99 * optimum, "heuristic \(heuristic.covered), optimum \(optimum)")
        #expect(abs(instance.coveredWeight(heuristic.stops) - heuristic.covered) < 1e-6)
        #expect(heuristic.upperBound >= optimum - 1e-6, "the bound \(heuristic.upperBound) must not be below the optimum \(optimum)")
        let exact = StopSelection.maximalCovering(instance, p: p)
        #expect(abs(exact.covered - optimum) < 1e-6, "exact \(exact.covered), brute force \(optimum)")
        #expect(exact.optimal)
        #expect(exact.gap == 0)
        // Without the Lagrangian bound the branch and bound must prove optimality itself.
        let searched = StopSelection.maximalCovering(instance, p: p, boundIterations: 0)
        #expect(searched.method.hasPrefix("exact"), "\(searched.method)")
        #expect(abs(searched.covered - optimum) < 1e-6)
        #expect(searched.optimal)
        // A search cut short is not called optimal, and its bound still holds.
        let cut = StopSelection.maximalCovering(instance, p: p, nodeLimit: 3, boundIterations: 0)
        #expect(!cut.optimal)
        #expect(cut.upperBound >= optimum - 1e-6)
        #expect(cut.method.contains("stopped after"))
    }

    @Test("Set covering on a real instance equals the brute-force minimum; its lower bound holds")
    func setCoveringAgainstBruteForce() throws {
        let areas = try Core20Areas.load(districts: ["Basildon"])
        let instance = CoverageInstance(clients: areas.points, weights: areas.weights, candidates: areas.points, radius: 2_000)
        let masks = (0..<instance.candidateCount).map { instance.clients(of: $0).reduce(UInt64(0)) { $0 | (UInt64(1) << UInt64($1)) } }
        let all = masks.reduce(UInt64(0), |)
        func coverable(_ k: Int) -> Bool {
            func visit(_ start: Int, _ left: Int, _ mask: UInt64) -> Bool {
                if mask == all { return true }
                if left == 0 || start >= masks.count { return false }
                for j in start..<masks.count where visit(j + 1, left - 1, mask | masks[j]) { return true }
                return false
            }
            return visit(0, k, 0)
        }
        let minimum = (1...masks.count).first(where: coverable)!
        let solution = StopSelection.setCovering(instance)
        #expect(solution.stops.count == minimum, "\(solution.method)")
        #expect(solution.optimal)
        let stops = solution.stops.reduce(UInt64(0)) { $0 | masks[$1] }
        #expect(stops == all)
        let greedyOnly = StopSelection.setCovering(instance, exactLimit: 0)
        #expect(greedyOnly.lowerBound <= minimum)
        #expect(greedyOnly.stops.count >= minimum)
    }

    @Test("Routes on real MSE stops from the SS2 6ER depot are within 3% of the Held-Karp optimal tour", arguments: [0, 1, 2, 3])
    func routeAgainstHeldKarp(instance: Int) throws {
        let depot = try CodePointOpen.locate("SS2 6ER", path: try TestData.path("postcodes/codepoint_open_2025-04_mse.csv"))
        let areas = try Core20Areas.load(districts: ["Basildon", "Southend-on-Sea", "Thurrock", "Castle Point"])
        // Every 5th area from a different offset: 12–14 stops spread over the four districts.
        let stops = stride(from: instance, to: areas.points.count, by: 5).map { areas.points[$0] }.prefix(12 + instance % 3)
        let minutes = straightMinutes([depot] + stops)
        let optimum = heldKarp(minutes)
        let routes = try RoutePlanner.plan(minutes: minutes, labels: stops.indices.map { "stop \($0)" }, serviceMinutes: 0,
                                           dayMinutes: 10_000, days: 1, seed: 1)
        #expect(routes.count == 1)
        #expect(routes[0].stops.sorted() == Array(0..<stops.count))
        let length = RoutePlanner.tourMinutes(routes[0].stops.map { $0 + 1 }, minutes: minutes)
        #expect(abs(length - routes[0].drivingMinutes) < 1e-9)
        #expect(length <= optimum * 1.03, "route \(length) min, optimum \(optimum) min")
    }

    @Test("Asymmetric travel times: within 3% of Held-Karp too")
    func asymmetricRoute() throws {
        var rng = Xoshiro256(seed: 3)
        let points = (0..<13).map { _ in Coordinate(x: 20_000 * rng.nextUniform(), y: 20_000 * rng.nextUniform()) }
        var minutes = straightMinutes(points)
        for a in minutes.indices { for b in minutes.indices where a != b { minutes[a][b] *= 1 + 0.4 * rng.nextUniform() } }
        let optimum = heldKarp(minutes)
        let routes = try RoutePlanner.plan(minutes: minutes, labels: (1..<13).map { "s\($0)" }, serviceMinutes: 0, dayMinutes: 10_000, days: 1)
        #expect(RoutePlanner.tourMinutes(routes[0].stops.map { $0 + 1 }, minutes: minutes) <= optimum * 1.03)
    }

    @Test("Days: every stop once, each day within the budget, the days asked for, same seed same plan")
    func dayRoutes() throws {
        let depot = Coordinate(x: 587_937, y: 186_364)
        let areas = try Core20Areas.load(districts: ["Southend-on-Sea", "Basildon"])
        let stops = Array(areas.points.prefix(20))
        let minutes = straightMinutes([depot] + stops)
        let labels = stops.indices.map { areas.codes[$0] }
        let fewest = try RoutePlanner.plan(minutes: minutes, labels: labels, serviceMinutes: 30, dayMinutes: 300, days: nil, seed: 9)
        for r in fewest { #expect(r.totalMinutes <= 300 + 1e-9) }
        #expect(fewest.flatMap(\.stops).sorted() == Array(0..<20))
        // 20 stops × 30 minutes of service need at least two 300-minute days.
        #expect(fewest.count >= 2)
        let spread = try RoutePlanner.plan(minutes: minutes, labels: labels, serviceMinutes: 30, dayMinutes: 300, days: fewest.count + 2, seed: 9)
        #expect(spread.count == fewest.count + 2)
        #expect(spread.allSatisfy { !$0.stops.isEmpty && $0.totalMinutes <= 300 + 1e-9 })
        #expect(spread.flatMap(\.stops).sorted() == Array(0..<20))
        #expect(spread.map(\.totalMinutes).max()! <= fewest.map(\.totalMinutes).max()! + 1e-9, "more days should not make the longest day longer")
        let again = try RoutePlanner.plan(minutes: minutes, labels: labels, serviceMinutes: 30, dayMinutes: 300, days: fewest.count + 2, seed: 9)
        #expect(again == spread)
        // Arrival times add up: previous arrival + service + leg.
        for r in spread {
            for k in r.stops.indices.dropFirst() {
                #expect(abs(r.arrivals[k] - (r.arrivals[k - 1] + 30 + r.legMinutes[k])) < 1e-9)
            }
        }
    }

    @Test("A day too short for one stop, and too few days, are errors that say what to change")
    func routeErrors() throws {
        let minutes = straightMinutes([Coordinate(x: 0, y: 0), Coordinate(x: 10_000, y: 0), Coordinate(x: 0, y: 10_000)])
        #expect(throws: RouteError.self) { try RoutePlanner.plan(minutes: minutes, labels: ["far", "other"], serviceMinutes: 45, dayMinutes: 60, days: nil) }
        do {
            _ = try RoutePlanner.plan(minutes: minutes, labels: ["far", "other"], serviceMinutes: 45, dayMinutes: 60, days: nil)
        } catch let e as RouteError {
            #expect(e.description.contains("too short for a single stop"))
            // The advice names the setting to change; the command line words it as its flag.
            #expect(e.advice?.settings.contains(.dayMinutes) == true)
        }
        do {
            _ = try RoutePlanner.plan(minutes: minutes, labels: ["a", "b"], serviceMinutes: 45, dayMinutes: 130, days: 1)
            Issue.record("two stops of 45 minutes plus driving do not fit one 130-minute day")
        } catch let e as RouteError {
            #expect(e == .needsMoreDays(days: 1, minimum: 2, budget: 130))
        }
    }

    @Test("A postcode is found in the zip by its area file; an unknown one names its sector's postcodes")
    func depotPostcode() throws {
        let zip = try TestData.path("postcodes/codepo_gb_2025-04.zip")
        let point = try CodePointOpen.locate("ss2 6er", path: zip)
        #expect(point == Coordinate(x: 587_937, y: 186_364))
        #expect(throws: PostcodeError.self) { try CodePointOpen.locate("SS2 6ZZ", path: zip) }
        do {
            _ = try CodePointOpen.locate("SS2 6ZZ", path: zip)
        } catch let e as PostcodeError {
            #expect(e.description.contains("SS2 6ZZ"))
            #expect(e.description.contains("SS2 6"))
        }
        #expect(throws: PostcodeError.notAPostcode("hello")) { try CodePointOpen.locate("hello", path: zip) }
    }
}
