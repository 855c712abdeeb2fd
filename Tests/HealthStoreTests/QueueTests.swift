// The job queue: queued submits processed later give the inline rollups, priorities and FIFO order, triggers
// that merge into a queued job, rebuild after a corrupted rollup, and a job interrupted by a restart.

import HealthDomain
import HealthStore
import XCTest

final class QueueTests: StoreTestCase {
    /// Records for two users in all three domains. Every value is a multiple of 1/4, so sums are exact in any
    /// order of addition and two databases can be compared row for row.
    private func mixedBatches(queued: Bool) -> [SubmissionBatch] {
        var batches: [SubmissionBatch] = []
        for (userIndex, user) in ["ana", "ben"].enumerated() {
            for day in 0..<6 {
                let base = utcMs(2024, 3, 28 + day, 7, 0, offset: 60)
                var vitals: [VitalRecord] = []
                var entries: [NutritionRecord] = []
                var results: [LabRecord] = []
                for slot in 0..<5 {
                    let time = base + Int64(slot) * 3 * millisecondsPerHour
                    let value = Double(60 + 7 * slot + day + userIndex) + 0.25
                    vitals.append(heartRate(value, at: time, offset: 60))
                    vitals.append(
                        steps(Double(250 * slot) + 0.5, from: time, to: time + 40 * millisecondsPerMinute, offset: 60))
                    entries.append(
                        entry(
                            time, offset: 60, meal: NutritionStoreMeals.all[slot % 4],
                            [("energy", Double(100 * slot + 50) + 0.75, "kcal"), ("protein", Double(slot) + 0.5, "g")]))
                }
                // Equal times make the tie rules of first and last matter.
                entries.append(entry(base, offset: 60, meal: "snack", [("energy", 12.5, "kcal")]))
                results.append(labResult("HbA1c", "\(6.25 + 0.25 * Double(day))", "%", at: base, offset: 60))
                results.append(labResult("CRP", day % 2 == 0 ? "<0.5" : "2.25", "mg/L", at: base, offset: 60))
                results.append(labResult("Glucose", "\(88 + day * 4)", "mg/dL", at: base + 60_000, offset: 60))
                batches.append(.vitals(VitalBatch(user: user, records: vitals, queued: queued)))
                batches.append(.nutrition(NutritionBatch(user: user, records: entries, queued: queued)))
                batches.append(.labs(LabBatch(user: user, records: results, queued: queued)))
            }
        }
        return batches
    }

    private let categorizedTables = ["vitals", "nutrition_entries", "nutrition_amounts", "labs"]

    func testQueuedSubmitsMatchInlineRollups() throws {
        let inlinePath = directory.appendingPathComponent("inline.db").path
        let inlineWriter = try openWriter(catalogs: allCatalogs(), path: inlinePath)
        for batch in mixedBatches(queued: false) {
            _ = try submit(inlineWriter, [batch])
        }

        let queuedWriter = try openWriter(catalogs: allCatalogs())
        // Several batches per transaction, as group commit sends them.
        let queued = mixedBatches(queued: true)
        for start in stride(from: 0, to: queued.count, by: 4) {
            let outcomes = try submit(queuedWriter, Array(queued[start..<min(start + 4, queued.count)]))
            XCTAssertTrue(outcomes.allSatisfy { $0.pending > 0 })
            XCTAssertTrue(outcomes.allSatisfy { $0.accepted == 0 })
        }
        XCTAssertEqual(try queuedWriter.queuedJobCount(), 6)
        XCTAssertEqual(try queuedWriter.queuedJobCount(domain: .labs), 2)
        let queuedDatabase = try RawDatabase(path: databasePath)
        XCTAssertEqual(try queuedDatabase.integer("SELECT count(*) FROM nutrition_day"), 0)

        let states = try drainQueue(queuedWriter, maxRows: 7)
        XCTAssertEqual(states.filter(\.finished).count, 6)
        XCTAssertEqual(try queuedWriter.queuedJobCount(), 0)

        let inlineDatabase = try RawDatabase(path: inlinePath)
        let tables = rollupTables + categorizedTables
        let expected = try snapshot(inlineDatabase, tables: tables)
        let actual = try snapshot(queuedDatabase, tables: tables)
        for table in tables {
            XCTAssertFalse(expected[table]!.isEmpty, table)
            XCTAssertEqual(actual[table], expected[table], table)
        }
        try assertVerifies(try openReader())
    }

