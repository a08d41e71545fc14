import ArgumentParser
import DeprivationMap
import Foundation

struct GapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gap",
        abstract: "The inverse-care-law report: supply per need against deprivation, with SII, RII and confidence limits.",
        discussion: """
            Two ways to measure supply:

            By area (the default): every option of `access`; the measure is computed for each area \
            and grouped by the areas' IMD decile. For supply per need use a floating catchment, e.g. \
            --method 2sfca --radius 10000 --services gp=gp_practices.csv --capacity \
            heec_workforce_year_practice.csv --capacity-column TOTAL_GP_EXTGL_FTE --capacity-where \
            Year=2025, optionally need-weighted (--need-ages/--need-weights or --health-need-factor).

            By practice (--practices): GP FTE per 100,000 registered patients for each practice of a \
            workforce table (--practice-fte, --practice-patients, --practice-where Year=2025 or \
            ICB_NAME=…), against the IMD score of the practice's registered population \
            (--practice-imd: OHID Fingertips practice IMD, or the table's own IMD column). \
            Practices are grouped into patient-weighted deciles, 1 = most deprived tenth of patients.

            Need-adjusted (--practices with --weighted-patients): GP FTE excluding trainees and \
            locums per 10,000 weighted patients (Carr-Hill, from NHS Payments to General Practice), \
            by quintile of practices' IMD score as the Health Equity Evidence Centre publishes it, \
            for England and each ICB, with the SII; also per registered patient and payments per \
            weighted patient. The payments file's financial year comes from its name \
            (--payments-year otherwise); the workforce is of the same year unless --workforce-year \
            (HEEC pairs 2022/23 payments with the 2023/24 workforce). Practices without a GP FTE, or \
            whose list closed during the year, are dropped and named (--as-heec keeps them as HEEC \
            does). Writes OUT.md, \
            OUT.json, OUT.csv (per practice), OUT-icbs.csv and OUT-dropped.csv.

            The report gives the decile and quintile tables, SII and RII by the PHE method with \
            Monte Carlo confidence limits, the concentration index and a plain-language verdict. \
            Fewer than 5 groups with data are refused: the SII needs at least 5.

            Outputs: OUT.md and OUT.json (the same numbers); with areas also OUT.geojson and OUT.csv \
            (per area), with practices OUT.csv (per practice), need-adjusted also OUT-icbs.csv and \
            OUT-dropped.csv.
            """
    )

    @OptionGroup var options: AccessOptions

    @Option(help: ArgumentHelp("GP workforce table, one row per practice (and year): supply by practice instead of by area.", valueName: "file"))
    var practices: String?

    @Option(help: ArgumentHelp("FTE column of --practices.", valueName: "column"))
    var practiceFte = "TOTAL_GP_EXTGL_FTE"

    @Option(help: ArgumentHelp("Registered patients column of --practices.", valueName: "column"))
    var practicePatients = "TOTAL_PATIENTS"

    @Option(help: ArgumentHelp("Keep --practices rows where COLUMN equals VALUE (repeatable), e.g. Year=2025.", valueName: "column=value"))
    var practiceWhere: [String] = []

    @Option(help: ArgumentHelp("Practice-population IMD scores (OHID Fingertips: AreaCode, Year, Value).", valueName: "file"))
    var practiceImd: String?

    @Option(help: ArgumentHelp("Year of --practice-imd (default: the latest).", valueName: "year"))
    var practiceImdYear: String?

    @Option(help: ArgumentHelp("NHS Payments to General Practice for one financial year: GP FTE per 10,000 weighted patients by practice-IMD quintile (needs --practices).", valueName: "file"))
    var weightedPatients: String?

    @Option(help: ArgumentHelp("Financial year of the --practices workforce to use, e.g. 2023/24 (default: that of --weighted-patients).", valueName: "yyyy/yy"))
    var workforceYear: String?

    @Option(help: ArgumentHelp("Financial year of --weighted-patients when its name does not say, e.g. 2022/23.", valueName: "yyyy/yy"))
    var paymentsYear: String?

    @Flag(help: "Need-adjusted supply as HEEC's datapacks: a blank GP FTE counts as no GPs, and practices whose list closed during the year are kept (by default both are dropped and named).")
    var asHeec = false

    @Option(help: "Report title.")
    var title: String?

    @Option(name: [.short, .long], help: "Output Markdown file (.md); OUT.json and the per-area or per-practice tables are written beside it.")
    var output: String

    @OptionGroup var data: DataOptions

    @Flag(name: [.short, .long], help: "No progress display and no notes.")
    var quiet = false

    func validate() throws {
        guard URL(fileURLWithPath: output).pathExtension.lowercased() == "md" else {
            throw ValidationError("-o must end in .md (the JSON and tables are written beside it).")
        }
        for w in practiceWhere where RowFilter.parse(w) == nil { throw ValidationError("--practice-where takes COLUMN=VALUE; got '\(w)'.") }
        if weightedPatients != nil && practices == nil { throw ValidationError("--weighted-patients needs --practices (the GP workforce table).") }
        if weightedPatients != nil && (!practiceWhere.isEmpty || practiceImd != nil || practiceImdYear != nil || practicePatients != "TOTAL_PATIENTS") {
            throw ValidationError("--practice-where, --practice-imd, --practice-imd-year and --practice-patients do not apply with --weighted-patients: its tables cover England and every ICB, with the workforce table's own practice IMD (choose the year with --workforce-year).")
        }
        for (flag, value) in [("--workforce-year", workforceYear), ("--payments-year", paymentsYear)] {
            if let value, FinancialYear(value) == nil { throw ValidationError("\(flag) takes a financial year such as 2022/23; got '\(value)'.") }
        }
        if weightedPatients == nil && (workforceYear != nil || paymentsYear != nil || asHeec) { throw ValidationError("--workforce-year, --payments-year and --as-heec go with --weighted-patients.") }
    }

    func run() throws {
        InterruptHandling.install()
        let bar = ProgressBar(quiet: quiet)
        let jsonPath = MapOutput.sibling(of: output, extension: "json")
        let csvPath = MapOutput.sibling(of: output, extension: "csv")
        try OutputSafety.check(outputs: [output, jsonPath, csvPath, MapOutput.sibling(of: output, extension: "geojson")] + needAdjustedTables,
                               inputs: [practices, practiceImd, weightedPatients] + options.inputPaths)
        // All outputs or none: the tables below are renamed into place only with the report.
        try OutputTransaction.perform { try analyseAndWrite(bar: bar, jsonPath: jsonPath, csvPath: csvPath) }
    }

    /// The need-adjusted mode's per-ICB and dropped-practice tables (OUT-icbs.csv, OUT-dropped.csv).
    private var needAdjustedTables: [String] {
        guard weightedPatients != nil else { return [] }
        let base = URL(fileURLWithPath: output).deletingPathExtension().path
        return [base + "-icbs.csv", base + "-dropped.csv"]
    }

    /// Runs the analysis and writes the report, its JSON and its table (inside the caller's transaction).
    private func analyseAndWrite(bar: ProgressBar, jsonPath: String, csvPath: String) throws {
        let report: GapReport
        var written: [String] = []
        if let practices, let weightedPatients {
            let supply = try NeedAdjustedSupply.read(workforce: practices, payments: weightedPatients, paymentsYear: paymentsYear.flatMap(FinancialYear.init),
                                                     workforceYear: workforceYear.flatMap(FinancialYear.init), fteColumn: practiceFte, handling: asHeec ? .asHEEC : .checked)
            var settings = options.inequality
            settings.groups = .quintiles
            let inputs = [practices, weightedPatients]
            let report = NeedAdjustedSupplyReport(supply, settings: settings, notes: supply.diagnostics.map(Wording.note),
                                                  attribution: MapOutput.attribution(for: inputs))
            let csv = try CSVWriter(path: csvPath, header: ["practice_code", "practice_name", "icb", "imd_score", "imd_quintile", "gp_fte",
                                                            "registered_patients", "weighted_patients", "payments", "gp_per_10k_weighted"])
            for p in supply.practices {
                try csv.writeRow([p.code, p.name, p.icb, p.imdScore.map { String($0) } ?? "", p.quintile.map(String.init) ?? "", String(p.gpFTE),
                                  String(p.registered), String(p.weighted), String(p.payments), String(p.gpPer10kWeighted)])
            }
            try csv.commit()
            let icbs = try CSVWriter(path: needAdjustedTables[0], header: NeedAdjustedSupplyReport.icbHeader)
            for row in report.icbRows { try icbs.writeRow(row) }
            try icbs.commit()
            let dropped = try CSVWriter(path: needAdjustedTables[1], header: ["practice_code", "reason"])
            for d in supply.dropped { try dropped.writeRow([d.code, d.reason]) }
            for code in supply.paymentsOnly { try dropped.writeRow([code, "in the payments file, not in the workforce year \(supply.workforceYear)"]) }
            try dropped.commit()
            try MapOutput.writeJSON(report, to: jsonPath)
            try MapOutput.writeText(report.markdown(), to: output)
            print(report.verdict)
            guard !quiet else { return }
            printError("→ \(([output, jsonPath, csvPath] + needAdjustedTables).joined(separator: ", "))")
            for n in report.notes { printError("note: \(n)") }
            return
        } else if let practices {
            let filters = columnFilters(practiceWhere)
            let supply = try PracticeSupply.read(workforce: practices, fteColumn: practiceFte, patientsColumn: practicePatients,
                                                 filters: filters, imdPath: practiceImd, imdYear: practiceImdYear)
            let deciles = supply.deciles()
            let rates = supply.rate.map { Optional($0) }
            let d = GroupSummaries.summarise(values: rates, weights: supply.patients, group: deciles, groups: 10)
            let q = GroupSummaries.summarise(values: rates, weights: supply.patients, group: deciles.map { $0.map { ($0 + 1) / 2 } }, groups: 5)
            let inputs = [practices] + (practiceImd.map { [$0] } ?? [])
            let summary = InequalitySummary(deciles: d, quintiles: q, settings: options.inequality,
                                            concentrationIndex: ConcentrationIndex.compute(values: rates, weights: supply.patients, order: supply.imdScore.map { -$0 }))
            report = try GapReport(
                title: title ?? "GP supply and deprivation by practice", measure: "\(practiceFte) per 100,000 \(practicePatients) of each practice" + (filters.isEmpty ? "" : " (\(practiceWhere.joined(separator: ", ")))"),
                unit: "FTE per 100,000 patients", higherIsBetter: true, region: filters.isEmpty ? "all practices" : practiceWhere.joined(separator: ", "),
                grouping: "patient-weighted deciles of practices by the IMD score of their registered population (1 = most deprived)",
                inequality: summary, notes: supply.diagnostics.map(Wording.note), inputs: inputs, attribution: MapOutput.attribution(for: inputs))
            let csv = try CSVWriter(path: csvPath, header: ["practice_code", "practice_name", "patients", "fte", "fte_per_100k", "imd_score", "imd_decile"])
            for i in supply.codes.indices {
                try csv.writeRow([supply.codes[i], supply.names[i], String(supply.patients[i]), String(supply.fte[i]), String(supply.rate[i]),
                                  String(supply.imdScore[i]), deciles[i].map(String.init) ?? ""])
            }
            try csv.commit()
            written.append(csvPath)
        } else {
            let prepared = try options.prepare(data: data, bar: bar)
            let result = try AccessAnalysis.run(prepared.frame, services: prepared.services, spec: prepared.spec, progress: bar.callback)
            bar.clear()
            let attribution = MapOutput.attribution(for: prepared.files)
            let geojson = MapOutput.sibling(of: output, extension: "geojson")
            report = try GapReport(result, title: title ?? "Access to \(prepared.services.kind) and deprivation",
                                   higherIsBetter: result.measure.catchment != nil || result.measure == .within,
                                   grouping: "national IMD deciles of the areas (\(prepared.frame.deprivation.summary); national, not local, deprivation quantiles), population-weighted",
                                   notes: result.diagnostics.map(Wording.note), inputs: prepared.files, attribution: attribution)
            let layer = result.layer()
            try MapOutput.writeGeoJSON(layer, to: geojson, attribution: attribution)
            try MapOutput.writeCSV(layer, to: csvPath)
            written += [geojson, csvPath]
        }
        try MapOutput.writeJSON(report, to: jsonPath)
        try MapOutput.writeText(report.markdown(), to: output)
        print(report.verdict)
        guard !quiet else { return }
        printError("→ \(([output, jsonPath] + written).joined(separator: ", "))")
        for n in report.notes { printError("note: \(n)") }
    }
}
