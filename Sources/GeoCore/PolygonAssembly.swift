/// Turns a flat list of rings (as shapefiles store them) into polygons with holes.
///
/// The rule is the ESRI one: clockwise rings are shells, counter-clockwise rings are holes. Each
/// hole goes to the *smallest* shell that contains it, so a hole inside an island inside a lake
/// is attached to the island and not to the outer shell. A counter-clockwise ring that no shell
/// contains cannot be a hole; it is kept as a shell and reported as such.
///
/// ```swift
/// let result = PolygonAssembler.assemble(rings)
/// let geometry = result.geometry       // .polygon or .multiPolygon
/// if !result.orphanHoleIndices.isEmpty { /* report */ }
/// ```
public enum PolygonAssembler {
    /// The outcome of assembling one record's rings.
    public struct Result: Sendable {
        /// `.polygon` for one shell, `.multiPolygon` for several; `nil` when there were no rings.
        public var geometry: Geometry?
        /// Indices (into the input) of counter-clockwise rings that no shell contains; each was
        /// kept as a shell of its own.
        public var orphanHoleIndices: [Int]
        /// Indices of rings with zero area (degenerate); kept as shells so nothing is lost.
        public var zeroAreaRingIndices: [Int]
    }

    /// Assembles `rings` into polygons.
    ///
    /// - Parameter rings: closed rings in file order, shells clockwise and holes counter-clockwise.
    /// - Returns: the polygon(s) with the orientation of the input preserved, and what could not
    ///   be placed by the rule.
    /// - Complexity: O(h · s · n) in the worst case for h holes and s shells, pruned by envelopes.
    public static func assemble(_ rings: [LinearRing]) -> Result {
        guard !rings.isEmpty else { return Result(geometry: nil, orphanHoleIndices: [], zeroAreaRingIndices: []) }
        if rings.count == 1 {
            let zero = rings[0].signedArea == 0 ? [0] : []
            return Result(geometry: .polygon(Polygon(exterior: rings[0])), orphanHoleIndices: [], zeroAreaRingIndices: zero)
        }

        var shells: [(index: Int, ring: LinearRing, area: Double, envelope: Envelope)] = []
        var holes: [(index: Int, ring: LinearRing)] = []
        var zeroArea: [Int] = []
        for (i, ring) in rings.enumerated() {
            let signed = ring.signedArea
            if signed < 0 {
                shells.append((i, ring, -signed, ring.envelope))
            } else if signed > 0 {
                holes.append((i, ring))
            } else {
                zeroArea.append(i)
                shells.append((i, ring, 0, ring.envelope))
            }
        }

        var holesOfShell = [[LinearRing]](repeating: [], count: shells.count)
        var orphans: [Int] = []
        var orphanShells: [(index: Int, ring: LinearRing, area: Double, envelope: Envelope)] = []
        // Only clockwise rings can take holes: orphans are added after the search, so that many
        // orphans (a file written with the opposite orientation) stay O(h · s), not O(h²).
        for hole in holes {
            let holeEnvelope = hole.ring.envelope
            var best: Int?
            for (s, shell) in shells.enumerated() where shell.area > 0 && shell.envelope.contains(holeEnvelope) {
                if let b = best, shells[b].area <= shell.area { continue }
                if contains(shell.ring, hole.ring) { best = s }
            }
            if let b = best {
                holesOfShell[b].append(hole.ring)
            } else {
                orphans.append(hole.index)
                orphanShells.append((hole.index, hole.ring, hole.ring.area, holeEnvelope))
            }
        }
        shells += orphanShells
        holesOfShell += [[LinearRing]](repeating: [], count: orphanShells.count)

        // Keep shells in file order so output is stable and mirrors the source.
        let order = shells.indices.sorted { shells[$0].index < shells[$1].index }
        let polygons = order.map { Polygon(exterior: shells[$0].ring, holes: holesOfShell[$0]) }
        let geometry: Geometry = polygons.count == 1 ? .polygon(polygons[0]) : .multiPolygon(polygons)
        return Result(geometry: geometry, orphanHoleIndices: orphans, zeroAreaRingIndices: zeroArea)
    }

    /// `true` when `inner` lies inside `outer`: decided by the first vertex of `inner` that is not
    /// on `outer`'s boundary (rings of a valid polygon may touch at single points).
    static func contains(_ outer: LinearRing, _ inner: LinearRing) -> Bool {
        for c in inner.coordinates {
            switch outer.locate(c) {
            case .interior: return true
            case .exterior: return false
            case .boundary: continue
            }
        }
        // Every vertex on the boundary: the rings coincide; treat as contained.
        return true
    }
}
