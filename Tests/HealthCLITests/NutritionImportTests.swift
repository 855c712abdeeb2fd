// The nutrition importers on small hand-written fixtures, one or more per format, with the exact records, rejected
// rows and skipped columns expected from each.

import HealthDomain
import XCTest

@testable import HealthCLI

final class NutritionImportTests: XCTestCase {
    private func amount(_ nutrient: String, _ value: Double, _ unit: String) -> NutrientAmount {
        NutrientAmount(nutrient: nutrient, value: value, unit: unit)
    }

    private func assertRecords(
        _ actual: [NutritionRecord], _ expected: [NutritionRecord], file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(actual.count, expected.count, "record count", file: file, line: line)
        for (index, (got, want)) in zip(actual, expected).enumerated() {
            XCTAssertEqual(got, want, "record \(index)", file: file, line: line)
        }
    }

    // MARK: - Cronometer servings

    func testCronometerServingsTwelveHourFixture() throws {
        let result = try importNutrition(path: nutritionFixture("cronometer-servings.csv"))
        XCTAssertEqual(result.format, .cronometerServings)
        let tea = "Tea, \"Earl Grey\""
        assertRecords(result.records, [
            NutritionRecord(
                eatenMs: wallClockMs(2023, 4, 1, 7, 5), offsetMinutes: nil, meal: "breakfast", food: "Oats, rolled",
                amount: "40.00 g",
                nutrients: [
                    amount("energy", 150.4, "kcal"), amount("protein", 5.2, "g"), amount("carbohydrate", 27, "g"),
                    amount("vitamin_b12", 0, "µg"),
                ],
                source: "cronometer", sourceRecordId: "2023-04-01T07:05|Breakfast|Oats, rolled|0"),
            NutritionRecord(
                eatenMs: wallClockMs(2023, 4, 1, 12, 0), offsetMinutes: nil, meal: "lunch", food: "Lentil soup",
                amount: "1.00 bowl",
                nutrients: [amount("energy", 230, "kcal"), amount("protein", 12.5, "g"), amount("vitamin_d", 40, "IU")],
                source: "cronometer", sourceRecordId: "2023-04-01T12:00|Lunch|Lentil soup|0"),
            NutritionRecord(
                eatenMs: wallClockMs(2023, 4, 1, 0, 0), offsetMinutes: nil, meal: "snack", food: "Apple",
                amount: "1.00 medium",
                nutrients: [amount("energy", 95, "kcal"), amount("protein", 0.5, "g"), amount("carbohydrate", 25.1, "g")],
                source: "cronometer", sourceRecordId: "2023-04-01T00:00|Snacks|Apple|0"),
            NutritionRecord(
                eatenMs: wallClockMs(2023, 4, 1, 21, 30), offsetMinutes: nil, meal: "Drinks", food: tea,
                amount: "250.00 g",
                nutrients: [amount("energy", 2.5, "kcal"), amount("protein", 0, "g"), amount("carbohydrate", 0.7, "g")],
                source: "cronometer", sourceRecordId: "2023-04-01T21:30|Drinks|\(tea)|0"),
            NutritionRecord(
                eatenMs: wallClockMs(2023, 4, 1, 21, 30), offsetMinutes: nil, meal: "Drinks", food: tea,
                amount: "250.00 g",
                nutrients: [amount("energy", 2.5, "kcal"), amount("protein", 0, "g"), amount("carbohydrate", 0.7, "g")],
                source: "cronometer", sourceRecordId: "2023-04-01T21:30|Drinks|\(tea)|1"),
            NutritionRecord(
                eatenMs: wallClockMs(2023, 4, 2, 12, 0), offsetMinutes: nil, meal: "dinner", food: "Rice, white",
                amount: "1.00 cup",
                nutrients: [amount("energy", 205, "kcal"), amount("protein", 4.3, "g"), amount("carbohydrate", 44.5, "g")],
                source: "cronometer", sourceRecordId: "2023-04-02|Dinner|Rice, white|0"),
        ])
        XCTAssertEqual(result.rejected, [
            NutritionRowIssue(line: 8, reason: "invalid number 'abc' in column 'Energy (kcal)'"),
            NutritionRowIssue(line: 9, reason: "invalid date '2023-04-31': expected YYYY-MM-DD"),
            NutritionRowIssue(
                line: 10,
                reason: "invalid time '25:00': expected a 24-hour time such as 05:17 or a 12-hour time such as 9:51 AM"),
            NutritionRowIssue(
                line: 11, reason: "invalid amount -71.70 in column 'Energy (kcal)': an amount cannot be negative"),
        ])
        XCTAssertEqual(result.skippedColumns, ["Mystery Compound (mg)": 2])
        XCTAssertEqual(result.report.rowsRead, 10)
        XCTAssertEqual(result.report.skippedRows, [])
        XCTAssertEqual(result.vitals, [])
    }

