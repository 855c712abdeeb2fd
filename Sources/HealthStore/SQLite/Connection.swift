// A thin SQLite connection: open with the store's pragmas, run SQL text, prepare statements and run transactions.
//
// A connection and its statements are confined to one thread (opened with SQLITE_OPEN_NOMUTEX), because
// `sqlite3*` is not thread-safe in that mode and is not Sendable in Swift.

import CSQLite

final class Connection {
    /// The access mode of a connection.
    enum Mode {
        /// Read-write, creating the file if missing; sets the page size, WAL and synchronous=NORMAL.
        case writer
        /// Read-only. In WAL mode it reads committed data while the writer works.
        case reader
    }

    /// Page size for new databases, in bytes (SQLite's default is 4096). SQLite ignores it once the file has
    /// tables.
    static let pageSize = 8192
    /// The writer's page cache limit, in KiB.
    static let writerCacheKiB = 65536
    /// How long a statement waits for a lock held by another connection before failing with SQLITE_BUSY.
    static let busyTimeoutMs: Int32 = 5000

    private(set) var handle: OpaquePointer?
    let path: String

    /// Process-wide SQLite settings, applied once before the first connection opens. Memory statistics are off,
    /// because the store never reads them and keeping them takes a global mutex on every SQLite allocation.
    private static let processSettings: Void = {
        _ = csqlite_disable_memory_statistics()
    }()

    init(path: String, mode: Mode) throws {
        _ = Connection.processSettings
        self.path = path
        var flags = SQLITE_OPEN_NOMUTEX
        switch mode {
        case .writer: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .reader: flags |= SQLITE_OPEN_READONLY
        }

        var db: OpaquePointer?
        let result = sqlite3_open_v2(path, &db, flags, nil)
        guard result == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(result))
            sqlite3_close_v2(db)
            throw StoreError(code: .sqlite(result), message: "cannot open database \(path): \(message)")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, Connection.busyTimeoutMs)

        if mode == .writer {
            // page_size must come before WAL: a WAL database can no longer change its page size.
            // https://www.sqlite.org/pragma.html#pragma_page_size
            try execute("PRAGMA page_size = \(Connection.pageSize)")
            try execute("PRAGMA journal_mode = WAL")
            // In WAL mode, NORMAL loses no committed transaction on an application crash, only on power loss or
            // an OS crash: https://www.sqlite.org/pragma.html#pragma_synchronous
            try execute("PRAGMA synchronous = NORMAL")
            // The writer's inserts land all over the idempotency and rollup indexes, so a page cache larger than
            // SQLite's 2 MiB default saves rereading their pages from the OS. It is a maximum, not an allocation.
            try execute("PRAGMA cache_size = -\(Connection.writerCacheKiB)")
        }
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Closes the connection. Statements still alive are finalized when they are released
    /// (sqlite3_close_v2 keeps the connection as a zombie until then).
    func close() {
        sqlite3_close_v2(handle)
        handle = nil
    }

    var isOpen: Bool { handle != nil }

    /// Runs SQL text that may hold several statements and returns no rows.
    func execute(_ sql: String) throws {
        let db = try openHandle(sql: sql)
        var errorMessage: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(db, sql, nil, nil, &errorMessage)
        guard result == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(result))
            sqlite3_free(errorMessage)
            throw StoreError(code: .sqlite(sqlite3_extended_errcode(db)), message: message, sql: sql)
        }
    }

    /// Prepares one statement. Persistent statements are kept for reuse: SQLite then keeps them out of its
    /// lookaside memory pool (SQLITE_PREPARE_PERSISTENT).
    func prepare(_ sql: String, persistent: Bool = true) throws -> Statement {
        let db = try openHandle(sql: sql)
        var statement: OpaquePointer?
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let result = sqlite3_prepare_v3(db, sql, -1, flags, &statement, nil)
        guard result == SQLITE_OK, let statement else {
            throw error(result, sql: sql)
        }
        return Statement(handle: statement, connection: self, sql: sql)
    }

    /// Runs `body` inside `BEGIN IMMEDIATE ... COMMIT`, rolling back when it throws or the commit fails.
    ///
    /// IMMEDIATE takes the write lock at BEGIN (waiting up to the busy timeout), so statements in the body do not
    /// fail with SQLITE_BUSY on a lock upgrade. https://www.sqlite.org/lang_transaction.html
    func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        return try finishTransaction(body)
    }

    /// Runs `body` inside a read transaction, so every statement in it reads the same snapshot.
    func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN DEFERRED")
        return try finishTransaction(body)
    }

    private func finishTransaction<T>(_ body: () throws -> T) throws -> T {
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            rollbackIfActive()
            throw error
        }
    }

    /// Rolls back the open transaction, if any. Some errors (such as SQLITE_FULL) have already rolled it back.
    func rollbackIfActive() {
        guard let handle, sqlite3_get_autocommit(handle) == 0 else { return }
        sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
    }

    var lastInsertRowID: Int64 {
        handle.map { sqlite3_last_insert_rowid($0) } ?? 0
    }

    /// Rows that the most recent INSERT, UPDATE or DELETE changed; 0 when an upsert did nothing.
    var changes: Int {
        handle.map { Int(sqlite3_changes($0)) } ?? 0
    }

    /// Builds the StoreError for a failed call that returned `result`, with the connection's message.
    func error(_ result: Int32, sql: String?) -> StoreError {
        guard let handle else {
            return StoreError(code: .sqlite(result), message: String(cString: sqlite3_errstr(result)), sql: sql)
        }
        let extended = sqlite3_extended_errcode(handle)
        // sqlite3_extended_errcode reports the most recent failure; fall back to `result` if it was overwritten.
        let code = (extended & 0xff) == (result & 0xff) ? extended : result
        return StoreError(code: .sqlite(code), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    private func openHandle(sql: String) throws -> OpaquePointer {
        guard let handle else {
            throw StoreError(code: .closed, message: "the database connection is closed", sql: sql)
        }
        return handle
    }
}
