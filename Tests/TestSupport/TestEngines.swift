import DeprivationMap
import Foundation

/// Locates the routing engines that tests drive (installed by `scripts/engines`, which
/// `scripts/test` and `.ci/run` call). A missing engine is a test failure, never a skip.
public enum TestEngines {
    /// `$DEPRIVATION_MAP_ENGINES` when set, otherwise `.engines/` in the package.
    public static let folder: String = {
        if let env = ProcessInfo.processInfo.environment["DEPRIVATION_MAP_ENGINES"], !env.isEmpty { return env }
        return TestData.packageRoot.appendingPathComponent(".engines").path
    }()

    /// The OSRM the tests use.
    public static func osrm() throws -> OSRMEngine { try OSRMEngine.locate(in: [folder]) }

    /// The real OpenStreetMap extract of central Helsinki in the data mirror (ODbL).
    public static func helsinki() throws -> String { try TestData.path("networks/helsinki.osm.pbf") }
}
