// The rollup upkeep that incremental rollups replace, kept so that the benchmark can compare the two. The writer
// stores a submitted batch's rows first. Then it recomputes every bucket those rows touched from all the
// categorized rows in it, as a re-aggregation worker running after each batch would.
//
// Per touched bucket, a discrete metric costs one aggregate query over the bucket's rows (count, sum, min, max,
// sum of squares, and the earliest and latest sample). A cumulative metric's rows are read one by one and split
// at bucket edges with SampleSplitter, because a span crossing an edge cannot be apportioned by GROUP BY. The
// result replaces the rollup row, or deletes it when the bucket is empty. Ties follow RollupStats: on equal times
// first is the lowest raw id and last the highest.
//
// Sums are added in SQLite's order, not in the order samples arrived, so they may differ from incremental
// rollups in the last bits of a double.

import HealthDomain

final class RecomputeRollups {
    private let tables: [RecomputeStatements]
    private let kindOfMetric: [Int: MetricKind]
    private var touched: Set<RollupKey> = []

    init(connection: Connection, kindOfMetric: [Int: MetricKind]) throws {
        self.kindOfMetric = kindOfMetric
        tables = try VitalsRules.granularities.map { try RecomputeStatements(connection: connection, granularity: $0) }
    }

    /// Marks every bucket that a categorized row, inserted or deleted in this transaction, belongs to.
    func touch(_ sample: CategorizedSample) {
        for table in tables.indices {
            SampleSplitter.forEachPiece(
                VitalsRules.granularities[table], kind: sample.kind, value: sample.value, startMs: sample.startMs,
                endMs: sample.endMs, offsetMinutes: sample.offsetMinutes
            ) { bucket, _, _ in
                touched.insert(RollupKey(table: table, userId: sample.userId, metricId: sample.metricId, bucket: bucket))
            }
        }
    }

    /// Forgets the touched buckets, after the transaction they belonged to rolled back.
    func discard() {
        touched.removeAll(keepingCapacity: true)
    }

    /// Recomputes every touched bucket in key order and clears the set. Must run inside the transaction that
    /// changed the categorized rows, after those changes.
    func flush() throws {
        defer { discard() }
        for key in touched.sorted() {
            guard let kind = kindOfMetric[key.metricId] else {
                preconditionFailure("rollup key for metric id \(key.metricId), which the metrics table lacks")
            }
            let statements = tables[key.table]
            let stats = kind == .discrete
                ? try statements.aggregate(key) : try statements.splitCumulative(key)
            if stats.count > 0 {
                try statements.replace(key, stats: stats)
            } else {
                try statements.delete(key)
            }
        }
    }
}

/// The statements of one rollup table for recomputing buckets.
private final class RecomputeStatements {
    private let granularity: Granularity
    private let aggregateStatement: Statement
    private let scanStatement: Statement
    private let replaceStatement: Statement
    private let deleteStatement: Statement

    init(connection: Connection, granularity: Granularity) throws {
        guard let table = VitalsRules.rollupTable(granularity) else {
            preconditionFailure("vitals keep no \(granularity) rollups")
        }
        self.granularity = granularity
        // Hour buckets hold only the samples taken at the key's own offset.
        let offsetFilter = granularity == .hour ? " AND utc_offset_min = ?5" : ""
        let bucketRows = """
            SELECT raw_id, start_ms, value FROM vitals
            WHERE user_id = ?1 AND metric_id = ?2 AND local_start_ms >= ?3 AND local_start_ms < ?4\(offsetFilter)
            """
        aggregateStatement = try connection.prepare(
            """
            WITH bucket_rows AS MATERIALIZED (\(bucketRows))
            SELECT count(*), total(value), min(value), max(value), total(value * value),
                (SELECT start_ms FROM bucket_rows ORDER BY start_ms, raw_id LIMIT 1),
                (SELECT value FROM bucket_rows ORDER BY start_ms, raw_id LIMIT 1),
                (SELECT start_ms FROM bucket_rows ORDER BY start_ms DESC, raw_id DESC LIMIT 1),
                (SELECT value FROM bucket_rows ORDER BY start_ms DESC, raw_id DESC LIMIT 1)
            FROM bucket_rows
            """)
        scanStatement = try connection.prepare(
            """
            SELECT start_ms, end_ms, utc_offset_min, value FROM vitals
            WHERE user_id = ?1 AND metric_id = ?2 AND local_start_ms >= ?3 AND local_start_ms < ?4
            ORDER BY raw_id
            """)
        let columns =
            "user_id, metric_id, bucket, count, sum, min, max, sum_sq, first_ts, first_value, last_ts, last_value"
        replaceStatement = try connection.prepare(
            "REPLACE INTO \(table) (\(columns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)")
        deleteStatement = try connection.prepare(
            "DELETE FROM \(table) WHERE user_id = ?1 AND metric_id = ?2 AND bucket = ?3")
    }

    /// Computes a discrete metric's bucket with one aggregate query; a zero count when the bucket is empty.
    func aggregate(_ key: RollupKey) throws -> RollupStats {
        defer { aggregateStatement.reset() }
        let range = BucketKey.localRange(granularity, key: key.bucket)
        try aggregateStatement.bind(1, key.userId)
        try aggregateStatement.bind(2, key.metricId)
        try aggregateStatement.bind(3, range.lowerBound)
        try aggregateStatement.bind(4, range.upperBound)
        if granularity == .hour {
            try aggregateStatement.bind(5, BucketKey.offsetMinutes(ofHourKey: key.bucket))
        }
        guard try aggregateStatement.step(), aggregateStatement.int64(0) > 0 else { return RollupStats() }
        return aggregateStatement.rollupStats(from: 0)
    }

    /// Computes a cumulative metric's bucket from every row that can reach it: rows starting up to the longest
    /// allowed span before the bucket, split at bucket edges, taken in raw id order.
    func splitCumulative(_ key: RollupKey) throws -> RollupStats {
        defer { scanStatement.reset() }
        let range = BucketKey.localRange(granularity, key: key.bucket)
        try scanStatement.bind(1, key.userId)
        try scanStatement.bind(2, key.metricId)
        try scanStatement.bind(3, range.lowerBound - VitalsRules.maximumCumulativeSpanMs)
        try scanStatement.bind(4, range.upperBound)
        var stats = RollupStats()
        while try scanStatement.step() {
            SampleSplitter.forEachPiece(
                granularity, kind: .cumulative, value: scanStatement.double(3), startMs: scanStatement.int64(0),
                endMs: scanStatement.int64(1), offsetMinutes: scanStatement.int(2)
            ) { bucket, value, time in
                if bucket == key.bucket {
                    stats.add(value, at: time)
                }
            }
        }
        return stats
    }

    func replace(_ key: RollupKey, stats: RollupStats) throws {
        try replaceStatement.bind(1, key.userId)
        try replaceStatement.bind(2, key.metricId)
        try replaceStatement.bind(3, key.bucket)
        try replaceStatement.bindStats(stats, from: 4)
        try replaceStatement.run()
    }

    func delete(_ key: RollupKey) throws {
        try deleteStatement.bind(1, key.userId)
        try deleteStatement.bind(2, key.metricId)
        try deleteStatement.bind(3, key.bucket)
        try deleteStatement.run()
    }
}
