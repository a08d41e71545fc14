import Foundation
import GeoCore

/// The PROJ context of the calling thread, with the transformers and areas of use it has made,
/// so that a thread asks `proj.db` about a CRS pair once rather than on every call.
///
/// One context per thread, as PROJ requires: each thread (GCD workers included) gets its own on
/// first use, kept until the thread ends. Transformers hold their context, so the context is
/// destroyed after them.
///
/// ```swift
/// let toBNG = try ThreadProjection.current().transformer(from: .wgs84, to: .britishNationalGrid)
/// ```
public final class ThreadProjection {
    /// The thread's context (default options: no extra grid directories).
    public let context: ProjectionContext
    private var transformers: [TransformerKey: CoordinateTransformer] = [:]
    private var bounds: [CRS: Envelope?] = [:]

    private struct TransformerKey: Hashable {
        var source: CRS
        var target: CRS
    }

    private init() throws {
        context = try ProjectionContext()
    }

    /// The calling thread's projection cache, created on first use.
    /// - Throws: ``ProjectionError/contextCreationFailed``.
    public static func current() throws -> ThreadProjection {
        if let raw = pthread_getspecific(key) { return Unmanaged<ThreadProjection>.fromOpaque(raw).takeUnretainedValue() }
        let made = try ThreadProjection()
        // The thread's key holds one retain, released by the key's destructor when the thread ends.
        pthread_setspecific(key, Unmanaged.passRetained(made).toOpaque())
        return made
    }

    /// A transformer from `source` to `target`, made once per thread.
    /// - Throws: ``ProjectionError``.
    public func transformer(from source: CRS, to target: CRS) throws -> CoordinateTransformer {
        let k = TransformerKey(source: source, target: target)
        if let t = transformers[k] { return t }
        let t = try context.transformer(from: source, to: target)
        transformers[k] = t
        return t
    }

    /// ``ProjectionContext/boundsOfUse(for:)``, looked up once per thread and CRS.
    /// - Throws: ``ProjectionError/unknownCRS(definition:reason:)``.
    public func boundsOfUse(for crs: CRS) throws -> Envelope? {
        if let known = bounds[crs] { return known }
        let found = try context.boundsOfUse(for: crs)
        bounds[crs] = .some(found)
        return found
    }

    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k) { raw in
            guard let raw else { return }
            Unmanaged<ThreadProjection>.fromOpaque(raw).release()
        }
        return k
    }()
}
