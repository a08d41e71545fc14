import Foundation

/// Why the area map could not be built.
public enum AreaMapError: Error, Sendable, Equatable, CustomStringConvertible {
    case vintageMismatch(String)
    case crsMismatch(what: String, path: String, theirs: String, areas: String)
    case nothingMatched(table: String)

    public var description: String {
        switch self {
        case .vintageMismatch(let text): return text
        case .crsMismatch(let what, let path, let theirs, let areas):
            return "\(path): the \(what) are in \(theirs) but the areas are in \(areas). Pass --reproject to transform them with PROJ, or convert one file first (deprivation-map convert --to-crs)."
        case .nothingMatched(let table):
            return "no area code matched the \(table) table; check that the boundaries and the table are of the same LSOA vintage and nation."
        }
    }
}

/// Inputs of ``AreaMap/build(_:)``.
public struct AreaMapInput: Sendable {
    public var areas: Areas
    /// English IMD (IoD2019 or IoD2025).
    public var imd: DeprivationTable?
    /// Welsh WIMD, kept in its own fields.
    public var wimd: DeprivationTable?
    /// Population per area; the IMD table's own denominators are used when absent.
    public var population: AreaValues?
    public var services: [ServiceSet] = []
    public var geography: AreaGeography?
    public var selection = RegionSelection()
    /// Ward (or other polygon) layer to aggregate to.
    public var wards: Areas?
    /// Population-weighted centroids by LSOA code (in the areas' CRS) for the ward best fit.
    public var centroids: [String: Coordinate]?
    /// Services outside every area but within this distance get the nearest area.
    public var nearestWithin: Double?
    /// Transform services in another CRS to the areas' CRS instead of refusing them.
    public var reproject = false
    /// Progress of the point-in-polygon joins ("joining TYPE", points done).
    public var progress: ProgressCallback?

    public init(areas: Areas) { self.areas = areas }
}

/// One row of the by-decile table.
public struct DecileRow: Sendable, Hashable {
    public var decile: Int
    public var areas: Int
    public var population: Double
    /// Service counts by type, in ``AreaMap/serviceTypes`` order.
    public var services: [Int]
}

/// Deprivation and services for every area of a region: the attribute join to IMD, derived
/// measures (Core20, quintile, local deciles), service counts and rates, and the ward aggregation.
///
/// ```swift
/// var input = AreaMapInput(areas: try Areas.load(path: "lsoa21_ew_bgc.shp"))
/// input.imd = try DeprivationTable.read(paths: ["imd2025_england_lsoa21.csv"])
/// input.selection = RegionSelection(icb: "QH8")
/// input.geography = try AreaGeography.read(paths: ["lsoa21_sicbl24_icb24.csv.gz"])
/// let map = try AreaMap.build(input)
/// print(map.decileTable().map { "\($0.decile): \($0.areas)" })
/// ```
public struct AreaMap: Sendable {
    /// The selected areas.
    public var areas: Areas
    public var regionDescription: String
    public var imdJoin: DeprivationJoin?
    public var wimdJoin: DeprivationJoin?
    public var population: [Double?]
    public var populationSource: String?
    public var localDecile: [Int?]
    public var localDecilePopulation: [Int?]
    public var serviceTypes: [String]
    /// Per service type, per area: count.
    public var serviceCounts: [[Int]]
    /// Per service type: per point, the area index (into ``areas``) or -1 when outside the region.
    public var serviceAreas: [[Int]]
    public var services: [ServiceSet]
    public var wards: WardAggregation?
    /// Messages for the user: mismatches, repairs, skipped rows, in the order found.
    public var notes: [String]