    func testCronometerServingsTwentyFourHourFixture() throws {
        let result = try importNutrition(path: nutritionFixture("cronometer-servings-24h.csv"))
        XCTAssertEqual(result.format, .cronometerServings)
        assertRecords(result.records, [
            NutritionRecord(
                eatenMs: wallClockMs(2021, 2, 10, 5, 17), offsetMinutes: nil, meal: "Drinks", food: "Green tea",
                amount: "600.00 g",
                nutrients: [
                    amount("energy", 6, "kcal"), amount("retinol", 0, "µg"), amount("vitamin_a_iu", 0, "IU"),
                    amount("fat", 0, "g"), amount("protein", 1.32, "g"),
                ],
                source: "cronometer", sourceRecordId: "2021-02-10T05:17|Drinks|Green tea|0"),
            NutritionRecord(
                eatenMs: wallClockMs(2021, 2, 10, 12, 0), offsetMinutes: nil, meal: "breakfast", food: "Egg, boiled",
                amount: "50.00 g",
                nutrients: [
                    amount("energy", 77.5, "kcal"), amount("retinol", 80.1, "µg"), amount("vitamin_a_iu", 266.5, "IU"),
                    amount("fat", 5.3, "g"), amount("protein", 6.3, "g"),
                ],
                source: "cronometer", sourceRecordId: "2021-02-10|Breakfast|Egg, boiled|0"),
            NutritionRecord(
                eatenMs: wallClockMs(2021, 2, 10, 18, 40), offsetMinutes: nil, meal: "dinner", food: "Salmon",
                amount: "120.00 g",
                nutrients: [amount("energy", 249.6, "kcal"), amount("fat", 14.8, "g"), amount("protein", 27.1, "g")],
                source: "cronometer", sourceRecordId: "2021-02-10T18:40|Dinner|Salmon|0"),
        ])
        XCTAssertEqual(result.rejected, [])
        XCTAssertEqual(result.skippedColumns, [:])
    }

    func testCronometerServingsIdsRepeatOnReimport() throws {
        let first = try importNutrition(path: nutritionFixture("cronometer-servings.csv"))
        let second = try importNutrition(path: nutritionFixture("cronometer-servings.csv"))
        XCTAssertEqual(first.records.map(\.sourceRecordId), second.records.map(\.sourceRecordId))
        let ids = first.records.compactMap(\.sourceRecordId)
        XCTAssertEqual(Set(ids).count, first.records.count)
    }

    func testSourceRecordIdEscapesSeparator() throws {
        let text = "Day,Time,Group,Food Name,Amount,Energy (kcal)\n2023-01-01,08:00,A|B,C\\D,1,5\n"
        let result = try importNutrition(text: text)
        XCTAssertEqual(result.records.first?.sourceRecordId, "2023-01-01T08:00|A\\|B|C\\\\D|0")
    }

