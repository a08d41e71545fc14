import GeoCore
import Foundation

/// Why a report folder could not be written.
public enum ReportError: Error, Sendable, Equatable, AdvisedError {
    /// The folder (or its parent) cannot be written.
    case notWritable(path: String, reason: String)
    /// The folder exists and holds something other than an earlier report; it is not replaced.
    case notAReportFolder(path: String)
    /// The web-mapping library for the interactive map is not where it was looked for.
    case mapLibraryMissing(folder: String)

    public var problem: String {
        switch self {
        case .notWritable(let path, let reason):
            return "cannot write the report to \(path): \(reason.withoutFinalStop)"
        case .notAReportFolder(let path):
            return "\(path) already exists and is not a report folder written by deprivation-map (an earlier report folder is replaced as a whole)"
        case .mapLibraryMissing(let folder):
            return "Leaflet (leaflet.js and leaflet.css) was not found in \(folder)"
        }
    }

    public var advice: Advice? {
        switch self {
        case .notWritable: return "choose a folder you can write to with \(Setting.output)"
        case .notAReportFolder: return "choose a new folder with \(Setting.output)"
        case .mapLibraryMissing: return "install Debian's libjs-leaflet (scripts/setup.sh does), or point \(Setting.mapLibrary) at a Leaflet folder"
        }
    }
}

/// Writes a ``RegionReport`` as a folder: `index.html`, the GeoJSON layers and the CSV tables.
///
/// The folder is built under a temporary name beside the destination and renamed into place
/// when complete, so an interrupted or failed run leaves no half-written report. An earlier
/// report folder at the destination is replaced as a whole; any other existing folder is refused.
public enum ReportWriter {
    /// Marks a folder as a report written by this tool (so it may be replaced).
    public static let marker = ".deprivation-map-report"

