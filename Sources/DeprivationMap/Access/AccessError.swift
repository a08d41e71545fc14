import Foundation

/// Why an access measure could not be computed.
public enum AccessError: Error, Sendable, Equatable, AdvisedError {
    /// A distance-decay text that does not parse.
    case badDecay(String)
    /// A setting out of range: what is wrong, and which setting.
    case badParameter(String, Setting)
    /// No service has a location.
    case noServices(path: String)
    /// The radius reaches no service from any area.
    case noServiceReached(radius: Double, unit: CostUnit, kind: ServiceKind)
    /// A capacity or practice table that cannot be used, with what to change.
    case capacity(path: String, reason: String, advice: Advice?)
    /// A need-weighting table that cannot be used.
    case need(path: String, reason: String)
    /// A travel-time table that cannot be used.
    case matrix(path: String, reason: String)

    public var problem: String {
        switch self {
        case .badDecay(let why): return "distance decay: \(why)"
        case .badParameter(let why, _): return why
        case .noServices(let path): return "\(path): no service has coordinates, so no access can be measured; see the rows reported as not located"
        case .noServiceReached(let radius, let unit, let kind):
            return "the \(DistanceDecay.format(radius)) \(unit == .metres ? "m" : "minute") radius reaches no \(kind) service from any area"
        case .capacity(let path, let reason, _): return "\(path): \(reason)"
        case .need(let path, let reason): return "\(path): \(reason)"
        case .matrix(let path, let reason): return "\(path): \(reason)"
        }
    }

    public var advice: Advice? {
        switch self {
        case .badParameter(_, let setting): return "change \(setting)"
        case .noServiceReached: return "increase \(Setting.radius)"
        case .capacity(_, _, let advice): return advice
        default: return nil
        }
    }
}
