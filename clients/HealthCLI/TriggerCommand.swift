// `health trigger`: queue processing of one user's rows of one domain on the server.

import HealthDomain
import HealthWire

enum TriggerCommand {
    static let usage =
        "health trigger --user NAME --domain vitals|nutrition|labs [--priority N] [--retry-failed] [--rebuild] "
        + "[--format table|json]"

    static let help = """
        Usage: \(usage)

        Queues a job that processes the user's rows of one domain. The job always categorizes and rolls up the
        pending rows; the flags add work. When a job for the same user and domain is already queued, the server
        merges this trigger into it: the job keeps the higher priority and the union of the work.

        Options:
          --user NAME          the user whose rows to process
          --domain DOMAIN      vitals, nutrition or labs
          --priority N         a whole number from -2147483648 to 2147483647 (default 0); higher runs first, and
                               jobs of equal priority run in the order they were queued
          --retry-failed       also categorize the failed rows again, such as after the catalog grew
          --rebuild            also rebuild the user's categorized rows and rollups of the domain from raw
          --format FORMAT      table (default) or json
          --server HOST:PORT   healthd address (default: $HEALTH_SERVER, else 127.0.0.1:7070)
          --token TOKEN        access token (default: $HEALTH_TOKEN)

        Prints the job id, its priority and work after the trigger, and the number of jobs queued, this one
        included. JSON keys: job_id, priority, work (an array of pending, retry-failed and rebuild),
        queue_depth.

        """

    static let spec = CommandSpec(
        name: "health trigger", usage: usage,
        options: CommandContext.serverOptions.union(["user", "domain", "priority", "format"]),
        flags: ["retry-failed", "rebuild"])

    /// The name of each work bit, in the order they are printed.
    static let workNames: [(work: TriggerWork, name: String)] = [
        (.pending, "pending"), (.retryFailed, "retry-failed"), (.rebuild, "rebuild"),
    ]

    static func run(_ rawArguments: [String], context: CommandContext) throws -> Int32 {
        if context.printHelpIfRequested(rawArguments, help: help) {
            return HealthCommand.exitSuccess
        }
        let arguments = try CommandArguments(rawArguments, spec: spec)
        let trigger = try makeTrigger(arguments)
        let format = try arguments.format(allowed: ["table", "json"], standard: "table")

        let client = try context.connect(arguments)
        defer { client.close() }
        let reply = try client.trigger(trigger)
        context.console.writeOutput(render(reply, format: format))
        return HealthCommand.exitSuccess
    }

    static func makeTrigger(_ arguments: CommandArguments) throws(UsageError) -> Trigger {
        guard arguments.positionals.isEmpty else {
            throw arguments.usageError("unexpected argument '\(arguments.positionals[0])'")
        }
        let user = try arguments.required("user")
        let domainName = try arguments.required("domain")
        guard let domain = HealthDataDomain(name: domainName) else {
            throw arguments.usageError("invalid --domain '\(domainName)': expected vitals, nutrition or labs")
        }
        var priority: Int32 = 0
        if let text = arguments.value("priority") {
            guard let value = Int32(text) else {
                throw arguments.usageError(
                    "invalid --priority '\(text)': expected a whole number from \(Int32.min) to \(Int32.max)")
            }
            priority = value
        }
        var work: TriggerWork = .pending
        if arguments.has("retry-failed") {
            work.insert(.retryFailed)
        }
        if arguments.has("rebuild") {
            work.insert(.rebuild)
        }
        return Trigger(user: user, domain: domain, priority: priority, work: work)
    }

    /// Returns the names of the work bits set in `work`. An unknown bit from a newer server is named by its value.
    static func names(_ work: TriggerWork) -> [String] {
        var names = workNames.filter { work.contains($0.work) }.map(\.name)
        let unknown = work.subtracting(.all)
        if !unknown.isEmpty {
            names.append("bits \(unknown.rawValue)")
        }
        return names
    }

    static func render(_ reply: TriggerReply, format: String) -> String {
        let work = names(reply.work)
        if format == "json" {
            let workJSON = "[" + work.map(NumberFormatting.jsonString).joined(separator: ", ") + "]"
            return """
                {"job_id": \(reply.jobId), "priority": \(reply.priority), "work": \(workJSON), \
                "queue_depth": \(reply.queueDepth)}

                """
        }
        return ImportSummary.align([
            ("job id", String(reply.jobId)), ("priority", String(reply.priority)),
            ("work", work.joined(separator: ", ")), ("queue depth", String(reply.queueDepth)),
        ])
    }
}
