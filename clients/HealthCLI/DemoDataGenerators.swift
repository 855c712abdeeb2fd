// Seeded generators of demo nutrition logs and lab tables, in the project's own nutrition-csv layout and in the
// lab importer's default CSV layout, so the demo and the tests exercise every domain without outside files.

import HealthDomain

/// Writes a food log of `days` days ending on `lastDay`: three meals and a snack a day, a few foods each.
struct NutritionLogGenerator {
    struct Food {
        let name: String
        let amount: String
        let energy: Double
        let protein: Double
        let carbohydrate: Double
        let fat: Double
        let fiber: Double
        let sugar: Double
        let sodium: Double
    }

    static let foods: [String: [Food]] = [
        "breakfast": [
            Food(name: "Oat porridge", amount: "1 bowl", energy: 300, protein: 10.5, carbohydrate: 51, fat: 6,
                fiber: 8, sugar: 1.1, sodium: 120),
            Food(name: "Greek yogurt", amount: "170 g", energy: 146, protein: 15, carbohydrate: 6, fat: 7,
                fiber: 0, sugar: 6, sodium: 61),
            Food(name: "Banana", amount: "1 medium", energy: 105, protein: 1.3, carbohydrate: 27, fat: 0.4,
                fiber: 3.1, sugar: 14.4, sodium: 1),
        ],
        "lunch": [
            Food(name: "Chicken salad", amount: "1 plate", energy: 410, protein: 35, carbohydrate: 12, fat: 24,
                fiber: 4, sugar: 5, sodium: 640),
            Food(name: "Lentil soup", amount: "350 ml", energy: 230, protein: 13, carbohydrate: 35, fat: 4,
                fiber: 11, sugar: 4, sodium: 720),
            Food(name: "Wholegrain bread", amount: "2 slices", energy: 160, protein: 8, carbohydrate: 28, fat: 2,
                fiber: 4.5, sugar: 3, sodium: 290),
        ],
        "dinner": [
            Food(name: "Salmon fillet", amount: "150 g", energy: 312, protein: 31, carbohydrate: 0, fat: 20,
                fiber: 0, sugar: 0, sodium: 90),
            Food(name: "Brown rice", amount: "1 cup", energy: 216, protein: 5, carbohydrate: 45, fat: 1.8,
                fiber: 3.5, sugar: 0.7, sodium: 10),
            Food(name: "Roast vegetables", amount: "200 g", energy: 140, protein: 4, carbohydrate: 18, fat: 6,
                fiber: 6, sugar: 9, sodium: 210),
        ],
        "snack": [
            Food(name: "Almonds", amount: "30 g", energy: 175, protein: 6.3, carbohydrate: 6, fat: 14.9,
                fiber: 3.5, sugar: 1.3, sodium: 0),
            Food(name: "Apple", amount: "1 medium", energy: 95, protein: 0.5, carbohydrate: 25, fat: 0.3,
                fiber: 4.4, sugar: 19, sodium: 2),
        ],
    ]

    static let header = "time,meal,food,amount,energy (kcal),protein (g),carbohydrate (g),fat (g),fiber (g),"
        + "sugar (g),sodium (mg)\n"

    let days: Int
    let lastDay: CivilDate
    let offsetMinutes: Int
    var random: SplitMix64

    init(days: Int, lastDay: CivilDate, offsetMinutes: Int, seed: UInt64) {
        self.days = days
        self.lastDay = lastDay
        self.offsetMinutes = offsetMinutes
        random = SplitMix64(seed: seed)
    }

    /// Returns the whole file; a log of a few hundred days is a few hundred kilobytes.
    mutating func text() -> String {
        var output = NutritionLogGenerator.header
        let first = lastDay.daysSinceEpoch - Int64(days) + 1
        let meals: [(String, Int)] = [("breakfast", 7 * 60 + 30), ("lunch", 12 * 60 + 30), ("dinner", 19 * 60), ("snack", 16 * 60)]
        for day in first...lastDay.daysSinceEpoch {
            let date = CivilDate(daysSinceEpoch: day)
            for (meal, minuteOfDay) in meals where meal != "snack" || random.unit() < 0.6 {
                let choices = NutritionLogGenerator.foods[meal]!
                let count = meal == "snack" ? 1 : 1 + Int(random.next() % 2)
                for index in 0..<count {
                    let food = choices[(Int(random.next() % UInt64(choices.count)) + index) % choices.count]
                    let minute = minuteOfDay + Int(random.next() % 40)
                    output += row(date: date, minute: minute, meal: meal, food: food, scale: random.uniform(0.75...1.25))
                }
            }
        }
        return output
    }

