// Rules shared by the vitals writer and reader: raw row status values, rollup tables, and the checks a record
// must pass before it is categorized.

import HealthDomain

/// The `vitals_raw.status` values.
enum RawStatus: Int {
    case pending = 0
    case aggregated = 1
    case failed = 2
    case deleted = 3
}

enum VitalsRules {
    /// The granularities that vitals keep rollups for, in the order of their tables.
    static let granularities: [Granularity] = [.hour, .day, .week, .month]

    /// The maximum span of a cumulative sample. Rollup recomputes read only samples that start at most this long
    /// before the bucket, so a longer sample could be missed.
    static let maximumCumulativeSpanMs: Int64 = 7 * BucketKey.millisecondsPerDay

    /// The first accepted instant, 1900-01-01T00:00Z.
    static let earliestMs = CivilDate(year: 1900, month: 1, day: 1).daysSinceEpoch * BucketKey.millisecondsPerDay
    /// The end of the last accepted year, 2201-01-01T00:00Z (exclusive).
    static let endOfLatestYearMs =
        CivilDate(year: 2201, month: 1, day: 1).daysSinceEpoch * BucketKey.millisecondsPerDay

    /// The largest accepted UTC offset magnitude in minutes.
    /// The largest offset an hour key can hold.
    static let maximumOffsetMinutes = BucketKey.maximumOffsetMinutes

    /// Returns the rollup table of a granularity, or nil when vitals keep no rollups for it.
    static func rollupTable(_ granularity: Granularity) -> String? {
        switch granularity {
        case .hour: return "vitals_hour"
        case .day: return "vitals_day"
        case .week: return "vitals_week"
        case .month: return "vitals_month"
        case .quarter, .year: return nil
        }
    }

    /// Checks a record's times without the catalog and returns why they are invalid, or nil when they are valid.
    static func timeFailure(startMs: Int64, endMs: Int64, offsetMinutes: Int) -> String? {
        if startMs < earliestMs || startMs >= endOfLatestYearMs {
            return "start time is outside the years 1900 to 2200"
        }
        if endMs < earliestMs || endMs >= endOfLatestYearMs {
            return "end time is outside the years 1900 to 2200"
        }
        if endMs < startMs {
            return "end time is before start time; send the earlier time as the start"
        }
        if abs(offsetMinutes) > maximumOffsetMinutes {
            return "UTC offset of \(offsetMinutes) minutes is outside -\(maximumOffsetMinutes) to "
                + "+\(maximumOffsetMinutes) minutes"
        }
        return nil
    }

    /// Checks the span of a categorized sample and returns why it cannot be rolled up, or nil when it can.
    static func spanFailure(kind: MetricKind, startMs: Int64, endMs: Int64) -> String? {
        guard kind == .cumulative, endMs - startMs > maximumCumulativeSpanMs else { return nil }
        return "cumulative sample spans more than 7 days; split it into samples of at most 7 days"
    }
}
