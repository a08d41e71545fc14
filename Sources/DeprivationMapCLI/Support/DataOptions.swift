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

    /// The data folder, when one is set.
    var folder: DataFolder? { root.map(DataFolder.init(root:)) }

    /// `relative` under the data folder, when it exists.
    func file(_ relative: String) -> String? { folder?.file(relative) }

    /// `relative` under the data folder (or its catalogue alternative).
    /// - Throws: ``DataFolderError`` naming the file, how to get it and `setting`.
    func require(_ relative: String, setting: Setting) throws -> String {
        guard let folder else { throw DataFolderError(root: nil, relative: relative, setting: setting) }
        return try folder.require(relative, setting: setting)
    }

    /// The ONS lookups for areas of `vintage` (district, ICB, ward), those present.
    func geographyFiles(for vintage: LSOAVintage?) -> [String] { folder?.geographyFiles(for: vintage) ?? [] }

    /// The population-weighted centroids of the data folder for areas of `vintage`, when present.
    func centroidFile(for vintage: LSOAVintage?) -> String? { folder?.centroidFile(for: vintage) }

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
        given ?? file(DataFolder.codePointOpen)
    }
}

/// Reads services from `path`; a file located by postcode is read again with Code-Point Open
/// (`postcodes`, or the data folder's). Returns the set and the Code-Point file used, if any.
func readServices(_ path: String, kind: ServiceKind?, postcodes: String?, data: DataOptions, bar: ProgressBar) throws -> (ServiceSet, String?) {
    do {
        return (try ServiceReader.read(path: path, kind: kind), nil)
    } catch ServiceError.needsPostcodes {
        guard let zip = data.codePoint(postcodes) else { throw ServiceError.needsPostcodes(path: path) }
        return (try ServiceReader.read(path: path, kind: kind, postcodes: try loadPostcodes(zip, bar: bar)), zip)
    }
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
