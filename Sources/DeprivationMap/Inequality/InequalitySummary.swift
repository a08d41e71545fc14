import Foundation

/// Which groups the Slope Index of Inequality is fitted over.
public enum InequalityGroups: Int, Sendable, Hashable, Codable, CaseIterable {
    /// The ten IMD deciles.
    case deciles = 10
    /// The five IMD quintiles.
    case quintiles = 5
}

/// How the inequality statistics are computed (PHE method).
public struct InequalitySettings: Sendable, Hashable {
    /// Groups of the SII regression.
    public var groups: InequalityGroups = .deciles
    /// Transform before the regression: `log` for rates, `logit` for proportions.
    public var transform: SIITransform = .none
    /// Monte Carlo simulations for the confidence limits.
    public var draws = 100_000
    /// Seed of the simulations (same seed, same limits).
    public var seed: UInt64 = 1
    /// Confidence level of every limit, e.g. 0.95.
    public var confidence = 0.95
    /// Summaries also report the population share with a value above this (in the measure's unit).
    public var threshold: Double?

    /// Settings; the defaults are deciles, no transform, 100,000 draws, seed 1, 95% limits.
    public init(groups: InequalityGroups = .deciles, transform: SIITransform = .none, draws: Int = 100_000, seed: UInt64 = 1,
                confidence: Double = 0.95, threshold: Double? = nil) {
        self.groups = groups
        self.transform = transform
        self.draws = draws
        self.seed = seed
        self.confidence = confidence
        self.threshold = threshold
    }
}

/// A value per area summarised against deprivation, computed once: population-weighted tables
/// by IMD decile and quintile, the most/least deprived contrasts, the Slope and Relative Index of
/// Inequality with limits, and the concentration index.
public struct InequalitySummary: Sendable, Hashable, Codable {
    /// By IMD decile (1 = most deprived) and quintile.
    public var deciles: [GroupSummary]
    /// Summaries by IMD quintile.
    public var quintiles: [GroupSummary]
    /// Most vs least deprived decile and quintile.
    public var decileContrast: GroupContrast?
    /// Most against least deprived quintile.
    public var quintileContrast: GroupContrast?
    /// The SII and RII; `nil` when fewer than 5 groups have people (see ``siiUnavailable``).
    public var sii: SlopeIndex?
    /// Why the SII is absent.
    public var siiError: SIIError?
    /// Why the SII is absent, in words.
    public var siiUnavailable: String? { siiError?.description }
    /// Population-weighted concentration index by IMD rank, most deprived first.
    public var concentrationIndex: Double?

    /// Summarises `values` of areas with their deprivation `records`, weighted by `population`.
    public init(values: [Double?], population: [Double?], records: [DeprivationRecord?], settings: InequalitySettings = InequalitySettings()) {
        let weights = population.map { $0 ?? 0 }
        let order = records.map { r in r.flatMap { $0.index.rank.map(Double.init) ?? $0.index.score.map { -$0 } } }
        self.init(deciles: GroupSummaries.summarise(values: values, weights: weights, group: records.map { $0?.index.decile }, groups: 10,
                                                    threshold: settings.threshold),
                  quintiles: GroupSummaries.summarise(values: values, weights: weights, group: records.map { $0.map(\.quintile) }, groups: 5,
                                                      threshold: settings.threshold),
                  settings: settings,
                  concentrationIndex: ConcentrationIndex.compute(values: values, weights: weights, order: order))
    }

    /// Builds a summary from group tables already made (e.g. practices grouped by their
    /// patients' deprivation), with no concentration index unless given.
    public init(deciles: [GroupSummary], quintiles: [GroupSummary], settings: InequalitySettings = InequalitySettings(), concentrationIndex: Double? = nil) {
        self.deciles = deciles
        self.quintiles = quintiles
        decileContrast = GroupSummaries.contrast(deciles)
        quintileContrast = GroupSummaries.contrast(quintiles)
        let rows = settings.groups == .quintiles ? quintiles : deciles
        do {
            sii = try SlopeIndex.compute(rows.map { SIIGroup(group: $0.group, value: $0.mean, population: $0.population, standardError: $0.standardError) },
                                         transform: settings.transform, confidence: settings.confidence, draws: settings.draws, seed: settings.seed)
        } catch {
            siiError = error as? SIIError ?? .badGroup(group: 0, reason: "\(error)")
        }
        self.concentrationIndex = concentrationIndex
    }

    /// The statistics lines printed under the tables.
    public var statisticsText: String {
        GroupTable.statistics(decileContrast: decileContrast, quintileContrast: quintileContrast, sii: sii,
                              siiUnavailable: siiUnavailable, concentrationIndex: concentrationIndex)
    }
}
