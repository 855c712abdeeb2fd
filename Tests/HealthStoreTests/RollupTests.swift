// Rollups for hand-worked cases: local days, Monday weeks, averages over samples, proration, back-dated
// samples and unit conversion. Expected values are worked out in the comments.

import HealthDomain
import HealthStore
import XCTest

final class RollupTests: StoreTestCase {
    func testStepsGroupByLocalDay() throws {
        // At -08:00, 22:00 and 23:00 on Jan 15 are 06:00 and 07:00 UTC on Jan 16, but belong to the local
        // Jan 15: 1200 + 800 = 2000. The 08:00 sample on Jan 16 is alone: 500.
        let writer = try openWriter()
        defer { writer.close() }
        let records = [
            steps(
                1200, from: utcMs(2024, 1, 15, 22, 0, offset: -480), to: utcMs(2024, 1, 15, 22, 30, offset: -480),
                offset: -480),
            steps(
                800, from: utcMs(2024, 1, 15, 23, 0, offset: -480), to: utcMs(2024, 1, 15, 23, 30, offset: -480),
                offset: -480),
            steps(
                500, from: utcMs(2024, 1, 16, 8, 0, offset: -480), to: utcMs(2024, 1, 16, 8, 30, offset: -480),
                offset: -480),
        ]
        let outcomes = try writer.applyVitals([VitalBatch(user: "ana", records: records)])
        XCTAssertEqual(outcomes.first?.accepted, 3)

        let reader = try openReader()
        let days = try rollups(
            reader, user: "ana", code: "steps", .day, from: CivilDate(year: 2024, month: 1, day: 14),
            to: CivilDate(year: 2024, month: 1, day: 17))
        XCTAssertEqual(days.keys.sorted(), ["2024-01-15", "2024-01-16"])
        XCTAssertEqual(days["2024-01-15"]?.sum, 2000)
        XCTAssertEqual(days["2024-01-15"]?.count, 2)
        XCTAssertEqual(days["2024-01-16"]?.sum, 500)
        XCTAssertEqual(days["2024-01-16"]?.count, 1)

        let hours = try rollups(
            reader, user: "ana", code: "steps", .hour, from: CivilDate(year: 2024, month: 1, day: 15),
            to: CivilDate(year: 2024, month: 1, day: 16))
        XCTAssertEqual(hours["2024-01-15T22:00-08:00"]?.sum, 1200)
        XCTAssertEqual(hours["2024-01-15T23:00-08:00"]?.sum, 800)
        XCTAssertEqual(hours["2024-01-16T08:00-08:00"]?.sum, 500)
        try assertVerifies(reader)
    }

    func testWeeksStartOnMonday() throws {
        // 2024-12-29 is a Sunday (week of Monday 2024-12-23). 2024-12-30 is a Monday, and 2025-01-01 and the
        // Sunday 2025-01-05 share its week: 2000 + 3000 + 4000 = 9000. 2025-01-06 starts the next week.
        // Months: December 1000 + 2000 = 3000, January 3000 + 4000 + 5000 = 12000.
        let writer = try openWriter()
        defer { writer.close() }
        let samples: [(Int, Int, Int, Double)] = [
            (2024, 12, 29, 1000), (2024, 12, 30, 2000), (2025, 1, 1, 3000), (2025, 1, 5, 4000), (2025, 1, 6, 5000),
        ]
        let records = samples.map { year, month, day, value in
            let noon = utcMs(year, month, day, 12, 0, offset: 0)
            return steps(value, from: noon, to: noon, offset: 0)
        }
        _ = try writer.applyVitals([VitalBatch(user: "ana", records: records)])

        let reader = try openReader()
        let weeks = try rollups(
            reader, user: "ana", code: "steps", .week, from: CivilDate(year: 2024, month: 12, day: 23),
            to: CivilDate(year: 2025, month: 1, day: 12))
        XCTAssertEqual(weeks.keys.sorted(), ["2024-12-23", "2024-12-30", "2025-01-06"])
        XCTAssertEqual(weeks["2024-12-23"]?.sum, 1000)
        XCTAssertEqual(weeks["2024-12-30"]?.sum, 9000)
        XCTAssertEqual(weeks["2024-12-30"]?.count, 3)
        XCTAssertEqual(weeks["2025-01-06"]?.sum, 5000)

        let months = try rollups(
            reader, user: "ana", code: "steps", .month, from: CivilDate(year: 2024, month: 12, day: 1),
            to: CivilDate(year: 2025, month: 1, day: 31))
        XCTAssertEqual(months["2024-12"]?.sum, 3000)
        XCTAssertEqual(months["2025-01"]?.sum, 12000)
        try assertVerifies(reader)
    }

