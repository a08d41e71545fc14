import DeprivationMap
import TestSupport
import Testing

/// Reference R1 (../shared/reference/README.md): the LSOA 2011 BSC boundaries, read with proper
/// shell/hole assembly, are all valid and cover 151,246.6 km² in EPSG:27700 (±0.01%).
@Suite("Reference R1: lsoa11_ew_bsc geometry")
struct ReferenceR1Tests {
    static let nestedShellLSOAs = ["E01018992", "E01019228", "E01024572"]

    func layer() throws -> FeatureLayer {
        try ShapefileReader(path: TestData.path("boundaries/lsoa11_ew_bsc/lsoa11_ew_bsc_v3.shp")).readAll()
    }

    @Test("R1: total area in EPSG:27700 is 151,246.6 km² within 0.01%")
    func totalArea() throws {
        let wgs = try layer()
        let projected = try Converter.reproject(wgs.features, from: wgs.crs, to: .britishNationalGrid,
                                                options: ProjectionOptions(), inputPath: "lsoa11_ew_bsc_v3.shp")
        let km2 = projected.reduce(0.0) { $0 + ($1.geometry?.planarArea ?? 0) } / 1e6
        #expect(isClose(km2, 151_246.6, relative: 0.0001), "total area \(km2) km²")
        // GEOS agrees with the shoelace sum.
        let engine = try GeometryEngine()
        let geosKm2 = try projected.reduce(0.0) { $0 + (try engine.area($1.geometry!)) } / 1e6
        #expect(isClose(geosKm2, km2, relative: 1e-9))
    }

    @Test("R1: zero invalid polygons after assembly")
    func allValid() throws {
        let invalid = try LayerInspector.invalidFeatures(in: try layer())
        #expect(invalid.isEmpty, "invalid: \(invalid.prefix(5))")
    }

    @Test("R1: the three LSOAs with nested rings come out valid, with their holes")
    func nestedShellLSOAs() throws {
        let layer = try layer()
        let engine = try GeometryEngine()
        let code = try #require(layer.schema.index(of: "LSOA11CD"))
        for lsoa in Self.nestedShellLSOAs {
            let feature = try #require(layer.features.first { $0.values[code] == .string(lsoa) })
            let geometry = try #require(feature.geometry)
            #expect(try engine.validity(of: geometry).isValid, "\(lsoa)")
            #expect(geometry.polygons.contains { !$0.holes.isEmpty }, "\(lsoa) should have a hole")
            // Read naively — every ring its own shell — GEOS calls the same record invalid:
            // this is the mistake R1 warns about, and what assembly by orientation avoids.
            let naive = Geometry.multiPolygon(geometry.polygons.flatMap { $0.rings.map { Polygon(exterior: $0) } })
            let report = try engine.validity(of: naive)
            #expect(!report.isValid && report.reason == "Nested shells", "\(lsoa): \(report)")
        }
    }
}
