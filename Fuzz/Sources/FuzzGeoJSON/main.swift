import CFuzzDriver
import Foundation
import DeprivationMap

// GeoJSON text read into a layer (no file: the in-memory entry point).
func fuzzGeoJSON(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { return 0 }
    _ = try? GeoJSONReader.read(bytes: UnsafeBufferPointer(start: bytes, count: count), source: "fuzz.geojson", layerName: "fuzz")
    return 0
}

/// The program's entry point (SwiftPM calls an executable's entry <Target>_main): hands control
/// to libFuzzer with the callback above.
@_cdecl("FuzzGeoJSON_main")
func fuzzEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzGeoJSON(data, size) }
}
