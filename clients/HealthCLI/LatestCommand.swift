// `health latest`: the most recent sample of each metric.

import HealthDomain
import HealthWire

enum LatestCommand {
    static let usage = "health latest --user NAME [--metric NAME|LOINC]... [--format table|json|csv]"

    static let help = """
        Usage: \(usage)

        Prints the most recent sample of each named metric, or of every metric the user has when no --metric
        is given.

        Options:
          --user NAME          the user whose data to read
          --metric NAME        catalog short name, LOINC code or HealthKit identifier; may be repeated
          --format FORMAT      table (default), json or csv
          --server HOST:PORT   healthd address (default: $HEALTH_SERVER, else 127.0.0.1:7070)
          --token TOKEN        access token (default: $HEALTH_TOKEN)

        Columns: metric (catalog short name), loinc, value, unit (canonical), time (RFC 3339 with the
        sample's UTC offset).

        """

    static let spec = CommandSpec(
        name: "health latest", usage: usage,
        options: CommandContext.serverOptions.union(["user", "metric", "format"]), repeatable: ["metric"])

    static let columns = ["metric", "loinc", "value", "unit", "time"]

    static func run(_ rawArguments: [String], context: CommandContext) throws -> Int32 {
        if context.printHelpIfRequested(rawArguments, help: help) {
            return HealthCommand.exitSuccess
        }
        let arguments = try CommandArguments(rawArguments, spec: spec)
        guard arguments.positionals.isEmpty else {
            throw arguments.usageError("unexpected argument '\(arguments.positionals[0])'")
        }
        let user = try arguments.required("user")
        let format = try arguments.format(allowed: ["table", "json", "csv"], standard: "table")

        let client = try context.connect(arguments)
        defer { client.close() }
        let reply = try client.latest(user: user, codes: arguments.allValues("metric"))
        context.console.writeOutput(render(reply.values, format: format))
        return HealthCommand.exitSuccess
    }

    static func render(_ values: [LatestValue], format: String) -> String {
        let rows = values.map { value in
            [
                value.code, value.loinc, NumberFormatting.plain(value.value), value.unit,
                TimestampParser.format(LocalTimestamp(utcMs: value.time, offsetMinutes: value.offsetMinutes)),
            ]
        }
        switch format {
        case "json":
            let objects = zip(values, rows).map { value, row in
                "  {\"metric\": \(NumberFormatting.jsonString(row[0])), \"loinc\": \(NumberFormatting.jsonString(row[1])), "
                    + "\"value\": \(NumberFormatting.json(value.value) ?? "null"), "
                    + "\"unit\": \(NumberFormatting.jsonString(row[3])), \"time\": \(NumberFormatting.jsonString(row[4]))}"
            }
            return objects.isEmpty ? "[]\n" : "[\n" + objects.joined(separator: ",\n") + "\n]\n"
        case "csv":
            return ([columns] + rows).map { $0.map(NumberFormatting.csvField).joined(separator: ",") + "\r\n" }
                .joined()
        default:
            var table = TextTable(headers: columns, numericColumns: [2])
            table.rows = rows
            return table.render()
        }
    }
}
