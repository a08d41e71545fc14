import GeoCore

/// Why a GEOS operation failed.
///
/// Two kinds, as in GEOSwift: the library itself failed (`libraryFailure`, with the message GEOS
/// gave), or the input cannot be represented (`invalidInput`).
public enum GEOSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// GEOS could not create its context.
    case contextCreationFailed
    /// A GEOS call returned its failure value; `message` is what GEOS reported.
    case libraryFailure(operation: String, message: String)
    /// The geometry cannot be built (for example a ring with fewer than 4 coordinates).
    case invalidInput(String)
    /// GEOS returned a geometry type DeprivationMap does not represent.
    case unsupportedResult(typeName: String)

    public var description: String {
        switch self {
        case .contextCreationFailed:
            return "GEOS could not create a context; check that libgeos-c is installed (apt-get install libgeos-dev)."
        case .libraryFailure(let operation, let message):
            return "GEOS failed in \(operation): \(message)"
        case .invalidInput(let message):
            return "invalid geometry: \(message)"
        case .unsupportedResult(let typeName):
            return "GEOS returned a \(typeName), which cannot be represented here"
        }
    }
}
