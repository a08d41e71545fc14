import DeprivationMap
import Foundation
import TestSupport
import Testing

/// The food van's periodic schedule: every stop on the same weekday and time every cycle, and an
/// iCalendar file read back by an independent parser (Python's `icalendar`).
@Suite("CLI food-van calendar", .serialized)
struct VisitCalendarCLITests {
    let scratch = try! TemporaryDirectory("dm-calendar")
    var env: [String: String] { ["DEPRIVATION_MAP_DATA": TestData.root.path] }
    var mse: String { get throws { try TestData.path("boundaries/mse/lsoa21_bgc_mse_bng.shp") } }

    struct Parsed: Decodable {
        struct Event: Decodable { var uid, summary, location, date, start, end, tz: String; var weekday, utc_offset_minutes: Int }
        var timezones: [String]
        var events: [Event]
    }

    func plan(_ extra: [String], name: String) throws -> (CLI.Result, String) {
        let out = scratch.path(name)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let run = try CLI.run(["food-van", "--areas", try mse, "--district", "Southend-on-Sea", "--district", "Thurrock", "--district", "Basildon",
                               "--depot", "SS2 6ER", "--stops", "10", "--days", "4"] + extra + ["-o", out + "/van.geojson"], environment: env)
        return (run, out)
    }

    @Test("A fortnightly cycle on weekdays: the .ics parses with icalendar, with one event per stop and cycle, on the same weekday and time every 14 days, across the clock change")
    func fortnightly() throws {
        // 15 March 2027: the cycles cross the change to summer time on 28 March.
        let (run, out) = try plan(["--start-date", "2027-03-15", "--cycles", "4"], name: "fortnightly")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("day 1 on Monday of week 1, every fortnight"))
        let checker = try CLI.runTool(try TestPython.withICalendar(), [TestData.packagePath("Tests/Fixtures/check_ics.py"), out + "/van.ics"])
        #expect(checker.status == 0, "\(checker.stderr)")
        let parsed = try JSONDecoder().decode(Parsed.self, from: Data(checker.stdout.utf8))
        #expect(parsed.timezones == ["Europe/London"])

