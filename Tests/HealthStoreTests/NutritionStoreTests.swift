// Nutrition in the store: day, week and month rollups with their days, per-meal day totals, local dates,
// replacement and idempotency, and entries with unusable nutrient amounts.

import HealthDomain
import HealthStore
import XCTest

final class NutritionStoreTests: StoreTestCase {
    private let march = (from: CivilDate(year: 2024, month: 3, day: 1), to: CivilDate(year: 2024, month: 3, day: 31))

    /// Six entries in March 2024 at +01:00; 2024-03-04 and 2024-03-11 are Mondays.
    private func weekOfMeals() -> [NutritionRecord] {
        [
            entry(
                utcMs(2024, 3, 4, 8, 0, offset: 60), offset: 60, meal: "breakfast",
                [("energy", 400, "kcal"), ("protein", 20, "g")]),
            entry(
                utcMs(2024, 3, 4, 12, 30, offset: 60), offset: 60, meal: "Lunch",
                [("Energy (kcal)", 600, ""), ("Protein (g)", 30, "")]),
            entry(
                utcMs(2024, 3, 4, 19, 0, offset: 60), offset: 60, meal: "dinner",
                [("energy", 800, "kcal"), ("protein", 25.5, "g")]),
            entry(
                utcMs(2024, 3, 6, 8, 0, offset: 60), offset: 60, meal: "breakfast",
                [("energy", 500, "kcal"), ("protein", 10000, "mg")]),
            entry(utcMs(2024, 3, 6, 23, 30, offset: 60), offset: 60, meal: "snack", [("energy", 250, "kcal")]),
            entry(utcMs(2024, 3, 11, 9, 0, offset: 60), offset: 60, meal: "breakfast", [("energy", 300, "kcal")]),
        ]
    }

    func testDayWeekMonthTotalsAndDays() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        let outcomes = try submit(writer, [.nutrition(NutritionBatch(user: "ana", records: weekOfMeals()))])
        XCTAssertEqual(outcomes[0].accepted, 6)
        XCTAssertEqual(outcomes[0].failures, [])
        let reader = try openReader()

        // Energy per day: 2024-03-04 has 400 + 600 + 800 = 1800 in 3 entries; 2024-03-06 has 500 + 250 = 750
        // (the 23:30 snack is still 03-06 at +01:00); 2024-03-11 has 300.
        let days = try domainRows(reader, user: "ana", .nutrition, code: "energy", .day, from: march.from, to: march.to)
        XCTAssertEqual(days.keys.sorted(), ["2024-03-04", "2024-03-06", "2024-03-11"])
        XCTAssertEqual(days["2024-03-04"]?.stats.count, 3)
        XCTAssertEqual(days["2024-03-04"]?.stats.sum, 1800)
        XCTAssertEqual(days["2024-03-04"]?.stats.minimum, 400)
        XCTAssertEqual(days["2024-03-04"]?.stats.maximum, 800)
        XCTAssertEqual(days["2024-03-04"]?.stats.firstValue, 400)
        XCTAssertEqual(days["2024-03-04"]?.stats.lastValue, 800)
        XCTAssertEqual(days["2024-03-04"]?.days, 1)
        XCTAssertEqual(days["2024-03-06"]?.stats.sum, 750)
        XCTAssertEqual(days["2024-03-06"]?.stats.count, 2)

        // The week of Monday 03-04 has 5 entries on 2 days: 1800 + 750 = 2550, a daily average of 1275.
        let weeks = try domainRows(
            reader, user: "ana", .nutrition, code: "energy", .week, from: march.from, to: march.to)
        let firstWeek = try XCTUnwrap(weeks["2024-03-04"])
        XCTAssertEqual(firstWeek.stats.count, 5)
        XCTAssertEqual(firstWeek.stats.sum, 2550)
        XCTAssertEqual(firstWeek.days, 2)
        XCTAssertEqual(firstWeek.stats.sum / Double(firstWeek.days), 1275)
        XCTAssertEqual(weeks["2024-03-11"]?.stats.sum, 300)
        XCTAssertEqual(weeks["2024-03-11"]?.days, 1)

        // March: 6 entries on 3 days, 2850 in total, 950 per day with entries.
        let months = try domainRows(
            reader, user: "ana", .nutrition, code: "energy", .month, from: march.from, to: march.to)
        XCTAssertEqual(months["2024-03"]?.stats.count, 6)
        XCTAssertEqual(months["2024-03"]?.stats.sum, 2850)
        XCTAssertEqual(months["2024-03"]?.days, 3)

        // Protein: 20 + 30 + 25.5 + 10 (10000 mg) = 85.5 g in the first week, on 2 days.
        let protein = try domainRows(
            reader, user: "ana", .nutrition, code: "Protein", .week, from: march.from, to: march.to)
        XCTAssertEqual(protein["2024-03-04"]?.stats.sum, 85.5)
        XCTAssertEqual(protein["2024-03-04"]?.stats.count, 4)
        XCTAssertEqual(protein["2024-03-04"]?.days, 2)

