import Foundation

/// LSOA values aggregated to wards (or any polygon layer) two ways:
/// - **best fit**: each LSOA goes whole to the ward containing its population-weighted centroid
///   (the ONS best-fit rule; a point on the LSOA's surface when no centroid is given);
/// - **area overlap**: each LSOA's population is shared among the wards it overlaps in proportion
///   to the overlapping area (GEOS intersection).
///
/// The ward measure is the population-weighted mean IMD score (or, when the table has no scores,
/// the population-weighted mean national rank), with a rank (1 = most deprived) and decile within
/// the wards reached.
public struct WardAggregation: Sendable {
    /// One ward with the LSOAs assigned to it.
    public struct Ward: Sendable {
        /// Ward code.
        public var code: String
        /// Ward name.
        public var name: String
        /// LSOAs assigned by best fit.
        public var lsoaCount: Int
        /// People of the LSOAs assigned by best fit.
        public var populationBestFit: Double
        /// People shared to the ward by area overlap.
        public var populationOverlap: Double
        /// Population-weighted mean score (or mean rank, see ``WardAggregation/measure``).
        public var measureBestFit: Double?
        /// The measure by area overlap.
        public var measureOverlap: Double?
        /// Rank within the wards, 1 = most deprived (best-fit measure).
        public var rank: Int?
        /// Decile within the wards by count, 1 = most deprived (best-fit measure).
        public var decile: Int?
    }
    /// "IMD score" or "IMD rank".
    public var measure: String
    /// Every ward reached, in the order of the ward layer.
    public var wards: [Ward]
    /// Per LSOA (in the order given): index into ``wards`` by best fit, or -1.
    public var bestFit: [Int]
    /// How the best-fit point was found: "population-weighted centroids" or "points on surface".
    public var bestFitPoints: String
    /// LSOAs whose best-fit point fell in no ward.
    public var unassigned: [String]
    /// Agreement of the best fit with the ONS LSOA → ward lookup: (same ward, LSOAs in both).
    public var lookupAgreement: (agree: Int, compared: Int)?

    /// Aggregates.
    /// - Parameters:
    ///   - lsoas: the LSOA areas.
    ///   - population: per LSOA (nil → 0 and reported by the caller).
    ///   - records: per LSOA IMD record.
    ///   - centroids: population-weighted centroids by LSOA code, in the areas' CRS.
    ///   - wards: ward polygons in the same CRS.
    ///   - geography: the ONS lookup to compare the best fit with.
    /// - Throws: `GEOSError`.
    public static func aggregate(lsoas: Areas, population: [Double?], records: [DeprivationRecord?], centroids: [String: Coordinate]?,
                                 wards: Areas, geography: AreaGeography?) throws -> WardAggregation {
        let engine = try GeometryEngine()
        let (fixed, _) = try PointJoin.repairInvalid(wards.geometries, labels: wards.codes)
        let indexable = fixed.indices.filter { fixed[$0] != nil }
        let index = try SpatialIndex(engine: engine, geometries: indexable.map { fixed[$0]! })
        let useScore = records.allSatisfy { $0 == nil || $0!.index.score != nil } && records.contains { $0?.index.score != nil }
        func value(_ r: DeprivationRecord?) -> Double? { useScore ? r?.index.score : r?.index.rank.map(Double.init) }

        var bestFit = [Int](repeating: -1, count: lsoas.codes.count)
        var unassigned: [String] = []
        var sums = [String: (pop: Double, weighted: Double, popValue: Double, count: Int, popO: Double, weightedO: Double, popValueO: Double)]()
        var usedCentroids = 0
        for i in lsoas.codes.indices {
            guard let g = lsoas.layer.features[i].geometry else { continue }
            var point = centroids?[lsoas.codes[i]]
            if point != nil { usedCentroids += 1 } else { point = try engine.pointOnSurface(g) }
            let pop = population[i] ?? 0
            let v = value(records[i])
            if let point {
                var hit = try index.intersecting(point).first.map { indexable[$0] }
                if hit == nil, let near = try index.nearest(to: point) { hit = indexable[near.index] }
                if let w = hit {
                    bestFit[i] = w
                    var s = sums[wards.codes[w]] ?? (0, 0, 0, 0, 0, 0, 0)
                    s.count += 1
                    s.pop += pop
                    if let v { s.weighted += pop * v; s.popValue += pop }
                    sums[wards.codes[w]] = s
                } else {
                    unassigned.append(lsoas.codes[i])
                }
            }
            // Area overlap.
            let area = try engine.area(g)
            guard area > 0 else { continue }
            for c in try index.candidates(intersecting: g.envelope) {
                let w = indexable[c]
                guard try index.prepared(at: c).intersects(g), let part = try engine.intersection(g, fixed[w]!) else { continue }
                let share = try engine.area(part) / area
                guard share > 1e-9 else { continue }
                var s = sums[wards.codes[w]] ?? (0, 0, 0, 0, 0, 0, 0)
                s.popO += pop * share
                if let v { s.weightedO += pop * share * v; s.popValueO += pop * share }
                sums[wards.codes[w]] = s
            }
        }
        let wardIndex = wards.indexByCode()
        var rows: [Ward] = sums.keys.sorted().map { code in
            let s = sums[code]!
            let w = wardIndex[code]!
            return Ward(code: code, name: wards.names[w], lsoaCount: s.count, populationBestFit: s.pop, populationOverlap: s.popO,
                        measureBestFit: s.popValue > 0 ? s.weighted / s.popValue : nil,
                        measureOverlap: s.popValueO > 0 ? s.weightedO / s.popValueO : nil, rank: nil, decile: nil)
        }
        // Rank and decile within the wards reached by best fit: most deprived first.
        let order: [Double?] = rows.map { r in r.lsoaCount > 0 ? r.measureBestFit.map { useScore ? -$0 : $0 } : nil }
        let deciles = LocalDeciles.byCount(order: order)
        let ranked = rows.indices.filter { order[$0] != nil }.sorted { (order[$0]!, $0) < (order[$1]!, $1) }
        for (k, i) in ranked.enumerated() { rows[i].rank = k + 1 }
        for i in rows.indices { rows[i].decile = deciles[i] }
        let position = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1.code, $0) })
        let bestFitRows = bestFit.map { $0 >= 0 ? position[wards.codes[$0]] ?? -1 : -1 }
        var agreement: (Int, Int)?
        if let geography {
            var agree = 0, compared = 0
            for (i, code) in lsoas.codes.enumerated() {
                guard let ward = geography.entries[code]?.wardCode, !ward.isEmpty, bestFit[i] >= 0 else { continue }
                compared += 1
                if wards.codes[bestFit[i]] == ward { agree += 1 }
            }
            if compared > 0 { agreement = (agree, compared) }
        }
        let how = usedCentroids == lsoas.codes.count ? "population-weighted centroids"
            : usedCentroids == 0 ? "points on surface (no centroid file)" : "population-weighted centroids (\(lsoas.codes.count - usedCentroids) LSOAs without one: point on surface)"
        return WardAggregation(measure: useScore ? "IMD score" : "IMD rank", wards: rows, bestFit: bestFitRows, bestFitPoints: how,
                               unassigned: unassigned, lookupAgreement: agreement)
    }
}

