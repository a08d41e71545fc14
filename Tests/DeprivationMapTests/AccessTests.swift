import DeprivationMap
import Foundation
import TestSupport
import Testing

@Suite("Access measures and inequality statistics")
struct AccessTests {
    let scratch = try! TemporaryDirectory()

    /// Points on a jittered grid, deterministic.
    func points(_ n: Int, seed: UInt64) -> [Coordinate] {
        var rng = Xoshiro256(seed: seed)
        return (0..<n).map { _ in Coordinate(x: 500_000 + 50_000 * rng.nextUniform(), y: 180_000 + 50_000 * rng.nextUniform()) }
    }

    @Test("The point tree finds the same neighbours as a brute-force scan")
    func pointTreeMatchesBruteForce() {
        let services = points(700, seed: 7) + [Coordinate(x: .nan, y: 0)]
        let tree = PointTree(services)
        #expect(tree.count == 700)
        for origin in points(60, seed: 11) {
            let brute = services.indices.filter { services[$0].x.isFinite }
                .map { ($0, ((services[$0].x - origin.x) * (services[$0].x - origin.x) + (services[$0].y - origin.y) * (services[$0].y - origin.y)).squareRoot()) }
            let within = tree.within(origin, radius: 4_000)
            #expect(within.map(\.index) == brute.filter { $0.1 <= 4_000 }.map(\.0))
            let sorted = brute.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
            let k5 = tree.nearest(origin, k: 5)
            #expect(k5.map(\.index) == sorted.prefix(5).map(\.0))
            #expect(zip(k5.map(\.distance), sorted.prefix(5).map(\.1)).allSatisfy { abs($0 - $1) < 1e-9 })
        }
        #expect(tree.nearest(Coordinate(x: 0, y: 0), k: 1000).count == 700)
        #expect(PointTree([]).nearest(Coordinate(x: 0, y: 0), k: 1).isEmpty)
    }

    @Test("2SFCA, E2SFCA and 3SFCA on a worked example")
    func floatingCatchment() {
        // Areas A (100 people) and B (300); service X (supply 2) reached by both at 1 and 3 km,
        // service Y (supply 1) reached by B only at 2 km.
        let n = SparseNeighbours(serviceCount: 2, offsets: [0, 1, 3], services: [0, 0, 1], costs: [1_000, 3_000, 2_000])
        let two = FloatingCatchment.compute(neighbours: n, demand: [100, 300], supply: [2, 1], decay: .binary, method: .twoStep, scale: 1)
        // R_X = 2/400, R_Y = 1/300; A = R_X, B = R_X + R_Y.
        #expect(isClose(two.access[0], 2.0 / 400, within: 1e-15))
        #expect(isClose(two.access[1], 2.0 / 400 + 1.0 / 300, within: 1e-15))
        // Supply is conserved: Σ demand × access = Σ supply for a binary catchment.
        #expect(isClose(100 * two.access[0] + 300 * two.access[1], 3, within: 1e-12))
        // Steps ≤1.5 km → 1, ≤3 km → 0.5.
        let steps = DistanceDecay.steps([.init(upTo: 1_500, weight: 1), .init(upTo: 3_000, weight: 0.5)])
        let e = FloatingCatchment.compute(neighbours: n, demand: [100, 300], supply: [2, 1], decay: steps, method: .enhanced, scale: 1)
        let rx = 2.0 / (100 + 0.5 * 300), ry = 1.0 / (0.5 * 300)
        #expect(isClose(e.access[0], rx, within: 1e-15))
        #expect(isClose(e.access[1], 0.5 * rx + 0.5 * ry, within: 1e-15))
        // 3SFCA: B's selection weights are 0.5/(0.5+0.5) each; A's is 1.
        let t = FloatingCatchment.compute(neighbours: n, demand: [100, 300], supply: [2, 1], decay: steps, method: .threeStep, scale: 1)
        let rx3 = 2.0 / (100 + 0.5 * 0.5 * 300), ry3 = 1.0 / (0.5 * 0.5 * 300)
        #expect(isClose(t.access[0], rx3, within: 1e-15))
        #expect(isClose(t.access[1], 0.25 * rx3 + 0.25 * ry3, within: 1e-15))
        #expect(isClose(100 * t.access[0] + 300 * t.access[1], 3, within: 1e-12))
        // An area reaching nothing gets 0, never NaN; a service without demand is counted.
        let lonely = SparseNeighbours(serviceCount: 2, offsets: [0, 1, 1], services: [0], costs: [10])
        let r = FloatingCatchment.compute(neighbours: lonely, demand: [0, 50], supply: [1, 1], decay: .binary, method: .twoStep)
        #expect(r.access == [0, 0] && r.reachesService == [true, false] && r.servicesWithoutDemand == 2)
    }

