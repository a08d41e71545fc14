import Foundation

/// The inline SVG charts of the report page.
extension ReportPage {

    /// Bars by IMD decile from a column of the access table.
    static func barChart(_ table: ReportTable, column: String, title: String, colour: String, unit: String = "km") -> String {
        guard let c = table.header.firstIndex(of: column) else { return "" }
        let rows = table.rows.filter { $0[0] != "all" }
        let values = rows.map { Double($0[c]) ?? 0 }
        let top = max(values.max() ?? 1, 1e-9) * 1.15
        let w = 330.0, h = 200.0, left = 36.0, bottom = 28.0, topPad = 22.0
        let bw = (w - left - 8) / Double(max(rows.count, 1))
        var s = "<svg class=\"chart\" width=\"\(Int(saturating: w, .towardZero))\" height=\"\(Int(saturating: h, .towardZero))\" viewBox=\"0 0 \(Int(saturating: w, .towardZero)) \(Int(saturating: h, .towardZero))\" data-column=\"\(column)\"><text x=\"\(Int(saturating: left, .towardZero))\" y=\"14\" font-weight=\"bold\">\(escape(title))</text>"
        s += "<line x1=\"\(left)\" y1=\"\(h - bottom)\" x2=\"\(w - 4)\" y2=\"\(h - bottom)\" stroke=\"#999\"/>"
        for (k, row) in rows.enumerated() {
            let v = values[k]
            let bh = (h - bottom - topPad) * v / top
            let x0 = left + Double(k) * bw + 2
            s += "<rect x=\"\(String(format: "%.1f", x0))\" y=\"\(String(format: "%.1f", h - bottom - bh))\" width=\"\(String(format: "%.1f", bw - 4))\" height=\"\(String(format: "%.1f", bh))\" fill=\"\(colour)\"><title>decile \(row[0]): \(display(row[c], decimals: 2)) \(unit)</title></rect>"
            s += "<text x=\"\(String(format: "%.1f", x0 + (bw - 4) / 2))\" y=\"\(Int(saturating: h - bottom + 13, .towardZero))\" text-anchor=\"middle\">\(row[0])</text>"
            s += "<text x=\"\(String(format: "%.1f", x0 + (bw - 4) / 2))\" y=\"\(String(format: "%.1f", h - bottom - bh - 3))\" text-anchor=\"middle\" font-size=\"9\">\(display(row[c], decimals: 1))</text>"
        }
        s += "<text x=\"\(Int(saturating: w / 2, .towardZero))\" y=\"\(Int(saturating: h - 2, .towardZero))\" text-anchor=\"middle\">IMD decile (1 = most deprived)</text></svg>\n"
        return s
    }

    /// Decile bars at their population ranks with the fitted SII line.
    static func siiChart(_ sii: SlopeIndex, table: ReportTable) -> String {
        let values = table.rows.map { Double($0[2]) ?? 0 }
        let fitted = [sii.fittedMostDeprived, sii.fittedLeastDeprived]
        let top = max((values + fitted).max() ?? 1, 1e-9) * 1.15
        let bottomValue = min(0, (values + fitted).min() ?? 0)
        let w = 720.0, h = 300.0, left = 50.0, right = 12.0, bottom = 40.0, topPad = 16.0
        func px(_ x: Double) -> Double { left + x * (w - left - right) }
        func py(_ v: Double) -> Double { h - bottom - (h - bottom - topPad) * (v - bottomValue) / (top - bottomValue) }
        var s = "<svg id=\"sii-chart\" class=\"chart\" width=\"\(Int(saturating: w, .towardZero))\" height=\"\(Int(saturating: h, .towardZero))\" viewBox=\"0 0 \(Int(saturating: w, .towardZero)) \(Int(saturating: h, .towardZero))\">"
        s += "<line x1=\"\(left)\" y1=\"\(py(bottomValue))\" x2=\"\(w - right)\" y2=\"\(py(bottomValue))\" stroke=\"#999\"/>"
        let total = sii.groups.reduce(0.0) { $0 + $1.population }
        var start = 0.0
        for (k, g) in sii.groups.enumerated() {
            let share = total > 0 ? g.population / total : 0
            let x0 = px(start), x1 = px(start + share)
            let y0 = py(values[k])
            s += "<rect x=\"\(String(format: "%.1f", x0 + 1))\" y=\"\(String(format: "%.1f", y0))\" width=\"\(String(format: "%.1f", max(x1 - x0 - 2, 0.5)))\" height=\"\(String(format: "%.1f", py(bottomValue) - y0))\" fill=\"\(decileColours[max(0, min(9, g.group - 1))])\" stroke=\"#666\" stroke-width=\".5\"><title>decile \(g.group): \(display(table.rows[k][2], decimals: 1)) GP FTE per 100,000</title></rect>"
            s += "<text x=\"\(String(format: "%.1f", (x0 + x1) / 2))\" y=\"\(Int(saturating: h - bottom + 14, .towardZero))\" text-anchor=\"middle\">\(g.group)</text>"
            start += share
        }
        s += "<line id=\"sii-line\" x1=\"\(px(0))\" y1=\"\(String(format: "%.1f", py(fitted[0])))\" x2=\"\(px(1))\" y2=\"\(String(format: "%.1f", py(fitted[1])))\" stroke=\"#000\" stroke-width=\"2.5\" stroke-dasharray=\"8 4\"><title>fitted SII line</title></line>"
        for v in stride(from: 0.0, through: top, by: niceStep(top)) {
            s += "<text x=\"\(Int(saturating: left - 4, .towardZero))\" y=\"\(String(format: "%.1f", py(v) + 4))\" text-anchor=\"end\">\(Int(saturating: v, .towardZero))</text>"
        }
        s += "<text x=\"\(Int(saturating: w / 2, .towardZero))\" y=\"\(Int(saturating: h - 6, .towardZero))\" text-anchor=\"middle\">population ranked by IMD decile, most deprived (left) to least deprived (right)</text></svg>\n"
        return s
    }

    static func niceStep(_ top: Double) -> Double {
        let raw = top / 5
        let p = pow(10, floor(log10(raw)))
        for m in [1.0, 2.0, 5.0, 10.0] where raw <= m * p { return m * p }
        return 10 * p
    }
}
