// Keeps the vitals rollup tables equal to the statistics of the categorized rows, inside the writer's
// transaction.
//
// During a transaction the writer reports each categorized row it inserts (`add`) or deletes (`retract`). The
// updater splits the row into bucket pieces and combines them per (granularity, user, metric, bucket) in memory.
// `flush` then writes each touched bucket once, in key order:
//   - a bucket with only new samples gets one upsert that adds count, sum and sum_sq and combines min, max,
//     first and last;
//   - a bucket that lost samples has count, sum and sum_sq subtracted. The exception is a removed sample that
//     could have been its min, max, first or last, or a bucket left empty. Such a bucket is recomputed from the
//     categorized rows, because those statistics cannot be subtracted;
//   - a bucket that gained a replaced sample is recomputed when that sample's time equals the bucket's first or
//     last time. A replaced sample keeps its old raw id, so on equal times a recompute orders it before newer
//     samples, while an upsert would treat it as the latest.

import HealthDomain

/// One rollup row's identity. Sorting puts each table's rows together in primary key order.
struct RollupKey: Hashable, Comparable {
    /// Index into VitalsRules.granularities.
    var table: Int
    var userId: Int64
    var metricId: Int
    var bucket: Int64

    static func < (lhs: RollupKey, rhs: RollupKey) -> Bool {
        (lhs.table, lhs.userId, lhs.metricId, lhs.bucket) < (rhs.table, rhs.userId, rhs.metricId, rhs.bucket)
    }
}

/// A categorized row's fields that rollups need.
struct CategorizedSample {
    var userId: Int64
    var metricId: Int
    var kind: MetricKind
    var value: Double
    var startMs: Int64
    var endMs: Int64
    var offsetMinutes: Int
}

final class VitalsRollupUpdater {
    private let tables: [RollupTableStatements]
    private let kindOfMetric: [Int: MetricKind]

    /// New samples per bucket, combined in the order the writer reported them.
    private var additions: [RollupKey: RollupStats] = [:]
    /// Removed samples per bucket. Only count, sum, sum_sq, the extreme values and the extreme times are used.
    private var retractions: [RollupKey: RollupStats] = [:]
    /// The replaced samples among `additions`, for the equal-time check described at the top of the file.
    private var replacementAdditions: [RollupKey: RollupStats] = [:]

    init(connection: Connection, kindOfMetric: [Int: MetricKind]) throws {
        self.kindOfMetric = kindOfMetric
        tables = try VitalsRules.granularities.map { granularity in
            try RollupTableStatements(connection: connection, granularity: granularity)
        }
    }

    // MARK: - Collecting changes

    /// Adds a sample to the pending changes. `isReplacement` marks the new version of a replaced record.
    func add(_ sample: CategorizedSample, isReplacement: Bool) {
        for table in tables.indices {
            forEachPiece(of: sample, table: table) { key, value, time in
                additions[key, default: RollupStats()].add(value, at: time)
                if isReplacement {
                    replacementAdditions[key, default: RollupStats()].add(value, at: time)
                }
            }
        }
    }

    /// Records that a sample, already counted in the rollups or in the pending additions, is removed.
    func retract(_ sample: CategorizedSample) {
        for table in tables.indices {
            forEachPiece(of: sample, table: table) { key, value, time in
                retractions[key, default: RollupStats()].add(value, at: time)
            }
        }
    }

    private func forEachPiece(
        of sample: CategorizedSample, table: Int, _ body: (RollupKey, Double, Int64) -> Void
    ) {
        SampleSplitter.forEachPiece(
            VitalsRules.granularities[table], kind: sample.kind, value: sample.value, startMs: sample.startMs,
            endMs: sample.endMs, offsetMinutes: sample.offsetMinutes
        ) { bucket, value, time in
            body(RollupKey(table: table, userId: sample.userId, metricId: sample.metricId, bucket: bucket), value, time)
        }
    }

    /// Drops the pending changes, after the transaction they belonged to rolled back.
    func discard() {
        additions.removeAll(keepingCapacity: true)
        retractions.removeAll(keepingCapacity: true)
        replacementAdditions.removeAll(keepingCapacity: true)
    }

    // MARK: - Writing

