// Random nutrition submits (inline and queued, with resubmits, newer and older versions and unusable amounts)
// against an independent model of the raw rows and a from-scratch recompute of every rollup row.

import Foundation
import HealthDomain
import HealthStore
import XCTest

final class NutritionRandomizedTests: StoreTestCase {
    private static let users = ["ana", "ben"]
    private static let offsets = [0, 60, -300, 330, 540, 840, -600]
    /// Instants near a week end, a month end and a year end.
    private static let anchors: [Int64] = [
        utcMs(2024, 3, 3, 23, 0, offset: 0), utcMs(2024, 3, 31, 22, 0, offset: 0),
        utcMs(2024, 12, 31, 23, 30, offset: 0),
    ]
    /// (name, canonical unit, nutrient id); the last name is not in the catalog.
    private static let nutrients: [(String, String, Int?)] = [
        ("energy", "kcal", 1), ("protein", "g", 2), ("fat", "g", 4), ("sodium", "mg", 7), ("unobtanium", "g", nil),
    ]

    func testRandomBatchesMatchReference() throws {
        for seed: UInt64 in [11, 12, 13] {
            try runScenario(seed: seed)
            try tearDownWithError()
            try setUpWithError()
        }
    }

    private func runScenario(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let writer = try openWriter(catalogs: allCatalogs())
        defer { writer.close() }
        var model = ReferenceRawModel<NutritionRecord>()
        var history: [NutritionRecord] = []

        for call in 0..<30 {
            var batches: [SubmissionBatch] = []
            var expected: [(accepted: UInt64, updated: UInt64, unchanged: UInt64, pending: UInt64, failed: [UInt32])] =
                []
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let user = Self.users.randomElement(using: &generator)!
                let queued = Int.random(in: 0..<100, using: &generator) < 20
                var records: [NutritionRecord] = []
                var prediction:
                    (accepted: UInt64, updated: UInt64, unchanged: UInt64, pending: UInt64, failed: [UInt32]) =
                        (0, 0, 0, 0, [])
                for index in 0..<Int.random(in: 1...12, using: &generator) {
                    let record: NutritionRecord
                    if !history.isEmpty && Int.random(in: 0..<100, using: &generator) < 15 {
                        record = history.randomElement(using: &generator)!
                    } else {
                        record = makeRecord(using: &generator)
                        history.append(record)
                    }
                    records.append(record)
                    let change = model.submit(
                        record, user: user, sourceRecordId: record.sourceRecordId, version: \.version,
                        sameContent: { $0 == $1 || Self.sameContent($0, $1) })
                    switch (change, queued, Self.usableAmounts(record).isEmpty) {
                    case (.unchanged, _, _): prediction.unchanged += 1
                    case (_, true, _): prediction.pending += 1
                    case (_, false, true): prediction.failed.append(UInt32(index))
                    case (.inserted, false, false): prediction.accepted += 1
                    case (.replaced, false, false): prediction.updated += 1
                    }
                }
                batches.append(.nutrition(NutritionBatch(user: user, records: records, queued: queued)))
                expected.append(prediction)
            }

            let outcomes = try writer.apply(batches)
            for (index, (outcome, prediction)) in zip(outcomes, expected).enumerated() {
                let context = "seed \(seed) call \(call) batch \(index)"
                XCTAssertEqual(outcome.accepted, prediction.accepted, context)
                XCTAssertEqual(outcome.updated, prediction.updated, context)
                XCTAssertEqual(outcome.unchanged, prediction.unchanged, context)
                XCTAssertEqual(outcome.pending, prediction.pending, context)
                XCTAssertEqual(outcome.failures.map(\.index), prediction.failed, context)
            }
            if Int.random(in: 0..<100, using: &generator) < 30 {
                _ = try writer.processNextJob(maxRows: Int.random(in: 1...15, using: &generator))
            }
        }
        try drainQueue(writer, maxRows: 6)