        let series = try reader.query(
            user: "ana", domain: .nutrition, codes: ["Calories"], granularity: .day, from: march.from, to: march.to)
        XCTAssertEqual(series.first?.code, "energy")
        XCTAssertEqual(series.first?.unit, "kcal")
        try assertVerifies(reader)
    }

    func testPerMealDayTotals() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        var records = weekOfMeals()
        records.append(
            entry(utcMs(2024, 3, 4, 7, 0, offset: 60), offset: 60, meal: " Breakfast ", [("energy", 100, "kcal")]))
        records.append(
            entry(utcMs(2024, 3, 4, 17, 0, offset: 60), offset: 60, meal: "Pre-workout", [("energy", 150, "kcal")]))
        _ = try submit(writer, [.nutrition(NutritionBatch(user: "ana", records: records))])
        let reader = try openReader()

        let series = try reader.query(
            user: "ana", domain: .nutrition, codes: ["energy"], granularity: .day, from: march.from, to: march.to,
            byMeal: true)
        // Standard meals come first in the order of a day, other names after them.
        XCTAssertEqual(series.map(\.group), ["breakfast", "lunch", "dinner", "snack", "Pre-workout"])
        var totals: [String: Double] = [:]
        var counts: [String: Int64] = [:]
        for meal in series {
            for row in meal.rows {
                let label = meal.group + " " + BucketKey.label(.day, key: row.key)
                totals[label] = row.stats.sum
                counts[label] = row.stats.count
            }
        }
        // " Breakfast " at 07:00 joins the 08:00 breakfast of 03-04: 100 + 400 in two entries.
        XCTAssertEqual(totals["breakfast 2024-03-04"], 500)
        XCTAssertEqual(counts["breakfast 2024-03-04"], 2)
        XCTAssertEqual(totals["lunch 2024-03-04"], 600)
        XCTAssertEqual(totals["dinner 2024-03-04"], 800)
        XCTAssertEqual(totals["Pre-workout 2024-03-04"], 150)
        XCTAssertEqual(totals["breakfast 2024-03-06"], 500)
        XCTAssertEqual(totals["snack 2024-03-06"], 250)
        XCTAssertEqual(totals["breakfast 2024-03-11"], 300)
        XCTAssertEqual(totals.count, 7)

        XCTAssertThrowsError(
            try reader.query(
                user: "ana", domain: .nutrition, codes: ["energy"], granularity: .week, from: march.from,
                to: march.to, byMeal: true)
        ) { error in
            XCTAssertEqual((error as? StoreError)?.code, .invalidArgument)
        }
        try assertVerifies(reader)
    }

    func testEntryWithoutOffsetUsesUserTimeZone() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        try writer.setTimeZone(user: "ken", identifier: "Asia/Tokyo")
        // 2024-03-06T20:00Z is 05:00 on 03-07 in Tokyo (+09:00).
        let record = entry(
            utcMs(2024, 3, 6, 20, 0, offset: 0), offset: nil, meal: "breakfast", [("energy", 350, "kcal")])
        _ = try submit(writer, [.nutrition(NutritionBatch(user: "ken", records: [record]))])

        let reader = try openReader()
        let days = try domainRows(reader, user: "ken", .nutrition, code: "energy", .day, from: march.from, to: march.to)
        XCTAssertEqual(days.keys.sorted(), ["2024-03-07"])
        let raw = try RawDatabase(path: databasePath)
        XCTAssertEqual(try raw.rows("SELECT utc_offset_min FROM nutrition_raw"), [[.null]])
        XCTAssertEqual(try raw.integer("SELECT utc_offset_min FROM nutrition_entries"), 540)
    }

    func testReplacementAndIdempotency() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        let monday = utcMs(2024, 3, 4, 8, 0, offset: 60)
        let wednesday = utcMs(2024, 3, 6, 8, 0, offset: 60)
        let first = entry(monday, offset: 60, meal: "breakfast", [("energy", 400, "kcal")], id: "e1")
        let other = entry(wednesday, offset: 60, meal: "lunch", [("energy", 600, "kcal")], id: "e2")
        var outcome = try submit(writer, [.nutrition(NutritionBatch(user: "ana", records: [first, other]))])[0]
        XCTAssertEqual(outcome.accepted, 2)

        // The same export again changes nothing.
        outcome = try submit(writer, [.nutrition(NutritionBatch(user: "ana", records: [first, other]))])[0]
        XCTAssertEqual(outcome.unchanged, 2)
        XCTAssertEqual(outcome.accepted, 0)

        // Version 1 of e1 moves to Wednesday with 500 kcal: Monday empties and the week keeps one day.
        let moved = entry(wednesday, offset: 60, meal: "breakfast", [("energy", 500, "kcal")], id: "e1", version: 1)
        outcome = try submit(writer, [.nutrition(NutritionBatch(user: "ana", records: [moved]))])[0]
        XCTAssertEqual(outcome.updated, 1)

        // A lower version is ignored.
        let stale = entry(monday, offset: 60, meal: "breakfast", [("energy", 999, "kcal")], id: "e1", version: 0)
        outcome = try submit(writer, [.nutrition(NutritionBatch(user: "ana", records: [stale]))])[0]
        XCTAssertEqual(outcome.unchanged, 1)

        let reader = try openReader()
        let days = try domainRows(reader, user: "ana", .nutrition, code: "energy", .day, from: march.from, to: march.to)
        XCTAssertEqual(days.keys.sorted(), ["2024-03-06"])
        XCTAssertEqual(days["2024-03-06"]?.stats.sum, 1100)
        XCTAssertEqual(days["2024-03-06"]?.stats.count, 2)
        let weeks = try domainRows(
            reader, user: "ana", .nutrition, code: "energy", .week, from: march.from, to: march.to)
        XCTAssertEqual(weeks["2024-03-04"]?.stats.sum, 1100)
        XCTAssertEqual(weeks["2024-03-04"]?.days, 1)
        XCTAssertEqual(try RawDatabase(path: databasePath).integer("SELECT count(*) FROM nutrition_raw"), 2)

        let latest = try reader.latest(user: "ana", domain: .nutrition, codes: ["energy"])
        XCTAssertEqual(latest.first?.value, 600)
        try assertVerifies(reader)
    }

    func testUnusableAmountsAreSkippedOrFailTheEntry() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        let time = utcMs(2024, 3, 4, 8, 0, offset: 0)
        let partial = entry(
            time, offset: 0, meal: "lunch",
            [("protein", 10, "g"), ("unobtanium", 5, "g"), ("sodium", 3, "furlongs"), ("Protein (g)", 7, "")])
        let allBad = entry(time, offset: 0, meal: "lunch", [("unobtanium", 5, "g"), ("fat", -1, "g")])
        let empty = entry(time, offset: 0, meal: "lunch", [])
        let outcome = try submit(writer, [.nutrition(NutritionBatch(user: "ana", records: [partial, allBad, empty]))])[
            0]

        XCTAssertEqual(outcome.accepted, 1)
        XCTAssertEqual(outcome.failures.map(\.index), [1, 2])
        XCTAssertTrue(outcome.failures[0].reason.contains("unobtanium"), outcome.failures[0].reason)
        XCTAssertTrue(outcome.failures[0].reason.contains("fat"), outcome.failures[0].reason)
        XCTAssertEqual(outcome.failures[1].reason, "the entry lists no nutrient amounts")

        let raw = try RawDatabase(path: databasePath)
        let rows = try raw.rows("SELECT status, error, nutrients FROM nutrition_raw ORDER BY id")
        XCTAssertEqual(rows[0][0], .integer(1))
        let skipped = rows[0][1].text ?? ""
        XCTAssertTrue(skipped.hasPrefix("skipped 3 of 4 nutrient amounts"), skipped)
        XCTAssertTrue(skipped.contains("furlongs"), skipped)
        XCTAssertTrue(skipped.contains("protein is listed more than once"), skipped)
        // Raw keeps every amount as sent.
        XCTAssertTrue((rows[0][2].text ?? "").contains("unobtanium"))
        XCTAssertEqual(rows[1][0], .integer(2))
        XCTAssertEqual(try raw.rows("SELECT nutrient_id, value FROM nutrition_amounts"), [[.integer(2), .real(10)]])

        let status = Dictionary(uniqueKeysWithValues: try openReader().status().map { ($0.name, $0.value) })
        XCTAssertEqual(status["nutrition.raw.total"], 3)
        XCTAssertEqual(status["nutrition.raw.aggregated"], 1)
        XCTAssertEqual(status["nutrition.raw.failed"], 2)
        XCTAssertEqual(status["nutrition.raw.partial"], 1)
        XCTAssertEqual(status["nutrition.categorized"], 1)
    }

    func testUnknownNutrientAndGranularityAreRejected() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        _ = try submit(writer, [.nutrition(NutritionBatch(user: "ana", records: weekOfMeals()))])
        let reader = try openReader()
        XCTAssertThrowsError(
            try reader.query(
                user: "ana", domain: .nutrition, codes: ["unobtanium"], granularity: .day, from: march.from,
                to: march.to)
        ) { error in
            XCTAssertEqual((error as? StoreError)?.code, .unknownCode)
        }
        XCTAssertThrowsError(
            try reader.query(
                user: "ana", domain: .nutrition, codes: ["energy"], granularity: .hour, from: march.from, to: march.to)
        ) { error in
            XCTAssertEqual((error as? StoreError)?.code, .invalidArgument)
        }
        XCTAssertThrowsError(
            try reader.query(
                user: "nobody", domain: .nutrition, codes: ["energy"], granularity: .day, from: march.from,
                to: march.to)
        ) { error in
            XCTAssertEqual((error as? StoreError)?.code, .unknownUser)
        }
    }
}