    func testHigherPriorityFirstAndFifoWithin() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        let time = utcMs(2024, 3, 5, 9, 0, offset: 0)
        // Jobs are created in this order: ana nutrition, ben labs, cai vitals, dan nutrition.
        _ = try submit(
            writer,
            [
                .nutrition(
                    NutritionBatch(
                        user: "ana", records: [entry(time, offset: 0, meal: "lunch", [("energy", 1, "kcal")])],
                        queued: true))
            ])
        _ = try submit(
            writer, [.labs(LabBatch(user: "ben", records: [labResult("HbA1c", "6.5", "%", at: time)], queued: true))])
        _ = try submit(
            writer, [.vitals(VitalBatch(user: "cai", records: [heartRate(70, at: time, offset: 0)], queued: true))])
        _ = try submit(
            writer,
            [
                .nutrition(
                    NutritionBatch(
                        user: "dan", records: [entry(time, offset: 0, meal: "lunch", [("energy", 2, "kcal")])],
                        queued: true))
            ])

        XCTAssertEqual(try writer.trigger(user: "ben", domain: .labs, priority: 5, work: .pending).priority, 5)
        XCTAssertEqual(try writer.trigger(user: "cai", domain: .vitals, priority: 5, work: .pending).priority, 5)
        XCTAssertEqual(try writer.trigger(user: "dan", domain: .nutrition, priority: 1, work: .pending).priority, 1)

