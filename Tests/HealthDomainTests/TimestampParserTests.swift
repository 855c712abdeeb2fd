// Timestamp parsing (RFC 3339 and Apple Health export dates) and formatting.
//
// Instants used below: 2024-01-16 is day 19738, so 2024-01-16T06:00Z is 19738 * 86400000 + 6 * 3600000
// = 1705384800000 ms. 2024-06-30 is day 19904 and 18:20 is 66000000 ms into it: 1719771600000 ms.
import HealthDomain
import XCTest

final class TimestampParserTests: XCTestCase {
    private let januaryUTC: Int64 = 1_705_384_800_000  // 2024-01-16T06:00:00Z
    private let juneUTC: Int64 = 1_719_771_600_000  // 2024-06-30T18:20:00Z

    func testParsesOffsets() {
        XCTAssertEqual(TimestampParser.parseRFC3339("2024-01-15T22:00:00-08:00"),
                       LocalTimestamp(utcMs: januaryUTC, offsetMinutes: -480))
        XCTAssertEqual(TimestampParser.parseRFC3339("2024-01-16T06:00:00Z"),
                       LocalTimestamp(utcMs: januaryUTC, offsetMinutes: 0))
        XCTAssertEqual(TimestampParser.parseRFC3339("2024-07-01T00:05:00+05:45"),
                       LocalTimestamp(utcMs: juneUTC, offsetMinutes: 345))
        // 2024-01-01T05:00Z is 19723 * 86400000 + 5 * 3600000 = 1704085200000.
        XCTAssertEqual(TimestampParser.parseRFC3339("2023-12-31T19:30:00-0930"),
                       LocalTimestamp(utcMs: 1_704_085_200_000, offsetMinutes: -570))
    }

    func testParsesSeparatorsAndCase() {
        let expected = LocalTimestamp(utcMs: januaryUTC, offsetMinutes: 0)
        XCTAssertEqual(TimestampParser.parseRFC3339("2024-01-16 06:00:00Z"), expected)
        XCTAssertEqual(TimestampParser.parseRFC3339("2024-01-16t06:00:00z"), expected)
        XCTAssertEqual(TimestampParser.parseRFC3339("2024-01-16T06:00Z"), expected)
        XCTAssertEqual(TimestampParser.parseRFC3339("2024-01-16T07:00:00+0100"),
                       LocalTimestamp(utcMs: januaryUTC, offsetMinutes: 60))
    }

    func testFractionalSecondsTruncateToMilliseconds() {
        let cases: [(String, Int64)] = [
            ("2024-01-16T06:00:00.5Z", 500), ("2024-01-16T06:00:00.05Z", 50), ("2024-01-16T06:00:00.123Z", 123),
            ("2024-01-16T06:00:00.123456789Z", 123), ("2024-01-16T06:00:00.9999Z", 999),
            ("2024-01-16T06:00:00,25Z", 250), ("2024-01-16T06:00:00.000000000000000001Z", 0),
        ]
        for (text, milliseconds) in cases {
            XCTAssertEqual(TimestampParser.parseRFC3339(text)?.utcMs, januaryUTC + milliseconds, text)
        }
    }

    func testDateAloneIsLocalNoon() {
        // 2024-01-15 is day 19737: 19737 * 86400000 + 12 * 3600000 = 1705320000000.
        XCTAssertEqual(TimestampParser.parseRFC3339("2024-01-15"),
                       LocalTimestamp(utcMs: 1_705_320_000_000, offsetMinutes: nil))
    }

    func testMissingOffsetKeepsWallClock() {
        XCTAssertEqual(TimestampParser.parseRFC3339("2024-01-16T06:00:00"),
                       LocalTimestamp(utcMs: januaryUTC, offsetMinutes: nil))
    }

    func testOffsetLimits() {
        // 17:03 is 1023 minutes, the most an hour bucket key can hold.
        XCTAssertEqual(TimestampParser.parseRFC3339("2024-01-16T06:00:00+17:03")?.offsetMinutes, 1023)
        XCTAssertEqual(TimestampParser.parseRFC3339("2024-01-16T06:00:00-17:03")?.offsetMinutes, -1023)
        XCTAssertEqual(TimestampParser.parseRFC3339("2024-01-16T06:00:00+14:00")?.offsetMinutes, 840)
        XCTAssertNil(TimestampParser.parseRFC3339("2024-01-16T06:00:00+17:04"))
        XCTAssertNil(TimestampParser.parseRFC3339("2024-01-16T06:00:00-18:00"))
        XCTAssertNil(TimestampParser.parseRFC3339("2024-01-16T06:00:00+05:60"))
    }

