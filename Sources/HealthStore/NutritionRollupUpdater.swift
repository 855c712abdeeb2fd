// Keeps the nutrition rollups current inside the writer's transaction: nutrition_day, nutrition_week and
// nutrition_month through a DomainRollupUpdater (which also maintains `days`), and the per-meal day totals of
// nutrition_meal_day. Meal totals only add and count, so new entries are upserted. A meal bucket that lost an
// entry is recomputed, so that its total is summed in raw id order like a fresh computation.

import HealthDomain

/// One nutrition_meal_day row's identity, sorted in primary key order.
struct MealDayKey: Hashable, Comparable {
    var userId: Int64
    var nutrientId: Int
    var day: Int64
    var meal: String

    static func < (lhs: MealDayKey, rhs: MealDayKey) -> Bool {
        (lhs.userId, lhs.nutrientId, lhs.day, lhs.meal) < (rhs.userId, rhs.nutrientId, rhs.day, rhs.meal)
    }
}

final class NutritionRollupUpdater {
    private var updater: DomainRollupUpdater!
    private var mealAdditions: [MealDayKey: (total: Double, count: Int64)] = [:]
    private var mealRecomputes: Set<MealDayKey> = []

    private let scanAmounts: Statement
    private let scanMealAmounts: Statement
    private let upsertMeal: Statement
    private let replaceMeal: Statement
    private let deleteMeal: Statement

    init(connection: Connection) throws {
        scanAmounts = try connection.prepare(
            """
            SELECT e.eaten_ms, e.local_day, a.value
            FROM nutrition_entries e JOIN nutrition_amounts a ON a.raw_id = e.raw_id AND a.nutrient_id = ?2
            WHERE e.user_id = ?1 AND e.local_day >= ?3 AND e.local_day < ?4
            ORDER BY e.raw_id
            """)
        scanMealAmounts = try connection.prepare(
            """
            SELECT a.value
            FROM nutrition_entries e JOIN nutrition_amounts a ON a.raw_id = e.raw_id AND a.nutrient_id = ?2
            WHERE e.user_id = ?1 AND e.local_day = ?3 AND e.meal = ?4
            ORDER BY e.raw_id
            """)
        upsertMeal = try connection.prepare(
            """
            INSERT INTO nutrition_meal_day (user_id, nutrient_id, day, meal, total, count)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT (user_id, nutrient_id, day, meal) DO UPDATE SET
                total = total + excluded.total, count = count + excluded.count
            """)
        replaceMeal = try connection.prepare(
            """
            REPLACE INTO nutrition_meal_day (user_id, nutrient_id, day, meal, total, count)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """)
        deleteMeal = try connection.prepare(
            "DELETE FROM nutrition_meal_day WHERE user_id = ?1 AND nutrient_id = ?2 AND day = ?3 AND meal = ?4")

        let tables = try NutritionRules.granularities.map { granularity in
            try DomainRollupTable(
                connection: connection, table: NutritionRules.rollupTable(granularity)!, codeColumn: "nutrient_id",
                granularity: granularity, counters: DomainRollupCounter.nutrition)
        }
        updater = DomainRollupUpdater(tables: tables, tracksDays: true) { [unowned self] userId, nutrientId, _, range in
            try self.recompute(userId: userId, nutrientId: nutrientId, localRange: range)
        }
    }

    /// Adds a categorized entry. `isNewest` is true when its raw id is above every aggregated raw id of the user.
    func add(_ entry: CategorizedEntry, isNewest: Bool) {
        let localMs = entry.localMs
        for amount in entry.amounts {
            var stats = DomainRollupStats()
            stats.numeric.add(amount.value, at: entry.eatenMs)
            stats.count = 1
            updater.add(
                userId: entry.userId, codeId: amount.nutrientId, localMs: localMs, stats: stats, isNewest: isNewest)

            let key = MealDayKey(
                userId: entry.userId, nutrientId: amount.nutrientId, day: entry.localDay, meal: entry.meal)
            let sums = mealAdditions[key] ?? (0, 0)
            mealAdditions[key] = (sums.total + amount.value, sums.count + 1)
        }
    }

    /// Records that a categorized entry, already counted or pending, is deleted.
    func retract(_ entry: CategorizedEntry) {
        for amount in entry.amounts {
            updater.retract(userId: entry.userId, codeId: amount.nutrientId, localMs: entry.localMs)
            mealRecomputes.insert(
                MealDayKey(userId: entry.userId, nutrientId: amount.nutrientId, day: entry.localDay, meal: entry.meal))
        }
    }

    func discard() {
        updater.discard()
        mealAdditions.removeAll(keepingCapacity: true)
        mealRecomputes.removeAll(keepingCapacity: true)
    }

    /// Writes the pending changes in key order and clears them.
    func flush() throws {
        defer { discard() }
        try updater.flush()

        var keys = Array(mealRecomputes)
        for key in mealAdditions.keys where !mealRecomputes.contains(key) {
            keys.append(key)
        }
        keys.sort()
        for key in keys {
            if mealRecomputes.contains(key) {
                try recomputeMeal(key)
            } else {
                let sums = mealAdditions[key]!
                try bindMeal(key, total: sums.total, count: sums.count, to: upsertMeal)
                try upsertMeal.run()
            }
        }
    }

    // MARK: - Recompute

    private func recompute(userId: Int64, nutrientId: Int, localRange: Range<Int64>) throws -> DomainRollupStats {
        defer { scanAmounts.reset() }
        try scanAmounts.bind(1, userId)
        try scanAmounts.bind(2, nutrientId)
        try scanAmounts.bind(3, localRange.lowerBound / BucketKey.millisecondsPerDay)
        try scanAmounts.bind(4, localRange.upperBound / BucketKey.millisecondsPerDay)
        var stats = DomainRollupStats()
        var days = Set<Int64>()
        while try scanAmounts.step() {
            stats.numeric.add(scanAmounts.double(2), at: scanAmounts.int64(0))
            stats.count += 1
            days.insert(scanAmounts.int64(1))
        }
        stats.days = Int64(days.count)
        return stats
    }

    private func recomputeMeal(_ key: MealDayKey) throws {
        var total = 0.0
        var count: Int64 = 0
        do {
            defer { scanMealAmounts.reset() }
            try scanMealAmounts.bind(1, key.userId)
            try scanMealAmounts.bind(2, key.nutrientId)
            try scanMealAmounts.bind(3, key.day)
            try scanMealAmounts.bind(4, key.meal)
            while try scanMealAmounts.step() {
                total += scanMealAmounts.double(0)
                count += 1
            }
        }
        if count > 0 {
            try bindMeal(key, total: total, count: count, to: replaceMeal)
            try replaceMeal.run()
        } else {
            try deleteMeal.bind(1, key.userId)
            try deleteMeal.bind(2, key.nutrientId)
            try deleteMeal.bind(3, key.day)
            try deleteMeal.bind(4, key.meal)
            try deleteMeal.run()
        }
    }

    private func bindMeal(_ key: MealDayKey, total: Double, count: Int64, to statement: Statement) throws {
        try statement.bind(1, key.userId)
        try statement.bind(2, key.nutrientId)
        try statement.bind(3, key.day)
        try statement.bind(4, key.meal)
        try statement.bind(5, total)
        try statement.bind(6, count)
    }
}
