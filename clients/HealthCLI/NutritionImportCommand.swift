// `health import cronometer|myfitnesspal|nutrition-csv`: streams a nutrition export through NutritionImporter
// and submits its entries in pipelined batches. A Cronometer biometrics export gives vital records instead.

import HealthDomain
import HealthWire

enum NutritionImportCommand {
    static let options =
        "--user NAME [--batch-size N] [--in-flight N] [--mode MODE] [--progress] [--dry-run] [--format text|json]"

    static func usage(_ kind: String) -> String {
        "health import \(kind) FILE \(options)"
    }

    static func help(_ kind: String) -> String {
        """
        Usage: \(usage(kind))

        \(description(kind))

        Nutrient columns are matched to the nutrient catalog by name, with a unit in parentheses where the
        header gives one; columns the catalog does not know are skipped and counted. An empty cell is a
        nutrient not recorded, never 0. Rows with an unreadable date or time, an empty food name, or a cell
        that is not a number are rejected with their line. Commas or semicolons (with decimal commas) may
        separate the fields. Times carry no UTC offset unless the file states one, so the server uses the
        user's time zone. Records carry ids made from the row's time and what it names (meal and food, or
        metric), numbered among identical rows, so importing the same file again changes nothing.

        Options:
        \(ImportCommand.commonOptionsHelp)
        The summary shows the records read and the server's counts per domain with the failure reasons, the
        rejected and skipped rows with their lines, and the skipped columns with their number of values.

        """
    }

    private static func description(_ kind: String) -> String {
        switch kind {
        case "cronometer":
            return """
                Imports a Cronometer export; the header tells which one. Servings (Day,Time,Group,Food Name,...):
                one entry per food, the group becoming the meal. Daily nutrition (Date,...,Completed): one entry
                per day with the day's totals. Biometrics (Day,Time,Group,Metric,Unit,Amount): metrics that are
                vital signs (weight, heart rate, blood glucose, ...) become vital records; others are skipped.
                Import either the servings or the daily nutrition export for the same days, not both, or the
                totals count twice.
                """
        case "myfitnesspal":
            return """
                Imports a MyFitnessPal nutrition summary export (Date,Meal,Calories,...): one entry per meal with
                the meal's totals, at local noon. Its Vitamin A, Vitamin C, Calcium and Iron columns are percent
                of the daily value and stay so.
                """
        default:
            return """
                Imports this project's plain nutrition CSV: columns time, food, and optionally meal, amount and id,
                then one column per nutrient, such as protein or energy (kJ). docs/nutrition-csv.md describes it.
                """
        }
    }

    static func spec(_ kind: String) -> CommandSpec {
        CommandSpec(
            name: "health import \(kind)", usage: usage(kind), options: ImportCommand.commonOptions,
            flags: ImportCommand.commonFlags)
    }

    /// Returns the format a kind reads, or nil to let the header decide between the Cronometer exports.
    static func format(_ kind: String) -> NutritionFormat? {
        switch kind {
        case "myfitnesspal": return .myFitnessPal
        case "nutrition-csv": return .nutritionCSV
        default: return nil
        }
    }

    static func run(kind: String, _ rawArguments: [String], context: CommandContext) throws -> Int32 {
        if context.printHelpIfRequested(rawArguments, help: help(kind)) {
            return HealthCommand.exitSuccess
        }
        let arguments = try CommandArguments(rawArguments, spec: spec(kind))
        let settings = try ImportSettings(arguments, files: .one("health import \(kind) FILE"))
        let catalog = try EmbeddedCatalogs.nutrients()
        let session = try ImportSession(settings: settings, arguments: arguments, context: context)
        defer { session.close() }

        var summary = RecordImportSummary(
            kind: kind, files: settings.files, user: settings.user, dryRun: settings.dryRun, domains: [.nutrition])
        summary.skippedRows = []
        summary.skippedColumns = [:]
        var failure: (any Error)?
        do {
            try importFile(settings.files[0], kind: kind, catalog: catalog, session: session, summary: &summary)
        } catch {
            failure = error
        }
        return session.finish(&summary, failure: failure)
    }

