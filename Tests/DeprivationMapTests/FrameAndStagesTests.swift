import DeprivationMap
import Foundation
import Testing
import TestSupport

/// A small synthetic region made by the test itself (not real data): 20 one-kilometre squares in
/// British National Grid, two rows of ten from E 500000 N 180000, with made-up LSOA 2021 codes.
/// Square i (0-based) has IMD decile 1 + i mod 10, rank i + 1 and population 1,000 + 100·i;
/// squares 0–9 are in district E06000001 and 10–19 in E06000002.
struct SyntheticRegion {
    let dir: TemporaryDirectory
    let areas: Areas
    let imd: DeprivationTable
    let population: AreaValues

    static func code(_ i: Int) -> String { String(format: "E0109%05d", i) }
    static func centre(_ i: Int) -> Coordinate { Coordinate(x: 500_500 + Double(i % 10) * 1000, y: 180_500 + Double(i / 10) * 1000) }

    init(imdHeader: String = "lsoa21_code") throws {
        dir = try TemporaryDirectory("dm-synthetic")
        let features = (0..<20).map { i -> Feature in
            let c = Self.centre(i)
            let ring = LinearRing([Coordinate(x: c.x - 500, y: c.y - 500), Coordinate(x: c.x + 500, y: c.y - 500), Coordinate(x: c.x + 500, y: c.y + 500),
                                   Coordinate(x: c.x - 500, y: c.y + 500), Coordinate(x: c.x - 500, y: c.y - 500)])
            return Feature(geometry: .polygon(Polygon(exterior: ring)),
                           values: [.string(Self.code(i)), .string("Synthetic \(i)"), .string(i < 10 ? "E06000001" : "E06000002")])
        }
        let schema = Schema([FieldDefinition(name: "LSOA21CD", type: .string), FieldDefinition(name: "LSOA21NM", type: .string),
                             FieldDefinition(name: "LAD24CD", type: .string)])
        areas = try Areas(layer: FeatureLayer(name: "synthetic", crs: .britishNationalGrid, schema: schema, features: features), path: "synthetic")
        var imdText = "\(imdHeader),IMD_decile,IMD_rank,IMD_score\n"
        var popText = "lsoa21_code,total\n"
        for i in 0..<20 {
            imdText += "\(Self.code(i)),\(1 + i % 10),\(i + 1),\(60 - Double(i))\n"
            popText += "\(Self.code(i)),\(1000 + 100 * i)\n"
        }
        try imdText.write(toFile: dir.path("imd.csv"), atomically: true, encoding: .utf8)
        try popText.write(toFile: dir.path("population.csv"), atomically: true, encoding: .utf8)
        imd = try DeprivationTable.read(paths: [dir.path("imd.csv")])
        population = try AreaValues.read(path: dir.path("population.csv"))
    }

    /// Services as a CSV of eastings and northings, read by the library's reader.
    func services(_ points: [(String, Coordinate)], kind: ServiceKind, file: String) throws -> ServiceSet {
        var text = "id,name,easting,northing\n"
        for (id, p) in points { text += "\(id),\(id) name,\(p.x),\(p.y)\n" }
        try text.write(toFile: dir.path(file), atomically: true, encoding: .utf8)
        return try ServiceReader.read(path: dir.path(file), kind: kind)
    }

    func frame(selection: RegionSelection = RegionSelection()) throws -> AnalysisFrame {
        try AnalysisFrame(areas: areas, deprivation: imd, population: population, origins: .polygonCentroids, selection: selection)
    }
}

@Suite("Analysis frame and stages on a synthetic region (no data folder)")
struct FrameAndStagesTests {
    @Test("The frame joins IMD, takes the population table, places origins at polygon centroids and selects the region")
    func frame() throws {
        let region = try SyntheticRegion()
        let all = try region.frame()
        #expect(all.analysed == Array(0..<20) && all.selected == Array(0..<20))
        #expect(all.records[7]?.decile == 8 && all.population[7] == 1700)
        #expect(all.populationSource == "population.csv (total)" && all.populationFromTable)
        for i in 0..<20 {
            #expect(isClose(all.origins[i].x, SyntheticRegion.centre(i).x, within: 1e-6) && isClose(all.origins[i].y, SyntheticRegion.centre(i).y, within: 1e-6))
        }
        #expect(all.diagnostics.isEmpty)
        // Districts from the layer's own LAD field.
        let south = try region.frame(selection: RegionSelection(districts: ["E06000002"]))
        #expect(south.selected == Array(10..<20) && south.analysed.count == 20)
    }

