// Rows of this project's own nutrition CSV layout; docs/nutrition-csv.md describes it for users.

import HealthDomain

/// `time,meal,food,amount,id,<nutrient columns>`: one food entry per row, columns in any order, names in any case.
///
/// - `time` (required): RFC 3339 with or without a UTC offset (`2024-05-01T08:15:00+02:00`, `2024-05-01 08:15`),
///   or a date alone for local noon. Without an offset the server applies the user's time zone.
/// - `food` (required, not empty); `meal` (breakfast, lunch, dinner, snack, or any other name, kept as written;
///   `Snacks` becomes snack); `amount` (free text such as `1 cup`).
/// - `id` (optional): the source record id. Without it the id is `<time>|<meal>|<food>|<n>`, `n` numbering equal
///   rows in file order.
/// - Every other column is a nutrient: a catalog short name, display name or alias, optionally with a unit in
///   parentheses (`energy (kJ)`, `vitamin_d (IU)`). Without a unit the values are in the nutrient's canonical unit.
///   Empty cells are absent. Columns the catalog does not know are skipped and counted.
struct NutritionCSVParser: NutritionRowParser {
    static let handledColumns: Set = ["time", "meal", "food", "amount", "id"]

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
        let timeText = header.value(of: "time", in: row) ?? ""
        guard let time = TimestampParser.parseRFC3339(timeText) else {
            return .rejected(
                RowRejection("invalid time '\(timeText)': expected RFC 3339 such as 2024-05-01T08:15:00+02:00, "
                    + "a local time such as 2024-05-01 08:15, or a date"))
        }
        let food = header.value(of: "food", in: row) ?? ""
        guard !food.isEmpty else { return .rejected(RowRejection("missing food name")) }
        let amounts: [NutrientAmount]
        switch nutrients.amounts(in: row, decimalComma: decimalComma, report: &report) {
        case .success(let values): amounts = values
        case .failure(let rejection): return .rejected(rejection)
        }

        let meal = header.value(of: "meal", in: row) ?? ""
        let givenId = header.value(of: "id", in: row) ?? ""
        let record = NutritionRecord(
            eatenMs: time.utcMs, offsetMinutes: time.offsetMinutes, meal: MealName.normalized(meal), food: food,
            amount: header.value(of: "amount", in: row) ?? "", nutrients: amounts, source: source,
            sourceRecordId: givenId.isEmpty ? keys.id(for: [timeText, meal, food]) : givenId)
        return .record(.nutrition(record))
    }
}
