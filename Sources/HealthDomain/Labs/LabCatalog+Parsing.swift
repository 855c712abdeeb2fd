// Parsing of the lab catalog file (schema/labs-catalog.tsv), whose header comment documents the columns. Every
// field is checked, and the first problem throws LabCatalogError with its line.

extension LabCatalog {
    /// The column names the header row must list, in order.
    static let columns = ["code", "name", "category", "unit", "low", "high", "group", "conversions", "synonyms"]

    /// Parses the tests of the catalog text and returns them in file order.
    static func parseTests(_ tsv: String) throws(LabCatalogError) -> [LabTest] {
        var tests: [LabTest] = []
        var lineForCode: [String: Int] = [:]
        var sawHeader = false

        for (offset, rawLine) in tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            if LabValue.trimmed(line).isEmpty || line.hasPrefix("#") { continue }

            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map {
                LabValue.trimmed(String($0))
            }
            guard sawHeader else {
                guard fields == columns else {
                    throw LabCatalogError(
                        kind: .invalidHeader, line: lineNumber,
                        message: "expected the column header \(columns.joined(separator: ", ")) separated by tabs")
                }
                sawHeader = true
                continue
            }

            let test = try parseRow(fields, line: lineNumber)
            if let firstLine = lineForCode[test.code] {
                throw LabCatalogError(
                    kind: .duplicateCode, line: lineNumber,
                    message: "code \(test.code) is already defined on line \(firstLine)", codes: [test.code])
            }
            lineForCode[test.code] = lineNumber
            tests.append(test)
        }
        guard sawHeader else {
            throw LabCatalogError(kind: .invalidHeader, line: 1, message: "the catalog has no column header")
        }
        try checkGroups(tests)
        return tests
    }

    private static func parseRow(_ fields: [String], line: Int) throws(LabCatalogError) -> LabTest {
        guard fields.count == columns.count else {
            throw LabCatalogError(
                kind: .malformedRow, line: line,
                message: "expected \(columns.count) tab-separated columns, found \(fields.count)")
        }
        let code = fields[0]
        guard isValidLOINC(code) else {
            throw LabCatalogError(
                kind: .invalidCode, line: line,
                message: "\"\(code)\" is not a LOINC code with a correct check digit", codes: [code])
        }
        guard !fields[1].isEmpty, !fields[2].isEmpty else {
            throw LabCatalogError(
                kind: .malformedRow, line: line, message: "the name and category of \(code) must not be empty",
                codes: [code])
        }

        let unit = fields[3]
        if !unit.isEmpty && LabUnit.parse(unit) == nil {
            throw LabCatalogError(
                kind: .invalidValue, line: line, message: "unit \"\(unit)\" of \(code) is not a recognized unit",
                codes: [code])
        }
        let low = try parseBound(fields[4], column: "low", code: code, line: line)
        let high = try parseBound(fields[5], column: "high", code: code, line: line)
        if let low, let high, low > high {
            throw LabCatalogError(
                kind: .invalidValue, line: line, message: "reference low \(low) of \(code) is above high \(high)",
                codes: [code])
        }

        var conversions: [LabUnitConversion] = []
        for entry in fields[7].split(separator: "|") {
            conversions.append(try parseConversion(LabValue.trimmed(String(entry)), code: code, line: line))
        }
        let synonyms = fields[8].split(separator: "|").map { LabValue.trimmed(String($0)) }.filter { !$0.isEmpty }
        return LabTest(
            code: code, name: fields[1], category: fields[2], unit: unit, conversions: conversions,
            referenceLow: low, referenceHigh: high, group: fields[6].isEmpty ? nil : fields[6], synonyms: synonyms,
            line: line)
    }

    private static func parseBound(_ text: String, column: String, code: String, line: Int) throws(LabCatalogError)
        -> Double?
    {
        guard !text.isEmpty else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw LabCatalogError(
                kind: .invalidValue, line: line, message: "\(column) \"\(text)\" of \(code) is not a number",
                codes: [code])
        }
        return value
    }

    /// Parses `UNIT=F`, `UNIT=/D` or either with a trailing `+O` or `-O` offset.
    private static func parseConversion(_ text: String, code: String, line: Int) throws(LabCatalogError)
        -> LabUnitConversion
    {
        func invalid(_ reason: String) -> LabCatalogError {
            LabCatalogError(
                kind: .invalidValue, line: line, message: "conversion \"\(text)\" of \(code): \(reason)", codes: [code])
        }
        guard let equals = text.firstIndex(of: "=") else { throw invalid("expected UNIT=FACTOR") }
        let unit = LabValue.trimmed(String(text[..<equals]))
        guard LabUnit.parse(unit) != nil else { throw invalid("\"\(unit)\" is not a recognized unit") }

        var factorText = Substring(text[text.index(after: equals)...])
        let divides = factorText.hasPrefix("/")
        if divides { factorText = factorText.dropFirst() }
        var offset = 0.0
        if let signIndex = factorText.dropFirst().firstIndex(where: { $0 == "+" || $0 == "-" }) {
            guard let parsedOffset = Double(factorText[signIndex...]) else {
                throw invalid("the offset is not a number")
            }
            offset = parsedOffset
            factorText = factorText[..<signIndex]
        }
        guard let factor = Double(factorText), factor.isFinite, factor > 0 else {
            throw invalid("the factor is not a positive number")
        }
        return LabUnitConversion(
            unit: unit, multiplier: divides ? 1 : factor, divisor: divides ? factor : 1, offset: offset)
    }

    /// Checks that each property group has canonical units of distinct dimensions, so a reported unit picks one.
    private static func checkGroups(_ tests: [LabTest]) throws(LabCatalogError) {
        var dimensionOwner: [String: LabTest] = [:]
        for test in tests {
            guard let group = test.group else { continue }
            guard let dimension = LabUnit.parse(test.unit)?.dimension else {
                throw LabCatalogError(
                    kind: .ambiguousGroup, line: test.line,
                    message: "\(test.code) is in group \"\(group)\" but has no canonical unit to tell it apart",
                    codes: [test.code])
            }
            let key = group + "\u{0}" + dimension
            if let other = dimensionOwner[key] {
                throw LabCatalogError(
                    kind: .ambiguousGroup, line: test.line,
                    message: "\(test.code) \(test.name) and \(other.code) \(other.name) are both in group \"\(group)\" "
                        + "with units of dimension \(dimension), so a reported unit cannot choose between them",
                    codes: [other.code, test.code])
            }
            dimensionOwner[key] = test
        }
    }

    /// Checks that `code` is a LOINC code (digits, a hyphen and a check digit) with the right check digit. LOINC
    /// check digits use the Luhn (mod 10) algorithm over the digits before the hyphen.
    static func isValidLOINC(_ code: String) -> Bool {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...7).contains(parts[0].count), parts[1].count == 1,
            parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), let check = Int(parts[1])
        else { return false }

        var sum = 0
        for (position, character) in parts[0].reversed().enumerated() {
            var digit = Int(String(character))!
            if position % 2 == 0 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return (10 - sum % 10) % 10 == check
    }
}