    func testClockTimes() {
        let cases: [(String, Int?)] = [
            ("9:51 AM", (9 * 60 + 51) * 60_000), ("9:51 am", (9 * 60 + 51) * 60_000), ("12:00 AM", 0),
            ("12:30 PM", (12 * 60 + 30) * 60_000), ("11:59 PM", (23 * 60 + 59) * 60_000), ("9:51PM", (21 * 60 + 51) * 60_000),
            ("05:17", (5 * 60 + 17) * 60_000), ("5:17", (5 * 60 + 17) * 60_000), ("23:59:30", (23 * 3600 + 59 * 60 + 30) * 1000),
            ("00:00", 0),
            ("24:00", nil), ("13:00 PM", nil), ("0:30 AM", nil), ("9:5", nil), ("9:60", nil), ("noon", nil), ("", nil),
            ("9", nil), ("123:00", nil), ("9:51 XM", nil), ("١:٠٠", nil),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(LocalDateTime.parseClockTime(text), expected, "'\(text)'")
        }
    }

    // MARK: - Cronometer daily summary

    func testCronometerDailySummaryFixture() throws {
        let result = try importNutrition(path: nutritionFixture("cronometer-dailysummary.csv"))
        XCTAssertEqual(result.format, .cronometerDailySummary)
        assertRecords(result.records, [
            NutritionRecord(
                eatenMs: wallClockMs(2024, 1, 5, 12, 0), offsetMinutes: nil, meal: "daily total", food: "Daily summary",
                nutrients: [
                    amount("energy", 1800.5, "kcal"), amount("protein", 90.25, "g"), amount("sodium", 2100, "mg"),
                    amount("oxalate", 150.2, "mg"), amount("vitamin_a", 700, "µg"),
                ],
                source: "cronometer", sourceRecordId: "daily|2024-01-05|0"),
            NutritionRecord(
                eatenMs: wallClockMs(2024, 1, 7, 12, 0), offsetMinutes: nil, meal: "daily total", food: "Daily summary",
                nutrients: [
                    amount("energy", 2100, "kcal"), amount("protein", 110, "g"), amount("sodium", 1900.5, "mg"),
                    amount("oxalate", 95, "mg"), amount("vitamin_a", 650.4, "µg"), amount("hydroxyproline", 0.05, "g"),
                ],
                source: "cronometer", sourceRecordId: "daily|2024-01-07|0"),
        ])
        XCTAssertEqual(result.report.skippedRows, [NutritionRowIssue(line: 3, reason: "no nutrient values for 2024-01-06")])
        XCTAssertEqual(result.rejected, [])
        XCTAssertEqual(result.skippedColumns, [:])
        XCTAssertEqual(result.report.rowsRead, 3)
    }

    // MARK: - Cronometer biometrics

    func testCronometerBiometricsFixture() throws {
        let result = try importNutrition(path: nutritionFixture("cronometer-biometrics.csv"))
        XCTAssertEqual(result.format, .cronometerBiometrics)
        XCTAssertEqual(result.records, [])
        XCTAssertEqual(result.vitals, [
            VitalRecord(
                metric: "heart_rate", value: 58, unit: "bpm", startMs: wallClockMs(2022, 6, 1, 0, 0), offsetMinutes: nil,
                source: "cronometer", sourceRecordId: "2022-06-01T00:00|Heart Rate (Garmin)|0"),
            VitalRecord(
                metric: "blood_glucose", value: 112, unit: "mg/dL", startMs: wallClockMs(2022, 6, 1, 7, 45),
                offsetMinutes: nil, source: "cronometer", sourceRecordId: "2022-06-01T07:45|Blood Glucose|0"),
            VitalRecord(
                metric: "body_weight", value: 165.4, unit: "lbs", startMs: wallClockMs(2022, 6, 1, 12, 0),
                offsetMinutes: nil, source: "cronometer", sourceRecordId: "2022-06-01|Weight|0"),
        ])
        XCTAssertEqual(result.report.skippedMetrics, ["Sleep (Garmin)": 1, "Insulin": 2])
        XCTAssertEqual(
            result.rejected, [NutritionRowIssue(line: 8, reason: "invalid amount 'n/a' for Blood Glucose: expected a number")])
        XCTAssertEqual(result.report.skippedRows, [])
        XCTAssertEqual(result.report.rowsRead, 7)
    }

