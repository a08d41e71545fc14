import Foundation

/// Licence notices that must travel with outputs built from the open data DeprivationMap reads.
///
/// A file is recognised by its name (as published, or as our own `GeoData/` extracts are
/// named); outputs built from it carry the notice (GeoJSON `"attribution"` member, report
/// footers). Unrecognised files get no notice unless the caller gives one.
public struct DataAttribution: Sendable, Hashable {
    /// Who publishes the data.
    public var publisher: String
    /// The licence.
    public var licence: String
    /// The notice to print with any output.
    public var notice: String

    /// ONS boundaries (LSOA, ward, district, ICB): OGL, with Ordnance Survey's notice.
    public static let onsBoundaries = DataAttribution(
        publisher: "Office for National Statistics",
        licence: "Open Government Licence v3.0",
        notice: "Source: Office for National Statistics licensed under the Open Government Licence v3.0. Contains OS data © Crown copyright and database right."
    )
    /// ONS statistics (Census 2021, mid-year estimates, population-weighted centroids).
    public static let onsStatistics = DataAttribution(
        publisher: "Office for National Statistics",
        licence: "Open Government Licence v3.0",
        notice: "Source: Office for National Statistics licensed under the Open Government Licence v3.0."
    )
    /// OS Code-Point Open postcodes: OS OpenData.
    public static let codePointOpen = DataAttribution(
        publisher: "Ordnance Survey",
        licence: "OS OpenData (Open Government Licence v3.0)",
        notice: "Contains OS data © Crown copyright and database right. Contains Royal Mail data © Royal Mail copyright and database right."
    )
    /// Geolytix Retail Points.
    public static let geolytix = DataAttribution(
        publisher: "GEOLYTIX",
        licence: "GEOLYTIX open data licence (free use with attribution)",
        notice: "Retail Points by GEOLYTIX, open data."
    )
    /// NHS England / NHS ODS service files.
    public static let nhs = DataAttribution(
        publisher: "NHS England",
        licence: "Open Government Licence v3.0",
        notice: "Contains NHS England data licensed under the Open Government Licence v3.0."
    )
    /// English Indices of Deprivation.
    public static let indicesOfDeprivation = DataAttribution(
        publisher: "Ministry of Housing, Communities and Local Government",
        licence: "Open Government Licence v3.0",
        notice: "English Indices of Deprivation, MHCLG, licensed under the Open Government Licence v3.0."
    )
    /// OpenStreetMap extracts (road and path networks).
    public static let openStreetMap = DataAttribution(
        publisher: "OpenStreetMap contributors",
        licence: "Open Database License 1.0",
        notice: "Network data © OpenStreetMap contributors, available under the Open Database License (ODbL 1.0)."
    )

    /// File-name prefixes (lower case) and the notice they carry.
    static let catalogue: [(prefix: String, attribution: DataAttribution)] = [
        ("lsoa11_", .onsBoundaries), ("lsoa21_", .onsBoundaries), ("wards_", .onsBoundaries),
        ("lad24_", .onsBoundaries), ("ltla_", .onsBoundaries), ("icb_", .onsBoundaries),
        ("census2021", .onsStatistics), ("mye20", .onsStatistics), ("lsoa_dec2011_pwc", .onsStatistics),
        ("codepo", .codePointOpen), ("codepoint_open", .codePointOpen),
        ("geolytix", .geolytix),
        ("epraccur", .nhs), ("edispensary", .nhs), ("gp_practices", .nhs), ("pharmacies_", .nhs),
        ("imd", .indicesOfDeprivation), ("iod", .indicesOfDeprivation),
    ]

    /// The notice for the file at `path`, recognised by its name (a database table by the table's
    /// name, as `ogr2ogr` and `convert` name it after the file loaded); `nil` when unknown.
    public static func forFile(_ path: String) -> DataAttribution? {
        let name = SourceName.dataName(path)
        if name.hasSuffix(".osm.pbf") || name.hasSuffix(".osm") || name.hasSuffix(".osm.bz2") { return .openStreetMap }
        return catalogue.first { name.hasPrefix($0.prefix) }?.attribution
    }
}
