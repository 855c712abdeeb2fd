// Lab result values as printed on reports: plain numbers, censored numbers such as "<0.5" that keep their
// comparator, and qualitative results such as "NEG", "1+" or "1:80" that stay text. Also the low/normal/high flag.

/// The comparator of a censored result such as `<0.5` or `>=90`.
public enum LabComparator: String, Sendable, Equatable, CaseIterable {
    case lessThan = "<"
    case lessThanOrEqual = "<="
    case greaterThan = ">"
    case greaterThanOrEqual = ">="
}

/// A result value as the report printed it.
public enum LabValue: Sendable, Equatable {
    /// A plain number.
    case numeric(Double)
    /// A number reported with a comparator (`<0.5`, `>90`): the true value lies beyond the bound.
    case censored(LabComparator, Double)
    /// A qualitative result (`negative`, `NEG`, `POS`, `1+`, `1:80`, `trace`), trimmed but otherwise unchanged.
    case text(String)

    /// Parses a printed result. Numbers may use a decimal comma (`5,4`) and an exponent (`1.2e3`). A comparator
    /// (`<`, `<=`, `>`, `>=`, `≤`, `≥`) before a number gives `.censored`. Anything else, including NaN, infinity
    /// and numbers followed by words, stays `.text`.
    public init(parsing text: String) {
        let trimmed = LabValue.trimmed(text)
        if let number = LabValue.parseNumber(trimmed) {
            self = .numeric(number)
            return
        }
        if let (comparator, rest) = LabValue.splitComparator(trimmed), let bound = LabValue.parseNumber(rest) {
            self = .censored(comparator, bound)
            return
        }
        self = .text(trimmed)
    }

    /// The number, or nil for a censored or qualitative value.
    public var numericValue: Double? {
        if case .numeric(let number) = self { return number }
        return nil
    }

    private static func splitComparator(_ text: String) -> (LabComparator, String)? {
        let spellings: [(String, LabComparator)] = [
            ("<=", .lessThanOrEqual), ("=<", .lessThanOrEqual), ("\u{2264}", .lessThanOrEqual),
            (">=", .greaterThanOrEqual), ("=>", .greaterThanOrEqual), ("\u{2265}", .greaterThanOrEqual),
            ("<", .lessThan), (">", .greaterThan),
        ]
        for (spelling, comparator) in spellings where text.hasPrefix(spelling) {
            return (comparator, trimmed(String(text.dropFirst(spelling.count))))
        }
        return nil
    }

    /// Parses a plain decimal number, or returns nil. A single comma is a decimal comma. Commas before a point, and
    /// several comma groups of three digits, separate thousands.
    static func parseNumber(_ text: String) -> Double? {
        guard !text.isEmpty, text.utf8.allSatisfy({ numberCharacters.contains($0) }) else { return nil }
        guard text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let commaCount = text.utf8.filter { $0 == 0x2C }.count
        let pointCount = text.utf8.filter { $0 == 0x2E }.count

        var normalized = text
        if commaCount > 0 {
            if pointCount > 0 {
                // "1,234.5" (US) or "1.234,5" (European): the separator that comes last marks the decimals.
                let lastComma = text.lastIndex(of: ",")!
                let lastPoint = text.lastIndex(of: ".")!
                if lastComma < lastPoint {
                    normalized = String(text.filter { $0 != "," })
                } else {
                    normalized = String(text.filter { $0 != "." }.map { $0 == "," ? "." : $0 })
                }
            } else if commaCount > 1 {
                normalized = isThousandsGrouping(text) ? String(text.filter { $0 != "," }) : ""
            } else {
                // NOTE: "1,234" reads as 1.234 (a decimal comma), although a US report would mean 1234.
                normalized = String(text.map { $0 == "," ? "." : $0 })
            }
        }
        guard let number = Double(normalized), number.isFinite else { return nil }
        return number
    }

    /// Checks whether `text` is digits grouped by commas in threes, such as `1,234,567`.
    private static func isThousandsGrouping(_ text: String) -> Bool {
        let groups = text.split(separator: ",", omittingEmptySubsequences: false)
        guard let first = groups.first, (1...3).contains(first.count) else { return false }
        return groups.dropFirst().allSatisfy { $0.count == 3 }
    }

    private static let numberCharacters: Set<UInt8> = Set(Array("0123456789.,+-eE".utf8))

    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        let isBlank: (Unicode.Scalar) -> Bool = {
            $0.properties.isWhitespace || (0x200B...0x200D).contains($0.value) || $0.value == 0xFEFF
                || $0.value == 0x2060
        }
        guard let first = scalars.firstIndex(where: { !isBlank($0) }),
            let last = scalars.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}

/// Position of a result relative to its reference range.
public enum LabFlag: String, Sendable, Equatable, CaseIterable {
    case low
    case normal
    case high
    /// No range, a qualitative value, or a censored value whose bound does not settle the side.
    case unknown

    /// Flags `value` against the range `low...high`, bounds included. Either bound may be nil (open).
    public init(value: LabValue, low: Double?, high: Double?) {
        guard low != nil || high != nil else {
            self = .unknown
            return
        }
        switch value {
        case .numeric(let number):
            if let low, number < low {
                self = .low
            } else if let high, number > high {
                self = .high
            } else {
                self = .normal
            }
        case .censored(let comparator, let bound):
            self = LabFlag.censored(comparator, bound, low: low, high: high)
        case .text:
            self = .unknown
        }
    }

    /// Flags a censored value when the bound settles the side. For example `<0.01` against 0.45...4.5 is low,
    /// `<0.5` against 0...10 is normal, and `<5` against 1...10 is unknown.
    private static func censored(_ comparator: LabComparator, _ bound: Double, low: Double?, high: Double?) -> LabFlag {
        switch comparator {
        case .lessThan, .lessThanOrEqual:
            let strict = comparator == .lessThan
            if let low, strict ? bound <= low : bound < low { return .low }
            // A lower limit of 0 excludes nothing that a concentration can be.
            let noLowerLimit = low.map { $0 == 0 } ?? true
            if noLowerLimit, let high, bound <= high { return .normal }
            if noLowerLimit, high == nil { return .normal }
            return .unknown
        case .greaterThan, .greaterThanOrEqual:
            let strict = comparator == .greaterThan
            if let high, strict ? bound >= high : bound > high { return .high }
            if high == nil, let low, bound >= low { return .normal }
            return .unknown
        }
    }
}
