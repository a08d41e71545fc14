import DeprivationMap
import Foundation
import TestSupport
import Testing

@Suite("Conversion pipeline")
struct ConverterTests {
    let mse = TestData.packagePath("GeoData/lsoa11_bsc_mse_bng.shp")

    @Test("--where on one field is OR, on different fields AND; --select orders fields")
    func whereAndSelect() throws {
        let dir = try TemporaryDirectory()
        let out = dir.path("w.geojson")
        let clauses = try ["LSOA11NM^=Maldon ", "LSOA11NM^=Rochford ", "BNG_N>190000"].map(WhereClause.init(parsing:))
        let report = try Converter.convert(input: mse, output: out, options: ConversionOptions(whereClauses: clauses, select: ["LSOA11NM", "LSOA11CD"]))
        let (layer, _) = try GeoJSONReader.read(path: out)
        #expect(layer.schema.names == ["LSOA11NM", "LSOA11CD"])
        #expect(report.featuresWritten == layer.features.count)
        #expect(layer.features.allSatisfy { f in
            let name = f.values[0].text
            return name.hasPrefix("Maldon ") || name.hasPrefix("Rochford ")
        })
        // Cross-check the count against an independent filter of the source.
        let source = try ShapefileReader(path: mse).readAll()
        let nm = source.schema.index(of: "LSOA11NM")!, n = source.schema.index(of: "BNG_N")!
        let expected = source.features.filter {
            ($0.values[nm].text.hasPrefix("Maldon ") || $0.values[nm].text.hasPrefix("Rochford ")) && ($0.values[n].number ?? 0) > 190000
        }.count
        #expect(expected > 0 && layer.features.count == expected)
        #expect(report.attribution == DataAttribution.onsBoundaries.notice)
    }

    @Test("A condition that matches nothing is an error with example values, and writes nothing")
    func noMatch() throws {
        let dir = try TemporaryDirectory()
        do {
            _ = try Converter.convert(input: mse, output: dir.path("n.geojson"),
                                      options: ConversionOptions(whereClauses: [try WhereClause(parsing: "LSOA11NM^=Southend ")]))
            Issue.record("expected an error")
        } catch let error as FilterError {
            guard case .noMatch(_, let examples) = error else { Issue.record("wrong error \(error)"); return }
            #expect(examples["LSOA11NM"]?.isEmpty == false)
        }
        #expect(dir.contents().isEmpty)
    }

    @Test("Unknown fields suggest the closest name")
    func unknownField() throws {
        let dir = try TemporaryDirectory()
        #expect(throws: FilterError.unknownField(name: "LSOA11CDX", available: ["LSOA11CD", "LSOA11NM", "BNG_E", "BNG_N", "LONG", "LAT"], suggestion: "LSOA11CD")) {
            _ = try Converter.convert(input: mse, output: dir.path("u.geojson"), options: ConversionOptions(select: ["LSOA11CDX"]))
        }
        #expect(throws: FilterError.badClause("LSOA11CD")) { _ = try WhereClause(parsing: "LSOA11CD") }
    }

    @Test("Writing over the input is refused")
    func overwriteInput() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: mse, toPath: dir.path("a.shp"))
        for ext in ["shx", "dbf", "prj", "cpg"] {
            try FileManager.default.copyItem(atPath: String(mse.dropLast(3)) + ext, toPath: dir.path("a." + ext))
        }
        #expect(throws: OutputError.overwritesInput(path: dir.path("a.dbf"), input: dir.path("a.shp"))) {
            _ = try Converter.convert(input: dir.path("a.shp"), output: dir.path("a.dbf"))
        }
    }

    @Test("Parallel reprojection gives exactly what one thread gives")
    func parallelMatchesSerial() throws {
        let layer = try ShapefileReader(path: mse).readAll()
        let parallel = try Converter.reproject(layer.features, from: layer.crs, to: .wgs84, options: ProjectionOptions(), inputPath: mse)
        let t = try ProjectionContext().transformer(from: layer.crs, to: .wgs84)
        let serial = try layer.features.map { Feature(geometry: try t.transform($0.geometry!), values: $0.values) }
        #expect(parallel == serial)
    }

    @Test("--make-valid repairs a bow-tie and reports it; valid polygons pass untouched")
    func makeValid() throws {
        let dir = try TemporaryDirectory()
        // Synthetic shapes placed in Essex (E 580,000 N 190,000), where BNG coordinates are plausible.
        let bowtie = [Coordinate(x: 580_000, y: 190_000), Coordinate(x: 580_000, y: 190_010), Coordinate(x: 580_010, y: 190_000),
                      Coordinate(x: 580_010, y: 190_010), Coordinate(x: 580_000, y: 190_000)]
        try ShapefileFixture.write(base: dir.path("b"), shapeType: 5, records: [[ShapefileFixture.square(580_020, 190_020, 1)], [bowtie]], prj: nil)
        let report = try Converter.convert(input: dir.path("b.shp"), output: dir.path("b.geojson"),
                                           options: ConversionOptions(read: VectorReadOptions(crs: .britishNationalGrid),
                                                                      targetCRS: .britishNationalGrid, makeValid: true))
        #expect(report.repairs.map(\.record) == [2])
        #expect(report.repairs.first?.report.kindAfter == .multiPolygon)
        // After a filter, repairs still name the record in the input.
        let filtered = try Converter.convert(input: dir.path("b.shp"), output: dir.path("f.geojson"),
                                             options: ConversionOptions(read: VectorReadOptions(crs: .britishNationalGrid), targetCRS: .britishNationalGrid,
                                                                        whereClauses: [try WhereClause(parsing: "ID=2")], makeValid: true))
        #expect(filtered.featuresWritten == 1 && filtered.repairs.map(\.record) == [2])
        let (layer, _) = try GeoJSONReader.read(path: dir.path("b.geojson"))
        #expect(try LayerInspector.invalidFeatures(in: layer).isEmpty)
        #expect(layer.features[1].geometry?.planarArea == 50)
    }

    @Test("A CSV with both kinds of columns is read as lon/lat for GeoJSON, as eastings/northings for a BNG shapefile")
    func csvColumnChoice() throws {
        let dir = try TemporaryDirectory()
        let csv = dir.path("c.csv")
        try "id,longitude,latitude,easting,northing\n1,-0.0967729486154735,51.51800736858096,532151.2,181615.2\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let geo = try Converter.convert(input: csv, output: dir.path("c.geojson"))
        #expect(geo.sourceCRS == .wgs84 && geo.operation == nil)
        let bng = try Converter.convert(input: csv, output: dir.path("c.shp"), options: ConversionOptions(targetCRS: .britishNationalGrid))
        #expect(bng.sourceCRS == .britishNationalGrid && bng.operation == nil)
    }
}

