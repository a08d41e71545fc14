import GeoCore
import GeoProjection

/// Coordinates that contradict the CRS they are declared in: longitudes and latitudes in a file
/// whose `.prj` says British National Grid, eastings in a GeoJSON, a layer far outside the
/// CRS's area of use. Reading such a file "successfully" would only move every point to the
/// wrong place, so the reader refuses it and names the likely CRS.
public struct CoordinatePlausibilityError: Error, Sendable, Equatable, AdvisedError {
    /// What the coordinates look like.
    public enum Finding: Sendable, Equatable {
        /// Every coordinate fits longitude/latitude ranges, but the CRS is projected (metres).
        case looksGeographic
        /// The CRS is longitude/latitude but coordinates are beyond ±180/±90.
        case looksProjected
        /// The layer lies wholly outside the CRS's area of use.
        case outsideAreaOfUse(areaOfUse: Envelope)
    }

    /// The file read.
    public var path: String
    /// The declared CRS, as described by ``CRS/description``.
    public var crs: String
    /// The layer's bounding box, in the declared CRS's units.
    public var envelope: Envelope
    /// What the coordinates look like.
    public var finding: Finding

    private var source: String { PostGISSource.isAddress(path) ? "table (its geometries' SRID)" : "file" }

    public var problem: String {
        let box = "x \(Self.format(envelope.minX)) to \(Self.format(envelope.maxX)), y \(Self.format(envelope.minY)) to \(Self.format(envelope.maxY))"
        switch finding {
        case .looksGeographic:
            return "\(path): the coordinates (\(box)) look like longitude/latitude, but the \(source) declares \(crs), whose coordinates are metres."
        case .looksProjected:
            return "\(path): the coordinates (\(box)) cannot be longitude/latitude, but the \(source) declares \(crs)."
        case .outsideAreaOfUse(let area):
            return "\(path): the coordinates (\(box)) lie outside the area where \(crs) is used (x \(Self.format(area.minX)) to \(Self.format(area.maxX)), y \(Self.format(area.minY)) to \(Self.format(area.maxY))). The declared CRS is probably wrong."
        }
    }

    public var advice: Advice? {
        if PostGISSource.isAddress(path) {
            // A table's SRID is fixed in the database, or overridden in a query.
            let srid: String
            switch finding {
            case .looksGeographic: srid = "4326"
            case .looksProjected: srid = "27700"
            case .outsideAreaOfUse: srid = "the real EPSG code"
            }
            return "set the right SRID in the database (SELECT UpdateGeometrySRID('schema', 'table', 'geom', \(srid))), or read it with ?query=SELECT …, ST_SetSRID(geom, \(srid)) AS geom FROM …"
        }
        switch finding {
        case .looksGeographic: return "declare the real CRS: \(Setting.crs) EPSG:4326 (or fix the .prj)"
        case .looksProjected: return "for eastings/northings declare the CRS: \(Setting.crs) EPSG:27700 (or fix the file's CRS)"
        case .outsideAreaOfUse: return "declare the real one with \(Setting.crs)"
        }
    }

    static func format(_ v: Double) -> String {
        abs(v) >= 1000 ? String(Int(saturating: v)) : String(Double(Int(saturating: v * 1000)) / 1000)
    }

    /// Refuses `envelope` when it contradicts `crs` (see ``Finding``).
    ///
    /// The area-of-use test allows a margin of 10% of the area's size, so coastal and offshore
    /// data just outside the published bounds still read.
    /// - Throws: ``CoordinatePlausibilityError``.
    public static func check(envelope: Envelope, crs: CRS, path: String, projection: ProjectionContext? = nil) throws {
        guard envelope.minX.isFinite, envelope.minY.isFinite, envelope.maxX.isFinite, envelope.maxY.isFinite,
              envelope.minX <= envelope.maxX, envelope.minY <= envelope.maxY else { return }
        let fitsLonLat = envelope.minX >= -180 && envelope.maxX <= 180 && envelope.minY >= -90 && envelope.maxY <= 90
        // The caller's context when given; else the thread's, which asks proj.db once per CRS.
        let area = try? (projection.map { try $0.boundsOfUse(for: crs) } ?? ThreadProjection.current().boundsOfUse(for: crs))
        if crs.isGeographic {
            guard fitsLonLat else {
                throw CoordinatePlausibilityError(path: path, crs: crs.description, envelope: envelope, finding: .looksProjected)
            }
        } else if fitsLonLat, let area, area.maxX - area.minX > 10_000 {
            // A projected CRS in metres whose whole layer fits inside ±180 × ±90: a few hundred
            // metres around the false origin. Real data are never there; lon/lat always are.
            throw CoordinatePlausibilityError(path: path, crs: crs.description, envelope: envelope, finding: .looksGeographic)
        }
        if let area {
            let mx = (area.maxX - area.minX) * 0.1, my = (area.maxY - area.minY) * 0.1
            let outside = envelope.maxX < area.minX - mx || envelope.minX > area.maxX + mx
                || envelope.maxY < area.minY - my || envelope.minY > area.maxY + my
            if outside {
                throw CoordinatePlausibilityError(path: path, crs: crs.description, envelope: envelope, finding: .outsideAreaOfUse(areaOfUse: area))
            }
        }
    }
}
