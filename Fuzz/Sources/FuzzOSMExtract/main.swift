import Foundation
import DeprivationMap
import FuzzSupport

// An OpenStreetMap extract (PBF blocks, or OSM XML), checked as a whole: every declared length
// against the file, the header block inflated and decoded. Any thrown error is a refusal, which
// is fine; a crash, a sanitizer report, a leak or a timeout is a finding.
func fuzzOSMExtract(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { return 0 }
    let path = FuzzInput.write(Data(bytes: bytes, count: count), as: "f.osm.pbf")
    _ = try? OSMExtract.read(path: path)
    return 0
}

@_cdecl("FuzzOSMExtract_main")
func fuzzEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzOSMExtract(data, size) }
}
