// The writer's prepared statements for raw rows, categorized rows and queue jobs, bound field by field so the
// per-record path allocates nothing beyond SQLite's own copies.

import HealthDomain

/// The stored fields of a raw row that decide whether a resubmit changes it.
struct StoredRawRecord {
    var id: Int64
    var metric: String
    var value: Double
    var unit: String
    var startMs: Int64
    var endMs: Int64
    var offsetMinutes: Int?
    var version: Int64
    var status: RawStatus?

    /// Whether `record` has the same content as this row, ignoring the version. NaN equals NaN here, because
    /// SQLite stores NaN as NULL.
    func hasSameContent(as record: VitalRecord) -> Bool {
        let sameValue = value == record.value || (value.isNaN && record.value.isNaN)
        return sameValue && startMs == record.startMs && endMs == record.endMs
            && offsetMinutes == record.offsetMinutes && metric == record.metric && unit == record.unit
    }
}

final class VitalsRawStatements {
    private let connection: Connection
    private let insertRaw: Statement
    private let findRaw: Statement
    private let updateRaw: Statement
    private let insertCategorized: Statement
    private let findCategorized: Statement
    private let deleteCategorized: Statement
    private let enqueueJob: Statement

    init(connection: Connection) throws {
        self.connection = connection
        insertRaw = try connection.prepare(
            """
            INSERT INTO vitals_raw (user_id, metric, value, unit, start_ms, end_ms, utc_offset_min, source,
                source_record_id, version, status, error, received_ms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            ON CONFLICT (user_id, source, source_record_id) WHERE source_record_id IS NOT NULL DO NOTHING
            """)
        findRaw = try connection.prepare(
            """
            SELECT id, metric, value, unit, start_ms, end_ms, utc_offset_min, version, status FROM vitals_raw
            WHERE user_id = ?1 AND source = ?2 AND source_record_id = ?3
            """)
        updateRaw = try connection.prepare(
            """
            UPDATE vitals_raw SET metric = ?2, value = ?3, unit = ?4, start_ms = ?5, end_ms = ?6,
                utc_offset_min = ?7, version = ?8, status = ?9, error = ?10, received_ms = ?11
            WHERE id = ?1
            """)
        insertCategorized = try connection.prepare(
            """
            INSERT INTO vitals (raw_id, user_id, metric_id, start_ms, end_ms, utc_offset_min, local_start_ms, value)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        findCategorized = try connection.prepare(
            "SELECT metric_id, start_ms, end_ms, utc_offset_min, value FROM vitals WHERE raw_id = ?1")
        deleteCategorized = try connection.prepare("DELETE FROM vitals WHERE raw_id = ?1")
        // A pending job for the user stays as it is: it will pick up these rows too, and its priority and kind
        // may come from an explicit trigger.
        enqueueJob = try connection.prepare(
            """
            INSERT INTO jobs (user_id, domain, priority, kind, created_ms) VALUES (?1, 'vitals', 0, 'process', ?2)
            ON CONFLICT (user_id, domain) DO NOTHING
            """)
    }

    /// Looks up the raw row with this idempotency key; nil when there is none.
    func find(userId: Int64, source: String, sourceRecordId: String) throws -> StoredRawRecord? {
        defer { findRaw.reset() }
        try findRaw.bind(1, userId)
        try findRaw.bind(2, source)
        try findRaw.bind(3, sourceRecordId)
        guard try findRaw.step() else { return nil }
        return StoredRawRecord(
            id: findRaw.int64(0), metric: findRaw.text(1), value: findRaw.double(2), unit: findRaw.text(3),
            startMs: findRaw.int64(4), endMs: findRaw.int64(5), offsetMinutes: findRaw.optionalInt(6),
            version: findRaw.int64(7), status: RawStatus(rawValue: findRaw.int(8)))
    }

    /// Inserts a raw row and returns its id, or returns nil and changes nothing when the user already has a row
    /// with the record's source and source record id.
    func insertUnlessStored(
        _ record: VitalRecord, userId: Int64, status: RawStatus, error: String?, nowMs: Int64
    ) throws -> Int64? {
        try insertRaw.bind(1, userId)
        try insertRaw.bind(2, record.metric)
        try insertRaw.bind(3, record.value)
        try insertRaw.bind(4, record.unit)
        try insertRaw.bind(5, record.startMs)
        try insertRaw.bind(6, record.endMs)
        try insertRaw.bind(7, record.offsetMinutes)
        try insertRaw.bind(8, record.source)
        try insertRaw.bind(9, record.sourceRecordId)
        try insertRaw.bind(10, record.version)
        try insertRaw.bind(11, status.rawValue)
        try insertRaw.bind(12, error)
        try insertRaw.bind(13, nowMs)
        try insertRaw.run()
        return connection.changes == 1 ? connection.lastInsertRowID : nil
    }

    /// Overwrites a raw row with a newer version of its record. Source and source record id stay.
    func update(id: Int64, with record: VitalRecord, status: RawStatus, error: String?, nowMs: Int64) throws {
        try updateRaw.bind(1, id)
        try updateRaw.bind(2, record.metric)
        try updateRaw.bind(3, record.value)
        try updateRaw.bind(4, record.unit)
        try updateRaw.bind(5, record.startMs)
        try updateRaw.bind(6, record.endMs)
        try updateRaw.bind(7, record.offsetMinutes)
        try updateRaw.bind(8, record.version)
        try updateRaw.bind(9, status.rawValue)
        try updateRaw.bind(10, error)
        try updateRaw.bind(11, nowMs)
        try updateRaw.run()
    }

    func insertCategorized(_ sample: CategorizedSample, rawId: Int64) throws {
        try insertCategorized.bind(1, rawId)
        try insertCategorized.bind(2, sample.userId)
        try insertCategorized.bind(3, sample.metricId)
        try insertCategorized.bind(4, sample.startMs)
        try insertCategorized.bind(5, sample.endMs)
        try insertCategorized.bind(6, sample.offsetMinutes)
        try insertCategorized.bind(7, sample.startMs + Int64(sample.offsetMinutes) * 60_000)
        try insertCategorized.bind(8, sample.value)
        try insertCategorized.run()
    }

    /// Deletes the categorized row of a raw row and returns it, or returns nil when there was none.
    func removeCategorized(rawId: Int64, userId: Int64, kindOfMetric: [Int: MetricKind]) throws -> CategorizedSample? {
        try findCategorized.bind(1, rawId)
        guard try findCategorized.step() else {
            findCategorized.reset()
            return nil
        }
        let metricId = findCategorized.int(0)
        guard let kind = kindOfMetric[metricId] else {
            findCategorized.reset()
            preconditionFailure("categorized row for metric id \(metricId), which the metrics table lacks")
        }
        let sample = CategorizedSample(
            userId: userId, metricId: metricId, kind: kind, value: findCategorized.double(4),
            startMs: findCategorized.int64(1), endMs: findCategorized.int64(2),
            offsetMinutes: findCategorized.int(3))
        findCategorized.reset()

        try deleteCategorized.bind(1, rawId)
        try deleteCategorized.run()
        return sample
    }

    /// Adds a 'process' job for the user's vitals unless one is already queued.
    func enqueueProcessingJob(userId: Int64, nowMs: Int64) throws {
        try enqueueJob.bind(1, userId)
        try enqueueJob.bind(2, nowMs)
        try enqueueJob.run()
    }
}
