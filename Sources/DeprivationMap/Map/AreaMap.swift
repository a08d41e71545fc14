import Foundation

/// Why a layer cannot be used where it was given.
public enum LayerCRSError: Error, Sendable, Equatable, AdvisedError {
    /// Points or polygons in another CRS where the command does not transform them.
    case mismatch(what: String, path: String, theirs: String, areas: String)

    public var problem: String {
        switch self {
        case .mismatch(let what, let path, let theirs, let areas):
            return "\(path): the \(what) are in \(theirs) but the areas are in \(areas)"
        }
    }

    public var advice: Advice? {
        "allow \(Setting.reproject) to transform them with PROJ, or convert one file first to the other's CRS (\(Setting.targetCRS))"
    }
}

/// What a map adds to its frame: Welsh deprivation, services to count, wards to aggregate to.
public struct MapLayers: Sendable {
    /// Welsh WIMD, kept in its own fields.
    public var wimd: DeprivationTable?
    /// Services counted per area; points in another CRS are transformed to the areas' CRS.
    public var services: [ServiceSet] = []
    /// Ward (or other polygon) layer to aggregate to, in any CRS.
    public var wards: Areas?
    /// Population-weighted centroids by LSOA code (in the areas' CRS) for the ward best fit.
    public var wardCentroids: [String: Coordinate]?
    /// Services outside every area but within this distance get the nearest area.
    public var nearestWithin: Double?

    /// Layers to add to a map; every one optional.
    public init(wimd: DeprivationTable? = nil, services: [ServiceSet] = [], wards: Areas? = nil,
                wardCentroids: [String: Coordinate]? = nil, nearestWithin: Double? = nil) {
        self.wimd = wimd
        self.services = services
        self.wards = wards
        self.wardCentroids = wardCentroids
        self.nearestWithin = nearestWithin
    }
}

/// One row of the by-decile table.
public struct DecileRow: Sendable, Hashable {
    /// IMD decile, 1 = most deprived.
    public var decile: Int
    /// Areas in the decile.
    public var areas: Int
    /// People in the decile's areas.
    public var population: Double
    /// Service counts by type, in ``AreaMap/serviceKinds`` order.
    public var services: [Int]
}

/// Deprivation and services for every area of a region: the attribute join to IMD, derived
/// measures (Core20, quintile, local deciles), service counts and rates, and the ward aggregation.
///
/// ```swift
/// let frame = try AnalysisFrame(areas: try Areas.load(path: "lsoa21_ew_bgc.shp"),
///                               deprivation: try DeprivationTable.read(paths: ["imd2025_england_lsoa21.csv"]),
///                               geography: try AreaGeography.read(paths: ["lsoa21_sicbl24_icb24.csv.gz"]),
///                               selection: RegionSelection(icb: "QH8"))
/// let map = try AreaMap.build(frame)
/// print(map.decileTable().map { "\($0.decile): \($0.areas)" })
/// ```
public struct AreaMap: Sendable {
    /// The selected areas.
    public var areas: Areas
    /// The region in words.
    public var regionDescription: String
    /// English IMD per selected area, when the frame's table is English.
    public var imdJoin: DeprivationJoin?
    /// Welsh WIMD per selected area, when given.
    public var wimdJoin: DeprivationJoin?
    /// People per selected area.
    public var population: [Double?]
    /// Where the population came from, in words.
    public var populationSource: String?
    /// Decile within the region by count of areas (1 = most deprived).
    public var localDecile: [Int?]
    /// Decile within the region by population (each holds about a tenth of the people).
    public var localDecilePopulation: [Int?]
    /// The kinds of the counted services, in ``services`` order.
    public var serviceKinds: [ServiceKind]
    /// Per service kind, per area: count.
    public var serviceCounts: [[Int]]
    /// Per service kind: per point, the area index (into ``areas``) or -1 when outside the region.
    public var serviceAreas: [[Int]]
    /// The services, in the areas' CRS.
    public var services: [ServiceSet]
    /// The ward aggregation, when wards were given.
    public var wards: WardAggregation?
    /// What the map noticed: mismatches, repairs, skipped rows, in the order found.
    public var diagnostics: [Diagnostic]

