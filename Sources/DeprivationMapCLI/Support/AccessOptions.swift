import ArgumentParser
import DeprivationMap
import Foundation

/// Options shared by `access` and `gap`: areas, IMD, population, services and their capacity,
/// the measure, need weighting, region and the SII settings.
struct AccessOptions: ParsableArguments {
    @Option(help: "Polygon layer of areas (.shp or .geojson), e.g. LSOA boundaries.")
    var areas: String?

    @Option(help: "Field holding the area code (default: the first text field named …CD or …code).")
    var codeField: String?

    @Option(help: "English IMD file(s) (repeatable; merged by code, e.g. IoD2019 File 1 and File 6 for population).")
    var imd: [String] = []

    @Option(help: "Population per area (CSV with a code and a total column); default: the IMD file's denominators.")
    var population: String?

    @Option(help: "Population column of --population (default: a total-population column).")
    var populationColumn: String?

    @Option(help: "Population-weighted centroids (CSV: code and easting/northing or lon/lat); default: the data folder's for the areas' vintage.")
    var centroids: String?

    @Flag(help: "Measure from the centroid of each polygon (computed in EPSG:27700) instead of population-weighted centroids.")
    var polygonCentroids = false

    @Option(help: ArgumentHelp("Services as TYPE=FILE or FILE: epraccur, edispensary, Geolytix, CSV with coordinates or postcodes, GeoJSON, shapefile.", valueName: "type=file"))
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
    var method: String = "nearest"

    @Option(help: ArgumentHelp("Travel-time matrix (wide: area rows × service columns; or long: origin, destination, cost), minutes.", valueName: "file"))
    var matrix: String?

    @Option(help: ArgumentHelp("Radius for within and the floating catchments: metres, or minutes with --matrix.", valueName: "metres"))
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

    @Option(help: ArgumentHelp("Keep areas in this district (name or code; repeatable).", valueName: "name"))
    var district: [String] = []

    @Option(help: ArgumentHelp("Keep areas in this ICB (E54… or NHS code, e.g. QH8).", valueName: "code"))
    var icb: String?

    @Option(help: ArgumentHelp("Keep areas inside the polygons of this file.", valueName: "file"))
    var region: String?

    @Option(help: ArgumentHelp("Groups of the SII: decile or quintile.", valueName: "groups"))
    var siiGroups: String = "decile"

    @Option(help: ArgumentHelp("Transform before the SII regression: none, log (rates) or logit (proportions).", valueName: "transform"))
    var transform: String = "none"

    @Option(help: "Monte Carlo simulations for the SII and RII confidence limits.")
    var draws: Int = 100_000

    @Option(help: "Seed of the simulations (same seed, same limits).")
    var seed: UInt64 = 1

    @Option(help: "Confidence level of the limits.")
    var confidence: Double = 0.95

    func validate() throws {
        guard AccessMeasure(rawValue: method.lowercased()) != nil else {
            throw ValidationError("--method must be one of \(AccessMeasure.allCases.map(\.rawValue).joined(separator: ", ")); got '\(method)'.")
        }
        guard ["decile", "quintile"].contains(siiGroups) else { throw ValidationError("--sii-groups must be decile or quintile.") }
        guard SIITransform(rawValue: transform) != nil else { throw ValidationError("--transform must be none, log or logit.") }
        guard draws >= 100 else { throw ValidationError("--draws must be at least 100.") }
        guard confidence > 0 && confidence < 1 else { throw ValidationError("--confidence must be between 0 and 1, e.g. 0.95.") }
        guard per > 0 else { throw ValidationError("--per must be positive.") }
        if capacity != nil && capacityColumn == nil { throw ValidationError("--capacity needs --capacity-column (e.g. TOTAL_GP_EXTGL_FTE).") }
        if (needAges == nil) != (needWeights == nil) { throw ValidationError("--need-ages and --need-weights go together.") }
        if needAges != nil && healthNeedFactor != nil { throw ValidationError("choose one need weighting: --need-ages or --health-need-factor.") }
        for w in capacityWhere where !w.contains("=") { throw ValidationError("--capacity-where takes COLUMN=VALUE; got '\(w)'.") }
    }

