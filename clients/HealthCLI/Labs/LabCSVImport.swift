// The result of a lab-results CSV import: one lab record per good row with the patient it belongs to, and the
// rejected rows with their line numbers.

import HealthDomain

/// The lab records of one CSV file, grouped by nothing: each row carries its patient.
public struct LabCSVImport: Sendable, Equatable {
    /// One good row of the file.
    public struct Row: Sendable, Equatable {
        /// The patient id from the `patient` column, trimmed; nil when the mapping has no patient column.
        public var patientKey: String?
        public var record: LabRecord
        /// The 1-based line on which the row starts.
        public var line: Int
    }

    /// A row that could not be read, such as one with an empty value or an unreadable date.
    public struct Rejection: Sendable, Equatable {
        public var line: Int
        /// The problem, naming the column or the cell.
        public var reason: String
    }

    public var rows: [Row] = []
    public var rejected: [Rejection] = []
    /// The distinct patient keys of `rows` and `rejected` rows, in the order of their first row.
    public var patientKeys: [String] = []
    /// The reason reading stopped before the end of the file, such as an unclosed quote or an overlong row. It is
    /// nil when the whole file was read. The rows before the stop are kept.
    public var stoppedEarly: String?

    public init() {}

    /// Returns the user to submit a patient's rows as. With at most one patient in the file it is `user` itself.
    /// With several, each patient becomes the user `<user>-<patientKey>`, so `--user clinic` gives `clinic-1001`.
    public func user(forPatient patientKey: String?, user: String) -> String {
        guard patientKeys.count > 1, let patientKey else { return user }
        return user + "-" + patientKey
    }

    /// The rows of each patient, in file order; rows without a patient key are under the empty string.
    public var rowsByPatient: [String: [Row]] {
        Dictionary(grouping: rows) { $0.patientKey ?? "" }
    }
}

/// A lab CSV that could not be read at all: missing, empty, or without the columns the mapping names.
public struct LabCSVError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// The failure and its fix, without the path.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
