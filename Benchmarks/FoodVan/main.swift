// food-van-benchmark: stop selection at national scale — every Core20 LSOA in England (IMD 2025,
// deciles 1–2, LSOA 2021) as both a client (weighted by its Census 2021 population) and a
// candidate stop (at its population-weighted centroid), 1 km walking radius, p = 100 stops.
// Times the coverage lists, greedy + interchange, the Lagrangian upper bound and the set
// covering, and prints the coverage, the bound and the gap.
//
//     swift run -c release food-van-benchmark [--stops P] [--radius METRES] [--runs N]
import BenchmarkSupport
import DeprivationMap
import Foundation

let data = dataRoot()
var p = 100
var radius = 1_000.0
var runs = 3
var arguments = CommandLine.arguments.dropFirst()
while let arg = arguments.popFirst() {
    switch arg {
    case "--stops": p = Int(arguments.popFirst() ?? "") ?? p
    case "--radius": radius = Double(arguments.popFirst() ?? "") ?? radius
    case "--runs": runs = Int(arguments.popFirst() ?? "") ?? runs
    default:
        FileHandle.standardError.write(Data("usage: food-van-benchmark [--stops P] [--radius METRES] [--runs N]\n".utf8))
        exit(2)
    }
}

var t = now()
let imd = try DeprivationTable.read(paths: [data + "/imd/imd2025_england_lsoa21.csv"])
let centroids = try readCentroids(path: data + "/centroids/lsoa21_ew_centres_drkane.csv", crs: .britishNationalGrid)
let population = try AreaValues.read(path: data + "/population/census2021_usual_residents_lsoa21_age6.csv")
let core20 = imd.records.filter { $0.isCore20 && centroids[$0.code] != nil }
let points = core20.map { centroids[$0.code]! }
let weights = core20.map { population.values[$0.code] ?? 0 }
let readSeconds = now() - t
print("food-van-benchmark: \(core20.count) Core20 LSOAs in England (IMD 2025), \(Int(weights.reduce(0, +))) people; p = \(p), radius \(Int(radius)) m")
print(String(format: "  read inputs: %.2f s (not part of the solve)", readSeconds))

var times: [Double] = []
var last: (CoverageInstance, CoveringSolution, SetCoverSolution, [(String, Double)])?
for run in 1...runs {
    var phases: [(String, Double)] = []
    t = now()
    let start = t
    func lap(_ name: String) { let n = now(); phases.append((name, n - t)); t = n }
    let instance = CoverageInstance(clients: points, weights: weights, candidates: points, radius: radius)
    lap("coverage lists")
    let solution = StopSelection.maximalCovering(instance, p: p)
    lap("maximal covering (greedy, interchange, bound)")
    let cover = StopSelection.setCovering(instance)
    lap("set covering")
    let total = now() - start
    times.append(total)
    print(String(format: "  run %d: %.3f s", run, total))
    last = (instance, solution, cover, phases)
}
let (instance, solution, cover, phases) = last!
for (name, seconds) in phases { print(String(format: "    %-48@ %.3f s", name as NSString, seconds)) }
let totalWeight = weights.reduce(0, +)
print("  \(instance.pairCount) candidate–client pairs within \(Int(radius)) m")
print(String(format: "  solve time (median of %d): %.3f s   [target < 5 s]", runs, median(times)))
print(String(format: "  covered: %.0f people = %.2f%% of the Core20 population; greedy alone %.0f; %d swaps",
             solution.covered, 100 * solution.covered / totalWeight, solution.greedyCovered, solution.swaps))
print(String(format: "  upper bound: %.0f people; gap %.3f%% (%@)", solution.upperBound, 100 * solution.gap, solution.method as NSString))
print("  set covering: \(cover.stops.count) stops cover all \(instance.clientCount) areas (lower bound \(cover.lowerBound); \(cover.method))")
print(String(format: "  peak memory: %.0f MiB", peakMemoryMiB()))