    func testBiometricsMetricsExistInVitalsCatalog() throws {
        let text = try String(
            contentsOf: packageRoot.appendingPathComponent("schema/vitals-catalog.tsv"), encoding: .utf8)
        let catalog = try VitalsCatalog(tsv: text)
        for (name, shortName) in CronometerBiometricsParser.metrics {
            XCTAssertEqual(catalog.metric(named: shortName)?.shortName, shortName, name)
        }
        XCTAssertEqual(CronometerBiometricsParser.vitalMetric(for: "Heart Rate (Garmin)"), "heart_rate")
        XCTAssertEqual(CronometerBiometricsParser.vitalMetric(for: "BLOOD GLUCOSE"), "blood_glucose")
        XCTAssertNil(CronometerBiometricsParser.vitalMetric(for: "Insulin"))
        XCTAssertNil(CronometerBiometricsParser.vitalMetric(for: "Sleep (Garmin)"))
    }

    // MARK: - MyFitnessPal

    func testMyFitnessPalFixture() throws {
        let result = try importNutrition(path: nutritionFixture("myfitnesspal-summary.csv"))
        XCTAssertEqual(result.format, .myFitnessPal)
        func meal(
            _ name: String, _ meal: String, _ values: [Double]
        ) -> NutritionRecord {
            let names: [(String, String)] = [
                ("energy", "kcal"), ("fat", "g"), ("saturated_fat", "g"), ("cholesterol", "mg"), ("sodium", "mg"),
                ("potassium", "mg"), ("carbohydrate", "g"), ("fiber", "g"), ("sugar", "g"), ("protein", "g"),
                ("vitamin_a_dv", "%DV"), ("vitamin_c_dv", "%DV"), ("calcium_dv", "%DV"), ("iron_dv", "%DV"),
            ]
            return NutritionRecord(
                eatenMs: wallClockMs(2024, 3, 10, 12, 0), offsetMinutes: nil, meal: meal, food: "Meal total",
                nutrients: zip(names, values).map { amount($0.0, $1, $0.1) }, source: "myfitnesspal",
                sourceRecordId: "2024-03-10|\(name)|0")
        }
        assertRecords(result.records, [
            meal("Dinner", "dinner", [640, 22, 6.5, 85, 900, 700, 60, 8, 5, 45, 10, 25, 12, 20]),
            meal("Breakfast", "breakfast", [320, 9, 2, 190, 400, 250, 40, 5, 12, 18, 8, 0, 15, 10]),
            meal("Snacks", "snack", [150, 7.5, 1, 0, 90, 180, 18, 3, 9, 4, 0, 6, 2, 4]),
        ])
        XCTAssertEqual(result.skippedColumns, ["Note": 1])
        XCTAssertEqual(result.rejected, [])
    }

    func testMyFitnessPalPercentColumnsStayPercent() throws {
        let text = "Date,Meal,Calcium,Iron,Vitamin A,Vitamin C\n2024-01-01,Lunch,12,20,5,7\n"
        let nutrients = try importNutrition(text: text).records.first?.nutrients ?? []
        XCTAssertEqual(nutrients.map(\.nutrient), ["calcium_dv", "iron_dv", "vitamin_a_dv", "vitamin_c_dv"])
        XCTAssertEqual(Set(nutrients.map(\.unit)), ["%DV"])
    }

    // MARK: - Nutrition CSV

