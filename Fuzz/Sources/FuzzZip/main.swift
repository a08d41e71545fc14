import Foundation
import DeprivationMap
import FuzzSupport

// A zip archive: directory read, then every entry inflated and checked.
func fuzzZip(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { return 0 }
    let path = FuzzInput.write(FuzzInput.data(bytes, count), as: "f.zip")
    guard let zip = try? ZipArchive(path: path) else { return 0 }
    // Small limits, so that a bomb is found quickly and memory stays small under the fuzzer.
    let limits = DecompressionLimits(maximumBytes: 8 << 20, maximumRatio: 100, ratioFloorBytes: 1 << 20)
    for entry in zip.entries.prefix(64) { _ = try? zip.contents(of: entry, limits: limits) }
    return 0
}

@_cdecl("FuzzZip_main")
func fuzzEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzZip(data, size) }
}