    private func row(date: CivilDate, minute: Int, meal: String, food: Food, scale: Double) -> String {
        let time = date.description + "T" + CivilDate.pad(minute / 60, 2) + ":" + CivilDate.pad(minute % 60, 2) + ":00"
            + BucketKey.formatOffset(minutes: offsetMinutes)
        let values = [food.energy, food.protein, food.carbohydrate, food.fat, food.fiber, food.sugar, food.sodium]
        let cells = values.map { NutritionLogGenerator.decimal($0 * scale) }
        return ([time, meal, food.name, food.amount] + cells).joined(separator: ",") + "\n"
    }

    /// Formats a value rounded to one decimal, without exponent.
    static func decimal(_ value: Double) -> String {
        let tenths = Int64((value * 10).rounded())
        return String(tenths / 10) + "." + String(abs(tenths % 10))
    }
}

/// Writes a lab table in the lab importer's default layout: one patient, a panel every few months.
struct LabTableGenerator {
    struct Analyte {
        let test: String
        let unit: String
        let low: Double
        let high: Double
        let typical: Double
        let spread: Double
    }

    static let analytes: [Analyte] = [
        Analyte(test: "Hemoglobin A1c", unit: "%", low: 4.0, high: 5.6, typical: 5.7, spread: 0.5),
        Analyte(test: "Glucose", unit: "mg/dL", low: 70, high: 99, typical: 96, spread: 12),
        Analyte(test: "Cholesterol", unit: "mg/dL", low: 125, high: 200, typical: 195, spread: 25),
        Analyte(test: "HDL Cholesterol", unit: "mg/dL", low: 40, high: 100, typical: 55, spread: 8),
        Analyte(test: "Triglycerides", unit: "mg/dL", low: 0, high: 150, typical: 120, spread: 35),
        Analyte(test: "Creatinine", unit: "mg/dL", low: 0.7, high: 1.3, typical: 1.0, spread: 0.15),
        Analyte(test: "TSH", unit: "uIU/mL", low: 0.5, high: 4.5, typical: 2.2, spread: 1.0),
        Analyte(test: "Potassium", unit: "mmol/L", low: 3.5, high: 5.1, typical: 4.3, spread: 0.4),
        Analyte(test: "ALT", unit: "U/L", low: 7, high: 56, typical: 28, spread: 10),
    ]

    static let header = "PatientID,Name,Date,Test,Result,Unit,ReferenceLow,ReferenceHigh\n"

    let panels: Int
    let lastDay: CivilDate
    var random: SplitMix64

    init(panels: Int, lastDay: CivilDate, seed: UInt64) {
        self.panels = panels
        self.lastDay = lastDay
        random = SplitMix64(seed: seed)
    }

    mutating func text() -> String {
        var output = LabTableGenerator.header
        for panel in 0..<panels {
            let daysBack = Int64((panels - 1 - panel) * 91) + Int64(random.next() % 20)
            let date = CivilDate(daysSinceEpoch: lastDay.daysSinceEpoch - daysBack)
            for analyte in LabTableGenerator.analytes {
                let value = max(analyte.typical + (random.unit() * 2 - 1) * analyte.spread * 1.5, analyte.typical / 4)
                let cells = [
                    "1", "Demo patient", date.description, analyte.test, LabTableGenerator.decimal(value), analyte.unit,
                    LabTableGenerator.decimal(analyte.low), LabTableGenerator.decimal(analyte.high),
                ]
                output += cells.joined(separator: ",") + "\n"
            }
        }
        return output
    }

    /// Formats a value rounded to two decimals.
    static func decimal(_ value: Double) -> String {
        let hundredths = Int64((value * 100).rounded())
        return String(hundredths / 100) + "." + CivilDate.pad(Int(abs(hundredths % 100)), 2)
    }
}
