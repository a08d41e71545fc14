import Foundation

/// Writes a small NTv2 horizontal-shift grid (the `.gsb` format of OSTN15) with a constant
/// shift, so tests can check that a grid folder reaches PROJ without the real OSTN15 file.
public enum NTv2Grid {
    /// Writes a grid covering Great Britain (49–61°N, 9°W–2°E, 1° cells).
    /// - Parameters:
    ///   - latitudeShiftSeconds: added to latitude, arc-seconds (north positive).
    ///   - longitudeShiftSeconds: added to longitude, arc-seconds (NTv2 counts west as positive).
    public static func write(to path: String, latitudeShiftSeconds: Float = 0, longitudeShiftSeconds: Float = 0) throws {
        var data = Data()
        func key(_ k: String) { data.append(contentsOf: Array(k.padding(toLength: 8, withPad: " ", startingAt: 0).utf8)) }
        func int(_ k: String, _ v: Int32) {
            key(k)
            withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) }
            data.append(contentsOf: [0, 0, 0, 0])
        }
        func text(_ k: String, _ v: String) { key(k); data.append(contentsOf: Array(v.padding(toLength: 8, withPad: " ", startingAt: 0).utf8)) }
        func double(_ k: String, _ v: Double) { key(k); withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }

        let south = 49.0 * 3600, north = 61.0 * 3600, east = -2.0 * 3600, west = 9.0 * 3600, step = 3600.0
        let rows = Int((north - south) / step) + 1, columns = Int((west - east) / step) + 1
        int("NUM_OREC", 11); int("NUM_SREC", 11); int("NUM_FILE", 1)
        text("GS_TYPE", "SECONDS"); text("VERSION", "NTv2.0"); text("SYSTEM_F", "OSGB36"); text("SYSTEM_T", "ETRS89")
        double("MAJOR_F", 6377563.396); double("MINOR_F", 6356256.909); double("MAJOR_T", 6378137.0); double("MINOR_T", 6356752.314)
        text("SUB_NAME", "TEST"); text("PARENT", "NONE"); text("CREATED", ""); text("UPDATED", "")
        double("S_LAT", south); double("N_LAT", north); double("E_LONG", east); double("W_LONG", west)
        double("LAT_INC", step); double("LONG_INC", step); int("GS_COUNT", Int32(rows * columns))
        for _ in 0..<(rows * columns) {
            for v in [latitudeShiftSeconds, longitudeShiftSeconds, 0.01, 0.01] as [Float] {
                withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        text("END", "")
        data.append(contentsOf: [UInt8](repeating: 0, count: 8))
        try data.write(to: URL(fileURLWithPath: path))
    }
}
