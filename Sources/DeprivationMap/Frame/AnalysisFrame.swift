import Foundation

/// Why an analysis frame could not be built.
public enum FrameError: Error, Sendable, Equatable, AdvisedError {
    /// The areas and a table are of different LSOA vintages.
    case vintageMismatch(table: String, areas: LSOAVintage, tableVintage: LSOAVintage, matched: Int, of: Int)
    /// No area code is in the deprivation table.
    case nothingMatched(table: String)
    /// No area has a positive population.
    case noPopulation

    public var problem: String {
        switch self {
        case .vintageMismatch(let table, let areas, let tableVintage, let matched, let count):
            return "\(table): the areas are \(areas) but the table is on \(tableVintage): \(matched) of \(count) area codes match"
        case .nothingMatched(let table):
            return "no area code matched the \(table) table"
        case .noPopulation:
            return "no area has a positive population"
        }
    }

    public var advice: Advice? {
        switch self {
        case .vintageMismatch(_, _, let tableVintage, _, _):
            return "carry the table across with \(Setting.vintageLookup) (lsoa11_lsoa21_ltla22.csv.gz), or use boundaries of \(tableVintage)"
        case .nothingMatched:
            return "check that the boundaries and the table are of the same LSOA vintage and nation"
        case .noPopulation:
            return "give \(Setting.population) (a code and a total column), or an IMD file with population denominators (IoD2019 File 6)"
        }
    }
}

/// The frame every analysis starts from: the areas with their deprivation record, population
/// and origin, and the region selected, built once under one policy.
///
/// - **Vintage**: areas and a table of different known LSOA vintages are refused
///   (``FrameError/vintageMismatch(table:areas:tableVintage:matched:of:)``); a low match rate
///   that suggests one is a diagnostic.
/// - **Population**: the population table when given, else the deprivation table's
///   denominators; areas without one, or with 0, are diagnostics.
/// - **CRS**: metric work is in EPSG:27700. ``origins`` are there (population-weighted
///   centroids, or polygon centroids computed there); services in any CRS are transformed with
///   PROJ by ``metric(_:)``, with a diagnostic.
/// - **Region**: ``selected`` is the selection applied to every area; access is computed over
///   ``analysed`` (every area with a record), so catchments at a region's edge see beyond it.
///
/// ```swift
/// let frame = try AnalysisFrame(areas: lsoas, deprivation: imd2025, population: census,
///                               origins: .populationWeighted(centroids), geography: lookups,
///                               selection: RegionSelection(icb: "QH8"))
/// print(frame.selected.count, frame.regionDescription)   // 720 ICB QH8 (NHS Mid and South Essex …)
/// ```
public struct AnalysisFrame: Sendable {
    /// Every area as read, in any CRS; ``analysed`` and ``selected`` index into it.
    public private(set) var areas: Areas
    /// The deprivation table (English IMD, or Welsh WIMD for a map of Wales).
    public private(set) var deprivation: DeprivationTable
    /// Per area: its deprivation record, or `nil` when the table has no row for it.
    public private(set) var records: [DeprivationRecord?]
    /// Per area: people (or the table's denominators); `nil` when unknown.
    public private(set) var population: [Double?]
    /// Where ``population`` came from, in words ("census….csv (Total)", "IMD population denominators").
    public private(set) var populationSource: String?
    /// `true` when ``population`` came from a population table rather than the IMD denominators.
    public private(set) var populationFromTable: Bool
    /// Per area: the origin of its trips in EPSG:27700 metres (not finite when it has none, or
    /// when the frame was built without origins).
    public private(set) var origins: [Coordinate]
    /// How ``origins`` were placed.
    public private(set) var originPolicy: OriginPolicy?
    /// Areas with a deprivation record, ascending.
    public private(set) var analysed: [Int]
    /// Areas of the region (all areas when the selection is empty), ascending.
    public private(set) var selected: [Int]
    /// The region in words ("ICB QH8 (NHS Mid and South Essex Integrated Care Board)").
    public private(set) var regionDescription: String
    /// What was selected, and the lookups that placed the areas in districts and ICBs.
    public private(set) var selection: RegionSelection
    /// The ONS lookups that placed the areas in districts and ICBs, when given.
    public private(set) var geography: AreaGeography?
    /// What the frame noticed, in the order found.
    public private(set) var diagnostics: [Diagnostic]

