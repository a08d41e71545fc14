import Foundation
import GeoProjection

/// Where a stop is, in the words a driver and a planner use.
public struct StopPlace: Sendable, Hashable {
    /// The nearest postcode (Code-Point Open) and how far it is, metres; `nil` without postcodes.
    public var postcode: String?
    /// Metres from the stop to that postcode's point.
    public var postcodeMetres: Double?
    /// Ward and district of the stop's area (ONS best-fit lookup); empty when unknown.
    public var ward: String
    /// The district.
    public var district: String
    /// Longitude and latitude (WGS84).
    public var lonLat: Coordinate
}

extension FoodVanPlan {
    /// Places every stop: its nearest postcode (from `postcodes`, EPSG:27700), the ward and district
    /// of its area (from `geography`), and its longitude and latitude.
    /// - Throws: `ProjectionError`.
    public mutating func locateStops(postcodes: PostcodePoints?, geography: AreaGeography?) throws {
        guard !stops.isEmpty else { return }
        let toLonLat = try ThreadProjection.current().transformer(from: .britishNationalGrid, to: .wgs84)
        // Postcodes within 5 km of the stops' box: enough for the nearest, far fewer to index.
        var index: [Int] = []
        if let postcodes {
            let box = Envelope(covering: stops.map(\.point))
            for i in postcodes.coordinates.indices {
                let c = postcodes.coordinates[i]
                if c.x >= box.minX - 5000, c.x <= box.maxX + 5000, c.y >= box.minY - 5000, c.y <= box.maxY + 5000 { index.append(i) }
            }
        }
        let tree = index.isEmpty ? nil : PointTree(index.map { postcodes!.coordinates[$0] })
        for k in stops.indices {
            let s = stops[k]
            let entry = geography?.entries[s.areaCode]
            var place = StopPlace(postcode: nil, postcodeMetres: nil, ward: entry?.wardName ?? "", district: entry?.districtName ?? "",
                                  lonLat: try toLonLat.transform(s.point))
            if let tree, let hit = tree.nearest(s.point, k: 1).first {
                place.postcode = postcodes!.postcodes[index[hit.index]]
                place.postcodeMetres = hit.distance
            }
            stops[k].place = place
        }
    }
}
