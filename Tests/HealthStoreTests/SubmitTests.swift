// Submit semantics: idempotent resubmits, replacements by version, failed records, queued batches, offsets
// from the user's time zone and the order of outcomes in a group commit.

import HealthDomain
import HealthStore
import XCTest

final class SubmitTests: StoreTestCase {
    private let day = CivilDate(year: 2024, month: 6, day: 10)

    private func at(_ hour: Int, _ minute: Int = 0) -> Int64 {
        utcMs(2024, 6, 10, hour, minute, offset: 120)
    }

    /// Reads every rollup row of every table, for comparing the whole rollup state.
    private func allRollupRows() throws -> [[RawDatabase.Value]] {
        let database = try RawDatabase(path: databasePath)
        var rows: [[RawDatabase.Value]] = []
        for table in ["vitals_hour", "vitals_day", "vitals_week", "vitals_month"] {
            rows += try database.rows("SELECT '\(table)', * FROM \(table) ORDER BY user_id, metric_id, bucket")
        }
        return rows
    }

    func testResubmittedBatchIsUnchanged() throws {
        let writer = try openWriter()
        defer { writer.close() }
        let batch = VitalBatch(
            user: "ana",
            records: [
                heartRate(64, at: at(8), offset: 120, id: "hr-1"),
                heartRate(71, at: at(9), offset: 120, id: "hr-2"),
                steps(900, from: at(10), to: at(11, 30), offset: 120, id: "steps-1"),
            ])

        let first = try writer.applyVitals([batch])
        XCTAssertEqual(first.first?.accepted, 3)
        let rollupsAfterFirst = try allRollupRows()

        let second = try writer.applyVitals([batch])
        XCTAssertEqual(second.first?.unchanged, 3)
        XCTAssertEqual(second.first?.accepted, 0)
        XCTAssertEqual(second.first?.updated, 0)
        XCTAssertEqual(try allRollupRows(), rollupsAfterFirst)

        let database = try RawDatabase(path: databasePath)
        XCTAssertEqual(try database.integer("SELECT count(*) FROM vitals_raw"), 3)
        XCTAssertEqual(try database.integer("SELECT count(*) FROM vitals"), 3)
    }

    func testRecordsWithoutSourceIdAlwaysAdd() throws {
        let writer = try openWriter()
        defer { writer.close() }
        let batch = VitalBatch(user: "ana", records: [heartRate(64, at: at(8), offset: 120)])
        _ = try writer.applyVitals([batch, batch])

        let reader = try openReader()
        let days = try rollups(reader, user: "ana", code: "heart_rate", .day, from: day, to: day)
        XCTAssertEqual(days["2024-06-10"]?.count, 2)
    }

    func testReplacementCorrectsRollupsIncludingExtremes() throws {
        let writer = try openWriter()
        defer { writer.close() }
        _ = try writer.applyVitals([
            VitalBatch(
                user: "ana",
                records: [
                    heartRate(60, at: at(8), offset: 120, id: "a"),
                    heartRate(80, at: at(9), offset: 120, id: "b"),
                    heartRate(100, at: at(10), offset: 120, id: "c"),
                ])
        ])

        // c was the maximum and the last sample: 60, 80, 70 leaves max 80 and last value 70.
        let replaceMaximum = try writer.applyVitals([
            VitalBatch(user: "ana", records: [heartRate(70, at: at(10), offset: 120, id: "c", version: 1)])
        ])
        XCTAssertEqual(replaceMaximum.first?.updated, 1)

        let reader = try openReader()
        var days = try rollups(reader, user: "ana", code: "heart_rate", .day, from: day, to: day)
        var stats = try XCTUnwrap(days["2024-06-10"])
        XCTAssertEqual(stats.count, 3)
        XCTAssertEqual(stats.sum, 210)
        XCTAssertEqual(stats.maximum, 80)
        XCTAssertEqual(stats.lastValue, 70)
        XCTAssertEqual(stats.sumOfSquares, 3600 + 6400 + 4900)

        // a was the minimum and the first sample; it moves to 11:00 with 90: 80, 70, 90.
        _ = try writer.applyVitals([
            VitalBatch(user: "ana", records: [heartRate(90, at: at(11), offset: 120, id: "a", version: 2)])
        ])
        days = try rollups(reader, user: "ana", code: "heart_rate", .day, from: day, to: day)
        stats = try XCTUnwrap(days["2024-06-10"])
        XCTAssertEqual(stats.count, 3)
        XCTAssertEqual(stats.sum, 240)
        XCTAssertEqual(stats.minimum, 70)
        XCTAssertEqual(stats.maximum, 90)
        XCTAssertEqual(stats.firstTime, at(9))
        XCTAssertEqual(stats.firstValue, 80)
        XCTAssertEqual(stats.lastTime, at(11))
        XCTAssertEqual(stats.lastValue, 90)

        // The 08:00 hour lost its only sample, so its row is gone.
        let hours = try rollups(reader, user: "ana", code: "heart_rate", .hour, from: day, to: day)
        XCTAssertEqual(
            hours.keys.sorted(), ["2024-06-10T09:00+02:00", "2024-06-10T10:00+02:00", "2024-06-10T11:00+02:00"])
        try assertVerifies(reader)
    }

