import ArgumentParser
import DeprivationMap
import Foundation

/// Where the open-data folder is (the layout of ../shared/geodata: boundaries/, imd/, lookups/,
/// postcodes/ …), for files the user does not name: lookups for region selection, Code-Point Open
/// for locating services by postcode.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: ArgumentHelp("Open-data folder (default: $DEPRIVATION_MAP_DATA).", valueName: "dir"))
    var dataDirectory: String?

    var root: String? {
        if let dataDirectory { return dataDirectory }
        if let env = ProcessInfo.processInfo.environment["DEPRIVATION_MAP_DATA"], !env.isEmpty { return env }
        return nil
    }

    /// `relative` under the data folder, when it exists.
    func file(_ relative: String) -> String? {
        guard let root else { return nil }
        let path = root + "/" + relative
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The error for a default file missing from the data folder: which file, and how to get it.
    func missing(_ relative: String, option: String) -> DataFolderError {
        let how = DataCatalogue.file(relative)?.howToGet ?? "copy it from a mirror with `deprivation-map data fetch --mirror DIR`"
        guard let root else {
            return DataFolderError("give \(option), or point --data (or DEPRIVATION_MAP_DATA) at the open-data folder (it should hold \(relative)); `deprivation-map data fetch --data DIR` fills a new one.")
        }
        return DataFolderError("the data folder \(root) has no \(relative) (needed for \(option)). To get it, \(how); or give \(option) FILE. `deprivation-map data status` lists what is missing.")
    }

    /// The ONS lookups for areas of `vintage` (district, ICB, ward), those present.
    func geographyFiles(for vintage: LSOAVintage?) -> [String] {
        switch vintage {
        case .lsoa2011?: return ["lookups/lsoa11_sicbl22_icb22_ltla22.csv.gz", "lookups/lsoa11_ward17.csv.gz"].compactMap(file)
        case .lsoa2021?: return ["lookups/lsoa21_ward24_ltla24.csv.gz", "lookups/lsoa21_sicbl24_icb24.csv.gz"].compactMap(file)
        case nil: return []
        }
    }

    /// The population-weighted centroids of the data folder for areas of `vintage`, when present.
    func centroidFile(for vintage: LSOAVintage?) -> String? {
        switch vintage {
        case .lsoa2011?: return file("centroids/LSOA_Dec2011_PWC_WGS.csv")
        case .lsoa2021?: return file("centroids/lsoa21_ew_centres_drkane.csv")
        case nil: return nil
        }
    }

    /// A food-van depot in EPSG:27700 from a postcode (located with Code-Point Open: `postcodes`
    /// or the data folder's) or "E,N"; with its label and the Code-Point file used, if any.
    func depot(_ text: String, postcodes: String?) throws -> (Coordinate, String, String?) {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.count == 2, let e = Double(parts[0]), let n = Double(parts[1]) {
            if abs(e) <= 180 && abs(n) <= 90 {
                throw ValidationError("--depot \(text) looks like longitude,latitude; give a British National Grid easting,northing in metres (e.g. 588000,186000) or a postcode.")
            }
            guard (0...700_000).contains(e), (0...1_300_000).contains(n) else {
                throw ValidationError("--depot \(text) is not a British National Grid easting,northing (easting 0–700000, northing 0–1300000).")
            }
            return (Coordinate(x: e, y: n), "E \(Int(saturating: e, .towardZero)) N \(Int(saturating: n, .towardZero))", nil)
        }
        guard let zip = codePoint(postcodes) else {
            throw ValidationError("--depot \(text) is a postcode, which needs Code-Point Open: pass --postcodes FILE or set DEPRIVATION_MAP_DATA.")
        }
        let point = try CodePointOpen.locate(text, path: zip)
        return (point, Postcode.normalise(text).map(Postcode.display) ?? text, zip)
    }

    /// Code-Point Open: `given`, or the copy in the data folder.
    func codePoint(_ given: String?) -> String? {
        given ?? file("postcodes/codepo_gb_2025-04.zip")
    }
}

/// A problem with the data folder found while running (printed without the usage text).
struct DataFolderError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Loads Code-Point Open once, with progress.
func loadPostcodes(_ path: String, bar: ProgressBar) throws -> (PostcodePoints, [String: Int]) {
    let callback = bar.callback
    let points = try CodePointOpen.read(path: path) { done, total in
        callback?(ProgressEvent(stage: "reading postcodes", done: done, total: total))
    }
    bar.clear()
    return (points, points.makeIndex())
}

/// "1,234 (12.3%)".
func countAndShare(_ n: Int, of total: Int) -> String {
    total > 0 ? "\(grouped(n)) (\(String(format: "%.1f", 100 * Double(n) / Double(total)))%)" : grouped(n)
}
