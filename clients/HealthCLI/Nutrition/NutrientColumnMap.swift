// The nutrient columns of an export's header, resolved once per file through the nutrient catalog, and the reading
// of their cells in each row.

import HealthDomain

struct NutrientColumnMap {
    struct Column {
        var index: Int
        var header: String
        var nutrient: Nutrient
        var unit: NutrientUnit
    }

    private(set) var columns: [Column] = []
    /// Columns whose non-empty cells are counted in the report as skipped: unknown names and repeated nutrients.
    private(set) var skipped: [(index: Int, header: String)] = []

    /// Resolves every column that is not in `handled` (the format's own columns, such as `Day` or `Category`).
    ///
    /// - Parameter resolve: maps a header to a nutrient column, or to nil to skip the column. Formats with their own
    ///   header conventions (such as MyFitnessPal's % daily value columns) pass their rule here. By default the
    ///   catalog resolves the header.
    init(
        header: CSVHeader, handled: Set<String>, catalog: NutrientCatalog,
        resolve: ((String) -> NutrientColumn?)? = nil
    ) {
        let resolve = resolve ?? { catalog.column(forHeader: $0) }
        let handledKeys = Set(handled.map { $0.lowercased() })
        var seen: Set<Int> = []
        for (index, name) in header.names.enumerated() where !handledKeys.contains(name.lowercased()) {
            let resolved = resolve(name)
            guard let resolved, seen.insert(resolved.nutrient.id).inserted else {
                skipped.append((index, name))
                continue
            }
            columns.append(Column(index: index, header: name, nutrient: resolved.nutrient, unit: resolved.unit))
        }
    }

    /// Reads the nutrient cells of a row: empty cells are absent, others must be numbers of at least 0. Counts the
    /// non-empty cells of skipped columns in `report`. Amounts carry the catalog short name, the value as written
    /// and the column's unit.
    func amounts(in row: CSVRow, decimalComma: Bool, report: inout NutritionImportReport)
        -> Result<[NutrientAmount], RowRejection>
    {
        for column in skipped where !cell(row, column.index).isEmpty {
            report.skippedColumns[column.header, default: 0] += 1
        }

        var amounts: [NutrientAmount] = []
        amounts.reserveCapacity(columns.count)
        for column in columns {
            let text = cell(row, column.index)
            if text.isEmpty {
                continue
            }
            guard let value = CSVReader.parseNumber(text, decimalComma: decimalComma) else {
                return .failure(RowRejection("invalid number '\(text)' in column '\(column.header)'"))
            }
            guard value >= 0 else {
                return .failure(
                    RowRejection("invalid amount \(text) in column '\(column.header)': an amount cannot be negative"))
            }
            // `-0` passes the check above; store it as 0.
            let amount = NutrientAmount(
                nutrient: column.nutrient.shortName, value: value == 0 ? 0 : value, unit: column.unit.rawValue)
            amounts.append(amount)
        }
        return .success(amounts)
    }

    private func cell(_ row: CSVRow, _ index: Int) -> String {
        index < row.fields.count ? CSVHeader.trimmed(row.fields[index]) : ""
    }
}
