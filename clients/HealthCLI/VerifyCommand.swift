// `health verify`: ask the server to recompute the rollups from the stored rows and compare them with the
// rollup tables.

import HealthWire

enum VerifyCommand {
    static let usage = "health verify [--user NAME] [--format text|json]"

    static let okLine = "ok: every rollup matches a recompute"

    static let help = """
        Usage: \(usage)

        Recomputes every rollup row of one user, or of all users, from the categorized rows that are aggregated,
        and compares the result with the stored rollup tables.

        Options:
          --user NAME          the user to check (default: every user)
          --format FORMAT      text (default) or json ({"ok": true|false, "mismatches": [...]})
          --server HOST:PORT   healthd address (default: $HEALTH_SERVER, else 127.0.0.1:7070)
          --token TOKEN        access token (default: $HEALTH_TOKEN)

        Prints '\(okLine)' and exits with status 0, or prints one line per rollup row that differs and exits
        with status 1.

        """

    static let spec = CommandSpec(
        name: "health verify", usage: usage, options: CommandContext.serverOptions.union(["user", "format"]))

    static func run(_ rawArguments: [String], context: CommandContext) throws -> Int32 {
        if context.printHelpIfRequested(rawArguments, help: help) {
            return HealthCommand.exitSuccess
        }
        let arguments = try CommandArguments(rawArguments, spec: spec)
        guard arguments.positionals.isEmpty else {
            throw arguments.usageError("unexpected argument '\(arguments.positionals[0])'")
        }
        if let user = arguments.value("user"), user.isEmpty {
            throw arguments.usageError("option --user must not be empty")
        }
        let format = try arguments.format(allowed: ["text", "json"], standard: "text")

        let client = try context.connect(arguments)
        defer { client.close() }
        let reply = try client.verify(user: arguments.value("user"))
        context.console.writeOutput(render(reply.mismatches, format: format))
        guard reply.mismatches.isEmpty else {
            let count = reply.mismatches.count
            let rows = count == 1 ? "1 rollup row differs" : "\(count) rollup rows differ"
            context.console.writeError("\(rows) from a recompute\n")
            return HealthCommand.exitFailure
        }
        return HealthCommand.exitSuccess
    }

    static func render(_ mismatches: [String], format: String) -> String {
        if format == "json" {
            let items = mismatches.map { "    " + NumberFormatting.jsonString($0) }
            let list = items.isEmpty ? "[]" : "[\n" + items.joined(separator: ",\n") + "\n  ]"
            return "{\n  \"ok\": \(mismatches.isEmpty),\n  \"mismatches\": \(list)\n}\n"
        }
        guard !mismatches.isEmpty else { return okLine + "\n" }
        return mismatches.map { $0 + "\n" }.joined()
    }
}
