// Reads lab results from a CSV table, one result per row, with the columns a LabColumnMapping names. A file may
// hold several patients; every row keeps its patient id so the caller can submit each patient as its own user.
//
// Workload: lab histories of a few hundred to some hundred thousand rows, streamed row by row.

import HealthDomain

/// Reads lab-results CSV files into `LabCSVImport` values.
///
/// Rules:
/// - The value is kept as text, as printed (`5.4`, `<0.5`, `negative`); an empty value rejects the row, never
///   stored as 0. In a `;`-delimited file a decimal comma in a numeric value becomes a point (`<0,5` gives `<0.5`).
/// - `date` is `YYYY-MM-DD` (local noon, no offset) or an RFC 3339 date and time. When a `time` column is mapped,
///   its cell is joined to a date-only cell. Other date forms reject the row.
/// - `low` and `high` are numbers; a cell that is not a number goes to `referenceText` as printed.
/// - `sourceRecordId` is `patient|date|test|n` (`date|test|n` without a patient column), where n counts the rows
///   with the same patient, date cell and test name from 1, so re-importing the same file replaces its records.
///   A mapped `time` cell follows the date cell after a space.
public enum LabCSVImporter {
    /// The record source of every row.
    public static let defaultSource = "lab-csv"

    /// Reads the file at `path`. Throws `LabCSVError` when it cannot be opened or has no header line, and
    /// `LabColumnMappingError` when a column of the mapping is missing from the header.
    public static func parse(
        path: String, mapping: LabColumnMapping = .standard, source: String = defaultSource
    ) throws -> LabCSVImport {
        let reader: CSVReader
        do {
            reader = try CSVReader(path: path)
        } catch CSVError.cannotOpen(_, let reason) {
            throw LabCSVError(path: path, message: "cannot open the file: \(reason)")
        } catch {
            throw LabCSVError(path: path, message: "cannot read the file: \(error)")
        }
        return try parse(reader: reader, name: path, mapping: mapping, source: source)
    }

    /// Reads CSV text; `name` stands for the file in errors. See `parse(path:mapping:source:)`.
    public static func parse(
        text: String, name: String, mapping: LabColumnMapping = .standard, source: String = defaultSource
    ) throws -> LabCSVImport {
        try parse(reader: CSVReader(text: text), name: name, mapping: mapping, source: source)
    }

    private static func parse(
        reader: CSVReader, name: String, mapping: LabColumnMapping, source: String
    ) throws -> LabCSVImport {
        var reader = reader
        guard let headerRow = try readHeader(&reader, name: name) else {
            throw LabCSVError(path: name, message: "the file is empty; expected a header line naming the columns")
        }
        let columns = try mapping.resolve(CSVHeader(headerRow.fields))
        var rowReader = LabCSVRowReader(
            columns: columns, decimalComma: reader.usesDecimalComma, source: source)
        var result = LabCSVImport()
        while true {
            let row: CSVRow?
            do {
                row = try reader.nextRow()
            } catch CSVError.invalidUTF8(let line) {
                result.rejected.append(.init(line: line, reason: "invalid UTF-8; save the file as UTF-8"))
                continue
            } catch {
                result.stoppedEarly = "\(error)"
                break
            }
            guard let row else { break }
            rowReader.read(row, into: &result)
        }
        return result
    }

    private static func readHeader(_ reader: inout CSVReader, name: String) throws -> CSVRow? {
        do {
            return try reader.nextRow()
        } catch {
            throw LabCSVError(path: name, message: "cannot read the header line: \(error)")
        }
    }
}

/// Turns CSV rows into lab records, counting repeated (patient, date, test) rows for their record ids.
struct LabCSVRowReader {
    typealias Key = LabColumnMapping.Key

    let columns: [Key: Int]
    let decimalComma: Bool
    let source: String
    /// Rows seen per `patient|date|test`, for the occurrence number in record ids.
    private var occurrences: [String: Int] = [:]
    private var knownPatients: Set<String> = []

    init(columns: [Key: Int], decimalComma: Bool, source: String) {
        self.columns = columns
        self.decimalComma = decimalComma
        self.source = source
    }

