/// Conversions from `Double` to integers that never trap.
///
/// `Int(someDouble)` traps on NaN, on ±infinity and on values outside `Int`'s range (about
/// ±9.2 × 10¹⁸). Values read from files are validated when they are read, but every conversion in
/// the project goes through these so that a value that slips through can never crash a run.
extension Int {
    /// `value` rounded by `rule`, or `nil` when it is NaN, infinite or outside `Int`'s range.
    ///
    /// ```swift
    /// Int(rounding: 2.5)            // 3
    /// Int(rounding: 1e19)           // nil
    /// Int(rounding: .nan)           // nil
    /// ```
    public init?(rounding value: Double, _ rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) {
        let r = value.rounded(rule)
        // 2^63 is exactly representable; every Double below it converts.
        guard r.isFinite, r >= -9_223_372_036_854_775_808.0, r < 9_223_372_036_854_775_808.0 else { return nil }
        self.init(r)
    }

    /// `value` rounded by `rule` and clamped to `Int`'s range; NaN gives 0. For display and layout
    /// (pixel positions, field widths) where a value must be produced whatever the input.
    public init(saturating value: Double, _ rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero) {
        if value.isNaN { self = 0; return }
        self = Int(rounding: value, rule) ?? (value < 0 ? Int.min : Int.max)
    }
}
