import Foundation

/// Why need-adjusted GP supply could not be computed. Each case names the file and what to change.
public enum NeedAdjustedSupplyError: Error, Sendable, Equatable, AdvisedError {
    /// A column the method needs is not in the file.
    case missingColumn(path: String, column: String, columns: [String])
    /// The payments file's financial year is neither given nor in its name.
    case paymentsYearUnknown(path: String)
    /// The payments file's name says one financial year and the year given is another.
    case yearsDisagree(path: String, named: FinancialYear, given: FinancialYear)
    /// The workforce table has no rows for the year; `available` are the years it has.
    case yearMissing(path: String, year: FinancialYear, available: [FinancialYear])
    /// The workforce year has no practice IMD scores, so no quintiles; `available` are the years with scores.
    case noIMDScores(path: String, year: FinancialYear, available: [FinancialYear])
    /// A practice appears twice in the same year of the workforce table.
    case duplicatePractice(path: String, code: String, lines: [Int])
    /// No practice is in both files with weighted patients and GP FTE.
    case noPractices(workforce: String, payments: String)

    public var problem: String {
        switch self {
        case .missingColumn(let path, let column, let columns):
            return "\(path) has no column '\(column)'; its columns are \(columns.prefix(30).joined(separator: ", "))"
        case .paymentsYearUnknown(let path):
            return "the financial year of \(path) is not in its name (as 2022-23)"
        case .yearsDisagree(let path, let named, let given):
            return "\(path) is named for the financial year \(named), but \(given) was given as its year"
        case .yearMissing(let path, let year, let available):
            return "\(path) has no rows for the financial year \(year); it has \(available.map(\.description).joined(separator: ", "))"
        case .noIMDScores(let path, let year, let available):
            return "\(path) has no practice IMD scores for \(year), so practices cannot be put in quintiles"
                + (available.isEmpty ? "" : "; years with scores: \(available.map(\.description).joined(separator: ", "))")
        case .duplicatePractice(let path, let code, let lines):
            return "practice \(code) appears more than once in one year of \(path), on lines \(lines.map(String.init).joined(separator: ", "))"
        case .noPractices(let workforce, let payments):
            return "no practice of \(workforce) is in \(payments) with weighted patients and GP FTE"
        }
    }

    public var advice: Advice? {
        switch self {
        case .missingColumn: return "give the NHS England workforce table and the NHS payments file with their published column names"
        case .paymentsYearUnknown: return "give \(Setting.paymentsYear), such as 2022/23"
        case .yearsDisagree(_, let named, _): return "leave out \(Setting.paymentsYear) (the file is of \(named)), or give the payments file of the year you mean"
        case .yearMissing, .noIMDScores: return "choose one of those years with \(Setting.workforceYear)"
        case .duplicatePractice: return "keep one row per practice and financial year"
        case .noPractices: return "check that both files cover the same practices (codes such as A81001)"
        }
    }
}