    /// All input files, for the attribution notice.
    var inputFiles: [String] {
        [areas].compactMap { $0 } + imd + [services.map { MapCommand.split($0).1 }].compactMap { $0 } + [population, centroids, capacity, matrix, needAges].compactMap { $0 }
    }

    /// Reads everything and builds the analysis input.
    func makeInput(data: DataOptions, bar: ProgressBar) throws -> AccessInput {
        guard let areas else { throw ValidationError("give the areas with --areas (e.g. boundaries/lsoa11_ew_bsc/lsoa11_ew_bsc_v3.shp).") }
        guard let services else { throw ValidationError("give the services with --services TYPE=FILE.") }
        guard !imd.isEmpty else { throw ValidationError("give the English IMD with --imd.") }
        let areaSet = try Areas.load(path: areas, codeField: codeField)
        let table = try DeprivationTable.read(paths: imd)
        guard table.kind == .englishIMD else {
            throw AccessError.badParameter("\(imd.joined(separator: ", ")): this is the Welsh WIMD; access by IMD decile needs the English IMD (deciles of the Welsh index rank a different population).")
        }
        let (type, path) = MapCommand.split(services)
        var set: ServiceSet
        do {
            set = try ServiceReader.read(path: path, type: type)
        } catch ServiceError.needsPostcodes {
            guard let zip = data.codePoint(postcodes) else { throw ServiceError.needsPostcodes(path: path) }
            set = try ServiceReader.read(path: path, type: type, postcodes: try loadPostcodes(zip, bar: bar))
        }
        var input = AccessInput(areas: areaSet, imd: table, services: set)
        if let population { input.population = try AreaValues.read(path: population, column: populationColumn) }
        if !polygonCentroids {
            let file = centroids ?? data.centroidFile(for: areaSet.vintage)
            if let file {
                input.centroids = try readCentroids(path: file, crs: .britishNationalGrid)
                input.centroidSource = URL(fileURLWithPath: file).lastPathComponent
            }
        }
        if let capacity, let capacityColumn {
            input.capacity = try ServiceCapacity.read(path: capacity, valueColumn: capacityColumn, idColumn: capacityId,
                                                      filters: columnFilters(capacityWhere))
        }
        input.matrixPath = matrix
        input.measure = AccessMeasure(rawValue: method.lowercased())!
        input.k = k
        input.radius = radius
        input.decay = try decay.map(DistanceDecay.parse)
        input.scale = per
        input.threshold = threshold
        if let needAges, let needWeights {
            input.need = .ageBands(path: needAges, weights: try NeedWeighting.parseWeights(needWeights))
        } else if let healthNeedFactor {
            input.need = .healthDomain(factor: healthNeedFactor)
        }
        if !district.isEmpty || icb != nil {
            let files = data.geographyFiles(for: areaSet.vintage)
            guard !files.isEmpty else {
                throw AccessError.badParameter("--district and --icb need the ONS lookups of the data folder (lookups/…): pass --data DIR or set DEPRIVATION_MAP_DATA.")
            }
            input.geography = try AreaGeography.read(paths: files)
        }
        input.selection = RegionSelection(districts: district, icb: icb, polygonPath: region)
        input.siiGroups = siiGroups == "quintile" ? 5 : 10
        input.transform = SIITransform(rawValue: transform)!
        input.draws = draws
        input.seed = seed
        input.confidence = confidence
        input.progress = bar.callback
        return input
    }
}

/// `COLUMN=VALUE` options (validated to contain "=") as (column, value) pairs.
func columnFilters(_ options: [String]) -> [(String, String)] {
    options.map { w in
        let eq = w.firstIndex(of: "=")!
        return (String(w[..<eq]), String(w[w.index(after: eq)...]))
    }
}
