import Foundation
import GeoCore
import GeoIO
import TestSupport
import Testing

/// Writes `layer` to GeoJSON in a temporary folder and returns the text.
private func geoJSONText(_ layer: FeatureLayer, options: GeoJSONWriteOptions = GeoJSONWriteOptions(), in dir: TemporaryDirectory,
                         name: String = "out.geojson") throws -> String {
    let path = dir.path(name)
    let writer = try GeoJSONWriter(path: path, schema: layer.schema, options: options)
    for f in layer.features { try writer.write(f) }
    try writer.finish()
    return try String(contentsOfFile: path, encoding: .utf8)
}

private func point(_ x: Double, _ y: Double) -> Feature { Feature(geometry: .point(Coordinate(x: x, y: y))) }

@Suite("GeoJSON writer")
struct GeoJSONWriterTests {
    @Test("Coordinates are rounded exactly as printf(\"%.6f\") would, then trailing zeros dropped")
    func roundingMatchesPrintf() throws {
        var generator = SystemRandomNumberGenerator()
        var failures = 0
        for i in 0..<400_000 {
            let precision = i % 8
            let v: Double
            switch i % 4 {
            case 0: v = Double.random(in: -180...180, using: &generator)
            case 1: v = Double.random(in: 0...700_000, using: &generator)
            case 2: v = (Double(Int.random(in: -2_000_000...2_000_000, using: &generator)) + 0.5) / pow(10, Double(precision)) // decimal ties
            default: v = Double(Int.random(in: -100_000...100_000, using: &generator)) / 1000
            }
            let dir = String(format: "%.\(precision)f", v)
            var expected = dir
            if expected.contains(".") {
                while expected.hasSuffix("0") { expected.removeLast() }
                if expected.hasSuffix(".") { expected.removeLast() }
            }
            if expected == "-0" { expected = "0" }
            if formatted(v, precision: precision) != expected {
                failures += 1
                if failures < 5 { Issue.record("\(v) at \(precision): got \(formatted(v, precision: precision)), printf \(expected)") }
            }
        }
        #expect(failures == 0)
    }

    private func formatted(_ v: Double, precision: Int) -> String {
        GeoJSONWriter.formatCoordinate(v, precision: precision)
    }

    @Test("Small cases: trailing zeros, negative zero, whole numbers")
    func smallCases() {
        #expect(GeoJSONWriter.formatCoordinate(51.5, precision: 6) == "51.5")
        #expect(GeoJSONWriter.formatCoordinate(52, precision: 6) == "52")
        #expect(GeoJSONWriter.formatCoordinate(-0.0000001, precision: 6) == "0")
        #expect(GeoJSONWriter.formatCoordinate(-0.1276, precision: 6) == "-0.1276")
        #expect(GeoJSONWriter.formatCoordinate(0.000001, precision: 6) == "0.000001")
        #expect(GeoJSONWriter.formatCoordinate(530043.1951, precision: 3) == "530043.195")
    }

    @Test("Polygon exteriors come out counter-clockwise and holes clockwise, whatever went in")
    func orientation() throws {
        let dir = try TemporaryDirectory()
        let cwShell = LinearRing(ShapefileFixture.square(0, 0, 10, clockwise: true))
        let ccwHole = LinearRing(ShapefileFixture.square(2, 2, 2, clockwise: false))
        let layer = FeatureLayer(name: "o", crs: .wgs84, schema: Schema(),
                                 features: [Feature(geometry: .polygon(Polygon(exterior: cwShell, holes: [ccwHole])))])
        let text = try geoJSONText(layer, in: dir)
        #expect(text.contains(#""coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[2,4],[4,4],[4,2],[2,2]]]"#))
    }

