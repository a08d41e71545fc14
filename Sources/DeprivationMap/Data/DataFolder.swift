import Foundation

/// A file the data folder should hold but does not.
public struct DataFolderError: Error, Sendable, Equatable, AdvisedError {
    /// The folder, when one is known.
    public var root: String?
    /// The missing file, relative to the folder.
    public var relative: String
    /// The setting that would name the file instead.
    public var setting: Setting?

    /// A missing `relative` under `root` (no folder set when `nil`); `setting` would name another file.
    public init(root: String?, relative: String, setting: Setting?) {
        self.root = root
        self.relative = relative
        self.setting = setting
    }

    public var problem: String {
        guard let root else { return "no open-data folder is set (it should hold \(relative))" }
        return "the data folder \(root) has no \(relative)"
    }

    public var advice: Advice? {
        let how = DataCatalogue.file(relative)?.whereToGet ?? "copy it from a mirror of the open-data folder"
        var parts: [Advice.Part] = [.text("to get it, \(how)")]
        if let setting { parts += [.text("; or give "), .setting(setting)] }
        if root == nil { parts += [.text("; or point "), .setting(.dataFolder), .text(" at the open-data folder")] }
        return Advice(parts: parts)
    }
}

/// The open-data folder (the layout of `../shared/geodata`): where each default input is, for
/// each LSOA vintage. The command line, the examples, the benchmarks and the tests all find
/// their files through it.
///
/// ```swift
/// let data = DataFolder.fromEnvironment() ?? DataFolder(root: "../shared/geodata")
/// let lsoas = try Areas.load(path: try data.require(DataFolder.lsoa2021Boundaries))
/// ```
public struct DataFolder: Sendable, Hashable {
    /// The folder.
    public var root: String

    /// The folder at `root`.
    public init(root: String) { self.root = root }

    /// The folder named by `DEPRIVATION_MAP_DATA`, when set.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> DataFolder? {
        guard let value = environment["DEPRIVATION_MAP_DATA"], !value.isEmpty else { return nil }
        return DataFolder(root: value)
    }

    // MARK: Default files, relative to the folder.

    /// LSOA 2021 boundaries (generalised, clipped), England and Wales.
    public static let lsoa2021Boundaries = "boundaries/lsoa21_ew_bgc/lsoa21_ew_bgc.shp"
    /// IMD 2025 on LSOA 2021 (tidy table; IoD2025 File 7 stands in for it).
    public static let imd2025 = "imd/imd2025_england_lsoa21.csv"
    /// Census 2021 usual residents by LSOA 2021 and age band.
    public static let census2021Population = "population/census2021_usual_residents_lsoa21_age6.csv"
    /// Code-Point Open (postcode locations).
    public static let codePointOpen = "postcodes/codepo_gb_2025-04.zip"
    /// Active GP practices, pharmacies (with coordinates), GP workforce, Geolytix retail points.
    public static let gpPractices = "services/gp/gp_practices_active_2025-05_geocoded.csv"
    /// Active community pharmacies with coordinates.
    public static let pharmacies = "services/pharmacy/pharmacies_active_2025-04_geocoded.csv"
    /// GP workforce (FTE) per practice and year.
    public static let gpWorkforce = "services/gp/heec_workforce_year_practice.csv"
    /// NHS Payments to General Practice 2022/23: weighted patients, list sizes and payments per practice.
    public static let gpPayments = "services/gp/nhs_payments_to_general_practice_2022-23.csv"
    /// Geolytix Retail Points (supermarkets with their size).
    public static let retailPoints = "services/retail/geolytix_retail_points_v24_202206.csv"
    /// The OpenStreetMap extract network travel uses by default.
    public static let networkExtract = "networks/england-latest.osm.pbf"

    /// `relative` under the folder, when the file exists.
    public func file(_ relative: String) -> String? {
        let path = root + "/" + relative
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// `relative` under the folder (or its catalogue alternative, e.g. IoD2025 File 7 for the IMD 2025 table).
    /// - Throws: ``DataFolderError`` naming the file, how to get it and the `setting` that would replace it.
    public func require(_ relative: String, setting: Setting? = nil) throws -> String {
        if let path = file(relative) { return path }
        if let alternative = DataCatalogue.file(relative)?.alternative, let path = file(alternative) { return path }
        throw DataFolderError(root: root, relative: relative, setting: setting)
    }

    /// The ONS lookups for areas of `vintage` (district, ICB, ward) that are present.
    public func geographyFiles(for vintage: LSOAVintage?) -> [String] {
        switch vintage {
        case .lsoa2011?: return ["lookups/lsoa11_sicbl22_icb22_ltla22.csv.gz", "lookups/lsoa11_ward17.csv.gz"].compactMap(file)
        case .lsoa2021?: return ["lookups/lsoa21_ward24_ltla24.csv.gz", "lookups/lsoa21_sicbl24_icb24.csv.gz"].compactMap(file)
        case nil: return []
        }
    }

    /// The population-weighted centroids for areas of `vintage`, when present.
    public func centroidFile(for vintage: LSOAVintage?) -> String? {
        switch vintage {
        case .lsoa2011?: return file("centroids/LSOA_Dec2011_PWC_WGS.csv")
        case .lsoa2021?: return file("centroids/lsoa21_ew_centres_drkane.csv")
        case nil: return nil
        }
    }
}

extension AnalysisFrame {
    /// The frame of a named region (an ICB name or code, or a district) on the folder's LSOA 2021
    /// boundaries, IMD 2025, Census 2021 population (unless the IMD file has denominators) and
    /// population-weighted centroids.
    /// - Throws: ``DataFolderError``, ``RegionError``, reader errors, ``FrameError``.
    public init(data: DataFolder, region: String) throws {
        try self.init(data: data) { try RegionSelection.named(region, geography: $0) }
    }

    /// The frame of a selection (districts by name or code, an ICB) on the folder's defaults, as
    /// ``init(data:region:)``.
    public init(data: DataFolder, selection: RegionSelection) throws {
        try self.init(data: data) { _ in selection }
    }

    private init(data: DataFolder, selecting: (AreaGeography) throws -> RegionSelection) throws {
        let areas = try Areas.load(path: try data.require(DataFolder.lsoa2021Boundaries, setting: .areas))
        let imd = try DeprivationTable.read(paths: [try data.require(DataFolder.imd2025, setting: .imd)])
        let population = imd.hasPopulation ? nil : try AreaValues.read(path: try data.require(DataFolder.census2021Population, setting: .population))
        let centroids = try data.centroidFile(for: areas.vintage).map { try Centroids.read(path: $0) }
        let geography = try AreaGeography.read(paths: data.geographyFiles(for: areas.vintage))
        try self.init(areas: areas, deprivation: imd, population: population,
                      origins: centroids.map { .populationWeighted($0) } ?? .polygonCentroids,
                      geography: geography, selection: try selecting(geography))
    }
}