    /// Reads the file and submits its records in batches. A file that cannot be read becomes a warning. When
    /// reading stops part way, the records read before are submitted and the stop becomes a warning. Only a
    /// failure to submit throws.
    static func importFile(
        _ path: String, kind: String, catalog: NutrientCatalog, session: ImportSession,
        summary: inout RecordImportSummary
    ) throws {
        var importer: NutritionImporter
        do {
            importer = try NutritionImporter(path: path, catalog: catalog, format: format(kind))
        } catch {
            summary.warnings.append("\(path): \(error)")
            return
        }
        if let problem = formatProblem(importer.format, kind: kind) {
            summary.warnings.append("\(path): \(problem)")
            return
        }
        summary.format = importer.format.rawValue
        if importer.format == .cronometerBiometrics {
            summary.domains = [.vitals]
        }

        var batch = NutritionBatch(file: path)
        var stop: (any Error)?
        do {
            while let record = try importer.next() {
                batch.add(record, row: importer.report.rowsRead)
                if batch.count >= session.settings.batchSize {
                    try batch.submit(session, summary: &summary)
                }
            }
        } catch let error as CSVError {
            stop = error
        }
        try batch.submit(session, summary: &summary)
        add(importer.report, file: path, to: &summary)
        if let stop {
            summary.warnings.append(
                "\(path): reading stopped after data row \(importer.report.rowsRead): \(stop); the rows before it "
                    + "were imported")
        }
    }

    /// Returns why a file of `format` cannot be imported as `kind`, or nil when it can.
    static func formatProblem(_ format: NutritionFormat, kind: String) -> String? {
        switch (kind, format) {
        case ("cronometer", .cronometerServings), ("cronometer", .cronometerDailySummary),
            ("cronometer", .cronometerBiometrics):
            return nil
        case ("cronometer", .myFitnessPal):
            return "not a Cronometer export: the header fits a MyFitnessPal nutrition summary; import it with "
                + "'health import myfitnesspal'"
        case ("cronometer", .nutritionCSV):
            return "not a Cronometer export: the header fits the plain nutrition CSV; import it with "
                + "'health import nutrition-csv'"
        default:
            return nil
        }
    }

    /// Adds the importer's account of the rows that gave no record to `summary`.
    static func add(_ report: NutritionImportReport, file: String, to summary: inout RecordImportSummary) {
        summary.inputCounts = [("rows", report.rowsRead)]
        summary.rejections = report.rejected.map {
            ImportIssue(location: RecordLocation(file: file, line: $0.line), reason: $0.reason)
        }
        summary.skippedRows = report.skippedRows.map {
            ImportIssue(location: RecordLocation(file: file, line: $0.line), reason: $0.reason)
        }
        for row in report.skippedRows {
            summary.skipped[row.reason, default: 0] += 1
        }
        for (metric, count) in report.skippedMetrics {
            summary.skipped["metric '\(metric)' is not a vital sign", default: 0] += count
        }
        summary.skippedColumns = report.skippedColumns
    }
}

/// The records read since the last submit, with their locations, for both domains a nutrition export can give.
struct NutritionBatch {
    let file: String
    private var nutrition: [NutritionRecord] = []
    private var nutritionLocations: [RecordLocation] = []
    private var vitals: [VitalRecord] = []
    private var vitalLocations: [RecordLocation] = []

    init(file: String) {
        self.file = file
    }

    var count: Int { max(nutrition.count, vitals.count) }

    /// Adds a record read from the 1-based data row `row`.
    mutating func add(_ record: ImportedRecord, row: Int) {
        // NOTE: NutritionImporter does not return the line of a record, so records are located by data row (the
        // header not counted). The line is the data row plus one unless quoted cells span lines.
        let location = RecordLocation(file: file, item: "data row \(row)")
        switch record {
        case .nutrition(let entry):
            nutrition.append(entry)
            nutritionLocations.append(location)
        case .vital(let vital):
            vitals.append(vital)
            vitalLocations.append(location)
        }
    }

    /// Submits the records held and counts them in `summary`.
    mutating func submit(_ session: ImportSession, summary: inout RecordImportSummary) throws {
        summary.recordsRead[.nutrition, default: 0] += nutrition.count
        summary.recordsRead[.vitals, default: 0] += vitals.count
        try session.submit(nutrition, locations: nutritionLocations, wrap: SubmitRecords.nutrition)
        try session.submit(vitals, locations: vitalLocations, wrap: SubmitRecords.vitals)
        nutrition.removeAll(keepingCapacity: true)
        nutritionLocations.removeAll(keepingCapacity: true)
        vitals.removeAll(keepingCapacity: true)
        vitalLocations.removeAll(keepingCapacity: true)
    }
}