    func testWeekAveragesSamplesNotDays() throws {
        // Day means are 60 (Sep 30) and 90 (Oct 1); their mean would be 75. The week contains three samples:
        // mean 210 / 3 = 70; mean of squares (3600 + 3600 + 8100) / 3 = 5100, so the population variance is
        // 5100 - 70^2 = 200 and the standard deviation sqrt(200) = 14.1421.
        let writer = try openWriter()
        defer { writer.close() }
        let records = [
            heartRate(60, at: utcMs(2024, 9, 30, 8, 0, offset: 0), offset: 0),
            heartRate(60, at: utcMs(2024, 9, 30, 20, 0, offset: 0), offset: 0),
            heartRate(90, at: utcMs(2024, 10, 1, 8, 0, offset: 0), offset: 0),
        ]
        _ = try writer.applyVitals([VitalBatch(user: "ana", records: records)])

        let reader = try openReader()
        let weeks = try rollups(
            reader, user: "ana", code: "heart_rate", .week, from: CivilDate(year: 2024, month: 9, day: 30),
            to: CivilDate(year: 2024, month: 10, day: 6))
        let week = try XCTUnwrap(weeks["2024-09-30"])
        XCTAssertEqual(week.count, 3)
        XCTAssertEqual(week.mean, 70, accuracy: 1e-12)
        XCTAssertEqual(week.populationStandardDeviation, 14.1421, accuracy: 1e-4)
        XCTAssertEqual(week.minimum, 60)
        XCTAssertEqual(week.maximum, 90)
        XCTAssertEqual(week.firstTime, utcMs(2024, 9, 30, 8, 0, offset: 0))
        XCTAssertEqual(week.lastValue, 90)
        try assertVerifies(reader)
    }

    func testCumulativeSampleIsProratedAcrossMidnight() throws {
        // 23:55 to 00:25 at +08:00 is 30 minutes: 5 on Jul 28 (10 * 5/30 = 1.6667), 25 on Jul 29
        // (10 * 25/30 = 8.3333). Jul 28 is a Sunday, so the weeks split the same way. July contains the whole
        // sample, so the month gets exactly 10.
        let writer = try openWriter()
        defer { writer.close() }
        let start = utcMs(2024, 7, 28, 23, 55, offset: 480)
        let end = utcMs(2024, 7, 29, 0, 25, offset: 480)
        _ = try writer.applyVitals([VitalBatch(user: "ana", records: [steps(10, from: start, to: end, offset: 480)])])

        let reader = try openReader()
        let july28 = CivilDate(year: 2024, month: 7, day: 28)
        let july29 = CivilDate(year: 2024, month: 7, day: 29)
        let days = try rollups(reader, user: "ana", code: "steps", .day, from: july28, to: july29)
        XCTAssertEqual(try XCTUnwrap(days["2024-07-28"]).sum, 10.0 / 6, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(days["2024-07-29"]).sum, 50.0 / 6, accuracy: 1e-9)
        XCTAssertEqual(days["2024-07-29"]?.firstTime, utcMs(2024, 7, 29, 0, 0, offset: 480))

        let weeks = try rollups(reader, user: "ana", code: "steps", .week, from: july28, to: july29)
        XCTAssertEqual(try XCTUnwrap(weeks["2024-07-22"]).sum, 10.0 / 6, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(weeks["2024-07-29"]).sum, 50.0 / 6, accuracy: 1e-9)

        let hours = try rollups(reader, user: "ana", code: "steps", .hour, from: july28, to: july29)
        XCTAssertEqual(try XCTUnwrap(hours["2024-07-28T23:00+08:00"]).sum, 10.0 / 6, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(hours["2024-07-29T00:00+08:00"]).sum, 50.0 / 6, accuracy: 1e-9)

        let months = try rollups(reader, user: "ana", code: "steps", .month, from: july28, to: july29)
        XCTAssertEqual(months["2024-07"]?.sum, 10)
        XCTAssertEqual(months["2024-07"]?.count, 1)
        try assertVerifies(reader)
    }

