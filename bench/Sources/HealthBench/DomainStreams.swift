// Nutrition entries and lab results for the nutrition and lab ingest scenario: a day of meals with eight
// nutrients each, and lab panels named the way reports print them, so the name matcher runs on every result.

import HealthDomain
import HealthWire

enum DomainStreams {
    /// Records per submit.
    static let batchSize = 500

    /// `count` food entries of one user, four a day going back in time, cut into submits.
    static func nutrition(userIndex: Int, count: Int) -> [SubmitRecords] {
        var random = BenchRandom(seed: 100 + UInt64(userIndex))
        let meals = ["breakfast", "lunch", "snack", "dinner"]
        let nutrients = ["energy", "protein", "carbohydrate", "fat", "fiber", "sugar", "sodium", "potassium"]
        let startMs: Int64 = 1_704_067_200_000  // 2024-01-01T00:00:00Z
        let records = (0..<count).map { index in
            let day = Int64(index / meals.count)
            let amounts = nutrients.map { NutrientAmount(nutrient: $0, value: random.double(in: 1..<600), unit: "") }
            return NutritionRecord(
                eatenMs: startMs + day * 86_400_000 + Int64(7 + 4 * (index % meals.count)) * 3_600_000,
                offsetMinutes: 60, meal: meals[index % meals.count], food: "food \(index % 37)", amount: "1 serving",
                nutrients: amounts, source: "bench", sourceRecordId: random.uuidString())
        }
        return stride(from: 0, to: records.count, by: batchSize).map {
            .nutrition(Array(records[$0..<min($0 + batchSize, records.count)]))
        }
    }

    /// `count` lab results of one user: panels of nine tests every few days, cut into submits.
    static func labs(userIndex: Int, count: Int) -> [SubmitRecords] {
        var random = BenchRandom(seed: 200 + UInt64(userIndex))
        let tests: [(name: String, unit: String, low: Double, high: Double)] = [
            ("Hemoglobin A1c", "%", 4, 6.5), ("Glucose", "mg/dL", 70, 130), ("Cholesterol, Total", "mg/dL", 140, 260),
            ("HDL Cholesterol", "mg/dL", 35, 80), ("Triglycerides", "mg/dL", 60, 220), ("Creatinine", "mg/dL", 0.6, 1.5),
            ("TSH", "uIU/mL", 0.4, 5), ("Potassium", "mmol/L", 3.3, 5.3), ("ALT (SGPT)", "U/L", 8, 70),
        ]
        let startMs: Int64 = 1_577_880_000_000  // 2020-01-01T12:00:00Z
        let records = (0..<count).map { index in
            let test = tests[index % tests.count]
            let value = random.double(in: test.low..<test.high)
            return LabRecord(
                test: test.name, valueText: String(Double(Int((value * 100).rounded())) / 100), unit: test.unit,
                collectedMs: startMs + Int64(index / tests.count) * 3 * 86_400_000, offsetMinutes: 0,
                source: "bench", sourceRecordId: random.uuidString())
        }
        return stride(from: 0, to: records.count, by: batchSize).map {
            .labs(Array(records[$0..<min($0 + batchSize, records.count)]))
        }
    }
}