    func testNutritionCSVFixture() throws {
        let result = try importNutrition(path: nutritionFixture("nutrition.csv"))
        XCTAssertEqual(result.format, .nutritionCSV)
        let utcMorning = wallClockMs(2024, 5, 1, 6, 15)
        assertRecords(result.records, [
            NutritionRecord(
                eatenMs: utcMorning, offsetMinutes: 120, meal: "breakfast", food: "Porridge", amount: "1 bowl",
                nutrients: [
                    amount("energy", 1255.2, "kJ"), amount("protein", 6.5, "g"), amount("fat", 3.2, "g"),
                    amount("vitamin_b12", 0.4, "µg"),
                ],
                source: "nutrition-csv", sourceRecordId: "p-1"),
            NutritionRecord(
                eatenMs: wallClockMs(2024, 5, 1, 12, 30), offsetMinutes: nil, meal: "lunch", food: "Soup, tomato",
                amount: "300 ml",
                nutrients: [
                    amount("energy", 400, "kJ"), amount("protein", 2, "g"), amount("fat", 1.5, "g"),
                    amount("calcium_dv", 4, "%DV"),
                ],
                source: "nutrition-csv", sourceRecordId: "2024-05-01 12:30|lunch|Soup, tomato|0"),
            NutritionRecord(
                eatenMs: wallClockMs(2024, 5, 2, 12, 0), offsetMinutes: nil, meal: "snack", food: "Almonds",
                amount: "30 g",
                nutrients: [
                    amount("energy", 731, "kJ"), amount("protein", 6.3, "g"), amount("fat", 14.9, "g"),
                    amount("calcium_dv", 8, "%DV"),
                ],
                source: "nutrition-csv", sourceRecordId: "2024-05-02|Snacks|Almonds|0"),
        ])
        XCTAssertEqual(result.skippedColumns, ["flavour score": 2])
        XCTAssertEqual(result.rejected, [])
    }

    func testNutritionCSVSemicolonsAndDecimalCommas() throws {
        let result = try importNutrition(path: nutritionFixture("nutrition-semicolon.csv"))
        XCTAssertEqual(result.format, .nutritionCSV)
        assertRecords(result.records, [
            NutritionRecord(
                eatenMs: wallClockMs(2024, 5, 3, 19, 0), offsetMinutes: 0, meal: "dinner", food: "Pasta; pesto",
                amount: "1 plate",
                nutrients: [amount("energy", 1045.5, "kcal"), amount("protein", 30.25, "g"), amount("sodium", 1200, "mg")],
                source: "nutrition-csv", sourceRecordId: "2024-05-03T19:00:00Z|dinner|Pasta; pesto|0"),
            NutritionRecord(
                eatenMs: wallClockMs(2024, 5, 3, 21, 0), offsetMinutes: 0, meal: "snack", food: "Chocolate",
                amount: "20 g", nutrients: [amount("energy", 110, "kcal"), amount("protein", 1.6, "g")],
                source: "nutrition-csv", sourceRecordId: "2024-05-03T21:00:00Z|snack|Chocolate|0"),
        ])
        XCTAssertEqual(result.rejected, [NutritionRowIssue(line: 4, reason: "invalid number '12,5,0' in column 'energy (kcal)'")])
    }

    func testNutritionCSVRejectsBadRows() throws {
        let text = "time,food,protein\nyesterday,Toast,3\n2024-01-01T08:00:00Z,,3\n2024-01-01T08:00:00Z,Toast,3\n"
        let result = try importNutrition(text: text)
        XCTAssertEqual(result.records.count, 1)
        XCTAssertEqual(result.rejected.map(\.line), [2, 3])
        XCTAssertEqual(result.rejected.last?.reason, "missing food name")
        XCTAssertTrue(result.rejected.first?.reason.hasPrefix("invalid time 'yesterday'") ?? false)
    }

    // MARK: - Importer behaviour shared by the formats

