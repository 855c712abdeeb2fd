// The consistency check behind `health verify`: every vitals rollup row must equal the statistics recomputed
// from the aggregated categorized rows. It reads every categorized row of the users it checks, so it is meant
// for tests and maintenance, not for the request path.

import HealthDomain

extension StoreReader {
    /// Relative tolerance for comparing sums and values. Incremental updates add and subtract in another order
    /// than a recompute, so doubles may differ in the last bits.
    static let verifyTolerance = 1e-9

    /// Recomputes every vitals, nutrition and labs rollup row of `user` (or of all users when nil) and returns
    /// one line per difference: a missing row, an extra row or a field that differs. An empty result means the
    /// rollups are consistent. Also reports categorized rows whose raw row is not aggregated, and the reverse.
    ///
    /// The lines contain health values (stored and recomputed); show them to the data's owner, never log them.
    /// Throws `.unknownUser` for a user that was never seen.
    public func verify(user: String?) throws -> [String] {
        try connection.readTransaction {
            let userId = try user.map { try self.userId(named: $0) }
            let userNames = try loadUserNames()
            let metrics = try loadMetrics()

            var problems = try checkStatusAgreement(userId: userId)
            for pair in try metricsWithData(userId: userId) {
                let userName = userNames[pair.userId] ?? "#\(pair.userId)"
                guard let metric = metrics[pair.metricId] else {
                    problems.append("user '\(userName)': metric id \(pair.metricId) is not in the metrics table")
                    continue
                }
                let expected = try recompute(userId: pair.userId, metricId: pair.metricId, kind: metric.kind)
                for (table, granularity) in VitalsRules.granularities.enumerated() {
                    let prefix = "user '\(userName)', \(metric.name), \(granularity)"
                    problems += try compareStoredRows(
                        granularity, userId: pair.userId, metricId: pair.metricId, expected: expected[table],
                        prefix: prefix)
                }
            }
            problems += try verifyNutrition(userId: userId, userNames: userNames)
            problems += try verifyLabs(userId: userId, userNames: userNames)
            return problems
        }
    }

    // MARK: - Recompute

    /// Recomputes the rollups of one user and metric, per table in VitalsRules.granularities order, from the
    /// categorized rows whose raw row is aggregated, added in raw id order.
    private func recompute(userId: Int64, metricId: Int, kind: MetricKind) throws -> [[Int64: RollupStats]] {
        var expected = [[Int64: RollupStats]](repeating: [:], count: VitalsRules.granularities.count)
        let sql = """
            SELECT v.start_ms, v.end_ms, v.utc_offset_min, v.value
            FROM vitals v JOIN vitals_raw r ON r.id = v.raw_id
            WHERE v.user_id = ?1 AND v.metric_id = ?2 AND r.status = \(RawStatus.aggregated.rawValue)
            ORDER BY v.raw_id
            """
        try forEachRow(sql, bindings: [userId, Int64(metricId)]) { row in
            let startMs = row.int64(0)
            let endMs = row.int64(1)
            let offsetMinutes = row.int(2)
            let value = row.double(3)
            for (table, granularity) in VitalsRules.granularities.enumerated() {
                SampleSplitter.forEachPiece(
                    granularity, kind: kind, value: value, startMs: startMs, endMs: endMs,
                    offsetMinutes: offsetMinutes
                ) { bucket, pieceValue, time in
                    expected[table][bucket, default: RollupStats()].add(pieceValue, at: time)
                }
            }
        }
        return expected
    }

    // MARK: - Comparison

    private func compareStoredRows(
        _ granularity: Granularity, userId: Int64, metricId: Int, expected: [Int64: RollupStats], prefix: String
    ) throws -> [String] {
        guard let table = VitalsRules.rollupTable(granularity) else { return [] }
        var remaining = expected
        var problems: [String] = []
        let sql = """
            SELECT bucket, count, sum, min, max, sum_sq, first_ts, first_value, last_ts, last_value FROM \(table)
            WHERE user_id = ?1 AND metric_id = ?2 ORDER BY bucket
            """
        try forEachRow(sql, bindings: [userId, Int64(metricId)]) { row in
            let bucket = row.int64(0)
            let stored = row.rollupStats(from: 1)
            let label = prefix + " " + BucketKey.label(granularity, key: bucket)
            guard let recomputed = remaining.removeValue(forKey: bucket) else {
                problems.append("\(label): extra rollup row (count \(stored.count)) with no samples")
                return
            }
            problems += StoreReader.differences(stored: stored, recomputed: recomputed).map { "\(label): \($0)" }
        }
        for bucket in remaining.keys.sorted() {
            let label = prefix + " " + BucketKey.label(granularity, key: bucket)
            problems.append("\(label): missing rollup row for \(remaining[bucket]!.count) samples")
        }
        return problems
    }

