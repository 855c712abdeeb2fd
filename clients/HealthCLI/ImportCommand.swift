// `health import KIND`: dispatch to the import kinds, the options they share, and the connection, pipeline,
// progress and summary output that the FHIR, lab CSV and nutrition imports have in common.

import HealthClient
import HealthDomain
import HealthWire

enum ImportCommand {
    static let usage = "health import KIND FILE... --user NAME [options]"

    static let kindNames = "apple-health, fhir, labs, cronometer, myfitnesspal or nutrition-csv"

    static let commonOptionsHelp = """
          --user NAME          the user to import into (created on first import)
          --batch-size N       records per submit (default 5000)
          --in-flight N        submits sent before waiting for a reply (default 4)
          --mode MODE          inline (categorize and roll up before replying), queued, or server (default)
          --progress           print progress lines even when standard error is not a terminal
          --dry-run            parse and report without contacting the server
          --format FORMAT      text (default) or json, for the summary on standard output
          --server HOST:PORT   healthd address (default: $HEALTH_SERVER, else 127.0.0.1:7070)
          --token TOKEN        access token (default: $HEALTH_TOKEN)

        """

    static let help = """
        Usage: \(usage)

        Reads exported health records and submits them to the server in pipelined batches.

        Kinds:
          apple-health FILE...  Apple Health export.xml or export.zip (vitals)
          fhir FILE...          FHIR R4 JSON: Bundles, single resources or NDJSON (vitals and labs)
          labs FILE             a CSV table of lab results, one result per row (labs)
          cronometer FILE       a Cronometer servings or daily nutrition export (nutrition), or a biometrics
                                export (vitals)
          myfitnesspal FILE     a MyFitnessPal nutrition summary export (nutrition)
          nutrition-csv FILE    this project's plain nutrition CSV, described in docs/nutrition-csv.md

        Options of every kind:
        \(commonOptionsHelp)
        Every import prints a summary of the records read, what the server did with them, and what was left
        out and why. The exit status is 1 when a file cannot be read or the import stops early, and 0
        otherwise, even if some records failed. Run 'health import KIND --help' for the rules of one kind.

        """

    static let commonOptions = CommandContext.serverOptions.union(["user", "batch-size", "in-flight", "mode", "format"])
    static let commonFlags: Set<String> = ["progress", "dry-run"]

    static func run(_ rawArguments: [String], context: CommandContext) throws -> Int32 {
        guard let kind = rawArguments.first, !kind.hasPrefix("-") else {
            if context.printHelpIfRequested(rawArguments, help: help) {
                return HealthCommand.exitSuccess
            }
            throw UsageError(
                message: "missing the import kind: expected \(kindNames)", usage: usage, command: "health import")
        }
        let rest = Array(rawArguments.dropFirst())
        switch kind {
        case "apple-health":
            return try AppleHealthImportCommand.run(rest, context: context)
        case "fhir":
            return try FHIRImportCommand.run(rest, context: context)
        case "labs":
            return try LabsImportCommand.run(rest, context: context)
        case "cronometer", "myfitnesspal", "nutrition-csv":
            return try NutritionImportCommand.run(kind: kind, rest, context: context)
        default:
            throw UsageError(
                message: "unknown import kind '\(kind)': expected \(kindNames)", usage: usage, command: "health import")
        }
    }
}

/// The options every import kind accepts, checked.
struct ImportSettings {
    /// How many files a kind reads, with the usage hint shown when they are missing.
    enum FileCount {
        case one(String)
        case several(String)
    }

    var files: [String]
    var user: String
    var batchSize: Int
    var inFlight: Int
    var mode: ProcessingMode
    var format: String
    var dryRun: Bool
    var forcedProgress: Bool

