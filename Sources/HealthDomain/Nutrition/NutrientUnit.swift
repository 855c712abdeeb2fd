// The units that nutrient amounts come in, their accepted spellings and the conversions between them.

/// A unit of a nutrient amount.
public enum NutrientUnit: String, Sendable, CaseIterable {
    case gram = "g"
    case milligram = "mg"
    /// Written with U+00B5 MICRO SIGN, as Cronometer exports and the catalog file spell it.
    case microgram = "µg"
    case kilocalorie = "kcal"
    case kilojoule = "kJ"
    case internationalUnit = "IU"
    /// Percent of the daily value that a food label regulation sets for the nutrient.
    case percentDailyValue = "%DV"

    /// Kilojoules in one kilocalorie (the thermochemical calorie, as food labels use it).
    public static let kilojoulesPerKilocalorie = 4.184

    /// Lowercased spellings, with runs of spaces collapsed, mapped to their unit.
    private static let spellings: [String: NutrientUnit] = [
        "g": .gram, "gram": .gram, "grams": .gram,
        "mg": .milligram, "milligram": .milligram, "milligrams": .milligram,
        // U+00B5 MICRO SIGN and U+03BC GREEK SMALL LETTER MU look alike; both occur in exports.
        "µg": .microgram, "\u{03BC}g": .microgram, "mcg": .microgram, "ug": .microgram,
        "microgram": .microgram, "micrograms": .microgram,
        "kcal": .kilocalorie, "kilocalorie": .kilocalorie, "kilocalories": .kilocalorie,
        "kj": .kilojoule, "kilojoule": .kilojoule, "kilojoules": .kilojoule,
        "iu": .internationalUnit,
        "%dv": .percentDailyValue, "% dv": .percentDailyValue, "%": .percentDailyValue,
    ]

    /// Parses a unit as sources spell it: the canonical spelling, or a listed variant in any case (`MG`, `mcg`,
    /// `ug`, `μg` with a Greek mu, `KJ`, `% DV`). A bare `%` is percent of daily value. Nil for anything else.
    public init?(spelling: some StringProtocol) {
        if let unit = NutrientUnit(rawValue: String(spelling)) {
            self = unit
            return
        }
        let words = spelling.lowercased().split(separator: " ")
        guard let unit = Self.spellings[words.joined(separator: " ")] else { return nil }
        self = unit
    }

    /// The power of ten that turns an amount in this unit into grams; nil for units that are not a mass.
    var gramExponent: Int? {
        switch self {
        case .gram: return 0
        case .milligram: return -3
        case .microgram: return -6
        case .kilocalorie, .kilojoule, .internationalUnit, .percentDailyValue: return nil
        }
    }

    /// Converts `value` from this unit to `target`: between g, mg and µg, and between kcal and kJ.
    ///
    /// Returns `value` unchanged when the units are equal, and nil when no conversion exists (mass to energy, IU or
    /// %DV to anything else). Scaling divides by an exact power of ten where possible, so that `5 mg` gives exactly
    /// the Double nearest to 0.005 g.
    public func convert(_ value: Double, to target: NutrientUnit) -> Double? {
        if self == target {
            return value
        }
        if let from = gramExponent, let to = target.gramExponent {
            return Self.scale(value, byPowerOfTen: from - to)
        }
        switch (self, target) {
        case (.kilojoule, .kilocalorie): return value / Self.kilojoulesPerKilocalorie
        case (.kilocalorie, .kilojoule): return value * Self.kilojoulesPerKilocalorie
        default: return nil
        }
    }

    private static func scale(_ value: Double, byPowerOfTen exponent: Int) -> Double {
        var power = 1.0
        for _ in 0..<abs(exponent) {
            power *= 10
        }
        return exponent >= 0 ? value * power : value / power
    }
}
