// `health query`: rollups of one metric per hour, day, week or month between two local dates.

import HealthDomain
import HealthWire

enum QueryCommand {
    static let usage =
        "health query --user NAME --metric NAME|LOINC [--granularity hour|day|week|month] --from YYYY-MM-DD --to YYYY-MM-DD [--format table|json|csv]"

    static let help = """
        Usage: \(usage)

        Prints the rollup statistics of one metric for every bucket that has samples between two local dates
        (both inclusive). Buckets are in the local time of each sample.

        Options:
          --user NAME          the user whose data to read
          --metric NAME        catalog short name (heart_rate), LOINC code (8867-4) or HealthKit identifier
          --granularity UNIT   hour, day (default), week (ISO weeks, labelled by their Monday) or month
          --from YYYY-MM-DD    first local date
          --to YYYY-MM-DD      last local date
          --format FORMAT      table (default), json or csv
          --server HOST:PORT   healthd address (default: $HEALTH_SERVER, else 127.0.0.1:7070)
          --token TOKEN        access token (default: $HEALTH_TOKEN)

        Columns: bucket, count, sum, min, max, avg, stddev (population), first and last (the values of the
        earliest and latest sample), unit. Numbers are rounded to 12 significant digits. JSON output is an
        array of objects with exactly these keys; a statistic that is undefined is null.

        """

    static let spec = CommandSpec(
        name: "health query", usage: usage,
        options: CommandContext.serverOptions.union(["user", "metric", "granularity", "from", "to", "format"]))

    static let granularities: [Granularity] = [.hour, .day, .week, .month]

    static func run(_ rawArguments: [String], context: CommandContext) throws -> Int32 {
        if context.printHelpIfRequested(rawArguments, help: help) {
            return HealthCommand.exitSuccess
        }
        let arguments = try CommandArguments(rawArguments, spec: spec)
        let query = try makeQuery(arguments)
        let format = try arguments.format(allowed: ["table", "json", "csv"], standard: "table")

        let client = try context.connect(arguments)
        defer { client.close() }
        let reply = try client.query(query)
        context.console.writeOutput(QueryOutput.render(reply.series, format: format))
        return HealthCommand.exitSuccess
    }

    static func makeQuery(_ arguments: CommandArguments) throws(UsageError) -> Query {
        guard arguments.positionals.isEmpty else {
            throw arguments.usageError("unexpected argument '\(arguments.positionals[0])'")
        }
        let user = try arguments.required("user")
        let metric = try arguments.required("metric")
        let granularityName = arguments.value("granularity") ?? "day"
        guard let granularity = Granularity(name: granularityName), granularities.contains(granularity) else {
            throw arguments.usageError("invalid --granularity '\(granularityName)': expected hour, day, week or month")
        }
        let from = try date(arguments, "from")
        let to = try date(arguments, "to")
        guard from <= to else {
            throw arguments.usageError("--from \(from) is after --to \(to)")
        }
        return Query(user: user, codes: [metric], granularity: granularity, from: from, to: to)
    }

    private static func date(_ arguments: CommandArguments, _ name: String) throws(UsageError) -> CivilDate {
        let text = try arguments.required(name)
        guard let date = CivilDate(parsing: text) else {
            throw arguments.usageError("invalid --\(name) '\(text)': expected a date as YYYY-MM-DD")
        }
        return date
    }
}

/// Renders query replies as a table, JSON or CSV.
enum QueryOutput {
    static let columns = ["bucket", "count", "sum", "min", "max", "avg", "stddev", "first", "last", "unit"]

    static func render(_ series: [RollupSeries], format: String) -> String {
        let rows = series.flatMap { one in one.rows.map { (one, $0) } }
        switch format {
        case "json":
            let objects = rows.map { json(series: $0.0, row: $0.1) }
            return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
        case "csv":
            var output = columns.joined(separator: ",") + "\r\n"
            for (one, row) in rows {
                output += cells(series: one, row: row).map(NumberFormatting.csvField).joined(separator: ",") + "\r\n"
            }
            return output
        default:
            var table = TextTable(headers: columns, numericColumns: Set(1...8))
            table.rows = rows.map { cells(series: $0.0, row: $0.1) }
            return table.render()
        }
    }

    /// Returns the cells of one row in `columns` order.
    static func cells(series: RollupSeries, row: RollupRow) -> [String] {
        let stats = row.stats
        return [
            BucketKey.label(series.granularity, key: row.key), String(stats.count),
            NumberFormatting.plain(stats.sum), NumberFormatting.plain(stats.minimum),
            NumberFormatting.plain(stats.maximum), NumberFormatting.plain(stats.mean),
            NumberFormatting.plain(stats.populationStandardDeviation), NumberFormatting.plain(stats.firstValue),
            NumberFormatting.plain(stats.lastValue), series.unit,
        ]
    }

    static func json(series: RollupSeries, row: RollupRow) -> String {
        let stats = row.stats
        let number = { (value: Double) in NumberFormatting.json(value) ?? "null" }
        let fields = [
            ("bucket", NumberFormatting.jsonString(BucketKey.label(series.granularity, key: row.key))),
            ("count", String(stats.count)),
            ("sum", number(stats.sum)),
            ("min", number(stats.minimum)),
            ("max", number(stats.maximum)),
            ("avg", number(stats.mean)),
            ("stddev", number(stats.populationStandardDeviation)),
            ("first", number(stats.firstValue)),
            ("last", number(stats.lastValue)),
            ("unit", NumberFormatting.jsonString(series.unit)),
        ]
        return "  {" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }
}
