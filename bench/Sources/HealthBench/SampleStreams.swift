// Synthetic per-user vitals streams shaped like a watch and a scale. Heart rate comes every 3 to 7 minutes awake
// and every 8 to 15 minutes asleep. Step counts cover spans of a few minutes while awake, some crossing an hour
// edge, and there is one weight a day. Every record has a source, a UUID-shaped source record id and its UTC
// offset, as device exports do. The same user index and seed always give the same records.

import HealthDomain

enum SampleStreams {
    /// Samples an average day holds, for sizing the span of a stream.
    static let approximateSamplesPerDay = 330
    /// UTC offsets in minutes that users are spread over (New York, Berlin, Tokyo, Los Angeles, London, Delhi).
    static let offsets = [-300, 60, 540, -480, 0, 330]
    /// Local midnight of the first day of every stream: 2024-01-01.
    static let firstDay = CivilDate(year: 2024, month: 1, day: 1).daysSinceEpoch

    /// Generates the first `count` records of user `userIndex`'s stream, in time order, with source record ids
    /// in the given style. The values and times do not depend on the style.
    static func records(userIndex: Int, count: Int, seed: UInt64 = 1, ids: RecordIdStyle = .uuid) -> [VitalRecord] {
        var random = BenchRandom(seed: seed &* 1_000_003 &+ UInt64(userIndex))
        let offset = offsets[userIndex % offsets.count]
        let offsetMs = Int64(offset) * 60_000
        var weight = 65 + random.double(in: 0..<30)
        var records: [VitalRecord] = []
        records.reserveCapacity(count)

        var day = firstDay
        while records.count < count {
            let midnightUTC = day * BucketKey.millisecondsPerDay - offsetMs
            var dayRecords: [VitalRecord] = []
            addHeartRate(midnightUTC: midnightUTC, offset: offset, random: &random, into: &dayRecords)
            addSteps(midnightUTC: midnightUTC, offset: offset, random: &random, into: &dayRecords)
            weight += random.double(in: -0.3..<0.3)
            let weighedAt = midnightUTC + 7 * BucketKey.millisecondsPerHour + random.int64(in: 0..<1_800_000)
            dayRecords.append(
                record("body_weight", (weight * 10).rounded() / 10, "kg", weighedAt, weighedAt, offset, "Bench Scale",
                    &random))
            dayRecords.sort { $0.startMs < $1.startMs }
            records.append(contentsOf: dayRecords.prefix(count - records.count))
            day += 1
        }
        switch ids {
        case .uuid:
            break
        case .sequential:
            for index in records.indices {
                let digits = String(index)
                records[index].sourceRecordId = "\(userIndex)-" + String(repeating: "0", count: max(0, 9 - digits.count))
                    + digits
            }
        case .none:
            for index in records.indices {
                records[index].sourceRecordId = nil
            }
        }
        return records
    }

    /// Cuts `stream` into submits of `size` records.
    static func batches(_ stream: [VitalRecord], size: Int) -> [[VitalRecord]] {
        stride(from: 0, to: stream.count, by: size).map { Array(stream[$0..<min($0 + size, stream.count)]) }
    }

    private static func addHeartRate(
        midnightUTC: Int64, offset: Int, random: inout BenchRandom, into records: inout [VitalRecord]
    ) {
        var time = midnightUTC + random.int64(in: 0..<300_000)
        let end = midnightUTC + BucketKey.millisecondsPerDay
        while time < end {
            let hour = (time - midnightUTC) / BucketKey.millisecondsPerHour
            let awake = hour >= 7 && hour < 23
            let value: Double
            if !awake {
                value = 50 + random.double(in: 0..<15)
            } else if hour == 18 && random.int64(in: 0..<3) == 0 {
                value = 120 + random.double(in: 0..<45)
            } else {
                value = 62 + random.double(in: 0..<40)
            }
            records.append(
                record("heart_rate", value.rounded(), "count/min", time, time, offset, "Bench Watch", &random))
            let gapMinutes = awake ? random.int64(in: 3..<8) : random.int64(in: 8..<16)
            time += gapMinutes * 60_000 + random.int64(in: 0..<30_000)
        }
    }

    private static func addSteps(
        midnightUTC: Int64, offset: Int, random: inout BenchRandom, into records: inout [VitalRecord]
    ) {
        var time = midnightUTC + 7 * BucketKey.millisecondsPerHour + random.int64(in: 0..<600_000)
        let end = midnightUTC + 23 * BucketKey.millisecondsPerHour
        while time < end {
            let span = random.int64(in: 2..<11) * 60_000
            let steps = Double(random.int64(in: 20..<1200))
            records.append(record("steps", steps, "count", time, time + span, offset, "Bench Watch", &random))
            time += span + random.int64(in: 5..<20) * 60_000
        }
    }

    private static func record(
        _ metric: String, _ value: Double, _ unit: String, _ start: Int64, _ end: Int64, _ offset: Int,
        _ source: String, _ random: inout BenchRandom
    ) -> VitalRecord {
        VitalRecord(
            metric: metric, value: value, unit: unit, startMs: start, endMs: end, offsetMinutes: offset,
            source: source, sourceRecordId: random.uuidString())
    }
}

/// The kind of source record id that the synthetic records carry.
enum RecordIdStyle: String, CaseIterable {
    /// Random UUIDs, as HealthKit gives its samples; they land at random places in the store's unique index.
    case uuid
    /// Ids that grow with time within a user, so index inserts append.
    case sequential
    /// No source record id: nothing to deduplicate, and the unique index is not touched.
    case none
}

/// SplitMix64: a small, fast, seedable generator, so every run generates the same data.
struct BenchRandom {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int64(in range: Range<Int64>) -> Int64 {
        range.lowerBound + Int64(next() % UInt64(range.upperBound - range.lowerBound))
    }

    mutating func double(in range: Range<Double>) -> Double {
        range.lowerBound + Double(next() >> 11) / Double(1 << 53) * (range.upperBound - range.lowerBound)
    }

    /// 32 random hex digits in the 8-4-4-4-12 layout of a UUID.
    mutating func uuidString() -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        for (part, length) in [8, 4, 4, 4, 12].enumerated() {
            if part > 0 { bytes.append(UInt8(ascii: "-")) }
            var bits = next()
            for _ in 0..<length {
                bytes.append(digits[Int(bits & 15)])
                bits >>= 4
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
