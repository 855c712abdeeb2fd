// The reader's queries: argument errors, latest values, date ranges, snapshots and verify catching damage.

import HealthDomain
import HealthStore
import XCTest

final class ReaderTests: StoreTestCase {
    private let day = CivilDate(year: 2024, month: 6, day: 10)

    private func seed(_ writer: StoreWriter) throws {
        _ = try writer.applyVitals([
            VitalBatch(
                user: "ana",
                records: [
                    heartRate(64, at: utcMs(2024, 6, 10, 8, 0, offset: 0), offset: 0),
                    // Later in UTC but earlier in local time than the 08:00 sample.
                    heartRate(58, at: utcMs(2024, 6, 10, 7, 0, offset: -180), offset: -180),
                    steps(
                        300, from: utcMs(2024, 6, 9, 10, 0, offset: 0), to: utcMs(2024, 6, 9, 11, 0, offset: 0),
                        offset: 0),
                ])
        ])
    }

    func testQueryRejectsUnknownCodeUserAndGranularity() throws {
        let writer = try openWriter()
        defer { writer.close() }
        try seed(writer)
        let reader = try openReader()

        XCTAssertThrowsError(
            try reader.query(user: "ana", codes: ["heart_rate", "bogus"], granularity: .day, from: day, to: day)
        ) { error in
            let storeError = error as? StoreError
            XCTAssertEqual(storeError?.code, .unknownCode)
            XCTAssertTrue(storeError?.message.contains("bogus") ?? false)
        }
        XCTAssertThrowsError(
            try reader.query(user: "nobody", codes: ["heart_rate"], granularity: .day, from: day, to: day)
        ) { error in
            XCTAssertEqual((error as? StoreError)?.code, .unknownUser)
        }
        XCTAssertThrowsError(
            try reader.query(user: "ana", codes: ["heart_rate"], granularity: .year, from: day, to: day)
        ) { error in
            XCTAssertEqual((error as? StoreError)?.code, .invalidArgument)
        }
        let earlier = CivilDate(year: 2024, month: 6, day: 1)
        XCTAssertThrowsError(
            try reader.query(user: "ana", codes: ["heart_rate"], granularity: .day, from: day, to: earlier)
        ) { error in
            XCTAssertEqual((error as? StoreError)?.code, .invalidArgument)
        }
    }

    func testQueryReturnsSeriesInCodeOrderWithinRange() throws {
        let writer = try openWriter()
        defer { writer.close() }
        try seed(writer)
        let reader = try openReader()

        let series = try reader.query(
            user: "ana", codes: ["HKQuantityTypeIdentifierStepCount", "8867-4"], granularity: .day,
            from: CivilDate(year: 2024, month: 6, day: 9), to: day)
        XCTAssertEqual(series.map(\.code), ["steps", "heart_rate"])
        XCTAssertEqual(series[0].rows.map { BucketKey.label(.day, key: $0.key) }, ["2024-06-09"])
        XCTAssertEqual(series[1].rows.map { BucketKey.label(.day, key: $0.key) }, ["2024-06-10"])
        XCTAssertEqual(series[1].loinc, "8867-4")
        XCTAssertEqual(series[1].granularity, .day)

        let onlyTenth = try reader.query(user: "ana", codes: ["steps"], granularity: .day, from: day, to: day)
        XCTAssertEqual(onlyTenth.first?.rows, [])
    }

    func testLatestPicksLatestStartTime() throws {
        let writer = try openWriter()
        defer { writer.close() }
        try seed(writer)
        let reader = try openReader()

        let latest = try reader.latest(user: "ana", codes: ["heart_rate"])
        XCTAssertEqual(latest.count, 1)
        XCTAssertEqual(latest.first?.value, 58)
        XCTAssertEqual(latest.first?.offsetMinutes, -180)
        XCTAssertEqual(latest.first?.time, utcMs(2024, 6, 10, 7, 0, offset: -180))

        let all = try reader.latest(user: "ana", codes: [])
        XCTAssertEqual(all.map(\.code), ["heart_rate", "steps"])
        XCTAssertEqual(all.last?.value, 300)
        XCTAssertEqual(all.last?.unit, "count")
    }

    func testReaderSeesLaterCommits() throws {
        let writer = try openWriter()
        defer { writer.close() }
        try seed(writer)
        let reader = try openReader()
        XCTAssertEqual(
            try rollups(reader, user: "ana", code: "heart_rate", .day, from: day, to: day)["2024-06-10"]?.count, 2)

        _ = try writer.applyVitals([
            VitalBatch(user: "ana", records: [heartRate(70, at: utcMs(2024, 6, 10, 12, 0, offset: 0), offset: 0)])
        ])
        XCTAssertEqual(
            try rollups(reader, user: "ana", code: "heart_rate", .day, from: day, to: day)["2024-06-10"]?.count, 3)
    }

    func testVerifyReportsDamagedRollups() throws {
        let writer = try openWriter()
        defer { writer.close() }
        try seed(writer)
        let reader = try openReader()
        try assertVerifies(reader)

        let database = try RawDatabase(path: databasePath, writable: true)
        try database.execute("UPDATE vitals_day SET sum = sum + 1 WHERE metric_id = 1")
        try database.execute("DELETE FROM vitals_month WHERE metric_id = 2")
        try database.execute(
            """
            INSERT INTO vitals_week VALUES (1, 1, 0, 1, 1.0, 1.0, 1.0, 1.0, 0, 1.0, 0, 1.0)
            """)

        let problems = try reader.verify(user: "ana")
        XCTAssertEqual(problems.count, 3, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("heart_rate, day 2024-06-10: sum") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("steps, month 2024-06: missing") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("heart_rate, week 1970-01-01: extra") }, "\(problems)")
    }
}
