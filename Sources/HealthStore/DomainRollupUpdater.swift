// Keeps the nutrition or labs rollup tables equal to the statistics of their categorized rows, inside the
// writer's transaction.
//
// The domain writer reports each entry or result it categorizes (`add`) and each categorized row it deletes
// (`retract`). Additions are combined per (table, user, code, bucket) in memory; `flush` then writes each
// touched bucket once, in key order:
//   - a bucket that only gained rows newer than every row it contains reads its stored row, merges the
//     additions and writes it back;
//   - a bucket that lost a row, or gained a row older than rows it may hold (a replaced record keeps its raw id,
//     and a queued row may be processed after newer inline rows), is recomputed from the categorized rows. Min,
//     max, first and last cannot be subtracted, and ties on time are broken by raw id, which only a recompute
//     sees.
// With `tracksDays`, table 0 must be the day table: a day row that appears adds one day to the other tables'
// buckets holding that day, and one that disappears removes one.

import HealthDomain

/// One nutrition or labs rollup row's identity. Sorting puts each table's rows together in primary key order.
struct DomainRollupKey: Hashable, Comparable {
    /// Index into the updater's tables.
    var table: Int
    var userId: Int64
    /// Nutrient id or lab test id.
    var codeId: Int
    var bucket: Int64

    static func < (lhs: DomainRollupKey, rhs: DomainRollupKey) -> Bool {
        (lhs.table, lhs.userId, lhs.codeId, lhs.bucket) < (rhs.table, rhs.userId, rhs.codeId, rhs.bucket)
    }
}

/// The prepared statements for one nutrition or labs rollup table.
final class DomainRollupTable {
    let granularity: Granularity
    private let counters: [DomainRollupCounter]
    private let readStatement: Statement
    private let replaceStatement: Statement
    private let deleteStatement: Statement

    init(
        connection: Connection, table: String, codeColumn: String, granularity: Granularity,
        counters: [DomainRollupCounter]
    ) throws {
        self.granularity = granularity
        self.counters = counters
        let statColumns =
            "count, sum, min, max, sum_sq, first_ts, first_value, last_ts, last_value"
            + counters.map { ", " + $0.rawValue }.joined()
        let placeholders = (1...(12 + counters.count)).map { "?\($0)" }.joined(separator: ", ")
        readStatement = try connection.prepare(
            "SELECT \(statColumns) FROM \(table) WHERE user_id = ?1 AND \(codeColumn) = ?2 AND bucket = ?3")
        replaceStatement = try connection.prepare(
            "REPLACE INTO \(table) (user_id, \(codeColumn), bucket, \(statColumns)) VALUES (\(placeholders))")
        deleteStatement = try connection.prepare(
            "DELETE FROM \(table) WHERE user_id = ?1 AND \(codeColumn) = ?2 AND bucket = ?3")
    }

    /// Reads the stored row; nil when the bucket has none.
    func read(_ key: DomainRollupKey) throws -> DomainRollupStats? {
        defer { readStatement.reset() }
        try bindKey(key, to: readStatement)
        guard try readStatement.step() else { return nil }
        return readStatement.domainRollupStats(from: 0, counters: counters)
    }

    /// Stores the row, or deletes it when `stats` counts nothing.
    func write(_ key: DomainRollupKey, stats: DomainRollupStats) throws {
        if stats.count > 0 {
            try bindKey(key, to: replaceStatement)
            try replaceStatement.bindDomainRollupStats(stats, counters: counters, from: 4)
            try replaceStatement.run()
        } else {
            try bindKey(key, to: deleteStatement)
            try deleteStatement.run()
        }
    }

    private func bindKey(_ key: DomainRollupKey, to statement: Statement) throws {
        try statement.bind(1, key.userId)
        try statement.bind(2, key.codeId)
        try statement.bind(3, key.bucket)
    }
}

final class DomainRollupUpdater {
    /// Recomputes one bucket from the categorized rows: (user id, code id, granularity, local time range of the
    /// bucket). For a tracksDays updater the result includes days.
    typealias Recompute = (Int64, Int, Granularity, Range<Int64>) throws -> DomainRollupStats

