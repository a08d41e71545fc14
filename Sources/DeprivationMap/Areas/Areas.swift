import Foundation

/// The two LSOA vintages: 2011 (IMD 2019, WIMD 2019) and 2021 (IMD 2025).
public enum LSOAVintage: String, Sendable, Hashable, CustomStringConvertible {
    /// LSOAs of the 2011 Census (IMD 2019).
    case lsoa2011 = "LSOA 2011"
    /// LSOAs of the 2021 Census (IMD 2025).
    case lsoa2021 = "LSOA 2021"
    public var description: String { rawValue }

    /// The vintage a column name speaks of ("LSOA11CD", "LSOA code (2011)", "lsoa21_code"), if any.
    public static func fromColumnName(_ name: String) -> LSOAVintage? {
        let n = CSVTable.normalise(name)
        guard n.contains("lsoa") else { return nil }
        if n.contains("2011") || n.contains("lsoa11") { return .lsoa2011 }
        if n.contains("2021") || n.contains("lsoa21") { return .lsoa2021 }
        return nil
    }
}

/// Why an area layer could not be used.
public enum AreaError: Error, Sendable, Equatable, AdvisedError {
    /// No polygons in the layer.
    case noPolygons(path: String)
    /// The code field was not found.
    case noCodeField(path: String, fields: [String], asked: String?)
    /// Two features share a code.
    case duplicateCodes(path: String, codes: [String])

    public var problem: String {
        switch self {
        case .noPolygons(let path):
            return "\(path): has no polygons."
        case .noCodeField(let path, let fields, let asked):
            if let asked { return "\(path): there is no field '\(asked)'; the fields are \(fields.joined(separator: ", "))." }
            return "\(path): no area-code field found among \(fields.joined(separator: ", "))."
        case .duplicateCodes(let path, let codes):
            return "\(path): \(codes.count) area codes appear on more than one feature (\(codes.prefix(5).joined(separator: ", "))\(codes.count > 5 ? ", …" : ""))."
        }
    }

    public var advice: Advice? {
        switch self {
        case .noPolygons: return "give \(Setting.areas) as a polygon layer such as LSOA boundaries"
        case .noCodeField: return "name it with \(Setting.codeField)"
        case .duplicateCodes: return "dissolve them first or choose another \(Setting.codeField)"
        }
    }
}

/// A polygon layer of areas (LSOAs, wards, districts) with the code and name of each.
///
/// ```swift
/// let lsoas = try Areas.load(path: "boundaries/lsoa21_ew_bgc/lsoa21_ew_bgc.shp")
/// print(lsoas.codes.count, lsoas.vintage as Any)   // 35672 Optional(LSOA 2021)
/// ```
public struct Areas: Sendable {
    /// The layer as read.
    public private(set) var layer: FeatureLayer
    /// The file it came from.
    public private(set) var path: String
    /// Index of the code field in the layer's schema.
    public private(set) var codeField: Int
    /// Index of the name field, when there is one.
    public private(set) var nameField: Int?
    /// Area code per feature.
    public private(set) var codes: [String]
    /// Area name per feature ("" when there is no name field).
    public private(set) var names: [String]
    /// LSOA vintage told from the code field's name, when it is an LSOA layer.
    public private(set) var vintage: LSOAVintage?
    /// What the reader noticed.
    public private(set) var readReport: ReadReport

    /// Geometries per feature.
    public var geometries: [Geometry?] { layer.features.map(\.geometry) }
    /// The CRS.
    public var crs: CRS { layer.crs }
    /// Feature index by code.
    public func indexByCode() -> [String: Int] {
        var d = [String: Int](minimumCapacity: codes.count)
        for (i, c) in codes.enumerated() where d[c] == nil { d[c] = i }
        return d
    }

