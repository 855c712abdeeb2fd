// Rows of Cronometer's "Servings" export: one food eaten per row, with its nutrients in the following columns.

import HealthDomain

/// `Day,Time,Group,Food Name,Amount,<nutrient columns>,Category`.
///
/// - `Day` is `YYYY-MM-DD`. `Time` is 24-hour (`05:17`) or 12-hour (`9:51 AM`); exports of both kinds exist. An
///   empty `Time` means local noon. Times carry no UTC offset, so the server applies the user's time zone.
/// - `Group` becomes the meal: `Breakfast`, `Lunch`, `Dinner` and `Snacks` map to breakfast, lunch, dinner and snack;
///   other groups (`Drinks`) are kept as written.
/// - The column set differs between exports, so each nutrient column is resolved through the catalog. Unknown ones
///   are skipped and counted, and `Category` (the food's category) is ignored. Empty cells are absent, not 0.
/// - The source record id is `<day>T<HH:MM>|<group>|<food>|<n>`, with `n` numbering rows that share the first three
///   fields in file order, so that importing the same export again replaces instead of adding.
struct CronometerServingsParser: NutritionRowParser {
    static let handledColumns: Set = ["Day", "Time", "Group", "Food Name", "Amount", "Category"]

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
        let day = header.value(of: "Day", in: row) ?? ""
        let time: LocalDateTime
        switch LocalDateTime.parse(date: day, time: header.value(of: "Time", in: row) ?? "") {
        case .success(let parsed): time = parsed
        case .failure(let rejection): return .rejected(rejection)
        }
        let food = header.value(of: "Food Name", in: row) ?? ""
        guard !food.isEmpty else { return .rejected(RowRejection("missing food name")) }
        let amounts: [NutrientAmount]
        switch nutrients.amounts(in: row, decimalComma: decimalComma, report: &report) {
        case .success(let values): amounts = values
        case .failure(let rejection): return .rejected(rejection)
        }

        let group = header.value(of: "Group", in: row) ?? ""
        let record = NutritionRecord(
            eatenMs: time.wallClockMs, offsetMinutes: nil, meal: MealName.normalized(group), food: food,
            amount: header.value(of: "Amount", in: row) ?? "", nutrients: amounts, source: source,
            sourceRecordId: keys.id(for: [time.keyText, group, food]))
        return .record(.nutrition(record))
    }
}
