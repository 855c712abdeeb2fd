// Rows of Cronometer's "Daily Nutrition" export: the day's nutrient totals, one row per day.

import HealthDomain

/// `Date,<nutrient columns>,Completed`.
///
/// - Each day becomes one entry at local noon of `Date`, with meal `daily total` and food `Daily summary`, because
///   the export does not say when or in which meal the food was eaten. Do not import both the daily summary and the
///   servings export of the same days: the daily totals would count twice.
/// - Days without a single value (the export lists days the user logged nothing on) are skipped and reported.
/// - `Completed` (whether the user marked the day complete) is ignored; nutrient columns are resolved as in the
///   servings export.
/// - The source record id is `daily|<date>|<n>`.
struct CronometerDailySummaryParser: NutritionRowParser {
    static let handledColumns: Set = ["Date", "Completed"]
    static let meal = "daily total"
    static let food = "Daily summary"

    private let header: CSVHeader
    private let nutrients: NutrientColumnMap
    private let source: String
    private var keys = SourceRecordKeys()

    init(header: CSVHeader, catalog: NutrientCatalog, source: String) {
        self.header = header
        self.nutrients = NutrientColumnMap(header: header, handled: Self.handledColumns, catalog: catalog)
        self.source = source
    }

    mutating func parse(_ row: CSVRow, decimalComma: Bool, report: inout NutritionImportReport) -> ParsedRow {
        let time: LocalDateTime
        switch LocalDateTime.parse(date: header.value(of: "Date", in: row) ?? "", time: "") {
        case .success(let parsed): time = parsed
        case .failure(let rejection): return .rejected(rejection)
        }
        let amounts: [NutrientAmount]
        switch nutrients.amounts(in: row, decimalComma: decimalComma, report: &report) {
        case .success(let values): amounts = values
        case .failure(let rejection): return .rejected(rejection)
        }
        guard !amounts.isEmpty else { return .skipped("no nutrient values for \(time.date)") }

        let record = NutritionRecord(
            eatenMs: time.wallClockMs, offsetMinutes: nil, meal: Self.meal, food: Self.food, nutrients: amounts,
            source: source, sourceRecordId: keys.id(for: ["daily", time.keyText]))
        return .record(.nutrition(record))
    }
}
