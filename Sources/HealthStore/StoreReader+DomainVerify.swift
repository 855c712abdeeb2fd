// The consistency check for nutrition and labs, run by `verify(user:)` after the vitals check: every rollup row
// must equal the statistics recomputed here from the categorized rows whose raw row is aggregated. Bucket keys
// come from each row's UTC time and offset, not from its stored local day or local time, so a wrong stored
// local time shows up as a difference too.

import HealthDomain

extension StoreReader {
    // MARK: - Nutrition

    func verifyNutrition(userId: Int64?, userNames: [Int64: String]) throws -> [String] {
        var problems = try checkDomainStatusAgreement(
            label: "nutrition", rawTable: "nutrition_raw", categorizedTable: "nutrition_entries", userId: userId)
        let orphans = try countRows(
            """
            SELECT count(*) FROM nutrition_amounts a
            WHERE NOT EXISTS (SELECT 1 FROM nutrition_entries e WHERE e.raw_id = a.raw_id)
            """)
        if orphans > 0 {
            problems.append("\(orphans) nutrient amounts have no categorized entry")
        }

        let filter = userId == nil ? "" : " WHERE user_id = ?1"
        let pairsSQL =
            """
            SELECT e.user_id, a.nutrient_id FROM nutrition_amounts a JOIN nutrition_entries e ON e.raw_id = a.raw_id
            \(userId == nil ? "" : "WHERE e.user_id = ?1")
            """
            + NutritionRules.granularities.map {
                " UNION SELECT user_id, nutrient_id FROM \(NutritionRules.rollupTable($0)!)\(filter)"
            }
            .joined()
            + " UNION SELECT user_id, nutrient_id FROM nutrition_meal_day\(filter) ORDER BY 1, 2"
        var pairs: [(userId: Int64, nutrientId: Int)] = []
        try forEachRow(pairsSQL, bindings: userId.map { [$0] } ?? []) { row in
            pairs.append((row.int64(0), row.int(1)))
        }

        for pair in pairs {
            let userName = userNames[pair.userId] ?? "#\(pair.userId)"
            let name = catalogs.nutrients.nutrient(id: pair.nutrientId)?.shortName ?? "nutrient \(pair.nutrientId)"
            let expected = try recomputeNutrition(userId: pair.userId, nutrientId: pair.nutrientId)
            for (table, granularity) in NutritionRules.granularities.enumerated() {
                problems += try compareDomainRows(
                    table: NutritionRules.rollupTable(granularity)!, codeColumn: "nutrient_id",
                    granularity: granularity,
                    userId: pair.userId, codeId: pair.nutrientId, expected: expected.buckets[table],
                    counters: DomainRollupCounter.nutrition, prefix: "user '\(userName)', \(name), \(granularity)")
            }
            problems += try compareMealRows(
                userId: pair.userId, nutrientId: pair.nutrientId, expected: expected.meals,
                prefix: "user '\(userName)', \(name), by meal")
        }
        return problems
    }

    private struct NutritionRecompute {
        /// Per table in NutritionRules.granularities order.
        var buckets: [[Int64: DomainRollupStats]]
        var meals: [MealDayKey: (total: Double, count: Int64)] = [:]
    }

    private func recomputeNutrition(userId: Int64, nutrientId: Int) throws -> NutritionRecompute {
        let tableCount = NutritionRules.granularities.count
        var result = NutritionRecompute(buckets: Array(repeating: [:], count: tableCount))
        var daysPerBucket = [[Int64: Set<Int64>]](repeating: [:], count: tableCount)
        let sql = """
            SELECT e.eaten_ms, e.utc_offset_min, e.meal, a.value
            FROM nutrition_amounts a JOIN nutrition_entries e ON e.raw_id = a.raw_id
                JOIN nutrition_raw r ON r.id = a.raw_id
            WHERE e.user_id = ?1 AND a.nutrient_id = ?2 AND r.status = \(RawStatus.aggregated.rawValue)
            ORDER BY a.raw_id
            """
        try forEachRow(sql, bindings: [userId, Int64(nutrientId)]) { row in
            let eatenMs = row.int64(0)
            let localMs = DomainRules.localMs(utcMs: eatenMs, offsetMinutes: row.int(1))
            let day = BucketKey.key(.day, localMs: localMs, offsetMinutes: 0)
            let value = row.double(3)
            for (table, granularity) in NutritionRules.granularities.enumerated() {
                let bucket = BucketKey.key(granularity, localMs: localMs, offsetMinutes: 0)
                result.buckets[table][bucket, default: DomainRollupStats()].numeric.add(value, at: eatenMs)
                result.buckets[table][bucket]!.count += 1
                daysPerBucket[table][bucket, default: []].insert(day)
            }
            let key = MealDayKey(userId: userId, nutrientId: nutrientId, day: day, meal: row.text(2))
            let sums = result.meals[key] ?? (0, 0)
            result.meals[key] = (sums.total + value, sums.count + 1)
        }
        for table in 0..<tableCount {
            for (bucket, days) in daysPerBucket[table] {
                result.buckets[table][bucket]!.days = Int64(days.count)
            }
        }
        return result
    }

