extension String {
    /// The text without trailing spaces and full stops, for quoting a library's or the system's
    /// own sentence inside ours ("corrupt." + "." would print "corrupt..").
    public var withoutFinalStop: String {
        var s = Substring(self)
        while let last = s.last, last == "." || last == " " || last == "\n" { s = s.dropLast() }
        return String(s)
    }
}
