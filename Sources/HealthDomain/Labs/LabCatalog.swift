// The lab-test catalog: LOINC-coded tests with canonical units, conversions, default reference ranges and
// synonyms, and the matcher that maps free-text result names such as "HbA1c", "Haemoglobin" or "LDL Chol. (Calc)"
// onto them. Built once at startup from schema/labs-catalog.tsv. Every lookup after that is read-only, so one
// catalog can serve all threads.

/// The lab-test catalog with lookups by code, name matching, unit conversion and value parsing.
public struct LabCatalog: Sendable {
    /// The tests in catalog file order.
    public private(set) var tests: [LabTest]
    private let indexByCode: [String: Int]
    let matchIndex: LabMatchIndex

    /// Parses the catalog text (the format is documented in the header of schema/labs-catalog.tsv).
    ///
    /// - Throws: `LabCatalogError` with the line of the first problem: a malformed row, an invalid LOINC code or
    ///   unit, a duplicate code, or a property group whose units a reported unit cannot distinguish. An alias that
    ///   normalizes to the same words for two tests outside one property group throws an error naming both tests.
    public init(tsv: String) throws(LabCatalogError) {
        let tests = try LabCatalog.parseTests(tsv)
        self.tests = tests
        var indexByCode: [String: Int] = [:]
        for (index, test) in tests.enumerated() { indexByCode[test.code] = index }
        self.indexByCode = indexByCode
        self.matchIndex = try LabMatchIndex(tests: tests)
    }

    /// Returns the test with this LOINC code, or nil.
    public func test(code: String) -> LabTest? {
        indexByCode[LabValue.trimmed(code)].map { tests[$0] }
    }

    /// Matches a free-text test name against the catalog. The unit, when given, decides between the tests of a
    /// property group (HbA1c in % or mmol/mol) and favors tests whose canonical unit has the same dimension (an
    /// absolute neutrophil count in 10*3/uL rather than the percentage).
    public func match(name: String, unit: String?) -> LabMatch {
        let ranked = matchIndex.rank(name: name, unit: unit)
        let candidates = ranked.prefix(4).map { LabCandidate(test: tests[$0.test], confidence: min(1, $0.score)) }
        return LabMatch(name: name, unit: unit, best: candidates.first, runnersUp: Array(candidates.dropFirst()))
    }

    /// `value` in `unit` converted to the canonical unit of `test`, or nil when the unit is not convertible (an
    /// unknown unit, a unit of another dimension without a catalog factor, or a non-finite value).
    public func convert(value: Double, unit: String, to test: LabTest) -> Double? {
        guard value.isFinite else { return nil }
        let spelled = LabUnit.clean(unit)
        if spelled == LabUnit.clean(test.unit) { return value }
        for conversion in test.conversions where LabUnit.clean(conversion.unit) == spelled {
            return conversion.apply(value)
        }

        guard let given = LabUnit.parse(unit) else { return nil }
        if let canonical = LabUnit.parse(test.unit), canonical.dimension == given.dimension {
            return value * given.scale / canonical.scale
        }
        for conversion in test.conversions {
            guard let listed = LabUnit.parse(conversion.unit), listed.dimension == given.dimension else { continue }
            return conversion.apply(value * given.scale / listed.scale)
        }
        return nil
    }

    /// Parses a printed result value as `LabValue.init(parsing:)` does.
    public func parseValue(_ text: String) -> LabValue {
        LabValue(parsing: text)
    }
}