    func testDetectFormat() {
        let cases: [([String], NutritionFormat?)] = [
            (["Day", "Time", "Group", "Food Name", "Amount", "Energy (kcal)"], .cronometerServings),
            (["Date", "Energy (kcal)", "Completed"], .cronometerDailySummary),
            (["Day", "Time", "Group", "Metric", "Unit", "Amount"], .cronometerBiometrics),
            (["Date", "Meal", "Calories", "Note"], .myFitnessPal),
            (["TIME", "Food", "protein (g)"], .nutritionCSV),
            (["PatientID", "Test", "Result"], nil),
        ]
        for (names, expected) in cases {
            XCTAssertEqual(NutritionFormat.detect(header: CSVHeader(names)), expected, names.joined(separator: ","))
        }
    }

    func testUnknownFormatAndMissingColumn() throws {
        XCTAssertThrowsError(try importNutrition(text: "PatientID,Test,Result\n1,TSH,2\n")) { error in
            XCTAssertEqual(error as? NutritionImportError, .unknownFormat(header: ["PatientID", "Test", "Result"]))
        }
        XCTAssertThrowsError(try importNutrition(text: "Day,Food Name\n", format: .cronometerServings)) { error in
            XCTAssertEqual(error as? NutritionImportError, .missingColumn(name: "Time", format: .cronometerServings))
            XCTAssertEqual(
                (error as? NutritionImportError)?.description, "missing column 'Time' for the cronometer-servings format")
        }
        XCTAssertThrowsError(try importNutrition(text: "\n\n")) { error in
            XCTAssertEqual(error as? NutritionImportError, .emptyFile)
        }
    }

    func testExtraFieldsRejectRow() throws {
        let text = "time,food,protein\n2024-01-01,Toast, buttered,3\n2024-01-01,Jam,1,,\n"
        let result = try importNutrition(text: text)
        XCTAssertEqual(result.records.map(\.food), ["Jam"])
        XCTAssertEqual(result.rejected, [
            NutritionRowIssue(
                line: 2, reason: "expected 3 fields as in the header, found 4; quote cells that contain ','"),
        ])
    }

    func testInvalidUTF8RejectsOneRow() throws {
        let bytes = Array("time,food,protein\n".utf8) + Array("2024-01-01,Caf".utf8) + [0xE9] + Array(",2\n".utf8)
            + Array("2024-01-02,Tea,0\n".utf8)
        var importer = try NutritionImporter(reader: CSVReader(bytes: bytes), catalog: try nutrientCatalog())
        let result = try importer.readAll()
        XCTAssertEqual(result.records.map(\.food), ["Tea"])
        XCTAssertEqual(result.rejected, [NutritionRowIssue(line: 2, reason: "invalid UTF-8; save the file as UTF-8")])
        XCTAssertEqual(result.report.rowsRead, 2)
    }

    func testDuplicateNutrientColumnIsSkipped() throws {
        let text = "Date,Meal,Sugar,Sugars (g)\n2024-01-01,Lunch,5,6\n"
        let result = try importNutrition(text: text)
        XCTAssertEqual(result.records.first?.nutrients, [amount("sugar", 5, "g")])
        XCTAssertEqual(result.skippedColumns, ["Sugars (g)": 1])
    }

    func testSourceOverride() throws {
        var importer = try NutritionImporter(
            reader: CSVReader(text: "time,food\n2024-01-01,Tea\n"), catalog: try nutrientCatalog(), source: "my-app")
        XCTAssertEqual(try importer.readAll().records.first?.source, "my-app")
    }

    func testStreamingMatchesReadAll() throws {
        let path = nutritionFixture("cronometer-servings.csv")
        var importer = try NutritionImporter(path: path, catalog: try nutrientCatalog())
        var streamed: [NutritionRecord] = []
        while let record = try importer.next() {
            guard case .nutrition(let nutrition) = record else { return XCTFail("expected a nutrition record") }
            streamed.append(nutrition)
        }
        let whole = try importNutrition(path: path)
        XCTAssertEqual(streamed, whole.records)
        XCTAssertEqual(importer.report, whole.report)
    }
}
