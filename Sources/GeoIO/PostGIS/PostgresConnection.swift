import CPostgres
import GeoCore
import Foundation

/// Why PostgreSQL or PostGIS refused: the target (password masked), what was being done and the
/// server's message.
public struct PostGISError: Error, Sendable, Equatable, AdvisedError {
    /// The database, as `postgresql://user@host/db` with no password.
    public var target: String
    /// What was being done.
    public var doing: String
    /// The server's or libpq's message.
    public var message: String
    /// What to change, when the tool can tell.
    public var fix: Advice?

    /// An error of `doing` at `target`, with what to change.
    public init(target: String, doing: String, message: String, fix: Advice? = nil) {
        self.target = target; self.doing = doing; self.message = message; self.fix = fix
    }

    public var problem: String { "\(target): \(doing) failed: \(message)" }
    public var advice: Advice? { fix }
}

/// Where a table or query lives: a `postgresql://` address (libpq's URI, or empty for the
/// standard PG* environment variables) and a table (`schema.table`) or a query.
public struct PostGISSource: Sendable, Hashable {
    /// libpq's connection string (our own `table=`/`query=`/`geometry=` parameters removed).
    public var connection: String
    /// A table, `schema.table` or `table`.
    public var table: String?
    /// A query (read only).
    public var query: String?
    /// The geometry column; the first geometry column when `nil`.
    public var geometryColumn: String?

    /// `true` for `postgresql://` and `postgres://` addresses.
    public static func isAddress(_ text: String) -> Bool { text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") }

    /// Reads `postgresql://[user[:password]@][host][:port]/[db]?table=…|query=…[&geometry=…]`;
    /// libpq takes every other parameter. `nil` when `text` is not such an address.
    public init?(_ text: String) {
        guard Self.isAddress(text), var components = URLComponents(string: text) else { return nil }
        var kept: [URLQueryItem] = []
        for item in components.queryItems ?? [] {
            switch item.name {
            case "table": table = item.value
            case "query": query = item.value
            case "geometry": geometryColumn = item.value
            default: kept.append(item)
            }
        }
        components.queryItems = kept.isEmpty ? nil : kept
        connection = components.string ?? text
    }

    /// The connection string alone (writing: the table is given separately).
    public init(connection: String, table: String? = nil) { self.connection = connection; self.table = table }

    /// The address for messages: no password.
    public var display: String {
        guard var c = URLComponents(string: connection) else { return "postgresql (PG* environment)" }
        if c.password != nil { c.password = "***" }
        let shown = c.string ?? connection
        return ["postgresql:", "postgresql://", "postgresql:///", "postgres://", "postgres:///"].contains(shown) ? "PostgreSQL (PG* environment)" : shown
    }

    /// The table or query for messages: the address with no password, then the table (or "query").
    public var label: String {
        let base = display.hasPrefix("PostgreSQL (") ? "postgresql:///" : display
        if let table { return base + (base.contains("?") ? "&" : "?") + "table=" + table }
        return base + " (query)"
    }
}

/// An open libpq connection: the owned handle is finished in `deinit`. One thread at a time.
final class PostgresConnection {
    let handle: OpaquePointer
    let display: String

