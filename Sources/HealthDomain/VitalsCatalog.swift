// The vitals catalog: metrics with LOINC code, short name, canonical unit, kind, plausible bounds and aliases,
// parsed from the tab-separated catalog file under schema/.

/// One vital-sign metric of the catalog.
public struct VitalMetric: Sendable, Equatable {
    /// Small stable integer id stored in every vitals table; never reused for another metric.
    public let id: Int
    /// Catalog short name, such as `heart_rate`.
    public let shortName: String
    /// LOINC code, such as `8867-4`; empty for a metric that LOINC has no code for, such as `basal_energy`.
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
///
/// Built once at startup and then only read, from any thread. Lookups and `categorize` use dictionaries prepared
/// at load time: a name sent exactly as the catalog spells it costs one hash lookup and no allocation.
public struct VitalsCatalog: Sendable {
    public let metrics: [VitalMetric]

    /// Index into `metrics` by every name exactly as the catalog spells it.
    let exactNames: [String: Int]
    /// Index into `metrics` by every name lowercased.
    let foldedNames: [String: Int]
    /// Index into `metrics` by metric id; -1 where no metric has that id.
    let indexById: [Int]
    /// The conversion table of each metric's canonical unit, parallel to `metrics`.
    let unitTables: [UnitTable]

    /// Parses the catalog file text; throws `CatalogError` on a malformed line or an alias used twice.
    ///
    /// The text is the file format of `schema/vitals-catalog.tsv`: `#` comment lines, a header line naming the
    /// columns, then one tab-separated row per metric. An error names the line and, for a name that refers to
    /// two metrics, both metrics.
    public init(tsv: String) throws {
        let parsed = try CatalogParser.parse(tsv)
        metrics = parsed.metrics
        exactNames = parsed.exactNames
        foldedNames = parsed.foldedNames
        indexById = parsed.indexById
        unitTables = parsed.unitTables
    }

    /// The metric with this id, or nil.
    public func metric(id: Int) -> VitalMetric? {
        guard id >= 0, id < indexById.count, indexById[id] >= 0 else { return nil }
        return metrics[indexById[id]]
    }

    /// The metric that a name refers to: short name, LOINC code, HealthKit identifier or another alias,
    /// case-insensitive. Nil when no metric has that name.
    public func metric(named name: String) -> VitalMetric? {
        metricIndex(named: name).map { metrics[$0] }
    }

    /// Maps a submitted record onto the catalog: resolves the name, converts the value to the canonical unit
    /// and checks it against the plausible bounds and for NaN or infinity.
    public func categorize(name: String, value: Double, unit: String) -> VitalCategorization {
        guard let index = metricIndex(named: name) else {
            return .rejected(reason: Self.unknownMetricReason(name))
        }
        let metric = metrics[index]
        guard value.isFinite else {
            let reason = "invalid value \(value) for \(metric.shortName): the value must be a finite number"
            return .rejected(reason: reason)
        }
        guard let converted = unitTables[index].convert(value, from: unit) else {
            return .rejected(reason: unitReason(unit, metric: metric, table: unitTables[index]))
        }
        guard converted >= metric.minimum, converted <= metric.maximum else {
            return .rejected(reason: boundsReason(value, unit: unit, converted: converted, metric: metric))
        }
        return .accepted(metricId: metric.id, value: converted)
    }

    func metricIndex(named name: String) -> Int? {
        if let index = exactNames[name] {
            return index
        }
        return foldedNames[name.trimmingASCIIWhitespace().lowercased()]
    }
}