    /// Writes the pending changes to the rollup tables, one statement per touched bucket in key order, and
    /// clears them. Must run inside the transaction that changed the categorized rows, after those changes.
    func flush() throws {
        defer { discard() }
        var keys = Array(additions.keys)
        for key in retractions.keys where additions[key] == nil {
            keys.append(key)
        }
        keys.sort()

        for key in keys {
            let statements = tables[key.table]
            if retractions[key] == nil && replacementAdditions[key] == nil {
                try statements.upsert(key, stats: additions[key]!)
            } else {
                try reconcile(key, statements: statements)
            }
        }
    }

    /// Writes a bucket that lost samples or gained a replaced one: merges in memory, then subtracts or
    /// recomputes.
    private func reconcile(_ key: RollupKey, statements: RollupTableStatements) throws {
        var merged = try statements.read(key) ?? RollupStats()
        if let added = additions[key] {
            merged.merge(added)
        }

        var needsRecompute = false
        if let removed = retractions[key] {
            // A removed value equal to the bucket's min or max may have been that extreme. Likewise, a removed
            // time equal to first_ts or last_ts may have been the first or last sample.
            needsRecompute =
                merged.count <= removed.count || removed.minimum == merged.minimum
                || removed.maximum == merged.maximum || removed.firstTime == merged.firstTime
                || removed.lastTime == merged.lastTime
            if !needsRecompute {
                merged.count -= removed.count
                merged.sum -= removed.sum
                merged.sumOfSquares -= removed.sumOfSquares
            }
        }
        if let replaced = replacementAdditions[key],
            replaced.firstTime == merged.firstTime || replaced.lastTime == merged.lastTime
        {
            needsRecompute = true
        }

        if needsRecompute {
            merged = try recompute(key, statements: statements)
        }
        if merged.count > 0 {
            try statements.replace(key, stats: merged)
        } else {
            try statements.delete(key)
        }
    }

    /// Recomputes one bucket from the categorized rows that can reach it.
    ///
    /// A discrete sample reaches only the bucket of its start, so the scan covers local starts inside the
    /// bucket. A cumulative sample spans at most VitalsRules.maximumCumulativeSpanMs, so the scan starts that
    /// much earlier. Hour buckets scan only samples with the bucket's own offset. Rows are added in raw id
    /// order, which gives the tie rules of RollupStats.
    private func recompute(_ key: RollupKey, statements: RollupTableStatements) throws -> RollupStats {
        let granularity = VitalsRules.granularities[key.table]
        guard let kind = kindOfMetric[key.metricId] else {
            preconditionFailure("rollup row for metric id \(key.metricId), which the metrics table lacks")
        }
        let bucketRange = BucketKey.localRange(granularity, key: key.bucket)
        let scanStart =
            kind == .cumulative
            ? bucketRange.lowerBound - VitalsRules.maximumCumulativeSpanMs
            : bucketRange.lowerBound

        var stats = RollupStats()
        try statements.forEachSample(key, localStartRange: scanStart..<bucketRange.upperBound) {
            startMs, endMs, offsetMinutes, value in
            SampleSplitter.forEachPiece(
                granularity, kind: kind, value: value, startMs: startMs, endMs: endMs, offsetMinutes: offsetMinutes
            ) { bucket, pieceValue, time in
                if bucket == key.bucket {
                    stats.add(pieceValue, at: time)
                }
            }
        }
        return stats
    }
}

// MARK: - Statements

/// The prepared statements for one rollup table.
private final class RollupTableStatements {
    private let upsertStatement: Statement
    private let readStatement: Statement
    private let replaceStatement: Statement
    private let deleteStatement: Statement
    private let scanStatement: Statement
    private let isHourTable: Bool

