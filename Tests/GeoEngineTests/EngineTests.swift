import GeoCore
import GeoEngine
import TestSupport
import Testing

/// Small geometries whose answers are worked out by hand.
enum Shapes {
    static func square(_ x: Double, _ y: Double, _ side: Double, clockwise: Bool = false) -> LinearRing {
        let ring = LinearRing([
            Coordinate(x: x, y: y), Coordinate(x: x + side, y: y), Coordinate(x: x + side, y: y + side),
            Coordinate(x: x, y: y + side), Coordinate(x: x, y: y),
        ])
        return clockwise ? ring.reversed() : ring
    }

    /// A 10×10 square with a 2×2 hole: area 96.
    static let squareWithHole = Geometry.polygon(Polygon(exterior: square(0, 0, 10), holes: [square(4, 4, 2, clockwise: true)]))

    /// Two triangles meeting at a point drawn as one ring that crosses itself.
    static let bowtie = Geometry.polygon(Polygon(exterior: LinearRing([
        Coordinate(x: 0, y: 0), Coordinate(x: 10, y: 10), Coordinate(x: 10, y: 0), Coordinate(x: 0, y: 10), Coordinate(x: 0, y: 0),
    ])))
}

@Suite("GEOS geometry engine")
struct EngineTests {
    @Test("Area, centroid and point-on-surface of a square with a hole")
    func measures() throws {
        let engine = try GeometryEngine()
        #expect(try engine.area(Shapes.squareWithHole) == 96)
        let c = try #require(try engine.centroid(Shapes.squareWithHole))
        // The hole is symmetric about (5, 5), so the centroid stays at the centre.
        #expect(isClose(c.x, 5, within: 1e-12) && isClose(c.y, 5, within: 1e-12))
        let inside = try #require(try engine.pointOnSurface(Shapes.squareWithHole))
        #expect(try engine.contains(Shapes.squareWithHole, .point(inside)))
    }

    @Test("Distance, contains and intersects")
    func predicates() throws {
        let engine = try GeometryEngine()
        let sq = Geometry.polygon(Polygon(exterior: Shapes.square(0, 0, 10)))
        #expect(try engine.distance(sq, .point(Coordinate(x: 13, y: 14))) == 5)
        #expect(try engine.contains(sq, .point(Coordinate(x: 1, y: 1))))
        #expect(try !engine.contains(sq, .point(Coordinate(x: 0, y: 5)))) // on the boundary
        #expect(try engine.intersects(sq, .point(Coordinate(x: 0, y: 5))))
        #expect(try !engine.contains(Shapes.squareWithHole, .point(Coordinate(x: 5, y: 5)))) // in the hole
    }

    @Test("A self-intersecting ring is invalid, with GEOS's reason and location")
    func validity() throws {
        let engine = try GeometryEngine()
        #expect(try engine.validity(of: Shapes.squareWithHole).isValid)
        let report = try engine.validity(of: Shapes.bowtie)
        #expect(!report.isValid)
        #expect(report.reason == "Self-intersection")
        #expect(report.location == Coordinate(x: 5, y: 5))
    }

    @Test("make-valid splits a bow-tie into two triangles and reports it")
    func makeValidBowtie() throws {
        let engine = try GeometryEngine()
        let result = try engine.makeValid(Shapes.bowtie)
        let repaired = try #require(result.geometry)
        let report = try #require(result.report)
        #expect(report.kindBefore == .polygon && report.kindAfter == .multiPolygon)
        #expect(report.partsAfter == 2)
        #expect(isClose(try engine.area(repaired), 50, within: 1e-9))
        #expect(try engine.validity(of: repaired).isValid)
    }

    @Test("make-valid turns nested shells into a polygon with a hole")
    func makeValidNestedShells() throws {
        let engine = try GeometryEngine()
        // Two shells, one inside the other: what a reader that ignores orientation produces.
        let nested = Geometry.multiPolygon([Polygon(exterior: Shapes.square(0, 0, 10)), Polygon(exterior: Shapes.square(4, 4, 2))])
        let report = try engine.validity(of: nested)
        #expect(!report.isValid)
        #expect(report.reason == "Nested shells")
        let result = try engine.makeValid(nested)
        #expect(try engine.validity(of: #require(result.geometry)).isValid)
        #expect(isClose(try engine.area(#require(result.geometry)), 96, within: 1e-9))
        #expect(result.report?.kindAfter == .polygon)
        // The structure method unions the shells instead.
        let union = try engine.makeValid(nested, method: .structure)
        #expect(isClose(try engine.area(#require(union.geometry)), 100, within: 1e-9))
    }

