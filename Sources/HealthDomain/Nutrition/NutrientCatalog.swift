// The nutrient catalog: nutrients with a stable id, short name, canonical unit, kind and aliases (the column headers
// of nutrition exports), parsed from the tab-separated catalog file under schema/. Importers resolve column headers
// with it once per file; the store categorizes every submitted nutrient amount with it.

/// How amounts of a nutrient are measured, which decides the units it accepts.
public enum NutrientKind: String, Sendable {
    /// A mass in g, mg or µg; IU too where the nutrient has an IU factor.
    case mass
    /// Food energy in kcal or kJ.
    case energy
    /// Percent of a label's daily value (%DV), never converted to a mass.
    case percentDailyValue = "percent_dv"
    /// Only the nutrient's own unit is accepted, such as IU of vitamin A.
    case other
}

/// One nutrient of the catalog.
public struct Nutrient: Sendable, Equatable {
    /// Small stable integer id stored in every nutrition table; never reused for another nutrient.
    public let id: Int
    /// Catalog short name, such as `protein` or `calcium_dv`.
    public let shortName: String
    /// Human-readable name, such as `Saturated fat`.
    public let displayName: String
    /// Canonical unit: categorized values are stored in it.
    public let unit: NutrientUnit
    public let kind: NutrientKind
    /// Amount in the canonical unit of one international unit; nil where IU is not accepted.
    public let internationalUnitFactor: Double?
    /// Every other accepted name, as the catalog file spells it.
    public let aliases: [String]

    /// Returns whether amounts in `unit` convert to this nutrient's canonical unit.
    public func accepts(_ unit: NutrientUnit) -> Bool {
        if unit == .internationalUnit {
            return self.unit == .internationalUnit || internationalUnitFactor != nil
        }
        return unit.convert(1, to: self.unit) != nil
    }

    /// Converts `value` in `unit` to the canonical unit; nil when `accepts(unit)` is false.
    public func canonicalValue(_ value: Double, unit: NutrientUnit) -> Double? {
        if unit == .internationalUnit, self.unit != .internationalUnit {
            return internationalUnitFactor.map { value * $0 }
        }
        return unit.convert(value, to: self.unit)
    }
}

/// A column header resolved against the catalog: the nutrient and the unit its values are in.
public struct NutrientColumn: Sendable, Equatable {
    public let nutrient: Nutrient
    /// The unit the header states in parentheses, or the nutrient's canonical unit when it states none.
    public let unit: NutrientUnit

    public init(nutrient: Nutrient, unit: NutrientUnit) {
        self.nutrient = nutrient
        self.unit = unit
    }
}

/// The outcome of mapping one submitted nutrient amount onto the catalog.
public enum NutrientCategorization: Sendable, Equatable {
    /// The nutrient id and the value in the nutrient's canonical unit.
    case accepted(id: Int, canonicalValue: Double)
    /// A reason fit to store in raw and show to the user, naming the value and the fix.
    case rejected(reason: String)
}

/// The nutrient catalog with lookups by every accepted name.
///
/// Built once and then only read, from any thread. A name sent exactly as the catalog spells it, such as a short
/// name, costs one hash lookup. Other spellings are normalized first (case, spaces, the micro sign, the unit suffix).
public struct NutrientCatalog: Sendable {
    public let nutrients: [Nutrient]

    /// Index into `nutrients` by every name exactly as the catalog spells it.
    let exactNames: [String: Int]
    /// Index into `nutrients` by `NutrientName.key` of every name.
    let normalizedNames: [String: Int]
    /// Index into `nutrients` by nutrient id; -1 where no nutrient has that id.
    let indexById: [Int]

    /// Parses the catalog file text; throws `CatalogError` on a malformed line or a name used by two nutrients.
    ///
    /// The text is the file format of `schema/nutrients-catalog.tsv`: `#` comment lines, a header line naming the
    /// columns, then one tab-separated row per nutrient. An error names the line and, for a name that refers to
    /// two nutrients, both nutrients.
    public init(tsv: String) throws {
        let parsed = try NutrientCatalogParser.parse(tsv)
        nutrients = parsed.nutrients
        exactNames = parsed.exactNames
        normalizedNames = parsed.normalizedNames
        indexById = parsed.indexById
    }

    /// Returns the nutrient with this id, or nil.
    public func nutrient(id: Int) -> Nutrient? {
        guard id >= 0, id < indexById.count, indexById[id] >= 0 else { return nil }
        return nutrients[indexById[id]]
    }