    func testBackdatedSampleUpdatesEveryGranularity() throws {
        let writer = try openWriter()
        defer { writer.close() }
        let noon = utcMs(2024, 3, 13, 12, 0, offset: 60)
        _ = try writer.applyVitals([VitalBatch(user: "ana", records: [heartRate(70, at: noon, offset: 60)])])

        // One call adds a sample three hours earlier; every granularity must show it after that commit.
        let earlier = utcMs(2024, 3, 13, 9, 15, offset: 60)
        _ = try writer.applyVitals([VitalBatch(user: "ana", records: [heartRate(50, at: earlier, offset: 60)])])

        let reader = try openReader()
        let day = CivilDate(year: 2024, month: 3, day: 13)
        let hours = try rollups(reader, user: "ana", code: "heart_rate", .hour, from: day, to: day)
        XCTAssertEqual(hours.keys.sorted(), ["2024-03-13T09:00+01:00", "2024-03-13T12:00+01:00"])
        XCTAssertEqual(hours["2024-03-13T09:00+01:00"]?.sum, 50)

        let expectedLabels: [Granularity: String] = [.day: "2024-03-13", .week: "2024-03-11", .month: "2024-03"]
        for (granularity, label) in expectedLabels {
            let rows = try rollups(reader, user: "ana", code: "heart_rate", granularity, from: day, to: day)
            let stats = try XCTUnwrap(rows[label], "no \(granularity) row \(label)")
            XCTAssertEqual(stats.count, 2, "\(granularity)")
            XCTAssertEqual(stats.minimum, 50, "\(granularity)")
            XCTAssertEqual(stats.firstTime, earlier, "\(granularity)")
            XCTAssertEqual(stats.firstValue, 50, "\(granularity)")
            XCTAssertEqual(stats.lastTime, noon, "\(granularity)")
            XCTAssertEqual(stats.lastValue, 70, "\(granularity)")
        }
        try assertVerifies(reader)
    }

    func testGlucoseIsConvertedBeforeAveraging() throws {
        // 5.5 mmol/L * 18.0156 = 99.0858 mg/dL; with 110 mg/dL the day mean is 209.0858 / 2 = 104.5429.
        let writer = try openWriter()
        defer { writer.close() }
        let records = [
            VitalRecord(
                metric: "blood_glucose", value: 5.5, unit: "mmol/L", startMs: utcMs(2024, 5, 2, 7, 0, offset: 120),
                offsetMinutes: 120),
            VitalRecord(
                metric: "blood_glucose", value: 110, unit: "mg/dL", startMs: utcMs(2024, 5, 2, 19, 0, offset: 120),
                offsetMinutes: 120),
        ]
        let outcomes = try writer.applyVitals([VitalBatch(user: "ana", records: records)])
        XCTAssertEqual(outcomes.first?.accepted, 2)

        let reader = try openReader()
        let date = CivilDate(year: 2024, month: 5, day: 2)
        let days = try rollups(reader, user: "ana", code: "blood_glucose", .day, from: date, to: date)
        let day = try XCTUnwrap(days["2024-05-02"])
        XCTAssertEqual(day.mean, 104.5429, accuracy: 1e-4)
        XCTAssertEqual(day.minimum, 99.0858, accuracy: 1e-4)
        XCTAssertEqual(day.maximum, 110)

        let series = try reader.query(user: "ana", codes: ["2339-0"], granularity: .day, from: date, to: date)
        XCTAssertEqual(series.first?.unit, "mg/dL")
        XCTAssertEqual(series.first?.code, "blood_glucose")
        try assertVerifies(reader)
    }

    func testDaylightSavingHoursStayApart() throws {
        // At the 2024-11-03 fall-back in New York, 01:00-02:00 local happens at -04:00 and again at -05:00.
        let writer = try openWriter()
        defer { writer.close() }
        let records = [
            heartRate(61, at: utcMs(2024, 11, 3, 1, 30, offset: -240), offset: -240),
            heartRate(62, at: utcMs(2024, 11, 3, 1, 30, offset: -300), offset: -300),
        ]
        _ = try writer.applyVitals([VitalBatch(user: "ana", records: records)])

        let reader = try openReader()
        let date = CivilDate(year: 2024, month: 11, day: 3)
        let hours = try rollups(reader, user: "ana", code: "heart_rate", .hour, from: date, to: date)
        XCTAssertEqual(hours["2024-11-03T01:00-04:00"]?.sum, 61)
        XCTAssertEqual(hours["2024-11-03T01:00-05:00"]?.sum, 62)
        let days = try rollups(reader, user: "ana", code: "heart_rate", .day, from: date, to: date)
        XCTAssertEqual(days["2024-11-03"]?.count, 2)
    }

    func testRollupsDisabledStoresSamplesOnly() throws {
        let writer = try openWriter(options: StoreOptions(rollupsEnabled: false))
        defer { writer.close() }
        let noon = utcMs(2024, 3, 13, 12, 0, offset: 0)
        let outcomes = try writer.applyVitals([
            VitalBatch(user: "ana", records: [heartRate(70, at: noon, offset: 0, id: "a")])
        ])
        XCTAssertEqual(outcomes.first?.accepted, 1)
        _ = try writer.applyVitals([
            VitalBatch(user: "ana", records: [heartRate(75, at: noon, offset: 0, id: "a", version: 1)])
        ])

        let database = try RawDatabase(path: databasePath)
        XCTAssertEqual(try database.integer("SELECT count(*) FROM vitals"), 1)
        for table in ["vitals_hour", "vitals_day", "vitals_week", "vitals_month"] {
            XCTAssertEqual(try database.integer("SELECT count(*) FROM \(table)"), 0, table)
        }
    }
}
