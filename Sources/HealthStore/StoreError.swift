// The one error type of the store: a stable code (an SQLite result code or a store-specific kind), a message
// and the SQL text that failed. Bound values never appear in it, because they are health data.

/// An error raised by the store.
///
/// `code` is stable and meant for programs (the server maps it to a wire error code); `message` and `sql` are for
/// people. The description shows the code, the message and the SQL text, never the values bound to the SQL.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// An SQLite extended result code, such as 2067 (`SQLITE_CONSTRAINT_UNIQUE`) or 5 (`SQLITE_BUSY`).
        case sqlite(Int32)
        /// A query named a user that has no data in the store.
        case unknownUser
        /// A query named a metric code that the catalog does not contain.
        case unknownCode
        /// An argument is out of range, such as a granularity the domain has no rollups for.
        case invalidArgument
        /// The database contains migrations that this build does not know, or names an applied migration differently.
        case incompatibleSchema
        /// The writer or reader was used after `close()`.
        case closed
    }

    public let code: Code
    public let message: String
    /// The SQL statement that failed, when an SQL statement was involved.
    public let sql: String?

    public init(code: Code, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary SQLite result code (the low 8 bits of the extended code), or nil for store-specific kinds.
    public var sqlitePrimaryCode: Int32? {
        if case .sqlite(let extended) = code { return extended & 0xff }
        return nil
    }

    public var description: String {
        var text: String
        switch code {
        case .sqlite(let extended): text = "SQLite error \(extended): \(message)"
        case .unknownUser: text = "unknown user: \(message)"
        case .unknownCode: text = "unknown code: \(message)"
        case .invalidArgument: text = "invalid argument: \(message)"
        case .incompatibleSchema: text = "incompatible schema: \(message)"
        case .closed: text = "store closed: \(message)"
        }
        if let sql {
            text += " (SQL: \(sql))"
        }
        return text
    }
}
