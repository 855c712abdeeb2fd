// Nutrition queries on the reader: rollup series per nutrient, per-meal day totals and the latest amounts.

import HealthDomain

extension StoreReader {
    func queryNutrition(
        user: String, codes: [String], granularity: Granularity, from: CivilDate, to: CivilDate, byMeal: Bool
    ) throws -> [RollupSeries] {
        guard let table = NutritionRules.rollupTable(granularity) else {
            throw StoreError(
                code: .invalidArgument, message: "nutrition has no \(granularity) rollups; use day, week or month")
        }
        try checkDateRange(from: from, to: to)
        let nutrients = try resolveNutrients(codes)
        let keys = BucketKey.keyRange(granularity, from: from, to: to)
        let rollupQuery = try domainStatement(
            """
            SELECT bucket, count, sum, min, max, sum_sq, first_ts, first_value, last_ts, last_value, days
            FROM \(table) WHERE user_id = ?1 AND nutrient_id = ?2 AND bucket BETWEEN ?3 AND ?4 ORDER BY bucket
            """)
        let mealQuery = try domainStatement(
            """
            SELECT meal, day, total, count FROM nutrition_meal_day
            WHERE user_id = ?1 AND nutrient_id = ?2 AND day BETWEEN ?3 AND ?4 ORDER BY meal, day
            """)

        return try connection.readTransaction {
            let userId = try userId(named: user)
            var series: [RollupSeries] = []
            for nutrient in nutrients {
                let statement = byMeal ? mealQuery : rollupQuery
                defer { statement.reset() }
                try statement.bind(1, userId)
                try statement.bind(2, nutrient.id)
                try statement.bind(3, keys.lowerBound)
                try statement.bind(4, keys.upperBound)
                if byMeal {
                    series += try readMealSeries(statement, nutrient: nutrient)
                } else {
                    var rows: [RollupRow] = []
                    while try statement.step() {
                        let stats = statement.domainRollupStats(from: 1, counters: DomainRollupCounter.nutrition)
                        rows.append(stats.row(key: statement.int64(0)))
                    }
                    series.append(
                        RollupSeries(
                            code: nutrient.shortName, loinc: "", unit: nutrient.unit.rawValue, granularity: granularity,
                            rows: rows))
                }
            }
            return series
        }
    }

    /// Reads (meal, day, total, count) rows into one day series per meal, meals in NutritionRules.mealOrder.
    private func readMealSeries(_ statement: Statement, nutrient: Nutrient) throws -> [RollupSeries] {
        var rowsByMeal: [String: [RollupRow]] = [:]
        while try statement.step() {
            var stats = RollupStats()
            stats.count = statement.int64(3)
            stats.sum = statement.double(2)
            rowsByMeal[statement.text(0), default: []].append(RollupRow(key: statement.int64(1), stats: stats, days: 1))
        }
        return rowsByMeal.keys.sorted(by: NutritionRules.mealOrder).map { meal in
            RollupSeries(
                code: nutrient.shortName, loinc: "", unit: nutrient.unit.rawValue, granularity: .day, group: meal,
                rows: rowsByMeal[meal]!)
        }
    }

    func latestNutrition(user: String, codes: [String]) throws -> [LatestValue] {
        let nutrients = codes.isEmpty ? catalogs.nutrients.nutrients : try resolveNutrients(codes)
        // An entry on an earlier local day can be the later instant when offsets differ, by at most two maximum
        // offsets (under 35 hours), so the two local days before the newest day are searched too.
        let statement = try domainStatement(
            """
            SELECT e.eaten_ms, e.utc_offset_min, a.value
            FROM nutrition_entries e JOIN nutrition_amounts a ON a.raw_id = e.raw_id AND a.nutrient_id = ?2
            WHERE e.user_id = ?1
                AND e.local_day >= (SELECT max(bucket) FROM nutrition_day WHERE user_id = ?1 AND nutrient_id = ?2) - 2
            ORDER BY e.eaten_ms DESC, e.raw_id DESC LIMIT 1
            """)
        return try connection.readTransaction {
            let userId = try userId(named: user)
            var values: [LatestValue] = []
            for nutrient in nutrients {
                defer { statement.reset() }
                try statement.bind(1, userId)
                try statement.bind(2, nutrient.id)
                guard try statement.step() else { continue }
                values.append(
                    LatestValue(
                        code: nutrient.shortName, loinc: "", unit: nutrient.unit.rawValue, time: statement.int64(0),
                        offsetMinutes: statement.int(1), value: statement.double(2)))
            }
            return values
        }
    }

    /// Looks up the catalog nutrient of each code, in order; throws `.unknownCode` for the first unknown one.
    private func resolveNutrients(_ codes: [String]) throws -> [Nutrient] {
        try codes.map { code in
            guard let nutrient = catalogs.nutrients.nutrient(named: code) else {
                throw StoreError(code: .unknownCode, message: "no nutrient is named '\(code)'")
            }
            return nutrient
        }
    }
}
