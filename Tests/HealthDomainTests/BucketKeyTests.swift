// Bucket keys and labels in the sample's own local time: DST changes in America/New_York, offsets that are not
// whole hours, ISO weeks across a year end, and key ranges for queries.
//
// Day numbers used below: 2024-01-01 is day 19723, so 2024-03-10 is 19723 + 31 + 29 + 9 = 19792,
// 2024-07-01 is 19723 + 182 = 19905 (a Monday) and 2024-11-03 is 19723 + 305 + 2 = 20030.
import HealthDomain
import XCTest

final class BucketKeyTests: XCTestCase {
    // America/New_York: EST is -05:00, EDT is -04:00. In 2024 the clocks went forward at 07:00Z on 10 March
    // and back at 06:00Z on 3 November.
    private static let est = -300
    private static let edt = -240

    func testSpringForwardSamplesShareDay() {
        let before = utcMs(2024, 3, 10, 1, 30, offsetMinutes: Self.est)  // 06:30Z
        let after = utcMs(2024, 3, 10, 3, 30, offsetMinutes: Self.edt)  // 07:30Z
        XCTAssertEqual(after - before, 3_600_000)

        XCTAssertEqual(bucketKey(.day, utcMs: before, offsetMinutes: Self.est), 19792)
        XCTAssertEqual(bucketKey(.day, utcMs: after, offsetMinutes: Self.edt), 19792)
        XCTAssertEqual(BucketKey.label(.day, key: 19792), "2024-03-10")

        // Local hour 1 and 3 of day 19792: (19792 * 24 + hour) * 2048 + (1023 - offset).
        let hourBefore = bucketKey(.hour, utcMs: before, offsetMinutes: Self.est)
        let hourAfter = bucketKey(.hour, utcMs: after, offsetMinutes: Self.edt)
        XCTAssertEqual(hourBefore, (19792 * 24 + 1) * 2048 + 1323)
        XCTAssertEqual(hourAfter, (19792 * 24 + 3) * 2048 + 1263)
        XCTAssertEqual(BucketKey.label(.hour, key: hourBefore), "2024-03-10T01:00-05:00")
        XCTAssertEqual(BucketKey.label(.hour, key: hourAfter), "2024-03-10T03:00-04:00")
    }

    func testSpringForwardDayHas23Hours() {
        // One sample per UTC hour from 05:00Z (local midnight, EST) for 24 hours; the last one is already
        // 2024-03-11 00:00 EDT.
        let start = utcMs(2024, 3, 10, 0, 0, offsetMinutes: Self.est)
        let switchTime = utcMs(2024, 3, 10, 7, 0, offsetMinutes: 0)
        var hoursOfDay = Set<Int64>()
        for hour in 0..<24 {
            let time = start + Int64(hour) * 3_600_000
            let offset = time < switchTime ? Self.est : Self.edt
            if bucketKey(.day, utcMs: time, offsetMinutes: offset) == 19792 {
                hoursOfDay.insert(bucketKey(.hour, utcMs: time, offsetMinutes: offset))
            }
        }
        XCTAssertEqual(hoursOfDay.count, 23)
    }

    func testFallBackRepeatedHourIsTwoBuckets() {
        let first = utcMs(2024, 11, 3, 1, 30, offsetMinutes: Self.edt)  // 05:30Z
        let second = utcMs(2024, 11, 3, 1, 30, offsetMinutes: Self.est)  // 06:30Z
        XCTAssertEqual(second - first, 3_600_000)

        let firstHour = bucketKey(.hour, utcMs: first, offsetMinutes: Self.edt)
        let secondHour = bucketKey(.hour, utcMs: second, offsetMinutes: Self.est)
        XCTAssertNotEqual(firstHour, secondHour)
        XCTAssertLessThan(firstHour, secondHour, "the repeated hour must sort in the order it happened")
        XCTAssertEqual(BucketKey.label(.hour, key: firstHour), "2024-11-03T01:00-04:00")
        XCTAssertEqual(BucketKey.label(.hour, key: secondHour), "2024-11-03T01:00-05:00")
        XCTAssertEqual(BucketKey.offsetMinutes(ofHourKey: firstHour), Self.edt)
        XCTAssertEqual(BucketKey.offsetMinutes(ofHourKey: secondHour), Self.est)

        XCTAssertEqual(bucketKey(.day, utcMs: first, offsetMinutes: Self.edt), 20030)
        XCTAssertEqual(bucketKey(.day, utcMs: second, offsetMinutes: Self.est), 20030)
    }