    /// Builds the map.
    /// - Throws: ``AreaMapError``, ``RegionError``, ``GEOSError``, ``ProjectionError``.
    public static func build(_ input: AreaMapInput) throws -> AreaMap {
        var notes: [String] = []
        let (indices, description) = try input.areas.select(input.selection, geography: input.geography)
        let areas = input.areas.subset(indices)
        func join(_ table: DeprivationTable?) throws -> DeprivationJoin? {
            guard let table else { return nil }
            let j = DeprivationJoin.join(codes: areas.codes, areaVintage: areas.vintage, table: table)
            if let mismatch = j.vintageMismatch, areas.vintage != nil, table.vintage != nil, areas.vintage != table.vintage {
                throw AreaMapError.vintageMismatch("\(table.summary): \(mismatch)")
            }
            if let mismatch = j.vintageMismatch { notes.append(mismatch) }
            return j
        }
        // English and Welsh tables each match their own nation's areas only.
        let imdJoin = try join(input.imd)
        let wimdJoin = try join(input.wimd)
        if let imdJoin, let wimdJoin {
            let englishUnmatched = imdJoin.unmatchedAreas.filter { !$0.hasPrefix("W") }
            let welshUnmatched = wimdJoin.unmatchedAreas.filter { $0.hasPrefix("W") }
            if !englishUnmatched.isEmpty { notes.append("\(englishUnmatched.count) English areas have no IMD row: \(list(englishUnmatched))") }
            if !welshUnmatched.isEmpty { notes.append("\(welshUnmatched.count) Welsh areas have no WIMD row: \(list(welshUnmatched))") }
        } else if let j = imdJoin ?? wimdJoin {
            if j.matchedCount == 0 { throw AreaMapError.nothingMatched(table: (input.imd ?? input.wimd)!.summary) }
            if !j.unmatchedAreas.isEmpty { notes.append("\(j.unmatchedAreas.count) of \(areas.codes.count) areas have no deprivation row: \(list(j.unmatchedAreas))") }
        }
        if let t = input.imd, !t.skipped.isEmpty { notes.append("\(t.skipped.count) IMD rows not used: \(t.skipped.prefix(3).map(\.description).joined(separator: "; "))") }

        // Population: the population file, else the IMD denominators.
        var population = [Double?](repeating: nil, count: areas.codes.count)
        var populationSource: String?
        if let p = input.population {
            population = areas.codes.map { p.values[$0] }
            populationSource = "\(URL(fileURLWithPath: p.path).lastPathComponent) (\(p.column))"
            if let v = areas.vintage, let pv = p.vintage, v != pv {
                notes.append("the population table is on \(pv) but the areas are \(v); check --population.")
            }
        } else if let j = imdJoin, j.records.contains(where: { $0?.population != nil }) {
            population = j.records.map { $0?.population }
            populationSource = "IMD population denominators"
        }
        let missingPopulation = population.indices.filter { population[$0] == nil }.map { areas.codes[$0] }
        if populationSource != nil, !missingPopulation.isEmpty {
            notes.append("\(missingPopulation.count) areas have no population: \(list(missingPopulation)); their rates are left empty.")
        }

        // Local deciles within the selection, most deprived first (by national rank, else by score).
        let order: [Double?] = (imdJoin?.records ?? []).map { r in
            r.flatMap { $0.index.rank.map(Double.init) ?? $0.index.score.map { -$0 } }
        }
        let localDecile = imdJoin == nil ? Array(repeating: nil, count: areas.codes.count) : LocalDeciles.byCount(order: order)
        let localDecilePop = imdJoin == nil ? Array(repeating: nil, count: areas.codes.count) : LocalDeciles.byPopulation(order: order, population: population)

        // Services → areas.
        var serviceCounts: [[Int]] = []
        var serviceAreas: [[Int]] = []
        var services: [ServiceSet] = []
        var repairedNoted = false
        for var set in input.services {
            if set.crs != areas.crs {
                guard input.reproject else {
                    throw AreaMapError.crsMismatch(what: "\(set.type) points", path: set.path, theirs: set.crs.description, areas: areas.crs.description)
                }
                set = try set.reprojected(to: areas.crs)
            }
            var joinProgress: (@Sendable (Int, Int) -> Void)?
            if let callback = input.progress {
                let stage = "joining \(set.type)"
                joinProgress = { done, total in callback(ProgressEvent(stage: stage, done: done, total: total)) }
            }
            let result = try PointJoin.join(points: set.points, polygons: areas.geometries, labels: areas.codes,
                                            options: PointJoinOptions(nearestWithin: input.nearestWithin), progress: joinProgress)
            var counts = [Int](repeating: 0, count: areas.codes.count)
            for a in result.area where a >= 0 { counts[Int(a)] += 1 }
            if !repairedNoted {
                // Every service join repairs the same polygons: report them once.
                for r in result.repaired { notes.append("repaired invalid area polygon \(r)") }
                repairedNoted = true
            }
            serviceCounts.append(counts)
            serviceAreas.append(result.area.map(Int.init))
            let outside = result.unmatchedCount
            var line = "\(set.type): \(set.points.count) located (\(set.located)), \(set.points.count - outside) in the selected areas"
            if result.nearestCount > 0 { line += " (\(result.nearestCount) by the nearest area within \(Int(saturating: input.nearestWithin ?? 0, .towardZero)) m)" }
            if !result.multiple.isEmpty { line += ", \(result.multiple.count) in two areas (first kept)" }
            line += ", \(outside) outside them"
            if !set.skipped.isEmpty { line += "; \(set.skipped.count) rows not located, e.g. \(set.skipped.prefix(3).map(\.description).joined(separator: "; "))" }
            if !set.filtered.isEmpty { line += "; left out: " + set.filtered.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") }
            notes.append(line)
            services.append(set)
        }

        var wards: WardAggregation?
        if let w = input.wards {
            guard w.crs == areas.crs else { throw AreaMapError.crsMismatch(what: "wards", path: w.path, theirs: w.crs.description, areas: areas.crs.description) }
            let records: [DeprivationRecord?] = imdJoin?.records ?? Array(repeating: nil, count: areas.codes.count)
            let aggregation = try WardAggregation.aggregate(lsoas: areas, population: population, records: records,
                                                            centroids: input.centroids, wards: w, geography: input.geography)
            if let (agree, compared) = aggregation.lookupAgreement {
                notes.append(String(format: "ward best fit (%@) agrees with the ONS LSOA→ward lookup for %d of %d LSOAs (%.1f%%)",
                                    aggregation.bestFitPoints, agree, compared, 100 * Double(agree) / Double(compared)))
            }
            if !aggregation.unassigned.isEmpty { notes.append("\(aggregation.unassigned.count) LSOAs fell in no ward: \(list(aggregation.unassigned))") }
            wards = aggregation
        }
        return AreaMap(areas: areas, regionDescription: description, imdJoin: imdJoin, wimdJoin: wimdJoin, population: population,
                       populationSource: populationSource, localDecile: localDecile, localDecilePopulation: localDecilePop,
                       serviceTypes: services.map(\.type), serviceCounts: serviceCounts, serviceAreas: serviceAreas, services: services,
                       wards: wards, notes: notes)
    }

    /// Areas, population and service counts by national IMD decile (English areas only).
    public func decileTable() -> [DecileRow] {
        var rows = (1...10).map { DecileRow(decile: $0, areas: 0, population: 0, services: Array(repeating: 0, count: serviceTypes.count)) }
        guard let imdJoin else { return [] }
        for (i, r) in imdJoin.records.enumerated() {
            guard let d = r?.index.decile else { continue }
            rows[d - 1].areas += 1
            rows[d - 1].population += population[i] ?? 0
            for s in serviceTypes.indices { rows[d - 1].services[s] += serviceCounts[s][i] }
        }
        return rows
    }

    /// Field names of ``attributes(at:)``, in order.
    public var fieldNames: [String] {
        var names = ["code", "name"]
        if imdJoin != nil {
            names += ["imd_score", "imd_rank", "imd_decile", "imd_quintile", "core20", "local_decile", "local_decile_pop"]
        }
        if wimdJoin != nil { names += ["wimd_score", "wimd_rank", "wimd_decile"] }
        names.append("population")
        for t in serviceTypes { names += ["\(t)_count", "\(t)_per_10k"] }
        if wards != nil { names += ["ward_code", "ward_name"] }
        return names
    }

    /// The values of area `i` for ``fieldNames``.
    public func attributes(at i: Int) -> [FieldValue] {
        func int(_ v: Int?) -> FieldValue { v.map { .integer(Int64($0)) } ?? .null }
        func real(_ v: Double?) -> FieldValue { v.map { .real($0) } ?? .null }
        var values: [FieldValue] = [.string(areas.codes[i]), .string(areas.names[i])]
        if let imdJoin {
            let r = imdJoin.records[i]
            values += [real(r?.index.score), int(r?.index.rank), int(r?.index.decile), int(r.map(\.quintile)),
                       r.map { .boolean($0.isCore20) } ?? .null, int(localDecile[i]), int(localDecilePopulation[i])]
        }
        if let wimdJoin {
            let r = wimdJoin.records[i]
            values += [real(r?.index.score), int(r?.index.rank), int(r?.index.decile)]
        }
        values.append(real(population[i]))
        for s in serviceTypes.indices {
            let count = serviceCounts[s][i]
            values.append(.integer(Int64(count)))
            values.append(real(population[i].flatMap { $0 > 0 ? Double(count) / $0 * 10_000 : nil }))
        }
        if let wards {
            let w = wards.bestFit[i]
            values += w >= 0 ? [.string(wards.wards[w].code), .string(wards.wards[w].name)] : [.null, .null]
        }
        return values
    }

    /// The map as a feature layer: the areas' polygons with ``fieldNames``.
    public func layer() -> FeatureLayer {
        let rows = areas.codes.indices.map { attributes(at: $0) }
        let schema = Schema(inferring: fieldNames, from: rows)
        let features = areas.codes.indices.map { Feature(geometry: areas.layer.features[$0].geometry, values: rows[$0]) }
        return FeatureLayer(name: "deprivation_map", crs: areas.crs, schema: schema, features: features)
    }
}

/// A short list of codes for messages: the first five and a count of the rest.
func list(_ codes: [String]) -> String {
    codes.prefix(5).joined(separator: ", ") + (codes.count > 5 ? " and \(codes.count - 5) more" : "")
}

extension Schema {
    /// A schema for `names` whose field types are those of the first non-null value in each
    /// column of `rows` (string when a column is all null).
    public init(inferring names: [String], from rows: [[FieldValue]]) {
        self.init(names.enumerated().map { k, name in
            let type: FieldType
            switch rows.lazy.map({ $0[k] }).first(where: { !$0.isNull }) {
            case .integer?: type = .integer
            case .real?: type = .real
            case .boolean?: type = .boolean
            default: type = .string
            }
            return FieldDefinition(name: name, type: type)
        })
    }
}