    private func compareMealRows(
        userId: Int64, nutrientId: Int, expected: [MealDayKey: (total: Double, count: Int64)], prefix: String
    ) throws -> [String] {
        var remaining = expected
        var problems: [String] = []
        let sql = "SELECT day, meal, total, count FROM nutrition_meal_day WHERE user_id = ?1 AND nutrient_id = ?2"
        try forEachRow(sql, bindings: [userId, Int64(nutrientId)]) { row in
            let key = MealDayKey(userId: userId, nutrientId: nutrientId, day: row.int64(0), meal: row.text(1))
            let label = "\(prefix) \(BucketKey.label(.day, key: key.day)) '\(key.meal)'"
            guard let sums = remaining.removeValue(forKey: key) else {
                problems.append("\(label): extra meal row (count \(row.int64(3))) with no entries")
                return
            }
            if row.int64(3) != sums.count {
                problems.append("\(label): count is \(row.int64(3)) but the entries give \(sums.count)")
            }
            if !StoreReader.nearlyEqual(row.double(2), sums.total) {
                problems.append("\(label): total is \(row.double(2)) but the entries give \(sums.total)")
            }
        }
        for key in remaining.keys.sorted() {
            problems.append(
                "\(prefix) \(BucketKey.label(.day, key: key.day)) '\(key.meal)': missing meal row for "
                    + "\(remaining[key]!.count) entries")
        }
        return problems
    }

    // MARK: - Labs

    func verifyLabs(userId: Int64?, userNames: [Int64: String]) throws -> [String] {
        var problems = try checkDomainStatusAgreement(
            label: "labs", rawTable: "labs_raw", categorizedTable: "labs", userId: userId)

        let filter = userId == nil ? "" : " WHERE user_id = ?1"
        let pairsSQL =
            (["labs"] + LabRules.granularities.map { LabRules.rollupTable($0)! })
            .map { "SELECT user_id, test_id FROM \($0)\(filter)" }.joined(separator: " UNION ")
            + " ORDER BY 1, 2"
        var pairs: [(userId: Int64, testId: Int)] = []
        try forEachRow(pairsSQL, bindings: userId.map { [$0] } ?? []) { row in
            pairs.append((row.int64(0), row.int(1)))
        }
        var codes: [Int: String] = [:]
        try forEachRow("SELECT id, code FROM lab_tests") { row in
            codes[row.int(0)] = row.text(1)
        }

        for pair in pairs {
            let userName = userNames[pair.userId] ?? "#\(pair.userId)"
            let code = codes[pair.testId] ?? "test id \(pair.testId)"
            let expected = try recomputeLabs(userId: pair.userId, testId: pair.testId)
            for (table, granularity) in LabRules.granularities.enumerated() {
                problems += try compareDomainRows(
                    table: LabRules.rollupTable(granularity)!, codeColumn: "test_id", granularity: granularity,
                    userId: pair.userId, codeId: pair.testId, expected: expected[table],
                    counters: DomainRollupCounter.labs, prefix: "user '\(userName)', \(code), \(granularity)")
            }
        }
        return problems
    }

