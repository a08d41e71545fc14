import CFuzzDriver
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

/// The program's entry point (SwiftPM calls an executable's entry <Target>_main): hands control
/// to libFuzzer with the callback above.
@_cdecl("FuzzIMDTable_main")
func fuzzEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzIMDTable(data, size) }
}
