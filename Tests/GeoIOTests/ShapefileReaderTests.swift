import Foundation
import GeoCore
import GeoIO
import TestSupport
import Testing

@Suite("Shapefile reader on fixtures made with shapelib")
struct ShapefileReaderTests {
    @Test("PolygonZ is read as 2D polygons with holes assigned by orientation")
    func polygonZ() throws {
        let dir = try TemporaryDirectory()
        let base = dir.path("z")
        try ShapefileFixture.write(base: base, shapeType: 15 /* PolygonZ */, records: [
            [ShapefileFixture.square(0, 0, 10), ShapefileFixture.square(2, 2, 2, clockwise: false)],
            [ShapefileFixture.square(20, 0, 5), ShapefileFixture.square(30, 0, 5)],
        ], z: 42)
        let reader = try ShapefileReader(path: base + ".shp")
        #expect(reader.shapeType == .polygonZ)
        guard case .polygon(let p)? = try reader.geometry(at: 0) else { Issue.record("record 1 should be a Polygon"); return }
        #expect(p.holes.count == 1)
        #expect(p.area == 96)
        #expect(try reader.geometry(at: 1)?.kind == .multiPolygon)
    }

    @Test("PointM, MultiPointZ and PolyLine are read as 2D points and lines; null shapes become nil")
    func pointsAndLines() throws {
        let dir = try TemporaryDirectory()
        try ShapefileFixture.write(base: dir.path("pm"), shapeType: 21 /* PointM */, records: [[[Coordinate(x: 1, y: 2)]], []], z: 7)
        let points = try ShapefileReader(path: dir.path("pm.shp"))
        #expect(try points.geometry(at: 0) == .point(Coordinate(x: 1, y: 2)))
        #expect(try points.geometry(at: 1) == nil)
        #expect(points.report.nullGeometryRecords == [2])

        try ShapefileFixture.write(base: dir.path("mpz"), shapeType: 18 /* MultiPointZ */,
                                   records: [[[Coordinate(x: 1, y: 2), Coordinate(x: 3, y: 4)]]], z: 1)
        #expect(try ShapefileReader(path: dir.path("mpz.shp")).geometry(at: 0) == .multiPoint([Coordinate(x: 1, y: 2), Coordinate(x: 3, y: 4)]))

        let a = [Coordinate(x: 0, y: 0), Coordinate(x: 1, y: 1)], b = [Coordinate(x: 2, y: 2), Coordinate(x: 3, y: 2)]
        try ShapefileFixture.write(base: dir.path("line"), shapeType: 3 /* Arc */, records: [[a], [a, b]])
        let lines = try ShapefileReader(path: dir.path("line.shp"))
        #expect(try lines.geometry(at: 0) == .lineString(a))
        #expect(try lines.geometry(at: 1) == .multiLineString([a, b]))
    }

    @Test("Latin-1 DBF without .cpg (language driver 87) decodes \"Ynys Môn\"")
    func latin1LanguageDriver() throws {
        let dir = try TemporaryDirectory()
        let latin1: [UInt8] = Array("Ynys M".utf8) + [0xF4] + Array("n".utf8)
        try ShapefileFixture.write(base: dir.path("wales"), shapeType: 1, records: [[[Coordinate(x: -4.3, y: 53.3)]]],
                                   fields: [.init("NAME", "C", 20)], rows: [[latin1]], codePage: "LDID/87")
        #expect(!FileManager.default.fileExists(atPath: dir.path("wales.cpg")))
        let reader = try ShapefileReader(path: dir.path("wales.shp"))
        #expect(reader.encoding == .latin1)
        #expect(try reader.values(at: 0) == [.string("Ynys Môn")])
        #expect(reader.report.encoding?.contains("language driver 87") == true)
    }

