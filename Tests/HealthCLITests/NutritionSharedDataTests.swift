// The nutrition importers on the real sample exports kept next to the package (skipped when they are absent): every
// file parses without rejected rows, every column is known, and per-day energy and protein totals equal sums made
// independently.
//
// The expected totals were computed with a few lines of Python 3: csv.DictReader over each file (opened with
// encoding="utf-8-sig", newline=""), adding the `Energy (kcal)` (MyFitnessPal: `Calories`) and `Protein (g)` cells as
// decimal.Decimal per `Day` or `Date` value, with empty cells left out.

import HealthDomain
import XCTest

@testable import HealthCLI

final class NutritionSharedDataTests: XCTestCase {
    /// Energy (kcal) and protein (g) totals per local date of the records.
    private func dayTotals(_ records: [NutritionRecord]) -> [String: (energy: Double, protein: Double)] {
        var totals: [String: (energy: Double, protein: Double)] = [:]
        for record in records {
            let day = CivilDate(daysSinceEpoch: record.eatenMs / 86_400_000).description
            var total = totals[day] ?? (0, 0)
            for amount in record.nutrients {
                if amount.nutrient == "energy" {
                    XCTAssertEqual(amount.unit, "kcal")
                    total.energy += amount.value
                } else if amount.nutrient == "protein" {
                    XCTAssertEqual(amount.unit, "g")
                    total.protein += amount.value
                }
            }
            totals[day] = total
        }
        return totals
    }

    private func assertTotals(
        _ records: [NutritionRecord], _ expected: [String: (Double, Double)], file: StaticString = #filePath,
        line: UInt = #line
    ) {
        let totals = dayTotals(records)
        XCTAssertEqual(Set(totals.keys), Set(expected.keys), "days", file: file, line: line)
        for (day, (energy, protein)) in expected {
            XCTAssertEqual(totals[day]?.energy ?? -1, energy, accuracy: 1e-6, "energy on \(day)", file: file, line: line)
            XCTAssertEqual(
                totals[day]?.protein ?? -1, protein, accuracy: 1e-6, "protein on \(day)", file: file, line: line)
        }
    }

    func testCronometerServingsTwelveHour() throws {
        let result = try importNutrition(path: try sharedNutritionFile("cronometer-dhjelmar-servings.csv"))
        XCTAssertEqual(result.format, .cronometerServings)
        XCTAssertEqual(result.records.count, 98)
        XCTAssertEqual(result.rejected, [])
        XCTAssertEqual(result.report.skippedRows, [])
        XCTAssertEqual(result.skippedColumns, [:])
        XCTAssertEqual(Set(result.records.map(\.meal)), ["breakfast", "lunch", "dinner", "snack"])
        XCTAssertEqual(result.records.first?.eatenMs, wallClockMs(2022, 11, 3, 9, 51))
        XCTAssertEqual(result.records.first?.amount, "4.00 medium")
        XCTAssertEqual(result.records.first?.nutrients.count, 51)
        XCTAssertEqual(Set(result.records.compactMap(\.sourceRecordId)).count, 98)
        assertTotals(result.records, [
            "2022-11-03": (2752.60, 267.12), "2022-11-04": (2279.27, 173.52), "2022-11-05": (2935.30, 320.22),
            "2022-11-06": (2468.53, 220.16), "2022-11-07": (3071.38, 331.19), "2022-11-08": (3157.37, 189.80),
            "2022-11-09": (3217.07, 346.88),
        ])
    }

    func testCronometerServingsTwentyFourHour() throws {
        let result = try importNutrition(path: try sharedNutritionFile("cronometer-davidgma-servings.csv"))
        XCTAssertEqual(result.format, .cronometerServings)
        XCTAssertEqual(result.records.count, 116)
        XCTAssertEqual(result.rejected, [])
        XCTAssertEqual(result.skippedColumns, [:])
        XCTAssertEqual(Set(result.records.map(\.meal)), ["breakfast", "lunch", "dinner", "Drinks"])
        XCTAssertEqual(result.records.first?.eatenMs, wallClockMs(2020, 7, 15, 5, 17))
        // The second row has no time, so it is at local noon.
        XCTAssertEqual(result.records[1].eatenMs, wallClockMs(2020, 7, 15, 12, 0))
        XCTAssertEqual(Set(result.records.compactMap(\.sourceRecordId)).count, 116)
        assertTotals(result.records, [
            "2020-07-15": (2432.67, 121.77), "2020-07-16": (2479.57, 129.39), "2020-07-17": (2339.27, 106.97),
        ])
    }

    func testCronometerDailySummaryShort() throws {
        let result = try importNutrition(path: try sharedNutritionFile("cronometer-dawndrain-dailysummary.csv"))
        XCTAssertEqual(result.format, .cronometerDailySummary)
        XCTAssertEqual(result.records.count, 1)
        XCTAssertEqual(result.rejected, [])
        XCTAssertEqual(result.skippedColumns, [:])
        XCTAssertEqual(result.records.first?.nutrients.count, 52)
        assertTotals(result.records, ["2025-03-06": (1477.23, 102.79)])
    }