    /// The diagnostics in plain words.
    public var notes: [String] { diagnostics.map(\.description) }

    /// Builds the map of the frame's region.
    /// - Throws: `GEOSError`, `ProjectionError`.
    public static func build(_ frame: AnalysisFrame, layers: MapLayers = MapLayers(), progress: ProgressCallback? = nil) throws -> AreaMap {
        var notes = frame.diagnostics
        let areas = frame.areas.subset(frame.selected)
        let description = frame.regionDescription
        // English and Welsh tables each match their own nation's areas only.
        let english = frame.deprivation.kind == .englishIMD
        let frameJoin = DeprivationJoin.join(codes: areas.codes, areaVintage: areas.vintage, table: frame.deprivation)
        let imdJoin = english ? frameJoin : nil
        var wimdJoin = english ? nil : frameJoin
        if english, let wimd = layers.wimd {
            let j = DeprivationJoin.join(codes: areas.codes, areaVintage: areas.vintage, table: wimd)
            if let mismatch = j.vintageMismatch { notes.append(mismatch) }
            wimdJoin = j
        }
        if let imdJoin, let wimdJoin {
            let englishUnmatched = imdJoin.unmatchedAreas.filter { !$0.hasPrefix("W") }
            let welshUnmatched = wimdJoin.unmatchedAreas.filter { $0.hasPrefix("W") }
            if !englishUnmatched.isEmpty { notes.note("\(englishUnmatched.count) English areas have no IMD row: \(list(englishUnmatched))", codes: englishUnmatched) }
            if !welshUnmatched.isEmpty { notes.note("\(welshUnmatched.count) Welsh areas have no WIMD row: \(list(welshUnmatched))", codes: welshUnmatched) }
        } else if !frameJoin.unmatchedAreas.isEmpty {
            notes.note("\(frameJoin.unmatchedAreas.count) of \(areas.codes.count) areas have no deprivation row: \(list(frameJoin.unmatchedAreas))", codes: frameJoin.unmatchedAreas)
        }
        let population = frame.selected.map { frame.population[$0] }
        let populationSource = frame.populationSource

        // Local deciles within the selection, most deprived first (by national rank, else by score).
        let order: [Double?] = (imdJoin?.records ?? []).map { r in
            r.flatMap { $0.index.rank.map(Double.init) ?? $0.index.score.map { -$0 } }
        }
        let localDecile = imdJoin == nil ? Array(repeating: nil, count: areas.codes.count) : LocalDeciles.byCount(order: order)
        let localDecilePop = imdJoin == nil ? Array(repeating: nil, count: areas.codes.count) : LocalDeciles.byPopulation(order: order, population: population)

        let (services, serviceCounts, serviceAreas) = try joinServices(layers, to: areas, notes: &notes, progress: progress)
        let wards = try layers.wards.map { w in
            try aggregate(areas, to: w, population: population, records: imdJoin?.records, centroids: layers.wardCentroids,
                          geography: frame.geography, notes: &notes)
        }
        return AreaMap(areas: areas, regionDescription: description, imdJoin: imdJoin, wimdJoin: wimdJoin, population: population,
                       populationSource: populationSource, localDecile: localDecile, localDecilePopulation: localDecilePop,
                       serviceKinds: services.map(\.kind), serviceCounts: serviceCounts, serviceAreas: serviceAreas, services: services,
                       wards: wards, diagnostics: notes)
    }

