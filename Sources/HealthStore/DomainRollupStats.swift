// The statistics of one nutrition or labs rollup row and how they are bound to and read from SQL. Both domains
// share the vitals columns (count to last_value) and add counters of their own: nutrition `days`, labs
// `abnormal`, `censored` and `qualitative`.

import HealthDomain

/// One nutrition or labs rollup row's statistics.
struct DomainRollupStats: Equatable {
    /// The plain numeric values: every amount for nutrition, the numeric results (not censored, not qualitative)
    /// for labs.
    var numeric = RollupStats()
    /// Every entry or result in the bucket, numeric or not.
    var count: Int64 = 0
    /// Nutrition: local days in the bucket with at least one entry.
    var days: Int64 = 0
    /// Labs: results flagged low or high.
    var abnormal: Int64 = 0
    /// Labs: results with a comparator.
    var censored: Int64 = 0
    /// Labs: text results.
    var qualitative: Int64 = 0

    /// Adds the entries of `other`, taken as added after this one's. `days` is added as well; callers that
    /// track days per bucket set it afterwards.
    mutating func merge(_ other: DomainRollupStats) {
        numeric.merge(other.numeric)
        count += other.count
        days += other.days
        abnormal += other.abnormal
        censored += other.censored
        qualitative += other.qualitative
    }

    /// The row a query returns: `stats.count` is every entry or result, the other statistics are the numeric ones.
    func row(key: Int64) -> RollupRow {
        var stats = numeric
        stats.count = count
        return RollupRow(
            key: key, stats: stats, days: days, abnormal: abnormal, censored: censored, qualitative: qualitative)
    }
}

/// A counter column that a nutrition or labs rollup table has beyond the vitals columns.
enum DomainRollupCounter: String {
    case days
    case abnormal
    case censored
    case qualitative

    static let nutrition: [DomainRollupCounter] = [.days]
    static let labs: [DomainRollupCounter] = [.abnormal, .censored, .qualitative]

    var keyPath: WritableKeyPath<DomainRollupStats, Int64> {
        switch self {
        case .days: return \.days
        case .abnormal: return \.abnormal
        case .censored: return \.censored
        case .qualitative: return \.qualitative
        }
    }
}

extension Statement {
    /// Binds count, sum, min, max, sum_sq, first_ts, first_value, last_ts, last_value and then `counters` to
    /// parameters starting at `first`. Min to last_value are bound as NULL when the row has no numeric value.
    func bindDomainRollupStats(_ stats: DomainRollupStats, counters: [DomainRollupCounter], from first: Int32)
        throws
    {
        let numeric = stats.numeric
        try bind(first, stats.count)
        try bind(first + 1, numeric.count > 0 ? numeric.sum : 0)
        try bind(first + 4, numeric.count > 0 ? numeric.sumOfSquares : 0)
        if numeric.count > 0 {
            try bind(first + 2, numeric.minimum)
            try bind(first + 3, numeric.maximum)
            try bind(first + 5, numeric.firstTime)
            try bind(first + 6, numeric.firstValue)
            try bind(first + 7, numeric.lastTime)
            try bind(first + 8, numeric.lastValue)
        } else {
            for offset: Int32 in [2, 3, 5, 6, 7, 8] {
                try bindNull(first + offset)
            }
        }
        for (index, counter) in counters.enumerated() {
            try bind(first + 9 + Int32(index), stats[keyPath: counter.keyPath])
        }
    }

    /// Reads the columns that `bindDomainRollupStats` binds, starting at column `first`. The numeric count is
    /// count less the censored and qualitative results. A row without numeric values reads as an empty
    /// RollupStats, whatever min to last_value contain.
    func domainRollupStats(from first: Int32, counters: [DomainRollupCounter]) -> DomainRollupStats {
        var stats = DomainRollupStats()
        stats.count = int64(first)
        for (index, counter) in counters.enumerated() {
            stats[keyPath: counter.keyPath] = int64(first + 9 + Int32(index))
        }
        let numericCount = stats.count - stats.censored - stats.qualitative
        if numericCount > 0 {
            stats.numeric = RollupStats(
                count: numericCount, sum: double(first + 1), minimum: double(first + 2),
                maximum: double(first + 3), sumOfSquares: double(first + 4), firstTime: int64(first + 5),
                firstValue: double(first + 6), lastTime: int64(first + 7), lastValue: double(first + 8))
        }
        return stats
    }
}
