// `health generate apple-health`: writes a synthetic Apple Health export for tests and benchmarks.

import Glibc

enum GenerateCommand {
    static let usage = "health generate apple-health --records N [--seed S] OUT.xml|-"

    static let help = """
        Usage: \(usage)

        Writes a synthetic Apple Health export.xml with exactly N top-level quantity Records (what an import
        reads), plus sleep records, blood-pressure Correlations, workouts and daily activity summaries. The
        same seed always writes the same file. The data spans about N / 375 days ending mid-2025, in New York
        time with daylight-saving changes and trips to Berlin and Tokyo. OUT '-' writes to standard output.

        Options:
          --records N   quantity records to write (1 to 1000000000)
          --seed S      seed of the random generator, a whole number (default 1)

        """

    static let spec = CommandSpec(name: "health generate", usage: usage, options: ["records", "seed"])

    static func run(_ rawArguments: [String], context: CommandContext) throws -> Int32 {
        if context.printHelpIfRequested(rawArguments, help: help) {
            return HealthCommand.exitSuccess
        }
        let arguments = try CommandArguments(rawArguments, spec: spec)
        guard arguments.positionals.first == "apple-health" else {
            let kind = arguments.positionals.first.map { "unknown export kind '\($0)': expected apple-health" }
            throw arguments.usageError(kind ?? "missing the export kind: health generate apple-health ...")
        }
        guard arguments.positionals.count == 2 else {
            throw arguments.usageError(
                arguments.positionals.count < 2 ? "missing the output file" : "give exactly one output file")
        }
        let path = arguments.positionals[1]
        let recordsText = try arguments.required("records")
        guard let records = Int(recordsText), records >= 1, records <= 1_000_000_000 else {
            throw arguments.usageError("invalid --records '\(recordsText)': expected a whole number from 1 to 1000000000")
        }
        let seedText = arguments.value("seed") ?? "1"
        guard let seed = UInt64(seedText) ?? Int64(seedText).map({ UInt64(bitPattern: $0) }) else {
            throw arguments.usageError("invalid --seed '\(seedText)': expected a whole number")
        }

        let descriptor = path == "-" ? 1 : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CommandFailure("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer {
            if path != "-" {
                close(descriptor)
            }
        }
        let startTime = monotonicSeconds()
        var output = OutputWriter(descriptor: descriptor)
        var generator = AppleHealthGenerator(records: records, seed: seed)
        try generator.write(to: &output)
        let stats = generator.statistics
        let summary = "wrote \(path): \(stats.quantityRecords) quantity records, \(stats.categoryRecords) sleep records, "
            + "\(stats.correlations) blood-pressure correlations, \(stats.workouts) workouts, "
            + "\(stats.activitySummaries) activity summaries; \(stats.days) days from \(stats.firstDate) to "
            + "\(stats.lastDate); \(output.bytesWritten) bytes in "
            + "\(ProgressReporter.seconds(monotonicSeconds() - startTime)) s\n"
        if path == "-" {
            context.console.writeError(summary)
        } else {
            context.console.writeOutput(summary)
        }
        return HealthCommand.exitSuccess
    }
}