    /// Services counted per area: each set transformed to the areas' CRS when needed, then
    /// joined point-in-polygon; repairs are reported once.
    private static func joinServices(_ layers: MapLayers, to areas: Areas, notes: inout [Diagnostic],
                                     progress: ProgressCallback?) throws -> ([ServiceSet], [[Int]], [[Int]]) {
        var serviceCounts: [[Int]] = []
        var serviceAreas: [[Int]] = []
        var services: [ServiceSet] = []
        var repairedNoted = false
        for var set in layers.services {
            if set.crs != areas.crs {
                notes.note("\(set.kind): \(grouped(set.points.count)) points transformed from \(set.crs) to \(areas.crs) with PROJ", file: set.path)
                set = try set.reprojected(to: areas.crs)
            }
            var joinProgress: (@Sendable (Int, Int) -> Void)?
            if let callback = progress {
                let stage = "joining \(set.kind)"
                joinProgress = { done, total in callback(ProgressEvent(stage: stage, done: done, total: total)) }
            }
            let result = try PointJoin.join(points: set.points, polygons: areas.geometries, labels: areas.codes,
                                            options: PointJoinOptions(nearestWithin: layers.nearestWithin), progress: joinProgress)
            var counts = [Int](repeating: 0, count: areas.codes.count)
            for a in result.area where a >= 0 { counts[Int(a)] += 1 }
            if !repairedNoted {
                // Every service join repairs the same polygons: report them once.
                for r in result.repaired { notes.note("repaired invalid area polygon \(r)") }
                repairedNoted = true
            }
            serviceCounts.append(counts)
            serviceAreas.append(result.area.map(Int.init))
            let outside = result.unmatchedCount
            var line = "\(set.kind): \(set.points.count) located (\(set.located)), \(set.points.count - outside) in the selected areas"
            if result.nearestCount > 0 { line += " (\(result.nearestCount) by the nearest area within \(Int(saturating: layers.nearestWithin ?? 0, .towardZero)) m)" }
            if !result.multiple.isEmpty { line += ", \(result.multiple.count) in two areas (first kept)" }
            line += ", \(outside) outside them"
            if !set.skipped.isEmpty { line += "; \(set.skipped.count) rows not located, e.g. \(set.skipped.prefix(3).map(\.description).joined(separator: "; "))" }
            if !set.filtered.isEmpty { line += "; left out: " + set.filtered.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") }
            notes.note(line, file: set.path)
            services.append(set)
        }

        return (services, serviceCounts, serviceAreas)
    }

    /// The areas aggregated to wards (transformed to the areas' CRS when needed).
    private static func aggregate(_ areas: Areas, to wardLayer: Areas, population: [Double?], records: [DeprivationRecord?]?,
                                  centroids: [String: Coordinate]?, geography: AreaGeography?, notes: inout [Diagnostic]) throws -> WardAggregation {
        if wardLayer.crs != areas.crs {
            notes.note("wards: transformed from \(wardLayer.crs) to \(areas.crs) with PROJ", file: wardLayer.path)
        }
        let w = try wardLayer.reprojected(to: areas.crs)
        let records: [DeprivationRecord?] = records ?? Array(repeating: nil, count: areas.codes.count)
        let aggregation = try WardAggregation.aggregate(lsoas: areas, population: population, records: records,
                                                        centroids: centroids, wards: w, geography: geography)
        if let (agree, compared) = aggregation.lookupAgreement {
            notes.note(String(format: "ward best fit (%@) agrees with the ONS LSOA→ward lookup for %d of %d LSOAs (%.1f%%)",
                                aggregation.bestFitPoints, agree, compared, 100 * Double(agree) / Double(compared)))
        }
        if !aggregation.unassigned.isEmpty { notes.note("\(aggregation.unassigned.count) LSOAs fell in no ward: \(list(aggregation.unassigned))", codes: aggregation.unassigned) }
        return aggregation
    }

    /// Areas, population and service counts by national IMD decile (English areas only).
    public func decileTable() -> [DecileRow] {
        var rows = (1...10).map { DecileRow(decile: $0, areas: 0, population: 0, services: Array(repeating: 0, count: serviceKinds.count)) }
        guard let imdJoin else { return [] }
        for (i, r) in imdJoin.records.enumerated() {
            guard let d = r?.index.decile else { continue }
            rows[d - 1].areas += 1
            rows[d - 1].population += population[i] ?? 0
            for s in serviceKinds.indices { rows[d - 1].services[s] += serviceCounts[s][i] }
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
        for t in serviceKinds { names += ["\(t)_count", "\(t)_per_10k"] }
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
        for s in serviceKinds.indices {
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