    /// Builds the frame.
    /// - Parameters:
    ///   - areas: the area layer, in any CRS (national or wider than the region).
    ///   - deprivation: the deprivation table (English IMD; Welsh WIMD for a map of Wales).
    ///   - population: people per area code; the deprivation table's denominators when `nil`.
    ///   - origins: how to place each area's origin; `nil` when the analysis needs none (a map).
    ///   - geography: the ONS lookups placing areas in districts and ICBs (for those selections).
    ///   - selection: the region; every area when empty.
    /// - Throws: ``FrameError``, ``RegionError``, `GEOSError` and `ProjectionError` (polygon
    ///   centroids, region polygons).
    public init(areas: Areas, deprivation: DeprivationTable, population: AreaValues? = nil, origins: OriginPolicy? = nil,
                geography: AreaGeography? = nil, selection: RegionSelection = RegionSelection()) throws {
        var diagnostics: [Diagnostic] = []
        let join = try Self.join(areas, deprivation, &diagnostics)
        let records = join.records
        let analysed = records.indices.filter { records[$0] != nil }
        let (selected, description) = try areas.select(selection, geography: geography)
        // Areas of the region without a record (every area's, when the region is the whole layer).
        let left = selected.filter { records[$0] == nil }.map { areas.codes[$0] }
        if !left.isEmpty {
            let welsh = left.allSatisfy { $0.hasPrefix("W") } ? " (all Welsh, W…)" : ""
            diagnostics.note("\(left.count) areas have no \(deprivation.kind == .englishIMD ? "IMD" : "WIMD") row and are left out\(welsh): \(list(left))", codes: left)
        }
        self.areas = areas
        self.deprivation = deprivation
        self.records = records
        self.analysed = analysed
        self.selected = selected
        self.regionDescription = description
        self.selection = selection
        self.geography = geography
        self.populationFromTable = population != nil
        (self.population, self.populationSource) = Self.population(areas, records, analysed, population, &diagnostics)
        self.originPolicy = origins
        if let origins {
            self.origins = try origins.place(areas, indices: analysed, diagnostics: &diagnostics)
        } else {
            self.origins = Array(repeating: Coordinate(x: .nan, y: .nan), count: areas.codes.count)
        }
        self.diagnostics = diagnostics
    }

    /// The selected areas that have a deprivation record, ascending.
    public var selectedAnalysed: [Int] { selected.filter { records[$0] != nil } }

    /// `true` when the region is every area.
    public var isWholeLayer: Bool { selection.isEmpty }

    /// The deprivation join under the frame's vintage policy.
    private static func join(_ areas: Areas, _ table: DeprivationTable, _ diagnostics: inout [Diagnostic]) throws -> DeprivationJoin {
        let join = DeprivationJoin.join(codes: areas.codes, areaVintage: areas.vintage, table: table)
        if let a = areas.vintage, let t = table.vintage, a != t {
            throw FrameError.vintageMismatch(table: table.summary, areas: a, tableVintage: t, matched: join.matchedCount, of: areas.codes.count)
        }
        guard join.matchedCount > 0 else { throw FrameError.nothingMatched(table: table.summary) }
        if let suspicion = join.vintageMismatch { diagnostics.append(suspicion) }
        if !table.skipped.isEmpty {
            diagnostics.note("\(table.skipped.count) \(table.kind) rows not used: \(table.skipped.prefix(3).map(\.description).joined(separator: "; "))")
        }
        return join
    }

    /// Population per area under the frame's policy, with its source.
    private static func population(_ areas: Areas, _ records: [DeprivationRecord?], _ analysed: [Int], _ table: AreaValues?,
                                   _ diagnostics: inout [Diagnostic]) -> ([Double?], String?) {
        var population: [Double?]
        var source: String?
        if let table {
            population = areas.codes.map { table.values[$0] }
            source = "\(URL(fileURLWithPath: table.path).lastPathComponent) (\(table.column))"
            if let v = areas.vintage, let pv = table.vintage, v != pv {
                diagnostics.note("the population table is on \(pv) but the areas are \(v)", file: table.path, advice: "check \(Setting.population)")
            }
        } else {
            population = records.map { $0?.population }
            if population.contains(where: { $0 != nil }) { source = "IMD population denominators" }
        }
        let missing = analysed.filter { population[$0] == nil }.map { areas.codes[$0] }
        let zero = analysed.filter { population[$0] == 0 }.map { areas.codes[$0] }
        if source != nil, !missing.isEmpty {
            diagnostics.note("\(missing.count) areas have no population and weigh nothing (no demand, no weight in summaries): \(list(missing))",
                             codes: missing, advice: "give \(Setting.population) to fill them")
        }
        if !zero.isEmpty { diagnostics.note("\(zero.count) areas have a population of 0 (they add no demand and no weight): \(list(zero))", codes: zero) }
        return (population, source)
    }

    /// Fails unless some analysed area has people (measures of access need demand).
    /// - Throws: ``FrameError/noPopulation``.
    public func requirePopulation() throws {
        guard analysed.contains(where: { (population[$0] ?? 0) > 0 }) else { throw FrameError.noPopulation }
    }

    /// `services` in EPSG:27700, the frame's metric CRS: transformed with PROJ when they are in
    /// another CRS (recorded in ``diagnostics`` of the returned pair).
    /// - Throws: `ProjectionError`.
    public func metric(_ services: ServiceSet) throws -> (ServiceSet, Diagnostic?) {
        guard services.crs != .britishNationalGrid else { return (services, nil) }
        let moved = try services.reprojected(to: .britishNationalGrid)
        return (moved, Diagnostic("\(services.kind): \(grouped(services.points.count)) points transformed from \(services.crs) to EPSG:27700 with PROJ", file: services.path))
    }
}
