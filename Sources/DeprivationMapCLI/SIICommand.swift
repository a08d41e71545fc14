import ArgumentParser
import DeprivationMap
import Foundation

extension SIIValueType: ExpressibleByArgument {}
extension QuantileBasis: ExpressibleByArgument {}

struct SIICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sii",
        abstract: "Slope and Relative Index of Inequality for many areas at once, from a table as PHEindicatormethods::phe_sii takes it.",
        discussion: """
            The input CSV has one row per area and quantile (1 = most deprived): columns quantile \
            and population, an optional area column (one area when absent), and value, or count \
            for proportions (value = count / population), with se, or lower_cl and upper_cl. For \
            rates and proportions the limits are taken on the log or logit scale, and a given se \
            is that of the log or logit, as phe_sii takes them.

            --quantile-basis national|local is required: it says how the quantiles were made and \
            is written with every result (PHOF uses local ones). Areas missing a quantile, or with \
            invalid values, are dropped and named. Writes OUT.csv (one row per area) and \
            OUT-dropped.csv.
            """
    )

    @Option(help: ArgumentHelp("The input table (CSV).", valueName: "file"))
    var input: String

    @Option(help: ArgumentHelp("How the quantiles were made: national or local deprivation quantiles.", valueName: "national|local"))
    var quantileBasis: QuantileBasis

    @Option(help: ArgumentHelp("What the values are: other, rate or proportion.", valueName: "type"))
    var valueType: SIIValueType = .other

    @Flag(help: "Regress on the log (rate) or logit (proportion) scale; needs lower_cl and upper_cl.")
    var transform = false

    @Option(help: ArgumentHelp("Confidence level of the input limits (phe_sii assumes 95).", valueName: "percent"))
    var inputConfidence = 95.0

    @Option(help: ArgumentHelp("Multiply the SII and its limits (100 for percentages; a negative one, written --multiplier=-100, flips the polarity and inverts the RII).", valueName: "number"))
    var multiplier = 1.0

    @Option(help: ArgumentHelp("Confidence level of the output limits, in percent (repeatable: 95 and 99.8 from one set of draws).", valueName: "percent"))
    var confidence: [Double] = [95]

    @Option(help: ArgumentHelp("Simulations (at least 1,000).", valueName: "n"))
    var repetitions = 100_000

    @Flag(help: "Ten sets of simulations and the mean absolute difference of their limits from the first (phe_sii's reliability statistic).")
    var reliability = false

    @Option(help: ArgumentHelp("Seed of the simulations.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(name: [.short, .long], help: "Output CSV (.csv).")
    var output: String

    @Flag(name: [.short, .long], help: "No notes.")
    var quiet = false

    func validate() throws {
        guard URL(fileURLWithPath: output).pathExtension.lowercased() == "csv" else { throw ValidationError("-o must end in .csv.") }
        for c in confidence + [inputConfidence] where !(50..<100).contains(c) { throw ValidationError("confidence levels are percentages below 100, such as 95 or 99.8; got \(c).") }
    }

    func run() throws {
        InterruptHandling.install()
        let dropped = URL(fileURLWithPath: output).deletingPathExtension().path + "-dropped.csv"
        try OutputSafety.check(outputs: [output, dropped], inputs: [input])
        let table = try CSVTable(path: input)
        func column(_ names: [String]) -> Int? { table.column(names) }
        guard let q = column(["quantile", "decile", "quintile"]), let pop = column(["population", "denominator", "n"]) else {
            throw WordedError(description: "\(input) needs a quantile column and a population column; its columns are \(table.header.joined(separator: ", ")).")
        }
        let area = column(["area", "areacode", "group"]), value = column(["value"]), count = column(["count", "x", "numerator"])
        let se = column(["se", "standarderror"]), lo = column(["lowercl", "lower"]), hi = column(["uppercl", "upper"])
        guard value != nil || count != nil else { throw WordedError(description: "\(input) needs a value column (or count, for proportions).") }
        var rows: [String: [SIIQuantileInput]] = [:]
        var bad: [String] = []
        try table.forEachRow { row in
            guard let quantile = row.integer(q) else { bad.append("line \(row.line): quantile '\(row.string(q))' is not a whole number"); return }
            guard let population = row.double(pop) else { bad.append("line \(row.line): population '\(row.string(pop))' is not a number"); return }
            let name = area.map { row.trimmed($0) } ?? "all"
            rows[name, default: []].append(SIIQuantileInput(quantile: quantile, population: population, value: value.flatMap { row.double($0) },
                                                            count: count.flatMap { row.double($0) }, standardError: se.flatMap { row.double($0) },
                                                            lowerCL: lo.flatMap { row.double($0) }, upperCL: hi.flatMap { row.double($0) }))
        }
        if !bad.isEmpty { throw WordedError(description: "\(input): " + bad.prefix(5).joined(separator: "; ") + (bad.count > 5 ? " and \(bad.count - 5) more" : "")) }
        var settings = PHESIISettings(basis: quantileBasis)
        settings.valueType = valueType
        settings.transform = transform
        settings.inputConfidence = inputConfidence / 100
        settings.multiplier = multiplier
        settings.confidences = confidence.map { $0 / 100 }
        settings.repetitions = repetitions
        settings.reliability = reliability
        settings.seed = seed
        let outcome = try PHESII.compute(rows, settings: settings)

        func f(_ v: Double?) -> String { v.map { String(format: "%.6g", $0) } ?? "" }
        var header = ["area", "quantiles", "quantile_basis", "value_type", "transform", "multiplier", "repetitions", "sii", "rii", "intercept"]
        for c in confidence {
            let tag = String(format: "%.1f", c).replacingOccurrences(of: ".", with: "_")
            header += ["sii_lower_\(tag)cl", "sii_upper_\(tag)cl", "rii_lower_\(tag)cl", "rii_upper_\(tag)cl"] + (reliability ? ["sii_mad_\(tag)", "rii_mad_\(tag)"] : [])
        }
        let body = outcome.results.map { r -> [String] in
            var row = [r.area, String(r.quantiles), quantileBasis.rawValue, valueType.rawValue, String(transform), f(multiplier), String(repetitions), f(r.sii), f(r.rii), f(r.intercept)]
            for l in r.limits { row += [f(l.siiLower), f(l.siiUpper), f(l.riiLower), f(l.riiUpper)] + (reliability ? [f(l.siiMAD), f(l.riiMAD)] : []) }
            return row
        }
        try OutputTransaction.perform {
            try MapOutput.writeTable(header: header, rows: body, to: output)
            try MapOutput.writeTable(header: ["area", "reason"], rows: outcome.dropped.keys.sorted().map { [$0, outcome.dropped[$0]!] }, to: dropped)
        }
        print("\(outcome.results.count) areas with an SII (\(quantileBasis.description)); \(outcome.dropped.count) dropped")
        guard !quiet else { return }
        printError("→ \(output), \(dropped)")
        for name in outcome.dropped.keys.sorted().prefix(10) { printError("note: area \(name) dropped: \(outcome.dropped[name]!)") }
    }
}