    @Test("Exact document: header, property order and types, escapes, null geometry, attribution")
    func exactDocument() throws {
        let dir = try TemporaryDirectory()
        let schema = Schema([FieldDefinition(name: "name", type: .string), FieldDefinition(name: "pop", type: .integer),
                             FieldDefinition(name: "score", type: .real), FieldDefinition(name: "core20", type: .boolean),
                             FieldDefinition(name: "day", type: .date), FieldDefinition(name: "note", type: .string)])
        let features = [
            Feature(geometry: .point(Coordinate(x: -0.1276, y: 51.5072)),
                    values: [.string("Ynys Môn \"quoted\"\n\\"), .integer(1523), .real(0.1), .boolean(true),
                             .date(DateValue(year: 2025, month: 4, day: 1)!), .null]),
            Feature(geometry: nil, values: [.string("tab\there"), .integer(-1), .real(.nan), .boolean(false), .null, .string("\u{01}")]),
        ]
        let text = try geoJSONText(FeatureLayer(name: "t", crs: .wgs84, schema: schema, features: features),
                                   options: GeoJSONWriteOptions(name: "t", attribution: "© x"), in: dir)
        let expected = """
            {"type":"FeatureCollection","name":"t","attribution":"© x","features":[
            {"type":"Feature","properties":{"name":"Ynys Môn \\"quoted\\"\\n\\\\","pop":1523,"score":0.1,"core20":true,"day":"2025-04-01","note":null},"geometry":{"type":"Point","coordinates":[-0.1276,51.5072]}},
            {"type":"Feature","properties":{"name":"tab\\there","pop":-1,"score":null,"core20":false,"day":null,"note":"\\u0001"},"geometry":null}
            ]}

            """
        #expect(text == expected)
        // And Python's json module (an independent parser) reads it.
        let check = try CLI.runTool("/usr/bin/python3", ["-c", "import json,sys; d=json.load(open(sys.argv[1])); print(d['features'][0]['properties']['name'])", dir.path("out.geojson")])
        #expect(check.status == 0)
        #expect(check.stdout == "Ynys Môn \"quoted\"\n\\\n")
    }

    @Test("Identical input gives byte-identical output")
    func deterministic() throws {
        let dir = try TemporaryDirectory()
        let layer = try ShapefileReader(path: TestData.packagePath("GeoData/lsoa11_bsc_mse_bng.shp")).readAll()
        let a = try geoJSONText(layer, options: GeoJSONWriteOptions(crs: .britishNationalGrid), in: dir, name: "a.geojson")
        let b = try geoJSONText(layer, options: GeoJSONWriteOptions(crs: .britishNationalGrid), in: dir, name: "b.geojson")
        #expect(a == b)
        #expect(a.contains(#""crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}}"#))
    }

    @Test("Batches formatted on all cores give the same bytes as one feature at a time")
    func batchMatchesSingle() throws {
        let dir = try TemporaryDirectory()
        var layer = try ShapefileReader(path: TestData.packagePath("GeoData/lsoa11_bsc_mse_bng.shp")).readAll()
        // Enough features for several batches and uneven chunks.
        layer.features = Array(repeating: layer.features, count: 25).flatMap { $0 }
        let single = try geoJSONText(layer, options: GeoJSONWriteOptions(crs: .britishNationalGrid), in: dir, name: "one.geojson")
        let writer = try GeoJSONWriter(path: dir.path("batch.geojson"), schema: layer.schema, options: GeoJSONWriteOptions(crs: .britishNationalGrid))
        var reported: [Int] = []
        try writer.write(contentsOf: layer.features) { reported.append($0) }
        try writer.finish()
        #expect(try String(contentsOfFile: dir.path("batch.geojson"), encoding: .utf8) == single)
        #expect(reported.last == layer.features.count && reported.count == 3)
    }

