// The read side of the store: rollup queries, latest values, status counters and the consistency check. Each
// reader has its own read-only connection; in WAL mode it reads while the writer commits. Every call reads
// one snapshot.

import HealthDomain

/// A read-only view of a store database. Confine each reader to one thread; open one per reading thread.
public final class StoreReader {
    let connection: Connection
    let catalog: VitalsCatalog
    let catalogs: StoreCatalogs
    private var rollupQueries: [Granularity: Statement] = [:]
    /// Prepared statements of the nutrition and labs queries, by SQL text.
    var domainStatements: [String: Statement] = [:]
    private let selectUser: Statement
    private let selectLatest: Statement

    /// Opens the database at `path` read-only. The writer must have created it, because a reader applies no
    /// migrations. Throws StoreError when the file cannot be opened.
    public init(path: String, catalogs: StoreCatalogs) throws {
        connection = try Connection(path: path, mode: .reader)
        self.catalog = catalogs.vitals
        self.catalogs = catalogs
        selectUser = try connection.prepare("SELECT id FROM users WHERE name = ?1")
        // The newest start may belong to a sample whose local start lies up to two maximum offsets below the
        // newest local start, so only that window of the index is scanned.
        selectLatest = try connection.prepare(
            """
            SELECT start_ms, utc_offset_min, value FROM vitals
            WHERE user_id = ?1 AND metric_id = ?2 AND local_start_ms >= (
                SELECT max(local_start_ms) FROM vitals WHERE user_id = ?1 AND metric_id = ?2) - ?3
            ORDER BY start_ms DESC, raw_id DESC LIMIT 1
            """)
    }

    public func close() {
        rollupQueries.removeAll()
        domainStatements.removeAll()
        connection.close()
    }

    // MARK: - Queries

    /// Returns the rollup rows of each code for the local dates `from` through `to` (inclusive), one series
    /// per code in the order given, each in ascending bucket order.
    ///
    /// A code is any name the catalog accepts (short name, LOINC code, alias). Weeks and months are included
    /// when they hold `from` or `to` or lie between them. Throws `.unknownUser` when the user has never
    /// submitted, `.unknownCode` naming the first code the catalog lacks, and `.invalidArgument` for a
    /// granularity other than hour, day, week or month or for a date range that is invalid or runs backward.
    public func query(
        user: String, codes: [String], granularity: Granularity, from: CivilDate, to: CivilDate
    ) throws -> [RollupSeries] {
        guard VitalsRules.rollupTable(granularity) != nil else {
            throw StoreError(
                code: .invalidArgument,
                message: "vitals have no \(granularity) rollups; use hour, day, week or month")
        }
        guard from.isValid, to.isValid, from <= to else {
            throw StoreError(
                code: .invalidArgument,
                message: "invalid date range \(from) to \(to); the start must not be after the end")
        }
        let metrics = try resolve(codes)
        let statement = try rollupQuery(granularity)
        let keys = BucketKey.keyRange(granularity, from: from, to: to)

        return try connection.readTransaction {
            let userId = try userId(named: user)
            return try metrics.map { metric in
                defer { statement.reset() }
                try statement.bind(1, userId)
                try statement.bind(2, metric.id)
                try statement.bind(3, keys.lowerBound)
                try statement.bind(4, keys.upperBound)
                var rows: [RollupRow] = []
                while try statement.step() {
                    rows.append(RollupRow(key: statement.int64(0), stats: statement.rollupStats(from: 1)))
                }
                return RollupSeries(
                    code: metric.shortName, loinc: metric.loinc, unit: metric.unit, granularity: granularity,
                    rows: rows)
            }
        }
    }

