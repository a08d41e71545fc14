import ArgumentParser
import DeprivationMap
import Foundation

/// Options shared by `access` and `gap`: areas, IMD, population and region (``AreaOptions``, with
/// data-folder defaults), services and their capacity, the measure, need weighting and the SII settings.
struct AccessOptions: ParsableArguments {
    /// The files named on the command line (for the check that no output replaces an input).
    var inputPaths: [String?] {
        area.inputPaths + [services.map { MapCommand.split($0).1 }, postcodes, capacity, matrix, needAges, travel.network]
    }

    @OptionGroup var area: AreaOptions

    @OptionGroup(title: "Network travel") var travel: NetworkOptions

    @Option(help: ArgumentHelp("Services as TYPE=FILE or FILE: epraccur, edispensary, Geolytix, CSV with coordinates or postcodes, GeoJSON, shapefile, FILE.gpkg|layername=NAME, postgresql://…?table=… (its geometry, or coordinate or postcode columns).", valueName: "type=file"))
    var services: String?

    @Option(help: "Code-Point Open zip for services located by postcode (default: the data folder's).")
    var postcodes: String?

    @Option(help: ArgumentHelp("Table of supply per service (e.g. heec_workforce_year_practice.csv); default: 1 per service.", valueName: "file"))
    var capacity: String?

    @Option(help: ArgumentHelp("Supply column of --capacity, e.g. TOTAL_GP_EXTGL_FTE.", valueName: "column"))
    var capacityColumn: String?

    @Option(help: ArgumentHelp("Service identifier column of --capacity (default: a …code column).", valueName: "column"))
    var capacityId: String?

    @Option(help: ArgumentHelp("Keep --capacity rows where COLUMN equals VALUE, e.g. Year=2025 (repeatable).", valueName: "column=value"))
    var capacityWhere: [String] = []

    @Option(help: ArgumentHelp("nearest, knn, within, 2sfca, e2sfca or 3sfca.", valueName: "method"))
    var method: AccessMeasure = .nearest

    @Option(help: ArgumentHelp("Travel-time matrix (wide: area rows × service columns; or long: origin, destination, cost), minutes.", valueName: "file"))
    var matrix: String?

    @Option(help: ArgumentHelp("Radius for within and the floating catchments: metres; minutes with --matrix or a network (metres with --network-metric distance).", valueName: "radius"))
    var radius: Double?

    @Option(help: "Number of nearest services for knn.")
    var k: Int = 3

    @Option(help: ArgumentHelp("Distance decay: binary, gaussian:SIGMA or steps:UPTO=WEIGHT,… (e2sfca default: steps at 1/3, 2/3, 1 of the radius weighted 1, 0.68, 0.22; 3sfca default: the same).", valueName: "decay"))
    var decay: String?

    @Option(help: "Floating catchment results per this many people.")
    var per: Double = 100_000

    @Option(help: "Also report the share of population with a value above this (e.g. 10 km).")
    var threshold: Double?

    @Option(help: ArgumentHelp("Need-weight demand by age: a population-by-age CSV (e.g. census2021_usual_residents_lsoa21_age6.csv).", valueName: "file"))
    var needAges: String?

    @Option(help: ArgumentHelp("Weights of the --need-ages bands, e.g. \"Aged 65 years and over=2.5\" or \"65+=2.5,0-4=1.5\"; other bands weigh 1.", valueName: "band=weight,…"))
    var needWeights: String?

    @Option(help: ArgumentHelp("Need-weight demand by the IMD health domain: population × FACTOR^(health score).", valueName: "factor"))
    var healthNeedFactor: Double?

    @Option(help: ArgumentHelp("Groups of the SII: decile or quintile.", valueName: "groups"))
    var siiGroups: SIIGroupsOption = .decile

    @Option(help: ArgumentHelp("Transform before the SII regression: none, log (rates) or logit (proportions).", valueName: "transform"))
    var transform: SIITransform = .none

    @Option(help: "Monte Carlo simulations for the SII and RII confidence limits.")
    var draws: Int = 100_000

    @Option(help: "Seed of the simulations (same seed, same limits).")
    var seed: UInt64 = 1

