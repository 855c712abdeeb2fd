// The reasons `VitalsCatalog.categorize` gives for a rejected record. They are stored with the raw record and shown
// to its owner, so they name the value as sent and list what would be accepted.

extension VitalsCatalog {
    /// Maximum length, in characters, of a name or unit quoted in a reason. Longer text is cut and ends with `…`.
    static let maximumQuotedLength = 80

    static func unknownMetricReason(_ name: String) -> String {
        "unknown metric '\(quoted(name))': use a catalog short name such as heart_rate, a LOINC code "
            + "or a HealthKit identifier"
    }

    func unitReason(_ unit: String, metric: VitalMetric, table: UnitTable) -> String {
        let problem = unit.isEmpty ? "missing unit" : "unit '\(Self.quoted(unit))' is not accepted"
        return "\(problem) for \(metric.shortName): use one of \(table.acceptedDescription)"
    }

    func boundsReason(_ value: Double, unit: String, converted: Double, metric: VitalMetric) -> String {
        var sent = Self.formatNumber(value)
        if !unit.isEmpty {
            sent += " " + Self.quoted(unit)
        }
        if unit != metric.unit {
            sent += " (\(Self.formatNumber(converted)) \(metric.unit))"
        }
        return "value \(sent) for \(metric.shortName) is outside the plausible range "
            + "\(Self.formatNumber(metric.minimum)) to \(Self.formatNumber(metric.maximum)) \(metric.unit)"
    }

    /// Whole numbers without a decimal point, others rounded to 4 decimals.
    static func formatNumber(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        let rounded = (value * 10_000).rounded() / 10_000
        return rounded == 0 || !rounded.isFinite ? String(value) : String(rounded)
    }

    private static func quoted(_ text: String) -> String {
        text.count <= maximumQuotedLength ? text : text.prefix(maximumQuotedLength) + "…"
    }
}