    @Test("One vintage policy: a table of another LSOA vintage is refused, with advice the CLI can word")
    func vintage() throws {
        let region = try SyntheticRegion(imdHeader: "lsoa11_code")
        #expect(region.imd.vintage == .lsoa2011)
        do {
            _ = try region.frame()
            Issue.record("expected a vintage mismatch")
        } catch let error as FrameError {
            guard case .vintageMismatch(_, .lsoa2021, .lsoa2011, 20, 20) = error else { Issue.record("\(error)"); return }
            #expect(error.advice?.settings == [.vintageLookup])
            #expect(!error.description.contains("--"))
            #expect(error.worded { $0 == .vintageLookup ? "--lookup" : $0.plainName }.contains("--lookup"))
        }
    }

    @Test("Straight-line cost model: nearest distances are the grid spacing, and the inequality summary is computed once")
    func nearest() throws {
        let region = try SyntheticRegion()
        let frame = try region.frame()
        let services = try region.services([("S0", SyntheticRegion.centre(0))], kind: "clinic", file: "clinic.csv")
        let result = try AccessAnalysis.run(frame, services: services, spec: AccessSpec(measure: .nearest))
        #expect(result.valueField == "nearest_km" && result.unit == "km")
        for i in 0..<10 { #expect(isClose(result.perArea.value[i]!, Double(i), within: 1e-9)) }
        #expect(isClose(result.perArea.value[10]!, 1, within: 1e-9))
        #expect(isClose(result.perArea.value[19]!, (81.0 + 1).squareRoot(), within: 1e-9))
        // Two areas per decile; decile d holds squares d−1 and d+9.
        let d3 = try #require(result.inequality.deciles.first { $0.group == 3 })
        #expect(d3.areas == 2 && d3.population == 1200 + 2200)
        #expect(isClose(d3.mean, (2 * 1200 + (4.0 + 1).squareRoot() * 2200) / 3400, within: 1e-12))
        #expect(result.inequality.sii != nil && result.inequality.concentrationIndex != nil)
        // Farther from the service as deprivation falls: the SII (least − most deprived) is positive.
        #expect(result.inequality.sii!.sii > 0)
    }

    @Test("2SFCA with one service reaching everyone gives supply ÷ total population to every area")
    func catchment() throws {
        let region = try SyntheticRegion()
        let frame = try region.frame()
        let services = try region.services([("S0", SyntheticRegion.centre(5))], kind: "clinic", file: "clinic.csv")
        var spec = AccessSpec(measure: .twoStep, radius: 20_000)
        spec.scale = 100_000
        let result = try AccessAnalysis.run(frame, services: services, spec: spec)
        let total = (0..<20).reduce(0.0) { $0 + 1000 + 100 * Double($1) }
        for v in result.perArea.value { #expect(isClose(v!, 100_000 / total, within: 1e-12)) }
        #expect(result.pairCount == 20 && result.areasWithoutService == 0)
        // A radius that reaches nothing is an error with advice, not a crash.
        let far = try region.services([("far", Coordinate(x: 530_000, y: 190_000))], kind: "clinic", file: "far.csv")
        #expect(throws: AccessError.self) { try AccessAnalysis.run(frame, services: far, spec: AccessSpec(measure: .twoStep, radius: 1)) }
        #expect(throws: AccessError.self) { try AccessAnalysis.run(frame, services: services, spec: AccessSpec(measure: .within)) }
    }

    @Test("Travel-time cost model: a loaded matrix replaces straight lines, and the unit becomes minutes")
    func travelTimes() throws {
        let region = try SyntheticRegion()
        let frame = try region.frame()
        let services = try region.services([("S0", SyntheticRegion.centre(0)), ("S1", SyntheticRegion.centre(19))], kind: "clinic", file: "clinic.csv")
        var text = "origin,destination,minutes\n"
        for i in 0..<20 { text += "\(SyntheticRegion.code(i)),S0,\(i)\n\(SyntheticRegion.code(i)),S1,\(40 - i)\n" }
        try text.write(toFile: region.dir.path("times.csv"), atomically: true, encoding: .utf8)
        let spec = AccessSpec(measure: .nearest, cost: .travelTimes(try TravelTimeTable.read(path: region.dir.path("times.csv"))))
        let result = try AccessAnalysis.run(frame, services: services, spec: spec)
        #expect(result.valueField == "nearest_minutes")
        for i in 0..<20 { #expect(result.perArea.value[i] == Double(min(i, 40 - i))) }
        #expect(result.missingMatrixPairs == 0)
    }

    @Test("Food van stages: Core20 targets far from a store, one stop per target at an 800 m walk, a route from the depot")
    func foodVan() throws {
        let region = try SyntheticRegion()
        let frame = try region.frame()
        // The only store is 20 km away: every Core20 area (deciles 1–2: squares 0, 1, 10, 11) is a target.
        let stores = try region.services([("store", Coordinate(x: 520_000, y: 180_000))], kind: .supermarket, file: "stores.csv")
        var spec = FoodVanSpec(depot: Depot(point: SyntheticRegion.centre(5), label: "depot"))
        spec.days = 1
        let plan = try FoodVanPlanner.plan(frame, stores: stores, spec: spec)
        #expect(plan.considered.map(\.code) == [0, 1, 10, 11].map(SyntheticRegion.code))
        #expect(plan.figures.targetAreas == 4 && plan.figures.targetPopulation == 1000 + 1100 + 2000 + 2100)
        // Centroids are 1 km apart, so each stop reaches only its own area: four stops cover everyone.
        #expect(plan.setCover.stops.count == 4 && plan.stops.count == 4 && plan.figures.coveredPopulation == plan.figures.targetPopulation)
        #expect(plan.routes.count == 1 && plan.routeLines[0].first == spec.depot.point && plan.routeLines[0].last == spec.depot.point)
        #expect(plan.considered.allSatisfy { $0.stop != nil && $0.stopDistance == 0 })
        // A radius that reaches no target is refused with advice naming the walking radius.
        spec.walkRadius = 1
        spec.sites = try region.services([("far", Coordinate(x: 500_900, y: 181_900))], kind: "site", file: "sites.csv")
        do {
            _ = try FoodVanPlanner.plan(frame, stores: stores, spec: spec)
            Issue.record("expected a refusal")
        } catch let error as FoodVanError {
            #expect(error.advice?.settings.contains(.walkRadius) == true)
        }
    }

    @Test("Population policy: missing people are a diagnostic with advice; nobody at all is refused")
    func populationPolicy() throws {
        let region = try SyntheticRegion()
        try "lsoa21_code,total\n\(SyntheticRegion.code(0)),500\n".write(toFile: region.dir.path("few.csv"), atomically: true, encoding: .utf8)
        let few = try AreaValues.read(path: region.dir.path("few.csv"))
        let frame = try AnalysisFrame(areas: region.areas, deprivation: region.imd, population: few, origins: .polygonCentroids)
        let missing = try #require(frame.diagnostics.first { $0.codes.count == 19 })
        #expect(missing.advice?.settings == [.population] && missing.message.hasPrefix("19 areas have no population"))
        // The IMD file has no denominators: without a population table nobody can be weighed.
        let none = try AnalysisFrame(areas: region.areas, deprivation: region.imd, origins: .polygonCentroids)
        #expect(none.populationSource == nil && none.diagnostics.isEmpty)
        #expect(throws: FrameError.noPopulation) { try none.requirePopulation() }
    }

    @Test("Supply and need: capacity multiplies 2SFCA access; an age band weighted 2 doubles its people's demand")
    func supplyAndNeed() throws {
        let region = try SyntheticRegion()
        let frame = try region.frame()
        let services = try region.services([("S0", SyntheticRegion.centre(5))], kind: .gp, file: "gp.csv")
        try "code,FTE,Year\nS0,10,2025\nS0,99,2024\n".write(toFile: region.dir.path("fte.csv"), atomically: true, encoding: .utf8)
        var spec = AccessSpec(measure: .twoStep, radius: 20_000)
        spec.capacity = try ServiceCapacity.read(path: region.dir.path("fte.csv"), valueColumn: "FTE", filters: [RowFilter(column: "Year", equals: "2025")])
        let total = (0..<20).reduce(0.0) { $0 + 1000 + 100 * Double($1) }
        let supplied = try AccessAnalysis.run(frame, services: services, spec: spec)
        #expect(isClose(supplied.perArea.value[0]!, 10 * 100_000 / total, within: 1e-9))
        #expect(supplied.unit == "FTE per 100,000 people")
        // Need: every area has 100 people aged 65+ weighted 2 and the rest weighted 1.
        var ages = "lsoa21_code,Aged 64 years and under,Aged 65 years and over\n"
        for i in 0..<20 { ages += "\(SyntheticRegion.code(i)),\(900 + 100 * i),100\n" }
        try ages.write(toFile: region.dir.path("ages.csv"), atomically: true, encoding: .utf8)
        spec.need = .ageBands(try AgeBandNeed.read(path: region.dir.path("ages.csv"), weights: ["Aged 65 years and over": 2]))
        let needy = try AccessAnalysis.run(frame, services: services, spec: spec)
        #expect(needy.perArea.demand[3] == 1200 + 2 * 100 && needy.needWeighted)
        #expect(isClose(needy.perArea.value[0]!, 10 * 100_000 / (total + 2000), within: 1e-9))
    }

    @Test("The gap report words the verdict from the SII: services farther away where need is higher")
    func gapVerdict() throws {
        let region = try SyntheticRegion()
        // The service sits at the least deprived end of each row (decile 10): distance falls as deprivation falls.
        let services = try region.services([("S", SyntheticRegion.centre(9)), ("T", SyntheticRegion.centre(19))], kind: "clinic", file: "clinic.csv")
        let result = try AccessAnalysis.run(try region.frame(), services: services, spec: AccessSpec(measure: .nearest))
        let sii = try #require(result.inequality.sii)
        #expect(sii.sii < 0 && sii.siiUpper < 0)
        let report = try GapReport(result, title: "Synthetic", higherIsBetter: false, grouping: "deciles")
        #expect(report.verdict.hasPrefix("Services are further away where need is higher: the inverse care law holds here."))
        #expect(report.markdown().contains("| 1 | 2 |"))
    }

    @Test("A map of the frame's region counts services per area and by decile")
    func map() throws {
        let region = try SyntheticRegion()
        let frame = try region.frame(selection: RegionSelection(districts: ["E06000001"]))
        let services = try region.services([("A", SyntheticRegion.centre(0)), ("B", SyntheticRegion.centre(0)), ("C", SyntheticRegion.centre(15))],
                                           kind: .pharmacy, file: "pharmacy.csv")
        let map = try AreaMap.build(frame, layers: MapLayers(services: [services]))
        #expect(map.areas.codes == (0..<10).map(SyntheticRegion.code))
        #expect(map.serviceCounts[0][0] == 2 && map.serviceCounts[0].reduce(0, +) == 2)
        #expect(map.decileTable().first?.services == [2] && map.decileTable().count == 10)
        #expect(map.layer().schema.names.contains("pharmacy_per_10k"))
    }

    @Test("Visit calendar: days spread over the cycle's working days, one visit per stop and cycle from the start date; an empty or full cycle refused; iCalendar lines folded and escaped")
    func visitCalendar() throws {
        let region = try SyntheticRegion()
        let stores = try region.services([("store", Coordinate(x: 520_000, y: 180_000))], kind: .supermarket, file: "stores.csv")
        var spec = FoodVanSpec(depot: Depot(point: SyntheticRegion.centre(5), label: "depot"))
        spec.days = 4
        let plan = try FoodVanPlanner.plan(try region.frame(), stores: stores, spec: spec)
        #expect(plan.routes.count == 4)
        // Wednesday 6 January 2027: the first cycle's Monday (4th) is before it and is skipped.
        let calendar = try VisitCalendar(plan: plan, cycle: VisitCycle(weeks: 2, weekdays: [1, 3, 5], start: DateComponents(year: 2027, month: 1, day: 6), cycles: 2))
        // Six working days a cycle (Mon, Wed, Fri × 2): days 1–4 take slots 0, 1, 3, 4.
        #expect(calendar.slots.map { [$0.week, $0.weekday] } == [[1, 1], [1, 3], [2, 1], [2, 3]])
        #expect(calendar.words(forDay: 3) == "Monday of week 2, every fortnight")
        #expect(calendar.visits.count == plan.stops.count * 2)
        let first = calendar.visits.filter { $0.stop.day == 1 }.map { [$0.date.year!, $0.date.month!, $0.date.day!] }
        #expect(first.allSatisfy { $0 == [2027, 1, 18] || $0 == [2027, 2, 1] }, "day 1's Monday of 4 January is before the start")
        #expect(calendar.visits.filter { $0.stop.day == 2 }.allSatisfy { $0.date.day == 6 || $0.date.day == 20 })
        #expect(throws: VisitCalendarError.tooManyDays(days: 4, slots: 3, weeks: 1)) {
            try VisitCalendar(plan: plan, cycle: VisitCycle(weeks: 1, weekdays: [1, 3, 5], start: DateComponents(year: 2027, month: 1, day: 4)))
        }
        #expect(throws: VisitCalendarError.emptyCycle) { try VisitCalendar(plan: plan, cycle: VisitCycle(weekdays: [], start: DateComponents(year: 2027, month: 1, day: 4))) }
        let ics = calendar.iCalendar(name: "Test; a, b", now: Date(timeIntervalSince1970: 0), place: { _ in String(repeating: "é", count: 60) })
        let lines = ics.components(separatedBy: "\r\n")
        #expect(ics.hasSuffix("END:VCALENDAR\r\n"))
        #expect(lines.allSatisfy { $0.utf8.count <= 75 }, "folded at 75 octets")
        #expect(lines.contains("X-WR-CALNAME:Test\\; a\\, b"))
        #expect(lines.contains("DTSTAMP:19700101T000000Z"))
        #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == calendar.visits.count)
    }

    @Test("Food-van candidates: sites outside the region are reported by name and left out")
    func sitesOutside() throws {
        let region = try SyntheticRegion()
        let frame = try region.frame(selection: RegionSelection(districts: ["E06000001"]))
        let stores = try region.services([("store", Coordinate(x: 520_000, y: 180_000))], kind: .supermarket, file: "stores.csv")
        var spec = FoodVanSpec(depot: Depot(point: SyntheticRegion.centre(4), label: "depot"))
        spec.sites = try region.services([("inside", SyntheticRegion.centre(1)), ("far", Coordinate(x: 500_500, y: 190_000))], kind: "site", file: "sites.csv")
        let plan = try FoodVanPlanner.plan(frame, stores: stores, spec: spec)
        #expect(plan.figures.candidateCount == 1 && plan.stops.map(\.id) == ["inside"])
        #expect(plan.diagnostics.contains { $0.message.contains("1 of 2 sites lie outside the region") && $0.message.contains("far name") })
    }

    @Test("Service kinds name fields and colours; advice interpolates settings")
    func kindsAndAdvice() {
        #expect(ServiceKind(rawValue: "GP practices").rawValue == "gp_practices" && ServiceKind(rawValue: "").rawValue == "service")
        #expect(ServiceKind.gp.plural == "GP practices" && ServiceKind.gp.colour == "#1b7837")
        let advice: Advice = "raise \(Setting.walkRadius) or give \(Setting.sites)"
        #expect(advice.description == "raise the walking radius or give candidate sites")
        #expect(advice.worded { "<\($0.rawValue)>" } == "raise <walkRadius> or give <sites>")
    }
}
