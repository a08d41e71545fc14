import Foundation

/// One ICB of the England page: its report folder and the figures ranked there.
public struct ICBReportSummary: Sendable, Hashable, Codable {
    /// NHS code (QH8) and ONS code (E54000026) of the ICB, and its name.
    public var code: String, onsCode: String, name: String
    /// The folder of its report, relative to the England page.
    public var folder: String
    /// LSOAs and people.
    public var areas: Int, population: Double
    /// People in national IMD deciles 1–2, and their share (0–1).
    public var core20Population: Double, core20Share: Double
    /// GP FTE per 10,000 weighted patients of the ICB's practices (need-adjusted), when given.
    public var gpPer10kWeighted: Double?
    /// SII of need-adjusted GP supply over the national practice quintiles, with its limits; `nil` without five quintiles.
    public var gpSII: Double?, gpSIILower: Double?, gpSIIUpper: Double?
    /// Food van: target areas and people, stops, people covered; or why there is no plan.
    public var vanTargetAreas: Int, vanTargetPopulation: Double, vanStops: Int, vanCoveredPopulation: Double
    /// Why there is no van plan.
    public var vanSkipped: String?

    /// The summary of one ICB's report.
    public init(_ report: RegionReport, code: String, onsCode: String, name: String, folder: String) {
        self.code = code; self.onsCode = onsCode; self.name = name; self.folder = folder
        let map = report.map
        areas = map.areas.codes.count
        population = map.population.reduce(0) { $0 + ($1 ?? 0) }
        core20Population = map.areas.codes.indices.reduce(0) { $0 + ((map.imdJoin?.records[$1]?.isCore20 ?? false) ? (map.population[$1] ?? 0) : 0) }
        core20Share = population > 0 ? core20Population / population : 0
        gpPer10kWeighted = report.gpNeedAdjusted?.region.table.all.gpPer10kWeighted
        let sii = report.gpNeedAdjusted?.region.sii
        gpSII = sii?.sii; gpSIILower = sii?.siiLower; gpSIIUpper = sii?.siiUpper
        vanTargetAreas = report.foodVan?.figures.targetAreas ?? 0
        vanTargetPopulation = report.foodVan?.figures.targetPopulation ?? 0
        vanStops = report.foodVan?.stops.count ?? 0
        vanCoveredPopulation = report.foodVan?.figures.coveredPopulation ?? 0
        vanSkipped = report.foodVanSkipped?.description
    }
}

/// The national run: one report per ICB and an England page ranking the ICBs by the SII of
/// need-adjusted GP supply, their Core20 share and food-van targets, over a national map of IMD
/// deciles.
public struct EnglandReport: Sendable {
    /// One ICB: NHS code, ONS code and name.
    public struct ICB: Sendable, Hashable {
        /// NHS code (QH8), ONS code (E54000026) and name.
        public var code: String, onsCode: String, name: String
        /// An ICB of the lookup.
        public init(code: String, onsCode: String, name: String) { self.code = code; self.onsCode = onsCode; self.name = name }
    }

    /// The ICBs' summaries, in the order of the page (largest SII first; ICBs without one last).
    public var icbs: [ICBReportSummary]
    /// England's need-adjusted GP supply (table and SII), when given.
    public var englandGP: NeedAdjustedSupplyReport.Area?
    /// Input files and their licence notice.
    public var inputFiles: [String], attribution: String?
    /// Points of the national decile map: every LSOA's origin (the frame's, EPSG:27700 metres) and its decile.
    public var mapPoints: [(x: Double, y: Double, decile: Int)]
    /// What went wrong in single ICBs (their reports are missing).
    public var failures: [String: String]

    /// The ICBs of a lookup (NHS code, ONS code, name), by NHS code.
    public static func icbs(of geography: AreaGeography) -> [ICB] {
        var seen: [String: ICB] = [:]
        for e in geography.entries.values where !e.icbNHSCode.isEmpty && e.icbCode.hasPrefix("E") { seen[e.icbNHSCode] = ICB(code: e.icbNHSCode, onsCode: e.icbCode, name: e.icbName) }
        return seen.values.sorted { $0.code < $1.code }
    }