    @Test("Distance decay parsing and weights, as PySAL's step_fn and gaussian")
    func decay() throws {
        let s = try DistanceDecay.parse("steps:20=1,40=0.68,60=0.22")
        #expect([0.0, 20, 30, 40, 50, 60, 70].map(s.weight) == [1, 1, 0.68, 0.68, 0.22, 0.22, 0])
        let g = try DistanceDecay.parse("gaussian:20")
        #expect(isClose(g.weight(20), 0.6065306597126334, within: 1e-15))
        #expect(isClose(g.weight(40), 0.1353352832366127, within: 1e-15))
        #expect(throws: AccessError.self) { try DistanceDecay.parse("steps:10") }
        #expect(throws: AccessError.self) { try DistanceDecay.parse("cubic") }
    }

    @Test("SII and RII: exact on a straight line, refused below 5 groups, log and logit need valid values")
    func slopeIndex() throws {
        // Values on y = 10 + 4x at the population midpoints: SII is 4, RII 14/10, and with zero
        // standard errors the limits collapse onto the estimate.
        let pops = [100.0, 300, 200, 250, 150]
        var cumulative = 0.0
        var groups: [SIIGroup] = []
        for (i, p) in pops.enumerated() {
            let mid = (cumulative + p / 2) / 1000
            cumulative += p
            groups.append(SIIGroup(group: i + 1, value: 10 + 4 * mid, population: p, standardError: 0))
        }
        let s = try SlopeIndex.compute(groups, draws: 1000)
        #expect(isClose(s.sii, 4, within: 1e-12))
        #expect(isClose(s.rii!, 1.4, within: 1e-12))
        #expect(isClose(s.siiLower, 4, within: 1e-12) && isClose(s.siiUpper, 4, within: 1e-12))
        // Log transform on y = exp(1 + 0.5x): RII = exp(0.5) exactly.
        let logGroups = groups.map { g in SIIGroup(group: g.group, value: exp(1 + 0.5 * ((g.value - 10) / 4)), population: g.population, standardError: 0.01) }
        let l = try SlopeIndex.compute(logGroups, transform: .log, draws: 2000)
        #expect(isClose(l.rii!, exp(0.5), within: 1e-12))
        #expect(isClose(l.sii, exp(1.5) - exp(1), within: 1e-12))
        #expect(l.siiLower < l.sii && l.sii < l.siiUpper)
        // Seeded: the same limits twice, different with another seed.
        let noisy = groups.map { SIIGroup(group: $0.group, value: $0.value, population: $0.population, standardError: 0.5) }
        let a = try SlopeIndex.compute(noisy, draws: 5000, seed: 3), b = try SlopeIndex.compute(noisy, draws: 5000, seed: 3)
        let c = try SlopeIndex.compute(noisy, draws: 5000, seed: 4)
        #expect(a.siiLower == b.siiLower && a.siiUpper == b.siiUpper && a.siiLower != c.siiLower)
        #expect(throws: SIIError.tooFewGroups(4)) { try SlopeIndex.compute(Array(groups.prefix(4))) }
        #expect(throws: SIIError.self) { try SlopeIndex.compute(groups, transform: .logit) } // values > 1
        var zero = groups
        zero[2].population = 0
        #expect(throws: SIIError.self) { try SlopeIndex.compute(zero) }
    }

