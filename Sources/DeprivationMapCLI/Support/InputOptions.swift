import ArgumentParser
import DeprivationMap

/// Options that say how to read an input file.
struct InputOptions: ParsableArguments {
    @Option(name: .customLong("crs"), help: ArgumentHelp(
        "CRS of the input, e.g. EPSG:27700 or EPSG:4326.",
        discussion: "Required for a shapefile without .prj and for CSV coordinate columns whose names do not tell; overrides the file otherwise."))
    var crs: String?

    @Option(help: ArgumentHelp("Text encoding of a .dbf or CSV: UTF-8, ISO-8859-1 or Windows-1252.",
                               discussion: "Overrides the .cpg file and the DBF language driver."))
    var encoding: String?

    @Option(name: .customLong("x"), help: "CSV column holding longitude or easting (recognised from the header when omitted).")
    var xColumn: String?

    @Option(name: .customLong("y"), help: "CSV column holding latitude or northing (recognised from the header when omitted).")
    var yColumn: String?

    @Option(help: "CSV field separator (one character, or 'tab'); detected from the header when omitted.")
    var delimiter: String?

    @Option(help: ArgumentHelp("The layer of a GeoPackage to read (`info FILE.gpkg` lists them); needed when it has several.", valueName: "name"))
    var layer: String?

    func validate() throws {
        if let encoding, TextEncoding(codePage: encoding) == nil {
            throw ValidationError("unknown encoding '\(encoding)'; use UTF-8, ISO-8859-1 or Windows-1252.")
        }
        if (xColumn == nil) != (yColumn == nil) {
            throw ValidationError("give both --x and --y, or neither.")
        }
        if let delimiter, delimiter != "tab", delimiter.utf8.count != 1 {
            throw ValidationError("--delimiter takes one character (or 'tab'), not '\(delimiter)'.")
        }
    }

    var readOptions: VectorReadOptions {
        var csv = CSVPointOptions(xColumn: xColumn, yColumn: yColumn)
        if let delimiter { csv.delimiter = delimiter == "tab" ? 0x09 : delimiter.utf8.first }
        return VectorReadOptions(crs: crs.map { CRS(definition: $0) },
                                 encoding: encoding.flatMap { TextEncoding(codePage: $0) },
                                 csv: csv, layer: layer)
    }
}
