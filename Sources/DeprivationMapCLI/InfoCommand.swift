import ArgumentParser
import DeprivationMap
import Foundation

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a shapefile, GeoJSON or CSV point file (like ogrinfo -so).",
        discussion: """
            Prints the geometry type, feature count, CRS, extent, fields with their types, and the \
            number of polygons GEOS finds invalid after shells and holes are assembled. Problems \
            the reader noticed (null geometries, holes outside every shell, skipped CSV rows) are listed.
            """
    )

    @Argument(help: "The file to describe (.shp, .geojson/.json, .csv or .gpkg; a GeoPackage's layers are listed), or postgresql://…?table=… (without ?table=, the database's tables with geometry are listed).")
    var file: String

    @OptionGroup var input: InputOptions

    @Flag(help: "Skip the GEOS validity check (faster on large files).")
    var noValidity = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Flag(help: "No progress display.")
    var quiet = false

    func run() throws {
        InterruptHandling.install()
        // A database without a table or query: its tables with geometry are the answer.
        if let source = PostGISSource(file), source.table == nil, source.query == nil {
            let tables = try PostGIS.tables(source)
            if json {
                let rows: [[String: Any]] = tables.map { ["table": $0.name, "geometry_column": $0.geometryColumn, "geometry_type": $0.geometryType,
                                                          "srid": $0.srid, "rows": $0.rows] }
                let data = try JSONSerialization.data(withJSONObject: ["address": source.display, "tables": rows], options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print("Tables with geometry in \(source.display) (\(tables.count)):")
                for t in tables { print("  \(t.name): \(t.geometryColumn) \(t.geometryType.lowercased()), SRID \(t.srid), \(grouped(t.rows)) rows") }
                print("Name one with ?table=schema.name for its details.")
            }
            return
        }
        // A GeoPackage: its feature layers first; with several and none chosen, the list is the answer.
        if (try? VectorFormat.detect(path: file)) == .geoPackage {
            let (gpkg, named) = GeoPackageReader.splitLayer(file)
            let layers = try GeoPackageReader.layers(path: gpkg)
            if !json {
                print("Layers (\(layers.count)):")
                for l in layers { print("  \(l.name): \(l.geometryType.lowercased()), \(l.features) features, SRS \(l.srsID)") }
            }
            if input.layer == nil && named == nil && layers.count > 1 {
                if json {
                    let data = try JSONSerialization.data(withJSONObject: ["path": file, "layers": layers.map(\.name)], options: [.sortedKeys])
                    print(String(decoding: data, as: UTF8.self))
                }
                else { print("Choose one with --layer NAME (or FILE.gpkg|layername=NAME) for its details.") }
                return
            }
        }
        let bar = ProgressBar(quiet: quiet)
        let callback = bar.callback
        let summary = try LayerInspector.summarize(path: file, options: input.readOptions, checkValidity: !noValidity) { done, total in
            callback?(ProgressEvent(stage: "reading", done: done, total: total))
        }
        bar.clear()
        print(json ? InfoFormatter.json(summary) : InfoFormatter.text(summary), terminator: "")
    }
}

/// Formats a ``LayerSummary`` as text or JSON.
enum InfoFormatter {
    static func text(_ s: LayerSummary) -> String {
        let decimals = s.crs.isGeographic ? 6 : 3
        func f(_ v: Double) -> String { String(format: "%.\(decimals)f", v) }
        var lines: [String] = []
        lines.append("File: \(s.path)")
        lines.append("Format: \(s.format.rawValue)")
        lines.append("Layer: \(s.layerName)")
        lines.append("Geometry: \(s.geometryTypeDescription)")
        lines.append("Feature count: \(s.featureCount)")
        if s.nullGeometries > 0 { lines.append("Features without geometry: \(s.nullGeometries)") }
        lines.append("Vertices: \(s.vertexCount)")
        lines.append("CRS: \(s.crs) [\(s.readReport.crsSource)]")
        if s.extent.isEmpty {
            lines.append("Extent: none")
        } else {
            lines.append("Extent: (\(f(s.extent.minX)), \(f(s.extent.minY))) - (\(f(s.extent.maxX)), \(f(s.extent.maxY)))")
        }
        if let encoding = s.readReport.encoding { lines.append("Encoding: \(encoding)") }
        let polygonal = (s.geometryCounts[.polygon] ?? 0) + (s.geometryCounts[.multiPolygon] ?? 0)
        if polygonal == 0 {
            lines.append("Invalid geometries: n/a (no polygons)")
        } else if let invalid = s.invalid {
            lines.append("Invalid geometries: \(invalid.count) (GEOS, after shell/hole assembly)")
            for item in invalid.prefix(20) {
                lines.append("  record \(item.record)\(item.label.map { " (\($0))" } ?? ""): \(item.validity)")
            }
            if invalid.count > 20 { lines.append("  … \(invalid.count - 20) more") }
        } else {
            lines.append("Invalid geometries: not checked")
        }
        lines.append("Fields:")
        for field in s.fields { lines.append("  \(field)") }
        for note in s.readReport.notes { lines.append("Note: \(note)") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ s: LayerSummary) -> String {
        var object: [String: Any] = [
            "file": s.path,
            "format": s.format.rawValue,
            "layer": s.layerName,
            "geometryType": s.geometryTypeDescription,
            "geometryCounts": Dictionary(uniqueKeysWithValues: s.geometryCounts.map { ($0.key.rawValue, $0.value) }),
            "featureCount": s.featureCount,
            "nullGeometries": s.nullGeometries,
            "vertexCount": s.vertexCount,
            "crs": ["definition": s.crs.definition, "epsg": s.crs.epsg as Any, "name": s.crs.name as Any, "source": s.readReport.crsSource],
            "fields": s.fields.map { ["name": $0.name, "type": $0.type.rawValue, "width": $0.width as Any, "decimals": $0.decimals as Any] },
            "notes": s.readReport.notes,
        ]
        if !s.extent.isEmpty { object["extent"] = [s.extent.minX, s.extent.minY, s.extent.maxX, s.extent.maxY] }
        if let encoding = s.readReport.encoding { object["encoding"] = encoding }
        if let invalid = s.invalid {
            object["invalidCount"] = invalid.count
            object["invalid"] = invalid.map { ["record": $0.record, "label": $0.label as Any, "reason": $0.validity.reason as Any] }
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
