// Assigns a sample to rollup buckets: a discrete sample to the bucket of its start, a cumulative sample that
// spans bucket edges to every bucket it overlaps, in proportion to time (as HealthKit's statistics do).

/// How a metric combines over time.
public enum MetricKind: String, Sendable {
    /// Averaged over a bucket, like heart rate; the sample belongs to the bucket of its start.
    case discrete
    /// Summed over a bucket, like steps; a sample spanning bucket edges is split in proportion to time.
    case cumulative
}

public enum SampleSplitter {
    /// Calls `body(key, value, time)` once per bucket of `granularity` that the sample contributes to.
    ///
    /// `startMs` and `endMs` are UTC milliseconds, `offsetMinutes` the sample's UTC offset. A cumulative sample
    /// with `endMs > startMs` is split at the local bucket edges; each piece gets `value * pieceLength / length`,
    /// except a piece that covers the whole sample, which gets `value` unchanged. `time` is the UTC start of the
    /// piece. Every other sample goes whole to the bucket of its start.
    public static func forEachPiece(
        _ granularity: Granularity, kind: MetricKind, value: Double, startMs: Int64, endMs: Int64,
        offsetMinutes: Int, _ body: (_ key: Int64, _ value: Double, _ time: Int64) -> Void
    ) {
        let offsetMs = Int64(offsetMinutes) * 60_000
        let localStart = startMs + offsetMs
        let firstKey = BucketKey.key(granularity, localMs: localStart, offsetMinutes: offsetMinutes)
        guard kind == .cumulative, endMs > startMs else {
            body(firstKey, value, startMs)
            return
        }

        let localEnd = endMs + offsetMs
        let length = Double(endMs - startMs)
        var pieceStart = localStart
        var key = firstKey
        while pieceStart < localEnd {
            let bucketEnd = BucketKey.localRange(granularity, key: key).upperBound
            let pieceEnd = Swift.min(bucketEnd, localEnd)
            if pieceStart == localStart && pieceEnd == localEnd {
                body(key, value, startMs)
            } else {
                body(key, value * (Double(pieceEnd - pieceStart) / length), pieceStart - offsetMs)
            }
            pieceStart = pieceEnd
            key = BucketKey.key(granularity, localMs: pieceStart, offsetMinutes: offsetMinutes)
        }
    }
}
