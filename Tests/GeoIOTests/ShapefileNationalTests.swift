import GeoCore
import GeoIO
import TestSupport
import Testing

@Suite("Shapefile reader on the national boundary files")
struct ShapefileNationalTests {
    @Test("lsoa21_ew_bgc: 35,672 polygons, fields, CRS EPSG:4326, UTF-8 from .cpg")
    func lsoa21() throws {
        let reader = try ShapefileReader(path: TestData.path("boundaries/lsoa21_ew_bgc/lsoa21_ew_bgc.shp"))
        #expect(reader.count == 35_672)
        #expect(reader.shapeType == .polygon)
        #expect(reader.crs.epsg == 4326)
        #expect(reader.encoding == .utf8)
        #expect(reader.schema.names == ["LSOA21CD", "LSOA21NM", "LADCD", "UTLACD", "RGNCD"])
        #expect(reader.schema.fields[0] == FieldDefinition(name: "LSOA21CD", type: .string, width: 9, decimals: 0))
        let layer = try reader.readAll()
        #expect(layer.features.count == 35_672)
        #expect(layer.features.allSatisfy { $0.geometry != nil })
        // Extent as ogrinfo prints it for this file.
        let env = layer.envelope
        #expect(isClose(env.minX, -6.418601, within: 1e-6) && isClose(env.maxX, 1.763680, within: 1e-6))
        #expect(isClose(env.minY, 49.864798, within: 1e-6) && isClose(env.maxY, 55.811120, within: 1e-6))
        #expect(reader.report.holesKeptAsShells.isEmpty)
    }

    // Reference R1: 34,753 polygons, 430,993 vertices, 290 multipolygons.
    @Test("lsoa11_ew_bsc: R1 counts of features, vertices and multipolygons")
    func lsoa11Counts() throws {
        let reader = try ShapefileReader(path: TestData.path("boundaries/lsoa11_ew_bsc/lsoa11_ew_bsc_v3.shp"))
        let layer = try reader.readAll()
        #expect(layer.features.count == 34_753)
        let vertices = layer.features.reduce(0) { $0 + ($1.geometry?.coordinateCount ?? 0) }
        #expect(vertices == 430_993)
        let multi = layer.features.filter { $0.geometry?.kind == .multiPolygon }.count
        #expect(multi == 290)
        #expect(reader.schema.fields.map(\.type) == [.string, .string, .integer, .integer, .real, .real])
        #expect(layer.value("LSOA11CD", at: 0) == .string("E01000001"))
        #expect(layer.value("LSOA11NM", at: 0) == .string("City of London 001A"))
    }
}
