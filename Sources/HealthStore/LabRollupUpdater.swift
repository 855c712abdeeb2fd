// Keeps labs_day, labs_month, labs_quarter and labs_year current inside the writer's transaction, through a
// DomainRollupUpdater whose recompute reads the categorized results of one bucket.

import HealthDomain

final class LabRollupUpdater {
    private var updater: DomainRollupUpdater!
    private let scanResults: Statement

    init(connection: Connection) throws {
        scanResults = try connection.prepare(
            """
            SELECT collected_ms, kind, value, flag FROM labs
            WHERE user_id = ?1 AND test_id = ?2 AND local_ms >= ?3 AND local_ms < ?4
            ORDER BY raw_id
            """)
        let tables = try LabRules.granularities.map { granularity in
            try DomainRollupTable(
                connection: connection, table: LabRules.rollupTable(granularity)!, codeColumn: "test_id",
                granularity: granularity, counters: DomainRollupCounter.labs)
        }
        updater = DomainRollupUpdater(tables: tables, tracksDays: false) { [unowned self] userId, testId, _, range in
            try self.recompute(userId: userId, testId: testId, localRange: range)
        }
    }

    /// Adds a categorized result. `isNewest` is true when its raw id is above every aggregated raw id of the user.
    func add(_ result: CategorizedLabResult, isNewest: Bool) {
        updater.add(
            userId: result.userId, codeId: result.testId, localMs: result.localMs, stats: result.rollupStats,
            isNewest: isNewest)
    }

    /// Records that a categorized result, already counted or pending, is deleted.
    func retract(userId: Int64, testId: Int, localMs: Int64) {
        updater.retract(userId: userId, codeId: testId, localMs: localMs)
    }

    func discard() {
        updater.discard()
    }

    func flush() throws {
        try updater.flush()
    }

    private func recompute(userId: Int64, testId: Int, localRange: Range<Int64>) throws -> DomainRollupStats {
        defer { scanResults.reset() }
        try scanResults.bind(1, userId)
        try scanResults.bind(2, testId)
        try scanResults.bind(3, localRange.lowerBound)
        try scanResults.bind(4, localRange.upperBound)
        var stats = DomainRollupStats()
        while try scanResults.step() {
            guard let kind = CategorizedLabResult.Kind(rawValue: scanResults.text(1)) else {
                preconditionFailure("labs row with kind '\(scanResults.text(1))', which the table's CHECK rejects")
            }
            let flag = scanResults.text(3)
            stats.merge(
                DomainRollupStats.labResult(
                    kind: kind, value: scanResults.double(2), at: scanResults.int64(0),
                    isAbnormal: flag == LabFlag.low.rawValue || flag == LabFlag.high.rawValue))
        }
        return stats
    }
}