    func testFallBackDayHas25Hours() {
        // From 04:00Z (local midnight, EDT) to 05:00Z the next day (local midnight, EST): 25 hours.
        let start = utcMs(2024, 11, 3, 0, 0, offsetMinutes: Self.edt)
        let switchTime = utcMs(2024, 11, 3, 6, 0, offsetMinutes: 0)
        var hoursOfDay = Set<Int64>()
        for hour in 0..<27 {
            let time = start + Int64(hour) * 3_600_000
            let offset = time < switchTime ? Self.edt : Self.est
            if bucketKey(.day, utcMs: time, offsetMinutes: offset) == 20030 {
                hoursOfDay.insert(bucketKey(.hour, utcMs: time, offsetMinutes: offset))
            }
        }
        XCTAssertEqual(hoursOfDay.count, 25)
    }

    func testOffsetPlus0545CrossesMidnight() {
        // 18:20Z plus 5:45 is 00:05 on 1 July local time.
        let time = utcMs(2024, 6, 30, 18, 20, offsetMinutes: 0)
        let offset = 5 * 60 + 45
        XCTAssertEqual(bucketKey(.day, utcMs: time, offsetMinutes: offset), 19905)
        XCTAssertEqual(BucketKey.label(.day, key: 19905), "2024-07-01")

        let month = bucketKey(.month, utcMs: time, offsetMinutes: offset)
        XCTAssertEqual(month, 2024 * 12 + 6)
        XCTAssertEqual(BucketKey.label(.month, key: month), "2024-07")

        let hour = bucketKey(.hour, utcMs: time, offsetMinutes: offset)
        XCTAssertEqual(BucketKey.label(.hour, key: hour), "2024-07-01T00:00+05:45")
        XCTAssertEqual(BucketKey.offsetMinutes(ofHourKey: hour), 345)

        // In UTC the same instant is still 30 June.
        XCTAssertEqual(bucketKey(.day, utcMs: time, offsetMinutes: 0), 19904)
    }

    func testOffsetMinus0930StaysInPreviousYear() {
        // 05:00Z on 1 January 2024 minus 9:30 is 19:30 on 31 December 2023.
        let time = utcMs(2024, 1, 1, 5, 0, offsetMinutes: 0)
        let offset = -(9 * 60 + 30)
        XCTAssertEqual(bucketKey(.day, utcMs: time, offsetMinutes: offset), 19722)
        XCTAssertEqual(BucketKey.label(.hour, key: bucketKey(.hour, utcMs: time, offsetMinutes: offset)),
                       "2023-12-31T19:00-09:30")
        XCTAssertEqual(bucketKey(.month, utcMs: time, offsetMinutes: offset), 2023 * 12 + 11)
        XCTAssertEqual(bucketKey(.quarter, utcMs: time, offsetMinutes: offset), 2023 * 4 + 3)
        XCTAssertEqual(bucketKey(.year, utcMs: time, offsetMinutes: offset), 2023)
    }

    func testISOWeekAcrossYearEnd() {
        // 2025-01-01 (day 20089) is a Wednesday; its week starts on Monday 2024-12-30 (day 20087).
        let newYear = utcMs(2025, 1, 1, 12, 0, offsetMinutes: 0)
        let week = bucketKey(.week, utcMs: newYear, offsetMinutes: 0)
        XCTAssertEqual(week, 20087)
        XCTAssertEqual(BucketKey.label(.week, key: week), "2024-12-30")

        // Sunday 2024-12-29 (day 20086) ends the week that started on Monday 2024-12-23 (day 20080).
        let sunday = utcMs(2024, 12, 29, 23, 59, offsetMinutes: 0)
        XCTAssertEqual(bucketKey(.week, utcMs: sunday, offsetMinutes: 0), 20080)
        XCTAssertEqual(BucketKey.label(.week, key: 20080), "2024-12-23")

        XCTAssertEqual(BucketKey.localRange(.week, key: 20087), (20087 * 86_400_000)..<(20094 * 86_400_000))
    }

    func testWeekBefore1970() {
        // 1969-12-31 (day -1) is a Wednesday; its Monday is 1969-12-29 (day -3).
        XCTAssertEqual(BucketKey.mondayOnOrBefore(days: -1), -3)
        XCTAssertEqual(BucketKey.label(.week, key: -3), "1969-12-29")
        XCTAssertEqual(bucketKey(.day, utcMs: -1, offsetMinutes: 0), -1)
    }

