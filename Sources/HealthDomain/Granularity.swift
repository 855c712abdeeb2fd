// Bucket granularities and the integer bucket keys stored in the rollup tables.

/// The three kinds of data the store keeps; each has raw, categorized and rollup tables of its own.
public enum HealthDataDomain: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case vitals = 1
    case nutrition = 2
    case labs = 3

    public var description: String {
        switch self {
        case .vitals: return "vitals"
        case .nutrition: return "nutrition"
        case .labs: return "labs"
        }
    }

    public init?(name: String) {
        guard let match = HealthDataDomain.allCases.first(where: { $0.description == name }) else { return nil }
        self = match
    }
}

/// The width of a rollup bucket. Every bucket is taken in the sample's own local time.
public enum Granularity: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case hour = 1
    case day = 2
    /// ISO week, Monday to Sunday.
    case week = 3
    case month = 4
    case quarter = 5
    case year = 6

    public var description: String {
        switch self {
        case .hour: return "hour"
        case .day: return "day"
        case .week: return "week"
        case .month: return "month"
        case .quarter: return "quarter"
        case .year: return "year"
        }
    }

    public init?(name: String) {
        guard let match = Granularity.allCases.first(where: { $0.description == name }) else { return nil }
        self = match
    }
}
