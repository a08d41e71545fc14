import Foundation

/// Demand per analysed area: population, or population weighted for need.
struct Demand {
    /// Per analysed area.
    var values: [Double?]
    /// How it was weighted, in words ("population", "need-weighted by age …").
    var description: String
    var diagnostics: [Diagnostic] = []

    /// Demand of the areas `codes` with `population` and deprivation `records`.
    /// - Throws: ``AccessError`` for a non-positive factor or a table without health scores.
    init(need: NeedWeighting?, codes: [String], population: [Double?], records: [DeprivationRecord?], imd: DeprivationTable) throws {
        values = population
        description = "population"
        switch need {
        case nil:
            break
        case .ageBands(let table)?:
            values = codes.map { table.demand[$0] }
            let absent = values.indices.filter { values[$0] == nil }.map { codes[$0] }
            if !absent.isEmpty {
                diagnostics.note("\(absent.count) areas are not in the age table \(URL(fileURLWithPath: table.path).lastPathComponent) and add no demand: \(list(absent))",
                                 codes: absent, file: table.path)
            }
            description = table.description
        case .healthDomain(let factor)?:
            guard factor > 0 else { throw AccessError.badParameter("the health need factor must be positive", .needWeights) }
            let scores = records.map { $0?.domains[.health]?.score }
            guard scores.contains(where: { $0 != nil }) else {
                throw AccessError.need(path: imd.paths.joined(separator: ", "), reason: "the IMD table has no health deprivation and disability score (IoD2025 File 7 or the tidy IMD 2025 file carry it; IoD2019 Files 1–2 do not).")
            }
            values = population.indices.map { i in population[i].flatMap { p in scores[i].map { p * pow(factor, $0) } } }
            description = "population × \(DistanceDecay.format(factor))^(IMD health domain score)"
        }
    }
}

/// Supply per service: 1 each, or from a capacity table.
struct Supply {
    var values: [Double]
    /// Where it came from, in words ("1 per service", "TOTAL_GP_EXTGL_FTE from heec….csv").
    var description = "1 per service"
    /// The unit of supply in a measure's unit ("gp services", "TOTAL_GP_EXTGL_FTE").
    var label: String
    var diagnostics: [Diagnostic] = []

    init(services: ServiceSet, capacity: ServiceCapacity?) {
        values = Array(repeating: 1, count: services.points.count)
        label = "\(services.kind) services"
        guard let capacity else { return }
        var absent: [String] = []
        for (j, id) in services.ids.enumerated() {
            if let v = capacity.values[id] { values[j] = v } else { values[j] = 0; absent.append(id.isEmpty ? "#\(j + 1)" : id) }
        }
        let file = URL(fileURLWithPath: capacity.path).lastPathComponent
        description = "\(capacity.column) from \(file)"
        label = capacity.column
        if !absent.isEmpty {
            diagnostics.note("\(absent.count) of \(services.ids.count) \(services.kind) services have no \(capacity.column) in \(file) and supply 0: \(list(absent))",
                             codes: absent, file: capacity.path)
        }
        if !capacity.skipped.isEmpty {
            diagnostics.note("\(capacity.skipped.count) capacity rows not used: \(capacity.skipped.prefix(3).map(\.description).joined(separator: "; "))", file: capacity.path)
        }
    }
}
