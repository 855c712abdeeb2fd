// `health import labs`: reads a lab-results CSV with LabCSVImporter and submits its results, each patient of a
// multi-patient file as a user of its own.

import HealthDomain
import HealthWire

enum LabsImportCommand {
    static let usage =
        "health import labs FILE --user NAME [--columns MAPPING] [--batch-size N] [--in-flight N] [--mode MODE] "
        + "[--progress] [--dry-run] [--format text|json]"

    static let help = """
        Usage: \(usage)

        Imports lab results from a CSV table with one result per row. The standard layout is
        PatientID,Name,Date,Test,Result,Unit,ReferenceLow,ReferenceHigh; header names match ignoring case.
        The value stays as printed (5.4, <0.5, negative) and the server maps the test name to the lab catalog.
        Date is YYYY-MM-DD (local noon) or an RFC 3339 date and time. Commas or semicolons (with decimal
        commas) may separate the fields. Rows with an empty test name, value or patient id, or an unreadable
        date, are rejected with their line. Records carry the id patient|date|test|n, so importing the same file
        again changes nothing.

        When the file holds several patients, each patient's results go to the user NAME-PATIENT, such as
        clinic-1001 for --user clinic; with one patient, or no patient column, they go to NAME.

        Options:
          --columns MAPPING    comma-separated key=Column pairs naming the columns that differ from the standard
                               layout, such as test=Analyte,value=Result,date=Collected. Keys: test, value, unit,
                               date, time (joined to a date-only date), low, high, range (printed range text),
                               code (LOINC), patient, report. An empty column (low=) leaves an optional key out.
        \(ImportCommand.commonOptionsHelp)
        The summary lists each user with the records read and the server's counts, the failure reasons, and the
        rejected rows with their lines.

        """

    static let spec = CommandSpec(
        name: "health import labs", usage: usage, options: ImportCommand.commonOptions.union(["columns"]),
        flags: ImportCommand.commonFlags)

    static func run(_ rawArguments: [String], context: CommandContext) throws -> Int32 {
        if context.printHelpIfRequested(rawArguments, help: help) {
            return HealthCommand.exitSuccess
        }
        let arguments = try CommandArguments(rawArguments, spec: spec)
        let settings = try ImportSettings(arguments, files: .one("health import labs FILE"))
        let mapping = try columnMapping(arguments)
        let session = try ImportSession(settings: settings, arguments: arguments, context: context)
        defer { session.close() }

        var summary = RecordImportSummary(
            kind: "labs", files: settings.files, user: settings.user, dryRun: settings.dryRun, domains: [.labs])
        var failure: (any Error)?
        do {
            try importFile(settings.files[0], mapping: mapping, session: session, summary: &summary)
        } catch {
            failure = error
        }
        return session.finish(&summary, failure: failure)
    }

    static func columnMapping(_ arguments: CommandArguments) throws(UsageError) -> LabColumnMapping {
        guard let text = arguments.value("columns") else { return .standard }
        do {
            return try LabColumnMapping(parsing: text)
        } catch {
            throw arguments.usageError(error.description)
        }
    }

    /// Reads the file and submits each user's records. A file that cannot be read becomes a warning, and only a
    /// failure to submit throws.
    static func importFile(
        _ path: String, mapping: LabColumnMapping, session: ImportSession, summary: inout RecordImportSummary
    ) throws {
        let result: LabCSVImport
        do {
            result = try LabCSVImporter.parse(path: path, mapping: mapping)
        } catch let error as LabCSVError {
            summary.warnings.append(error.description)
            return
        } catch {
            summary.warnings.append("\(path): \(error)")
            return
        }
        summary.inputCounts = [("rows", result.rows.count + result.rejected.count)]
        summary.recordsRead[.labs] = result.rows.count
        summary.rejections = result.rejected.map {
            ImportIssue(location: RecordLocation(file: path, line: $0.line), reason: $0.reason)
        }
        if let stoppedEarly = result.stoppedEarly {
            let importedNote = "the \(result.rows.count) rows before it were imported"
            summary.warnings.append("\(path): reading stopped early: \(stoppedEarly); \(importedNote)")
        }

        for group in groupByUser(result, user: session.settings.user) {
            summary.users.append(ImportedUser(user: group.user, patient: group.patient, records: group.rows.count))
            let locations = group.rows.map { RecordLocation(file: path, line: $0.line) }
            try session.submit(
                group.rows.map(\.record), locations: locations, user: group.user, wrap: SubmitRecords.labs)
        }
    }

    struct UserRows {
        var user: String
        /// The patient id when the file has several patients, else nil.
        var patient: String?
        var rows: [LabCSVImport.Row]
    }

    /// Groups the rows by the user they are submitted as, in the order of each user's first row.
    static func groupByUser(_ result: LabCSVImport, user: String) -> [UserRows] {
        var groups: [UserRows] = []
        var indexByUser: [String: Int] = [:]
        let severalPatients = result.patientKeys.count > 1
        for row in result.rows {
            let rowUser = result.user(forPatient: row.patientKey, user: user)
            if let index = indexByUser[rowUser] {
                groups[index].rows.append(row)
            } else {
                indexByUser[rowUser] = groups.count
                groups.append(UserRows(user: rowUser, patient: severalPatients ? row.patientKey : nil, rows: [row]))
            }
        }
        return groups
    }
}
