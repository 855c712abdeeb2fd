// The queue's statements over vitals rows: reading pending raw rows back into records, setting their status,
// and the resets of a retry or a rebuild. Categorizing and rolling up reuse the writer's inline path.

import HealthDomain

final class PendingVitalsStatements {
    private let selectPending: Statement
    private let setStatusStatement: Statement
    private let aggregatedAfter: Statement
    private let pendingExists: Statement
    private let rebuildResets: [Statement]
    private let retryReset: Statement

    init(connection: Connection) throws {
        // `status = 0` is written out so that the partial index vitals_raw_pending serves the query.
        selectPending = try connection.prepare(
            """
            SELECT id, metric, value, unit, start_ms, end_ms, utc_offset_min, source, source_record_id, version
            FROM vitals_raw WHERE user_id = ?1 AND status = 0 ORDER BY id LIMIT ?2
            """)
        setStatusStatement = try connection.prepare("UPDATE vitals_raw SET status = ?2, error = ?3 WHERE id = ?1")
        aggregatedAfter = try connection.prepare(
            "SELECT EXISTS (SELECT 1 FROM vitals WHERE raw_id > ?2 AND user_id = ?1)")
        pendingExists = try connection.prepare(
            "SELECT EXISTS (SELECT 1 FROM vitals_raw WHERE user_id = ?1 AND status = 0)")
        rebuildResets = try [
            "DELETE FROM vitals WHERE user_id = ?1",
            "DELETE FROM vitals_hour WHERE user_id = ?1",
            "DELETE FROM vitals_day WHERE user_id = ?1",
            "DELETE FROM vitals_week WHERE user_id = ?1",
            "DELETE FROM vitals_month WHERE user_id = ?1",
            "UPDATE vitals_raw SET status = 0 WHERE user_id = ?1 AND status = 1",
        ].map { try connection.prepare($0) }
        retryReset = try connection.prepare(
            "UPDATE vitals_raw SET status = 0, error = NULL WHERE user_id = ?1 AND status = 2")
    }

    /// Returns up to `limit` pending rows of the user in raw id order, read back into records.
    func pending(userId: Int64, limit: Int) throws -> [(id: Int64, record: VitalRecord)] {
        defer { selectPending.reset() }
        try selectPending.bind(1, userId)
        try selectPending.bind(2, limit)
        var rows: [(id: Int64, record: VitalRecord)] = []
        while try selectPending.step() {
            let record = VitalRecord(
                metric: selectPending.text(1), value: selectPending.double(2), unit: selectPending.text(3),
                startMs: selectPending.int64(4), endMs: selectPending.int64(5),
                offsetMinutes: selectPending.optionalInt(6), source: selectPending.text(7),
                sourceRecordId: selectPending.optionalText(8), version: selectPending.int64(9))
            rows.append((selectPending.int64(0), record))
        }
        return rows
    }

    func setStatus(id: Int64, _ status: RawStatus, error: String?) throws {
        try setStatusStatement.bind(1, id)
        try setStatusStatement.bind(2, status.rawValue)
        try setStatusStatement.bind(3, error)
        try setStatusStatement.run()
    }

    /// Returns whether the user has a categorized sample with a raw id above `rawId`.
    func hasAggregated(userId: Int64, after rawId: Int64) throws -> Bool {
        defer { aggregatedAfter.reset() }
        try aggregatedAfter.bind(1, userId)
        try aggregatedAfter.bind(2, rawId)
        _ = try aggregatedAfter.step()
        return aggregatedAfter.int(0) != 0
    }

    func hasPending(userId: Int64) throws -> Bool {
        defer { pendingExists.reset() }
        try pendingExists.bind(1, userId)
        _ = try pendingExists.step()
        return pendingExists.int(0) != 0
    }

    /// Drops the user's categorized samples and rollups and sets the aggregated raw rows back to pending.
    func resetForRebuild(userId: Int64) throws {
        for statement in rebuildResets {
            try statement.bind(1, userId)
            try statement.run()
        }
    }

    /// Sets the user's failed raw rows back to pending and clears their reasons.
    func resetFailed(userId: Int64) throws {
        try retryReset.bind(1, userId)
        try retryReset.run()
    }
}
