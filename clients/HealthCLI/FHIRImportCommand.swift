// `health import fhir`: reads FHIR R4 files with FHIRImporter and submits their vital signs and lab results as
// separate vitals and labs submits.

import HealthDomain
import HealthWire

enum FHIRImportCommand {
    static let usage =
        "health import fhir FILE... --user NAME [--batch-size N] [--in-flight N] [--mode MODE] [--progress] "
        + "[--dry-run] [--format text|json]"

    static let help = """
        Usage: \(usage)

        Imports the Observations of FHIR R4 JSON files. Each FILE is a Bundle of any type, a single resource, or
        NDJSON with one resource per line (a name ending in .ndjson or .jsonl is always read as NDJSON).
        Observations of category vital-signs with a quantity value become vital records (one per component, as
        in blood pressure); vital signs whose LOINC code the vitals catalog lacks are skipped. Observations of
        category laboratory, or listed by a laboratory DiagnosticReport, become lab results with their value as
        printed (5.4, <0.5, negative), reference range and report id. Entered-in-error and cancelled
        Observations are skipped. The time is effectiveDateTime, else effectiveInstant, else the start of
        effectivePeriod, else issued (counted as a caveat); an Observation without any is rejected. Records
        carry the Observation id, so importing the same file again changes nothing.

        Options:
        \(ImportCommand.commonOptionsHelp)
        The summary shows, per domain, the records read and the server's accepted, updated, unchanged, pending
        and failed counts with the failure reasons; the rejected Observations with their location; the skipped
        ones by reason; and resources other than Observation by type. --format json adds the record count per
        LOINC code. A file that cannot be read is reported and the other files are still imported; the exit
        status is then 1.

        """

    static let spec = CommandSpec(
        name: "health import fhir", usage: usage, options: ImportCommand.commonOptions,
        flags: ImportCommand.commonFlags)

    static func run(_ rawArguments: [String], context: CommandContext) throws -> Int32 {
        if context.printHelpIfRequested(rawArguments, help: help) {
            return HealthCommand.exitSuccess
        }
        let arguments = try CommandArguments(rawArguments, spec: spec)
        let settings = try ImportSettings(arguments, files: .several("health import fhir FILE..."))
        let importer = FHIRImporter(catalog: try EmbeddedCatalogs.vitals())
        let session = try ImportSession(settings: settings, arguments: arguments, context: context)
        defer { session.close() }

        var summary = RecordImportSummary(
            kind: "fhir", files: settings.files, user: settings.user, dryRun: settings.dryRun,
            domains: [.vitals, .labs])
        summary.codes = [:]
        summary.otherResources = [:]
        summary.inputCounts = [("observations", 0)]
        var failure: (any Error)?
        do {
            for file in settings.files {
                try importFile(file, importer: importer, session: session, summary: &summary)
            }
        } catch {
            failure = error
        }
        return session.finish(&summary, failure: failure)
    }

    /// Reads one file and submits its records. A file that cannot be read becomes a warning, and only a failure
    /// to submit throws.
    static func importFile(
        _ path: String, importer: FHIRImporter, session: ImportSession, summary: inout RecordImportSummary
    ) throws {
        let result: FHIRImport
        do {
            result = try importer.parse(path: path)
        } catch {
            summary.warnings.append(error.description)
            return
        }
        add(result, file: path, to: &summary)

        let vitalLocations = result.vitals.enumerated().map { location(file: path, id: $1.sourceRecordId, index: $0) }
        try session.submit(result.vitals, locations: vitalLocations, wrap: SubmitRecords.vitals)
        let labLocations = result.labs.enumerated().map { location(file: path, id: $1.sourceRecordId, index: $0) }
        try session.submit(result.labs, locations: labLocations, wrap: SubmitRecords.labs)
    }

    /// Adds the counts of one file's result to `summary`.
    static func add(_ result: FHIRImport, file: String, to summary: inout RecordImportSummary) {
        summary.inputCounts[0].count += result.observationCount
        summary.recordsRead[.vitals, default: 0] += result.vitals.count
        summary.recordsRead[.labs, default: 0] += result.labs.count
        summary.rejections += result.rejected.map {
            ImportIssue(location: RecordLocation(file: file, line: $0.line, item: $0.location), reason: $0.reason)
        }
        summary.skipped.merge(result.skipped, uniquingKeysWith: +)
        summary.caveats.merge(result.warnings, uniquingKeysWith: +)
        summary.otherResources?.merge(result.otherResources, uniquingKeysWith: +)
        summary.codes?[.vitals, default: [:]].merge(result.vitalCountsByCode, uniquingKeysWith: +)
        summary.codes?[.labs, default: [:]].merge(result.labCountsByCode, uniquingKeysWith: +)
    }

    /// Returns the location of a record: its Observation id (with `#code` for a component), else its place in the
    /// file.
    private static func location(file: String, id: String?, index: Int) -> RecordLocation {
        guard let id else { return RecordLocation(file: file, item: "record \(index + 1)") }
        return RecordLocation(file: file, item: "observation \(id)")
    }
}
