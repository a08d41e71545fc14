import CSQLite
import Foundation

/// Why SQLite refused: the file, what was being done and SQLite's own message.
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database file.
    public var path: String
    /// What was being done ("creating table lsoa", "opening").
    public var doing: String
    /// SQLite's result code and message.
    public var code: Int32, message: String

    public var description: String { "\(path): SQLite failed while \(doing): \(message) (code \(code))" }
}

/// An open SQLite database: the owned handle is closed in `deinit`. One thread at a time.
final class SQLiteDatabase {
    let path: String
    private(set) var handle: OpaquePointer?

    /// Opens (or, with `create`, creates) the database at `path`.
    init(path: String, create: Bool, readOnly: Bool = false) throws {
        self.path = path
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0))
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        handle = db
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            throw SQLiteError(path: path, doing: "opening", code: rc, message: message)
        }
    }

    deinit { sqlite3_close_v2(handle) }

    func error(_ rc: Int32, _ doing: String) -> SQLiteError {
        SQLiteError(path: path, doing: doing, code: rc, message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "no database")
    }

    /// Runs statements that take no values (schema, pragmas).
    func execute(_ sql: String, doing: String) throws {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, doing) }
    }

    /// A prepared statement; values are always bound, never spliced into the text.
    func prepare(_ sql: String, doing: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw error(rc, doing) }
        return SQLiteStatement(statement, database: self, doing: doing)
    }
}

/// Values SQLite stores.
enum SQLiteValue {
    case null, integer(Int64), real(Double), text(String), blob([UInt8])
}

/// A prepared statement: finalized in `deinit`.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private let database: SQLiteDatabase
    private let doing: String

    init(_ handle: OpaquePointer, database: SQLiteDatabase, doing: String) {
        self.handle = handle
        self.database = database
        self.doing = doing
    }

    deinit { sqlite3_finalize(handle) }

    /// SQLite's "transient": it copies the bytes before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Binds `values` to ?1, ?2 … in order, runs the statement to completion and resets it.
    func run(_ values: [SQLiteValue]) throws {
        try bind(values)
        let rc = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw database.error(rc, doing) }
    }

    /// Binds `values`, then calls `row` for each result row; resets at the end.
    func query(_ values: [SQLiteValue] = [], row: (SQLiteStatement) throws -> Void) throws {
        try bind(values)
        defer { sqlite3_reset(handle) }
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw database.error(rc, doing) }
            try row(self)
        }
    }

    private func bind(_ values: [SQLiteValue]) throws {
        sqlite3_clear_bindings(handle)
        for (k, v) in values.enumerated() {
            let i = Int32(k + 1)
            let rc: Int32
            switch v {
            case .null: rc = sqlite3_bind_null(handle, i)
            case .integer(let n): rc = sqlite3_bind_int64(handle, i, n)
            case .real(let d): rc = sqlite3_bind_double(handle, i, d)
            case .text(let s): rc = sqlite3_bind_text(handle, i, s, -1, Self.transient)
            case .blob(let b): rc = b.withUnsafeBytes { sqlite3_bind_blob(handle, i, $0.baseAddress, Int32($0.count), Self.transient) }
            }
            guard rc == SQLITE_OK else { throw database.error(rc, doing) }
        }
    }

    /// Column `i` of the current row.
    func value(_ i: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, i))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(handle, i)))
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(handle, i))
            guard n > 0, let p = sqlite3_column_blob(handle, i) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: p, count: n)))
        default: return .null
        }
    }

    /// Columns of the result.
    var columnCount: Int32 { sqlite3_column_count(handle) }
}
