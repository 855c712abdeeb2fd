// The labs writer's prepared statements for raw results, categorized results, test ids and the queue's resets,
// bound field by field.

import HealthDomain

/// The stored fields of a raw lab row that decide whether a resubmit changes it.
struct StoredLabRaw {
    var id: Int64
    var test: String
    var code: String?
    var valueText: String
    var unit: String
    var referenceLow: Double?
    var referenceHigh: Double?
    var referenceText: String?
    var collectedMs: Int64
    var offsetMinutes: Int?
    var timeIsIssued: Bool
    var reportId: String?
    var version: Int64
    var status: RawStatus?

    /// Returns whether `record` has this row's content, ignoring the version. A NaN bound equals a missing one,
    /// because SQLite stores NaN as NULL.
    func hasSameContent(as record: LabRecord) -> Bool {
        test == record.test && code == record.code && valueText == record.valueText && unit == record.unit
            && referenceLow == LabRawStatements.storable(record.referenceLow)
            && referenceHigh == LabRawStatements.storable(record.referenceHigh)
            && referenceText == record.referenceText && collectedMs == record.collectedMs
            && offsetMinutes == record.offsetMinutes && timeIsIssued == record.timeIsIssued
            && reportId == record.reportId
    }
}

final class LabRawStatements {
    private let connection: Connection
    private let insertRaw: Statement
    private let findRaw: Statement
    private let updateRaw: Statement
    private let setStatusStatement: Statement
    private let selectPending: Statement
    private let insertResult: Statement
    private let findResult: Statement
    private let deleteResult: Statement
    private let aggregatedAfter: Statement
    private let pendingExists: Statement
    private let rebuildResets: [Statement]
    private let retryReset: Statement

    private static let rawColumns = """
        test, code, value_text, unit, reference_low, reference_high, reference_text, collected_ms, utc_offset_min,
        time_is_issued, report_id
        """

    init(connection: Connection) throws {
        self.connection = connection
        insertRaw = try connection.prepare(
            """
            INSERT INTO labs_raw (\(LabRawStatements.rawColumns), user_id, source, source_record_id, version,
                status, error, received_ms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
            """)
        findRaw = try connection.prepare(
            """
            SELECT \(LabRawStatements.rawColumns), id, version, status FROM labs_raw
            WHERE user_id = ?1 AND source = ?2 AND source_record_id = ?3
            """)
        updateRaw = try connection.prepare(
            """
            UPDATE labs_raw SET test = ?1, code = ?2, value_text = ?3, unit = ?4, reference_low = ?5,
                reference_high = ?6, reference_text = ?7, collected_ms = ?8, utc_offset_min = ?9,
                time_is_issued = ?10, report_id = ?11, version = ?12, status = ?13, error = ?14, received_ms = ?15
            WHERE id = ?16
            """)
        setStatusStatement = try connection.prepare("UPDATE labs_raw SET status = ?2, error = ?3 WHERE id = ?1")
        // `status = 0` is written out so that the partial index labs_raw_pending serves the query.
        selectPending = try connection.prepare(
            """
            SELECT \(LabRawStatements.rawColumns), id, source, source_record_id, version FROM labs_raw
            WHERE user_id = ?1 AND status = 0 ORDER BY id LIMIT ?2
            """)
        insertResult = try connection.prepare(
            """
            INSERT INTO labs (raw_id, user_id, test_id, collected_ms, utc_offset_min, local_ms, kind, value,
                comparator, text, flag, confidence)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
            """)
        findResult = try connection.prepare("SELECT test_id, local_ms FROM labs WHERE raw_id = ?1")
        deleteResult = try connection.prepare("DELETE FROM labs WHERE raw_id = ?1")
        aggregatedAfter = try connection.prepare(
            "SELECT EXISTS (SELECT 1 FROM labs WHERE raw_id > ?2 AND user_id = ?1)")
        pendingExists = try connection.prepare(
            "SELECT EXISTS (SELECT 1 FROM labs_raw WHERE user_id = ?1 AND status = 0)")
        rebuildResets = try [
            "DELETE FROM labs WHERE user_id = ?1",
            "DELETE FROM labs_day WHERE user_id = ?1",
            "DELETE FROM labs_month WHERE user_id = ?1",
            "DELETE FROM labs_quarter WHERE user_id = ?1",
            "DELETE FROM labs_year WHERE user_id = ?1",
            "UPDATE labs_raw SET status = 0 WHERE user_id = ?1 AND status = 1",
        ].map { try connection.prepare($0) }
        retryReset = try connection.prepare(
            "UPDATE labs_raw SET status = 0, error = NULL WHERE user_id = ?1 AND status = 2")
    }

    /// Returns a bound as SQLite stores it: NaN becomes nil.
    static func storable(_ value: Double?) -> Double? {
        guard let value, !value.isNaN else { return nil }
        return value
    }

    // MARK: - Raw rows

    /// Looks up the raw row with this idempotency key; nil when there is none.
    func find(userId: Int64, source: String, sourceRecordId: String) throws -> StoredLabRaw? {
        defer { findRaw.reset() }
        try findRaw.bind(1, userId)
        try findRaw.bind(2, source)
        try findRaw.bind(3, sourceRecordId)
        guard try findRaw.step() else { return nil }
        let record = readRecord(findRaw)
        return StoredLabRaw(
            id: findRaw.int64(11), test: record.test, code: record.code, valueText: record.valueText,
            unit: record.unit, referenceLow: record.referenceLow, referenceHigh: record.referenceHigh,
            referenceText: record.referenceText, collectedMs: record.collectedMs, offsetMinutes: record.offsetMinutes,
            timeIsIssued: record.timeIsIssued, reportId: record.reportId, version: findRaw.int64(12),
            status: RawStatus(rawValue: findRaw.int(13)))
    }

