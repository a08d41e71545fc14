import Foundation

/// Why no food-van plan could be made. Each case says what to change.
public enum FoodVanError: Error, Sendable, Equatable, AdvisedError {
    /// No area is targeted (the reason says why).
    case noTargets(String, advice: Advice)
    /// More stops asked for than there are candidates (`what` says where the candidates came from).
    case tooManyStops(requested: Int, candidates: Int, what: String)
    /// The walking radius reaches no target area from any candidate; `nearest` is the closest candidate's distance in metres.
    case radiusCoversNobody(radius: Double, candidates: Int, targets: Int, nearest: Double?)
    /// The depot lies this many kilometres outside the region.
    case depotOutside(depot: String, kilometres: Double, region: String)
    /// A site file that cannot be used (no site inside the region, say).
    case noSites(path: String, reason: String)
    /// A travel-time table of the van that cannot be used.
    case matrix(path: String, reason: String)
    /// Time windows of the site list that no day can meet: each as "site (window): why".
    case windowsUnmet([String])
    /// Fixed sites that are not among the candidate stops (unknown, outside the region, or without a location).
    case fixedSitesMissing([String])
    /// More fixed sites than the stops asked for, or than the visit days can hold.
    case tooManyFixedSites(fixed: Int, room: Int, why: String)
    /// A setting out of range.
    case badParameter(String, Setting)

    public var problem: String {
        switch self {
        case .noTargets(let why, _):
            return why
        case .tooManyStops(let requested, let candidates, let what):
            return "\(requested) stops are more than the \(candidates) candidate stops (\(what))"
        case .radiusCoversNobody(let radius, let candidates, let targets, let nearest):
            var text = "a walking radius of \(Int(saturating: radius, .towardZero)) m reaches no target area from any of the \(candidates) candidate stops (\(targets) target areas)"
            if let nearest { text += "; the closest candidate is \(Int(saturating: nearest, .up)) m from a target area's population-weighted centroid" }
            return text + "; no plan was written"
        case .depotOutside(let depot, let km, let region):
            return "the depot \(depot) lies \(String(format: "%.1f", km)) km outside the region (\(region))"
        case .noSites(let path, let reason):
            return "\(path): \(reason)"
        case .matrix(let path, let reason):
            return "\(path): \(reason)"
        case .windowsUnmet(let reasons):
            return "\(reasons.count) time window\(reasons.count == 1 ? "" : "s") of the site list cannot be met: \(reasons.joined(separator: "; ")); no plan was written"
        case .fixedSitesMissing(let names):
            return "\(names.count) fixed site\(names.count == 1 ? " is" : "s are") not among the candidate stops (unknown, outside the region, or without a location): \(names.joined(separator: ", "))"
        case .tooManyFixedSites(let fixed, let room, let why):
            return "\(fixed) fixed sites must be visited but there is room for only \(room): \(why)"
        case .badParameter(let why, _):
            return why
        }
    }

    public var advice: Advice? {
        switch self {
        case .noTargets(_, let advice): return advice
        case .tooManyStops(_, let candidates, _): return "ask for at most \(candidates) \(Setting.stops), or give more \(Setting.sites)"
        case .radiusCoversNobody: return "raise \(Setting.walkRadius) or give \(Setting.sites) nearer the target areas"
        case .depotOutside:
            return "give \(Setting.depot) inside the region, check the postcode or E,N order, or grant \(Setting.allowDepotOutside) if the van really starts there"
        case .noSites, .matrix: return nil
        case .windowsUnmet:
            return "widen those windows in \(Setting.sites), add visit days (\(Setting.days)), lengthen \(Setting.dayMinutes) or shorten \(Setting.stopMinutes)"
        case .fixedSitesMissing: return "check the names in \(Setting.sites): a fixed site needs a location inside the region"
        case .tooManyFixedSites: return "ask for more \(Setting.stops) or \(Setting.days), or fix fewer sites in \(Setting.sites)"
        case .badParameter(_, let setting): return "change \(setting)"
        }
    }
}