    /// Returns the most recent sample (latest start time) of each code that has one, in the order given. An
    /// empty `codes` means every catalog metric. Throws `.unknownUser` and `.unknownCode` as `query` does.
    public func latest(user: String, codes: [String]) throws -> [LatestValue] {
        let metrics = codes.isEmpty ? catalog.metrics : try resolve(codes)
        return try connection.readTransaction {
            let userId = try userId(named: user)
            var values: [LatestValue] = []
            for metric in metrics {
                defer { selectLatest.reset() }
                try selectLatest.bind(1, userId)
                try selectLatest.bind(2, metric.id)
                try selectLatest.bind(3, 2 * Int64(VitalsRules.maximumOffsetMinutes) * 60_000)
                guard try selectLatest.step() else { continue }
                values.append(
                    LatestValue(
                        code: metric.shortName, loinc: metric.loinc, unit: metric.unit,
                        time: selectLatest.int64(0), offsetMinutes: selectLatest.int(1),
                        value: selectLatest.double(2)))
            }
            return values
        }
    }

    /// Returns the store's counters: raw rows in total and by status, categorized rows, users and queued jobs.
    public func status() throws -> [StatusCounter] {
        try connection.readTransaction {
            var byStatus: [RawStatus: Int64] = [:]
            try forEachRow("SELECT status, count(*) FROM vitals_raw GROUP BY status") { statement in
                if let status = RawStatus(rawValue: statement.int(0)) {
                    byStatus[status] = statement.int64(1)
                }
            }
            return [
                StatusCounter(name: "vitals.raw.total", value: byStatus.values.reduce(0, +)),
                StatusCounter(name: "vitals.raw.pending", value: byStatus[.pending] ?? 0),
                StatusCounter(name: "vitals.raw.aggregated", value: byStatus[.aggregated] ?? 0),
                StatusCounter(name: "vitals.raw.failed", value: byStatus[.failed] ?? 0),
                StatusCounter(name: "vitals.raw.deleted", value: byStatus[.deleted] ?? 0),
                StatusCounter(name: "vitals.categorized", value: try count("SELECT count(*) FROM vitals")),
                StatusCounter(name: "users", value: try count("SELECT count(*) FROM users")),
                StatusCounter(name: "jobs.queued", value: try count("SELECT count(*) FROM jobs")),
            ] + (try domainStatusCounters())
        }
    }

    // MARK: - Helpers

    /// Looks up the catalog metric of each code, in order; throws `.unknownCode` for the first unknown one.
    func resolve(_ codes: [String]) throws -> [VitalMetric] {
        try codes.map { code in
            guard let metric = catalog.metric(named: code) else {
                throw StoreError(code: .unknownCode, message: "no vitals metric is named '\(code)'")
            }
            return metric
        }
    }

    func userId(named name: String) throws -> Int64 {
        defer { selectUser.reset() }
        try selectUser.bind(1, name)
        guard try selectUser.step() else {
            throw StoreError(code: .unknownUser, message: "no user is named '\(name)'")
        }
        return selectUser.int64(0)
    }

    func forEachRow(_ sql: String, bindings: [Int64] = [], _ body: (Statement) throws -> Void) throws {
        let statement = try connection.prepare(sql, persistent: false)
        defer { statement.reset() }
        for (index, value) in bindings.enumerated() {
            try statement.bind(Int32(index + 1), value)
        }
        while try statement.step() {
            try body(statement)
        }
    }

    private func count(_ sql: String) throws -> Int64 {
        var value: Int64 = 0
        try forEachRow(sql) { value = $0.int64(0) }
        return value
    }

    private func rollupQuery(_ granularity: Granularity) throws -> Statement {
        if let statement = rollupQueries[granularity] {
            return statement
        }
        guard let table = VitalsRules.rollupTable(granularity) else {
            preconditionFailure("vitals keep no \(granularity) rollups")
        }
        let statement = try connection.prepare(
            """
            SELECT bucket, count, sum, min, max, sum_sq, first_ts, first_value, last_ts, last_value FROM \(table)
            WHERE user_id = ?1 AND metric_id = ?2 AND bucket BETWEEN ?3 AND ?4 ORDER BY bucket
            """)
        rollupQueries[granularity] = statement
        return statement
    }
}
