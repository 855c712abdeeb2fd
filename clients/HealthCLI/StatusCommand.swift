// `health status`: the server's counters (queue depth, pending and failed rows, connections and so on).

import HealthDomain
import HealthWire

enum StatusCommand {
    static let usage = "health status [--format table|json|csv]"

    static let help = """
        Usage: \(usage)

        Prints the server's counters, such as pending and failed rows and open connections.

        Options:
          --format FORMAT      table (default), json (one object of counter names to values) or csv
          --server HOST:PORT   healthd address (default: $HEALTH_SERVER, else 127.0.0.1:7070)
          --token TOKEN        access token (default: $HEALTH_TOKEN)

        """

    static let spec = CommandSpec(
        name: "health status", usage: usage, options: CommandContext.serverOptions.union(["format"]))

    static func run(_ rawArguments: [String], context: CommandContext) throws -> Int32 {
        if context.printHelpIfRequested(rawArguments, help: help) {
            return HealthCommand.exitSuccess
        }
        let arguments = try CommandArguments(rawArguments, spec: spec)
        guard arguments.positionals.isEmpty else {
            throw arguments.usageError("unexpected argument '\(arguments.positionals[0])'")
        }
        let format = try arguments.format(allowed: ["table", "json", "csv"], standard: "table")

        let client = try context.connect(arguments)
        defer { client.close() }
        let reply = try client.status()
        context.console.writeOutput(render(reply.counters, format: format))
        return HealthCommand.exitSuccess
    }

    static func render(_ counters: [StatusCounter], format: String) -> String {
        switch format {
        case "json":
            let fields = counters.map { "  \(NumberFormatting.jsonString($0.name)): \($0.value)" }
            return fields.isEmpty ? "{}\n" : "{\n" + fields.joined(separator: ",\n") + "\n}\n"
        case "csv":
            return "name,value\r\n" + counters.map { NumberFormatting.csvField($0.name) + ",\($0.value)\r\n" }.joined()
        default:
            var table = TextTable(headers: ["counter", "value"], numericColumns: [1])
            table.rows = counters.map { [$0.name, String($0.value)] }
            return table.render()
        }
    }
}
