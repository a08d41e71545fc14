import Foundation

/// The repeating cycle a food van works to: its length in weeks, the weekdays it may go out,
/// when the first cycle starts and how many cycles to put in the calendar.
public struct VisitCycle: Sendable, Hashable {
    /// Weeks in one cycle (2: fortnightly).
    public var weeks: Int
    /// ISO weekdays the van may go out (1 = Monday … 7 = Sunday).
    public var weekdays: [Int]
    /// The first day of the calendar (year, month, day); visits before it are not listed.
    public var start: DateComponents
    /// Cycles in the calendar (each stop is listed once per cycle).
    public var cycles: Int

    /// A cycle of `weeks` weeks on `weekdays`, from `start`, listed `cycles` times.
    public init(weeks: Int = 2, weekdays: [Int] = [1, 2, 3, 4, 5], start: DateComponents, cycles: Int = 6) {
        self.weeks = weeks
        self.weekdays = weekdays
        self.start = start
        self.cycles = cycles
    }

    /// The Monday on or after `date` (UTC calendar days).
    public static func nextMonday(after date: Date = Date()) -> DateComponents {
        let calendar = VisitCalendar.dayCalendar
        var day = calendar.startOfDay(for: date)
        repeat { day = calendar.date(byAdding: .day, value: 1, to: day)! } while calendar.component(.weekday, from: day) != 2
        return calendar.dateComponents([.year, .month, .day], from: day)
    }
}

/// Why a visit calendar could not be made.
public enum VisitCalendarError: Error, Sendable, Equatable, AdvisedError {
    /// The cycle has no working day (no weeks, or no weekday).
    case emptyCycle
    /// More visit days than the cycle holds.
    case tooManyDays(days: Int, slots: Int, weeks: Int)
    /// A setting out of range.
    case badParameter(String, Setting)

    public var problem: String {
        switch self {
        case .emptyCycle:
            return "the visit cycle has no working day (it needs at least one week and one weekday)"
        case .tooManyDays(let days, let slots, let weeks):
            return "the plan has \(days) visit days but a cycle of \(weeks) week\(weeks == 1 ? "" : "s") on the weekdays allowed holds only \(slots)"
        case .badParameter(let text, _):
            return text
        }
    }

    public var advice: Advice? {
        switch self {
        case .emptyCycle:
            return "give at least one weekday in \(Setting.weekdays) and a cycle of at least one week in \(Setting.cycleWeeks)"
        case .tooManyDays:
            return "allow more weekdays (\(Setting.weekdays)), a longer cycle (\(Setting.cycleWeeks)), or fewer visit days (\(Setting.days))"
        case .badParameter(_, let setting):
            return "change \(setting)"
        }
    }
}

/// A food-van plan laid on the calendar: each route day gets a fixed weekday of the cycle, so every
/// stop is visited on the same weekday and at the same time every cycle, and the visits of the
/// next cycles are listed with their dates (and written as an iCalendar file).
///
/// ```swift
/// let calendar = try VisitCalendar(plan: plan, cycle: VisitCycle(weeks: 2, start: VisitCycle.nextMonday()))
/// try calendar.iCalendar(name: "Southend food van").write(toFile: "van.ics", atomically: true, encoding: .utf8)
/// ```
public struct VisitCalendar: Sendable {
    /// Where a route day falls in the cycle.
    public struct Slot: Sendable, Hashable {
        /// The plan's day number.
        public var day: Int
        /// Week of the cycle, 1-based.
        public var week: Int
        /// ISO weekday, 1 = Monday.
        public var weekday: Int
    }

    /// One visit of one stop.
    public struct Visit: Sendable, Hashable {
        /// Its date (year, month, day).
        public var date: DateComponents
        /// ISO weekday, 1 = Monday.
        public var weekday: Int
        /// Cycle number, 1-based.
        public var cycle: Int
        /// Arrival and departure, minutes after midnight (local time).
        public var arrival: Double
        /// Departure, minutes after midnight.
        public var departure: Double
        /// The stop.
        public var stop: FoodVanStop
    }

    /// The cycle.
    public var cycle: VisitCycle
    /// One per route day.
    public var slots: [Slot]
    /// Every visit, by date then arrival.
    public var visits: [Visit]