    @Test("A .cpg naming code page 1252 decodes Windows-1252, and --encoding overrides it")
    func cpg1252() throws {
        let dir = try TemporaryDirectory()
        let bytes: [UInt8] = Array("Ynys M".utf8) + [0xF4] + Array("n ".utf8) + [0x96] + Array(" 2".utf8) // 0x96 = en dash in 1252
        try ShapefileFixture.write(base: dir.path("w"), shapeType: 1, records: [[[Coordinate(x: 0, y: 0)]]],
                                   fields: [.init("NAME", "C", 30)], rows: [[bytes]], codePage: "1252")
        #expect(try ShapefileReader(path: dir.path("w.shp")).values(at: 0) == [.string("Ynys Môn – 2")])
        let forced = try ShapefileReader(path: dir.path("w.shp"), options: ShapefileReadOptions(encoding: .latin1))
        #expect(try forced.values(at: 0) == [.string("Ynys Môn \u{96} 2")])
    }

    @Test("A .cpg that says UTF-8 over Latin-1 bytes is an error naming record and field")
    func wrongCPG() throws {
        let dir = try TemporaryDirectory()
        let latin1: [UInt8] = Array("Ynys M".utf8) + [0xF4] + Array("n".utf8)
        try ShapefileFixture.write(base: dir.path("bad"), shapeType: 1, records: [[[Coordinate(x: 0, y: 0)]]],
                                   fields: [.init("NAME", "C", 20)], rows: [[latin1]], codePage: "UTF-8")
        let reader = try ShapefileReader(path: dir.path("bad.shp"))
        #expect(throws: ShapefileError.badEncoding(path: dir.path("bad.shp"), record: 1, field: "NAME", encoding: "UTF-8")) {
            try reader.values(at: 0)
        }
    }

    @Test("DBF types: character, integer and decimal numbers, float, logical, date, nulls")
    func fieldTypes() throws {
        let dir = try TemporaryDirectory()
        let fields: [ShapefileFixture.Field] = [.init("TEXT", "C", 10), .init("INT", "N", 9), .init("DEC", "N", 12, 3),
                                                .init("FLT", "F", 12, 4), .init("FLAG", "L", 1), .init("DAY", "D", 8)]
        func row(_ cells: [String]) -> [[UInt8]] { cells.map { Array($0.utf8) } }
        try ShapefileFixture.write(base: dir.path("types"), shapeType: 1,
                                   records: [[[Coordinate(x: 0, y: 0)]], [[Coordinate(x: 1, y: 1)]]], fields: fields,
                                   rows: [row(["  abc ", "     -42", "  530043.195", "  1.2500", "T", "20250401"]),
                                          row(["", "", "", "", "?", "00000000"])])
        let reader = try ShapefileReader(path: dir.path("types.shp"))
        #expect(reader.schema.fields.map(\.type) == [.string, .integer, .real, .real, .boolean, .date])
        #expect(try reader.values(at: 0) == [.string("abc"), .integer(-42), .real(530043.195), .real(1.25), .boolean(true),
                                             .date(DateValue(year: 2025, month: 4, day: 1)!)])
        #expect(try reader.values(at: 1) == [.null, .null, .null, .null, .null, .null])
    }

    @Test("A non-numeric value in a numeric field is an error naming record, field and value")
    func badNumber() throws {
        let dir = try TemporaryDirectory()
        try ShapefileFixture.write(base: dir.path("n"), shapeType: 1, records: [[[Coordinate(x: 0, y: 0)]]],
                                   fields: [.init("POP", "N", 9)], rows: [[Array("12a".utf8)]])
        let reader = try ShapefileReader(path: dir.path("n.shp"))
        #expect(throws: ShapefileError.badAttribute(path: dir.path("n.shp"), record: 1, field: "POP", value: "12a", expected: "whole number")) {
            try reader.values(at: 0)
        }
    }

    @Test("Names with dots and an upper-case extension are read")
    func awkwardNames() throws {
        let dir = try TemporaryDirectory()
        try ShapefileFixture.write(base: dir.path("lsoa.v2"), shapeType: 1, records: [[[Coordinate(x: 3, y: 4)]]])
        let reader = try ShapefileReader(path: dir.path("lsoa.v2.shp"))
        #expect(reader.name == "lsoa.v2")
        #expect(try reader.geometry(at: 0) == .point(Coordinate(x: 3, y: 4)))
    }

    @Test("Streaming and load-all give the same features")
    func streamingMatchesLoadAll() throws {
        let reader = try ShapefileReader(path: TestData.packagePath("GeoData/lsoa11_bsc_mse_bng.shp"))
        var streamed: [Feature] = []
        try reader.forEach { i, f in
            #expect(i == streamed.count)
            streamed.append(f)
        }
        #expect(streamed == (try reader.readAll().features))
    }
}

