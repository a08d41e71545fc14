import Foundation
import DeprivationMap
import FuzzSupport

// A GeoPackage (an SQLite file): its layer list, then every layer read in full, geometries
// decoded with their counts checked against the blob. Any thrown error is a refusal, which is
// fine; a crash, a sanitizer report, a leak or a timeout is a finding.
func fuzzGeoPackage(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { return 0 }
    // Inputs starting "GP" are one geometry blob, decoded directly (most mutated SQLite files are
    // refused before any blob is read); anything else is a whole file.
    if count >= 2 && bytes[0] == 0x47 && bytes[1] == 0x50 {
        _ = try? GeoPackageReader.decodeGeometry(Array(UnsafeBufferPointer(start: bytes, count: count)))
        return 0
    }
    let path = FuzzInput.write(Data(bytes: bytes, count: count), as: "f.gpkg")
    guard let layers = try? GeoPackageReader.layers(path: path) else { return 0 }
    for layer in layers.prefix(4) { _ = try? GeoPackageReader.read(path: path, layer: layer.name) }
    return 0
}

@_cdecl("FuzzGeoPackage_main")
func fuzzEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzGeoPackage(data, size) }
}