    /// Describes each field of `stored` that differs from `recomputed`, one line per field.
    static func differences(stored: RollupStats, recomputed: RollupStats) -> [String] {
        var lines: [String] = []
        func compare<T>(_ field: String, _ storedValue: T, _ recomputedValue: T, _ equal: (T, T) -> Bool) {
            if !equal(storedValue, recomputedValue) {
                lines.append("\(field) is \(storedValue) but the samples give \(recomputedValue)")
            }
        }
        compare("count", stored.count, recomputed.count, ==)
        compare("sum", stored.sum, recomputed.sum, nearlyEqual)
        compare("min", stored.minimum, recomputed.minimum, nearlyEqual)
        compare("max", stored.maximum, recomputed.maximum, nearlyEqual)
        compare("sum_sq", stored.sumOfSquares, recomputed.sumOfSquares, nearlyEqual)
        compare("first_ts", stored.firstTime, recomputed.firstTime, ==)
        compare("first_value", stored.firstValue, recomputed.firstValue, nearlyEqual)
        compare("last_ts", stored.lastTime, recomputed.lastTime, ==)
        compare("last_value", stored.lastValue, recomputed.lastValue, nearlyEqual)
        return lines
    }

    /// Equal within `verifyTolerance` relative to the larger magnitude, or absolute below a magnitude of 1.
    static func nearlyEqual(_ a: Double, _ b: Double) -> Bool {
        a == b || abs(a - b) <= verifyTolerance * max(1, abs(a), abs(b))
    }

    // MARK: - Lookups

    private struct MetricPair: Hashable {
        var userId: Int64
        var metricId: Int
    }

    /// Lists every (user, metric) with categorized rows or rollup rows, sorted.
    private func metricsWithData(userId: Int64?) throws -> [MetricPair] {
        let filter = userId == nil ? "" : " WHERE user_id = ?1"
        let tables = ["vitals"] + VitalsRules.granularities.compactMap { VitalsRules.rollupTable($0) }
        let sql =
            tables.map { "SELECT user_id, metric_id FROM \($0)\(filter)" }.joined(separator: " UNION ")
            + " ORDER BY user_id, metric_id"
        var pairs: [MetricPair] = []
        try forEachRow(sql, bindings: userId.map { [$0] } ?? []) { row in
            pairs.append(MetricPair(userId: row.int64(0), metricId: row.int(1)))
        }
        return pairs
    }

    /// Problems where the categorized rows and the raw statuses disagree: a categorized row exists exactly
    /// while its raw row is aggregated.
    private func checkStatusAgreement(userId: Int64?) throws -> [String] {
        let aggregated = RawStatus.aggregated.rawValue
        let categorizedFilter = userId == nil ? "" : " AND v.user_id = ?1"
        let rawFilter = userId == nil ? "" : " AND r.user_id = ?1"
        let bindings = userId.map { [$0] } ?? []
        var problems: [String] = []

        try forEachRow(
            """
            SELECT count(*) FROM vitals v LEFT JOIN vitals_raw r ON r.id = v.raw_id
            WHERE (r.id IS NULL OR r.status != \(aggregated))\(categorizedFilter)
            """, bindings: bindings
        ) { row in
            let count = row.int64(0)
            if count > 0 {
                problems.append("\(count) categorized rows have no aggregated raw row")
            }
        }
        try forEachRow(
            """
            SELECT count(*) FROM vitals_raw r
            WHERE r.status = \(aggregated)\(rawFilter) AND NOT EXISTS (SELECT 1 FROM vitals v WHERE v.raw_id = r.id)
            """, bindings: bindings
        ) { row in
            let count = row.int64(0)
            if count > 0 {
                problems.append("\(count) aggregated raw rows have no categorized row")
            }
        }
        return problems
    }

    private func loadUserNames() throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        try forEachRow("SELECT id, name FROM users") { row in
            names[row.int64(0)] = row.text(1)
        }
        return names
    }

    /// Short name and kind of every metric in the metrics table, by id.
    private func loadMetrics() throws -> [Int: (name: String, kind: MetricKind)] {
        var metrics: [Int: (name: String, kind: MetricKind)] = [:]
        try forEachRow("SELECT id, short_name, kind FROM metrics") { row in
            if let kind = MetricKind(rawValue: row.text(2)) {
                metrics[row.int(0)] = (row.text(1), kind)
            }
        }
        return metrics
    }
}
