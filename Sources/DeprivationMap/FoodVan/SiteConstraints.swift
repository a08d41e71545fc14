import Foundation

/// When a site can host the van: opening and closing, minutes after midnight.
public struct TimeWindow: Sendable, Hashable, Codable {
    /// The van may arrive from this time.
    public var open: Double
    /// The visit must be over by this time.
    public var close: Double

    /// A window from `open` to `close` (minutes after midnight).
    public init(open: Double, close: Double) {
        self.open = open
        self.close = close
    }

    /// "10:00–12:00".
    public var words: String { "\(FoodVanPlan.clock(open))–\(FoodVanPlan.clock(close))" }

    /// Parses "10:00-12:00" (also "10:00–12:00", "1000-1200").
    public static func parse(_ text: String) -> TimeWindow? {
        let parts = text.replacingOccurrences(of: "–", with: "-").split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let a = minutes(parts[0]), let b = minutes(parts[1]), a < b else { return nil }
        return TimeWindow(open: a, close: b)
    }

    static func minutes(_ text: String) -> Double? {
        let digits = text.replacingOccurrences(of: ":", with: "").replacingOccurrences(of: ".", with: "")
        guard (3...4).contains(digits.count), digits.allSatisfy(\.isNumber), let v = Int(digits) else { return nil }
        let h = v / 100, m = v % 100
        guard h < 24, m < 60 else { return h == 24 && m == 0 ? 1440 : nil }
        return Double(h * 60 + m)
    }
}

/// What the planner's site list says beyond where a site is: its time window and whether it must
/// be visited. Read from the same CSV as the sites: a key column (`id`, or `name`), `window`
/// ("10:00-12:00", or `open` and `close` columns) and `fixed` (yes/true/1).
public struct SiteConstraints: Sendable, Hashable {
    /// Windows by site key (lower case).
    public var windows: [String: TimeWindow]
    /// Keys (lower case) of the sites that must be visited, with the names as written.
    public var fixed: [String: String]

    /// Constraints from explicit values (keys are matched to sites' ids or names, case-insensitively).
    public init(windows: [String: TimeWindow] = [:], fixed: [String] = []) {
        self.windows = Dictionary(windows.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.fixed = Dictionary(fixed.map { ($0.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// No window and no fixed site.
    public var isEmpty: Bool { windows.isEmpty && fixed.isEmpty }

    /// The window of a site known by `id` or `name`.
    public func window(id: String, name: String) -> TimeWindow? { windows[id.lowercased()] ?? windows[name.lowercased()] }

    /// Reads the constraint columns of a site list; a file without them gives no constraint.
    /// - Throws: ``FoodVanError/badParameter(_:_:)`` naming the file, line and value of a malformed window or flag; CSV errors.
    public static func read(path: String) throws -> SiteConstraints {
        let table = try CSVTable(path: path)
        let header = table.header.map(CSVTable.normalise)
        func column(_ names: [String]) -> Int? { names.lazy.compactMap { header.firstIndex(of: $0) }.first }
        let id = column(["id", "siteid", "code"]), name = column(["name", "sitename", "site"])
        let window = column(["window", "timewindow", "hours"]), open = column(["open", "opens", "from"]), close = column(["close", "closes", "until", "to"])
        let fixedColumn = column(["fixed", "mustvisit", "required"])
        var out = SiteConstraints()
        guard window != nil || (open != nil && close != nil) || fixedColumn != nil else { return out }
        let file = URL(fileURLWithPath: path).lastPathComponent
        try table.forEachRow { row in
            let key = (id.map { row.trimmed($0) }.flatMap { $0.isEmpty ? nil : $0 } ?? name.map { row.trimmed($0) } ?? "").lowercased()
            guard !key.isEmpty else { return }
            var text = window.map { row.trimmed($0) } ?? ""
            if text.isEmpty, let open, let close, !row.trimmed(open).isEmpty || !row.trimmed(close).isEmpty {
                text = row.trimmed(open) + "-" + row.trimmed(close)
            }
            if !text.isEmpty {
                guard let w = TimeWindow.parse(text) else {
                    throw FoodVanError.badParameter("\(file), line \(row.line): the time window '\(text)' of \(key) is not like 10:00-12:00 (opening before closing)", .sites)
                }
                out.windows[key] = w
            }
            if let fixedColumn {
                let flag = row.trimmed(fixedColumn).lowercased()
                if ["yes", "y", "true", "1", "fixed"].contains(flag) {
                    out.fixed[key] = name.map { row.trimmed($0) }.flatMap { $0.isEmpty ? nil : $0 } ?? key
                } else if !["", "no", "n", "false", "0"].contains(flag) {
                    throw FoodVanError.badParameter("\(file), line \(row.line): '\(flag)' in the fixed column of \(key) is not yes or no", .sites)
                }
            }
        }
        return out
    }
}