    /// Checks before any work that `directory` can be created or replaced.
    /// - Throws: ``ReportError``.
    public static func checkDestination(_ directory: String) throws {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: directory).standardizedFileURL
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw ReportError.notWritable(path: directory, reason: "it is a file, not a folder") }
            let contents = (try? fm.contentsOfDirectory(atPath: url.path)) ?? []
            if !contents.isEmpty && !contents.contains(marker) { throw ReportError.notAReportFolder(path: directory) }
        }
        let parent = url.deletingLastPathComponent().path
        do {
            try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw ReportError.notWritable(path: directory, reason: "its parent folder \(parent) cannot be created")
        }
        let probe = parent + "/.\(url.lastPathComponent).probe-\(getpid())"
        guard mkdir(probe, 0o755) == 0 else {
            throw ReportError.notWritable(path: directory, reason: String(cString: strerror(errno)))
        }
        rmdir(probe)
    }

    /// Writes every file of the report to `directory`; returns the file names written.
    /// - Throws: ``ReportError``, `OutputError`, writer errors. Nothing is left at `directory`
    ///   (nor under a temporary name) when it throws.
    @discardableResult
    ///
    /// With `database`, the layers of `report.gpkg` also go to PostGIS tables named after its
    /// table (`public.mse` → `public.mse_areas`, `public.mse_services`, `public.mse_food_van`), in
    /// one transaction committed just before the folder is put in place: a refused or failed table
    /// leaves no folder, and a table an input reads is refused.
    public static func write(_ report: RegionReport, to directory: String, database: PostGIS.Destination? = nil) throws -> [String] {
        try write(report, to: directory, staged: false, database: database)
    }

    /// The suffixes of the PostGIS tables `write(_:to:database:)` writes for `report`.
    public static func tableSuffixes(_ report: RegionReport) -> [String] {
        ["areas", "services"] + (report.foodVan == nil ? [] : ["food_van"])
    }

    /// Writes the report; `staged` when `directory` lies in a temporary folder that is itself
    /// put in place later (the England run): then its rename is not a commit of the process's
    /// outputs, and an interrupt still removes everything.
    static func write(_ report: RegionReport, to directory: String, staged: Bool, database: PostGIS.Destination? = nil) throws -> [String] {
        try checkDestination(directory)
        try database?.check(tables: tableSuffixes(report), inputs: report.inputFiles)
        let fm = FileManager.default
        let url = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        let temporary = parent + "/.\(url.lastPathComponent).tmp-\(getpid())"
        try? fm.removeItem(atPath: temporary)
        guard mkdir(temporary, 0o755) == 0 else {
            throw ReportError.notWritable(path: directory, reason: String(cString: strerror(errno)))
        }
        TemporaryFileRegistry.shared.register(temporary)
        var committed = false
        defer {
            if !committed { try? fm.removeItem(atPath: temporary) }
            TemporaryFileRegistry.shared.unregister(temporary)
        }

        var written: [String] = []
        func path(_ name: String) -> String { written.append(name); return temporary + "/" + name }
        let attribution = report.attribution

        // Tables behind the page.
        var tables: [String: ReportTable] = [:]
        for t in [report.core20Table(), report.accessByDecileTable(), report.inverseCareLawTable(), report.statisticsTable(), report.foodVanSummaryTable()]
            + [report.wardTable(), report.needAdjustedTable(), report.needAdjustedStatistics()].compactMap({ $0 }) {
            tables[t.file] = t
            try MapOutput.writeTable(header: t.header, rows: t.rows, to: path(t.file))
        }
        let areas = report.areaLayer()
        try MapOutput.writeGeoJSON(areas, to: path("areas.geojson"), attribution: attribution)
        try MapOutput.writeCSV(areas, to: path("areas.csv"))
        let services = report.map.serviceLayer()
        try MapOutput.writeGeoJSON(services, to: path("services.geojson"), attribution: attribution)
        try MapOutput.writeCSV(services, to: path("services.csv"))
        if let gap = report.gap {
            try MapOutput.writeJSON(gap, to: path("inverse-care-law.json"))
            try MapOutput.writeText(gap.markdown(), to: path("inverse-care-law.md"))
        }
        if let plan = report.foodVan {
            let schedule = plan.scheduleRows(), areaRows = plan.areaRows()
            let t = ReportTable(file: "food-van-schedule.csv", header: schedule.header, rows: schedule.rows)
            tables[t.file] = t
            try MapOutput.writeTable(header: t.header, rows: t.rows, to: path(t.file))
            try MapOutput.writeTable(header: areaRows.header, rows: areaRows.rows, to: path("food-van-areas.csv"))
            try MapOutput.writeGeoJSON(try plan.mapLayer(), to: path("food-van.geojson"), attribution: attribution)
            try MapOutput.writeJSON(plan.summary(attribution: attribution), to: path("food-van-summary.json"))
            for route in plan.routes {
                try MapOutput.writeText(DaySheet.html(plan: plan, day: route.day, areas: report.areaShapes, calendar: report.visitCalendar,
                                                      title: "Food van, \(report.regionDescription)", attribution: attribution),
                                        to: path("food-van-day-\(route.day).html"))
            }
            if let calendar = report.visitCalendar {
                let visits = calendar.rows()
                try MapOutput.writeTable(header: visits.header, rows: visits.rows, to: path("food-van-visits.csv"))
                try MapOutput.writeText(calendar.iCalendar(name: "Food van: \(report.regionDescription)", attribution: attribution), to: path("food-van.ics"))
            }
        }
        // The map layers again as one GeoPackage for QGIS (areas, services and the van's plan; their own CRS).
        var layers = [GeoPackageWriter.Layer(name: "areas", layer: areas, description: "areas of \(report.regionDescription)"),
                      GeoPackageWriter.Layer(name: "services", layer: services, description: "GP practices, pharmacies and supermarkets")]
        if let plan = report.foodVan { layers.append(GeoPackageWriter.Layer(name: "food_van", layer: try plan.mapLayer(), description: "food-van target areas, routes and stops")) }
        try GeoPackageWriter.write(layers, to: path("report.gpkg"), attribution: attribution)
        let databaseTables = layers.map { (suffix: Optional($0.name), layer: $0.layer) }
        assert(layers.map(\.name) == tableSuffixes(report))
        var sources: [[String]] = []
        for file in report.inputFiles {
            let entry = DataCatalogue.files.first { file.hasSuffix($0.path) }
            sources.append([URL(fileURLWithPath: file).lastPathComponent, entry?.what ?? "", entry?.vintage ?? "", entry?.licence ?? "",
                            DataAttribution.forFile(file)?.notice ?? ""])
        }
        try MapOutput.writeTable(header: ["file", "what", "vintage", "licence", "attribution"], rows: sources, to: path("sources.csv"))
        try MapOutput.writeText(ReportPage.html(report, tables: tables), to: path("index.html"))
        try MapOutput.writeText("deprivation-map report\n", to: temporary + "/" + marker)
        // Last before the folder goes in place: a refused or failed table leaves no folder.
        try database?.writeLayers(databaseTables)

        if staged {
            guard rename(temporary, url.path) == 0 else { throw ReportError.notWritable(path: directory, reason: String(cString: strerror(errno))) }
            committed = true
            return written
        }
        try swapIntoPlace(temporary, url, directory: directory) { committed = true }
        return written
    }

    /// Puts the finished folder `temporary` at `url`: the earlier folder (if any) moves aside,
    /// the new one in, the old one goes. An interrupt waits for the two renames, so the earlier
    /// folder is never left aside; `committed` runs once the new folder is in place.
    static func swapIntoPlace(_ temporary: String, _ url: URL, directory: String, committed: () -> Void) throws {
        let fm = FileManager.default
        var old: String?
        try TemporaryFileRegistry.shared.committing {
            if fm.fileExists(atPath: url.path) {
                old = url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).old-\(getpid())"
                guard rename(url.path, old!) == 0 else { throw ReportError.notWritable(path: directory, reason: String(cString: strerror(errno))) }
            }
            guard rename(temporary, url.path) == 0 else {
                let reason = String(cString: strerror(errno))
                if let old { rename(old, url.path) }
                throw ReportError.notWritable(path: directory, reason: reason)
            }
            committed()
        }
        if let old { try? fm.removeItem(atPath: old) }
    }
}
