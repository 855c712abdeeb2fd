// The entry point of the nutrition importers: reads the header of a CSV export, picks the format's row parser and
// turns the rows into records one at a time, so that a caller can submit in batches while reading.

import HealthDomain

/// The outcome of parsing one data row.
enum ParsedRow {
    case record(ImportedRecord)
    case rejected(RowRejection)
    /// Left out on purpose, with the reason for the report's skipped rows.
    case skipped(String)
    /// Left out on purpose and already counted in the report, such as a biometrics metric that is not a vital sign.
    case counted
}

/// Parses one data row of an export into a record; each format has one.
protocol NutritionRowParser {
    mutating func parse(_ row: CSVRow, decimalComma: Bool, report: inout NutritionImportReport) -> ParsedRow
}

/// Reads a nutrition export (Cronometer, MyFitnessPal or this project's nutrition CSV) into records.
///
/// Parsing only: nothing is sent anywhere. Every data row ends up as a record, in `report.rejected` (with its line
/// and the reason), in `report.skippedRows`, or counted in `report.skippedMetrics`. Values are never invented: an
/// empty cell is an absent nutrient, and a cell that is not a number rejects its row.
///
/// ```swift
/// var importer = try NutritionImporter(path: "servings.csv", catalog: catalog)
/// while let record = try importer.next() { ... }
/// print(importer.report.rejected)
/// ```
public struct NutritionImporter {
    public let format: NutritionFormat
    public let header: CSVHeader
    /// Counts and rows read or left out so far.
    public private(set) var report = NutritionImportReport()

    private var reader: CSVReader
    private var parser: any NutritionRowParser

    /// Opens `path` and reads its header; see `init(reader:catalog:format:source:)`.
    public init(path: String, catalog: NutrientCatalog, format: NutritionFormat? = nil, source: String? = nil) throws {
        try self.init(reader: CSVReader(path: path), catalog: catalog, format: format, source: source)
    }

    /// Reads the header line and prepares the format's row parser.
    ///
    /// - Parameters:
    ///   - format: the export format; nil detects it from the header with `NutritionFormat.detect(header:)`.
    ///   - source: the records' source name; nil uses the format's `defaultSource`.
    /// - Throws: `NutritionImportError` when the file is empty, the format cannot be detected or a required column
    ///   is missing, and `CSVError` when the header cannot be read.
    public init(reader: CSVReader, catalog: NutrientCatalog, format: NutritionFormat? = nil, source: String? = nil)
        throws
    {
        var reader = reader
        guard let headerRow = try reader.nextRow() else { throw NutritionImportError.emptyFile }
        let header = CSVHeader(headerRow.fields)
        guard let format = format ?? NutritionFormat.detect(header: header) else {
            throw NutritionImportError.unknownFormat(header: header.names)
        }
        for name in format.requiredColumns where header.index(of: name) == nil {
            throw NutritionImportError.missingColumn(name: name, format: format)
        }

        let source = source ?? format.defaultSource
        switch format {
        case .cronometerServings:
            parser = CronometerServingsParser(header: header, catalog: catalog, source: source)
        case .cronometerDailySummary:
            parser = CronometerDailySummaryParser(header: header, catalog: catalog, source: source)
        case .cronometerBiometrics:
            parser = CronometerBiometricsParser(header: header, source: source)
        case .myFitnessPal:
            parser = MyFitnessPalParser(header: header, catalog: catalog, source: source)
        case .nutritionCSV:
            parser = NutritionCSVParser(header: header, catalog: catalog, source: source)
        }
        self.format = format
        self.header = header
        self.reader = reader
    }

    /// Returns the next record, or nil at the end of the file.
    ///
    /// Rows that give no record are added to `report` on the way. Throws `CSVError` when the file cannot be read
    /// on (a read error, a quote still open at the end); the records returned before stay valid.
    public mutating func next() throws -> ImportedRecord? {
        while true {
            let row: CSVRow
            do {
                guard let next = try reader.nextRow() else { return nil }
                row = next
            } catch CSVError.invalidUTF8(let line) {
                report.rowsRead += 1
                report.rejected.append(NutritionRowIssue(line: line, reason: "invalid UTF-8; save the file as UTF-8"))
                continue
            }
            report.rowsRead += 1
            if let problem = fieldCountProblem(row) {
                report.rejected.append(NutritionRowIssue(line: row.line, reason: problem))
                continue
            }

            switch parser.parse(row, decimalComma: reader.usesDecimalComma, report: &report) {
            case .record(let record):
                return record
            case .rejected(let rejection):
                report.rejected.append(NutritionRowIssue(line: row.line, reason: rejection.reason))
            case .skipped(let reason):
                report.skippedRows.append(NutritionRowIssue(line: row.line, reason: reason))
            case .counted:
                break
            }
        }
    }

    /// Reads every remaining row. Throws like `next()`, in which case the records read so far are lost; callers
    /// that must keep them use `next()`.
    public mutating func readAll() throws -> NutritionImport {
        var result = NutritionImport(format: format)
        while let record = try next() {
            switch record {
            case .nutrition(let nutrition): result.records.append(nutrition)
            case .vital(let vital): result.vitals.append(vital)
            }
        }
        result.report = report
        return result
    }

    /// Returns a reason when the row has more cells than the header has columns, because its values would be under
    /// the wrong headers (usually a cell with the delimiter in it was not quoted). Extra cells that are empty, as a
    /// trailing delimiter gives, are accepted.
    private func fieldCountProblem(_ row: CSVRow) -> String? {
        guard row.fields.count > header.names.count else { return nil }
        let extra = row.fields[header.names.count...]
        guard extra.contains(where: { !CSVHeader.trimmed($0).isEmpty }) else { return nil }
        let delimiter = Character(UnicodeScalar(reader.delimiter))
        return "expected \(header.names.count) fields as in the header, found \(row.fields.count); quote cells that "
            + "contain '\(delimiter)'"
    }
}
