import GeoCore

/// Why a coordinate reference system or transformation could not be used.
public enum ProjectionError: Error, Sendable, Equatable, AdvisedError {
    /// PROJ could not create its context (out of memory, or a broken PROJ installation).
    case contextCreationFailed
    /// PROJ does not understand `definition`.
    case unknownCRS(definition: String, reason: String)
    /// No coordinate operation exists between the two CRSs.
    case noTransformation(source: String, target: String, reason: String)
    /// A coordinate could not be transformed (outside the area of use, or NaN).
    case transformFailed(source: String, target: String, coordinate: Coordinate, reason: String)
    /// A grid directory given by the user does not exist.
    case gridDirectoryMissing(path: String)

    public var problem: String {
        switch self {
        case .contextCreationFailed:
            return "PROJ could not create a context. Check that libproj and proj-data are installed (apt-get install libproj-dev proj-data)."
        case .unknownCRS(let definition, let reason):
            return "unknown coordinate reference system '\(definition)': \(reason.withoutFinalStop). Give an EPSG code such as EPSG:27700 or EPSG:4326, or a WKT definition."
        case .noTransformation(let s, let t, let reason):
            return "PROJ has no transformation from \(s) to \(t): \(reason.withoutFinalStop)."
        case .transformFailed(let s, let t, let c, let reason):
            return "coordinate (\(c.x), \(c.y)) could not be transformed from \(s) to \(t): \(reason.withoutFinalStop)."
        case .gridDirectoryMissing(let path):
            return "grid directory '\(path)' does not exist. Pass the folder that holds the grid file (for example OSTN15_NTv2_OSGBtoETRS.gsb)."
        }
    }

    public var advice: Advice? {
        switch self {
        case .transformFailed: return "check that the data really is in that CRS, or declare \(Setting.crs) to override the file's"
        default: return nil
        }
    }
}
