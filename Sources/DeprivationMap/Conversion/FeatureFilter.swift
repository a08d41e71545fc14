import GeoCore

/// Why a row filter or a field selection could not be applied.
public enum FilterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not `FIELD=VALUE` (or another operator).
    case badClause(String)
    /// A named field does not exist in the layer.
    case unknownField(name: String, available: [String], suggestion: String?)
    /// An ordering comparison on a text field with a value that is not a number.
    case notNumeric(field: String, value: String)
    /// No feature satisfied the conditions.
    case noMatch(clauses: [String], examples: [String: [String]])

    public var description: String {
        switch self {
        case .badClause(let text):
            return "cannot read the condition '\(text)'; write FIELD=VALUE (also !=, ^= for 'starts with', <, <=, >, >=)."
        case .unknownField(let name, let available, let suggestion):
            let hint = suggestion.map { " Did you mean \($0)?" } ?? ""
            return "there is no field '\(name)'.\(hint) The fields are: \(available.joined(separator: ", "))."
        case .notNumeric(let field, let value):
            return "'\(value)' is not a number, so it cannot be compared with < or > on field \(field)."
        case .noMatch(let clauses, let examples):
            let shown = examples.keys.sorted().map { "\($0) has values such as \(examples[$0]!.map { "'\($0)'" }.joined(separator: ", "))" }
            return "no feature matches \(clauses.joined(separator: " ")); nothing was written. " + shown.joined(separator: "; ") + "."
        }
    }
}

/// One attribute condition, written `FIELD=VALUE`, `FIELD!=VALUE`, `FIELD^=PREFIX`,
/// `FIELD<N`, `FIELD<=N`, `FIELD>N` or `FIELD>=N`.
public struct WhereClause: Sendable, Hashable, CustomStringConvertible {
    /// How the field is compared with the value.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        /// Equal (text, or numbers when both parse).
        case equal = "="
        /// Not equal.
        case notEqual = "!="
        /// Text starts with the value.
        case startsWith = "^="
        /// Less than (numbers, or text order).
        case less = "<"
        /// Less than or equal.
        case lessOrEqual = "<="
        /// Greater than.
        case greater = ">"
        /// Greater than or equal.
        case greaterOrEqual = ">="
    }

    /// Field name (matched exactly, then ignoring case).
    public var field: String
    /// The comparison.
    public var op: Operator
    /// The value as written.
    public var value: String

    /// Creates a clause.
    public init(field: String, op: Operator, value: String) {
        self.field = field
        self.op = op
        self.value = value
    }

    /// Parses `FIELD=VALUE` and the other operator forms.
    /// - Throws: ``FilterError/badClause(_:)``.
    public init(parsing text: String) throws {
        // Longest operators first so that "<=" is not read as "<".
        for op in [Operator.notEqual, .startsWith, .lessOrEqual, .greaterOrEqual, .equal, .less, .greater] {
            if let r = text.range(of: op.rawValue) {
                let field = String(text[..<r.lowerBound]).trimmingCharacters(in: .whitespaces)
                guard !field.isEmpty else { throw FilterError.badClause(text) }
                self.init(field: field, op: op, value: String(text[r.upperBound...]))
                return
            }
        }
        throw FilterError.badClause(text)
    }

    public var description: String { "\(field)\(op.rawValue)\(value)" }

    /// `true` when `fieldValue` satisfies the clause. Numbers compare numerically (`1.0` equals
    /// `1`); text compares exactly; null matches only `FIELD=` with an empty value.
    func matches(_ fieldValue: FieldValue) -> Bool {
        switch op {
        case .equal: return equals(fieldValue)
        case .notEqual: return !equals(fieldValue)
        case .startsWith: return !fieldValue.isNull && fieldValue.text.hasPrefix(value)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let lhs = fieldValue.number ?? Double(fieldValue.text), let rhs = Double(value) else { return false }
            switch op {
            case .less: return lhs < rhs
            case .lessOrEqual: return lhs <= rhs
            case .greater: return lhs > rhs
            default: return lhs >= rhs
            }
        }
    }

    private func equals(_ fieldValue: FieldValue) -> Bool {
        if fieldValue.isNull { return value.isEmpty }
        if let n = fieldValue.number, let v = Double(value) { return n == v }
        return fieldValue.text == value
    }
}

/// A set of ``WhereClause``s: clauses on the same field are alternatives (OR), clauses on
/// different fields must all hold (AND).
///
/// ```swift
/// // LSOAs of two districts, by name prefix:
/// let filter = try FeatureFilter(clauses: ["LSOA11NM^=Basildon ", "LSOA11NM^=Thurrock "].map(WhereClause.init(parsing:)),
///                                schema: layer.schema)
/// let kept = layer.features.filter(filter.matches)
/// ```
public struct FeatureFilter: Sendable {
    private let groups: [(field: Int, clauses: [WhereClause])]

    /// Resolves the clauses' fields against `schema`.
    /// - Throws: ``FilterError/unknownField(name:available:suggestion:)``, ``FilterError/notNumeric(field:value:)``.
    public init(clauses: [WhereClause], schema: Schema) throws {
        var byField: [(field: Int, clauses: [WhereClause])] = []
        for clause in clauses {
            guard let index = schema.index(of: clause.field) else {
                throw FilterError.unknownField(name: clause.field, available: schema.names, suggestion: closestName(clause.field, in: schema.names))
            }
            if [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(clause.op), Double(clause.value) == nil {
                throw FilterError.notNumeric(field: clause.field, value: clause.value)
            }
            if let g = byField.firstIndex(where: { $0.field == index }) {
                byField[g].clauses.append(clause)
            } else {
                byField.append((index, [clause]))
            }
        }
        groups = byField
    }

    /// Up to `limit` distinct values of each filtered field among `features`, to show in an error.
    public func exampleValues(in features: [Feature], schema: Schema, limit: Int = 4) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for group in groups {
            var seen: [String] = []
            for f in features where seen.count < limit {
                let text = f.values[group.field].text
                if !seen.contains(text) { seen.append(text) }
            }
            result[schema.fields[group.field].name] = seen
        }
        return result
    }

    /// `true` when the feature passes every field's group.
    public func matches(_ feature: Feature) -> Bool {
        groups.allSatisfy { group in group.clauses.contains { $0.matches(feature.values[group.field]) } }
    }
}

/// The name in `candidates` closest to `name` by edit distance (ignoring case), if it is close
/// enough to be a plausible typo.
public func closestName(_ name: String, in candidates: [String]) -> String? {
    let target = Array(name.lowercased())
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(target, Array(c.lowercased()))
        if best == nil || d < best!.1 { best = (c, d) }
    }
    guard let (candidate, distance) = best, distance <= max(2, target.count / 3) else { return nil }
    return candidate
}

/// Levenshtein distance.
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
