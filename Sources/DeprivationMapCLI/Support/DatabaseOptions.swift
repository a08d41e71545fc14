import ArgumentParser
import DeprivationMap
import Foundation

/// `--postgis ADDRESS` and `--overwrite`: a command's layers also written to PostGIS tables named
/// after the address's table, in one transaction committed just before the files are put in place
/// (a refused table leaves no file either).
struct DatabaseOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Also write the layers to PostGIS: postgresql://…?table=schema.name (or postgresql:///?table=… with the PG* variables); one transaction, an existing table refused unless --overwrite.", valueName: "address"))
    var postgis: String?

    @Flag(help: "Replace PostGIS tables that already exist (their rows are dropped).")
    var overwrite = false

    @Option(name: .customLong("postgis-crs"), help: ArgumentHelp("CRS of the PostGIS tables, e.g. EPSG:27700 for metres (default: the layers' own, that of the areas).", valueName: "crs"))
    var postgisCRS: String?

    func validate() throws {
        if let postgis, PostGIS.Destination(postgis) == nil {
            throw ValidationError("--postgis takes postgresql://…?table=schema.name (a table to write, not a query); got '\(postgis)'.")
        }
        if (overwrite || postgisCRS != nil) && postgis == nil { throw ValidationError("--overwrite and --postgis-crs are for PostGIS tables; give --postgis too.") }
    }

    /// The destination, when one was given.
    var destination: PostGIS.Destination? {
        postgis.flatMap { PostGIS.Destination($0, overwrite: overwrite, crs: postgisCRS.map { CRS(definition: $0) }) }
    }

    /// Refuses, before any work, to write a table that an input reads (`suffixes`: the tables
    /// the command will write, `nil` for the base table).
    func check(_ suffixes: [String?], inputs: [String?]) throws {
        try destination?.check(tables: suffixes, inputs: inputs)
    }

    /// Writes `layers` when a destination was given; refuses a table an input reads. Returns the
    /// sentence for the summary line ("" without a destination).
    func write(_ layers: [(suffix: String?, layer: FeatureLayer)], inputs: [String?]) throws -> String {
        guard let destination else { return "" }
        try destination.check(tables: layers.map(\.suffix), inputs: inputs)
        let written = try destination.writeLayers(layers)
        return ", PostGIS " + written.map { "\($0.table) (\(grouped($0.rows)) rows)" }.joined(separator: ", ")
    }
}
