// Rendering of nutrition and lab query replies built by hand (whole table, JSON and CSV outputs), and nutrition
// and lab queries run against the mock server.

import Foundation
import HealthDomain
import HealthWire
import XCTest

@testable import HealthCLI

final class QueryCommandTests: XCTestCase {
    func day(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        CivilDate(year: year, month: month, day: day).daysSinceEpoch
    }

    /// Statistics with the given count and sum; the other fields do not show in nutrition output.
    func totals(count: Int64, sum: Double) -> RollupStats {
        RollupStats(
            count: count, sum: sum, minimum: 0, maximum: sum, sumOfSquares: 0, firstTime: 0, firstValue: 0,
            lastTime: 0, lastValue: sum)
    }

    /// Protein per ISO week: 400.5 g in 9 entries over 5 days, then a week whose row reports no days.
    func proteinWeeks() -> [RollupSeries] {
        [
            RollupSeries(
                code: "protein", loinc: "", unit: "g", granularity: .week,
                rows: [
                    RollupRow(key: day(2024, 3, 4), stats: totals(count: 9, sum: 400.5), days: 5),
                    RollupRow(key: day(2024, 3, 11), stats: totals(count: 2, sum: 30), days: 0),
                ])
        ]
    }

    func testNutritionJSON() throws {
        let text = NutritionQueryOutput.render(proteinWeeks(), format: "json", byMeal: false, showNutrient: false)

        XCTAssertEqual(
            text,
            """
            [
              {"bucket": "2024-03-04", "total": 400.5, "entries": 9, "days": 5, "daily_avg": 80.1, "unit": "g"},
              {"bucket": "2024-03-11", "total": 30, "entries": 2, "days": 0, "daily_avg": null, "unit": "g"}
            ]

            """)
        let rows = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]
        XCTAssertEqual(Set(rows?.first?.keys ?? [:].keys), ["bucket", "total", "entries", "days", "daily_avg", "unit"])
    }

    func testNutritionTableAndCSV() {
        XCTAssertEqual(
            NutritionQueryOutput.render(proteinWeeks(), format: "table", byMeal: false, showNutrient: false),
            """
            bucket      total  entries  days  daily_avg  unit
            2024-03-04  400.5        9     5       80.1  g
            2024-03-11     30        2     0             g

            """)
        XCTAssertEqual(
            NutritionQueryOutput.render(proteinWeeks(), format: "csv", byMeal: false, showNutrient: false),
            "bucket,total,entries,days,daily_avg,unit\r\n2024-03-04,400.5,9,5,80.1,g\r\n2024-03-11,30,2,0,,g\r\n")
    }

    /// Per-meal series in an order unlike the output's, with energy after protein.
    func mealSeries() -> [RollupSeries] {
        let first = day(2024, 3, 10)
        let second = day(2024, 3, 11)
        func series(_ code: String, _ unit: String, _ meal: String, _ rows: [(Int64, Int64, Double)]) -> RollupSeries {
            RollupSeries(
                code: code, loinc: "", unit: unit, granularity: .day, group: meal,
                rows: rows.map { RollupRow(key: $0.0, stats: totals(count: $0.1, sum: $0.2), days: 1) })
        }
        return [
            series("protein", "g", "dinner", [(first, 1, 45), (second, 2, 50.25)]),
            series("protein", "g", "drinks", [(first, 1, 0.5)]),
            series("protein", "g", "lunch", [(second, 1, 12)]),
            series("protein", "g", "breakfast", [(first, 2, 18)]),
            series("energy", "kcal", "snack", [(first, 1, 150)]),
            series("energy", "kcal", "breakfast", [(first, 1, 320)]),
        ]
    }

    func testNutritionByMealRowOrder() {
        XCTAssertEqual(
            NutritionQueryOutput.render(mealSeries(), format: "table", byMeal: true, showNutrient: true),
            """
            nutrient  bucket      meal       total  entries  days  daily_avg  unit
            protein   2024-03-10  breakfast     18        2     1         18  g
            protein   2024-03-10  dinner        45        1     1         45  g
            protein   2024-03-10  drinks       0.5        1     1        0.5  g
            protein   2024-03-11  lunch         12        1     1         12  g
            protein   2024-03-11  dinner     50.25        2     1      50.25  g
            energy    2024-03-10  breakfast    320        1     1        320  kcal
            energy    2024-03-10  snack        150        1     1        150  kcal

            """)
        let json = NutritionQueryOutput.render(
            Array(mealSeries().prefix(1)), format: "json", byMeal: true, showNutrient: false)
        XCTAssertEqual(
            json,
            """
            [
              {"bucket": "2024-03-10", "meal": "dinner", "total": 45, "entries": 1, "days": 1, "daily_avg": 45, "unit": "g"},
              {"bucket": "2024-03-11", "meal": "dinner", "total": 50.25, "entries": 2, "days": 1, "daily_avg": 50.25, "unit": "g"}
            ]

            """)
        XCTAssertEqual(
            NutritionQueryOutput.render(Array(mealSeries().suffix(2)), format: "csv", byMeal: true, showNutrient: true),
            "nutrient,bucket,meal,total,entries,days,daily_avg,unit\r\n"
                + "energy,2024-03-10,breakfast,320,1,1,320,kcal\r\nenergy,2024-03-10,snack,150,1,1,150,kcal\r\n")
    }

    /// HbA1c per quarter: Q1 with three numeric results (5.2, 5.8, 6.1) and one censored, two of them abnormal;
    /// Q3 with two qualitative results only.
    func hba1cQuarters() -> [RollupSeries] {
        var numeric = RollupStats()
        numeric.add(5.2, at: 1_000)
        numeric.add(5.8, at: 2_000)
        numeric.add(6.1, at: 3_000)
        numeric.count += 1
        let qualitative = RollupStats(
            count: 2, sum: 0, minimum: .infinity, maximum: -.infinity, sumOfSquares: 0, firstTime: .max,
            firstValue: 0, lastTime: .min, lastValue: 0)
        return [
            RollupSeries(
                code: "4548-4", loinc: "4548-4", unit: "%", granularity: .quarter,
                rows: [
                    RollupRow(key: 2024 * 4, stats: numeric, abnormal: 2, censored: 1),
                    RollupRow(key: 2024 * 4 + 2, stats: qualitative, qualitative: 2),
                ])
        ]
    }

    func testLabsJSON() throws {
        let text = LabsQueryOutput.render(hba1cQuarters(), format: "json")

        XCTAssertEqual(
            text,
            """
            [
              {"bucket": "2024-Q1", "count": 4, "sum": 17.1, "min": 5.2, "max": 6.1, "avg": 5.7, "stddev": 0.374165738677, \
            "first": 5.2, "last": 6.1, "unit": "%", "abnormal": 2, "censored": 1, "qualitative": 0},
              {"bucket": "2024-Q3", "count": 2, "sum": null, "min": null, "max": null, "avg": null, "stddev": null, \
            "first": null, "last": null, "unit": "%", "abnormal": 0, "censored": 0, "qualitative": 2}
            ]

            """)
        let rows = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]
        XCTAssertEqual(rows?.count, 2)
        XCTAssertEqual(Set(rows?.first?.keys ?? [:].keys), Set(LabsQueryOutput.columns))
        XCTAssertEqual(rows?.first?["avg"] as? Double ?? 0, 17.1 / 3, accuracy: 1e-9)
    }

    func testLabsTableAndCSV() {
        XCTAssertEqual(
            LabsQueryOutput.render(hba1cQuarters(), format: "table"),
            """
            bucket   count   sum  min  max  avg          stddev  first  last  unit  abnormal  censored  qualitative
            2024-Q1      4  17.1  5.2  6.1  5.7  0.374165738677    5.2   6.1  %            2         1            0
            2024-Q3      2                                                    %            0         0            2

            """)
        XCTAssertEqual(
            LabsQueryOutput.render(hba1cQuarters(), format: "csv"),
            "bucket,count,sum,min,max,avg,stddev,first,last,unit,abnormal,censored,qualitative\r\n"
                + "2024-Q1,4,17.1,5.2,6.1,5.7,0.374165738677,5.2,6.1,%,2,1,0\r\n"
                + "2024-Q3,2,,,,,,,,%,0,0,2\r\n")
    }

    func testLabsBucketLabels() {
        let stats = totals(count: 1, sum: 1)
        for (granularity, key, label) in [
            (Granularity.day, day(2025, 2, 1), "2025-02-01"), (.month, Int64(2025 * 12 + 1), "2025-02"),
            (.quarter, Int64(2025 * 4 + 3), "2025-Q4"), (.year, Int64(2025), "2025"),
        ] {
            let series = RollupSeries(
                code: "2345-7", loinc: "2345-7", unit: "mg/dL", granularity: granularity,
                rows: [RollupRow(key: key, stats: stats)])
            XCTAssertTrue(
                LabsQueryOutput.render([series], format: "csv").hasSuffix("\r\n\(label),1,1,0,1,1,0,0,1,mg/dL,0,0,0\r\n"),
                "\(granularity)")
        }
    }

    func testEmptyRepliesOfEachDomain() {
        XCTAssertEqual(NutritionQueryOutput.render([], format: "json", byMeal: true, showNutrient: false), "[]\n")
        XCTAssertEqual(LabsQueryOutput.render([], format: "json"), "[]\n")
        XCTAssertEqual(
            NutritionQueryOutput.render([], format: "csv", byMeal: false, showNutrient: false),
            "bucket,total,entries,days,daily_avg,unit\r\n")
    }

    func testNutritionQueryAgainstMockServer() throws {
        let series = mealSeries()
        let server = try MockServer { message in
            guard case .query = message else { return MockServer.standardReply(message) }
            return .queryReply(QueryReply(series: series))
        }
        defer { server.stop() }

        let run = runCLI([
            "query", "--user", "ann", "--nutrient", "protein", "--nutrient", "energy", "--by-meal", "--from",
            "2024-03-10", "--to", "2024-03-11", "--format", "csv", "--server", "127.0.0.1:\(server.port)",
        ])

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(run.error, "")
        XCTAssertEqual(
            run.output, NutritionQueryOutput.render(series, format: "csv", byMeal: true, showNutrient: true))
        let queries = server.messages.compactMap { message -> Query? in
            guard case .query(let query) = message else { return nil }
            return query
        }
        XCTAssertEqual(
            queries,
            [
                Query(
                    user: "ann", domain: .nutrition, codes: ["protein", "energy"], granularity: .day,
                    from: CivilDate(year: 2024, month: 3, day: 10), to: CivilDate(year: 2024, month: 3, day: 11),
                    byMeal: true)
            ])
    }

    func testLabsQueryAgainstMockServer() throws {
        let series = hba1cQuarters()
        let server = try MockServer { message in
            guard case .query = message else { return MockServer.standardReply(message) }
            return .queryReply(QueryReply(series: series))
        }
        defer { server.stop() }

        let run = runCLI([
            "query", "--user", "ann", "--test", "HbA1c", "--granularity", "quarter", "--from", "2024-01-01", "--to",
            "2024-12-31", "--server", "127.0.0.1:\(server.port)",
        ])

        XCTAssertEqual(run.status, 0, run.error)
        XCTAssertEqual(run.output, LabsQueryOutput.render(series, format: "table"))
        guard case .query(let query)? = server.messages.last else { return XCTFail("no query received") }
        XCTAssertEqual(query.domain, .labs)
        XCTAssertEqual(query.codes, ["HbA1c"])
        XCTAssertEqual(query.granularity, .quarter)
        XCTAssertFalse(query.byMeal)
    }
}