    init(connection: Connection, granularity: Granularity) throws {
        guard let table = VitalsRules.rollupTable(granularity) else {
            preconditionFailure("vitals keep no \(granularity) rollups")
        }
        let columns =
            "user_id, metric_id, bucket, count, sum, min, max, sum_sq, first_ts, first_value, last_ts, last_value"
        let values = "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12"
        // In DO UPDATE SET, unqualified names are the old row's values in every assignment, so the order of
        // the assignments does not matter: https://www.sqlite.org/lang_upsert.html
        upsertStatement = try connection.prepare(
            """
            INSERT INTO \(table) (\(columns)) VALUES (\(values))
            ON CONFLICT (user_id, metric_id, bucket) DO UPDATE SET
                count = count + excluded.count,
                sum = sum + excluded.sum,
                min = min(min, excluded.min),
                max = max(max, excluded.max),
                sum_sq = sum_sq + excluded.sum_sq,
                first_value = CASE WHEN excluded.first_ts < first_ts THEN excluded.first_value ELSE first_value END,
                first_ts = min(first_ts, excluded.first_ts),
                last_value = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last_value ELSE last_value END,
                last_ts = max(last_ts, excluded.last_ts)
            """)
        readStatement = try connection.prepare(
            """
            SELECT count, sum, min, max, sum_sq, first_ts, first_value, last_ts, last_value
            FROM \(table) WHERE user_id = ?1 AND metric_id = ?2 AND bucket = ?3
            """)
        replaceStatement = try connection.prepare("REPLACE INTO \(table) (\(columns)) VALUES (\(values))")
        deleteStatement = try connection.prepare(
            "DELETE FROM \(table) WHERE user_id = ?1 AND metric_id = ?2 AND bucket = ?3")

        isHourTable = granularity == .hour
        let offsetFilter = isHourTable ? " AND utc_offset_min = ?5" : ""
        scanStatement = try connection.prepare(
            """
            SELECT start_ms, end_ms, utc_offset_min, value FROM vitals
            WHERE user_id = ?1 AND metric_id = ?2 AND local_start_ms >= ?3 AND local_start_ms < ?4\(offsetFilter)
            ORDER BY raw_id
            """)
    }

    func upsert(_ key: RollupKey, stats: RollupStats) throws {
        try bindKey(key, to: upsertStatement)
        try upsertStatement.bindStats(stats, from: 4)
        try upsertStatement.run()
    }

    func replace(_ key: RollupKey, stats: RollupStats) throws {
        try bindKey(key, to: replaceStatement)
        try replaceStatement.bindStats(stats, from: 4)
        try replaceStatement.run()
    }

    func delete(_ key: RollupKey) throws {
        try bindKey(key, to: deleteStatement)
        try deleteStatement.run()
    }

    /// Reads the stored row; nil when the bucket has none.
    func read(_ key: RollupKey) throws -> RollupStats? {
        defer { readStatement.reset() }
        try bindKey(key, to: readStatement)
        guard try readStatement.step() else { return nil }
        return readStatement.rollupStats(from: 0)
    }

    /// Calls `body(startMs, endMs, offsetMinutes, value)` for each categorized row of the key's user and metric
    /// whose local start is in `localStartRange`, in raw id order. Hour tables see only rows with the offset
    /// of the key.
    func forEachSample(
        _ key: RollupKey, localStartRange: Range<Int64>, _ body: (Int64, Int64, Int, Double) -> Void
    ) throws {
        defer { scanStatement.reset() }
        try scanStatement.bind(1, key.userId)
        try scanStatement.bind(2, key.metricId)
        try scanStatement.bind(3, localStartRange.lowerBound)
        try scanStatement.bind(4, localStartRange.upperBound)
        if isHourTable {
            try scanStatement.bind(5, BucketKey.offsetMinutes(ofHourKey: key.bucket))
        }
        while try scanStatement.step() {
            body(scanStatement.int64(0), scanStatement.int64(1), scanStatement.int(2), scanStatement.double(3))
        }
    }

    private func bindKey(_ key: RollupKey, to statement: Statement) throws {
        try statement.bind(1, key.userId)
        try statement.bind(2, key.metricId)
        try statement.bind(3, key.bucket)
    }
}

extension Statement {
    /// Binds count, sum, min, max, sum_sq, first_ts, first_value, last_ts and last_value to nine parameters
    /// starting at `first`.
    func bindStats(_ stats: RollupStats, from first: Int32) throws {
        try bind(first, stats.count)
        try bind(first + 1, stats.sum)
        try bind(first + 2, stats.minimum)
        try bind(first + 3, stats.maximum)
        try bind(first + 4, stats.sumOfSquares)
        try bind(first + 5, stats.firstTime)
        try bind(first + 6, stats.firstValue)
        try bind(first + 7, stats.lastTime)
        try bind(first + 8, stats.lastValue)
    }

    /// Reads count, sum, min, max, sum_sq, first_ts, first_value, last_ts and last_value from nine columns
    /// starting at `first`.
    func rollupStats(from first: Int32) -> RollupStats {
        RollupStats(
            count: int64(first), sum: double(first + 1), minimum: double(first + 2), maximum: double(first + 3),
            sumOfSquares: double(first + 4), firstTime: int64(first + 5), firstValue: double(first + 6),
            lastTime: int64(first + 7), lastValue: double(first + 8))
    }
}
