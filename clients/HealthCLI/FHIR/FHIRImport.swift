// The result of reading one FHIR file: the vital and lab records, and an account of everything left out.

import HealthDomain

/// The records read from one FHIR file and the counts of what was not imported.
///
/// Every Observation of the file gives records, a rejection or a count in `skipped`. One with components can give
/// several of these, because each component is read on its own (a blood-pressure panel gives one vital each).
public struct FHIRImport: Sendable, Equatable {
    /// An Observation or NDJSON line that should have given a record but could not be read.
    public struct Rejection: Sendable, Equatable {
        /// The position in the file: `entry 12 (Observation/abc)` in a Bundle, `line 7 (Observation/abc)` in
        /// NDJSON, `Observation/abc` for a file containing one resource. The file name is not included.
        public var location: String
        /// The problem, naming the element and its value.
        public var reason: String
        /// The 1-based line in an NDJSON file; nil in a JSON document.
        public var line: Int?

        public init(location: String, reason: String, line: Int? = nil) {
            self.location = location
            self.reason = reason
            self.line = line
        }
    }

    /// Vital-sign observations with a quantity value, one record per blood-pressure component. `metric` is the
    /// LOINC code.
    public var vitals: [VitalRecord] = []
    /// Laboratory observations, with numeric values as written (`6.3`, `<0.5`) and qualitative values as text.
    public var labs: [LabRecord] = []
    public var rejected: [Rejection] = []
    /// Observations (and components) deliberately left out, counted by reason, such as `status entered-in-error`,
    /// `category survey` or `vital-signs value is valueCodeableConcept, not a quantity`.
    public var skipped: [String: Int] = [:]
    /// Records imported with a caveat, counted by kind, such as a vital timed by `issued` for lack of an effective
    /// time.
    public var warnings: [String: Int] = [:]
    /// Resources other than Observation, counted by resource type. DiagnosticReports are counted here as well,
    /// although the importer reads them to find each lab result's report.
    public var otherResources: [String: Int] = [:]
    /// Observation resources read, whatever became of them.
    public var observationCount = 0

    public init() {}

    /// The number of vital records per metric (LOINC code).
    public var vitalCountsByCode: [String: Int] {
        vitals.reduce(into: [:]) { counts, record in counts[record.metric, default: 0] += 1 }
    }

    /// The number of lab records per LOINC code; results without a LOINC code are counted under the empty string.
    public var labCountsByCode: [String: Int] {
        labs.reduce(into: [:]) { counts, record in counts[record.code ?? "", default: 0] += 1 }
    }

    mutating func skip(_ reason: String) {
        skipped[reason, default: 0] += 1
    }

    mutating func warn(_ kind: String) {
        warnings[kind, default: 0] += 1
    }
}

/// A FHIR file that could not be read at all: missing, unreadable, not JSON, or not a FHIR resource.
public struct FHIRImportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// The failure and its fix, without the path.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