    init(_ arguments: CommandArguments, files fileCount: FileCount) throws(UsageError) {
        files = arguments.positionals
        switch fileCount {
        case .one(let hint):
            guard !files.isEmpty else { throw arguments.usageError("missing the file to import: \(hint)") }
            guard files.count == 1 else {
                throw arguments.usageError("expected one file, found \(files.count): \(hint)")
            }
        case .several(let hint):
            guard !files.isEmpty else { throw arguments.usageError("missing the export file: \(hint)") }
        }
        let modes: [String: ProcessingMode] = ["server": .serverDefault, "inline": .inline, "queued": .queued]
        let modeName = arguments.value("mode") ?? "server"
        guard let mode = modes[modeName] else {
            throw arguments.usageError("invalid --mode '\(modeName)': expected inline, queued or server")
        }
        self.mode = mode
        user = try arguments.required("user")
        batchSize = try arguments.positiveInteger("batch-size", standard: 5000, maximum: 100_000)
        inFlight = try arguments.positiveInteger("in-flight", standard: 4, maximum: 64)
        format = try arguments.format(allowed: ["text", "json"], standard: "text")
        dryRun = arguments.has("dry-run")
        forcedProgress = arguments.has("progress")
    }
}

/// The server connection, submit pipeline and progress line of one import; a dry run has no connection.
final class ImportSession {
    let settings: ImportSettings
    let console: Console
    let client: HealthClient?
    let pipeline: SubmitPipeline?
    let progress: ProgressReporter
    private var recordsRead = 0

    /// Connects unless the import is a dry run; throws when the server cannot be reached.
    init(settings: ImportSettings, arguments: CommandArguments, context: CommandContext) throws {
        self.settings = settings
        self.console = context.console
        let client = settings.dryRun ? nil : try context.connect(arguments)
        self.client = client
        pipeline = client.map {
            SubmitPipeline(client: $0, user: settings.user, mode: settings.mode, maximumInFlight: settings.inFlight)
        }
        progress = ProgressReporter(console: context.console, forced: settings.forcedProgress)
    }

    func close() {
        client?.close()
    }

    /// Submits `records` in batches of the batch size, for `user` (the `--user` value when nil), and counts them
    /// for the progress line. `locations` has one entry per record; `wrap` makes a batch of the domain's records.
    func submit<Record>(
        _ records: [Record], locations: [RecordLocation], user: String? = nil, wrap: ([Record]) -> SubmitRecords
    ) throws {
        precondition(records.count == locations.count, "one location per record")
        var start = 0
        while start < records.count {
            let end = min(start + settings.batchSize, records.count)
            try pipeline?.submit(
                wrap(Array(records[start..<end])), locations: Array(locations[start..<end]), user: user)
            start = end
        }
        recordsRead += records.count
        progress.update(records: recordsRead, fraction: nil)
    }

    /// Waits for the outstanding replies, completes `summary` with the server's counts and the time, writes it
    /// with its warnings, and returns the exit status: 1 when there are warnings or `failure` stopped the import.
    func finish(_ summary: inout RecordImportSummary, failure: (any Error)?) -> Int32 {
        var failure = failure
        if failure == nil {
            do {
                try pipeline?.finish()
            } catch {
                failure = error
            }
        }
        summary.submitByDomain = pipeline?.totalsByDomain ?? [:]
        for index in summary.users.indices {
            summary.users[index].submit = pipeline?.totalsByUser[summary.users[index].user] ?? SubmitTotals()
        }
        summary.seconds = progress.elapsedSeconds
        progress.finish(records: summary.totalRecordsRead)
        if let failure {
            let acknowledged = pipeline?.acknowledged ?? 0
            summary.warnings.append(
                "import stopped after \(summary.totalRecordsRead) records read and \(acknowledged) acknowledged: "
                    + HealthCommand.describe(failure))
        }

        console.writeOutput(settings.format == "json" ? summary.renderJSON() : summary.renderText())
        for warning in summary.warnings {
            console.writeError("warning: \(warning)\n")
        }
        return summary.warnings.isEmpty ? HealthCommand.exitSuccess : HealthCommand.exitFailure
    }
}
