import Foundation
import GeoCore
import GeoIO
import TestSupport
import Testing

private func read(_ text: String, options: CSVPointOptions = CSVPointOptions(), bom: Bool = false) throws -> (FeatureLayer, ReadReport) {
    let bytes = (bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
    return try bytes.withUnsafeBufferPointer { try CSVPointReader.read(bytes: $0, source: "t.csv", layerName: "t", options: options) }
}

@Suite("CSV point tables")
struct CSVTests {
    @Test("BOM, quotes with delimiters, doubled quotes and line breaks, CRLF")
    func quoting() throws {
        let (layer, _) = try read("name,lon,lat\r\n\"Smith, \"\"Jo\"\"\nSurgery\",-0.1276,51.5072\r\nPlain,0.7,51.5\r\n", bom: true)
        #expect(layer.schema.names == ["name", "lon", "lat"])
        #expect(layer.features.count == 2)
        #expect(layer.features[0].values[0] == .string("Smith, \"Jo\"\nSurgery"))
        #expect(layer.features[0].geometry == .point(Coordinate(x: -0.1276, y: 51.5072)))
        #expect(layer.crs == .wgs84)
    }

    @Test("Semicolon and tab delimiters are detected")
    func delimiters() throws {
        #expect(try read("id;easting;northing\n1;530043;180358\n").0.crs == .britishNationalGrid)
        let (tabbed, _) = try read("id\tbng_e\tbng_n\n1\t530043\t180358\n")
        #expect(tabbed.features[0].geometry == .point(Coordinate(x: 530043, y: 180358)))
    }

    @Test("Column names of the real files are recognised; eastings/northings preferred unless asked")
    func recognisedColumns() throws {
        let both = "lsoa21_code,latitude,longitude,easting,northing\nE01000001,51.518,-0.0967,532151.2,181615.2\n"
        let (projected, report) = try read(both)
        #expect(projected.crs == .britishNationalGrid)
        #expect(report.crsSource.contains("easting/northing"))
        let (geographic, _) = try read(both, options: CSVPointOptions(preferGeographic: true))
        #expect(geographic.crs == .wgs84)
        #expect(geographic.features[0].geometry == .point(Coordinate(x: -0.0967, y: 51.518)))
        #expect(try read("id,long_wgs,lat_wgs\n1,0.4,51.5\n").0.crs == .wgs84)
        #expect(try read("pc,pq,e,n\nCB9 7AB,10,566500,243023\n").0.crs == .britishNationalGrid)
    }

    @Test("Real files: Geolytix (lon/lat), GP practices (eastings/northings)")
    func realFiles() throws {
        let (shops, _) = try CSVPointReader.read(path: TestData.path("services/retail/geolytix_retail_points_v24_202206_mse.csv"))
        #expect(shops.features.count == 293)
        #expect(shops.crs == .wgs84)
        #expect(shops.schema.fields.first?.type == .integer) // id
        let (gps, report) = try CSVPointReader.read(path: TestData.path("services/gp/gp_practices_active_2025-05_geocoded.csv"))
        #expect(gps.crs == .britishNationalGrid)
        #expect(gps.features.count + report.skippedLines.count == 6_651)
        #expect(gps.schema.fields[gps.schema.index(of: "code")!].type == .string)
    }

    @Test("Column types: codes with leading zeros stay text; empty cells are null")
    func types() throws {
        let (layer, _) = try read("code,count,share,x,y\n00123,5,0.5,1,2\n00456,,1e-3,3,4\n", options: CSVPointOptions(crs: .britishNationalGrid))
        #expect(layer.schema.fields.map(\.type) == [.string, .integer, .real, .integer, .integer])
        #expect(layer.features[1].values[1] == .null)
    }

    @Test("Rows without coordinates are skipped and reported with their line numbers")
    func missingCoordinates() throws {
        let (layer, report) = try read("id,lon,lat\n1,0.1,51\n2,,\n3,NA,NA\n4,0.2,51.1\n")
        #expect(layer.features.count == 2)
        #expect(report.skippedLines.map(\.line) == [3, 4])
        #expect(report.notes.first?.contains("line 3") == true)
    }

    @Test("A non-numeric coordinate is an error naming line, column and value")
    func badCoordinate() throws {
        #expect(throws: CSVError.badCoordinate(path: "t.csv", line: 3, column: "lat", value: "fifty-one")) {
            try read("id,lon,lat\n1,0.1,51\n2,0.2,fifty-one\n")
        }
        #expect(throws: CSVError.coordinateOutOfRange(path: "t.csv", line: 2, column: "lat", value: 181)) {
            try read("id,lon,lat\n1,51,181\n")
        }
    }

    @Test("Structural errors: wrong field count, unterminated quote, no coordinate columns, unknown CRS")
    func structural() throws {
        #expect(throws: CSVError.wrongFieldCount(path: "t.csv", line: 3, expected: 3, got: 4)) { try read("id,lon,lat\n1,0,51\n2,0,51,x\n") }
        #expect(throws: CSVError.unterminatedQuote(path: "t.csv", line: 2)) { try read("id,lon,lat\n\"1,0,51\n") }
        #expect(throws: CSVError.coordinateColumnsNotFound(path: "t.csv", header: ["id", "a", "b"])) { try read("id,a,b\n1,0,51\n") }
        #expect(throws: CSVError.crsUnknown(path: "t.csv", xColumn: "X", yColumn: "Y")) { try read("id,X,Y\n1,0,51\n") }
        #expect(throws: CSVError.crsUnknown(path: "t.csv", xColumn: "a", yColumn: "b")) {
            try read("id,a,b\n1,0,51\n", options: CSVPointOptions(xColumn: "a", yColumn: "b"))
        }
        #expect(try read("id,a,b\n1,0,51\n", options: CSVPointOptions(xColumn: "a", yColumn: "b", crs: .wgs84)).0.features.count == 1)
        #expect(throws: CSVError.empty(path: "t.csv")) { try read("") }
    }

    @Test("Latin-1 text with --encoding")
    func latin1() throws {
        let bytes: [UInt8] = Array("name,lon,lat\nYnys M".utf8) + [0xF4] + Array("n,-4.3,53.3\n".utf8)
        let options = CSVPointOptions(encoding: .latin1)
        let (layer, _) = try bytes.withUnsafeBufferPointer { try CSVPointReader.read(bytes: $0, source: "w.csv", layerName: "w", options: options) }
        #expect(layer.features[0].values[0] == .string("Ynys Môn"))
        #expect(throws: CSVError.badEncoding(path: "w.csv", line: 2)) {
            try bytes.withUnsafeBufferPointer { try CSVPointReader.read(bytes: $0, source: "w.csv", layerName: "w") }
        }
    }
}