    func testLeapDay() {
        XCTAssertNotNil(TimestampParser.parseRFC3339("2024-02-29T12:00:00Z"))
        XCTAssertNil(TimestampParser.parseRFC3339("2023-02-29T12:00:00Z"))
        XCTAssertNil(TimestampParser.parseRFC3339("2023-02-29"))
    }

    func testRejectsInvalidText() {
        let invalid = [
            "", "2024", "2024-01-15T", "2024-01-15T22", "2024-01-15T22:00:", "2024-01-15T24:00:00Z",
            "2024-01-15T23:60:00Z", "2024-01-15T23:59:60Z", "2024-13-01T00:00:00Z", "2024-00-10", "2024-01-00",
            "2024-01-32", "24-01-15", "2024-1-15", "2024/01/15", "2024-01-15X22:00:00Z", "2024-01-15T22:00:00.Z",
            "2024-01-15T22:00:00+8", "2024-01-15T22:00:00+08:0", "2024-01-15T22:00:00+08:00:00", " 2024-01-15",
            "2024-01-15 ", "2024-01-15T22:00:00Zjunk", "2024-01-15T22:00:00 Z", "2024-01-15T2a:00:00Z",
            "２０２４-01-15",
        ]
        for text in invalid {
            XCTAssertNil(TimestampParser.parseRFC3339(text), text)
        }
    }

    func testParsesSubstring() {
        let line = "start=2024-01-15T22:00:00-08:00;"
        let slice = line.dropFirst(6).dropLast()
        XCTAssertEqual(TimestampParser.parseRFC3339(slice), LocalTimestamp(utcMs: januaryUTC, offsetMinutes: -480))
    }

    // MARK: - Apple Health

    func testParsesAppleHealthDates() {
        XCTAssertEqual(TimestampParser.parseAppleHealth(Array("2024-01-15 22:00:00 -0800".utf8)),
                       LocalTimestamp(utcMs: januaryUTC, offsetMinutes: -480))
        XCTAssertEqual(TimestampParser.parseAppleHealth("2024-07-01 00:05:00 +0545".utf8),
                       LocalTimestamp(utcMs: juneUTC, offsetMinutes: 345))

        // A slice of a larger buffer, as an XML reader hands over an attribute value.
        let attribute = Array("startDate=\"2024-01-16 06:00:00 +0000\"".utf8)
        XCTAssertEqual(TimestampParser.parseAppleHealth(attribute[11..<36]),
                       LocalTimestamp(utcMs: januaryUTC, offsetMinutes: 0))
    }

    func testRejectsOtherAppleHealthForms() {
        let invalid = [
            "2024-01-15T22:00:00 -0800", "2024-01-15 22:00:00 -08:00", "2024-01-15 22:00:00-0800",
            "2024-01-15 22:00 -0800", "2024-02-30 22:00:00 -0800", "2024-01-15 24:00:00 -0800",
            "2024-01-15 22:00:00 +1900", "2024-01-15 22:00:00 Z0800", "2024-01-15 22:00:00 -0860",
            "2024-01-15 22:00:00 -0800 ", "",
        ]
        for text in invalid {
            XCTAssertNil(TimestampParser.parseAppleHealth(Array(text.utf8)), text)
        }
    }

    // MARK: - Formatting

    func testFormat() {
        XCTAssertEqual(TimestampParser.format(LocalTimestamp(utcMs: januaryUTC, offsetMinutes: -480)),
                       "2024-01-15T22:00:00-08:00")
        XCTAssertEqual(TimestampParser.format(LocalTimestamp(utcMs: januaryUTC + 500, offsetMinutes: 0)),
                       "2024-01-16T06:00:00.500Z")
        XCTAssertEqual(TimestampParser.format(LocalTimestamp(utcMs: juneUTC, offsetMinutes: 345)),
                       "2024-07-01T00:05:00+05:45")
        XCTAssertEqual(TimestampParser.format(LocalTimestamp(utcMs: januaryUTC, offsetMinutes: nil)),
                       "2024-01-16T06:00:00")
        XCTAssertEqual(TimestampParser.format(LocalTimestamp(utcMs: -1, offsetMinutes: 0)),
                       "1969-12-31T23:59:59.999Z")
    }

    func testFormatRoundTrip() {
        var generator = SeededGenerator(seed: 7)
        let first = utcMs(1900, 1, 1, 0, 0, offsetMinutes: 0)
        let last = utcMs(2100, 1, 1, 0, 0, offsetMinutes: 0)
        for _ in 0..<5000 {
            let offset: Int? = Bool.random(using: &generator) ? nil : Int.random(in: -68...68, using: &generator) * 15
            let timestamp = LocalTimestamp(utcMs: Int64.random(in: first..<last, using: &generator),
                                           offsetMinutes: offset)
            let text = TimestampParser.format(timestamp)
            XCTAssertEqual(TimestampParser.parseRFC3339(text), timestamp, text)
        }
    }
}
