import GeoCore
import Testing

@Suite("Conversions that cannot trap")
struct NumericConversionTests {
    @Test("Int(rounding:) is nil outside Int's range and for NaN/infinity; exact at the edges")
    func rounding() {
        #expect(Int(rounding: 2.5) == 3)
        #expect(Int(rounding: -2.5) == -3)
        #expect(Int(rounding: 2.7, .towardZero) == 2)
        #expect(Int(rounding: 1e19) == nil)
        #expect(Int(rounding: -1e19) == nil)
        #expect(Int(rounding: .nan) == nil)
        #expect(Int(rounding: .infinity) == nil)
        #expect(Int(rounding: 9_223_372_036_854_775_808.0) == nil) // 2^63
        #expect(Int(rounding: -9_223_372_036_854_775_808.0) == Int.min)
        #expect(Int(rounding: 9_223_372_036_854_774_784.0) == 9_223_372_036_854_774_784) // largest Double below 2^63
    }

    @Test("Int(saturating:) clamps and maps NaN to 0")
    func saturating() {
        #expect(Int(saturating: 1e308) == Int.max)
        #expect(Int(saturating: -.infinity) == Int.min)
        #expect(Int(saturating: .nan) == 0)
        #expect(Int(saturating: 41.6, .down) == 41)
    }

    @Test("withoutFinalStop drops trailing full stops and spaces only")
    func finalStop() {
        #expect("corrupt.".withoutFinalStop == "corrupt")
        #expect("v1.2 ok. \n".withoutFinalStop == "v1.2 ok")
        #expect("".withoutFinalStop == "")
    }
}
