// One test of the lab catalog (schema/labs-catalog.tsv) and the unit conversions it accepts.

/// A factor that turns a value in another unit into the test's canonical unit:
/// `canonical = value * multiplier / divisor + offset`.
public struct LabUnitConversion: Sendable, Equatable {
    /// The unit the conversion reads, as the catalog spells it (such as `mmol/L`).
    public let unit: String
    public let multiplier: Double
    public let divisor: Double
    public let offset: Double

    public init(unit: String, multiplier: Double = 1, divisor: Double = 1, offset: Double = 0) {
        self.unit = unit
        self.multiplier = multiplier
        self.divisor = divisor
        self.offset = offset
    }

    /// `value` in the canonical unit.
    public func apply(_ value: Double) -> Double {
        value * multiplier / divisor + offset
    }
}

/// A lab test: LOINC code, names, canonical unit, accepted conversions and default reference range.
public struct LabTest: Sendable, Equatable {
    /// LOINC code, such as `2345-7`.
    public let code: String
    /// Canonical display name, such as `Glucose`.
    public let name: String
    /// Panel or category, such as `lipids` or `blood-count`.
    public let category: String
    /// Canonical unit in UCUM spelling, or empty for qualitative tests.
    public let unit: String
    public let conversions: [LabUnitConversion]
    /// Default lower reference limit in the canonical unit, or nil when the range is open below.
    public let referenceLow: Double?
    /// Default upper reference limit in the canonical unit, or nil when the range is open above.
    public let referenceHigh: Double?
    /// Property group shared with the tests that measure the same analyte in another unit dimension, or nil.
    public let group: String?
    /// Other names and abbreviations, as written in the catalog.
    public let synonyms: [String]
    /// The catalog line the test was read from.
    public let line: Int

    public init(
        code: String, name: String, category: String, unit: String, conversions: [LabUnitConversion] = [],
        referenceLow: Double? = nil, referenceHigh: Double? = nil, group: String? = nil, synonyms: [String] = [],
        line: Int = 0
    ) {
        self.code = code
        self.name = name
        self.category = category
        self.unit = unit
        self.conversions = conversions
        self.referenceLow = referenceLow
        self.referenceHigh = referenceHigh
        self.group = group
        self.synonyms = synonyms
        self.line = line
    }

    /// Flags `value` against the report's range when the report gives at least one bound, else against the
    /// catalog's default range. The value and a report range must be in the same unit. The default range is in
    /// the canonical unit, so pass a converted value when no report range is given.
    public func flag(value: LabValue, low: Double?, high: Double?) -> LabFlag {
        if low != nil || high != nil { return LabFlag(value: value, low: low, high: high) }
        return LabFlag(value: value, low: referenceLow, high: referenceHigh)
    }
}
