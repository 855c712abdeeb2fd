// Maps user names to ids and time zones for the writer, creating users on first use. Each name is looked up in
// the database once and then served from memory.

import Foundation

/// A user's id and the time zone that supplies offsets for records sent without one.
struct UserEntry {
    var id: Int64
    var timeZone: TimeZone?

    /// Computes the UTC offset in minutes at `utcMs` in the user's time zone; 0 when the user has none.
    func offsetMinutes(at utcMs: Int64) -> Int {
        guard let timeZone else { return 0 }
        let date = Date(timeIntervalSince1970: Double(utcMs) / 1000)
        return timeZone.secondsFromGMT(for: date) / 60
    }
}

final class UserDirectory {
    private var cache: [String: UserEntry] = [:]
    private let select: Statement
    private let insert: Statement
    private let updateTimeZone: Statement

    init(connection: Connection) throws {
        select = try connection.prepare("SELECT id, time_zone FROM users WHERE name = ?1")
        insert = try connection.prepare("INSERT INTO users (name, time_zone, created_ms) VALUES (?1, NULL, ?2)")
        updateTimeZone = try connection.prepare("UPDATE users SET time_zone = ?2 WHERE id = ?1")
    }

    /// Looks up the user named `name` and creates it when missing. Must run inside a write transaction.
    func resolve(_ name: String, connection: Connection, nowMs: Int64) throws -> UserEntry {
        if let entry = cache[name] {
            return entry
        }

        let entry: UserEntry
        if let stored = try lookUp(name) {
            entry = stored
        } else {
            try insert.bind(1, name)
            try insert.bind(2, nowMs)
            try insert.run()
            entry = UserEntry(id: connection.lastInsertRowID, timeZone: nil)
        }
        cache[name] = entry
        return entry
    }

    /// Sets the user's time zone (nil clears it), creating the user when missing. Must run inside a write
    /// transaction. Throws `.invalidArgument` for an identifier that Foundation's TimeZone does not know.
    func setTimeZone(_ identifier: String?, for name: String, connection: Connection, nowMs: Int64) throws {
        var timeZone: TimeZone?
        if let identifier {
            guard let known = TimeZone(identifier: identifier) else {
                throw StoreError(
                    code: .invalidArgument,
                    message: "unknown time zone '\(identifier)'; use an IANA id such as Europe/Berlin")
            }
            timeZone = known
        }

        var entry = try resolve(name, connection: connection, nowMs: nowMs)
        try updateTimeZone.bind(1, entry.id)
        try updateTimeZone.bind(2, identifier)
        try updateTimeZone.run()
        entry.timeZone = timeZone
        cache[name] = entry
    }

    /// Empties the cache, after a rollback that may have undone users created or changed in it.
    func forgetAll() {
        cache.removeAll()
    }

    private func lookUp(_ name: String) throws -> UserEntry? {
        defer { select.reset() }
        try select.bind(1, name)
        guard try select.step() else { return nil }
        // A time zone id that Foundation does not know (written by hand) counts as none: offsets fall back to 0.
        let timeZone = select.optionalText(1).flatMap { TimeZone(identifier: $0) }
        return UserEntry(id: select.int64(0), timeZone: timeZone)
    }
}