    @Test("make-valid returns a valid input unchanged and reports nothing")
    func makeValidNoop() throws {
        let engine = try GeometryEngine()
        let result = try engine.makeValid(Shapes.squareWithHole)
        #expect(result.report == nil)
        #expect(result.geometry == Shapes.squareWithHole)
    }

    @Test("A ring with 3 coordinates is refused (GEOS 3.11 would accept it)")
    func shortRing() throws {
        let engine = try GeometryEngine()
        let triangleMissingClose = Geometry.polygon(Polygon(exterior: LinearRing([
            Coordinate(x: 0, y: 0), Coordinate(x: 1, y: 0), Coordinate(x: 0, y: 0),
        ])))
        #expect(throws: GEOSError.self) { try engine.validity(of: triangleMissingClose) }
    }

    @Test("Values survive the trip through GEOS: intersection of two squares")
    func intersection() throws {
        let engine = try GeometryEngine()
        let a = Geometry.polygon(Polygon(exterior: Shapes.square(0, 0, 10)))
        let b = Geometry.polygon(Polygon(exterior: Shapes.square(5, 5, 10)))
        let overlap = try #require(try engine.intersection(a, b))
        #expect(overlap.kind == .polygon)
        #expect(overlap.envelope == Envelope(minX: 5, minY: 5, maxX: 10, maxY: 10))
        #expect(try engine.intersection(a, .polygon(Polygon(exterior: Shapes.square(20, 20, 1)))) == nil)
    }
}

@Suite("Prepared geometries and the STRtree index")
struct IndexTests {
    /// A 3×3 grid of unit squares, index = row * 3 + column.
    static let grid: [Geometry] = (0..<3).flatMap { row in
        (0..<3).map { col in Geometry.polygon(Polygon(exterior: Shapes.square(Double(col), Double(row), 1))) }
    }

    @Test("Prepared contains and distance")
    func prepared() throws {
        let engine = try GeometryEngine()
        let p = try engine.prepare(Shapes.squareWithHole)
        #expect(try p.contains(Coordinate(x: 1, y: 1)))
        #expect(try !p.contains(Coordinate(x: 5, y: 5)))
        #expect(try p.intersects(Coordinate(x: 4, y: 5)))
        #expect(try p.distance(to: Coordinate(x: 5, y: 5)) == 1)
    }

    @Test("Point queries return the containing square; shared edges belong to no square's interior")
    func containing() throws {
        let engine = try GeometryEngine()
        let index = try SpatialIndex(engine: engine, geometries: Self.grid)
        #expect(try index.containing(Coordinate(x: 0.5, y: 0.5)) == [0])
        #expect(try index.containing(Coordinate(x: 2.5, y: 1.5)) == [5])
        #expect(try index.containing(Coordinate(x: 1, y: 0.5)) == [])
        #expect(try index.intersecting(Coordinate(x: 1, y: 0.5)) == [0, 1])
        #expect(try index.containing(Coordinate(x: 7, y: 7)) == [])
    }

    @Test("Envelope candidates and nearest neighbour")
    func candidatesAndNearest() throws {
        let engine = try GeometryEngine()
        let index = try SpatialIndex(engine: engine, geometries: Self.grid)
        #expect(try index.candidates(intersecting: Envelope(minX: 0.2, minY: 0.2, maxX: 1.5, maxY: 0.8)) == [0, 1])
        let near = try #require(try index.nearest(to: Coordinate(x: 5, y: 2.5)))
        #expect(near.index == 8)
        #expect(near.distance == 2)
        let inside = try #require(try index.nearest(to: Coordinate(x: 0.5, y: 2.5)))
        #expect(inside.index == 6 && inside.distance == 0)
        #expect(try SpatialIndex(engine: engine, geometries: []).nearest(to: Coordinate(x: 0, y: 0)) == nil)
    }
}