    /// Inserts a raw row and returns its id.
    func insert(_ record: LabRecord, userId: Int64, status: RawStatus, error: String?, nowMs: Int64) throws -> Int64 {
        try bindRecord(record, to: insertRaw)
        try insertRaw.bind(12, userId)
        try insertRaw.bind(13, record.source)
        try insertRaw.bind(14, record.sourceRecordId)
        try insertRaw.bind(15, record.version)
        try insertRaw.bind(16, status.rawValue)
        try insertRaw.bind(17, error)
        try insertRaw.bind(18, nowMs)
        try insertRaw.run()
        return connection.lastInsertRowID
    }

    /// Overwrites a raw row with a newer version of its result. Source and source record id stay.
    func update(id: Int64, with record: LabRecord, status: RawStatus, error: String?, nowMs: Int64) throws {
        try bindRecord(record, to: updateRaw)
        try updateRaw.bind(12, record.version)
        try updateRaw.bind(13, status.rawValue)
        try updateRaw.bind(14, error)
        try updateRaw.bind(15, nowMs)
        try updateRaw.bind(16, id)
        try updateRaw.run()
    }

    func setStatus(id: Int64, _ status: RawStatus, error: String?) throws {
        try setStatusStatement.bind(1, id)
        try setStatusStatement.bind(2, status.rawValue)
        try setStatusStatement.bind(3, error)
        try setStatusStatement.run()
    }

    /// Returns up to `limit` pending rows of the user in raw id order, read back into records.
    func pending(userId: Int64, limit: Int) throws -> [(id: Int64, record: LabRecord)] {
        defer { selectPending.reset() }
        try selectPending.bind(1, userId)
        try selectPending.bind(2, limit)
        var rows: [(id: Int64, record: LabRecord)] = []
        while try selectPending.step() {
            var record = readRecord(selectPending)
            record.source = selectPending.text(12)
            record.sourceRecordId = selectPending.optionalText(13)
            record.version = selectPending.int64(14)
            rows.append((selectPending.int64(11), record))
        }
        return rows
    }

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

    /// Drops the user's categorized results and rollups and sets the aggregated raw rows back to pending.
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

    // MARK: - Categorized rows

    func insertCategorized(_ result: CategorizedLabResult, rawId: Int64) throws {
        try insertResult.bind(1, rawId)
        try insertResult.bind(2, result.userId)
        try insertResult.bind(3, result.testId)
        try insertResult.bind(4, result.collectedMs)
        try insertResult.bind(5, result.offsetMinutes)
        try insertResult.bind(6, result.localMs)
        try insertResult.bind(7, result.kind.rawValue)
        try bindOptional(result.value, at: 8, to: insertResult)
        try insertResult.bind(9, result.comparator?.rawValue)
        try insertResult.bind(10, result.text)
        try insertResult.bind(11, result.flag.rawValue)
        try insertResult.bind(12, result.confidence)
        try insertResult.run()
    }

    /// Deletes the categorized result of a raw row and returns its test id and local time, or nil when there
    /// was none.
    func removeCategorized(rawId: Int64) throws -> (testId: Int, localMs: Int64)? {
        let removed: (testId: Int, localMs: Int64)
        do {
            defer { findResult.reset() }
            try findResult.bind(1, rawId)
            guard try findResult.step() else { return nil }
            removed = (findResult.int(0), findResult.int64(1))
        }
        try deleteResult.bind(1, rawId)
        try deleteResult.run()
        return removed
    }

    // MARK: - Fields

    /// Binds the record's own fields to parameters 1 to 11, in the order of `rawColumns`.
    private func bindRecord(_ record: LabRecord, to statement: Statement) throws {
        try statement.bind(1, record.test)
        try statement.bind(2, record.code)
        try statement.bind(3, record.valueText)
        try statement.bind(4, record.unit)
        try bindOptional(record.referenceLow, at: 5, to: statement)
        try bindOptional(record.referenceHigh, at: 6, to: statement)
        try statement.bind(7, record.referenceText)
        try statement.bind(8, record.collectedMs)
        try statement.bind(9, record.offsetMinutes)
        try statement.bind(10, record.timeIsIssued ? 1 : 0)
        try statement.bind(11, record.reportId)
    }

    /// Reads the columns of `rawColumns`, starting at column 0, into a record without source or version.
    private func readRecord(_ statement: Statement) -> LabRecord {
        LabRecord(
            test: statement.text(0), code: statement.optionalText(1), valueText: statement.text(2),
            unit: statement.text(3), referenceLow: statement.isNull(4) ? nil : statement.double(4),
            referenceHigh: statement.isNull(5) ? nil : statement.double(5), referenceText: statement.optionalText(6),
            collectedMs: statement.int64(7), offsetMinutes: statement.optionalInt(8),
            timeIsIssued: statement.int(9) != 0, reportId: statement.optionalText(10))
    }

    private func bindOptional(_ value: Double?, at index: Int32, to statement: Statement) throws {
        if let value {
            try statement.bind(index, value)
        } else {
            try statement.bindNull(index)
        }
    }
}
