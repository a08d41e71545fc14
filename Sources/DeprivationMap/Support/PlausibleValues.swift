import Foundation
import GeoIO

/// Ceilings on numbers read from files, so that an absurd value (a population of 1e19, several of
/// 1e308 that sum to infinity) is refused where it is read, with file, line, field and area,
/// instead of overflowing a calculation later.
///
/// The ceilings are far above any real value, so they never bind on real data:
/// - ``maximumAreaPopulation``: 10 million people for one area (an LSOA has about 1,500; the
///   largest English local authority, Birmingham, about 1.15 million).
/// - ``maximumQuantity``: 10¹² for a capacity, supply, FTE or need weight of one service or area.
/// - ``maximumCost``: 10⁹ for one travel time (minutes) or distance (metres) in a matrix.
public enum PlausibleValues {
    /// The most people one area may hold.
    public static let maximumAreaPopulation = 10_000_000.0
    /// The largest capacity, FTE, supply or need value of one service or area.
    public static let maximumQuantity = 1e12
    /// The largest travel cost (minutes or metres) of one origin–destination pair.
    public static let maximumCost = 1e9

    /// `value` when it is finite and within `0...maximum`, otherwise ``ImplausibleValueError``.
    ///
    /// - Parameters:
    ///   - value: the number read.
    ///   - maximum: the ceiling (one of the constants above).
    ///   - path: the file.
    ///   - line: its line (1-based, header = 1).
    ///   - field: the column's header.
    ///   - code: the area or service code of the row, when known.
    /// - Throws: ``ImplausibleValueError``.
    public static func check(_ value: Double, maximum: Double, path: String, line: Int, field: String, code: String?) throws -> Double {
        guard value.isFinite, value >= 0, value <= maximum else {
            throw ImplausibleValueError(path: path, line: line, field: field, code: code, value: value, maximum: maximum)
        }
        return value
    }
}

/// A number in a file that cannot be right: negative, not finite, or above the ceiling of
/// ``PlausibleValues``. The row is refused and the command stops: a file with such a value is
/// the wrong file or a damaged one.
public struct ImplausibleValueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file read.
    public var path: String
    /// The line of the row (1-based; the header is line 1).
    public var line: Int
    /// The column's header.
    public var field: String
    /// The area or service code of the row, when known.
    public var code: String?
    /// The value read (may be ±infinity or NaN).
    public var value: Double
    /// The ceiling it was held to, in the column's own unit.
    public var maximum: Double

    public var description: String {
        let area = code.map { ", area \($0)" } ?? ""
        let shown = value.isFinite ? String(format: "%g", value) : String(describing: value)
        return "\(path), line \(line)\(area): \(field) is \(shown), outside the plausible range 0 to \(String(format: "%g", maximum)). Correct the value or check that this is the right file (and the right column)."
    }
}
