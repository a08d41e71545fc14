import ArgumentParser
import DeprivationMap
import Foundation

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a shapefile, GeoJSON or CSV point file to GeoJSON, a shapefile or a GeoPackage.",
        discussion: """
            GeoJSON output follows RFC 7946: WGS84 longitude/latitude (EPSG:4326 unless --to-crs \
            says otherwise), exterior rings counter-clockwise, coordinates rounded to --precision \
            decimals, properties in the input's field order; the same input gives the same bytes. \
            Shapefile output keeps the input's CRS unless --to-crs is given, and is written in UTF-8. \
            GeoPackage output (.gpkg, OGC GeoPackage 1.3 through SQLite) keeps the input's CRS too: \
            one table named after the file, geometries with their envelopes, and an R-tree spatial \
            index that QGIS and GDAL use; a layer mixing single and multi geometries is written as \
            multi. A GeoPackage input is read through SQLite too: its one feature layer, or the one \
            --layer names (`info FILE.gpkg` lists them); z and m values are dropped (and said), \
            curves are refused.

            PostGIS: an input or output of postgresql://[user@]host[:port]/db?table=schema.name (or \
            postgresql:///?table=name with the standard PG* environment variables) reads or writes a \
            table; an input can be ?query=SELECT …. A table is written in one transaction (all or \
            nothing) with COPY, its geometry in the layer's SRID and a GiST index; an existing table \
            is refused unless --overwrite.

            Conditions: --where FIELD=VALUE keeps features whose field equals VALUE; also FIELD!=VALUE, \
            FIELD^=PREFIX (starts with), FIELD<N, FIELD<=N, FIELD>N, FIELD>=N. Several conditions on \
            the same field are alternatives (OR); conditions on different fields must all hold (AND).

            The output is written to a temporary file and moved into place only when complete; on \
            any error (or Ctrl-C) no output file is left behind.
            """
    )

    @Argument(help: "Input file (.shp, .geojson/.json, .csv or .gpkg) or postgresql://…?table=… address.")
    var input: String

    @Option(name: [.short, .long], help: "Output file (.geojson/.json, .shp or .gpkg) or postgresql://…?table=… address.")
    var output: String

    @Option(name: .customLong("to-crs"), help: "CRS of the output, e.g. EPSG:27700 (default: EPSG:4326 for GeoJSON, the input's CRS for shapefiles and GeoPackages).")
    var toCRS: String?

    @Flag(help: "Replace an existing PostGIS table (refused otherwise; its rows are dropped).")
    var overwrite = false

    @Option(help: "Decimal places for GeoJSON coordinates (0-15; 6 is about 10 cm).")
    var precision: Int = 6

    @Option(name: .customLong("where"), help: ArgumentHelp("Keep features matching FIELD=VALUE (repeatable; see above).", valueName: "condition"))
    var whereClauses: [String] = []

    @Option(help: ArgumentHelp("Keep only these fields, in this order: FIELD,FIELD,...", valueName: "fields"))
    var select: String?

    @Flag(help: "Repair invalid polygons with GEOS make-valid and report each repair.")
    var makeValid = false

    @Option(name: .customLong("grid-dir"), help: ArgumentHelp(
        "Extra folder searched for PROJ grids (repeatable).",
        discussion: "Put OSTN15_NTv2_OSGBtoETRS.gsb there for the sub-metre BNG transformation instead of the ~2 m Helmert fit."))
    var gridDirectories: [String] = []

    @Option(help: "Licence notice to write with the output (default: the notice of a recognised ONS/OS/NHS/Geolytix input).")
    var attribution: String?

    @OptionGroup var inputOptions: InputOptions

    @Flag(name: [.short, .long], help: "No progress display and no notes; errors are still printed.")
    var quiet = false

    func validate() throws {
        guard (0...15).contains(precision) else {
            throw ValidationError("--precision must be between 0 and 15 (6 is about 10 cm in latitude).")
        }
        if let select, select.split(separator: ",").isEmpty {
            throw ValidationError("--select needs at least one field name: --select FIELD,FIELD")
        }
    }

    func run() throws {
        InterruptHandling.install()
        let started = Date()
        let options = ConversionOptions(
            read: inputOptions.readOptions,
            targetCRS: toCRS.map { CRS(definition: $0) },
            precision: precision,
            whereClauses: try whereClauses.map(WhereClause.init(parsing:)),
            select: select.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
            makeValid: makeValid,
            projection: ProjectionOptions(gridDirectories: gridDirectories),
            attribution: attribution,
            overwrite: overwrite
        )
        let bar = ProgressBar(quiet: quiet)
        let report: ConversionReport
        do {
            report = try Converter.convert(input: input, output: output, options: options, progress: bar.callback)
        } catch {
            bar.clear()
            throw error
        }
        bar.clear()
        guard !quiet else { return }
        let seconds = String(format: "%.2f", Date().timeIntervalSince(started))
        let standard = report.isRFC7946 ? ", RFC 7946" : ""
        printError("wrote \(grouped(report.featuresWritten)) of \(grouped(report.featuresRead)) features to \(report.output) (\(report.outputFormat.rawValue), \(report.targetCRS)\(standard)) in \(seconds) s")
        for note in report.notes { printError("note: \(note)") }
    }
}
