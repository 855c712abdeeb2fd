// The result types of the nutrition importers and the export formats they read.

import HealthDomain

/// A nutrition export format that `NutritionImporter` reads.
public enum NutritionFormat: String, Sendable, CaseIterable {
    /// Cronometer "Servings" export: one row per food eaten (`Day,Time,Group,Food Name,Amount,Energy (kcal),...`).
    case cronometerServings = "cronometer-servings"
    /// Cronometer "Daily Nutrition" export: one row of totals per day (`Date,Energy (kcal),...,Completed`).
    case cronometerDailySummary = "cronometer-daily-summary"
    /// Cronometer "Biometrics" export (`Day,Time,Group,Metric,Unit,Amount`); gives vital records.
    case cronometerBiometrics = "cronometer-biometrics"
    /// MyFitnessPal "Nutrition Summary" export: one row of totals per meal (`Date,Meal,Calories,...,Note`).
    case myFitnessPal = "myfitnesspal"
    /// This project's own layout (`time,meal,food,amount,<nutrient columns>`), described in docs/nutrition-csv.md.
    case nutritionCSV = "nutrition-csv"

    /// The source name that records of this format carry, part of their idempotency key.
    public var defaultSource: String {
        switch self {
        case .cronometerServings, .cronometerDailySummary, .cronometerBiometrics: return "cronometer"
        case .myFitnessPal: return "myfitnesspal"
        case .nutritionCSV: return "nutrition-csv"
        }
    }

    /// Returns the format whose required columns the header has, or nil. Column names match case-insensitively.
    public static func detect(header: CSVHeader) -> NutritionFormat? {
        let has = { (names: [String]) in names.allSatisfy { header.index(of: $0) != nil } }
        if has(["Day", "Metric", "Unit", "Amount"]) {
            return .cronometerBiometrics
        }
        if has(["Day", "Group", "Food Name"]) {
            return .cronometerServings
        }
        if has(["Date", "Meal"]) {
            return .myFitnessPal
        }
        if has(["Date"]) {
            return .cronometerDailySummary
        }
        if has(["time", "food"]) {
            return .nutritionCSV
        }
        return nil
    }

    /// Columns without which a file of this format cannot be read.
    var requiredColumns: [String] {
        switch self {
        case .cronometerServings: return ["Day", "Time", "Group", "Food Name"]
        case .cronometerDailySummary: return ["Date"]
        case .cronometerBiometrics: return ["Day", "Time", "Metric", "Unit", "Amount"]
        case .myFitnessPal: return ["Date", "Meal"]
        case .nutritionCSV: return ["time", "food"]
        }
    }
}

/// A row that was not imported, with the physical line where it starts.
public struct NutritionRowIssue: Sendable, Equatable {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}

/// Counts and rows of an import that were read or left out. They grow while `NutritionImporter` reads.
public struct NutritionImportReport: Sendable, Equatable {
    /// Data rows read, not counting the header.
    public var rowsRead = 0
    /// Rows with unreadable or invalid values (a bad date, a number cell that is not a number, a negative amount).
    public var rejected: [NutritionRowIssue] = []
    /// Rows left out on purpose, such as a daily summary day with no values at all.
    public var skippedRows: [NutritionRowIssue] = []
    /// Column header to the number of non-empty cells that were not imported because the catalog has no nutrient
    /// for the column or an earlier column already gave that nutrient. Columns whose cells are all empty and the
    /// format's known non-nutrient columns (Cronometer's `Category` and `Completed`) are not listed.
    public var skippedColumns: [String: Int] = [:]
    /// Biometrics metric name, as written, to the number of rows skipped because no vital sign matches it.
    public var skippedMetrics: [String: Int] = [:]

    public init() {}
}

/// One record read from a nutrition export.
public enum ImportedRecord: Sendable, Equatable {
    case nutrition(NutritionRecord)
    /// A vital sign from a Cronometer biometrics export.
    case vital(VitalRecord)
}

/// Everything read from one file.
public struct NutritionImport: Sendable, Equatable {
    public var format: NutritionFormat
    public var records: [NutritionRecord] = []
    /// Vital records; only Cronometer biometrics exports have them.
    public var vitals: [VitalRecord] = []
    public var report = NutritionImportReport()

    public init(format: NutritionFormat) {
        self.format = format
    }

    public var rejected: [NutritionRowIssue] { report.rejected }
    public var skippedColumns: [String: Int] { report.skippedColumns }
}

/// A file that no nutrition importer can read.
public enum NutritionImportError: Error, Equatable, CustomStringConvertible {
    /// The file has no header line.
    case emptyFile
    /// The header fits none of the formats.
    case unknownFormat(header: [String])
    case missingColumn(name: String, format: NutritionFormat)

    public var description: String {
        switch self {
        case .emptyFile:
            return "the file is empty: expected a header line"
        case .unknownFormat(let header):
            let preview = header.prefix(6).joined(separator: ",") + (header.count > 6 ? ",..." : "")
            return "unknown nutrition export: the header '\(preview)' fits no Cronometer, MyFitnessPal or "
                + "nutrition-csv layout"
        case .missingColumn(let name, let format):
            return "missing column '\(name)' for the \(format.rawValue) format"
        }
    }
}