    /// Appends the row's record to `result`, or a rejection naming the line and the problem.
    mutating func read(_ row: CSVRow, into result: inout LabCSVImport) {
        let test = cell(.test, row)
        let dateText = cell(.date, row)
        let timeText = cell(.time, row)
        let patient = columns[.patient] == nil ? nil : cell(.patient, row)
        if let patient, !patient.isEmpty, knownPatients.insert(patient).inserted {
            result.patientKeys.append(patient)
        }
        let when = timeText.isEmpty ? dateText : dateText + " " + timeText
        let identityParts = (patient.map { [$0] } ?? []) + [when, test]
        let identity = identityParts.joined(separator: "|")
        occurrences[identity, default: 0] += 1
        let recordId = identity + "|" + String(occurrences[identity]!)

        switch makeRecord(row, test: test, dateText: dateText, patient: patient, recordId: recordId) {
        case .success(let record):
            result.rows.append(LabCSVImport.Row(patientKey: patient, record: record, line: row.line))
        case .failure(let rejection):
            result.rejected.append(LabCSVImport.Rejection(line: row.line, reason: rejection.reason))
        }
    }

    struct RowRejection: Error {
        var reason: String
    }

    private func makeRecord(
        _ row: CSVRow, test: String, dateText: String, patient: String?, recordId: String
    ) -> Result<LabRecord, RowRejection> {
        guard !test.isEmpty else { return .failure(RowRejection(reason: "the test name is empty")) }
        if let patient, patient.isEmpty {
            return .failure(RowRejection(reason: "the patient id is empty"))
        }
        let value = cell(.value, row)
        guard !value.isEmpty else {
            return .failure(RowRejection(reason: "the result value of \(test) is empty"))
        }
        guard let time = collectionTime(dateText, row: row) else {
            let dateDescription = dateText.isEmpty ? "empty" : "'\(dateText)'"
            return .failure(
                RowRejection(
                    reason: "the date is \(dateDescription); expected YYYY-MM-DD or an RFC 3339 date and time such as "
                        + "2025-05-01T08:30:00-04:00"))
        }
        let range = referenceRange(row)
        let code = cell(.code, row)
        let report = cell(.report, row)
        return .success(
            LabRecord(
                test: test, code: code.isEmpty ? nil : code, valueText: normalizedValue(value), unit: cell(.unit, row),
                referenceLow: range.low, referenceHigh: range.high, referenceText: range.text,
                collectedMs: time.utcMs, offsetMinutes: time.offsetMinutes, reportId: report.isEmpty ? nil : report,
                source: source, sourceRecordId: recordId))
    }

    /// Returns the cell of `key`, trimmed. The cell is empty when the key has no column or the row is short.
    private func cell(_ key: Key, _ row: CSVRow) -> String {
        guard let index = columns[key], index < row.fields.count else { return "" }
        return CSVHeader.trimmed(row.fields[index])
    }

    private func collectionTime(_ dateText: String, row: CSVRow) -> LocalTimestamp? {
        let time = cell(.time, row)
        if !time.isEmpty, dateText.utf8.count == 10 {
            return TimestampParser.parseRFC3339(dateText + "T" + time)
        }
        return TimestampParser.parseRFC3339(dateText)
    }

    /// Returns the numeric limits of the `low` and `high` cells. Cells that are not numbers, and the `range` cell,
    /// become the reference text.
    private func referenceRange(_ row: CSVRow) -> (low: Double?, high: Double?, text: String?) {
        let lowText = cell(.low, row)
        let highText = cell(.high, row)
        let low = CSVReader.parseNumber(lowText, decimalComma: decimalComma)
        let high = CSVReader.parseNumber(highText, decimalComma: decimalComma)
        let rangeText = cell(.range, row)
        if !rangeText.isEmpty {
            return (low, high, rangeText)
        }
        let unreadable = [(lowText, low), (highText, high)].filter { !$0.0.isEmpty && $0.1 == nil }.map(\.0)
        return (low, high, unreadable.isEmpty ? nil : unreadable.joined(separator: " - "))
    }

    /// Returns the value as printed. In a file with decimal commas, a number after any comparator gets a decimal
    /// point in place of its comma and loses its thousands dots: `<0,5` gives `<0.5`.
    private func normalizedValue(_ value: String) -> String {
        guard decimalComma, value.contains(",") else { return value }
        let comparator = value.prefix { "<>=≤≥".contains($0) }
        let number = String(value.dropFirst(comparator.count))
        guard CSVReader.parseNumber(number, decimalComma: true) != nil else { return value }
        let plain = number.filter { $0 != "." }.map { $0 == "," ? "." : $0 }
        return String(comparator) + String(plain)
    }
}