    let tables: [DomainRollupTable]
    private let tracksDays: Bool
    private let recompute: Recompute

    private var additions: [DomainRollupKey: DomainRollupStats] = [:]
    private var recomputeKeys: Set<DomainRollupKey> = []

    init(tables: [DomainRollupTable], tracksDays: Bool, recompute: @escaping Recompute) {
        precondition(!tracksDays || tables.first?.granularity == .day, "days need the day table first")
        self.tables = tables
        self.tracksDays = tracksDays
        self.recompute = recompute
    }

    /// Adds one entry or result at local time `localMs`. `isNewest` is true when its raw id is above every raw
    /// id already aggregated in its buckets. When false, the buckets are recomputed instead.
    func add(userId: Int64, codeId: Int, localMs: Int64, stats: DomainRollupStats, isNewest: Bool) {
        for table in tables.indices {
            let key = key(table: table, userId: userId, codeId: codeId, localMs: localMs)
            if isNewest {
                additions[key, default: DomainRollupStats()].merge(stats)
            } else {
                recomputeKeys.insert(key)
            }
        }
    }

    /// Records that a categorized row at local time `localMs`, already counted in the rollups or in the pending
    /// additions, is deleted.
    func retract(userId: Int64, codeId: Int, localMs: Int64) {
        for table in tables.indices {
            recomputeKeys.insert(key(table: table, userId: userId, codeId: codeId, localMs: localMs))
        }
    }

    /// Drops the pending changes, after the transaction they belonged to rolled back.
    func discard() {
        additions.removeAll(keepingCapacity: true)
        recomputeKeys.removeAll(keepingCapacity: true)
    }

    /// Writes the pending changes, one row per touched bucket in key order, and clears them. Must run inside the
    /// transaction that changed the categorized rows, after those changes.
    func flush() throws {
        defer { discard() }
        var keys = Array(recomputeKeys)
        for key in additions.keys where !recomputeKeys.contains(key) {
            keys.append(key)
        }
        keys.sort()

        // Day rows that appeared (+1) or disappeared (-1), per key of the other tables holding the day.
        var dayChanges: [DomainRollupKey: Int64] = [:]
        for key in keys {
            let table = tables[key.table]
            let stored = try table.read(key)
            var stats: DomainRollupStats
            if recomputeKeys.contains(key) {
                stats = try recompute(
                    key.userId, key.codeId, table.granularity,
                    BucketKey.localRange(table.granularity, key: key.bucket))
            } else {
                stats = stored ?? DomainRollupStats()
                stats.merge(additions[key]!)
                if tracksDays {
                    stats.days = (stored?.days ?? 0) + dayChanges[key, default: 0]
                }
            }

            if tracksDays && key.table == 0 {
                stats.days = stats.count > 0 ? 1 : 0
                let before = (stored?.count ?? 0) > 0
                let after = stats.count > 0
                if before != after {
                    noteDayChange(dayKey: key, change: after ? 1 : -1, into: &dayChanges)
                }
            }
            try table.write(key, stats: stats)
        }
    }

    private func noteDayChange(dayKey: DomainRollupKey, change: Int64, into dayChanges: inout [DomainRollupKey: Int64])
    {
        let localMs = dayKey.bucket * BucketKey.millisecondsPerDay
        for table in tables.indices.dropFirst() {
            dayChanges[key(table: table, userId: dayKey.userId, codeId: dayKey.codeId, localMs: localMs), default: 0] +=
                change
        }
    }

    private func key(table: Int, userId: Int64, codeId: Int, localMs: Int64) -> DomainRollupKey {
        // Offsets matter only to hour keys, which nutrition and labs do not keep.
        let bucket = BucketKey.key(tables[table].granularity, localMs: localMs, offsetMinutes: 0)
        return DomainRollupKey(table: table, userId: userId, codeId: codeId, bucket: bucket)
    }
}