@Suite("Shapefiles read on every core")
struct ShapefileParallelReadTests {
    /// Synthetic squares (not data): every 7th with a hole, every 1,000th a null shape, and a
    /// name per record; `bad` puts a defect into the records given.
    static func write(_ base: String, count: Int, short: Set<Int> = [], open: Set<Int> = []) throws {
        var records: [[[Coordinate]]] = []
        var rows: [[[UInt8]]] = []
        for i in 1...count {
            let x = Double(i % 200) * 3, y = Double(i / 200) * 3
            var parts = [ShapefileFixture.square(x, y, 2)]
            if i % 7 == 0 { parts.append(Array(ShapefileFixture.square(x + 0.5, y + 0.5, 1).reversed())) }
            if short.contains(i) { parts.append([Coordinate(x: x, y: y), Coordinate(x: x + 1, y: y), Coordinate(x: x, y: y)]) }
            if open.contains(i) { parts[0][parts[0].count - 1] = Coordinate(x: x + 0.1, y: y + 0.1) }
            records.append(i % 1000 == 0 ? [] : parts)
            rows.append([Array("area \(i)".utf8)])
        }
        try ShapefileFixture.write(base: base, shapeType: 5, records: records, fields: [ShapefileFixture.Field("NAME", "C", 20)], rows: rows,
                                   prj: ShapefileFixture.wgs84PRJ)
    }

    @Test("20,000 records: the features and the report equal a record-by-record pass; the first defect by record is the one reported, wherever it lies")
    func sameAsOnePass() throws {
        let dir = try TemporaryDirectory()
        try Self.write(dir.path("big"), count: 20_000)
        let reader = try ShapefileReader(path: dir.path("big.shp"))
        let all = try reader.readAll()
        let single = try ShapefileReader(path: dir.path("big.shp"))
        var streamed: [Feature] = []
        try single.forEach { _, f in streamed.append(f) }
        #expect(all.features.count == 20_000 && all.features == streamed)
        #expect(reader.report.nullGeometryRecords == single.report.nullGeometryRecords && reader.report.nullGeometryRecords.count == 20)
        #expect(reader.report.nullGeometryRecords == Array(stride(from: 1000, through: 20_000, by: 1000)))

        // A defect only in the last part of the file, then one earlier too: the earlier is reported.
        try Self.write(dir.path("late"), count: 20_000, open: [19_500])
        #expect(throws: ShapefileError.ringNotClosed(path: dir.path("late.shp"), record: 19_500, ring: 1)) {
            try ShapefileReader(path: dir.path("late.shp")).readAll()
        }
        try Self.write(dir.path("two"), count: 20_000, short: [3_001], open: [19_500])
        #expect(throws: ShapefileError.ringTooShort(path: dir.path("two.shp"), record: 3_001, ring: 2, coordinates: 3)) {
            try ShapefileReader(path: dir.path("two.shp")).readAll()
        }
    }
}

@Suite("Shapefile bad input: typed errors naming the file and record")
struct ShapefileBadInputTests {
    /// Three unit squares, written with shapelib.
    func goodFile(_ dir: TemporaryDirectory, _ name: String = "good") throws -> String {
        let base = dir.path(name)
        try ShapefileFixture.write(base: base, shapeType: 5, records: [
            [ShapefileFixture.square(0, 0, 1)], [ShapefileFixture.square(2, 0, 1)], [ShapefileFixture.square(4, 0, 1)],
        ])
        return base
    }

