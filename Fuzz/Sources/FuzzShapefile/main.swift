import Foundation
import DeprivationMap
import FuzzSupport

// One input = .shp, .shx and .dbf (length-prefixed), read as a layer whole. Any thrown error is
// a refusal, which is fine; a crash, a sanitizer report, a leak or a timeout is a finding.
func fuzzShapefile(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { return 0 }
    let parts = FuzzInput.split(UnsafeBufferPointer(start: bytes, count: count), into: 3)
    let shp = FuzzInput.write(parts[0], as: "f.shp")
    _ = FuzzInput.write(parts[1], as: "f.shx")
    _ = FuzzInput.write(parts[2], as: "f.dbf")
    if let reader = try? ShapefileReader(path: shp) { _ = try? reader.readAll() }
    return 0
}

@_cdecl("FuzzShapefile_main")
func fuzzEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzShapefile(data, size) }
}