        // The schedule a driver prints: stop number, arrival and departure of each stop.
        let schedule = try ReportCLITests.csv(out + "/van.csv")
        let h = schedule[0]
        let stopRows = schedule.dropFirst().filter { $0[h.firstIndex(of: "event")!] == "stop" }
        #expect(stopRows.count == 10)
        #expect(parsed.events.count == 10 * 4, "one event per stop and cycle")
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        for row in stopRows {
            let name = row[h.firstIndex(of: "name")!]
            let events = parsed.events.filter { $0.summary == "Food van: \(name)" }.sorted { $0.date < $1.date }
            #expect(events.count == 4, "\(name)")
            // Same weekday and same local times every cycle, 14 days apart, weekdays only.
            #expect(Set(events.map(\.weekday)).count == 1 && (1...5).contains(events[0].weekday))
            #expect(events.allSatisfy { $0.start == row[h.firstIndex(of: "arrive")!] && $0.end == row[h.firstIndex(of: "depart")!] })
            let dates = events.map { formatter.date(from: $0.date)! }
            for (a, b) in zip(dates, dates.dropFirst()) { #expect(b.timeIntervalSince(a) == 14 * 86_400) }
            #expect(dates[0] >= formatter.date(from: "2027-03-15")!)
            // Local time is kept across the clock change: GMT before 28 March, BST after.
            for e in events { #expect(e.utc_offset_minutes == (e.date < "2027-03-28" ? 0 : 60), "\(e.date)") }
        }
        // Each day's work fits the day (leave 09:00, 420 minutes): checked from the events alone.
        for date in Set(parsed.events.map(\.date)) {
            let day = parsed.events.filter { $0.date == date }
            #expect(day.allSatisfy { $0.start >= "09:00" && $0.end <= "16:00" }, "\(date)")
        }
        // A printable sheet per van day beside the plan.
        for day in 1...4 { #expect(FileManager.default.fileExists(atPath: out + "/van-day-\(day).html"), "day \(day)") }
        // The visits table lists the same visits.
        let visits = try ReportCLITests.csv(out + "/van-visits.csv")
        #expect(visits.count - 1 == parsed.events.count)
    }

    /// A site list made from a first plan's stops (their coordinates, new names), with windows and fixed sites.
    func siteList(_ rows: [(window: String, fixed: Bool)], extra: [String] = []) throws -> String {
        let (base, out) = try plan([], name: "base-\(UUID().uuidString.prefix(6))")
        #expect(base.status == 0, "\(base.stderr)")
        let schedule = try ReportCLITests.csv(out + "/van.csv")
        let h = schedule[0]
        let stops = schedule.dropFirst().filter { $0[h.firstIndex(of: "event")!] == "stop" }
        var text = "name,easting,northing,window,fixed\n"
        for (k, stop) in stops.enumerated() {
            let spec = k < rows.count ? rows[k] : ("", false)
            text += "Site \(k + 1),\(stop[h.firstIndex(of: "easting")!]),\(stop[h.firstIndex(of: "northing")!]),\(spec.0),\(spec.1 ? "yes" : "")\n"
        }
        for line in extra { text += line + "\n" }
        let path = scratch.path("sites-\(UUID().uuidString.prefix(6)).csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("Time windows and fixed sites: every window kept and every fixed site visited, checked from the schedule alone; the days still fit")
    func windows() throws {
        // Site 1 only 10:00–12:00, site 6 only 13:00–15:30 and fixed, site 9 only 09:30–12:30; site 4 fixed.
        let sites = try siteList([("10:00-12:00", false), ("", false), ("", false), ("", true), ("", false), ("13:00-15:30", true),
                                  ("", false), ("", false), ("09:30-12:30", false)])
        let (run, out) = try plan(["--sites", sites, "--start-date", "2027-03-15"], name: "windows")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("stops have time windows; each day keeps them"))
        let schedule = try ReportCLITests.csv(out + "/van.csv")
        let h = schedule[0]
        func col(_ row: [String], _ name: String) -> String { row[h.firstIndex(of: name)!] }
        let stops = schedule.dropFirst().filter { col($0, "event") == "stop" }
        let windows = ["Site 1": ("10:00", "12:00"), "Site 6": ("13:00", "15:30"), "Site 9": ("09:30", "12:30")]
        for stop in stops {
            if let w = windows[col(stop, "name")] {
                #expect(col(stop, "arrive") >= w.0 && col(stop, "depart") <= w.1, "\(col(stop, "name")): \(col(stop, "arrive"))–\(col(stop, "depart")) outside \(w)")
            }
        }
        let names = Set(stops.map { col($0, "name") })
        #expect(names.contains("Site 4") && names.contains("Site 6"), "fixed sites are visited: \(names)")
        // Every day back by 16:00 (leave 09:00, 420 minutes), waits included.
        for back in schedule.dropFirst().filter({ col($0, "event") == "return to depot" }) { #expect(col(back, "arrive") <= "16:00") }
        // The calendar keeps the same times.
        let checker = try CLI.runTool(try TestPython.withICalendar(), [TestData.packagePath("Tests/Fixtures/check_ics.py"), out + "/van.ics"])
        let parsed = try JSONDecoder().decode(Parsed.self, from: Data(checker.stdout.utf8))
        for e in parsed.events where e.summary == "Food van: Site 1" { #expect(e.start >= "10:00" && e.end <= "12:00") }
    }

    @Test("Bad input: windows that cannot be met (named, with why), a fixed site outside the region, more fixed sites than the days hold")
    func windowsBadInput() throws {
        let short = try siteList([("09:00-09:30", false)], extra: [])
        let (run, out) = try plan(["--sites", short, "--stops", "10"], name: "short")
        // All stops are asked for, so Site 1 with its half-hour window is a stop.
        #expect(run.status != 0)
        #expect(run.stderr.contains("Site 1 (09:00–09:30): the window is shorter than the 60 minutes at a stop"), "\(run.stderr)")
        #expect(run.stderr.contains("--sites"))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: out)) == [], "nothing written")

        let outside = try siteList([], extra: ["Far away,600000,250000,,yes"])
        let (far, _) = try plan(["--sites", outside], name: "far")
        #expect(far.status != 0)
        #expect(far.stderr.contains("1 fixed site is not among the candidate stops") && far.stderr.contains("Far away"), "\(far.stderr)")

        let many = try siteList([("", true), ("", true), ("", true)])
        let (full, _) = try plan(["--sites", many, "--days", "1", "--day-minutes", "150"], name: "full")
        #expect(full.status != 0)
        #expect(full.stderr.contains("3 fixed sites must be visited but there is room for only 2: 1 visit day of 150 minutes with 60 minutes a stop"), "\(full.stderr)")

        let malformed = try siteList([("ten till noon", false)])
        let (bad, _) = try plan(["--sites", malformed], name: "malformed")
        #expect(bad.status != 0 && bad.stderr.contains("the time window 'ten till noon' of site 1 is not like 10:00-12:00"), "\(bad.stderr)")
    }

    @Test("Bad input: an empty cycle, more visit days than the cycle holds, a malformed date or weekday; nothing written")
    func badInput() throws {
        let (tooMany, out) = try plan(["--cycle-weeks", "1", "--weekdays", "mon,tue"], name: "too-many")
        #expect(tooMany.status != 0)
        #expect(tooMany.stderr.contains("the plan has 4 visit days but a cycle of 1 week on the weekdays allowed holds only 2"), "\(tooMany.stderr)")
        #expect(tooMany.stderr.contains("--weekdays") && tooMany.stderr.contains("--cycle-weeks"))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: out)) == [], "nothing written")
        let (empty, _) = try plan(["--weekdays", ""], name: "empty")
        #expect(empty.status != 0 && empty.stderr.contains("--weekdays"))
        let (zero, _) = try plan(["--cycle-weeks", "0"], name: "zero")
        #expect(zero.status != 0 && zero.stderr.contains("--cycle-weeks must be at least 1"))
        let (date, _) = try plan(["--start-date", "2027-13-01"], name: "date")
        #expect(date.status != 0 && date.stderr.contains("--start-date takes a date"))
        let (day, _) = try plan(["--weekdays", "mon,funday"], name: "day")
        #expect(day.status != 0 && day.stderr.contains("--weekdays takes day names"))
    }
}
