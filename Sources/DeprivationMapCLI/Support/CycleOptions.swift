import ArgumentParser
import DeprivationMap
import Foundation

/// The food van's repeating cycle on the command line: weeks, weekdays, start date, cycles listed.
struct CycleOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Weeks in the visit cycle (2: fortnightly); each stop is visited on the same weekday and time every cycle.", valueName: "weeks"))
    var cycleWeeks: Int = 2

    @Option(help: ArgumentHelp("Weekdays the van goes out, comma-separated (mon,tue,wed,thu,fri).", valueName: "days"))
    var weekdays: String = "mon,tue,wed,thu,fri"

    @Option(help: ArgumentHelp("First day of the calendar, YYYY-MM-DD (default: next Monday).", valueName: "date"))
    var startDate: String?

    @Option(help: ArgumentHelp("Cycles listed in the calendar files.", valueName: "n"))
    var cycles: Int = 6

    static let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    func validate() throws {
        guard cycleWeeks >= 1 else { throw ValidationError("--cycle-weeks must be at least 1.") }
        guard cycles >= 1 else { throw ValidationError("--cycles must be at least 1.") }
        _ = try parsedWeekdays()
        _ = try parsedStart()
    }

    func parsedWeekdays() throws -> [Int] {
        var days: [Int] = []
        for part in weekdays.lowercased().split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces).prefix(3)
            guard let k = Self.names.firstIndex(of: String(name)) else {
                throw ValidationError("--weekdays takes day names such as mon,wed,fri; got '\(weekdays)'.")
            }
            days.append(k + 1)
        }
        guard !days.isEmpty else { throw ValidationError("--weekdays needs at least one day.") }
        return days
    }

    func parsedStart() throws -> DateComponents {
        guard let startDate else { return VisitCycle.nextMonday() }
        let parts = startDate.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]), parts[0] >= 2000, parts[0] <= 2200 else {
            throw ValidationError("--start-date takes a date such as 2027-01-04; got '\(startDate)'.")
        }
        return DateComponents(year: parts[0], month: parts[1], day: parts[2])
    }

    func cycle() throws -> VisitCycle {
        VisitCycle(weeks: cycleWeeks, weekdays: try parsedWeekdays(), start: try parsedStart(), cycles: cycles)
    }
}
