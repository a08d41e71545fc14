import Foundation
import DeprivationMap
import FuzzSupport

// An IMD table (any of the layouts DeprivationTable recognises) and a population table.
func fuzzIMDTable(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { return 0 }
    let path = FuzzInput.write(FuzzInput.data(bytes, count), as: "imd.csv")
    if let table = try? DeprivationTable.read(paths: [path]) {
        let codes = Array(table.records.prefix(50).map(\.code))
        _ = DeprivationJoin.join(codes: codes, areaVintage: nil, table: table)
    }
    _ = try? AreaValues.read(path: path)
    return 0
}

@_cdecl("FuzzIMDTable_main")
func fuzzEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzIMDTable(data, size) }
}