    func testLowerVersionIsIgnored() throws {
        let writer = try openWriter()
        defer { writer.close() }
        _ = try writer.applyVitals([
            VitalBatch(user: "ana", records: [heartRate(60, at: at(8), offset: 120, id: "a", version: 5)])
        ])
        let outcome = try writer.applyVitals([
            VitalBatch(user: "ana", records: [heartRate(99, at: at(8), offset: 120, id: "a", version: 4)])
        ])
        XCTAssertEqual(outcome.first?.unchanged, 1)

        let database = try RawDatabase(path: databasePath)
        XCTAssertEqual(try database.rows("SELECT value, version FROM vitals_raw"), [[.real(60), .integer(5)]])
    }

    func testRepeatedIdWithinCallReplaces() throws {
        let writer = try openWriter()
        defer { writer.close() }
        let outcomes = try writer.applyVitals([
            VitalBatch(
                user: "ana",
                records: [
                    heartRate(100, at: at(8), offset: 120, id: "a"),
                    heartRate(50, at: at(8), offset: 120, id: "b"),
                    heartRate(70, at: at(9), offset: 120, id: "a", version: 1),
                ])
        ])
        XCTAssertEqual(outcomes.first?.accepted, 2)
        XCTAssertEqual(outcomes.first?.updated, 1)

        let reader = try openReader()
        let days = try rollups(reader, user: "ana", code: "heart_rate", .day, from: day, to: day)
        let stats = try XCTUnwrap(days["2024-06-10"])
        XCTAssertEqual(stats.count, 2)
        XCTAssertEqual(stats.maximum, 70)
        XCTAssertEqual(stats.sum, 120)
        try assertVerifies(reader)
    }

    func testFailedRecordsStayInRawOnly() throws {
        let writer = try openWriter()
        defer { writer.close() }
        let records = [
            heartRate(64, at: at(8), offset: 120),
            VitalRecord(metric: "no_such_metric", value: 1, unit: "count", startMs: at(8), offsetMinutes: 120),
            heartRate(1000, at: at(9), offset: 120),
            steps(10, from: at(10), to: at(9), offset: 120),
            heartRate(64, at: utcMs(1850, 1, 1, 0, 0, offset: 0), offset: 0),
            steps(10, from: at(0), to: at(0) + 8 * millisecondsPerDay, offset: 120),
            heartRate(.nan, at: at(11), offset: 120),
            heartRate(64, at: at(12), offset: 20 * 60),
        ]
        let outcome = try XCTUnwrap(try writer.applyVitals([VitalBatch(user: "ana", records: records)]).first)
        XCTAssertEqual(outcome.accepted, 1)
        XCTAssertEqual(outcome.failures.map(\.index), [1, 2, 3, 4, 5, 6, 7])
        for failure in outcome.failures {
            XCTAssertFalse(failure.reason.isEmpty, "record \(failure.index) has no reason")
        }

        let database = try RawDatabase(path: databasePath)
        XCTAssertEqual(try database.integer("SELECT count(*) FROM vitals_raw"), 8)
        XCTAssertEqual(try database.integer("SELECT count(*) FROM vitals_raw WHERE status = 2 AND error <> ''"), 7)
        XCTAssertEqual(try database.integer("SELECT count(*) FROM vitals"), 1)
        XCTAssertEqual(try database.integer("SELECT count(*) FROM vitals_raw WHERE value IS NULL"), 1)
        XCTAssertEqual(
            try database.rows("SELECT metric, unit FROM vitals_raw WHERE status = 2 ORDER BY id LIMIT 1"),
            [[.text("no_such_metric"), .text("count")]])

        let reader = try openReader()
        let days = try rollups(reader, user: "ana", code: "heart_rate", .day, from: day, to: day)
        XCTAssertEqual(days["2024-06-10"]?.count, 1)
        XCTAssertEqual(days["2024-06-10"]?.maximum, 64)
        let stepDays = try rollups(reader, user: "ana", code: "steps", .day, from: day, to: day)
        XCTAssertEqual(stepDays, [:])

        let counters = Dictionary(uniqueKeysWithValues: try reader.status().map { ($0.name, $0.value) })
        XCTAssertEqual(counters["vitals.raw.total"], 8)
        XCTAssertEqual(counters["vitals.raw.failed"], 7)
        XCTAssertEqual(counters["vitals.raw.aggregated"], 1)
        XCTAssertEqual(counters["vitals.categorized"], 1)
        try assertVerifies(reader)
    }

