import ArgumentParser
import DeprivationMap

@main
struct DeprivationMapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deprivation-map",
        abstract: "Map deprivation and access to services across England.",
        discussion: """
            Reads boundary and point files (shapefile, GeoJSON, CSV), checks and repairs their \
            geometry with GEOS, reprojects with PROJ, and writes RFC 7946 GeoJSON for QGIS and web maps.

            Data built from ONS, OS, NHS or Geolytix files carries their licence notice \
            (GeoJSON "attribution" member).

            Hostile input is refused, never obeyed: no command writes over one of its inputs (however \
            the path is spelled), a command's outputs appear together or not at all, and a compressed \
            file may expand to at most 1 GiB, and past 64 MiB to 200 times its size (raise with \
            DEPRIVATION_MAP_MAX_DECOMPRESSED=4G and DEPRIVATION_MAP_MAX_COMPRESSION_RATIO=1000).
            """,
        version: "0.1.0",
        subcommands: [ReportCommand.self, DataCommand.self, InfoCommand.self, ConvertCommand.self, AssignCommand.self, MapCommand.self, AccessCommand.self, JourneyTimesCommand.self, CatchmentsCommand.self, GapCommand.self, SIICommand.self, SummariesCommand.self, FoodVanCommand.self]
    )

    /// Runs the command; library errors that carry advice are worded with this tool's flags.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as any AdvisedError {
            exit(withError: WordedError(description: Wording.error(error)))
        } catch {
            exit(withError: error)
        }
    }
}
