import Foundation
import DeprivationMap
import FuzzSupport

// A CSV point table (coordinate columns found by name), and the same bytes as a generic table.
func fuzzCSVPoints(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { return 0 }
    let buffer = UnsafeBufferPointer(start: bytes, count: count)
    _ = try? CSVPointReader.read(bytes: buffer, source: "fuzz.csv", layerName: "fuzz")
    if let table = try? CSVTable(data: Data(buffer), source: "fuzz.csv") {
        try? table.forEachRow { row in
            for c in 0..<row.count { _ = row.double(c); _ = row.integer(c); _ = row.string(c) }
        }
    }
    return 0
}

@_cdecl("FuzzCSVPoints_main")
func fuzzEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzCSVPoints(data, size) }
}
