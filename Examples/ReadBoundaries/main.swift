// Example: the Mid and South Essex LSOA boundaries shipped in GeoData/, through the library API.
//
//     swift run ReadBoundariesExample [OUTPUT.geojson]
//
// Reads the shapefile (EPSG:27700), checks every polygon with GEOS, sums areas by district,
// finds the LSOA that contains a point, and writes Southend-on-Sea's LSOAs as RFC 7946 GeoJSON.
import DeprivationMap
import Foundation

let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let input = package.appendingPathComponent("GeoData/lsoa11_bsc_mse_bng.shp").path
let output = CommandLine.arguments.dropFirst().first ?? FileManager.default.temporaryDirectory.appendingPathComponent("southend_lsoa11.geojson").path

do {
    // 1. Read the whole layer. The CRS comes from the .prj.
    let reader = try ShapefileReader(path: input)
    let layer = try reader.readAll()
    print("\(layer.features.count) LSOAs in \(layer.crs)")

    // 2. Validity with GEOS, and area by district (metres², since the layer is in BNG).
    let engine = try GeometryEngine()
    var invalid = 0
    var areaByDistrict: [String: Double] = [:]
    let nameField = layer.schema.index(of: "LSOA11NM")!
    for feature in layer.features {
        guard let geometry = feature.geometry else { continue }
        if try !engine.validity(of: geometry).isValid { invalid += 1 }
        // "Southend-on-Sea 003A" → "Southend-on-Sea"
        let district = feature.values[nameField].text.split(separator: " ").dropLast().joined(separator: " ")
        areaByDistrict[district, default: 0] += try engine.area(geometry)
    }
    print("invalid polygons: \(invalid)")
    for (district, m2) in areaByDistrict.sorted(by: { $0.key < $1.key }) {
        print(String(format: "  %-16@ %8.1f km²", district as NSString, m2 / 1e6))
    }

    // 3. Which LSOA holds Southend Pier's landward end? (WGS84 → BNG, then an STRtree query.)
    let context = try ProjectionContext()
    let pier = try context.transformer(from: .wgs84, to: .britishNationalGrid).transform(Coordinate(x: 0.7163, y: 51.5343))
    let index = try SpatialIndex(engine: engine, geometries: layer.features.map { $0.geometry! })
    if let hit = try index.containing(pier).first {
        print("Southend Pier is in \(layer.features[hit].values[nameField].text)")
    }

    // 4. Southend-on-Sea's LSOAs as RFC 7946 GeoJSON (reprojected to WGS84, with the ONS notice).
    let report = try Converter.convert(input: input, output: output, options: ConversionOptions(
        whereClauses: [try WhereClause(parsing: "LSOA11NM^=Southend-on-Sea ")]))
    print("wrote \(report.featuresWritten) features to \(output)")
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
