// The vitals catalog: metrics with LOINC code, short name, canonical unit, kind, plausible bounds and aliases,
// parsed from the tab-separated catalog file under schema/.

/// One vital-sign metric of the catalog.
public struct VitalMetric: Sendable, Equatable {
    /// Small stable integer id stored in every vitals table; never reused for another metric.
    public let id: Int
    /// Catalog short name, such as `heart_rate`.
    public let shortName: String
    /// LOINC code, such as `8867-4`.
    public let loinc: String
    /// Human-readable name, such as `Heart rate`.
    public let displayName: String
    /// Canonical unit, spelled as the catalog spells it (such as `count/min`, `kg`, `mg/dL`).
    public let unit: String
    public let kind: MetricKind
    /// Smallest plausible value in the canonical unit; smaller values are rejected.
    public let minimum: Double
    /// Largest plausible value in the canonical unit; larger values are rejected.
    public let maximum: Double
    /// Every other accepted name: HealthKit identifiers, more LOINC codes, common spellings.
    public let aliases: [String]
}

/// The outcome of mapping one submitted vital record onto the catalog.
public enum VitalCategorization: Sendable, Equatable {
    /// The metric id and the value in the metric's canonical unit.
    case accepted(metricId: Int, value: Double)
    /// A reason fit to store in raw and show to the user, naming the value and the fix.
    case rejected(reason: String)
}

public struct CatalogError: Error, Sendable, CustomStringConvertible {
    public let line: Int
    public let message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "catalog line \(line): \(message)" }
}

/// The vitals catalog with lookups by every accepted name.
public struct VitalsCatalog: Sendable {
    public let metrics: [VitalMetric]

    /// Parses the catalog file text; throws `CatalogError` on a malformed line or an alias used twice.
    public init(tsv: String) throws {
        fatalError("TODO: VitalsCatalog.init(tsv:)")
    }

    /// The metric with this id, or nil.
    public func metric(id: Int) -> VitalMetric? {
        fatalError("TODO: VitalsCatalog.metric(id:)")
    }

    /// The metric that a name refers to: short name, LOINC code, HealthKit identifier or another alias,
    /// case-insensitive. Nil when no metric has that name.
    public func metric(named name: String) -> VitalMetric? {
        fatalError("TODO: VitalsCatalog.metric(named:)")
    }

    /// Maps a submitted record onto the catalog: resolves the name, converts the value to the canonical unit
    /// and checks it against the plausible bounds and for NaN or infinity.
    public func categorize(name: String, value: Double, unit: String) -> VitalCategorization {
        fatalError("TODO: VitalsCatalog.categorize")
    }
}