    @Test("A bad coordinate in a batch names its feature")
    func batchError() throws {
        let dir = try TemporaryDirectory()
        let features = (0..<10_000).map { point(0.001 * Double($0 % 100), 51) } + [point(587846, 186475)]
        let writer = try GeoJSONWriter(path: dir.path("b.geojson"), schema: Schema())
        #expect(throws: GeoJSONWriteError.badCoordinate(path: dir.path("b.geojson"), feature: 10_001, x: 587846, y: 186475)) {
            try writer.write(contentsOf: features)
        }
    }

    @Test("RFC 7946 output refuses coordinates that are not longitude/latitude, and leaves no file")
    func projectedCoordinatesRefused() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("bad.geojson")
        let writer = try GeoJSONWriter(path: path, schema: Schema())
        try writer.write(point(0.7, 51.5))
        #expect(throws: GeoJSONWriteError.badCoordinate(path: path, feature: 2, x: 587846, y: 186475)) {
            try writer.write(point(587846, 186475))
        }
        writer.abandon()
        #expect(dir.contents().isEmpty)
    }

    @Test("A writer dropped before finish() leaves nothing at the path")
    func droppedWriter() throws {
        let dir = try TemporaryDirectory()
        do {
            let writer = try GeoJSONWriter(path: dir.path("x.geojson"), schema: Schema())
            try writer.write(point(1, 1))
        }
        #expect(dir.contents().isEmpty)
    }

    @Test("Precision outside 0–15 is refused")
    func badPrecision() throws {
        let dir = try TemporaryDirectory()
        #expect(throws: GeoJSONWriteError.badPrecision(16)) {
            _ = try GeoJSONWriter(path: dir.path("p.geojson"), schema: Schema(), options: GeoJSONWriteOptions(precision: 16))
        }
    }

    @Test("A missing output folder is a clear error")
    func missingFolder() {
        #expect(throws: OutputError.directoryMissing(path: "/nonexistent-folder/x.geojson")) {
            _ = try GeoJSONWriter(path: "/nonexistent-folder/x.geojson", schema: Schema())
        }
    }
}

@Suite("GeoJSON reader")
struct GeoJSONReaderTests {
    private func read(_ text: String, options: GeoJSONReadOptions = GeoJSONReadOptions()) throws -> (FeatureLayer, ReadReport) {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { try GeoJSONReader.read(bytes: $0, source: "test.geojson", layerName: "test", options: options) }
    }

    @Test("What the writer writes, the reader reads back exactly (at full precision)")
    func roundTrip() throws {
        let dir = try TemporaryDirectory()
        let layer = try ShapefileReader(path: TestData.packagePath("GeoData/lsoa11_bsc_mse_bng.shp")).readAll()
        _ = try geoJSONText(layer, options: GeoJSONWriteOptions(precision: 15, crs: .britishNationalGrid), in: dir)
        let (back, _) = try GeoJSONReader.read(path: dir.path("out.geojson"))
        #expect(back.crs == .britishNationalGrid)
        #expect(back.schema.fields.map(\.type) == [.string, .string, .integer, .integer, .real, .real])
        #expect(back.features.map(\.values) == layer.features.map(\.values))
        for (a, b) in zip(back.features, layer.features) {
            let expected = b.geometry!.orientedPolygons(exteriorCounterClockwise: true)
            var maxError = 0.0
            var coords: [Coordinate] = []
            a.geometry!.forEachCoordinate { coords.append($0) }
            var k = 0
            expected.forEachCoordinate { c in
                maxError = max(maxError, abs(c.x - coords[k].x), abs(c.y - coords[k].y))
                k += 1
            }
            #expect(maxError < 1e-9)
        }
    }

    @Test("Types are inferred over all features; ids and nested values are kept")
    func typeInference() throws {
        let (layer, report) = try read("""
            {"type":"FeatureCollection","features":[
             {"type":"Feature","id":7,"properties":{"a":1,"b":1,"c":"x","d":true,"e":{"k":[1,2]}},"geometry":{"type":"Point","coordinates":[1,2,3]}},
             {"type":"Feature","properties":{"a":2,"b":2.5,"c":null,"d":false,"e":null,"f":"late"},"geometry":null}]}
            """)
        #expect(layer.schema.names == ["id", "a", "b", "c", "d", "e", "f"])
        #expect(layer.schema.fields.map(\.type) == [.integer, .integer, .real, .string, .boolean, .string, .string])
        #expect(layer.features[0].values == [.integer(7), .integer(1), .real(1), .string("x"), .boolean(true), .string(#"{"k":[1,2]}"#), .null])
        #expect(layer.features[0].geometry == .point(Coordinate(x: 1, y: 2)))
        #expect(report.nullGeometryRecords == [2])
    }