    func testReplacementThatFailsRemovesOldSample() throws {
        let writer = try openWriter()
        defer { writer.close() }
        _ = try writer.applyVitals([VitalBatch(user: "ana", records: [heartRate(60, at: at(8), offset: 120, id: "a")])])
        let outcome = try writer.applyVitals([
            VitalBatch(user: "ana", records: [heartRate(900, at: at(8), offset: 120, id: "a", version: 1)])
        ])
        XCTAssertEqual(outcome.first?.failures.map(\.index), [0])

        let reader = try openReader()
        let days = try rollups(reader, user: "ana", code: "heart_rate", .day, from: day, to: day)
        XCTAssertEqual(days, [:])
        let database = try RawDatabase(path: databasePath)
        XCTAssertEqual(try database.rows("SELECT value, status FROM vitals_raw"), [[.real(900), .integer(2)]])
        try assertVerifies(reader)
    }

    func testQueuedBatchIsStoredPendingWithJob() throws {
        let writer = try openWriter()
        defer { writer.close() }
        let records = [
            heartRate(64, at: at(8), offset: 120, id: "a"),
            heartRate(65, at: at(9), offset: 120, id: "b"),
            heartRate(66, at: at(10), offset: 120),
        ]
        let outcomes = try writer.applyVitals([
            VitalBatch(user: "ana", records: records, queued: true),
            VitalBatch(user: "ana", records: [records[0]], queued: true),
        ])
        XCTAssertEqual(outcomes[0].pending, 3)
        XCTAssertEqual(outcomes[0].accepted, 0)
        XCTAssertEqual(outcomes[1].unchanged, 1)

        let database = try RawDatabase(path: databasePath)
        XCTAssertEqual(try database.integer("SELECT count(*) FROM vitals_raw WHERE status = 0"), 3)
        XCTAssertEqual(try database.integer("SELECT count(*) FROM vitals"), 0)
        XCTAssertEqual(try database.integer("SELECT count(*) FROM vitals_day"), 0)
        XCTAssertEqual(
            try database.rows("SELECT u.name, j.domain, j.kind FROM jobs j JOIN users u ON u.id = j.user_id"),
            [[.text("ana"), .text("vitals"), .text("process")]])

        let counters = Dictionary(uniqueKeysWithValues: try openReader().status().map { ($0.name, $0.value) })
        XCTAssertEqual(counters["vitals.raw.pending"], 3)
        XCTAssertEqual(counters["jobs.queued"], 1)
        XCTAssertEqual(counters["users"], 1)
    }

    func testQueuedReplacementRetractsAggregatedSample() throws {
        let writer = try openWriter()
        defer { writer.close() }
        _ = try writer.applyVitals([VitalBatch(user: "ana", records: [heartRate(60, at: at(8), offset: 120, id: "a")])])
        let outcomes = try writer.applyVitals([
            VitalBatch(user: "ana", records: [heartRate(61, at: at(8), offset: 120, id: "a", version: 1)], queued: true)
        ])
        XCTAssertEqual(outcomes.first?.pending, 1)

        let database = try RawDatabase(path: databasePath)
        XCTAssertEqual(try database.integer("SELECT count(*) FROM vitals"), 0)
        XCTAssertEqual(try database.integer("SELECT count(*) FROM vitals_day"), 0)
        try assertVerifies(try openReader())
    }