    /// Reads a polygon layer and finds its code and name fields: `codeField` when given,
    /// otherwise the first text field named like `…CD`/`…code`, otherwise the first text field.
    /// - Throws: reader errors, ``AreaError``.
    public static func load(path: String, codeField: String? = nil, nameField: String? = nil,
                            options: VectorReadOptions = VectorReadOptions(), projection: ProjectionContext? = nil,
                            progress: ((Int, Int) -> Void)? = nil) throws -> Areas {
        let (layer, report) = try VectorReader.read(path: path, options: options, projection: projection, progress: progress)
        return try Areas(layer: layer, path: path, codeField: codeField, nameField: nameField, readReport: report)
    }

    /// Wraps a layer already read.
    /// - Throws: ``AreaError``.
    public init(layer: FeatureLayer, path: String, codeField: String? = nil, nameField: String? = nil, readReport: ReadReport = ReadReport()) throws {
        guard layer.features.contains(where: { !($0.geometry?.polygons.isEmpty ?? true) }) else { throw AreaError.noPolygons(path: path) }
        let fields = layer.schema.fields
        let normalised = fields.map { CSVTable.normalise($0.name) }
        let code: Int
        if let codeField {
            guard let i = layer.schema.index(of: codeField) ?? normalised.firstIndex(of: CSVTable.normalise(codeField)) else {
                throw AreaError.noCodeField(path: path, fields: layer.schema.names, asked: codeField)
            }
            code = i
        } else if let i = fields.indices.first(where: { fields[$0].type == .string && (normalised[$0].hasSuffix("cd") || normalised[$0].hasSuffix("code")) }) {
            code = i
        } else if let i = fields.indices.first(where: { fields[$0].type == .string }) {
            code = i
        } else {
            throw AreaError.noCodeField(path: path, fields: layer.schema.names, asked: nil)
        }
        var name: Int?
        if let nameField {
            guard let i = layer.schema.index(of: nameField) ?? normalised.firstIndex(of: CSVTable.normalise(nameField)) else {
                throw AreaError.noCodeField(path: path, fields: layer.schema.names, asked: nameField)
            }
            name = i
        } else {
            name = fields.indices.first { $0 != code && fields[$0].type == .string && (normalised[$0].hasSuffix("nm") || normalised[$0].hasSuffix("name")) }
        }
        self.layer = layer
        self.path = path
        self.codeField = code
        self.nameField = name
        self.codes = layer.features.map { $0.values[code].text.trimmingCharacters(in: .whitespaces) }
        self.names = layer.features.map { f in name.map { f.values[$0].text } ?? "" }
        self.vintage = LSOAVintage.fromColumnName(fields[code].name)
        self.readReport = readReport
        var seen = Set<String>(), duplicates: [String] = []
        for c in codes where !c.isEmpty && !seen.insert(c).inserted { duplicates.append(c) }
        if !duplicates.isEmpty { throw AreaError.duplicateCodes(path: path, codes: Array(Set(duplicates)).sorted()) }
    }

    /// A copy in `target`, every polygon transformed with PROJ (one context per thread).
    /// - Throws: ``ConversionError`` naming the record that cannot be transformed.
    public func reprojected(to target: CRS, options: ProjectionOptions = ProjectionOptions()) throws -> Areas {
        guard target != crs else { return self }
        var copy = self
        copy.layer.features = try Converter.reproject(layer.features, from: crs, to: target, options: options, inputPath: path)
        copy.layer.crs = target
        return copy
    }

    /// A copy holding only the features at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Areas {
        var copy = self
        copy.layer.features = indices.map { layer.features[$0] }
        copy.codes = indices.map { codes[$0] }
        copy.names = indices.map { names[$0] }
        return copy
    }
}

/// Transforms points between CRSs on all cores, one PROJ context per thread.
/// - Throws: `ProjectionError`.
public func transformPoints(_ points: [Coordinate], from source: CRS, to target: CRS, gridDirectories: [String] = []) throws -> [Coordinate] {
    if source == target { return points }
    return try parallelChunks(count: points.count) { range in
        let transformer = gridDirectories.isEmpty
            ? try ThreadProjection.current().transformer(from: source, to: target)
            : try ProjectionContext(options: ProjectionOptions(gridDirectories: gridDirectories)).transformer(from: source, to: target)
        var chunk = Array(points[range])
        try transformer.transform(&chunk)
        return chunk
    }
}