    /// Gregorian days in UTC: dates only, no clock changes.
    static let dayCalendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    /// ISO weekday names.
    public static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// Lays `plan`'s route days on the cycle: day d of D takes slot ⌊d·S/D⌋ of the S working days
    /// of a cycle, so visit days are spread over it (four days a fortnight on weekdays: Monday and
    /// Wednesday of each week).
    /// - Throws: ``VisitCalendarError``.
    public init(plan: FoodVanPlan, cycle: VisitCycle) throws {
        let weekdays = Array(Set(cycle.weekdays)).sorted()
        guard weekdays.allSatisfy({ (1...7).contains($0) }) else {
            throw VisitCalendarError.badParameter("weekdays are 1 (Monday) to 7 (Sunday)", .weekdays)
        }
        guard cycle.weeks >= 1, !weekdays.isEmpty else { throw VisitCalendarError.emptyCycle }
        guard cycle.weeks <= 52 else { throw VisitCalendarError.badParameter("a cycle is at most 52 weeks", .cycleWeeks) }
        guard cycle.cycles >= 1, cycle.cycles <= 520 else { throw VisitCalendarError.badParameter("list between 1 and 520 cycles", .cycles) }
        let calendar = Self.dayCalendar
        guard let start = calendar.date(from: cycle.start) else { throw VisitCalendarError.badParameter("the start date is not a date", .startDate) }
        let days = plan.routes.count
        let slotsPerCycle = cycle.weeks * weekdays.count
        guard days <= slotsPerCycle else { throw VisitCalendarError.tooManyDays(days: days, slots: slotsPerCycle, weeks: cycle.weeks) }
        self.cycle = cycle
        slots = plan.routes.enumerated().map { d, route in
            let s = d * slotsPerCycle / max(days, 1)
            return Slot(day: route.day, week: s / weekdays.count + 1, weekday: weekdays[s % weekdays.count])
        }
        // Monday of the start's week; ISO weekday from the calendar's (1 = Sunday).
        let startWeekday = (calendar.component(.weekday, from: start) + 5) % 7 + 1
        let monday = calendar.date(byAdding: .day, value: -(startWeekday - 1), to: start)!
        var visits: [Visit] = []
        for slot in slots {
            let first = calendar.date(byAdding: .day, value: (slot.week - 1) * 7 + slot.weekday - 1, to: monday)!
            var listed = 0, k = 0
            while listed < cycle.cycles {
                let date = calendar.date(byAdding: .day, value: k * cycle.weeks * 7, to: first)!
                k += 1
                if date < start { continue }
                listed += 1
                for stop in plan.stops where stop.day == slot.day {
                    visits.append(Visit(date: calendar.dateComponents([.year, .month, .day], from: date), weekday: slot.weekday, cycle: listed,
                                        arrival: stop.arrival, departure: stop.departure, stop: stop))
                }
            }
        }
        self.visits = visits.sorted { a, b in
            let da = calendar.date(from: a.date)!, db = calendar.date(from: b.date)!
            return da != db ? da < db : a.arrival < b.arrival
        }
    }

    /// "every other week on Tuesday (week 1)" style words for a route day.
    public func words(forDay day: Int) -> String {
        guard let s = slots.first(where: { $0.day == day }) else { return "" }
        let every = cycle.weeks == 1 ? "every week" : cycle.weeks == 2 ? "every fortnight" : "every \(cycle.weeks) weeks"
        return "\(Self.weekdayNames[s.weekday - 1])\(cycle.weeks > 1 ? " of week \(s.week)" : ""), \(every)"
    }

    /// Every visit as a row: date, weekday, cycle, arrival, departure, stop, name, id, area, place.
    public func rows() -> (header: [String], rows: [[String]]) {
        let header = ["date", "weekday", "cycle", "day", "order", "arrive", "depart", "stop", "name", "id", "area_code", "easting", "northing",
                      "population_covered"]
        let rows = visits.map { v in
            [String(format: "%04d-%02d-%02d", v.date.year!, v.date.month!, v.date.day!), Self.weekdayNames[v.weekday - 1], "\(v.cycle)",
             "\(v.stop.day)", "\(v.stop.order)", FoodVanPlan.clock(v.arrival), FoodVanPlan.clock(v.departure), "\(v.stop.number)", v.stop.name,
             v.stop.id, v.stop.areaCode, String(format: "%.0f", v.stop.point.x), String(format: "%.0f", v.stop.point.y),
             String(format: "%.0f", v.stop.populationCovered)]
        }
        return (header, rows)
    }
}
