import Foundation

/// The machine-readable summary of an access analysis (`OUT-summary.json`).
public struct AccessSummary: Codable, Sendable {
    /// The measure (`nearest`, `2sfca` …).
    public var measure: String
    /// Field holding the measure in the area outputs.
    public var valueField: String
    /// Unit of the measure in words.
    public var unit: String
    /// How the measure was computed, one line.
    public var method: String
    /// The region in words.
    public var region: String
    /// Selected areas.
    public var areas: Int
    /// People in the selected areas.
    public var population: Double
    /// Area–service pairs within the radius (over every analysed area).
    public var pairs: Int?
    /// Selected areas reaching no service within the radius.
    public var areasWithoutService: Int
    /// People in those areas.
    public var populationWithoutService: Double
    /// Summaries by IMD decile (1 = most deprived).
    public var deciles: [GroupSummary]
    /// Summaries by IMD quintile.
    public var quintiles: [GroupSummary]
    /// Most against least deprived decile.
    public var decileContrast: GroupContrast?
    /// Most against least deprived quintile.
    public var quintileContrast: GroupContrast?
    /// Slope and Relative Index of Inequality with limits.
    public var sii: SlopeIndex?
    /// Why there is no SII.
    public var siiUnavailable: String?
    /// Population-weighted concentration index by IMD rank.
    public var concentrationIndex: Double?
    /// Matched pairs of a travel-time table without a cost.
    public var missingMatrixPairs: Int?
    /// What the analysis noticed, in words.
    public var notes: [String]
    /// The licence notice of the inputs, when known.
    public var attribution: String?
}

extension AccessResult {
    /// Field names of the per-area outputs, in order.
    public var fieldNames: [String] {
        var names = ["code", "name", "imd_rank", "imd_decile", "imd_quintile", "core20", "population"]
        if needWeighted { names.append("demand") }
        names += ["origin_e", "origin_n"]
        if perArea.snapMetres != nil { names.append("snap_m") }
        names.append(valueField)
        switch measure {
        case .nearest: names += ["nearest_id", "nearest_name"]
        case .knn: names += ["nearest_id", "nearest_name", valueField.replacingOccurrences(of: "knn_mean", with: "kth")]
        case .within: break
        case .twoStep, .enhanced, .threeStep: names += ["services_in_catchment", "reaches_service"]
        }
        return names
    }

    /// Values of area `i` for ``fieldNames``.
    public func attributes(at i: Int) -> [FieldValue] {
        func int(_ v: Int?) -> FieldValue { v.map { .integer(Int64($0)) } ?? .null }
        func real(_ v: Double?) -> FieldValue { v.flatMap { $0.isFinite ? .real($0) : nil } ?? .null }
        let p = perArea
        let r = p.records[i]
        var values: [FieldValue] = [.string(areas.codes[i]), .string(areas.names[i]), int(r?.index.rank), int(r?.index.decile),
                                    int(r.map(\.quintile)), r.map { .boolean($0.isCore20) } ?? .null, real(p.population[i])]
        if needWeighted { values.append(real(p.demand[i])) }
        values += [real(p.origins[i].x), real(p.origins[i].y)]
        if let snap = p.snapMetres { values.append(real(snap[i])) }
        values.append(real(p.value[i]))
        switch measure {
        case .nearest, .knn:
            let s = p.nearestService[i]
            values += [s.map { .string(services.ids[$0]) } ?? .null, s.map { .string(services.names[$0]) } ?? .null]
            if measure == .knn { values.append(real(p.kthCost[i])) }
        case .within: break
        case .twoStep, .enhanced, .threeStep:
            values += [int(p.servicesReached[i]), p.servicesReached[i].map { .boolean($0 > 0) } ?? .null]
        }
        return values
    }

    /// The areas with their values as a layer (geometry of the areas, in their CRS).
    public func layer() -> FeatureLayer {
        let rows = areas.codes.indices.map { attributes(at: $0) }
        let schema = Schema(inferring: fieldNames, from: rows)
        let features = areas.codes.indices.map { Feature(geometry: areas.layer.features[$0].geometry, values: rows[$0]) }
        return FeatureLayer(name: "access_\(services.kind)", crs: areas.crs, schema: schema, features: features)
    }

