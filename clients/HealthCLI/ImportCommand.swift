// `health import apple-health`: streams Apple Health exports to the server in pipelined batches.

import HealthDomain
import HealthWire

enum ImportCommand {
    static let usage =
        "health import apple-health FILE... --user NAME [--batch-size N] [--in-flight N] [--progress] "
        + "[--dry-run] [--format text|json]"

    static let help = """
        Usage: \(usage)

        Imports the quantity samples (heart rate, steps, weight, blood pressure, ...) of Apple Health exports.
        Each FILE is an export.xml or an export.zip, from which only export.xml is read (this needs the
        'unzip' program). Category samples (sleep, stand hours), workouts, activity summaries and the rest
        are skipped and counted. A blood-pressure or food Correlation repeats its records at top level; they
        are read once. Every record carries the id type|startDate|endDate|sourceName|value, so importing the
        same export again changes nothing.

        Options:
          --user NAME          the user to import into (created on first import)
          --batch-size N       records per submit (default 5000)
          --in-flight N        submits sent before waiting for a reply (default 4)
          --mode MODE          inline (categorize and roll up before replying), queued, or server (default)
          --progress           print progress lines even when standard error is not a terminal
          --dry-run            parse and report without contacting the server
          --format FORMAT      text (default) or json, for the summary on standard output
          --server HOST:PORT   healthd address (default: $HEALTH_SERVER, else 127.0.0.1:7070)
          --token TOKEN        access token (default: $HEALTH_TOKEN)

        The summary counts records read, accepted, updated, unchanged, failed (by the server's reason),
        rejected (unreadable values, with file and line), duplicates and skipped elements by type. The exit
        status is 1 when a file cannot be read or ends early, and 0 otherwise, even if some records failed.

        """

    static let spec = CommandSpec(
        name: "health import", usage: usage,
        options: CommandContext.serverOptions.union(["user", "batch-size", "in-flight", "mode", "format"]),
        flags: ["progress", "dry-run"])

    /// Bytes read from the file at a time.
    static let chunkBytes = 1 << 20

    struct Settings {
        var files: [String]
        var user: String
        var batchSize: Int
        var inFlight: Int
        var mode: ProcessingMode
        var format: String
        var dryRun: Bool
        var forcedProgress: Bool
    }

    static func run(_ rawArguments: [String], context: CommandContext) throws -> Int32 {
        if context.printHelpIfRequested(rawArguments, help: help) {
            return HealthCommand.exitSuccess
        }
        let arguments = try CommandArguments(rawArguments, spec: spec)
        let settings = try parse(arguments)
        let client = settings.dryRun ? nil : try context.connect(arguments)
        defer { client?.close() }
        let pipeline = client.map {
            SubmitPipeline(client: $0, user: settings.user, mode: settings.mode, maximumInFlight: settings.inFlight)
        }

        let progress = ProgressReporter(console: context.console, forced: settings.forcedProgress)
        var summary = ImportSummary(files: settings.files, user: settings.user, dryRun: settings.dryRun)
        var failure: (any Error)?
        do {
            for file in settings.files {
                try importFile(file, settings: settings, pipeline: pipeline, summary: &summary, progress: progress)
            }
            try pipeline?.finish()
        } catch {
            failure = error
        }
        summary.submit = pipeline?.totals ?? SubmitTotals()
        summary.seconds = progress.elapsedSeconds
        progress.finish(records: summary.recordsRead)

        if let failure {
            let acknowledged = pipeline?.acknowledged ?? 0
            summary.warnings.append(
                "import stopped after \(summary.recordsRead) records read and \(acknowledged) acknowledged: "
                    + HealthCommand.describe(failure))
        }
        context.console.writeOutput(settings.format == "json" ? summary.renderJSON() : summary.renderText())
        for warning in summary.warnings {
            context.console.writeError("warning: \(warning)\n")
        }
        return summary.warnings.isEmpty ? HealthCommand.exitSuccess : HealthCommand.exitFailure
    }

    static func parse(_ arguments: CommandArguments) throws(UsageError) -> Settings {
        guard let kind = arguments.positionals.first else {
            throw arguments.usageError("missing the export kind: health import apple-health FILE...")
        }
        guard kind == "apple-health" else {
            throw arguments.usageError("unknown import kind '\(kind)': expected apple-health")
        }
        let files = Array(arguments.positionals.dropFirst())
        guard !files.isEmpty else {
            throw arguments.usageError("missing the export file: health import apple-health FILE...")
        }
        let modes: [String: ProcessingMode] = ["server": .serverDefault, "inline": .inline, "queued": .queued]
        let modeName = arguments.value("mode") ?? "server"
        guard let mode = modes[modeName] else {
            throw arguments.usageError("invalid --mode '\(modeName)': expected inline, queued or server")
        }
        return Settings(
            files: files, user: try arguments.required("user"),
            batchSize: try positiveInteger(arguments, "batch-size", standard: 5000, maximum: 100_000),
            inFlight: try positiveInteger(arguments, "in-flight", standard: 4, maximum: 64), mode: mode,
            format: try arguments.format(allowed: ["text", "json"], standard: "text"),
            dryRun: arguments.has("dry-run"), forcedProgress: arguments.has("progress"))
    }

    static func positiveInteger(_ arguments: CommandArguments, _ name: String, standard: Int, maximum: Int)
        throws(UsageError) -> Int
    {
        guard let text = arguments.value(name) else { return standard }
        guard let value = Int(text), value >= 1, value <= maximum else {
            throw arguments.usageError("invalid --\(name) '\(text)': expected a whole number from 1 to \(maximum)")
        }
        return value
    }

    /// Reads one export and submits its records; adds what it read to `summary`.
    static func importFile(
        _ path: String, settings: Settings, pipeline: SubmitPipeline?, summary: inout ImportSummary,
        progress: ProgressReporter
    ) throws {
        let source = try ExportSource(path: path)
        var reader = AppleHealthReader()
        let recordsBefore = summary.recordsRead
        var buffer = [UInt8](repeating: 0, count: chunkBytes)
        defer { summary.add(reader, file: path) }

        while true {
            let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
            if count == 0 {
                break
            }
            do {
                try buffer.withUnsafeBytes { try reader.feed(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            } catch let error as XMLScanError {
                throw CommandFailure("\(path): \(error.description)")
            }
            if reader.records.count >= settings.batchSize {
                try submit(&reader, path: path, batchSize: settings.batchSize, pipeline: pipeline, all: false)
            }
            let fraction = source.expectedBytes.map { Double(reader.bytesRead) / Double(max(1, $0)) }
            progress.update(records: recordsBefore + reader.recordCount, fraction: fraction)
        }
        try source.close()
        if let problem = reader.finish() {
            summary.warnings.append("\(path): \(problem)")
        }
        try submit(&reader, path: path, batchSize: settings.batchSize, pipeline: pipeline, all: true)
    }

    /// Submits the reader's records in batches of `batchSize`; a smaller remainder waits for more records unless
    /// `all` is set.
    private static func submit(
        _ reader: inout AppleHealthReader, path: String, batchSize: Int, pipeline: SubmitPipeline?, all: Bool
    ) throws {
        let (records, lines) = reader.takeRecords()
        var start = 0
        while records.count - start >= batchSize || (all && start < records.count) {
            let end = min(start + batchSize, records.count)
            try pipeline?.submit(Array(records[start..<end]), lines: Array(lines[start..<end]), file: path)
            start = end
        }
        if start < records.count {
            reader.putBack(records: Array(records[start...]), lines: Array(lines[start...]))
        }
    }
}
