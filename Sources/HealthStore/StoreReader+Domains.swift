// The reader's entry points that span domains: the initializer for callers that have only a vitals catalog,
// queries and latest values by domain, and the nutrition, labs and queue status counters.

import HealthDomain

extension StoreReader {
    /// Opens the database with `catalog` for vitals and the nutrient and lab catalogs embedded from schema/.
    /// Throws as `init(path:catalogs:)` and `StoreCatalogs(vitals:)` do.
    public convenience init(path: String, catalog: VitalsCatalog) throws {
        try self.init(path: path, catalogs: try StoreCatalogs(vitals: catalog))
    }

    /// Returns the rollup rows of each code for the local dates `from` through `to` (inclusive), one series per
    /// code in the order given, each in ascending bucket order.
    ///
    /// - vitals: as `query(user:codes:granularity:from:to:)`.
    /// - nutrition: codes are nutrient names (short name, display name, alias); granularity day, week or month.
    ///   Each row's `days` counts the local days with entries, so `stats.sum / days` is the daily average. With
    ///   `byMeal` (day granularity only) the reply contains one series per nutrient and meal that has rows, with
    ///   `group` set to the meal (breakfast, lunch, dinner, snack, then other names sorted); those rows carry
    ///   only count, sum and days, and the other statistics stay empty.
    /// - labs: codes are LOINC codes or test names, which are matched as result names are; granularity day,
    ///   month, quarter or year. The series code is the LOINC code. `stats.count` counts every result, while
    ///   the sums, extremes, first and last cover the plain numeric results (see RollupRow.numericCount).
    ///
    /// Throws `.unknownUser` when the user has never submitted, `.unknownCode` naming the first code the
    /// domain's catalog cannot resolve, and `.invalidArgument` for a granularity the domain keeps no rollups
    /// for, `byMeal` outside nutrition day queries, or a date range that is invalid or runs backward.
    public func query(
        user: String, domain: HealthDataDomain, codes: [String], granularity: Granularity, from: CivilDate,
        to: CivilDate, byMeal: Bool = false
    ) throws -> [RollupSeries] {
        if byMeal && (domain != .nutrition || granularity != .day) {
            throw StoreError(
                code: .invalidArgument, message: "totals by meal exist for nutrition per day only; use day granularity")
        }
        switch domain {
        case .vitals:
            return try query(user: user, codes: codes, granularity: granularity, from: from, to: to)
        case .nutrition:
            return try queryNutrition(
                user: user, codes: codes, granularity: granularity, from: from, to: to, byMeal: byMeal)
        case .labs:
            return try queryLabs(user: user, codes: codes, granularity: granularity, from: from, to: to)
        }
    }

    /// Returns the most recent value of each code that has one, in the order given; an empty `codes` means every
    /// catalog code of the domain.
    ///
    /// - vitals: as `latest(user:codes:)`.
    /// - nutrition: the amount of the most recently eaten entry holding the nutrient.
    /// - labs: the most recent plain numeric result of the test, in its canonical unit; censored and
    ///   qualitative results are skipped, because a LatestValue has room for one number only.
    /// Nutrition and labs find the latest entry through the day rollups, so a store opened with rollups off
    /// returns none for them. Throws `.unknownUser` and `.unknownCode` as `query` does.
    public func latest(user: String, domain: HealthDataDomain, codes: [String]) throws -> [LatestValue] {
        switch domain {
        case .vitals: return try latest(user: user, codes: codes)
        case .nutrition: return try latestNutrition(user: user, codes: codes)
        case .labs: return try latestLabs(user: user, codes: codes)
        }
    }

    // MARK: - Status

    /// Counters of nutrition and labs raw rows by status, their categorized rows, and the queue by domain.
    func domainStatusCounters() throws -> [StatusCounter] {
        var counters: [StatusCounter] = []
        for (domain, rawTable, categorizedTable) in [
            ("nutrition", "nutrition_raw", "nutrition_entries"), ("labs", "labs_raw", "labs"),
        ] {
            var byStatus: [RawStatus: Int64] = [:]
            try forEachRow("SELECT status, count(*) FROM \(rawTable) GROUP BY status") { row in
                if let status = RawStatus(rawValue: row.int(0)) {
                    byStatus[status] = row.int64(1)
                }
            }
            counters += [
                StatusCounter(name: "\(domain).raw.total", value: byStatus.values.reduce(0, +)),
                StatusCounter(name: "\(domain).raw.pending", value: byStatus[.pending] ?? 0),
                StatusCounter(name: "\(domain).raw.aggregated", value: byStatus[.aggregated] ?? 0),
                StatusCounter(name: "\(domain).raw.failed", value: byStatus[.failed] ?? 0),
                StatusCounter(name: "\(domain).raw.deleted", value: byStatus[.deleted] ?? 0),
                StatusCounter(
                    name: "\(domain).categorized", value: try countRows("SELECT count(*) FROM \(categorizedTable)")),
            ]
        }
        // Aggregated entries whose raw row lists skipped nutrient amounts.
        counters.append(
            StatusCounter(
                name: "nutrition.raw.partial",
                value: try countRows("SELECT count(*) FROM nutrition_raw WHERE status = 1 AND error IS NOT NULL")))

        var jobsByDomain: [String: Int64] = [:]
        var oldestCreatedMs: Int64?
        try forEachRow("SELECT domain, count(*), min(created_ms) FROM jobs GROUP BY domain") { row in
            jobsByDomain[row.text(0)] = row.int64(1)
            oldestCreatedMs = min(oldestCreatedMs ?? .max, row.int64(2))
        }
        for domain in HealthDataDomain.allCases {
            counters.append(StatusCounter(name: "jobs.queued.\(domain)", value: jobsByDomain[domain.description] ?? 0))
        }
        let oldestAge = oldestCreatedMs.map { max(0, StoreWriter.currentTimeMs() - $0) } ?? 0
        counters.append(StatusCounter(name: "jobs.oldest_age_ms", value: oldestAge))
        return counters
    }

    // MARK: - Helpers

    /// Returns a prepared statement for `sql`, kept for reuse by this reader.
    func domainStatement(_ sql: String) throws -> Statement {
        if let statement = domainStatements[sql] {
            return statement
        }
        let statement = try connection.prepare(sql)
        domainStatements[sql] = statement
        return statement
    }

    func checkDateRange(from: CivilDate, to: CivilDate) throws {
        guard from.isValid, to.isValid, from <= to else {
            throw StoreError(
                code: .invalidArgument,
                message: "invalid date range \(from) to \(to); the start must not be after the end")
        }
    }

    func countRows(_ sql: String, bindings: [Int64] = []) throws -> Int64 {
        var value: Int64 = 0
        try forEachRow(sql, bindings: bindings) { value = $0.int64(0) }
        return value
    }
}
