// Conversion of submitted units into a catalog metric's canonical unit. Called once per submitted record, so a
// lookup is one dictionary probe on the spelling as sent and allocates nothing unless that probe misses.
//
// Matching: the exact spelling first, then the spelling trimmed and lowercased. Spellings whose lowercase form
// means something else (`Cal` is a kilocalorie, `cal` a calorie) only match exactly.

/// Converts values into the canonical units that the vitals catalog uses.
public enum UnitConverter {
    /// Milligrams per decilitre of glucose in one millimole per litre: the molar mass of glucose,
    /// 180.156 g/mol, divided by 10. Every glucose conversion uses this one value, including HealthKit's
    /// `mmol<180.1558800000541>/L`, so that the same reading gives the same mg/dL whatever the source.
    public static let glucoseMgPerDlPerMmolPerL = 18.0156

    /// The canonical units that have a conversion table, in no particular order.
    public static var canonicalUnits: [String] { Array(tables.keys) }

    /// Converts `value` in `unit` to `canonicalUnit`.
    ///
    /// Nil when `canonicalUnit` has no conversion table or `unit` is not accepted for it. For the canonical unit
    /// `%`, a value of at most 1 in `%` is read as a fraction and multiplied by 100.
    public static func convert(_ value: Double, from unit: String, to canonicalUnit: String) -> Double? {
        tables[canonicalUnit]?.convert(value, from: unit)
    }

    /// The unit spellings accepted for `canonicalUnit`, canonical first; nil when it has no conversion table.
    /// Case variants of the listed spellings are accepted too, except for `Cal` and `[Cal]`.
    public static func acceptedUnits(for canonicalUnit: String) -> [String]? {
        tables[canonicalUnit]?.spellings
    }

    /// Returns the conversion table for `canonicalUnit`, or nil when there is none.
    static func table(for canonicalUnit: String) -> UnitTable? {
        tables[canonicalUnit]
    }

    static let tables: [String: UnitTable] = {
        var result: [String: UnitTable] = [:]
        for table in UnitTable.all {
            precondition(result[table.canonical] == nil, "two unit tables for \(table.canonical)")
            result[table.canonical] = table
        }
        return result
    }()
}

/// One way to turn a value in some unit into the canonical unit: `(value + addend) * factor`.
struct UnitConversion: Sendable, Equatable {
    var addend: Double = 0
    var factor: Double = 1
    /// Whether a value of at most 1 is a fraction that becomes a percentage (see `UnitTable.percent`).
    var readsSmallValuesAsFraction = false

    func apply(_ value: Double) -> Double {
        if readsSmallValuesAsFraction && value <= 1 {
            return value * 100
        }
        return (value + addend) * factor
    }
}

/// The accepted spellings of one canonical unit with their conversions.
struct UnitTable: Sendable {
    let canonical: String
    /// Every accepted spelling, canonical first, for error messages.
    let spellings: [String]
    /// `spellings` joined for error messages.
    let acceptedDescription: String
    private let exact: [String: UnitConversion]
    private let folded: [String: UnitConversion]
    /// Whether any `mmol<molar mass>/L` spelling is glucose in mmol/L.
    private let acceptsMolarMassMillimoles: Bool

    /// - Parameters:
    ///   - entries: spelling, conversion and whether the spelling matches only in exactly this case.
    init(
        _ canonical: String, _ entries: [(String, UnitConversion, caseSensitive: Bool)],
        acceptsMolarMassMillimoles: Bool = false
    ) {
        var exact: [String: UnitConversion] = [:]
        var folded: [String: UnitConversion] = [:]
        for (spelling, conversion, caseSensitive) in entries {
            precondition(exact[spelling] == nil, "unit \(spelling) listed twice for \(canonical)")
            exact[spelling] = conversion
            guard !caseSensitive else { continue }
            let key = spelling.lowercased()
            precondition(
                folded[key] == nil || folded[key] == conversion,
                "unit spellings that differ only in case convert differently for \(canonical): \(spelling)")
            folded[key] = conversion
        }
        precondition(
            exact[canonical]?.factor == 1 && exact[canonical]?.addend == 0,
            "the canonical unit \(canonical) must convert as itself")

        self.canonical = canonical
        self.spellings = entries.map(\.0)
        self.exact = exact
        self.folded = folded
        self.acceptsMolarMassMillimoles = acceptsMolarMassMillimoles
        var listed = spellings.map { $0.isEmpty ? "an empty unit" : $0 }
        if acceptsMolarMassMillimoles {
            listed.append("mmol<molar mass>/L")
        }
        self.acceptedDescription = listed.joined(separator: ", ")
    }

    /// Converts `value` from `unit` to the canonical unit; nil when `unit` is not accepted.
    func convert(_ value: Double, from unit: String) -> Double? {
        if let conversion = exact[unit] {
            return conversion.apply(value)
        }
        return slowConversion(for: unit)?.apply(value)
    }

    /// Looks up a spelling that is not in the table exactly as sent. Allocates a lowercased copy.
    private func slowConversion(for unit: String) -> UnitConversion? {
        let key = unit.trimmingASCIIWhitespace().lowercased()
        if let conversion = folded[key] {
            return conversion
        }
        // HealthKit qualifies glucose millimoles with the molar mass it used, as in `mmol<180.1558800000541>/L`.
        // The stated molar mass is ignored so that every glucose value uses the one pinned factor.
        if acceptsMolarMassMillimoles, key.count > 8, key.hasPrefix("mmol<"), key.hasSuffix(">/l") {
            return UnitConversion(factor: UnitConverter.glucoseMgPerDlPerMmolPerL)
        }
        return nil
    }
}

extension StringProtocol {
    /// Returns the text without leading and trailing spaces and tabs.
    func trimmingASCIIWhitespace() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