    @Option(help: "Confidence level of the limits.")
    var confidence: Double = 0.95

    func validate() throws {
        guard draws >= 100 else { throw ValidationError("--draws must be at least 100.") }
        guard confidence > 0 && confidence < 1 else { throw ValidationError("--confidence must be between 0 and 1, e.g. 0.95.") }
        guard per > 0 else { throw ValidationError("--per must be positive.") }
        if capacity != nil && capacityColumn == nil { throw ValidationError("--capacity needs --capacity-column (e.g. TOTAL_GP_EXTGL_FTE).") }
        if (needAges == nil) != (needWeights == nil) { throw ValidationError("--need-ages and --need-weights go together.") }
        if needAges != nil && healthNeedFactor != nil { throw ValidationError("choose one need weighting: --need-ages or --health-need-factor.") }
        for w in capacityWhere where RowFilter.parse(w) == nil { throw ValidationError("--capacity-where takes COLUMN=VALUE; got '\(w)'.") }
    }

    /// The inequality statistics settings.
    var inequality: InequalitySettings {
        InequalitySettings(groups: siiGroups == .quintile ? .quintiles : .deciles, transform: transform, draws: draws, seed: seed,
                           confidence: confidence, threshold: threshold)
    }

    /// Everything an access analysis needs, read.
    struct Prepared {
        var frame: AnalysisFrame
        var services: ServiceSet
        var spec: AccessSpec
        /// Every file read (for the attribution notice).
        var files: [String]
        var defaults: [String]
        /// Notes of the CLI's own (a network that could not be used).
        var notes: [String] = []
    }

    /// Reads everything and builds the frame and the measure's specification.
    func prepare(data: DataOptions, bar: ProgressBar) throws -> Prepared {
        guard let services else { throw ValidationError("give the services with --services TYPE=FILE.") }
        let loaded = try area.load(data: data, progress: bar.callback)
        var files = loaded.files
        let (kind, path) = MapCommand.split(services)
        let (set, zip) = try readServices(path, kind: kind, postcodes: postcodes, data: data, bar: bar)
        files += [zip, path].compactMap { $0 }
        files += [capacity, matrix, needAges].compactMap { $0 }
        if matrix != nil && travel.wanted { throw ValidationError("choose one cost: --matrix (a table of times) or a network (--network, --router-url, --mode).") }
        var spec = AccessSpec(measure: method, radius: radius, cost: try matrix.map { .travelTimes(try TravelTimeTable.read(path: $0)) } ?? .straightLine)
        let (router, fallback) = try travel.router(travel.mode ?? .walk, data: data, bar: bar)
        if let router {
            spec.cost = .network(NetworkCost(router: router, metric: travel.networkMetric, snapCap: travel.snapCap))
            if let extract = router.network?.extract.path { files.append(extract) }
        }
        if let capacity, let capacityColumn {
            spec.capacity = try ServiceCapacity.read(path: capacity, valueColumn: capacityColumn, idColumn: capacityId,
                                                     filters: columnFilters(capacityWhere))
        }
        spec.k = k
        spec.decay = try decay.map(DistanceDecay.parse)
        spec.scale = per
        if let needAges, let needWeights {
            spec.need = .ageBands(try AgeBandNeed.read(path: needAges, weights: try NeedWeighting.parseWeights(needWeights)))
        } else if let healthNeedFactor {
            spec.need = .healthDomain(factor: healthNeedFactor)
        }
        spec.inequality = inequality
        return Prepared(frame: try loaded.frame(), services: set, spec: spec, files: files, defaults: loaded.defaults,
                        notes: fallback.map { [$0] } ?? [])
    }
}

/// Groups of the SII on the command line.
enum SIIGroupsOption: String, ExpressibleByArgument, CaseIterable {
    case decile, quintile
}

extension AccessMeasure: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension SIITransform: ExpressibleByArgument {}


/// `COLUMN=VALUE` options (validated by `validate()`) as row filters.
func columnFilters(_ options: [String]) -> [RowFilter] {
    options.compactMap(RowFilter.parse)
}
