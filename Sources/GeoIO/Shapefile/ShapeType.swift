import CShapelib

/// The geometry type code of a shapefile (ESRI Shapefile Technical Description, 1998).
public enum ShapeType: Int, Sendable, Hashable, CaseIterable {
    case null = 0
    case point = 1
    case polyLine = 3
    case polygon = 5
    case multiPoint = 8
    case pointZ = 11
    case polyLineZ = 13
    case polygonZ = 15
    case multiPointZ = 18
    case pointM = 21
    case polyLineM = 23
    case polygonM = 25
    case multiPointM = 28
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
