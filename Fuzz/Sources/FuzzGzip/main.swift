import Foundation
import DeprivationMap
import FuzzSupport

// gzip (or zlib) data, one or more members.
func fuzzGzip(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { return 0 }
    let limits = DecompressionLimits(maximumBytes: 8 << 20, maximumRatio: 100, ratioFloorBytes: 1 << 20)
    _ = try? FileContents.gunzip(Data(bytes: bytes, count: count), path: "fuzz.gz", limits: limits)
    return 0
}

@_cdecl("FuzzGzip_main")
func fuzzEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzGzip(data, size) }
}
