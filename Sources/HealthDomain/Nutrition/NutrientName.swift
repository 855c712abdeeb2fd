// Normalization of nutrient names and column headers for catalog lookups.

enum NutrientName {
    /// Returns the lookup key of a name: trimmed, lowercased, runs of spaces collapsed, a Greek mu (U+03BC) replaced by the
    /// micro sign (U+00B5), and a trailing unit in parentheses respelled canonically, so that `Vitamin B12 (mcg)`,
    /// `vitamin b12 (μg)` and `Vitamin B12(ug)` share the key `vitamin b12 (µg)`.
    static func key(_ name: some StringProtocol) -> String {
        if let suffix = splitUnitSuffix(name) {
            return fold(suffix.base) + " (" + suffix.unit.rawValue.lowercased() + ")"
        }
        return fold(name)
    }

    /// Splits `Name (unit)` into the name and the unit. Returns nil when no name precedes the parentheses or when
    /// `NutrientUnit(spelling:)` does not accept their content, as in `B12 (Cobalamin)`.
    static func splitUnitSuffix(_ text: some StringProtocol) -> (base: String, unit: NutrientUnit)? {
        let trimmed = text.trimmingASCIIWhitespace()
        guard trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") else { return nil }
        let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        guard let unit = NutrientUnit(spelling: inner.trimmingASCIIWhitespace()) else { return nil }
        let base = trimmed[..<open].trimmingASCIIWhitespace()
        guard !base.isEmpty else { return nil }
        return (base, unit)
    }

    private static func fold(_ text: some StringProtocol) -> String {
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" })
        return words.joined(separator: " ").replacingMicroSigns()
    }
}

extension String {
    /// Returns the text with every U+03BC GREEK SMALL LETTER MU replaced by U+00B5 MICRO SIGN.
    fileprivate func replacingMicroSigns() -> String {
        guard unicodeScalars.contains("\u{03BC}") else { return self }
        var scalars = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            scalars.append(scalar == "\u{03BC}" ? "\u{00B5}" : scalar)
        }
        return String(scalars)
    }
}