        // Priority 5 (ben before cai, by creation), then 1 (dan), then 0 (ana).
        let order = try drainQueue(writer, maxRows: 100).map { "\($0.user) \($0.domain)" }
        XCTAssertEqual(order, ["ben labs", "cai vitals", "dan nutrition", "ana nutrition"])
        XCTAssertNil(try writer.processNextJob(maxRows: 100))
    }

    func testTriggerRaisesPriorityAndMergesWork() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        let time = utcMs(2024, 3, 5, 9, 0, offset: 0)
        _ = try submit(
            writer, [.labs(LabBatch(user: "ana", records: [labResult("HbA1c", "6.5", "%", at: time)], queued: true))])

        let raised = try writer.trigger(user: "ana", domain: .labs, priority: 3, work: .retryFailed)
        XCTAssertEqual(raised.priority, 3)
        XCTAssertEqual(raised.work, [.pending, .retryFailed])
        XCTAssertFalse(raised.finished)
        // A lower priority never lowers the job's; the work still grows.
        let merged = try writer.trigger(user: "ana", domain: .labs, priority: 1, work: .rebuild)
        XCTAssertEqual(merged.jobId, raised.jobId)
        XCTAssertEqual(merged.priority, 3)
        XCTAssertEqual(merged.work, [.pending, .retryFailed, .rebuild])
        XCTAssertEqual(try writer.queuedJobCount(), 1)

        let status = Dictionary(uniqueKeysWithValues: try openReader().status().map { ($0.name, $0.value) })
        XCTAssertEqual(status["jobs.queued.labs"], 1)
        XCTAssertEqual(status["jobs.queued.nutrition"], 0)
        XCTAssertEqual(status["labs.raw.pending"], 1)
        XCTAssertGreaterThanOrEqual(status["jobs.oldest_age_ms"] ?? -1, 0)

        let step = try XCTUnwrap(try writer.processNextJob(maxRows: 10))
        XCTAssertEqual(step.rowsProcessed, 1)
        XCTAssertTrue(step.finished)
        let after = Dictionary(uniqueKeysWithValues: try openReader().status().map { ($0.name, $0.value) })
        XCTAssertEqual(after["jobs.oldest_age_ms"], 0)
        XCTAssertEqual(after["labs.raw.aggregated"], 1)

        XCTAssertThrowsError(try writer.trigger(user: "nobody", domain: .labs, priority: 0, work: .pending)) { error in
            XCTAssertEqual((error as? StoreError)?.code, .unknownUser)
        }
        XCTAssertThrowsError(try writer.trigger(user: "ana", domain: .labs, priority: 0, work: [])) { error in
            XCTAssertEqual((error as? StoreError)?.code, .invalidArgument)
        }
        XCTAssertThrowsError(try writer.processNextJob(maxRows: 0)) { error in
            XCTAssertEqual((error as? StoreError)?.code, .invalidArgument)
        }
    }

    func testRebuildRestoresCorruptedRollups() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        for batch in mixedBatches(queued: false) {
            _ = try submit(writer, [batch])
        }
        let expected = try snapshot(try RawDatabase(path: databasePath), tables: rollupTables)

        let editable = try RawDatabase(path: databasePath, writable: true)
        try editable.execute(
            "UPDATE nutrition_day SET sum = sum + 100, days = 7 WHERE bucket = (SELECT min(bucket) FROM nutrition_day)")
        try editable.execute(
            """
            DELETE FROM labs_month
            WHERE (user_id, test_id, bucket) = (SELECT user_id, test_id, bucket FROM labs_month LIMIT 1)
            """)
        try editable.execute("UPDATE vitals_day SET max = 1000")
        try editable.execute("UPDATE nutrition_meal_day SET total = 0")
        XCTAssertFalse(try openReader().verify(user: nil).isEmpty)

        for user in ["ana", "ben"] {
            for domain in HealthDataDomain.allCases {
                _ = try writer.trigger(user: user, domain: domain, priority: 2, work: .rebuild)
            }
        }
        let states = try drainQueue(writer, maxRows: 9)
        XCTAssertEqual(states.filter(\.finished).count, 6)

        let rebuilt = try snapshot(try RawDatabase(path: databasePath), tables: rollupTables)
        for table in rollupTables {
            XCTAssertEqual(rebuilt[table], expected[table], table)
        }
        try assertVerifies(try openReader())
    }

    func testInterruptedJobCountsNoRowTwice() throws {
        var writer: StoreWriter? = try openWriter(catalogs: allCatalogs())
        let start = utcMs(2024, 3, 1, 8, 0, offset: 0)
        let records = (0..<50).map { index in
            entry(start + Int64(index) * 5 * millisecondsPerHour, offset: 0, meal: "lunch", [("energy", 10, "kcal")])
        }
        _ = try submit(writer!, [.nutrition(NutritionBatch(user: "ana", records: records, queued: true))])
        XCTAssertEqual(try writer!.processNextJob(maxRows: 7)?.rowsProcessed, 7)
        XCTAssertEqual(try writer!.processNextJob(maxRows: 7)?.finished, false)
        // The process stops here; a new writer finds the job in the table and continues.
        writer?.close()
        writer = nil

        let reopened = try openWriter(catalogs: allCatalogs())
        let states = try drainQueue(reopened, maxRows: 7)
        XCTAssertEqual(states.map(\.rowsProcessed).reduce(0, +), 36)
        XCTAssertEqual(states.last?.finished, true)

        // 50 entries of 10 kcal: 500 in total over March 2024.
        let reader = try openReader()
        let months = try domainRows(
            reader, user: "ana", .nutrition, code: "energy", .month, from: CivilDate(year: 2024, month: 3, day: 1),
            to: CivilDate(year: 2024, month: 3, day: 31))
        XCTAssertEqual(months["2024-03"]?.stats.count, 50)
        XCTAssertEqual(months["2024-03"]?.stats.sum, 500)
        let status = Dictionary(uniqueKeysWithValues: try reader.status().map { ($0.name, $0.value) })
        XCTAssertEqual(status["nutrition.raw.pending"], 0)
        XCTAssertEqual(status["nutrition.raw.aggregated"], 50)
        try assertVerifies(reader)
    }

    func testLateQueuedRowKeepsTieRules() throws {
        let writer = try openWriter(catalogs: allCatalogs())
        let time = utcMs(2024, 3, 5, 9, 0, offset: 0)
        // The queued entry has the lowest raw id but is categorized last; at equal times it must stay first.
        _ = try submit(
            writer,
            [
                .nutrition(
                    NutritionBatch(
                        user: "ana", records: [entry(time, offset: 0, meal: "lunch", [("energy", 1, "kcal")])],
                        queued: true))
            ])
        _ = try submit(
            writer,
            [
                .nutrition(
                    NutritionBatch(
                        user: "ana", records: [entry(time, offset: 0, meal: "lunch", [("energy", 2, "kcal")])]))
            ])
        _ = try submit(
            writer, [.labs(LabBatch(user: "ana", records: [labResult("HbA1c", "6.5", "%", at: time)], queued: true))])
        _ = try submit(writer, [.labs(LabBatch(user: "ana", records: [labResult("HbA1c", "7.5", "%", at: time)]))])
        _ = try submit(
            writer, [.vitals(VitalBatch(user: "ana", records: [heartRate(61, at: time, offset: 0)], queued: true))])
        _ = try submit(writer, [.vitals(VitalBatch(user: "ana", records: [heartRate(62, at: time, offset: 0)]))])
        try drainQueue(writer, maxRows: 10)

        let reader = try openReader()
        let march = (CivilDate(year: 2024, month: 3, day: 1), CivilDate(year: 2024, month: 3, day: 31))
        let energy = try domainRows(reader, user: "ana", .nutrition, code: "energy", .day, from: march.0, to: march.1)
        XCTAssertEqual(energy["2024-03-05"]?.stats.firstValue, 1)
        XCTAssertEqual(energy["2024-03-05"]?.stats.lastValue, 2)
        let hba1c = try domainRows(reader, user: "ana", .labs, code: "4548-4", .day, from: march.0, to: march.1)
        XCTAssertEqual(hba1c["2024-03-05"]?.stats.firstValue, 6.5)
        XCTAssertEqual(hba1c["2024-03-05"]?.stats.lastValue, 7.5)
        let heart = try rollups(reader, user: "ana", code: "heart_rate", .day, from: march.0, to: march.1)
        XCTAssertEqual(heart["2024-03-05"]?.firstValue, 61)
        XCTAssertEqual(heart["2024-03-05"]?.lastValue, 62)
        try assertVerifies(reader)
    }
}

enum NutritionStoreMeals {
    static let all = ["breakfast", "lunch", "dinner", "snack"]
}
