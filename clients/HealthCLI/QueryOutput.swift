// Rendering of query replies as a table, JSON or CSV: vital-sign statistics, nutrient totals with daily
// averages, and lab statistics over the plain numeric results with the censored and qualitative ones counted.

import HealthDomain

/// One row of output: the cells for tables and CSV, and the JSON values, both in column order.
struct OutputRow {
    var cells: [String]
    var json: [String]

    /// Adds a number: shortest form in the cell and in JSON, with an empty cell and `null` when it is nil, NaN or
    /// infinite.
    mutating func add(_ value: Double?) {
        let text = value.flatMap(NumberFormatting.json)
        cells.append(text ?? "")
        json.append(text ?? "null")
    }

    mutating func add(_ value: Int64) {
        cells.append(String(value))
        json.append(String(value))
    }

    mutating func add(_ text: String) {
        cells.append(text)
        json.append(NumberFormatting.jsonString(text))
    }

    init() {
        cells = []
        json = []
    }
}

/// A table, a JSON array of objects or CSV with a header line, from rows in column order.
struct OutputTable {
    var columns: [String]
    /// Columns right-aligned in the table form.
    var numericColumns: Set<Int>
    var rows: [OutputRow] = []

    func render(format: String) -> String {
        switch format {
        case "json":
            let objects = rows.map { row in
                "  {" + zip(columns, row.json).map { "\"\($0)\": \($1)" }.joined(separator: ", ") + "}"
            }
            return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
        case "csv":
            var output = columns.joined(separator: ",") + "\r\n"
            for row in rows {
                output += row.cells.map(NumberFormatting.csvField).joined(separator: ",") + "\r\n"
            }
            return output
        default:
            var table = TextTable(headers: columns, numericColumns: numericColumns)
            table.rows = rows.map(\.cells)
            return table.render()
        }
    }
}

// MARK: - Vitals

/// Renders vital-sign query replies.
enum QueryOutput {
    static let columns = ["bucket", "count", "sum", "min", "max", "avg", "stddev", "first", "last", "unit"]

    static func render(_ series: [RollupSeries], format: String) -> String {
        var table = OutputTable(columns: columns, numericColumns: Set(1...8))
        for metric in series {
            table.rows += metric.rows.map { row(series: metric, row: $0) }
        }
        return table.render(format: format)
    }

    static func row(series: RollupSeries, row: RollupRow) -> OutputRow {
        let stats = row.stats
        var output = OutputRow()
        output.add(BucketKey.label(series.granularity, key: row.key))
        output.add(stats.count)
        output.add(stats.sum)
        output.add(stats.minimum)
        output.add(stats.maximum)
        output.add(stats.mean)
        output.add(stats.populationStandardDeviation)
        output.add(stats.firstValue)
        output.add(stats.lastValue)
        output.add(series.unit)
        return output
    }
}

// MARK: - Nutrition

/// Renders nutrition query replies: the total of a nutrient per bucket, the entries holding it, the days with
/// such entries and the average per such day.
enum NutritionQueryOutput {
    static let columns = ["bucket", "total", "entries", "days", "daily_avg", "unit"]

    /// Renders every row of `series`. `byMeal` adds a `meal` column after `bucket` and orders the rows by
    /// nutrient, day and meal. `showNutrient` adds a leading `nutrient` column, for queries of several nutrients.
    static func render(_ series: [RollupSeries], format: String, byMeal: Bool, showNutrient: Bool) -> String {
        var columns = columns
        if byMeal {
            columns.insert("meal", at: 1)
        }
        if showNutrient {
            columns.insert("nutrient", at: 0)
        }
        let textColumns: Set<String> = ["nutrient", "bucket", "meal", "unit"]
        let numeric = Set(columns.indices.filter { !textColumns.contains(columns[$0]) })
        var table = OutputTable(columns: columns, numericColumns: numeric)
        for (nutrient, row) in orderedRows(series, byMeal: byMeal) {
            var output = OutputRow()
            if showNutrient {
                output.add(nutrient.code)
            }
            output.add(BucketKey.label(nutrient.granularity, key: row.key))
            if byMeal {
                output.add(nutrient.group)
            }
            output.add(row.stats.sum)
            output.add(row.stats.count)
            output.add(row.days)
            output.add(row.days > 0 ? row.stats.sum / Double(row.days) : nil)
            output.add(nutrient.unit)
            table.rows.append(output)
        }
        return table.render(format: format)
    }

    /// Returns the rows in series order, or by meal ordered by nutrient (in reply order), then day, then meal.
    static func orderedRows(_ series: [RollupSeries], byMeal: Bool) -> [(RollupSeries, RollupRow)] {
        let rows = series.flatMap { nutrient in nutrient.rows.map { (nutrient, $0) } }
        guard byMeal else { return rows }
        var nutrientOrder: [String: Int] = [:]
        for nutrient in series where nutrientOrder[nutrient.code] == nil {
            nutrientOrder[nutrient.code] = nutrientOrder.count
        }
        return rows.sorted { left, right in
            let leftNutrient = nutrientOrder[left.0.code] ?? 0
            let rightNutrient = nutrientOrder[right.0.code] ?? 0
            if leftNutrient != rightNutrient {
                return leftNutrient < rightNutrient
            }
            if left.1.key != right.1.key {
                return left.1.key < right.1.key
            }
            return mealPrecedes(left.0.group, right.0.group)
        }
    }

    /// Breakfast, lunch, dinner and snack first in the order of a day, then other meal names alphabetically.
    static func mealPrecedes(_ left: String, _ right: String) -> Bool {
        let standard = ["breakfast", "lunch", "dinner", "snack"]
        let leftRank = standard.firstIndex(of: left) ?? standard.count
        let rightRank = standard.firstIndex(of: right) ?? standard.count
        return leftRank != rightRank ? leftRank < rightRank : left < right
    }
}

// MARK: - Labs

/// Renders lab query replies. `count` includes every result, while sum, min, max, avg, stddev, first and last
/// cover the plain numeric results only, which are `count - censored - qualitative`.
enum LabsQueryOutput {
    static let columns = [
        "bucket", "count", "sum", "min", "max", "avg", "stddev", "first", "last", "unit", "abnormal", "censored",
        "qualitative",
    ]

    static func render(_ series: [RollupSeries], format: String) -> String {
        var table = OutputTable(columns: columns, numericColumns: Set(1...8).union(10...12))
        for test in series {
            table.rows += test.rows.map { row(series: test, row: $0) }
        }
        return table.render(format: format)
    }

    /// Returns one row. The numeric statistics are null when the bucket has no plain numeric result.
    static func row(series: RollupSeries, row: RollupRow) -> OutputRow {
        let stats = row.stats
        let numericCount = row.numericCount
        let hasNumbers = numericCount > 0
        let mean = hasNumbers ? stats.sum / Double(numericCount) : nil
        let deviation = mean.map { mean -> Double in
            let variance = stats.sumOfSquares / Double(numericCount) - mean * mean
            return variance > 0 ? variance.squareRoot() : 0
        }

        var output = OutputRow()
        output.add(BucketKey.label(series.granularity, key: row.key))
        output.add(stats.count)
        output.add(hasNumbers ? stats.sum : nil)
        output.add(hasNumbers ? stats.minimum : nil)
        output.add(hasNumbers ? stats.maximum : nil)
        output.add(mean)
        output.add(deviation)
        output.add(hasNumbers ? stats.firstValue : nil)
        output.add(hasNumbers ? stats.lastValue : nil)
        output.add(series.unit)
        output.add(row.abnormal)
        output.add(row.censored)
        output.add(row.qualitative)
        return output
    }
}