    /// A folder name for an ICB: its NHS code and name in lower case, hyphenated.
    public static func folderName(_ icb: ICB) -> String {
        let name = icb.name.replacingOccurrences(of: "Integrated Care Board", with: "").replacingOccurrences(of: "NHS ", with: "")
        let slug = name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.reduce(into: "") { s, c in if !(c == "-" && s.hasSuffix("-")) { s.append(c) } }
        return icb.code.lowercased() + "-" + slug.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    /// Builds and writes every ICB's report and the England page into `directory` (replaced as a
    /// whole, like one report: written under a temporary name, renamed when complete).
    /// - Parameters:
    ///   - icbs: the ICBs to report.
    ///   - national: the frame of all England (for the decile map).
    ///   - input: each ICB's report input (its frame, the national services read once).
    ///   - directory: the folder of the run (replaced as a whole).
    ///   - workers: reports built at once (one GEOS and PROJ context each).
    ///   - progress: called as each ICB's report is done.
    /// - Throws: ``ReportError`` or writer errors; an ICB whose report fails is named in ``failures``.
    public static func write(icbs: [ICB], national: AnalysisFrame, input: @Sendable (ICB) throws -> RegionReportInput, to directory: String,
                             workers: Int = ProcessInfo.processInfo.activeProcessorCount, progress: ProgressCallback? = nil) throws -> EnglandReport {
        try ReportWriter.checkDestination(directory)
        let fm = FileManager.default
        let url = URL(fileURLWithPath: directory).standardizedFileURL
        let staging = url.deletingLastPathComponent().path + "/.\(url.lastPathComponent).tmp-\(getpid())"
        try? fm.removeItem(atPath: staging)
        guard mkdir(staging, 0o755) == 0 else { throw ReportError.notWritable(path: directory, reason: String(cString: strerror(errno))) }
        TemporaryFileRegistry.shared.register(staging)
        var committed = false
        defer {
            if !committed { try? fm.removeItem(atPath: staging) }
            TemporaryFileRegistry.shared.unregister(staging)
        }

        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var summaries: [ICBReportSummary] = []
            var failures: [String: String] = [:]
            var england: NeedAdjustedSupplyReport.Area?
            var files: [String] = []
            var attribution: String?
            var next = 0, done = 0
        }
        let results = Results()
        let total = icbs.count
        progress?(ProgressEvent(stage: "ICB reports", done: 0, total: total))
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, total))) { _ in
            while true {
                results.lock.lock()
                let k = results.next
                results.next += 1
                results.lock.unlock()
                guard k < total else { return }
                let icb = icbs[k]
                let folder = folderName(icb)
                do {
                    let report = try RegionReport.build(try input(icb))
                    _ = try ReportWriter.write(report, to: staging + "/" + folder, staged: true)
                    let summary = ICBReportSummary(report, code: icb.code, onsCode: icb.onsCode, name: icb.name, folder: folder)
                    results.lock.lock()
                    results.summaries.append(summary)
                    if results.england == nil { results.england = report.gpNeedAdjusted?.england }
                    if results.files.isEmpty { results.files = report.inputFiles; results.attribution = report.attribution }
                    results.lock.unlock()
                } catch {
                    results.lock.lock()
                    results.failures[icb.code] = "\(error)"
                    results.lock.unlock()
                }
                results.lock.lock()
                results.done += 1
                let done = results.done
                results.lock.unlock()
                progress?(ProgressEvent(stage: "ICB reports", done: done, total: total))
            }
        }
        let ordered = results.summaries.sorted { a, b in
            switch (a.gpSII, b.gpSII) {
            case let (x?, y?): return x != y ? x > y : a.code < b.code
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.code < b.code
            }
        }
        var points: [(x: Double, y: Double, decile: Int)] = []
        for i in national.selectedAnalysed {
            guard let d = national.records[i]?.index.decile else { continue }
            let o = national.origins[i]
            if o.x.isFinite && o.y.isFinite { points.append((o.x, o.y, d)) }
        }
        let england = EnglandReport(icbs: ordered, englandGP: results.england, inputFiles: results.files, attribution: results.attribution,
                                    mapPoints: points, failures: results.failures)
        let table = england.table()
        try MapOutput.writeTable(header: table.header, rows: table.rows, to: staging + "/" + table.file)
        try MapOutput.writeText(EnglandPage.html(england, table: table), to: staging + "/index.html")
        try MapOutput.writeText("deprivation-map report\n", to: staging + "/" + ReportWriter.marker)

        try ReportWriter.swapIntoPlace(staging, url, directory: directory) { committed = true }
        return england
    }

    /// The table behind the page (england-icbs.csv), in page order.
    public func table() -> ReportTable {
        func f(_ v: Double?, _ d: Int) -> String { v.map { $0.isFinite ? String(format: "%.\(d)f", $0) : "" } ?? "" }
        let rows = icbs.enumerated().map { k, s in
            [String(k + 1), s.code, s.onsCode, s.name, s.folder, String(s.areas), f(s.population, 0), f(s.core20Population, 0), f(100 * s.core20Share, 2),
             f(s.gpPer10kWeighted, 4), f(s.gpSII, 4), f(s.gpSIILower, 4), f(s.gpSIIUpper, 4),
             String(s.vanTargetAreas), f(s.vanTargetPopulation, 0), String(s.vanStops), f(s.vanCoveredPopulation, 0), s.vanSkipped ?? ""]
        }
        return ReportTable(file: "england-icbs.csv",
                           header: ["rank", "icb_code", "icb_ons_code", "icb_name", "folder", "lsoas", "population", "core20_population", "core20_pct",
                                    "gp_per_10k_weighted", "gp_sii", "gp_sii_lower", "gp_sii_upper", "van_target_areas", "van_target_population",
                                    "van_stops", "van_covered_population", "van_note"],
                           rows: rows)
    }
}
