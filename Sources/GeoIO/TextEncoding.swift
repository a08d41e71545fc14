/// A text encoding for DBF attribute values and CSV files.
///
/// ASCII text reads the same in all of them; they differ only for bytes ≥ 0x80 (accents such as
/// the "ô" of "Ynys Môn").
public enum TextEncoding: String, Sendable, Hashable, CaseIterable {
    /// UTF-8 (code page 65001). What ONS files carry today, with a `.cpg` saying so.
    case utf8 = "UTF-8"
    /// ISO-8859-1 (Latin-1). What GDAL assumes for DBF language driver 87 (0x57).
    case latin1 = "ISO-8859-1"
    /// Windows-1252 (ANSI Western European): Latin-1 plus printable characters in 0x80–0x9F.
    case windows1252 = "Windows-1252"

    /// Reads a `.cpg` file's content (`UTF-8`, `1252`, `ISO-8859-1`, `ANSI 1252`, `65001`, …).
    /// Returns `nil` for a code page not supported here.
    public init?(codePage text: String) {
        let key = text.uppercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "_" }
        switch key {
        case "UTF8", "65001", "UTF8BOM": self = .utf8
        case "88591", "ISO88591", "LATIN1", "28591", "ISO885915", "885915", "28605": self = .latin1
        case "1252", "CP1252", "WINDOWS1252", "ANSI1252", "ANSI", "WIN1252": self = .windows1252
        default: return nil
        }
    }

    /// The encoding of a dBASE language driver ID (byte 29 of a DBF header), as GDAL reads it;
    /// `nil` for 0 (unspecified) or a driver whose code page is not supported here.
    public init?(languageDriver id: Int) {
        switch id {
        case 0x57: self = .latin1
        case 0x03, 0x58, 0x59: self = .windows1252
        default: return nil
        }
    }

    /// Decodes `bytes`; `nil` when they are not valid in this encoding (only UTF-8 can fail).
    public func decode<C: Collection>(_ bytes: C) -> String? where C.Element == UInt8 {
        switch self {
        case .utf8:
            return String(validating: bytes, as: UTF8.self)
        case .latin1:
            return Self.decodeSingleByte(bytes) { Unicode.Scalar($0) }
        case .windows1252:
            return Self.decodeSingleByte(bytes) { b in
                if b >= 0x80 && b <= 0x9F, let s = Unicode.Scalar(Self.cp1252High[Int(b - 0x80)]) { return s }
                return Unicode.Scalar(b)
            }
        }
    }

    private static func decodeSingleByte<C: Collection>(_ bytes: C, _ map: (UInt8) -> Unicode.Scalar) -> String where C.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        for b in bytes { scalars.append(map(b)) }
        return String(scalars)
    }

    /// Windows-1252 code points for bytes 0x80–0x9F (undefined bytes map to the C1 control of the
    /// same value, as Windows does).
    private static let cp1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}
