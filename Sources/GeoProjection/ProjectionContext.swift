import CPROJ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GeoCore

/// Settings for PROJ that every thread's context shares. A plain value, so it can be sent to
/// worker threads, each of which builds its own ``ProjectionContext`` from it.
public struct ProjectionOptions: Sendable, Hashable {
    /// Extra folders searched for transformation grids before PROJ's own data folder. Put the
    /// OSTN15 grid (`OSTN15_NTv2_OSGBtoETRS.gsb` or `uk_os_OSTN15_NTv2_OSGBtoETRS.tif`) in one
    /// of these to get the sub-metre British National Grid transformation instead of the ~2 m
    /// Helmert fit.
    public var gridDirectories: [String]

    /// Creates options.
    public init(gridDirectories: [String] = []) {
        self.gridDirectories = gridDirectories
    }
}

/// One PROJ context (`PJ_CONTEXT`). PROJ objects must not be shared between threads, so create
/// one context per thread and the transformers from it.
///
/// Errors PROJ reports are captured here (never printed) and surface as ``ProjectionError``.
///
/// ```swift
/// let context = try ProjectionContext()
/// let toBNG = try context.transformer(from: .wgs84, to: .britishNationalGrid)
/// let en = try toBNG.transform(Coordinate(x: -0.1276, y: 51.5072))
/// ```
public final class ProjectionContext {
    let handle: OpaquePointer
    /// The options this context was created with.
    public let options: ProjectionOptions
    private let messages: MessageBox

    /// Creates a context.
    /// - Throws: ``ProjectionError/gridDirectoryMissing(path:)`` when a grid directory does not
    ///   exist; ``ProjectionError/contextCreationFailed`` when PROJ fails.
    public init(options: ProjectionOptions = ProjectionOptions()) throws {
        for dir in options.gridDirectories {
            var isDir: stat = stat()
            guard stat(dir, &isDir) == 0, (isDir.st_mode & S_IFMT) == S_IFDIR else {
                throw ProjectionError.gridDirectoryMissing(path: dir)
            }
        }
        // proj_context_create: new context owned by us, NULL on failure.
        guard let ctx = proj_context_create() else { throw ProjectionError.contextCreationFailed }
        self.handle = ctx
        self.options = options
        self.messages = MessageBox()
        proj_log_func(ctx, Unmanaged.passUnretained(messages).toOpaque()) { userData, level, message in
            guard let userData, let message else { return }
            let box = Unmanaged<MessageBox>.fromOpaque(userData).takeUnretainedValue()
            if level <= Int32(PJ_LOG_ERROR.rawValue) { box.last = String(cString: message) }
        }
        proj_log_level(ctx, PJ_LOG_ERROR)
        proj_context_set_enable_network(ctx, 0)
        if !options.gridDirectories.isEmpty {
            // The search path replaces PROJ's, so keep the folder of proj.db after the user's ones.
            var paths = options.gridDirectories
            if let db = proj_context_get_database_path(ctx) {
                let dbPath = String(cString: db)
                if let slash = dbPath.lastIndex(of: "/") { paths.append(String(dbPath[..<slash])) }
            }
            var cStrings = paths.map { strdup($0) }
            defer { cStrings.forEach { free($0) } }
            cStrings.withUnsafeMutableBufferPointer { buffer in
                buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { p in
                    proj_context_set_search_paths(ctx, Int32(p.count), p.baseAddress)
                }
            }
        }
    }

    deinit {
        proj_context_destroy(handle)
    }

    /// The text of the last error PROJ reported on this context, or of its errno.
    func lastError() -> String {
        defer { messages.last = nil }
        if let message = messages.last { return message }
        let errno = proj_context_errno(handle)
        if errno != 0, let text = proj_context_errno_string(handle, errno) { return String(cString: text) }
        return "no reason given by PROJ"
    }

    /// Creates the PROJ object for `crs`.
    func makeCRSObject(_ crs: CRS) throws -> ProjObject {
        proj_errno_reset(nil)
        // proj_create: new object owned by us, NULL on error.
        guard let pj = proj_create(handle, crs.definition) else {
            throw ProjectionError.unknownCRS(definition: crs.definition, reason: lastError())
        }
        let object = ProjObject(pj, owner: self)
        guard isCRS(object.pointer) else {
            throw ProjectionError.unknownCRS(definition: crs.definition, reason: "it is not a coordinate reference system")
        }
        return object
    }

    private func isCRS(_ pj: OpaquePointer) -> Bool {
        switch proj_get_type(pj) {
        case PJ_TYPE_GEOGRAPHIC_2D_CRS, PJ_TYPE_GEOGRAPHIC_3D_CRS, PJ_TYPE_GEOCENTRIC_CRS, PJ_TYPE_GEOGRAPHIC_CRS,
             PJ_TYPE_PROJECTED_CRS, PJ_TYPE_COMPOUND_CRS, PJ_TYPE_BOUND_CRS, PJ_TYPE_VERTICAL_CRS,
             PJ_TYPE_ENGINEERING_CRS, PJ_TYPE_TEMPORAL_CRS, PJ_TYPE_OTHER_CRS, PJ_TYPE_CRS:
            return true
        default:
            return false
        }
    }