    @Test("Truncated .shp")
    func truncated() throws {
        let dir = try TemporaryDirectory()
        let base = try goodFile(dir)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".shp"))
        try handle.truncate(atOffset: 250)
        try handle.close()
        do {
            _ = try ShapefileReader(path: base + ".shp")
            Issue.record("expected an error")
        } catch let error as ShapefileError {
            guard case .truncated(let path, _, let actual, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(path == base + ".shp" && actual == 250)
            #expect(error.description.contains("truncated"))
        }
    }

    @Test("Record cut off at the end of the .shp names the first record missing")
    func truncatedRecord() throws {
        let dir = try TemporaryDirectory()
        let base = try goodFile(dir)
        // Keep the header's file length honest but cut the last record short.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: base + ".shp")))
        bytes.removeLast(20)
        let words = bytes.count / 2
        bytes[24] = UInt8(words >> 24 & 0xFF); bytes[25] = UInt8(words >> 16 & 0xFF)
        bytes[26] = UInt8(words >> 8 & 0xFF); bytes[27] = UInt8(words & 0xFF)
        try Data(bytes).write(to: URL(fileURLWithPath: base + ".shp"))
        #expect(throws: ShapefileError.truncated(path: base + ".shp", expectedBytes: bytes.count + 20, actualBytes: bytes.count, firstAffectedRecord: 3)) {
            _ = try ShapefileReader(path: base + ".shp")
        }
    }

    @Test("Missing .shx and missing .dbf")
    func missingCompanions() throws {
        let dir = try TemporaryDirectory()
        let base = try goodFile(dir)
        try FileManager.default.removeItem(atPath: base + ".shx")
        #expect(throws: ShapefileError.missingComponent(path: base + ".shp", missing: "good.shx")) {
            _ = try ShapefileReader(path: base + ".shp")
        }
        let other = try goodFile(dir, "other")
        try FileManager.default.removeItem(atPath: other + ".dbf")
        #expect(throws: ShapefileError.missingComponent(path: other + ".shp", missing: "other.dbf")) {
            _ = try ShapefileReader(path: other + ".shp")
        }
        #expect(throws: ShapefileError.fileNotFound(path: dir.path("nothing.shp"))) {
            _ = try ShapefileReader(path: dir.path("nothing.shp"))
        }
    }

    @Test(".dbf with a different record count")
    func recordCountMismatch() throws {
        let dir = try TemporaryDirectory()
        let base = try goodFile(dir)
        let two = dir.path("two")
        try ShapefileFixture.write(base: two, shapeType: 5, records: [[ShapefileFixture.square(0, 0, 1)], [ShapefileFixture.square(2, 0, 1)]])
        try FileManager.default.removeItem(atPath: base + ".dbf")
        try FileManager.default.copyItem(atPath: two + ".dbf", toPath: base + ".dbf")
        #expect(throws: ShapefileError.recordCountMismatch(path: base + ".shp", shapes: 3, attributes: 2)) {
            _ = try ShapefileReader(path: base + ".shp")
        }
    }

    @Test("Unsupported shape type (MultiPatch)")
    func multiPatch() throws {
        let dir = try TemporaryDirectory()
        try ShapefileFixture.write(base: dir.path("patch"), shapeType: 31, records: [[ShapefileFixture.square(0, 0, 1)]])
        #expect(throws: ShapefileError.unsupportedShapeType(path: dir.path("patch.shp"), typeCode: 31, typeName: "MultiPatch")) {
            _ = try ShapefileReader(path: dir.path("patch.shp"))
        }
    }

    @Test("Ring with fewer than 4 points, and ring not closed")
    func badRings() throws {
        let dir = try TemporaryDirectory()
        let short = [Coordinate(x: 0, y: 0), Coordinate(x: 1, y: 1), Coordinate(x: 0, y: 0)]
        try ShapefileFixture.write(base: dir.path("short"), shapeType: 5, records: [[ShapefileFixture.square(0, 0, 1)], [ShapefileFixture.square(5, 5, 1), short]])
        let reader = try ShapefileReader(path: dir.path("short.shp"))
        #expect(try reader.geometry(at: 0) != nil)
        #expect(throws: ShapefileError.ringTooShort(path: dir.path("short.shp"), record: 2, ring: 2, coordinates: 3)) {
            try reader.geometry(at: 1)
        }
        var open = ShapefileFixture.square(0, 0, 1)
        open[open.count - 1] = Coordinate(x: 0.5, y: 0.5)
        try ShapefileFixture.write(base: dir.path("open"), shapeType: 5, records: [[open]])
        #expect(throws: ShapefileError.ringNotClosed(path: dir.path("open.shp"), record: 1, ring: 1)) {
            try ShapefileReader(path: dir.path("open.shp")).readAll()
        }
    }

    @Test("NaN and infinite coordinates")
    func nonFinite() throws {
        let dir = try TemporaryDirectory()
        var ring = ShapefileFixture.square(0, 0, 1)
        ring[2] = Coordinate(x: .nan, y: 0)
        try ShapefileFixture.write(base: dir.path("nan"), shapeType: 5, records: [[ring]])
        #expect(throws: ShapefileError.nonFiniteCoordinate(path: dir.path("nan.shp"), record: 1, vertex: 3)) {
            try ShapefileReader(path: dir.path("nan.shp")).readAll()
        }
        try ShapefileFixture.write(base: dir.path("inf"), shapeType: 1, records: [[[Coordinate(x: 1, y: 1)]], [[Coordinate(x: .infinity, y: 1)]]])
        #expect(throws: ShapefileError.nonFiniteCoordinate(path: dir.path("inf.shp"), record: 2, vertex: 1)) {
            try ShapefileReader(path: dir.path("inf.shp")).readAll()
        }
    }

    @Test("Missing .prj asks for --crs instead of guessing; a given CRS is used")
    func missingPRJ() throws {
        let dir = try TemporaryDirectory()
        try ShapefileFixture.write(base: dir.path("noprj"), shapeType: 1, records: [[[Coordinate(x: 530043, y: 180358)]]], prj: nil)
        do {
            _ = try ShapefileReader(path: dir.path("noprj.shp"))
            Issue.record("expected an error")
        } catch let error as ShapefileError {
            #expect(error == .missingProjection(path: dir.path("noprj.shp")))
            // The advice names the CRS setting; a front end words it (the CLI as --crs).
            #expect(error.advice?.settings == [.crs])
            #expect(!error.description.contains("--"))
        }
        let reader = try ShapefileReader(path: dir.path("noprj.shp"), options: ShapefileReadOptions(crs: CRS(definition: "EPSG:27700")))
        #expect(reader.crs == .britishNationalGrid)
    }

    @Test("Empty shapefile")
    func empty() throws {
        let dir = try TemporaryDirectory()
        try ShapefileFixture.write(base: dir.path("empty"), shapeType: 5, records: [])
        #expect(throws: ShapefileError.empty(path: dir.path("empty.shp"))) {
            _ = try ShapefileReader(path: dir.path("empty.shp"))
        }
    }

    @Test("Not a shapefile at all")
    func notAShapefile() throws {
        let dir = try TemporaryDirectory()
        let base = try goodFile(dir)
        try Data(repeating: 0x41, count: 400).write(to: URL(fileURLWithPath: base + ".shp"))
        #expect(throws: ShapefileError.self) { _ = try ShapefileReader(path: base + ".shp") }
    }
}

