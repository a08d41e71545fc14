import Foundation

/// The machine-readable summary of the journey-time indicators (`OUT-summary.json`).
public struct JourneyTimesSummary: Codable, Sendable {
    /// How the times were measured.
    public var method: String
    /// Minutes thresholds.
    public var thresholds: [Double]
    /// Selected areas.
    public var areas: Int
    /// Average minimum time by IMD decile (1 = most deprived).
    public var deciles: [GroupSummary]
    /// Average minimum time by IMD quintile.
    public var quintiles: [GroupSummary]
    /// SII and RII of the average minimum time.
    public var sii: SlopeIndex?
    /// Why there is no SII.
    public var siiUnavailable: String?
    /// Per threshold: percentage of origins within it by decile, and its SII.
    public var within: [Within]
    /// What the run noticed, in words.
    public var notes: [String]
    /// The licence notice of the inputs.
    public var attribution: String?

    /// One threshold's summary.
    public struct Within: Codable, Sendable {
        /// Minutes.
        public var minutes: Double
        /// Percentage of origins within it, by decile.
        public var deciles: [GroupSummary]
        /// Its SII (percentage points).
        public var sii: SlopeIndex?
    }
}

extension JourneyTimes {
    /// Field names of the per-area outputs, in order.
    public var fieldNames: [String] {
        ["code", "name", "imd_rank", "imd_decile", "core20", "population", "origins", "avg_min_minutes"]
            + thresholds.map { "services_within_\(DistanceDecay.format($0))" } + thresholds.map { "pct_within_\(DistanceDecay.format($0))" }
    }

    /// The per-area layer (the areas' geometry and ``fieldNames``).
    public func layer() -> FeatureLayer {
        func real(_ v: Double?) -> FieldValue { v.flatMap { $0.isFinite ? .real($0) : nil } ?? .null }
        let fields = fieldNames.enumerated().map { k, name in
            FieldDefinition(name: name, type: k < 2 ? .string : (k == 4 ? .boolean : ([2, 3, 6].contains(k) ? .integer : .real)))
        }
        let features = areas.codes.indices.map { i -> Feature in
            let r = records[i]
            func int(_ v: Int?) -> FieldValue { v.map { .integer(Int64($0)) } ?? .null }
            var values: [FieldValue] = [.string(areas.codes[i]), .string(areas.names[i]), int(r?.index.rank),
                                        int(r?.index.decile), r.map { .boolean($0.isCore20) } ?? .null,
                                        real(population[i]), .integer(Int64(originCount[i])), real(averageMinimum[i])]
            values += servicesWithin.map { real($0[i]) }
            values += percentWithin.map { real($0[i]) }
            return Feature(geometry: areas.geometries[i], values: values)
        }
        return FeatureLayer(name: "journey_times", crs: areas.crs, schema: Schema(fields), features: features)
    }

    /// The summary, with `attribution` and `notes` as the caller words them.
    public func summary(attribution: String?, notes worded: [String]? = nil) -> JourneyTimesSummary {
        JourneyTimesSummary(method: method, thresholds: thresholds, areas: areas.codes.count, deciles: inequality.deciles, quintiles: inequality.quintiles,
                            sii: inequality.sii, siiUnavailable: inequality.siiUnavailable,
                            within: zip(thresholds, percentInequality).map { JourneyTimesSummary.Within(minutes: $0, deciles: $1.deciles, sii: $1.sii) },
                            notes: worded ?? notes, attribution: attribution)
    }

    /// The decile table and the SII in words.
    public func report() -> String {
        var lines = [method, "", "decile  areas  population  avg_min" + thresholds.map { "  %≤\(DistanceDecay.format($0))" }.joined()]
        for g in inequality.deciles {
            var line = String(format: "%6d  %5d  %10.0f  %7.2f", g.group, g.areas, g.population, g.mean)
            for p in percentInequality {
                line += p.deciles.first { $0.group == g.group }.map { String(format: "  %5.1f", $0.mean) } ?? "      –"
            }
            lines.append(line)
        }
        lines.append("")
        if let s = inequality.sii {
            lines.append(String(format: "SII of the average minimum time: %.2f minutes (%.0f%% CI %.2f to %.2f); positive: the least deprived wait longer",
                                s.sii, s.confidence * 100, s.siiLower, s.siiUpper))
        } else {
            lines.append("SII not computed: \(inequality.siiUnavailable ?? "")")
        }
        for (t, p) in zip(thresholds, percentInequality) {
            if let s = p.sii {
                lines.append(String(format: "SII of the %% within %@ minutes: %.1f percentage points (%.1f to %.1f)", DistanceDecay.format(t), s.sii, s.siiLower, s.siiUpper))
            }
        }
        return lines.joined(separator: "\n")
    }
}
