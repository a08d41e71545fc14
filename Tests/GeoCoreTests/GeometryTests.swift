import GeoCore
import TestSupport
import Testing

private func ring(_ points: [(Double, Double)]) -> LinearRing {
    LinearRing(points.map { Coordinate(x: $0.0, y: $0.1) })
}

private func square(_ x: Double, _ y: Double, _ side: Double, clockwise: Bool) -> LinearRing {
    LinearRing(ShapefileFixture.square(x, y, side, clockwise: clockwise))
}

@Suite("Rings and polygons")
struct RingTests {
    @Test("Signed area: positive counter-clockwise, negative clockwise, exact far from the origin")
    func signedArea() {
        #expect(square(0, 0, 2, clockwise: false).signedArea == 4)
        #expect(square(0, 0, 2, clockwise: true).signedArea == -4)
        // A 1 m square at BNG coordinates keeps its exact area.
        #expect(square(587_846, 186_475, 1, clockwise: false).signedArea == 1)
        #expect(ring([(0, 0), (1, 1), (2, 2), (0, 0)]).signedArea == 0)
    }

    @Test("Orientation is changed only when needed")
    func orientation() {
        let ccw = square(0, 0, 1, clockwise: false)
        #expect(ccw.oriented(counterClockwise: true) == ccw)
        #expect(ccw.oriented(counterClockwise: false) == ccw.reversed())
        let p = Polygon(exterior: square(0, 0, 10, clockwise: true), holes: [square(2, 2, 1, clockwise: true)])
        let rfc = p.oriented(exteriorCounterClockwise: true)
        #expect(rfc.exterior.isCounterClockwise && !rfc.holes[0].isCounterClockwise)
        #expect(p.area == 99)
    }

    @Test("Point location: interior, boundary, exterior, holes")
    func locate() {
        let sq = square(0, 0, 10, clockwise: true)
        #expect(sq.locate(Coordinate(x: 5, y: 5)) == .interior)
        #expect(sq.locate(Coordinate(x: 10, y: 5)) == .boundary)
        #expect(sq.locate(Coordinate(x: 0, y: 0)) == .boundary)
        #expect(sq.locate(Coordinate(x: 11, y: 5)) == .exterior)
        let p = Polygon(exterior: sq, holes: [square(4, 4, 2, clockwise: false)])
        #expect(p.locate(Coordinate(x: 5, y: 5)) == .exterior)
        #expect(p.locate(Coordinate(x: 1, y: 1)) == .interior)
        #expect(p.locate(Coordinate(x: 4, y: 5)) == .boundary)
    }

    @Test("Closed rings and envelopes")
    func closedAndEnvelope() {
        #expect(square(0, 0, 1, clockwise: true).isClosed)
        #expect(!ring([(0, 0), (1, 0), (1, 1), (0, 1)]).isClosed)
        #expect(!LinearRing([]).isClosed)
        let env = Geometry.polygon(Polygon(exterior: square(-1, 2, 3, clockwise: true))).envelope
        #expect(env == Envelope(minX: -1, minY: 2, maxX: 2, maxY: 5))
        #expect(Envelope.empty.isEmpty && !env.isEmpty)
        #expect(env.contains(Coordinate(x: 0, y: 3)) && !env.contains(Coordinate(x: 3, y: 3)))
    }
}

@Suite("Assembling shapefile rings into polygons")
struct PolygonAssemblyTests {
    @Test("One clockwise ring is a polygon")
    func single() {
        let result = PolygonAssembler.assemble([square(0, 0, 1, clockwise: true)])
        #expect(result.geometry?.kind == .polygon)
        #expect(result.orphanHoleIndices.isEmpty)
    }

    @Test("A hole goes to the shell that contains it; two shells make a MultiPolygon")
    func holeToContainingShell() throws {
        let rings = [square(0, 0, 10, clockwise: true), square(20, 0, 10, clockwise: true), square(22, 2, 2, clockwise: false)]
        let result = PolygonAssembler.assemble(rings)
        guard case .multiPolygon(let ps)? = result.geometry else { Issue.record("expected a MultiPolygon"); return }
        #expect(ps.count == 2)
        #expect(ps[0].holes.isEmpty)
        #expect(ps[1].holes == [rings[2]])
    }