@Suite("Shapefile writer")
struct ShapefileWriterTests {
    @Test("Round trip of every field type, polygons with holes, multipolygons and null geometry")
    func roundTrip() throws {
        let dir = try TemporaryDirectory()
        let schema = Schema([FieldDefinition(name: "CODE", type: .string), FieldDefinition(name: "POP", type: .integer),
                             FieldDefinition(name: "SCORE", type: .real), FieldDefinition(name: "CORE20", type: .boolean),
                             FieldDefinition(name: "UPDATED", type: .date), FieldDefinition(name: "A_VERY_LONG_NAME", type: .string)])
        let holed = Polygon(exterior: LinearRing(ShapefileFixture.square(0, 0, 10, clockwise: false)),
                            holes: [LinearRing(ShapefileFixture.square(2, 2, 2, clockwise: true))])
        let features = [
            Feature(geometry: .polygon(holed), values: [.string("Ynys Môn"), .integer(1523), .real(34.567), .boolean(true),
                                                        .date(DateValue(year: 2025, month: 4, day: 1)!), .string("x")]),
            Feature(geometry: .multiPolygon([Polygon(exterior: LinearRing(ShapefileFixture.square(20, 0, 1))),
                                             Polygon(exterior: LinearRing(ShapefileFixture.square(30, 0, 1)))]),
                    values: [.null, .integer(-5), .real(530043.195), .boolean(false), .null, .null]),
            Feature(geometry: nil, values: [.string("none"), .null, .null, .null, .null, .string("y")]),
        ]
        let layer = FeatureLayer(name: "t", crs: .britishNationalGrid, schema: schema, features: features)
        let report = try ShapefileWriter.write(layer, to: dir.path("t.shp"))
        #expect(report.renamedFields == [.init(from: "A_VERY_LONG_NAME", to: "A_VERY_LON")])
        #expect(dir.contents() == ["t.cpg", "t.dbf", "t.prj", "t.shp", "t.shx"])

        let back = try ShapefileReader(path: dir.path("t.shp"))
        #expect(back.crs == .britishNationalGrid)
        #expect(back.encoding == .utf8)
        #expect(back.schema.names == ["CODE", "POP", "SCORE", "CORE20", "UPDATED", "A_VERY_LON"])
        let read = try back.readAll().features
        #expect(read.map(\.values) == features.map(\.values))
        // Shells come back clockwise (shapefile order), same shapes.
        #expect(read[0].geometry == .polygon(holed.oriented(exteriorCounterClockwise: false)))
        #expect(read[1].geometry == features[1].geometry)
        #expect(read[2].geometry == nil)
    }