    /// Connects to `source` (libpq reads PG* variables for whatever the address leaves out).
    init(_ source: PostGISSource) throws {
        display = source.display
        let conninfo = source.connection == "postgresql://" || source.connection == "postgres://" ? "" : source.connection
        guard let conn = PQconnectdb(conninfo) else { throw PostGISError(target: display, doing: "connecting", message: "libpq could not allocate a connection") }
        handle = conn
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(conn)).trimmingCharacters(in: .whitespacesAndNewlines)
            let fix: Advice? = message.contains("password") || message.contains("role") || message.contains("authentication") ? "check the user and password (in the address, PGUSER, PGPASSWORD or ~/.pgpass)"
                : message.contains("database") && message.contains("does not exist") ? "check the database name (in the address or PGDATABASE)"
                : message.contains("No such file") || message.contains("Connection refused") || message.contains("could not translate") ? "check that the server runs and the host, port or socket folder (PGHOST) are right"
                : nil
            throw PostGISError(target: display, doing: "connecting", message: message, fix: fix)
        }
        _ = try? execute("SET application_name = 'deprivation-map'", doing: "naming the session")
    }

    deinit { PQfinish(handle) }

    func failure(_ doing: String, _ result: OpaquePointer?) -> PostGISError {
        let message = result.flatMap { r -> String? in
            let m = String(cString: PQresultErrorMessage(r))
            return m.isEmpty ? nil : m
        } ?? String(cString: PQerrorMessage(handle))
        return PostGISError(target: display, doing: doing, message: message.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs `sql` with `parameters` bound as text ($1, $2 …; never spliced); returns the result rows as text (nil = NULL).
    @discardableResult
    func execute(_ sql: String, _ parameters: [String?] = [], doing: String) throws -> [[String?]] {
        try query(sql, parameters, doing: doing).rows
    }

    /// Column names and type OIDs of a statement's result (none for a command), and its rows as text.
    func query(_ sql: String, _ parameters: [String?] = [], doing: String) throws -> (names: [String], types: [UInt32], rows: [[String?]]) {
        let cParams = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { for p in cParams { free(p) } }
        let result: OpaquePointer? = cParams.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(1, buffer.count)) { pointer in
                PQexecParams(handle, sql, Int32(parameters.count), nil, parameters.isEmpty ? nil : pointer, nil, nil, 0)
            }
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(doing, result) }
        let n = PQntuples(result), m = PQnfields(result)
        let names = (0..<m).map { String(cString: PQfname(result, $0)) }
        let types = (0..<m).map { UInt32(PQftype(result, $0)) }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(n))
        for r in 0..<n {
            rows.append((0..<m).map { c in PQgetisnull(result, r, c) == 1 ? nil : String(cString: PQgetvalue(result, r, c)) })
        }
        return (names, types, rows)
    }

    /// An identifier quoted by libpq (`schema.table` quoted part by part).
    func identifier(_ name: String) throws -> String {
        try name.split(separator: ".", maxSplits: 1).map { part -> String in
            guard let q = PQescapeIdentifier(handle, String(part), part.utf8.count) else { throw failure("quoting \(name)", nil) }
            defer { PQfreemem(q) }
            return String(cString: q)
        }.joined(separator: ".")
    }

    /// `COPY … TO STDOUT`: the bytes the server sends, in order. Stops with an error when they
    /// pass `limit` bytes (a table is never allowed to claim unbounded memory).
    func copyOut(_ sql: String, limit: Int, doing: String) throws -> Data {
        let start = PQexec(handle, sql)
        let status = PQresultStatus(start)
        defer { PQclear(start) }
        guard status == PGRES_COPY_OUT else { throw failure(doing, start) }
        var out = Data()
        var tooLarge = false
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let n = PQgetCopyData(handle, &buffer, 0)
            if n > 0, let buffer {
                if !tooLarge { out.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: Int(n)) }
                PQfreemem(buffer)
                // Keep draining so that the connection ends in a clean state, but keep nothing more.
                if out.count > limit { tooLarge = true; out = Data() }
                continue
            }
            if let buffer { PQfreemem(buffer) }
            break
        }
        var firstError: PostGISError?
        while let r = PQgetResult(handle) {
            if PQresultStatus(r) != PGRES_COMMAND_OK && firstError == nil { firstError = failure(doing, r) }
            PQclear(r)
        }
        if let firstError { throw firstError }
        if tooLarge {
            throw PostGISError(target: display, doing: doing, message: "the result is larger than \(limit / (1 << 20)) MiB",
                               fix: "select fewer columns or rows with ?query=SELECT …")
        }
        return out
    }

    /// `COPY … FROM STDIN` fed by `fill`, which hands back text-format rows in chunks of bytes.
    func copyIn(_ sql: String, doing: String, fill: (([UInt8]) throws -> Void) throws -> Void) throws {
        let start = PQexec(handle, sql)
        let status = PQresultStatus(start)
        PQclear(start)
        guard status == PGRES_COPY_IN else { throw failure(doing, nil) }
        var failed: Error?
        do {
            try fill { chunk in
                let rc = chunk.withUnsafeBufferPointer { b in
                    b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { PQputCopyData(handle, $0, Int32(b.count)) }
                }
                guard rc == 1 else { throw failure(doing, nil) }
            }
        } catch {
            failed = error
        }
        _ = PQputCopyEnd(handle, failed == nil ? nil : "aborted by the client")
        var firstError: PostGISError?
        while let r = PQgetResult(handle) {
            if PQresultStatus(r) != PGRES_COMMAND_OK && firstError == nil { firstError = failure(doing, r) }
            PQclear(r)
        }
        if let failed { throw failed }
        if let firstError { throw firstError }
    }
}