/// GeoData/ must be what scripts/make-geodata produces from the national file.
@Suite("Shipped GeoData")
struct GeoDataTests {
    static let districts = ["Basildon", "Braintree", "Brentwood", "Castle Point", "Chelmsford", "Maldon", "Rochford", "Southend-on-Sea", "Thurrock"]

    @Test("GeoData/lsoa11_bsc_mse_bng regenerates record for record from lsoa11_ew_bsc (705 LSOAs, R4)")
    func regenerates() throws {
        let dir = try TemporaryDirectory()
        let clauses = try Self.districts.map { try WhereClause(parsing: "LSOA11NM^=\($0) ") }
        let report = try Converter.convert(input: TestData.path("boundaries/lsoa11_ew_bsc/lsoa11_ew_bsc_v3.shp"), output: dir.path("mse.shp"),
                                           options: ConversionOptions(targetCRS: .britishNationalGrid, whereClauses: clauses))
        #expect(report.featuresWritten == 705)
        let fresh = try ShapefileReader(path: dir.path("mse.shp")).readAll()
        let shipped = try ShapefileReader(path: TestData.packagePath("GeoData/lsoa11_bsc_mse_bng.shp")).readAll()
        #expect(shipped.crs == .britishNationalGrid)
        #expect(shipped.schema == fresh.schema)
        #expect(shipped.features == fresh.features)
    }
}
