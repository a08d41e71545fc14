/// A setting a user can change to get past a problem: an input file, a field name, a parameter.
///
/// The library names settings in plain words (``plainName``); a front end (the command line, a
/// notebook, a web form) words them in its own vocabulary — `deprivation-map` as its flags. So
/// the library's errors never quote a command-line option.
public enum Setting: String, Sendable, Hashable, CaseIterable, Codable {
    // Inputs and how they are read.
    case areas, codeField, imd, population, populationColumn, centroids, dataFolder, postcodes
    case vintageLookup, reproject, crs, targetCRS, encoding, delimiter, coordinateColumns, featureFilter
    // Access measures.
    case method, radius, neighbours, capacityID, capacityFilter, practiceFilter, needWeights
    // Need-adjusted GP supply.
    case workforce, weightedPatients, workforceYear, paymentsYear
    // Databases and multi-layer files.
    case layer, overwrite
    // Food van.
    case output
    case stops, sites, walkRadius, depot, allowDepotOutside, foodThreshold, deciles, storeSizes
    case dayMinutes, stopMinutes, days, speed, detour
    case cycleWeeks, weekdays, startDate, cycles, mapLibrary
    // Road and path networks.
    case network, mode, routerURL, snapCap, engines, networkCache, straightLineFallback

    /// The setting in plain words, for messages read outside a front end.
    public var plainName: String {
        switch self {
        case .areas: return "the area layer"
        case .codeField: return "the area-code field"
        case .imd: return "the IMD table"
        case .population: return "a population table"
        case .populationColumn: return "the population column"
        case .centroids: return "the centroid table"
        case .dataFolder: return "the data-folder setting"
        case .postcodes: return "Code-Point Open"
        case .vintageLookup: return "the LSOA 2011 → 2021 lookup"
        case .reproject: return "reprojection"
        case .crs: return "the input's CRS"
        case .targetCRS: return "the output CRS"
        case .encoding: return "the text encoding"
        case .delimiter: return "the delimiter"
        case .coordinateColumns: return "the coordinate columns"
        case .featureFilter: return "a feature filter"
        case .method: return "the access measure"
        case .radius: return "the radius"
        case .neighbours: return "the number of nearest services"
        case .capacityID: return "the capacity table's identifier column"
        case .capacityFilter: return "a capacity row filter"
        case .practiceFilter: return "a practice row filter"
        case .needWeights: return "the need weights"
        case .workforce: return "the GP workforce table"
        case .weightedPatients: return "the NHS payments file (weighted patients)"
        case .workforceYear: return "the workforce year"
        case .paymentsYear: return "the year of the payments file"
        case .layer: return "the layer to read"
        case .overwrite: return "permission to replace the table"
        case .output: return "the output path"
        case .stops: return "the number of stops"
        case .sites: return "candidate sites"
        case .walkRadius: return "the walking radius"
        case .depot: return "the depot"
        case .allowDepotOutside: return "permission for a depot outside the region"
        case .foodThreshold: return "the food-provision threshold"
        case .deciles: return "the target deciles"
        case .storeSizes: return "the store sizes"
        case .dayMinutes: return "the length of a day"
        case .stopMinutes: return "the time at each stop"
        case .days: return "the number of visit days"
        case .speed: return "the driving speed"
        case .detour: return "the detour factor"
        case .cycleWeeks: return "the length of the visit cycle in weeks"
        case .weekdays: return "the weekdays the van goes out"
        case .startDate: return "the start date of the calendar"
        case .cycles: return "the number of cycles in the calendar"
        case .mapLibrary: return "the Leaflet folder"
        case .network: return "the OpenStreetMap extract"
        case .mode: return "the travel mode"
        case .routerURL: return "the address of a running routing engine"
        case .snapCap: return "the largest snapping distance"
        case .engines: return "the routing-engine folder"
        case .networkCache: return "the network cache folder"
        case .straightLineFallback: return "permission to fall back to straight lines"
        }
    }
}

/// What to do about a problem: text with ``Setting``s in it, worded by whoever shows it.
///
/// ```swift
/// let advice: Advice = "raise \(Setting.walkRadius) or give \(Setting.sites) nearer the target areas"
/// advice.description                          // "raise the walking radius or give candidate sites …"
/// advice.worded { "<" + $0.rawValue + ">" }  // "raise <walkRadius> or give <sites> …"
/// ```
public struct Advice: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// A piece of the advice.
    public enum Part: Sendable, Hashable, Codable {
        case text(String)
        case setting(Setting)
    }

    /// The pieces, in order.
    public var parts: [Part]

    public init(parts: [Part]) { self.parts = parts }

    public init(stringLiteral value: String) { parts = [.text(value)] }

    public init(stringInterpolation: Interpolation) { parts = stringInterpolation.parts }

    /// Builds advice from a literal with settings interpolated.
    public struct Interpolation: StringInterpolationProtocol {
        var parts: [Part] = []
        public init(literalCapacity: Int, interpolationCount: Int) {}
        public mutating func appendLiteral(_ literal: String) { if !literal.isEmpty { parts.append(.text(literal)) } }
        public mutating func appendInterpolation(_ setting: Setting) { parts.append(.setting(setting)) }
        public mutating func appendInterpolation(_ value: some CustomStringConvertible) { parts.append(.text(value.description)) }
    }

    /// The settings it mentions.
    public var settings: [Setting] {
        parts.compactMap { if case .setting(let s) = $0 { return s } else { return nil } }
    }

    /// The text with each setting named by `name`.
    public func worded(_ name: (Setting) -> String) -> String {
        parts.map { part in
            switch part {
            case .text(let t): return t
            case .setting(let s): return name(s)
            }
        }.joined()
    }

    /// The text with settings in plain words.
    public var description: String { worded(\.plainName) }
}

/// An error that separates what went wrong from what to do about it, so that a front end can
/// word the advice in its own vocabulary.
public protocol AdvisedError: Error, CustomStringConvertible {
    /// What went wrong, naming the file, record, field or area code; no advice.
    var problem: String { get }
    /// What to change, when the user can.
    var advice: Advice? { get }
}

extension AdvisedError {
    /// The problem and the advice worded by `name`.
    public func worded(_ name: (Setting) -> String) -> String {
        guard let advice else { return problem }
        return Self.join(problem, advice.worded(name))
    }

    /// The problem and the advice in plain words.
    public var description: String { worded(\.plainName) }

    /// "Problem. Advice." with one full stop between them and a capital after it.
    static func join(_ problem: String, _ advice: String) -> String {
        guard let first = advice.first else { return problem }
        let sentence = first.uppercased() + advice.dropFirst()
        let ended = problem.hasSuffix(".") || problem.hasSuffix("?") ? problem : problem + "."
        return ended + " " + (sentence.hasSuffix(".") ? sentence : sentence + ".")
    }
}
