import CFuzzDriver
import Foundation
import DeprivationMap

// gzip (or zlib) data, one or more members.
func fuzzGzip(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { return 0 }
    let limits = DecompressionLimits(maximumBytes: 8 << 20, maximumRatio: 100, ratioFloorBytes: 1 << 20)
    _ = try? FileContents.gunzip(Data(bytes: bytes, count: count), path: "fuzz.gz", limits: limits)
    return 0
}

/// The program's entry point (SwiftPM calls an executable's entry <Target>_main): hands control
/// to libFuzzer with the callback above.
@_cdecl("FuzzGzip_main")
func fuzzEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzGzip(data, size) }
}