    @Test("Concentration index on a hand-worked example")
    func concentration() {
        // Ranked most deprived first: values 1, 2, 4 with weights 1, 1, 2; fractional ranks 1/8, 3/8,
        // 3/4; mean 11/4. C = 2/2.75 · [1·(−1.75)(−3/8) + 1·(−0.75)(−1/8) + 2·(1.25)(1/4)] / 4
        // = 2/2.75 · 1.375 / 4 = 0.25.
        let c = ConcentrationIndex.compute(values: [4, 1, 2], weights: [2, 1, 1], order: [3, 1, 2])
        #expect(isClose(c!, 0.25, within: 1e-15))
        // Equal values: 0; nothing usable: nil.
        #expect(ConcentrationIndex.compute(values: [5, 5], weights: [1, 3], order: [1, 2]) == 0)
        #expect(ConcentrationIndex.compute(values: [nil], weights: [1], order: [1]) == nil)
    }

    @Test("Group summaries: weighted mean, median, share above, standard error")
    func summaries() {
        let rows = GroupSummaries.summarise(values: [1, 2, 10, nil, 4], weights: [1, 1, 2, 5, 0], group: [1, 1, 1, 1, 2], groups: 2, threshold: 5)
        #expect(rows.count == 1) // group 2's only area has weight 0
        let r = rows[0]
        #expect(r.areas == 3 && r.population == 4)
        #expect(isClose(r.mean, 23.0 / 4, within: 1e-15))
        #expect(r.median == 2) // half the weight (2 of 4) is reached at value 2
        #expect(r.shareAbove == 0.5)
        let d1 = 1.0 - 5.75, d2 = 2.0 - 5.75, d3 = 10.0 - 5.75
        let variance = (d1 * d1 + d2 * d2 + 2 * d3 * d3) / 4
        #expect(isClose(r.standardError, (variance / 3).squareRoot(), within: 1e-15))
    }

    @Test("Long matrices, service capacity tables and need weights by age")
    func inputs() throws {
        let matrix = scratch.path("long.csv")
        try "origin,destination,minutes\nA1,RM7 0AG,12\nA1,X1,\nA2,X1,30\nZZ,X1,5\nA2,Q9,4\n".write(toFile: matrix, atomically: true, encoding: .utf8)
        let m = try TravelTimeMatrix.read(path: matrix, areaCodes: ["A1", "A2", "A3"], areaNames: ["a", "b", "c"], serviceIds: ["S1", "X1"], servicePostcodes: ["RM70AG", ""])
        #expect(m.layout == .long)
        #expect(m.neighbours.pairCount == 2)
        #expect(m.missingPairs == 1)
        #expect(m.unknownAreas == ["ZZ"] && m.unknownServices == ["Q9"] && m.areasWithoutRow == [2])
        #expect(Array(m.neighbours.range(of: 0)).map { m.neighbours.costs[$0] } == [12])

        let capacity = scratch.path("cap.csv")
        try "Practice.Code,Year,FTE\nP1,2024,3\nP1,2025,4\nP2,2025,NA\n".write(toFile: capacity, atomically: true, encoding: .utf8)
        #expect(throws: AccessError.self) { try ServiceCapacity.read(path: capacity, valueColumn: "FTE") }
        let c = try ServiceCapacity.read(path: capacity, valueColumn: "FTE", filters: [RowFilter(column: "Year", equals: "2025")])
        #expect(c.values == ["P1": 4] && c.skipped.count == 1)

        let ages = scratch.path("ages.csv")
        try "lsoa11_code,total,0,1,64,65,90\nE1,50,10,10,10,10,10\n".write(toFile: ages, atomically: true, encoding: .utf8)
        let need = try NeedWeighting.parseWeights("65+=3,0-1=0.5")
        #expect(throws: AccessError.self) { try NeedWeighting.parseWeights("65+") }
        // 0 and 1 weigh 0.5, 64 weighs 1, 65 and 90 weigh 3: 10·(0.5+0.5+1+3+3) = 80.
        let table = try AgeBandNeed.read(path: ages, weights: need)
        #expect(table.demand["E1"] == 80)
    }
}