    @Test("A hole goes to the smallest containing shell (island in a lake in an island)")
    func smallestShell() {
        // Outer shell 0..100 with a lake 10..90; an island 20..80 in the lake with a pond 40..60.
        let outer = square(0, 0, 100, clockwise: true), lake = square(10, 10, 80, clockwise: false)
        let island = square(20, 20, 60, clockwise: true), pond = square(40, 40, 20, clockwise: false)
        let result = PolygonAssembler.assemble([outer, lake, island, pond])
        guard case .multiPolygon(let ps)? = result.geometry else { Issue.record("expected a MultiPolygon"); return }
        #expect(ps.count == 2)
        #expect(ps[0].exterior == outer && ps[0].holes == [lake])
        #expect(ps[1].exterior == island && ps[1].holes == [pond])
        let expected: Double = 10_000 - 6_400 + 3_600 - 400
        #expect(result.geometry?.planarArea == expected)
    }

    @Test("A hole touching its shell at a vertex is still inside it")
    func touchingHole() {
        let shell = square(0, 0, 10, clockwise: true)
        let hole = ring([(0, 0), (2, 1), (1, 2), (0, 0)]) // counter-clockwise, shares the corner (0, 0)
        #expect(hole.isCounterClockwise)
        let result = PolygonAssembler.assemble([shell, hole])
        guard case .polygon(let p)? = result.geometry else { Issue.record("expected a Polygon"); return }
        #expect(p.holes.count == 1)
    }

    @Test("A counter-clockwise ring outside every shell is kept as a shell and reported")
    func orphanHole() {
        let result = PolygonAssembler.assemble([square(0, 0, 1, clockwise: true), square(5, 5, 1, clockwise: false)])
        #expect(result.orphanHoleIndices == [1])
        #expect(result.geometry?.polygons.count == 2)
    }
}

@Suite("CRS identifiers")
struct CRSTests {
    @Test("EPSG codes are recognised in the forms people write them")
    func parse() {
        #expect(CRS(definition: "EPSG:27700").epsg == 27700)
        #expect(CRS(definition: "epsg:4326").epsg == 4326)
        #expect(CRS(definition: "27700").epsg == 27700)
        #expect(CRS(definition: "urn:ogc:def:crs:EPSG::27700").epsg == 27700)
        #expect(CRS(definition: "OGC:CRS84").epsg == 4326)
        #expect(CRS(definition: "+proj=longlat +datum=WGS84").epsg == nil)
    }

    @Test("Equality by EPSG code, else by definition")
    func equality() {
        #expect(CRS(definition: "EPSG:27700") == .britishNationalGrid)
        #expect(CRS(definition: "GEOGCS[...]", epsg: 4326) == .wgs84)
        #expect(CRS(definition: "+proj=a") != CRS(definition: "+proj=b"))
        #expect(CRS.wgs84.isGeographic && !CRS.britishNationalGrid.isGeographic)
        #expect(CRS.britishNationalGrid.description == "EPSG:27700 (OSGB36 / British National Grid)")
    }
}

@Suite("Attribute values")
struct AttributeTests {
    @Test("Dates parse from DBF and ISO forms and reject nonsense")
    func dates() {
        #expect(DateValue(parsing: "20250401")?.description == "2025-04-01")
        #expect(DateValue(parsing: "2025-04-01") == DateValue(year: 2025, month: 4, day: 1))
        #expect(DateValue(parsing: "20251301") == nil)
        #expect(DateValue(parsing: "2025041") == nil)
        #expect(DateValue(parsing: "abcdefgh") == nil)
    }

    @Test("Values as text: whole reals without .0, null as empty")
    func text() {
        #expect(FieldValue.real(51.5).text == "51.5")
        #expect(FieldValue.real(530043).text == "530043")
        #expect(FieldValue.integer(-7).text == "-7")
        #expect(FieldValue.null.text == "")
        #expect(FieldValue.boolean(true).text == "true")
    }

    @Test("Schema lookup: exact name first, then ignoring case")
    func schema() {
        let s = Schema([FieldDefinition(name: "LSOA11CD", type: .string), FieldDefinition(name: "lsoa11cd", type: .string)])
        #expect(s.index(of: "lsoa11cd") == 1)
        #expect(s.index(of: "Lsoa11Cd") == 0)
        #expect(s.index(of: "nope") == nil)
    }
}
