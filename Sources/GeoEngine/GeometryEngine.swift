import CGEOS
import GeoCore

/// One GEOS context (`GEOSContextHandle_t`) and the operations that use it.
///
/// GEOS handles must stay on the thread that created them, so this class is deliberately not
/// `Sendable`: parallel work builds one engine per thread from `Sendable` values (geometries).
/// Messages GEOS emits are captured here, never printed, and become ``GEOSError`` values.
///
/// ```swift
/// let engine = try GeometryEngine()
/// let report = try engine.validity(of: polygon)
/// if !report.isValid { let repaired = try engine.makeValid(polygon) }
/// let m2 = try engine.area(polygon)       // CRS units², m² in EPSG:27700
/// ```
public final class GeometryEngine {
    let handle: OpaquePointer
    private let messages: GEOSMessages

    /// Creates a GEOS context for the calling thread.
    /// - Throws: ``GEOSError/contextCreationFailed``.
    public init() throws {
        // GEOS_init_r: new context owned by us, NULL on failure.
        guard let h = GEOS_init_r() else { throw GEOSError.contextCreationFailed }
        handle = h
        messages = GEOSMessages()
        let box = Unmanaged.passUnretained(messages).toOpaque()
        GEOSContext_setErrorMessageHandler_r(h, { message, userData in
            guard let message, let userData else { return }
            Unmanaged<GEOSMessages>.fromOpaque(userData).takeUnretainedValue().lastError = String(cString: message)
        }, box)
        GEOSContext_setNoticeMessageHandler_r(h, { message, userData in
            guard let message, let userData else { return }
            Unmanaged<GEOSMessages>.fromOpaque(userData).takeUnretainedValue().lastNotice = String(cString: message)
        }, box)
    }

    deinit {
        GEOS_finish_r(handle)
    }

    /// The last error GEOS reported, cleared once read.
    func takeError() -> String {
        defer { messages.lastError = nil }
        return messages.lastError ?? "no message from GEOS"
    }

    func failure(_ operation: String) -> GEOSError {
        .libraryFailure(operation: operation, message: takeError())
    }
}

final class GEOSMessages {
    var lastError: String?
    var lastNotice: String?
}

/// Owns one `GEOSGeometry*` of an engine and destroys it in `deinit`. Keeps the engine alive.
final class GEOSGeometryHandle {
    let engine: GeometryEngine
    let pointer: OpaquePointer

    init(engine: GeometryEngine, pointer: OpaquePointer) {
        self.engine = engine
        self.pointer = pointer
    }

    deinit {
        GEOSGeom_destroy_r(engine.handle, pointer)
    }
}
