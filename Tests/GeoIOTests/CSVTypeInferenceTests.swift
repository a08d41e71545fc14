import Foundation
@testable import GeoIO
import Testing

@Suite("CSV point tables: fast trimming and type inference")
struct CSVTypeInferenceTests {
    @Test("trimmedWhitespace equals Foundation's trimming, Unicode spaces included")
    func trimming() {
        let cases = ["", " ", "a", " a", "a ", "\ta\t", "\u{00A0}1.5", "1.5\u{2003}", "\u{00A0}", "é", " é ", "a b", "\n x \n"]
        for s in cases { #expect(s.trimmedWhitespace == s.trimmingCharacters(in: .whitespaces), "\(s.debugDescription)") }
    }

    @Test("Decimal text is real; inf, nan, hex and padded numbers are not")
    func realText() {
        for s in ["0.5", "-12.25", "1e5", "3E-2", "449119.2", "-0"] { #expect(CSVPointReader.isRealText(s), "\(s)") }
        for s in ["inf", "-Infinity", "nan", "NaN", "0x1p3", "007.5", "+1.5", ".5", "1.5x", "", "E01000001"] { #expect(!CSVPointReader.isRealText(s), "\(s)") }
        #expect(CSVPointReader.inferType(["1", "2.5", "NA"]) == .real)
        #expect(CSVPointReader.inferType(["1", " 2 ", ""]) == .integer)
        #expect(CSVPointReader.inferType(["1", "inf"]) == .string)
    }
}
