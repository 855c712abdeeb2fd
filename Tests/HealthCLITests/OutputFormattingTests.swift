// Rendering of query, latest and status replies built by hand, and the number format they share.

import Foundation
import HealthDomain
import XCTest

@testable import HealthCLI

final class OutputFormattingTests: XCTestCase {
    /// Heart rate 56, 96 and 150 on 2024-01-15 (-05:00), and 70 in the 07:00 hour of 2024-01-16.
    func heartRateSeries() -> [RollupSeries] {
        var day = RollupStats()
        day.add(56, at: utcMs("2024-01-15", 7, 0, 0, offset: -300))
        day.add(96, at: utcMs("2024-01-15", 12, 0, 0, offset: -300))
        day.add(150, at: utcMs("2024-01-15", 18, 0, 0, offset: -300))
        var hour = RollupStats()
        hour.add(70, at: utcMs("2024-01-16", 7, 30, 0, offset: -300))
        let dayKey = CivilDate(year: 2024, month: 1, day: 15).daysSinceEpoch
        let hourKey = BucketKey.key(
            .hour, localMs: CivilDate(year: 2024, month: 1, day: 16).daysSinceEpoch * 86_400_000 + 7 * 3_600_000,
            offsetMinutes: -300)
        return [
            RollupSeries(
                code: "heart_rate", loinc: "8867-4", unit: "count/min", granularity: .day,
                rows: [RollupRow(key: dayKey, stats: day)]),
            RollupSeries(
                code: "heart_rate", loinc: "8867-4", unit: "count/min", granularity: .hour,
                rows: [RollupRow(key: hourKey, stats: hour)]),
        ]
    }

    func testQueryJSON() throws {
        let text = QueryOutput.render(heartRateSeries(), format: "json")

        XCTAssertEqual(
            text,
            """
            [
              {"bucket": "2024-01-15", "count": 3, "sum": 302, "min": 56, "max": 150, "avg": 100.666666667, \
            "stddev": 38.5169515351, "first": 56, "last": 150, "unit": "count/min"},
              {"bucket": "2024-01-16T07:00-05:00", "count": 1, "sum": 70, "min": 70, "max": 70, "avg": 70, \
            "stddev": 0, "first": 70, "last": 70, "unit": "count/min"}
            ]

            """)
        let rows = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]
        XCTAssertEqual(rows?.count, 2)
        XCTAssertEqual(Set(rows?.first?.keys ?? [:].keys), Set(QueryOutput.columns))
        XCTAssertEqual(rows?.first?["avg"] as? Double ?? 0, 302.0 / 3, accuracy: 1e-9)
    }

    func testQueryCSVAndTable() {
        XCTAssertEqual(
            QueryOutput.render(heartRateSeries(), format: "csv"),
            "bucket,count,sum,min,max,avg,stddev,first,last,unit\r\n"
                + "2024-01-15,3,302,56,150,100.666666667,38.5169515351,56,150,count/min\r\n"
                + "2024-01-16T07:00-05:00,1,70,70,70,70,0,70,70,count/min\r\n")
        XCTAssertEqual(
            QueryOutput.render(heartRateSeries(), format: "table"),
            """
            bucket                  count  sum  min  max            avg         stddev  first  last  unit
            2024-01-15                  3  302   56  150  100.666666667  38.5169515351     56   150  count/min
            2024-01-16T07:00-05:00      1   70   70   70             70              0     70    70  count/min

            """)
    }

    func testEmptyQueryReply() {
        XCTAssertEqual(QueryOutput.render([], format: "json"), "[]\n")
        XCTAssertEqual(QueryOutput.render([], format: "csv"), "bucket,count,sum,min,max,avg,stddev,first,last,unit\r\n")
    }

    func testLatestAndStatus() {
        let values = [
            LatestValue(
                code: "body_weight", loinc: "29463-7", unit: "kg", time: utcMs("2023-12-04", 1, 7, 25, offset: 60),
                offsetMinutes: 60, value: 72.4),
            LatestValue(code: "steps", loinc: "55423-8", unit: "count", time: 0, offsetMinutes: 0, value: 100),
        ]
        XCTAssertEqual(
            LatestCommand.render(values, format: "json"),
            """
            [
              {"metric": "body_weight", "loinc": "29463-7", "value": 72.4, "unit": "kg", "time": "2023-12-04T01:07:25+01:00"},
              {"metric": "steps", "loinc": "55423-8", "value": 100, "unit": "count", "time": "1970-01-01T00:00:00Z"}
            ]

            """)
        XCTAssertEqual(
            LatestCommand.render(values, format: "table"),
            """
            metric       loinc    value  unit   time
            body_weight  29463-7   72.4  kg     2023-12-04T01:07:25+01:00
            steps        55423-8    100  count  1970-01-01T00:00:00Z

            """)
        let counters = [StatusCounter(name: "vitals.raw.failed", value: 2), StatusCounter(name: "users", value: 1)]
        XCTAssertEqual(StatusCommand.render(counters, format: "json"), "{\n  \"vitals.raw.failed\": 2,\n  \"users\": 1\n}\n")
        XCTAssertEqual(StatusCommand.render(counters, format: "csv"), "name,value\r\nvitals.raw.failed,2\r\nusers,1\r\n")
    }

    func testNumberFormatting() {
        let cases: [(Double, String?)] = [
            (0.1 + 0.2, "0.3"), (136.10000000000002, "136.1"), (5.0 / 3, "1.66666666667"), (72, "72"), (-0.0, "0"),
            (1e-7, "1e-07"), (1e20, "1e+20"), (123_456_789_012, "123456789012"), (-4.25, "-4.25"), (.nan, nil),
            (.infinity, nil),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(NumberFormatting.json(value), expected, "formatting \(value)")
        }
        XCTAssertEqual(NumberFormatting.jsonString("a\"b\\c\n\u{01}é"), "\"a\\\"b\\\\c\\n\\u0001é\"")
        XCTAssertEqual(NumberFormatting.csvField("a,b"), "\"a,b\"")
        XCTAssertEqual(NumberFormatting.csvField("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(NumberFormatting.csvField("plain"), "plain")
    }
}
