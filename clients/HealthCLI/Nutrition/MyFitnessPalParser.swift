// Rows of MyFitnessPal's "Nutrition Summary" export: the nutrient totals of one meal of one day per row.

import HealthDomain

/// `Date,Meal,Calories,Fat (g),Saturated Fat,...,Vitamin A,Vitamin C,Calcium,Iron,Note`.
///
/// - Each row becomes one entry at local noon of `Date`, whatever the meal, because the export has no times; the
///   meal keeps the entries apart. Meals map like Cronometer groups (`Snacks` becomes snack). Food is `Meal total`.
/// - Headers without a unit are in the nutrient's canonical unit (Calories in kcal, Cholesterol, Sodium and
///   Potassium in mg, the rest in g), except `Vitamin A`, `Vitamin C`, `Calcium` and `Iron`, which are percent of
///   daily value and become vitamin_a_dv, vitamin_c_dv, calcium_dv and iron_dv.
/// - `Note` is not stored; rows with a non-empty note count it under skipped columns. Rows without any value are
///   skipped and reported.
/// - The source record id is `<date>|<meal>|<n>`.
struct MyFitnessPalParser: NutritionRowParser {
    static let handledColumns: Set = ["Date", "Meal"]
    /// Columns that MyFitnessPal writes as percent of daily value, lowercased.
    static let percentDailyValueColumns: Set = ["vitamin a", "vitamin c", "calcium", "iron"]
    static let food = "Meal total"

    private let header: CSVHeader
    private let nutrients: NutrientColumnMap
    private let source: String
    private var keys = SourceRecordKeys()

    init(header: CSVHeader, catalog: NutrientCatalog, source: String) {
        self.header = header
        self.nutrients = NutrientColumnMap(
            header: header, handled: Self.handledColumns, catalog: catalog,
            resolve: { name in
                guard Self.percentDailyValueColumns.contains(name.lowercased()) else {
                    return catalog.column(forHeader: name)
                }
                return catalog.column(forHeader: name + " (%DV)")
            })
        self.source = source
    }

    mutating func parse(_ row: CSVRow, decimalComma: Bool, report: inout NutritionImportReport) -> ParsedRow {
        let time: LocalDateTime
        switch LocalDateTime.parse(date: header.value(of: "Date", in: row) ?? "", time: "") {
        case .success(let parsed): time = parsed
        case .failure(let rejection): return .rejected(rejection)
        }
        let meal = header.value(of: "Meal", in: row) ?? ""
        guard !meal.isEmpty else { return .rejected(RowRejection("missing meal")) }
        let amounts: [NutrientAmount]
        switch nutrients.amounts(in: row, decimalComma: decimalComma, report: &report) {
        case .success(let values): amounts = values
        case .failure(let rejection): return .rejected(rejection)
        }
        guard !amounts.isEmpty else { return .skipped("no nutrient values for \(meal) on \(time.date)") }

        let record = NutritionRecord(
            eatenMs: time.wallClockMs, offsetMinutes: nil, meal: MealName.normalized(meal), food: Self.food,
            nutrients: amounts, source: source, sourceRecordId: keys.id(for: [time.keyText, meal]))
        return .record(.nutrition(record))
    }
}
