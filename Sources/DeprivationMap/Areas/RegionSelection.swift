import Foundation

/// Which areas to keep: districts by name or code, an ICB by code, or the areas inside a polygon
/// file. Conditions combine with AND; an empty selection keeps every area.
public struct RegionSelection: Sendable, Hashable {
    /// District names ("Southend-on-Sea") or codes ("E06000033"); matched without regard to case.
    public var districts: [String]
    /// ICB code: ONS ("E54000026") or NHS ("QH8").
    public var icb: String?
    /// A polygon file: areas whose representative point (a point on the surface) falls inside it.
    public var polygonPath: String?

    /// A selection; with no argument, every area.
    public init(districts: [String] = [], icb: String? = nil, polygonPath: String? = nil) {
        self.districts = districts
        self.icb = icb
        self.polygonPath = polygonPath
    }

    /// `true` when nothing is selected (all areas kept).
    public var isEmpty: Bool { districts.isEmpty && icb == nil && polygonPath == nil }
}

/// Why a region could not be selected.
public enum RegionError: Error, Sendable, Equatable, AdvisedError {
    /// No district of that name or code.
    case unknownDistrict(name: String, suggestions: [String])
    /// No ICB of that code.
    case unknownICB(code: String, suggestions: [String])
    /// Selecting by districts or an ICB needs the ONS lookups.
    case needsGeography(what: String)
    /// The selection holds no area.
    case empty(description: String)
    /// The region polygons and the areas are in different CRSs.
    case polygonCRS(polygon: String, areas: String)
    /// A region name that is neither an ICB nor a district.
    case unknownRegion(name: String, suggestions: [String])

    public var problem: String {
        switch self {
        case .unknownDistrict(let name, let suggestions):
            return "unknown district '\(name)'." + (suggestions.isEmpty ? " Give a district name or code (E06…, E07…, E08…, E09…, W06…)." : " Did you mean \(suggestions.map { "'\($0)'" }.joined(separator: " or "))?")
        case .unknownICB(let code, let suggestions):
            return "unknown ICB '\(code)'." + (suggestions.isEmpty ? "" : " Did you mean \(suggestions.joined(separator: " or "))?") + " Give an ONS code (E54…) or an NHS code such as QH8."
        case .needsGeography(let what):
            return "selecting by \(what) needs the ONS LSOA lookups (lookups/ under the data folder)."
        case .empty(let description):
            return "the selection \(description) contains no areas. Check the names and codes against the boundaries' vintage."
        case .unknownRegion(let name, let suggestions):
            return "unknown region '\(name)': it is neither an ICB nor a district name or code, nor a polygon file." + (suggestions.isEmpty ? " Give an ICB name (\"Mid and South Essex\"), an ICB code (QH8, E54000026) or a district (Southend-on-Sea)." : " Did you mean \(suggestions.map { "'\($0)'" }.joined(separator: " or "))?")
        case .polygonCRS(let polygon, let areas):
            return "the region polygons are in \(polygon) and the areas in \(areas)."
        }
    }

    public var advice: Advice? {
        switch self {
        case .needsGeography: return "point \(Setting.dataFolder) at the open-data folder"
        case .polygonCRS: return "reproject one of them (\(Setting.targetCRS))"
        default: return nil
        }
    }
}

extension Areas {
    /// Indices of the areas in `selection`, ascending, and a description such as
    /// "districts Southend-on-Sea, Thurrock".
    /// - Parameters:
    ///   - selection: districts, an ICB or a polygon file (all areas when empty).
    ///   - geography: LSOA → district/ICB lookup; needed for districts (unless the layer has a
    ///     district-code field such as `LADCD`) and for an ICB.
    /// - Throws: ``RegionError``, reader errors for the polygon file, `GEOSError`.
    public func select(_ selection: RegionSelection, geography: AreaGeography?) throws -> (indices: [Int], description: String) {
        var keep = Array(repeating: true, count: codes.count)
        var parts: [String] = []
        if !selection.districts.isEmpty {
            let ladField = layer.schema.fields.firstIndex { f in
                let n = CSVTable.normalise(f.name)
                return (n.hasPrefix("lad") || n.hasPrefix("ltla")) && (n.hasSuffix("cd") || n.hasSuffix("code"))
            }
            // District code of each area, and the known names → codes.
            var districtOf = [String](repeating: "", count: codes.count)
            var nameToCode: [String: String] = [:]
            if let geography {
                for (i, c) in codes.enumerated() { districtOf[i] = geography.entries[c]?.districtCode ?? "" }
                for e in geography.entries.values where !e.districtCode.isEmpty {
                    nameToCode[e.districtName.lowercased()] = e.districtCode
                    nameToCode[e.districtCode.lowercased()] = e.districtCode
                }
            }
            if let ladField {
                for i in codes.indices where districtOf[i].isEmpty { districtOf[i] = layer.features[i].values[ladField].text }
                for d in districtOf where !d.isEmpty { nameToCode[d.lowercased()] = d }
            }
            guard !nameToCode.isEmpty else { throw RegionError.needsGeography(what: "district") }
            var wanted = Set<String>()
            for name in selection.districts {
                guard let code = nameToCode[name.lowercased()] else {
                    let names = geography.map { Array(Set($0.entries.values.map(\.districtName))).filter { !$0.isEmpty } } ?? []
                    throw RegionError.unknownDistrict(name: name, suggestions: closeNames(name, in: names.isEmpty ? Array(nameToCode.keys) : names))
                }
                wanted.insert(code)
            }
            for i in codes.indices where !wanted.contains(districtOf[i]) { keep[i] = false }
            parts.append("districts \(selection.districts.joined(separator: ", "))")
        }
        if let icb = selection.icb {
            guard let geography else { throw RegionError.needsGeography(what: "ICB") }
            let key = icb.uppercased()
            let known = Set(geography.entries.values.flatMap { [$0.icbCode, $0.icbNHSCode] }.filter { !$0.isEmpty })
            guard known.contains(key) else { throw RegionError.unknownICB(code: icb, suggestions: closeNames(key, in: Array(known))) }
            for (i, c) in codes.enumerated() {
                let e = geography.entries[c]
                if e?.icbCode != key && e?.icbNHSCode != key { keep[i] = false }
            }
            let name = geography.entries.values.first { $0.icbCode == key || $0.icbNHSCode == key }?.icbName ?? key
            parts.append("ICB \(key) (\(name))")
        }
        if let polygonPath = selection.polygonPath {
            let (region, _) = try VectorReader.read(path: polygonPath)
            guard region.crs == crs else { throw RegionError.polygonCRS(polygon: region.crs.description, areas: crs.description) }
            let engine = try GeometryEngine()
            let shapes = region.features.compactMap(\.geometry).filter { !$0.polygons.isEmpty }
            let index = try SpatialIndex(engine: engine, geometries: shapes)
            for i in codes.indices where keep[i] {
                guard let g = layer.features[i].geometry, let p = try engine.pointOnSurface(g) else { keep[i] = false; continue }
                if try index.intersecting(p).isEmpty { keep[i] = false }
            }
            parts.append("inside \(URL(fileURLWithPath: polygonPath).lastPathComponent)")
        }
        let indices = keep.indices.filter { keep[$0] }
        let description = parts.isEmpty ? "all areas" : parts.joined(separator: " and ")
        if indices.isEmpty { throw RegionError.empty(description: description) }
        return (indices, description)
    }
}

