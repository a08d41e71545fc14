import DeprivationMap
import Foundation
import TestSupport
import Testing

/// Reference R1: every postcode of the Code-Point Open zip joined to `lsoa11_ew_bsc` (point in
/// polygon), and the agreement with the ONS postcode → LSOA 2011 lookup.
@Suite("R1 postcodes → LSOA 2011", .serialized)
struct ReferenceR1PostcodeTests {
    /// The join, computed once for the tests of this suite.
    static let shared: Result<(PostcodePoints, Areas, PointJoinResult, PointJoinResult), Error> = Result {
        let postcodes = try CodePointOpen.read(path: try TestData.path("postcodes/codepo_gb_2025-04.zip"))
        // Joined in British National Grid, the postcodes' own CRS: the polygons are transformed.
        let areas = try Areas.load(path: try TestData.path("boundaries/lsoa11_ew_bsc/lsoa11_ew_bsc_v3.shp")).reprojected(to: .britishNationalGrid)
        let points = postcodes.coordinates
        let plain = try PointJoin.join(points: points, polygons: areas.geometries, labels: areas.codes)
        // The nearest-polygon fallback within 1 km, beyond R1's farthest outside point (669 m).
        let fallback = try PointJoin.join(points: points, polygons: areas.geometries, labels: areas.codes,
                                          options: PointJoinOptions(nearestWithin: 1000))
        return (postcodes, areas, plain, fallback)
    }

    @Test("R1: 1,743,449 rows, 811 without coordinates, 1,742,638 points")
    func rowCounts() throws {
        let (postcodes, _, _, _) = try Self.shared.get()
        #expect(postcodes.rowCount == 1_743_449)
        #expect(postcodes.withoutCoordinates.count == 811)
        #expect(postcodes.postcodes.count == 1_742_638)
    }

    @Test("R1: 1,579,530 point–polygon pairs, England 1,487,494, Wales 92,034, none in two polygons")
    func pairs() throws {
        let (postcodes, _, result, _) = try Self.shared.get()
        #expect(result.pairCount == 1_579_530)
        #expect(result.multiple.isEmpty)
        // R1 counts by the postcode's country (Code-Point Open's country code).
        var england = 0, wales = 0
        for (i, a) in result.area.enumerated() where a >= 0 {
            if postcodes.countries[i] == "E92000001" { england += 1 } else if postcodes.countries[i] == "W92000004" { wales += 1 }
        }
        #expect(england == 1_487_494)
        #expect(wales == 92_034)
        #expect(result.unmatchedCount == 1_742_638 - 1_579_530)
    }

    @Test("R1: the nearest-polygon fallback picks up the England/Wales points just outside the clipped coast")
    func nearestFallback() throws {
        let (postcodes, _, plain, fallback) = try Self.shared.get()
        // R1: 1,785 unmatched points in England and Wales (1,627 + 158).
        let outsideEW = plain.unmatched.filter { postcodes.countries[$0] == "E92000001" || postcodes.countries[$0] == "W92000004" }
        #expect(outsideEW.count == 1_785)
        let recovered = outsideEW.filter { fallback.match[$0] == .nearest }.count
        #expect(recovered == 1_785, "every England/Wales point outside the clipped polygons is within 1 km of one")
        let distances = outsideEW.compactMap { fallback.nearestDistance[$0] }.sorted()
        // R1: nearest polygon median 35 m, max 669 m.
        #expect(isClose(distances[distances.count / 2], 35, within: 2))
        #expect(isClose(distances.last!, 669, within: 2))
        // Points inside a polygon keep the same polygon.
        #expect(zip(plain.area, fallback.area).allSatisfy { $0 < 0 || $0 == $1 })
    }

    @Test("R1: agreement with the ONS postcode → LSOA 2011 lookup ≥ 88.9%, with and without the fallback")
    func lookupAgreement() throws {
        let (postcodes, areas, plain, fallback) = try Self.shared.get()
        let lookup = try CSVTable(path: try TestData.path("postcodes/PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.7z"))
        let pcds = try lookup.requireColumn(["pcds"], purpose: "pcds")
        let lsoa = try lookup.requireColumn(["lsoa11cd"], purpose: "lsoa11cd")
        var official: [String: String] = [:]
        official.reserveCapacity(2_700_000)
        try lookup.forEachRow { row in
            let code = row.trimmed(lsoa)
            if code.hasPrefix("E01") || code.hasPrefix("W01") { official[row.trimmed(pcds)] = code }
        }
        // Compared: the England/Wales postcodes (Code-Point country code) with a position that the
        // lookup also has; a postcode outside every polygon counts as a disagreement.
        func agreement(_ r: PointJoinResult) -> (Int, Int) {
            var agree = 0, compared = 0
            for (i, a) in r.area.enumerated() where postcodes.countries[i] == "E92000001" || postcodes.countries[i] == "W92000004" {
                guard let code = official[postcodes.postcodes[i]] else { continue }
                compared += 1
                if a >= 0, areas.codes[Int(a)] == code { agree += 1 }
            }
            return (agree, compared)
        }
        let (agree, compared) = agreement(plain)
        #expect(compared == 1_555_182, "R1: 1,555,182 England/Wales postcodes found in both")
        // R1 quotes the share to one decimal (88.9%): 1,382,376 / 1,555,182 = 88.888% rounds to it.
        let percent = 100 * Double(agree) / Double(compared)
        #expect((percent * 10).rounded() / 10 >= 88.9)
        let (agreeF, comparedF) = agreement(fallback)
        #expect(comparedF == compared)
        #expect(agreeF > agree)
        #expect(100 * Double(agreeF) / Double(comparedF) >= 88.9)
        print(String(format: "R1 agreement: %d of %d = %.3f%% (%d = %.3f%% with the 1 km nearest fallback)",
                     agree, compared, 100 * Double(agree) / Double(compared), agreeF, 100 * Double(agreeF) / Double(comparedF)))
    }
}