    func testMonthQuarterYearKeysAndLabels() {
        let time = utcMs(2024, 8, 15, 9, 0, offsetMinutes: 120)
        XCTAssertEqual(bucketKey(.month, utcMs: time, offsetMinutes: 120), 24295)  // 2024 * 12 + 7
        XCTAssertEqual(bucketKey(.quarter, utcMs: time, offsetMinutes: 120), 8098)  // 2024 * 4 + 2
        XCTAssertEqual(bucketKey(.year, utcMs: time, offsetMinutes: 120), 2024)
        XCTAssertEqual(BucketKey.label(.month, key: 24295), "2024-08")
        XCTAssertEqual(BucketKey.label(.quarter, key: 8098), "2024-Q3")
        XCTAssertEqual(BucketKey.label(.year, key: 2024), "2024")
        XCTAssertEqual(BucketKey.label(.month, key: 2024 * 12 + 11), "2024-12")
        XCTAssertEqual(BucketKey.label(.quarter, key: 2024 * 4 + 3), "2024-Q4")
    }

    func testLocalRanges() {
        let day: Int64 = 86_400_000
        // February 2024: from 2024-02-01 (19754) to 2024-03-01 (19783), 29 days.
        XCTAssertEqual(BucketKey.localRange(.month, key: 2024 * 12 + 1), (19754 * day)..<(19783 * day))
        // December 2024: from 2024-12-01 (20058) to 2025-01-01 (20089).
        XCTAssertEqual(BucketKey.localRange(.month, key: 2024 * 12 + 11), (20058 * day)..<(20089 * day))
        // Q4 2024: from 2024-10-01 (19997) to 2025-01-01 (20089).
        XCTAssertEqual(BucketKey.localRange(.quarter, key: 2024 * 4 + 3), (19997 * day)..<(20089 * day))
        XCTAssertEqual(BucketKey.localRange(.year, key: 2024), (19723 * day)..<(20089 * day))
        XCTAssertEqual(BucketKey.localRange(.day, key: 19792), (19792 * day)..<(19793 * day))

        let hourKey = (Int64(19792) * 24 + 1) * 2048 + 1323
        let hourStart = (Int64(19792) * 24 + 1) * 3_600_000
        XCTAssertEqual(BucketKey.localRange(.hour, key: hourKey), hourStart..<(hourStart + 3_600_000))
    }

    func testKeyRanges() {
        let march1 = CivilDate(year: 2024, month: 3, day: 1)
        let march31 = CivilDate(year: 2024, month: 3, day: 31)
        XCTAssertEqual(BucketKey.keyRange(.day, from: march1, to: march31), 19783...19813)

        let sunday = CivilDate(year: 2024, month: 12, day: 29)
        let newYear = CivilDate(year: 2025, month: 1, day: 1)
        XCTAssertEqual(BucketKey.keyRange(.week, from: sunday, to: newYear), 20080...20087)

        let january15 = CivilDate(year: 2024, month: 1, day: 15)
        let march2 = CivilDate(year: 2024, month: 3, day: 2)
        XCTAssertEqual(BucketKey.keyRange(.month, from: january15, to: march2), 24288...24290)
        XCTAssertEqual(BucketKey.keyRange(.quarter, from: january15, to: newYear), 8096...8100)
        XCTAssertEqual(BucketKey.keyRange(.year, from: january15, to: newYear), 2024...2025)
    }

    func testHourKeyRangeCoversEveryOffset() {
        let day = CivilDate(year: 2024, month: 3, day: 10)
        let range = BucketKey.keyRange(.hour, from: day, to: day)
        XCTAssertEqual(range, (19792 * 24 * 2048)...(19793 * 24 * 2048 - 1))

        let early = utcMs(2024, 3, 10, 0, 0, offsetMinutes: 840)
        let late = utcMs(2024, 3, 10, 23, 59, offsetMinutes: -720)
        XCTAssertTrue(range.contains(bucketKey(.hour, utcMs: early, offsetMinutes: 840)))
        XCTAssertTrue(range.contains(bucketKey(.hour, utcMs: late, offsetMinutes: -720)))

        let nextDay = utcMs(2024, 3, 11, 0, 30, offsetMinutes: Self.edt)
        XCTAssertGreaterThan(bucketKey(.hour, utcMs: nextDay, offsetMinutes: Self.edt), range.upperBound)
        let previousDay = utcMs(2024, 3, 9, 23, 30, offsetMinutes: Self.est)
        XCTAssertLessThan(bucketKey(.hour, utcMs: previousDay, offsetMinutes: Self.est), range.lowerBound)
    }

    func testFormatOffset() {
        XCTAssertEqual(BucketKey.formatOffset(minutes: 0), "+00:00")
        XCTAssertEqual(BucketKey.formatOffset(minutes: 345), "+05:45")
        XCTAssertEqual(BucketKey.formatOffset(minutes: -570), "-09:30")
    }
}