    /// The summary written beside the outputs; `notes` are the diagnostics as worded by the caller.
    public func summary(attribution: String?, notes: [String]? = nil) -> AccessSummary {
        let q = inequality
        return AccessSummary(measure: measure.rawValue, valueField: valueField, unit: unit, method: method, region: regionDescription,
                             areas: areas.codes.count, population: perArea.population.reduce(0) { $0 + ($1 ?? 0) }, pairs: pairCount,
                             areasWithoutService: areasWithoutService, populationWithoutService: populationWithoutService,
                             deciles: q.deciles, quintiles: q.quintiles, decileContrast: q.decileContrast, quintileContrast: q.quintileContrast,
                             sii: q.sii, siiUnavailable: q.siiUnavailable, concentrationIndex: q.concentrationIndex,
                             missingMatrixPairs: missingMatrixPairs, notes: notes ?? self.notes, attribution: attribution)
    }

    /// The tables and statistics printed on standard output.
    public func report() -> String {
        var out = "\(method)\n\(valueField): \(unit); \(regionDescription)\n\n"
        let q = inequality
        out += GroupTable.render(q.deciles, label: "decile", showShare: q.deciles.contains { $0.shareAbove != nil })
        out += "\n\n" + GroupTable.render(q.quintiles, label: "quintile", showShare: q.quintiles.contains { $0.shareAbove != nil })
        out += "\n\n" + q.statisticsText
        return out
    }
}

/// Plain-text tables and statistics lines shared by `access` and `gap`.
public enum GroupTable {
    /// A right-aligned table of group summaries.
    public static func render(_ rows: [GroupSummary], label: String, showShare: Bool) -> String {
        var header = [label, "areas", "population", "mean", "median", "min", "max", "se"]
        if showShare { header.append("share_above") }
        var lines = [header]
        for r in rows {
            var cells = ["\(r.group)", grouped(r.areas), grouped(Int(saturating: r.population)), number(r.mean), number(r.median),
                         number(r.minimum), number(r.maximum), number(r.standardError)]
            if showShare { cells.append(r.shareAbove.map { String(format: "%.1f%%", 100 * $0) } ?? "") }
            lines.append(cells)
        }
        let widths = header.indices.map { c in lines.map { $0[c].count }.max()! }
        return lines.map { row in
            row.enumerated().map { c, cell in String(repeating: " ", count: widths[c] - cell.count) + cell }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// Four significant decimals for a table cell.
    public static func number(_ v: Double) -> String {
        guard v.isFinite else { return "" }
        return abs(v) >= 1000 ? String(format: "%.1f", v) : String(format: "%.4f", v)
    }

    /// The contrast, SII/RII and concentration index lines printed under the tables.
    public static func statistics(decileContrast: GroupContrast?, quintileContrast: GroupContrast?, sii: SlopeIndex?,
                                  siiUnavailable: String?, concentrationIndex: Double?) -> String {
        var lines: [String] = []
        func contrast(_ c: GroupContrast, _ what: String) -> String {
            "most vs least deprived \(what) (\(c.mostDeprived) vs \(c.leastDeprived)): difference \(number(c.difference)) (95% CI \(number(c.differenceLower)) to \(number(c.differenceUpper)))"
                + (c.ratio.map { ", ratio \(String(format: "%.4f", $0))" } ?? "")
        }
        if let c = decileContrast { lines.append(contrast(c, "decile")) }
        if let c = quintileContrast { lines.append(contrast(c, "quintile")) }
        if let s = sii {
            let level = Int(saturating: s.confidence * 100)
            var line = "SII \(String(format: "%.4f", s.sii)) (\(level)% CI \(String(format: "%.4f", s.siiLower)) to \(String(format: "%.4f", s.siiUpper)))"
            if let rii = s.rii {
                line += ", RII \(String(format: "%.4f", rii))"
                if let lo = s.riiLower, let hi = s.riiUpper { line += " (\(level)% CI \(String(format: "%.4f", lo)) to \(String(format: "%.4f", hi)))" }
            }
            line += "; \(s.groups.count) groups, \(s.transform == .none ? "no transform" : "\(s.transform.rawValue) transform"), \(grouped(s.draws)) simulations, seed \(s.seed)"
            lines.append(line)
        } else if let why = siiUnavailable {
            lines.append("SII not computed: \(why)")
        }
        if let c = concentrationIndex { lines.append("concentration index \(String(format: "%+.4f", c))") }
        return lines.joined(separator: "\n")
    }
}

extension MapOutput {
    /// Writes text through a temporary file renamed into place.
    /// - Throws: `OutputError`.
    public static func writeText(_ text: String, to path: String) throws {
        let file = try AtomicOutputFile(path: path)
        try file.write(text)
        try file.commit()
    }

    /// Writes a value as pretty, key-sorted JSON with snake_case keys.
    /// - Throws: `OutputError`, `EncodingError`.
    public static func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = try encoder.encode(value)
        try writeText(String(decoding: data, as: UTF8.self) + "\n", to: path)
    }
}
