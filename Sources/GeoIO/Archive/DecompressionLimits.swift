import Foundation

/// How much a compressed file may expand when it is read: a ceiling on the decompressed size and
/// on the compression ratio. Memory is never reserved from a file's own claim (the gzip size
/// trailer, a zip entry's declared size): buffers grow from the bytes actually inflated, and
/// inflation stops with ``CompressionError/tooLarge(path:entry:limit:)`` or
/// ``CompressionError/ratioTooHigh(path:entry:ratio:limit:)`` as soon as a limit is passed.
///
/// The defaults hold every real input with a wide margin (the largest, the ONS postcode lookup
/// inside its `.7z`, is 410 MB; the highest ratio in the open-data mirror is 28:1) and keep peak
/// memory on a hostile file well under 2 GB:
/// - ``maximumBytes``: 1 GiB for one file or archive entry;
/// - ``maximumRatio``: 200:1, checked once the output passes ``ratioFloorBytes`` (64 MiB), so a small
///   file of repeated text still reads.
///
/// Both can be raised for a genuine larger file through the environment, read once per process:
/// `DEPRIVATION_MAP_MAX_DECOMPRESSED` (bytes, or with a K, M or G suffix, e.g. `4G`) and
/// `DEPRIVATION_MAP_MAX_COMPRESSION_RATIO` (e.g. `1000`).
public struct DecompressionLimits: Sendable, Equatable {
    /// The most bytes one file or archive entry may decompress to.
    public var maximumBytes: Int
    /// The largest decompressed-to-compressed size ratio accepted past ``ratioFloorBytes``.
    public var maximumRatio: Double
    /// Output size below which the ratio is not checked.
    public var ratioFloorBytes: Int

    /// Creates limits.
    public init(maximumBytes: Int = 1 << 30, maximumRatio: Double = 200, ratioFloorBytes: Int = 64 << 20) {
        self.maximumBytes = max(0, maximumBytes)
        self.maximumRatio = maximumRatio
        self.ratioFloorBytes = ratioFloorBytes
    }

    /// The defaults, overridden by `DEPRIVATION_MAP_MAX_DECOMPRESSED` and
    /// `DEPRIVATION_MAP_MAX_COMPRESSION_RATIO` when they are set to valid values.
    public static let standard: DecompressionLimits = {
        var limits = DecompressionLimits()
        let env = ProcessInfo.processInfo.environment
        if let text = env["DEPRIVATION_MAP_MAX_DECOMPRESSED"], let bytes = parseSize(text) { limits.maximumBytes = bytes }
        if let text = env["DEPRIVATION_MAP_MAX_COMPRESSION_RATIO"], let ratio = Double(text), ratio.isFinite, ratio >= 1 { limits.maximumRatio = ratio }
        return limits
    }()

    /// "4G" → 4 GiB, "800M", "12345"; `nil` for anything else.
    static func parseSize(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let shift: Int
        var digits = Substring(t)
        switch t.last {
        case "K": shift = 10; digits = digits.dropLast()
        case "M": shift = 20; digits = digits.dropLast()
        case "G": shift = 30; digits = digits.dropLast()
        default: shift = 0
        }
        guard let n = Int(digits), n > 0, n <= (Int.max >> shift) else { return nil }
        return n << shift
    }

    /// Throws when `produced` bytes from `consumed` compressed bytes pass a limit.
    func check(produced: Int, consumed: Int, path: String, entry: String?) throws {
        if produced > maximumBytes {
            throw CompressionError.tooLarge(path: path, entry: entry, limit: maximumBytes)
        }
        if produced > ratioFloorBytes, Double(produced) > maximumRatio * Double(max(consumed, 1)) {
            throw CompressionError.ratioTooHigh(path: path, entry: entry, ratio: Double(produced) / Double(max(consumed, 1)), limit: maximumRatio)
        }
    }

    /// A size in words: "1 GiB", "64 MiB", "12,345 bytes".
    static func describe(_ bytes: Int) -> String {
        if bytes >= 1 << 30, bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        return "\(bytes) bytes"
    }
}