    /// 294 rows, of which 29 days have no values at all and are skipped. Python gave a total energy of 536910.24 kcal
    /// and protein of 31504.02 g over the 265 days with values. The first and last three days are checked one by one.
    func testCronometerDailySummaryLong() throws {
        let result = try importNutrition(path: try sharedNutritionFile("cronometer-maximumpeaches-dailysummary.csv"))
        XCTAssertEqual(result.format, .cronometerDailySummary)
        XCTAssertEqual(result.report.rowsRead, 294)
        XCTAssertEqual(result.records.count, 265)
        XCTAssertEqual(result.report.skippedRows.count, 29)
        XCTAssertEqual(result.report.skippedRows.first, NutritionRowIssue(line: 108, reason: "no nutrient values for 2024-02-05"))
        XCTAssertEqual(result.rejected, [])
        XCTAssertEqual(result.skippedColumns, [:])

        let totals = dayTotals(result.records)
        XCTAssertEqual(totals.count, 265)
        XCTAssertEqual(totals.values.reduce(0) { $0 + $1.energy }, 536_910.24, accuracy: 1e-6)
        XCTAssertEqual(totals.values.reduce(0) { $0 + $1.protein }, 31_504.02, accuracy: 1e-6)
        let days: [String: (Double, Double)] = [
            "2023-09-17": (1813.11, 95.96), "2023-09-18": (1633.47, 108.66), "2023-09-19": (2902.26, 135.24),
            "2024-09-13": (2061.52, 94.35), "2024-09-14": (2821.57, 153.62), "2024-09-15": (1494.80, 95.42),
        ]
        for (day, (energy, protein)) in days {
            XCTAssertEqual(totals[day]?.energy ?? -1, energy, accuracy: 1e-6, day)
            XCTAssertEqual(totals[day]?.protein ?? -1, protein, accuracy: 1e-6, day)
        }
    }

    func testMyFitnessPalSummary() throws {
        let result = try importNutrition(path: try sharedNutritionFile("myfitnesspal-dawndrain-nutrition-summary.csv"))
        XCTAssertEqual(result.format, .myFitnessPal)
        XCTAssertEqual(result.records.map(\.meal), ["breakfast", "dinner", "lunch"])
        XCTAssertEqual(result.rejected, [])
        // The Note column is empty in every row, so nothing is skipped.
        XCTAssertEqual(result.skippedColumns, [:])
        let breakfast = result.records[0].nutrients
        XCTAssertEqual(breakfast.first { $0.nutrient == "calcium_dv" }, NutrientAmount(nutrient: "calcium_dv", value: 7.2, unit: "%DV"))
        XCTAssertEqual(breakfast.first { $0.nutrient == "iron_dv" }, NutrientAmount(nutrient: "iron_dv", value: 13.9, unit: "%DV"))
        XCTAssertNil(breakfast.first { $0.nutrient == "calcium" })
        assertTotals(result.records, ["2025-03-06": (1249.5, 51.6)])
    }

    /// Python counted 91 Blood Glucose rows summing to 22942 mg/dL, 3 Heart Rate (Garmin) rows summing to 257 bpm,
    /// 30 Insulin rows and 3 Sleep (Garmin) rows.
    func testCronometerBiometrics() throws {
        let result = try importNutrition(path: try sharedNutritionFile("cronometer-dhjelmar-biometrics.csv"))
        XCTAssertEqual(result.format, .cronometerBiometrics)
        XCTAssertEqual(result.rejected, [])
        XCTAssertEqual(result.report.skippedMetrics, ["Insulin": 30, "Sleep (Garmin)": 3])
        let glucose = result.vitals.filter { $0.metric == "blood_glucose" }
        let heartRate = result.vitals.filter { $0.metric == "heart_rate" }
        XCTAssertEqual(glucose.count, 91)
        XCTAssertEqual(heartRate.count, 3)
        XCTAssertEqual(result.vitals.count, 94)
        XCTAssertEqual(glucose.reduce(0) { $0 + $1.value }, 22_942, accuracy: 1e-9)
        XCTAssertEqual(heartRate.reduce(0) { $0 + $1.value }, 257, accuracy: 1e-9)
        XCTAssertEqual(Set(glucose.map(\.unit)), ["mg/dL"])
        XCTAssertEqual(heartRate.first?.startMs, wallClockMs(2022, 11, 3, 0, 0))
        XCTAssertEqual(glucose.first?.startMs, wallClockMs(2022, 11, 3, 8, 30))
        XCTAssertEqual(Set(result.vitals.compactMap(\.sourceRecordId)).count, 94)
    }
}
