// Maps a lab result as printed onto the lab catalog: which test it is, its value in the test's canonical unit,
// and its flag. Pure: no SQL, so the writer's inline path and the queue share it.
//
// The test: a stated LOINC code that the catalog has decides, except that within a property group (HbA1c in %
// and in mmol/mol) the reported unit chooses the group's row whose canonical unit fits it. Without a known code,
// the printed name is matched with `LabCatalog.match(name:unit:)`; a match below the acceptance threshold fails
// with the best candidates named. The flag uses the report's range, converted like the value, and else the
// catalog's default range.

import HealthDomain

/// A categorized lab result.
struct CategorizedLabResult {
    enum Kind: String {
        case numeric
        case censored
        case qualitative
    }

    var userId: Int64
    var testId: Int
    var collectedMs: Int64
    var offsetMinutes: Int
    var kind: Kind
    /// The number or the censored bound in the test's canonical unit; nil for a qualitative result.
    var value: Double?
    var comparator: LabComparator?
    /// The qualitative result, trimmed; nil otherwise.
    var text: String?
    var flag: LabFlag
    /// From 0 to 1; 1 when a stated code decided the test.
    var confidence: Double

    var localMs: Int64 { DomainRules.localMs(utcMs: collectedMs, offsetMinutes: offsetMinutes) }

    /// The result's contribution to a rollup row.
    var rollupStats: DomainRollupStats {
        DomainRollupStats.labResult(
            kind: kind, value: value, at: collectedMs, isAbnormal: flag == .low || flag == .high)
    }
}

extension DomainRollupStats {
    /// Returns one lab result's contribution to a rollup row. Every result is counted, but only a plain number
    /// enters the numeric statistics.
    static func labResult(kind: CategorizedLabResult.Kind, value: Double?, at time: Int64, isAbnormal: Bool)
        -> DomainRollupStats
    {
        var stats = DomainRollupStats()
        stats.count = 1
        switch kind {
        case .numeric: stats.numeric.add(value ?? .nan, at: time)
        case .censored: stats.censored = 1
        case .qualitative: stats.qualitative = 1
        }
        stats.abnormal = isAbnormal ? 1 : 0
        return stats
    }
}

struct LabResultCategorizer {
    /// A result mapped onto a catalog test, before its user and time are attached.
    struct Mapping {
        var test: LabTest
        var confidence: Double
        var value: LabValue
        var flag: LabFlag
    }

    let catalog: LabCatalog

    /// Maps a result onto the catalog, or returns why it cannot be categorized.
    func map(_ record: LabRecord) -> Result<Mapping, LabCategorizationFailure> {
        let printed = catalog.parseValue(record.valueText)
        if case .text(let text) = printed, text.isEmpty {
            return .failure(LabCategorizationFailure("the value is empty"))
        }

        let test: LabTest
        let confidence: Double
        switch resolveTest(record) {
        case .success(let resolved): (test, confidence) = resolved
        case .failure(let failure): return .failure(failure)
        }

        let value: LabValue
        switch printed {
        case .numeric(let number):
            guard let converted = convert(number, unit: record.unit, to: test) else {
                return .failure(unitFailure(record.unit, test: test))
            }
            value = .numeric(converted)
        case .censored(let comparator, let bound):
            guard let converted = convert(bound, unit: record.unit, to: test) else {
                return .failure(unitFailure(record.unit, test: test))
            }
            value = .censored(comparator, converted)
        case .text:
            value = printed
        }

        let low = record.referenceLow.flatMap { convert($0, unit: record.unit, to: test) }
        let high = record.referenceHigh.flatMap { convert($0, unit: record.unit, to: test) }
        // NOTE: a printed reference text such as "negative" is not compared with a qualitative result, so text
        // results are always flagged unknown and never count as abnormal.
        let flag = test.flag(value: value, low: low, high: high)
        return .success(Mapping(test: test, confidence: confidence, value: value, flag: flag))
    }

    // MARK: - Test

    /// Returns the test of a result with the confidence of the choice.
    func resolveTest(_ record: LabRecord) -> Result<(LabTest, Double), LabCategorizationFailure> {
        let unit = LabResultCategorizer.isBlank(record.unit) ? nil : record.unit
        if let code = record.code, let test = catalog.test(code: code) {
            return .success((groupMember(of: test, fitting: unit), 1))
        }
        let match = catalog.match(name: record.test, unit: unit)
        guard match.isAccepted, let best = match.best else {
            return .failure(LabCategorizationFailure(match.rejectionReason ?? "\"\(record.test)\" matches no test"))
        }
        return .success((best.test, best.confidence))
    }

    /// Returns the row of the test's property group that the unit chooses. That is the test itself when it has
    /// no group, no unit is given, or no other row of the group both wins the match and converts the unit.
    private func groupMember(of test: LabTest, fitting unit: String?) -> LabTest {
        guard let group = test.group, let unit else { return test }
        // The matcher accepts the primary's name for every row of its group and lets the unit decide.
        let primary = catalog.tests.first { $0.group == group } ?? test
        guard let chosen = catalog.match(name: primary.name, unit: unit).test, chosen.group == group,
            chosen.code != test.code, catalog.convert(value: 1, unit: unit, to: chosen) != nil
        else { return test }
        return chosen
    }

    // MARK: - Units

    /// `value` in the test's canonical unit, or nil. An empty unit reads as the dimensionless unit 1, so that a
    /// ratio such as an INR may be sent without one.
    func convert(_ value: Double, unit: String, to test: LabTest) -> Double? {
        guard value.isFinite else { return nil }
        let converted =
            catalog.convert(value: value, unit: unit, to: test)
            ?? (LabResultCategorizer.isBlank(unit) ? catalog.convert(value: value, unit: "1", to: test) : nil)
        guard let converted, converted.isFinite else { return nil }
        return converted
    }

    private func unitFailure(_ unit: String, test: LabTest) -> LabCategorizationFailure {
        let accepted = ([test.unit] + test.conversions.map(\.unit)).filter { !$0.isEmpty }
        let acceptedText =
            accepted.isEmpty
            ? "it takes no unit"
            : "use " + accepted.joined(separator: ", ") + " or another unit of the same dimension"
        if LabResultCategorizer.isBlank(unit) {
            return LabCategorizationFailure("the value has no unit for \(test.code) \(test.name): \(acceptedText)")
        }
        return LabCategorizationFailure(
            "unit \"\(unit)\" cannot be converted for \(test.code) \(test.name): \(acceptedText)")
    }

    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }
}

/// The reason a lab result could not be categorized, fit to store in raw and show to the user.
struct LabCategorizationFailure: Error {
    let reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}