    /// Per table in LabRules.granularities order.
    private func recomputeLabs(userId: Int64, testId: Int) throws -> [[Int64: DomainRollupStats]] {
        var expected = [[Int64: DomainRollupStats]](repeating: [:], count: LabRules.granularities.count)
        let sql = """
            SELECT l.collected_ms, l.utc_offset_min, l.kind, l.value, l.flag
            FROM labs l JOIN labs_raw r ON r.id = l.raw_id
            WHERE l.user_id = ?1 AND l.test_id = ?2 AND r.status = \(RawStatus.aggregated.rawValue)
            ORDER BY l.raw_id
            """
        try forEachRow(sql, bindings: [userId, Int64(testId)]) { row in
            let collectedMs = row.int64(0)
            let localMs = DomainRules.localMs(utcMs: collectedMs, offsetMinutes: row.int(1))
            var contribution = DomainRollupStats()
            contribution.count = 1
            switch row.text(2) {
            case "numeric": contribution.numeric.add(row.double(3), at: collectedMs)
            case "censored": contribution.censored = 1
            default: contribution.qualitative = 1
            }
            let flag = row.text(4)
            contribution.abnormal = flag == "low" || flag == "high" ? 1 : 0
            for (table, granularity) in LabRules.granularities.enumerated() {
                let bucket = BucketKey.key(granularity, localMs: localMs, offsetMinutes: 0)
                expected[table][bucket, default: DomainRollupStats()].merge(contribution)
            }
        }
        return expected
    }

    // MARK: - Shared

    /// Compares the stored rows of one (user, code) in one table with the recomputed ones, one line per
    /// missing row, extra row or differing field.
    private func compareDomainRows(
        table: String, codeColumn: String, granularity: Granularity, userId: Int64, codeId: Int,
        expected: [Int64: DomainRollupStats], counters: [DomainRollupCounter], prefix: String
    ) throws -> [String] {
        var remaining = expected
        var problems: [String] = []
        let sql = """
            SELECT bucket, count, sum, min, max, sum_sq, first_ts, first_value, last_ts, last_value\(
                counters.map { ", " + $0.rawValue }.joined())
            FROM \(table) WHERE user_id = ?1 AND \(codeColumn) = ?2 ORDER BY bucket
            """
        try forEachRow(sql, bindings: [userId, Int64(codeId)]) { row in
            let bucket = row.int64(0)
            let stored = row.domainRollupStats(from: 1, counters: counters)
            let label = prefix + " " + BucketKey.label(granularity, key: bucket)
            guard let recomputed = remaining.removeValue(forKey: bucket) else {
                problems.append("\(label): extra rollup row (count \(stored.count)) with no entries")
                return
            }
            if stored.count != recomputed.count {
                problems.append("\(label): count is \(stored.count) but the rows give \(recomputed.count)")
            }
            for counter in counters where stored[keyPath: counter.keyPath] != recomputed[keyPath: counter.keyPath] {
                problems.append(
                    "\(label): \(counter.rawValue) is \(stored[keyPath: counter.keyPath]) but the rows give "
                        + "\(recomputed[keyPath: counter.keyPath])")
            }
            problems += StoreReader.differences(stored: stored.numeric, recomputed: recomputed.numeric).map {
                "\(label): numeric \($0)"
            }
        }
        for bucket in remaining.keys.sorted() {
            let label = prefix + " " + BucketKey.label(granularity, key: bucket)
            problems.append("\(label): missing rollup row for \(remaining[bucket]!.count) entries")
        }
        return problems
    }

    /// Problems where categorized rows and raw statuses disagree: a categorized row exists exactly while its raw
    /// row is aggregated.
    private func checkDomainStatusAgreement(
        label: String, rawTable: String, categorizedTable: String, userId: Int64?
    ) throws -> [String] {
        let aggregated = RawStatus.aggregated.rawValue
        let bindings = userId.map { [$0] } ?? []
        var problems: [String] = []
        let orphans = try countRows(
            """
            SELECT count(*) FROM \(categorizedTable) c LEFT JOIN \(rawTable) r ON r.id = c.raw_id
            WHERE (r.id IS NULL OR r.status != \(aggregated))\(userId == nil ? "" : " AND c.user_id = ?1")
            """, bindings: bindings)
        if orphans > 0 {
            problems.append("\(orphans) categorized \(label) rows have no aggregated raw row")
        }
        let uncategorized = try countRows(
            """
            SELECT count(*) FROM \(rawTable) r
            WHERE r.status = \(aggregated)\(userId == nil ? "" : " AND r.user_id = ?1")
                AND NOT EXISTS (SELECT 1 FROM \(categorizedTable) c WHERE c.raw_id = r.id)
            """, bindings: bindings)
        if uncategorized > 0 {
            problems.append("\(uncategorized) aggregated \(label) raw rows have no categorized row")
        }
        return problems
    }
}