        let database = try RawDatabase(path: databasePath)
        XCTAssertEqual(
            try database.integer("SELECT count(*) FROM nutrition_raw"), Int64(model.rows.count), "seed \(seed)")
        try checkRollups(database, model: model, seed: seed)
        XCTAssertEqual(try openReader().verify(user: nil), [], "seed \(seed)")
    }

    // MARK: - Generating

    private func makeRecord(using generator: inout SplitMix64) -> NutritionRecord {
        let quarterHours = Int64(Int.random(in: -60...60, using: &generator))
        let eatenMs = Self.anchors.randomElement(using: &generator)! + quarterHours * 15 * millisecondsPerMinute
        var amounts: [NutrientAmount] = []
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            let nutrient = Self.nutrients.randomElement(using: &generator)!
            // Quarters keep sums exact in any order.
            let value = Double(Int.random(in: 0...2000, using: &generator)) / 4
            amounts.append(NutrientAmount(nutrient: nutrient.0, value: value, unit: nutrient.1))
        }
        let sourceRecordId =
            Int.random(in: 0..<100, using: &generator) < 70 ? "n-\(Int.random(in: 0..<30, using: &generator))" : nil
        return NutritionRecord(
            eatenMs: eatenMs, offsetMinutes: Self.offsets.randomElement(using: &generator)!,
            meal: NutritionStoreMeals.all.randomElement(using: &generator)!, food: "food", nutrients: amounts,
            source: "random-log", sourceRecordId: sourceRecordId,
            version: Int64(Int.random(in: 0...2, using: &generator)))
    }

    private static func sameContent(_ left: NutritionRecord, _ right: NutritionRecord) -> Bool {
        left.eatenMs == right.eatenMs && left.offsetMinutes == right.offsetMinutes && left.meal == right.meal
            && left.food == right.food && left.amount == right.amount && left.nutrients == right.nutrients
    }

    /// Returns the usable amounts by the rule the store states: known nutrients, the first amount of each.
    private static func usableAmounts(_ record: NutritionRecord) -> [(id: Int, value: Double)] {
        var seen = Set<Int>()
        var usable: [(id: Int, value: Double)] = []
        for amount in record.nutrients {
            guard let id = nutrients.first(where: { $0.0 == amount.nutrient })?.2, seen.insert(id).inserted else {
                continue
            }
            usable.append((id, amount.value))
        }
        return usable
    }

    // MARK: - Checking

    private func checkRollups(_ database: RawDatabase, model: ReferenceRawModel<NutritionRecord>, seed: UInt64) throws {
        var userIds: [String: Int64] = [:]
        for row in try database.rows("SELECT name, id FROM users") {
            userIds[row[0].text!] = row[1].int64!
        }

        let granularities: [Granularity] = [.day, .week, .month]
        var buckets = [[String: ReferenceBucket]](repeating: [:], count: granularities.count)
        var meals: [String: (total: Double, count: Int64)] = [:]
        for row in model.rows {
            let record = row.record
            let localMs = record.eatenMs + Int64(record.offsetMinutes!) * millisecondsPerMinute
            let day = ReferenceBuckets.key(.day, localMs: localMs)
            for amount in Self.usableAmounts(record) {
                let prefix = "\(userIds[row.user]!)|\(amount.id)|"
                for (table, granularity) in granularities.enumerated() {
                    let key = prefix + "\(ReferenceBuckets.key(granularity, localMs: localMs))"
                    buckets[table][key, default: ReferenceBucket()].values.append(
                        (record.eatenMs, row.id, amount.value))
                    buckets[table][key]!.count += 1
                    buckets[table][key]!.days.insert(day)
                }
                let mealKey = prefix + "\(day)|\(record.meal)"
                let sums = meals[mealKey] ?? (0, 0)
                meals[mealKey] = (sums.total + amount.value, sums.count + 1)
            }
        }

        for (table, granularity) in granularities.enumerated() {
            let rows = try database.rows(
                """
                SELECT user_id, nutrient_id, bucket, count, sum, min, max, sum_sq, first_ts, first_value, last_ts,
                    last_value, days
                FROM nutrition_\(granularity)
                """)
            XCTAssertEqual(rows.count, buckets[table].count, "seed \(seed) \(granularity) row count")
            for row in rows {
                let key = "\(row[0].int64!)|\(row[1].int64!)|\(row[2].int64!)"
                let context = "seed \(seed) \(granularity) \(key)"
                guard let bucket = buckets[table][key] else {
                    XCTFail("extra row " + context)
                    continue
                }
                bucket.check(row, countColumn: 3, context: context)
                XCTAssertEqual(row[12].int64, Int64(bucket.days.count), "days " + context)
            }
        }

        let mealRows = try database.rows("SELECT user_id, nutrient_id, day, meal, total, count FROM nutrition_meal_day")
        XCTAssertEqual(mealRows.count, meals.count, "seed \(seed) meal rows")
        for row in mealRows {
            let key = "\(row[0].int64!)|\(row[1].int64!)|\(row[2].int64!)|\(row[3].text!)"
            XCTAssertEqual(row[4].double, meals[key]?.total, "seed \(seed) meal \(key)")
            XCTAssertEqual(row[5].int64, meals[key]?.count, "seed \(seed) meal \(key)")
        }
    }
}