    func testUserTimeZoneSuppliesMissingOffset() throws {
        let writer = try openWriter()
        defer { writer.close() }
        try writer.setTimeZone(user: "ana", identifier: "America/Los_Angeles")
        // 2024-01-16 07:00 UTC is 23:00 on Jan 15 in Los Angeles (PST, -08:00); 2024-07-16 06:00 UTC is
        // 23:00 on Jul 15 (PDT, -07:00).
        let winter = utcMs(2024, 1, 16, 7, 0, offset: 0)
        let summer = utcMs(2024, 7, 16, 6, 0, offset: 0)
        _ = try writer.applyVitals([
            VitalBatch(
                user: "ana",
                records: [heartRate(60, at: winter, offset: nil), heartRate(70, at: summer, offset: nil)])
        ])

        let database = try RawDatabase(path: databasePath)
        XCTAssertEqual(
            try database.rows("SELECT utc_offset_min FROM vitals ORDER BY start_ms"),
            [[.integer(-480)], [.integer(-420)]])
        XCTAssertEqual(try database.integer("SELECT count(*) FROM vitals_raw WHERE utc_offset_min IS NULL"), 2)

        let reader = try openReader()
        let winterDays = try rollups(
            reader, user: "ana", code: "heart_rate", .day, from: CivilDate(year: 2024, month: 1, day: 15),
            to: CivilDate(year: 2024, month: 1, day: 16))
        XCTAssertEqual(winterDays.keys.sorted(), ["2024-01-15"])
        let summerDays = try rollups(
            reader, user: "ana", code: "heart_rate", .day, from: CivilDate(year: 2024, month: 7, day: 15),
            to: CivilDate(year: 2024, month: 7, day: 16))
        XCTAssertEqual(summerDays.keys.sorted(), ["2024-07-15"])

        XCTAssertThrowsError(try writer.setTimeZone(user: "ana", identifier: "Mars/Olympus_Mons")) { error in
            XCTAssertEqual((error as? StoreError)?.code, .invalidArgument)
        }
    }

    func testGroupCommitKeepsOutcomesInInputOrder() throws {
        let writer = try openWriter()
        defer { writer.close() }
        let zedFirst = VitalBatch(
            user: "zed",
            records: [heartRate(60, at: at(8), offset: 120, id: "z1"), heartRate(61, at: at(9), offset: 120, id: "z2")])
        let amy = VitalBatch(
            user: "amy", records: [heartRate(62, at: at(8), offset: 120), heartRate(5000, at: at(9), offset: 120)])
        let zedAgain = VitalBatch(
            user: "zed",
            records: [
                heartRate(60, at: at(8), offset: 120, id: "z1"),
                heartRate(66, at: at(9), offset: 120, id: "z2", version: 1),
            ])
        let bob = VitalBatch(
            user: "bob", records: [heartRate(63, at: at(8), offset: 120), heartRate(64, at: at(9), offset: 120)],
            queued: true)

        let outcomes = try writer.applyVitals([zedFirst, amy, zedAgain, bob])
        XCTAssertEqual(outcomes.count, 4)
        XCTAssertEqual(outcomes[0].accepted, 2)
        XCTAssertEqual(outcomes[1].accepted, 1)
        XCTAssertEqual(outcomes[1].failures.map(\.index), [1])
        XCTAssertEqual(outcomes[2].unchanged, 1)
        XCTAssertEqual(outcomes[2].updated, 1)
        XCTAssertEqual(outcomes[3].pending, 2)

        // Work ran sorted by user, so the users were created in name order.
        let database = try RawDatabase(path: databasePath)
        XCTAssertEqual(
            try database.rows("SELECT name FROM users ORDER BY id"), [[.text("amy")], [.text("bob")], [.text("zed")]])

        let reader = try openReader()
        let zedDays = try rollups(reader, user: "zed", code: "heart_rate", .day, from: day, to: day)
        XCTAssertEqual(zedDays["2024-06-10"]?.sum, 126)
        try assertVerifies(reader)
    }
}
