import Foundation

/// Something an analysis noticed and the user should know: rows left out, areas without a value,
/// a repair. It names what it can (file, line, field, area codes) and says what to change as an
/// `Advice` that a front end words in its own vocabulary.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What was found, in words.
    public var message: String
    /// The file it concerns, when one does.
    public var file: String?
    /// The 1-based line or record in ``file``.
    public var line: Int?
    /// The field or column.
    public var field: String?
    /// The area or service codes concerned (all of them; the message lists the first few).
    public var codes: [String]
    /// What to change, when the user can.
    public var advice: Advice?

    /// A diagnostic: `message` in words, with what it concerns and what to change.
    public init(_ message: String, file: String? = nil, line: Int? = nil, field: String? = nil, codes: [String] = [], advice: Advice? = nil) {
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        self.codes = codes
        self.advice = advice
    }

    /// The message and the advice worded by `name`.
    public func worded(_ name: (Setting) -> String) -> String {
        guard let advice else { return message }
        return message + "; " + advice.worded(name)
    }

    /// The message and the advice in plain words.
    public var description: String { worded(\.plainName) }
}

extension Array where Element == Diagnostic {
    /// Appends a diagnostic built from its parts.
    mutating func note(_ message: String, codes: [String] = [], file: String? = nil, advice: Advice? = nil) {
        append(Diagnostic(message, file: file, codes: codes, advice: advice))
    }
}
