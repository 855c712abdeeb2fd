// The statistics one rollup row holds, and how samples combine into them.

/// Count, sum, extremes, sum of squares, and first and last sample of one bucket.
///
/// Ties on time: `first` keeps the sample added earlier, `last` takes the sample added later, so combining in
/// insertion order and upserting with `excluded.last_ts >= last_ts` give the same result as a recompute that
/// orders equal times by categorized row id.
public struct RollupStats: Equatable, Sendable {
    public var count: Int64 = 0
    public var sum: Double = 0
    public var minimum: Double = .infinity
    public var maximum: Double = -.infinity
    public var sumOfSquares: Double = 0
    /// UTC milliseconds of the earliest sample.
    public var firstTime: Int64 = .max
    public var firstValue: Double = 0
    /// UTC milliseconds of the latest sample.
    public var lastTime: Int64 = .min
    public var lastValue: Double = 0

    public init() {}

    public init(
        count: Int64, sum: Double, minimum: Double, maximum: Double, sumOfSquares: Double,
        firstTime: Int64, firstValue: Double, lastTime: Int64, lastValue: Double
    ) {
        self.count = count
        self.sum = sum
        self.minimum = minimum
        self.maximum = maximum
        self.sumOfSquares = sumOfSquares
        self.firstTime = firstTime
        self.firstValue = firstValue
        self.lastTime = lastTime
        self.lastValue = lastValue
    }

    public var isEmpty: Bool { count == 0 }

    public var mean: Double { count == 0 ? .nan : sum / Double(count) }

    /// Population standard deviation; 0 for one sample, NaN for none.
    public var populationStandardDeviation: Double {
        guard count > 0 else { return .nan }
        let mean = sum / Double(count)
        let variance = sumOfSquares / Double(count) - mean * mean
        return variance > 0 ? variance.squareRoot() : 0
    }

    public mutating func add(_ value: Double, at time: Int64) {
        count += 1
        sum += value
        sumOfSquares += value * value
        if value < minimum { minimum = value }
        if value > maximum { maximum = value }
        if time < firstTime {
            firstTime = time
            firstValue = value
        }
        if time >= lastTime {
            lastTime = time
            lastValue = value
        }
    }

    /// Adds the samples of `other`, taken as added after this one's.
    public mutating func merge(_ other: RollupStats) {
        guard other.count > 0 else { return }
        count += other.count
        sum += other.sum
        sumOfSquares += other.sumOfSquares
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        if other.firstTime < firstTime {
            firstTime = other.firstTime
            firstValue = other.firstValue
        }
        if other.lastTime >= lastTime {
            lastTime = other.lastTime
            lastValue = other.lastValue
        }
    }
}
