// `health generate apple-health|nutrition|labs`: writes synthetic demo data for tests, the demo and benchmarks.

import Glibc
import HealthDomain

enum GenerateCommand {
    static let usage = "health generate apple-health --records N [--seed S] OUT.xml|-\n"
        + "       health generate nutrition [--days N] [--end YYYY-MM-DD] [--seed S] OUT.csv|-\n"
        + "       health generate labs [--panels N] [--end YYYY-MM-DD] [--seed S] OUT.csv|-"

    static let help = """
        Usage: \(usage)

        apple-health writes a synthetic Apple Health export.xml with exactly N top-level quantity Records (what
        an import reads), plus sleep records, blood-pressure Correlations, workouts and daily activity
        summaries. The data spans about N / 375 days ending mid-2025, in New York time with daylight-saving
        changes and trips to Berlin and Tokyo.

        nutrition writes a food log in the nutrition-csv layout (health import nutrition-csv): breakfast, lunch,
        dinner and most days a snack, for N days ending on the --end date, at UTC offset -04:00.

        labs writes a lab table in the default layout of health import labs: a panel of nine common tests
        (HbA1c, glucose, lipids, creatinine, TSH, potassium, ALT) about every three months, N panels ending
        near the --end date, with reference ranges, some results outside them.

        The same seed always writes the same file. OUT '-' writes to standard output.

        Options:
          --records N          quantity records to write (apple-health; 1 to 1000000000)
          --days N             days of food log (nutrition; default 90)
          --panels N           lab panels (labs; default 8)
          --end YYYY-MM-DD     last day of the data (nutrition and labs; default 2025-06-30)
          --seed S             seed of the random generator, a whole number (default 1)

        """

    static let spec = CommandSpec(
        name: "health generate", usage: usage, options: ["records", "seed", "days", "panels", "end"])

    static func run(_ rawArguments: [String], context: CommandContext) throws -> Int32 {
        if context.printHelpIfRequested(rawArguments, help: help) {
            return HealthCommand.exitSuccess
        }
        let arguments = try CommandArguments(rawArguments, spec: spec)
        let kinds = ["apple-health", "nutrition", "labs"]
        guard let kind = arguments.positionals.first, kinds.contains(kind) else {
            let message = arguments.positionals.first.map {
                "unknown data kind '\($0)': expected apple-health, nutrition or labs"
            }
            throw arguments.usageError(message ?? "missing the data kind: health generate apple-health|nutrition|labs ...")
        }
        guard arguments.positionals.count == 2 else {
            throw arguments.usageError(
                arguments.positionals.count < 2 ? "missing the output file" : "give exactly one output file")
        }
        let path = arguments.positionals[1]
        if kind != "apple-health" {
            return try writeTable(kind, to: path, arguments: arguments, context: context)
        }
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

    /// Writes a nutrition log or a lab table.
    private static func writeTable(_ kind: String, to path: String, arguments: CommandArguments,
        context: CommandContext) throws -> Int32 {
        let endText = arguments.value("end") ?? "2025-06-30"
        guard let end = CivilDate(parsing: endText) else {
            throw arguments.usageError("invalid --end '\(endText)': expected a date as YYYY-MM-DD")
        }
        let seedText = arguments.value("seed") ?? "1"
        guard let seed = UInt64(seedText) else {
            throw arguments.usageError("invalid --seed '\(seedText)': expected a whole number")
        }
        let countOption = kind == "nutrition" ? "days" : "panels"
        let countText = arguments.value(countOption) ?? (kind == "nutrition" ? "90" : "8")
        guard let count = Int(countText), count >= 1, count <= 100_000 else {
            throw arguments.usageError("invalid --\(countOption) '\(countText)': expected a whole number from 1 to 100000")
        }

        var text: String
        if kind == "nutrition" {
            var generator = NutritionLogGenerator(days: count, lastDay: end, offsetMinutes: -240, seed: seed)
            text = generator.text()
        } else {
            var generator = LabTableGenerator(panels: count, lastDay: end, seed: seed)
            text = generator.text()
        }
        if path == "-" {
            context.console.writeOutput(text)
            return HealthCommand.exitSuccess
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CommandFailure("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var output = OutputWriter(descriptor: descriptor)
        output.write(Array(text.utf8))
        try output.flush()
        context.console.writeOutput("wrote \(path): \(count) \(countOption) of \(kind) data\n")
        return HealthCommand.exitSuccess
    }
}