extension RegionSelection {
    /// A region given by name: an ICB ("Mid and South Essex", "NHS Mid and South Essex Integrated
    /// Care Board", QH8, E54000026) or a district (name or code), matched without regard to case,
    /// the "NHS" prefix, the "Integrated Care Board"/"ICB" suffix and "&" for "and".
    /// - Throws: ``RegionError/unknownRegion(name:suggestions:)`` with close ICB and district names.
    public static func named(_ name: String, geography: AreaGeography) throws -> RegionSelection {
        let key = normaliseRegionName(name)
        var icbs: [String: String] = [:], districts: [String: String] = [:]
        var shortICBNames: Set<String> = [], districtNames: Set<String> = []
        // 35,000 areas name a few hundred ICBs and districts: normalise each distinct name once.
        var seenICB = Set<String>(), seenDistrict = Set<String>()
        for e in geography.entries.values {
            if !e.icbCode.isEmpty, seenICB.insert(e.icbCode + "\u{1}" + e.icbName + "\u{1}" + e.icbNHSCode).inserted {
                icbs[normaliseRegionName(e.icbName)] = e.icbCode
                icbs[e.icbCode.lowercased()] = e.icbCode
                if !e.icbNHSCode.isEmpty { icbs[e.icbNHSCode.lowercased()] = e.icbCode }
                shortICBNames.insert(shortICBName(e.icbName))
            }
            if !e.districtCode.isEmpty, seenDistrict.insert(e.districtCode + "\u{1}" + e.districtName).inserted {
                districts[normaliseRegionName(e.districtName)] = e.districtName
                districts[e.districtCode.lowercased()] = e.districtName
                districtNames.insert(e.districtName)
            }
        }
        if let icb = icbs[key] { return RegionSelection(icb: icb) }
        if let district = districts[key] { return RegionSelection(districts: [district]) }
        let candidates = Array(shortICBNames) + Array(districtNames)
        var suggestions = closeNames(name, in: candidates)
        if suggestions.isEmpty {
            // Words in common ("Essex" → "Mid and South Essex").
            let words = Set(key.split(separator: " ").filter { $0.count > 3 })
            suggestions = candidates.filter { c in !words.isDisjoint(with: normaliseRegionName(c).split(separator: " ")) }.sorted().prefix(3).map { $0 }
        }
        throw RegionError.unknownRegion(name: name, suggestions: suggestions)
    }

    /// "NHS Mid and South Essex Integrated Care Board" → "Mid and South Essex".
    public static func shortICBName(_ name: String) -> String {
        var n = name.trimmingCharacters(in: .whitespaces)
        if n.lowercased().hasPrefix("nhs ") { n = String(n.dropFirst(4)) }
        for suffix in [" integrated care board", " icb"] where n.lowercased().hasSuffix(suffix) { n = String(n.dropLast(suffix.count)) }
        return n
    }

    static func normaliseRegionName(_ name: String) -> String {
        let short = shortICBName(name).lowercased().replacingOccurrences(of: "&", with: " and ")
        let cleaned = short.map { $0.isLetter || $0.isNumber ? $0 : " " }
        return String(cleaned).split(separator: " ").joined(separator: " ")
    }
}

/// Up to three names close to `name` (case-insensitive edit distance, or sharing a prefix).
func closeNames(_ name: String, in names: [String]) -> [String] {
    let target = name.lowercased()
    let scored = Set(names).map { candidate -> (String, Int) in
        let c = candidate.lowercased()
        var d = editDistance(Array(target), Array(c))
        if c.hasPrefix(target) || target.hasPrefix(c) { d = min(d, 1) }
        return (candidate, d)
    }
    let limit = max(2, target.count / 3)
    return scored.filter { $0.1 <= limit }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(3).map(\.0)
}
