import ArgumentParser
import DeprivationMap
import Foundation

/// Areas, IMD, population, centroids and the region, with defaults from the data folder
/// (LSOA 2021 boundaries, IMD 2025, Census 2021 population), for commands that plan for a region.
struct AreaOptions: ParsableArguments {
    /// The files named on the command line (for the check that no output replaces an input).
    var inputPaths: [String?] { [areas, population, centroids, region] + imd }

    @Option(help: ArgumentHelp("Polygon layer of areas: a file, FILE.gpkg|layername=NAME or postgresql://…?table=… (default: the data folder's boundaries/lsoa21_ew_bgc/lsoa21_ew_bgc.shp).", valueName: "file"))
    var areas: String?

    @Option(help: "Field holding the area code (default: the first text field named …CD or …code).")
    var codeField: String?

    @Option(help: ArgumentHelp("Layer of a GeoPackage --areas (`info FILE.gpkg` lists them); needed when it has several.", valueName: "name"))
    var layer: String?

    @Option(help: ArgumentHelp("English IMD file(s) or postgresql://…?table=…|query=… (repeatable; default: the data folder's imd/imd2025_england_lsoa21.csv, or IoD2025 File 7 there).", valueName: "file"))
    var imd: [String] = []

    @Option(help: ArgumentHelp("Population per area (CSV, or a postgresql:// table or query, with a code and a total column); default: the IMD denominators, or Census 2021 from the data folder for LSOA 2021.", valueName: "file"))
    var population: String?

    @Option(help: "Population column of --population (default: a total-population column).")
    var populationColumn: String?

    @Option(help: ArgumentHelp("Population-weighted centroids (CSV: code and easting/northing or lon/lat); default: the data folder's for the areas' vintage.", valueName: "file"))
    var centroids: String?

    @Flag(help: "Use the centroid of each polygon (computed in EPSG:27700) instead of population-weighted centroids.")
    var polygonCentroids = false

    @Option(help: ArgumentHelp("Keep areas in this district (name or code; repeatable).", valueName: "name"))
    var district: [String] = []

    @Option(help: ArgumentHelp("Keep areas in this ICB (E54… or NHS code, e.g. QH8).", valueName: "code"))
    var icb: String?

    @Option(help: ArgumentHelp("Keep areas of this region: an ICB name (\"Mid and South Essex\") or a district name, or the areas inside the polygons of a file.", valueName: "name|file"))
    var region: String?

    /// What was read, and the files it came from.
    struct Loaded {
        var areas: Areas
        var imd: DeprivationTable
        var population: AreaValues?
        var centroids: Centroids?
        var geography: AreaGeography?
        var selection: RegionSelection
        var files: [String]
        var defaults: [String]

        /// The analysis frame: population-weighted centroids when read, else polygon centroids.
        func frame() throws -> AnalysisFrame {
            try AnalysisFrame(areas: areas, deprivation: imd, population: population,
                              origins: centroids.map { .populationWeighted($0) } ?? .polygonCentroids,
                              geography: geography, selection: selection)
        }
    }

    /// Reads the areas, IMD, population and centroids, taking what is not given from the data folder.
    func load(data: DataOptions, progress: ProgressCallback? = nil) throws -> Loaded {
        var defaults: [String] = []
        func fromData(_ relative: String, _ setting: Setting) throws -> String {
            let path = try data.require(relative, setting: setting)
            let used = path.hasSuffix(relative) ? relative : (DataCatalogue.file(relative)?.alternative ?? relative)
            defaults.append("\(setting.flag) \(used)")
            return path
        }
        let areaPath = try areas ?? fromData(DataFolder.lsoa2021Boundaries, .areas)
        let imdPaths = imd.isEmpty ? [try fromData(DataFolder.imd2025, .imd)] : imd
        let areaSet = try Areas.load(path: areaPath, codeField: codeField, options: VectorReadOptions(layer: layer), progress: progress.map { callback in
            { done, total in callback(ProgressEvent(stage: "reading areas", done: done, total: total)) }
        })
        progress?(ProgressEvent(stage: "reading IMD, population and centroids", done: 0, total: 3))
        let table = try DeprivationTable.read(paths: imdPaths)
        guard table.kind == .englishIMD else {
            throw ValidationError("\(imdPaths.joined(separator: ", ")): this is the Welsh WIMD; give the English IMD with --imd.")
        }
        var populationPath = population
        if populationPath == nil && !table.hasPopulation && areaSet.vintage == .lsoa2021 {
            populationPath = try fromData(DataFolder.census2021Population, .population)
        }
        var loaded = Loaded(areas: areaSet, imd: table, population: nil, centroids: nil, geography: nil,
                            selection: RegionSelection(districts: district, icb: icb, polygonPath: nil),
                            files: [areaPath] + imdPaths, defaults: defaults)
        progress?(ProgressEvent(stage: "reading IMD, population and centroids", done: 1, total: 3))
        if let populationPath {
            loaded.population = try AreaValues.read(path: populationPath, column: populationColumn)
            loaded.files.append(populationPath)
        }
        progress?(ProgressEvent(stage: "reading IMD, population and centroids", done: 2, total: 3))
        if !polygonCentroids, let file = centroids ?? data.folder?.centroidFile(for: areaSet.vintage) {
            loaded.centroids = try Centroids.read(path: file)
        }
        let regionIsFile = region.map { FileManager.default.fileExists(atPath: $0) } ?? false
        if !district.isEmpty || icb != nil || (region != nil && !regionIsFile) {
            let files = data.folder?.geographyFiles(for: areaSet.vintage) ?? []
            if data.folder != nil && areaSet.vintage == nil {
                throw ValidationError("--district, --icb and --region NAME need the areas' LSOA vintage, which \(SourceName.of(areaPath)) does not tell (its code field is not named like LSOA11CD or LSOA21CD): give areas with such a field, or select them with --region FILE.")
            }
            guard !files.isEmpty else {
                throw ValidationError("--district, --icb and --region NAME need the ONS lookups of the data folder (lookups/…): pass --data DIR or set DEPRIVATION_MAP_DATA.")
            }
            loaded.geography = try AreaGeography.read(paths: files)
            loaded.files += files
        }
        if let region {
            if regionIsFile {
                loaded.selection.polygonPath = region
            } else {
                guard let geography = loaded.geography else { throw ValidationError("--region NAME needs the ONS lookups of the data folder.") }
                let named = try RegionSelection.named(region, geography: geography)
                loaded.selection.icb = loaded.selection.icb ?? named.icb
                loaded.selection.districts += named.districts
            }
        }
        loaded.defaults = defaults
        return loaded
    }
}