    @Test("Every geometry type, GeometryCollections flattened, the old crs member honoured")
    func geometries() throws {
        let (layer, report) = try read("""
            {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":[
             {"type":"Feature","properties":{},"geometry":{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}},
             {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}},
             {"type":"Feature","properties":{},"geometry":{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6],[7,8]]]}},
             {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[1,2],[2,2],[2,1],[1,1]]]}},
             {"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}},
             {"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,1]},{"type":"Point","coordinates":[2,2]}]}}]}
            """)
        #expect(layer.crs == .britishNationalGrid)
        #expect(report.crsSource.contains("crs"))
        #expect(layer.features.map { $0.geometry!.kind } == [.multiPoint, .lineString, .multiLineString, .polygon, .multiPolygon, .multiPoint])
        #expect(layer.features[3].geometry!.planarArea == 15)
    }

    @Test("Exact number parsing: fast path and strtod agree with Swift's Double parser")
    func numbers() throws {
        var values: [Double] = [0.1, 1e-7, 123456789.123456789, -0.0, Double.leastNonzeroMagnitude, 1.7976931348623157e308, 0.30000000000000004]
        var g = SystemRandomNumberGenerator()
        for _ in 0..<20_000 { values.append(Double(bitPattern: UInt64.random(in: 0...0x7FEF_FFFF_FFFF_FFFF, using: &g)) * (Bool.random() ? 1 : -1)) }
        for _ in 0..<20_000 { values.append(Double.random(in: -180...180, using: &g)) }
        let literals = values.map { $0.description.replacingOccurrences(of: "+", with: "") }
        let text = #"{"type":"Feature","properties":{"v":["# + literals.joined(separator: ",") + #"]},"geometry":null}"#
        let (layer, _) = try read(text)
        guard case .string(let back) = layer.features[0].values[0] else { Issue.record("expected text"); return }
        // The value list comes back as JSON text: every number must survive unchanged.
        let reparsed = back.dropFirst().dropLast().split(separator: ",").map { Double(String($0))! }
        #expect(reparsed.count == values.count)
        #expect(zip(reparsed, values).allSatisfy { $0 == $1 })
    }

    @Test("Malformed JSON names the line and column")
    func malformed() throws {
        do {
            _ = try read("{\"type\":\"FeatureCollection\",\n\"features\":[\n{\"type\":\"Feature\" \"properties\":{}}]}")
            Issue.record("expected an error")
        } catch let error as GeoJSONError {
            guard case .malformed(let path, let line, let column, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(path == "test.geojson" && line == 3 && column == 19)
        }
        #expect(throws: GeoJSONError.self) { try read("{\"type\":\"FeatureCollection\",\"features\":[") }
        #expect(throws: GeoJSONError.self) { try read("") }
        #expect(throws: GeoJSONError.self) { try read(String(repeating: "[", count: 10_000)) }
    }

    @Test("Valid JSON that is not GeoJSON, and invalid features and rings, name the feature")
    func notGeoJSON() throws {
        #expect(throws: GeoJSONError.notGeoJSON(path: "test.geojson", reason: "the top-level value has no \"type\"")) { try read("{\"a\":1}") }
        #expect(throws: GeoJSONError.invalidFeature(path: "test.geojson", feature: 2, reason: "no \"geometry\" member (use null for none)")) {
            try read(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null},{"type":"Feature","properties":{}}]}"#)
        }
        #expect(throws: GeoJSONError.self) {
            try read(#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}}"#)
        }
        #expect(throws: GeoJSONError.self) {
            try read(#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}"#)
        }
        #expect(throws: GeoJSONError.self) {
            try read(#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":["a","b"]}}"#)
        }
    }

    @Test("A missing file is a clear error")
    func missingFile() {
        #expect(throws: GeoJSONError.cannotRead(path: "/nonexistent.geojson", reason: "file not found")) {
            try GeoJSONReader.read(path: "/nonexistent.geojson")
        }
    }
}
