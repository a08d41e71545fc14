import Foundation

extension VisitCalendar {
    /// The visits as an iCalendar file (RFC 5545): one event per visit, in Europe/London time with
    /// its VTIMEZONE (so clock changes are right in any calendar program), lines folded at 75
    /// octets and ended with CRLF, text escaped. `now` is the DTSTAMP; `place` words a stop's
    /// location (default: its name and area code).
    public func iCalendar(name: String, attribution: String? = nil, now: Date = Date(),
                          place: ((FoodVanStop) -> String)? = nil) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//DeprivationMap//food-van//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + Self.escape(name), "X-WR-TIMEZONE:Europe/London"]
        lines += Self.londonTimeZone
        let stamp = Self.utcStamp(now)
        for v in visits {
            let date = String(format: "%04d%02d%02d", v.date.year!, v.date.month!, v.date.day!)
            var description = "Stop \(v.stop.number) of the plan (day \(v.stop.day), stop \(v.stop.order) of the day): "
            description += "\(Int(v.stop.populationCovered.rounded())) people covered in \(v.stop.areasCovered.count) area\(v.stop.areasCovered.count == 1 ? "" : "s")"
            description += "; visit \(v.cycle) of \(cycle.cycles)."
            if let attribution { description += " " + attribution }
            lines += ["BEGIN:VEVENT",
                      "UID:\(date)-stop\(v.stop.number)-\(v.stop.id.filter { $0.isLetter || $0.isNumber })@deprivation-map",
                      "DTSTAMP:" + stamp,
                      "DTSTART;TZID=Europe/London:\(date)T\(Self.hhmmss(v.arrival))",
                      "DTEND;TZID=Europe/London:\(date)T\(Self.hhmmss(v.departure))",
                      "SUMMARY:" + Self.escape("Food van: \(v.stop.name)"),
                      "LOCATION:" + Self.escape(place?(v.stop) ?? Self.location(v.stop)),
                      "DESCRIPTION:" + Self.escape(description),
                      "END:VEVENT"]
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// "Name, SS2 6ER (Victoria ward, Southend-on-Sea), E 587937 N 186364".
    static func location(_ s: FoodVanStop) -> String {
        var text = s.name
        if let p = s.place {
            if let code = p.postcode { text += ", near \(code)" }
            let area = [p.ward.isEmpty ? nil : "\(p.ward) ward", p.district.isEmpty ? nil : p.district].compactMap { $0 }
            if !area.isEmpty { text += " (\(area.joined(separator: ", ")))" }
        } else {
            text += " (\(s.areaCode))"
        }
        return text + ", E \(String(format: "%.0f", s.point.x)) N \(String(format: "%.0f", s.point.y))"
    }

    /// Europe/London: GMT from the last Sunday of October, BST from the last Sunday of March.
    static let londonTimeZone = [
        "BEGIN:VTIMEZONE", "TZID:Europe/London",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0000", "TZOFFSETTO:+0100", "TZNAME:BST", "DTSTART:19810329T010000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0000", "TZNAME:GMT", "DTSTART:19961027T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
        "END:VTIMEZONE",
    ]

    /// "HHMMSS" of minutes after midnight.
    static func hhmmss(_ minutes: Double) -> String {
        let m = Int(saturating: minutes.rounded())
        return String(format: "%02d%02d00", (m / 60) % 24, m % 60)
    }

    static func utcStamp(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: date)
    }

    /// RFC 5545 TEXT: backslash, semicolon and comma escaped; newlines as \n.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n": out += "\\n"
            case "\r": continue
            default: out.append(c)
            }
        }
        return out
    }

    /// A content line folded at 75 octets (continuations start with a space), never inside a
    /// UTF-8 sequence.
    static func fold(_ line: String) -> String {
        var parts: [String] = []
        var current = "", size = 0
        for ch in line {
            let n = String(ch).utf8.count
            let limit = parts.isEmpty ? 75 : 74
            if size + n > limit {
                parts.append(current)
                current = ""
                size = 0
            }
            current.append(ch)
            size += n
        }
        parts.append(current)
        return parts.joined(separator: "\r\n ")
    }
}
