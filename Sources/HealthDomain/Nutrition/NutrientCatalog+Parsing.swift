// Parsing of the nutrient catalog file and construction of its name index. Runs once per process on a file of about
// a hundred lines, so clarity wins over speed here.

enum NutrientCatalogParser {
    /// The header line's columns, in file order.
    static let columns = ["id", "short_name", "display_name", "unit", "kind", "iu_factor", "aliases"]
    /// Ids index a lookup array, so they must stay small.
    static let maximumId = 65_535

    struct Result {
        var nutrients: [Nutrient] = []
        var exactNames: [String: Int] = [:]
        var normalizedNames: [String: Int] = [:]
        var indexById: [Int] = []
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
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map {
                $0.trimmingASCIIWhitespace()
            }
            if !sawHeader {
                guard fields == columns else {
                    throw CatalogError(
                        line: lineNumber,
                        message: "invalid header: expected the tab-separated columns "
                            + "\(columns.joined(separator: ", ")), found \(fields.joined(separator: ", "))")
                }
                sawHeader = true
                continue
            }
            let nutrient = try parseRow(fields, lineNumber: lineNumber)
            try add(nutrient, to: &result, lineNumber: lineNumber)
        }

        guard sawHeader else {
            throw CatalogError(line: lineNumber, message: "missing header line '\(columns.joined(separator: " "))'")
        }
        guard !result.nutrients.isEmpty else {
            throw CatalogError(line: lineNumber, message: "the catalog lists no nutrients")
        }
        return result
    }

    // MARK: - Rows

    private static func parseRow(_ fields: [String], lineNumber: Int) throws -> Nutrient {
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
        guard !fields[2].isEmpty else { throw fail("missing display_name for \(shortName)") }
        guard let unit = NutrientUnit(rawValue: fields[3]) else {
            let units = NutrientUnit.allCases.map(\.rawValue).joined(separator: ", ")
            throw fail("invalid unit '\(fields[3])' for \(shortName): expected one of \(units)")
        }
        guard let kind = NutrientKind(rawValue: fields[4]) else {
            throw fail("invalid kind '\(fields[4])' for \(shortName): expected mass, energy, percent_dv or other")
        }
        try checkUnit(unit, fitsKind: kind, shortName: shortName, lineNumber: lineNumber)
        let factor = try parseFactor(fields[5], kind: kind, shortName: shortName, lineNumber: lineNumber)
        let aliases = fields[6].split(separator: "|").map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty }

        let nutrient = Nutrient(
            id: id, shortName: shortName, displayName: fields[2], unit: unit, kind: kind,
            internationalUnitFactor: factor, aliases: aliases)
        for alias in aliases {
            if let suffix = NutrientName.splitUnitSuffix(alias), !nutrient.accepts(suffix.unit) {
                throw fail("alias '\(alias)' of \(shortName) states the unit \(suffix.unit.rawValue), which "
                    + "\(shortName) does not accept")
            }
        }
        return nutrient
    }

    private static func checkUnit(_ unit: NutrientUnit, fitsKind kind: NutrientKind, shortName: String, lineNumber: Int)
        throws
    {
        let fits: Bool
        switch kind {
        case .mass: fits = unit.gramExponent != nil
        case .energy: fits = unit == .kilocalorie
        case .percentDailyValue: fits = unit == .percentDailyValue
        case .other: fits = unit == .internationalUnit
        }
        guard fits else {
            throw CatalogError(
                line: lineNumber,
                message: "unit \(unit.rawValue) does not fit kind \(kind.rawValue) for \(shortName): mass uses g, mg "
                    + "or µg, energy kcal, percent_dv %DV and other IU")
        }
    }

    private static func parseFactor(_ text: String, kind: NutrientKind, shortName: String, lineNumber: Int) throws
        -> Double?
    {
        guard !text.isEmpty else { return nil }
        guard kind == .mass else {
            throw CatalogError(
                line: lineNumber, message: "iu_factor is set for \(shortName), but only mass nutrients convert IU")
        }
        guard let factor = Double(text), factor.isFinite, factor > 0 else {
            throw CatalogError(
                line: lineNumber, message: "invalid iu_factor '\(text)' for \(shortName): expected a positive number")
        }
        return factor
    }

    private static func isValidShortName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    // MARK: - Index

    private static func add(_ nutrient: Nutrient, to result: inout Result, lineNumber: Int) throws {
        let index = result.nutrients.count
        if nutrient.id < result.indexById.count, result.indexById[nutrient.id] >= 0 {
            let other = result.nutrients[result.indexById[nutrient.id]].shortName
            throw CatalogError(
                line: lineNumber, message: "id \(nutrient.id) is used by both \(other) and \(nutrient.shortName)")
        }

        for name in [nutrient.shortName, nutrient.displayName] + nutrient.aliases {
            let key = NutrientName.key(name)
            if let existing = result.normalizedNames[key], existing != index {
                let other = result.nutrients[existing].shortName
                throw CatalogError(
                    line: lineNumber, message: "name '\(name)' refers to both \(other) and \(nutrient.shortName)")
            }
            result.normalizedNames[key] = index
            result.exactNames[name] = index
        }

        if nutrient.id >= result.indexById.count {
            result.indexById += Array(repeating: -1, count: nutrient.id + 1 - result.indexById.count)
        }
        result.indexById[nutrient.id] = index
        result.nutrients.append(nutrient)
    }
}