    @Test("Mixed points and polygons are refused; nothing is left behind")
    func mixed() throws {
        let dir = try TemporaryDirectory()
        let layer = FeatureLayer(name: "m", crs: .wgs84, schema: Schema(), features: [
            Feature(geometry: .point(Coordinate(x: 0, y: 0))),
            Feature(geometry: .polygon(Polygon(exterior: LinearRing(ShapefileFixture.square(0, 0, 1))))),
        ])
        #expect(throws: ShapefileError.self) { try ShapefileWriter.write(layer, to: dir.path("m.shp")) }
        #expect(dir.contents().isEmpty)
    }
}

@Suite("shapelib messages become typed errors")
struct ShapelibMessageTests {
    @Test("A truncated .shx is reported with shapelib's own reason, not printed")
    func truncatedIndex() throws {
        let dir = try TemporaryDirectory()
        let base = dir.path("idx")
        try ShapefileFixture.write(base: base, shapeType: 1, records: (0..<5).map { [[Coordinate(x: Double($0), y: 0)]] })
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".shx"))
        try handle.truncate(atOffset: 116)
        try handle.close()
        do {
            _ = try ShapefileReader(path: base + ".shp")
            Issue.record("expected an error")
        } catch let error as ShapefileError {
            guard case .cannotOpen(let path, let reason) = error else { Issue.record("wrong error: \(error)"); return }
            #expect(path == base + ".shx")
            #expect(reason.contains(".shx"))
        }
    }
}
