import CShapelib

/// The geometry type code of a shapefile (ESRI Shapefile Technical Description, 1998).
public enum ShapeType: Int, Sendable, Hashable, CaseIterable {
    /// No geometry.
    case null = 0
    /// One point.
    case point = 1
    /// Lines of one or more parts.
    case polyLine = 3
    /// Rings: clockwise shells, counter-clockwise holes.
    case polygon = 5
    /// Several points.
    case multiPoint = 8
    /// A point with z (and m); read as 2D.
    case pointZ = 11
    /// Lines with z (and m); read as 2D.
    case polyLineZ = 13
    /// Rings with z (and m); read as 2D.
    case polygonZ = 15
    /// Points with z (and m); read as 2D.
    case multiPointZ = 18
    /// A point with a measure; read as 2D.
    case pointM = 21
    /// Lines with measures; read as 2D.
    case polyLineM = 23
    /// Rings with measures; read as 2D.
    case polygonM = 25
    /// Points with measures; read as 2D.
    case multiPointM = 28
    /// 3D surfaces; not supported.
    case multiPatch = 31

    /// The 2D type that a Z or M type is read as (`polygonZ` → `polygon`).
    public var planar: ShapeType {
        switch self {
        case .pointZ, .pointM: return .point
        case .polyLineZ, .polyLineM: return .polyLine
        case .polygonZ, .polygonM: return .polygon
        case .multiPointZ, .multiPointM: return .multiPoint
        default: return self
        }
    }

    /// `true` for the types DeprivationMap reads (all but MultiPatch).
    public var isSupported: Bool { self != .multiPatch }

    /// shapelib's name for the type ("Polygon", "PolygonZ", …).
    public var name: String { String(cString: SHPTypeName(Int32(rawValue))) }
}
