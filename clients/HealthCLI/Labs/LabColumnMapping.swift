// The mapping from the parts of a lab result (test name, value, unit, date and the rest) to the columns of a CSV
// file, as the `--columns` option of `health import labs` states it: `test=Test,value=Result,unit=Unit,...`.

/// The CSV column (by header name) of each part of a lab result.
///
/// Keys not named in `--columns` keep their standard column, which is the layout
/// `PatientID,Name,Date,Test,Result,Unit,ReferenceLow,ReferenceHigh`. A standard column that the file lacks is
/// left out when its key is optional, and is an error when its key is required (`test`, `value`, `date`). A
/// column named in `--columns` must exist. An empty column name (`low=`) leaves an optional key out.
public struct LabColumnMapping: Sendable, Equatable {
    /// The parts of a lab result that a column can hold.
    public enum Key: String, CaseIterable, Sendable {
        /// The test name as printed, such as `Hemoglobin A1c`.
        case test
        /// The result as printed: `5.4`, `<0.5`, `negative`.
        case value
        case unit
        /// The collection date (`2025-05-01`, read as local noon) or date and time (RFC 3339).
        case date
        /// A time of day to join with a date-only `date` column, such as `08:30`.
        case time
        /// The lower reference limit, a number.
        case low
        /// The upper reference limit, a number.
        case high
        /// The reference range as printed when it is not a pair of numbers, such as `negative`.
        case range
        /// The LOINC code of the test.
        case code
        /// The patient id; each patient's results go to a user of their own.
        case patient
        /// The id of the report the result belongs to.
        case report

        /// Keys that every lab CSV must map to a column.
        public static let required: Set<Key> = [.test, .value, .date]
    }

    /// The column header of each key; a key without an entry is not read.
    public private(set) var columns: [Key: String]
    /// Keys named in `--columns`; their columns must exist in the file.
    public private(set) var namedKeys: Set<Key> = []

    /// The layout `PatientID,Name,Date,Test,Result,Unit,ReferenceLow,ReferenceHigh`.
    public static let standard = LabColumnMapping(columns: [
        .patient: "PatientID", .date: "Date", .test: "Test", .value: "Result", .unit: "Unit",
        .low: "ReferenceLow", .high: "ReferenceHigh",
    ])

    private init(columns: [Key: String]) {
        self.columns = columns
    }

    /// Parses the value of `--columns`: comma-separated `key=Column` pairs over the standard layout.
    ///
    /// Throws `LabColumnMappingError` for an unknown key, a key given twice, a pair without `=`, or an empty
    /// column for a required key. Header names are matched ignoring case and surrounding spaces.
    public init(parsing text: String) throws(LabColumnMappingError) {
        self = .standard
        for pair in text.split(separator: ",", omittingEmptySubsequences: true) {
            guard let equals = pair.firstIndex(of: "=") else {
                throw LabColumnMappingError("invalid pair '\(pair)' in --columns: expected key=Column")
            }
            let keyText = CSVHeader.trimmed(pair[..<equals])
            let column = CSVHeader.trimmed(pair[pair.index(after: equals)...])
            guard let key = Key(rawValue: keyText.lowercased()) else {
                let known = Key.allCases.map(\.rawValue).joined(separator: ", ")
                throw LabColumnMappingError("unknown key '\(keyText)' in --columns: expected one of \(known)")
            }
            guard !namedKeys.contains(key) else {
                throw LabColumnMappingError("key '\(key.rawValue)' appears twice in --columns")
            }
            namedKeys.insert(key)
            if column.isEmpty {
                guard !Key.required.contains(key) else {
                    throw LabColumnMappingError(
                        "key '\(key.rawValue)' in --columns needs a column name: it is required")
                }
                columns[key] = nil
            } else {
                columns[key] = column
            }
        }
    }

    /// Returns the column index of each mapped key in a file with this header.
    ///
    /// Throws `LabColumnMappingError` naming the key, the column and the header's columns when a named column or a
    /// required column is missing.
    public func resolve(_ header: CSVHeader) throws(LabColumnMappingError) -> [Key: Int] {
        var indices: [Key: Int] = [:]
        for key in Key.allCases {
            guard let column = columns[key] else { continue }
            if let index = header.index(of: column) {
                indices[key] = index
                continue
            }
            guard namedKeys.contains(key) || Key.required.contains(key) else { continue }
            let found = header.names.map { "'\($0)'" }.joined(separator: ", ")
            throw LabColumnMappingError(
                "missing column '\(column)' for \(key.rawValue); the header has \(found); name the column with "
                    + "--columns \(key.rawValue)=COLUMN")
        }
        return indices
    }
}

/// An invalid `--columns` value, or a column it names that the file lacks.
public struct LabColumnMappingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
