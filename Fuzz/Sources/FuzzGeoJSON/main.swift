import Foundation
import DeprivationMap
import FuzzSupport

// GeoJSON text read into a layer (no file: the in-memory entry point).
func fuzzGeoJSON(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { return 0 }
    _ = try? GeoJSONReader.read(bytes: UnsafeBufferPointer(start: bytes, count: count), source: "fuzz.geojson", layerName: "fuzz")
    return 0
}

@_cdecl("FuzzGeoJSON_main")
func fuzzEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzGeoJSON(data, size) }
}