    /// Returns the nutrient that a name refers to: short name, display name or alias, case-insensitive, optionally
    /// followed by a unit in parentheses (`Vitamin B12 (mcg)`). Nil when no nutrient has that name or the
    /// nutrient does not accept the stated unit.
    public func nutrient(named name: String) -> Nutrient? {
        column(forHeader: name)?.nutrient
    }

    /// Resolves an export's column header to a nutrient and the unit of the column's values.
    ///
    /// The whole header is looked up first, so a listed alias such as `Vitamin A (IU)` wins over the rule for unit
    /// suffixes. Otherwise a trailing unit in parentheses is split off and the rest looked up. The unit is the
    /// stated one, or the canonical unit when the header states none. Nil when the name is unknown or the
    /// nutrient does not accept the stated unit: such a column must be skipped, not guessed.
    public func column(forHeader header: String) -> NutrientColumn? {
        if let index = exactNames[header] ?? normalizedNames[NutrientName.key(header)] {
            let nutrient = nutrients[index]
            // Short names, the common case on the server, end in a letter and skip the suffix split.
            if header.hasSuffix(")"), let unit = NutrientName.splitUnitSuffix(header)?.unit, nutrient.accepts(unit) {
                return NutrientColumn(nutrient: nutrient, unit: unit)
            }
            return NutrientColumn(nutrient: nutrient, unit: nutrient.unit)
        }
        guard let suffix = NutrientName.splitUnitSuffix(header),
            let index = normalizedNames[NutrientName.key(suffix.base)]
        else { return nil }
        let nutrient = nutrients[index]
        guard nutrient.accepts(suffix.unit) else { return nil }
        return NutrientColumn(nutrient: nutrient, unit: suffix.unit)
    }

    /// Converts `value` from `unit` to `targetUnit`: between g, mg and µg, and between kcal and kJ.
    /// Nil when either spelling is not a unit or no conversion exists between them.
    public static func convert(value: Double, unit: String, to targetUnit: String) -> Double? {
        guard let from = NutrientUnit(spelling: unit), let to = NutrientUnit(spelling: targetUnit) else { return nil }
        return from.convert(value, to: to)
    }

    /// Maps a submitted amount onto the catalog: resolves the name, checks the value and converts it to the
    /// canonical unit.
    ///
    /// An empty `unit` means the unit the name states in parentheses, else the canonical unit. Rejected: unknown
    /// names, units the nutrient does not accept, and values that are negative, NaN or infinite.
    public func categorize(name: String, value: Double, unit: String) -> NutrientCategorization {
        guard let column = column(forHeader: name) else {
            return .rejected(reason: Self.unknownNutrientReason(name))
        }
        let nutrient = column.nutrient
        guard value.isFinite, value >= 0 else {
            return .rejected(
                reason: "invalid value \(VitalsCatalog.formatNumber(value)) for \(nutrient.shortName): the amount "
                    + "must be a finite number of at least 0")
        }

        var sourceUnit = column.unit
        if !unit.allSatisfy({ $0 == " " || $0 == "\t" }) {
            guard let parsed = NutrientUnit(spelling: unit.trimmingASCIIWhitespace()), nutrient.accepts(parsed) else {
                return .rejected(reason: Self.unitReason(unit, nutrient: nutrient))
            }
            sourceUnit = parsed
        }
        guard let converted = nutrient.canonicalValue(value, unit: sourceUnit) else {
            return .rejected(reason: Self.unitReason(unit, nutrient: nutrient))
        }
        // A negative zero would print as -0 in replies.
        return .accepted(id: nutrient.id, canonicalValue: converted == 0 ? 0 : converted)
    }

    // MARK: - Rejection reasons

    /// Maximum length, in characters, of a name or unit quoted in a reason. Longer text is cut and ends with `…`.
    static let maximumQuotedLength = 80

    static func unknownNutrientReason(_ name: String) -> String {
        "unknown nutrient '\(quoted(name))': use a catalog short name such as protein, or a column header with an "
            + "accepted unit such as 'Protein (g)'"
    }

    static func unitReason(_ unit: String, nutrient: Nutrient) -> String {
        let accepted = NutrientUnit.allCases.filter { nutrient.accepts($0) }.map(\.rawValue)
        return "unit '\(quoted(unit))' is not accepted for \(nutrient.shortName): use "
            + accepted.joined(separator: ", ")
    }

    private static func quoted(_ text: String) -> String {
        text.count <= maximumQuotedLength ? text : text.prefix(maximumQuotedLength) + "…"
    }
}
