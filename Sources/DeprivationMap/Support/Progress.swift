/// Progress of a long step, reported to a callback (the CLI draws a bar on a terminal).
public struct ProgressEvent: Sendable, Hashable {
    /// What is being done ("reading", "reprojecting", "writing", …).
    public var stage: String
    /// Items done so far.
    public var done: Int
    /// Items in all, when known.
    public var total: Int?

    /// Creates an event.
    public init(stage: String, done: Int, total: Int?) {
        self.stage = stage
        self.done = done
        self.total = total
    }
}

/// Receives ``ProgressEvent``s; may be called from worker threads.
public typealias ProgressCallback = @Sendable (ProgressEvent) -> Void
