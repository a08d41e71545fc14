import Foundation

/// Writes decimal numbers as JSON text straight into a byte buffer.
///
/// Coordinates are rounded to a fixed number of decimals exactly as C's `printf("%.*f")` would
/// round the binary value, then trailing zeros are dropped (`51.5000` → `51.5`, `52.0` → `52`).
/// Most values take a fast integer path; values within a hair of a decimal tie, or too large
/// for it, go through `snprintf` so the result is always exact.
struct DecimalFormatter: Sendable {
    /// Digits after the decimal point, 0–15.
    let precision: Int
    private let scale: Double
    private let scaleInt: Int64

    init(precision: Int) {
        self.precision = precision
        var s: Int64 = 1
        for _ in 0..<precision { s *= 10 }
        scaleInt = s
        scale = Double(s)
    }

    /// Appends `value` rounded to `precision` decimals. `value` must be finite.
    func append(_ value: Double, to out: inout [UInt8]) {
        let scaled = value * scale
        let magnitude = abs(scaled)
        if magnitude < 4.0e15 {
            let truncated = scaled.rounded(.towardZero)
            let fraction = abs(scaled - truncated)
            // The product may be off by half an ulp; stay away from x.5 where that could flip the rounding.
            let guardBand = magnitude * 2.3e-16 + 1e-9
            if abs(fraction - 0.5) > guardBand {
                let rounded = Int64(scaled.rounded(.toNearestOrAwayFromZero))
                appendFixed(rounded, to: &out)
                return
            }
        }
        appendSlow(value, to: &out)
    }

    /// Writes `units / 10^precision` with trailing zeros removed.
    private func appendFixed(_ units: Int64, to out: inout [UInt8]) {
        if units == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        if units < 0 { out.append(UInt8(ascii: "-")) }
        let absolute = units.magnitude
        let whole = absolute / UInt64(scaleInt)
        var fraction = absolute % UInt64(scaleInt)
        appendUnsigned(whole, to: &out)
        if fraction == 0 { return }
        var digits = precision
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        out.append(UInt8(ascii: "."))
        // Leading zeros of the fraction.
        var probe = fraction
        var length = 0
        repeat { length += 1; probe /= 10 } while probe > 0
        for _ in 0..<(digits - length) { out.append(UInt8(ascii: "0")) }
        appendUnsigned(fraction, to: &out)
    }

    private func appendSlow(_ value: Double, to out: inout [UInt8]) {
        var buffer = [CChar](repeating: 0, count: 400)
        let n = withVaList([value]) { vsnprintf(&buffer, 400, "%.\(precision)f", $0) }
        var bytes = buffer.prefix(max(0, min(Int(n), 399))).map { UInt8(bitPattern: $0) }
        if bytes.contains(UInt8(ascii: ".")) {
            while bytes.last == UInt8(ascii: "0") { bytes.removeLast() }
            if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        }
        if bytes == [UInt8(ascii: "-"), UInt8(ascii: "0")] { bytes = [UInt8(ascii: "0")] }
        out.append(contentsOf: bytes)
    }
}

/// Appends the decimal digits of `v`.
@inline(__always)
func appendUnsigned(_ v: UInt64, to out: inout [UInt8]) {
    if v < 10 {
        out.append(UInt8(ascii: "0") + UInt8(v))
        return
    }
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    var rest = v
    withUnsafeMutableBytes(of: &digits) { raw in
        while rest > 0 {
            raw[count] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            count += 1
        }
        for i in stride(from: count - 1, through: 0, by: -1) { out.append(raw[i]) }
    }
}

/// Appends `v` in decimal.
func appendInteger(_ v: Int64, to out: inout [UInt8]) {
    if v < 0 { out.append(UInt8(ascii: "-")) }
    appendUnsigned(v.magnitude, to: &out)
}

/// Appends `v` in the shortest form that reads back as the same double; `null` when not finite
/// (JSON has no NaN or infinity).
func appendShortestDouble(_ v: Double, to out: inout [UInt8]) {
    guard v.isFinite else {
        out.append(contentsOf: "null".utf8)
        return
    }
    out.append(contentsOf: v.description.utf8)
}

/// Appends `s` as a JSON string literal (quotes, escapes for `"`, `\` and control characters;
/// other characters as UTF-8).
func appendJSONString(_ s: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for b in s.utf8 {
        switch b {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\"))
        case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
        case 0..<0x20:
            let hex = Array("0123456789abcdef".utf8)
            out.append(contentsOf: "\\u00".utf8)
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0xF)])
        default: out.append(b)
        }
    }
    out.append(UInt8(ascii: "\""))
}
