import Foundation

/// The kind of a set of services: GP practices, pharmacies, supermarkets, or any other kind a
/// user names. Its ``rawValue`` (lower-case letters, digits and underscores) prefixes output
/// fields (`gp_count`, `gp_per_10k`); the known kinds carry a label and a map colour.
public struct ServiceKind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The field-name form: lower-case letters, digits and underscores.
    public let rawValue: String

    /// Makes a kind from any text ("GP practices" → `gp_practices`; empty → `service`).
    public init(rawValue: String) {
        let base = rawValue.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).joined(separator: "_")
        self.rawValue = base.isEmpty ? "service" : base
    }

    public init(stringLiteral value: String) { self.init(rawValue: value) }

    /// GP practices.
    public static let gp: ServiceKind = "gp"
    /// Community pharmacies.
    public static let pharmacy: ServiceKind = "pharmacy"
    /// Supermarkets and other food stores.
    public static let supermarket: ServiceKind = "supermarket"

    /// The field-name form, so that interpolating a kind gives its field prefix.
    public var description: String { rawValue }

    /// One of them in words ("GP practice"); the raw value with spaces for other kinds.
    public var singular: String {
        switch self {
        case .gp: return "GP practice"
        case .pharmacy: return "pharmacy"
        case .supermarket: return "supermarket"
        default: return rawValue.replacingOccurrences(of: "_", with: " ")
        }
    }

    /// Several of them in words ("GP practices").
    public var plural: String {
        switch self {
        case .gp: return "GP practices"
        case .pharmacy: return "pharmacies"
        case .supermarket: return "supermarkets"
        default: return singular
        }
    }

    /// Map colour (CSS hex) of the known kinds; a neutral grey for others.
    public var colour: String {
        switch self {
        case .gp: return "#1b7837"
        case .pharmacy: return "#762a83"
        case .supermarket: return "#e08214"
        default: return "#4d4d4d"
        }
    }
}