/// Reads a centroid table (ONS population-weighted centroids): code column and either
/// easting/northing (EPSG:27700) or longitude/latitude (EPSG:4326), returned in `crs`.
/// - Throws: `CSVError`, `ProjectionError`.
public func readCentroids(path: String, crs: CRS) throws -> [String: Coordinate] {
    // Only the code and the two coordinates are needed: scanned straight from the table rather
    // than built into a layer of every column.
    let table = try CSVTable(path: path)
    let names = table.header.map(CSVTable.normalise)
    guard let code = names.firstIndex(where: { $0.contains("lsoa") && ($0.hasSuffix("cd") || $0.hasSuffix("code")) }) ?? names.firstIndex(of: "code") else {
        throw CSVError.unknownColumn(path: path, column: "LSOA code", header: table.header)
    }
    let (x, y, sourceCRS, _) = try CSVPointReader.coordinateColumns(table.header, options: CSVPointOptions(preferGeographic: crs.isGeographic), path: path)
    var codes: [String] = [], points: [Coordinate] = []
    codes.reserveCapacity(40_000)
    points.reserveCapacity(40_000)
    try table.forEachRow { row in
        let xText = row.trimmed(x), yText = row.trimmed(y)
        guard !xText.isEmpty, !yText.isEmpty else { return }   // no centroid: the area uses its polygon's
        guard let px = Double(xText), px.isFinite else { throw CSVError.badCoordinate(path: path, line: row.line, column: table.header[x], value: xText) }
        guard let py = Double(yText), py.isFinite else { throw CSVError.badCoordinate(path: path, line: row.line, column: table.header[y], value: yText) }
        if sourceCRS.isGeographic, abs(px) > 180 || abs(py) > 90 {
            throw CSVError.coordinateOutOfRange(path: path, line: row.line, column: table.header[abs(px) > 180 ? x : y], value: abs(px) > 180 ? px : py)
        }
        codes.append(row.trimmed(code))
        points.append(Coordinate(x: px, y: py))
    }
    var envelope = Envelope.empty
    for p in points { envelope.expand(toInclude: p) }
    try CoordinatePlausibilityError.check(envelope: envelope, crs: sourceCRS, path: path)
    let transformed = try transformPoints(points, from: sourceCRS, to: crs)
    var result: [String: Coordinate] = [:]
    result.reserveCapacity(codes.count)
    for (c, p) in zip(codes, transformed) where p.isFinite { result[c] = p }
    return result
}