    /// Resolves `crs` with PROJ: checks that PROJ understands it, fills in its name and, for WKT
    /// or PROJ strings, the EPSG code PROJ identifies with confidence of at least `minimumConfidence`
    /// percent (ESRI `.prj` files of WGS 84 and British National Grid identify at 100%).
    /// - Throws: ``ProjectionError/unknownCRS(definition:reason:)``.
    public func resolve(_ crs: CRS, minimumConfidence: Int = 70) throws -> CRS {
        let object = try makeCRSObject(crs)
        let name = proj_get_name(object.pointer).map { String(cString: $0) }
        if let epsg = crs.epsg { return CRS(epsg: epsg, name: name ?? crs.name) }
        if let auth = proj_get_id_auth_name(object.pointer, 0), String(cString: auth) == "EPSG",
           let code = proj_get_id_code(object.pointer, 0), let n = Int(String(cString: code)) {
            return CRS(definition: crs.definition, epsg: n, name: name)
        }
        var confidence: UnsafeMutablePointer<Int32>?
        // proj_identify: new list owned by us (or NULL), confidences freed with proj_int_list_destroy.
        if let list = proj_identify(handle, object.pointer, "EPSG", nil, &confidence) {
            defer {
                proj_list_destroy(list)
                proj_int_list_destroy(confidence)
            }
            if proj_list_get_count(list) > 0, let confidence, confidence[0] >= Int32(minimumConfidence),
               let best = proj_list_get(handle, list, 0) {
                let bestObject = ProjObject(best, owner: self)
                if let code = proj_get_id_code(bestObject.pointer, 0), let n = Int(String(cString: code)) {
                    let bestName = proj_get_name(bestObject.pointer).map { String(cString: $0) }
                    return CRS(definition: crs.definition, epsg: n, name: bestName ?? name)
                }
            }
        }
        return CRS(definition: crs.definition, epsg: nil, name: name)
    }

    /// The CRS as ESRI WKT, the dialect shapefile `.prj` files use.
    /// - Throws: ``ProjectionError/unknownCRS(definition:reason:)``.
    public func esriWKT(for crs: CRS) throws -> String {
        let object = try makeCRSObject(crs)
        guard let wkt = proj_as_wkt(handle, object.pointer, PJ_WKT1_ESRI, nil) else {
            throw ProjectionError.unknownCRS(definition: crs.definition, reason: "PROJ cannot write it as ESRI WKT: \(lastError())")
        }
        return String(cString: wkt)
    }

    /// The CRS as OGC WKT 1 (GDAL's dialect), as GeoPackage's `gpkg_spatial_ref_sys` holds it.
    /// - Throws: ``ProjectionError/unknownCRS(definition:reason:)``.
    public func ogcWKT(for crs: CRS) throws -> String {
        let object = try makeCRSObject(crs)
        guard let wkt = proj_as_wkt(handle, object.pointer, PJ_WKT1_GDAL, nil) else {
            throw ProjectionError.unknownCRS(definition: crs.definition, reason: "PROJ cannot write it as WKT: \(lastError())")
        }
        return String(cString: wkt)
    }

    /// The area where `crs` is meant to be used (PROJ's area of use, from the EPSG database), in
    /// the CRS's own units: degrees for a geographic CRS, metres for British National Grid
    /// (about −104,000 to 689,000 E and −16,600 to 1,257,000 N). `nil` when PROJ has no area of use
    /// for it (a custom WKT, say) or the bounds cannot be transformed.
    /// - Throws: ``ProjectionError/unknownCRS(definition:reason:)``.
    public func boundsOfUse(for crs: CRS) throws -> Envelope? {
        // A WKT from a .prj carries no area of use; its EPSG entry does.
        let crs = crs.epsg.map { CRS(epsg: $0) } ?? crs
        let object = try makeCRSObject(crs)
        var west = 0.0, south = 0.0, east = 0.0, north = 0.0
        // proj_get_area_of_use: 1 and the bounds in degrees when known, 0 otherwise.
        guard proj_get_area_of_use(handle, object.pointer, &west, &south, &east, &north, nil) == 1,
              west > -1000, south > -1000 else { return nil }
        if crs.isGeographic { return Envelope(minX: west, minY: south, maxX: east, maxY: north) }
        // proj_create_crs_to_crs: new transformation owned by us, NULL on failure.
        guard let raw = proj_create_crs_to_crs(handle, "EPSG:4326", crs.definition, nil) else { return nil }
        let operation = ProjObject(raw, owner: self)
        // proj_normalize_for_visualization: a new object (x = longitude), NULL on failure.
        guard let normalisedRaw = proj_normalize_for_visualization(handle, operation.pointer) else { return nil }
        let normalised = ProjObject(normalisedRaw, owner: self)
        var minX = 0.0, minY = 0.0, maxX = 0.0, maxY = 0.0
        // proj_trans_bounds: 1 on success; densifies the edges (21 points each) so curved edges count.
        guard proj_trans_bounds(handle, normalised.pointer, PJ_FWD, west, south, east, north, &minX, &minY, &maxX, &maxY, 21) == 1,
              minX.isFinite, minY.isFinite, maxX.isFinite, maxY.isFinite else {
            proj_errno_reset(nil)
            return nil
        }
        return Envelope(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
    }

    /// Creates a transformer from `source` to `target`, with coordinates in lon/lat (x = longitude)
    /// order for geographic CRSs and easting/northing order for projected ones.
    /// - Throws: ``ProjectionError``.
    public func transformer(from source: CRS, to target: CRS) throws -> CoordinateTransformer {
        try CoordinateTransformer(context: self, source: source, target: target)
    }
}

/// Receives PROJ log messages for one context.
final class MessageBox {
    var last: String?
}

/// Owns one `PJ*` and destroys it once. It keeps the context it was made in alive:
/// `proj_destroy` reads the object's context, so the context must outlive every object (a
/// transformer that released its context first was a use-after-free found by valgrind).
final class ProjObject {
    let pointer: OpaquePointer
    private let owner: ProjectionContext
    init(_ pointer: OpaquePointer, owner: ProjectionContext) {
        self.pointer = pointer
        self.owner = owner
    }
    deinit { proj_destroy(pointer) }
}
