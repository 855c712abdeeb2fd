// Parsing of the vitals catalog file and construction of its name index. Runs once at startup on a file of a few
// dozen lines, so clarity wins over speed here.

enum CatalogParser {
    /// The header line's columns, in file order.
    static let columns = ["id", "short_name", "loinc", "display_name", "unit", "kind", "min", "max", "aliases"]
    /// Ids index a lookup array, so they must stay small.
    static let maximumId = 65_535

    struct Result {
        var metrics: [VitalMetric] = []
        var exactNames: [String: Int] = [:]
        var foldedNames: [String: Int] = [:]
        var indexById: [Int] = []
        var unitTables: [UnitTable] = []
    }

    static func parse(_ text: String) throws -> Result {
        var result = Result()
        var sawHeader = false
        var lineNumber = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            if line.hasPrefix("#") || line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                continue
            }
            if !sawHeader {
                try checkHeader(line, lineNumber: lineNumber)
                sawHeader = true
                continue
            }
            let (metric, table) = try parseRow(line, lineNumber: lineNumber)
            try add(metric, table: table, to: &result, lineNumber: lineNumber)
        }

        guard sawHeader else {
            throw CatalogError(line: lineNumber, message: "missing header line '\(columns.joined(separator: " "))'")
        }
        guard !result.metrics.isEmpty else {
            throw CatalogError(line: lineNumber, message: "the catalog lists no metrics")
        }
        return result
    }

    private static func checkHeader(_ line: Substring, lineNumber: Int) throws {
        let names = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingASCIIWhitespace() }
        guard names == columns else {
            throw CatalogError(
                line: lineNumber,
                message: "invalid header: expected the tab-separated columns \(columns.joined(separator: ", ")), "
                    + "found \(names.joined(separator: ", "))")
        }
    }

    // MARK: - Rows

    private static func parseRow(_ line: Substring, lineNumber: Int) throws -> (VitalMetric, UnitTable) {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingASCIIWhitespace() }
        func fail(_ message: String) -> CatalogError { CatalogError(line: lineNumber, message: message) }
        guard fields.count == columns.count else {
            throw fail("expected \(columns.count) tab-separated fields, found \(fields.count)")
        }

        guard let id = Int(fields[0]), (1...maximumId).contains(id) else {
            throw fail("invalid id '\(fields[0])': expected an integer from 1 to \(maximumId)")
        }
        let shortName = fields[1]
        guard isValidShortName(shortName) else {
            throw fail("invalid short_name '\(shortName)': use lowercase letters, digits and underscores")
        }
        guard fields[2].isEmpty || isValidLOINC(fields[2]) else {
            throw fail("invalid loinc '\(fields[2])' for \(shortName): expected digits, a hyphen and a check digit")
        }
        guard !fields[3].isEmpty else { throw fail("missing display_name for \(shortName)") }
        guard let table = UnitConverter.table(for: fields[4]) else {
            throw fail("unknown unit '\(fields[4])' for \(shortName): the unit converter has no table for it")
        }
        guard let kind = MetricKind(rawValue: fields[5]) else {
            throw fail("invalid kind '\(fields[5])' for \(shortName): expected discrete or cumulative")
        }
        let bounds = try parseBounds(minimum: fields[6], maximum: fields[7], metric: shortName, lineNumber: lineNumber)
        let aliases = fields[8].split(separator: "|").map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty }

        let metric = VitalMetric(
            id: id, shortName: shortName, loinc: fields[2], displayName: fields[3], unit: fields[4], kind: kind,
            minimum: bounds.lowerBound, maximum: bounds.upperBound, aliases: aliases)
        return (metric, table)
    }

    private static func parseBounds(
        minimum: String, maximum: String, metric: String, lineNumber: Int
    ) throws -> ClosedRange<Double> {
        guard let low = Double(minimum), low.isFinite else {
            throw CatalogError(line: lineNumber, message: "invalid min '\(minimum)' for \(metric): expected a number")
        }
        guard let high = Double(maximum), high.isFinite else {
            throw CatalogError(line: lineNumber, message: "invalid max '\(maximum)' for \(metric): expected a number")
        }
        guard low <= high else {
            let lowText = VitalsCatalog.formatNumber(low)
            let highText = VitalsCatalog.formatNumber(high)
            throw CatalogError(
                line: lineNumber, message: "invalid bounds for \(metric): min \(lowText) is above max \(highText)")
        }
        return low...high
    }

    private static func isValidShortName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// `NNNNN-N`: one to seven digits, a hyphen and one check digit.
    private static func isValidLOINC(_ code: String) -> Bool {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        let isDigits: (Substring) -> Bool = { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
        return parts.count == 2 && isDigits(parts[0]) && parts[0].count <= 7 && isDigits(parts[1])
            && parts[1].count == 1
    }

    // MARK: - Index

    private static func add(_ metric: VitalMetric, table: UnitTable, to result: inout Result, lineNumber: Int) throws {
        let index = result.metrics.count
        if metric.id < result.indexById.count, result.indexById[metric.id] >= 0 {
            let other = result.metrics[result.indexById[metric.id]].shortName
            throw CatalogError(
                line: lineNumber, message: "id \(metric.id) is used by both \(other) and \(metric.shortName)")
        }

        let names = [metric.shortName, metric.loinc, metric.displayName] + metric.aliases
        for name in names where !name.isEmpty {
            let key = name.lowercased()
            if let existing = result.foldedNames[key], existing != index {
                let other = result.metrics[existing].shortName
                throw CatalogError(
                    line: lineNumber, message: "name '\(name)' refers to both \(other) and \(metric.shortName)")
            }
            result.foldedNames[key] = index
            result.exactNames[name] = index
        }

        if metric.id >= result.indexById.count {
            result.indexById += Array(repeating: -1, count: metric.id + 1 - result.indexById.count)
        }
        result.indexById[metric.id] = index
        result.metrics.append(metric)
        result.unitTables.append(table)
    }
}
