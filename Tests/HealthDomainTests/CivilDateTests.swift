// CivilDate against a naive calendar that steps one day at a time, plus hand-checked anchor dates.
import HealthDomain
import XCTest

final class CivilDateTests: XCTestCase {
    func testAnchorDates() {
        XCTAssertEqual(CivilDate(year: 1970, month: 1, day: 1).daysSinceEpoch, 0)
        XCTAssertEqual(CivilDate(year: 1969, month: 12, day: 31).daysSinceEpoch, -1)
        // 2000-01-01 is 30 years of 365 days plus 7 leap days (1972 ... 1996) after 1970: 10957.
        // 2000 is a leap year, so 2000-03-01 is 10957 + 31 + 29 = 11017.
        XCTAssertEqual(CivilDate(year: 2000, month: 3, day: 1).daysSinceEpoch, 11017)
        // 2024-01-01: 54 years of 365 days plus 13 leap days (1972 ... 2020) = 19723.
        XCTAssertEqual(CivilDate(year: 2024, month: 1, day: 1).daysSinceEpoch, 19723)
    }

    func testLeapDay2024() {
        // 19723 + 31 (January) + 28 = 19782; the next day is 1 March.
        let leapDay = CivilDate(year: 2024, month: 2, day: 29)
        XCTAssertTrue(leapDay.isValid)
        XCTAssertEqual(leapDay.daysSinceEpoch, 19782)
        XCTAssertEqual(CivilDate(daysSinceEpoch: 19783), CivilDate(year: 2024, month: 3, day: 1))
        XCTAssertEqual(leapDay.isoWeekday, 4)  // a Thursday
        XCTAssertEqual(leapDay.description, "2024-02-29")
        XCTAssertEqual(CivilDate(parsing: "2024-02-29"), leapDay)
    }

    func testInvalidDates() {
        XCTAssertFalse(CivilDate(year: 2023, month: 2, day: 29).isValid)
        XCTAssertFalse(CivilDate(year: 1900, month: 2, day: 29).isValid)  // divisible by 100, not by 400
        XCTAssertTrue(CivilDate(year: 2000, month: 2, day: 29).isValid)
        XCTAssertFalse(CivilDate(year: 2024, month: 4, day: 31).isValid)
        XCTAssertFalse(CivilDate(year: 2024, month: 13, day: 1).isValid)
        XCTAssertNil(CivilDate(parsing: "2023-02-29"))
        XCTAssertNil(CivilDate(parsing: "2024-2-29"))
    }

    func testRoundTripAgainstNaiveCounter() {
        // From 1600-01-01 to 2400-12-31. 1600-01-01 is 370 years before 1970 with 90 leap years between
        // (93 multiples of 4 from 1600 to 1968, less 1700, 1800 and 1900): 370 * 365 + 90 = 135140 days.
        var date = CivilDate(year: 1600, month: 1, day: 1)
        var days: Int64 = -135_140
        var weekday = CivilDate.isoWeekday(daysSinceEpoch: days)
        while date.year <= 2400 {
            XCTAssertEqual(date.daysSinceEpoch, days, "\(date)")
            XCTAssertEqual(CivilDate(daysSinceEpoch: days), date)
            XCTAssertEqual(CivilDate.isoWeekday(daysSinceEpoch: days), weekday, "\(date)")
            if date.year == 1970 && date.month == 1 && date.day == 1 {
                XCTAssertEqual(days, 0)
            }

            date = Self.naiveNextDay(date)
            days += 1
            weekday = weekday % 7 + 1
        }
        XCTAssertEqual(date, CivilDate(year: 2401, month: 1, day: 1))
    }

    func testDescriptionAndParsingRoundTrip() {
        for text in ["0001-01-01", "1969-12-31", "1970-01-01", "2024-12-31", "9999-12-31"] {
            XCTAssertEqual(CivilDate(parsing: text)?.description, text)
        }
    }

    func testOrdering() {
        XCTAssertLessThan(CivilDate(year: 2023, month: 12, day: 31), CivilDate(year: 2024, month: 1, day: 1))
        XCTAssertLessThan(CivilDate(year: 2024, month: 1, day: 31), CivilDate(year: 2024, month: 2, day: 1))
    }

    /// The next day, from month lengths alone: the model the integer arithmetic is checked against.
    private static func naiveNextDay(_ date: CivilDate) -> CivilDate {
        let leap = date.year % 4 == 0 && (date.year % 100 != 0 || date.year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        if date.day < lengths[date.month - 1] {
            return CivilDate(year: date.year, month: date.month, day: date.day + 1)
        }
        if date.month < 12 {
            return CivilDate(year: date.year, month: date.month + 1, day: 1)
        }
        return CivilDate(year: date.year + 1, month: 1, day: 1)
    }
}
