// `health import apple-health`: streams Apple Health exports to the server in pipelined batches.

import HealthDomain
import HealthWire

enum AppleHealthImportCommand {
    static let usage =
        "health import apple-health FILE... --user NAME [--batch-size N] [--in-flight N] [--mode MODE] [--progress] "
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
        \(ImportCommand.commonOptionsHelp)
        The summary counts records read, accepted, updated, unchanged, failed (by the server's reason),
        rejected (unreadable values, with file and line), duplicates and skipped elements by type. The exit
        status is 1 when a file cannot be read or ends early, and 0 otherwise, even if some records failed.

        """

    static let spec = CommandSpec(
        name: "health import apple-health", usage: usage, options: ImportCommand.commonOptions,
        flags: ImportCommand.commonFlags)

    /// Bytes read from the file at a time.
    static let chunkBytes = 1 << 20

    static func run(_ rawArguments: [String], context: CommandContext) throws -> Int32 {
        if context.printHelpIfRequested(rawArguments, help: help) {
            return HealthCommand.exitSuccess
        }
        let arguments = try CommandArguments(rawArguments, spec: spec)
        let settings = try ImportSettings(arguments, files: .several("health import apple-health FILE..."))
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

    /// Reads one export and submits its records; adds what it read to `summary`.
    static func importFile(
        _ path: String, settings: ImportSettings, pipeline: SubmitPipeline?, summary: inout ImportSummary,
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
