import ArgumentParser
import DeprivationMap
import Foundation

/// The kinds of area `summaries --by` knows from the ONS lookups.
enum SummaryGrouping: String, ExpressibleByArgument, CaseIterable {
    case district, icb, ward
}

struct SummariesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summaries",
        abstract: "MHCLG's summaries of the IMD for local authorities, ICBs, wards or any grouping of LSOAs, with their ranks.",
        discussion: """
            For the IMD and each domain: average rank, average score, proportion of LSOAs in the \
            most deprived 10% nationally, extent and local concentration, each with its rank among \
            the areas (1 = most deprived), as in MHCLG's local-authority summaries.

            Areas: --by district (default), icb or ward from the data folder's ONS lookups (or \
            --lookup FILE), or --groups FILE: a CSV of LSOA codes with the area each belongs to \
            (columns lsoa code, area code, and optionally area name), such as a custom region.

            Population: the IMD files' own denominators when given (IoD2019 File 6 with File 1 \
            and 2), otherwise --population or the data folder's Census 2021 usual residents; \
            the outputs say which.

            Writes OUT.csv (one row per area, every index) and OUT.md (the method and the IMD table).
            """
    )

    @Option(help: ArgumentHelp("IMD table(s) of all LSOAs in England (repeatable: IoD2019 File 1, File 2 and File 6 together; default: the data folder's IMD 2025).", valueName: "file"))
    var imd: [String] = []

    @Option(help: ArgumentHelp("Population per LSOA (default: the IMD files' denominators, else the data folder's Census 2021).", valueName: "file"))
    var population: String?

    @Option(help: ArgumentHelp("Areas from the ONS lookups: district, icb or ward.", valueName: "kind"))
    var by: SummaryGrouping = .district

    @Option(help: ArgumentHelp("ONS LSOA lookup file(s) for --by (repeatable; default: the data folder's lookups of the IMD's LSOA vintage).", valueName: "file"))
    var lookup: [String] = []

    @Option(help: ArgumentHelp("Your own areas: a CSV of LSOA code, area code and (optionally) area name.", valueName: "file"))
    var groups: String?

    @Option(name: [.short, .long], help: "Output CSV (.csv); OUT.md is written beside it.")
    var output: String

    @OptionGroup var data: DataOptions

    @Flag(name: [.short, .long], help: "No notes.")
    var quiet = false

    func validate() throws {
        guard URL(fileURLWithPath: output).pathExtension.lowercased() == "csv" else { throw ValidationError("-o must end in .csv (OUT.md is written beside it).") }
        if groups != nil && !lookup.isEmpty { throw ValidationError("give --groups or --lookup, not both.") }
    }

    func run() throws {
        InterruptHandling.install()
        let markdown = MapOutput.sibling(of: output, extension: "md")
        try OutputSafety.check(outputs: [output, markdown], inputs: imd + lookup + [population, groups])
        let imdPaths = imd.isEmpty ? [try data.require(DataFolder.imd2025, setting: .imd)] : imd
        let table = try DeprivationTable.read(paths: imdPaths)
        var values: [String: Double]?
        var source: String
        if let population {
            values = try AreaValues.read(path: population).values
            source = URL(fileURLWithPath: population).lastPathComponent
        } else if table.hasPopulation {
            source = "the IoD population denominators in " + imdPaths.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ")
        } else {
            let census = try data.require(DataFolder.census2021Population, setting: .population)
            values = try AreaValues.read(path: census).values
            source = "Census 2021 usual residents (\(URL(fileURLWithPath: census).lastPathComponent)): the IMD files give no IoD population denominators"
        }

        var assignment: [String: (code: String, name: String)] = [:]
        var expected: [String] = []
        let grouping: String
        if let groups {
            let csv = try CSVTable(path: groups)
            guard csv.header.count >= 2 else { throw WordedError(description: "\(groups) needs at least two columns: LSOA code and area code.") }
            let names = csv.header.map(CSVTable.normalise)
            let lsoa = names.firstIndex { $0.hasPrefix("lsoa") } ?? 0
            let others = names.indices.filter { $0 != lsoa }
            let area = others.first { names[$0].contains("code") } ?? others[0]
            let name = names.firstIndex(of: names[area].replacingOccurrences(of: "code", with: "name"))
                ?? others.first { $0 != area && names[$0].contains("name") && !names[$0].hasPrefix("lsoa") }
            var listed: [String] = []
            try csv.forEachRow { row in
                let l = row.trimmed(lsoa), a = row.trimmed(area)
                guard !l.isEmpty, !a.isEmpty else { return }
                if assignment[l] == nil { assignment[l] = (a, name.map { row.trimmed($0) } ?? a) }
                listed.append(a)
            }
            expected = Array(Set(listed)).sorted()
            grouping = "areas of \(URL(fileURLWithPath: groups).lastPathComponent)"
        } else {
            let files = lookup.isEmpty ? data.geographyFiles(for: table.vintage) : lookup
            guard !files.isEmpty else { throw WordedError(description: "no ONS lookup for the IMD's LSOAs: give --lookup FILE, or point --data at the open-data folder.") }
            let geography = try AreaGeography.read(paths: files)
            for (lsoa, e) in geography.entries {
                switch by {
                case .district where !e.districtCode.isEmpty: assignment[lsoa] = (e.districtCode, e.districtName)
                case .icb where !e.icbCode.isEmpty: assignment[lsoa] = (e.icbCode, e.icbNHSCode.isEmpty ? e.icbName : "\(e.icbName) (\(e.icbNHSCode))")
                case .ward where !e.wardCode.isEmpty: assignment[lsoa] = (e.wardCode, e.wardName)
                default: break
                }
            }
            grouping = ["district": "Local authority districts", "icb": "ICBs", "ward": "Wards"][by.rawValue]!
        }
        let summaries = try AreaSummaries.compute(table: table, population: values, populationSource: source, groups: assignment,
                                                  grouping: grouping, expected: expected)
        try OutputTransaction.perform {
            try MapOutput.writeTable(header: summaries.header, rows: summaries.rows, to: output)
            try MapOutput.writeText(summaries.markdown(title: "IMD summaries: \(grouping.lowercased())", inputs: imdPaths + [population, groups].compactMap { $0 } + lookup),
                                    to: markdown)
        }
        print("\(summaries.areas.count) \(grouping.lowercased()) summarised over \(table.records.count) LSOAs; population: \(source)")
        guard !quiet else { return }
        printError("→ \(output), \(markdown)")
        for d in summaries.diagnostics { printError("note: \(Wording.note(d))") }
    }
}
