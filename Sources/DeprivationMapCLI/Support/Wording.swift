import DeprivationMap

/// The command line's words for the library's settings: its flags.
extension Setting {
    var flag: String {
        switch self {
        case .areas: return "--areas"
        case .codeField: return "--code-field"
        case .imd: return "--imd"
        case .population: return "--population"
        case .populationColumn: return "--population-column"
        case .centroids: return "--centroids"
        case .dataFolder: return "--data DIR (or DEPRIVATION_MAP_DATA)"
        case .postcodes: return "--postcodes"
        case .vintageLookup: return "--lookup"
        case .reproject: return "--reproject"
        case .crs: return "--crs"
        case .targetCRS: return "--to-crs"
        case .encoding: return "--encoding"
        case .delimiter: return "--delimiter"
        case .coordinateColumns: return "--x/--y"
        case .featureFilter: return "--where"
        case .method: return "--method"
        case .radius: return "--radius"
        case .neighbours: return "--k"
        case .capacityID: return "--capacity-id"
        case .capacityFilter: return "--capacity-where"
        case .practiceFilter: return "--practice-where"
        case .workforce: return "--practices"
        case .weightedPatients: return "--weighted-patients"
        case .workforceYear: return "--workforce-year"
        case .paymentsYear: return "--payments-year"
        case .layer: return "--layer"
        case .overwrite: return "--overwrite"
        case .needWeights: return "--need-weights"
        case .output: return "-o"
        case .stops: return "--stops"
        case .sites: return "--sites"
        case .walkRadius: return "--walk-radius"
        case .depot: return "--depot"
        case .allowDepotOutside: return "--allow-depot-outside"
        case .foodThreshold: return "--food-threshold"
        case .deciles: return "--deciles"
        case .storeSizes: return "--store-sizes"
        case .dayMinutes: return "--day-minutes"
        case .stopMinutes: return "--stop-minutes"
        case .days: return "--days"
        case .speed: return "--speed"
        case .detour: return "--detour"
        case .cycleWeeks: return "--cycle-weeks"
        case .weekdays: return "--weekdays"
        case .startDate: return "--start-date"
        case .cycles: return "--cycles"
        case .mapLibrary: return "--leaflet"
        case .network: return "--network"
        case .mode: return "--mode"
        case .routerURL: return "--router-url"
        case .snapCap: return "--snap-cap"
        case .engines: return "--engines (or DEPRIVATION_MAP_ENGINES)"
        case .networkCache: return "--network-cache"
        case .straightLineFallback: return "--fallback-straight-lines"
        }
    }
}

/// A library error or diagnostic in the command line's words.
enum Wording {
    static func error(_ error: Error) -> String {
        if let missing = error as? DataFolderError { return dataFolder(missing) }
        if let advised = error as? any AdvisedError { return advised.worded(\.flag) }
        return "\(error)"
    }

    static func note(_ diagnostic: Diagnostic) -> String { diagnostic.worded(\.flag) }

    /// A file missing from the data folder: which, how to get it with this tool, what to give instead.
    static func dataFolder(_ e: DataFolderError) -> String {
        let how = DataCatalogue.file(e.relative)?.howToGet ?? "copy it from a mirror with `deprivation-map data fetch --mirror DIR`"
        let instead = e.setting.map { "; or give \($0.flag) FILE" } ?? ""
        guard let root = e.root else {
            return "\(e.setting.map { "give \($0.flag), or " } ?? "")point --data (or DEPRIVATION_MAP_DATA) at the open-data folder (it should hold \(e.relative)); `deprivation-map data fetch --data DIR` fills a new one."
        }
        return "the data folder \(root) has no \(e.relative)\(e.setting.map { " (needed for \($0.flag))" } ?? ""). To get it, \(how)\(instead). `deprivation-map data status` lists what is missing."
    }
}

extension DataFile {
    /// How to get the file with this tool, for messages.
    var howToGet: String {
        let mirror = "or copy it from a mirror with `deprivation-map data fetch --mirror DIR`"
        if url == nil, let alt = alternative.flatMap(DataCatalogue.file), let altURL = alt.url {
            return "run `deprivation-map data fetch`, which downloads \(alt.path) from \(altURL) to stand in for it; or download it from \(landingPage), \(mirror)"
        }
        if let url { return "run `deprivation-map data fetch` (downloads it from \(url)), \(mirror)" }
        return "download it by hand from \(landingPage) and save it as DATA/\(path), \(mirror)"
    }
}

/// An error already worded for the terminal.
struct WordedError: Error, CustomStringConvertible {
    let description: String
}
